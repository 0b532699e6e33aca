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
For each run and actor i (spending ``m`` in US$ bn/yr)::

    dm_i/dt = [ k * sum_j T_ij m_j - a m_i + g_i ]  (damped when positive)
              + phi * (f_i gdp_i - m_i) * [s_i < f_i]       (spending floor)
              + sigma * m_i * dW_i / dt                     (budget shocks)
    g_i = r m_i(0) / damping_i(0) + a m_i(0) - k * sum_j T_ij(0) m_j(0)
    damping = max(0, 1 - (s_i / s_max_i)^2),   s_i = m_i / gdp_i
    s_max_i = max(s_bar, 1.5 * s_i(0))

``T_ij`` is the threat to i from j in [0, 1], ``k`` the reaction rate
(1/yr), ``a`` the fatigue rate (1/yr), ``g_i`` the grievance (US$ bn/yr²),
calibrated so that at t = 0 every actor's spending grows at the baseline
trend ``r`` (1/yr): the model explains *departures* from the observed trend,
not the trend itself. ``T_ij(0)`` is the threat in the initial state with
no scenario deployments, so a scenario's deployments change the threat
relative to the calibration. ``s_bar`` is the defence-burden ceiling
(share of GDP); states already near it (at war) get 1.5 times their
initial burden. ``f_i`` is a scenario spending floor (share of GDP, e.g. a
NATO pledge) pulled towards at rate ``phi``. ``dW`` is a Wiener increment
(``sqrt(dt)`` times ``draws.spending``). The step never takes spending
above the ceiling nor below half its current value.

Assumptions
-----------
* The reaction is linear in rival spending (Richardson), weighted by
  threat; there is no submissiveness term.
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
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from flashpoint._types import FloatArray
from flashpoint.engine.state import State
from flashpoint.mechanisms._protocol import Context, Draws, Effect, Mechanism
from flashpoint.mechanisms.threat import baseline_threat, current_threat
from flashpoint.params import Parameter

__all__ = ["MECHANISM", "PARAMETERS", "burden_ceiling", "grievance", "step"]

PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        name="arms.reaction",
        meaning="reaction rate k of spending to threat-weighted rival spending",
        unit="1/year",
        default=0.03,
        low=0.0,
        high=0.15,
        source=(
            "Dunne & Smith (2007) and Smith, Dunne & Nikolaidou (2000) review "
            "estimated Richardson reaction coefficients and find them small and "
            "often insignificant outside a few dyads; the range starts at 0 (no "
            "arms race) and its upper end is a rationale: a rival of equal size "
            "at full threat raises growth by at most 15 %/yr."
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
        name="arms.trend",
        meaning="baseline real growth rate r of military spending at t = 0",
        unit="1/year",
        default=0.02,
        low=0.0,
        high=0.04,
        source=(
            "SIPRI fact sheet (Tian et al. 2023), Trends in World Military "
            "Expenditure 2022: the range brackets real growth of world military "
            "expenditure over the preceding decade and the faster 2022 increase."
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
        meaning="rate phi at which spending is pulled up to a scenario floor",
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
)


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
    k, a, r = ctx.p("arms.reaction", 2), ctx.p("arms.fatigue", 2), ctx.p("arms.trend", 2)
    damp0 = _damping(m0 / ctx.initial.gdp, burden_ceiling(ctx))
    return r * m0 / np.maximum(damp0, 1e-6) + a * m0 - k * _weighted(t0, m0)


def _weighted(t: FloatArray, m: FloatArray) -> FloatArray:
    """``sum_j T_ij m_j`` (R, N), summed per run so the result does not depend on chunking."""
    return np.asarray(np.sum(t * m[:, None, :], axis=-1), dtype=np.float64)


def _damping(share: FloatArray, ceiling: FloatArray) -> FloatArray:
    return np.asarray(np.clip(1.0 - (share / ceiling) ** 2, 0.0, 1.0), dtype=np.float64)


def step(state: State, derived: Mapping[str, FloatArray], ctx: Context, draws: Draws) -> Effect:
    """Change ``milex`` by the threat-weighted Richardson dynamics (see module docstring)."""
    _, t = current_threat(state, derived, ctx)
    m, gdp, dt = state.milex, state.gdp, ctx.dt
    k, a = ctx.p("arms.reaction", 2), ctx.p("arms.fatigue", 2)
    drift = k * _weighted(t, m) - a * m + grievance(ctx)
    share = m / gdp
    ceiling = ctx.cached("arms.ceiling", lambda: burden_ceiling(ctx))
    damping = _damping(share, ceiling)
    growth = dt * np.where(drift > 0.0, drift * damping, drift)
    floor = ctx.spending_floor
    pull = np.where(
        (floor > 0.0) & (share < floor), dt * ctx.p("arms.floor_rate", 2) * (floor * gdp - m), 0.0
    )
    shock = ctx.p("arms.noise", 2) * m * np.sqrt(dt) * draws.spending
    delta = growth + pull + shock
    upper = np.maximum(ceiling, floor) * gdp - m
    delta = np.minimum(delta, np.maximum(upper, 0.0))
    delta = np.maximum(delta, -0.5 * m)
    return Effect(deltas={"milex": delta})


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
    ),
    parameters=PARAMETERS,
    writes=("milex",),
    provides=(),
    reads=("threat",),
    step=step,
    variants=("richardson",),
    equations=(
        "dm_i/dt = damp(s_i)[k sum_j T_ij m_j - a m_i + g_i]^+ + [.]^- "
        "+ phi (f_i gdp_i - m_i)[s_i<f_i] + sigma m_i dW_i/dt",
        "g_i = r m_i(0)/damp_i(0) + a m_i(0) - k sum_j T_ij(0) m_j(0);  damp = max(0, 1 - (s_i/s_max_i)^2)",
    ),
)
