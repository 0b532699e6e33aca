r"""Calibrate the uncertain parameters to history by approximate Bayesian computation.

The engine is a stochastic simulator without a tractable likelihood, so we
use ABC rejection with a kernel weight (Pritchard et al. 1999; Beaumont,
Zhang & Balding 2002): draw ``R`` parameter vectors from the priors (the
engine's Latin hypercube over every declared :class:`~flashpoint.params.Parameter`),
run the model once per vector from the world of the first training year,
measure the distance of each simulated history to the observed one, keep the
closest fraction ``alpha`` and weight them by an Epanechnikov kernel.

Simulation
----------
``load_world(year=first)``, yearly steps (``dt = 1``), status quo (no
scenario), ``last - first`` years; every parameter sampled.

Distance
--------
With ``m`` military spending (constant 2022 US$ bn, SIPRI observations only,
see :mod:`flashpoint.validation.history`) and ``Delta a`` the change since the
first year of the alignment of each actor with the United States and China
(simulated alignment; observed: the ideal-point mapping of
:func:`~flashpoint.validation.history.ideal_alignment`)::

    D_m(theta) = sqrt( mean_{t>=1, i}  (log m_sim(t, i) - log m_obs(t, i))^2 )
    D_a(theta) = sqrt( mean_{t>=1, i, p} (Delta a_sim(t, i, p) - Delta a_obs(t, i, p))^2 )
    D(theta)   = D_m / s_m + D_a / s_a

The means run over observed cells only; actors whose first-year spending is
not a SIPRI observation (the model would start from a COW or estimated
figure) are left out of ``D_m``. ``s_m`` and ``s_a`` are the median absolute
deviations of ``D_m`` and ``D_a`` over the prior runs, so both targets weigh
alike whatever their units (Prangle 2017).

Tolerance and weights
---------------------
``epsilon`` is the ``alpha`` quantile of ``D`` over the prior runs (default
``alpha = 0.1``); accepted runs have ``D <= epsilon`` and weight
``w = 1 - (D / epsilon)^2`` (Epanechnikov kernel). The effective sample size
is ``(sum w)^2 / sum w^2`` (Kish). The calibrated ensemble resamples the
accepted parameter vectors with probabilities ``w`` (systematic resampling),
so it can be passed to :func:`flashpoint.simulate` as ``parameters=``; runs
that share a parameter vector still differ in their random events.

Assumptions and limitations
---------------------------
* One simulation per parameter vector: ABC's acceptance then accounts for
  the simulator's noise (the posterior is that of the noisy model).
* The model has no shocks for historical events (9/11 and the wars that
  followed, the 2008 crisis, 2014 Crimea, 2022 invasion of Ukraine); the
  calibration absorbs them into the trend and noise parameters.
* With about 50 parameters and a few thousand runs, ABC rejection informs
  only the parameters the targets are sensitive to (mostly ``arms.*`` and
  ``alignment.*``); the others keep (close to) their prior.

References
----------
Pritchard, J. K., Seielstad, M. T., Perez-Lezaun, A. & Feldman, M. W. (1999).
    Population growth of human Y chromosomes: a study of Y chromosome
    microsatellites. *Molecular Biology and Evolution* 16(12), 1791-1798.
    doi:10.1093/oxfordjournals.molbev.a026091
Beaumont, M. A., Zhang, W. & Balding, D. J. (2002). Approximate Bayesian
    computation in population genetics. *Genetics* 162(4), 2025-2035.
    doi:10.1093/genetics/162.4.2025
Prangle, D. (2017). Adapting the ABC distance function. *Bayesian Analysis*
    12(1), 289-309. doi:10.1214/16-BA1002
Kish, L. (1965). *Survey Sampling*. Wiley.
Grelaud, A., Robert, C. P., Marin, J.-M., Rodolphe, F. & Taly, J.-F. (2009).
    ABC likelihood-free methods for model choice in Gibbs random fields.
    *Bayesian Analysis* 4(2), 317-336. doi:10.1214/09-BA412

Theory weights
--------------
The theory factors ``theory.<mechanism>`` (:mod:`flashpoint.theories`) are
parameters of the design, so the calibration above also gives the history's
posterior over the theories (:meth:`Calibration.theory_posterior`: ABC model
choice with the model index as a parameter, Grelaud et al. 2009). Spending
and UN-vote histories barely discriminate between readings of each other's
moves, so :func:`theory_weights` adds the evidence that does: dated reaction
events (``validation/data/reactions.toml``), each replayed from the world of
the year before it with and without the move.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from flashpoint._types import FloatArray
from flashpoint.errors import DataError, ParameterError
from flashpoint.validation.history import History, load_history

__all__ = [
    "REACTION_SCALE",
    "Calibration",
    "Paths",
    "TheoryPosterior",
    "abc_weights",
    "calibrate",
    "distances",
    "load_calibration",
    "parse_window",
    "simulate_paths",
    "systematic_resample",
    "theory_weights",
]

#: Stream key of the resampling generator (apart from the engine's streams 0-2).
_STREAM_RESAMPLE = 7
#: Runs per engine call (bounds the memory of the dyadic fields).
BATCH = 500


@dataclass(frozen=True, eq=False)
class Paths:
    """Simulated trajectories of one ensemble.

    milex : (R, T, N) US$ bn; align : (R, T, N, P) alignment of each actor
    with each partner; values : every parameter's per-run value (R,);
    actors, partners : labels; year0 : the world's year (time 0).
    """

    milex: FloatArray
    align: FloatArray
    values: dict[str, FloatArray]
    actors: tuple[str, ...]
    partners: tuple[str, ...]
    year0: int


def parse_window(text: str, where: str = "--train") -> tuple[int, int]:
    """``"1995-2013"`` -> ``(1995, 2013)``; DataError on anything else."""
    parts = str(text).split("-")
    try:
        first, last = (int(p) for p in parts)
    except ValueError:
        raise DataError(where, f"expected a window like 1995-2013. Got {text!r} instead.") from None
    if not 1995 <= first < last <= 2023:
        raise DataError(where, f"expected years 1995 <= first < last <= 2023. Got {text!r} instead.")
    return first, last


def simulate_paths(year: int, years: int, runs: int, seed: int = 0,
                   parameters: Mapping[str, FloatArray] | None = None,
                   partners: tuple[str, ...] = ("USA", "CHN"),
                   progress: Callable[[int], None] | None = None) -> Paths:
    """Run the status-quo ensemble from the world of ``year`` with yearly steps.

    Every parameter's values come from the engine's Latin hypercube over the
    whole ensemble (seed ``seed``), replaced by ``parameters`` where given.
    Runs are computed in slices of :data:`BATCH` (``run_range``), bit-identical
    to one ``simulate(world, runs=runs, seed=seed, dt=1.0, parameters=...)``.
    """
    from flashpoint.engine.plan import Plan
    from flashpoint.engine.run import RunConfig, design_parameters, run_ensemble
    from flashpoint.world import load_world

    if years < 1:
        raise ParameterError(f"years: expected at least 1. Got {years} instead.")
    world = load_world(year=year)
    arrays = world.to_arrays()
    actors = tuple(arrays.iso3)
    pidx = [actors.index(p) for p in partners]
    _, values = design_parameters(Plan(name="status_quo"),
                                  RunConfig(runs=runs, years=float(years), seed=seed, dt=1.0))
    for name, v in (parameters or {}).items():
        values[name] = np.asarray(v, dtype=np.float64)
    cfg = RunConfig(runs=runs, years=float(years), seed=seed, dt=1.0, attribution=False,
                    keep_dyadic=True)
    plan = Plan(name="status_quo")
    milex, align = [], []
    for start in range(0, runs, BATCH):
        stop = min(runs, start + BATCH)
        with warnings.catch_warnings():
            # A world may hold zero spending (North Korea in the shipped tables
            # for 1996-2014): the engine's milex_growth metric then divides by
            # zero; the state used here is unaffected.
            warnings.filterwarnings("ignore", message="divide by zero", category=RuntimeWarning)
            ds = run_ensemble(arrays, plan, cfg, parameters=values, run_range=(start, stop))
        milex.append(ds["milex"].values)
        align.append(ds["alignment"].values[..., pidx])
        del ds
        if progress is not None:
            progress(stop - start)
    return Paths(np.concatenate(milex), np.concatenate(align), values, actors, tuple(partners), year)


def distances(paths: Paths, hist: History) -> tuple[FloatArray, FloatArray]:
    """``(D_m, D_a)`` of every run (R,) against the observed window ``hist``.

    ``hist`` must start in the paths' first year and cover their years.
    """
    t = paths.milex.shape[1]
    if int(hist.years[0]) != paths.year0 or hist.years.size < t:
        raise DataError("calibration", f"history must cover {paths.year0}-{paths.year0 + t - 1}. "
                        f"Got {int(hist.years[0])}-{int(hist.years[-1])} instead.")
    idx = [hist.actors.index(a) for a in paths.actors]
    obs = hist.milex[:t, idx]
    scored = np.isfinite(obs[0])
    mask = np.isfinite(obs) & scored[None, :]
    mask[0] = False
    with np.errstate(divide="ignore", invalid="ignore"):
        err = np.where(mask, np.log(paths.milex) - np.log(np.where(mask, obs, 1.0)), 0.0)
    d_m = np.sqrt(np.sum(err ** 2, axis=(1, 2)) / max(int(mask.sum()), 1))
    pidx = [hist.partners.index(p) for p in paths.partners]
    a_obs = hist.alignment()[:t][:, idx][:, :, pidx]
    d_obs = a_obs - a_obs[0]
    amask = np.isfinite(d_obs)
    d_sim = paths.align - paths.align[:, :1]
    aerr = np.where(amask, d_sim - np.where(amask, d_obs, 0.0), 0.0)
    d_a = np.sqrt(np.sum(aerr ** 2, axis=(1, 2, 3)) / max(int(amask.sum()), 1))
    return np.asarray(d_m), np.asarray(d_a)


def discrepancy(paths: Paths, hist: History, keep: np.ndarray, w: FloatArray) -> tuple[float, float]:
    """Model-discrepancy variances per year of horizon, ``(s2_milex, s2_align)``.

    The calibrated ensemble covers parameter uncertainty only. Over the training
    window, the squared error of its weighted mean exceeds its variance by the
    model's structural error (medians over actors, so that a few actors at war
    do not dominate) (Kennedy & O'Hagan 2001, J. R. Stat. Soc. B 63(3):
    425-464, doi:10.1111/1467-9868.00294). We take that excess, averaged over
    actors at each horizon t, as a random walk, ``s2 t``, and fit ``s2`` by least
    squares through the origin: for log military spending and for the change of
    alignment. It uses the training years only.
    """
    t = paths.milex.shape[1]
    idx = [hist.actors.index(a) for a in paths.actors]
    wn = w / w.sum()
    hor = np.arange(t, dtype=np.float64)

    def fit(sim: FloatArray, obs: FloatArray) -> float:
        # sim (M, T, K) accepted runs; obs (T, K) with NaN gaps
        mean = np.einsum("m,mtk->tk", wn, sim)
        var = np.einsum("m,mtk->tk", wn, (sim - mean[None]) ** 2)
        ok = np.isfinite(obs)
        sq = np.where(ok, (np.where(ok, obs, 0.0) - mean) ** 2, np.nan)
        v = np.where(ok, var, np.nan)
        # Robust across actors (a few actors with large errors, e.g. wars, would
        # dominate a mean): the median squared error over the median of a
        # chi-square(1) variable (0.455) estimates a normal variance.
        excess = np.array([np.nanmedian(sq[k]) / 0.4549 - np.nanmedian(v[k]) if ok[k].any()
                           else np.nan for k in range(t)])
        use = (hor > 0) & np.isfinite(excess)
        if not use.any():
            return 0.0
        return float(max(0.0, np.sum(hor[use] * excess[use]) / np.sum(hor[use] ** 2)))

    obs = hist.milex[:t, idx]
    scored = np.isfinite(obs[0])
    obs = np.where(np.isfinite(obs) & scored[None, :] & (obs > 0), obs, np.nan)
    s2_m = fit(np.log(np.maximum(paths.milex[keep], 1e-9)), np.log(obs))
    pidx = [hist.partners.index(p) for p in paths.partners]
    a_obs = hist.alignment()[:t][:, idx][:, :, pidx]
    d_obs = (a_obs - a_obs[0]).reshape(t, -1)
    d_sim = (paths.align[keep] - paths.align[keep][:, :1]).reshape(int(keep.sum()), t, -1)
    s2_a = fit(d_sim, d_obs)
    return s2_m, s2_a


def _mad(x: FloatArray) -> float:
    mad = float(np.median(np.abs(x - np.median(x))))
    return mad if mad > 0 else float(np.std(x)) or 1.0


def abc_weights(d: FloatArray, alpha: float) -> tuple[FloatArray, float]:
    """Epanechnikov ABC weights ``(R,)`` and tolerance ``epsilon`` (the ``alpha`` quantile of ``d``)."""
    if not 0.0 < alpha <= 1.0:
        raise ParameterError(f"alpha: expected a value in (0, 1]. Got {alpha} instead.")
    eps = float(np.quantile(d, alpha))
    if eps <= 0:
        w = (d <= 0).astype(np.float64)
        return w, eps
    w = np.where(d <= eps, 1.0 - (d / eps) ** 2, 0.0)
    if not np.any(w > 0):  # every accepted run sits exactly at epsilon
        w = (d <= eps).astype(np.float64)
    return np.asarray(w), eps


def systematic_resample(weights: FloatArray, n: int, seed: int) -> np.ndarray:
    """``n`` indices drawn with probabilities ``weights`` (systematic resampling, shuffled)."""
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 1 or w.size == 0 or np.any(w < 0) or not np.sum(w) > 0:
        raise ParameterError("weights: expected non-negative weights with a positive sum.")
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(_STREAM_RESAMPLE,)))
    cdf = np.cumsum(w) / np.sum(w)
    cdf[-1] = 1.0
    u = (rng.random() + np.arange(n)) / n
    idx = np.searchsorted(cdf, u, side="right")
    return np.asarray(rng.permutation(np.minimum(idx, w.size - 1)))


@dataclass(frozen=True, eq=False)
class Calibration:
    """An ABC posterior: accepted parameter vectors, their weights and diagnostics.

    Attributes
    ----------
    train : (first, last) training years.
    names : parameter names (P,); prior : {name: (low, high, log)}.
    accepted : (M, P) accepted parameter vectors; weights : (M,) kernel weights.
    distance : (M,) their distances ``D``.
    diagnostics : runs, seed, alpha, epsilon, scales, acceptance rate, ESS,
        median distances under the prior and the posterior.
    """

    train: tuple[int, int]
    names: tuple[str, ...]
    prior: dict[str, tuple[float, float, bool]]
    accepted: FloatArray
    weights: FloatArray
    distance: FloatArray
    diagnostics: dict[str, Any] = field(default_factory=dict)

    @property
    def ess(self) -> float:
        """Kish effective sample size of the weights."""
        w = self.weights
        return float(np.sum(w) ** 2 / np.sum(w ** 2))

    def sample(self, runs: int, seed: int = 0) -> dict[str, FloatArray]:
        """``runs`` parameter vectors resampled from the posterior, for ``simulate(parameters=...)``."""
        idx = systematic_resample(self.weights, runs, seed)
        return {n: np.asarray(self.accepted[idx, k]) for k, n in enumerate(self.names)}

    def summary(self) -> pd.DataFrame:
        """Prior range and weighted posterior 5/50/95 % quantiles per parameter.

        ``shrinkage`` = 1 - (posterior 90 % width / prior 90 % width); near 0
        means the data did not inform the parameter.
        """
        order = np.argsort(self.accepted, axis=0)
        rows = []
        for k, n in enumerate(self.names):
            lo, hi, log = self.prior[n]
            x = self.accepted[order[:, k], k]
            cw = np.cumsum(self.weights[order[:, k]])
            cw = cw / cw[-1]
            q = np.interp([0.05, 0.5, 0.95], cw, x)
            if log and lo > 0:
                pq = np.exp(np.log(lo) + np.array([0.05, 0.95]) * (np.log(hi) - np.log(lo)))
            else:
                pq = lo + np.array([0.05, 0.95]) * (hi - lo)
            width = pq[1] - pq[0]
            shrink = 1.0 - (q[2] - q[0]) / width if width > 0 else 0.0
            rows.append({"parameter": n, "prior_low": lo, "prior_high": hi,
                         "post_q05": q[0], "post_median": q[1], "post_q95": q[2],
                         "shrinkage": shrink})
        return pd.DataFrame(rows)

    def theory_posterior(self) -> dict[str, dict[str, float]]:
        """Posterior theory weights implied by the accepted runs' ``theory.<mechanism>``
        draws (their variants by the prior weights), kernel-weighted: the history's
        verdict on the theories (ABC model choice with the model index as a parameter)."""
        from flashpoint.theories import THEORIES, assign

        out: dict[str, dict[str, float]] = {}
        for m, t in THEORIES.items():
            name = f"theory.{m}"
            if name not in self.names:
                continue
            prior = dict(zip(t.variants, t.weights, strict=True))
            drawn = assign(self.accepted[:, self.names.index(name)], prior)
            out[m] = _shares({m: drawn}, self.weights, {m: prior})[m]
        return out

    def to_dict(self, runs: int | None = None, seed: int = 0) -> dict[str, Any]:
        """JSON-ready content; with ``runs``, also a resampled ensemble of that size."""
        out: dict[str, Any] = {
            "method": "ABC rejection, Epanechnikov kernel (Beaumont, Zhang & Balding 2002)",
            "train": list(self.train),
            "diagnostics": self.diagnostics | {"ess": self.ess},
            "prior": {n: list(v) for n, v in self.prior.items()},
            "summary": self.summary().to_dict(orient="records"),
            "accepted": {n: self.accepted[:, k].tolist() for k, n in enumerate(self.names)},
            "weights": self.weights.tolist(),
            "distance": self.distance.tolist(),
            "theory_posterior_history": self.theory_posterior(),
        }
        if runs is not None:
            out["resampled"] = {"runs": runs, "seed": seed,
                                "parameters": {k: v.tolist() for k, v in self.sample(runs, seed).items()}}
        return out

    def save(self, path: str | Path, runs: int | None = None, seed: int = 0,
             theories: TheoryPosterior | None = None) -> Path:
        """Write the calibration as JSON (see :meth:`to_dict`), with the theory weights
        from the reaction events if given."""
        p = Path(path)
        content = self.to_dict(runs, seed)
        if theories is not None:
            content["theory_weights"] = theories.to_dict()
        p.write_text(json.dumps(content, indent=1), encoding="utf-8")
        return p


def load_calibration(path: str | Path) -> Calibration:
    """Read a calibration written by :meth:`Calibration.save` (``flashpoint calibrate``)."""
    from flashpoint.files import parse_document, read_text

    p = Path(path)
    # Safe reading (flashpoint.files): a regular UTF-8 file, bounded size and nesting, finite numbers.
    raw = parse_document(read_text(p, error=DataError), str(p), fmt="json", error=DataError)
    _check_calibration_document(p, raw)
    try:
        names = tuple(raw["accepted"])
        acc = np.column_stack([np.asarray(raw["accepted"][n], dtype=np.float64) for n in names])
        cal = Calibration(
            train=(int(raw["train"][0]), int(raw["train"][1])),
            names=names,
            prior={n: (float(v[0]), float(v[1]), bool(v[2])) for n, v in raw["prior"].items()},
            accepted=acc,
            weights=np.asarray(raw["weights"], dtype=np.float64),
            distance=np.asarray(raw["distance"], dtype=np.float64),
            diagnostics=dict(raw["diagnostics"]),
        )
    except (KeyError, TypeError, ValueError, IndexError, OverflowError, json.JSONDecodeError) as e:
        raise DataError(str(p), f"expected a calibration file from 'flashpoint calibrate'. "
                        f"Got an unreadable file instead ({e}).") from None
    if cal.weights.shape != (acc.shape[0],):
        raise DataError(str(p), f"expected one weight per accepted run ({acc.shape[0]}). "
                        f"Got {cal.weights.shape[0]} instead.")
    _check_calibration_values(p, cal)
    return cal


def _check_calibration_document(p: Path, raw: dict[str, object]) -> None:
    """The types of a calibration file's tables, before any conversion (each names its field)."""
    shapes: dict[str, type | tuple[type, ...]] = {
        "train": list, "accepted": dict, "prior": dict, "weights": list, "distance": list,
        "diagnostics": dict}
    for key, kind in shapes.items():
        if key not in raw:
            raise DataError(f"{p}: {key}", "expected a calibration file from 'flashpoint calibrate'. "
                            "This field is missing")
        if not isinstance(raw[key], kind):
            want = "an object (table)" if kind is dict else "an array"
            raise DataError(f"{p}: {key}", f"expected {want}. Got {type(raw[key]).__name__} instead")
    train = cast(list[object], raw["train"])  # the types were checked just above
    if len(train) != 2 or not all(isinstance(y, int) and not isinstance(y, bool) for y in train):
        raise DataError(f"{p}: train", f"expected [first, last] years. Got {train!r} instead")
    def numbers(x: object) -> bool:
        return isinstance(x, list) and all(isinstance(v, int | float) and not isinstance(v, bool)
                                           for v in x)
    accepted = cast(dict[str, object], raw["accepted"])
    for name, col in accepted.items():
        if not numbers(col):
            raise DataError(f"{p}: accepted.{name}", "expected an array of numbers")
    for key in ("weights", "distance"):
        if not numbers(raw[key]):
            raise DataError(f"{p}: {key}", "expected an array of numbers")
    prior = cast(dict[str, object], raw["prior"])
    for name, v in prior.items():
        if not (isinstance(v, list) and len(v) == 3 and numbers(v[:2]) and isinstance(v[2], bool)):
            raise DataError(f"{p}: prior.{name}", f"expected [low, high, log]. Got {v!r} instead")
    missing = [n for n in accepted if n not in prior]
    if missing:
        raise DataError(f"{p}: prior", f"expected a prior for every accepted parameter. "
                        f"{missing[0]!r} has none")


def _check_calibration_values(p: Path, cal: Calibration) -> None:
    """Weights finite, non-negative and not all zero; parameter values finite."""
    w = cal.weights
    if w.size == 0:
        raise DataError(f"{p}: weights", "expected at least one accepted run. Got none instead")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        k = int(np.flatnonzero(~np.isfinite(w) | (w < 0))[0])
        raise DataError(f"{p}: weights[{k}]", f"expected a finite weight >= 0. Got {w[k]!r} instead")
    if not w.sum() > 0:
        raise DataError(f"{p}: weights", "expected a positive total weight. Got all zeros instead")
    if not np.all(np.isfinite(cal.accepted)):
        raise DataError(f"{p}: accepted", "expected finite parameter values")


def calibrate(train: tuple[int, int] = (1995, 2013), runs: int = 2000, seed: int = 0,
              alpha: float = 0.1, progress: Callable[[int], None] | None = None) -> Calibration:
    """ABC-calibrate every parameter to the training window (see the module docstring).

    Parameters
    ----------
    train : (first, last)
        Training years; the model starts from ``load_world(year=first)``.
    runs : int
        Prior runs (one simulation each).
    seed : int
        Seed of the prior design and the random events.
    alpha : float
        Accepted fraction (the tolerance is the ``alpha`` quantile of ``D``).
    """
    from flashpoint.engine.context import all_parameters

    first, last = train
    if not 1995 <= first < last <= 2023:
        raise DataError("train", f"expected years 1995 <= first < last <= 2023. Got {first}-{last} instead.")
    if runs < 10:
        raise ParameterError(f"runs: expected at least 10 prior runs. Got {runs} instead.")
    paths = simulate_paths(first, last - first, runs, seed, progress=progress)
    hist = load_history(paths.actors, first, last)
    d_m, d_a = distances(paths, hist)
    s_m, s_a = _mad(d_m), _mad(d_a)
    d = d_m / s_m + d_a / s_a
    w, eps = abc_weights(d, alpha)
    keep = w > 0
    params = all_parameters()
    names = tuple(p.name for p in params)
    acc = np.column_stack([paths.values[n][keep] for n in names])
    wk = w[keep]
    diag = {
        "runs": runs, "seed": seed, "alpha": alpha, "epsilon": eps,
        "distance": "D = D_m / s_m + D_a / s_a (RMS log milex error; RMS alignment-change error)",
        "scale_milex": s_m, "scale_align": s_a,
        "accepted": int(keep.sum()), "acceptance_rate": float(keep.mean()),
        "rms_log_milex_prior_median": float(np.median(d_m)),
        "rms_log_milex_posterior_median": float(_wmedian(d_m[keep], wk)),
        "rms_align_prior_median": float(np.median(d_a)),
        "rms_align_posterior_median": float(_wmedian(d_a[keep], wk)),
        "world_year": first, "dt": 1.0,
    }
    s2_m, s2_a = discrepancy(paths, hist, keep, wk)
    diag["discrepancy_log_milex_var_per_year"] = s2_m
    diag["discrepancy_align_var_per_year"] = s2_a
    return Calibration(train=(first, last), names=names,
                       prior={p.name: (p.low, p.high, p.log) for p in params},
                       accepted=acc, weights=wk, distance=d[keep], diagnostics=diag)


def _wmedian(x: FloatArray, w: FloatArray) -> float:
    o = np.argsort(x)
    cw = np.cumsum(w[o])
    return float(x[o][np.searchsorted(cw, 0.5 * cw[-1])])


# --------------------------------------------------------------------------- theory weights

#: Intent change that counts as a reaction (the scale of the -1 / 0 / +1 coding).
#: Rationale: 0.02 on the [0, 1] belief scale is about a tenth of the spread of China's
#: initial perceived intent across the Western states in the 2021 world (0.46-0.97).
REACTION_SCALE = 0.02


@dataclass(frozen=True, eq=False)
class TheoryPosterior:
    """Posterior theory weights from ABC model choice on dated reaction events.

    events : the events scored; observed : their coded reactions (E,);
    predicted : {theory of signal reading: mean scaled model reaction per event (E,)};
    theories : {mechanism: (R,) variant of each prior run}; distance : (R,);
    weights : (R,) ABC kernel weights; prior : {mechanism: {variant: prior weight}};
    loo : {mechanism: {variant: (min, max)}} posterior weights leaving out each event.
    """

    events: tuple[str, ...]
    observed: FloatArray
    predicted: dict[str, FloatArray]
    theories: dict[str, np.ndarray]
    distance: FloatArray
    weights: FloatArray
    prior: dict[str, dict[str, float]]
    loo: dict[str, dict[str, tuple[float, float]]]
    diagnostics: dict[str, Any] = field(default_factory=dict)

    @property
    def ess(self) -> float:
        """Kish effective sample size of the accepted runs."""
        w = self.weights[self.weights > 0]
        return float(np.sum(w) ** 2 / np.sum(w ** 2)) if w.size else 0.0

    def posterior(self) -> dict[str, dict[str, float]]:
        """``{mechanism: {variant: posterior weight}}`` (accepted share, kernel-weighted)."""
        return _shares(self.theories, self.weights, self.prior)

    def discriminates(self, mechanism: str) -> bool:
        """True when some variant's posterior departs from its prior by more than three
        Monte Carlo standard errors (a margin for the dozen theories compared at once:
        Bonferroni at 5 % over 12 two-sided tests needs z = 2.9) and every
        leave-one-event-out posterior lies on the same side of the prior."""
        post = self.posterior()[mechanism]
        for v, p in post.items():
            prior = self.prior[mechanism][v]
            se = np.sqrt(max(p * (1 - p), 1e-12) / max(self.ess, 1.0))
            lo, hi = self.loo[mechanism][v]
            if abs(p - prior) > 3 * se and (lo > prior or hi < prior):
                return True
        return False

    def summary(self) -> pd.DataFrame:
        """One row per theory: prior, posterior, standard error, leave-one-out range."""
        rows = []
        post = self.posterior()
        for mech, w in post.items():
            disc = self.discriminates(mech)
            for v, p in w.items():
                lo, hi = self.loo[mech][v]
                rows.append({"mechanism": mech, "theory": v, "prior": self.prior[mech][v],
                             "posterior": p,
                             "se": float(np.sqrt(max(p * (1 - p), 0.0) / max(self.ess, 1.0))),
                             "loo_min": lo, "loo_max": hi, "discriminates": disc})
        return pd.DataFrame(rows)

    def predictions(self) -> pd.DataFrame:
        """Observed reaction and each signal-reading theory's mean predicted reaction per event."""
        out = pd.DataFrame({"event": list(self.events), "observed": self.observed})
        for v, s in self.predicted.items():
            out[v] = s
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready content."""
        return {
            "method": "ABC model choice (rejection, Epanechnikov kernel; Grelaud et al. 2009) "
                      "on dated reaction events",
            "events": list(self.events), "observed": self.observed.tolist(),
            "prior": self.prior, "posterior": self.posterior(),
            "loo": {m: {v: list(r) for v, r in w.items()} for m, w in self.loo.items()},
            "discriminates": {m: self.discriminates(m) for m in self.prior},
            "predicted": {v: s.tolist() for v, s in self.predicted.items()},
            "diagnostics": self.diagnostics | {"ess": self.ess},
        }


def _shares(theories_: Mapping[str, np.ndarray], w: FloatArray,
            prior: Mapping[str, Mapping[str, float]]) -> dict[str, dict[str, float]]:
    total = float(np.sum(w))
    return {m: {v: float(np.sum(w[theories_[m] == v]) / total) if total > 0 else float("nan")
                for v in prior[m]} for m in prior}


def event_reactions(runs: int = 600, seed: int = 0, dt: float = 0.5, horizon: float = 2.0,
                    path: str | Path | None = None,
                    progress: Callable[[int], None] | None = None,
                    ) -> tuple[tuple[Any, ...], FloatArray, dict[str, np.ndarray]]:
    """Replay every reaction event with and without its move, same runs (common random numbers).

    Returns ``(events, s, theories)``: ``s`` (R, E) is each run's change of the observer's
    perceived intent of the event's targets ``horizon`` years after the move (mean over the
    targets, move minus no move); ``theories`` the runs' theory draws (one design, shared by
    every event: the same run has the same parameters and theories in each world).
    """
    from flashpoint.engine.plan import Plan
    from flashpoint.engine.run import RunConfig, run_ensemble
    from flashpoint.validation.reactions import load_reactions
    from flashpoint.world import load_world

    events = load_reactions(path)
    cols: list[FloatArray] = []
    drawn: dict[str, np.ndarray] = {}
    for ev in events:
        arrays = load_world(year=ev.world_year).to_arrays()
        iso = list(arrays.iso3)
        where = f"reactions: event {ev.id!r}"
        for code in (ev.observer, *ev.targets):
            if code not in iso:
                raise DataError(where, f"actor {code!r} is not in the {ev.world_year} world.")
        years = ev.start + horizon
        cfg = RunConfig(runs=runs, years=years, seed=seed, dt=dt, attribution=False,
                        keep_dyadic=True)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="divide by zero", category=RuntimeWarning)
            base = run_ensemble(arrays, Plan(name="status_quo"), cfg)
            moved = run_ensemble(arrays, ev.plan(), cfg)
        o, t = iso.index(ev.observer), [iso.index(c) for c in ev.targets]
        d = moved["intent"].values[:, -1, o][:, t] - base["intent"].values[:, -1, o][:, t]
        cols.append(d.mean(axis=1))
        if not drawn:
            drawn = {str(c)[len("theory__"):]: moved.coords[c].values.astype(object)
                     for c in moved.coords if str(c).startswith("theory__")}
        if progress is not None:
            progress(1)
    return events, np.column_stack(cols), drawn


def theory_weights(runs: int = 600, seed: int = 0, alpha: float = 0.2,
                   scale: float = REACTION_SCALE, path: str | Path | None = None,
                   progress: Callable[[int], None] | None = None) -> TheoryPosterior:
    """ABC model choice over the theory packages on the dated reaction events.

    Every run draws its theories and parameters from the priors (the engine's design);
    each event is replayed from the world of the year before it (:func:`event_reactions`).
    A run's distance to the evidence is the mean squared gap between its scaled
    reactions and the coded ones::

        z_e = clip(s_e / scale, -1, 1),   D = mean_e (z_e - r_e)^2

    The closest fraction ``alpha`` is accepted with Epanechnikov weights (Beaumont,
    Zhang & Balding 2002); a theory's posterior weight is its kernel-weighted share of
    the accepted runs (ABC model choice with the model index as a parameter: Grelaud,
    Robert, Marin, Rodolphe & Taly 2009, Bayesian Analysis 4(2):317-336,
    doi:10.1214/09-BA412). Its uncertainty is given twice: the Monte Carlo standard
    error ``sqrt(p (1 - p) / ESS)`` and the range over leaving out each event in turn
    (how much one coded event decides it).
    """
    from flashpoint.theories import THEORIES

    if runs < 20:
        raise ParameterError(f"runs: expected at least 20 prior runs. Got {runs} instead.")
    events, s, drawn = event_reactions(runs=runs, seed=seed, path=path, progress=progress)
    r = np.array([ev.reaction for ev in events], dtype=np.float64)
    z = np.clip(s / scale, -1.0, 1.0)
    prior = {m: dict(zip(t.variants, t.weights, strict=True)) for m, t in THEORIES.items()
             if m in drawn}

    def fit(keep: np.ndarray) -> tuple[FloatArray, FloatArray, float]:
        d = np.mean((z[:, keep] - r[keep]) ** 2, axis=1)
        w, eps = abc_weights(d, alpha)
        return d, w, eps

    every = np.ones(len(events), dtype=bool)
    d, w, eps = fit(every)
    loo_shares = []
    for e in range(len(events)):
        keep = every.copy()
        keep[e] = False
        loo_shares.append(_shares(drawn, fit(keep)[1], prior))
    # shares are probabilities: clip the rounding of their normalisation (1 + 2e-16)
    loo = {m: {v: (min(1.0, max(0.0, min(x[m][v] for x in loo_shares))),
                   min(1.0, max(0.0, max(x[m][v] for x in loo_shares))))
               for v in prior[m]} for m in prior}
    sd = drawn.get("security_dilemma")
    predicted = {v: z[sd == v].mean(axis=0) for v in prior.get("security_dilemma", {})} \
        if sd is not None else {}
    diag = {"runs": runs, "seed": seed, "alpha": alpha, "epsilon": eps, "scale": scale,
            "accepted": int(np.sum(w > 0)), "horizon_years": 2.0, "dt": 0.5,
            "distance": "D = mean_e (clip(s_e / scale, -1, 1) - r_e)^2",
            "median_distance_prior": float(np.median(d)),
            "median_distance_by_theory": {v: float(np.median(d[sd == v])) for v in predicted}}
    return TheoryPosterior(events=tuple(ev.id for ev in events), observed=r, predicted=predicted,
                           theories=drawn, distance=d, weights=w, prior=prior, loo=loo,
                           diagnostics=diag)
