r"""Global sensitivity of any metric or claim margin to every uncertain input.

The *factors* are every model parameter (its prior range, or the scenario's
override) and every uncertain lever effect of the scenario (its
:class:`~flashpoint.engine.plan.Range`); degenerate ranges are not factors.
Designs and estimators come from SALib (Herman & Usher 2017; Iwanaga,
Usher & Herman 2022); this module builds the design in the unit cube, maps it
onto the factors' ranges exactly as the engine maps its own Latin hypercube
(:func:`flashpoint.engine.sampling.scale`, log-uniform for ``log``
parameters), feeds the rows to :func:`flashpoint.simulate` as explicit
per-run values (``parameters=`` and ``levers=``) and analyses the output.

Sobol' indices (variance-based)
    For an output :math:`Y = f(X_1, \dots, X_D)` with independent inputs,

    .. math::

        S_i = \frac{\operatorname{Var}_{X_i}(E[Y \mid X_i])}{\operatorname{Var}(Y)},
        \qquad
        S_{T,i} = \frac{E_{X_{\sim i}}[\operatorname{Var}_{X_i}(Y \mid X_{\sim i})]}
                       {\operatorname{Var}(Y)},

    the first-order (main-effect) share of the output variance and the total
    share including every interaction (Sobol' 1993/2001; Homma & Saltelli
    1996). Estimated from the Saltelli (2002) cross-sampling design built on a
    scrambled Sobol' sequence with :math:`N (D + 2)` runs (second-order
    indices off) using the Saltelli et al. (2010) estimators; confidence
    intervals by bootstrap (SALib's ``num_resamples``). :math:`S_{T,i}
    \approx 0` means the factor can be fixed anywhere in its range; the
    ranking by :math:`S_{T,i}` is the factor-prioritisation setting.

Morris elementary effects (screening, cheap)
    ``r`` one-at-a-time trajectories on a ``p``-level grid (Morris 1991), the
    optimised trajectory selection of Campolongo, Cariboni & Saltelli (2007);
    :math:`r (D + 1)` runs. :math:`\mu^*_i` (mean absolute elementary effect,
    in output units per unit of the factor's *normalised* range) ranks
    importance; :math:`\sigma_i` signals interactions or non-linearity.

Noise. A run's random events (crisis onsets, escalation, spending noise) come
from a stream keyed by its run index, so two design rows differ in their
events as well as their factors. That noise is a source of variance no
factor explains: it lowers the first-order indices and widens the
intervals, and it makes :math:`\sum_i S_i` fall short of 1 even for an
additive model. Increase ``n`` until the intervals are small enough.

References
----------
Sobol', I. M. (2001). Global sensitivity indices for nonlinear mathematical
models and their Monte Carlo estimates. *Mathematics and Computers in
Simulation* 55(1-3), 271-280. doi:10.1016/S0378-4754(00)00270-6

Homma, T. & Saltelli, A. (1996). Importance measures in global sensitivity
analysis of nonlinear models. *Reliability Engineering & System Safety*
52(1), 1-17. doi:10.1016/0951-8320(96)00002-6

Saltelli, A. (2002). Making best use of model evaluations to compute
sensitivity indices. *Computer Physics Communications* 145(2), 280-297.
doi:10.1016/S0010-4655(02)00280-1

Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M. & Tarantola,
S. (2010). Variance based sensitivity analysis of model output. *Computer
Physics Communications* 181(2), 259-270. doi:10.1016/j.cpc.2009.09.018

Morris, M. D. (1991). Factorial sampling plans for preliminary computational
experiments. *Technometrics* 33(2), 161-174. doi:10.1080/00401706.1991.10484804

Campolongo, F., Cariboni, J. & Saltelli, A. (2007). An effective screening
design for sensitivity analysis of large models. *Environmental Modelling &
Software* 22(10), 1509-1518. doi:10.1016/j.envsoft.2006.10.004

Ishigami, T. & Homma, T. (1990). An importance quantification technique in
uncertainty analysis for computer models. *Proc. ISUMA '90*, 398-403
(the test function used to check this module: :math:`S_1 = 0.3139`,
:math:`S_2 = 0.4424`, :math:`S_3 = 0`, :math:`S_{T,3} = 0.2437`).

Herman, J. & Usher, W. (2017). SALib: an open-source Python library for
sensitivity analysis. *JOSS* 2(9), 97. doi:10.21105/joss.00097
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
import xarray as xr

from flashpoint._types import FloatArray
from flashpoint.engine.plan import Plan
from flashpoint.engine.sampling import scale
from flashpoint.errors import AnalysisError

__all__ = [
    "Design",
    "Factor",
    "SensitivityResult",
    "analyze",
    "claim_sensitivity",
    "factors_for",
    "make_design",
    "metric_output",
    "run_design",
    "sensitivity",
]

Method = Literal["sobol", "morris"]
StatisticName = Literal["final", "mean", "series"]


@dataclass(frozen=True)
class Factor:
    """One uncertain input: a model parameter or a lever effect.

    ``name`` is the parameter name (``threat.range_km``) or ``lever:<short meaning>``;
    ``key`` is what the engine takes (``parameters[key]`` or ``levers[key]``);
    ``meaning`` is a short plain-language description.
    """

    name: str
    kind: Literal["param", "lever"]
    key: str
    low: float
    high: float
    log: bool = False
    meaning: str = ""


def factors_for(*plans: Plan, levers: bool = True) -> tuple[Factor, ...]:
    """Every non-degenerate parameter and (with ``levers``) lever effect of ``plans``.

    Parameter ranges are the priors, or the first plan's override where it
    has one; lever effects are the union over the plans (a scenario and its
    baseline), in order.
    """
    from flashpoint.engine.apply import lever_ranges
    from flashpoint.engine.context import all_parameters

    overrides: dict[str, tuple[float, float]] = {}
    for plan in reversed(plans):
        overrides.update({o.name: (o.value.low, o.value.high) for o in plan.overrides})
    out: list[Factor] = []
    for p in all_parameters():
        low, high = overrides.get(p.name, (p.low, p.high))
        if high > low:
            out.append(Factor(p.name, "param", p.name, float(low), float(high),
                              bool(p.log and low > 0), p.meaning))
    if levers:
        seen: set[str] = set()
        names: set[str] = set()
        for plan in plans:
            for label, rng in lever_ranges(plan).items():
                if rng.high > rng.low and label not in seen:
                    seen.add(label)
                    meaning = _lever_meaning(label)
                    name, k = f"lever:{meaning}", 2
                    while name in names:
                        name, k = f"lever:{meaning} #{k}", k + 1
                    names.add(name)
                    out.append(Factor(name, "lever", label, rng.low, rng.high, False, meaning))
    return tuple(out)


def _lever_meaning(label: str) -> str:
    """A short description of a lever label such as ``Commitment(source=(...), ...)``."""
    kind = label.split("(", 1)[0]
    what = {"Commitment": "commitment strength", "Presence": "deployed force share",
            "TradeChange": "trade multiplier", "Signal": "reassurance signal cost",
            "SpendingFloor": "spending floor (share of GDP)", "Shock": "shock magnitude",
            "RelationShock": "relation shock size"}.get(kind, kind)
    if label.endswith("#visibility"):
        what = "visibility (provocation) of the deployment"
    parts = []
    for field in ("source", "actors", "a", "flashpoint", "field"):
        marker = f"{field}="
        if marker in label:
            value = label.split(marker, 1)[1].split("),", 1)[0].split(", ", 1)[0]
            parts.append(value.strip("()'").replace("'", "")[:40])
            break
    return f"{what} ({parts[0]})" if parts else what


@dataclass(frozen=True, eq=False)
class Design:
    """A SALib design over ``factors``: ``unit`` rows in the unit cube, one row per run.

    Build with :func:`make_design`. ``n`` is the base sample size (Sobol') or
    the number of trajectories (Morris).
    """

    method: Method
    factors: tuple[Factor, ...]
    unit: FloatArray
    n: int
    seed: int
    num_levels: int = 4

    @property
    def runs(self) -> int:
        """Rows of the design (= runs of the ensemble)."""
        return int(self.unit.shape[0])

    @property
    def names(self) -> list[str]:
        """Factor names in design column order."""
        return [f.name for f in self.factors]

    def problem(self) -> dict[str, Any]:
        """The SALib problem (unit bounds: the design lives in the unit cube)."""
        return {"num_vars": len(self.factors), "names": self.names,
                "bounds": [[0.0, 1.0]] * len(self.factors)}

    def values(self) -> FloatArray:
        """The design in the factors' own units, ``(runs, D)``."""
        cols = [np.clip(scale(self.unit[:, k], f.low, f.high, f.log), f.low, f.high)
                for k, f in enumerate(self.factors)]
        return np.stack(cols, axis=1) if cols else np.zeros((self.runs, 0))

    def engine_inputs(self) -> tuple[dict[str, FloatArray], dict[str, FloatArray]]:
        """``(parameters, levers)`` for :func:`flashpoint.simulate`, one value per run."""
        vals = self.values()
        params: dict[str, FloatArray] = {}
        levers: dict[str, FloatArray] = {}
        for k, f in enumerate(self.factors):
            (params if f.kind == "param" else levers)[f.key] = np.ascontiguousarray(vals[:, k])
        return params, levers

    def digest(self) -> str:
        """SHA-256 of the design (method, factors, ranges, seed and the unit matrix)."""
        h = hashlib.sha256()
        h.update(json.dumps({"method": self.method, "n": self.n, "seed": self.seed,
                             "levels": self.num_levels,
                             "factors": [[f.name, f.low, f.high, f.log] for f in self.factors]},
                            sort_keys=True).encode())
        h.update(np.ascontiguousarray(self.unit, dtype=np.float64).tobytes())
        return h.hexdigest()

    def describe(self) -> str:
        """A one-line provenance description."""
        return (f"{self.method}(n={self.n}, factors={len(self.factors)}, runs={self.runs}, "
                f"seed={self.seed}, digest={self.digest()[:16]})")


def make_design(factors: Sequence[Factor], n: int, *, method: Method = "sobol", seed: int = 0,
                num_levels: int = 4) -> Design:
    """A Saltelli/Sobol' design (``n (D + 2)`` rows) or Morris trajectories (``n (D + 1)`` rows).

    Raises
    ------
    AnalysisError
        If there are no factors, ``n`` is too small, or (Sobol') not a power of two.
    """
    factors = tuple(factors)
    d = len(factors)
    if d == 0:
        raise AnalysisError("sensitivity: no uncertain factor (every range is degenerate).")
    names = [f.name for f in factors]
    if len(set(names)) != d:
        raise AnalysisError(f"sensitivity: duplicate factor names in {names}.")
    problem = {"num_vars": d, "names": names, "bounds": [[0.0, 1.0]] * d}
    if method == "sobol":
        if n < 2 or n & (n - 1):
            raise AnalysisError(f"sensitivity: Sobol' base sample n must be a power of two >= 2. "
                                f"Got {n} instead.")
        from SALib.sample import sobol as sobol_sample

        unit = sobol_sample.sample(problem, n, calc_second_order=False, scramble=True, seed=seed)
    elif method == "morris":
        if n < 2:
            raise AnalysisError(f"sensitivity: Morris needs at least 2 trajectories. Got {n} instead.")
        from SALib.sample import morris as morris_sample

        unit = morris_sample.sample(problem, n, num_levels=num_levels, seed=seed)
    else:
        raise AnalysisError(f"sensitivity: method must be 'sobol' or 'morris'. Got {method!r} instead.")
    return Design(method, factors, np.clip(np.asarray(unit, dtype=np.float64), 0.0, 1.0), n, seed,
                  num_levels)


_SOBOL_VARS = ("S1", "S1_conf", "ST", "ST_conf")
_MORRIS_VARS = ("mu", "mu_star", "mu_star_conf", "sigma")


def _analyze_column(design: Design, y: FloatArray, seed: int) -> dict[str, FloatArray]:
    d = len(design.factors)
    keys = _SOBOL_VARS if design.method == "sobol" else _MORRIS_VARS
    if not np.all(np.isfinite(y)):
        bad = int(np.sum(~np.isfinite(y)))
        raise AnalysisError(f"sensitivity: the output has {bad} non-finite values of {y.size}; "
                            f"choose a selector that fixes a defined label.")
    if np.ptp(y) == 0.0:  # no variance to apportion: indices undefined
        return {k: np.full(d, np.nan) for k in keys}
    if design.method == "sobol":
        from SALib.analyze import sobol as sobol_analyze

        # SALib's Sobol' analysis draws its bootstrap from the global NumPy state when the seed is
        # falsy (``if seed:``), so seed 0 would mean "no seed"; a Generator built from the
        # recorded seed is honoured for every integer, 0 included.
        res = sobol_analyze.analyze(design.problem(), y, calc_second_order=False,
                                    seed=np.random.default_rng(seed))
    else:
        from SALib.analyze import morris as morris_analyze

        res = morris_analyze.analyze(design.problem(), design.unit, y,
                                     num_levels=design.num_levels, seed=seed)
    return {k: np.asarray(res[k], dtype=np.float64) for k in keys}


def analyze(design: Design, y: Any, *, seed: int = 0) -> xr.Dataset:
    """Sensitivity indices of an output evaluated on ``design``'s rows.

    Parameters
    ----------
    design
        The design the output was computed on.
    y
        Output values, ``(runs,)`` or ``(runs, T)``, or a DataArray whose first
        dimension is ``run`` (any second dimension, e.g. ``time``, is kept).
    seed
        Seed of the bootstrap confidence intervals, recorded as
        ``attrs["bootstrap_seed"]``; every integer (0 included) gives the
        same intervals on every run.

    Returns
    -------
    xarray.Dataset
        Over ``factor`` (and the output's second dimension): ``S1, S1_conf,
        ST, ST_conf`` (Sobol') or ``mu, mu_star, mu_star_conf, sigma``
        (Morris, in output units per normalised factor range). Indices are
        NaN where the output does not vary. Coordinates ``kind`` and
        ``meaning`` describe each factor; attrs record the design.
    """
    arr = np.asarray(y.values if isinstance(y, xr.DataArray) else y, dtype=np.float64)
    if arr.shape[0] != design.runs or arr.ndim not in (1, 2):
        raise AnalysisError(f"sensitivity: expected an output of shape ({design.runs},) or "
                            f"({design.runs}, T), one row per design run. Got {arr.shape} instead.")
    cols = arr[:, None] if arr.ndim == 1 else arr
    per = [_analyze_column(design, np.ascontiguousarray(cols[:, j]), seed) for j in range(cols.shape[1])]
    dims: tuple[str, ...] = ("factor",)
    coords: dict[str, Any] = {
        "factor": design.names,
        "kind": ("factor", [f.kind for f in design.factors]),
        "meaning": ("factor", [f.meaning for f in design.factors]),
    }
    if arr.ndim == 2:
        second = str(y.dims[1]) if isinstance(y, xr.DataArray) else "time"
        dims = ("factor", second)
        if isinstance(y, xr.DataArray) and second in y.coords:
            coords[second] = y[second].values
    data = {k: (dims, np.stack([p[k] for p in per], axis=-1) if arr.ndim == 2 else per[0][k])
            for k in per[0]}
    ds = xr.Dataset(data, coords=coords)
    ds.attrs.update(method=design.method, n=design.n, runs=design.runs, design_seed=design.seed,
                    design_digest=design.digest(), bootstrap_seed=seed)
    return ds


def metric_output(ds: xr.Dataset, metric: str, *, selector: Mapping[str, str] | None = None,
                  statistic: StatisticName = "final") -> xr.DataArray:
    """A metric of a result reduced to one value per run (or per run and year).

    ``selector`` fixes every dimension besides ``run`` and ``time`` (e.g.
    ``{"flashpoint": "taiwan_strait"}``); ``statistic`` is ``final`` (last
    recorded year), ``mean`` (over the horizon) or ``series`` (keep ``time``:
    indices per recorded year).
    """
    if metric not in ds.data_vars:
        raise AnalysisError(f"sensitivity: the result has no metric {metric!r}. "
                            f"Expected one of {sorted(map(str, ds.data_vars))}.")
    da = ds[metric]
    for dim, label in (selector or {}).items():
        if dim not in da.dims:
            raise AnalysisError(f"sensitivity: {metric!r} has no dimension {dim!r}; "
                                f"its dimensions are {da.dims}.")
        known = [str(v) for v in da[dim].values]
        if label not in known:
            raise AnalysisError(f"sensitivity: selector {dim}={label!r} is not a label of {metric!r}. "
                                f"Expected one of {known}.")
        da = da.sel({dim: label}, drop=True)
    extra = [d for d in da.dims if d not in ("run", "time")]
    if extra:
        raise AnalysisError(f"sensitivity: {metric!r} still has dimensions {extra}; "
                            f"give a selector for each (e.g. --selector {extra[0]}=LABEL).")
    if statistic == "final":
        out = da.isel(time=-1, drop=True)
    elif statistic == "mean":
        out = da.mean("time")
    elif statistic == "series":
        out = da.transpose("run", "time")
    else:
        raise AnalysisError(f"sensitivity: statistic must be 'final', 'mean' or 'series'. "
                            f"Got {statistic!r} instead.")
    return out


def run_design(design: Design, world: Any = None, scenario: Any = None, *, years: float = 10,
               dt: float = 0.25, seed: int = 0, chunk_size: int | None = None) -> xr.Dataset:
    """Run ``scenario`` once per design row (runs keep the row order); no attribution.

    The result's attrs gain ``design`` (a description with the design digest).
    """
    from flashpoint.api import simulate

    params, levers = design.engine_inputs()
    ds = simulate(world, scenario, runs=design.runs, years=years, seed=seed, dt=dt,
                  chunk_size=chunk_size, attribution=False, keep_dyadic=False,
                  parameters=params, levers=levers)
    ds.attrs["design"] = design.describe()
    return ds


@dataclass(frozen=True, eq=False)
class SensitivityResult:
    """Indices of one output plus the design they came from.

    ``indices`` is the Dataset of :func:`analyze`; ``output`` names what was
    analysed (``metric[selector]:statistic`` or ``margin:<claim>``).
    """

    output: str
    indices: xr.Dataset
    design: Design

    def ranking(self, time: float | None = None) -> pd.DataFrame:
        """Factors ranked by total index (Sobol') or ``mu_star`` (Morris), most important first.

        With indices over time, ``time`` picks a year (default: the last).
        """
        ix = self.indices
        if "time" in ix.dims:
            ix = ix.sel(time=time) if time is not None else ix.isel(time=-1)
        key = "ST" if self.design.method == "sobol" else "mu_star"
        cols = list(_SOBOL_VARS if self.design.method == "sobol" else _MORRIS_VARS)
        frame = pd.DataFrame({c: np.asarray(ix[c].values) for c in cols},
                             index=pd.Index(list(ix.factor.values), name="factor"))
        frame.insert(0, "meaning", list(ix.meaning.values))
        frame.insert(0, "kind", list(ix.kind.values))
        return frame.sort_values(key, ascending=False, na_position="last")


def _resolve(world: Any, scenario: Any) -> tuple[Any, Plan]:
    from flashpoint.api import resolve_plan, resolve_world

    arrays = resolve_world(world)
    return arrays, resolve_plan(scenario, arrays)


def sensitivity(metric: str, scenario: Any = None, *, world: Any = None, method: Method = "sobol",
                n: int = 64, selector: Mapping[str, str] | None = None,
                statistic: StatisticName = "final", years: float = 10, dt: float = 0.25,
                seed: int = 0, levers: bool = True) -> SensitivityResult:
    """Sobol' or Morris indices of ``metric`` under ``scenario`` for every uncertain factor.

    Runs ``n (D + 2)`` (Sobol') or ``n (D + 1)`` (Morris) simulations, ``D``
    the number of factors (:func:`factors_for`). ``statistic="series"`` gives
    indices per recorded year.
    """
    arrays, plan = _resolve(world, scenario)
    design = make_design(factors_for(plan, levers=levers), n, method=method, seed=seed)
    ds = run_design(design, arrays, plan, years=years, dt=dt, seed=seed)
    y = metric_output(ds, metric, selector=selector, statistic=statistic)
    sel = ",".join(f"{k}={v}" for k, v in (selector or {}).items())
    label = f"{metric}[{sel}]:{statistic}" if sel else f"{metric}:{statistic}"
    ix = analyze(design, y, seed=seed)
    ix.attrs.update(output=label, scenario=plan.name, years=years, dt=dt, seed=seed)
    return SensitivityResult(label, ix, design)


def claim_sensitivity(claim: Any, *, world: Any = None, method: Method = "sobol", n: int = 64,
                      years: float | None = None, dt: float = 0.25, seed: int = 0,
                      levers: bool = True) -> SensitivityResult:
    """Indices of a claim's per-run margin (scenario vs baseline on the same design rows).

    The scenario and its baseline run on the same design (common random
    numbers); the factors are the parameters and the lever effects of both
    plans. ``years`` defaults to the claim's horizon; a shorter ``years``
    evaluates the claim at that horizon instead (cheap exploration).
    """
    from flashpoint.claims import margins

    arrays, plan = _resolve(world, claim.scenario)
    _, base = _resolve(arrays, claim.baseline)
    horizon = float(claim.horizon) if years is None else float(years)
    horizon = float(math.ceil(horizon))
    if horizon < claim.horizon:
        claim = claim.model_copy(update={"horizon": int(horizon)})
    design = make_design(factors_for(plan, base, levers=levers), n, method=method, seed=seed)
    params, all_levers = design.engine_inputs()
    from flashpoint.api import simulate
    from flashpoint.engine.apply import lever_ranges

    def run(p: Plan) -> xr.Dataset:
        own = lever_ranges(p)
        return simulate(arrays, p, runs=design.runs, years=horizon, seed=seed, dt=dt,
                        attribution=False, keep_dyadic=claim.metric in ("alignment", "tension", "intent"),
                        parameters=params, levers={k: v for k, v in all_levers.items() if k in own})

    scen = run(plan)
    baseline = run(base) if claim.is_relative else None
    m, _ = margins(claim, scen, baseline)
    ix = analyze(design, np.asarray(m.values, dtype=np.float64), seed=seed)
    label = f"margin:{claim.id}"
    ix.attrs.update(output=label, scenario=plan.name, baseline=base.name, years=horizon, dt=dt,
                    seed=seed)
    return SensitivityResult(label, ix, design)
