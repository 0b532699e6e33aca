r"""Naive forecasts that a model must beat: persistence, linear trend, AR(1).

Each baseline is fitted per series on a training window and forecasts ``h =
1..H`` years ahead of an origin value ``y0`` (the observation in the origin
year, the same value the model starts from). Each returns a predictive
distribution as ``n`` equally spaced quantiles of a normal distribution
(``z_k = Phi^{-1}((k + 1/2)/n)``), so the same ensemble scores
(:mod:`flashpoint.validation.scoring`) apply to the model and the baselines.

Military spending is forecast in logs (``log=True``): a normal in log space is
a log-normal in US$, so spending stays positive and errors scale with size.
Alignment is forecast in levels.

With ``d_t = y_t - y_{t-1}`` the training first differences and ``s_d`` their
standard deviation:

* **persistence** (random walk): ``y_{0+h} ~ N(y0, s_d^2 h)``.
* **linear trend** (random walk with drift): slope ``b`` of an OLS fit of
  ``y_t`` on ``t`` over the training window, anchored at the origin:
  ``y_{0+h} ~ N(y0 + b h, s_d^2 h)``.
* **AR(1)**: OLS fit of ``y_t = c + phi y_{t-1} + e_t`` (residual sd ``s_e``)
  on the training window, iterated from ``y0``:
  ``mean_h = c (1 + phi + ... + phi^{h-1}) + phi^h y0``,
  ``var_h = s_e^2 (1 + phi^2 + ... + phi^{2(h-1)})``.

Gaps (NaN) in the training window are skipped: differences and AR pairs use
consecutive observed years only. A series with fewer than three usable
observations gets NaN forecasts.

References
----------
Hyndman, R. J. & Athanasopoulos, G. (2021). *Forecasting: Principles and
    Practice*, 3rd ed., section 5.2 (naive and drift methods) and ch. 9
    (ARIMA). OTexts. https://otexts.com/fpp3/
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.stats import norm

from flashpoint._types import FloatArray
from flashpoint.errors import ParameterError

__all__ = ["BASELINES", "ar1", "linear_trend", "normal_ensemble", "persistence"]


def normal_ensemble(mean: FloatArray, sd: FloatArray, n: int) -> FloatArray:
    """``n`` equally spaced quantiles of ``N(mean, sd^2)`` along a new last axis."""
    if n < 1:
        raise ParameterError(f"n: expected at least 1 member. Got {n} instead.")
    z = norm.ppf((np.arange(n) + 0.5) / n)
    return np.asarray(np.asarray(mean)[..., None] + np.asarray(sd)[..., None] * z)


def _diffs(train: FloatArray) -> FloatArray:
    """First differences between consecutive observed years (T-1, N), NaN elsewhere."""
    return np.asarray(np.diff(train, axis=0))


def _nanstd(d: FloatArray) -> FloatArray:
    cnt = np.sum(np.isfinite(d), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(d, axis=0) / cnt
        var = np.nansum((d - mean) ** 2, axis=0) / (cnt - 1)
    return np.asarray(np.where(cnt >= 2, np.sqrt(var), np.nan))


def _prep(train: FloatArray, y0: FloatArray, horizons: FloatArray, log: bool
          ) -> tuple[FloatArray, FloatArray, FloatArray]:
    tr = np.asarray(train, dtype=np.float64)
    y = np.asarray(y0, dtype=np.float64)
    if tr.ndim != 2 or y.shape != tr.shape[1:]:
        raise ParameterError(f"train: expected (T, N) with y0 (N,). Got {tr.shape} and {y.shape} instead.")
    if log:
        with np.errstate(divide="ignore", invalid="ignore"):
            tr = np.where(tr > 0, np.log(tr), np.nan)
            y = np.where(y > 0, np.log(y), np.nan)
    h = np.asarray(horizons, dtype=np.float64)[:, None]
    return tr, y, h


def _out(mean: FloatArray, sd: FloatArray, n: int, log: bool) -> FloatArray:
    bad = ~(np.isfinite(mean) & np.isfinite(sd))
    ens = normal_ensemble(np.where(bad, 0.0, mean), np.where(bad, 0.0, sd), n)
    ens = np.where(bad[..., None], np.nan, ens)
    return np.asarray(np.exp(ens) if log else ens)


def persistence(train: FloatArray, y0: FloatArray, horizons: FloatArray, n: int = 200,
                log: bool = False) -> FloatArray:
    """Random-walk forecast ``(H, N, n)``: median ``y0``, spread ``s_d sqrt(h)``."""
    tr, y, h = _prep(train, y0, horizons, log)
    sd = _nanstd(_diffs(tr))
    return _out(np.broadcast_to(y, (h.shape[0], y.size)), sd * np.sqrt(h), n, log)


def linear_trend(train: FloatArray, y0: FloatArray, horizons: FloatArray, n: int = 200,
                 log: bool = False) -> FloatArray:
    """Drift forecast ``(H, N, n)``: OLS slope on the training window, anchored at ``y0``."""
    tr, y, h = _prep(train, y0, horizons, log)
    t = np.arange(tr.shape[0], dtype=np.float64)[:, None]
    ok = np.isfinite(tr)
    cnt = ok.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        tbar = np.where(ok, t, 0.0).sum(axis=0) / cnt
        ybar = np.where(ok, tr, 0.0).sum(axis=0) / cnt
        sxy = np.where(ok, (t - tbar) * (tr - ybar), 0.0).sum(axis=0)
        sxx = np.where(ok, (t - tbar) ** 2, 0.0).sum(axis=0)
        slope = np.where(cnt >= 3, sxy / sxx, np.nan)
    sd = _nanstd(_diffs(tr))
    return _out(y + slope * h, sd * np.sqrt(h), n, log)


def ar1(train: FloatArray, y0: FloatArray, horizons: FloatArray, n: int = 200,
        log: bool = False) -> FloatArray:
    """AR(1) forecast ``(H, N, n)`` fitted by OLS on consecutive training pairs."""
    tr, y, h = _prep(train, y0, horizons, log)
    prev, cur = tr[:-1], tr[1:]
    ok = np.isfinite(prev) & np.isfinite(cur)
    cnt = ok.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        pbar = np.where(ok, prev, 0.0).sum(axis=0) / cnt
        cbar = np.where(ok, cur, 0.0).sum(axis=0) / cnt
        sxy = np.where(ok, (prev - pbar) * (cur - cbar), 0.0).sum(axis=0)
        sxx = np.where(ok, (prev - pbar) ** 2, 0.0).sum(axis=0)
        phi = sxy / sxx
        c = cbar - phi * pbar
        resid = np.where(ok, cur - c - phi * prev, 0.0)
        se = np.sqrt((resid ** 2).sum(axis=0) / (cnt - 2))
    usable = (cnt >= 3) & np.isfinite(phi) & (sxx > 0)
    phi, c, se = (np.where(usable, v, np.nan) for v in (phi, c, se))
    k = np.arange(int(h.max()) if h.size else 0, dtype=np.float64)
    hh = h[:, 0].astype(int)
    # partial sums of phi^k and phi^(2k), k < h
    pw = phi[None, :] ** k[:, None]                                   # (Hmax, N)
    s1 = np.cumsum(pw, axis=0)[hh - 1]
    s2 = np.cumsum(pw ** 2, axis=0)[hh - 1]
    mean = c * s1 + phi ** h * y
    return _out(mean, se * np.sqrt(s2), n, log)


#: name -> forecast function, in table order.
BASELINES: dict[str, Callable[..., FloatArray]] = {
    "persistence": persistence,
    "linear trend": linear_trend,
    "AR(1)": ar1,
}
