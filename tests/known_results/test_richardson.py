"""Known results of the Richardson model (Richardson 1960; textbook linear algebra)."""

from __future__ import annotations

import numpy as np
import pytest

from flashpoint.classic import richardson as rich
from flashpoint.errors import DataError, ParameterError

# A stable two-bloc race: a b = 0.4 * 0.5 = 0.2 > k l = 0.3 * 0.2 = 0.06.
K, L, A, B, G, H = 0.3, 0.2, 0.4, 0.5, 2.0, 1.0


def test_equilibrium_matches_the_closed_form() -> None:
    det = A * B - K * L
    expected = [(B * G + K * H) / det, (A * H + L * G) / det]
    np.testing.assert_allclose(rich.equilibrium(*rich.two_bloc(K, L, A, B, G, H)), expected)


def test_eigenvalues_match_the_closed_form() -> None:
    k, a, _ = rich.two_bloc(K, L, A, B, G, H)
    root = np.sqrt((A - B) ** 2 + 4 * K * L)
    expected = np.array([(-(A + B) + root) / 2, (-(A + B) - root) / 2])
    np.testing.assert_allclose(rich.eigenvalues(k, a).real, expected)
    np.testing.assert_allclose(rich.eigenvalues(k, a).imag, 0.0)


@pytest.mark.parametrize(
    ("k", "l", "a", "b", "stable"),
    [(0.3, 0.2, 0.4, 0.5, True), (0.9, 0.8, 0.4, 0.5, False), (0.5, 0.4, 0.5, 0.4, False)],
)
def test_stability_condition_agrees_with_eigenvalues(k, l, a, b, stable) -> None:  # noqa: E741
    assert rich.is_stable(k, l, a, b) is stable
    kk, aa, _ = rich.two_bloc(k, l, a, b, 0.0, 0.0)
    # a b = k l is the boundary: one zero eigenvalue, not asymptotically stable.
    assert rich.is_stable_matrix(kk, aa) is stable


def test_stable_race_converges_to_equilibrium() -> None:
    k, a, g = rich.two_bloc(K, L, A, B, G, H)
    t, x = rich.simulate(k, a, g, np.array([1.0, 20.0]), years=150.0, dt=0.5)
    assert x.shape == (301, 2) and t[-1] == pytest.approx(150.0)
    np.testing.assert_allclose(x[-1], rich.equilibrium(k, a, g), rtol=1e-8)


def test_exact_solution_matches_the_eigen_decomposition() -> None:
    # x(t) = x* + V exp(Lambda t) V^-1 (x0 - x*)
    k, a, g = rich.two_bloc(K, L, A, B, G, H)
    x0 = np.array([3.0, 1.0])
    t, x = rich.simulate(k, a, g, x0, years=5.0, dt=0.25)
    m = k - np.diag(a)
    lam, v = np.linalg.eig(m)
    star = rich.equilibrium(k, a, g)
    expected = star + np.real(
        (v @ (np.exp(lam[None, :] * t[:, None])[:, :, None] * np.linalg.solve(v, x0 - star)[None, :, None]))[..., 0]
    )
    np.testing.assert_allclose(x, expected, rtol=1e-10)


def test_unstable_race_runs_away() -> None:
    k, a, g = rich.two_bloc(0.9, 0.8, 0.4, 0.5, 1.0, 1.0)
    _, x = rich.simulate(k, a, g, np.array([1.0, 1.0]), years=30.0)
    assert np.all(np.diff(x[-5:], axis=0) > 0) and x[-1].min() > 100


def test_fit_recovers_coefficients_exactly_from_noiseless_difference_data() -> None:
    k, a, g = rich.two_bloc(K, L, A, B, G, H)
    _, x = rich.simulate(k, a, g, np.array([1.0, 20.0]), years=10.0, dt=0.5, method="euler")
    est = rich.fit(x[:, 0], x[:, 1], dt=0.5)
    np.testing.assert_allclose(
        [est.k, est.a, est.g, est.l, est.b, est.h], [K, A, G, L, B, H], rtol=1e-9
    )
    assert est.is_stable()
    np.testing.assert_allclose(list(est.se.values()), 0.0, atol=1e-8)


def test_fit_on_exact_solution_is_close_for_small_steps() -> None:
    k, a, g = rich.two_bloc(K, L, A, B, G, H)
    _, x = rich.simulate(k, a, g, np.array([1.0, 20.0]), years=10.0, dt=0.01)
    est = rich.fit(x[:, 0], x[:, 1], dt=0.01)
    np.testing.assert_allclose([est.k, est.a, est.l, est.b], [K, A, L, B], rtol=0.02)


def test_fit_standard_errors_cover_truth_with_noise() -> None:
    rng = np.random.default_rng(7)
    k, a, g = rich.two_bloc(K, L, A, B, G, H)
    n = 400
    x = np.empty((n, 2))
    x[0] = [1.0, 20.0]
    m = k - np.diag(a)
    for i in range(n - 1):  # a stochastic difference system (time loop only)
        x[i + 1] = x[i] + m @ x[i] + g + rng.normal(0.0, 0.5, 2)
    est = rich.fit(x[:, 0], x[:, 1])
    for name, true in {"k": K, "a": A, "l": L, "b": B}.items():
        assert abs(est.coef[name] - true) < 4 * est.se[name]
    assert est.dof == n - 1 - 3


def test_fit_rejects_bad_series() -> None:
    with pytest.raises(DataError, match=r"richardson.fit: expected at least 5 observations. Got 3"):
        rich.fit(np.ones(3), np.ones(3))
    with pytest.raises(DataError, match=r"equal length"):
        rich.fit(np.ones(6), np.ones(7))


def test_singular_system_has_no_equilibrium() -> None:
    with pytest.raises(ParameterError, match=r"no unique equilibrium"):
        rich.equilibrium(*rich.two_bloc(0.5, 0.4, 0.5, 0.4, 1.0, 1.0))


def test_simulate_rejects_bad_method() -> None:
    k, a, g = rich.two_bloc(K, L, A, B, G, H)
    with pytest.raises(ParameterError, match=r"method expects 'exact' or 'euler'. Got 'rk4'"):
        rich.simulate(k, a, g, np.ones(2), years=1.0, method="rk4")  # type: ignore[arg-type]


def test_n_actor_system() -> None:
    # Three actors, each reacting to the other two: stable iff eigenvalues negative.
    k = np.array([[0.0, 0.1, 0.1], [0.1, 0.0, 0.1], [0.1, 0.1, 0.0]])
    a = np.full(3, 0.5)
    g = np.array([1.0, 2.0, 3.0])
    assert rich.is_stable_matrix(k, a)
    _, x = rich.simulate(k, a, g, np.zeros(3), years=200.0)
    np.testing.assert_allclose(x[-1], rich.equilibrium(k, a, g), rtol=1e-9)
