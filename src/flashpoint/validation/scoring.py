r"""Scores of ensemble forecasts: CRPS, absolute percentage error, interval coverage.

All functions take an ensemble along the *last* axis of ``samples`` and an
observation array broadcastable to ``samples.shape[:-1]``; NaN observations
give NaN scores (to be skipped by ``nanmean``), NaN members are not allowed.

Continuous ranked probability score (Gneiting & Raftery 2007, eq. 21), in the
energy form for an ensemble ``x_1..x_n`` and observation ``y``::

    CRPS = (1/n) sum_i |x_i - y|  -  (1/(2 n^2)) sum_i sum_j |x_i - x_j|

The double sum is computed in O(n log n) on the sorted members
``x_(1) <= ... <= x_(n)``::

    sum_i sum_j |x_i - x_j| = 2 sum_i (2 i - n - 1) x_(i)

CRPS has the units of the forecast quantity, is 0 for a perfect point
forecast and reduces to the absolute error for a one-member ensemble.

Absolute percentage error of the ensemble median, ``100 |med(x) - y| / |y|``.

Central interval coverage at level ``L``: the observation lies in
``[q_{(1-L)/2}, q_{(1+L)/2}]`` of the ensemble (linear interpolation of
the empirical quantiles). A calibrated forecast covers a fraction ``L`` of
observations.

References
----------
Gneiting, T. & Raftery, A. E. (2007). Strictly proper scoring rules,
    prediction, and estimation. *Journal of the American Statistical
    Association* 102(477), 359-378. doi:10.1198/016214506000001437
Hersbach, H. (2000). Decomposition of the continuous ranked probability
    score for ensemble prediction systems. *Weather and Forecasting* 15(5),
    559-570. doi:10.1175/1520-0434(2000)015<0559:DOTCRP>2.0.CO;2
"""

from __future__ import annotations

import numpy as np

from flashpoint._types import FloatArray
from flashpoint.errors import ParameterError

__all__ = ["ape", "coverage", "crps_ensemble", "interval"]


def _check(samples: FloatArray) -> FloatArray:
    x = np.asarray(samples, dtype=np.float64)
    if x.ndim == 0 or x.shape[-1] == 0:
        raise ParameterError(f"samples: expected an ensemble along the last axis. "
                             f"Got shape {x.shape} instead.")
    if not np.all(np.isfinite(x)):
        raise ParameterError("samples: expected finite ensemble members. Got NaN or inf instead.")
    return x


def crps_ensemble(samples: FloatArray, obs: FloatArray) -> FloatArray:
    """CRPS of the ensemble ``samples[..., n]`` for ``obs[...]`` (energy form, sorted).

    Returns an array of shape ``broadcast(samples.shape[:-1], obs.shape)``.
    """
    x = np.sort(_check(samples), axis=-1)
    y = np.asarray(obs, dtype=np.float64)[..., None]
    n = x.shape[-1]
    spread_w = 2.0 * np.arange(1, n + 1) - n - 1.0
    skill = np.mean(np.abs(x - y), axis=-1)
    spread = np.sum(spread_w * x, axis=-1) / (n * n)
    return np.asarray(skill - spread)


def ape(samples: FloatArray, obs: FloatArray) -> FloatArray:
    """Absolute percentage error (%) of the ensemble median: ``100 |med - y| / |y|``."""
    med = np.median(_check(samples), axis=-1)
    y = np.asarray(obs, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(100.0 * np.abs(med - y) / np.abs(y))


def interval(samples: FloatArray, level: float) -> tuple[FloatArray, FloatArray]:
    """Central ``level`` interval ``(low, high)`` of the ensemble."""
    if not 0.0 < level < 1.0:
        raise ParameterError(f"level: expected a value in (0, 1). Got {level} instead.")
    q = np.quantile(_check(samples), [(1.0 - level) / 2.0, (1.0 + level) / 2.0], axis=-1)
    return np.asarray(q[0]), np.asarray(q[1])


def coverage(samples: FloatArray, obs: FloatArray, level: float) -> FloatArray:
    """1.0 where ``obs`` lies in the central ``level`` interval, 0.0 outside, NaN if ``obs`` is NaN."""
    lo, hi = interval(samples, level)
    y = np.asarray(obs, dtype=np.float64)
    hit = ((y >= lo) & (y <= hi)).astype(np.float64)
    return np.asarray(np.where(np.isnan(y), np.nan, hit))
