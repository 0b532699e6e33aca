r"""Actor-specific real trends of military spending and GDP, known at a world's year.

Theory
------
Each state's trend is estimated from its own recent history and shrunk
towards the mean of its region by partial pooling (an empirical-Bayes
normal-normal model; Efron & Morris 1975, Morris 1983): a state with a long,
steady record keeps its own trend, a state with a short or erratic record is
pulled towards its neighbours.

Equations
---------
For a series ``x_it`` (spending or GDP, constant 2022 US$) the yearly real
log changes ``y_it = ln x_it - ln x_i,t-1`` over the last ``WINDOW`` years up
to the data year ``Y* = min(Y, 2023)`` of a world of year ``Y`` give::

    d_i = mean_t y_it,   v_i = max(s_i^2, S_MIN^2) / n_i          (own estimate)
    d_i ~ N(theta_i, v_i),   theta_i ~ N(mu_r, tau_r^2)           (region r)
    B_i = v_i / (v_i + tau_r^2)
    E[theta_i | d] = (1 - B_i) d_i + B_i mu_r
    Var[theta_i | d] = (1 - B_i) v_i + B_i^2 Var(mu_r)

``mu_r``, ``Var(mu_r)`` and ``tau_r^2`` come from a random-effects
meta-analysis of the region's states (statsmodels ``combine_effects``,
Paule-Mandel estimator of ``tau^2``; Paule & Mandel 1982). Regions are the
theatres of the world tables (Euro-Atlantic, Indo-Pacific, other), pooled
over every state in the tables, not only those in a world. A state with
fewer than ``MIN_CHANGES`` observed changes gets its region's predictive
distribution ``N(mu_r, tau_r^2 + Var(mu_r))``; a region with fewer than
``MIN_STATES`` such states (worlds before 1998) takes the ``FALLBACK`` prior.

Only observed values count: a figure carried forward or estimated (its
``<var>_year`` differs from the row's year, or its source is an estimate)
gives no change. Nothing after ``Y*`` is read, so a 2014 world knows only
the 1995-2014 record (the backtests rely on it).

Assumptions
-----------
* The trend is the mean real log growth of the last decade; breaks inside
  the window (a war, a pledge) are averaged, and budget shocks are taken as
  independent across years (the sampling variance ignores autocorrelation).
* Estimation uncertainty is the uncertainty of the trend; year-to-year
  budget shocks are the arms mechanism's noise.

References
----------
Efron, B. & Morris, C. (1975). Data analysis using Stein's estimator and its
    generalizations. *JASA* 70(350), 311-319. doi:10.1080/01621459.1975.10479864
Morris, C. N. (1983). Parametric empirical Bayes inference: theory and
    applications. *JASA* 78(381), 47-55. doi:10.1080/01621459.1983.10477920
Paule, R. C. & Mandel, J. (1982). Consensus values and weighting factors.
    *Journal of Research of the National Bureau of Standards* 87(5), 377-385.
    doi:10.6028/jres.087.022
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np
import pandas as pd

from flashpoint.errors import DataError
from flashpoint.world.provenance import data_path

__all__ = ["MIN_CHANGES", "S_MIN", "WINDOW", "region_priors", "trend_arrays", "trends"]

#: Years of changes averaged. Rationale: a decade spans two or three budget
#: cycles and procurement programmes, yet reflects the regime of the day (the
#: post-2014 rise in Europe, China's steady growth).
WINDOW = 10
#: Fewest observed yearly changes for an own estimate.
MIN_CHANGES = 3
#: Floor on the yearly standard deviation of changes (1 %/yr). Rationale:
#: published budgets are rounded and revised by about that much, so a
#: record smoother than this is not more informative.
S_MIN = 0.01
#: Fewest states with an own estimate for a region's meta-analysis.
MIN_STATES = 5
#: Prior ``(mu, Var(mu), tau^2)`` of a region with too short a record (worlds
#: before 1998 see fewer than three yearly changes). Rationale: real growth of
#: world military spending and of world GDP of about 2 and 3 %/yr with a
#: between-state sd of 2 %/yr (SIPRI and World Bank long-run orders of magnitude).
FALLBACK = {"milex": (0.02, 0.0, 0.02**2), "gdp": (0.03, 0.0, 0.02**2)}
#: First and last years of the shipped actor table.
FIRST_DATA, LAST_DATA = 1995, 2023

_SERIES = {
    "milex": ("milex", ("sipri_milex", "cow_nmc")),
    "gdp": ("gdp", ("wb_gdp", "imf_weo")),
}
COLUMNS = ("milex_trend", "milex_trend_sd", "gdp_growth", "gdp_growth_sd")


@cache
def _table() -> pd.DataFrame:
    return pd.read_csv(data_path("actors.csv.gz"),
                       usecols=["iso3", "theatre", "year", "milex", "milex_src", "milex_year",
                                "gdp", "gdp_src", "gdp_year"])


def _changes(t: pd.DataFrame, var: str, sources: tuple[str, ...], last: int) -> pd.DataFrame:
    """Observed yearly log changes of ``var`` in ``(last - WINDOW, last]``."""
    ok = (t[f"{var}_src"].isin(sources) & (t[f"{var}_year"] == t.year) & (t[var] > 0)
          & (t.year <= last) & (t.year >= last - WINDOW))
    d = t.loc[ok, ["iso3", "theatre", "year", var]].sort_values(["iso3", "year"])
    prev = d.groupby("iso3")[["year", var]].shift(1)
    keep = prev.year == d.year - 1
    d = d[keep].assign(change=np.log(d[var][keep] / prev[var][keep]))
    return d[["iso3", "theatre", "year", "change"]]


def _pool(own: pd.DataFrame, fallback: tuple[float, float, float]
          ) -> tuple[pd.DataFrame, dict[str, tuple[float, float, float]]]:
    """Shrink each state's mean change towards its region (see module docstring)."""
    from statsmodels.stats.meta_analysis import combine_effects

    out = [own.assign(mean=np.nan, sd=np.nan).iloc[:0]]
    priors: dict[str, tuple[float, float, float]] = {}
    for region, g in own.groupby("theatre", sort=True):
        g = g.copy()
        if len(g) < MIN_STATES:
            mu, var_mu, tau2 = fallback
        else:
            res = combine_effects(g.d.to_numpy(), g.v.to_numpy(), method_re="pm")
            mu, var_mu, tau2 = float(res.mean_effect_re), float(res.var_eff_w_re), float(res.tau2)
        priors[str(region)] = (mu, var_mu, tau2)
        b = g.v / (g.v + tau2) if tau2 > 0 else pd.Series(1.0, index=g.index)
        g["mean"] = (1.0 - b) * g.d + b * mu
        g["sd"] = np.sqrt((1.0 - b) * g.v + b**2 * var_mu)
        out.append(g)
    return pd.concat(out), priors


@cache
def _estimate(data_year: int) -> tuple[pd.DataFrame, dict[str, dict[str, tuple[float, float, float]]]]:
    t = _table()
    parts = {}
    priors = {}
    for key, (var, sources) in _SERIES.items():
        ch = _changes(t, var, sources, data_year)
        own = ch.groupby(["iso3", "theatre"]).change.agg(["mean", "std", "count"]).reset_index()
        own = own[own["count"] >= MIN_CHANGES]
        own = own.assign(d=own["mean"],
                         v=np.maximum(own["std"].fillna(0.0) ** 2, S_MIN**2) / own["count"])
        pooled, pri = _pool(own[["iso3", "theatre", "d", "v", "count"]], FALLBACK[key])
        for th in t.theatre.unique():
            pri.setdefault(str(th), FALLBACK[key])
        parts[key] = pooled.set_index("iso3")
        priors[key] = pri
    states = t[t.year == data_year][["iso3", "theatre"]].drop_duplicates("iso3").set_index("iso3")
    out = pd.DataFrame(index=states.index)
    out["theatre"] = states.theatre
    names = {"milex": ("milex_trend", "milex_trend_sd"), "gdp": ("gdp_growth", "gdp_growth_sd")}
    for key, (m, s) in names.items():
        p = parts[key].reindex(out.index)
        prior = out.theatre.map(lambda r, key=key: priors[key].get(r, (np.nan, np.nan, np.nan)))
        mu = prior.map(lambda x: x[0])
        pred_sd = prior.map(lambda x: float(np.sqrt(x[1] + x[2])))
        out[m] = p["mean"].fillna(mu)
        out[s] = p["sd"].fillna(pred_sd)
        out[f"{key}_own"] = p["d"]
        out[f"{key}_changes"] = p["count"].fillna(0).astype(int)
    return out.sort_index(), priors


def trends(world_year: int) -> pd.DataFrame:
    """Every state's real trends as known in ``world_year`` (1995-2024).

    Returns a frame indexed by ISO3 with ``milex_trend``, ``milex_trend_sd``
    (real growth of military spending, 1/yr: posterior mean and sd),
    ``gdp_growth``, ``gdp_growth_sd`` (real GDP growth, 1/yr), ``theatre``,
    the own estimates ``milex_own``/``gdp_own`` (NaN without enough data) and
    the number of observed changes ``milex_changes``/``gdp_changes``. Uses
    data up to ``min(world_year, 2023)`` only.
    """
    if (not isinstance(world_year, int) or isinstance(world_year, bool)
            or not FIRST_DATA <= world_year <= LAST_DATA + 1):
        raise DataError("trends: world_year",
                        f"expected a year from {FIRST_DATA} to {LAST_DATA + 1}, found {world_year!r}")
    return _estimate(min(world_year, LAST_DATA))[0].copy()


def region_priors(world_year: int) -> dict[str, dict[str, tuple[float, float, float]]]:
    """``{"milex"|"gdp": {theatre: (mu, Var(mu), tau^2)}}`` of the pooling in ``world_year``."""
    trends(world_year)  # validates the year
    return _estimate(min(world_year, LAST_DATA))[1]


def trend_arrays(iso3: Sequence[str], theatre: Sequence[str], world_year: int) -> dict[str, np.ndarray]:
    """The four trend columns as ``(N,)`` arrays in the order of ``iso3``.

    A state not in the tables (a user's new actor) gets its theatre's
    predictive distribution; a theatre with no pooled states gets the pooled
    predictive of all theatres (their mean, and the widest sd).
    """
    est = trends(world_year)
    pri = region_priors(world_year)
    out = {c: np.empty(len(iso3)) for c in COLUMNS}
    vals = est[list(COLUMNS)].to_numpy(dtype=float)
    pos = {c: i for i, c in enumerate(est.index)}
    for k, (code, th) in enumerate(zip(iso3, theatre, strict=True)):  # setup: once per world
        if code in pos:
            for j, c in enumerate(COLUMNS):
                out[c][k] = vals[pos[code], j]
            continue
        for key, m, s in (("milex", "milex_trend", "milex_trend_sd"),
                          ("gdp", "gdp_growth", "gdp_growth_sd")):
            p = pri[key]
            if th in p:
                mu, var_mu, tau2 = p[th]
                out[m][k], out[s][k] = mu, float(np.sqrt(var_mu + tau2))
            else:
                out[m][k] = float(np.mean([v[0] for v in p.values()]))
                out[s][k] = float(max(np.sqrt(v[1] + v[2]) for v in p.values()))
    return out
