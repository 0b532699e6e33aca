"""Evaluation of claims on synthetic paired results: shares, intervals, verdicts."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from flashpoint.claims import Claim, classify, evaluate_all, evaluate_claim, wilson_interval
from flashpoint.claims.evaluate import (
    FAILS_SHARE,
    HOLDS_SHARE,
    ROBUST_FAILS_UPPER,
    ROBUST_HOLDS_LOWER,
    claim_statistic,
)
from flashpoint.errors import ClaimError

SRC = {"seed": "004_b98a0458632f5616.txt", "quote": "a regional arms race"}


def claim(**kw: Any) -> Claim:
    base: dict[str, Any] = {
        "id": "c", "paraphrase": "A synthetic claim for tests.", "side": "sceptic",
        "source": SRC, "metric": "cohesion_chn_rus", "direction": "increase",
        "scenario": "nato_ip4_partnership",
    }
    base.update(kw)
    if base.get("threshold") is not None and "threshold_unit" not in base:
        probe = {k: v for k, v in base.items() if k != "threshold"}
        if probe.get("direction") in ("above", "below"):
            probe["direction"] = "increase"
        unit = Claim.model_validate({**probe, "scale": "absolute"}).spec
        base["threshold_unit"] = (
            "%" if base.get("scale") == "relative"
            else unit.level_unit if base["direction"] in ("above", "below") else unit.change_unit)
        base.setdefault("threshold_source", "a band chosen for this synthetic test claim")
    return Claim.model_validate(base)


def effect_holding_in(k: int, n: int) -> np.ndarray:
    """Per-run effects: +1 in the first k runs, -1 in the rest."""
    return np.where(np.arange(n) < k, 1.0, -1.0)


# --- Wilson interval --------------------------------------------------------


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [  # Newcombe (1998), Statistics in Medicine 17:857, Table I, method 3 (Wilson score)
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_reproduces_newcombe(k: int, n: int, low: float, high: float) -> None:
    assert_allclose(wilson_interval(k, n), (low, high), atol=5e-5)


def test_wilson_rejects_bad_counts() -> None:
    with pytest.raises(ClaimError, match=r"holding must be in \[0, 10\]\. Got 11 instead"):
        wilson_interval(11, 10)


def test_wilson_rejects_empty() -> None:
    with pytest.raises(ClaimError, match=r"n must be >= 1\. Got 0 instead"):
        wilson_interval(0, 0)


@given(n=st.integers(1, 5000), frac=st.floats(0.0, 1.0))
def test_wilson_contains_share_within_unit_interval(n: int, frac: float) -> None:
    k = round(frac * n)
    lo, hi = wilson_interval(k, n)
    assert 0.0 <= lo <= k / n <= hi <= 1.0


# --- verdict scale ----------------------------------------------------------


def test_scale_constants_are_ordered() -> None:
    assert ROBUST_FAILS_UPPER < FAILS_SHARE < HOLDS_SHARE < ROBUST_HOLDS_LOWER


@pytest.mark.parametrize(
    ("share", "low", "high", "expected"),
    [
        (0.95, 0.80, 0.99, "robustly holds"),
        (0.95, 0.79, 0.99, "holds"),
        (0.60, 0.50, 0.70, "holds"),
        (0.59, 0.50, 0.70, "contested"),
        (0.41, 0.30, 0.50, "contested"),
        (0.40, 0.30, 0.50, "fails"),
        (0.05, 0.01, 0.21, "fails"),
        (0.05, 0.01, 0.20, "robustly fails"),
    ],
)
def test_classify_boundaries(share: float, low: float, high: float, expected: str) -> None:
    assert classify(share, low, high) == expected


@pytest.mark.parametrize(
    ("k", "expected"),
    [(95, "robustly holds"), (70, "holds"), (50, "contested"), (30, "fails"),
     (5, "robustly fails")],
)
def test_known_share_gives_known_verdict(result: Any, k: int, expected: str) -> None:
    n = 100
    base = np.linspace(-0.5, 0.5, n)
    scen = base + 0.1 * effect_holding_in(k, n)
    v = evaluate_claim(claim(), result({"cohesion_chn_rus": scen}, scenario="nato_ip4_partnership"),
                       result({"cohesion_chn_rus": base}))
    assert (v.n_holding, v.n_runs, v.share) == (k, n, k / n)
    assert (v.ci_low, v.ci_high) == wilson_interval(k, n)
    assert v.verdict == expected


def test_decisive_parameter_flips_the_verdict(result: Any) -> None:
    """The verdict comes from the model: move a parameter's range and the verdict moves."""
    n = 200
    u = (np.arange(n) + 0.5) / n  # a space-filling design on [0, 1]

    def verdict(low: float, high: float) -> Any:
        reaction = low + (high - low) * u
        base = np.full(n, 0.3)
        scen = base + 0.2 * reaction  # the scenario's effect scales with the parameter
        return evaluate_claim(
            claim(),
            result({"cohesion_chn_rus": scen}, params={"alignment.reaction": reaction}),
            result({"cohesion_chn_rus": base}, params={"alignment.reaction": reaction}),
        )

    holds = verdict(0.1, 1.0)
    fails = verdict(-1.0, -0.1)
    assert holds.verdict == "robustly holds"
    assert fails.verdict == "robustly fails"
    # the per-run margins carry the parameter, ready for scenario discovery
    m = holds.margins
    assert m.dims == ("run",)
    assert_allclose(m["param__alignment.reaction"].values, 0.1 + 0.9 * u)
    assert np.corrcoef(m.values, m["param__alignment.reaction"].values)[0, 1] > 0.99
    assert holds.holding.dtype == bool


def test_threshold_is_a_minimum_effect(result: Any) -> None:
    base = np.zeros(50)
    scen = np.full(50, 0.03)
    pair = (result({"cohesion_chn_rus": scen}), result({"cohesion_chn_rus": base}))
    assert evaluate_claim(claim(threshold=0.02), *pair).verdict == "robustly holds"
    assert evaluate_claim(claim(threshold=0.05), *pair).verdict == "no material effect"
    assert_allclose(evaluate_claim(claim(threshold=0.02), *pair).median_margin, 0.01)


def test_no_increase_holds_for_no_effect_and_small_effects(result: Any) -> None:
    base = np.zeros(40)
    same = evaluate_claim(claim(direction="no_increase"),
                          result({"cohesion_chn_rus": base}), result({"cohesion_chn_rus": base}))
    assert same.verdict == "no material effect"  # as the claim says: every run inside the band
    assert same.share == 1.0
    lower = evaluate_claim(claim(direction="no_increase"), result({"cohesion_chn_rus": base - 0.1}),
                           result({"cohesion_chn_rus": base}))
    assert lower.verdict == "robustly holds"
    big = evaluate_claim(claim(direction="no_increase", threshold=0.05),
                         result({"cohesion_chn_rus": base + 0.1}), result({"cohesion_chn_rus": base}))
    assert big.verdict == "robustly fails"


def test_no_effect_is_no_material_effect(result: Any) -> None:
    base = np.zeros(40)
    v = evaluate_claim(claim(), result({"cohesion_chn_rus": base}), result({"cohesion_chn_rus": base}))
    assert v.verdict == "no material effect"
    assert v.no_effect_share == 1.0


@pytest.mark.parametrize("direction", ["increase", "decrease"])
def test_a_tiny_consistent_effect_is_no_material_effect(result: Any, direction: str) -> None:
    """Common random numbers give a 1e-6 effect a consistent sign; it is still not support."""
    base = np.linspace(0.1, 0.5, 200)
    scen = base + (1e-6 if direction == "increase" else -1e-6)
    v = evaluate_claim(claim(direction=direction), result({"cohesion_chn_rus": scen}),
                       result({"cohesion_chn_rus": base}))
    assert v.verdict == "no material effect"
    assert v.no_effect_share == 1.0 and v.share == 0.0
    rec = v.record()
    assert rec["effect_median"] is not None and abs(rec["effect_median"]) < 1e-5
    assert rec["threshold"] == 0.02 and rec["unit"] == "points"


def test_no_claim_holds_with_its_median_effect_inside_the_band(result: Any) -> None:
    base = np.zeros(100)
    # 45 runs material, 55 inside: most runs inside the band
    scen = np.where(np.arange(100) < 45, 0.05, 0.001)
    v = evaluate_claim(claim(), result({"cohesion_chn_rus": scen}), result({"cohesion_chn_rus": base}))
    assert v.verdict == "no material effect"
    # 70 runs material: holds, and the median is outside the band
    scen = np.where(np.arange(100) < 70, 0.05, 0.001)
    v = evaluate_claim(claim(), result({"cohesion_chn_rus": scen}), result({"cohesion_chn_rus": base}))
    assert v.verdict == "holds" and v.median_difference > v.claim.band


def test_record_reports_effects_in_display_units(result: Any) -> None:
    base = np.linspace(0.0, 0.01, 50)
    scen = base + 0.02  # +2 pp of war risk
    ds_s = result({"war_risk_scalar": scen})
    ds_b = result({"war_risk_scalar": base})
    for ds, v in ((ds_s, scen), (ds_b, base)):
        wr = np.zeros((50, ds.sizes["time"], 5))
        wr[:, :, 0] = v[:, None]
        ds["war_risk"] = (("run", "time", "flashpoint"), wr)
    c = claim(metric="war_risk", selector={"flashpoint": "taiwan_strait"})
    rec = evaluate_claim(c, ds_s, ds_b).record()
    assert rec["unit"] == "pp" and rec["threshold"] == 0.5
    assert_allclose(rec["effect_median"], 2.0)
    assert_allclose([rec["baseline_p05"], rec["baseline_p95"]],
                    100 * np.quantile(base, [0.05, 0.95]))
    assert rec["verdict"] == "robustly holds"
    for key in ("id", "side", "scenario", "baseline", "metric", "unit", "verdict", "share",
                "ci_low", "ci_high", "effect_median", "effect_p05", "effect_p95", "threshold",
                "threshold_source", "audit", "runs", "per_theory"):
        assert key in rec


def test_decrease_and_relative_scale(result: Any) -> None:
    base = np.full(30, 4.0)
    scen = np.full(30, 3.0)  # -25 %
    pair = (result({"european_security": scen}), result({"european_security": base}))
    c = claim(metric="european_security", direction="decrease", scale="relative", threshold=20.0)
    v = evaluate_claim(c, *pair)
    assert v.verdict == "robustly holds"
    assert_allclose(v.median_difference, -0.25)
    assert v.standardized_margin == np.inf


def test_absolute_level_ignores_baseline(result: Any) -> None:
    loss = np.linspace(0.0, 0.2, 101)  # 0.0948 splits the runs 48 / 53
    c = claim(metric="gdp_loss_world", direction="below", threshold=9.48, statistic="max",
              scenario="taiwan_invasion")
    v = evaluate_claim(c, result({"gdp_loss_world": loss}))
    assert v.n_holding == int((loss < 0.0948).sum())
    assert v.verdict == "contested"


def test_selector_list_is_averaged(result: Any) -> None:
    n = 20
    cred = np.zeros((n, 5))
    cred[:, 0] = 0.2  # taiwan_strait
    cred[:, 1] = 0.6  # korean_peninsula
    c = claim(metric="credibility", selector={"flashpoint": ["taiwan_strait", "korean_peninsula"]})
    stat = claim_statistic(c, result(runs=n, credibility=cred))
    assert_allclose(stat.values, 0.4)
    assert stat.dims == ("run",)


def test_dyadic_selector(result: Any) -> None:
    n = 30
    ali = np.zeros((n, 10, 10))
    ali[:, 1, 6:10] = -0.5  # CHN with DEU, FRA, GBR, ITA
    base = result(runs=n)
    scen = result(runs=n, alignment=ali)
    c = claim(metric="alignment", direction="decrease",
              selector={"actor": "CHN", "counterpart": ["DEU", "FRA", "GBR", "ITA"]})
    assert evaluate_claim(c, scen, base).verdict == "robustly holds"


def test_statistics_over_the_horizon(result: Any) -> None:
    ds = result({"war_risk_scalar": np.zeros(4)}, runs=4)
    ramp = np.broadcast_to(ds["time"].values / 10.0, (4, ds.sizes["time"]))
    ds["us_asia_share"] = (("run", "time"), ramp.copy())
    for stat, expected in (("final", 0.5), ("max", 0.5), ("min", 0.0), ("mean", 0.25)):
        c = claim(metric="us_asia_share", statistic=stat, horizon=5)
        assert_allclose(claim_statistic(c, ds).values, expected)


def test_nan_runs_are_left_out(result: Any) -> None:
    base = np.zeros(10)
    scen = np.array([1.0] * 8 + [np.nan] * 2)
    v = evaluate_claim(claim(), result({"cohesion_chn_rus": scen}, runs=10),
                       result({"cohesion_chn_rus": base}, runs=10))
    assert (v.n_runs, v.n_holding) == (8, 8)


def test_all_nan_is_an_error(result: Any) -> None:
    nan = np.full(5, np.nan)
    with pytest.raises(ClaimError, match="claim 'c': no run gives a finite value"):
        evaluate_claim(claim(), result({"cohesion_chn_rus": nan}, runs=5),
                       result({"cohesion_chn_rus": nan}, runs=5))


def test_horizon_beyond_the_result_is_an_error(result: Any) -> None:
    z = np.zeros(5)
    with pytest.raises(ClaimError, match=r"field 'horizon': the result covers 10 years\. "
                                         r"Expected at least 20 years"):
        evaluate_claim(claim(horizon=20), result({"cohesion_chn_rus": z}, runs=5),
                       result({"cohesion_chn_rus": z}, runs=5))


def test_missing_metric_is_an_error(result: Any) -> None:
    z = np.zeros(5)
    with pytest.raises(ClaimError, match="has no variable 'cohesion_chn_rus'"):
        evaluate_claim(claim(), result({"axis_cohesion": z}, runs=5),
                       result({"axis_cohesion": z}, runs=5))


def test_missing_label_is_an_error(result: Any) -> None:
    c = claim(metric="alignment", selector={"actor": "CHN", "counterpart": "IND"})
    with pytest.raises(ClaimError, match=r"field 'selector.counterpart': labels \['IND'\] are not"):
        claim_statistic(c, result(runs=3))


def test_unpaired_seeds_are_rejected(result: Any) -> None:
    z = np.zeros(5)
    with pytest.raises(ClaimError, match="not a common-random-numbers pair: seed 1 and 2 differ"):
        evaluate_claim(claim(), result({"cohesion_chn_rus": z}, runs=5, seed=1),
                       result({"cohesion_chn_rus": z}, runs=5, seed=2))


def test_run_counts_must_match(result: Any) -> None:
    with pytest.raises(ClaimError, match=r"same number of runs\. Got 5 and 6 instead"):
        evaluate_claim(claim(), result({"cohesion_chn_rus": np.zeros(5)}, runs=5),
                       result({"cohesion_chn_rus": np.zeros(6)}, runs=6))


def test_relative_claim_needs_a_baseline(result: Any) -> None:
    with pytest.raises(ClaimError, match="needs the baseline 'status_quo'"):
        evaluate_claim(claim(), result({"cohesion_chn_rus": np.zeros(5)}, runs=5))


def test_evaluate_all_pairs_each_claim_with_its_results(result: Any) -> None:
    n = 50
    base = np.zeros(n)
    results = {
        "status_quo": result({"cohesion_chn_rus": base}, runs=n),
        "nato_ip4_partnership": result({"cohesion_chn_rus": base + 0.1}, runs=n),
        "eu_economic_track": result({"cohesion_chn_rus": base - 0.1}, runs=n),
    }
    claims = [
        claim(id="up"),
        claim(id="down_vs_ip4", direction="decrease", scenario="eu_economic_track",
              baseline="nato_ip4_partnership"),
    ]
    out = evaluate_all(claims, results)
    assert list(out) == ["up", "down_vs_ip4"]
    assert [v.verdict for v in out.values()] == ["robustly holds", "robustly holds"]
    assert out["down_vs_ip4"].summary()["baseline"] == "nato_ip4_partnership"


def test_evaluate_all_names_the_missing_scenario(result: Any) -> None:
    results = {"status_quo": result({"cohesion_chn_rus": np.zeros(5)}, runs=5)}
    with pytest.raises(ClaimError, match=r"claim 'c': no result for scenario\(s\) "
                                         r"\['nato_ip4_partnership'\]"):
        evaluate_all([claim()], results)


def test_rounding_noise_is_not_an_effect(result: Any) -> None:
    base = np.full(40, 0.3)
    noisy = base + 1e-15 * np.where(np.arange(40) % 2, 1.0, -1.0)
    pair = (result({"cohesion_chn_rus": noisy}), result({"cohesion_chn_rus": base}))
    assert evaluate_claim(claim(), *pair).n_holding == 0
    assert evaluate_claim(claim(direction="no_increase"), *pair).n_holding == 40
    real = (result({"cohesion_chn_rus": base + 1e-9}), result({"cohesion_chn_rus": base}))
    waived = claim(threshold=0.0, waiver="a test of the noise floor alone, with no band at all")
    assert evaluate_claim(waived, *real).n_holding == 40
    assert evaluate_claim(claim(), *real).verdict == "no material effect"


# --- per theory package ------------------------------------------------------


def _with_theories(ds: Any, spiral: np.ndarray, signal: np.ndarray,
                   weights: dict[str, dict[str, float]] | None) -> Any:
    import json

    ds = ds.assign_coords(theory__security_dilemma=("run", spiral),
                          theory__signal_reading=("run", signal))
    if weights is not None:
        ds.attrs["theory_weights"] = json.dumps(weights)
    return ds


@pytest.mark.parametrize("weighted", [False, True])
def test_pooled_share_is_the_weighted_per_theory_shares(result: Any, weighted: bool) -> None:
    n = 120
    sd = np.where(np.arange(n) % 3 == 0, "deterrence", "spiral")  # 1/3 deterrence
    sr = np.where(np.arange(n) % 2 == 0, "bayesian", "biased")
    base = np.zeros(n)
    scen = np.where(sd == "spiral", 0.05, -0.001)  # spiral: material rise; deterrence: none
    scen = np.where((sd == "spiral") & (sr == "biased") & (np.arange(n) % 4 == 1), -0.05, scen)
    weights = ({"security_dilemma": {"spiral": 0.3, "deterrence": 0.7},
                "signal_reading": {"bayesian": 0.5, "biased": 0.5}} if weighted else None)
    s = _with_theories(result({"cohesion_chn_rus": scen}), sd, sr, weights)
    b = _with_theories(result({"cohesion_chn_rus": base}), sd, sr, weights)
    v = evaluate_claim(claim(), s, b)
    assert set(v.per_theory) == {f"security_dilemma={a}+signal_reading={c}"
                                 for a in ("spiral", "deterrence") for c in ("bayesian", "biased")}
    total = sum(t.weight * t.share for t in v.per_theory.values())
    assert_allclose(v.share, total)
    assert_allclose(sum(t.weight for t in v.per_theory.values()), 1.0)
    if weighted:
        w = v.per_theory["security_dilemma=spiral+signal_reading=bayesian"].weight
        assert_allclose(w, 0.15)
    else:
        assert_allclose(v.share, v.n_holding / v.n_runs)
    # the spiral packages support the claim, the deterrence ones show no material effect
    assert v.per_mechanism["security_dilemma"]["spiral"].verdict in ("holds", "robustly holds")
    assert v.per_mechanism["security_dilemma"]["deterrence"].verdict == "no material effect"
    assert v.verdict == "theory-decided"
    assert v.pooled_verdict != "theory-decided"
    rec = v.record()
    assert rec["verdict"] == "theory-decided"
    assert rec["per_theory"]["security_dilemma=deterrence+signal_reading=biased"]["verdict"] == (
        "no material effect")


def test_agreeing_theories_keep_the_pooled_verdict(result: Any) -> None:
    n = 60
    sd = np.where(np.arange(n) % 2 == 0, "deterrence", "spiral")
    sr = np.full(n, "bayesian")
    s = _with_theories(result({"cohesion_chn_rus": np.full(n, 0.1)}), sd, sr, None)
    b = _with_theories(result({"cohesion_chn_rus": np.zeros(n)}), sd, sr, None)
    v = evaluate_claim(claim(), s, b)
    assert v.verdict == v.pooled_verdict == "robustly holds"
