r"""Reassurance by costly signals: Bayesian updating of beliefs about hostility.

Theory
------
In a security dilemma each side is uncertain whether the other is a
security seeker or an expansionist (Glaser 1997). A security seeker can
reassure only by a signal an expansionist would be unwilling to send: a
*costly* signal separates the types, cheap talk does not, because both types
can afford it (Kydd 2000, 2005; Fearon 1997 on sinking costs). The seeds'
reassurance levers are of both kinds: an explicit no-expansion pledge and
meetings with Chinese officials (seed 003), a lower public profile (seed 001).
Their cost, set by the scenario in ``ctx.signal``, decides what they do.

Equations
---------
:math:`p_{ij}` = ``intent[i, j]`` is i's belief that j is hostile.
A signal from j to i of cost :math:`c_{ji} \in [0, 1]` (``ctx.signal[j, i]``)
is sent by a benign j with probability 1 and by a hostile j with probability
:math:`1 - e\,c_{ji}` (a hostile type is deterred from paying the share of
the cost the receiver credits, efficacy :math:`e`). Bayes' rule gives

.. math::

    p'_{ij} = \frac{p_{ij}(1 - e c_{ji})}{p_{ij}(1 - e c_{ji}) + (1 - p_{ij})},

and with :math:`\nu` signals a year the belief moves by

.. math::

    \Delta p_{ij} = \min(1, \nu\Delta t)\,(p'_{ij} - p_{ij}) \le 0.

Tension falls in proportion to the (symmetrised) drop of perceived intent,
with weight :math:`\omega`:

.. math::

    \Delta\tau_{ij} = -\min\big(\tau_{ij},\; \tfrac{\omega}{2}\,|\Delta p_{ij} + \Delta p_{ji}|\big).

Cheap talk (:math:`c = 0`) leaves beliefs exactly unchanged (Kydd 2005,
ch. 7: a signal both types send carries no information).

Assumptions
-----------
* Beliefs only fall here: rising suspicion comes from the security dilemma
  and threat mechanisms.
* No state is certain of another's type: the update uses the belief clipped
  to :math:`[p_{min}, 1 - p_{min}]` (:data:`BELIEF_FLOOR`), as Kydd's priors
  are interior; a dogmatic belief of 1 would never move.
* Signals are received as sent (no noise); the receiver discounts them
  through the efficacy :math:`e`.

References
----------
Kydd, A. (2000). Trust, reassurance, and cooperation. *International
Organization* 54(2), 325-357. doi:10.1162/002081800551190
Kydd, A. H. (2005). *Trust and Mistrust in International Relations*.
Princeton University Press.
Fearon, J. D. (1997). Signaling foreign policy interests: tying hands versus
sinking costs. *Journal of Conflict Resolution* 41(1), 68-90.
doi:10.1177/0022002797041001004
Glaser, C. L. (1997). The security dilemma revisited. *World Politics* 50(1),
171-201. doi:10.1017/S0043887100014763

Kernel
------
:func:`step` has a compiled kernel, ``_update_kernel``, for the case where a
scenario sends signals: the NumPy update makes some twenty full ``(R, N, N)``
passes, about 1.3 ms a step at 100 runs. Without signals (the status quo)
there is no delta at all (exact zeros, which the engine would add in two full
``(R, N, N)`` passes a step, some 5 % of a run at 195 actors with the other
such mechanisms), and the check for that is memoised
per signal array (the engine reuses it while the levers stay the same). The
NumPy code is the reference.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from flashpoint import kernels
from flashpoint._types import FloatArray
from flashpoint.contract import State
from flashpoint.mechanisms._protocol import Context, Draws, Effect, Mechanism
from flashpoint.params import Parameter

__all__ = ["BELIEF_FLOOR", "MECHANISM", "PARAMETERS", "posterior", "step"]

#: Beliefs are updated as if within [BELIEF_FLOOR, 1 - BELIEF_FLOOR] (a convention).
BELIEF_FLOOR = 0.02

PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "reassurance.efficacy", "share of a signal's cost the receiver credits",
        "dimensionless", 0.5, 0.1, 0.9,
        "rationale: receivers discount signals they suspect are strategic (Kydd 2005; Jervis "
        "1976 on perception); between a tenth and nearly all of the cost.",
    ),
    Parameter(
        "reassurance.frequency", "signals (belief updates) per year while a signal is sent",
        "1/year", 1.0, 0.25, 4.0,
        "rationale: from one summit every four years to quarterly dialogue rounds (seed 003: "
        "the Secretary General's meetings with Chinese officials).",
        log=True,
    ),
    Parameter(
        "reassurance.tension_weight", "tension drop per unit drop of perceived hostile intent",
        "dimensionless", 0.5, 0.0, 1.0,
        "rationale: tension follows perceived intent (Glaser 1997) but also has other sources; "
        "0 (none) to 1 (one for one).",
    ),
)


def posterior(p: FloatArray, cost: FloatArray, efficacy: FloatArray) -> FloatArray:
    """Posterior belief that the sender is hostile after a signal of ``cost`` (Bayes' rule)."""
    like_hostile = 1.0 - np.clip(cost * efficacy, 0.0, 1.0)
    num = p * like_hostile
    den = num + (1.0 - p)
    out = np.where(den > 0, num / np.where(den > 0, den, 1.0), p)
    # No signal, no update: exactly p (Bayes with likelihood ratio 1 may round).
    return np.asarray(np.where(like_hostile < 1.0, out, p))


def step(state: State, derived: Mapping[str, FloatArray], ctx: Context, draws: Draws) -> Effect:
    """Update perceived intent on the signals received and lower tension accordingly."""
    signalled = ctx.cached_for("reassurance.signalled", ctx.signal,
                               lambda: bool(np.any(ctx.signal)))
    if not signalled:  # no signal anywhere: exactly no change (see posterior)
        # No delta at all rather than zeros: the engine then adds no (R, N, N) array of
        # zeros to the step's sums (the same numbers; a pass saved per field).
        return Effect(deltas={})
    if kernels.enabled():
        pr = ctx.params
        d_intent, d_tau = _update_kernel(
            state.intent, state.tension, ctx.signal, pr["reassurance.efficacy"],
            pr["reassurance.frequency"], pr["reassurance.tension_weight"], ctx.dt)
        return Effect(deltas={"intent": d_intent, "tension": d_tau})
    p = np.clip(state.intent, BELIEF_FLOOR, 1.0 - BELIEF_FLOOR)
    cost = np.clip(np.swapaxes(ctx.signal, 1, 2), 0.0, 1.0)  # cost[i, j]: from j to i
    n = p.shape[1]
    eye = np.eye(n, dtype=bool)[None]
    cost = np.where(eye, 0.0, cost)
    p_new = posterior(p, cost, ctx.p("reassurance.efficacy", 3))
    rate = np.minimum(1.0, ctx.p("reassurance.frequency", 3) * ctx.dt)
    d_intent = np.maximum(rate * (p_new - p), -np.clip(state.intent, 0.0, None))
    drop = np.abs(d_intent + np.swapaxes(d_intent, 1, 2)) / 2.0
    d_tau = -np.minimum(np.clip(state.tension, 0.0, None),
                        ctx.p("reassurance.tension_weight", 3) * drop)
    d_tau = np.where(eye, 0.0, d_tau)
    return Effect(deltas={"intent": d_intent, "tension": d_tau})


@kernels.jit
def _update_kernel(intent, tension, signal, efficacy, frequency, weight, dt):  # type: ignore[no-untyped-def]
    """``(d_intent, d_tau)`` (R, N, N) of :func:`step` (with :func:`posterior`), one run
    at a time. Maxima and minima as NumPy's (nan kept; the second argument on ties)."""
    runs, n = intent.shape[0], intent.shape[1]
    d_intent = np.empty((runs, n, n), dtype=intent.dtype)
    d_tau = np.empty((runs, n, n), dtype=tension.dtype)
    hi = 1.0 - BELIEF_FLOOR
    for r in range(runs):
        e = efficacy[r]
        rate = frequency[r] * dt
        rate = 1.0 if rate > 1.0 else rate  # min(1, nu dt)
        w = weight[r]
        for i in range(n):
            for j in range(n):
                q = intent[r, i, j]
                p = BELIEF_FLOOR if q < BELIEF_FLOOR else (hi if q > hi else q)
                p_new = p
                c = signal[r, j, i]  # cost[i, j]: the signal from j to i
                if c != 0.0 and i != j:  # else likelihood ratio 1: exactly p
                    c = 0.0 if c < 0.0 else (1.0 if c > 1.0 else c)
                    ce = c * e
                    like = 1.0 - (0.0 if ce < 0.0 else (1.0 if ce > 1.0 else ce))
                    if like < 1.0:
                        num = p * like
                        den = num + (1.0 - p)
                        if den > 0:
                            p_new = num / den
                x = rate * (p_new - p)
                y = -(0.0 if q < 0.0 else q)  # -clip(intent, 0, None)
                d_intent[r, i, j] = x if (x > y or x != x) else y
        for i in range(n):
            for j in range(n):
                drop = abs(d_intent[r, i, j] + d_intent[r, j, i]) / 2.0
                t = tension[r, i, j]
                t = 0.0 if t < 0.0 else t  # clip(tension, 0, None)
                v = w * drop
                d_tau[r, i, j] = -(t if (t < v or t != t) else v)
            d_tau[r, i, i] = 0.0
    return d_intent, d_tau


MECHANISM = Mechanism(
    name="reassurance",
    title="Reassurance and costly signalling (Kydd; Fearon)",
    references=(
        "Kydd 2000, Int. Organ. 54(2):325-357, doi:10.1162/002081800551190",
        "Kydd 2005, Trust and Mistrust in International Relations, Princeton University Press",
        "Fearon 1997, J. Conflict Resolut. 41(1):68-90, doi:10.1177/0022002797041001004",
        "Glaser 1997, World Politics 50(1):171-201, doi:10.1017/S0043887100014763",
    ),
    parameters=PARAMETERS,
    writes=("intent", "tension"),
    provides=(),
    reads=(),
    step=step,
    variants=("default",),
    equations=(
        "p'_ij = p_ij (1 - e c_ji) / (p_ij (1 - e c_ji) + 1 - p_ij)",
        "dp_ij = min(1, nu dt) (p'_ij - p_ij)",
        "dtau_ij = -min(tau_ij, omega |dp_ij + dp_ji| / 2)",
    ),
)
