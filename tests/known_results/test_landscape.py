"""Known results of landscape theory (Axelrod & Bennett 1993), checked by hand and by brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from flashpoint.classic import landscape as ls
from flashpoint.errors import DataError, ParameterError


def _naive_energy(sides, sizes, p) -> float:
    n = len(sides)
    return sum(
        sizes[i] * sizes[j] * p[i, j] * (sides[i] != sides[j])
        for i in range(n)
        for j in range(i + 1, n)
    )


def _random_problem(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    p = rng.normal(size=(n, n))
    p = (p + p.T) / 2
    return rng.random(n) + 0.1, p


def test_frustrated_triangle() -> None:
    # Three mutual enemies: at best two of the three pairs are apart (E = -2), and
    # three configurations (which one is alone) tie.
    p = -(np.ones((3, 3)) - np.eye(3))
    best = ls.exact_minimum(np.ones(3), p)
    assert len(best) == 3
    assert all(c.energy == pytest.approx(-2.0) for c in best)
    assert {tuple(c.sides) for c in best} == {(0, 0, 1), (0, 1, 0), (0, 1, 1)}
    # Each actor in a two-against-one split is frustrated by its partner: F = -1 or -2.
    np.testing.assert_allclose(ls.frustration(np.array([0, 0, 1]), np.ones(3), p), [-1, -1, -2])


def test_balanced_signed_graph_minimum_is_the_balanced_split() -> None:
    # Camps {0, 1, 2} and {3, 4}: positive inside, negative across. The minimum puts
    # the camps apart with E = sum over cross pairs of s_i s_j p_ij.
    sizes = np.array([1.0, 2.0, 3.0, 1.5, 0.5])
    camp = np.array([0, 0, 0, 1, 1])
    strength = np.array([[0, 1, 2, 1, 3], [1, 0, 1, 2, 1], [2, 1, 0, 1, 1],
                         [1, 2, 1, 0, 2], [3, 1, 1, 2, 0]], dtype=float)
    sign = np.where(camp[:, None] == camp[None, :], 1.0, -1.0)
    p = strength * sign
    best = ls.exact_minimum(sizes, p)
    assert len(best) == 1
    np.testing.assert_array_equal(best[0].sides, camp)
    cross = camp[:, None] != camp[None, :]
    expected = 0.5 * np.sum((np.outer(sizes, sizes) * p)[cross])
    assert best[0].energy == pytest.approx(expected)
    minima = ls.local_minima(sizes, p)
    assert minima[0].basin_size == 2 ** 4  # the only minimum attracts everything
    assert len(minima) == 1


@pytest.mark.parametrize("n", [2, 3, 5, 8])
def test_exact_minimum_equals_brute_force(n) -> None:
    sizes, p = _random_problem(n, seed=n)
    naive = min(_naive_energy(x, sizes, p) for x in itertools.product((0, 1), repeat=n))
    assert ls.exact_minimum(sizes, p)[0].energy == pytest.approx(naive)


def test_energy_matches_naive_and_is_flip_symmetric() -> None:
    sizes, p = _random_problem(7, seed=11)
    configs = np.array(list(itertools.product((0, 1), repeat=7)))
    e = ls.energy(configs, sizes, p)
    np.testing.assert_allclose(e, [_naive_energy(x, sizes, p) for x in configs], atol=1e-12)
    np.testing.assert_allclose(ls.energy(1 - configs, sizes, p), e, atol=1e-12)
    # E = 1/2 sum_i s_i F_i
    np.testing.assert_allclose(0.5 * ls.frustration(configs, sizes, p) @ sizes, e, atol=1e-12)


def test_local_minima_and_basins_by_brute_force() -> None:
    n = 7
    sizes, p = _random_problem(n, seed=3)
    w = np.outer(sizes, sizes) * p
    np.fill_diagonal(w, 0.0)
    configs = ls.all_configurations(n)
    energies = ls.energy(configs, sizes, p)

    def descend(x):
        x = x.copy()
        while True:
            gains = [_naive_energy(np.where(np.arange(n) == i, 1 - x, x), sizes, p)
                     - _naive_energy(x, sizes, p) for i in range(n)]
            i = int(np.argmin(gains))
            if gains[i] >= -1e-12:
                return tuple(x if x[0] == 0 else 1 - x)
            x[i] = 1 - x[i]

    ends = [descend(x) for x in configs]
    minima = ls.local_minima(sizes, p)
    assert sum(m.basin_size for m in minima) == 2 ** (n - 1)
    for m in minima:
        members = {tuple(configs[c]) for c in m.basin}
        assert members == {tuple(x) for x, e in zip(configs, ends, strict=True) if e == tuple(m.sides)}
        gains = ls.flip_gains(m.sides.astype(float), w)
        assert np.all(gains >= -1e-12)  # no single flip improves a local minimum
    assert minima[0].energy == pytest.approx(energies.min())


def test_local_search_finds_the_exact_minimum_on_a_small_problem() -> None:
    sizes, p = _random_problem(14, seed=5)
    exact = ls.exact_minimum(sizes, p)[0].energy
    found = ls.local_search(sizes, p, starts=128, seed=0)
    assert found[0].energy == pytest.approx(exact)
    assert all(c.sides[0] == 0 for c in found)
    again = ls.local_search(sizes, p, starts=128, seed=0)
    assert [c.energy for c in again] == [c.energy for c in found]


def test_errors_name_the_problem() -> None:
    with pytest.raises(DataError, match=r"landscape: expected a symmetric propensity matrix"):
        ls.energy(np.zeros(3), np.ones(3), np.triu(np.ones((3, 3))))
    with pytest.raises(DataError, match=r"expected sizes \(n,\) and propensity \(n, n\)"):
        ls.energy(np.zeros(3), np.ones(3), np.ones((2, 2)))
    with pytest.raises(DataError, match=r"expected sides coded 0/1"):
        ls.energy(np.array([0, 2, 1]), np.ones(3), np.ones((3, 3)))
    with pytest.raises(ParameterError, match=r"at most 24 actors. Got 30 instead; use local_search"):
        ls.exact_minimum(np.ones(30), np.ones((30, 30)))
