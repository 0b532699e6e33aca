r"""Signal reading: how an adversary reads what the other side does.

Theory
------
States cannot see each other's intentions, only their moves: new
commitments and partnerships, offices and summits, forward deployments,
arms transfers, reassurances. How a move is read is the disagreement at the
heart of the source articles, and Jervis (1976, ch. 3) names the two
classic answers. Under the *spiral model* a defensive move is read as a
threat by a state already unsure of the mover's aims, and it answers in
kind (Jervis 1976, 1978; Glaser 1997): the more visible and formal the
move, the stronger the reading, and the less aligned the pair, the more
suspicion there is to feed on. Under the *deterrence model* the adversary
is a greedy challenger whose hostility follows its expected gain from
revising the status quo: credible commitments to those it would challenge
lower that gain (Schelling 1966; Huth 1988), and concessions, withdrawn
commitments or unrequited reassurance, raise it. The *signalling* reading
(Kydd 2005; Fearon 1997) is Bayesian: a move is evidence about the mover's
type only in so far as it is costly; cheap visibility (an office, a summit
photograph) carries none, hands-tying formal obligations signal resolve to
defend, not to attack, and sunk capability (interoperability, intelligence
integration, forward forces) is what a greedy type buys more readily than a
security seeker.

Which reading holds is drawn per run (:mod:`flashpoint.theories`): the
factor of the security dilemma decides this mechanism too.

Equations
---------
For observer o and mover k (both actors, o != k), with ``rho_oj`` =
:func:`~flashpoint.mechanisms.security_dilemma.unalignment` (0 for o's
treaty allies and for states aligned with o, up to 1 for rivals), the moves
of k that o can read, each in [0, 1]::

    vis_ok = max_j rho'_okj V_kj                        (visible ties of or with o's adversaries)
    obl_ok = max_j rho'_okj max(dC_kj, dC_jk)           (new defence obligations)
    cap_ok = max_j rho'_okj K_kj                        (capability added to o's adversaries)
    rho'_okj = max(rho_oj, rho_ok)                      (k's tie with j concerns o if j or k
                                                         is o's adversary: a bloc that grows)
    fwd_ok = min(1, P_k,theatre(o) / p_s)               (forward forces in o's theatre)
    pv_ok  = fwd_ok * v_o                               (their visibility at o's flashpoints)
    con_ok = max( max_j rho'_okj max(wC_kj, wC_jk), S_ko ) (concessions)

with ``V`` and ``K`` the scenario's tie visibility and capability
(``ctx.tie_visibility``, ``ctx.tie_capability``), ``dC = max(0, C - C_w)``
and ``wC = max(0, C_w - C)`` the commitments added and withdrawn against
the world's ``C_w``, ``P`` the scenario's forward presence, ``p_s`` the
share of forces that counts as a full forward capability, ``v_o`` the
highest provocation (visibility of symbolic presence) at a flashpoint where
o is the challenger, and ``S_ko`` the cost of k's reassurance signal to o.
Then, with ``u_ok`` the unalignment of o with k and rates per year:

``spiral``::

    H_ok = 1 - (1 - vis_ok)(1 - obl_ok)(1 - pv_ok)
    d I_ok = dt g_s u_ok (1 + cap_ok) H_ok (1 - I_ok)

(any visible or formal element is read as hostile, and the capability behind
a seen move makes it weigh more; capability nobody sees is not read);

``deterrence``::

    d I_ok = dt g_d u_ok ( con_ok (1 - I_ok) - obl_ok I_ok )

``signalling`` (Bayes' rule on the log-odds)::

    logit I'_ok = logit I_ok + dt g_k u_ok (cap_ok + fwd_ok)
    d I_ok = I'_ok - I_ok

and in every reading tension follows the symmetrised change of perceived
intent, ``d tau_ok = omega (d I_ok + d I_ko) / 2``, kept within [0, 1].
Perceived intent relaxes to its initial value in the security dilemma
mechanism (``security_dilemma.intent_relaxation``), so a standing move
holds intent at a shifted level rather than driving it to a bound.

Assumptions
-----------
* Moves are read against the world: the status quo's own commitments,
  presence and ties send no signal (every input above is 0 there).
* A move matters to o through the partner it concerns or the mover itself:
  NATO's tie with Japan is read by China because Japan is China's rival, and
  the Baltic states' accession by Russia because the United States is its
  adversary (``rho'``); the reading falls on the mover in proportion to its
  own unalignment with o (``u``), so o's own allies are never read as hostile.
* Reassurance signals lower perceived intent in every reading through the
  reassurance mechanism (Kydd 2005); here the deterrence reading adds that
  they embolden a greedy challenger.
* In the deterrence reading ``I`` stands for the challenger's hostility in
  the dyad (its expected gain from confrontation); in the others for its
  belief that the mover is hostile (Kydd 2005). Both enter the threat the
  same way.

Kernel
------
:func:`step` (3.4 % of the engine's time, most of it in :func:`moves`) has three
compiled kernels, used when :func:`flashpoint.kernels.enabled`:
``_any_move`` tells in one pass whether the scenario makes any move (in the
status quo it makes none, and the reference spends its time building the
commitments added and withdrawn to find that out), memoised while the engine
passes the same input arrays; ``_partners_kernel`` lists each mover's moves
of each kind and their partners, memoised likewise (the moves change only
when a lever switches); and ``_step_kernel`` reads the moves and applies
each run's reading in one pass over runs r and dyads o, k, visiting only the
partners of each move and without the reference's ``(R, N, N, N)``
temporaries; the NumPy code stays the reference of the equations. Without
moves both give no delta at all (zeros would cost the engine two full
``(R, N, N)`` additions a step).

References
----------
Jervis, R. (1976). *Perception and Misperception in International Politics*,
    ch. 3. Princeton University Press.
Jervis, R. (1978). Cooperation under the security dilemma. *World Politics*
    30(2), 167-214. doi:10.2307/2009958
Glaser, C. L. (1997). The security dilemma revisited. *World Politics* 50(1),
    171-201. doi:10.1017/S0043887100014763
Kydd, A. H. (2005). *Trust and Mistrust in International Relations*.
    Princeton University Press.
Fearon, J. D. (1997). Signaling foreign policy interests: tying hands versus
    sinking costs. *Journal of Conflict Resolution* 41(1), 68-90.
    doi:10.1177/0022002797041001004
Schelling, T. C. (1966). *Arms and Influence*. Yale University Press.
Huth, P. K. (1988). *Extended Deterrence and the Prevention of War*. Yale
    University Press.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from flashpoint import kernels
from flashpoint._types import FloatArray
from flashpoint.contract import State
from flashpoint.mechanisms._protocol import Context, Draws, Effect, Mechanism
from flashpoint.mechanisms.security_dilemma import BELIEF_FLOOR, VARIANTS, unalignment
from flashpoint.params import Parameter
from flashpoint.world.arrays import EURO_ATLANTIC, INDO_PACIFIC

__all__ = ["MECHANISM", "PARAMETERS", "Moves", "moves", "step"]

PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "signal_reading.spiral_rate",
        "rate g_s at which a fully visible or formal move raises an unaligned observer's "
        "perceived hostile intent (spiral reading)",
        "1/year", 0.3, 0.05, 1.0,
        "rationale: Beijing answered the Quad's revival (November 2017) and AUKUS (September "
        "2021) with statements within days and with military signalling within a year "
        "(validation/data/reactions.toml); a rate of 0.05-1 per year moves perceived intent by "
        "a few hundredths to a third of its head-room in the first year.",
        log=True,
    ),
    Parameter(
        "signal_reading.deterrence_rate",
        "rate g_d at which credible obligations lower (and concessions raise) a challenger's "
        "hostility (deterrence reading)",
        "1/year", 0.3, 0.05, 1.0,
        "rationale: the same range as the spiral reading's rate, so that neither reading is "
        "favoured by its speed (Jervis 1976, ch. 3 gives the direction of each, not a rate).",
        log=True,
    ),
    Parameter(
        "signal_reading.cost_weight",
        "log-likelihood ratio per year g_k that a fully costly capability move is made by a "
        "greedy rather than a security-seeking type (signalling reading)",
        "1/year", 0.5, 0.1, 2.0,
        "rationale: Kydd (2005) gives the form (only costly signals move beliefs), not a "
        "scale; 0.1-2 spans a likelihood ratio of 1.1 to 7 for a year of full capability "
        "integration or forward deployment.",
        log=True,
    ),
    Parameter(
        "signal_reading.presence_scale",
        "share p_s of a state's forces deployed forward that counts as a full forward capability",
        "share of forces", 0.1, 0.03, 0.3,
        "rationale: a carrier strike group is roughly a tenth of a large European navy's "
        "major combatants (IISS Military Balance 2024); from a few per cent (a standing "
        "frigate presence) to 30 per cent (a theatre commitment).",
    ),
    Parameter(
        "signal_reading.tension_weight",
        "tension change per unit change of perceived intent in the dyad",
        "dimensionless", 0.5, 0.0, 1.0,
        "rationale: as reassurance.tension_weight: tension follows perceived intent (Glaser "
        "1997) but has other sources; 0 (none) to 1 (one for one).",
    ),
)


class Moves:
    """The moves each observer o reads about each mover k, ``(R, N, N)`` arrays [o, k]."""

    __slots__ = ("cap", "con", "fwd", "obl", "pv", "vis")

    def __init__(self, vis: FloatArray, obl: FloatArray, cap: FloatArray, fwd: FloatArray,
                 pv: FloatArray, con: FloatArray) -> None:
        self.vis, self.obl, self.cap, self.fwd, self.pv, self.con = vis, obl, cap, fwd, pv, con


def _through(rho: FloatArray, x: FloatArray) -> FloatArray:
    """``max_j max(rho[o, j], rho[o, k]) * x[k, j]`` (R, N, N) [o, k], elementwise
    (chunk-invariant): k's tie with j concerns o if j or k is o's adversary."""
    via_partner = np.max(rho[:, :, None, :] * x[:, None, :, :], axis=-1)
    via_mover = rho * np.max(x, axis=-1)[:, None, :]
    return np.asarray(np.maximum(via_partner, via_mover))


def moves(state: State, ctx: Context) -> Moves | None:
    """The moves read this step, or None when the scenario makes none (the status quo)."""
    base = ctx.world.defense[None].astype(ctx.commitment.dtype)
    added = np.maximum(0.0, ctx.commitment - base)
    withdrawn = np.maximum(0.0, base - ctx.commitment)
    if not (np.any(added) or np.any(withdrawn) or np.any(ctx.tie_visibility)
            or np.any(ctx.tie_capability) or np.any(ctx.presence) or np.any(ctx.signal)):
        return None
    rho = unalignment(state.alignment, ctx)
    sym_add = np.maximum(added, np.swapaxes(added, 1, 2))
    sym_wd = np.maximum(withdrawn, np.swapaxes(withdrawn, 1, 2))
    vis = _through(rho, ctx.tie_visibility) if np.any(ctx.tie_visibility) else np.zeros_like(rho)
    cap = _through(rho, ctx.tie_capability) if np.any(ctx.tie_capability) else np.zeros_like(rho)
    obl = _through(rho, sym_add) if np.any(sym_add) else np.zeros_like(rho)
    con = _through(rho, sym_wd) if np.any(sym_wd) else np.zeros_like(rho)
    con = np.maximum(con, np.swapaxes(ctx.signal, 1, 2))  # S_ko: from k to o, read by o
    # forward forces of k in o's home theatre, as a capability in [0, 1]
    theatre = ctx.world.theatre
    in_ea = (theatre == EURO_ATLANTIC)[None, :, None]
    in_ip = (theatre == INDO_PACIFIC)[None, :, None]
    pres = ctx.presence
    forward = np.where(in_ea, pres[:, None, :, EURO_ATLANTIC],
                       np.where(in_ip, pres[:, None, :, INDO_PACIFIC], 0.0))
    fwd = np.minimum(1.0, forward / ctx.p("signal_reading.presence_scale", 3))
    # visibility at the flashpoints o challenges: (R, N) max over its flashpoints
    fps = ctx.flashpoints
    seen = np.zeros(pres.shape[:2], dtype=pres.dtype)
    if fps.f:
        onehot = np.zeros((fps.f, pres.shape[1]), dtype=bool)
        onehot[np.arange(fps.f), fps.challenger] = True
        seen = np.max(np.where(onehot[None], ctx.provocation[:, :, None], 0.0), axis=1)
    pv = fwd * seen[:, :, None]
    return Moves(vis, obl, cap, fwd, pv, con)


def step(state: State, derived: Mapping[str, FloatArray], ctx: Context, draws: Draws) -> Effect:
    """Change ``intent`` and ``tension`` by each run's reading of the scenario's moves."""
    if kernels.enabled():
        return _step_compiled(state, ctx)
    mv = moves(state, ctx)
    if mv is None:
        # No delta at all rather than zeros: the engine then adds no (R, N, N) array of
        # zeros to the step's sums (the same numbers; a pass saved per field).
        return Effect(deltas={})
    n = state.intent.shape[1]
    off = 1.0 - np.eye(n, dtype=state.intent.dtype)
    u = unalignment(state.alignment, ctx) * off
    intent = state.intent
    dt = ctx.dt
    d_intent = np.zeros_like(intent)
    spiral = ctx.variant_mask("signal_reading", "spiral")[:, None, None]
    deterrence = ctx.variant_mask("signal_reading", "deterrence")[:, None, None]
    signalling = ctx.variant_mask("signal_reading", "signalling")[:, None, None]
    if np.any(spiral):
        hostile = 1.0 - (1.0 - mv.vis) * (1.0 - mv.obl) * (1.0 - mv.pv)
        d = (dt * ctx.p("signal_reading.spiral_rate", 3) * u * (1.0 + mv.cap) * hostile
             * (1.0 - intent))
        d_intent = np.where(spiral, d, d_intent)
    if np.any(deterrence):
        d = dt * ctx.p("signal_reading.deterrence_rate", 3) * u * (
            mv.con * (1.0 - intent) - mv.obl * intent)
        d_intent = np.where(deterrence, d, d_intent)
    if np.any(signalling):
        q = np.clip(intent, BELIEF_FLOOR, 1.0 - BELIEF_FLOOR)
        log_lr = dt * ctx.p("signal_reading.cost_weight", 3) * u * (mv.cap + mv.fwd)
        odds = q / (1.0 - q) * np.exp(np.clip(log_lr, 0.0, 30.0))
        d = np.where(log_lr > 0, odds / (1.0 + odds) - q, 0.0)
        d_intent = np.where(signalling, d, d_intent)
    d_intent = np.clip(d_intent * off, -intent, 1.0 - intent)
    d_tau = ctx.p("signal_reading.tension_weight", 3) * 0.5 * (d_intent + np.swapaxes(d_intent, 1, 2))
    d_tau = np.clip(d_tau, -state.tension, 1.0 - state.tension) * off
    return Effect(deltas={"intent": d_intent.astype(intent.dtype),
                          "tension": d_tau.astype(state.tension.dtype)})


def _step_compiled(state: State, ctx: Context) -> Effect:
    """:func:`step` through the compiled kernels (same keys, shapes and dtypes)."""
    from flashpoint.mechanisms.security_dilemma import treaty_allies

    base = ctx.world.defense.astype(ctx.commitment.dtype)
    if not _makes_moves(ctx, base):
        return Effect(deltas={})  # no move: no delta, as in the reference
    fps = ctx.flashpoints
    challenger = np.asarray(fps.challenger, dtype=np.int64) if fps.f else np.zeros(0, np.int64)
    pr = ctx.params
    allies = ctx.cached("security_dilemma.allies", lambda: treaty_allies(ctx))
    xs, xmax, nz, count, slot, reps, nrep = _partners(ctx, base)
    d_i, d_t = _step_kernel(
        state.intent, state.tension, state.alignment, ctx.world.rivalry, allies,
        xs, xmax, nz, count, slot, reps, nrep, ctx.presence,
        ctx.signal, ctx.provocation, challenger, ctx.world.theatre,
        pr["signal_reading.presence_scale"], pr["signal_reading.spiral_rate"],
        pr["signal_reading.deterrence_rate"], pr["signal_reading.cost_weight"],
        pr["signal_reading.tension_weight"],
        ctx.variant_mask("signal_reading", "spiral"),
        ctx.variant_mask("signal_reading", "deterrence"),
        ctx.variant_mask("signal_reading", "signalling"),
        float(ctx.dt), BELIEF_FLOOR, EURO_ATLANTIC, INDO_PACIFIC)
    return Effect(deltas={"intent": d_i, "tension": d_t})


def _partners(ctx: Context, base: FloatArray) -> tuple[FloatArray, FloatArray, np.ndarray,
                                                      np.ndarray, np.ndarray, np.ndarray,
                                                      np.ndarray]:
    """:func:`_partners_kernel` of the scenario's ties, memoised while the engine passes
    the very same input arrays (it reuses them while no lever switches)."""
    return ctx.cached_for(  # type: ignore[no-any-return]
        "signal_reading.partners",
        (ctx.commitment, ctx.tie_visibility, ctx.tie_capability, ctx.world.defense),
        lambda: _partners_kernel(ctx.commitment, base, ctx.tie_visibility, ctx.tie_capability))


@kernels.jit
def _partners_kernel(commitment, base, tie_visibility, tie_capability):  # type: ignore[no-untyped-def]
    """The four kinds of move of each mover k with each partner j, ``xs`` (R, 4, N, N):
    tie visibility ``V``, capability ``K`` and the commitments added and withdrawn,
    symmetrised (``max(dC_kj, dC_jk)``); their maxima over j ``xmax`` (R, 4, N); the
    partners j with ``x_kj != 0``, ``nz[r, m, k, :count[r, m, k]]``; and the distinct
    rows: mover k's row of kind m has the bits of mover ``reps[r, m, slot[r, m, k]]``'s,
    the first such (``nrep[r, m]`` distinct rows, the all-zero row among them). A lever
    ties a whole group to the same partners (NATO's members to the IP4), so a run has a
    few distinct rows where it has tens of movers."""
    runs, n, _ = commitment.shape
    xs = np.empty((runs, 4, n, n))
    xmax = np.empty((runs, 4, n))
    nz = np.empty((runs, 4, n, n), dtype=np.int64)
    count = np.zeros((runs, 4, n), dtype=np.int64)
    slot = np.empty((runs, 4, n), dtype=np.int64)
    reps = np.empty((runs, 4, n), dtype=np.int64)
    nrep = np.zeros((runs, 4), dtype=np.int64)
    key = np.empty(n)  # a distinct row's checksum, compared before its elements
    for r in range(runs):
        for k in range(n):
            for j in range(n):
                add_kj = max(0.0, commitment[r, k, j] - base[k, j])
                add_jk = max(0.0, commitment[r, j, k] - base[j, k])
                wd_kj = max(0.0, base[k, j] - commitment[r, k, j])
                wd_jk = max(0.0, base[j, k] - commitment[r, j, k])
                xs[r, 0, k, j] = tie_visibility[r, k, j]
                xs[r, 1, k, j] = tie_capability[r, k, j]
                xs[r, 2, k, j] = max(add_kj, add_jk)
                xs[r, 3, k, j] = max(wd_kj, wd_jk)
            for m in range(4):
                best = xs[r, m, k, 0]
                c = 0
                for j in range(n):
                    best = max(best, xs[r, m, k, j])
                    if xs[r, m, k, j] != 0.0:
                        nz[r, m, k, c] = j
                        c += 1
                xmax[r, m, k] = best
                count[r, m, k] = c
        for m in range(4):
            u = 0
            for k in range(n):
                h = 0.0
                for e in range(count[r, m, k]):
                    j = nz[r, m, k, e]
                    h += (j + 1) * xs[r, m, k, j]
                found = -1
                for v in range(u):  # the same bits: equal, zeros of the same sign
                    q = reps[r, m, v]
                    if key[v] != h or count[r, m, q] != count[r, m, k]:
                        continue  # (a NaN checksum matches nothing: the row stays its own)
                    same = True
                    for j in range(n):
                        a = xs[r, m, k, j]
                        b = xs[r, m, q, j]
                        if not (a == b and (a != 0.0 or math.copysign(1.0, a)
                                            == math.copysign(1.0, b))):
                            same = False
                            break
                    if same:
                        found = v
                        break
                if found < 0:
                    reps[r, m, u] = k
                    key[u] = h
                    found = u
                    u += 1
                slot[r, m, k] = found
            nrep[r, m] = u
    return xs, xmax, nz, count, slot, reps, nrep


def _makes_moves(ctx: Context, base: FloatArray) -> bool:
    """Whether the scenario inputs make any move, memoised while the engine passes the
    very same input arrays (it reuses them from step to step while no lever switches)."""
    return bool(ctx.cached_for(
        "signal_reading.makes_moves",
        (ctx.commitment, ctx.tie_visibility, ctx.tie_capability, ctx.presence, ctx.signal,
         ctx.world.defense),
        lambda: bool(_any_move(ctx.commitment, base, ctx.tie_visibility, ctx.tie_capability,
                               ctx.presence, ctx.signal))))


@kernels.jit
def _any_move(commitment, base, tie_visibility, tie_capability, presence,  # type: ignore[no-untyped-def]
              signal):
    """Whether any run makes a move (the reference's ``np.any`` tests, in one pass)."""
    runs, n, _ = commitment.shape
    for r in range(runs):
        moved = False
        for i in range(n):
            for j in range(n):  # no short circuit within a row, so the loop vectorises
                moved |= ((commitment[r, i, j] != base[i, j]) | (tie_visibility[r, i, j] != 0)
                          | (tie_capability[r, i, j] != 0) | (signal[r, i, j] != 0))
            for t in range(presence.shape[2]):
                moved |= presence[r, i, t] != 0
        if moved:
            return True
    return False


@kernels.jit
def _step_kernel(intent, tension, alignment, rivalry, allies, xs_all,  # type: ignore[no-untyped-def]
                 xmax_all, nz_all, count_all, slot_all, reps_all, nrep_all, presence, signal,
                 provocation,
                 challenger, theatre, presence_scale, spiral_rate, deterrence_rate,
                 cost_weight, tension_weight, spiral, deterrence, signalling, dt, floor,
                 ea, ip):
    """:func:`moves` and :func:`step` fused: ``(d_intent, d_tension)`` in the state's dtypes.

    Runs r outer, then observers o and movers k; ``max_j`` reductions are
    order-free, and each element's arithmetic is the reference's, in its order.
    A reduction ``max_j rho_oj x_kj`` visits only the partners j with ``x_kj != 0``
    (the rest give ``rho * 0 = 0``), each in one pass over the observers: O(N^2 +
    N nnz) a run, not O(N^3); and movers whose rows of partners have the same bits
    share one such pass (``_partners_kernel``'s ``slot``), which gives them the same
    numbers.
    """
    runs, n, _ = intent.shape
    d_intent = np.empty_like(intent)
    d_tension = np.empty_like(tension)
    rho = np.empty((n, n))
    rho_t = np.empty((n, n))  # rho[o, j] as [j, o]: the loops over observers read rows
    via = np.empty((4, n, n))  # max_j rho[o, j] x[k, j] as [m, slot of k's row, o]
    seen = np.empty(n)
    fwd_by = np.empty((3, n))
    nf = challenger.shape[0]
    for r in range(runs):
        finite = True
        for o in range(n):
            for j in range(n):
                v = (1.0 - allies[o, j]) * min(max(max(rivalry[o, j], -alignment[r, o, j]),
                                                   0.0), 1.0)
                rho[o, j] = v
                rho_t[j, o] = v
                if v != v:
                    finite = False
        # the moves of each kind and their partners (_partners_kernel, memoised)
        xs, xmax, nz, count = xs_all[r], xmax_all[r], nz_all[r], count_all[r]
        slot, reps = slot_all[r], reps_all[r]
        # via[m, slot[m, k], o] = max_j rho[o, j] x_m[k, j], once per distinct row: a
        # non-partner j (x = 0) gives rho * 0 = 0 (rho finite, in [0, 1]), so only k's
        # partners are visited, each as one pass over the observers o
        for m in range(4):
            for u in range(nrep_all[r, m]):
                k = reps[m, u]
                c = count[m, k]
                row = via[m, u]
                if not finite:
                    for o in range(n):
                        best = rho[o, 0] * xs[m, k, 0]
                        for j in range(1, n):
                            best = max(best, rho[o, j] * xs[m, k, j])
                        row[o] = best
                    continue
                start = 0.0 if c < n else -np.inf
                for o in range(n):
                    row[o] = start
                for e in range(c):
                    j = nz[m, k, e]
                    x = xs[m, k, j]
                    col = rho_t[j]
                    for o in range(n):
                        row[o] = max(row[o], col[o] * x)
        for o in range(n):
            best = 0.0
            for f in range(nf):
                if challenger[f] == o:
                    best = max(best, provocation[r, f])
            seen[o] = best
        ps = presence_scale[r]
        gs = dt * spiral_rate[r]
        gd = dt * deterrence_rate[r]
        gk = dt * cost_weight[r]
        sp = spiral[r]
        de = deterrence[r]
        sg = signalling[r]
        for k in range(n):  # fwd_ok by o's theatre: Euro-Atlantic, Indo-Pacific, neither
            fwd_by[0, k] = min(1.0, presence[r, k, ea] / ps)
            fwd_by[1, k] = min(1.0, presence[r, k, ip] / ps)
            fwd_by[2, k] = min(1.0, 0.0 / ps)
        v0, v1, v2, v3 = via[0], via[1], via[2], via[3]
        s0, s1, s2, s3 = slot[0], slot[1], slot[2], slot[3]
        m0, m1, m2, m3 = xmax[0], xmax[1], xmax[2], xmax[3]
        for o in range(n):
            th = theatre[o]
            fo = fwd_by[0] if th == ea else (fwd_by[1] if th == ip else fwd_by[2])
            so = seen[o]
            ro, io, do_ = rho[o], intent[r, o], d_intent[r, o]
            # one loop per reading, each forming only the moves it reads (vis, cap, obl,
            # con: _through(rho, x)[o, k]), each element's arithmetic the reference's
            if sp:
                for k in range(n):
                    rok = ro[k]
                    vis = max(v0[s0[k], o], rok * m0[k])
                    cap = max(v1[s1[k], o], rok * m1[k])
                    obl = max(v2[s2[k], o], rok * m2[k])
                    iok = io[k]
                    u = rok * (0.0 if o == k else 1.0)
                    pv = fo[k] * so
                    hostile = 1.0 - (1.0 - vis) * (1.0 - obl) * (1.0 - pv)
                    d = gs * u * (1.0 + cap) * hostile * (1.0 - iok)
                    d = d * (0.0 if o == k else 1.0)
                    do_[k] = min(max(d, -iok), 1.0 - iok)
            elif de:
                for k in range(n):
                    rok = ro[k]
                    obl = max(v2[s2[k], o], rok * m2[k])
                    con = max(max(v3[s3[k], o], rok * m3[k]), signal[r, k, o])
                    iok = io[k]
                    u = rok * (0.0 if o == k else 1.0)
                    d = gd * u * (con * (1.0 - iok) - obl * iok)
                    d = d * (0.0 if o == k else 1.0)
                    do_[k] = min(max(d, -iok), 1.0 - iok)
            elif sg:
                for k in range(n):
                    rok = ro[k]
                    cap = max(v1[s1[k], o], rok * m1[k])
                    iok = io[k]
                    u = rok * (0.0 if o == k else 1.0)
                    q = min(max(iok, floor), 1.0 - floor)
                    log_lr = gk * u * (cap + fo[k])
                    if log_lr > 0:
                        odds = q / (1.0 - q) * np.exp(min(max(log_lr, 0.0), 30.0))
                        d = odds / (1.0 + odds) - q
                    else:
                        d = 0.0
                    d = d * (0.0 if o == k else 1.0)
                    do_[k] = min(max(d, -iok), 1.0 - iok)
            else:
                for k in range(n):
                    iok = io[k]
                    do_[k] = min(max(0.0 * (0.0 if o == k else 1.0), -iok), 1.0 - iok)
        w = tension_weight[r] * 0.5
        for o in range(n):
            for k in range(n):
                tau = tension[r, o, k]
                d = w * (d_intent[r, o, k] + d_intent[r, k, o])
                d_tension[r, o, k] = min(max(d, -tau), 1.0 - tau) * (0.0 if o == k else 1.0)
    return d_intent, d_tension


MECHANISM = Mechanism(
    name="signal_reading",
    title="Signal reading: spiral, deterrence or Bayesian reading of commitments, ties and "
          "deployments (Jervis; Glaser; Kydd; Schelling)",
    references=(
        "Jervis 1976, Perception and Misperception in International Politics, ch. 3, "
        "Princeton University Press",
        "Jervis 1978, World Politics 30(2):167-214, doi:10.2307/2009958",
        "Glaser 1997, World Politics 50(1):171-201, doi:10.1017/S0043887100014763",
        "Kydd 2005, Trust and Mistrust in International Relations, Princeton University Press",
        "Fearon 1997, J. Conflict Resolut. 41(1):68-90, doi:10.1177/0022002797041001004",
        "Schelling 1966, Arms and Influence, Yale University Press",
        "Huth 1988, Extended Deterrence and the Prevention of War, Yale University Press",
    ),
    parameters=PARAMETERS,
    writes=("intent", "tension"),
    provides=(),
    reads=(),
    step=step,
    variants=VARIANTS,
    equations=(
        "rho'_okj = max(rho_oj, rho_ok); vis_ok = max_j rho'_okj V_kj; "
        "obl_ok = max_j rho'_okj max(dC_kj, dC_jk); cap_ok = max_j rho'_okj K_kj",
        "fwd_ok = min(1, P_k,theatre(o)/p_s); pv_ok = fwd_ok v_o; "
        "con_ok = max(max_j rho'_okj max(wC_kj, wC_jk), S_ko)",
        "spiral: dI_ok = dt g_s u_ok (1 + cap_ok) [1 - (1-vis)(1-obl)(1-pv)]_ok (1 - I_ok)",
        "deterrence: dI_ok = dt g_d u_ok (con_ok (1 - I_ok) - obl_ok I_ok)",
        "signalling: logit I'_ok = logit I_ok + dt g_k u_ok (cap_ok + fwd_ok)",
        "dtau_ok = omega (dI_ok + dI_ko) / 2",
    ),
)
