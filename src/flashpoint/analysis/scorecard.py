"""The per-option scorecard: what each policy option does, and what that means for the claims.

:func:`scorecard` turns an :class:`~flashpoint.analysis.assess.Assessment`
into plain data (lists and dicts of str / float / None, JSON-ready) that the
report draws first and the web page can show as it is:

* per policy option (scenario kind ``policy``), its headline effects against
  the status quo, each the median paired difference with its 5-95 % range in
  the metric's natural unit (percentage points for probabilities and shares,
  points for indices), whether it is material (outside the metric's band,
  :mod:`flashpoint.metrics`) and the share of runs in which it is;
* the claims about the option, each with its verdict, its construction-audit
  tag, its effect in its unit and the one sampled assumption that most
  changes the verdict (:func:`swing_assumption`), named by its meaning, not
  its dotted name.

The swing assumption of a claim: for each sampled parameter and lever
magnitude, the runs are split at its median, and the share of runs
supporting the claim (or, for a verdict of no material effect, inside the
band) is compared between the upper and the lower half. The assumption with
the largest difference is the one whose uncertainty most moves the verdict;
the difference is a one-factor reading of the ensemble (a main effect, as in
a first-order sensitivity screen; Saltelli et al. 2008, ch. 1), not a causal
estimate.

Reference: Saltelli, A. et al. (2008). *Global Sensitivity Analysis: The
Primer*. Wiley.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from flashpoint.analysis.compare import KEY_METRICS, MetricSpec, _paired_values
from flashpoint.metrics import METRICS

if TYPE_CHECKING:
    from flashpoint.analysis.assess import Assessment
    from flashpoint.claims import Verdict

__all__ = ["HEADLINE", "scorecard", "swing_assumption"]

#: The headline metrics of the scorecard (a subset of the key metrics).
HEADLINE: tuple[MetricSpec, ...] = tuple(
    m for m in KEY_METRICS if m.key in (
        "war_risk[taiwan_strait]", "credibility[taiwan_strait]", "tension_china_west",
        "axis_cohesion", "hedger_alignment", "arms_race_index[indo_pacific]",
        "european_security", "us_asia_share",
    )
)
#: A swing below this (difference of shares) is reported as "no assumption moves it much".
MIN_SWING = 0.1


def _num(x: float) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def _lever_words(label: str) -> str:
    kind = label.split("(", 1)[0]
    field = re.search(r"field='(\w+)'", label)
    words = {"Commitment": "strength of the scenario's defence commitment",
             "Presence": "size of the scenario's force presence",
             "TradeChange": "size of the scenario's trade change",
             "Signal": "cost of the scenario's reassurance signal",
             "SpendingFloor": "level of the scenario's spending floor",
             "Shock": "size of the scenario's shock",
             "RelationShock": "size of the scenario's direct bump to "
                              f"{field.group(1) if field else 'relations'}"}
    text = words.get(kind, "size of a scenario lever")
    return text + (" (visibility)" if label.endswith("#visibility") else "")


def swing_assumption(v: Verdict) -> dict[str, Any]:
    """The sampled assumption whose upper and lower halves most change the verdict.

    Returns ``{"assumption", "parameter", "high", "low", "swing", "sentence"}``;
    ``assumption`` is the parameter's meaning (or the lever's, in words),
    ``high`` / ``low`` the share of runs supporting the claim (or showing no
    material effect, for that verdict) in its upper / lower half.
    """
    m = v.margins
    mv = np.asarray(m.values, dtype=np.float64)
    holds = np.asarray(v.holding.values, dtype=bool)
    finite = np.isfinite(mv)
    null = v.verdict == "no material effect" or v.pooled_verdict == "no material effect"
    if null:
        c = v.claim
        # invert the margin to the per-run difference (claims.evaluate's margin table)
        d = {"increase": mv + c.band, "decrease": -(mv + c.band),
             "no_increase": c.band - mv, "no_decrease": mv - c.band}.get(c.direction, mv)
        y = np.abs(d) <= c.band
        what = "no material effect"
    else:
        y = holds
        what = "the claim is supported"
    best: dict[str, Any] = {"assumption": "", "parameter": None, "high": None, "low": None,
                            "swing": 0.0}
    for coord, var in m.coords.variables.items():
        name = str(coord)
        if not (name.startswith("param__") or name.startswith("lever__")):
            continue
        x = np.asarray(var.values, dtype=np.float64)
        ok = finite & np.isfinite(x)
        if ok.sum() < 4 or np.ptp(x[ok]) == 0:
            continue
        med = float(np.median(x[ok]))
        hi, lo = ok & (x > med), ok & (x <= med)
        if not hi.any() or not lo.any():
            continue
        sh, sl = float(y[hi].mean()), float(y[lo].mean())
        if abs(sh - sl) > abs(best["swing"]):
            if name.startswith("param__"):
                meaning = str(var.attrs.get("meaning", "")).split(";")[0].strip()
                label = meaning or name.removeprefix("param__")
            else:
                label = _lever_words(str(var.attrs.get("lever", "")))
            best = {"assumption": label, "parameter": name.split("__", 1)[1], "high": sh,
                    "low": sl, "swing": sh - sl}
    if best["parameter"] is None or abs(best["swing"]) < MIN_SWING:
        share = 100 * float(y[finite].mean()) if finite.any() else 0.0
        best["sentence"] = (f"no sampled assumption moves it much ({what} in about "
                            f"{share:.0f} % of runs whatever the assumptions)")
    else:
        best["sentence"] = (f"{best['assumption']} ({what} in {100 * best['high']:.0f} % of "
                            f"runs where it is high, {100 * best['low']:.0f} % where it is low)")
    return best


def _reading(c: Any) -> str:
    """How the claim reads its metric, e.g. " (mean over years 0-10)"; "" for the final value."""
    if c.statistic == "final":
        return f" at year {c.horizon}"
    word = {"mean": "mean", "max": "maximum", "min": "minimum"}[c.statistic]
    return f" ({word} over years 0-{c.horizon})"


def _effects(a: Assessment, name: str, metrics: Sequence[MetricSpec]) -> list[dict[str, Any]]:
    out = []
    cmp = a.comparison
    for spec in metrics:
        if cmp.empty:
            break
        row = cmp[(cmp["scenario"] == name) & (cmp["metric"] == spec.key)]
        if row.empty or spec.name not in METRICS:
            continue
        r = row.iloc[0]
        reg = METRICS[spec.name]
        try:
            d = np.asarray(_paired_values(a.results[name], a.baseline_result, spec),
                           dtype=np.float64)
            p_mat = float(np.mean(np.abs(d[np.isfinite(d)]) > reg.materiality))
        except Exception:
            p_mat = math.nan
        f = reg.factor
        out.append({
            "metric": spec.key, "label": spec.title, "unit": reg.change_unit,
            "median": _num(r["q50"] * f), "p05": _num(r["q05"] * f), "p95": _num(r["q95"] * f),
            "baseline_median": _num(r["baseline_q50"] * f), "baseline_unit": reg.level_unit,
            "band": reg.materiality_display(),
            "material": bool(abs(float(r["q50"])) > reg.materiality),
            "share_material": _num(p_mat),
        })
    return out


def scorecard(a: Assessment, metrics: Sequence[MetricSpec] = HEADLINE) -> list[dict[str, Any]]:
    """One entry per policy option of the assessment, in catalogue order (see the module doc).

    Each entry: ``scenario, title, description, effects`` (list of
    ``{metric, label, unit, median, p05, p95, baseline_median, baseline_unit,
    band, material, share_material}``) and ``claims`` (list of ``{id, side,
    paraphrase, verdict, audit, share, effect_median, effect_p05, effect_p95,
    unit, threshold, assumption}``; ``assumption`` is :func:`swing_assumption`).
    """
    out = []
    for name, info in a.scenarios.items():
        if info.kind != "policy":
            continue
        claims = []
        for c in a.claims:
            if c.scenario != name or c.id not in a.verdicts:
                continue
            v = a.verdicts[c.id]
            rec = v.record()
            claims.append({
                "id": c.id, "side": c.side, "paraphrase": c.paraphrase,
                "verdict": v.verdict, "audit": v.audit, "share": rec["share"],
                "effect_median": rec["effect_median"], "effect_p05": rec["effect_p05"],
                "effect_p95": rec["effect_p95"], "unit": rec["unit"],
                "threshold": rec["threshold"], "baseline": c.baseline,
                "expects_effect": c.direction in ("increase", "decrease"),
                "reading": _reading(c),
                "assumption": swing_assumption(v),
            })
        out.append({"scenario": name, "title": info.title, "description": info.description,
                    "effects": _effects(a, name, metrics), "claims": claims})
    return out
