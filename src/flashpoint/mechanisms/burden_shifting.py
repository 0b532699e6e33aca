r"""Burden shifting between theatres: one finite US force budget, two theatres.

Theory
------
Alliances are a public good whose largest member carries a disproportionate
share of the burden and whose smaller members free ride (Olson & Zeckhauser
1966). The converse is the argument of the seeds: if Europe shoulders its own
conventional defence against Russia, the United States can move forces to the
Indo-Pacific (seed 001: European capabilities "that would allow the United
States to pivot toward Asia"; Posen 2014; Colby 2021), while a war in Asia
"could force the United States to shift military assets from Europe to the
Pacific" (seed 003). The US force budget is finite: what goes to one theatre
is missing in the other.

Equations
---------
The state variable is the share :math:`u \in [0, 1]` of deployable US forces
allocated to the Indo-Pacific. It relaxes towards a target :math:`u^*`:

.. math::

    \Delta u = \min(1, \kappa\,\Delta t)\,(u^* - u),

    u^* = \operatorname{clip}\!\Big(u_0 + \theta_{eu}\big(E_t / E_0 - 1\big)
          + \theta_{war}\,\big[(w_{IP} - w_{EA}) - (w_{IP} - w_{EA})_0\big],\; 0.2,\; 0.95\Big),

where :math:`u_0` is the observed allocation at t = 0 (``us_asia_share`` of
the initial state), so the allocation starts at its own steady state;
:math:`E_t` is the total military spending of European NATO members
(NATO members homed in the Euro-Atlantic theatre, other than the USA and
Canada) relative to US spending — Europe's share of the alliance burden
(Olson & Zeckhauser 1966) — and :math:`E_0` its value at t = 0, so spending
that grows everywhere at the same rate shifts nothing; :math:`w_{IP}` (:math:`w_{EA}`)
is the pull of the Indo-Pacific (Euro-Atlantic) theatre on US forces: the
maximum over its flashpoints of

.. math::

    h_f = \max\big(W_f\,E_{US,f},\; b_f,\; \gamma\,c_f (1 - W_f)\big),

with war :math:`W_f`, blockade tightness :math:`b_f`, crisis intensity
:math:`c_f` and the US engagement :math:`E_{US,f}` in a war there (1 where the
US fights: a treaty ally's war or a war party; a small share where it
supports a partner without fighting, as in Ukraine; see
:mod:`~flashpoint.mechanisms.mobilisation`), and :math:`(\cdot)_0` the same at
t = 0 (a war being fought at the start is part of the observed allocation).
A war or a full blockade the US is drawn into counts fully and a crisis
short of war in proportion :math:`\gamma` (carriers were sent in the
1995-96 Taiwan Strait crisis). The Euro-Atlantic term is the mirror image of
the Indo-Pacific one (a war or crisis in Europe pulls US forces back to
Europe): this is the model's channel by which "Europe's security affects
Asia, and Asia's security affects Europe" (seed 001, quoting Stoltenberg).

The provided quantity ``forces`` :math:`(R, N, 2)` is each actor's military
spending (US$ bn/yr, the model's measure of forces) available in the
Euro-Atlantic (0) and Indo-Pacific (1) theatres. With :math:`H_{it}` the
one-hot home theatre and :math:`d_{it}` = ``ctx.presence`` the share deployed
to theatre :math:`t` outside the home region,

.. math::

    F_{it} = m_i\big[H_{it}(1 - \textstyle\sum_s d_{is}(1 - H_{is}))
             + d_{it}(1 - H_{it})\big],

and for the United States :math:`F_{US,IP} = m\,u`,
:math:`F_{US,EA} = m(1 - u)(1 - r)` with :math:`r` the share of US forces in
Europe withdrawn (``ctx.us_europe_retrenchment``).

Assumptions
-----------
* Military spending is the measure of forces; US forces not allocated to the
  Indo-Pacific are counted in the Euro-Atlantic theatre (home defence and
  forces earmarked for Europe).
* The allocation responds to European spending linearly and to wars as a
  step; adjustment is exponential with rate :math:`\kappa`.

References
----------
Olson, M. & Zeckhauser, R. (1966). An economic theory of alliances.
*Review of Economics and Statistics* 48(3), 266-279. doi:10.2307/1927082
Posen, B. R. (2014). *Restraint: A New Foundation for U.S. Grand Strategy*.
Cornell University Press.
Colby, E. A. (2021). *The Strategy of Denial: American Defense in an Age of
Great Power Conflict*. Yale University Press.

Kernel
------
:func:`us_pull` has a compiled kernel, ``_pull_kernel``, :func:`theatre_forces`
``_forces_kernel`` and the allocation's step ``_share_kernel``: the mechanism
took about 5.3 % of the engine's time (issue 17), nearly all of it the
per-call overhead of small ``(R, F)`` and ``(R, N, 2)`` NumPy operations
(:func:`us_pull` ran four times a step, twice on the unchanging initial
state, and other mechanisms call it and :func:`theatre_forces` too). With
kernels on, the US engagement and the initial state's pull are memoised per
commitment array and Europe's initial burden per chunk. The NumPy code stays
the reference.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from flashpoint import kernels
from flashpoint._types import FloatArray
from flashpoint.contract import State
from flashpoint.engine.initial import home_theatre_onehot
from flashpoint.mechanisms._protocol import Context, Draws, Effect, Mechanism
from flashpoint.params import Parameter
from flashpoint.world.arrays import EURO_ATLANTIC, INDO_PACIFIC, WorldArrays

__all__ = ["MECHANISM", "PARAMETERS", "europe_mask", "step", "target_share", "theatre_forces",
           "us_pull"]

#: Bounds of the target share: the US never abandons either theatre entirely.
U_MIN, U_MAX = 0.2, 0.95

PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "burden_shifting.rate", "speed at which the US allocation approaches its target",
        "1/year", 0.5, 0.1, 2.0,
        "rationale: force posture shifts take one to several years (ship homeporting, "
        "brigade rotations); 0.1-2/yr spans a decade-long to a half-year adjustment.",
    ),
    Parameter(
        "burden_shifting.europe_offset",
        "change of the US Indo-Pacific share per unit relative change of European NATO spending",
        "share per relative change", 0.15, 0.0, 0.4,
        "rationale: seed 001/002 argue European capability lets the US pivot (Posen 2014; "
        "Colby 2021); doubling European spending shifts 0-40 points, centre 15.",
    ),
    Parameter(
        "burden_shifting.war_pull",
        "shift of the US target share towards a theatre with a war (the US fights) or blockade",
        "share", 0.25, 0.05, 0.4,
        "rationale: seed 003 (a war in Asia would shift US assets from Europe to the Pacific); "
        "the range keeps the target inside [0.2, 0.95] from the baseline.",
    ),
    Parameter(
        "burden_shifting.crisis_weight",
        "pull of a crisis short of war relative to a war or blockade",
        "dimensionless", 0.4, 0.1, 0.8,
        "rationale: in the 1995-96 Taiwan Strait crisis the US sent two carrier groups without "
        "fighting; a crisis moves some assets, a war most of them.",
    ),
)


def europe_mask(world: WorldArrays) -> FloatArray:
    """``(N,)`` 0/1 mask of European NATO members (Euro-Atlantic NATO minus USA, CAN)."""
    nato = world.membership.get("NATO", np.zeros(world.n, dtype=bool))
    na = world.mask(["USA", "CAN"])
    return np.asarray(nato & (world.theatre == EURO_ATLANTIC) & ~na).astype(world.milex.dtype)


def us_pull(state: State, ctx: Context) -> FloatArray:
    """``(R, F)`` pull :math:`h_f` of each flashpoint on US forces (see module docstring)."""
    from flashpoint.mechanisms.mobilisation import engagement

    if kernels.enabled():
        e_us = _us_engagement(ctx)
        w = ctx.params["burden_shifting.crisis_weight"]
        out = np.empty(state.war.shape,
                       dtype=np.result_type(state.war, e_us, state.blockade, state.crisis, w))
        _pull_kernel(state.war, state.blockade, state.crisis, e_us, w, out)
        return out
    war = np.clip(state.war, 0.0, 1.0)
    if ctx.world.has("USA"):
        e_us = engagement(ctx)[:, :, ctx.world.index("USA")]  # (R, F)
    else:
        e_us = np.zeros_like(war)
    hot = np.maximum(war * e_us, np.clip(state.blockade, 0.0, 1.0))
    crisis = ctx.p("burden_shifting.crisis_weight", 2) * np.clip(state.crisis, 0.0, 1.0)
    return np.asarray(np.maximum(hot, crisis * (1.0 - war)))


def _us_engagement(ctx: Context) -> FloatArray:
    """``(R, F)`` the US engagement in a war at each flashpoint (zeros without a US),
    memoised per commitment array."""
    from flashpoint.mechanisms.mobilisation import engagement

    def build() -> FloatArray:
        if ctx.world.has("USA"):
            return np.ascontiguousarray(engagement(ctx)[:, :, ctx.world.index("USA")])
        return np.zeros(ctx.initial.war.shape, dtype=ctx.initial.war.dtype)
    return np.asarray(ctx.cached_for("burden_shifting.us_engagement", ctx.commitment, build))


@kernels.jit
def _pull_kernel(war, blockade, crisis, e_us, weight, out):  # type: ignore[no-untyped-def]
    """:func:`us_pull` into ``out`` ``(R, F)``."""
    runs, nf = war.shape
    for r in range(runs):
        for f in range(nf):
            w = min(max(war[r, f], 0.0), 1.0)
            hot = w * e_us[r, f]
            b = min(max(blockade[r, f], 0.0), 1.0)
            hot = hot if hot >= b else b
            c = weight[r] * min(max(crisis[r, f], 0.0), 1.0) * (1.0 - w)
            out[r, f] = hot if hot >= c else c


def _theatre_active(state: State, ctx: Context, theatre: int) -> FloatArray:
    """``(R,)`` pull of ``theatre`` on US forces: the maximum of :func:`us_pull` over it."""
    sel = ctx.flashpoints.theatre == theatre
    if not np.any(sel):
        return np.zeros(state.runs, dtype=state.milex.dtype)
    return np.asarray(np.max(us_pull(state, ctx)[:, sel], axis=1))


def _net_pull(state: State, ctx: Context) -> FloatArray:
    return _theatre_active(state, ctx, INDO_PACIFIC) - _theatre_active(state, ctx, EURO_ATLANTIC)


def target_share(state: State, ctx: Context) -> FloatArray:
    """The target US Indo-Pacific share :math:`u^*`, shape ``(R,)``."""
    eu = europe_mask(ctx.world)
    # Masked row sums, not einsum: einsum over a one-run chunk takes a BLAS dot
    # whose rounding differs (chunk invariance, mechanisms/_protocol.py).
    keep = np.asarray(eu, dtype=bool)[None, :]
    e_t = np.where(keep, state.milex, 0.0).sum(axis=1)
    e_0 = np.where(keep, ctx.initial.milex, 0.0).sum(axis=1)
    if ctx.world.has("USA"):  # Europe's burden relative to the US's (Olson & Zeckhauser)
        us = ctx.world.index("USA")
        e_t = e_t / np.maximum(state.milex[:, us], 1e-9)
        e_0 = e_0 / np.maximum(ctx.initial.milex[:, us], 1e-9)
    ratio = np.where(e_0 > 0, e_t / np.where(e_0 > 0, e_0, 1.0), 1.0)
    pull = _net_pull(state, ctx) - _net_pull(ctx.initial, ctx)
    u_star = (
        ctx.initial.us_asia_share
        + ctx.p("burden_shifting.europe_offset") * (ratio - 1.0)
        + ctx.p("burden_shifting.war_pull") * pull
    )
    return np.clip(u_star, U_MIN, U_MAX)


def theatre_forces(milex: FloatArray, us_asia_share: FloatArray, ctx: Context) -> FloatArray:
    """Forces (US$ bn/yr of military spending) available per theatre, ``(R, N, 2)``.

    Parameters
    ----------
    milex : (R, N) military spending, US$ bn/yr.
    us_asia_share : (R,) US Indo-Pacific share.
    ctx : the step's context (home theatres, presence, US retrenchment).
    """
    if kernels.enabled():
        home = ctx.cached("burden_shifting.home", lambda: home_theatre_onehot(ctx.world))
        out = np.empty((*milex.shape, 2), dtype=np.result_type(milex, ctx.presence, home))
        has_us = ctx.world.has("USA")
        _forces_kernel(milex, np.asarray(us_asia_share), ctx.presence, home,
                       np.asarray(ctx.us_europe_retrenchment), has_us,
                       ctx.world.index("USA") if has_us else -1, out)
        return out
    home = home_theatre_onehot(ctx.world)  # (N, 2)
    away = np.clip(ctx.presence, 0.0, 1.0) * (1.0 - home)[None]  # (R, N, 2)
    away_total = np.minimum(away.sum(axis=2, keepdims=True), 1.0)
    share = home[None] * (1.0 - away_total) + away
    forces = milex[:, :, None] * share
    if ctx.world.has("USA"):
        us = ctx.world.index("USA")
        m = milex[:, us]
        u = np.clip(us_asia_share, 0.0, 1.0)
        r = np.clip(ctx.us_europe_retrenchment, 0.0, 1.0)
        forces[:, us, INDO_PACIFIC] = m * u
        forces[:, us, EURO_ATLANTIC] = m * (1.0 - u) * (1.0 - r)
    return np.asarray(forces)


@kernels.jit
def _forces_kernel(milex, u_share, presence, home, retrench, has_us, us, out):  # type: ignore[no-untyped-def]
    """:func:`theatre_forces` into ``out`` ``(R, N, 2)``."""
    runs, n = milex.shape
    for r in range(runs):
        for i in range(n):
            h0, h1 = home[i, 0], home[i, 1]
            a0 = min(max(presence[r, i, 0], 0.0), 1.0) * (1.0 - h0)
            a1 = min(max(presence[r, i, 1], 0.0), 1.0) * (1.0 - h1)
            total = min(a0 + a1, 1.0)
            m = milex[r, i]
            out[r, i, 0] = m * (h0 * (1.0 - total) + a0)
            out[r, i, 1] = m * (h1 * (1.0 - total) + a1)
        if has_us:
            m = milex[r, us]
            u = min(max(u_share[r], 0.0), 1.0)
            q = min(max(retrench[r], 0.0), 1.0)
            out[r, us, INDO_PACIFIC] = m * u
            out[r, us, EURO_ATLANTIC] = m * (1.0 - u) * (1.0 - q)


#: Parameters the allocation kernel reads, in the order of the columns it gets.
_KERNEL_PARAMS = ("burden_shifting.rate", "burden_shifting.europe_offset",
                  "burden_shifting.war_pull", "burden_shifting.crisis_weight")


def _chunk_terms(ctx: Context) -> tuple[np.ndarray, ...]:
    """Fixed inputs of ``_share_kernel`` (memoised per chunk): the parameters as columns
    ``(R, K)``, the European NATO members ``(N,)``, Europe's initial burden relative to
    the US's ``(R,)`` and the flashpoints' theatres ``(F,)``."""
    dtype = ctx.initial.milex.dtype
    params = np.ascontiguousarray(np.stack([ctx.params[k] for k in _KERNEL_PARAMS], axis=1),
                                  dtype=dtype)
    keep = np.asarray(europe_mask(ctx.world), dtype=bool)
    e_0 = np.where(keep[None, :], ctx.initial.milex, 0.0).sum(axis=1)
    us = ctx.world.index("USA")
    e_0 = e_0 / np.maximum(ctx.initial.milex[:, us], 1e-9)
    return (params, np.ascontiguousarray(keep), np.ascontiguousarray(e_0),
            np.asarray(ctx.flashpoints.theatre, dtype=np.int64))


def _share_fast(state: State, ctx: Context) -> FloatArray:
    """The allocation's change ``du`` ``(R,)`` by the compiled kernel (same arithmetic)."""
    params, keep, e_0, theatre = ctx.cached("burden_shifting.kernel_terms",
                                            lambda: _chunk_terms(ctx))
    net0 = ctx.cached_for("burden_shifting.net_pull0", ctx.commitment,
                          lambda: _net_pull(ctx.initial, ctx))
    e_us = _us_engagement(ctx)
    u = state.us_asia_share
    out = np.empty(u.shape, dtype=np.result_type(u, ctx.initial.us_asia_share, params,
                                                 state.milex, net0))
    _share_kernel(state.milex, u, ctx.initial.us_asia_share, state.war, state.blockade,
                  state.crisis, e_us, net0, params, keep, e_0, theatre, ctx.world.index("USA"),
                  float(ctx.dt), out)
    return out


@kernels.jit
def _share_kernel(milex, u, u0, war, blockade, crisis, e_us, net0, params, keep, e_0,  # type: ignore[no-untyped-def]
                  theatre, us, dt, out):
    """``du = min(1, kappa dt) (u* - u)`` per run into ``out`` ``(R,)`` (:func:`target_share`,
    with :func:`us_pull` inlined)."""
    runs, n = milex.shape
    nf = war.shape[1]
    any_ip, any_ea = False, False
    for f in range(nf):
        any_ip = any_ip or theatre[f] == INDO_PACIFIC
        any_ea = any_ea or theatre[f] == EURO_ATLANTIC
    for r in range(runs):
        kappa, offset, w_war, w_crisis = params[r, 0], params[r, 1], params[r, 2], params[r, 3]
        e_t = 0.0
        for i in range(n):
            if keep[i]:
                e_t += milex[r, i]
        e_t = e_t / max(milex[r, us], 1e-9)
        ratio = e_t / e_0[r] if e_0[r] > 0 else 1.0
        ip, ea = -np.inf, -np.inf
        for f in range(nf):
            w = min(max(war[r, f], 0.0), 1.0)
            hot = w * e_us[r, f]
            b = min(max(blockade[r, f], 0.0), 1.0)
            hot = hot if hot >= b else b
            c = w_crisis * min(max(crisis[r, f], 0.0), 1.0) * (1.0 - w)
            h = hot if hot >= c else c
            if theatre[f] == INDO_PACIFIC:
                ip = ip if ip >= h else h
            elif theatre[f] == EURO_ATLANTIC:
                ea = ea if ea >= h else h
        net = (ip if any_ip else 0.0) - (ea if any_ea else 0.0)
        pull = net - net0[r]
        u_star = u0[r] + offset * (ratio - 1.0) + w_war * pull
        u_star = min(max(u_star, U_MIN), U_MAX)
        out[r] = min(kappa * dt, 1.0) * (u_star - u[r])


def step(state: State, derived: Mapping[str, FloatArray], ctx: Context, draws: Draws) -> Effect:
    """Move the US allocation towards its target and provide forces by theatre."""
    if ctx.world.has("USA") and kernels.enabled():
        du = _share_fast(state, ctx)
    elif ctx.world.has("USA"):
        kdt = np.minimum(ctx.p("burden_shifting.rate") * ctx.dt, 1.0)
        du = kdt * (target_share(state, ctx) - state.us_asia_share)
    else:
        du = np.zeros_like(state.us_asia_share)
    return Effect(
        deltas={"us_asia_share": du},
        derived={"forces": theatre_forces(state.milex, state.us_asia_share, ctx)},
    )


MECHANISM = Mechanism(
    name="burden_shifting",
    title="Burden shifting between theatres (one finite US force budget)",
    references=(
        "Olson & Zeckhauser 1966, Rev. Econ. Stat. 48(3):266-279, doi:10.2307/1927082",
        "Posen 2014, Restraint, Cornell University Press",
        "Colby 2021, The Strategy of Denial, Yale University Press",
    ),
    parameters=PARAMETERS,
    writes=("us_asia_share",),
    provides=("forces",),
    reads=(),
    step=step,
    variants=("default",),
    equations=(
        "du = min(1, kappa dt) (u* - u)",
        "u* = clip(u0 + theta_eu (E_t/E_0 - 1) + theta_war [(w_IP - w_EA) - (w_IP - w_EA)_0], 0.2, 0.95), "
        "E = European NATO milex / US milex, w = max_f max(W_f E_US,f, b_f, gamma c_f (1 - W_f))",
        "F_it = m_i [H_it (1 - sum_s d_is (1 - H_is)) + d_it (1 - H_it)]; "
        "US: F_IP = m u, F_EA = m (1 - u)(1 - r)",
    ),
)
