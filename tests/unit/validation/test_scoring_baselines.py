"""Scores and naive baselines: known answers, invariants and error messages."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy.stats import norm

from flashpoint.errors import ParameterError
from flashpoint.validation.baselines import ar1, linear_trend, normal_ensemble, persistence
from flashpoint.validation.scoring import ape, coverage, crps_ensemble, interval


def _crps_pairs(x: np.ndarray, y: float) -> float:
    """Definition: mean |x - y| - 0.5 mean |x - x'| by brute force."""
    return float(np.mean(np.abs(x - y)) - 0.5 * np.mean(np.abs(x[:, None] - x[None, :])))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-100, 100), min_size=1, max_size=30), st.floats(-100, 100))
def test_crps_sorted_form_equals_pairwise_definition(xs: list[float], y: float) -> None:
    x = np.array(xs)
    assert_allclose(crps_ensemble(x, y), _crps_pairs(x, y), rtol=1e-9, atol=1e-9)


def test_crps_of_a_point_forecast_is_the_absolute_error() -> None:
    assert_allclose(crps_ensemble(np.array([[3.0]]), np.array([5.0])), [2.0])


def test_crps_of_normal_quantiles_matches_closed_form() -> None:
    # Gneiting & Raftery (2007) eq. 5: CRPS(N(0,1), y) = y(2Phi(y)-1) + 2phi(y) - 1/sqrt(pi)
    y = np.array([-1.5, 0.0, 0.7, 2.0])
    ens = normal_ensemble(np.zeros(4), np.ones(4), 4000)
    exact = y * (2 * norm.cdf(y) - 1) + 2 * norm.pdf(y) - 1 / np.sqrt(np.pi)
    assert_allclose(crps_ensemble(ens, y), exact, atol=2e-3)


def test_crps_is_non_negative_and_vectorised() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 4, 50))
    y = rng.normal(size=(3, 4))
    c = crps_ensemble(x, y)
    assert c.shape == (3, 4) and np.all(c >= -1e-12)


def test_ape_uses_the_median_and_coverage_the_central_interval() -> None:
    x = np.array([[1.0, 2.0, 3.0, 4.0, 100.0]])
    assert_allclose(ape(x, np.array([2.0])), [50.0])
    lo, hi = interval(np.arange(101.0)[None, :], 0.9)
    assert_allclose([lo[0], hi[0]], [5.0, 95.0])
    cov = coverage(np.arange(101.0)[None, :].repeat(3, 0), np.array([50.0, 99.0, np.nan]), 0.9)
    assert cov[0] == 1.0 and cov[1] == 0.0 and np.isnan(cov[2])


def test_calibrated_ensemble_covers_at_nominal_rate() -> None:
    rng = np.random.default_rng(1)
    ens = normal_ensemble(np.zeros(4000), np.ones(4000), 200)
    y = rng.normal(size=4000)
    assert abs(np.mean(coverage(ens, y, 0.5)) - 0.5) < 0.03
    assert abs(np.mean(coverage(ens, y, 0.9)) - 0.9) < 0.02


def test_scoring_errors_name_the_problem() -> None:
    with pytest.raises(ParameterError, match="finite ensemble members"):
        crps_ensemble(np.array([1.0, np.nan]), 0.0)
    with pytest.raises(ParameterError, match=r"level: expected a value in \(0, 1\)"):
        interval(np.ones(5), 1.5)
    with pytest.raises(ParameterError, match="ensemble along the last axis"):
        ape(np.ones((2, 0)), np.ones(2))


def test_persistence_forecasts_the_origin_with_random_walk_spread() -> None:
    rng = np.random.default_rng(2)
    train = np.cumsum(rng.normal(0, 0.5, size=(40, 2)), axis=0)
    ens = persistence(train, train[-1], [1, 4], n=2001)
    assert_allclose(np.median(ens, axis=-1), np.broadcast_to(train[-1], (2, 2)), atol=1e-12)
    sd = np.std(np.diff(train, axis=0), axis=0, ddof=1)
    iqr = np.subtract(*np.quantile(ens, [0.75, 0.25], axis=-1))
    assert_allclose(iqr, 2 * 0.6745 * sd * np.sqrt([[1.0], [4.0]]), rtol=1e-2)


def test_linear_trend_recovers_a_log_linear_series() -> None:
    t = np.arange(20.0)
    train = np.exp(0.05 * t)[:, None] * np.array([1.0, 3.0])
    y0 = train[-1] * np.exp(0.05)
    ens = linear_trend(train, y0, [1, 2, 3], n=11, log=True)
    assert_allclose(np.median(ens, axis=-1), y0 * np.exp(0.05 * np.array([[1], [2], [3]])), rtol=1e-9)


def test_ar1_recovers_a_noiseless_autoregression() -> None:
    # y_t = 1 + 0.5 y_{t-1} has fixed point 2; from y0 = 4: 3, 2.5, 2.25
    y = [10.0]
    for _ in range(15):
        y.append(1.0 + 0.5 * y[-1])
    train = np.array(y)[:, None] + np.array([0.0])
    train = train + 1e-9 * np.sin(np.arange(16))[:, None]  # non-degenerate residuals
    ens = ar1(train, np.array([4.0]), [1, 2, 3], n=5)
    assert_allclose(np.median(ens, axis=-1)[:, 0], [3.0, 2.5, 2.25], atol=1e-6)


def test_baselines_skip_gaps_and_give_nan_without_data() -> None:
    train = np.array([[1.0, np.nan], [1.1, np.nan], [np.nan, 2.0], [1.3, np.nan], [1.4, np.nan],
                      [1.45, np.nan], [1.5, np.nan]])
    for fn in (persistence, linear_trend, ar1):
        ens = fn(train, np.array([1.5, 2.0]), [1, 2], n=7, log=True)
        assert ens.shape == (2, 2, 7)
        assert np.all(np.isfinite(ens[:, 0])) and np.all(np.isnan(ens[:, 1]))


def test_baseline_shape_errors() -> None:
    with pytest.raises(ParameterError, match=r"train: expected \(T, N\) with y0 \(N,\)"):
        persistence(np.ones((5, 2)), np.ones(3), [1])
    with pytest.raises(ParameterError, match="n: expected at least 1 member"):
        normal_ensemble(np.zeros(2), np.ones(2), 0)
