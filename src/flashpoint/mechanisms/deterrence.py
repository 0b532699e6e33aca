r"""Deterrence at the flashpoints: stochastic crisis onset and escalation to war.

Theory
------
Crises start when a challenger probes a status quo it resents, and they
escalate when it expects to win at an acceptable cost. Extended deterrence
succeeds when the defender's commitment is credible and the local balance of
forces is not in the challenger's favour (Huth & Russett 1984; Huth 1988;
Schelling 1966). Rational states fight only when bargaining fails under
private information or commitment problems (Fearon 1995), so war is a rare,
stochastic outcome of crises. The rival view is the spiral model (Jervis
1976): commitments and visible deployments read as hostile, raise tension and
provoke the crises they were meant to prevent: the seeds' "worst of all
worlds", symbolic presence that provokes without committing (seed 002).

Cross-theatre opportunism: a challenger probes when it believes its
adversary cannot respond, often because the adversary is constrained
elsewhere (Lebow 1981 on brinkmanship crises); a defender with commitments
in two theatres risks a second challenge while a war in one draws its forces
(Colby 2021 on sequential and simultaneous wars; seed 002, quoting
Stoltenberg: "Today it's Ukraine, tomorrow it could be Taiwan"). The effect
enters the onset hazard with a coefficient whose prior runs from 0 (no
opportunism: the sceptics' view that the theatres are separate) to a
several-fold rise (the proponents' "Europe's security affects Asia").

Equations
---------
For flashpoint :math:`f`, with mean challenger-target tension :math:`\tau_f`,
credibility :math:`\kappa_f` and local balance :math:`B_f` (from
:mod:`~flashpoint.mechanisms.credibility`) and provocation :math:`v_f`
(``ctx.provocation``), the onset hazard (per year) is

.. math::

    \lambda_f = \lambda_0 \exp\big(b_\tau\tau_f - s\,b_\kappa\kappa_f
                - b_B \ln B_f + g\,b_v v_f + b_o o_f\big),

with :math:`s = 1, g = 1` under ``deterrence`` and :math:`s = -1`,
:math:`g = \gamma` (``deterrence.spiral_provocation``) under ``spiral``. The opportunity
:math:`o_f = E_{US,f}\max_{g} h_g` is the largest pull on US forces
(:func:`~flashpoint.mechanisms.burden_shifting.us_pull` :math:`h_g`: a war
the US fights, a blockade, a crisis) at the flashpoints :math:`g` of the
other theatre with another challenger, times the US engagement at
:math:`f` itself (the US is the defender the two challengers share), and
:math:`b_o` is ``deterrence.opportunism``.
A crisis starts in a step when none is running and
:math:`u^{on}_f < 1 - e^{-\lambda_f\Delta t}`; its intensity jumps to
:math:`c_0` and then decays, :math:`\Delta c = -\delta c\,\Delta t`, ending
below :data:`CRISIS_END`. While a crisis or blockade runs (intensity
:math:`k = \max(c, b)`, with :math:`b` the blockade's tightness), war breaks out when
:math:`u^{esc}_f < 1 - e^{-\mu_f\Delta t}` with

.. math::

    \mu_f = \mu_0 \exp\big(e_c k + e_\tau\tau_f - s\,e_\kappa\kappa_f - e_B\ln B_f\big).

A war holds the crisis at 1 until it ends (war termination is in
:mod:`~flashpoint.mechanisms.mobilisation`); the crisis then decays. A running crisis raises the
challenger-target tension, :math:`\Delta\tau = \Delta t\,\rho\,c\,(1-\tau)`,
and under ``spiral`` credibility does too, at rate :math:`\rho_s \kappa_f`.

Provided for metrics: ``crisis_hazard`` :math:`= 1 - e^{-\lambda_f}` (annual
probability of onset) and ``war_hazard``, the annual probability of war: 1
at war; :math:`1 - e^{-\mu_f}` during a crisis; otherwise
:math:`1 - \exp(-\lambda_f\,[1 - e^{-\mu_f(c_0)/\delta}])`, the onset rate
times the chance that a crisis starting at :math:`c_0` escalates during its
mean lifetime :math:`1/\delta` (hazard held at its starting value).

Variant ``bargaining`` replaces both hazards with those of the rival,
rationalist theory in :mod:`~flashpoint.mechanisms.bargaining` (Fearon 1995:
crisis onset from the challenger's expected gain over the status quo, war
from the risk-return tradeoff under private information).

Assumptions
-----------
* Flashpoints are independent given the state; their coupling runs through
  tension, forces, burden shifting and opportunism.
* The local balance is clipped to [1/10, 10] (:data:`BALANCE_CAP`) before
  its logarithm enters the hazards.
* Blockades are set by scenario shocks only; a blockade of tightness
  :math:`b` escalates like a crisis of intensity :math:`b` (a quarantine less
  than a full blockade).

References
----------
Huth, P. & Russett, B. (1984). What makes deterrence work? Cases from 1900
to 1980. *World Politics* 36(4), 496-526. doi:10.2307/2010184
Huth, P. K. (1988). *Extended Deterrence and the Prevention of War*. Yale
University Press.
Fearon, J. D. (1995). Rationalist explanations for war. *International
Organization* 49(3), 379-414. doi:10.1017/S0020818300033324
Schelling, T. C. (1966). *Arms and Influence*. Yale University Press.
Jervis, R. (1976). *Perception and Misperception in International Politics*.
Princeton University Press.
Brecher, M. & Wilkenfeld, J. (2000). *A Study of Crisis*. University of
Michigan Press (International Crisis Behavior project).
Lebow, R. N. (1981). *Between Peace and War: The Nature of International
Crisis*. Johns Hopkins University Press.
Colby, E. A. (2021). *The Strategy of Denial: American Defense in an Age of
Great Power Conflict*. Yale University Press.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from flashpoint._types import FloatArray
from flashpoint.contract import State
from flashpoint.mechanisms._protocol import Context, Draws, Effect, Mechanism
from flashpoint.mechanisms.burden_shifting import theatre_forces, us_pull
from flashpoint.mechanisms.credibility import assess
from flashpoint.mechanisms.mobilisation import engagement
from flashpoint.params import Parameter
from flashpoint.validation.fitted import fitted

__all__ = ["BALANCE_CAP", "CRISIS_END", "MECHANISM", "PARAMETERS", "hazards", "opportunity", "step"]

#: A crisis whose intensity decays below this is over (a convention, not a datum).
CRISIS_END = 0.05
#: The local balance enters the hazards as ln B with B clipped to [1/cap, cap].
#: Rationale: Huth (1988) measures the short-term balance as a ratio of the forces
#: in the area; beyond 10:1 one side's superiority is decisive and a larger ratio
#: tells a challenger nothing more. Unclipped, the ratio of US Indo-Pacific plus
#: South Korean spending to North Korea's (about 170:1 in the 2024 world, in US$
#: at market rates, which understate a command economy's forces) drove the Korean
#: Peninsula's crisis and war hazards to about 1e-7 over ten years.
BALANCE_CAP = 10.0

PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "deterrence.base_rate", "crisis onset hazard at zero tension and credibility, balance 1",
        "1/year", *fitted("deterrence.base_rate"),
        log=True,
    ),
    Parameter(
        "deterrence.tension_onset", "log-hazard increase per unit tension (b_tau)",
        "1/tension", *fitted("deterrence.tension_onset"),
    ),
    Parameter(
        "deterrence.credibility_onset", "log-hazard decrease per unit credibility (b_cred)",
        "1/credibility", 1.5, 0.0, 3.0,
        "rationale: credible defender commitments deter challenges (Huth 1988); "
        "0 (no effect) to a 20-fold reduction at full credibility. Not fitted: in the MID record "
        "1946-2010 a target's major-power defence commitment goes with more, not fewer, "
        "challenges (directed cloglog hazard ratio about 1.8, docs/validation.md), the selection "
        "of commitments to threatened states (Fearon 1994; Leeds 2003), not their causal effect.",
    ),
    Parameter(
        "deterrence.balance_onset", "log-hazard decrease per log of the local balance (b_bal)",
        "dimensionless", *fitted("deterrence.balance_onset"),
    ),
    Parameter(
        "deterrence.provocation_onset", "log-hazard increase per unit provocation (b_prov)",
        "1/provocation", 0.5, 0.0, 2.0,
        "rationale: visible out-of-area patrols can prompt shows of force (2022 Taiwan drills "
        "followed a high-profile visit); weak in the deterrence model.",
    ),
    Parameter(
        "deterrence.spiral_provocation", "multiplier on b_prov under the spiral variant",
        "dimensionless", 3.0, 1.0, 6.0,
        "rationale: Jervis 1976 spiral model: the adversary reads defensive moves as "
        "offensive, so provocation weighs more than in the deterrence model.",
    ),
    Parameter(
        "deterrence.crisis_start", "crisis intensity at onset (c_0)",
        "intensity", 0.6, 0.3, 1.0,
        "rationale: intensity is a 0-1 scale; a new crisis starts below the full war-risk "
        "level of 1.",
    ),
    Parameter(
        "deterrence.decay", "rate at which crisis intensity decays",
        "1/year", 1.5, 0.5, 4.0,
        "rationale: ICB crises typically last weeks to about a year (Brecher & Wilkenfeld "
        "2000); mean lifetime 1/decay from 3 months to 2 years.",
        log=True,
    ),
    Parameter(
        "deterrence.escalation_rate", "war hazard during a crisis at zero intensity terms (mu_0)",
        "1/year", *fitted("deterrence.escalation_rate"),
        log=True,
    ),
    Parameter(
        "deterrence.crisis_escalation", "log war-hazard increase per unit crisis intensity (e_c)",
        "1/intensity", 2.0, 0.5, 3.5, "rationale: escalation risk rises with crisis severity.",
    ),
    Parameter(
        "deterrence.tension_escalation", "log war-hazard increase per unit tension (e_tau)",
        "1/tension", *fitted("deterrence.tension_escalation"),
    ),
    Parameter(
        "deterrence.credibility_escalation",
        "log war-hazard decrease per unit credibility (e_cred)",
        "1/credibility", *fitted("deterrence.credibility_escalation"),
    ),
    Parameter(
        "deterrence.balance_escalation", "log war-hazard decrease per log local balance (e_bal)",
        "dimensionless", *fitted("deterrence.balance_escalation"),
    ),
    Parameter(
        "deterrence.crisis_tension", "rate at which a running crisis raises challenger-target tension",
        "1/year", 0.3, 0.0, 1.0,
        "rationale: crises harden hostility; 0 to closing the gap to full tension in about a year.",
    ),
    Parameter(
        "deterrence.spiral_tension", "rate at which credibility raises tension under spiral",
        "1/year", 0.1, 0.0, 0.4,
        "rationale: Jervis 1976: commitments read as encirclement; 0 to 0.4 per year at full "
        "credibility.",
    ),
    Parameter(
        "deterrence.opportunism",
        "log-hazard increase per unit opportunity (US forces drawn to the other theatre, b_o)",
        "1/opportunity", 1.0, 0.0, 2.0,
        "rationale: Lebow 1981 (crises initiated when the adversary seems unable to respond) "
        "and Colby 2021 (sequential and simultaneous wars) argue for the effect; the seeds' "
        "sceptics treat the theatres as separate (seed 000: China 'does not pose a direct "
        "threat to Europe'); no estimate exists. 0 (none) to a 7-fold onset hazard while a "
        "war the US fights runs in the other theatre.",
    ),
)


def opportunity(state: State, ctx: Context) -> FloatArray:
    """Cross-theatre opportunity :math:`o_f` ``(R, F)`` (see module docstring)."""
    fps = ctx.flashpoints
    if not ctx.world.has("USA") or fps.f == 0:
        return np.zeros_like(np.asarray(state.crisis))
    pull = us_pull(state, ctx)  # (R, F)
    other = ((fps.theatre[:, None] != fps.theatre[None, :])
             & (fps.challenger[:, None] != fps.challenger[None, :]))  # (F, G)
    drawn = np.max(np.where(other[None], pull[:, None, :], 0.0), axis=2)  # (R, F)
    e_us = engagement(ctx)[:, :, ctx.world.index("USA")]  # (R, F)
    return np.asarray(np.clip(e_us, 0.0, 1.0) * drawn)


def _fp_tension(tension: FloatArray, ctx: Context) -> FloatArray:
    """Mean challenger-target tension ``(R, F)``."""
    fps = ctx.flashpoints
    rows = tension[:, fps.challenger, :]  # (R, F, N)
    tmask = fps.targets.astype(tension.dtype)
    return np.asarray(np.sum(rows * tmask[None], axis=2) / np.maximum(tmask.sum(axis=1), 1.0))


#: Floor (1/yr) of the hazards in the theories' anchoring ratios (:func:`hazards`): far
#: below any fitted rate (the record's lowest flashpoint hazard is of order 1e-3 a year).
ANCHOR_FLOOR = 1e-6


def _form(
    tau: FloatArray, cred: FloatArray, balance: FloatArray, provocation: FloatArray,
    intensity: FloatArray, ctx: Context, opportunity: FloatArray | float, spiral: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """The hazard model's onset and escalation hazards ``(R, F)``; ``spiral`` (R, 1) marks the
    runs of the spiral reading (credibility provokes instead of deterring)."""
    sign = np.where(spiral, -1.0, 1.0).astype(tau.dtype)
    gain = np.where(spiral, ctx.p("deterrence.spiral_provocation", 2), 1.0).astype(tau.dtype)
    log_b = np.log(np.clip(balance, 1.0 / BALANCE_CAP, BALANCE_CAP))
    lam = ctx.p("deterrence.base_rate", 2) * np.exp(
        ctx.p("deterrence.tension_onset", 2) * tau
        - sign * ctx.p("deterrence.credibility_onset", 2) * cred
        - ctx.p("deterrence.balance_onset", 2) * log_b
        + gain * ctx.p("deterrence.provocation_onset", 2) * provocation
        + ctx.p("deterrence.opportunism", 2) * opportunity
    )
    mu = ctx.p("deterrence.escalation_rate", 2) * np.exp(
        ctx.p("deterrence.crisis_escalation", 2) * intensity
        + ctx.p("deterrence.tension_escalation", 2) * tau
        - sign * ctx.p("deterrence.credibility_escalation", 2) * cred
        - ctx.p("deterrence.balance_escalation", 2) * log_b
    )
    return np.asarray(lam), np.asarray(mu)


def status_quo_context(ctx: Context) -> Context:
    """``ctx`` with the world's own commitments and no scenario inputs (presence,
    provocation, retrenchment): the status quo against which theories are anchored."""
    from dataclasses import replace

    runs, n = ctx.initial.milex.shape
    return replace(
        ctx,
        commitment=np.broadcast_to(ctx.world.defense, (runs, n, n)).astype(ctx.initial.milex.dtype),
        presence=np.zeros_like(ctx.presence), provocation=np.zeros_like(ctx.provocation),
        us_europe_retrenchment=np.zeros_like(ctx.us_europe_retrenchment),
    )


def status_quo_inputs(ctx: Context) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``(tension, credibility, local balance)`` ``(R, F)`` of the initial state in the
    :func:`status_quo_context`: the point at which every theory is anchored to the fitted
    hazard model (see :func:`hazards`)."""

    def build() -> tuple[FloatArray, FloatArray, FloatArray]:
        world = status_quo_context(ctx)
        forces = theatre_forces(ctx.initial.milex, ctx.initial.us_asia_share, world)
        cred, balance = assess(forces, world)
        tau = _fp_tension(np.clip(ctx.initial.tension, 0.0, 1.0), ctx)
        return tau, np.clip(cred, 0.0, 1.0), balance
    return ctx.cached("deterrence.status_quo_inputs", build)  # type: ignore[no-any-return]


def hazards(
    tau: FloatArray, cred: FloatArray, balance: FloatArray, provocation: FloatArray,
    intensity: FloatArray, ctx: Context, opportunity: FloatArray | float = 0.0,
) -> tuple[FloatArray, FloatArray]:
    """Onset hazard :math:`\\lambda` and escalation hazard :math:`\\mu` per year, ``(R, F)``.

    ``intensity`` is the crisis (or blockade) intensity at which escalation is evaluated;
    ``opportunity`` the cross-theatre opportunity :math:`o_f` (:func:`opportunity`).

    The rival theories agree on the status quo and disagree on responses: the
    deterrence form is the hazard model fitted to the conflict record
    (``validation/hazards.py``), and the spiral and bargaining readings are
    anchored to it at the status quo's inputs (:func:`status_quo_inputs`):
    ``lambda_theory(x) * lambda_fitted(x0) / lambda_theory(x0)``, and the same for
    ``mu``. Without the anchor the spiral sign flip on credibility, evaluated at
    the high credibility of treaty-protected Korea and the Baltic, and the
    bargaining war probability at China's local superiority over Taiwan, put
    the status quo's ten-year war risk near 1, which the record rules out.
    """
    spiral = ctx.variant_mask("deterrence", "spiral")[:, None]  # (R, 1) per-run theory
    bargain = ctx.variant_mask("deterrence", "bargaining")  # (R,) the rival theory
    lam, mu = _form(tau, cred, balance, provocation, intensity, ctx, opportunity, spiral)
    if not (np.any(spiral) or np.any(bargain)):
        return lam, mu
    tau0, cred0, bal0 = status_quo_inputs(ctx)
    none = np.zeros_like(provocation)
    off = np.zeros_like(spiral)
    lam_fit, mu_fit = _form(tau0, cred0, bal0, none, intensity, ctx, 0.0, off)
    if np.any(spiral):
        lam_s0, mu_s0 = _form(tau0, cred0, bal0, none, intensity, ctx, 0.0, spiral)
        lam = np.where(spiral, lam_fit * (lam + ANCHOR_FLOOR) / (lam_s0 + ANCHOR_FLOOR), lam)
        mu = np.where(spiral, mu_fit * (mu + ANCHOR_FLOOR) / (mu_s0 + ANCHOR_FLOOR), mu)
    if np.any(bargain):  # Fearon's risk-return tradeoff (mechanisms/bargaining.py)
        from flashpoint.mechanisms.bargaining import hazards as bargaining_hazards

        lam_b, mu_b = bargaining_hazards(tau, cred, balance, provocation, intensity, ctx)
        lam_b0, mu_b0 = bargaining_hazards(tau0, cred0, bal0, none, intensity, ctx)
        # ratios with a floor of ANCHOR_FLOOR per year: bargaining can give zero war
        # probability at the status quo (no range of disagreement), where a ratio is undefined
        lam_b = lam_fit * (lam_b + ANCHOR_FLOOR) / (lam_b0 + ANCHOR_FLOOR)
        lam_b = lam_b * np.exp(ctx.p("deterrence.opportunism", 2) * opportunity)
        mu_b = mu_fit * (mu_b + ANCHOR_FLOOR) / (mu_b0 + ANCHOR_FLOOR)
        lam = np.where(bargain[:, None], lam_b, lam)
        mu = np.where(bargain[:, None], mu_b, mu)
    return np.asarray(lam, dtype=tau.dtype), np.asarray(mu, dtype=tau.dtype)


def step(state: State, derived: Mapping[str, FloatArray], ctx: Context, draws: Draws) -> Effect:
    """Draw crisis onsets and escalations; provide annual crisis and war hazards."""
    fps = ctx.flashpoints
    if "credibility" in derived and "local_balance" in derived:
        cred, balance = derived["credibility"], derived["local_balance"]
    else:  # credibility switched off: assess at the current forces
        forces = derived.get("forces")
        if forces is None:
            forces = theatre_forces(state.milex, state.us_asia_share, ctx)
        cred, balance = assess(forces, ctx)
    cred = np.clip(cred, 0.0, 1.0)
    tau = _fp_tension(np.clip(state.tension, 0.0, 1.0), ctx)
    crisis = np.clip(state.crisis, 0.0, 1.0)
    war = state.war > 0.5
    blockade = np.clip(state.blockade, 0.0, 1.0)
    intensity = np.maximum(blockade, crisis)
    c0 = ctx.p("deterrence.crisis_start", 2)
    opp = opportunity(state, ctx)
    lam, mu = hazards(tau, cred, balance, ctx.provocation, intensity, ctx, opp)
    _, mu_start = hazards(tau, cred, balance, ctx.provocation, np.broadcast_to(c0, tau.shape), ctx,
                          opp)
    decay = ctx.p("deterrence.decay", 2)

    # Escalation from the start-of-step intensity.
    running = (intensity > 0) & ~war
    p_war = 1.0 - np.exp(-mu * ctx.dt)
    new_war = running & (draws.escalation < p_war)
    at_war = war | new_war

    # Onset where nothing runs.
    idle = (crisis < CRISIS_END) & (blockade <= 0.0) & ~war
    p_on = 1.0 - np.exp(-lam * ctx.dt)
    onset = idle & (draws.onset < p_on)

    decayed = crisis * (1.0 - np.minimum(1.0, decay * ctx.dt))
    decayed = np.where(decayed < CRISIS_END, 0.0, decayed)
    new_crisis = np.where(at_war, 1.0, np.where(onset, np.maximum(c0, crisis), decayed))
    d_crisis = new_crisis - state.crisis
    d_war = np.where(new_war, 1.0 - state.war, 0.0)

    # Tension between challenger and targets during a crisis (and from commitments, spiral).
    rate = ctx.p("deterrence.crisis_tension", 2) * crisis
    spiral = ctx.variant_mask("deterrence", "spiral")[:, None]
    if np.any(spiral):  # commitments beyond the status quo's provoke (its own are in tau(0))
        added = np.maximum(0.0, cred - status_quo_inputs(ctx)[1])
        rate = rate + np.where(spiral, ctx.p("deterrence.spiral_tension", 2) * added, 0.0)
    n = state.tension.shape[1]
    pair = np.zeros((fps.f, n, n), dtype=state.tension.dtype)
    pair[np.arange(fps.f), fps.challenger, :] = fps.targets
    pair = np.maximum(pair, np.swapaxes(pair, 1, 2))
    push = np.minimum(np.einsum("rf,fij->rij", rate * ctx.dt, pair), 1.0)
    d_tau = push * (1.0 - np.clip(state.tension, 0.0, 1.0))
    d_tau[:, np.arange(n), np.arange(n)] = 0.0

    q_esc = 1.0 - np.exp(-mu_start / decay)
    quiet = 1.0 - np.exp(-lam * q_esc)
    war_hazard = np.where(war, 1.0, np.where(intensity > 0, 1.0 - np.exp(-mu), quiet))
    return Effect(
        deltas={"crisis": d_crisis, "war": d_war, "tension": d_tau},
        derived={"crisis_hazard": 1.0 - np.exp(-lam), "war_hazard": war_hazard},
    )


MECHANISM = Mechanism(
    name="deterrence",
    title="Deterrence, crisis onset and escalation at the flashpoints",
    references=(
        "Huth & Russett 1984, World Politics 36(4):496-526, doi:10.2307/2010184",
        "Huth 1988, Extended Deterrence and the Prevention of War, Yale University Press",
        "Fearon 1995, Int. Organ. 49(3):379-414, doi:10.1017/S0020818300033324",
        "Schelling 1966, Arms and Influence, Yale University Press",
        "Jervis 1976, Perception and Misperception in International Politics, Princeton UP",
        "Brecher & Wilkenfeld 2000, A Study of Crisis, University of Michigan Press",
        "Lebow 1981, Between Peace and War, Johns Hopkins University Press",
        "Colby 2021, The Strategy of Denial, Yale University Press",
    ),
    parameters=PARAMETERS,
    writes=("crisis", "war", "tension"),
    provides=("crisis_hazard", "war_hazard"),
    reads=("credibility", "local_balance"),
    step=step,
    variants=("deterrence", "spiral", "bargaining"),
    equations=(
        "lambda_f = lambda0 exp(b_tau tau_f - s b_cred cred_f - b_bal ln B_f + g b_prov v_f "
        "+ b_o o_f), o_f = E_US,f max_{g other theatre, other challenger} h_g",
        "onset if idle and u_on < 1 - exp(-lambda dt): c = c0; dc = -delta c dt",
        "mu_f = mu0 exp(e_c k + e_tau tau_f - s e_cred cred_f - e_bal ln B_f); "
        "war if u_esc < 1 - exp(-mu dt)",
        "dtau_cT = dt (rho c + [spiral] rho_s cred) (1 - tau)",
    ),
)
