r"""Arms dynamics: a threat-weighted Richardson process bounded by economic capacity.

Theory
------
Richardson (1960) models each state's arming as a reaction to its rivals'
arms (``k``), restrained by fatigue, the cost of keeping arms (``a``), and
driven by standing grievances (``g``). Intriligator (1975) reads the
reaction term as the spending needed to keep a strategic balance, and
Glaser (2000) shows when such reactions are rational responses to a
security dilemma rather than spirals of misperception. Here the reaction
is weighted by perceived threat (the :mod:`~flashpoint.mechanisms.threat`
mechanism), so a state reacts to the arms of those it fears, not to every
budget in the world. Spending is bounded by economic capacity: growth is
damped as the defence burden approaches a ceiling.

Equations
---------
Two formulations are available (``ctx.variants["arms"]``).

``relative`` (default): Richardson's equations in log-deviations from the
observed trend, so that a state reacts to its rivals' *proportional*
arming, weighted by how much it fears each of them. With
``x_i = ln(m_i / m_i(0)) - r t`` (spending above or below the trend path),
threat weights ``W_ij = T_ij / sum_j T_ij`` and total perceived threat
``Theta_i = sum_j T_ij``::

    dx_i/dt = k * sum_j W_ij x_j + k_T * (Theta_i - Theta_i(0)) / max(Theta_i(0), 0.1)
              - a x_i
    dm_i/dt = m_i (r + dx_i/dt)  (damped by damp_i / damp_i(0) when positive)
              + phi * (f_i gdp_i - m_i) * [s_i < f_i] + sigma * m_i * dW_i / dt

Here ``r = r_i`` is actor i's own real trend in the run (``trend_rate``:
the posterior of :mod:`flashpoint.world.trends`, drawn at the run's
quantile ``arms.trend_quantile``), and the growth term is integrated
exactly over a step, ``m_i (exp(rate dt) - 1)``, like GDP in
:mod:`~flashpoint.mechanisms.economy`, so spending on its trend follows
``m_i(0) exp(r_i t)`` and ``x`` stays 0. At t = 0 (x = 0, threat as
observed) every actor grows at its trend ``r_i``; the model explains
departures from it. Since ``W`` is row-stochastic, the
Richardson stability condition (Richardson 1960: a_1 a_2 > k_1 k_2) becomes
``k < a``: rivals' arming is absorbed when fatigue outweighs reaction.
Small states react to a large neighbour's *growth*, not to its size, so the
status quo does not inflate the budgets of small states next to big ones.

``absolute``: Richardson's original linear form in money::

    dm_i/dt = [ k * sum_j T_ij m_j - a m_i + g_i ]  (damped when positive)
              + phi * (f_i gdp_i - m_i) * [s_i < f_i]       (spending floor)
              + sigma * m_i * dW_i / dt                     (budget shocks)
    g_i = r m_i(0) / damping_i(0) + a m_i(0) - k * sum_j T_ij(0) m_j(0)
    damping = max(0, 1 - (s_i / s_max_i)^2),   s_i = m_i / gdp_i
    s_max_i = max(s_bar, 1.5 * s_i(0))

In the absolute form ``T_ij`` is the threat to i from j in [0, 1], ``k`` the reaction rate
(1/yr), ``a`` the fatigue rate (1/yr), ``g_i`` the grievance (US$ bn/yr²),
calibrated so that at t = 0 every actor's spending grows at the baseline
trend ``r`` (1/yr): the model explains *departures* from the observed trend,
not the trend itself. ``T_ij(0)`` is the threat in the initial state with
no scenario deployments, so a scenario's deployments change the threat
relative to the calibration. ``s_bar`` is the defence-burden ceiling
(share of GDP); states already near it (at war) get 1.5 times their
initial burden. ``f_i`` is the floor on the burden (share of GDP): the
higher of a scenario's spending floor and the world's pledges in force
(``pledge_floor``: NATO Wales 2014 and Vilnius 2023, Japan 2022, Poland and
the Baltic states; each a dated fact in ``facts.toml`` with a linear
adoption path to its target year and a per-run compliance
``arms.pledge_compliance``), pulled towards at rate ``phi``. ``dW`` is a Wiener increment
(``sqrt(dt)`` times ``draws.spending``). The step never takes spending
above the ceiling nor below half its current value.

Units
-----
``milex`` and ``gdp`` in US$ bn/yr at constant 2022 prices (one price
basis, so a floor or ceiling as a share of GDP is the same in every year);
``r_i``, ``k``, ``k_T``, ``a``, ``phi`` in 1/yr; ``sigma`` in 1/sqrt(yr);
``s``, ``s_bar``, ``f`` shares of GDP; ``T`` in [0, 1]. Another mechanism
(e.g. wartime mobilisation) may add its own ``milex`` delta: the trend,
floor and ceiling act on the state, not on this mechanism's own past.

Assumptions
-----------
* The reaction is linear in rival spending (Richardson), weighted by
  threat; there is no submissiveness term.
* Each actor keeps its last-decade real trend over the horizon; trend
  uncertainty is drawn at one quantile per run for every actor (comonotone).
* Budget shocks are proportional to spending and independent across
  actors and steps.
* The economic bound is a soft ceiling on the burden, not a hard budget
  constraint.

References
----------
Richardson, L. F. (1960). *Arms and Insecurity*. Boxwood Press.
Intriligator, M. D. (1975). Strategic considerations in the Richardson
    model of arms races. *Journal of Political Economy* 83(2), 339-353.
    doi:10.1086/260326
Glaser, C. L. (2000). The causes and consequences of arms races. *Annual
    Review of Political Science* 3, 251-276. doi:10.1146/annurev.polisci.3.1.251
Dunne, J. P. & Smith, R. P. (2007). The econometrics of military arms
    races. In T. Sandler & K. Hartley (eds), *Handbook of Defense
    Economics* vol. 2, ch. 28. Elsevier.
Smith, R., Dunne, P. & Nikolaidou, E. (2000). The econometrics of arms
    races. *Defence and Peace Economics* 11(1), 31-43.
Tian, N., Lopes da Silva, D., Liang, X., Scarazzato, L., Béraud-Sudreau, L.
    & Assis, A. (2023). *Trends in World Military Expenditure, 2022*.
    SIPRI Fact Sheet, April 2023.
NATO (2014). Wales Summit Declaration, paragraph 14.
NATO (2023). Vilnius Summit Communique, paragraph 27.
Morris, C. N. (1983). Parametric empirical Bayes inference: theory and
    applications. *JASA* 78(381), 47-55. doi:10.1080/01621459.1983.10477920

Kernel
------
:func:`step` has a compiled kernel, ``_step_kernel``, and :func:`pledge_floor`
another, ``_pledge_kernel``: the mechanism took about 6.5 % of the engine's
time (issue 17), mostly the ``(R, N, N)`` passes of :func:`_relative_drift`
(threat weights and their product with the deviations) and the
``(R, P, N)`` temporaries of the pledge floor. The step kernel fuses both
formulations (chosen per run), the floor pull, the shock and the bounds in
one pass per run; the terms fixed over a chunk (trend, ``Theta(0)``,
``damp(0)``, ceiling, grievance, the pledges' compliance) are memoised per
chunk. :func:`_relative_drift` and the NumPy code of :func:`step` stay the
reference.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from scipy.special import ndtri

from flashpoint import kernels
from flashpoint._types import FloatArray
from flashpoint.contract import State
from flashpoint.mechanisms._protocol import Context, Draws, Effect, Mechanism
from flashpoint.mechanisms.threat import baseline_threat, current_threat
from flashpoint.params import Parameter

__all__ = ["MECHANISM", "PARAMETERS", "UNITS", "VARIANTS", "burden_ceiling", "grievance", "pledge_floor",
           "step", "trend_rate"]

#: Units of the quantities this mechanism reads and writes (see the module docstring).
UNITS = {
    "milex": "US$ bn/yr, constant 2022 prices", "gdp": "US$ bn/yr, constant 2022 prices",
    "trend_rate": "1/yr (real)", "burden": "share of GDP", "pledge_floor": "share of GDP",
    "spending_floor": "share of GDP", "arms.reaction": "1/yr", "arms.threat_response": "1/yr",
    "arms.fatigue": "1/yr", "arms.max_share": "share of GDP", "arms.noise": "1/sqrt(yr)",
    "arms.floor_rate": "1/yr", "arms.trend_quantile": "quantile",
    "arms.pledge_compliance": "quantile",
}

#: Rival formulations: log-deviation (relative) and money (absolute) Richardson.
VARIANTS = ("relative", "absolute")

PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        name="arms.reaction",
        meaning="reaction rate k of spending to threat-weighted rival spending "
        "(relative form: to rivals' proportional arming above trend)",
        unit="1/year",
        default=0.05,
        low=0.0,
        high=0.2,
        source=(
            "Dunne & Smith (2007) and Smith, Dunne & Nikolaidou (2000) review "
            "estimated Richardson reaction coefficients and find them small and "
            "often insignificant outside a few dyads; the range starts at 0 (no "
            "arms race) and its upper end is a rationale: a rival of equal size "
            "at full threat raises growth by at most 20 %/yr; with fatigue "
            "in [0.03, 0.3] some runs violate k < a, i.e. are unstable arms races."
        ),
    ),
    Parameter(
        name="arms.threat_response",
        meaning="response k_T of spending growth to the relative change of total perceived "
        "threat (relative form)",
        unit="1/year",
        default=0.03,
        low=0.0,
        high=0.1,
        source=(
            "rationale: balance-of-threat arming (Walt 1987; Glaser 2000); a doubling "
            "of perceived threat raises spending growth by 0-10 points a year, the "
            "upper end near the post-2022 increases of the states bordering Russia "
            "(SIPRI fact sheet, Tian et al. 2023)."
        ),
    ),
    Parameter(
        name="arms.fatigue",
        meaning="fatigue rate a: cost of keeping arms, pulls spending back",
        unit="1/year",
        default=0.1,
        low=0.03,
        high=0.3,
        source=(
            "rationale: Richardson (1960) fatigue as the inverse of the time a "
            "budget takes to relax after a shock; 3-30 years (about one to six "
            "procurement cycles) brackets the adjustment speeds reported in the "
            "arms-race econometrics reviewed by Dunne & Smith (2007)."
        ),
        log=True,
    ),
    Parameter(
        name="arms.trend_quantile",
        meaning="per-run quantile q of every actor's posterior real spending trend r_i "
        "(flashpoint.world.trends); r_i = mean_i + sd_i * Phi^-1(q)",
        unit="quantile",
        default=0.5,
        low=0.005,
        high=0.995,
        source=(
            "the posterior of each actor's trend is an empirical-Bayes estimate from "
            "its own SIPRI record of the last decade shrunk towards its theatre "
            "(Morris 1983); the range is the central 99 % of that posterior, sampled "
            "at one quantile per run (comonotone across actors: aggregate bands are "
            "conservative)."
        ),
    ),
    Parameter(
        name="arms.max_share",
        meaning="ceiling s_bar on the defence burden (share of GDP) in peacetime",
        unit="share of GDP",
        default=0.06,
        low=0.04,
        high=0.1,
        source=(
            "rationale: in SIPRI's military expenditure database peacetime "
            "burdens above about 6 % of GDP are rare outside states at war or "
            "under siege; 4-10 % spans a cautious to a mobilised ceiling."
        ),
    ),
    Parameter(
        name="arms.noise",
        meaning="volatility sigma of idiosyncratic budget shocks",
        unit="1/sqrt(year)",
        default=0.03,
        low=0.0,
        high=0.08,
        source=(
            "rationale: year-on-year real changes of national military budgets "
            "in the SIPRI database are typically a few per cent outside wars; "
            "0 switches shocks off."
        ),
    ),
    Parameter(
        name="arms.floor_rate",
        meaning="rate phi at which spending is pulled up to a floor (scenario or pledge)",
        unit="1/year",
        default=0.2,
        low=0.1,
        high=0.5,
        source=(
            "NATO Wales Summit Declaration (2014) para. 14 gave allies a decade "
            "to move towards 2 % of GDP (phi ~ 0.1/yr); faster ramps (2-5 years) "
            "are the rationale for the upper end after 2022."
        ),
    ),
    Parameter(
        name="arms.pledge_compliance",
        meaning="per-run quantile of each pledge's compliance range: c_p = low_p + q (high_p - low_p), "
        "the share of the gap between the start burden and the pledged path that is closed",
        unit="quantile",
        default=0.5,
        low=0.0,
        high=1.0,
        source=(
            "each pledge's range in facts.toml [[pledge]].compliance, with its "
            "rationale (compliance_source); sampled uniformly over the range, one "
            "quantile per run for all pledges."
        ),
    ),
)


def trend_rate(ctx: Context) -> FloatArray:
    """Each run's real spending trend ``r_i`` (R, N), 1/yr (see ``arms.trend_quantile``)."""
    return np.asarray(ctx.cached("arms.trend_rate", lambda: _posterior(
        ctx.world.milex_trend, ctx.world.milex_trend_sd, ctx.p("arms.trend_quantile", 2),
        ctx.initial.milex.dtype)))


def _posterior(mean: FloatArray, sd: FloatArray, q: FloatArray, dtype: np.dtype) -> FloatArray:
    """``mean + sd * Phi^-1(q)`` (R, N) from (N,) posteriors and (R, 1) quantiles."""
    z = ndtri(np.clip(np.asarray(q, dtype=np.float64), 1e-9, 1.0 - 1e-9))
    return np.asarray(np.asarray(mean)[None, :] + np.asarray(sd)[None, :] * z, dtype=dtype)


def pledge_floor(ctx: Context) -> FloatArray:
    """Floor on the burden from the world's pledges at the step's time (R, N), share of GDP.

    For pledge ``p`` with target ``s_p``, reached ``Y_p`` years after the world's
    year, and an actor starting at burden ``s_i0``::

        f_pi(t) = s_i0 + c_p min(1, t / Y_p) (s_p - s_i0)   if s_i0 < s_p
                = s_p                                        otherwise
        f_i(t)  = max_p f_pi(t)  over the pledges that bind i  (0 if none)

    with ``c_p`` the run's compliance (``arms.pledge_compliance``); ``Y_p = 0``
    (a target year already passed) gives the full floor at once.
    """
    pl = ctx.world.pledges
    s0 = ctx.initial.milex / ctx.initial.gdp
    if pl.p == 0:
        return np.zeros_like(s0)
    if kernels.enabled():
        s0k, comp, target, members, years = ctx.cached("arms.pledge_terms", lambda: _pledge_terms(ctx))
        return _pledge_kernel(s0k, comp, target, members, years,  # type: ignore[no-any-return]
                              float(ctx.step * ctx.dt))
    dtype = s0.dtype
    t = ctx.step * ctx.dt
    frac = np.where(pl.years > 0, np.minimum(1.0, t / np.maximum(pl.years, 1e-9)), 1.0)
    q = ctx.p("arms.pledge_compliance", 2)  # (R, 1)
    c = pl.compliance[None, :, 0] + q * (pl.compliance[None, :, 1] - pl.compliance[None, :, 0])
    target = pl.target[None, :, None]
    below = s0[:, None, :] < target
    gap = (c * frac[None, :])[:, :, None] * (target - s0[:, None, :])
    floor = np.where(below, s0[:, None, :] + gap, target)
    floor = np.where(pl.members[None, :, :], floor, 0.0)
    return np.asarray(floor.max(axis=1), dtype=dtype)


def _pledge_terms(ctx: Context) -> tuple[np.ndarray, ...]:
    """Fixed inputs of ``_pledge_kernel`` (memoised per chunk): the start burden ``(R, N)``,
    each run's compliance ``(R, P)``, the targets, members ``(P, N)`` and years ``(P,)``."""
    pl = ctx.world.pledges
    s0 = np.ascontiguousarray(ctx.initial.milex / ctx.initial.gdp)
    q = ctx.p("arms.pledge_compliance", 2)  # (R, 1)
    c = pl.compliance[None, :, 0] + q * (pl.compliance[None, :, 1] - pl.compliance[None, :, 0])
    return (s0, np.ascontiguousarray(c), np.ascontiguousarray(pl.target, dtype=np.float64),
            np.ascontiguousarray(pl.members, dtype=np.bool_),
            np.ascontiguousarray(pl.years, dtype=np.float64))


@kernels.jit
def _pledge_kernel(s0, comp, target, members, years, t):  # type: ignore[no-untyped-def]
    """:func:`pledge_floor` per run and actor: the largest floor of the pledges binding it."""
    runs, n = s0.shape
    npl = target.shape[0]
    out = np.empty((runs, n), dtype=s0.dtype)
    frac = np.empty(npl)
    for p in range(npl):
        frac[p] = min(1.0, t / max(years[p], 1e-9)) if years[p] > 0 else 1.0
    for r in range(runs):
        for i in range(n):
            s = s0[r, i]
            best = -np.inf
            for p in range(npl):
                v = 0.0
                if members[p, i]:
                    tg = target[p]
                    v = s + (comp[r, p] * frac[p]) * (tg - s) if s < tg else tg
                if v > best or np.isnan(v):  # np.max: a nan wins
                    best = v
            out[r, i] = best
    return out


def burden_ceiling(ctx: Context) -> FloatArray:
    """Per-actor defence-burden ceiling ``s_max`` (R, N), share of GDP."""
    s0 = ctx.initial.milex / ctx.initial.gdp
    return np.maximum(ctx.p("arms.max_share", 2), 1.5 * s0)


def grievance(ctx: Context) -> FloatArray:
    """Grievance ``g`` (R, N) calibrated so that growth at t = 0 equals the trend."""
    return np.asarray(ctx.cached("arms.grievance", lambda: _grievance(ctx)))


def _grievance(ctx: Context) -> FloatArray:
    m0 = ctx.initial.milex
    t0 = baseline_threat(ctx)
    k, a, r = ctx.p("arms.reaction", 2), ctx.p("arms.fatigue", 2), trend_rate(ctx)
    damp0 = _damping(m0 / ctx.initial.gdp, burden_ceiling(ctx))
    return r * m0 / np.maximum(damp0, 1e-6) + a * m0 - k * _weighted(t0, m0)


def _weighted(t: FloatArray, m: FloatArray) -> FloatArray:
    """``sum_j T_ij m_j`` (R, N), summed per run so the result does not depend on chunking."""
    return np.asarray(np.sum(t * m[:, None, :], axis=-1))


def _damping(share: FloatArray, ceiling: FloatArray) -> FloatArray:
    return np.asarray(np.clip(1.0 - (share / ceiling) ** 2, 0.0, 1.0))


def _relative_drift(state: State, t: FloatArray, ctx: Context, damping: FloatArray) -> FloatArray:
    """``dm/dt`` (R, N) of the log-deviation Richardson form (see module docstring)."""
    m = state.milex
    k, a = ctx.p("arms.reaction", 2), ctx.p("arms.fatigue", 2)
    r = trend_rate(ctx)
    x = np.log(m / ctx.initial.milex) - r * (ctx.step * ctx.dt)
    theta = np.sum(t, axis=-1)
    theta0 = ctx.cached("arms.theta0", lambda: np.sum(baseline_threat(ctx), axis=-1))
    weights = t / np.maximum(theta, 1e-12)[:, :, None]
    dx = (k * np.sum(weights * x[:, None, :], axis=-1)
          + ctx.p("arms.threat_response", 2) * (theta - theta0) / np.maximum(theta0, 0.1)
          - a * x)
    rate = r + dx
    damp0 = ctx.cached("arms.damp0", lambda: _damping(ctx.initial.milex / ctx.initial.gdp,
                                                       burden_ceiling(ctx)))
    relative = np.clip(damping / np.maximum(damp0, 1e-6), 0.0, 1.0)
    # Exact growth over the step at a constant rate, so that spending on its trend
    # follows m0 exp(r t) and x stays 0 (economy grows GDP the same way).
    return np.asarray(m * np.expm1(ctx.dt * np.where(rate > 0.0, rate * relative, rate)) / ctx.dt)


def step(state: State, derived: Mapping[str, FloatArray], ctx: Context, draws: Draws) -> Effect:
    """Change ``milex`` by the threat-weighted Richardson dynamics (see module docstring)."""
    _, t = current_threat(state, derived, ctx)
    if kernels.enabled():
        return _step_fast(state, t, ctx, draws)
    m, gdp, dt = state.milex, state.gdp, ctx.dt
    share = m / gdp
    ceiling = ctx.cached("arms.ceiling", lambda: burden_ceiling(ctx))
    damping = _damping(share, ceiling)
    relative = ctx.variant_mask("arms", "relative")[:, None]  # (R, 1) per-run theory
    growth = np.zeros_like(m)
    if np.any(relative):
        growth = np.where(relative, dt * _relative_drift(state, t, ctx, damping), growth)
    if not np.all(relative):
        k, a = ctx.p("arms.reaction", 2), ctx.p("arms.fatigue", 2)
        drift = k * _weighted(t, m) - a * m + grievance(ctx)
        growth = np.where(relative, growth, dt * np.where(drift > 0.0, drift * damping, drift))
    floor = np.maximum(ctx.spending_floor, pledge_floor(ctx))
    pull = np.where(
        (floor > 0.0) & (share < floor), dt * ctx.p("arms.floor_rate", 2) * (floor * gdp - m), 0.0
    )
    shock = ctx.p("arms.noise", 2) * m * dt**0.5 * draws.spending
    delta = growth + pull + shock
    upper = np.maximum(ceiling, floor) * gdp - m
    delta = np.minimum(delta, np.maximum(upper, 0.0))
    delta = np.maximum(delta, -0.5 * m)
    return Effect(deltas={"milex": delta})


#: Parameters the step kernel reads, in the order of the columns it gets.
_KERNEL_PARAMS = ("arms.reaction", "arms.fatigue", "arms.threat_response", "arms.floor_rate",
                  "arms.noise")


def _chunk_terms(ctx: Context) -> tuple[np.ndarray, ...]:
    """Fixed inputs of the step kernel (memoised per chunk): each run's theory ``(R,)``,
    the parameters as columns ``(R, K)``, the trend, ``Theta(0)``, ``damp(0)``, the
    ceiling and the grievance (absolute runs only, else zeros), all ``(R, N)``."""
    dtype = ctx.initial.milex.dtype
    relative = np.ascontiguousarray(ctx.variant_mask("arms", "relative"), dtype=np.bool_)
    params = np.ascontiguousarray(np.stack([ctx.params[k] for k in _KERNEL_PARAMS], axis=1),
                                  dtype=dtype)
    trend = np.ascontiguousarray(trend_rate(ctx))
    theta0 = np.ascontiguousarray(ctx.cached("arms.theta0",
                                             lambda: np.sum(baseline_threat(ctx), axis=-1)))
    ceiling = np.ascontiguousarray(ctx.cached("arms.ceiling", lambda: burden_ceiling(ctx)))
    damp0 = np.ascontiguousarray(ctx.cached("arms.damp0", lambda: _damping(
        ctx.initial.milex / ctx.initial.gdp, burden_ceiling(ctx))))
    if np.all(relative):  # not read by the kernel
        griev = np.zeros_like(ctx.initial.milex)
    else:
        griev = np.ascontiguousarray(grievance(ctx))
    return relative, params, trend, theta0, damp0, ceiling, griev


def _step_fast(state: State, t: FloatArray, ctx: Context, draws: Draws) -> Effect:
    """:func:`step` by the compiled kernel (same arithmetic)."""
    relative, params, trend, theta0, damp0, ceiling, griev = ctx.cached(
        "arms.kernel_terms", lambda: _chunk_terms(ctx))
    floor = np.maximum(ctx.spending_floor, pledge_floor(ctx))
    delta = _step_kernel(state.milex, state.gdp, ctx.initial.milex, np.asarray(t), floor,
                         draws.spending, relative, params, trend, theta0, damp0, ceiling, griev,
                         float(ctx.step * ctx.dt), float(ctx.dt))
    return Effect(deltas={"milex": delta})


@kernels.jit
def _step_kernel(milex, gdp, milex0, threat, floor, shocks, relative, params, trend,  # type: ignore[no-untyped-def]
                 theta0, damp0, ceiling, griev, time, dt):
    """The ``milex`` delta of :func:`step` per run and actor (the run's own formulation)."""
    runs, n = milex.shape
    out = np.empty((runs, n), dtype=milex.dtype)
    x = np.empty(n)
    sqdt = dt**0.5
    for r in range(runs):
        k, a, k_t, phi, sigma = params[r, 0], params[r, 1], params[r, 2], params[r, 3], params[r, 4]
        rel = relative[r]
        if rel:
            for j in range(n):
                x[j] = np.log(milex[r, j] / milex0[r, j]) - trend[r, j] * time
        for i in range(n):
            m, y = milex[r, i], gdp[r, i]
            share = m / y
            cap = ceiling[r, i]
            d = 1.0 - (share / cap) ** 2
            damping = min(max(d, 0.0), 1.0)
            if rel:
                # sum_j W_ij x_j as (sum_j T_ij x_j) / Theta_i: one pass, the same up to rounding.
                theta = 0.0
                s = 0.0
                for j in range(n):
                    tij = threat[r, i, j]
                    theta += tij
                    s += tij * x[j]
                s = s / max(theta, 1e-12)
                th0 = theta0[r, i]
                dx = k * s + k_t * (theta - th0) / max(th0, 0.1) - a * x[i]
                rate = trend[r, i] + dx
                rd = min(max(damping / max(damp0[r, i], 1e-6), 0.0), 1.0)
                growth = dt * (m * np.expm1(dt * (rate * rd if rate > 0.0 else rate)) / dt)
            else:
                s = 0.0
                for j in range(n):
                    s += threat[r, i, j] * milex[r, j]
                drift = k * s - a * m + griev[r, i]
                growth = dt * (drift * damping if drift > 0.0 else drift)
            f = floor[r, i]
            pull = dt * phi * (f * y - m) if (f > 0.0 and share < f) else 0.0
            shock = sigma * m * sqdt * shocks[r, i]
            delta = growth + pull + shock
            upper = max(cap, f) * y - m
            delta = min(delta, max(upper, 0.0))
            out[r, i] = max(delta, -0.5 * m)
    return out


MECHANISM = Mechanism(
    name="arms",
    title="Arms dynamics (Richardson; Intriligator; Glaser) bounded by economic capacity",
    references=(
        "Richardson, L. F. (1960). Arms and Insecurity. Boxwood Press.",
        "Intriligator, M. D. (1975). Strategic considerations in the Richardson model of "
        "arms races. Journal of Political Economy 83(2), 339-353. doi:10.1086/260326",
        "Glaser, C. L. (2000). The causes and consequences of arms races. Annual Review of "
        "Political Science 3, 251-276. doi:10.1146/annurev.polisci.3.1.251",
        "Dunne, J. P. & Smith, R. P. (2007). The econometrics of military arms races. "
        "Handbook of Defense Economics vol. 2, ch. 28. Elsevier.",
        "Smith, R., Dunne, P. & Nikolaidou, E. (2000). The econometrics of arms races. "
        "Defence and Peace Economics 11(1), 31-43.",
        "Tian, N. et al. (2023). Trends in World Military Expenditure, 2022. SIPRI Fact Sheet.",
        "NATO (2014). Wales Summit Declaration, para. 14.",
        "NATO (2023). Vilnius Summit Communique, para. 27.",
        "Morris, C. N. (1983). Parametric empirical Bayes inference: theory and applications. "
        "JASA 78(381), 47-55. doi:10.1080/01621459.1983.10477920",
    ),
    parameters=PARAMETERS,
    writes=("milex",),
    provides=(),
    reads=("threat", "power"),
    step=step,
    variants=VARIANTS,
    equations=(
        "relative: dx_i/dt = k sum_j W_ij x_j + k_T (Theta_i - Theta_i0)/max(Theta_i0, 0.1) - a x_i, "
        "x_i = ln(m_i/m_i0) - r_i t, W_ij = T_ij/Theta_i, dm_i/dt = m_i (r_i + dx_i/dt), "
        "r_i = mu_i + sd_i Phi^-1(q)",
        "pledge floor: f_i(t) = max_p [s_i0 + c_p min(1, t/Y_p)(s_p - s_i0) if s_i0 < s_p else s_p]",
        "absolute: dm_i/dt = damp(s_i)[k sum_j T_ij m_j - a m_i + g_i]^+ + [.]^- "
        "+ phi (f_i gdp_i - m_i)[s_i<f_i] + sigma m_i dW_i/dt",
        "g_i = r m_i(0)/damp_i(0) + a m_i(0) - k sum_j T_ij(0) m_j(0);  damp = max(0, 1 - (s_i/s_max_i)^2)",
    ),
)
