"""Compare a scenario with a baseline run by run (common random numbers).

Both results must come from :func:`flashpoint.simulate` with the same seed,
number of runs and design. Run :math:`r` of the scenario and run :math:`r`
of the baseline then share every sampled parameter and every random stream
(crisis onsets, escalation draws, spending noise), so the paired difference

.. math::

    d_r = m^{s}_r(t) - m^{b}_r(t)

is the scenario's effect on metric :math:`m` in that run at time :math:`t`,
free of the sampling noise that an unpaired comparison of two ensembles would
carry. This is the method of common random numbers (Law 2015, ch. 11;
Glasserman & Yao 1992): :math:`\\operatorname{Var}(\\bar d) =
(\\sigma_s^2 + \\sigma_b^2 - 2\\operatorname{Cov}(m^s, m^b))/n`, which is small
when the paired runs are strongly correlated.

Summaries of the :math:`n` paired differences (:func:`summarize_difference`):

* quantiles :math:`q_{05}, q_{25}, q_{50}, q_{75}, q_{95}` of :math:`d_r`: the
  spread of the effect across the parameter uncertainty;
* the mean :math:`\\bar d` with a normal-approximation interval
  :math:`\\bar d \\pm z_{0.975}\\, s_d/\\sqrt n` (the ensemble is a Latin
  hypercube, for which this interval is conservative: Stein 1987);
* the probability of increase :math:`P(d > 0)`, the share of runs in which
  the scenario raises the metric, and of decrease :math:`P(d < 0)`
  (runs with :math:`d_r = 0` count for neither);
* the standardised paired effect size :math:`d_z = \\bar d / s_d`
  (Cohen 1988; Lakens 2013), unitless, comparable across metrics:
  :math:`|d_z| \\approx 0.2` small, :math:`0.5` medium, :math:`0.8` large by
  Cohen's conventions. :math:`d_z = \\pm\\infty` when every run moves by the
  same non-zero amount, 0 when nothing moves.

Everything here returns data (xarray / pandas), never figures; see
:mod:`flashpoint.reports.figures` for the pictures.

References
----------
Law, A. M. (2015). *Simulation Modeling and Analysis*, 5th ed. McGraw-Hill,
ch. 11 (variance-reduction techniques: common random numbers).

Glasserman, P. & Yao, D. D. (1992). Some guidelines and guarantees for common
random numbers. *Management Science* 38(6), 884-908. doi:10.1287/mnsc.38.6.884

Stein, M. (1987). Large sample properties of simulations using Latin
hypercube sampling. *Technometrics* 29(2), 143-151. doi:10.2307/1269769

Cohen, J. (1988). *Statistical Power Analysis for the Behavioral Sciences*,
2nd ed. Lawrence Erlbaum.

Lakens, D. (2013). Calculating and reporting effect sizes to facilitate
cumulative science. *Frontiers in Psychology* 4, 863. doi:10.3389/fpsyg.2013.00863
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd
import xarray as xr

from flashpoint.errors import AnalysisError

__all__ = [
    "KEY_METRICS",
    "QUANTILES",
    "MetricSpec",
    "attribution_change",
    "attribution_table",
    "check_paired",
    "compare",
    "compare_all",
    "dim_labels",
    "metric_values",
    "paired_difference",
    "run_coords",
    "summarize_difference",
    "trajectory_quantiles",
]

#: Quantiles reported for distributions and paired differences.
QUANTILES: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)
_Z = NormalDist().inv_cdf(0.975)


@dataclass(frozen=True)
class MetricSpec:
    """One metric of the result, read at fixed labels of its extra dimensions.

    The label, unit and display factor come from the metric registry
    (:mod:`flashpoint.metrics`) unless given, so one metric has one name and
    one unit in the CLI, the report and the web page.

    Parameters
    ----------
    name
        A variable of the result (:data:`flashpoint.metrics.METRICS`).
    selector
        ``(dimension, label)`` pairs fixing every dimension besides run and time.
    label
        Human-readable name for tables and figures (default: the registry's,
        with the selected places).
    unit
        Display unit of a level (default: the registry's).
    reading
        What a higher value means, in words (default: the registry's description).
    """

    name: str
    selector: tuple[tuple[str, str], ...] = ()
    label: str = ""
    unit: str = ""
    reading: str = ""

    def __post_init__(self) -> None:
        from flashpoint.metrics import METRICS, display_label

        reg = METRICS.get(self.name)
        if reg is None:
            return
        if not self.label:
            object.__setattr__(self, "label", display_label(self.name,
                                                            tuple(v for _, v in self.selector)))
        if not self.unit:
            object.__setattr__(self, "unit", reg.unit)
        if not self.reading:
            object.__setattr__(self, "reading", reg.description)

    @property
    def factor(self) -> float:
        """Raw value times ``factor`` is the display value (registry; 1 if unregistered)."""
        from flashpoint.metrics import METRICS

        reg = METRICS.get(self.name)
        return reg.factor if reg is not None else 1.0

    @property
    def change_unit(self) -> str:
        """Display unit of a difference (registry)."""
        from flashpoint.metrics import METRICS

        reg = METRICS.get(self.name)
        return reg.change_unit if reg is not None else self.unit

    @property
    def level_unit(self) -> str:
        """Short display unit of a level (registry)."""
        from flashpoint.metrics import METRICS

        reg = METRICS.get(self.name)
        return reg.level_unit if reg is not None else self.unit

    @property
    def materiality(self) -> float:
        """The registry's smallest change that matters (raw unit; 0 if unregistered)."""
        from flashpoint.metrics import METRICS

        reg = METRICS.get(self.name)
        return reg.materiality if reg is not None else 0.0

    @property
    def key(self) -> str:
        """A stable identifier, e.g. ``arms_race_index[indo_pacific]``."""
        if not self.selector:
            return self.name
        return f"{self.name}[{','.join(v for _, v in self.selector)}]"

    @property
    def title(self) -> str:
        """The label, or the key when there is none."""
        return self.label or self.key


#: The key metrics of the CLI (``run``, ``compare``), the report, the comparison and the
#: attribution; labels and units from :mod:`flashpoint.metrics`.
KEY_METRICS: tuple[MetricSpec, ...] = (
    MetricSpec("war_risk", (("flashpoint", "taiwan_strait"),)),
    MetricSpec("war_risk", (("flashpoint", "korean_peninsula"),)),
    MetricSpec("war_risk", (("flashpoint", "baltic"),)),
    MetricSpec("credibility", (("flashpoint", "taiwan_strait"),)),
    MetricSpec("tension_china_west"),
    MetricSpec("axis_cohesion"),
    MetricSpec("hedger_alignment"),
    MetricSpec("arms_race_index", (("region", "indo_pacific"),)),
    MetricSpec("arms_race_index", (("region", "euro_atlantic"),)),
    MetricSpec("european_security"),
    MetricSpec("us_asia_share"),
    MetricSpec("gdp_loss_expected"),
)


def _label(ds: xr.Dataset) -> str:
    return str(ds.attrs.get("scenario", "?"))


def metric_values(ds: xr.Dataset, spec: MetricSpec) -> xr.DataArray:
    """The metric over ``(run, time)`` at the spec's labels.

    Raises
    ------
    AnalysisError
        If the result lacks the variable or a label, or dimensions stay unfixed.
    """
    var = _metric_variable(ds, spec)
    coords = {k: v for k, v in ds.coords.variables.items() if set(v.dims) <= {"run", "time"}}
    return xr.DataArray(var, coords=coords, name=spec.name)


def _metric_variable(ds: xr.Dataset, spec: MetricSpec) -> xr.Variable:
    """:func:`metric_values` as a bare Variable over ``(run, time)`` (no per-run coordinates
    to carry through each step; the same indexing, so the same values)."""
    if spec.name not in ds.data_vars:
        raise AnalysisError(
            f"result {_label(ds)!r}: has no variable {spec.name!r}. "
            f"Expected one of {sorted(str(k) for k in ds.data_vars if '__' not in str(k))}."
        )
    var = ds.variables[spec.name]
    for dim, label in spec.selector:
        if dim not in var.dims:
            raise AnalysisError(f"result {_label(ds)!r}: {spec.name!r} has no dimension {dim!r}.")
        known = dim_labels(ds, dim)
        if label not in known:
            raise AnalysisError(
                f"result {_label(ds)!r}: {spec.name!r} has no {dim} {label!r}. Expected one of {known}."
            )
        var = var.isel({dim: known.index(label)})
    extra = [d for d in var.dims if d not in ("run", "time")]
    if extra:
        raise AnalysisError(
            f"metric {spec.key!r}: dimensions {extra} are not fixed by the selector."
        )
    return var.transpose("run", "time")


def _metric_array(ds: xr.Dataset, spec: MetricSpec) -> np.ndarray:
    """:func:`metric_values` as a NumPy array over ``(run, time)``."""
    return np.asarray(_metric_variable(ds, spec).values)


def dim_labels(ds: xr.Dataset, dim: str) -> list[str]:
    """The labels of ``dim`` as strings (its positions when it has no coordinate)."""
    if dim in ds.variables:
        return [str(v) for v in ds.variables[dim].values]
    return [str(i) for i in range(ds.sizes[dim])]


def run_coords(ds: xr.Dataset) -> dict[Hashable, xr.Variable]:
    """The result's per-run coordinates (``run``, ``param__*``, ...), in the result's order."""
    return {k: v for k, v in ds.coords.variables.items() if v.dims == ("run",)}


def check_paired(a: xr.Dataset, b: xr.Dataset) -> None:
    """Raise unless ``a`` and ``b`` are a common-random-numbers pair.

    They must share the number of runs, run labels, time axis, seed, design
    and world digest.
    """
    where = f"results {_label(a)!r} and {_label(b)!r}"
    if a.sizes.get("run") != b.sizes.get("run"):
        raise AnalysisError(
            f"{where}: runs are paired by index, so both need the same number of runs. "
            f"Got {a.sizes.get('run')} and {b.sizes.get('run')} instead."
        )
    if not np.array_equal(a.variables["run"].values, b.variables["run"].values):
        raise AnalysisError(f"{where}: the run labels differ; runs are paired by index.")
    if not np.allclose(a.variables["time"].values, b.variables["time"].values):
        raise AnalysisError(f"{where}: the time axes differ. Simulate both with the same years and dt.")
    for key in ("seed", "design", "world_digest"):
        if key in a.attrs and key in b.attrs and str(a.attrs[key]) != str(b.attrs[key]):
            raise AnalysisError(
                f"{where}: not a common-random-numbers pair: {key} {a.attrs[key]!r} and "
                f"{b.attrs[key]!r} differ. Simulate both with the same seed, design and world."
            )


def _time_index(ds: xr.Dataset, time: float | None) -> int:
    t = np.asarray(ds.variables["time"].values, dtype=np.float64)
    if time is None:
        return t.size - 1
    hits = np.flatnonzero(np.isclose(t, time))
    if hits.size == 0:
        raise AnalysisError(
            f"result {_label(ds)!r}: no record at time {time:g}. Expected one of {t.tolist()}."
        )
    return int(hits[0])


def paired_difference(
    scenario: xr.Dataset, baseline: xr.Dataset, spec: MetricSpec, time: float | None = None
) -> xr.DataArray:
    """Per-run difference ``scenario - baseline`` of the metric at ``time`` (default: the last record)."""
    return xr.DataArray(_paired_values(scenario, baseline, spec, time), dims=("run",),
                        coords=run_coords(scenario), name=f"difference__{spec.key}")


def _paired_values(scenario: xr.Dataset, baseline: xr.Dataset, spec: MetricSpec,
                   time: float | None = None) -> np.ndarray:
    """:func:`paired_difference`'s values."""
    check_paired(scenario, baseline)
    k = _time_index(scenario, time)
    return _metric_array(scenario, spec)[:, k] - _metric_array(baseline, spec)[:, k]


def summarize_difference(d: np.ndarray | xr.DataArray) -> dict[str, float]:
    """Quantiles, mean with interval, P(increase), P(decrease) and d_z of paired differences.

    Runs with a non-finite difference are dropped; ``n`` counts the rest.
    With no finite run every statistic is NaN and ``n`` is 0.
    """
    v = np.asarray(d, dtype=np.float64).ravel()
    v = v[np.isfinite(v)]
    n = v.size
    out: dict[str, float] = {"n": float(n)}
    if n == 0:
        nan = float("nan")
        out.update({f"q{round(q * 100):02d}": nan for q in QUANTILES})
        out.update(mean=nan, sd=nan, mean_low=nan, mean_high=nan, p_increase=nan,
                   p_decrease=nan, effect_size=nan)
        return out
    qs = np.quantile(v, QUANTILES)
    out.update({f"q{round(q * 100):02d}": float(x) for q, x in zip(QUANTILES, qs, strict=True)})
    mean = float(v.mean())
    sd = float(v.std(ddof=1)) if n > 1 else 0.0
    half = _Z * sd / math.sqrt(n)
    # Tolerance: differences below 1e-12 of the metric's scale are float noise.
    tol = 1e-12 * max(1.0, float(np.abs(v).max()))
    out.update(
        mean=mean, sd=sd, mean_low=mean - half, mean_high=mean + half,
        p_increase=float(np.mean(v > tol)), p_decrease=float(np.mean(v < -tol)),
    )
    if sd > tol:
        out["effect_size"] = mean / sd
    elif abs(mean) <= tol:
        out["effect_size"] = 0.0
    else:
        out["effect_size"] = math.copysign(math.inf, mean)
    return out


def compare(
    scenario: xr.Dataset,
    baseline: xr.Dataset,
    metrics: Sequence[MetricSpec] = KEY_METRICS,
    time: float | None = None,
) -> pd.DataFrame:
    """One row per metric: the two distributions at ``time`` and their paired difference.

    Columns: ``scenario, baseline, metric, label, unit, time``, the
    baseline's and scenario's medians and 5-95% quantiles
    (``baseline_q50`` ...), and the difference summary of
    :func:`summarize_difference` (``q05 ... q95, mean, sd, mean_low,
    mean_high, p_increase, p_decrease, effect_size, n``). Metrics missing
    from the results are skipped.
    """
    return _compare(scenario, baseline, metrics, time, {})


def _compare(scenario: xr.Dataset, baseline: xr.Dataset, metrics: Sequence[MetricSpec],
             time: float | None, base_values: dict[tuple[MetricSpec, int], np.ndarray]
             ) -> pd.DataFrame:
    """:func:`compare`; ``base_values`` keeps the baseline's values across scenarios."""
    check_paired(scenario, baseline)
    k = _time_index(scenario, time)
    t = float(scenario.variables["time"].values[k])
    rows = []
    for spec in metrics:
        if spec.name not in scenario.data_vars or spec.name not in baseline.data_vars:
            continue
        s = np.asarray(_metric_array(scenario, spec)[:, k], dtype=np.float64)
        if (spec, k) not in base_values:
            base_values[spec, k] = np.asarray(_metric_array(baseline, spec)[:, k],
                                              dtype=np.float64)
        b = base_values[spec, k]
        row: dict[str, object] = {
            "scenario": _label(scenario), "baseline": _label(baseline), "metric": spec.key,
            "label": spec.title, "unit": spec.unit, "time": t,
        }
        for prefix, vals in (("baseline", b), ("scenario", s)):
            fin = vals[np.isfinite(vals)]
            qs = np.quantile(fin, (0.05, 0.5, 0.95)) if fin.size else np.full(3, np.nan)
            row.update({f"{prefix}_q05": float(qs[0]), f"{prefix}_q50": float(qs[1]),
                        f"{prefix}_q95": float(qs[2]),
                        f"{prefix}_mean": float(fin.mean()) if fin.size else float("nan")})
        row.update(summarize_difference(s - b))
        rows.append(row)
    return pd.DataFrame(rows)


def compare_all(
    results: Mapping[str, xr.Dataset],
    baseline: str = "status_quo",
    metrics: Sequence[MetricSpec] = KEY_METRICS,
    time: float | None = None,
) -> pd.DataFrame:
    """:func:`compare` of every result but the baseline with the baseline, stacked."""
    if baseline not in results:
        raise AnalysisError(f"baseline {baseline!r} is not among the results {sorted(results)}.")
    base_values: dict[tuple[MetricSpec, int], np.ndarray] = {}
    frames = [_compare(ds, results[baseline], metrics, time, base_values)
              for name, ds in results.items() if name != baseline]
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True)


def trajectory_quantiles(
    ds: xr.Dataset, spec: MetricSpec, quantiles: Sequence[float] = QUANTILES
) -> pd.DataFrame:
    """Quantiles over runs of the metric at every recorded time.

    Returns a frame indexed by ``time`` with one column per quantile
    (``q05``, ``q25``, ...) plus ``mean``; NaN runs are ignored.
    """
    v = np.asarray(_metric_array(ds, spec), dtype=np.float64)  # (run, time)
    finite = np.isfinite(v)
    cols: dict[str, np.ndarray] = {}
    if finite.any(axis=0).all():
        qs = np.nanquantile(v, list(quantiles), axis=0)
        for q, row in zip(quantiles, qs, strict=True):
            cols[f"q{round(q * 100):02d}"] = row
        cols["mean"] = np.nanmean(v, axis=0)
    else:
        for q in quantiles:
            cols[f"q{round(q * 100):02d}"] = np.full(v.shape[1], np.nan)
        cols["mean"] = np.full(v.shape[1], np.nan)
    return pd.DataFrame(cols, index=pd.Index(np.asarray(ds.variables["time"].values),
                                             name="time"))


def attribution_change(
    scenario: xr.Dataset,
    baseline: xr.Dataset | None,
    spec: MetricSpec,
    time: float | None = None,
) -> pd.Series:
    """Mean over runs of each mechanism's contribution to the metric's change since t = 0.

    With a baseline, the scenario's contribution minus the baseline's, run by
    run, then averaged: which mechanisms carry the scenario's *effect*. The
    values sum (over mechanisms) to the mean paired difference of the
    metric's change since t = 0.

    Returns
    -------
    pandas.Series
        Indexed by mechanism, sorted by decreasing absolute value.
    """
    var = f"attribution__{spec.name}"
    if var not in scenario.data_vars:
        raise AnalysisError(
            f"result {_label(scenario)!r}: has no {var!r}; simulate with attribution=True."
        )
    k = _time_index(scenario, time)
    c, mechs = _mechanism_parts(scenario, var, spec.selector, time=k)
    if baseline is not None:
        check_paired(scenario, baseline)
        b, b_mechs = _mechanism_parts(baseline, var, spec.selector, time=k)
        c = c - _align_mechanisms(b, b_mechs, mechs)
    mean = np.nanmean(np.asarray(c.transpose("run", "mechanism").values), axis=0)
    s = pd.Series(mean, index=[str(m) for m in mechs], name=spec.key)
    return s.reindex(s.abs().sort_values(ascending=False).index)


def _mechanism_parts(ds: xr.Dataset, var: str, selector: Iterable[tuple[str, str]], *,
                    time: int) -> tuple[xr.Variable, np.ndarray]:
    """The attribution ``var`` at the labels of ``selector`` and time index ``time``, as a
    bare Variable over ``(run, mechanism)`` (in the variable's order), and the mechanisms.

    The same indexing as ``ds[var].sel(...).isel(time=time)``, without carrying the
    per-run coordinates through it.
    """
    if var not in ds.data_vars:
        raise AnalysisError(
            f"result {_label(ds)!r}: has no {var!r}; simulate with attribution=True."
        )
    v = ds.variables[var]
    for dim, label in selector:
        known = dim_labels(ds, dim)
        if dim not in v.dims or label not in known:
            raise AnalysisError(f"result {_label(ds)!r}: {var!r} has no {dim} {label!r}.")
        v = v.isel({dim: known.index(label)})
    return v.isel(time=time), np.asarray(ds.variables["mechanism"].values)


def _align_mechanisms(b: xr.Variable, b_mechanisms: np.ndarray, mechanisms: np.ndarray
                     ) -> xr.Variable:
    """``b`` (over ``mechanism`` labelled ``b_mechanisms``) on the labels ``mechanisms``,
    zero where ``b`` has none (xarray's ``reindex``, on the bare values)."""
    da = xr.DataArray(b, coords={"mechanism": b_mechanisms})
    return da.reindex(mechanism=mechanisms, fill_value=0.0).variable


def attribution_table(
    results: Mapping[str, xr.Dataset],
    baseline: str = "status_quo",
    metrics: Sequence[MetricSpec] = KEY_METRICS,
    scenarios: Iterable[str] | None = None,
    time: float | None = None,
) -> pd.DataFrame:
    """Mechanisms ranked by their contribution to each scenario's effect on each metric.

    For the baseline itself the contribution is to its own change since t = 0.
    Scenarios (or metrics) without attribution are skipped, and so are
    mechanisms whose contribution is float noise (below 1e-12 of the total).

    Columns: ``scenario, metric, label, mechanism, contribution, share, rank``,
    where ``share`` is the contribution over the sum of absolute
    contributions (its sign is the contribution's) and ``rank`` starts at 1
    for the largest absolute contribution.
    """
    if baseline not in results:
        raise AnalysisError(f"baseline {baseline!r} is not among the results {sorted(results)}.")
    base = results[baseline]
    names = list(results) if scenarios is None else list(scenarios)
    rows = []
    for name in names:
        ds = results[name]
        for spec in metrics:
            var = f"attribution__{spec.name}"
            if var not in ds.data_vars or var not in base.data_vars:
                continue
            s = attribution_change(ds, None if name == baseline else base, spec, time)
            total = float(s.abs().sum())
            # Mechanisms that do not touch the metric (|c| at float-noise level) are left out.
            s = s[s.abs() > 1e-12 * max(total, 1e-300)]
            for rank, (mech, val) in enumerate(s.items(), start=1):
                rows.append({
                    "scenario": name, "metric": spec.key, "label": spec.title,
                    "mechanism": mech, "contribution": float(val),
                    "share": float(val) / total if total > 0 else 0.0, "rank": rank,
                })
    return pd.DataFrame(rows, columns=["scenario", "metric", "label", "mechanism",
                                       "contribution", "share", "rank"])
