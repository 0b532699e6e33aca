"""Evaluate claims on ensemble results: share of runs holding, interval, verdict.

A claim is evaluated run by run. Both results must come from the same
ensemble design and seed (common random numbers), so run ``r`` of the
scenario and run ``r`` of the baseline share every sampled parameter and
random stream and their difference is the scenario's effect in that run,
not noise.

For run :math:`r`, with :math:`s_r` the scenario's statistic (the metric at
the selector, summarised over :math:`[0, H]`), :math:`b_r` the baseline's,
:math:`d_r = s_r - b_r` (or :math:`(s_r - b_r)/|b_r|` when the claim's scale
is relative) and :math:`\\theta` the threshold, the *margin* is oriented so
that a positive margin means the claim holds in that run:

=============  ======================  =====================
direction      margin :math:`m_r`      holds when
=============  ======================  =====================
increase       :math:`d_r - \\theta`    :math:`m_r > 0`
decrease       :math:`-d_r - \\theta`   :math:`m_r > 0`
no_increase    :math:`\\theta - d_r`    :math:`m_r \\ge 0`
no_decrease    :math:`\\theta + d_r`    :math:`m_r \\ge 0`
above          :math:`s_r - \\theta`    :math:`m_r > 0`
below          :math:`\\theta - s_r`    :math:`m_r > 0`
=============  ======================  =====================

Differences within :data:`NOISE_TOLERANCE` of zero (relative to
:math:`\\max(1, |b_r|)`) are set to zero first, so rounding in runs the
scenario leaves unchanged decides nothing.

The share :math:`\\hat p = k/n` of the :math:`n` runs with a finite margin
in which the claim holds gets a Wilson score interval (Wilson 1927), which
keeps its coverage near the nominal level for shares near 0 or 1 and small
:math:`n`, unlike the Wald interval (Newcombe 1998; Brown, Cai & DasGupta 2001):

.. math::

    \\frac{\\hat p + z^2/2n}{1 + z^2/n} \\pm
    \\frac{z}{1 + z^2/n}\\sqrt{\\frac{\\hat p(1-\\hat p)}{n} + \\frac{z^2}{4n^2}},
    \\qquad z = \\Phi^{-1}(1 - \\alpha/2).

The verdict scale (module constants, checked in this order):

* **robustly holds**: the interval's lower bound is at least
  :data:`ROBUST_HOLDS_LOWER` (0.8);
* **robustly fails**: the upper bound is at most :data:`ROBUST_FAILS_UPPER` (0.2);
* **holds**: :math:`\\hat p \\ge` :data:`HOLDS_SHARE` (0.6);
* **fails**: :math:`\\hat p \\le` :data:`FAILS_SHARE` (0.4);
* **contested**: in between.

The share is a statement about the model's ensemble, i.e. about the prior
ranges of its parameters and levers, not a probability that the claim is
true of the world.

References
----------
Wilson, E. B. (1927). Probable inference, the law of succession, and
statistical inference. *JASA* 22(158), 209-212. doi:10.1080/01621459.1927.10502953

Newcombe, R. G. (1998). Two-sided confidence intervals for the single
proportion: comparison of seven methods. *Statistics in Medicine* 17(8),
857-872.

Brown, L. D., Cai, T. T. & DasGupta, A. (2001). Interval estimation for a
binomial proportion. *Statistical Science* 16(2), 101-133. doi:10.1214/ss/1009213286
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

import numpy as np
import xarray as xr

from flashpoint.claims.model import Claim
from flashpoint.errors import ClaimError

__all__ = [
    "CONFIDENCE",
    "FAILS_SHARE",
    "HOLDS_SHARE",
    "NOISE_TOLERANCE",
    "ROBUST_FAILS_UPPER",
    "ROBUST_HOLDS_LOWER",
    "VERDICTS",
    "Verdict",
    "VerdictLabel",
    "claim_statistic",
    "classify",
    "evaluate_all",
    "evaluate_claim",
    "margins",
    "wilson_interval",
]

#: Confidence level of the Wilson interval on the share of runs.
CONFIDENCE = 0.95
#: "robustly holds" when the interval's lower bound is at least this.
ROBUST_HOLDS_LOWER = 0.8
#: "holds" when the share is at least this.
HOLDS_SHARE = 0.6
#: "fails" when the share is at most this.
FAILS_SHARE = 0.4
#: "robustly fails" when the interval's upper bound is at most this.
ROBUST_FAILS_UPPER = 0.2

VerdictLabel = Literal["robustly holds", "holds", "contested", "fails", "robustly fails"]
#: The verdict scale, from strongest support to strongest rejection.
VERDICTS: tuple[VerdictLabel, ...] = (
    "robustly holds", "holds", "contested", "fails", "robustly fails",
)

#: Scenario-baseline differences within this tolerance (relative to ``max(1, |baseline|)``)
#: count as exactly zero, so floating-point rounding in runs the scenario leaves unchanged
#: can neither confirm an ``increase`` / ``decrease`` nor refute a ``no_increase`` claim.
NOISE_TOLERANCE = 1e-12

_TIME_TOL = 1e-9


@dataclass(frozen=True, eq=False)
class Verdict:
    """The evaluation of one claim over an ensemble.

    Attributes
    ----------
    claim
        The claim evaluated.
    verdict
        One of :data:`VERDICTS`.
    share
        Share of runs (with a finite margin) in which the claim holds.
    ci_low, ci_high
        Wilson interval of the share at :data:`CONFIDENCE`.
    n_runs, n_holding
        Runs with a finite margin, and how many of them hold.
    median_margin
        Median of the margins (positive: the typical run supports the claim).
    standardized_margin
        Mean margin over its standard deviation (``ddof=1``); ``0`` when every
        margin is zero, ``±inf`` when the margins are constant and non-zero.
    median_difference
        Median of ``scenario - baseline`` (or of the scenario's statistic for
        ``above`` / ``below``), in the metric's unit or relative when the
        claim's scale is relative.
    margins
        Per-run margins, a DataArray over ``run`` carrying the scenario
        result's per-run coordinates (``param__*``, ``lever__*``), so scenario
        discovery can ask which parameter ranges make the claim hold.
    """

    claim: Claim
    verdict: VerdictLabel
    share: float
    ci_low: float
    ci_high: float
    n_runs: int
    n_holding: int
    median_margin: float
    standardized_margin: float
    median_difference: float
    margins: xr.DataArray

    @property
    def claim_id(self) -> str:
        """The claim's id."""
        return self.claim.id

    @property
    def holding(self) -> xr.DataArray:
        """Boolean per run: whether the claim holds (False where the margin is NaN)."""
        return _holds(self.margins, self.claim)

    def summary(self) -> dict[str, str | float | int]:
        """The scalar fields as a flat mapping (for tables, JSON and storage)."""
        c = self.claim
        return {
            "claim": c.id, "side": c.side, "scenario": c.scenario,
            "baseline": c.baseline if c.is_relative else "",
            "metric": c.metric, "direction": c.direction, "verdict": self.verdict,
            "share": self.share, "ci_low": self.ci_low, "ci_high": self.ci_high,
            "n_runs": self.n_runs, "n_holding": self.n_holding,
            "median_margin": self.median_margin,
            "standardized_margin": self.standardized_margin,
            "median_difference": self.median_difference,
        }


def wilson_interval(
    holding: int, n: int, *, confidence: float = CONFIDENCE
) -> tuple[float, float]:
    """Wilson score interval for a binomial share ``holding / n``.

    See the module docstring for the formula. Reproduces Newcombe (1998),
    Table I, method 3: 81/263 -> (0.2553, 0.3662); 0/20 -> (0, 0.1611).

    Raises
    ------
    ClaimError
        If ``n < 1``, ``holding`` is not in ``[0, n]`` or ``confidence`` not in ``(0, 1)``.
    """
    if n < 1:
        raise ClaimError(f"wilson_interval: n must be >= 1. Got {n} instead.")
    if not 0 <= holding <= n:
        raise ClaimError(f"wilson_interval: holding must be in [0, {n}]. Got {holding} instead.")
    if not 0.0 < confidence < 1.0:
        raise ClaimError(f"wilson_interval: confidence must be in (0, 1). Got {confidence} instead.")
    z = NormalDist().inv_cdf(0.5 + confidence / 2.0)
    p = holding / n
    z2n = z * z / n
    centre = (p + z2n / 2.0) / (1.0 + z2n)
    half = z / (1.0 + z2n) * math.sqrt(p * (1.0 - p) / n + z2n / (4.0 * n))
    # the exact bounds at k = 0 and k = n are 0 and 1; avoid rounding residue there
    low = 0.0 if holding == 0 else max(0.0, centre - half)
    high = 1.0 if holding == n else min(1.0, centre + half)
    return low, high


def classify(share: float, ci_low: float, ci_high: float) -> VerdictLabel:
    """The verdict for a share and its interval, on the scale of the module docstring."""
    if ci_low >= ROBUST_HOLDS_LOWER:
        return "robustly holds"
    if ci_high <= ROBUST_FAILS_UPPER:
        return "robustly fails"
    if share >= HOLDS_SHARE:
        return "holds"
    if share <= FAILS_SHARE:
        return "fails"
    return "contested"


def claim_statistic(claim: Claim, result: xr.Dataset, *, role: str = "result") -> xr.DataArray:
    """The claim's per-run statistic of its metric in ``result``: a DataArray over ``run``.

    Selects the claim's labels (averaging over a list of labels), keeps the
    times in ``[0, horizon]`` and reduces time with the claim's statistic.

    Raises
    ------
    ClaimError
        If the metric, a label or the horizon is missing from ``result``.
    """
    where = f"claim {claim.id!r}: {role} (scenario {result.attrs.get('scenario', '?')!r})"
    if claim.metric not in result.data_vars:
        raise ClaimError(f"{where}: has no variable {claim.metric!r}.")
    da = result[claim.metric]
    for dim, label in claim.selector.items():
        labels = [label] if isinstance(label, str) else list(label)
        if dim not in da.dims:
            raise ClaimError(f"{where}: {claim.metric!r} has no dimension {dim!r}.")
        known = [str(v) for v in da[dim].values]
        missing = [x for x in labels if x not in known]
        if missing:
            raise ClaimError(
                f"{where}: field 'selector.{dim}': labels {missing} are not in the result. "
                f"Expected some of {known}."
            )
        da = da.sel({dim: labels}).mean(dim) if len(labels) > 1 else da.sel({dim: labels[0]})
    if "time" not in da.dims:
        raise ClaimError(f"{where}: {claim.metric!r} has no 'time' dimension.")
    time = np.asarray(da["time"].values, dtype=np.float64)
    if time.size == 0 or time.max() < claim.horizon - _TIME_TOL:
        last = float(time.max()) if time.size else float("nan")
        raise ClaimError(
            f"{where}: field 'horizon': the result covers {last:g} years. "
            f"Expected at least {claim.horizon} years."
        )
    da = da.isel(time=np.flatnonzero(time <= claim.horizon + _TIME_TOL))
    if claim.statistic == "final":
        out = da.isel(time=-1, drop=True)
    elif claim.statistic == "mean":
        out = da.mean("time")
    elif claim.statistic == "max":
        out = da.max("time")
    else:
        out = da.min("time")
    if out.dims != ("run",):
        raise ClaimError(
            f"{where}: the statistic has dimensions {out.dims}. Expected ('run',): the selector "
            f"must fix every dimension of {claim.metric!r} besides run and time."
        )
    return out


def margins(
    claim: Claim, scenario_result: xr.Dataset, baseline_result: xr.Dataset | None = None
) -> tuple[xr.DataArray, xr.DataArray]:
    """Per-run ``(margins, differences)`` of ``claim``; see the module docstring.

    ``baseline_result`` is required for relative directions and ignored for
    ``above`` / ``below``. Both DataArrays are over ``run`` and carry the
    scenario result's per-run coordinates.
    """
    s = claim_statistic(claim, scenario_result, role="scenario result")
    sv = np.asarray(s.values, dtype=np.float64)
    if claim.is_relative:
        if baseline_result is None:
            raise ClaimError(
                f"claim {claim.id!r}: direction {claim.direction!r} needs the baseline "
                f"{claim.baseline!r}. Got no baseline result instead."
            )
        _check_paired(claim, scenario_result, baseline_result)
        bv = np.asarray(
            claim_statistic(claim, baseline_result, role="baseline result").values,
            dtype=np.float64,
        )
        diff = sv - bv
        diff = np.where(np.abs(diff) <= NOISE_TOLERANCE * np.maximum(1.0, np.abs(bv)), 0.0, diff)
        if claim.scale == "relative":
            with np.errstate(divide="ignore", invalid="ignore"):
                diff = np.where(bv != 0.0, diff / np.abs(bv), np.nan)
    else:
        diff = sv
    thr = claim.threshold
    margin = {
        "increase": diff - thr,
        "decrease": -diff - thr,
        "no_increase": thr - diff,
        "no_decrease": thr + diff,
        "above": diff - thr,
        "below": thr - diff,
    }[claim.direction]
    coords = {k: v for k, v in s.coords.items() if v.dims == ("run",)}
    m = xr.DataArray(margin, dims=("run",), coords=coords, name=f"margin__{claim.id}",
                     attrs={"claim": claim.id, "direction": claim.direction,
                            "threshold": claim.threshold, "scale": claim.scale})
    d = xr.DataArray(diff, dims=("run",), coords=coords, name=f"difference__{claim.id}")
    return m, d


def evaluate_claim(
    claim: Claim, scenario_result: xr.Dataset, baseline_result: xr.Dataset | None = None
) -> Verdict:
    """Evaluate ``claim`` on paired ensemble results.

    Parameters
    ----------
    claim
        The claim.
    scenario_result, baseline_result
        Results of ``flashpoint.simulate`` for the claim's scenario and
        baseline with the same seed and design (runs are paired by index).
        ``baseline_result`` may be ``None`` for ``above`` / ``below`` claims.

    Returns
    -------
    Verdict

    Raises
    ------
    ClaimError
        If a result lacks the metric, a label or the horizon, the results are
        not paired, or no run gives a finite margin.
    """
    m, d = margins(claim, scenario_result, baseline_result)
    mv = np.asarray(m.values, dtype=np.float64)
    finite = np.isfinite(mv)
    n = int(finite.sum())
    if n == 0:
        raise ClaimError(
            f"claim {claim.id!r}: no run gives a finite value of {claim.metric!r} at the "
            f"selector {dict(claim.selector.items())}."
        )
    k = int(np.asarray(_holds(m, claim).values)[finite].sum())
    lo, hi = wilson_interval(k, n)
    share = k / n
    fm = mv[finite]
    return Verdict(
        claim=claim,
        verdict=classify(share, lo, hi),
        share=share,
        ci_low=lo,
        ci_high=hi,
        n_runs=n,
        n_holding=k,
        median_margin=float(np.median(fm)),
        standardized_margin=_standardized(fm),
        median_difference=float(np.nanmedian(np.asarray(d.values)[finite])),
        margins=m,
    )


def evaluate_all(
    claims: Iterable[Claim], results: Mapping[str, xr.Dataset]
) -> dict[str, Verdict]:
    """Evaluate every claim; ``results`` maps scenario names to paired results.

    Returns
    -------
    dict
        Claim id -> :class:`Verdict`, in the order of ``claims``.

    Raises
    ------
    ClaimError
        If a claim's scenario or baseline is not in ``results`` (or as in
        :func:`evaluate_claim`).
    """
    out: dict[str, Verdict] = {}
    for claim in claims:
        needed = [claim.scenario, claim.baseline] if claim.is_relative else [claim.scenario]
        missing = [name for name in needed if name not in results]
        if missing:
            raise ClaimError(
                f"claim {claim.id!r}: no result for scenario(s) {missing}. "
                f"Got results for {sorted(results)}."
            )
        base = results[claim.baseline] if claim.is_relative else None
        out[claim.id] = evaluate_claim(claim, results[claim.scenario], base)
    return out


def _holds(m: xr.DataArray, claim: Claim) -> xr.DataArray:
    if claim.direction in ("no_increase", "no_decrease"):
        return m >= 0.0
    return m > 0.0


def _standardized(m: np.ndarray) -> float:
    mean = float(m.mean())
    sd = float(m.std(ddof=1)) if m.size > 1 else 0.0
    if sd > 1e-12 * max(abs(mean), 1e-300):  # below: constant margins up to rounding
        return mean / sd
    if mean == 0.0:
        return 0.0
    return math.copysign(math.inf, mean)


def _check_paired(claim: Claim, a: xr.Dataset, b: xr.Dataset) -> None:
    where = f"claim {claim.id!r}: scenario {claim.scenario!r} and baseline {claim.baseline!r}"
    if a.sizes.get("run") != b.sizes.get("run"):
        raise ClaimError(
            f"{where}: runs are paired by index, so both results need the same number of runs. "
            f"Got {a.sizes.get('run')} and {b.sizes.get('run')} instead."
        )
    if "run" in a.coords and "run" in b.coords and not np.array_equal(
        a["run"].values, b["run"].values
    ):
        raise ClaimError(f"{where}: the run labels differ; runs are paired by index.")
    for key in ("seed", "design"):
        if key in a.attrs and key in b.attrs and str(a.attrs[key]) != str(b.attrs[key]):
            raise ClaimError(
                f"{where}: not a common-random-numbers pair: {key} {a.attrs[key]!r} and "
                f"{b.attrs[key]!r} differ. Simulate both with the same seed and design."
            )
