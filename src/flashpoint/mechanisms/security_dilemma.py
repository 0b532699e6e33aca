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

    x_j = max(0, s_j),   s_j = log(m_j / m_j(0)) - r t,   t = step * dt (years)

Who reads arming as hostile: only pairs whose members are not treaty allies,
in proportion to their rivalry or negative alignment (no spiral among
allies; Jervis 1976 ch. 3: the spiral needs doubt about the other's aims,
and allies have none)::

    u_ij = (1 - A_ij) * clip(max(Riv_ij, -a_ij), 0, 1)

with ``A_ij`` = 1 for a defence obligation in either direction in the world
(treaty allies), ``Riv`` the strategic rivalry and ``a`` the current
alignment. The theory is drawn per run (:mod:`flashpoint.theories`); the
same draw decides :mod:`~flashpoint.mechanisms.signal_reading`.

``spiral`` (Jervis 1976, 1978; Glaser 1997), for each pair i != j::

    d I_ij / dt = mu * x_j * (1 - delta) * u_ij * (1 - I_ij) - rho * (I_ij - I_ij(0))
    d tau_ij / dt = lam * ( C_ij - C_ij(0) ) - kappa * (tau_ij - tau_ij(0))
    C_ij = (T_ij + T_ji)/2 * (I_ij + I_ji)/2

``deterrence`` (Jervis 1976 ch. 3): the adversary's aims are given, arming
is read as what it is, a change of capability that already enters the
threat; perceived intent only relaxes to its initial value::

    d I_ij / dt = - rho * (I_ij - I_ij(0))
    d tau_ij / dt = lam * ( Tbar_ij - Tbar_ij(0) ) - kappa * (tau_ij - tau_ij(0))
    Tbar_ij = (T_ij + T_ji)/2

``signalling`` (Kydd 2005): arming is a costly signal read by Bayes' rule;
arming beyond what security needs is likelier from a greedy type, and cuts
below the trend reassure (a signed signal)::

    logit I'_ij = logit I_ij + dt * mu * (1 - delta) * u_ij * s_j
    d I_ij = (I'_ij - I_ij) - dt * rho * (I_ij - I_ij(0));   tension as in ``spiral``

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
* Under ``spiral`` only arming beyond trend is read as a signal; cuts are
  not read as reassurance (that is the reassurance mechanism's job). Under
  ``signalling`` both are.
* The (1 - I) factor keeps intent below 1 and makes the update saturate;
  the logit update of ``signalling`` does so by construction (beliefs are
  clipped to [0.02, 0.98] before the update, as in
  :mod:`~flashpoint.mechanisms.reassurance`).
* Treaty allies are those of the world (``defense``); a partnership a
  scenario adds does not make a pair allies here.

Kernel
------
:func:`step` (14 % of the engine's time with :func:`unalignment` and the
logit update, in some twenty full ``(R, N, N)`` NumPy passes) has a compiled
kernel, ``_step_kernel``, used when :func:`flashpoint.kernels.enabled`: one
pass over runs r and dyads i, j, each run by its own theory (the variant
masks are passed in); the NumPy code stays the reference of the equations.
The initial intent and tension, the same in every run, reach it as one
``(1, N, N)`` matrix (``_one_if_same``): memory traffic, not arithmetic, bounds
the kernel at 195 actors (two of its ten ``(R, N, N)`` streams saved).

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

from flashpoint import kernels
from flashpoint._types import FloatArray
from flashpoint.contract import State
from flashpoint.mechanisms._protocol import Context, Draws, Effect, Mechanism, symmetric
from flashpoint.mechanisms.threat import baseline_threat, current_threat
from flashpoint.params import Parameter

__all__ = ["MECHANISM", "PARAMETERS", "arming_signal", "arming_trend_gap", "step", "unalignment"]

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

VARIANTS: tuple[str, ...] = ("spiral", "deterrence", "signalling")

#: Beliefs are updated as if within [BELIEF_FLOOR, 1 - BELIEF_FLOOR] (as in reassurance).
BELIEF_FLOOR = 0.02

def arming_trend_gap(state: State, ctx: Context) -> FloatArray:
    """Signed log spending relative to the actor's own baseline trend path since t = 0,
    ``s_j`` (R, N)."""
    from flashpoint.mechanisms.arms import trend_rate

    r = trend_rate(ctx)
    t = ctx.step * ctx.dt
    ratio = np.maximum(state.milex, 1e-12) / np.maximum(ctx.initial.milex, 1e-12)
    return np.asarray(np.log(ratio) - r * t)


def arming_signal(state: State, ctx: Context) -> FloatArray:
    """Arming beyond the baseline trend since t = 0, ``x_j`` (R, N), >= 0."""
    return np.asarray(np.maximum(0.0, arming_trend_gap(state, ctx)))


def treaty_allies(ctx: Context) -> FloatArray:
    """``(N, N)`` 1 where i and j have a defence obligation in either direction (the world's)."""
    d = ctx.world.defense
    return np.asarray((np.maximum(d, d.T) > 0).astype(ctx.initial.intent.dtype))


def unalignment(alignment: FloatArray, ctx: Context) -> FloatArray:
    """``u_ij = (1 - A_ij) clip(max(Riv_ij, -a_ij), 0, 1)`` (R, N, N): how far a pair reads
    the other's moves as hostile; 0 between treaty allies and between aligned states."""
    allies = ctx.cached("security_dilemma.allies", lambda: treaty_allies(ctx))
    doubt = np.clip(np.maximum(ctx.world.rivalry[None], -alignment), 0.0, 1.0)
    return np.asarray((1.0 - allies)[None] * doubt)


def _logit_update(p: FloatArray, log_lr: FloatArray) -> FloatArray:
    """Posterior of belief ``p`` after evidence of log-likelihood ratio ``log_lr``."""
    q = np.clip(p, BELIEF_FLOOR, 1.0 - BELIEF_FLOOR)
    odds = q / (1.0 - q) * np.exp(np.clip(log_lr, -30.0, 30.0))
    return np.asarray(odds / (1.0 + odds))


def step(state: State, derived: Mapping[str, FloatArray], ctx: Context, draws: Draws) -> Effect:
    """Change ``intent`` and ``tension`` (see module docstring), each run by its own theory."""
    _, t = current_threat(state, derived, ctx)
    t0 = baseline_threat(ctx)
    dt = ctx.dt
    if kernels.enabled():
        from flashpoint.mechanisms.arms import trend_rate

        pr = ctx.params
        allies = ctx.cached("security_dilemma.allies", lambda: treaty_allies(ctx))
        c0 = ctx.cached("security_dilemma.c0",
                        lambda: symmetric(t0) * symmetric(ctx.initial.intent))
        t0s = ctx.cached("security_dilemma.t0", lambda: symmetric(t0))
        intent0, tension0 = ctx.cached("security_dilemma.initial", lambda: (
            _one_if_same(ctx.initial.intent), _one_if_same(ctx.initial.tension)))
        d_i, d_t = _step_kernel(
            t, c0, t0s, state.milex, ctx.initial.milex, trend_rate(ctx), float(ctx.step * dt),
            state.intent, intent0, state.tension, tension0,
            state.alignment, ctx.world.rivalry, allies,
            pr["security_dilemma.tension_rate"], pr["security_dilemma.tension_decay"],
            pr["security_dilemma.misperception"], pr["security_dilemma.distinguishability"],
            pr["security_dilemma.intent_relaxation"],
            ctx.variant_mask("security_dilemma", "spiral"),
            ctx.variant_mask("security_dilemma", "signalling"),
            ctx.variant_mask("security_dilemma", "deterrence"), float(dt), BELIEF_FLOOR)
        return Effect(deltas={"intent": d_i, "tension": d_t})
    n = state.milex.shape[1]
    off = 1.0 - np.eye(n, dtype=state.intent.dtype)
    lam = ctx.p("security_dilemma.tension_rate", 3)
    kappa = ctx.p("security_dilemma.tension_decay", 3)
    mu = ctx.p("security_dilemma.misperception", 3)
    delta = ctx.p("security_dilemma.distinguishability", 3)
    rho = ctx.p("security_dilemma.intent_relaxation", 3)
    relax_tension = kappa * (state.tension - ctx.initial.tension)
    relax_intent = dt * rho * (state.intent - ctx.initial.intent)
    spiral = ctx.variant_mask("security_dilemma", "spiral")[:, None, None]
    signalling = ctx.variant_mask("security_dilemma", "signalling")[:, None, None]
    deterrence = ctx.variant_mask("security_dilemma", "deterrence")[:, None, None]
    u = unalignment(state.alignment, ctx)
    d_intent = -relax_intent
    if np.any(spiral):
        x = arming_signal(state, ctx)[:, None, :]
        hostile = dt * mu * x * (1.0 - delta) * u * (1.0 - state.intent)
        d_intent = np.where(spiral, d_intent + hostile, d_intent)
    if np.any(signalling):
        gap = arming_trend_gap(state, ctx)[:, None, :]
        posterior = _logit_update(state.intent, dt * mu * (1.0 - delta) * u * gap)
        moved = np.where(u > 0, posterior - np.clip(state.intent, BELIEF_FLOOR, 1 - BELIEF_FLOOR),
                         0.0)
        d_intent = np.where(signalling, d_intent + moved, d_intent)
    d_tension = np.zeros_like(state.tension)
    if np.any(spiral | signalling):
        c = symmetric(t) * symmetric(state.intent)
        c0 = ctx.cached("security_dilemma.c0",
                        lambda: symmetric(t0) * symmetric(ctx.initial.intent))
        d_tension = np.where(spiral | signalling, dt * (lam * (c - c0) - relax_tension), d_tension)
    if np.any(deterrence):
        t0s = ctx.cached("security_dilemma.t0", lambda: symmetric(t0))
        d_tension = np.where(deterrence, dt * (lam * (symmetric(t) - t0s) - relax_tension),
                             d_tension)
    return Effect(
        deltas={"intent": d_intent * off, "tension": symmetric(d_tension) * off},
    )


def _one_if_same(x: FloatArray) -> FloatArray:
    """``x[:1]`` (one run's matrix) when every run's holds the same numbers, else ``x``:
    the kernel then streams one (N, N) matrix, not R copies (the initial state)."""
    if x.shape[0] > 1 and np.array_equal(x, np.broadcast_to(x[:1], x.shape)):
        return np.ascontiguousarray(x[:1])
    return x


@kernels.jit
def _step_kernel(t, c0, t0s, milex, milex0, trend, years, intent, intent0,  # type: ignore[no-untyped-def]
                 tension, tension0, alignment, rivalry, allies, lam, kappa, mu, delta, rho,
                 spiral, signalling, deterrence, dt, floor):
    """:func:`step` fused: ``(d_intent, d_tension)`` in the dtypes of ``intent``, ``tension``.

    Runs r outer, then dyads; each run follows its own variant masks, and each
    element's arithmetic is the reference's, in its order.
    """
    runs, n = milex.shape
    d_intent = np.empty_like(intent)
    d_tension = np.empty_like(tension)
    gap = np.empty(n)
    x = np.empty(n)
    # the run's matrices transposed, so that the symmetrised terms read rows only
    t_t = np.empty((n, n))
    i_t = np.empty((n, n))
    v = np.empty((n, n))
    for r in range(runs):
        sp = spiral[r]
        sg = signalling[r]
        if sp or sg:  # arming is read only under these two theories
            for j in range(n):
                ratio = max(milex[r, j], 1e-12) / max(milex0[r, j], 1e-12)
                gap[j] = np.log(ratio) - trend[r, j] * years
                x[j] = max(0.0, gap[j])
        dtr = dt * rho[r]
        dtmu = dt * mu[r]
        omd = 1.0 - delta[r]
        lr = lam[r]
        kr = kappa[r]
        # the initial intent and tension: one matrix when the runs share it
        tr, ir, i0r, ar = t[r], intent[r], intent0[r if intent0.shape[0] > 1 else 0], alignment[r]
        taur, tau0r = tension[r], tension0[r if tension0.shape[0] > 1 else 0]
        c0r, t0r = c0[r], t0s[r]
        dir_, dtr_ = d_intent[r], d_tension[r]
        # intent: one loop per reading, without branches inside (so they vectorise)
        for i in range(n):
            row = dir_[i]
            if sp:
                for j in range(n):
                    iij = ir[i, j]
                    u = (1.0 - allies[i, j]) * min(max(max(rivalry[i, j], -ar[i, j]), 0.0), 1.0)
                    row[j] = -(dtr * (iij - i0r[i, j])) + dtmu * x[j] * omd * u * (1.0 - iij)
            elif sg:
                for j in range(n):
                    iij = ir[i, j]
                    u = (1.0 - allies[i, j]) * min(max(max(rivalry[i, j], -ar[i, j]), 0.0), 1.0)
                    d = -(dtr * (iij - i0r[i, j]))
                    moved = 0.0
                    if u > 0:
                        q = min(max(iij, floor), 1.0 - floor)
                        log_lr = min(max(dtmu * omd * u * gap[j], -30.0), 30.0)
                        odds = q / (1.0 - q) * np.exp(log_lr)
                        moved = odds / (1.0 + odds) - q
                    row[j] = d + moved
            else:  # deterrence: intent only relaxes (u is not read)
                for j in range(n):
                    row[j] = -(dtr * (ir[i, j] - i0r[i, j]))
            row[i] = row[i] * 0.0
        # tension: symmetric(threat) and symmetric(intent) give the same bits at (i, j)
        # and (j, i), so v_ij is formed row by row and then averaged with v_ji;
        # deterrence overrides as in the reference
        mode = 2 if deterrence[r] else (1 if (sp or sg) else 0)
        if mode == 0:
            for i in range(n):
                for j in range(n):
                    dtr_[i, j] = 0.0
            continue
        for i in range(n):
            for j in range(n):
                t_t[j, i] = tr[i, j]
                i_t[j, i] = ir[i, j]
        for i in range(n):
            if mode == 2:
                for j in range(n):
                    ts = 0.5 * (tr[i, j] + t_t[i, j])
                    v[i, j] = dt * (lr * (ts - t0r[i, j]) - kr * (taur[i, j] - tau0r[i, j]))
            else:
                for j in range(n):
                    ts = 0.5 * (tr[i, j] + t_t[i, j])
                    g = lr * (ts * (0.5 * (ir[i, j] + i_t[i, j])) - c0r[i, j])
                    v[i, j] = dt * (g - kr * (taur[i, j] - tau0r[i, j]))
        for i in range(n):
            for j in range(n):
                dtr_[i, j] = 0.5 * (v[i, j] + v[j, i])
            dtr_[i, i] = dtr_[i, i] * 0.0
    return d_intent, d_tension


MECHANISM = Mechanism(
    name="security_dilemma",
    title="Security dilemma: spiral, deterrence or signalling reading of arming (Jervis; Glaser; Kydd)",
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
    reads=("threat", "power"),
    step=step,
    variants=VARIANTS,
    equations=(
        "x_j = max(0, s_j), s_j = log(m_j/m_j(0)) - r t;  u_ij = (1 - A_ij) clip(max(Riv_ij, -a_ij), 0, 1)",
        "spiral: dI_ij/dt = mu x_j (1-delta) u_ij (1-I_ij) - rho (I_ij - I_ij(0))",
        "spiral, signalling: dtau_ij/dt = lam (Tbar_ij Ibar_ij - Tbar_ij(0) Ibar_ij(0)) "
        "- kappa (tau_ij - tau_ij(0))",
        "deterrence: dI/dt = -rho (I - I(0)); dtau_ij/dt = lam (Tbar_ij - Tbar_ij(0)) "
        "- kappa (tau_ij - tau_ij(0))",
        "signalling: logit I' = logit I + dt mu (1-delta) u_ij s_j;  dI = I' - I - dt rho (I - I(0))",
    ),
)
