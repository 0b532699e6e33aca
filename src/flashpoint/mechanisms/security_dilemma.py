r"""The security dilemma: arming read as hostility (spiral) or not (deterrence).

Theory
------
Jervis (1976, 1978) shows how, when states cannot tell whether another's
arms serve defence or offence, measures each takes for its own security
are read by others as signs of hostile intent; they arm and align in turn,
and tension spirals although no one sought it (the *spiral model*). The
dilemma is mitigated when offensive and defensive postures can be told
apart (Jervis 1978's "distinguishability"), and Glaser (1997) shows it is
a matter of degree. Jervis's rival *deterrence model* holds that the
adversary's aims are given: arming is not misread, and tension follows the
threat faced, not perceptions of arming.

Equations
---------
Arming signal of j (dimensionless): real spending growth beyond the
baseline trend since t = 0::

    x_j = max(0, log(m_j / m_j(0)) - r t),   t = step * dt (years)

Spiral variant (default ``spiral``), for each pair i != j::

    d I_ij / dt = mu * x_j * (1 - delta) * (1 - I_ij) - rho * (I_ij - I_ij(0))
    d tau_ij / dt = lam * ( C_ij - C_ij(0) ) - kappa * (tau_ij - tau_ij(0))
    C_ij = (T_ij + T_ji)/2 * (I_ij + I_ji)/2

Deterrence variant (``deterrence``)::

    d I_ij / dt = 0
    d tau_ij / dt = lam * ( Tbar_ij - Tbar_ij(0) ) - kappa * (tau_ij - tau_ij(0))
    Tbar_ij = (T_ij + T_ji)/2

``I`` is perceived hostile intent in [0, 1], ``tau`` dyadic tension in
[0, 1] (symmetric), ``T`` threat from :mod:`~flashpoint.mechanisms.threat`,
``mu`` the misperception rate (1/yr per unit of log arming),
``delta`` in [0, 1] the distinguishability of offence from defence,
``rho`` the relaxation rate of intent towards its initial value (1/yr),
``lam`` the tension response rate (1/yr) and ``kappa`` the tension decay
rate (1/yr). ``r`` is the baseline trend of :mod:`~flashpoint.mechanisms.arms`
(``arms.trend_rate``, each actor's own), so arming at the trend is not read as a signal. ``C(0)``
and ``Tbar(0)`` are evaluated in the initial state without scenario
deployments.

Assumptions
-----------
* Tension is written in anomaly form: the observed initial tension is the
  status quo's steady state, and the mechanism moves it only as threat and
  intent depart from their initial values. The level itself comes from the
  data (see :mod:`flashpoint.engine.initial`).
* Only arming beyond trend is read as a signal; cuts are not read as
  reassurance here (that is the reassurance mechanism's job).
* The (1 - I) factor keeps intent below 1 and makes the update saturate.

References
----------
Jervis, R. (1976). *Perception and Misperception in International
    Politics*. Princeton University Press.
Jervis, R. (1978). Cooperation under the security dilemma. *World
    Politics* 30(2), 167-214. doi:10.2307/2009958
Glaser, C. L. (1997). The security dilemma revisited. *World Politics*
    50(1), 171-201. doi:10.1017/S0043887100014763
Kydd, A. H. (2005). *Trust and Mistrust in International Relations*.
    Princeton University Press.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from flashpoint._types import FloatArray
from flashpoint.engine.state import State
from flashpoint.mechanisms._protocol import Context, Draws, Effect, Mechanism, symmetric
from flashpoint.mechanisms.threat import baseline_threat, current_threat
from flashpoint.params import Parameter

__all__ = ["MECHANISM", "PARAMETERS", "arming_signal", "step"]

PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        name="security_dilemma.misperception",
        meaning="rate mu at which arming beyond trend raises perceived hostile intent",
        unit="1/year per unit log-spending",
        default=1.0,
        low=0.1,
        high=3.0,
        source=(
            "rationale: Jervis (1976) gives the direction, not a rate; at the "
            "default a rival's 10 % arming beyond trend moves intent by about "
            "0.07 of its remaining headroom per year (delta = 0.3); the range spans a slow "
            "(decade) to a fast (months) perception update."
        ),
        log=True,
    ),
    Parameter(
        name="security_dilemma.distinguishability",
        meaning="delta: how far offensive and defensive arming can be told apart",
        unit="dimensionless [0, 1]",
        default=0.3,
        low=0.0,
        high=0.8,
        source=(
            "Jervis (1978): the dilemma vanishes when offence and defence are "
            "distinguishable (delta = 1); rationale: current naval, missile and "
            "air build-ups in the Indo-Pacific are largely dual-use, so the range "
            "stops short of full distinguishability."
        ),
    ),
    Parameter(
        name="security_dilemma.intent_relaxation",
        meaning="rate rho at which perceived intent relaxes to its initial value",
        unit="1/year",
        default=0.1,
        low=0.02,
        high=0.5,
        source=(
            "rationale: perceptions of hostility are sticky (Jervis 1976, ch. 4 "
            "on cognitive consistency); a half-life of about 1.5-35 years."
        ),
        log=True,
    ),
    Parameter(
        name="security_dilemma.tension_rate",
        meaning="rate lam at which tension responds to threat x intent",
        unit="1/year",
        default=0.5,
        low=0.1,
        high=2.0,
        source=(
            "rationale: diplomatic tension reacts within months to a year to "
            "changes in threat; no published estimate maps onto this index."
        ),
        log=True,
    ),
    Parameter(
        name="security_dilemma.tension_decay",
        meaning="rate kappa at which tension decays to its initial value",
        unit="1/year",
        default=0.3,
        low=0.05,
        high=1.0,
        source=(
            "rationale: crises and their tension abate over one to twenty years; "
            "a judgement, sampled widely."
        ),
        log=True,
    ),
)

VARIANTS: tuple[str, ...] = ("spiral", "deterrence")

def arming_signal(state: State, ctx: Context) -> FloatArray:
    """Arming beyond the actor's own baseline trend since t = 0, ``x_j`` (R, N), >= 0."""
    from flashpoint.mechanisms.arms import trend_rate

    r = trend_rate(ctx)
    t = ctx.step * ctx.dt
    ratio = np.maximum(state.milex, 1e-12) / np.maximum(ctx.initial.milex, 1e-12)
    return np.asarray(np.maximum(0.0, np.log(ratio) - r * t))


def step(state: State, derived: Mapping[str, FloatArray], ctx: Context, draws: Draws) -> Effect:
    """Change ``intent`` and ``tension`` (see module docstring)."""
    variant = ctx.variant("security_dilemma", VARIANTS)
    _, t = current_threat(state, derived, ctx)
    t0 = baseline_threat(ctx)
    dt = ctx.dt
    n = state.milex.shape[1]
    off = 1.0 - np.eye(n, dtype=state.intent.dtype)
    lam = ctx.p("security_dilemma.tension_rate", 3)
    kappa = ctx.p("security_dilemma.tension_decay", 3)
    relax_tension = kappa * (state.tension - ctx.initial.tension)
    if variant == "spiral":
        mu = ctx.p("security_dilemma.misperception", 3)
        delta = ctx.p("security_dilemma.distinguishability", 3)
        rho = ctx.p("security_dilemma.intent_relaxation", 3)
        x = arming_signal(state, ctx)[:, None, :]
        d_intent = dt * (
            mu * x * (1.0 - delta) * (1.0 - state.intent)
            - rho * (state.intent - ctx.initial.intent)
        )
        c = symmetric(t) * symmetric(state.intent)
        c0 = ctx.cached("security_dilemma.c0",
                        lambda: symmetric(t0) * symmetric(ctx.initial.intent))
        d_tension = dt * (lam * (c - c0) - relax_tension)
    else:
        d_intent = np.zeros_like(state.intent)
        t0s = ctx.cached("security_dilemma.t0", lambda: symmetric(t0))
        d_tension = dt * (lam * (symmetric(t) - t0s) - relax_tension)
    return Effect(
        deltas={"intent": d_intent * off, "tension": symmetric(d_tension) * off},
    )


MECHANISM = Mechanism(
    name="security_dilemma",
    title="Security dilemma: spiral versus deterrence model (Jervis; Glaser)",
    references=(
        "Jervis, R. (1976). Perception and Misperception in International Politics. "
        "Princeton University Press.",
        "Jervis, R. (1978). Cooperation under the security dilemma. World Politics 30(2), "
        "167-214. doi:10.2307/2009958",
        "Glaser, C. L. (1997). The security dilemma revisited. World Politics 50(1), "
        "171-201. doi:10.1017/S0043887100014763",
        "Kydd, A. H. (2005). Trust and Mistrust in International Relations. Princeton "
        "University Press.",
    ),
    parameters=PARAMETERS,
    writes=("intent", "tension"),
    provides=(),
    reads=("threat",),
    step=step,
    variants=VARIANTS,
    equations=(
        "x_j = max(0, log(m_j/m_j(0)) - r t)",
        "spiral: dI_ij/dt = mu x_j (1-delta)(1-I_ij) - rho (I_ij - I_ij(0))",
        "spiral: dtau_ij/dt = lam (Tbar_ij Ibar_ij - Tbar_ij(0) Ibar_ij(0)) - kappa (tau_ij - tau_ij(0))",
        "deterrence: dI/dt = 0; dtau_ij/dt = lam (Tbar_ij - Tbar_ij(0)) - kappa (tau_ij - tau_ij(0))",
    ),
)
