"""Known results of structural balance (Heider; Cartwright & Harary 1956; Marvel et al. 2011)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from flashpoint.classic import structural_balance as sb
from flashpoint.errors import DataError, ParameterError


def _camps(sides: np.ndarray) -> np.ndarray:
    s = np.where(sides[:, None] == sides[None, :], 1.0, -1.0)
    np.fill_diagonal(s, 0.0)
    return s


def test_two_camps_are_balanced_and_partition_is_recovered() -> None:
    sides = np.array([0, 1, 1, 0, 1, 0])
    s = _camps(sides)
    assert sb.is_balanced(s)
    np.testing.assert_array_equal(sb.balanced_partition(s), sides)
    assert sb.triads(s).unbalanced == 0 and sb.triads(s).balanced == 20  # C(6, 3)
    assert sb.frustration_index(s) == 0.0


def test_heider_triads() -> None:
    # (+, +, -) and (-, -, -) are unbalanced; (+, +, +) and (+, -, -) balanced.
    def triangle(ab, bc, ca):
        return np.array([[0, ab, ca], [ab, 0, bc], [ca, bc, 0]], dtype=float)

    assert sb.is_balanced(triangle(1, 1, 1)) and sb.is_balanced(triangle(1, -1, -1))
    assert not sb.is_balanced(triangle(1, 1, -1)) and not sb.is_balanced(triangle(-1, -1, -1))
    assert sb.triads(triangle(-1, -1, -1)) == sb.TriadCount(balanced=0, unbalanced=1)
    assert sb.frustration_index(triangle(-1, -1, -1)) == 1.0


def test_balance_is_about_cycles_not_only_triads() -> None:
    # A 4-cycle with one negative edge and no triangles is unbalanced (Cartwright & Harary).
    s = np.zeros((4, 4))
    for i, j, v in [(0, 1, 1), (1, 2, 1), (2, 3, 1), (3, 0, -1)]:
        s[i, j] = s[j, i] = v
    assert sb.triads(s) == sb.TriadCount(0, 0)
    assert not sb.is_balanced(s)
    assert sb.frustration_index(s) == 1.0
    # Two negative edges make it balanced; isolated actors do not matter.
    s[1, 2] = s[2, 1] = -1
    big = np.zeros((6, 6))
    big[:4, :4] = s
    assert sb.is_balanced(big)


def test_frustration_index_equals_brute_force_edge_flips() -> None:
    rng = np.random.default_rng(2)
    n = 6
    s = np.sign(rng.normal(size=(n, n)))
    s = np.triu(s, 1)
    s = s + s.T
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    best = None
    for k in range(len(pairs) + 1):
        for flips in itertools.combinations(pairs, k):
            t = s.copy()
            for i, j in flips:
                t[i, j] = t[j, i] = -t[i, j]
            if sb.is_balanced(t):
                best = k
                break
        if best is not None:
            break
    assert sb.frustration_index(s) == best


@pytest.mark.parametrize("seed", range(5))
def test_marvel_dynamics_end_in_two_balanced_factions(seed) -> None:
    rng = np.random.default_rng(seed)
    x0 = rng.normal(size=(8, 8))
    x0 = (x0 + x0.T) / 2
    t_star = sb.blowup_time(x0)
    x = sb.simulate(x0, [t_star * (1 - 1e-9)])[0]
    assert sb.is_balanced(np.sign(x))
    np.testing.assert_array_equal(sb.balanced_partition(np.sign(x)), sb.factions(x0))


def test_marvel_closed_form_solves_the_ode() -> None:
    rng = np.random.default_rng(9)
    x0 = rng.normal(size=(5, 5))
    x0 = (x0 + x0.T) / 2
    t, h = 0.3 * sb.blowup_time(x0), 1e-5
    xm, x, xp = sb.simulate(x0, [t - h, t, t + h])
    np.testing.assert_allclose((xp - xm) / (2 * h), x @ x, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(sb.simulate(x0, [0.0])[0], x0, atol=1e-12)


def test_errors() -> None:
    with pytest.raises(DataError, match=r"structural_balance: expected a symmetric matrix"):
        sb.is_balanced(np.triu(np.ones((3, 3))))
    x0 = np.array([[1.0, 0.0], [0.0, -1.0]])
    with pytest.raises(ParameterError, match=r"times expect values in \[0, 1\)"):
        sb.simulate(x0, [2.0])
    with pytest.raises(ParameterError, match=r"positive leading eigenvalue"):
        sb.factions(-np.eye(3))
    assert sb.blowup_time(-np.eye(3)) == float("inf")
