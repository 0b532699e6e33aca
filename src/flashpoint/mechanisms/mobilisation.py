r"""Wartime mobilisation, the threat a war projects, and war termination.

Theory
------
A state at war moves its economy towards a wartime burden: it spends a
multiple of its peacetime share of GDP on defence until the war ends
(Milward 1977; Harrison 1998 on the six great powers in the Second World
War). The belligerents of a limited war mobilise far less than
those of a total war, and a state fighting for its survival far more than the
state that attacked it: in SIPRI's figures Russia's burden rose from 3.6 % of
GDP in 2021 to 4.7 % in 2022 and 5.9 % in 2023 (+29 % and +24 % real a
year), Ukraine's from 3.4 % to 25.9 % and 36.7 %. A state obliged to defend a
belligerent, and fighting beside it, mobilises like the United States in
Korea (5.1 % of GDP in 1950, 13.9 % in 1952) or, in a smaller war, Vietnam
(7.6 % in 1965, 9.3 % in 1968); a partner that supplies a belligerent without
fighting raises its burden by a few tenths of a point (European NATO members
from 1.66 % of their GDP in 2021 to 1.85 % in 2023, SIPRI). A war also changes
how the states of its region read the attacker: after 24 February 2022 NATO
named Russia "the most significant and direct threat to Allies' security"
(Madrid Strategic Concept, 2022), and the threat European states perceive
rose with it. Wars end: in the Correlates of War inter-state wars
1823-2003 the chance that a war still being fought ends within the year is
about 0.46 (Bennett & Stam 1996 model war durations with hazard models; here
the hazard is taken as constant).

Equations
---------
For a flashpoint :math:`f` at war (``war`` :math:`w_f = 1`), with challenger
:math:`c_f`, targets :math:`T_f`, and for every other state :math:`k` its
co-belligerency :math:`A_{kf} = \max\big(\max_{j \in T_f} C_{kj},\ \Pi_{kf}\big)`
(``ctx.commitment`` :math:`C`, the flashpoint's war parties :math:`\Pi`, see
:mod:`flashpoint.world.flashpoints`) and support
:math:`S_{kf} = \max_{j\in T_f} P_{kj}\,[A_{kf} = 0]` (partnership :math:`P`),
the wartime burden of actor :math:`i` is

.. math::

    b^*_{if} = \begin{cases} b_c & i = c_f \\ b_T & i \in T_f \\
               s_i(0) + A_{if}\,\Delta_A + S_{if}\,\Delta_S & \text{otherwise,
               if } A_{if} + S_{if} > 0 \end{cases}

with :math:`s_i(0)` the actor's burden at t = 0, and :math:`b^*_i = \max_f w_f b^*_{if}`.
Spending closes the gap at rate :math:`k`:

.. math::

    \Delta m_i = \Delta t\, k \max\big(0,\ b^*_i Y_i - m_i\big).

A war raises the hostile intent that the states of its theatre
:math:`\Theta_f` (other than the challenger) perceive in the challenger,
:math:`\Delta I_{ic} = \Delta t\,\rho\,w_f\,(1 - I_{ic})`, the channel by which
the war enters the threat (:mod:`~flashpoint.mechanisms.threat`). A war ends
in a step with probability :math:`1 - e^{-\eta\,\Delta t}` (uniform
``draws.onset``, which onset does not use while a war runs); then ``war``
returns to 0 and the crisis decays as after any crisis.

The engagement :math:`E_{kf} = \max([k = c_f], [k \in T_f], A_{kf}, \epsilon S_{kf})`
(``engagement``) is the share of a state's forces a war at :math:`f` draws in:
:mod:`~flashpoint.mechanisms.burden_shifting` weighs the US pull towards a
theatre by it, and :mod:`~flashpoint.mechanisms.deterrence` the
cross-theatre opportunism.

Assumptions
-----------
* Mobilisation adds to the arms dynamics; when the war ends the wartime
  floor lapses and the arms mechanism's fatigue brings spending back.
* The termination hazard is constant (geometric durations) and the same at
  every flashpoint; the war's outcome is not modelled.
* A supporter's rise is the same whichever state it supports.

References
----------
Milward, A. S. (1977). *War, Economy and Society, 1939-1945*. University of
California Press.
Harrison, M. (ed.) (1998). *The Economics of World War II: Six Great Powers in
International Comparison*. Cambridge University Press.
Bennett, D. S. & Stam, A. C. (1996). The duration of interstate wars,
1816-1985. *American Political Science Review* 90(2), 239-257.
doi:10.2307/2082882
Sarkees, M. R. & Wayman, F. (2010). *Resort to War: 1816-2007*. CQ Press
(Correlates of War inter-state wars v4.0).
SIPRI Military Expenditure Database (2024), constant 2022 US$ and share of GDP.
NATO (2022). *Strategic Concept*, adopted at the Madrid Summit, 29 June 2022.

Kernel
------
:func:`step` has a compiled kernel, ``_step_kernel``, and :func:`wartime_burden`
another, ``_burden_kernel``: the mechanism took about 6.4 % of the engine's
time (issue 17), in the ``(R, F, N)`` passes of the wartime burden, the
``(F, N, N)`` pair tensor and ``einsum`` of the intent push, and
:func:`engagement` (about 7 calls a chunk-step from other mechanisms). The
parts that depend only on the roles and the parameters (each flashpoint's
wartime burden, the engagement) are memoised per commitment array, as
:func:`roles` is; the kernel does the rest (burden, mobilisation, intent
push, termination) in one pass per run. The NumPy code stays the reference.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from flashpoint import kernels
from flashpoint._types import FloatArray
from flashpoint.contract import State
from flashpoint.mechanisms._protocol import Context, Draws, Effect, Mechanism
from flashpoint.params import Parameter

__all__ = [
    "COW_TERMINATION",
    "MECHANISM",
    "PARAMETERS",
    "cow_termination_hazard",
    "engagement",
    "roles",
    "step",
    "wartime_burden",
]

#: Correlates of War inter-state wars v4.0 (1823-2003): 95 wars fought over 205
#: calendar war-years (a war counted in every calendar year in which it was
#: fought), so a war being fought in a year ends within it with probability
#: 95 / 205 = 0.463, a constant hazard of -ln(1 - 0.463) = 0.623 a year.
#: Recomputed from the raw file by tests/unit/mechanisms/test_mobilisation.py.
COW_TERMINATION = {"wars": 95, "war_years": 205}


def cow_termination_hazard(wars: int, war_years: int) -> float:
    """Constant yearly termination hazard from ``wars`` ended over ``war_years`` fought.

    The share of war-years that are a war's last is the discrete-time (geometric)
    estimate of the chance that a war ends within a year; ``-ln(1 - p)`` turns it
    into a rate.
    """
    return float(-np.log(1.0 - wars / war_years))


PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "mobilisation.challenger_burden", "wartime military burden of the challenger at war",
        "share of GDP", 0.08, 0.06, 0.12,
        "SIPRI Military Expenditure Database: Russia 3.61 % of GDP in 2021, 4.69 % in 2022, "
        "5.86 % in 2023, still rising (+24 % real in 2023), so the wartime level lies above "
        "5.9 %; the upper end is the US burden in the Vietnam war's peak year 1968 (9.3 %) "
        "and below its Korean war peak (13.9 % in 1952).",
    ),
    Parameter(
        "mobilisation.target_burden", "wartime military burden of a target defending its territory",
        "share of GDP", 0.26, 0.15, 0.37,
        "SIPRI Military Expenditure Database: Ukraine 3.43 % of GDP in 2021, 25.9 % in 2022, "
        "36.7 % in 2023; the lower end allows a target with more allied help or a shorter war.",
    ),
    Parameter(
        "mobilisation.ally_rise", "rise of the burden of a state fighting beside a target",
        "share of GDP", 0.04, 0.017, 0.088,
        "SIPRI Military Expenditure Database: United States 7.59 % of GDP in 1965 and 9.27 % in "
        "1968 (Vietnam, +1.7 points); 5.08 % in 1950 and 13.86 % in 1952 (Korea, +8.8 points).",
    ),
    Parameter(
        "mobilisation.supporter_rise",
        "rise of the burden of a partner supporting a target without fighting",
        "share of GDP", 0.002, 0.0, 0.005,
        "SIPRI Military Expenditure Database: the 29 European NATO members with armed forces "
        "spent 1.66 % of their combined GDP in 2021 and 1.85 % in 2023 (+0.19 points; median "
        "member +0.18, quartiles +0.08 and +0.33); the United States, also a supporter, fell "
        "from 3.42 % to 3.36 %, so the range starts at 0.",
    ),
    Parameter(
        "mobilisation.rate", "rate at which spending closes the gap to the wartime burden",
        "1/year", 0.8, 0.4, 1.5,
        "SIPRI: in the war's first year Russia closed (4.69 - 3.61)/(5.86 - 3.61) = 48 % and "
        "Ukraine (25.9 - 3.4)/(36.7 - 3.4) = 68 % of the gap to their 2023 burden, rates "
        "-ln(1 - g) of 0.65 and 1.13 a year over ten months; widened to 0.4-1.5.",
    ),
    Parameter(
        "mobilisation.supporter_engagement",
        "share of a supporting partner's forces a war draws in (engagement)",
        "share", 0.1, 0.0, 0.3,
        "rationale: no NATO forces fight in Ukraine; the US raised its forces in Europe from "
        "about 80,000 to about 100,000 in 2022 (US European Command posture statement 2023), "
        "a few per cent of its active forces; 0 (none) to 0.3.",
    ),
    Parameter(
        "mobilisation.threat_rate",
        "rate at which a war raises the hostile intent its theatre perceives in the challenger",
        "1/year", 0.3, 0.0, 1.0,
        "rationale: NATO's 2022 Strategic Concept named Russia 'the most significant and "
        "direct threat' within four months of the invasion, where the 2010 concept had sought "
        "a 'strategic partnership'; 0 (no change) to closing the gap to certainty in about a "
        "year.",
    ),
    Parameter(
        "mobilisation.termination", "hazard that a war being fought ends",
        "1/year", cow_termination_hazard(**COW_TERMINATION), 0.3, 1.0,
        "Correlates of War inter-state wars v4.0 (Sarkees & Wayman 2010), computed from the "
        "dyad-year file: 95 wars over 205 calendar war-years, p = 95/205 = 0.463 a year, "
        "hazard -ln(1 - p) = 0.623; wars already past their second calendar year: 20 wars over "
        "58 further years, p = 0.345, hazard 0.42 (Bennett & Stam 1996 on duration). "
        "Range 0.3-1.0 spans both.",
    ),
)


def roles(ctx: Context) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """The parts states play in a war at each flashpoint.

    Returns
    -------
    challenger : (F, N) one-hot of the challenger.
    targets : (F, N) 0/1 of the targets.
    ally : (R, F, N) co-belligerency :math:`A` in [0, 1] (defence commitment to a
        target, or a war party), 0 for the challenger and targets.
    supporter : (R, F, N) support :math:`S` in [0, 1] (a partnership with a target,
        where there is no co-belligerency).

    Memoised per commitment array (the roles depend only on the world and the
    scenario's commitments, which change only when a lever does), since several
    mechanisms ask for them every step and each evaluation builds an
    ``(R, F, N, N)`` temporary.
    """
    return tuple(ctx.cached_for("mobilisation.roles", ctx.commitment,  # type: ignore[return-value]
                                lambda: _roles(ctx)))


def _roles(ctx: Context) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    world, fps = ctx.world, ctx.flashpoints
    n, f = world.n, fps.f
    dtype = world.milex.dtype
    chal = np.zeros((f, n), dtype=dtype)
    chal[np.arange(f), fps.challenger] = 1.0
    tgt = fps.targets.astype(dtype)
    bel = np.maximum(chal, tgt)  # (F, N)
    tmask = fps.targets.astype(dtype)  # (F, N): j in T_f
    # max over targets j of C_kj: (R, N, N) x (F, N) -> (R, F, N)
    commit = np.max(ctx.commitment[:, None, :, :] * tmask[None, :, None, :], axis=3)
    ally = np.maximum(commit, fps.parties.astype(dtype)[None]) * (1.0 - bel)[None]
    partner = np.max(world.partnership[None, :, :] * tmask[:, None, :], axis=2)  # (F, N)
    supporter = partner[None] * (ally <= 0.0) * (1.0 - bel)[None]
    return chal, tgt, np.asarray(ally), np.asarray(supporter)


def engagement(ctx: Context) -> FloatArray:
    """``(R, F, N)`` share of each state's forces a war at each flashpoint draws in.

    With kernels on, memoised per commitment array like :func:`roles` (a shared
    array: read it, do not write to it).
    """
    if kernels.enabled():
        return np.asarray(ctx.cached_for("mobilisation.engagement", ctx.commitment,
                                         lambda: _engagement(ctx)))
    return _engagement(ctx)


def _engagement(ctx: Context) -> FloatArray:
    chal, tgt, ally, supporter = roles(ctx)
    eps = ctx.p("mobilisation.supporter_engagement", 3)
    return np.asarray(np.maximum(np.maximum(chal, tgt)[None], np.maximum(ally, eps * supporter)))


def wartime_burden(state: State, ctx: Context) -> FloatArray:
    """The wartime burden :math:`b^*_i` ``(R, N)``; 0 for states at no war."""
    if kernels.enabled():
        per_fp = ctx.cached_for("mobilisation.per_fp", ctx.commitment, lambda: _per_fp(ctx))
        out = np.empty(state.war.shape[:1] + per_fp.shape[2:], dtype=per_fp.dtype)
        _burden_kernel(per_fp, state.war, out)
        return out
    per_fp = _per_fp(ctx)
    at_war = (np.clip(state.war, 0.0, 1.0) > 0.5).astype(per_fp.dtype)  # (R, F)
    return np.asarray(np.max(per_fp * at_war[:, :, None], axis=1, initial=0.0))


def _per_fp(ctx: Context) -> FloatArray:
    """``(R, F, N)`` each state's wartime burden were each flashpoint at war (0 if not tied)."""
    chal, tgt, ally, supporter = roles(ctx)
    s0 = ctx.initial.milex / np.maximum(ctx.initial.gdp, 1e-9)  # (R, N)
    own = (chal[None] * ctx.p("mobilisation.challenger_burden", 3)
           + tgt[None] * ctx.p("mobilisation.target_burden", 3))  # (R, F, N)
    tied = (ally + supporter) > 0.0
    helper = np.where(
        tied,
        s0[:, None, :] + ally * ctx.p("mobilisation.ally_rise", 3)
        + supporter * ctx.p("mobilisation.supporter_rise", 3),
        0.0,
    )
    return np.ascontiguousarray(np.maximum(own, helper))  # (R, F, N)


@kernels.jit
def _burden_kernel(per_fp, war, out):  # type: ignore[no-untyped-def]
    """:func:`wartime_burden` into ``out`` ``(R, N)``: the largest burden of the wars fought."""
    runs, nf, n = per_fp.shape
    for r in range(runs):
        for i in range(n):
            best = 0.0
            for f in range(nf):
                w = 1.0 if min(max(war[r, f], 0.0), 1.0) > 0.5 else 0.0
                v = per_fp[r, f, i] * w
                if v > best or np.isnan(v):  # np.max: a nan wins
                    best = v
            out[r, i] = best


def step(state: State, derived: Mapping[str, FloatArray], ctx: Context, draws: Draws) -> Effect:
    """Mobilise the states at war, raise the threat their theatre sees, end wars."""
    if kernels.enabled():
        return _step_fast(state, ctx, draws)
    fps = ctx.flashpoints
    m, gdp, dt = state.milex, state.gdp, ctx.dt
    target = wartime_burden(state, ctx)
    d_milex = dt * ctx.p("mobilisation.rate", 2) * np.maximum(0.0, target * gdp - m)

    war = (np.clip(state.war, 0.0, 1.0) > 0.5).astype(m.dtype)  # (R, F)
    n = ctx.world.n
    pair = np.zeros((fps.f, n, n), dtype=m.dtype)
    in_theatre = (ctx.world.theatre[None, :] == fps.theatre[:, None]).astype(m.dtype)  # (F, N)
    in_theatre[np.arange(fps.f), fps.challenger] = 0.0
    pair[np.arange(fps.f), :, fps.challenger] = in_theatre
    push = np.minimum(np.einsum("rf,fij->rij", war * ctx.p("mobilisation.threat_rate", 2) * dt,
                                pair), 1.0)
    d_intent = push * (1.0 - np.clip(state.intent, 0.0, 1.0))
    d_intent[:, np.arange(n), np.arange(n)] = 0.0

    p_end = 1.0 - np.exp(-ctx.p("mobilisation.termination", 2) * dt)
    ends = (war > 0.5) & (draws.onset < p_end)
    d_war = np.where(ends, -state.war, 0.0)
    return Effect(deltas={"milex": d_milex, "intent": d_intent, "war": d_war},
                  derived={"wartime_burden": target})


def _in_theatre(ctx: Context) -> tuple[np.ndarray, np.ndarray]:
    """Challengers ``(F,)`` and ``(F, N)`` the states of each flashpoint's theatre but its
    challenger (memoised per chunk)."""
    fps = ctx.flashpoints
    dtype = ctx.initial.milex.dtype
    inside = (ctx.world.theatre[None, :] == fps.theatre[:, None]).astype(dtype)
    inside[np.arange(fps.f), fps.challenger] = 0.0
    return np.asarray(fps.challenger, dtype=np.int64), np.ascontiguousarray(inside)


def _step_fast(state: State, ctx: Context, draws: Draws) -> Effect:
    """:func:`step` by the compiled kernel (same arithmetic)."""
    per_fp = ctx.cached_for("mobilisation.per_fp", ctx.commitment, lambda: _per_fp(ctx))
    challenger, inside = ctx.cached("mobilisation.in_theatre", lambda: _in_theatre(ctx))
    m = state.milex
    target = np.empty(m.shape, dtype=per_fp.dtype)
    rate, rho = ctx.params["mobilisation.rate"], ctx.params["mobilisation.threat_rate"]
    # The dtypes NumPy's reference gives (float32 in, float32 out).
    d_milex = np.empty(m.shape, dtype=np.result_type(rate, per_fp, m, state.gdp))
    d_intent = np.empty(state.intent.shape, dtype=np.result_type(rho, m, state.intent))
    d_war = np.empty(state.war.shape, dtype=state.war.dtype)
    _step_kernel(per_fp, state.war, m, state.gdp, state.intent, draws.onset,
                 rate, rho, ctx.params["mobilisation.termination"], challenger, inside, float(ctx.dt),
                 target, d_milex, d_intent, d_war)
    return Effect(deltas={"milex": d_milex, "intent": d_intent, "war": d_war},
                  derived={"wartime_burden": target})


@kernels.jit
def _step_kernel(per_fp, war, milex, gdp, intent, u_onset, rate, threat_rate, termination,  # type: ignore[no-untyped-def]
                 challenger, inside, dt, target, d_milex, d_intent, d_war):
    """:func:`step` into the outputs, per run: the wartime burden and the mobilisation,
    the intent push of the wars towards their challengers, and the terminations."""
    runs, nf, n = per_fp.shape
    at_war = np.empty(nf)
    push = np.empty((n, n))
    for r in range(runs):
        for f in range(nf):
            at_war[f] = 1.0 if min(max(war[r, f], 0.0), 1.0) > 0.5 else 0.0
        kdt = dt * rate[r]
        for i in range(n):
            best = 0.0
            for f in range(nf):
                v = per_fp[r, f, i] * at_war[f]
                if v > best or np.isnan(v):  # np.max: a nan wins
                    best = v
            target[r, i] = best
            d_milex[r, i] = kdt * max(0.0, best * gdp[r, i] - milex[r, i])
        push[:, :] = 0.0
        for f in range(nf):
            c = challenger[f]
            w = at_war[f] * threat_rate[r] * dt
            for i in range(n):
                push[i, c] += w * inside[f, i]
        for i in range(n):
            for j in range(n):
                if i == j:
                    d_intent[r, i, j] = 0.0
                else:
                    d_intent[r, i, j] = min(push[i, j], 1.0) * (1.0 - min(max(intent[r, i, j], 0.0), 1.0))
        p_end = 1.0 - np.exp(-termination[r] * dt)
        for f in range(nf):
            ends = at_war[f] > 0.5 and u_onset[r, f] < p_end
            d_war[r, f] = -war[r, f] if ends else 0.0


MECHANISM = Mechanism(
    name="mobilisation",
    title="Wartime mobilisation, the threat of a war, and war termination",
    references=(
        "Milward 1977, War, Economy and Society 1939-1945, University of California Press",
        "Harrison (ed.) 1998, The Economics of World War II, Cambridge University Press",
        "Bennett & Stam 1996, Am. Polit. Sci. Rev. 90(2):239-257, doi:10.2307/2082882",
        "Sarkees & Wayman 2010, Resort to War: 1816-2007, CQ Press (COW inter-state wars v4.0)",
        "SIPRI Military Expenditure Database 2024 (constant 2022 US$, share of GDP)",
        "NATO 2022, Strategic Concept (Madrid Summit, 29 June 2022)",
    ),
    parameters=PARAMETERS,
    writes=("milex", "intent", "war"),
    provides=("wartime_burden",),
    reads=(),
    step=step,
    variants=("default",),
    equations=(
        "b*_i = max_f w_f {b_c if i = c_f; b_T if i in T_f; s_i(0) + A_if D_A + S_if D_S if tied}",
        "dm_i = dt k max(0, b*_i Y_i - m_i)",
        "dI_ic = dt rho w_f (1 - I_ic) for i in the theatre of f, c = c_f",
        "war ends if u < 1 - exp(-eta dt)",
    ),
)
