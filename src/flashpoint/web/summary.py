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

__all__ = ["KEY_METRICS", "QUANTILES", "KeyMetric", "deciding_assumptions", "summarise"]

QUANTILES: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)
_QKEYS = ("q05", "q25", "q50", "q75", "q95")


@dataclass(frozen=True)
class KeyMetric:
    """A metric the page charts: the result variable, the label it is read at, its unit."""

    key: str
    variable: str
    label: str
    unit: str
    meaning: str
    select: tuple[tuple[str, str], ...] = ()


KEY_METRICS: tuple[KeyMetric, ...] = (
    KeyMetric("tension_china_west", "tension_china_west", "China-West tension",
              "index, 0 (none) to 1 (war footing)",
              "Mean tension between China and NATO + IP4."),
    KeyMetric("axis_cohesion", "axis_cohesion", "China-Russia-North Korea cohesion",
              "alignment, -1 (hostile) to 1 (allied)",
              "Mean pairwise alignment of China, Russia and North Korea."),
    KeyMetric("nato_cohesion", "nato_cohesion", "NATO cohesion",
              "alignment, -1 to 1", "Mean pairwise alignment among NATO members."),
    KeyMetric("hedger_alignment", "hedger_alignment", "Hedgers' tilt",
              "tilt, >0 towards the West, <0 towards China",
              "Mean of (a(i,USA) - a(i,CHN))/2 over India, Indonesia, the Philippines, Malaysia, Singapore, Vietnam."),
    KeyMetric("arms_race_indo_pacific", "arms_race_index", "Arms race, Indo-Pacific",
              "regional military spending relative to start, minus 1",
              "Total military spending of the Indo-Pacific actors relative to t=0, minus 1.",
              (("region", "indo_pacific"),)),
    KeyMetric("arms_race_euro_atlantic", "arms_race_index", "Arms race, Euro-Atlantic",
              "regional military spending relative to start, minus 1",
              "Total military spending of the Euro-Atlantic actors relative to t=0, minus 1.",
              (("region", "euro_atlantic"),)),
    KeyMetric("war_risk_taiwan_strait", "war_risk", "War risk, Taiwan Strait",
              "cumulative probability of war by t",
              "Cumulative probability of war at the Taiwan Strait, from the yearly hazards.",
              (("flashpoint", "taiwan_strait"),)),
    KeyMetric("war_risk_baltic", "war_risk", "War risk, Baltic",
              "cumulative probability of war by t",
              "Cumulative probability of war in the Baltic, from the yearly hazards.",
              (("flashpoint", "baltic"),)),
    KeyMetric("european_security", "european_security", "European security ratio",
              "ratio: (European NATO milex + US forces in Europe) / Russian milex",
              "Conventional resources for Europe's defence relative to Russia's military spending."),
    KeyMetric("us_asia_share", "us_asia_share", "US forces in the Indo-Pacific",
              "share of US forces", "Share of US forces committed to the Indo-Pacific."),
    KeyMetric("gdp_loss_expected", "gdp_loss_expected", "Expected world GDP loss",
              "fraction of world GDP",
              "Sum over flashpoints of war risk times the world GDP cost of that war."),
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
                row.update({k: val for k, val in v.record().items() if k not in row})
                row["record"] = v.record()
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
    """The smallest change of ``m`` that matters and its source, from the metric registry.

    Looks the metric up in :mod:`flashpoint.metrics` (by the page's key, then
    by the result variable); ``(None, "")`` when there is no registry or no
    entry, and the page then draws the symmetric scale without a band.
    """
    try:
        from flashpoint.metrics import METRICS
    except ImportError:
        return None, ""
    for name in (m.key, m.variable):
        spec = METRICS.get(name)
        value = getattr(spec, "materiality", None) if spec is not None else None
        if value is not None and math.isfinite(float(value)) and float(value) > 0:
            return float(value), str(getattr(spec, "materiality_source", ""))
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
        sv = np.asarray(s.values, dtype=np.float64)
        bv = np.asarray(b.values, dtype=np.float64)
        d = sv - bv
        last = d[:, -1]
        fin = last[np.isfinite(last)]
        band, band_source = materiality(m)
        metrics.append({
            "key": m.key, "variable": m.variable, "label": m.label, "unit": m.unit,
            "meaning": m.meaning, "select": dict(m.select), "time": time,
            "materiality": band, "materiality_source": band_source,
            "scenario": _bands(sv), "baseline": _bands(bv), "difference": _bands(d),
            "final": {
                "median_difference": _num(np.median(fin)) if fin.size else None,
                "p_increase": float((fin > 0).mean()) if fin.size else None,
                "p_decrease": float((fin < 0).mean()) if fin.size else None,
            },
        })
        att = _attribution(scen, base, m)
        if att:
            attribution.append({"key": m.key, "label": m.label, "unit": m.unit,
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
