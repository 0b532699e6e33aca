r"""The Richardson arms-race model: simulate, equilibrium, stability and fitting.

Theory
------
Richardson (1960) models two rival blocs whose arms ``x`` and ``y`` grow
in reaction to each other (defence coefficients ``k``, ``l``), are
restrained by fatigue and expense (``a``, ``b``), and are driven by
standing grievances (``g``, ``h``)::

    dx/dt = k y - a x + g
    dy/dt = l x - b y + h

In matrix form, for any number of actors, ``dx/dt = (K - diag(a)) x + g``
with ``K`` the reaction matrix (zero diagonal).

Known results
-------------
* Equilibrium (when ``a b != k l``)::

      x* = (b g + k h) / (a b - k l),   y* = (a h + l g) / (a b - k l)

* Eigenvalues of ``M = [[-a, k], [l, -b]]``::

      lambda = ( -(a + b) +- sqrt((a - b)^2 + 4 k l) ) / 2

* With positive fatigue (``a, b > 0``) the equilibrium is stable iff
  ``a b > k l``; otherwise the race runs away (or collapses to disarmament).

The linear system is solved exactly with the matrix exponential of the
augmented system ``[[M, g], [0, 0]]``, so no equilibrium is needed (and a
singular ``M`` is fine); :func:`simulate` with ``method="euler"`` gives the
discrete difference equations Richardson himself fitted.

:func:`fit` estimates ``(k, a, g)`` and ``(l, b, h)`` by ordinary least
squares on the first differences, ``(x_{t+1} - x_t)/dt = k y_t - a x_t + g``
(Richardson 1960; Dunne & Smith 2007 review this and later estimators). It
recovers the coefficients exactly from a noiseless series generated with
``method="euler"``; for data from continuous dynamics the difference
estimator is biased by O(dt).

:func:`fit_sum` is Richardson's two-bloc *sum* analysis of 1909-1913
(Delta(U+V) on U+V at the interval midpoint). Richardson's own budget table
and his fitted coefficient are not shipped or quoted: no citable copy was
found, and we do not type published figures from memory. The sum is redone
on COW NMC v7.0's expenditure series (:func:`cow_1909_1913`; France + Russia
against Germany + Austria-Hungary, thousands of current pounds); the result
is in ``docs/validation.md``.

References
----------
Richardson, L. F. (1960). *Arms and Insecurity: A Mathematical Study of the
    Causes and Origins of War*. Boxwood Press.
Intriligator, M. D. (1975). Strategic considerations in the Richardson
    model of arms races. *Journal of Political Economy* 83(2), 339-353.
    doi:10.1086/260326
Dunne, J. P. & Smith, R. P. (2007). The econometrics of military arms
    races. In *Handbook of Defense Economics* vol. 2, ch. 28. Elsevier.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.linalg

from flashpoint._types import FloatArray
from flashpoint.errors import DataError, ParameterError

__all__ = [
    "RichardsonFit",
    "SumFit",
    "cow_1909_1913",
    "eigenvalues",
    "equilibrium",
    "fit",
    "fit_sum",
    "is_stable",
    "is_stable_matrix",
    "simulate",
    "two_bloc",
]


def two_bloc(
    k: float, l: float, a: float, b: float, g: float, h: float  # noqa: E741
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The two-bloc system as ``(K, a, g)`` arrays for :func:`simulate` and :func:`equilibrium`."""
    return (
        np.array([[0.0, k], [l, 0.0]]),
        np.array([a, b], dtype=np.float64),
        np.array([g, h], dtype=np.float64),
    )


def _system(k: FloatArray, a: FloatArray, g: FloatArray) -> tuple[FloatArray, FloatArray]:
    kk = np.asarray(k, dtype=np.float64)
    aa = np.asarray(a, dtype=np.float64)
    gg = np.asarray(g, dtype=np.float64)
    n = aa.shape[0] if aa.ndim == 1 else -1
    if kk.shape != (n, n) or aa.shape != (n,) or gg.shape != (n,):
        raise ParameterError(
            "richardson: expected K (n, n), a (n,) and g (n,). "
            f"Got K {kk.shape}, a {aa.shape}, g {gg.shape} instead."
        )
    if not (np.all(np.isfinite(kk)) and np.all(np.isfinite(aa)) and np.all(np.isfinite(gg))):
        raise ParameterError("richardson: coefficients must be finite. Got NaN or inf instead.")
    m = kk * (1.0 - np.eye(n)) - np.diag(aa)
    return m, gg


def simulate(
    k: FloatArray,
    a: FloatArray,
    g: FloatArray,
    x0: FloatArray,
    *,
    years: float,
    dt: float = 1.0,
    method: Literal["exact", "euler"] = "exact",
) -> tuple[FloatArray, FloatArray]:
    """Arms levels over time for ``dx/dt = (K - diag(a)) x + g``.

    Parameters
    ----------
    k : (n, n) reaction matrix (its diagonal is ignored).
    a : (n,) fatigue coefficients.
    g : (n,) grievances.
    x0 : (n,) initial arms levels.
    years : horizon; dt : step (same time unit as the coefficients).
    method : ``"exact"`` (matrix exponential) or ``"euler"`` (difference equations).

    Returns
    -------
    t : (T + 1,) times, x : (T + 1, n) levels.
    """
    m, gg = _system(k, a, g)
    x = np.asarray(x0, dtype=np.float64)
    if x.shape != gg.shape:
        raise ParameterError(f"richardson: x0 expects shape {gg.shape}. Got {x.shape} instead.")
    if not (dt > 0 and years >= 0):
        raise ParameterError(
            f"richardson: expects dt > 0 and years >= 0. Got dt={dt}, years={years} instead."
        )
    steps = round(years / dt)
    n = gg.shape[0]
    aug = np.zeros((n + 1, n + 1))
    aug[:n, :n] = m
    aug[:n, n] = gg
    if method == "exact":
        prop = scipy.linalg.expm(aug * dt)
    elif method == "euler":
        prop = np.eye(n + 1) + aug * dt
    else:
        raise ParameterError(
            f"richardson: method expects 'exact' or 'euler'. Got {method!r} instead."
        )
    powers = np.empty((steps + 1, n + 1, n + 1))
    powers[0] = np.eye(n + 1)
    # Repeated products of one small matrix: the loop is over time steps only.
    for i in range(steps):
        powers[i + 1] = prop @ powers[i]
    z0 = np.append(x, 1.0)
    xs = (powers @ z0)[:, :n]
    return np.arange(steps + 1, dtype=np.float64) * dt, np.asarray(xs, dtype=np.float64)


def equilibrium(k: FloatArray, a: FloatArray, g: FloatArray) -> FloatArray:
    """The fixed point ``x*`` solving ``(diag(a) - K) x* = g``; raises if singular."""
    m, gg = _system(k, a, g)
    if abs(np.linalg.det(m)) < 1e-12 * max(1.0, float(np.max(np.abs(m))) ** m.shape[0]):
        raise ParameterError(
            "richardson: no unique equilibrium, the system matrix K - diag(a) is singular "
            "(a b = k l in the two-bloc case)."
        )
    return np.asarray(np.linalg.solve(-m, gg), dtype=np.float64)


def eigenvalues(k: FloatArray, a: FloatArray) -> FloatArray:
    """Eigenvalues of ``K - diag(a)`` (complex array, sorted by real part, descending)."""
    m, _ = _system(k, a, np.zeros(np.asarray(a).shape[0]))
    ev = np.linalg.eigvals(m)
    return np.asarray(ev[np.argsort(-ev.real)])


def is_stable(k: float, l: float, a: float, b: float) -> bool:  # noqa: E741
    """Richardson's condition for the two-bloc race: stable iff ``a + b > 0`` and ``a b > k l``."""
    return bool(a + b > 0 and a * b > k * l)


def is_stable_matrix(k: FloatArray, a: FloatArray) -> bool:
    """Stability of the n-actor system: every eigenvalue has a negative real part."""
    return bool(np.all(eigenvalues(k, a).real < 0))


@dataclass(frozen=True)
class RichardsonFit:
    """Least-squares estimates of a two-bloc Richardson system.

    ``coef`` holds ``(k, a, g, l, b, h)``; ``se`` their standard errors;
    ``r2`` the R² of the x and y equations; ``dof`` residual degrees of freedom.
    """

    k: float
    a: float
    g: float
    l: float  # noqa: E741
    b: float
    h: float
    se: dict[str, float]
    r2: tuple[float, float]
    dof: int

    @property
    def coef(self) -> dict[str, float]:
        """Point estimates by name."""
        return {"k": self.k, "a": self.a, "g": self.g, "l": self.l, "b": self.b, "h": self.h}

    def is_stable(self) -> bool:
        """Richardson's stability condition at the estimates."""
        return is_stable(self.k, self.l, self.a, self.b)


def _ols(design: FloatArray, target: FloatArray) -> tuple[FloatArray, FloatArray, float]:
    beta, *_ = np.linalg.lstsq(design, target, rcond=None)
    resid = target - design @ beta
    dof = design.shape[0] - design.shape[1]
    s2 = float(resid @ resid) / dof
    cov = s2 * np.linalg.pinv(design.T @ design)
    ss_tot = float(np.sum((target - target.mean()) ** 2))
    r2 = 1.0 - float(resid @ resid) / ss_tot if ss_tot > 0 else 1.0
    se = np.sqrt(np.maximum(np.diag(cov), 0.0))
    return np.asarray(beta, dtype=np.float64), np.asarray(se, dtype=np.float64), r2


def fit(x_series: FloatArray, y_series: FloatArray, dt: float = 1.0) -> RichardsonFit:
    """Fit ``dx/dt = k y - a x + g``, ``dy/dt = l x - b y + h`` to two series by OLS.

    Regresses each bloc's first difference divided by ``dt`` on the levels
    ``(y_t, x_t, 1)`` (resp. ``(x_t, y_t, 1)``). Needs at least five
    observations per series (two residual degrees of freedom).
    """
    x = np.asarray(x_series, dtype=np.float64)
    y = np.asarray(y_series, dtype=np.float64)
    if x.ndim != 1 or y.shape != x.shape:
        raise DataError(
            "richardson.fit",
            f"expected two 1-D series of equal length. Got shapes {x.shape} and {y.shape} instead.",
        )
    if x.size < 5:
        raise DataError(
            "richardson.fit", f"expected at least 5 observations. Got {x.size} instead."
        )
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise DataError("richardson.fit", "expected finite values. Got NaN or inf instead.")
    if not dt > 0:
        raise ParameterError(f"richardson.fit: dt expects a value > 0. Got {dt} instead.")
    one = np.ones(x.size - 1)
    dx, dy = np.diff(x) / dt, np.diff(y) / dt
    bx, sx, r2x = _ols(np.column_stack([y[:-1], x[:-1], one]), dx)
    by, sy, r2y = _ols(np.column_stack([x[:-1], y[:-1], one]), dy)
    return RichardsonFit(
        k=float(bx[0]),
        a=float(-bx[1]),
        g=float(bx[2]),
        l=float(by[0]),
        b=float(-by[1]),
        h=float(by[2]),
        se={
            "k": float(sx[0]), "a": float(sx[1]), "g": float(sx[2]),
            "l": float(sy[0]), "b": float(sy[1]), "h": float(sy[2]),
        },
        r2=(r2x, r2y),
        dof=x.size - 1 - 3,
    )


@dataclass(frozen=True)
class SumFit:
    r"""Richardson's two-bloc *sum* regression, :math:`\Delta s / \Delta t = \alpha s + c`.

    ``coefficient`` :math:`\alpha` (per unit time: Richardson's reaction
    minus fatigue, ``k - a`` when the blocs are alike), ``constant`` ``c``
    (the net grievance, in the unit of ``s`` per unit time), ``equilibrium``
    :math:`s^* = -c/\alpha` (where the sum would stand still; an unstable
    one, a threshold the race runs away from, when :math:`\alpha > 0`), each
    with its standard error (the equilibrium's by the delta method);
    ``n`` differences, ``dof`` residual degrees of freedom, ``r2``.
    """

    coefficient: float
    constant: float
    equilibrium: float
    se_coefficient: float
    se_constant: float
    se_equilibrium: float
    n: int
    dof: int
    r2: float
    regressor: str


def fit_sum(total: FloatArray, dt: float = 1.0,
            regressor: Literal["midpoint", "start"] = "midpoint") -> SumFit:
    r"""Fit Richardson's sum equation to a two-bloc total ``s = U + V``.

    Richardson (1960) adds the two blocs' budgets, ``s = U + V``; for two
    blocs of like coefficients his pair of equations gives
    :math:`ds/dt = (k - a)\,s + (g + h)`. He regressed the yearly increase
    :math:`\Delta s` on :math:`s` taken at the *midpoint* of the interval,
    :math:`(s_t + s_{t+1})/2` (``regressor="midpoint"``), which is unbiased
    for the exponential path to first order in ``dt``;
    ``regressor="start"`` uses :math:`s_t` (the Euler difference equation).
    Ordinary least squares; standard errors from the residual variance.

    Parameters
    ----------
    total : array (T,)
        The bloc sum at equally spaced times, T >= 4 (two residual degrees of
        freedom at least).
    dt : float
        Time between observations (years).
    regressor : "midpoint" or "start"

    Raises
    ------
    DataError
        Fewer than four values, or non-finite values.
    ParameterError
        ``dt <= 0`` or an unknown ``regressor``.
    """
    s = np.asarray(total, dtype=np.float64)
    if s.ndim != 1 or s.size < 4:
        raise DataError("richardson.fit_sum",
                        f"expected a 1-D series of at least 4 values. Got shape {s.shape} instead.")
    if not np.all(np.isfinite(s)):
        raise DataError("richardson.fit_sum", "expected finite values. Got NaN or inf instead.")
    if not dt > 0:
        raise ParameterError(f"richardson.fit_sum: dt expects a value > 0. Got {dt} instead.")
    if regressor not in ("midpoint", "start"):
        raise ParameterError(f"richardson.fit_sum: regressor expects 'midpoint' or 'start'. "
                             f"Got {regressor!r} instead.")
    ds = np.diff(s) / dt
    level = (s[:-1] + s[1:]) / 2 if regressor == "midpoint" else s[:-1]
    design = np.column_stack([level, np.ones(ds.size)])
    beta, *_ = np.linalg.lstsq(design, ds, rcond=None)
    resid = ds - design @ beta
    dof = ds.size - 2
    s2 = float(resid @ resid) / dof
    cov = s2 * np.linalg.inv(design.T @ design)
    ss_tot = float(np.sum((ds - ds.mean()) ** 2))
    a, c = float(beta[0]), float(beta[1])
    eq = -c / a
    grad = np.array([c / a**2, -1.0 / a])   # d(-c/a)/d(a, c)
    return SumFit(coefficient=a, constant=c, equilibrium=eq,
                  se_coefficient=float(np.sqrt(cov[0, 0])), se_constant=float(np.sqrt(cov[1, 1])),
                  se_equilibrium=float(np.sqrt(grad @ cov @ grad)), n=int(ds.size), dof=dof,
                  r2=1.0 - float(resid @ resid) / ss_tot if ss_tot > 0 else 1.0,
                  regressor=regressor)


def cow_1909_1913() -> tuple[FloatArray, FloatArray]:
    """Years and ``U + V`` 1909-1913 from COW NMC v7.0 (thousands of current GBP).

    ``U`` France + Russia, ``V`` Germany + Austria-Hungary (Richardson's
    blocs); the derived table ``world/data/richardson_1909_1913.csv`` is
    built by ``scripts/build_world.py``.
    """
    import pandas as pd

    from flashpoint.world.provenance import data_path

    t = pd.read_csv(data_path("richardson_1909_1913.csv"))
    t = t[(t.year >= 1909) & (t.year <= 1913)]
    return t.year.to_numpy(), (t.U + t.V).to_numpy(dtype=np.float64)
