r"""Landscape theory of aggregation (Axelrod & Bennett 1993).

Theory
------
Actors of size ``s_i`` with pairwise propensities ``p_ij`` (positive: they
want to be together; negative: apart) split into two coalitions. A
configuration ``X`` assigns each actor a side; ``d_ij(X) = 0`` when i and j
are on the same side and 1 otherwise. The *frustration* of actor i is
``F_i(X) = sum_j s_j p_ij d_ij(X)`` and the system's *energy*::

    E(X) = sum_{i<j} s_i s_j p_ij d_ij(X) = 1/2 sum_i s_i F_i(X)

Myopic actors switch sides when that lowers their frustration, which lowers
the energy, so the system descends the energy landscape to a local minimum;
the predicted alignments are those minima and the size of their *basins of
attraction* (the configurations from which descent ends there). Flipping
every actor's side leaves the energy unchanged, so configurations are
counted up to that symmetry: actor 0 is always on side 0.

Algorithms
----------
* :func:`energy`: vectorised over a batch of configurations,
  ``E = x . rowsum(W) - x^T W x`` for 0/1 sides ``x`` and ``W = (s s^T) * p``.
* :func:`exact_minimum`: all ``2^(n-1)`` configurations as bit patterns,
  evaluated in chunks (practical up to about 20-22 actors).
* :func:`local_minima`: each configuration's steepest single-flip descent
  successor, followed by pointer jumping, gives every configuration's
  final minimum: the exact minima and basins for small ``n``.
* :func:`local_search`: steepest single-flip descent from many random
  starts, vectorised over the starts, for larger ``n``.

Steepest descent flips the actor whose flip lowers the energy most (ties:
lowest index) and stops when no flip lowers it strictly; this is one of the
dynamics Axelrod & Bennett discuss, chosen because it is deterministic.

The published 1936 Europe inputs (Axelrod & Bennett's table of sizes and
propensities) are not shipped: we could not source the table, and we do not
type data from memory.

References
----------
Axelrod, R. & Bennett, D. S. (1993). A landscape theory of aggregation.
    *British Journal of Political Science* 23(2), 211-233.
    doi:10.1017/S000712340000973X
Axelrod, R., Mitchell, W., Thomas, R. E., Bennett, D. S. & Bruderer, E.
    (1995). Coalition formation in standard-setting alliances.
    *Management Science* 41(9), 1493-1508. doi:10.1287/mnsc.41.9.1493
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from flashpoint._types import BoolArray, FloatArray, IntArray
from flashpoint.errors import DataError, ParameterError

__all__ = [
    "MAX_EXACT",
    "Configuration",
    "LocalMinimum",
    "all_configurations",
    "energy",
    "exact_minimum",
    "flip_gains",
    "frustration",
    "local_minima",
    "local_search",
]

#: Largest number of actors for exhaustive enumeration (2^(n-1) configurations).
MAX_EXACT = 24
_CHUNK = 1 << 15


@dataclass(frozen=True)
class Configuration:
    """A partition into two sides (``sides`` 0/1 per actor, actor 0 on side 0) and its energy."""

    sides: IntArray
    energy: float


@dataclass(frozen=True)
class LocalMinimum:
    """A local minimum of the landscape with its basin of attraction.

    ``basin`` lists the configuration codes (bit ``i`` = side of actor i, actor 0
    on side 0) whose steepest descent ends here; ``basin_size`` is its length.
    """

    sides: IntArray
    energy: float
    basin: IntArray

    @property
    def basin_size(self) -> int:
        """Number of configurations in the basin of attraction."""
        return int(self.basin.size)


def _weights(sizes: FloatArray, propensity: FloatArray) -> FloatArray:
    s = np.asarray(sizes, dtype=np.float64)
    p = np.asarray(propensity, dtype=np.float64)
    n = s.shape[0] if s.ndim == 1 else -1
    if p.shape != (n, n):
        raise DataError(
            "landscape", f"expected sizes (n,) and propensity (n, n). Got {s.shape} and {p.shape} instead."
        )
    if not (np.all(np.isfinite(s)) and np.all(np.isfinite(p))):
        raise DataError("landscape", "expected finite sizes and propensities. Got NaN or inf instead.")
    if np.any(s < 0):
        raise DataError("landscape", f"expected sizes >= 0. Got {s.min()} instead.")
    if not np.allclose(p, p.T):
        raise DataError("landscape", "expected a symmetric propensity matrix. Got an asymmetric one instead.")
    w = np.outer(s, s) * p
    np.fill_diagonal(w, 0.0)
    return np.asarray(w, dtype=np.float64)


def _sides(sides: IntArray | BoolArray | FloatArray) -> FloatArray:
    x = np.asarray(sides)
    if not np.all((x == 0) | (x == 1)):
        raise DataError("landscape", "expected sides coded 0/1. Got other values instead.")
    return np.asarray(x, dtype=np.float64)


def energy(
    sides: IntArray | BoolArray | FloatArray, sizes: FloatArray, propensity: FloatArray
) -> FloatArray:
    """Energy of one ``(n,)`` or many ``(M, n)`` configurations (returns ``()`` or ``(M,)``)."""
    w = _weights(sizes, propensity)
    return _energy(_sides(sides), w)


def _energy(x: FloatArray, w: FloatArray) -> FloatArray:
    return np.asarray(x @ w.sum(axis=1) - np.einsum("...i,ij,...j->...", x, w, x), dtype=np.float64)


def frustration(
    sides: IntArray | BoolArray | FloatArray, sizes: FloatArray, propensity: FloatArray
) -> FloatArray:
    """Each actor's frustration ``F_i = sum_j s_j p_ij d_ij``, shape ``(..., n)``."""
    s = np.asarray(sizes, dtype=np.float64)
    _weights(s, propensity)
    p = np.asarray(propensity, dtype=np.float64) * (1.0 - np.eye(s.shape[0]))
    x = _sides(sides)
    d = np.abs(x[..., :, None] - x[..., None, :])
    return np.asarray(np.sum(p * s[None, :] * d, axis=-1), dtype=np.float64)


def flip_gains(x: FloatArray, w: FloatArray) -> FloatArray:
    """Energy change from flipping each actor alone, ``(..., n)``: ``sum_j W_ij (1 - 2 d_ij)``.

    Uses ``sum_j W_ij d_ij = x_i r_i + (W x)_i - 2 x_i (W x)_i`` with ``r`` the
    row sums of ``W`` (symmetric, zero diagonal), so no ``(n, n)`` array per
    configuration is formed.
    """
    r = w.sum(axis=1)
    wx = x @ w
    apart = x * r + wx - 2.0 * x * wx
    return np.asarray(r - 2.0 * apart, dtype=np.float64)


def all_configurations(n: int) -> IntArray:
    """All ``2^(n-1)`` configurations with actor 0 on side 0, as ``(M, n)`` 0/1 ints.

    Row ``c`` has bit ``i`` of ``2 c`` as actor i's side (so codes are even numbers
    ``2c``; see :func:`local_minima`).
    """
    _check_n(n)
    codes = np.arange(1 << (n - 1), dtype=np.int64) << 1
    return np.asarray((codes[:, None] >> np.arange(n)) & 1, dtype=np.int64)


def _check_n(n: int) -> None:
    if n < 2:
        raise DataError("landscape", f"expected at least 2 actors. Got {n} instead.")
    if n > MAX_EXACT:
        raise ParameterError(
            f"landscape: exhaustive enumeration expects at most {MAX_EXACT} actors. "
            f"Got {n} instead; use local_search."
        )


def _chunks(n: int) -> list[tuple[int, int]]:
    total = 1 << (n - 1)
    return [(lo, min(lo + _CHUNK, total)) for lo in range(0, total, _CHUNK)]


def _bits(lo: int, hi: int, n: int) -> FloatArray:
    codes = np.arange(lo, hi, dtype=np.int64) << 1
    return np.asarray((codes[:, None] >> np.arange(n)) & 1, dtype=np.float64)


def exact_minimum(sizes: FloatArray, propensity: FloatArray) -> tuple[Configuration, ...]:
    """Every minimum-energy configuration (ties included), by enumeration of ``2^(n-1)``."""
    w = _weights(sizes, propensity)
    n = w.shape[0]
    _check_n(n)
    energies = np.concatenate([_energy(_bits(lo, hi, n), w) for lo, hi in _chunks(n)])
    best = float(energies.min())
    tol = 1e-9 * max(1.0, float(np.abs(w).sum()))
    idx = np.flatnonzero(energies <= best + tol)
    x = np.asarray((((idx << 1)[:, None]) >> np.arange(n)) & 1, dtype=np.int64)
    return tuple(Configuration(sides=row, energy=float(energies[i])) for row, i in zip(x, idx, strict=True))


def local_minima(sizes: FloatArray, propensity: FloatArray) -> tuple[LocalMinimum, ...]:
    """All local minima of steepest single-flip descent with their exact basins.

    Configuration codes index ``2^(n-1)`` configurations (actor 0 on side 0):
    code ``c`` has actor i (i >= 1) on side ``(c >> (i - 1)) & 1``. Minima are
    sorted by energy, then by code.
    """
    w = _weights(sizes, propensity)
    n = w.shape[0]
    _check_n(n)
    succ_parts, energy_parts = [], []
    full = (1 << n) - 1
    for lo, hi in _chunks(n):
        x = _bits(lo, hi, n)
        gains = flip_gains(x, w)
        best = np.argmin(gains, axis=1)
        improves = gains[np.arange(x.shape[0]), best] < -1e-12
        codes = np.arange(lo, hi, dtype=np.int64) << 1
        flipped = codes ^ (np.int64(1) << best)
        # Canonical form: actor 0 on side 0 (complement every side otherwise).
        flipped = np.where(flipped & 1, full ^ flipped, flipped) >> 1
        succ_parts.append(np.where(improves, flipped, codes >> 1))
        energy_parts.append(_energy(x, w))
    succ = np.concatenate(succ_parts)
    energies = np.concatenate(energy_parts)
    # Pointer jumping: after ceil(log2(M)) + 1 doublings every path has ended.
    for _ in range(int(np.ceil(np.log2(succ.size))) + 2):
        nxt = succ[succ]
        if np.array_equal(nxt, succ):
            break
        succ = nxt
    roots, inverse = np.unique(succ, return_inverse=True)
    order = np.lexsort((roots, energies[roots]))
    sides = (((roots << 1)[:, None]) >> np.arange(n)) & 1
    basins = np.argsort(inverse, kind="stable")
    bounds = np.cumsum(np.bincount(inverse, minlength=roots.size))
    starts = np.concatenate([[0], bounds[:-1]])
    return tuple(
        LocalMinimum(
            sides=np.asarray(sides[k], dtype=np.int64),
            energy=float(energies[roots[k]]),
            basin=np.asarray(basins[starts[k]:bounds[k]], dtype=np.int64),
        )
        for k in order
    )


def local_search(
    sizes: FloatArray,
    propensity: FloatArray,
    *,
    starts: int = 256,
    seed: int | np.random.SeedSequence | None = None,
    max_iter: int = 10_000,
) -> tuple[Configuration, ...]:
    """Distinct local minima found by steepest single-flip descent from random starts.

    Vectorised over starts; returns the distinct end configurations (actor 0 on
    side 0), sorted by energy. The first is the best found, not a proven optimum.
    """
    w = _weights(sizes, propensity)
    n = w.shape[0]
    if starts < 1:
        raise ParameterError(f"landscape.local_search: starts expects >= 1. Got {starts} instead.")
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 2, size=(starts, n)).astype(np.float64)
    rows = np.arange(starts)
    for _ in range(max_iter):
        gains = flip_gains(x, w)
        best = np.argmin(gains, axis=1)
        move = gains[rows, best] < -1e-12
        if not move.any():
            break
        x[rows[move], best[move]] = 1.0 - x[rows[move], best[move]]
    x = np.where(x[:, :1] == 1.0, 1.0 - x, x)
    uniq = np.unique(x.astype(np.int64), axis=0)
    e = _energy(uniq.astype(np.float64), w)
    order = np.argsort(e, kind="stable")
    return tuple(Configuration(sides=uniq[i], energy=float(e[i])) for i in order)
