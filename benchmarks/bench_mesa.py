"""The engine against a genuine Mesa model of the same two mechanisms (a benchmark, not a test).

The reference is a Mesa 3 model (``mesa.Model`` + ``mesa.Agent``) of the
engine's own threat and arms equations as they stand in
:mod:`flashpoint.mechanisms.threat` (``walt`` variant) and
:mod:`flashpoint.mechanisms.arms` (``relative`` variant, each actor's own
posterior spending trend, pledge floors, burden ceiling, budget shocks),
written agent by agent in plain Python floats:

* one ``Nation`` agent per actor of the default world, holding its spending,
  GDP, perceived intent of every other actor, stockpile, trend, ceiling and
  pledges;
* two-phase activation: every agent first *perceives* (its threat row from
  the others' start-of-step spending, its own log-deviation from trend) and
  *decides* its next spending from what all others perceived, then every
  agent *advances* (commits), so all agents see the same start-of-step state,
  as the engine's mechanisms do;
* the same world, the same per-run parameter draws (the engine's Latin
  hypercube) and the same per-run, per-step budget shocks (the engine's
  event streams), under the status quo (no scenario levers).

The engine runs the same ensemble with every other mechanism disabled
(``Plan(disabled=...)``, ``variants={"arms": "relative"}``). Note that the
engine still *evaluates* disabled mechanisms (their derived quantities may be
read by others) and its yearly metrics, so its time here is an upper bound
on "the same two mechanisms vectorised". The parity check compares yearly
spending of every actor in every run.

Usage::

    pip install -e '.[bench]'
    python benchmarks/bench_mesa.py                 # 5 and 100 runs (Mesa), engine also at 1,000
    python benchmarks/bench_mesa.py --mesa-1000     # Mesa at 1,000 runs too (about 1 min per 25 runs/s)
"""

from __future__ import annotations

import argparse
import math
import time
from typing import Any

import mesa
import numpy as np
from scipy.special import ndtri

from flashpoint.engine.initial import initial_state
from flashpoint.engine.plan import Plan
from flashpoint.engine.rng import draw_events
from flashpoint.engine.run import RunConfig, design_parameters, run_ensemble
from flashpoint.mechanisms import REGISTRY
from flashpoint.world import load_world
from flashpoint.world.arrays import EURO_ATLANTIC, INDO_PACIFIC, WorldArrays
from flashpoint.world.flashpoints import flashpoint_arrays

KEEP = ("threat", "arms")
DT = 0.25


def two_mechanism_plan() -> Plan:
    """The status quo with only threat and arms acting (arms in its relative form)."""
    return Plan(name="threat_arms_only", disabled=tuple(m for m in REGISTRY if m not in KEEP),
                variants={"arms": "relative"})


class Nation(mesa.Agent):
    """One actor: Walt's threat perception and the relative Richardson arms rule."""

    def __init__(self, model: ThreatArmsModel, i: int, p: dict[str, float]) -> None:
        super().__init__(model)
        w, init = model.world, model.init
        n = w.n
        self.i = i
        self.milex = float(init["milex"][i])
        self.milex0 = self.milex
        self.gdp = float(init["gdp"][i])
        self.share0 = self.milex0 / self.gdp
        self.warheads = max(float(init["warheads"][i]), 0.0)
        self.theatre = int(w.theatre[i])
        allies = np.maximum(w.defense, w.defense.T)[i] > 0
        # hostile intent, zero towards treaty allies (threat.py: an ally's power is no threat)
        self.hostile = [float(init["intent"][i, j]) * (0.0 if allies[j] else 1.0)
                        for j in range(n)]
        rho = p["threat.range_km"]
        self.gradient = [math.exp(-float(w.distance_km[i, j]) / rho) for j in range(n)]
        z = float(ndtri(min(max(p["arms.trend_quantile"], 1e-9), 1.0 - 1e-9)))
        self.trend = float(w.milex_trend[i]) + float(w.milex_trend_sd[i]) * z
        self.ceiling = max(p["arms.max_share"], 1.5 * self.share0)
        self.damp0 = self._damping(self.share0)
        q = p["arms.pledge_compliance"]
        pl = w.pledges
        self.pledges = [(float(pl.target[k]), float(pl.years[k]),
                         float(pl.compliance[k, 0]) + q * (float(pl.compliance[k, 1])
                                                            - float(pl.compliance[k, 0])))
                        for k in range(pl.p) if pl.members[k, i]]
        self.threat: list[float] = []
        self.theta = 0.0
        self.theta0 = 0.0
        self.x = 0.0
        self.next_milex = self.milex

    def _damping(self, share: float) -> float:
        return min(max(1.0 - (share / self.ceiling) ** 2, 0.0), 1.0)

    def _pledge_floor(self, t: float) -> float:
        floor = 0.0
        for target, years, c in self.pledges:
            frac = min(1.0, t / max(years, 1e-9)) if years > 0 else 1.0
            f = self.share0 + c * frac * (target - self.share0) if self.share0 < target else target
            floor = max(floor, f)
        return floor

    def threat_row(self) -> list[float]:
        """T_ij for every j, from the others' current spending (threat.py, walt)."""
        m = self.model
        p_i = self.milex / m.total
        row = []
        for other in m.nations:
            j = other.i
            if j == self.i:
                row.append(0.0)
                continue
            p_j = other.milex / m.total
            relative = p_j / max(p_i + p_j, 1e-12)
            forward = other.presence[self.theatre] if self.theatre in (0, 1) else 0.0
            prox = max(self.gradient[j], forward)
            off = 1.0 + m.omega * (math.log1p(other.warheads) / m.wmax)
            row.append(min(max(relative * prox * off * self.hostile[j], 0.0), 1.0))
        return row

    def perceive(self) -> None:
        """Phase 1a: threat from the others' start-of-step spending; own deviation from trend."""
        self.threat = self.threat_row()
        self.theta = sum(self.threat)
        self.x = math.log(self.milex / self.milex0) - self.trend * self.model.t

    def decide(self) -> None:
        """Phase 1b: next spending by the relative Richardson rule (arms.py)."""
        m, p, dt = self.model, self.model.p, DT
        k, a = p["arms.reaction"], p["arms.fatigue"]
        weighted = sum(t / max(self.theta, 1e-12) * other.x
                       for t, other in zip(self.threat, m.nations, strict=True))
        dx = (k * weighted + p["arms.threat_response"] * (self.theta - self.theta0)
              / max(self.theta0, 0.1) - a * self.x)
        rate = self.trend + dx
        share = self.milex / self.gdp
        rel = min(max(self._damping(share) / max(self.damp0, 1e-6), 0.0), 1.0)
        growth = dt * (self.milex * math.expm1(dt * (rate * rel if rate > 0.0 else rate)) / dt)
        floor = max(0.0, self._pledge_floor(m.t))  # status quo: no scenario floor
        pull = dt * p["arms.floor_rate"] * (floor * self.gdp - self.milex) \
            if floor > 0.0 and share < floor else 0.0
        shock = p["arms.noise"] * self.milex * dt ** 0.5 * m.shocks[m.step_index][self.i]
        delta = growth + pull + shock
        upper = max(self.ceiling, floor) * self.gdp - self.milex
        delta = min(delta, max(upper, 0.0))
        delta = max(delta, -0.5 * self.milex)
        self.next_milex = max(self.milex + delta, 1e-3)

    def advance(self) -> None:
        """Phase 2: commit."""
        self.milex = self.next_milex


class ThreatArmsModel(mesa.Model):
    """One run of the ensemble: the default world's actors as Nation agents."""

    def __init__(self, world: WorldArrays, init: dict[str, Any], params: dict[str, float],
                 shocks: list[list[float]]) -> None:
        super().__init__(seed=0)
        self.world, self.init, self.p, self.shocks = world, init, params, shocks
        self.omega = params["threat.nuclear_weight"]
        w0 = world.warheads
        self.wmax = math.log1p(float(np.max(w0))) if w0.size and np.max(w0) > 0 else 1.0
        self.nations = [Nation(self, i, params) for i in range(world.n)]
        us_asia = float(init["us_asia_share"])
        for nation in self.nations:  # forward presence: status quo, only the US allocation
            nation.presence = [0.0, 0.0]
        if world.has("USA"):
            us = self.nations[world.index("USA")]
            us.presence = [min(max((1.0 - us_asia) * 1.0, 0.0), 1.0), min(max(us_asia, 0.0), 1.0)]
            assert EURO_ATLANTIC == 0 and INDO_PACIFIC == 1
        self.step_index, self.t = 0, 0.0
        self.total = sum(nation.milex for nation in self.nations)
        for nation in self.nations:  # status-quo threat, the baseline of the threat response
            nation.theta0 = sum(nation.threat_row())

    def step(self) -> None:
        self.t = self.step_index * DT
        self.total = sum(nation.milex for nation in self.nations)
        self.agents.do("perceive")
        self.agents.do("decide")
        self.agents.do("advance")
        self.step_index += 1


def mesa_ensemble(world: WorldArrays, runs: int, years: int, seed: int) -> np.ndarray:
    """Yearly spending (runs, years + 1, actors) of the Mesa model."""
    cfg = RunConfig(runs=runs, years=years, seed=seed, dt=DT)
    _, values = design_parameters(two_mechanism_plan(), cfg)
    fps = flashpoint_arrays(world)
    st = initial_state(world, fps, 1)
    init = {"milex": st.milex[0], "gdp": st.gdp[0], "intent": st.intent[0],
            "warheads": st.warheads[0], "us_asia_share": st.us_asia_share[0]}
    spending = draw_events(seed, np.arange(runs), cfg.steps, fps.f, world.n).spending
    out = np.empty((runs, years + 1, world.n))
    per_year = cfg.steps_per_record
    for r in range(runs):
        params = {k: float(v[r]) for k, v in values.items()}
        model = ThreatArmsModel(world, init, params, spending[r].tolist())
        out[r, 0] = [nation.milex for nation in model.nations]
        for s in range(cfg.steps):
            model.step()
            if (s + 1) % per_year == 0:
                out[r, (s + 1) // per_year] = [nation.milex for nation in model.nations]
    return out


def engine_ensemble(world: WorldArrays, runs: int, years: int, seed: int,
                    threads: int | None = None) -> np.ndarray:
    """Yearly spending (runs, years + 1, actors) of the engine with only threat and arms."""
    cfg = RunConfig(runs=runs, years=years, seed=seed, dt=DT, attribution=False,
                    keep_dyadic=False, threads=threads)
    return np.asarray(run_ensemble(world, two_mechanism_plan(), cfg)["milex"].values)


def modules_ensemble(world: WorldArrays, runs: int, years: int, seed: int) -> np.ndarray:
    """Yearly spending (runs, years + 1, actors) of the engine's threat and arms modules
    stepped alone: the engine's state, context, parameter draws and budget shocks, one
    vectorised loop over the steps, no other mechanism evaluated and no metrics. This is
    the like-for-like comparison with the Mesa model (the same two mechanisms); the
    ``engine`` column is the whole engine with the others disabled, which still
    evaluates the disabled mechanisms that provide derived quantities, and the metrics."""
    from flashpoint.engine.metrics import MetricIndex
    from flashpoint.engine.run import _add, _Chunk, _mechanisms, _project, theory_weights
    from flashpoint.theories import assign

    plan = two_mechanism_plan()
    cfg = RunConfig(runs=runs, years=years, seed=seed, dt=DT, attribution=False,
                    keep_dyadic=False, threads=1)
    fps = flashpoint_arrays(world)
    _, values = design_parameters(plan, cfg)
    drawn = {m: assign(values[f"theory.{m}"], w) for m, w in theory_weights(plan).items()}
    index = MetricIndex.build(world)
    mechs = _mechanisms(plan)
    threat, arms = REGISTRY["threat"], REGISTRY["arms"]
    out = np.empty((runs, years + 1, world.n))
    per_year = cfg.steps_per_record
    for start in range(0, runs, 100):
        r = np.arange(start, min(runs, start + 100), dtype=np.int64)
        job = _Chunk(world, fps, plan, cfg, {k: v[r] for k, v in values.items()}, r, mechs,
                     dict(plan.variants), index, None, {m: v[r] for m, v in drawn.items()})
        state = job.initial.copy()
        out[r, 0] = state.milex
        for step in range(cfg.steps):
            ctx, draws = job.context(step), job.draws.at(step)
            first = threat.step(state, {}, ctx, draws)
            second = arms.step(state, first.derived, ctx, draws)
            total = dict(first.deltas)
            for f, d in second.deltas.items():
                total[f] = total[f] + d if f in total else d
            state = _project(_add(state, total))
            if (step + 1) % per_year == 0:
                out[r, (step + 1) // per_year] = state.milex
    return out


def parity(runs: int = 3, years: int = 2, seed: int = 0,
           world: WorldArrays | None = None, against: str = "engine") -> float:
    """Largest relative difference of yearly spending, Mesa vs ``against``:
    ``"engine"`` (the whole engine, others disabled) or ``"modules"`` (the two alone)."""
    world = load_world().to_arrays() if world is None else world
    a = mesa_ensemble(world, runs, years, seed)
    other = engine_ensemble if against == "engine" else modules_ensemble
    b = other(world, runs, years, seed)
    return float(np.max(np.abs(a - b) / np.abs(b)))


def _timed(f: Any, *args: Any) -> tuple[float, Any]:
    t = time.perf_counter()
    out = f(*args)
    return time.perf_counter() - t, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--mesa-1000", action="store_true",
                    help="also time Mesa at 1,000 runs (otherwise extrapolated from 100)")
    args = ap.parse_args()
    world = load_world().to_arrays()
    years = args.years
    print(f"mesa {mesa.__version__}; default world, {world.n} actors, {years} years, "
          f"quarterly steps; engine: threat + arms only, float64, no attribution")
    engine_ensemble(world, 4, 1, 0)  # warm-up (imports, caches)
    print(f"parity, 3 runs x {years} years: max relative difference "
          f"{parity(3, years, 0, world):.2e} (engine), "
          f"{parity(3, years, 0, world, against='modules'):.2e} (modules alone)")
    modules_ensemble(world, 4, 1, 0)  # warm-up (kernels compiled)
    print(f"{'runs':>6} {'mesa s':>9} {'mesa runs/s':>11} {'modules s':>10} {'ratio':>7} "
          f"{'engine 1 thr s':>14} {'ratio':>7} {'engine 2 thr s':>14} {'ratio':>7}")
    mesa_rate = None
    for runs in (5, 100, 1000):
        t_mod, _ = _timed(modules_ensemble, world, runs, years, 1)
        t_one, _ = _timed(engine_ensemble, world, runs, years, 1, 1)
        t_two, _ = _timed(engine_ensemble, world, runs, years, 1, 2)
        if runs < 1000 or args.mesa_1000:
            t_mesa, _ = _timed(mesa_ensemble, world, runs, years, 1)
            mesa_rate = runs / t_mesa
            note = ""
        else:
            assert mesa_rate is not None
            t_mesa = runs / mesa_rate
            note = "  (Mesa extrapolated from 100 runs; --mesa-1000 to time it)"
        print(f"{runs:>6} {t_mesa:>9.2f} {runs / t_mesa:>11.1f} {t_mod:>10.3f} "
              f"{t_mesa / t_mod:>6.1f}x {t_one:>14.3f} "
              f"{t_mesa / t_one:>6.1f}x {t_two:>14.3f} {t_mesa / t_two:>6.1f}x{note}")

if __name__ == "__main__":
    main()
