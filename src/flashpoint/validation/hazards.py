r"""Crisis-onset and escalation hazards fitted to the conflict record, and scored out of sample.

Data
----
``world/data/conflict_dyads.csv.gz`` (built by ``scripts/build_world.py``):
politically relevant non-directed dyad-years 1946-2024 (capitals within
1,500 km, a COW major power, or a Thompson-Dreyer rivalry; Maoz & Russett
1993's definition with capital distance standing in for contiguity), with

* outcomes: ``mid`` the hostility level of a Gibler-Miller-Little MID onset
  (GML 2.2.1; 0 none, 2 threat, 3 display, 4 use of force, 5 war; to 2010)
  and ``init``, the state on its initiating side A; ``ucdp`` a UCDP/PRIO
  interstate conflict episode onset (1946-2024);
* covariates the model has: ``riv`` strategic rivalry (the model's tension),
  ``ext_a``/``ext_b`` a COW major power's defence commitment to a/b (the
  model's credibility), ``bal_a``/``bal_b`` ln of a's (b's) capabilities with
  its protectors' over the other's (NMC CINC; the model's local balance),
  ``def`` a defence pact between the two, ``nuc`` nuclear-armed states in the
  dyad, ``ldist`` ln capital distance, ``maj`` major powers in the dyad;
  ``trade`` the weaker side's dependence on the pair's trade (COW Trade 4.0,
  1990-2014 only: it starts after most of the training window, so it enters
  only the separate 1990-2010 fit, :func:`trade_fit`).

MID onsets are modelled per *directed* dyad-year (:func:`directed`:
challenger = the state on side A, target = the other), the unit of the
model's flashpoints (a challenger and its targets); ``ext`` and ``bal`` are
then the target's. UCDP onsets have no initiator and are modelled per
non-directed dyad-year (:func:`with_outcomes`: the weaker side's ``ext`` and
``bal``).

Model
-----
A discrete-time hazard with the complementary log-log link, so that the
linear predictor is the log of a continuous-time yearly hazard, exactly the
form of the model's :mod:`~flashpoint.mechanisms.deterrence`:

.. math::

    P(y_{dt} = 1) = 1 - \exp\{-\exp(x_{dt}^\top\beta)\},\qquad
    \beta_j \sim N(0, \sigma_j^2),

with weakly informative priors (``sigma = 2.5`` for the coefficients, 10 for
the intercept; Gelman et al. 2008's scale for logistic regression). The
posterior is approximated by Laplace's method (mode by Newton's method with
the analytic gradient and Hessian, covariance the inverse Hessian at the
mode): a penalised-likelihood fit with standard errors. Escalation is the
same model on MID onsets, with outcome "the dispute reached war" (hostility
5) or "use of force" (4 or 5).

Scores (ViEWS-style; Hegre et al. 2019)
---------------------------------------
Fitted on 1946-1995; scored on MID onsets 1996-2010 and on UCDP interstate
onsets 2011-2024 (the UCDP hazard is fitted on 1946-1995 UCDP onsets with the
same covariates): Brier score and mean log score per dyad-year, CRPS of the
yearly onset count (posterior-predictive draws), and the share of years whose
count lies in the central 90 % predictive interval. Baselines: a constant
rate and a rivalry-only hazard, both fitted on the same years.

References
----------
Gibler, D. M., Miller, S. V. & Little, E. K. (2016). An analysis of the
    Militarized Interstate Dispute (MID) dataset, 1816-2001. *International
    Studies Quarterly* 60(4), 719-730. doi:10.1093/isq/sqw045
Beck, N., Katz, J. N. & Tucker, R. (1998). Taking time seriously: time-series
    cross-section analysis with a binary dependent variable. *American
    Journal of Political Science* 42(4), 1260-1288. doi:10.2307/2991857
Huth, P. & Russett, B. (1984). What makes deterrence work? *World Politics*
    36(4), 496-526. doi:10.2307/2010184
Fearon, J. D. (1994). Signaling versus the balance of power and interests:
    an empirical test of a crisis bargaining model. *Journal of Conflict
    Resolution* 38(2), 236-269. doi:10.1177/0022002794038002004
Leeds, B. A. (2003). Do alliances deter aggression? The influence of military
    alliances on the initiation of militarized interstate disputes.
    *American Journal of Political Science* 47(3), 427-439.
    doi:10.1111/1540-5907.00031
Maoz, Z. & Russett, B. (1993). Normative and structural causes of democratic
    peace. *American Political Science Review* 87(3), 624-638.
    doi:10.2307/2938740
Gelman, A., Jakulin, A., Pittau, M. G. & Su, Y.-S. (2008). A weakly
    informative default prior distribution for logistic and other regression
    models. *Annals of Applied Statistics* 2(4), 1360-1383.
    doi:10.1214/08-AOAS191
Hegre, H. et al. (2019). ViEWS: a political violence early-warning system.
    *Journal of Peace Research* 56(2), 155-174. doi:10.1177/0022343319823860
Gneiting, T. & Raftery, A. E. (2007). Strictly proper scoring rules,
    prediction, and estimation. *JASA* 102(477), 359-378.
    doi:10.1198/016214506000001437
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import gammaln

from flashpoint._types import FloatArray
from flashpoint.errors import DataError
from flashpoint.validation.scoring import coverage, crps_ensemble

__all__ = [
    "COVARIATES",
    "FLASHPOINT_DYADS",
    "HazardFit",
    "derive_priors",
    "directed",
    "fit_hazard",
    "fitted_priors",
    "flashpoint_table",
    "load_dyads",
    "score_hazards",
    "trade_fit",
    "with_outcomes",
    "write_priors",
]

#: Covariates of the full hazard model (column names of the dyad table).
COVARIATES: tuple[str, ...] = ("riv", "ext", "bal", "def", "nuc", "ldist", "maj")
PRIOR_SD, INTERCEPT_SD = 2.5, 10.0

#: Each flashpoint (flashpoint.world.flashpoints) and the directed COW dyads (challenger,
#: target) whose history informs it.
FLASHPOINT_DYADS: dict[str, tuple[tuple[int, int], ...]] = {
    "taiwan_strait": ((710, 713),),                      # China-Taiwan
    "korean_peninsula": ((731, 732),),                   # North-South Korea
    "south_china_sea": ((710, 840), (710, 816), (710, 820)),  # China-Philippines/Vietnam/Malaysia
    "east_china_sea": ((710, 740),),                     # China-Japan
    "baltic": ((365, 366), (365, 367), (365, 368)),      # Russia-Estonia/Latvia/Lithuania
    "russia_ukraine": ((365, 369),),                     # Russia-Ukraine
}


def load_dyads() -> pd.DataFrame:
    """The shipped dyad-year table (see the module docstring)."""
    from flashpoint.world.provenance import data_path

    return _read(str(data_path("conflict_dyads.csv.gz")))


@cache
def _read(path: str) -> pd.DataFrame:
    return pd.read_csv(path)


# ---------------------------------------------------------------- the fit
@dataclass(frozen=True, eq=False)
class HazardFit:
    """A Laplace-approximate posterior of a cloglog hazard.

    names : intercept then covariates; mean : posterior mode; cov : inverse
    Hessian at the mode; n, events : observations and events;
    diagnostics : convergence and fit figures.
    """

    outcome: str
    years: tuple[int, int]
    names: tuple[str, ...]
    mean: FloatArray
    cov: FloatArray
    n: int
    events: int
    diagnostics: dict[str, float] = field(default_factory=dict)

    @property
    def sd(self) -> FloatArray:
        """Posterior standard deviations."""
        return np.sqrt(np.diag(self.cov))

    def table(self) -> pd.DataFrame:
        """Coefficients: mode, sd, 5 % and 95 % and the hazard ratio ``exp(mode)``."""
        z = 1.6448536269514722
        return pd.DataFrame({"coef": self.mean, "sd": self.sd, "q05": self.mean - z * self.sd,
                             "q95": self.mean + z * self.sd, "hazard ratio": np.exp(self.mean)},
                            index=list(self.names))

    def design(self, df: pd.DataFrame) -> FloatArray:
        """Design matrix of ``df`` for this fit."""
        return _design(df, self.names[1:])

    def predict(self, df: pd.DataFrame) -> FloatArray:
        """Annual onset probability of each row at the posterior mode."""
        return _cloglog(self.design(df) @ self.mean)

    def draws(self, n: int, seed: int = 0) -> FloatArray:
        """``n`` posterior draws of the coefficients, ``(n, k)``."""
        rng = np.random.default_rng(seed)
        return rng.multivariate_normal(self.mean, self.cov, size=n, method="cholesky")


def _design(df: pd.DataFrame, covariates: tuple[str, ...]) -> FloatArray:
    x = np.ones((len(df), len(covariates) + 1))
    for j, c in enumerate(covariates):
        x[:, j + 1] = df[c].to_numpy(dtype=np.float64)
    return x


def _cloglog(eta: FloatArray) -> FloatArray:
    return -np.expm1(-np.exp(np.clip(eta, -30.0, 10.0)))


def fit_hazard(df: pd.DataFrame, outcome: str, covariates: tuple[str, ...] = COVARIATES,
               years: tuple[int, int] | None = None, max_iter: int = 100) -> HazardFit:
    """Fit ``P(y=1) = 1 - exp(-exp(x'b))`` with normal priors by Newton's method (Laplace posterior).

    Parameters
    ----------
    df : DataFrame
        Dyad-years with the outcome column (0/1, NaN rows dropped) and the covariates.
    outcome : str
        Outcome column name; values > 0 count as events.
    covariates : tuple of str
        Covariate columns (an intercept is added).
    years : (first, last), optional
        Restrict to these years (inclusive).

    Raises
    ------
    DataError
        Fewer observations than parameters, no events, or a missing column.
    """
    missing = [c for c in (outcome, *covariates, "year") if c not in df.columns]
    if missing:
        raise DataError("hazard fit", f"missing columns {missing}.")
    d = df if years is None else df[(df.year >= years[0]) & (df.year <= years[1])]
    d = d[d[outcome].notna()]
    k = len(covariates) + 1
    if len(d) < k:
        raise DataError("hazard fit", f"{outcome}: {len(d)} observations for {k} parameters; "
                        "a hazard needs at least as many observations as parameters.")
    y = (d[outcome].to_numpy(dtype=np.float64) > 0).astype(np.float64)
    if y.sum() == 0:
        raise DataError("hazard fit", f"{outcome}: no events in {len(d)} observations; nothing to fit.")
    x = _design(d, covariates)
    prec = np.full(k, 1.0 / PRIOR_SD**2)
    prec[0] = 1.0 / INTERCEPT_SD**2
    b = np.zeros(k)
    b[0] = np.log(-np.log1p(-y.mean()))

    def parts(b: FloatArray) -> tuple[float, FloatArray, FloatArray]:
        eta = np.clip(x @ b, -30.0, 10.0)
        m = np.exp(eta)                          # hazard
        p = -np.expm1(-m)                        # P(event)
        p = np.clip(p, 1e-300, 1.0)
        ll = float(np.sum(y * np.log(p) - (1 - y) * m)) - 0.5 * float(np.sum(prec * b * b))
        r = m * np.exp(-m) / p                   # d log p / d eta = m e^-m / p
        g_eta = y * r - (1 - y) * m
        grad = x.T @ g_eta - prec * b
        # second derivative of the log-likelihood in eta
        dr = r * (1 - m) - r * r                 # d r / d eta
        h_eta = y * dr - (1 - y) * m
        hess = (x * h_eta[:, None]).T @ x - np.diag(prec)
        return ll, grad, hess

    ll, g, h = parts(b)
    iterations = 0
    while iterations < max_iter:
        iterations += 1
        step = np.linalg.solve(h, -g)
        t = 1.0
        while True:
            ll_new, g_new, h_new = parts(b + t * step)
            if ll_new >= ll - 1e-10 or t < 1e-6:
                break
            t *= 0.5
        b, done = b + t * step, abs(ll_new - ll) < 1e-9
        ll, g, h = ll_new, g_new, h_new
        if done and np.max(np.abs(g)) < 1e-6:
            break
    cov = np.asarray(np.linalg.inv(-h), dtype=np.float64)
    p = _cloglog(x @ b)
    ev = np.linalg.eigvalsh(-h)
    loglik = float(np.sum(y * np.log(np.clip(p, 1e-300, 1)) + (1 - y) * np.log1p(-np.clip(p, 0, 1 - 1e-15))))
    p0 = y.mean()
    ll0 = float(len(y) * (p0 * np.log(p0) + (1 - p0) * np.log1p(-p0)))
    diag = {
        "iterations": float(iterations), "max_abs_gradient": float(np.max(np.abs(g))),
        "hessian_condition": float(ev.max() / ev.min()), "log_likelihood": loglik,
        "null_log_likelihood": ll0, "mcfadden_r2": 1.0 - loglik / ll0,
        "brier_in_sample": float(np.mean((p - y) ** 2)),
        "expected_events": float(p.sum()), "observed_events": float(y.sum()),
    }
    yrs = (int(d.year.min()), int(d.year.max()))
    return HazardFit(outcome=outcome, years=yrs, names=("const", *covariates), mean=b, cov=cov,
                     n=len(y), events=int(y.sum()), diagnostics=diag)


def calibration(fit: HazardFit, df: pd.DataFrame, bins: int = 10) -> pd.DataFrame:
    """Observed vs expected events by decile of the fitted probability."""
    d = df[df[fit.outcome].notna()]
    p = fit.predict(d)
    y = (d[fit.outcome].to_numpy() > 0).astype(float)
    q = pd.qcut(pd.Series(p).rank(method="first"), bins, labels=False)
    g = pd.DataFrame({"bin": q, "p": p, "y": y}).groupby("bin")
    return pd.DataFrame({"n": g.y.size(), "mean p": g.p.mean(), "expected": g.p.sum(),
                         "observed": g.y.sum()})


def trade_fit(df: pd.DataFrame | None = None, years: tuple[int, int] = (1990, 2010)) -> HazardFit:
    """The MID onset hazard with trade dependence (percent of the weaker side's trade), 1990-2010."""
    d = directed(load_dyads() if df is None else df)
    d = d[d.trade_pct.notna()]
    return fit_hazard(d, "onset", (*COVARIATES, "trade_pct"), years=years)


# ---------------------------------------------------------------- scores
def with_outcomes(df: pd.DataFrame) -> pd.DataFrame:
    """Non-directed view: 0/1 ``onset`` (any MID), ``force`` (hostility >= 4), ``war5`` (5), NaN after 2010.

    Adds the non-directed ``ext`` (the weaker side, the one with the lower
    balance, holds a major power's commitment) and ``bal`` (that side's
    balance, ``min(bal_a, bal_b)``).
    """
    weak_a = df.bal_a.to_numpy() <= df.bal_b.to_numpy()
    return df.assign(onset=np.where(df.mid.isna(), np.nan, (df.mid > 0).astype(float)),
                     force=np.where(df.mid.isna(), np.nan, (df.mid >= 4).astype(float)),
                     war5=np.where(df.mid.isna(), np.nan, (df.mid >= 5).astype(float)),
                     ext=np.where(weak_a, df.ext_a, df.ext_b),
                     bal=np.minimum(df.bal_a, df.bal_b))


def directed(df: pd.DataFrame) -> pd.DataFrame:
    """Directed dyad-years, challenger ``a`` -> target ``b`` (each non-directed row twice).

    ``onset``/``force``/``war5``: a MID onset with the challenger on side A
    (the initiating side; GML ``sidea``), at that hostility. ``ext`` and
    ``bal`` are the target's: a major power's defence commitment to the target,
    and ln((target + protectors) / challenger), the model's credibility and
    local balance. NaN outcomes after 2010.
    """
    mid = df.mid.to_numpy(dtype=np.float64)
    init = df.init.to_numpy()
    sym = ["year", "riv", "def", "nuc", "ldist", "maj"] + (["trade"] if "trade" in df else [])
    parts = []
    for who, chal, tgt, ext, bal in ((1, "a", "b", "ext_b", "bal_b"), (2, "b", "a", "ext_a", "bal_a")):
        mine = np.where(np.isnan(mid), np.nan, ((mid > 0) & (init == who)).astype(float))
        x = df[sym].copy()
        x.insert(0, "b", df[tgt].to_numpy())
        x.insert(0, "a", df[chal].to_numpy())
        x["ext"], x["bal"] = df[ext].to_numpy(), df[bal].to_numpy()
        x["onset"] = mine
        x["force"] = np.where(np.isnan(mine), np.nan, mine * (mid >= 4))
        x["war5"] = np.where(np.isnan(mine), np.nan, mine * (mid >= 5))
        if "trade" in x:
            x["trade_pct"] = 100.0 * x["trade"]
        parts.append(x)
    return pd.concat(parts, ignore_index=True)


@dataclass(frozen=True, eq=False)
class HazardScores:
    """Out-of-sample scores: ``table`` (one row per target and method) and the fits."""

    table: pd.DataFrame
    fits: dict[str, HazardFit]


def _score(method: str, target: str, p: FloatArray, pdraws: FloatArray, y: FloatArray,
           years: np.ndarray, seed: int) -> dict[str, float | str]:
    eps = 1e-12
    pc = np.clip(p, eps, 1 - eps)
    brier = float(np.mean((p - y) ** 2))
    logs = float(-np.mean(y * np.log(pc) + (1 - y) * np.log1p(-pc)))
    uy = np.unique(years)
    rng = np.random.default_rng(seed)
    # counts per year: Bernoulli draws at each posterior draw of the probabilities
    counts = np.zeros((uy.size, pdraws.shape[0]))
    idx = np.searchsorted(uy, years)
    for s in range(pdraws.shape[0]):
        hit = rng.random(p.size) < pdraws[s]
        counts[:, s] = np.bincount(idx, weights=hit, minlength=uy.size)
    obs = np.bincount(idx, weights=y, minlength=uy.size).astype(np.float64)
    return {"target": target, "method": method, "dyad-years": int(y.size), "events": int(y.sum()),
            "expected": float(p.sum()), "Brier": brier, "log score": logs,
            "CRPS count": float(np.mean(crps_ensemble(counts, obs))),
            "cov90 count": float(np.mean(coverage(counts, obs, 0.9)))}


def score_hazards(train: tuple[int, int] = (1946, 1995), draws: int = 300, seed: int = 0,
                  df: pd.DataFrame | None = None) -> HazardScores:
    """Fit on ``train`` and score MID onsets 1996-2010 and UCDP interstate onsets 2011-2024.

    MID onsets are scored per directed dyad-year (challenger -> target, the
    unit of the model's flashpoints); UCDP onsets, which have no initiator,
    per non-directed dyad-year with the weaker side's commitment and balance.

    Methods: the full hazard (:data:`COVARIATES`), a rivalry-only hazard and
    a constant rate, each fitted on ``train``. Count intervals come from
    ``draws`` posterior draws (parameter and Bernoulli uncertainty).
    """
    raw = load_dyads() if df is None else df
    views = {"onset": directed(raw), "ucdp": with_outcomes(raw)}
    specs = {"hazard": COVARIATES, "rivalry only": ("riv",), "constant": ()}
    targets = ((f"MID {train[1] + 1}-2010", "onset", (train[1] + 1, 2010)),
               (f"UCDP {train[1] + 1}-2010", "ucdp", (train[1] + 1, 2010)),
               ("UCDP 2011-2024", "ucdp", (2011, 2024)))
    rows, fits = [], {}
    for tname, outcome, (y0, y1) in targets:
        d = views[outcome]
        test = d[(d.year >= y0) & (d.year <= y1) & d[outcome].notna()]
        y = (test[outcome].to_numpy() > 0).astype(float)
        for mname, cov in specs.items():
            key = f"{outcome}:{mname}"
            if key not in fits:
                fits[key] = fit_hazard(d, outcome, cov, years=train)
            f = fits[key]
            x = f.design(test)
            p = _cloglog(x @ f.mean)
            pd_ = _cloglog(f.draws(draws, seed) @ x.T)
            rows.append(_score(mname, tname, p, pd_, y, test.year.to_numpy(), seed))
    return HazardScores(table=pd.DataFrame(rows), fits=fits)


# ---------------------------------------------------------------- flashpoints
def _nb_loglik(a: float, o: FloatArray, e: FloatArray) -> float:
    return float(np.sum(gammaln(o + a) - gammaln(a) - gammaln(o + 1) + a * np.log(a / (a + e))
                        + o * np.log(np.where(e > 0, e / (a + e), 1.0))))


def pooling_shape(fit: HazardFit, df: pd.DataFrame) -> float:
    """Gamma frailty shape ``a`` of dyad heterogeneity (multiplier ~ Gamma(a, a)), by marginal likelihood.

    Each dyad's onset count is Poisson(theta * E) with ``E`` its fitted
    expected count; integrating theta gives a negative binomial, whose
    likelihood over all dyads is maximised over ``a`` on a grid.
    """
    d = df[df[fit.outcome].notna()]
    g = d.assign(p=fit.predict(d), o=(d[fit.outcome] > 0).astype(float)).groupby(["a", "b"])
    o, e = g.o.sum().to_numpy(), g.p.sum().to_numpy()
    grid = np.exp(np.linspace(np.log(0.05), np.log(50.0), 200))
    ll = [_nb_loglik(a, o, e) for a in grid]
    return float(grid[int(np.argmax(ll))])


#: Analogue pools for flashpoints with a thin record: Russia against the other post-Soviet
#: states (Moldova, Belarus, Armenia, Georgia, Azerbaijan and the Central Asian states; COW).
POST_SOVIET = tuple((365, c) for c in (359, 366, 367, 368, 369, 370, 371, 372, 373, 701, 702, 703, 704, 705))
POOLS: dict[str, tuple[tuple[int, int], ...]] = {"baltic": POST_SOVIET, "russia_ukraine": POST_SOVIET}
#: A flashpoint's record is thin below this many years of record per dyad or this many onsets.
THIN_YEARS, THIN_ONSETS = 30, 5


def _record(d: pd.DataFrame, fit: HazardFit, dyads: tuple[tuple[int, int], ...]) -> tuple[pd.DataFrame, float, float]:
    sel = d[[(x, y) in dyads for x, y in zip(d.a, d.b, strict=True)]]
    sel = sel[sel[fit.outcome].notna()]
    o = float((sel[fit.outcome] > 0).sum())
    e = float(fit.predict(sel).sum()) if len(sel) else 0.0
    return sel, o, e


def flashpoint_table(fit: HazardFit, df: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per flashpoint: its dyads' record, the fitted and the partially pooled annual onset rate.

    Two-level gamma frailty: a flashpoint's hazard multiplier ``theta`` has
    the prior ``Gamma(a, a / theta_pool)`` (mean ``theta_pool``, shape ``a``
    from :func:`pooling_shape`), so its posterior mean is ``(O + a) / (E + a
    / theta_pool)`` with ``O`` observed and ``E`` fitted onsets. For a
    flashpoint with a rich record ``theta_pool = 1`` (the global model); for
    a thin one (fewer than :data:`THIN_YEARS` years of record per dyad or
    :data:`THIN_ONSETS` onsets) ``theta_pool`` is the multiplier of its
    analogue pool (:data:`POOLS`, itself pooled towards 1). ``annual
    hazard`` is the fitted hazard at the dyads' last observed covariates
    times the multiplier.
    """
    d = directed(load_dyads() if df is None else df)
    d = d[(d.year >= fit.years[0]) & (d.year <= fit.years[1])]
    a = pooling_shape(fit, d)
    rows = []
    for fp, dyads in FLASHPOINT_DYADS.items():
        sel, o, e = _record(d, fit, dyads)
        thin = len(sel) / max(len(dyads), 1) < THIN_YEARS or o < THIN_ONSETS
        pool, how = 1.0, "own, pooled to global"
        if thin and fp in POOLS:
            _, po, pe = _record(d, fit, POOLS[fp])
            pool = (po + a) / (pe + a)
            how = f"thin: pooled to RUS vs post-Soviet ({int(po)} onsets, x{pool:.2f})"
        elif thin:
            how = "thin, pooled to global"
        mult = (o + a) / (e + a / pool)
        last = sel[sel.year == sel.year.max()] if len(sel) else sel
        rate = float(-np.log1p(-fit.predict(last)).mean()) * mult if len(last) else float("nan")
        rows.append({"flashpoint": fp, "dyads": "; ".join(f"{x}-{y}" for x, y in dyads),
                     "dyad-years": len(sel), "onsets": int(o), "expected": e,
                     "pooled multiplier": mult, "annual hazard": rate, "record": how})
    return pd.DataFrame(rows).set_index("flashpoint")


# ---------------------------------------------------------------- priors for deterrence
#: Decay, starting intensity and intensity slope of deterrence's crisis, at their defaults:
#: not identified by dyad-year data, used only to convert P(escalation | onset) to mu_0.
CRISIS_START, CRISIS_DECAY, CRISIS_SLOPE, CRISIS_END_LEVEL = 0.6, 1.5, 2.0, 0.05


def _crisis_exposure() -> float:
    """``integral_0^T exp(e_c c0 e^{-delta t}) dt`` over a crisis's life ``T = ln(c0/c_end)/delta``."""
    t_end = np.log(CRISIS_START / CRISIS_END_LEVEL) / CRISIS_DECAY
    t = np.linspace(0.0, t_end, 2001)
    f = np.exp(CRISIS_SLOPE * CRISIS_START * np.exp(-CRISIS_DECAY * t))
    return float(np.sum((f[1:] + f[:-1]) * np.diff(t)) / 2)


def derive_priors(onset: HazardFit, war: HazardFit, df: pd.DataFrame | None = None) -> dict[str, dict[str, float | str]]:
    """Deterrence priors (default, low, high, source) from the fitted hazards.

    Mapping (deterrence's equations), on directed dyad-years (challenger ->
    target): tension ``tau`` = rivalry (0/1), so ``b_tau = beta_riv``; ``ln
    B`` = ``bal`` (the target's side against the challenger), ``b_bal =
    -beta_bal``; for escalation, from the war-given-onset fit, also
    credibility ``kappa`` = the target's major-power defence commitment,
    ``e_cred = -beta_ext``. The onset coefficient of the commitment is not
    mapped: it is positive (commitments go to threatened states, a selection
    effect; Fearon 1994), so it cannot stand for the causal ``b_cred``. The
    base rates are the hazards at tau = kappa = 0, ln B = 0 and the
    flashpoint dyads' distance, nuclear and major-power covariates; the
    escalation base converts P(war | onset) through the crisis's exposure
    (:func:`_crisis_exposure`). Ranges: posterior 5-95 %; for the base rates
    the range over the flashpoints' dyads and the posterior.
    """
    d = directed(load_dyads() if df is None else df)
    z = 1.6448536269514722
    fp_dyads = {dy for v in FLASHPOINT_DYADS.values() for dy in v}
    last = d[[(x, y) in fp_dyads for x, y in zip(d.a, d.b, strict=True)]]
    last = last[last.year == 2010].copy()
    ref = last.assign(riv=0, ext=0, bal=0.0)
    yrs = f"{onset.years[0]}-{onset.years[1]}"
    src = ("fitted: cloglog hazard of GML MID 2.2.1 {what} in politically relevant dyad-years "
           f"{yrs} (Laplace posterior, N(0, 2.5^2) priors; validation/hazards.py, docs/validation.md); "
           "{map}; range = posterior 5-95 %")
    out: dict[str, dict[str, float | str]] = {}

    def coef(fit: HazardFit, name: str, sign: float, pname: str, what: str, mp: str) -> None:
        j = fit.names.index(name)
        m, s = sign * fit.mean[j], fit.sd[j]
        out[pname] = {"default": float(m), "low": float(m - z * s), "high": float(m + z * s),
                      "source": src.format(what=what, map=mp)}

    coef(onset, "riv", 1.0, "deterrence.tension_onset", "onsets",
         "b_tau = coefficient of a Thompson-Dreyer rivalry (tension 1 = rivalry)")
    coef(onset, "bal", -1.0, "deterrence.balance_onset", "onsets",
         "b_bal = minus the coefficient of ln(target's CINC incl. its major-power protectors / "
         "challenger's)")
    coef(war, "riv", 1.0, "deterrence.tension_escalation", "onsets reaching war (hostility 5)",
         "e_tau = coefficient of rivalry in P(war | onset)")
    coef(war, "ext", -1.0, "deterrence.credibility_escalation", "onsets reaching war (hostility 5)",
         "e_cred = minus the coefficient of a major power's defence commitment to the target in "
         "P(war | onset)")
    coef(war, "bal", -1.0, "deterrence.balance_escalation", "onsets reaching war (hostility 5)",
         "e_bal = minus the coefficient of the balance in P(war | onset)")
    xs = onset.design(ref)
    draws = onset.draws(400, 1)
    lam = np.exp(draws @ xs.T)
    lam_mode = np.exp(xs @ onset.mean)
    out["deterrence.base_rate"] = {
        "default": float(np.median(lam_mode)), "low": float(np.quantile(lam, 0.05)),
        "high": float(np.quantile(lam, 0.95)),
        "source": src.format(what="onsets", map="lambda_0 = hazard at rivalry 0, no commitment, "
                             "ln balance 0, with the flashpoint dyads' 2010 distance, nuclear and "
                             "major-power covariates (median over them)").replace(
            "posterior 5-95 %", "5-95 % over the posterior and the flashpoint dyads")}
    xw = war.design(ref)
    expo = _crisis_exposure()
    mu = np.exp(war.draws(400, 2) @ xw.T) / expo
    mu_mode = np.exp(xw @ war.mean) / expo
    out["deterrence.escalation_rate"] = {
        "default": float(np.median(mu_mode)), "low": float(np.quantile(mu, 0.05)),
        "high": float(np.quantile(mu, 0.95)),
        "source": src.format(what="onsets reaching war (hostility 5)",
                             map=f"mu_0 = exp(eta) / {expo:.3f}, the exposure of a crisis starting at "
                             "intensity 0.6 decaying at 1.5/yr with e_c = 2 (deterrence defaults), "
                             "at rivalry 0, no commitment, ln balance 0 and the flashpoint dyads' "
                             "covariates").replace(
            "posterior 5-95 %", "5-95 % over the posterior and the flashpoint dyads")}
    for v in out.values():
        lo, hi, de = float(v["low"]), float(v["high"]), float(v["default"])
        v["low"], v["high"] = min(lo, de), max(hi, de)
    return out


PRIORS_FILE = "hazard_priors.json"


#: Slopes whose sign deterrence's equations fix (>= 0); a fitted range below 0 is cut at 0.
SIGNED = frozenset({"deterrence.tension_onset", "deterrence.balance_onset",
                    "deterrence.tension_escalation", "deterrence.credibility_escalation",
                    "deterrence.balance_escalation"})
#: Sub-periods whose fits bound the prior ranges (temporal stability of the estimates).
PRIOR_PERIODS: tuple[tuple[int, int], ...] = ((1946, 2010), (1946, 1977), (1978, 2010))


def fitted_priors(df: pd.DataFrame | None = None) -> dict[str, dict[str, float | str]]:
    """Deterrence priors: the 1946-2010 fit's values, ranges enveloping the sub-period fits.

    Dyad-year data are plentiful, so one fit's posterior is narrow; what is
    uncertain is whether the relation holds across eras and how the dyad-year
    covariates translate into the model's tension, credibility and balance.
    The range is therefore the envelope of the posterior 5-95 % intervals of
    fits on each period of :data:`PRIOR_PERIODS`.
    """
    raw = load_dyads() if df is None else df
    d = directed(raw)
    parts = []
    for years in PRIOR_PERIODS:
        onset = fit_hazard(d, "onset", years=years)
        war = fit_hazard(d[d.onset == 1], "war5", years=years)
        parts.append(derive_priors(onset, war, raw))
    out = parts[0]
    periods = ", ".join(f"{a}-{b}" for a, b in PRIOR_PERIODS[1:])
    for name, v in out.items():
        v["low"] = min(float(p[name]["low"]) for p in parts)
        v["high"] = max(float(p[name]["high"]) for p in parts)
        v["source"] = str(v["source"]) + f", enveloping the same intervals of fits on {periods}"
        if name in SIGNED and float(v["low"]) < 0.0:
            v["source"] = str(v["source"]) + (
                f"; the lower end ({float(v['low']):.3f}) cut at 0 (no effect): deterrence's "
                "equations fix the sign of this term (a wrong-signed effect is the spiral variant's)")
            v["low"] = 0.0
            v["default"] = max(float(v["default"]), 0.0)
    return out


def write_priors(path: Path | None = None) -> Path:
    """Write :func:`fitted_priors` as the JSON that deterrence's Parameter declarations read."""
    from flashpoint.world.provenance import data_path

    target = path or data_path(PRIORS_FILE)
    rounded = {k: {f: (round(x, 6) if isinstance(x, float) else x) for f, x in v.items()}
               for k, v in fitted_priors().items()}
    target.write_text(json.dumps(rounded, indent=1, sort_keys=True) + "\n")
    return target
