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

Kernel
------
:func:`step` has a compiled kernel, ``_step_kernel``: the mechanism took
11 % of the engine's time (issue 17), mostly the per-call overhead of many
small ``(R, F)`` NumPy operations (:func:`_form` ran six times a step under
the anchored theories) and the ``(R, N, N)`` tension push. The kernel fuses
the flashpoint tension, the opportunity, both hazards (every theory per run,
anchored as in :func:`hazards`), the crisis dynamics and the tension push in
one pass per run. :func:`hazards` and :func:`_form` stay the NumPy reference.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from flashpoint import kernels
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
    if kernels.enabled():
        return _step_fast(state, cred, balance, ctx, draws)
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


#: Parameters the step kernel reads, in the order of the columns it gets.
_KERNEL_PARAMS = (
    "deterrence.base_rate", "deterrence.tension_onset", "deterrence.credibility_onset",
    "deterrence.balance_onset", "deterrence.provocation_onset", "deterrence.spiral_provocation",
    "deterrence.opportunism", "deterrence.escalation_rate", "deterrence.crisis_escalation",
    "deterrence.tension_escalation", "deterrence.credibility_escalation",
    "deterrence.balance_escalation", "deterrence.crisis_start", "deterrence.decay",
    "deterrence.crisis_tension", "deterrence.spiral_tension", "burden_shifting.crisis_weight",
    "mobilisation.supporter_engagement", "bargaining.decisiveness", "bargaining.cost_base",
    "bargaining.cost_credibility", "bargaining.resolve_uncertainty", "bargaining.revelation",
    "bargaining.provocation_noise", "bargaining.status_quo", "bargaining.gain_onset",
)


def _geometry(ctx: Context) -> tuple[np.ndarray, ...]:
    """Fixed arrays of the step kernel (memoised per chunk): the parameters as columns
    ``(R, K)``, challengers, targets, target counts, the other-theatre pairs ``(F, G)``
    and the challenger-target pairs ``(P, 2)`` with their flashpoints ``(F, P)``."""
    fps, n = ctx.flashpoints, ctx.world.n
    dtype = ctx.initial.milex.dtype
    params = np.ascontiguousarray(np.stack([ctx.params[k] for k in _KERNEL_PARAMS], axis=1),
                                  dtype=dtype)
    targets = np.ascontiguousarray(fps.targets, dtype=np.bool_)
    counts = np.maximum(fps.targets.astype(dtype).sum(axis=1), 1.0).astype(dtype)
    other = np.ascontiguousarray((fps.theatre[:, None] != fps.theatre[None, :])
                                 & (fps.challenger[:, None] != fps.challenger[None, :]))
    pair = np.zeros((fps.f, n, n), dtype=bool)
    pair[np.arange(fps.f), fps.challenger, :] = fps.targets
    pair = pair | np.swapaxes(pair, 1, 2)
    pair[:, np.arange(n), np.arange(n)] = False
    ij = np.argwhere(np.any(pair, axis=0)).astype(np.int64)  # (P, 2), row-major order
    on = np.ascontiguousarray(pair[:, ij[:, 0], ij[:, 1]].astype(dtype))  # (F, P)
    return (params, np.asarray(fps.challenger, dtype=np.int64), targets, counts, other,
            np.ascontiguousarray(ij), on)


def _us_roles(ctx: Context) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The US's parts in a war at each flashpoint (:func:`~flashpoint.mechanisms.mobilisation.roles`):
    belligerent ``(F,)``, ally and supporter ``(R, F)``."""
    from flashpoint.mechanisms.mobilisation import roles

    chal, tgt, ally, supporter = roles(ctx)
    us = ctx.world.index("USA")
    return (np.ascontiguousarray(np.maximum(chal, tgt)[:, us]),
            np.ascontiguousarray(ally[:, :, us]), np.ascontiguousarray(supporter[:, :, us]))


def _theory_runs(ctx: Context) -> tuple[np.ndarray, np.ndarray, bool]:
    """``(R,)`` the runs of the spiral and of the bargaining reading, and whether any."""
    spiral = ctx.variant_mask("deterrence", "spiral")
    bargain = ctx.variant_mask("deterrence", "bargaining")
    return spiral, bargain, bool(np.any(spiral) or np.any(bargain))


def _step_fast(state: State, cred: FloatArray, balance: FloatArray, ctx: Context,
               draws: Draws) -> Effect:
    """:func:`step` by the compiled kernel (same arithmetic)."""
    geo = ctx.cached("deterrence.kernel_geometry", lambda: _geometry(ctx))
    spiral, bargain, anchored = ctx.cached("deterrence.theory_runs", lambda: _theory_runs(ctx))
    cred = np.asarray(cred)
    if anchored:
        tau0, cred0, bal0 = status_quo_inputs(ctx)
    else:  # not read by the kernel
        tau0 = cred0 = bal0 = cred
    has_us = ctx.world.has("USA") and ctx.flashpoints.f > 0
    if has_us:
        bel, ally, sup = ctx.cached_for("deterrence.us_roles", ctx.commitment,
                                        lambda: _us_roles(ctx))
    else:  # not read by the kernel
        bel, ally, sup = cred[0], cred, cred
    d_crisis, d_war, d_tau, crisis_hazard, war_hazard = _step_kernel(
        state.tension, state.crisis, state.war, state.blockade, cred, np.asarray(balance),
        ctx.provocation, draws.onset, draws.escalation, spiral, bargain, tau0, cred0, bal0,
        has_us, bel, ally, sup, float(ctx.dt), *geo)
    return Effect(
        deltas={"crisis": d_crisis, "war": d_war, "tension": d_tau},
        derived={"crisis_hazard": crisis_hazard, "war_hazard": war_hazard},
    )


@kernels.jit
def _step_kernel(tension, crisis, war, blockade, cred_in, balance, provocation, u_onset,  # type: ignore[no-untyped-def]
                 u_escalation, spiral, bargain, tau0, cred0, bal0, has_us, bel_us, ally_us,
                 sup_us, dt, params, challenger, targets, counts, other, pairs, pair_on):
    """Deltas of crisis, war and tension and the annual hazards: :func:`step` fused.

    Per run and flashpoint, in this order: mean challenger-target tension, the
    US pull and opportunity, the onset hazard and the escalation hazards at the
    current intensity and at ``c0`` (hazard model; spiral or bargaining anchored
    to it at the status quo), then the crisis dynamics; then the tension push.
    """
    runs, nf = crisis.shape[0], crisis.shape[1]
    n = tension.shape[1]
    out_t = crisis.dtype
    d_crisis = np.empty((runs, nf), dtype=out_t)
    d_war = np.empty((runs, nf), dtype=out_t)
    crisis_hazard = np.empty((runs, nf), dtype=out_t)
    war_hazard = np.empty((runs, nf), dtype=out_t)
    d_tau = np.zeros((runs, n, n), dtype=tension.dtype)
    pull = np.zeros(nf)
    e_us = np.zeros(nf)
    rdt = np.zeros(nf)
    lam_pair = np.zeros(2)
    pi_pair = np.zeros(2)
    lo_b, hi_b = 1.0 / BALANCE_CAP, BALANCE_CAP
    for r in range(runs):
        pr = params[r]
        sp, bg = spiral[r], bargain[r]
        b_lam, a_tau, b_cred, b_bal, b_prov = pr[0], pr[1], pr[2], pr[3], pr[4]
        g_spiral, b_opp, b_mu, e_c, e_tau = pr[5], pr[6], pr[7], pr[8], pr[9]
        e_cred, e_bal, c0, decay, rho, rho_s = pr[10], pr[11], pr[12], pr[13], pr[14], pr[15]
        w_crisis, eps_sup = pr[16], pr[17]
        sign = -1.0 if sp else 1.0
        gain = g_spiral if sp else 1.0
        if has_us:  # us_pull: a war the US fights, a blockade, a crisis
            for g in range(nf):
                x = ally_us[r, g]
                y = eps_sup * sup_us[r, g]
                x = x if x >= y else y
                eng = bel_us[g] if bel_us[g] >= x else x
                e_us[g] = eng
                w = min(max(war[r, g], 0.0), 1.0)
                hot = w * eng
                blk = min(max(blockade[r, g], 0.0), 1.0)
                hot = hot if hot >= blk else blk
                cr = w_crisis * min(max(crisis[r, g], 0.0), 1.0) * (1.0 - w)
                pull[g] = hot if hot >= cr else cr
        for f in range(nf):
            c = challenger[f]
            s = 0.0
            for j in range(n):
                if targets[f, j]:
                    s += min(max(tension[r, c, j], 0.0), 1.0)
            tau = s / counts[f]
            kappa = min(max(cred_in[r, f], 0.0), 1.0)
            bal = balance[r, f]
            prov = provocation[r, f]
            opp = 0.0
            if has_us:
                drawn = 0.0
                for g in range(nf):
                    if other[f, g] and pull[g] > drawn:
                        drawn = pull[g]
                opp = min(max(e_us[f], 0.0), 1.0) * drawn
            cr_now = min(max(crisis[r, f], 0.0), 1.0)
            at_war_now = war[r, f] > 0.5
            blk = min(max(blockade[r, f], 0.0), 1.0)
            inten = blk if blk >= cr_now else cr_now
            # the hazard model (_form) at this run's reading
            log_b = np.log(min(max(bal, lo_b), hi_b))
            lam = b_lam * np.exp(a_tau * tau - sign * b_cred * kappa - b_bal * log_b
                                 + gain * b_prov * prov + b_opp * opp)
            mu = b_mu * np.exp(e_c * inten + e_tau * tau - sign * e_cred * kappa - e_bal * log_b)
            mu_c0 = b_mu * np.exp(e_c * c0 + e_tau * tau - sign * e_cred * kappa
                                  - e_bal * log_b)
            if sp or bg:  # anchored at the status quo's inputs (hazards)
                t0, k0 = tau0[r, f], cred0[r, f]
                lb0 = np.log(min(max(bal0[r, f], lo_b), hi_b))
                lam_fit = b_lam * np.exp(a_tau * tau0[r, f] - 1.0 * b_cred * k0 - b_bal * lb0
                                         + 1.0 * b_prov * 0.0 + b_opp * 0.0)
                mu_fit = b_mu * np.exp(e_c * inten + e_tau * t0 - 1.0 * e_cred * k0
                                       - e_bal * lb0)
                mu_fit_c0 = b_mu * np.exp(e_c * c0 + e_tau * t0 - 1.0 * e_cred * k0
                                          - e_bal * lb0)
                if sp:
                    lam_s0 = b_lam * np.exp(a_tau * t0 - sign * b_cred * k0 - b_bal * lb0
                                            + gain * b_prov * 0.0 + b_opp * 0.0)
                    mu_s0 = b_mu * np.exp(e_c * inten + e_tau * t0 - sign * e_cred * k0
                                          - e_bal * lb0)
                    mu_s0_c0 = b_mu * np.exp(e_c * c0 + e_tau * t0 - sign * e_cred * k0
                                             - e_bal * lb0)
                    lam = lam_fit * (lam + ANCHOR_FLOOR) / (lam_s0 + ANCHOR_FLOOR)
                    mu = mu_fit * (mu + ANCHOR_FLOOR) / (mu_s0 + ANCHOR_FLOOR)
                    mu_c0 = mu_fit_c0 * (mu_c0 + ANCHOR_FLOOR) / (mu_s0_c0 + ANCHOR_FLOOR)
                else:  # bargaining.hazards and bargaining.settlement, here and at the status quo
                    m_dec, c_base, c_cred, c_unc = pr[18], pr[19], pr[20], pr[21]
                    theta, nu, q_sq, eta = pr[22], pr[23], pr[24], pr[25]
                    for which in range(2):
                        if which == 0:
                            tb, kb, bb, vb = tau, kappa, bal, prov
                        else:
                            tb, kb, bb, vb = t0, k0, bal0[r, f], 0.0
                        b = max(bb, 1e-9)
                        p = 1.0 / (1.0 + b ** m_dec)
                        kk = min(max(kb, 0.0), 1.0)
                        c_a = c_base + c_cred * kk
                        spread = 1.0 - theta * kk + nu * min(max(vb, 0.0), 1.0)
                        c_bar = c_unc * max(0.05, spread)
                        gap = 0.5 * max(0.0, c_bar - c_a)
                        demand = min(1.0, p + gap)
                        pw = min(max(min(gap, demand - p) / c_bar, 0.0), 1.0)
                        utility = (1.0 - pw) * demand + pw * (p - c_a)
                        lam_pair[which] = b_lam * np.exp(a_tau * tb + eta * (utility - q_sq))
                        pi_pair[which] = -np.log1p(-min(pw, 0.999))
                    at_k, at_c0 = np.exp(e_c * (inten - c0)), np.exp(e_c * (c0 - c0))
                    mu_b = decay * pi_pair[0] * at_k
                    mu_b0 = decay * pi_pair[1] * at_k
                    mu_bc = decay * pi_pair[0] * at_c0
                    mu_bc0 = decay * pi_pair[1] * at_c0
                    lam = lam_fit * (lam_pair[0] + ANCHOR_FLOOR) / (lam_pair[1] + ANCHOR_FLOOR)
                    lam = lam * np.exp(b_opp * opp)
                    mu = mu_fit * (mu_b + ANCHOR_FLOOR) / (mu_b0 + ANCHOR_FLOOR)
                    mu_c0 = mu_fit_c0 * (mu_bc + ANCHOR_FLOOR) / (mu_bc0 + ANCHOR_FLOOR)
            # crisis dynamics
            running = inten > 0.0 and not at_war_now
            new_war = running and u_escalation[r, f] < 1.0 - np.exp(-mu * dt)
            idle = cr_now < CRISIS_END and blk <= 0.0 and not at_war_now
            onset = idle and u_onset[r, f] < 1.0 - np.exp(-lam * dt)
            decayed = cr_now * (1.0 - min(1.0, decay * dt))
            if decayed < CRISIS_END:
                decayed = 0.0
            if at_war_now or new_war:
                new_crisis = 1.0
            elif onset:
                new_crisis = c0 if c0 >= cr_now else cr_now
            else:
                new_crisis = decayed
            d_crisis[r, f] = new_crisis - crisis[r, f]
            d_war[r, f] = 1.0 - war[r, f] if new_war else 0.0
            rate = rho * cr_now
            if sp:
                rate = rate + rho_s * max(0.0, kappa - cred0[r, f])
            rdt[f] = rate * dt
            q_esc = 1.0 - np.exp(-mu_c0 / decay)
            if at_war_now:
                war_hazard[r, f] = 1.0
            elif inten > 0.0:
                war_hazard[r, f] = 1.0 - np.exp(-mu)
            else:
                war_hazard[r, f] = 1.0 - np.exp(-lam * q_esc)
            crisis_hazard[r, f] = 1.0 - np.exp(-lam)
        for p in range(pairs.shape[0]):  # tension between challengers and their targets
            i, j = pairs[p, 0], pairs[p, 1]
            push = 0.0
            for f in range(nf):
                push += rdt[f] * pair_on[f, p]
            push = min(push, 1.0)
            d_tau[r, i, j] = push * (1.0 - min(max(tension[r, i, j], 0.0), 1.0))
    return d_crisis, d_war, d_tau, crisis_hazard, war_hazard


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
