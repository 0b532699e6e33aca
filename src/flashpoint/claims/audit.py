"""The construction audit: does a verdict come from the dynamics or from the scenario's inputs?

A claim's verdict should come from the model's mechanisms and the data,
never from what the scenario itself writes into the state. For each claim
the audit re-runs the claim's scenario and baseline on the same paired
ensemble (same seed and design, so run ``r`` still shares its parameters
and random streams) three times, each a change of the compiled plan's
primitives (:mod:`flashpoint.engine.plan`), so it works on any scenario:

(a) **direct relation inputs removed**: every ``RelationShock`` (the fixed
    bumps to intent, tension and alignment a lever or scenario adds) is
    dropped from the scenario and the baseline;
(b) **feedback off**: the mechanisms that carry the scenario's effect on the
    metric, by the engine's exact attribution (each mechanism's part of the
    paired change; for metrics the engine does not attribute, the closest
    attributed metrics of :data:`PROXIES`), are switched off (``Plan.disabled``);
(c) **link at zero**: the parameter of those mechanisms most strongly
    rank-correlated (Spearman) with the per-run effect, the one linking the
    lever to the metric, is fixed at the low end of its range (zero where
    the range includes it) by a ``ParamOverride``.

Tags:

* **input-determined**: the scenario has direct relation inputs and, with
  them removed (a), the effect collapses (its median falls below
  :data:`COLLAPSE` of itself, also for an effect already inside the band but
  not negligible, :data:`NEGLIGIBLE`) or
  the verdict changes side: the verdict reads back the scenario's own inputs;
* **identity**: the effect stays material, in the same direction, both
  with the feedback mechanisms off (b) and with the link at zero (c) (or no
  mechanism carries it and the scenario's direct inputs make at least half
  of it): it
  holds by the model's equations (the lever writes the metric directly;
  the engine's ``levers`` part of the attribution says how much), whatever
  the mechanisms' parameters;
* **emergent**: otherwise, the dynamics decide.

The audit's numbers (median effects and verdicts of each variant) are kept in
:class:`AuditResult` and written as one sentence into the verdict.

Cost: the audit runs in batches. First every claim's pair as specified (with
attribution); from it each claim's variant plans (a), (b), (c) are known, and
they are independent, so each batch runs at once, one simulation per worker
process when the batch is worth it (:mod:`flashpoint.pool`: threads
gained 1.06x on 2 cores, two processes about 2x); a simulation's numbers do
not depend on where it runs, so they are those of one simulation at a time
bit for bit. The first batch depends only on the claims, so a caller with other
simulations to run may run it with them (:func:`first_jobs`, then
``audit_claims(done=...)``): ``flashpoint assess`` runs it with its ensembles, where
it fills the workers left idle by the last ensembles.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import xarray as xr
from scipy.stats import spearmanr

from flashpoint.claims.evaluate import Verdict, evaluate_claim, verdict_class
from flashpoint.claims.model import Claim
from flashpoint.engine.plan import ParamOverride, Plan, Range
from flashpoint.errors import AnalysisError
from flashpoint.metrics import fmt_change
from flashpoint.pool import Job, SimulationPool

if TYPE_CHECKING:
    from flashpoint.world.arrays import WorldArrays

__all__ = ["COLLAPSE", "DEFAULT_AUDIT_RUNS", "PROXIES", "AuditResult", "audit_claims", "first_jobs"]

#: Runs of the audit's paired ensemble unless told otherwise.
DEFAULT_AUDIT_RUNS = 64
#: (a) counts as removing the effect when the median effect falls below this share of it.
COLLAPSE = 0.25
#: Effects below this share of the band are nil: they cannot be "determined" by anything.
NEGLIGIBLE = 1e-3
#: Mechanisms carrying less than this share of the attributed effect are left on in (b).
MIN_PART = 0.05
#: Attributed metrics standing in for metrics the engine does not attribute.
PROXIES: Mapping[str, tuple[str, ...]] = {
    "war_risk": ("war_hazard", "crisis_hazard"),
    "gdp_loss_expected": ("war_hazard", "crisis_hazard"),
    "milex_growth": ("arms_race_index",),
    "alignment": ("axis_cohesion", "hedger_alignment", "nato_cohesion"),
    "hedger_tilt": ("hedger_alignment",),
    "tension": ("tension_china_west", "tension_indo_pacific"),
    "intent": ("tension_china_west", "tension_indo_pacific"),
}
_NOT_MECHANISMS = frozenset({"levers", "interaction", "bounds", "shocks", "start"})
#: Parts of the attribution that are the scenario's inputs acting directly.
_DIRECT = ("levers", "shocks", "start")

#: ``progress(label)``: called before each simulation of the audit.
AuditProgress = Callable[[str], None]


@dataclass(frozen=True)
class Variant:
    """One re-run of the claim: what was changed, and the verdict it gave."""

    change: str
    verdict: str
    effect_median: float
    share: float


@dataclass(frozen=True)
class AuditResult:
    """The construction audit of one claim."""

    claim: Claim
    tag: str
    original: Variant
    no_inputs: Variant | None
    no_feedback: Variant | None
    no_link: Variant | None
    relation_inputs: int
    mechanisms: tuple[str, ...]
    parameter: str | None
    parameter_meaning: str
    levers_share: float

    def sentence(self) -> str:
        """The audit's numbers in one plain sentence, effects in the metric's display unit."""
        c = self.claim
        f = 100.0 if c.scale == "relative" else 1.0

        def eff(v: Variant) -> str:
            if c.scale == "relative":
                return f"{v.effect_median * f:+.2g} %"
            return fmt_change(c.spec, v.effect_median, unit=True)

        parts = [f"effect {eff(self.original)} ({self.original.verdict})"]
        if self.no_inputs is not None:
            parts.append(f"without the scenario's {self.relation_inputs} direct relation "
                         f"input(s) {eff(self.no_inputs)} ({self.no_inputs.verdict})")
        else:
            parts.append("no direct relation inputs to remove")
        if self.no_feedback is not None:
            mech = ", ".join(self.mechanisms)
            parts.append(f"with {mech} off {eff(self.no_feedback)} ({self.no_feedback.verdict})")
        if self.no_link is not None and self.parameter:
            parts.append(f"with {self.parameter_meaning or self.parameter} at the low end of its "
                         f"range {eff(self.no_link)} ({self.no_link.verdict})")
        if np.isfinite(self.levers_share):
            parts.append(f"the scenario's inputs acting directly (levers, shocks, the change at "
                         f"the start) are {100 * self.levers_share:.0f} % of the attributed change")
        return f"{self.tag}: " + "; ".join(parts) + "."

    def record(self) -> dict[str, Any]:
        """JSON-ready fields."""
        def v(x: Variant | None) -> dict[str, Any] | None:
            return None if x is None else {"change": x.change, "verdict": x.verdict,
                                           "effect_median": _num(x.effect_median),
                                           "share": _num(x.share)}

        return {"id": self.claim.id, "audit": self.tag, "original": v(self.original),
                "no_relation_inputs": v(self.no_inputs), "no_feedback": v(self.no_feedback),
                "link_at_zero": v(self.no_link), "relation_inputs": self.relation_inputs,
                "mechanisms": list(self.mechanisms), "parameter": self.parameter,
                "parameter_meaning": self.parameter_meaning,
                "levers_share": _num(self.levers_share), "detail": self.sentence()}


def _num(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


#: A simulation to run: ``(plan, attribution, keep_dyadic, progress label)``.
_Job = tuple[Plan, bool, bool, str]


class _Runner:
    """Simulates plans on one paired ensemble, each plan once.

    :meth:`prefetch` runs a batch of independent simulations at once, in the worker
    processes of a :class:`~flashpoint.pool.SimulationPool` when the batch is
    worth them: a simulation's numbers do not depend on where it runs, so the results
    are those of :meth:`run` bit for bit.
    """

    def __init__(self, world: WorldArrays, runs: int, years: float, seed: int,
                 progress: AuditProgress | None, pool: SimulationPool) -> None:
        self.world, self.runs, self.years, self.seed = world, runs, years, seed
        self.progress = progress
        self.pool = pool
        self._cache: dict[tuple[str, bool, bool], xr.Dataset] = {}
        self._plans: dict[str, Plan] = {}

    def plan(self, name: str) -> Plan:
        if name not in self._plans:
            from flashpoint.api import resolve_plan

            self._plans[name] = resolve_plan(name, self.world)
        return self._plans[name]

    def _job(self, plan: Plan, attribution: bool, dyadic: bool, label: str) -> Job:
        # the engine's own chunks: one in a worker (one thread), one per core here
        return Job(self.world, plan, label=label, options=dict(
            runs=self.runs, years=self.years, seed=self.seed, attribution=attribution,
            keep_dyadic=dyadic))

    def first_jobs(self, claims: Sequence[Claim]) -> list[_Job]:
        """The first batch: every claim's pair as specified, with attribution, each once."""
        todo: dict[tuple[str, bool, bool], _Job] = {}
        for claim in claims:
            for job in _pair_jobs(claim, *self.plans(claim), attribution=True):
                todo.setdefault((repr(job[0]), job[1], job[2]), job)
        return list(todo.values())

    def plans(self, claim: Claim) -> tuple[Plan, Plan | None]:
        """The claim's scenario and (for a relative claim) baseline plans."""
        return (self.plan(claim.scenario),
                self.plan(claim.baseline) if claim.is_relative else None)

    def take(self, done: Iterable[tuple[Job, xr.Dataset]]) -> None:
        """Keep simulations run elsewhere (:func:`first_jobs`); a job of another
        ensemble (runs, years, seed or world) is refused."""
        for job, ds in done:
            o = job.options
            mine = self._job(job.plan, bool(o.get("attribution")), bool(o.get("keep_dyadic")), "")
            same_world = job.world is self.world or job.world.digest() == self.world.digest()
            if not same_world or o != mine.options:
                raise AnalysisError(f"audit: a simulation of {job.plan.name!r} was run with "
                                    f"{o} on another world or ensemble, not the audit's "
                                    f"{mine.options}.")
            self._store((repr(job.plan), bool(o["attribution"]), bool(o["keep_dyadic"])),
                        job.plan, ds)

    def _store(self, key: tuple[str, bool, bool], plan: Plan, ds: xr.Dataset) -> None:
        ds.attrs["scenario"] = plan.name
        self._cache[key] = ds

    def _started(self) -> Callable[[str, int], None] | None:
        """The pool's progress callback: the audit's ``progress(label)`` at each start."""
        report = self.progress
        if report is None:
            return None

        def started(label: str, steps: int) -> None:
            if steps == 0:
                report(label)

        return started

    def run(self, plan: Plan, *, attribution: bool, dyadic: bool, label: str) -> xr.Dataset:
        key = (repr(plan), attribution, dyadic)
        if key not in self._cache:
            job = self._job(plan, attribution, dyadic, label)
            self._store(key, plan, self.pool.run([job], self._started())[0])
        return self._cache[key]

    def prefetch(self, jobs: Iterable[_Job]) -> None:
        """Simulate the jobs not yet cached as one batch (see the class docstring)."""
        todo: dict[tuple[str, bool, bool], _Job] = {}
        for job in jobs:
            key = (repr(job[0]), job[1], job[2])
            if key not in self._cache:
                todo.setdefault(key, job)
        if len(todo) < 2:
            return
        done = self.pool.run([self._job(*job) for job in todo.values()], self._started())
        for (key, job), ds in zip(todo.items(), done, strict=True):
            self._store(key, job[0], ds)


def _pair_jobs(claim: Claim, s_plan: Plan, b_plan: Plan | None, *, attribution: bool = False,
               what: str = "") -> list[_Job]:
    """The claim's scenario and (when relative) baseline runs of one variant."""
    from flashpoint.analysis.assess import _DYADIC_METRICS

    dyadic = claim.metric in _DYADIC_METRICS
    out = [(s_plan, attribution, dyadic, f"{claim.scenario} {what}".strip())]
    if b_plan is not None:
        out.append((b_plan, attribution, dyadic, f"{claim.baseline} {what}".strip()))
    return out


def _variant(claim: Claim, change: str, s: xr.Dataset, b: xr.Dataset | None) -> tuple[Variant, Verdict]:
    v = evaluate_claim(claim, s, b if claim.is_relative else None)
    return Variant(change, v.pooled_verdict or v.verdict, v.median_difference, v.share), v


def _attributed_parts(claim: Claim, s: xr.Dataset, b: xr.Dataset | None) -> dict[str, float]:
    """Mean over runs of each part's contribution to the paired change at the horizon,
    summed over the claim's metric (or its proxies) in units of each metric's band."""
    from flashpoint.analysis.compare import _align_mechanisms
    from flashpoint.metrics import METRICS

    names = (claim.metric,) if f"attribution__{claim.metric}" in s.data_vars else PROXIES.get(
        claim.metric, ())
    out: dict[str, float] = {}
    for name in names:
        var = f"attribution__{name}"
        if var not in s.data_vars or (b is not None and var not in b.data_vars):
            continue
        t = int(np.flatnonzero(np.asarray(s.variables["time"].values) <= claim.horizon + 1e-9)[-1])
        c = _parts(s, var, t, claim)
        mechs = np.asarray(s.variables["mechanism"].values)
        start = _at_start(s, name, claim)
        if b is not None and claim.is_relative:
            c = c - _align_mechanisms(_parts(b, var, t, claim),
                                      np.asarray(b.variables["mechanism"].values), mechs)
            start = start - _at_start(b, name, claim)
        mean = np.nanmean(np.asarray(c.transpose("run", "mechanism").values), axis=0)
        scale = max(METRICS[name].materiality, 1e-12)
        for mech, val in zip([str(x) for x in mechs], mean, strict=True):
            out[str(mech)] = out.get(str(mech), 0.0) + abs(float(val)) / scale
        # the scenario's inputs can move the metric at t = 0 already (a commitment enters
        # credibility at once); attribution covers changes since t = 0, so count it here
        out["start"] = out.get("start", 0.0) + abs(start) / scale
    return out


def _select(ds: xr.Dataset, var: xr.Variable, claim: Claim) -> xr.Variable:
    """``var`` averaged over the claim's labels of each of its dimensions (the bare
    Variable: the same reductions as on the DataArray, without its per-run coordinates)."""
    for dim, label in claim.selector.items():
        if dim in var.dims:
            labels = [label] if isinstance(label, str) else list(label)
            known = [str(v) for v in ds.variables[dim].values]
            var = var.isel({dim: [known.index(x) for x in labels]}).mean(dim)
    return var


def _parts(ds: xr.Dataset, var: str, t: int, claim: Claim) -> xr.Variable:
    da = _select(ds, ds.variables[var].isel(time=t), claim)
    extra = [d for d in da.dims if d not in ("run", "mechanism")]
    return da.mean(extra) if extra else da


def _at_start(ds: xr.Dataset, name: str, claim: Claim) -> float:
    da = _select(ds, ds.variables[name].isel(time=0), claim)
    return float(np.nanmean(np.asarray(da.values, dtype=np.float64)))


def _linking_parameter(verdict: Verdict, mechanisms: Sequence[str]) -> str | None:
    """The parameter of ``mechanisms`` most rank-correlated with the per-run effect."""
    m = verdict.margins
    effect = np.asarray(m.values, dtype=np.float64)
    best, best_rho = None, -1.0
    for coord, values in m.coords.variables.items():
        name = str(coord)
        if not name.startswith("param__"):
            continue
        p = name.removeprefix("param__")
        if not any(p.startswith(mech + ".") for mech in mechanisms):
            continue
        x = np.asarray(values.values, dtype=np.float64)
        ok = np.isfinite(effect) & np.isfinite(x)
        if ok.sum() < 3 or np.ptp(x[ok]) == 0 or np.ptp(effect[ok]) == 0:
            continue
        rho = abs(float(spearmanr(x[ok], effect[ok]).statistic))
        if np.isfinite(rho) and rho > best_rho:
            best, best_rho = p, rho
    return best


def _at_low(plan: Plan, name: str) -> tuple[Plan, float]:
    from flashpoint.engine.context import all_parameters

    p = next(q for q in all_parameters() if q.name == name)
    low = 0.0 if p.low <= 0.0 <= p.high else p.low
    kept = tuple(o for o in plan.overrides if o.name != name)
    return replace(plan, overrides=(*kept, ParamOverride(name, Range(low, low)))), low


def _material(claim: Claim, v: Variant) -> int:
    """+1 / -1: a material effect up / down; 0: inside the band (the verdict side for levels)."""
    if not claim.is_relative:
        return {"support": 1, "against": -1}.get(verdict_class(v.verdict), 0)
    if not np.isfinite(v.effect_median) or abs(v.effect_median) <= claim.band:
        return 0
    return 1 if v.effect_median > 0 else -1


def _tag(claim: Claim, original: Variant, a: Variant | None, b: Variant | None,
         c: Variant | None, direct_share: float) -> str:
    m0 = _material(claim, original)
    if a is not None:
        # an effect far inside the band (below NEGLIGIBLE of it) is nil whatever the inputs
        collapsed = (abs(original.effect_median) > NEGLIGIBLE * max(claim.band, 1e-12)
                     and abs(a.effect_median) <= COLLAPSE * abs(original.effect_median))
        if collapsed or (m0 != 0 and _material(claim, a) != m0):
            return "input-determined"
    if m0 != 0:
        if b is None and np.isfinite(direct_share) and direct_share >= 0.5:
            return "identity"
        if b is not None and _material(claim, b) == m0 and (
                c is None or _material(claim, c) == m0):
            return "identity"
    return "emergent"


def audit_claims(
    claims: Iterable[Claim],
    world: Any = None,
    *,
    runs: int = DEFAULT_AUDIT_RUNS,
    years: float | None = None,
    seed: int = 0,
    progress: AuditProgress | None = None,
    processes: int | None = 1,
    pool: SimulationPool | None = None,
    done: Iterable[tuple[Job, xr.Dataset]] = (),
) -> dict[str, AuditResult]:
    """Audit each claim (see the module docstring); claim id -> :class:`AuditResult`.

    ``processes``: worker processes for its batches (:mod:`flashpoint.pool`;
    1, the default: none; None: the cores when a batch pays for them; a script asking
    for workers must guard its top level with ``if __name__ == "__main__":``), or
    ``pool``, a pool to use and leave open; the results do not depend on either.
    ``progress`` may be called from another thread. ``done``: simulations of
    :func:`first_jobs` (same claims, world, runs, years and seed) already run, with
    their results; they are not run again.
    """
    from flashpoint.api import resolve_world

    chosen = list(claims)
    arrays = resolve_world(world)
    horizon = float(max(c.horizon for c in chosen)) if years is None else float(years)
    # a pool of its own is closed at the end, its workers stopped at once on an error
    with SimulationPool(processes) if pool is None else nullcontext(pool) as used:
        runner = _Runner(arrays, runs, horizon, seed, progress, used)
        runner.take(done)
        return _audit(chosen, runner)


def first_jobs(claims: Iterable[Claim], world: WorldArrays, *, runs: int = DEFAULT_AUDIT_RUNS,
               years: float | None = None, seed: int = 0, label: str = "") -> list[Job]:
    """The audit's first batch as jobs (each claim's pair as specified, with attribution):
    it depends only on the claims, so a caller may run it with other simulations and pass
    the results to :func:`audit_claims` as ``done``. ``label`` prefixes each job's
    progress label. ``world`` is the resolved world the audit will be given."""
    chosen = list(claims)
    if not chosen:
        return []
    horizon = float(max(c.horizon for c in chosen)) if years is None else float(years)
    runner = _Runner(world, runs, horizon, seed, None, SimulationPool(1))
    return [runner._job(plan, attribution, dyadic, label + what)
            for plan, attribution, dyadic, what in runner.first_jobs(chosen)]


def _audit(chosen: list[Claim], r: _Runner) -> dict[str, AuditResult]:
    """:func:`audit_claims` with its runner."""
    from flashpoint.engine.context import all_parameters

    meanings = {p.name: p.meaning for p in all_parameters()}

    plans, jobs = r.plans, _pair_jobs

    def pair(claim: Claim, s_plan: Plan, b_plan: Plan | None, *, attribution: bool = False,
             what: str = "") -> tuple[xr.Dataset, xr.Dataset | None]:
        done = [r.run(p, attribution=a, dyadic=d, label=label)
                for p, a, d, label in jobs(claim, s_plan, b_plan, attribution=attribution,
                                           what=what)]
        return done[0], (done[1] if b_plan is not None else None)

    # 1. every claim's pair as specified, with attribution (the variants depend on it)
    r.prefetch(r.first_jobs(chosen))
    # 2. from it, each claim's variant plans: all independent, so simulated as one batch
    designs: list[_Design] = []
    for claim in chosen:
        sp, bp = plans(claim)
        s0, b0 = pair(claim, sp, bp, attribution=True)
        original, v0 = _variant(claim, "as specified", s0, b0)
        n_rel = len(sp.relation_shocks) + (len(bp.relation_shocks) if bp is not None else 0)
        parts = _attributed_parts(claim, s0, b0)
        total = sum(parts.values())
        direct = sum(parts.get(k, 0.0) for k in _DIRECT)
        mech_parts = {k: v for k, v in parts.items() if k not in _NOT_MECHANISMS}
        mtotal = sum(mech_parts.values())
        mechanisms = tuple(sorted((k for k, v in mech_parts.items()
                                   if mtotal > 0 and v >= MIN_PART * mtotal),
                                  key=lambda k: -mech_parts[k]))
        d = _Design(claim=claim, original=original, relation_inputs=n_rel,
                    mechanisms=mechanisms,
                    levers_share=direct / total if total > 0 else float("nan"))
        if n_rel:
            d.variants.append(("no_inputs", "direct relation inputs removed",
                               "(no relation inputs)", replace(sp, relation_shocks=()),
                               None if bp is None else replace(bp, relation_shocks=())))
        if mechanisms:
            off = tuple(dict.fromkeys((*sp.disabled, *mechanisms)))
            d.variants.append(("no_feedback", f"mechanisms off: {', '.join(mechanisms)}",
                               "(feedback off)", replace(sp, disabled=off),
                               None if bp is None else replace(bp, disabled=tuple(
                                   dict.fromkeys((*bp.disabled, *mechanisms))))))
            d.parameter = _linking_parameter(v0, mechanisms)
            if d.parameter is not None:
                s_low, low = _at_low(sp, d.parameter)
                b_low = None if bp is None else _at_low(bp, d.parameter)[0]
                d.variants.append(("no_link", f"{d.parameter} = {low:g}",
                                   f"({d.parameter} = {low:g})", s_low, b_low))
        designs.append(d)
    r.prefetch(job for d in designs for _, _, what, s_plan, b_plan in d.variants
               for job in jobs(d.claim, s_plan, b_plan, what=what))
    # 3. each variant's verdict, and the tag
    out: dict[str, AuditResult] = {}
    for d in designs:
        claim = d.claim
        got: dict[str, Variant] = {}
        for slot, change, what, s_plan, b_plan in d.variants:
            got[slot], _ = _variant(claim, change, *pair(claim, s_plan, b_plan, what=what))
        no_inputs, no_feedback, no_link = (got.get(k) for k in ("no_inputs", "no_feedback",
                                                                  "no_link"))
        tag = _tag(claim, d.original, no_inputs, no_feedback, no_link, d.levers_share)
        out[claim.id] = AuditResult(
            claim=claim, tag=tag, original=d.original, no_inputs=no_inputs,
            no_feedback=no_feedback, no_link=no_link, relation_inputs=d.relation_inputs,
            mechanisms=d.mechanisms, parameter=d.parameter,
            parameter_meaning=meanings.get(d.parameter or "", ""), levers_share=d.levers_share,
        )
    return out


@dataclass
class _Design:
    """One claim's audit once its pair as specified has run: the variants to simulate."""

    claim: Claim
    original: Variant
    relation_inputs: int
    mechanisms: tuple[str, ...]
    levers_share: float
    parameter: str | None = None
    #: ``(slot, change, progress label, scenario plan, baseline plan)``
    variants: list[tuple[str, str, str, Plan, Plan | None]] = field(default_factory=list)
