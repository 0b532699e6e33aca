"""Turn a pair of ensemble results into the small JSON document the page draws.

A web job simulates the chosen scenario and the baseline (``status_quo``)
with the same seed, runs and design, so run :math:`r` of both shares every
sampled parameter and random stream (common random numbers; Law 2015,
ch. 11). From the pair this module computes, for each key metric
(:data:`KEY_METRICS`):

* quantile bands :math:`q_{05}, q_{25}, q_{50}, q_{75}, q_{95}` across runs
  at every recorded time, for the scenario, the baseline and the paired
  difference :math:`d_r(t) = m^s_r(t) - m^b_r(t)`;
* at the horizon: the median paired difference and the share of runs in
  which the scenario raises the metric, :math:`P(d > 0)`;
* the attribution of the paired difference to mechanisms: the mean over
  runs of ``attribution__<metric>`` (each mechanism's cumulative
  contribution to the metric's change since :math:`t=0`) in the scenario
  minus the same in the baseline. Means are linear, so the bars add up to
  the mean paired difference of the metric's change.

Claims of the catalogue whose ``scenario`` is the job's scenario and whose
baseline is the job's baseline (or that compare with an absolute level) are
evaluated with :func:`flashpoint.claims.evaluate_claim`; each verdict lists
its *deciding assumptions*: the sampled parameters and lever magnitudes
whose per-run values are most strongly rank-correlated (Spearman) with the
claim's per-run margin, i.e. the assumptions the verdict turns on.

Reference: Law, A. M. (2015). *Simulation Modeling and Analysis*, 5th ed.
McGraw-Hill, ch. 11.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr
from scipy.stats import rankdata

from flashpoint.analysis.discovery import deciding_assumptions as prim_boxes
from flashpoint.claims import Claim, Verdict, evaluate_claim
from flashpoint.errors import FlashpointError
from flashpoint.metrics import MetricSpec, display_label, metric

__all__ = ["KEY_METRICS", "QUANTILES", "KeyMetric", "deciding_assumptions", "summarise"]

QUANTILES: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)
_QKEYS = ("q05", "q25", "q50", "q75", "q95")


@dataclass(frozen=True)
class KeyMetric:
    """A metric the page charts: a registry metric (:mod:`flashpoint.metrics`) at fixed labels.

    The label, unit, meaning, display factor and materiality all come from
    the metric registry, so the page names and scales a metric exactly as the
    CLI and the report do. ``statistic`` is ``"quantiles"`` (bands across
    runs) or ``"mean"`` for a 0/1 metric such as ``war``, whose mean across
    runs is the share of runs (a median of 0s and 1s says nothing).
    """

    key: str
    variable: str
    select: tuple[tuple[str, str], ...] = ()
    statistic: str = "quantiles"

    @property
    def spec(self) -> MetricSpec:
        """The registry entry."""
        return metric(self.variable)

    @property
    def label(self) -> str:
        """The registry's label with the selected places, e.g. ``War risk, Taiwan Strait``."""
        return display_label(self.variable, tuple(v for _, v in self.select))

    @property
    def unit(self) -> str:
        """Display unit of a level."""
        return self.spec.unit

    @property
    def change_unit(self) -> str:
        """Display unit of a difference (``pp`` for shares shown in percent)."""
        return self.spec.delta_unit

    @property
    def meaning(self) -> str:
        """What the metric means, in words."""
        return self.spec.description


KEY_METRICS: tuple[KeyMetric, ...] = (
    KeyMetric("war_risk_taiwan_strait", "war_risk", (("flashpoint", "taiwan_strait"),)),
    KeyMetric("war_risk_korean_peninsula", "war_risk", (("flashpoint", "korean_peninsula"),)),
    KeyMetric("war_risk_baltic", "war_risk", (("flashpoint", "baltic"),)),
    # the Russia-Ukraine war is under way at t = 0 (its war risk is 1 from the start), so
    # the page charts the share of runs in which it is still being fought
    KeyMetric("war_ukraine", "war", (("flashpoint", "ukraine"),), statistic="mean"),
    KeyMetric("credibility_taiwan_strait", "credibility", (("flashpoint", "taiwan_strait"),)),
    KeyMetric("tension_china_west", "tension_china_west"),
    KeyMetric("axis_cohesion", "axis_cohesion"),
    KeyMetric("nato_cohesion", "nato_cohesion"),
    KeyMetric("hedger_alignment", "hedger_alignment"),
    KeyMetric("arms_race_indo_pacific", "arms_race_index", (("region", "indo_pacific"),)),
    KeyMetric("arms_race_euro_atlantic", "arms_race_index", (("region", "euro_atlantic"),)),
    KeyMetric("european_security", "european_security"),
    KeyMetric("us_asia_share", "us_asia_share"),
    KeyMetric("gdp_loss_expected", "gdp_loss_expected"),
)


def _select(ds: xr.Dataset, m: KeyMetric) -> xr.DataArray | None:
    if m.variable not in ds.data_vars:
        return None
    da = ds[m.variable]
    for dim, label in m.select:
        if dim not in da.dims or label not in [str(v) for v in da[dim].values]:
            return None
        da = da.sel({dim: label})
    return da if da.dims == ("run", "time") else None


def _bands(values: np.ndarray) -> dict[str, list[float | None]]:
    """Quantiles across runs (axis 0) at every time, NaN-aware, as JSON lists."""
    with np.errstate(all="ignore"):
        finite = np.isfinite(values).any(axis=0)
        safe = np.where(np.isfinite(values), values, np.nan)
        q = np.full((len(QUANTILES), values.shape[1]), np.nan)
        if finite.any():
            q[:, finite] = np.nanquantile(safe[:, finite], QUANTILES, axis=0)
    return {k: _jsonable(q[i]) for i, k in enumerate(_QKEYS)}


def _means(values: np.ndarray) -> dict[str, list[float | None]]:
    """The mean across runs (axis 0) at every time, in every band's slot: for a 0/1 metric
    the share of runs, which the page draws as a single line."""
    with np.errstate(all="ignore"):
        mean = _jsonable(np.nanmean(np.where(np.isfinite(values), values, np.nan), axis=0))
    return {k: mean for k in _QKEYS}


def _jsonable(a: Iterable[float]) -> list[float | None]:
    return [float(x) if math.isfinite(float(x)) else None for x in a]


def _num(x: float) -> float | None:
    return float(x) if math.isfinite(float(x)) else None


def _attribution(scen: xr.Dataset, base: xr.Dataset, m: KeyMetric) -> list[dict[str, Any]]:
    name = f"attribution__{m.variable}"
    if name not in scen.data_vars or name not in base.data_vars:
        return []
    out = []
    parts = []
    for ds in (scen, base):
        da = ds[name]
        for dim, label in m.select:
            da = da.sel({dim: label})
        parts.append(np.asarray(da.isel(time=-1).values, dtype=np.float64))  # (run, mechanism)
    s, b = parts
    with np.errstate(all="ignore"):
        ms, mb, md = np.nanmean(s, axis=0), np.nanmean(b, axis=0), np.nanmean(s - b, axis=0)
    for k, mech in enumerate(scen[name]["mechanism"].values):
        out.append({"mechanism": str(mech), "scenario": _num(ms[k]), "baseline": _num(mb[k]),
                    "difference": _num(md[k])})
    return out


def deciding_assumptions(margins: xr.DataArray, top: int = 3) -> list[dict[str, Any]]:
    """The sampled inputs most rank-correlated with a claim's per-run margin.

    Spearman's :math:`\\rho` between the margin and each per-run coordinate
    (``param__*`` with its meaning and unit, ``lever__*`` with its lever);
    inputs that do not vary are skipped. Returns up to ``top`` entries,
    strongest :math:`|\\rho|` first. A positive :math:`\\rho` means higher
    values of the input make the claim more likely to hold.
    """
    mv = np.asarray(margins.values, dtype=np.float64)
    ok = np.isfinite(mv)
    if ok.sum() < 3 or np.ptp(mv[ok]) == 0.0:
        return []
    rm = rankdata(mv[ok])
    rows: list[dict[str, Any]] = []
    for cname, coord in margins.coords.items():
        name = str(cname)
        if coord.dims != ("run",) or not (name.startswith("param__") or name.startswith("lever__")):
            continue
        x = np.asarray(coord.values, dtype=np.float64)[ok]
        if not np.isfinite(x).all() or np.ptp(x) == 0.0:
            continue
        rho = float(np.corrcoef(rm, rankdata(x))[0, 1])  # Spearman's rho
        if not math.isfinite(rho):
            continue
        if name.startswith("param__"):
            label = name.removeprefix("param__")
            meaning = str(coord.attrs.get("meaning", "")).split(";")[0]
        else:
            meaning = _lever_label(str(coord.attrs.get("lever", name)))
            label = f"lever magnitude ({meaning})"
        rows.append({"input": label, "rho": rho, "meaning": meaning,
                     "unit": str(coord.attrs.get("unit", ""))})
    rows.sort(key=lambda r: -abs(float(r["rho"])))
    return rows[:top]


def _lever_label(text: str) -> str:
    """A short label for a lever primitive's repr: kind, field and the first source actors."""
    kind = text.split("(", 1)[0]
    field = re.search(r"field='(\w+)'", text)
    src = re.search(r"source=\(([^)]*)\)", text)
    codes = [c.strip(" '") for c in src.group(1).split(",") if c.strip(" '")] if src else []
    who = ", ".join(codes[:3]) + (" ..." if len(codes) > 3 else "")
    return " ".join(p for p in (kind, field.group(1) if field else "", f"from {who}" if who else "") if p)


def _scalar(v: Any) -> Any:
    """A JSON-safe scalar (NaN and infinities become None), or None for anything else."""
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return _num(float(v))
    if isinstance(v, str):
        return v
    return None


def _record(v: Verdict) -> dict[str, Any]:
    """A verdict's scalar fields (``Verdict.summary()``) plus any per-theory or audit records,
    so the page's scorecard shows whatever the claim records carry."""
    out: dict[str, Any] = {}
    for k, val in v.summary().items():
        if isinstance(val, dict | list):
            out[k] = val
        else:
            sv = _scalar(val)
            if sv is not None or val is None:
                out[k] = sv
    out.pop("claim", None)
    return out


#: Fields of a claim row that describe the claim itself, kept when the verdict's record is merged.
_ROW_KEYS = frozenset({"id", "side", "paraphrase", "metric", "direction", "statement", "horizon",
                       "scenario", "baseline", "threshold", "variant_of", "evaluated", "verdict",
                       "reason", "share", "ci_low", "ci_high", "n_runs", "median_difference",
                       "deciding", "assumptions"})


def _claim_rows(claims: Sequence[Claim], scenario_name: str, baseline_name: str,
                scen: xr.Dataset, base: xr.Dataset,
                variant_of: Sequence[str] = ()) -> list[dict[str, Any]]:
    years = float(scen["time"].values.max()) if scen.sizes.get("time") else 0.0
    rows = []
    for c in claims:
        if c.scenario != scenario_name and c.scenario not in variant_of:
            continue
        row: dict[str, Any] = {"id": c.id, "side": c.side, "paraphrase": c.paraphrase,
                               "metric": c.metric, "direction": c.direction,
                               "statement": c.describe(), "horizon": c.horizon,
                               "scenario": c.scenario, "baseline": c.baseline,
                               "threshold": c.threshold,
                               "variant_of": c.scenario if c.scenario != scenario_name else "",
                               "evaluated": False, "verdict": None, "reason": ""}
        if c.is_relative and c.baseline != baseline_name:
            row["reason"] = f"compares with {c.baseline!r}; this job's baseline is {baseline_name!r}."
        elif c.horizon > years + 1e-9:
            row["reason"] = f"needs a horizon of {c.horizon} years; this job ran {years:g}."
        else:
            try:
                v = evaluate_claim(c, scen, base if c.is_relative else None)
            except FlashpointError as e:
                row["reason"] = str(e)
            else:
                row.update({k: val for k, val in _record(v).items() if k not in row})
                row.update(evaluated=True, verdict=v.verdict, share=v.share, ci_low=v.ci_low,
                           ci_high=v.ci_high, n_runs=v.n_runs,
                           median_difference=_num(v.median_difference),
                           deciding=deciding_assumptions(v.margins),
                           # PRIM only where the runs split on material margins
                           assumptions=_assumptions(v) if (v.pooled_verdict or v.verdict) in (
                               "holds", "contested", "fails") else [])
                # the machine-readable verdict (flashpoint.claims.Verdict.record): effects in
                # the metric's unit, band and its source, audit tag, per-theory verdicts
                # the record's effects and spreads are in the display unit; they replace the
                # raw ones of Verdict.summary() so one row never mixes the two
                rec = v.record()
                row.update({k: val for k, val in rec.items() if k not in _ROW_KEYS})
                row["record"] = rec
        rows.append(row)
    return rows


def _assumptions(verdict: Verdict) -> list[dict[str, Any]]:
    """PRIM boxes of :func:`flashpoint.analysis.discovery.deciding_assumptions`: the best per side."""
    try:
        found = prim_boxes(verdict)
    except (FlashpointError, ValueError):
        return []
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for a in found:
        if a.target in seen:
            continue
        seen.add(a.target)
        out.append({"target": a.target, "sentence": a.sentence,
                    "coverage": _num(a.box.coverage), "density": _num(a.box.density)})
    return out


def materiality(m: KeyMetric) -> tuple[float | None, str]:
    """The smallest change of ``m`` that matters (display unit of a change) and its source.

    From the metric registry (:mod:`flashpoint.metrics`); ``(None, "")`` for a
    metric whose registry entry has no band (a level such as ``milex``), and
    the page then draws the symmetric scale without a band.
    """
    spec = m.spec
    value = float(spec.materiality_display())
    if math.isfinite(value) and value > 0:
        return value, spec.materiality_source
    return None, ""


def summarise(scen: xr.Dataset, base: xr.Dataset, *, scenario_name: str, baseline_name: str,
              claims: Sequence[Claim] = (), variant_of: Sequence[str] = ()) -> dict[str, Any]:
    """The page's result document for a scenario/baseline pair (see the module docstring).

    ``variant_of`` names catalogue scenarios whose claims are also judged on
    this (custom) scenario: one that uses every lever of them, so a claim
    about the NATO+IP4 partnership is judged on a partnership with other
    levers added or its magnitudes changed. Such rows carry ``variant_of``.
    """
    time = _jsonable(np.asarray(scen["time"].values, dtype=np.float64))
    metrics = []
    attribution = []
    for m in KEY_METRICS:
        s, b = _select(scen, m), _select(base, m)
        if s is None or b is None:
            continue
        f = m.spec.factor  # raw -> display unit (100 for shares shown in percent)
        sv = np.asarray(s.values, dtype=np.float64) * f
        bv = np.asarray(b.values, dtype=np.float64) * f
        d = sv - bv
        last = d[:, -1]
        fin = last[np.isfinite(last)]
        band, band_source = materiality(m)
        stat = _means if m.statistic == "mean" else _bands
        metrics.append({
            "key": m.key, "variable": m.variable, "label": m.label, "unit": m.unit,
            "change_unit": m.change_unit, "statistic": m.statistic,
            "meaning": m.meaning, "select": dict(m.select), "time": time,
            "materiality": band, "materiality_source": band_source,
            "scenario": stat(sv), "baseline": stat(bv), "difference": stat(d),
            "final": {
                "median_difference": (_num(float(np.mean(fin))) if m.statistic == "mean"
                                      else _num(float(np.median(fin)))) if fin.size else None,
                "p_increase": float((fin > 0).mean()) if fin.size else None,
                "p_decrease": float((fin < 0).mean()) if fin.size else None,
            },
        })
        att = _attribution(scen, base, m)
        if att:
            for row in att:
                for k in ("scenario", "baseline", "difference"):
                    row[k] = None if row[k] is None else row[k] * f
            attribution.append({"key": m.key, "label": m.label, "unit": m.change_unit,
                                "mechanisms": att})
    return {
        "scenario": scenario_name,
        "baseline": baseline_name,
        "time": time,
        "metrics": metrics,
        "attribution": attribution,
        "claims": _claim_rows(claims, scenario_name, baseline_name, scen, base, variant_of),
        "provenance": {k: (v if isinstance(v, (int, float, str)) else str(v))
                       for k, v in scen.attrs.items() if k != "parameters"},
    }
