r"""Threat perception: Walt's balance of threat with Boulding's loss-of-strength gradient.

Theory
------
Walt (1987) argues that states balance against *threat*, not power alone:
threat rises with a rival's aggregate power, its proximity, its offensive
capability and its perceived aggressive intent. Proximity enters through
Boulding's (1962) loss-of-strength gradient: a state's ability to bring
force to bear declines with distance from its base, unless its forces are
already deployed forward. Waltz (1979) instead holds that under anarchy
states balance against power itself, since intentions are unknowable; the
``power`` variant implements that reading so that a run can compare them.

Equations
---------
Power share (dimensionless, sums to 1 over actors in each run)::

    P_i = m_i / sum_k m_k

Threat to i from j, in [0, 1] with a zero diagonal::

    T_ij = clip( P_j / (P_i + P_j) * prox_ij * off_j * I_ij, 0, 1 )
    prox_ij = max( exp(-d_ij / rho), pres_j[theatre(i)] )
    off_j   = 1 + omega * log1p(W_j) / log1p(max_k W_k)

with ``m`` military spending (US$ bn/yr), ``d_ij`` the great-circle
distance between capitals (km), ``rho`` the distance scale of the
loss-of-strength gradient (km), ``pres_j[t]`` the share of j's forces
deployed in theatre ``t`` (0 Euro-Atlantic, 1 Indo-Pacific; scenario input
``ctx.presence``, and for the United States its force allocation:
``us_asia_share`` in the Indo-Pacific and
``(1 - us_asia_share) * (1 - us_europe_retrenchment)`` in the Euro-Atlantic),
``W_j`` the nuclear warhead stockpile (state ``warheads``, grown by
:mod:`~flashpoint.mechanisms.nuclear`), ``omega`` the weight of offensive
(nuclear) capability, and ``I_ij`` i's perceived hostile intent of j
(state ``intent``, [0, 1]).

Variants
--------
``walt`` (default)
    As above: threat requires perceived intent.
``power``
    Waltz (1979): intentions are unknowable, so every state whose alignment
    with i is negative is treated as fully hostile (``I_ij = 1``); aligned
    states keep their perceived intent.

Assumptions
-----------
* Aggregate power is measured by military spending share; other CINC
  components (population, industry) act only through the world data.
* The loss-of-strength gradient is exponential (Boulding 1962 draws a
  linear gradient; the exponential keeps threat positive at any range).
* Offensive capability is summarised by the nuclear stockpile on a log
  scale, since marginal warheads add little beyond an assured second strike.
* Actors outside both theatres (theatre code 2) see no forward presence.

Kernel
------
:func:`threat_matrix` (8.5 % of the engine's time, called by several
mechanisms besides this one) has a compiled kernel, ``_threat_kernel``, used
when :func:`flashpoint.kernels.enabled`: one pass over runs and dyads in
place of some fifteen full ``(R, N, N)`` NumPy passes; the NumPy code above
it stays the reference of the equations.

References
----------
Walt, S. M. (1987). *The Origins of Alliances*. Cornell University Press.
Walt, S. M. (1985). Alliance formation and the balance of world power.
    *International Security* 9(4), 3-43. doi:10.2307/2538540
Boulding, K. E. (1962). *Conflict and Defense: A General Theory*. Harper.
Lemke, D. (2002). *Regions of War and Peace*. Cambridge University Press.
Waltz, K. N. (1979). *Theory of International Politics*. Addison-Wesley.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from flashpoint import kernels
from flashpoint._types import FloatArray
from flashpoint.contract import State
from flashpoint.mechanisms._protocol import Context, Draws, Effect, Mechanism, col
from flashpoint.params import Parameter
from flashpoint.world.arrays import EURO_ATLANTIC, INDO_PACIFIC, WorldArrays

__all__ = [
    "MECHANISM",
    "PARAMETERS",
    "baseline_threat",
    "current_threat",
    "power_share",
    "step",
    "threat_matrix",
]

PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        name="threat.range_km",
        meaning="distance scale rho of the loss-of-strength gradient exp(-d/rho)",
        unit="km",
        default=2000.0,
        low=1000.0,
        high=5000.0,
        source=(
            "rationale: Boulding (1962) and Lemke (2002) establish that usable power "
            "declines with distance but give no single scale for modern forces; "
            "1000-5000 km spans neighbours (e.g. Beijing-Taipei ~1700 km) keeping "
            "most of their weight to trans-oceanic pairs (~10,000 km) keeping "
            "almost none unless forward deployed."
        ),
        log=True,
    ),
    Parameter(
        name="threat.nuclear_weight",
        meaning="weight omega of nuclear offensive capability in threat",
        unit="dimensionless",
        default=0.5,
        low=0.0,
        high=1.0,
        source=(
            "rationale: Walt (1987) counts offensive capability as a distinct "
            "source of threat without quantifying it; 0 ignores it, 1 lets the "
            "largest arsenal double a state's threat."
        ),
    ),
)

VARIANTS: tuple[str, ...] = ("walt", "power")


def power_share(milex: FloatArray) -> FloatArray:
    """Share of world military spending, ``(R, N)`` -> ``(R, N)``, rows sum to 1."""
    total = np.sum(milex, axis=-1, keepdims=True)
    return np.asarray(milex / np.maximum(total, 1e-12))


def _presence(
    world: WorldArrays,
    presence: FloatArray,
    us_asia_share: FloatArray,
    us_europe_retrenchment: FloatArray,
) -> FloatArray:
    """Forward presence ``(R, N, 2)``: scenario deployments plus the US allocation."""
    pres = np.array(presence, copy=True)
    if world.has("USA"):
        us = world.index("USA")
        pres[:, us, INDO_PACIFIC] = np.maximum(pres[:, us, INDO_PACIFIC], us_asia_share)
        europe = (1.0 - us_asia_share) * (1.0 - us_europe_retrenchment)
        pres[:, us, EURO_ATLANTIC] = np.maximum(pres[:, us, EURO_ATLANTIC], europe)
    return np.clip(pres, 0.0, 1.0)


def threat_matrix(
    milex: FloatArray,
    intent: FloatArray,
    alignment: FloatArray,
    us_asia_share: FloatArray,
    *,
    world: WorldArrays,
    presence: FloatArray,
    us_europe_retrenchment: FloatArray,
    range_km: FloatArray,
    nuclear_weight: FloatArray,
    variant: str = "walt",
    gradient: FloatArray | None = None,
    warheads: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Power shares ``(R, N)`` and threat ``(R, N, N)`` (to i from j) for one state.

    ``range_km`` and ``nuclear_weight`` are per-run ``(R,)`` vectors;
    ``gradient`` is the precomputed ``exp(-d / range_km)`` ``(R, N, N)``, if any;
    ``warheads`` the current stockpiles ``(R, N)`` (state ``warheads``; default
    the world's). The log scale is normalised by the world's largest arsenal.
    """
    if variant not in VARIANTS:
        from flashpoint.errors import ParameterError

        raise ParameterError(
            f"threat: variant expects one of {VARIANTS}. Got {variant!r} instead."
        )
    if kernels.enabled():
        if gradient is None:
            gradient = loss_of_strength(world, range_km)
        clamp = warheads is not None
        w_in = (np.ascontiguousarray(np.broadcast_to(world.warheads, milex.shape))
                if warheads is None else warheads)
        w0 = world.warheads
        wmax_k = float(np.log1p(np.max(w0))) if w0.size and np.max(w0) > 0 else 1.0
        us = world.index("USA") if world.has("USA") else -1
        runs = milex.shape[0]

        def per_run(v: FloatArray) -> FloatArray:  # (R,) as the kernel indexes it
            if np.ndim(v) == 1:
                return v
            return np.array(np.broadcast_to(np.ravel(v) if np.size(v) == runs else v, (runs,)))

        p_k, t_k = _threat_kernel(
            milex, intent, alignment, per_run(us_asia_share), presence,
            per_run(us_europe_retrenchment), gradient, w_in, per_run(nuclear_weight),
            world.theatre, world.defense, us,
            variant == "power", clamp, wmax_k, EURO_ATLANTIC, INDO_PACIFIC)
        return p_k, t_k
    p = power_share(milex)
    relative = p[:, None, :] / np.maximum(p[:, :, None] + p[:, None, :], 1e-12)
    if gradient is None:
        gradient = loss_of_strength(world, range_km)
    pres = _presence(world, presence, us_asia_share, us_europe_retrenchment)
    # forward[r, i, j] = j's presence in i's home theatre (0 for i in neither),
    # by broadcasting: several times faster than einsum over a length-2 axis.
    in_ea = (world.theatre == EURO_ATLANTIC)[None, :, None]
    in_ip = (world.theatre == INDO_PACIFIC)[None, :, None]
    forward = np.where(in_ea, pres[:, None, :, EURO_ATLANTIC],
                       np.where(in_ip, pres[:, None, :, INDO_PACIFIC], 0.0))
    prox = np.maximum(gradient, forward)
    w0 = world.warheads
    wmax = np.log1p(np.max(w0)) if w0.size and np.max(w0) > 0 else 1.0
    w = np.broadcast_to(w0, milex.shape) if warheads is None else np.maximum(warheads, 0.0)
    off = 1.0 + col(nuclear_weight, 2) * (np.log1p(w) / wmax)
    hostile = intent if variant == "walt" else np.where(alignment < 0.0, 1.0, intent)
    # A treaty ally's power is no threat (Walt 1987: states balance against threats, and an
    # ally's aims are not in doubt), so no spiral or balancing acts between allies.
    hostile = hostile * (1.0 - _treaty_allies(world))[None]
    t = np.clip(relative * prox * off[:, None, :] * hostile, 0.0, 1.0)
    idx = np.arange(world.n)
    t[:, idx, idx] = 0.0
    return p, t


@kernels.jit
def _threat_kernel(milex, intent, alignment, us_asia_share, presence,  # type: ignore[no-untyped-def]
                   us_europe_retrenchment, gradient, warheads, nuclear_weight, theatre,
                   defense, us, power, clamp, wmax, ea, ip):
    """:func:`threat_matrix` fused: ``(p, t)`` in the dtype of ``milex`` / ``intent``.

    Runs r outer, then i, j; each run's arithmetic in the reference's order.
    """
    runs, n = milex.shape
    p = np.empty_like(milex)
    t = np.empty_like(intent)
    pres_ea = np.empty(n)
    pres_ip = np.empty(n)
    nowhere = np.zeros(n)
    off = np.empty(n)
    keep = np.empty((n, n))  # 1 - treaty allies
    for i in range(n):
        for j in range(n):
            keep[i, j] = 0.0 if (defense[i, j] > 0 or defense[j, i] > 0) else 1.0
    for r in range(runs):
        total = 0.0
        for k in range(n):
            total += milex[r, k]
        total = max(total, 1e-12)
        for k in range(n):
            p[r, k] = milex[r, k] / total
        asia = us_asia_share[r]
        for k in range(n):
            a = presence[r, k, ea]
            b = presence[r, k, ip]
            if k == us:
                b = max(b, asia)
                a = max(a, (1.0 - asia) * (1.0 - us_europe_retrenchment[r]))
            pres_ea[k] = min(max(a, 0.0), 1.0)
            pres_ip[k] = min(max(b, 0.0), 1.0)
            w = warheads[r, k]
            if clamp:
                w = max(w, 0.0)
            off[k] = 1.0 + nuclear_weight[r] * (np.log1p(w) / wmax)
        pr = p[r]
        for i in range(n):
            th = theatre[i]
            fwd = pres_ea if th == ea else (pres_ip if th == ip else nowhere)
            pi = pr[i]
            gi, ii, ai, ki, ti = gradient[r, i], intent[r, i], alignment[r, i], keep[i], t[r, i]
            for j in range(n):  # branch-free, so that it vectorises
                pj = pr[j]
                rel = pj / max(pi + pj, 1e-12)
                prox = max(gi[j], fwd[j])
                h = 1.0 if (power and ai[j] < 0.0) else ii[j]
                v = rel * prox * off[j] * (h * ki[j])
                ti[j] = min(max(v, 0.0), 1.0)
            ti[i] = 0.0
    return p, t


def _treaty_allies(world: WorldArrays) -> FloatArray:
    """``(N, N)`` 1 where i and j have a defence obligation in either direction."""
    d = world.defense
    return np.asarray((np.maximum(d, d.T) > 0).astype(d.dtype))


def loss_of_strength(world: WorldArrays, range_km: FloatArray) -> FloatArray:
    """Boulding's gradient ``exp(-d_ij / rho)`` ``(R, N, N)`` for per-run ranges ``rho``."""
    return np.asarray(np.exp(-world.distance_km[None, :, :] / col(range_km, 3)))


def _threat_of(state: State, ctx: Context, *, baseline: bool = False) -> tuple[FloatArray, FloatArray]:
    gradient = ctx.cached("threat.gradient",
                          lambda: loss_of_strength(ctx.world, ctx.params["threat.range_km"]))
    return threat_matrix(
        state.milex,
        state.intent,
        state.alignment,
        state.us_asia_share,
        world=ctx.world,
        presence=np.zeros_like(ctx.presence) if baseline else ctx.presence,
        us_europe_retrenchment=(np.zeros_like(ctx.us_europe_retrenchment) if baseline
                                else ctx.us_europe_retrenchment),
        range_km=ctx.params["threat.range_km"],
        nuclear_weight=ctx.params["threat.nuclear_weight"],
        variant=ctx.variant("threat", VARIANTS),
        gradient=gradient,
        warheads=state.warheads,
    )


def baseline_threat(ctx: Context) -> FloatArray:
    """Threat ``(R, N, N)`` in the initial state with no scenario deployments.

    Mechanisms that calibrate to the status quo (arms grievance, tension and
    alignment anomalies) compare the current threat with this one.
    """
    key = "threat.baseline." + ctx.variant("threat", VARIANTS)
    return np.asarray(ctx.cached(key, lambda: _threat_of(ctx.initial, ctx, baseline=True)[1]))


def current_threat(
    state: State, derived: Mapping[str, FloatArray], ctx: Context
) -> tuple[FloatArray, FloatArray]:
    """``(power, threat)`` from ``derived`` if present, else computed from ``state``."""
    if "threat" in derived and "power" in derived:
        return derived["power"], derived["threat"]
    return _threat_of(state, ctx)


def step(state: State, derived: Mapping[str, FloatArray], ctx: Context, draws: Draws) -> Effect:
    """Provide ``power`` (R, N) and ``threat`` (R, N, N); change no state field."""
    p, t = _threat_of(state, ctx)
    return Effect(deltas={}, derived={"power": p, "threat": t})


MECHANISM = Mechanism(
    name="threat",
    title="Threat perception (Walt's balance of threat; Boulding's loss-of-strength gradient)",
    references=(
        "Walt, S. M. (1987). The Origins of Alliances. Cornell University Press.",
        "Walt, S. M. (1985). Alliance formation and the balance of world power. "
        "International Security 9(4), 3-43. doi:10.2307/2538540",
        "Boulding, K. E. (1962). Conflict and Defense: A General Theory. Harper.",
        "Lemke, D. (2002). Regions of War and Peace. Cambridge University Press.",
        "Waltz, K. N. (1979). Theory of International Politics. Addison-Wesley.",
    ),
    parameters=PARAMETERS,
    writes=(),
    provides=("power", "threat"),
    reads=(),
    step=step,
    variants=VARIANTS,
    equations=(
        "P_i = m_i / sum_k m_k",
        "T_ij = clip(P_j/(P_i+P_j) * max(exp(-d_ij/rho), pres_j[theatre_i]) "
        "* (1 + omega log1p(W_j)/log1p(max W)) * I_ij, 0, 1)",
    ),
)
