r"""Structural balance of signed networks (Heider; Cartwright & Harary; Marvel et al.).

Theory
------
A signed network (``+`` friendship or alliance, ``-`` enmity, 0 no tie) is
*balanced* when every cycle has an even number of negative edges; Cartwright
& Harary (1956) prove this holds iff the actors can be split into two
groups with positive ties inside and negative ties across. For a triad the
condition is Heider's (1946): "the friend of my friend is my friend, the
enemy of my enemy is my friend".

Measures
--------
* Triads: with ``S`` the sign matrix (zero diagonal), ``tr(S^3)/6`` is the
  number of balanced minus unbalanced triangles and ``tr(|S|^3)/6`` their
  total.
* Frustration index: the least total weight of edges whose sign must change
  to make the network balanced, i.e. the minimum over two-sided partitions
  of the negative weight inside plus the positive weight across. With
  landscape-theory weights ``p_ij = S_ij`` and unit sizes this is
  ``sum_{i<j} max(0, -S_ij) + min_X E(X)``, computed exactly by the
  enumeration in :mod:`flashpoint.classic.landscape`.

Dynamics
--------
Marvel, Kleinberg, Kleinberg & Strogatz (2011) model the continuous
evolution of a symmetric real-valued relation matrix as ``dX/dt = X^2``.
For symmetric ``X(0)`` its exact solution is::

    X(t) = X(0) (I - t X(0))^{-1} = V diag(lambda / (1 - lambda t)) V^T

which blows up at ``t* = 1 / lambda_max`` (when ``lambda_max > 0``). Near
``t*`` the leading term ``v1 v1^T / (1 - lambda_max t)`` dominates, so the
sign pattern becomes ``sign(v1_i v1_j)``: two factions given by the signs
of the leading eigenvector, a balanced network, for generic ``X(0)``.

References
----------
Heider, F. (1946). Attitudes and cognitive organization. *Journal of
    Psychology* 21(1), 107-112. doi:10.1080/00223980.1946.9917275
Cartwright, D. & Harary, F. (1956). Structural balance: a generalization of
    Heider's theory. *Psychological Review* 63(5), 277-293. doi:10.1037/h0046049
Marvel, S. A., Kleinberg, J., Kleinberg, R. D. & Strogatz, S. H. (2011).
    Continuous-time model of structural balance. *PNAS* 108(5), 1771-1776.
    doi:10.1073/pnas.1013213108
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse.csgraph import connected_components

from flashpoint._types import FloatArray, IntArray
from flashpoint.classic.landscape import exact_minimum
from flashpoint.errors import DataError, ParameterError

__all__ = [
    "TriadCount",
    "balanced_partition",
    "blowup_time",
    "factions",
    "frustration_index",
    "is_balanced",
    "simulate",
    "triads",
]


def _signed(signs: FloatArray) -> FloatArray:
    s = np.asarray(signs, dtype=np.float64)
    if s.ndim != 2 or s.shape[0] != s.shape[1]:
        raise DataError("structural_balance", f"expected a square (n, n) matrix. Got shape {s.shape} instead.")
    if not np.all(np.isfinite(s)):
        raise DataError("structural_balance", "expected finite values. Got NaN or inf instead.")
    if not np.allclose(s, s.T):
        raise DataError("structural_balance", "expected a symmetric matrix. Got an asymmetric one instead.")
    out = s.copy()
    np.fill_diagonal(out, 0.0)
    return out


@dataclass(frozen=True)
class TriadCount:
    """Numbers of closed triads (all three ties non-zero) by balance."""

    balanced: int
    unbalanced: int

    @property
    def share_unbalanced(self) -> float:
        """Unbalanced share of closed triads (0 when there are none)."""
        total = self.balanced + self.unbalanced
        return self.unbalanced / total if total else 0.0


def triads(signs: FloatArray) -> TriadCount:
    """Count balanced and unbalanced triangles of the sign pattern of ``signs``."""
    s = np.sign(_signed(signs))
    net = np.trace(s @ s @ s) / 6.0
    total = np.trace(np.abs(s) @ np.abs(s) @ np.abs(s)) / 6.0
    return TriadCount(balanced=round((total + net) / 2), unbalanced=round((total - net) / 2))


def balanced_partition(signs: FloatArray) -> IntArray | None:
    """Sides (0/1) splitting a balanced network into two camps, or None if unbalanced.

    Propagates signs from one root per connected component: each sweep labels
    the neighbours of labelled nodes (``label_j = sign(sum_i S_ji label_i)``),
    then every edge is checked (``S_ij label_i label_j > 0``).
    """
    s = np.sign(_signed(signs))
    n = s.shape[0]
    _, comp = connected_components(np.abs(s) > 0, directed=False)
    label = np.zeros(n)
    _, roots = np.unique(comp, return_index=True)
    label[roots] = 1.0
    for _ in range(n):
        unlabelled = label == 0.0
        if not unlabelled.any():
            break
        label = np.where(unlabelled, np.sign(s @ label), label)
    edges = s != 0.0
    if np.any(s[edges] * np.outer(label, label)[edges] <= 0.0):
        return None
    return np.asarray((label < 0).astype(np.int64))


def is_balanced(signs: FloatArray) -> bool:
    """Whether the signed network is structurally balanced (Cartwright & Harary 1956)."""
    return balanced_partition(signs) is not None


def frustration_index(signs: FloatArray, *, weighted: bool = False) -> float:
    """Least number (or weight, if ``weighted``) of ties to flip to reach balance.

    Exact, by enumerating all two-sided partitions
    (:func:`flashpoint.classic.landscape.exact_minimum`); up to about 20 actors.
    """
    s = _signed(signs)
    w = s if weighted else np.sign(s)
    n = w.shape[0]
    if n < 2:
        return 0.0
    negative = float(np.sum(np.maximum(0.0, -np.triu(w, 1))))
    best = exact_minimum(np.ones(n), w)[0].energy
    return negative + best


def blowup_time(x0: FloatArray) -> float:
    """Time ``t* = 1 / lambda_max`` at which ``dX/dt = X^2`` blows up (inf if never)."""
    lam = np.linalg.eigvalsh(_symmetric(x0))
    top = float(lam[-1])
    return 1.0 / top if top > 0 else float("inf")


def _symmetric(x0: FloatArray) -> FloatArray:
    x = np.asarray(x0, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] != x.shape[1] or not np.allclose(x, x.T):
        raise DataError(
            "structural_balance.simulate",
            f"expected a symmetric (n, n) matrix. Got shape {x.shape} instead.",
        )
    return x


def simulate(x0: FloatArray, times: FloatArray) -> FloatArray:
    """Exact solution of ``dX/dt = X^2`` (Marvel et al. 2011) at ``times``, shape ``(T, n, n)``.

    ``X(t) = V diag(lambda / (1 - lambda t)) V^T``; every time must lie before
    the blow-up time :func:`blowup_time`.
    """
    x = _symmetric(x0)
    t = np.atleast_1d(np.asarray(times, dtype=np.float64))
    lam, v = np.linalg.eigh(x)
    t_star = blowup_time(x)
    if np.any(t >= t_star) or np.any(t < 0):
        raise ParameterError(
            f"structural_balance.simulate: times expect values in [0, {t_star:.6g}) "
            f"(the blow-up time). Got [{t.min():.6g}, {t.max():.6g}] instead."
        )
    scale = lam[None, :] / (1.0 - t[:, None] * lam[None, :])
    return np.asarray(np.einsum("ik,tk,jk->tij", v, scale, v), dtype=np.float64)


def factions(x0: FloatArray) -> IntArray:
    """The two factions ``X(t)`` approaches before blow-up: signs of the leading eigenvector.

    Sides are 0/1 with actor 0 on side 0.
    """
    lam, v = np.linalg.eigh(_symmetric(x0))
    if lam[-1] <= 0:
        raise ParameterError(
            "structural_balance.factions: expects a positive leading eigenvalue "
            f"(otherwise X(t) does not blow up). Got {lam[-1]:.6g} instead."
        )
    lead = v[:, -1] * (1.0 if v[0, -1] >= 0 else -1.0)
    return np.asarray((lead < 0).astype(np.int64))
