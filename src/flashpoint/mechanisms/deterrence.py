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

Equations
---------
For flashpoint :math:`f`, with mean challenger-target tension :math:`\tau_f`,
credibility :math:`\kappa_f` and local balance :math:`B_f` (from
:mod:`~flashpoint.mechanisms.credibility`) and provocation :math:`v_f`
(``ctx.provocation``), the onset hazard (per year) is

.. math::

    \lambda_f = \lambda_0 \exp\big(b_\tau\tau_f - s\,b_\kappa\kappa_f
                - b_B \ln B_f + g\,b_v v_f\big),

with :math:`s = 1, g = 1` under ``deterrence`` and :math:`s = -1`,
:math:`g = \gamma` (``deterrence.spiral_provocation``) under ``spiral``.
A crisis starts in a step when none is running and
:math:`u^{on}_f < 1 - e^{-\lambda_f\Delta t}`; its intensity jumps to
:math:`c_0` and then decays, :math:`\Delta c = -\delta c\,\Delta t`, ending
below :data:`CRISIS_END`. While a crisis or blockade runs (intensity
:math:`k = \max(c, b)`), war breaks out when
:math:`u^{esc}_f < 1 - e^{-\mu_f\Delta t}` with

.. math::

    \mu_f = \mu_0 \exp\big(e_c k + e_\tau\tau_f - s\,e_\kappa\kappa_f - e_B\ln B_f\big).

War is absorbing and holds the crisis at 1. A running crisis raises the
challenger-target tension, :math:`\Delta\tau = \Delta t\,\rho\,c\,(1-\tau)`,
and under ``spiral`` credibility does too, at rate :math:`\rho_s \kappa_f`.

Provided for metrics: ``crisis_hazard`` :math:`= 1 - e^{-\lambda_f}` (annual
probability of onset) and ``war_hazard``, the annual probability of war: 1
at war; :math:`1 - e^{-\mu_f}` during a crisis; otherwise
:math:`1 - \exp(-\lambda_f\,[1 - e^{-\mu_f(c_0)/\delta}])`, the onset rate
times the chance that a crisis starting at :math:`c_0` escalates during its
mean lifetime :math:`1/\delta` (hazard held at its starting value).

Assumptions
-----------
* Flashpoints are independent given the state; their coupling runs through
  tension, forces and burden shifting.
* Blockades are set by scenario shocks only; a blockade escalates like a
  crisis at intensity 1.

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
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from flashpoint._types import FloatArray
from flashpoint.engine.state import State
from flashpoint.mechanisms._protocol import Context, Draws, Effect, Mechanism
from flashpoint.mechanisms.burden_shifting import theatre_forces
from flashpoint.mechanisms.credibility import assess
from flashpoint.params import Parameter

__all__ = ["CRISIS_END", "MECHANISM", "PARAMETERS", "hazards", "step"]

#: A crisis whose intensity decays below this is over (a convention, not a datum).
CRISIS_END = 0.05

PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "deterrence.base_rate", "crisis onset hazard at zero tension and credibility, balance 1",
        "1/year", 0.01, 0.002, 0.05,
        "rationale: Taiwan Strait crises in 1954-55, 1958, 1995-96 and the 2022 drills give "
        "an order of a few percent a year at one flashpoint (International Crisis Behavior "
        "data, Brecher & Wilkenfeld 2000); not a precise estimate. Chosen so that the Taiwan "
        "hazard at the initial (high-tension, low-balance) state is of that order.",
        log=True,
    ),
    Parameter(
        "deterrence.tension_onset", "log-hazard increase per unit tension (b_tau)",
        "1/tension", 1.5, 0.5, 3.0,
        "rationale: rivalry and prior disputes raise crisis risk (Huth & Russett 1984); "
        "full tension multiplies the hazard by e^0.5 to e^3.",
    ),
    Parameter(
        "deterrence.credibility_onset", "log-hazard decrease per unit credibility (b_cred)",
        "1/credibility", 1.5, 0.0, 3.0,
        "rationale: credible defender commitments deter challenges (Huth 1988); "
        "0 (no effect) to a 20-fold reduction at full credibility.",
    ),
    Parameter(
        "deterrence.balance_onset", "log-hazard decrease per log of the local balance (b_bal)",
        "dimensionless", 0.5, 0.0, 1.5,
        "rationale: Huth 1988 finds the local (short-term) balance matters for deterrence "
        "success; elasticity 0-1.5.",
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
        "1/year", 0.005, 0.001, 0.05,
        "rationale: only a small share of international crises end in full-scale war (ICB, "
        "Brecher & Wilkenfeld 2000) and none of the four Taiwan Strait crises did; the default "
        "gives a new Taiwan crisis a chance of the order of 5-10% to escalate.",
        log=True,
    ),
    Parameter(
        "deterrence.crisis_escalation", "log war-hazard increase per unit crisis intensity (e_c)",
        "1/intensity", 2.0, 0.5, 3.5, "rationale: escalation risk rises with crisis severity.",
    ),
    Parameter(
        "deterrence.tension_escalation", "log war-hazard increase per unit tension (e_tau)",
        "1/tension", 1.0, 0.0, 3.0, "rationale: hostile relations make escalation likelier "
        "(Huth & Russett 1984); 0 to 3.",
    ),
    Parameter(
        "deterrence.credibility_escalation",
        "log war-hazard decrease per unit credibility (e_cred)",
        "1/credibility", 1.5, 0.0, 3.0,
        "rationale: as for onset (Huth 1988): a credible defender makes escalation costly.",
    ),
    Parameter(
        "deterrence.balance_escalation", "log war-hazard decrease per log local balance (e_bal)",
        "dimensionless", 0.7, 0.0, 2.0,
        "rationale: a challenger that expects to lose locally does not attack (Huth 1988; "
        "Mearsheimer 1983 Conventional Deterrence); elasticity 0-2.",
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
)


def _fp_tension(tension: FloatArray, ctx: Context) -> FloatArray:
    """Mean challenger-target tension ``(R, F)``."""
    fps = ctx.flashpoints
    rows = tension[:, fps.challenger, :]  # (R, F, N)
    tmask = fps.targets.astype(tension.dtype)
    return np.asarray(np.sum(rows * tmask[None], axis=2) / np.maximum(tmask.sum(axis=1), 1.0))


def hazards(
    tau: FloatArray, cred: FloatArray, balance: FloatArray, provocation: FloatArray,
    intensity: FloatArray, ctx: Context,
) -> tuple[FloatArray, FloatArray]:
    """Onset hazard :math:`\\lambda` and escalation hazard :math:`\\mu` per year, ``(R, F)``.

    ``intensity`` is the crisis (or blockade) intensity at which escalation is evaluated.
    """
    spiral = ctx.variant_mask("deterrence", "spiral")[:, None]  # (R, 1) per-run theory
    sign = np.where(spiral, -1.0, 1.0).astype(tau.dtype)
    gain = np.where(spiral, ctx.p("deterrence.spiral_provocation", 2), 1.0).astype(tau.dtype)
    log_b = np.log(np.maximum(balance, 1e-9))
    lam = ctx.p("deterrence.base_rate", 2) * np.exp(
        ctx.p("deterrence.tension_onset", 2) * tau
        - sign * ctx.p("deterrence.credibility_onset", 2) * cred
        - ctx.p("deterrence.balance_onset", 2) * log_b
        + gain * ctx.p("deterrence.provocation_onset", 2) * provocation
    )
    mu = ctx.p("deterrence.escalation_rate", 2) * np.exp(
        ctx.p("deterrence.crisis_escalation", 2) * intensity
        + ctx.p("deterrence.tension_escalation", 2) * tau
        - sign * ctx.p("deterrence.credibility_escalation", 2) * cred
        - ctx.p("deterrence.balance_escalation", 2) * log_b
    )
    return np.asarray(lam), np.asarray(mu)


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
    intensity = np.where(blockade > 0.5, 1.0, crisis)
    c0 = ctx.p("deterrence.crisis_start", 2)
    lam, mu = hazards(tau, cred, balance, ctx.provocation, intensity, ctx)
    _, mu_start = hazards(tau, cred, balance, ctx.provocation, np.broadcast_to(c0, tau.shape), ctx)
    decay = ctx.p("deterrence.decay", 2)

    # Escalation from the start-of-step intensity.
    running = (intensity > 0) & ~war
    p_war = 1.0 - np.exp(-mu * ctx.dt)
    new_war = running & (draws.escalation < p_war)
    at_war = war | new_war

    # Onset where nothing runs.
    idle = (crisis < CRISIS_END) & (blockade <= 0.5) & ~war
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
    rate = rate + np.where(spiral, ctx.p("deterrence.spiral_tension", 2) * cred, 0.0)
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
    ),
    parameters=PARAMETERS,
    writes=("crisis", "war", "tension"),
    provides=("crisis_hazard", "war_hazard"),
    reads=("credibility", "local_balance"),
    step=step,
    variants=("deterrence", "spiral"),
    equations=(
        "lambda_f = lambda0 exp(b_tau tau_f - s b_cred cred_f - b_bal ln B_f + g b_prov v_f)",
        "onset if idle and u_on < 1 - exp(-lambda dt): c = c0; dc = -delta c dt",
        "mu_f = mu0 exp(e_c k + e_tau tau_f - s e_cred cred_f - e_bal ln B_f); "
        "war if u_esc < 1 - exp(-mu dt)",
        "dtau_cT = dt (rho c + [spiral] rho_s cred) (1 - tau)",
    ),
)
