r"""Backtest: run the model from a past world and score it against what happened.

The model starts from ``load_world(year=start)`` (that year's observed
figures), runs the status quo with yearly steps to ``end``, with either the
priors or a calibration's posterior sample (no refit on the test years), and
is scored against the observations of ``start + 1 .. end`` together with
three naive baselines fitted on the training window
(:mod:`flashpoint.validation.baselines`): persistence, linear trend, AR(1).

Targets
-------
* Military spending of every default actor (SIPRI, constant 2022 US$ bn).
  Scores per actor-year: absolute percentage error of the ensemble median
  (APE), CRPS relative to the observation (``100 CRPS / y``, %, so actors of
  every size weigh alike), and whether the observation lies in the central
  50 % and 90 % intervals. An actor is scored only if its spending in the
  origin year and in at least one test year is a SIPRI observation; the
  others are listed in :attr:`Backtest.skipped` with the reason.
* Alignment change with the United States and China since the origin year:
  simulated ``a(t) - a(0)`` against the ideal-point alignment change
  (:func:`flashpoint.validation.history.ideal_alignment`). Scores: absolute
  error of the median change, CRPS, 50 % and 90 % coverage. Baselines
  forecast the observed alignment level from the origin value.

Summaries pool actor-years: ``MAPE`` (mean APE), ``MdAPE`` (median APE), mean
relative CRPS and the coverage rates, to compare with the nominal 50 % / 90 %.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from flashpoint._types import FloatArray
from flashpoint.errors import DataError, ParameterError
from flashpoint.validation.baselines import BASELINES
from flashpoint.validation.calibrate import Calibration, Paths, simulate_paths
from flashpoint.validation.history import load_history
from flashpoint.validation.scoring import ape, coverage, crps_ensemble

__all__ = ["EVENT_ORIGINS", "MOVERS", "STATUS_QUO", "Backtest", "EventBacktest", "backtest", "event_backtest", "score_block", "simulate_plan"]

MODEL_CAL = "model (calibrated)"
MODEL_PRIOR = "model (prior)"
MODEL_DISC = "model (calibrated + discrepancy)"


def score_block(samples: FloatArray, obs: FloatArray, relative: bool) -> dict[str, FloatArray]:
    """Scores of ensembles ``samples[..., n]`` against ``obs[...]``.

    Cells whose ensemble has a NaN member or whose observation is NaN get NaN
    scores. Returns ``median, ae, ape (if relative), crps, rel_crps (if
    relative), cov50, cov90``, each shaped like ``obs``.
    """
    x = np.asarray(samples, dtype=np.float64)
    y = np.asarray(obs, dtype=np.float64)
    bad = ~np.all(np.isfinite(x), axis=-1) | ~np.isfinite(y)
    xs = np.where(bad[..., None], 0.0, x)
    ys = np.where(bad, np.nan, y)
    med = np.where(bad, np.nan, np.median(xs, axis=-1))
    crps = np.where(bad, np.nan, crps_ensemble(xs, np.where(bad, 0.0, y)))
    out = {"median": med, "ae": np.abs(med - ys), "crps": crps,
           "cov50": coverage(xs, ys, 0.5), "cov90": coverage(xs, ys, 0.9)}
    if relative:
        out["ape"] = np.where(bad, np.nan, ape(xs, np.where(bad, 1.0, y)))
        out["rel_crps"] = 100.0 * crps / np.abs(ys)
    return out


@dataclass(frozen=True, eq=False)
class Backtest:
    """Scores of the model and the baselines over one test window.

    milex : long table (method, actor, year, horizon, obs, median, ape, crps,
        rel_crps, cov50, cov90) over scored actor-years.
    alignment : long table (method, actor, partner, year, horizon, obs,
        median, ae, crps, cov50, cov90) of alignment changes since the origin.
    skipped : actor -> reason it is not scored on military spending.
    """

    start: int
    end: int
    train: tuple[int, int]
    runs: int
    seed: int
    calibrated: bool
    milex: pd.DataFrame
    alignment: pd.DataFrame
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def methods(self) -> list[str]:
        """Methods in table order."""
        return list(dict.fromkeys(self.milex["method"]))

    def summary(self, target: str = "milex") -> pd.DataFrame:
        """Pooled scores per method for ``"milex"`` or ``"alignment"``."""
        if target == "milex":
            df = self.milex
            g = df.groupby("method", sort=False)
            out = pd.DataFrame({
                "n": g["ape"].count(),
                "MAPE %": g["ape"].mean(),
                "MdAPE %": g["ape"].median(),
                "rel. CRPS %": g["rel_crps"].mean(),
                "cov50": g["cov50"].mean(),
                "cov90": g["cov90"].mean(),
            })
        elif target == "alignment":
            df = self.alignment
            g = df.groupby("method", sort=False)
            out = pd.DataFrame({
                "n": g["ae"].count(),
                "MAE": g["ae"].mean(),
                "MdAE": g["ae"].median(),
                "CRPS": g["crps"].mean(),
                "cov50": g["cov50"].mean(),
                "cov90": g["cov90"].mean(),
            })
        else:
            raise ParameterError(f"target: expected 'milex' or 'alignment'. Got {target!r} instead.")
        return out.reindex(self.methods)

    def per_actor(self) -> pd.DataFrame:
        """Mean APE (%) of military spending per actor and method, with the model's CRPS and coverage."""
        df = self.milex
        mape = df.pivot_table(index="actor", columns="method", values="ape", aggfunc="mean", sort=False)
        mape = mape[self.methods]
        model = self.methods[0]
        m = df[df.method == model].groupby("actor", sort=False)
        extra = pd.DataFrame({"n": m["ape"].count(), "model rel. CRPS %": m["rel_crps"].mean(),
                              "model cov50": m["cov50"].mean(), "model cov90": m["cov90"].mean()})
        out = extra.join(mape)
        out["best"] = mape.idxmin(axis=1)
        return out


def _long(method: str, scores: dict[str, FloatArray], obs: FloatArray, index: dict[str, np.ndarray]
          ) -> pd.DataFrame:
    data = {k: np.asarray(v).ravel() for k, v in index.items()}
    data["obs"] = np.asarray(obs).ravel()
    for k, v in scores.items():
        data[k] = np.asarray(v).ravel()
    df = pd.DataFrame(data)
    df.insert(0, "method", method)
    return df[np.isfinite(df["obs"])]


def _with_discrepancy(paths: Paths, calibration: Calibration, seed: int) -> Paths:
    """The calibrated ensemble plus the training window's model discrepancy.

    Each run's log military spending and alignment change get an independent
    random walk with the per-year variances fitted by
    :func:`flashpoint.validation.calibrate.discrepancy` on the training years.
    """
    s2_m = float(calibration.diagnostics["discrepancy_log_milex_var_per_year"])
    s2_a = float(calibration.diagnostics.get("discrepancy_align_var_per_year", 0.0))
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(9,)))
    r, t, n = paths.milex.shape
    walk_m = np.cumsum(rng.standard_normal((r, t, n)), axis=1) * np.sqrt(s2_m)
    walk_m[:, 0] = 0.0
    walk_a = np.cumsum(rng.standard_normal(paths.align.shape), axis=1) * np.sqrt(s2_a)
    walk_a[:, 0] = 0.0
    return Paths(milex=paths.milex * np.exp(walk_m - walk_m[:, :1]), align=paths.align + walk_a,
                 values=paths.values, actors=paths.actors, partners=paths.partners,
                 year0=paths.year0)


def backtest(start: int = 2014, end: int = 2023, calibration: Calibration | None = None,
             runs: int = 1000, seed: int = 0, train: tuple[int, int] | None = None,
             prior: bool = True, progress: Callable[[int], None] | None = None) -> Backtest:
    """Score the model and the naive baselines on ``start + 1 .. end`` (see module docstring).

    Parameters
    ----------
    start, end : int
        Origin year (the model's world) and last test year, 1995 <= start < end <= 2023.
    calibration : Calibration, optional
        Posterior to sample the parameters from; None uses the priors.
    runs, seed : int
        Ensemble size and seed (also the baselines' ensemble size).
    train : (first, last), optional
        Baselines' training window; default the calibration's window, else
        ``1995 .. start - 1``. Must end no later than ``start``.
    prior : bool
        With a calibration, also score the model under its priors.

    Raises
    ------
    DataError
        Years outside the data, or a calibration trained on test years.
    """
    if not 1995 <= start < end <= 2023:
        raise DataError("backtest", f"expected years 1995 <= start < end <= 2023. Got {start}-{end} instead.")
    if calibration is not None and calibration.train[1] > start:
        raise DataError("backtest", f"the calibration was trained on {calibration.train[0]}-"
                        f"{calibration.train[1]}, which overlaps the test years {start + 1}-{end}; "
                        f"calibrate on years up to {start}.")
    if train is None:
        train = calibration.train if calibration is not None else (1995, max(1995, start - 1))
    if not (1995 <= train[0] < train[1] <= start):
        raise DataError("backtest", f"expected a training window within 1995-{start} of at least two "
                        f"years. Got {train[0]}-{train[1]} instead.")
    horizon = end - start
    ensembles: list[tuple[str, Paths]] = []
    if calibration is not None:
        ensembles.append((MODEL_CAL, simulate_paths(start, horizon, runs, seed,
                                                    parameters=calibration.sample(runs, seed),
                                                    progress=progress)))
    if calibration is None or prior:
        ensembles.append((MODEL_PRIOR, simulate_paths(start, horizon, runs, seed, progress=progress)))
    if calibration is not None and "discrepancy_log_milex_var_per_year" in calibration.diagnostics:
        ensembles.insert(1, (MODEL_DISC, _with_discrepancy(ensembles[0][1], calibration, seed)))
    paths0 = ensembles[0][1]
    actors, partners = paths0.actors, paths0.partners
    hist = load_history(actors, min(train[0], start), end, partners)
    years = np.arange(start + 1, end + 1)
    h = years - start
    o, tr = hist.row(start), slice(hist.row(train[0]), hist.row(train[1]) + 1)
    test = slice(o + 1, o + 1 + horizon)

    # ---- military spending
    m_obs = hist.milex[test]                                      # (H, N)
    m0 = hist.milex[o]
    scored = np.isfinite(m0) & np.any(np.isfinite(m_obs), axis=0)
    skipped = {}
    for i, a in enumerate(actors):
        if not np.isfinite(m0[i]):
            skipped[a] = f"no SIPRI figure for the origin year {start}"
        elif not scored[i]:
            skipped[a] = f"no SIPRI figure for {start + 1}-{end} (carried forward or other sources)"
    m_obs = np.where(scored[None, :], m_obs, np.nan)
    idx = {"actor": np.broadcast_to(np.array(actors), m_obs.shape),
           "year": np.broadcast_to(years[:, None], m_obs.shape),
           "horizon": np.broadcast_to(h[:, None], m_obs.shape)}
    frames = []
    for name, p in ensembles:
        ens = np.moveaxis(p.milex[:, 1:, :], 0, -1)                # (H, N, R)
        frames.append(_long(name, score_block(ens, m_obs, True), m_obs, idx))
    m_train = hist.milex[tr]
    for name, fn in BASELINES.items():
        ens = fn(m_train, m0, h, n=runs, log=True)
        frames.append(_long(name, score_block(ens, m_obs, True), m_obs, idx))
    milex = pd.concat(frames, ignore_index=True)

    # ---- alignment change with the partners
    a_obs = hist.alignment()                                      # (T, N, P)
    d_obs = a_obs[test] - a_obs[o]                                # (H, N, P)
    shp = d_obs.shape
    aidx = {"actor": np.broadcast_to(np.array(actors)[None, :, None], shp),
            "partner": np.broadcast_to(np.array(partners)[None, None, :], shp),
            "year": np.broadcast_to(years[:, None, None], shp),
            "horizon": np.broadcast_to(h[:, None, None], shp)}
    aframes = []
    for name, p in ensembles:
        al = p.align
        ens = np.moveaxis(al[:, 1:] - al[:, :1], 0, -1)
        aframes.append(_long(name, score_block(ens, d_obs, False), d_obs, aidx))
    flat_train = a_obs[tr].reshape(a_obs[tr].shape[0], -1)
    a0 = a_obs[o].reshape(-1)
    for name, fn in BASELINES.items():
        ens = fn(flat_train, a0, h, n=runs, log=False) - a0[None, :, None]
        ens = ens.reshape(*shp, runs)
        aframes.append(_long(name, score_block(ens, d_obs, False), d_obs, aidx))
    alignment = pd.concat(aframes, ignore_index=True)
    return Backtest(start=start, end=end, train=(int(train[0]), int(train[1])), runs=runs, seed=seed,
                    calibrated=calibration is not None, milex=milex, alignment=alignment,
                    skipped=skipped)


# ---------------------------------------------------------------------------
# Event-rich backtests: the event history as known inputs (conditional hindcast)
# ---------------------------------------------------------------------------

#: Origins of the rolling event-rich backtest.
EVENT_ORIGINS: tuple[int, ...] = (2008, 2014, 2018)
#: The actors whose spending moved most after the real events (issue 11's check).
MOVERS: tuple[str, ...] = ("POL", "LTU", "LVA", "EST", "UKR", "RUS")
WITH_EVENTS = "model + events"
WITHOUT_EVENTS = "model, events withheld"


def simulate_plan(year: int, years: int, runs: int, seed: int, plan: object,
                  parameters: dict[str, FloatArray] | None = None
                  ) -> tuple[FloatArray, FloatArray, tuple[str, ...]]:
    """Military spending and GDP paths ``(R, years + 1, N)`` of ``plan`` from the world of ``year``.

    Parameters and lever magnitudes come from the engine's design for the
    plan (same seed, so the status quo and the event plan share the model
    parameters' design where their dimensions agree), replaced by
    ``parameters`` where given (e.g. a calibration's sample); yearly steps.
    """
    import warnings

    from flashpoint.engine.plan import Plan
    from flashpoint.engine.run import RunConfig, design_parameters, run_ensemble
    from flashpoint.validation.calibrate import BATCH
    from flashpoint.world import load_world

    assert isinstance(plan, Plan)
    arrays = load_world(year=year).to_arrays()
    cfg = RunConfig(runs=runs, years=float(years), seed=seed, dt=1.0, attribution=False)
    _, values = design_parameters(plan, cfg)
    for name, v in (parameters or {}).items():
        values[name] = np.asarray(v, dtype=np.float64)
    milex, gdp = [], []
    for s0 in range(0, runs, BATCH):
        s1 = min(runs, s0 + BATCH)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="divide by zero", category=RuntimeWarning)
            ds = run_ensemble(arrays, plan, cfg, parameters=values, run_range=(s0, s1))
        milex.append(ds["milex"].values)
        gdp.append(ds["gdp"].values)
    return np.concatenate(milex), np.concatenate(gdp), tuple(arrays.iso3)


@dataclass(frozen=True, eq=False)
class EventBacktest:
    """Scores of spending-share and spending changes since the origin, with and without the events.

    ``changes``: long table (method, actor, year, horizon, target, obs, pred,
    ae) with ``target`` "share" (change of military spending as a share of
    GDP since the origin year, percentage points) or "log milex" (change of
    log real spending since the origin, x100 = %); ``pred`` is the ensemble
    median (baselines: their predictive median). ``events``: ids used.
    """

    start: int
    end: int
    runs: int
    seed: int
    events: tuple[str, ...]
    changes: pd.DataFrame

    def per_actor(self, target: str = "share") -> pd.DataFrame:
        """Mean absolute error of the changes per actor (rows) and method (columns), and the best."""
        df = self.changes[self.changes.target == target]
        t = df.pivot_table(index="actor", columns="method", values="ae", aggfunc="mean", sort=False)
        t = t[list(dict.fromkeys(df.method))]
        first = next(iter(dict.fromkeys(df.method)))
        t.insert(0, "n", df[df.method == first].groupby("actor", sort=False).ae.count())
        t["best"] = t.drop(columns="n").idxmin(axis=1)
        return t

    def summary(self, target: str = "share", actors: tuple[str, ...] | None = None) -> pd.Series:
        """Mean absolute error per method, over all scored actor-years or over ``actors``."""
        df = self.changes[self.changes.target == target]
        if actors is not None:
            df = df[df.actor.isin(actors)]
        return df.groupby("method", sort=False).ae.mean()


STATUS_QUO = "model (status quo)"


def event_backtest(start: int, end: int = 2023, runs: int = 200, seed: int = 0,
                   events_path: str | None = None, events: bool = True,
                   parameters: dict[str, FloatArray] | None = None) -> EventBacktest:
    """Conditional hindcast from ``start``: the model with the event history as known inputs,
    the model with the events withheld (status quo) and the baselines, scored on changes.

    Baselines (:mod:`flashpoint.validation.baselines`: persistence, linear
    trend, AR(1)) are fitted on 1995 .. start-1 of the same series (share of
    GDP in logs, real spending in logs) and forecast the level; their change
    is taken from the origin's observed value. The model's share change is
    the simulated proportional change of milex/GDP applied to the observed
    origin share (the engine's price basis does not then matter for the
    change). ``events=False`` scores only the status quo (method
    :data:`STATUS_QUO`) and the baselines: issue 11's per-actor check of the
    plain backtest. ``parameters`` replaces the design's values (a
    calibration's sample).
    """
    from flashpoint.engine.plan import Plan
    from flashpoint.validation.events import event_plan, load_events
    from flashpoint.world import load_world

    if not 1996 <= start < end <= 2023:
        raise DataError("event backtest", f"expected years 1996 <= start < end <= 2023. Got {start}-{end} instead.")
    horizon = end - start
    status_quo = simulate_plan(start, horizon, runs, seed, Plan(name="status_quo"), parameters)
    used: tuple[str, ...] = ()
    if events:
        evs = load_events(events_path)
        plan, used = event_plan(evs, start, end, load_world(year=start).to_arrays())
        sims = {WITH_EVENTS: simulate_plan(start, horizon, runs, seed, plan, parameters),
                WITHOUT_EVENTS: status_quo}
    else:
        sims = {STATUS_QUO: status_quo}
    actors = status_quo[2]
    hist = load_history(actors, 1995, end)
    assert hist.share is not None
    o = hist.row(start)
    years = np.arange(start + 1, end + 1)
    h = years - start
    frames = []
    for target, series in (("share", hist.share), ("log milex", hist.milex)):
        y0 = series[o]
        obs_level = series[o + 1:o + 1 + horizon]
        ok = np.isfinite(y0)[None, :] & np.isfinite(obs_level)
        if target == "share":
            obs = 100.0 * (obs_level - y0)                             # percentage points
        else:
            obs = 100.0 * np.log(obs_level / y0)
        obs = np.where(ok, obs, np.nan)
        preds = {}
        for name, (m, g, _) in sims.items():
            if target == "share":
                with np.errstate(divide="ignore", invalid="ignore"):
                    r = (m[:, 1:] / g[:, 1:]) / (m[:, :1] / g[:, :1])
                preds[name] = np.median(100.0 * y0[None, None, :] * (r - 1.0), axis=0)
            else:
                with np.errstate(divide="ignore", invalid="ignore"):
                    preds[name] = np.median(100.0 * np.log(m[:, 1:] / m[:, :1]), axis=0)
        train = series[:o]
        for name, fn in BASELINES.items():
            with np.errstate(over="ignore", invalid="ignore"):        # an explosive AR(1) fit
                ens = fn(train, y0, h, n=runs, log=True)              # (H, N, R) levels
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                med = np.median(ens, axis=-1)
                preds[name] = 100.0 * (med - y0) if target == "share" else 100.0 * np.log(med / y0)
        for name, p in preds.items():
            df = pd.DataFrame({"actor": np.broadcast_to(np.array(actors), obs.shape).ravel(),
                               "year": np.broadcast_to(years[:, None], obs.shape).ravel(),
                               "horizon": np.broadcast_to(h[:, None], obs.shape).ravel(),
                               "obs": obs.ravel(), "pred": np.asarray(p).ravel()})
            df.insert(0, "target", target)
            df.insert(0, "method", name)
            df["ae"] = np.abs(df.pred - df.obs)
            frames.append(df[np.isfinite(df.obs) & np.isfinite(df.pred)])
    return EventBacktest(start=start, end=end, runs=runs, seed=seed, events=used,
                         changes=pd.concat(frames, ignore_index=True))
