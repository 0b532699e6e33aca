"""Sensitivity wrapper: Ishigami known indices (plumbing), Morris screening, a small model run."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from SALib.test_functions import Ishigami

from flashpoint.analysis.sensitivity import (
    Factor,
    analyze,
    factors_for,
    make_design,
    metric_output,
    sensitivity,
)
from flashpoint.engine.plan import Plan
from flashpoint.errors import AnalysisError

PI = float(np.pi)
ISHIGAMI = tuple(Factor(f"x{i}", "param", f"x{i}", -PI, PI) for i in (1, 2, 3))


def _ishigami(design):  # type: ignore[no-untyped-def]
    return Ishigami.evaluate(design.values())


def test_sobol_reproduces_ishigami_indices() -> None:
    # Analytic values (Ishigami & Homma 1990; as listed with SALib's Ishigami test function):
    # S1 = 0.3139, 0.4424, 0; ST = 0.5576, 0.4424, 0.2437 for a = 7, b = 0.1.
    design = make_design(ISHIGAMI, 2048, method="sobol", seed=1)
    ix = analyze(design, _ishigami(design), seed=1)
    assert_allclose(ix["S1"].values, [0.3139, 0.4424, 0.0], atol=0.04)
    assert_allclose(ix["ST"].values, [0.5576, 0.4424, 0.2437], atol=0.04)
    assert list(ix.factor.values) == ["x1", "x2", "x3"]


def test_default_seed_gives_the_same_confidence_intervals() -> None:
    # SALib's Sobol' analysis treats seed 0 as "no seed"; the default (0) must still reproduce
    design = make_design(ISHIGAMI, 128, method="sobol")
    y = _ishigami(design)
    a, b = analyze(design, y), analyze(design, y)  # NumPy's global state moves between the two
    assert a.attrs["bootstrap_seed"] == 0
    for var in ("S1_conf", "ST_conf"):
        assert_array_equal(a[var].values, b[var].values)
    assert not np.array_equal(analyze(design, y, seed=1)["ST_conf"].values, a["ST_conf"].values)


def test_sobol_indices_over_time_keep_the_second_dimension() -> None:
    design = make_design(ISHIGAMI, 256, method="sobol", seed=0)
    y = _ishigami(design)
    ix = analyze(design, np.stack([y, 2 * y, np.zeros_like(y)], axis=1))
    assert ix["ST"].dims == ("factor", "time")
    assert_allclose(ix["S1"].values[:, 0], ix["S1"].values[:, 1], atol=1e-12)
    assert np.isnan(ix["S1"].values[:, 2]).all()  # a constant output has no variance to split


def test_morris_ranks_ishigami_x3_by_interaction() -> None:
    design = make_design(ISHIGAMI, 50, method="morris", seed=2)
    ix = analyze(design, _ishigami(design))
    assert design.runs == 50 * 4
    mu_star = ix["mu_star"].values
    assert mu_star[0] > mu_star[2] and mu_star[1] > mu_star[2]
    assert ix["sigma"].values[2] > 0  # x3 acts only through its interaction with x1


def test_sobol_n_must_be_power_of_two() -> None:
    with pytest.raises(AnalysisError, match="power of two"):
        make_design(ISHIGAMI, 100, method="sobol")


def test_output_shape_is_checked() -> None:
    design = make_design(ISHIGAMI, 8, method="sobol")
    with pytest.raises(AnalysisError, match="one row per design run"):
        analyze(design, np.zeros(3))


def test_non_finite_output_is_refused() -> None:
    design = make_design(ISHIGAMI, 8, method="sobol")
    y = _ishigami(design)
    y[0] = np.nan
    with pytest.raises(AnalysisError, match="non-finite"):
        analyze(design, y)


def test_design_values_stay_inside_the_ranges() -> None:
    factors = factors_for(Plan(name="status_quo"))
    design = make_design(factors, 2, method="sobol", seed=0)
    vals = design.values()
    lows = np.array([f.low for f in factors])
    highs = np.array([f.high for f in factors])
    assert np.all(vals >= lows) and np.all(vals <= highs)
    assert design.digest() == make_design(factors, 2, method="sobol", seed=0).digest()


def test_small_model_run_morris() -> None:
    res = sensitivity("axis_cohesion", "nato_ip4_partnership", method="morris", n=2, years=2,
                      dt=1.0, seed=0)
    kinds = set(res.indices.kind.values)
    assert kinds == {"param", "lever"}
    rank = res.ranking()
    assert rank["mu_star"].iloc[0] >= rank["mu_star"].iloc[-1]
    assert np.isfinite(rank["mu_star"]).all()


def test_metric_output_needs_a_selector() -> None:
    import flashpoint

    ds = flashpoint.simulate(runs=2, years=1, dt=1.0, attribution=False, keep_dyadic=False)
    with pytest.raises(AnalysisError, match="give a selector"):
        metric_output(ds, "war_risk")
    with pytest.raises(AnalysisError, match="no metric 'nope'"):
        metric_output(ds, "nope")
    out = metric_output(ds, "war_risk", selector={"flashpoint": str(ds.flashpoint.values[0])},
                        statistic="series")
    assert out.dims == ("run", "time")
