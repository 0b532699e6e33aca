r"""Commitment credibility: who would defend each flashpoint, with what and how surely.

Theory
------
Extended deterrence works when the challenger believes a defender will
fight and could fight effectively (Schelling 1966; Huth 1988). Belief in the
will to fight rises with formal obligations that tie hands (Fearon 1997) and
is a matter of current interests and capabilities rather than past
reputation (Press 2005). The seeds add the ingredients modelled here: "mere
partners" are not defended the way treaty allies are (NATO Article 5 and the
geographic scope of Article 6); European forces built for land warfare fit
the maritime and air theatre of the Indo-Pacific poorly, and European ships
would "run back home" in a Pacific crisis (seed 002); NATO decides by
consensus, so the alliance's will is that of its least willing member; and
symbolic presence without a commitment adds hardware but no credibility.

Equations
---------
For flashpoint :math:`f` with challenger :math:`c`, targets :math:`T_f` and
theatre :math:`\theta_f`, and each potential defender :math:`k \notin T_f \cup \{c\}`:

.. math::

    c_{kf} = \max_{j \in T_f} \max\big(C_{kj},\; w_p P_{kj}\big)

is the commitment (``ctx.commitment`` :math:`C`, partnership :math:`P`,
partner weight :math:`w_p`);

.. math::

    e_{kf} = c_{kf}\, W_{kf}\, \min\!\Big(1, \frac{\phi_{kf} F_{k\theta_f}}{q\, F_{c\theta_f}}\Big)

is the probability that :math:`k` intervenes effectively, with forces
:math:`F_{k\theta_f}` available to the theatre: those in it (derived
``forces``, US$ bn/yr) plus a share :math:`s` (``credibility.surge``) of
those in the other theatre that can be surged there in a crisis, so that a
commitment by a state with no forces in theatre still counts a little; theatre fit :math:`\phi`
(:math:`\phi_{IP}` for non-US Euro-Atlantic forces in the Indo-Pacific, else 1),
sufficiency ratio :math:`q`, and will :math:`W` (public support: US, European,
other).

NATO's decision process (:func:`alliance_commitment`): a NATO member's
commitment :math:`C_{kj}` splits into the alliance's collective commitment
:math:`C^{N}_j = \min_{m \in NATO, m \ne j} C_{mj}` (what the alliance
pledges binds all members alike: Article 5, or a NATO+IP4 partnership) and
its own bilateral commitment where larger (the US-Japan treaty). The
collective part counts as

.. math::

    C^{N}_j\, G_{\theta_f}\, A_{jf}, \qquad
    G_\theta = \prod_{m \in NATO} (1 - v_{m\theta}),

where :math:`G_\theta` is the probability that no member vetoes a collective
decision in theatre :math:`\theta` (``consensus`` variant; 1 under
``independent``): veto propensities :math:`v` of France for the Indo-Pacific
(the Tokyo office), Hungary for both theatres, a small one for the others;
and :math:`A_{jf} = 1` inside Article 6's treaty area (a Euro-Atlantic
flashpoint and a member target), else ``credibility.out_of_area`` (no
collective obligation to partners or out of area). ``nato_decision``
:math:`(R, 2)` provides :math:`G` for other mechanisms (offices and other
NATO-institution moves happen only if the Council agrees). Then

.. math::

    \mathrm{cred}_f = 1 - \prod_k (1 - e_{kf}), \qquad
    \mathrm{bal}_f = \frac{\sum_{j\in T_f} F_{j\theta_f} + \sum_k c_{kf}\phi_{kf}F_{k\theta_f}}
                          {F_{c\theta_f}}.

``credibility`` :math:`(R, F)` is in [0, 1] (probability that at least one
defender intervenes effectively, defenders independent); ``local_balance``
:math:`(R, F)` is positive and dimensionless.

Assumptions
-----------
* Defenders decide independently, except that NATO's collective commitments
  need the Council's consensus; members' vetoes are independent events.
* Presence without commitment (``ctx.presence`` with :math:`c_{kf} = 0`)
  adds capacity but neither credibility nor local balance: the "provoke
  without committing" case.
* The challenger fights alone at its flashpoint.

References
----------
Schelling, T. C. (1966). *Arms and Influence*. Yale University Press.
Huth, P. K. (1988). *Extended Deterrence and the Prevention of War*. Yale
University Press.
Fearon, J. D. (1997). Signaling foreign policy interests: tying hands versus
sinking costs. *Journal of Conflict Resolution* 41(1), 68-90.
doi:10.1177/0022002797041001004
Press, D. G. (2005). *Calculating Credibility: How Leaders Assess Military
Threats*. Cornell University Press.
Mearsheimer, J. J. (1989). Assessing the conventional balance: the 3:1 rule
and its critics. *International Security* 13(4), 54-89. doi:10.2307/2538780
Pew Research Center (2015). NATO publics blame Russia for Ukrainian crisis,
but reluctant to provide military aid (Stokes, B., 10 June 2015).
Smeltz, D. & Kafura, C. (2021). For first time, half of Americans favor
defending Taiwan if China invades. Chicago Council on Global Affairs.

Kernel
------
:func:`assess` (with :func:`alliance_commitment` inside it) has a compiled
kernel in two parts: the mechanism took 12 % of the engine's time (issue 17),
spent in many small ``(R, N, F, M)`` temporaries and NumPy calls per step.
``_commitment_kernel`` gives the commitments :math:`c_{kf}` in one pass over
runs, flashpoints and defenders; they depend on the scenario's commitments
and the parameters only, so the kernel path memoises them per commitment
array (as :func:`~flashpoint.mechanisms.mobilisation.roles` is), and
:func:`nato_decision` per chunk. ``_assess_kernel`` does the forces' part
every step. The NumPy code is the reference.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from flashpoint import kernels
from flashpoint._types import FloatArray, IntArray
from flashpoint.contract import State
from flashpoint.mechanisms._protocol import Context, Draws, Effect, Mechanism
from flashpoint.mechanisms.burden_shifting import theatre_forces
from flashpoint.params import Parameter
from flashpoint.world.arrays import EURO_ATLANTIC, INDO_PACIFIC, WorldArrays
from flashpoint.world.flashpoints import FlashpointArrays

__all__ = ["MECHANISM", "PARAMETERS", "assess", "step", "target_index"]

#: Smallest force level used as a denominator (US$ bn/yr).
_EPS = 1e-6

PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "credibility.partner_weight",
        "commitment credited to a partnership without a defence obligation",
        "dimensionless", 0.1, 0.0, 0.3,
        "rationale: seed 001 calls NATO's IP4 partnerships 'more to cheap talk than credible "
        "signals of intent'; Fearon 1997 (untied hands); well below a treaty's 1.",
    ),
    Parameter(
        "credibility.theatre_fit",
        "effectiveness of Euro-Atlantic (non-US) forces in the Indo-Pacific",
        "dimensionless", 0.4, 0.15, 0.8,
        "rationale: European forces are built for land warfare, the Indo-Pacific needs maritime "
        "and air power and long reach (seeds 002, 003, 004: ships would 'run back home').",
    ),
    Parameter(
        "credibility.surge",
        "share of a defender's forces in the other theatre that can be surged to a flashpoint",
        "share", 0.1, 0.02, 0.3,
        "rationale: reinforcement across theatres is slow and partial (Mearsheimer 1989 on "
        "reinforcement rates; seed 004: European states 'lack the mature defense-industrial "
        "bases needed to project and sustain extra-regional power'); a few to 30 per cent.",
    ),
    Parameter(
        "credibility.sufficiency",
        "defender forces in theatre, relative to the challenger's, for fully effective intervention",
        "ratio", 1.0, 0.33, 3.0,
        "rationale: parity at the centre; 1/3 is the attacker's 3:1 rule of thumb turned round "
        "(Mearsheimer 1989, doi:10.2307/2538780); 3 if defence must dominate to be worth it.",
    ),
    Parameter(
        "credibility.will_us", "probability the US public backs fighting for a committed target",
        "probability", 0.55, 0.4, 0.7,
        "Pew Research Center 2015: 56% of Americans would use force to defend a NATO ally against "
        "Russia; Chicago Council Survey 2021 (Smeltz & Kafura): 52% favour US troops if China "
        "invaded Taiwan.",
    ),
    Parameter(
        "credibility.will_europe",
        "probability a European public backs fighting for a committed target",
        "probability", 0.45, 0.3, 0.6,
        "Pew Research Center 2015: support for using force to defend a NATO ally against Russia "
        "38% in Germany, 47% France, 48% Poland, 49% UK.",
    ),
    Parameter(
        "credibility.will_other",
        "probability another defender's public backs fighting for a committed target",
        "probability", 0.5, 0.3, 0.8,
        "rationale: no comparable cross-national poll; centred on the US/European values with a "
        "wide range.",
    ),
    Parameter(
        "credibility.out_of_area",
        "weight of a collective NATO commitment outside Article 6's treaty area or to a non-member",
        "dimensionless", 0.1, 0.0, 0.5,
        "seed 001: Article 5 'applies only to full-fledged members, and is geographically "
        "limited via Article 6'; rationale: legally 0, a political pledge of the alliance is "
        "weighted like a partnership (0.1) and at most half an Article 5 obligation.",
    ),
    Parameter(
        "credibility.veto_france_asia",
        "probability that France blocks a collective NATO decision on the Indo-Pacific",
        "probability", 0.6, 0.3, 0.9,
        "seed 003: France 'strongly opposed the opening of a NATO liaison office in Tokyo'; seed "
        "000: Macron warned it would be a 'big mistake'; the office planned in 2023 was not "
        "opened (seed 000: 'NATO was planning to open a liaison office in Tokyo').",
    ),
    Parameter(
        "credibility.veto_hungary",
        "probability that Hungary blocks a collective NATO decision against Russia or China",
        "probability", 0.15, 0.0, 0.4,
        "rationale: Hungary blocked NATO-Ukraine Commission meetings from 2017 and was the last "
        "member to ratify Sweden's accession (February 2024); seed 003: Hungary 'continues to "
        "pursue closer relations with China'. It has never blocked an Article 5 decision.",
    ),
    Parameter(
        "credibility.veto_other",
        "probability that any other member blocks a collective NATO decision",
        "probability", 0.005, 0.0, 0.02,
        "rationale: consensus in the North Atlantic Council seldom fails on other members; "
        "Turkey's delay of the Nordic accessions (2022-24) is the other recent case.",
    ),
)


def target_index(fps: FlashpointArrays) -> IntArray:
    """``(F, M)`` target indices per flashpoint, padded by repeating the first target."""
    counts = fps.targets.sum(axis=1)
    m = int(max(1, counts.max())) if fps.f else 1
    out = np.zeros((fps.f, m), dtype=np.int64)
    for f in range(fps.f):  # flashpoints (F <= 5), not actors or runs
        idx = np.flatnonzero(fps.targets[f])
        out[f] = np.concatenate([idx, np.repeat(idx[:1], m - idx.size)])
    return out


def _will(world: WorldArrays, ctx: Context) -> FloatArray:
    """``(R, N)`` will to fight by actor: US, Euro-Atlantic others, everyone else."""
    dtype = world.milex.dtype
    us = world.mask(["USA"]).astype(dtype)
    eu = (world.theatre == EURO_ATLANTIC).astype(dtype) * (1.0 - us)
    other = 1.0 - us - eu
    return np.asarray(
        ctx.p("credibility.will_us", 2) * us
        + ctx.p("credibility.will_europe", 2) * eu
        + ctx.p("credibility.will_other", 2) * other
    )


def assess(forces: FloatArray, ctx: Context) -> tuple[FloatArray, FloatArray]:
    """Credibility and local balance ``(R, F)`` given forces by theatre ``(R, N, 2)``."""
    world, fps = ctx.world, ctx.flashpoints
    runs = forces.shape[0]
    if fps.f == 0:
        return np.zeros((runs, 0), dtype=forces.dtype), np.ones((runs, 0), dtype=forces.dtype)
    if kernels.enabled():
        return _assess_fast(forces, ctx)
    th = fps.theatre  # (F,)
    commit = alliance_commitment(ctx)  # (R, N, F)
    eligible = ~fps.targets.T.copy()  # (N, F)
    eligible[fps.challenger, np.arange(fps.f)] = False
    commit = commit * eligible[None]

    # Forces in the flashpoint's theatre plus the share of forces elsewhere that
    # can be surged there within a crisis (power projection).
    cap = forces[:, :, th] + ctx.p("credibility.surge", 3) * forces[:, :, 1 - th]  # (R, N, F)
    european = (world.theatre == EURO_ATLANTIC) & ~world.mask(["USA"])
    fit = (european[:, None] & (th == INDO_PACIFIC)[None, :]).astype(forces.dtype)  # (N, F)
    phi = 1.0 + (ctx.p("credibility.theatre_fit", 3) - 1.0) * fit[None]  # (R, N, F)
    eff_cap = cap * phi
    chal = np.maximum(forces[:, fps.challenger, th], _EPS)  # (R, F)

    will_kf = _will(world, ctx)[:, :, None]  # (R, N, 1)
    q = ctx.p("credibility.sufficiency", 3)
    effective = commit * will_kf * np.minimum(1.0, eff_cap / (q * chal[:, None, :]))
    cred = 1.0 - np.prod(1.0 - np.clip(effective, 0.0, 1.0), axis=1)

    own = np.einsum("rnf,fn->rf", cap, fps.targets.astype(cap.dtype))
    balance = (own + np.sum(commit * eff_cap, axis=1)) / chal
    return np.clip(cred, 0.0, 1.0), np.maximum(balance, _EPS)


def veto_propensity(ctx: Context) -> FloatArray:
    """``(R, N, 2)`` probability that each NATO member blocks a collective decision
    concerning each theatre (Euro-Atlantic, Indo-Pacific); 0 for non-members."""
    world = ctx.world
    nato = world.membership.get("NATO", np.zeros(world.n, dtype=bool))
    dtype = world.milex.dtype
    other = ctx.p("credibility.veto_other", 3) * np.ones((1, world.n, 2), dtype=dtype)
    v = np.broadcast_to(other, (ctx.commitment.shape[0], world.n, 2)).copy()
    if world.has("FRA"):
        v[:, world.index("FRA"), INDO_PACIFIC] = ctx.params["credibility.veto_france_asia"]
    if world.has("HUN"):
        v[:, world.index("HUN"), :] = ctx.params["credibility.veto_hungary"][:, None]
    return np.asarray(v * nato[None, :, None])


def nato_decision(ctx: Context) -> FloatArray:
    """``(R, 2)`` probability that the North Atlantic Council decides to act collectively
    in each theatre: no member vetoes (``consensus``), or 1 (``independent``)."""
    consensus = ctx.variant_mask("credibility", "consensus")  # (R,) per-run theory
    if not np.any(consensus):
        return np.ones((ctx.commitment.shape[0], 2), dtype=ctx.commitment.dtype)
    gate = np.prod(1.0 - veto_propensity(ctx), axis=1)  # (R, 2)
    return np.asarray(np.where(consensus[:, None], gate, 1.0).astype(ctx.commitment.dtype))


def alliance_commitment(ctx: Context) -> FloatArray:
    """``(R, N, F)`` each potential defender's commitment at each flashpoint, with
    NATO's collective part gated by the consensus rule and Article 6.

    A NATO member's commitment to j splits into the alliance's collective one,
    ``coll_j = min_{m in NATO, m != j} C_mj`` (a commitment the alliance makes
    binds every member alike), and the member's own, bilateral one where it
    exceeds the collective, or is a treaty with a non-member in the world data
    (the US-Japan treaty). The collective part counts
    with the probability ``G`` that the Council decides to act in the
    flashpoint's theatre, and in full only within Article 6's treaty area (a
    Euro-Atlantic flashpoint and a member target); elsewhere, for partners and
    out of area, with the weight ``credibility.out_of_area``.
    """
    world, fps = ctx.world, ctx.flashpoints
    n = world.n
    tidx = target_index(fps)  # (F, M)
    c = ctx.commitment
    w_p = ctx.p("credibility.partner_weight", 3)
    partner = w_p * world.partnership[None]  # (R or 1, N, N)
    nato = world.membership.get("NATO", np.zeros(n, dtype=bool))
    if not np.any(nato):
        return np.asarray(np.max(np.maximum(c, partner)[:, :, tidx], axis=3))
    others = nato[:, None] & ~np.eye(n, dtype=bool)  # (N, N): member m, target j, m != j
    coll = np.min(np.where(others[None], c, np.inf), axis=1)  # (R, N)
    coll = np.where(np.isfinite(coll), coll, 0.0)
    # Own commitments: what exceeds the collective one, and at least the world's
    # bilateral treaties with non-members (the US-Japan treaty stays the US's own
    # even when the alliance makes the same pledge); Article 5 among members is
    # the alliance's.
    bilateral = world.defense * ~nato[None, :]  # (N, N)
    own = np.maximum(bilateral[None], np.where(c <= coll[:, None, :], 0.0, c))  # (R, N, N)
    in_area = nato[tidx] & (fps.theatre == EURO_ATLANTIC)[:, None]  # (F, M)
    reach = np.where(in_area[None], 1.0, ctx.p("credibility.out_of_area", 3))  # (R, F, M)
    gate = nato_decision(ctx)[:, fps.theatre]  # (R, F)
    coll_eff = coll[:, tidx] * gate[:, :, None] * reach  # (R, F, M)
    member = np.maximum(own[:, :, tidx], coll_eff[:, None])  # (R, N, F, M)
    k = np.where(nato[None, :, None, None], member, c[:, :, tidx])
    return np.asarray(np.max(np.maximum(k, partner[:, :, tidx]), axis=3))


def _geometry(ctx: Context) -> tuple[np.ndarray | bool, ...]:
    """The world's and flashpoints' fixed arrays the kernel reads, and whether NATO has
    members (memoised per chunk)."""
    world, fps = ctx.world, ctx.flashpoints
    n = world.n
    nato = world.membership.get("NATO", np.zeros(n, dtype=bool)).astype(np.bool_)
    tidx = target_index(fps)
    eligible = ~fps.targets.T.copy()  # (N, F)
    eligible[fps.challenger, np.arange(fps.f)] = False
    european = (world.theatre == EURO_ATLANTIC) & ~world.mask(["USA"])
    fit = european[:, None] & (fps.theatre == INDO_PACIFIC)[None, :]  # (N, F)
    us = world.mask(["USA"])
    eu = (world.theatre == EURO_ATLANTIC) & ~us
    will_kind = np.where(us, 0, np.where(eu, 1, 2)).astype(np.int64)  # (N,)
    in_area = nato[tidx] & (fps.theatre == EURO_ATLANTIC)[:, None]  # (F, M)
    dtype = world.milex.dtype
    bilateral = np.ascontiguousarray(world.defense * ~nato[None, :], dtype=dtype)  # (N, N)
    return (np.ascontiguousarray(world.partnership, dtype=dtype), bilateral, nato, tidx,
            np.ascontiguousarray(eligible), np.ascontiguousarray(fit), will_kind, in_area,
            np.ascontiguousarray(fps.targets, dtype=np.bool_),
            np.asarray(fps.challenger, dtype=np.int64), np.asarray(fps.theatre, dtype=np.int64),
            bool(np.any(nato)))


def _assess_fast(forces: FloatArray, ctx: Context) -> tuple[FloatArray, FloatArray]:
    """:func:`assess` by the compiled kernels (same arithmetic). The commitments ``c_kf``
    depend on the scenario's commitments and the parameters only: they are memoised per
    commitment array, as :func:`~flashpoint.mechanisms.mobilisation.roles` is."""
    (partnership, bilateral, nato, tidx, eligible, fit, will_kind, in_area, targets,
     challenger, theatre, any_nato) = ctx.cached("credibility.geometry", lambda: _geometry(ctx))
    pr = ctx.params

    def commitments() -> FloatArray:
        gate = ctx.cached("credibility.nato_decision", lambda: nato_decision(ctx))
        return _commitment_kernel(  # type: ignore[no-any-return]
            ctx.commitment, partnership, bilateral, nato, tidx, eligible, in_area, theatre,
            any_nato, gate, pr["credibility.partner_weight"], pr["credibility.out_of_area"])

    commit = ctx.cached_for("credibility.commitments", ctx.commitment, commitments)
    return _assess_kernel(  # type: ignore[no-any-return]
        forces, commit, fit, will_kind, targets, challenger, theatre,
        pr["credibility.surge"], pr["credibility.theatre_fit"], pr["credibility.sufficiency"],
        pr["credibility.will_us"], pr["credibility.will_europe"], pr["credibility.will_other"])


@kernels.jit
def _commitment_kernel(commit, partnership, bilateral, nato, tidx, eligible, in_area,  # type: ignore[no-untyped-def]
                       theatre, any_nato, gate, w_p, out_of_area):
    """``(R, N, F)`` each eligible defender's commitment at each flashpoint
    (:func:`alliance_commitment`, times eligibility as in :func:`assess`), one run at a time."""
    runs, n = commit.shape[0], commit.shape[1]
    nf, nm = tidx.shape[0], tidx.shape[1]
    out = np.empty((runs, n, nf), dtype=commit.dtype)
    coll = np.zeros(n, dtype=commit.dtype)
    bad = np.zeros(n, dtype=np.bool_)
    for r in range(runs):
        if any_nato:  # the alliance's collective commitment to each j: min over members m != j
            for j in range(n):
                coll[j] = np.inf
                bad[j] = False
            for m in range(n):
                if nato[m]:
                    for j in range(n):
                        v = commit[r, m, j]
                        if m != j:
                            if np.isnan(v):
                                bad[j] = True
                            elif v < coll[j]:
                                coll[j] = v
            for j in range(n):
                if bad[j] or not np.isfinite(coll[j]):
                    coll[j] = 0.0
        for f in range(nf):
            g = gate[r, theatre[f]]
            for k in range(n):
                best = -np.inf  # max over the flashpoint's targets
                for mi in range(nm):
                    j = tidx[f, mi]
                    c = commit[r, k, j]
                    if any_nato and nato[k]:
                        own = 0.0 if c <= coll[j] else c
                        b = bilateral[k, j]
                        own = b if b >= own else own
                        reach = 1.0 if in_area[f, mi] else out_of_area[r]
                        ce = coll[j] * g * reach
                        c = own if own >= ce else ce
                    pv = w_p[r] * partnership[k, j]
                    v = c if c >= pv else pv
                    if v > best:
                        best = v
                out[r, k, f] = best * eligible[k, f]
    return out


@kernels.jit
def _assess_kernel(forces, commit, fit, will_kind, targets, challenger, theatre, surge,  # type: ignore[no-untyped-def]
                   t_fit, sufficiency, will_us, will_europe, will_other):
    """Credibility and local balance ``(R, F)`` from the commitments ``(R, N, F)``
    (:func:`assess`), one run at a time."""
    runs, n = forces.shape[0], forces.shape[1]
    nf = commit.shape[2]
    cred = np.empty((runs, nf), dtype=forces.dtype)
    balance = np.empty((runs, nf), dtype=forces.dtype)
    for r in range(runs):
        for f in range(nf):
            th = theatre[f]
            chal = max(forces[r, challenger[f], th], _EPS)
            q_chal = sufficiency[r] * chal
            survive = 1.0
            own_sum = 0.0
            backed = 0.0
            for k in range(n):
                ckf = commit[r, k, f]
                cap = forces[r, k, th] + surge[r] * forces[r, k, 1 - th]
                phi = 1.0 + (t_fit[r] - 1.0) * fit[k, f]
                eff_cap = cap * phi
                kind = will_kind[k]
                w = will_us[r] if kind == 0 else (will_europe[r] if kind == 1 else will_other[r])
                ratio = eff_cap / q_chal
                e = ckf * w * (ratio if ratio < 1.0 else 1.0)
                e = 0.0 if e < 0.0 else (1.0 if e > 1.0 else e)
                survive *= 1.0 - e
                if targets[f, k]:
                    own_sum += cap
                backed += ckf * eff_cap
            x = 1.0 - survive
            cred[r, f] = 0.0 if x < 0.0 else (1.0 if x > 1.0 else x)
            bal = (own_sum + backed) / chal
            balance[r, f] = bal if bal > _EPS else _EPS
    return cred, balance


def step(state: State, derived: Mapping[str, FloatArray], ctx: Context, draws: Draws) -> Effect:
    """Provide ``credibility`` and ``local_balance`` for every flashpoint, and
    ``nato_decision`` (R, 2), the chance of a collective NATO decision by theatre."""
    forces = derived.get("forces")
    if forces is None:  # burden_shifting switched off: forces at the current allocation
        forces = theatre_forces(state.milex, state.us_asia_share, ctx)
    cred, balance = assess(forces, ctx)
    if kernels.enabled():  # parameters only: memoised per chunk (a copy, never shared)
        decision = ctx.cached("credibility.nato_decision", lambda: nato_decision(ctx)).copy()
    else:
        decision = nato_decision(ctx)
    return Effect(derived={"credibility": cred, "local_balance": balance,
                           "nato_decision": decision})


MECHANISM = Mechanism(
    name="credibility",
    title="Commitment credibility (obligation, capacity, theatre fit, will, consensus)",
    references=(
        "Schelling 1966, Arms and Influence, Yale University Press",
        "Huth 1988, Extended Deterrence and the Prevention of War, Yale University Press",
        "Fearon 1997, J. Conflict Resolut. 41(1):68-90, doi:10.1177/0022002797041001004",
        "Press 2005, Calculating Credibility, Cornell University Press",
        "Mearsheimer 1989, Int. Security 13(4):54-89, doi:10.2307/2538780",
        "Pew Research Center 2015, NATO publics and Article 5 (Stokes)",
        "Smeltz & Kafura 2021, Chicago Council on Global Affairs, Taiwan",
    ),
    parameters=PARAMETERS,
    writes=(),
    provides=("credibility", "local_balance", "nato_decision"),
    reads=("forces",),
    step=step,
    variants=("consensus", "independent"),
    equations=(
        "c_kf = max_{j in T_f} max(C_kj, w_p P_kj); NATO k: C_kj -> max(own_kj, C^N_j G_theta A_jf)",
        "C^N_j = min_{m in NATO, m != j} C_mj; G_theta = prod_m (1 - v_m,theta); "
        "A = 1 in Article 6's area (member target, Euro-Atlantic), else out_of_area",
        "F_kf = forces_k[theatre_f] + s forces_k[other theatre]",
        "cred_f = 1 - prod_k (1 - c_kf W_kf min(1, phi_kf F_kf / (q F_c)))",
        "bal_f = (sum_{j in T_f} F_j + sum_k c_kf phi_kf F_k) / F_c",
    ),
)
