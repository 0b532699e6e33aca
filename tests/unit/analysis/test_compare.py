"""Paired scenario comparison: summaries, pairing checks, attribution bookkeeping."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import flashpoint as fp
from flashpoint.analysis.compare import (
    KEY_METRICS,
    MetricSpec,
    attribution_change,
    attribution_table,
    check_paired,
    compare,
    compare_all,
    metric_values,
    paired_difference,
    summarize_difference,
    trajectory_quantiles,
)
from flashpoint.errors import AnalysisError, FlashpointError
from flashpoint.testing import tiny_world

COHESION = MetricSpec("axis_cohesion", (), "cohesion", "-1 to 1")
ARMS_IP = MetricSpec("arms_race_index", (("region", "indo_pacific"),), "arms IP", "fraction")


def test_summary_of_known_differences() -> None:
    s = summarize_difference(np.array([1.0, 2.0, 3.0, 4.0]))
    sd = float(np.std([1, 2, 3, 4], ddof=1))
    assert s["n"] == 4
    assert s["mean"] == pytest.approx(2.5)
    assert s["q50"] == pytest.approx(2.5)
    assert s["p_increase"] == 1.0 and s["p_decrease"] == 0.0
    assert s["effect_size"] == pytest.approx(2.5 / sd)
    half = 1.959963984540054 * sd / 2.0
    assert (s["mean_low"], s["mean_high"]) == pytest.approx((2.5 - half, 2.5 + half))


def test_summary_degenerate_cases() -> None:
    assert summarize_difference(np.zeros(5))["effect_size"] == 0.0
    assert summarize_difference(np.zeros(5))["p_increase"] == 0.0
    assert summarize_difference(np.full(5, -0.2))["effect_size"] == -math.inf
    nan = summarize_difference(np.array([np.nan, np.nan]))
    assert nan["n"] == 0 and math.isnan(nan["mean"])
    assert summarize_difference(np.array([1.0, np.nan, 3.0]))["n"] == 2


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.integers(2, 40), elements=st.floats(-1e3, 1e3)))
def test_summary_is_coherent(d: np.ndarray) -> None:
    s = summarize_difference(d)
    qs = [s["q05"], s["q25"], s["q50"], s["q75"], s["q95"]]
    assert all(a <= b + 1e-9 for a, b in itertools.pairwise(qs))
    assert 0.0 <= s["p_increase"] + s["p_decrease"] <= 1.0
    assert s["mean_low"] <= s["mean"] <= s["mean_high"]
    if s["mean"] > 1e-6 and s["sd"] > 0:
        assert s["effect_size"] > 0


def test_paired_difference_is_run_by_run(paired: dict[str, xr.Dataset]) -> None:
    s, b = paired["nato_ip4_partnership"], paired["status_quo"]
    d = paired_difference(s, b, ARMS_IP)
    expected = (s["arms_race_index"].sel(region="indo_pacific").isel(time=-1)
                - b["arms_race_index"].sel(region="indo_pacific").isel(time=-1)).values
    np.testing.assert_allclose(d.values, expected)
    assert d.dims == ("run",)
    assert any(str(c).startswith("param__") for c in d.coords)


def test_same_scenario_twice_gives_zero_difference() -> None:
    """Common random numbers: identical inputs and seed give identical runs."""
    w = tiny_world()
    a = fp.simulate(w, "status_quo", runs=6, years=2, seed=5, attribution=False)
    b = fp.simulate(w, "status_quo", runs=6, years=2, seed=5, attribution=False)
    table = compare(a, b)
    assert (table["q05"] == 0).all() and (table["q95"] == 0).all()
    assert (table["effect_size"] == 0).all()


def test_compare_table(paired: dict[str, xr.Dataset]) -> None:
    t = compare(paired["nato_ip4_partnership"], paired["status_quo"])
    assert list(t["metric"]) == [m.key for m in KEY_METRICS]
    assert {"q05", "q50", "q95", "p_increase", "effect_size", "baseline_q50",
            "scenario_q50"} <= set(t.columns)
    assert (t["scenario"] == "nato_ip4_partnership").all()
    assert (t["time"] == 3.0).all()
    assert t["q05"].le(t["q95"]).all()
    every = compare_all(paired)
    assert set(every["scenario"]) == {"nato_ip4_partnership", "us_retrenchment"}


def test_compare_at_an_earlier_time(paired: dict[str, xr.Dataset]) -> None:
    t = compare(paired["nato_ip4_partnership"], paired["status_quo"], time=1.0)
    assert (t["time"] == 1.0).all()
    with pytest.raises(AnalysisError, match=r"no record at time 1\.5"):
        compare(paired["nato_ip4_partnership"], paired["status_quo"], time=1.5)


def test_unpaired_results_are_rejected(paired: dict[str, xr.Dataset]) -> None:
    w = tiny_world()
    other_seed = fp.simulate(w, "status_quo", runs=12, years=3, seed=4, attribution=False)
    with pytest.raises(AnalysisError, match="not a common-random-numbers pair: seed"):
        check_paired(paired["nato_ip4_partnership"], other_seed)
    fewer = paired["status_quo"].isel(run=slice(0, 6))
    with pytest.raises(AnalysisError, match=r"same number of runs\. Got 12 and 6 instead"):
        compare(paired["nato_ip4_partnership"], fewer)
    with pytest.raises(FlashpointError):
        compare_all(paired, baseline="nothing")


def test_metric_values_errors(paired: dict[str, xr.Dataset]) -> None:
    ds = paired["status_quo"]
    with pytest.raises(AnalysisError, match="has no variable 'nope'"):
        metric_values(ds, MetricSpec("nope"))
    with pytest.raises(AnalysisError, match="has no flashpoint 'atlantis'"):
        metric_values(ds, MetricSpec("credibility", (("flashpoint", "atlantis"),)))
    with pytest.raises(AnalysisError, match=r"dimensions \['flashpoint'\] are not fixed"):
        metric_values(ds, MetricSpec("credibility"))
    assert metric_values(ds, COHESION).dims == ("run", "time")


def test_attribution_sums_to_the_change_of_the_effect(paired: dict[str, xr.Dataset]) -> None:
    s, b = paired["us_retrenchment"], paired["status_quo"]
    for spec in (COHESION, ARMS_IP, MetricSpec("european_security")):
        contrib = attribution_change(s, b, spec)
        ms, mb = metric_values(s, spec), metric_values(b, spec)
        effect = ((ms.isel(time=-1) - ms.isel(time=0)) - (mb.isel(time=-1) - mb.isel(time=0)))
        assert contrib.sum() == pytest.approx(float(effect.mean()), abs=1e-9)
        # sorted by decreasing magnitude
        assert list(contrib.abs()) == sorted(contrib.abs(), reverse=True)


def test_attribution_table_ranks_and_shares(paired: dict[str, xr.Dataset]) -> None:
    t = attribution_table(paired)
    assert set(t["scenario"]) == set(paired)
    for _, g in t.groupby(["scenario", "metric"]):
        assert list(g["rank"]) == list(range(1, len(g) + 1))
        assert g["share"].abs().sum() == pytest.approx(1.0, abs=1e-9) or g.empty


def test_attribution_needs_attribution() -> None:
    w = tiny_world()
    a = fp.simulate(w, "status_quo", runs=4, years=1, seed=0, attribution=False)
    with pytest.raises(AnalysisError, match="simulate with attribution=True"):
        attribution_change(a, None, COHESION)


def test_trajectory_quantiles_are_ordered(paired: dict[str, xr.Dataset]) -> None:
    q = trajectory_quantiles(paired["status_quo"], ARMS_IP)
    assert list(q.columns) == ["q05", "q25", "q50", "q75", "q95", "mean"]
    assert list(q.index) == [0.0, 1.0, 2.0, 3.0]
    v = q[["q05", "q25", "q50", "q75", "q95"]].to_numpy()
    assert (np.diff(v, axis=1) >= -1e-12).all()
    assert q.loc[0.0, "q50"] == pytest.approx(0.0)
