"""Richardson's two-bloc sum regression: known answers and the COW NMC 1909-1913 replication."""

from __future__ import annotations

import numpy as np
import pytest

from flashpoint.classic import richardson as r
from flashpoint.errors import DataError, ParameterError


def test_midpoint_regression_recovers_an_exact_difference_equation() -> None:
    # s_{t+1} - s_t = alpha (s_t + s_{t+1}) / 2 + c  =>  s_{t+1} = (s_t (1 + alpha/2) + c) / (1 - alpha/2)
    alpha, c = 0.3, -40.0
    s = [200.0]
    for _ in range(6):
        s.append((s[-1] * (1 + alpha / 2) + c) / (1 - alpha / 2))
    f = r.fit_sum(np.array(s) + np.array([0, 1e-9, 0, -1e-9, 0, 1e-9, 0]))
    np.testing.assert_allclose([f.coefficient, f.constant, f.equilibrium], [alpha, c, -c / alpha], rtol=1e-6)


def test_start_regressor_is_the_euler_equation() -> None:
    alpha, c = 0.2, -10.0
    s = [100.0]
    for k in range(5):
        s.append(s[-1] + alpha * s[-1] + c + (0.01 if k % 2 else -0.01))
    f = r.fit_sum(np.array(s), regressor="start")
    np.testing.assert_allclose([f.coefficient, f.constant], [alpha, c], rtol=1e-3)
    assert f.se_coefficient > 0 and f.dof == 3


def test_cow_nmc_1909_1913_replication() -> None:
    years, total = r.cow_1909_1913()
    assert list(years) == [1909, 1910, 1911, 1912, 1913]
    f = r.fit_sum(total / 1000.0)  # GBP million
    # The race accelerated: a positive reaction coefficient, an (unstable) equilibrium
    # below the 1909 level, as Richardson's own reading of the pre-war budgets.
    assert f.coefficient > 0 and f.constant < 0
    assert f.equilibrium < total[0] / 1000.0
    assert f.equilibrium == pytest.approx(-f.constant / f.coefficient)
    assert f.n == 4 and f.dof == 2 and all(v > 0 for v in (f.se_coefficient, f.se_constant, f.se_equilibrium))


def test_bad_input() -> None:
    with pytest.raises(DataError, match="at least 4 values"):
        r.fit_sum(np.array([1.0, 2.0, 3.0]))
    with pytest.raises(DataError, match="finite"):
        r.fit_sum(np.array([1.0, np.nan, 3.0, 4.0]))
    with pytest.raises(ParameterError, match="regressor"):
        r.fit_sum(np.arange(5.0), regressor="end")  # type: ignore[arg-type]
