r"""Alignment: balancing or bandwagoning, structural balance and trade-weighted hedging.

Theory
------
Walt (1987) finds that states mostly *balance*: they align with others who
face the same threat (what draws China, Russia and North Korea together),
and move away from those who threaten them; weak states sometimes
*bandwagon* with a threatening stronger power instead. Heider (1946) and
Cartwright & Harary (1956) describe how signed relations drift towards
*structural balance* ("the enemy of my enemy is my friend"); Marvel,
Kleinberg, Kleinberg & Strogatz (2011) give the continuous dynamics
``dA/dt = A^2``, and Axelrod & Bennett (1993) the landscape-theory energy
whose minima are the predicted alignments (see
:mod:`flashpoint.classic.landscape`). *Hedging* (Kuik 2008) keeps states
that trade heavily with both camps from siding with either: the more a
state trades with j's adversaries, the more it resists aligning with j.

Equations
---------
For each run and pair i != j (alignment ``a`` in [-1, 1], symmetric)::

    d a_ij / dt = beta * (S_ij - S_ij(0)) - beta * (R_ij - R_ij(0))
                + sigma * (Q_ij - Q_ij(0)) * (1 - A_ij)
                - h * (H_ij max(a_ij, 0) - H_ij(0) max(a_ij(0), 0))
                - phi * F_ij                             (bloc aversion)
                - rho * (a_ij - a_ij(0))

    Q_ij = sum_{k != i, j} a_ik a_kj / N                 (structural balance)
    H_ij = sym( sum_k w_ik max(0, -a_jk) )               (hedging exposure)

Balancing (default ``balancing``)::

    S_ij = sum_k T_ik T_jk / N     (shared threat)
    R_ij = (T_ij + T_ji) / 2       (mutual threat)

Bandwagoning (``bandwagoning``): threat from a stronger power attracts,
threat from a weaker one repels::

    S_ij = sym( T_ij P_j / (P_i + P_j) ),   R_ij = sym( T_ij P_i / (P_i + P_j) )

``T`` is threat and ``P`` power share (from :mod:`~flashpoint.mechanisms.threat`),
``w_ik`` the share of i's trade that is with k (scenario ``trade_share``),
``F_ij`` the bloc formation by j that hedger i perceives (:func:`bloc_formation`:
commitments added beyond the world's that touch i's theatre, each actor
implicated by its positive alignment with the parties, 0 for non-hedgers and
in the status quo), ``phi`` the bloc-aversion rate (1/yr): hedgers and ASEAN
states read a bloc forming in their region as a threat, like the mutual-threat
term, and distance themselves from it rather than join it (seeds 001 and 004;
Kuik 2008); against the relaxation the steady shift is ``-phi F / rho``,
``A_ij`` 1 for treaty allies (a defence obligation in either direction in
the world data; ``security_dilemma.treaty_allies``), whose formal tie anchors
their alignment against the enemy-of-my-enemy drift, as it anchors intent
against the spiral (issue 11: allies very rarely turn into rivals within a
decade), ``sym(X) = (X + X^T)/2``, ``beta`` the balancing rate (1/yr), ``sigma`` the
structural-balance rate (1/yr), ``h`` the hedging rate (1/yr) and ``rho``
the relaxation rate to the initial alignment (1/yr). The ``(0)`` terms are
evaluated in the initial state with the world's own trade and no scenario
deployments.

:func:`frustration` gives the structural-balance frustration of the signed,
weighted alignment network (R,), reported by the engine as a metric: the
weighted share of unbalanced triads, ``(tr|A|^3 - tr A^3) / (2 tr|A|^3)`` on the off-diagonal matrix, 0
for a perfectly balanced network and 1/2 for a random one.

Kernels
-------
:func:`step` was about a fifth of the engine's time (issue 17). With kernels
on it runs :func:`_factors_kernel` (``ao``, ``adv``; ``|ao|`` for frustration), the three batched
products ``T T^T``, ``ao ao`` and ``w adv^T`` with BLAS (faster than compiled
loops here, by measurement, and computed matrix by matrix), and
:func:`_rate_kernel`, which fuses the rest of the per-dyad arithmetic run by
run; new bloc ties are summed once per commitment array
(:func:`_bloc_ends_kernel`). :func:`frustration` uses
``tr A^3 = sum_ij (A^2)_ij A_ji`` (one product fewer) and, with kernels on,
BLAS's symmetric product and :func:`_triads_kernel`. At 195 actors (issue 17)
the three ``N^3`` products are about 85 % of the step, so the rest is trimmed:
the status-quo ``Q0``, ``H0`` and ``a0``, the same in every run, are one
``(1, N, N)`` matrix (:func:`_quiet_network`), and :func:`frustration` reuses
the ``A`` and ``A^2`` of the step that last squared the very same alignment
array in the thread (a recorded state's metrics follow the step from it),
the same bits with one product fewer (frustration 9 % -> 4 % of the run).

Assumptions
-----------
* Anomaly form: the observed initial alignment (UN General Assembly ideal
  points, alliances, rivalries; :mod:`flashpoint.engine.initial`) is taken
  as the steady state of these forces under the status quo; the mechanism
  moves alignment only as threat, trade and the network depart from it.
* Hedging only resists *positive* alignment with j: a hedger is not pushed
  into hostility.

References
----------
Walt, S. M. (1987). *The Origins of Alliances*. Cornell University Press.
Heider, F. (1946). Attitudes and cognitive organization. *Journal of
    Psychology* 21(1), 107-112. doi:10.1080/00223980.1946.9917275
Cartwright, D. & Harary, F. (1956). Structural balance: a generalization of
    Heider's theory. *Psychological Review* 63(5), 277-293. doi:10.1037/h0046049
Marvel, S. A., Kleinberg, J., Kleinberg, R. D. & Strogatz, S. H. (2011).
    Continuous-time model of structural balance. *PNAS* 108(5), 1771-1776.
    doi:10.1073/pnas.1013213108
Axelrod, R. & Bennett, D. S. (1993). A landscape theory of aggregation.
    *British Journal of Political Science* 23(2), 211-233.
    doi:10.1017/S000712340000973X
Kuik, C.-C. (2008). The essence of hedging: Malaysia and Singapore's
    response to a rising China. *Contemporary Southeast Asia* 30(2), 159-185.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Mapping

import numpy as np

from flashpoint import kernels
from flashpoint._types import BoolArray, FloatArray
from flashpoint.contract import State
from flashpoint.mechanisms._protocol import Context, Draws, Effect, Mechanism, symmetric
from flashpoint.mechanisms.threat import baseline_threat, current_threat, power_share
from flashpoint.params import Parameter
from flashpoint.world.arrays import EURO_ATLANTIC, INDO_PACIFIC, WorldArrays
from flashpoint.world.groups import HEDGERS

__all__ = [
    "MECHANISM", "PARAMETERS", "bloc_formation", "frustration", "hedger_mask", "hedging_exposure",
    "step",
]

PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        name="alignment.balancing",
        meaning="rate beta at which shared (mutual) threat raises (lowers) alignment",
        unit="1/year",
        default=1.0,
        low=0.2,
        high=3.0,
        source=(
            "rationale: Walt (1987) establishes the direction (balancing "
            "dominates); threat values are O(0.1-1), so beta ~ 1/yr moves "
            "alignment by a few hundredths a year for typical threat changes; "
            "the range spans a factor of 15."
        ),
        log=True,
    ),
    Parameter(
        name="alignment.structural",
        meaning="rate sigma of the structural-balance drift (Marvel et al. 2011)",
        unit="1/year",
        default=0.3,
        low=0.0,
        high=1.0,
        source=(
            "rationale: Marvel et al. (2011) give the form dA/dt = A^2 with unit "
            "rate in scaled time; 0 switches structural balance off, 1 lets a "
            "network of N actors rebalance within a few years."
        ),
    ),
    Parameter(
        name="alignment.hedging",
        meaning="rate h at which trade with j's adversaries resists alignment with j",
        unit="1/year",
        default=0.5,
        low=0.0,
        high=2.0,
        source=(
            "rationale: Kuik (2008) documents hedging driven by economic "
            "pragmatism without quantifying it; 0 switches it off."
        ),
    ),
    Parameter(
        name="alignment.bloc_aversion",
        meaning="rate phi at which bloc formation in a hedger's region lowers its alignment with the bloc",
        unit="1/year",
        default=0.05,
        low=0.0,
        high=0.2,
        source=(
            "seed 001: regional leaders fear NATO's involvement would 'force them to pick sides' "
            "and 'divide Asia into rival blocs'; seed 004: Southeast Asian states 'largely oppose "
            "an expanded NATO presence in Asia'; Kuik (2008) on hedgers' aversion to "
            "entrapment. Rationale: 0 switches it off; with bloc formation F of order 0.1-1 "
            "(a NATO+IP4 partnership) and a relaxation of 0.2/yr the steady shift -phi F / rho "
            "is at most about -0.1 to -1 in alignment."
        ),
    ),
    Parameter(
        name="alignment.relaxation",
        meaning="rate rho at which alignment relaxes to its initial value",
        unit="1/year",
        default=0.2,
        low=0.05,
        high=1.0,
        source=(
            "rationale: UN voting alignments change slowly (Bailey, Strezhnev & "
            "Voeten 2017 ideal points move over years); a half-life of about "
            "0.7-14 years."
        ),
        log=True,
    ),
)

VARIANTS: tuple[str, ...] = ("balancing", "bandwagoning")


def _offdiag(a: FloatArray) -> FloatArray:
    n = a.shape[-1]
    return np.asarray(a * (1.0 - np.eye(n, dtype=a.dtype)))


def frustration(alignment: FloatArray) -> FloatArray:
    """Weighted share of unbalanced triads of a signed network, ``(..., N, N)`` -> ``(...)``.

    ``(tr|A|^3 - tr A^3) / (2 tr|A|^3)`` with the diagonal set to 0; 0 when
    there are no triads. ``tr A^3 = sum_ij (A^2)_ij A_ji`` saves one product.
    """
    x = np.asarray(alignment)
    if kernels.enabled() and x.dtype.kind == "f" and x.ndim >= 2 and x.shape[-1] == x.shape[-2]:
        return _frustration_compiled(x)
    a = _offdiag(x)
    signed = np.sum((a @ a) * np.swapaxes(a, -1, -2), axis=(-2, -1))
    b = np.abs(a)
    total = np.sum((b @ b) * np.swapaxes(b, -1, -2), axis=(-2, -1))
    out = np.where(total > 1e-15, (total - signed) / (2.0 * np.maximum(total, 1e-15)), 0.0)
    return np.asarray(out)


@kernels.jit
def _triads_kernel(ao: FloatArray, aa: FloatArray, b: FloatArray, bb: FloatArray,
                   sym: BoolArray) -> FloatArray:
    """:func:`frustration` (R,) from ``A``, ``A^2``, ``|A|`` and ``|A|^2``, run by run.

    A run whose ``A`` is exactly symmetric reads ``A_ij`` for ``A_ji`` (the same
    numbers, so the same bits), along rows rather than down columns."""
    runs, n = ao.shape[0], ao.shape[1]
    out = np.empty(runs, dtype=ao.dtype)
    for r in range(runs):
        signed = 0.0
        total = 0.0
        for i in range(n):  # row sums first: less rounding than one running sum
            signed_i = 0.0
            total_i = 0.0
            if sym[r]:
                for j in range(n):
                    signed_i += aa[r, i, j] * ao[r, i, j]
                    total_i += bb[r, i, j] * b[r, i, j]
            else:
                for j in range(n):
                    signed_i += aa[r, i, j] * ao[r, j, i]
                    total_i += bb[r, i, j] * b[r, j, i]
            signed += signed_i
            total += total_i
        out[r] = (total - signed) / (2.0 * max(total, 1e-15)) if total > 1e-15 else 0.0
    return out


def _square(x: FloatArray, sym: BoolArray) -> FloatArray:
    """``x x`` (R, N, N) by BLAS: the symmetric product ``x x^T`` where ``x`` is exactly
    symmetric (the same thing, half the work), the general one elsewhere; each run's
    matrix is computed alone, so the result does not depend on the chunk."""
    out = np.asarray(x @ np.swapaxes(x, -1, -2))
    if not np.all(sym):
        odd = np.flatnonzero(~sym)
        out[odd] = x[odd] @ x[odd]
    return out


#: Per thread (a chunk runs in one thread), the last alignment the compiled step
#: squared: ``(a, ao, ao ao, symmetric)``. A recorded state's metrics are computed
#: after the next step, which steps from that very array, so :func:`frustration`
#: reuses its ``A`` and ``A^2`` (the same kernel arithmetic, hence the same bits).
_RECENT = threading.local()


def _frustration_compiled(x: FloatArray) -> FloatArray:
    """:func:`frustration` through :func:`_factors_kernel`, BLAS and :func:`_triads_kernel`."""
    recent = getattr(_RECENT, "square", None)
    if recent is not None and recent[0] is x:
        _, ao, aa, sym = recent
        b = np.abs(ao)
    else:
        flat = np.ascontiguousarray(x.reshape((-1, *x.shape[-2:])))
        ao, b, sym = _factors_kernel(flat, True)
        aa = _square(ao, sym)
    out = _triads_kernel(ao, aa, b, _square(b, sym), sym)
    return np.asarray(out.reshape(x.shape[:-2]))


def hedging_exposure(trade_share: FloatArray, alignment: FloatArray) -> FloatArray:
    """``H_ij = sym(sum_k w_ik max(0, -a_jk))`` (R, N, N): i's trade with j's adversaries."""
    adversary = np.maximum(0.0, -_offdiag(alignment))
    return symmetric(trade_share @ np.swapaxes(adversary, -1, -2))


def _attraction(
    variant: str, t: FloatArray, p: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """``(S, R)``: the attracting and repelling threat terms of a variant."""
    n = t.shape[-1]
    if variant == "balancing":
        return (t @ np.swapaxes(t, -1, -2)) / n, symmetric(t)
    share_j = p[:, None, :] / np.maximum(p[:, :, None] + p[:, None, :], 1e-12)
    return symmetric(t * share_j), symmetric(t * (1.0 - share_j))


def _baseline(variant: str, ctx: Context) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """``(S0, R0, Q0, H0)`` of the status quo: the initial state, no deployments, world trade."""
    s0, r0 = _attraction(variant, baseline_threat(ctx), power_share(ctx.initial.milex))
    q0, h0 = _network_baseline(ctx.initial.alignment, ctx.world.trade_share)
    return s0, r0, q0, h0


def _network_baseline(a0: FloatArray, trade: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``(Q0, H0)`` of initial alignment ``a0`` (R, N, N) and the world's trade (N, N)."""
    a0o = _offdiag(a0)
    q0 = (a0o @ a0o) / a0.shape[-1]
    world_trade = np.broadcast_to(trade, a0.shape)
    h0 = hedging_exposure(world_trade, a0) * np.maximum(a0, 0.0)
    return q0, h0


def _quiet_network(ctx: Context) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``(a0, Q0, H0)`` for the kernel: of one run only, (1, N, N), when every run
    starts from the same alignment (the engine's initial state), else (R, N, N).
    Each run's matrix product is computed alone, so the numbers are each run's own."""
    a0 = ctx.initial.alignment
    if a0.shape[0] > 1 and np.array_equal(a0, np.broadcast_to(a0[:1], a0.shape)):
        a0 = a0[:1]
    q0, h0 = _network_baseline(a0, ctx.world.trade_share)
    return np.ascontiguousarray(a0), np.ascontiguousarray(q0), np.ascontiguousarray(h0)


def hedger_mask(world: WorldArrays) -> BoolArray:
    """``(N,)`` hedging states: the analysts' hedger group and ASEAN members."""
    asean = world.membership.get("ASEAN", np.zeros(world.n, dtype=bool))
    return np.asarray(world.mask(list(HEDGERS)) | asean)


def bloc_formation(ctx: Context, alignment: FloatArray) -> FloatArray:
    """``F_ij`` (R, N, N): bloc formation by j as hedger i perceives it (0 for non-hedgers).

    New commitments beyond the world's (``D = max(0, C - C_world)``) that
    touch hedger i's theatre (either party in it) implicate each actor j by
    its positive alignment with the parties:
    ``I_j = sum_kl D_kl (a+_jk + a+_jl) / (2 N)``, so the parties count fully
    (``a_jj = 1``) and their close aligners partly.
    """
    world = ctx.world
    n = world.n
    extra = np.maximum(0.0, ctx.commitment - world.defense[None])  # (R, N, N)
    hedgers = hedger_mask(world)
    out = np.zeros_like(alignment)
    if not np.any(extra) or not np.any(hedgers):
        return out
    pos = np.maximum(alignment, 0.0)
    for theatre in (EURO_ATLANTIC, INDO_PACIFIC):  # two theatres, not actors or runs
        rows = hedgers & (world.theatre == theatre)
        if not np.any(rows):
            continue
        local = world.theatre == theatre
        touch = (local[:, None] | local[None, :]).astype(alignment.dtype)
        d = extra * touch[None]
        ends = d.sum(axis=2) + d.sum(axis=1)  # (R, N): ties made + ties received
        involved = np.einsum("rjk,rk->rj", pos, ends) / (2.0 * n)  # (R, N)
        out = np.where(rows[None, :, None], involved[:, None, :], out)
    return np.asarray(out)


def _blend(t: FloatArray, p: FloatArray,
           ctx: Context) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """``(S, R, S0, R0)`` with each run's own variant (``ctx.variant_mask``)."""
    out = None
    for variant in VARIANTS:
        mask = ctx.variant_mask("alignment", variant)
        if not np.any(mask):
            continue
        s, r = _attraction(variant, t, p)
        s0, r0, _, _ = ctx.cached("alignment.baseline." + variant,
                                  functools.partial(_baseline, variant, ctx))
        if out is None:
            out = (s, r, s0, r0)
        else:
            m = mask[:, None, None]
            out = tuple(np.where(m, new, old) for new, old in zip((s, r, s0, r0), out, strict=True))
    if out is None:  # the masks of the variants partition the runs
        from flashpoint.errors import ParameterError

        raise ParameterError(f"alignment: no run follows any of the variants {VARIANTS}.")
    return out


def _allies(ctx: Context) -> FloatArray:
    """``(1, N, N)`` treaty allies ``A`` (1 where a defence obligation runs either way)."""
    from flashpoint.mechanisms.security_dilemma import treaty_allies

    return treaty_allies(ctx)[None]


@kernels.jit
def _factors_kernel(a: FloatArray, absolute: bool) -> tuple[FloatArray, FloatArray, BoolArray]:
    """``(ao, second, symmetric)``: the off-diagonal alignment ``ao`` (R, N, N), a
    second factor, and whether each run's alignment is exactly symmetric (R,). The
    second factor is the adversity ``adv = max(0, -ao)`` (of ``Q`` and ``G`` in
    :func:`step`), or ``|ao|`` when ``absolute`` (of :func:`frustration`)."""
    runs, n = a.shape[0], a.shape[1]
    ao = np.empty_like(a)
    second = np.empty_like(a)
    sym = np.ones(runs, dtype=np.bool_)
    for r in range(runs):
        for i in range(n):
            for j in range(n):
                v = a[r, i, j] * 0.0 if i == j else a[r, i, j]
                ao[r, i, j] = v
                if absolute:
                    second[r, i, j] = abs(v)
                else:
                    second[r, i, j] = 0.0 if -v <= 0.0 else -v
                if a[r, i, j] != a[r, j, i]:
                    sym[r] = False
    return ao, second, sym


@kernels.jit
def _bloc_ends_kernel(commitment: FloatArray, defense: FloatArray,
                      theatre: np.ndarray) -> tuple[FloatArray, BoolArray]:
    """``(ends, fresh)``: for each run and theatre, each actor's new ties made plus
    received that touch the theatre (R, 2, N), and whether the run has new ties (R,)."""
    runs, n = commitment.shape[0], commitment.shape[1]
    ends = np.zeros((runs, 2, n), dtype=commitment.dtype)
    fresh = np.zeros(runs, dtype=np.bool_)
    ex = np.empty((n, n))
    for r in range(runs):
        for k in range(n):
            for j in range(n):
                v = commitment[r, k, j] - defense[k, j]
                ex[k, j] = 0.0 if v <= 0.0 else v
                if v > 0.0:
                    fresh[r] = True
        if fresh[r]:
            for th in range(2):
                for j in range(n):
                    made = 0.0
                    received = 0.0
                    for k in range(n):
                        if theatre[j] == th or theatre[k] == th:
                            made += ex[j, k]
                            received += ex[k, j]
                    ends[r, th, j] = made + received
    return ends, fresh


@kernels.jit
def _rate_kernel(a: FloatArray, t: FloatArray, p: FloatArray,
                 bandwagon: BoolArray, tt: FloatArray, aa: FloatArray, g: FloatArray,
                 fixed: FloatArray, allies: FloatArray, ends: FloatArray, fresh: BoolArray,
                 hedger_theatre: np.ndarray, beta: FloatArray,
                 sigma: FloatArray, hedging: FloatArray, phi: FloatArray, rho: FloatArray,
                 dt: float) -> FloatArray:
    """The per-dyad arithmetic of :func:`step`, run by run: ``delta`` (R, N, N).

    Takes the batched products ``tt = T T^T`` (balancing), ``aa = ao ao`` and
    ``g = w adv^T`` (hedging) from NumPy and forms ``S, R, Q, H``, the bloc
    formation ``F`` of the two theatres and the rate, symmetrised with the
    diagonal set to 0. The rate's terms of the quiet world, constant in time,
    come summed in ``fixed`` (:func:`_fixed_terms`); the rest is the reference's
    order of operations. The transposes of the run's ``T`` and ``g`` are copied
    first, so that the dyad loop reads rows only.
    """
    runs, n = a.shape[0], a.shape[1]
    out = np.empty_like(a)
    x = np.empty((n, n))
    t_t = np.empty((n, n))
    g_t = np.empty((n, n))
    share = np.empty((n, n))
    involved = np.zeros((3, n))  # row 2 stays 0: actors who perceive no bloc
    for r in range(runs):
        # Bloc formation: each actor's involvement in the new ties touching each theatre
        if fresh[r]:
            for th in range(2):
                for j in range(n):
                    acc = 0.0
                    for k in range(n):
                        v = a[r, j, k]
                        acc += (0.0 if v <= 0.0 else v) * ends[r, th, k]
                    involved[th, j] = acc / (2.0 * n)
        for i in range(n):
            for j in range(n):
                t_t[j, i] = t[r, i, j]
                g_t[j, i] = g[r, i, j]
        balancing = not bandwagon[r]
        if not balancing:
            for i in range(n):
                for j in range(n):
                    share[i, j] = p[r, j] / max(p[r, i] + p[r, j], 1e-12)
        br, sr, hr, pr, rr = beta[r], sigma[r], hedging[r], phi[r], rho[r]
        for i in range(n):
            ht = hedger_theatre[i]
            row = ht if fresh[r] and ht >= 0 else 2
            if balancing:
                for j in range(n):
                    v = a[r, i, j]
                    hij = 0.5 * (g[r, i, j] + g_t[i, j]) * (0.0 if v <= 0.0 else v)
                    x[i, j] = dt * (
                        br * (tt[r, i, j] / n) - br * (0.5 * (t[r, i, j] + t_t[i, j]))
                        + sr * (aa[r, i, j] / n) * (1.0 - allies[i, j])
                        - hr * hij - pr * involved[row, j] - rr * v + fixed[r, i, j])
            else:
                for j in range(n):
                    v = a[r, i, j]
                    tij, tji, sij, sji = t[r, i, j], t_t[i, j], share[i, j], share[j, i]
                    hij = 0.5 * (g[r, i, j] + g_t[i, j]) * (0.0 if v <= 0.0 else v)
                    x[i, j] = dt * (
                        br * (0.5 * (tij * sij + tji * sji))
                        - br * (0.5 * (tij * (1.0 - sij) + tji * (1.0 - sji)))
                        + sr * (aa[r, i, j] / n) * (1.0 - allies[i, j])
                        - hr * hij - pr * involved[row, j] - rr * v + fixed[r, i, j])
        for i in range(n):
            for j in range(n):
                out[r, i, j] = 0.5 * (x[i, j] + x[j, i])
        for i in range(n):
            out[r, i, i] = out[r, i, i] * 0.0
    return out


def _kernel_baseline(ctx: Context) -> tuple[FloatArray, FloatArray]:
    """``(S0, R0)`` with each run's own variant, for the kernel (memoised per chunk)."""
    s0 = r0 = None
    for variant in VARIANTS:
        mask = ctx.variant_mask("alignment", variant)
        if not np.any(mask):
            continue
        vs0, vr0 = ctx.cached("alignment.kernel.attraction." + variant, functools.partial(
            _attraction, variant, baseline_threat(ctx), power_share(ctx.initial.milex)))
        if s0 is None or r0 is None:
            s0, r0 = vs0, vr0
        else:
            m = mask[:, None, None]
            s0, r0 = np.where(m, vs0, s0), np.where(m, vr0, r0)
    if s0 is None or r0 is None:
        from flashpoint.errors import ParameterError

        raise ParameterError(f"alignment: no run follows any of the variants {VARIANTS}.")
    return np.ascontiguousarray(s0), np.ascontiguousarray(r0)


def _fixed_terms(ctx: Context, s0: FloatArray, r0: FloatArray, a0: FloatArray, q0: FloatArray,
                 h0: FloatArray, allies: FloatArray) -> FloatArray:
    """The rate's terms of the quiet world, constant in time (R, N, N), per run:
    ``-beta S0 + beta R0 - sigma Q0 (1 - A) + h H0 + rho a0``; the kernel adds the
    moving terms to them (the same sum as the reference's, grouped otherwise:
    equal to within rounding, as the parity tests check)."""
    prm = ctx.params

    def col(name: str) -> FloatArray:
        return np.asarray(prm[name])[:, None, None]

    beta = col("alignment.balancing")
    out = (-beta * s0 + beta * r0 - col("alignment.structural") * q0 * (1.0 - allies)
           + col("alignment.hedging") * h0 + col("alignment.relaxation") * a0)
    return np.ascontiguousarray(out, dtype=s0.dtype)


def _hedger_theatre(world: WorldArrays) -> np.ndarray:
    """``(N,)`` int: a hedger's theatre (Euro-Atlantic or Indo-Pacific), -1 otherwise."""
    th = np.asarray(world.theatre, dtype=np.int64)
    inside = hedger_mask(world) & ((th == EURO_ATLANTIC) | (th == INDO_PACIFIC))
    return np.where(inside, th, -1).astype(np.int64)


def _step_compiled(state: State, derived: Mapping[str, FloatArray], ctx: Context) -> Effect:
    """:func:`step` through :func:`_factors_kernel`, NumPy's batched products and
    :func:`_rate_kernel`."""
    p, t = current_threat(state, derived, ctx)
    a = state.alignment
    world = ctx.world
    s0, r0 = ctx.cached("alignment.kernel.baseline", lambda: _kernel_baseline(ctx))
    a0, q0, h0 = ctx.cached("alignment.kernel.network", lambda: _quiet_network(ctx))
    hedger_theatre = ctx.cached("alignment.kernel.hedgers", lambda: _hedger_theatre(world))
    theatre = ctx.cached("alignment.kernel.theatre",
                         lambda: np.asarray(world.theatre, dtype=np.int64))
    allies = ctx.cached("alignment.kernel.allies", lambda: _allies(ctx)[0])
    trade = ctx.cached_for("alignment.kernel.trade", ctx.trade_share,
                           lambda: np.ascontiguousarray(ctx.trade_share))
    bandwagon = ctx.variant_mask("alignment", "bandwagoning")
    ends, fresh = ctx.cached_for("alignment.kernel.blocs", ctx.commitment,
                                 lambda: _bloc_ends_kernel(ctx.commitment, world.defense, theatre))
    ao, adv, sym = _factors_kernel(a, False)
    # The batched (R, N, N) products stay with BLAS: faster than compiled loops
    # here (measured), and computed matrix by matrix, so chunk-safe.
    aa = _square(ao, sym)
    _RECENT.square = (a, ao, aa, sym)
    tt = t @ np.swapaxes(t, -1, -2) if not np.all(bandwagon) else t
    prm = ctx.params
    fixed = ctx.cached("alignment.kernel.fixed", lambda: _fixed_terms(ctx, s0, r0, a0, q0, h0,
                                                                      allies))
    delta = _rate_kernel(
        a, t, p, bandwagon, tt, aa, trade @ np.swapaxes(adv, -1, -2),
        fixed, allies, ends, fresh, hedger_theatre,
        prm["alignment.balancing"], prm["alignment.structural"], prm["alignment.hedging"],
        prm["alignment.bloc_aversion"], prm["alignment.relaxation"], float(ctx.dt))
    return Effect(deltas={"alignment": delta})


def step(state: State, derived: Mapping[str, FloatArray], ctx: Context, draws: Draws) -> Effect:
    """Change ``alignment`` (see module docstring)."""
    if kernels.enabled():
        return _step_compiled(state, derived, ctx)
    p, t = current_threat(state, derived, ctx)
    a, a0 = state.alignment, ctx.initial.alignment
    n = a.shape[-1]
    s, r, s0, r0 = _blend(t, p, ctx)  # per-run theory (balancing or bandwagoning)
    ao = _offdiag(a)
    q = (ao @ ao) / n
    h = hedging_exposure(ctx.trade_share, a) * np.maximum(a, 0.0)
    _, _, q0, h0 = ctx.cached("alignment.baseline.balancing", lambda: _baseline("balancing", ctx))
    beta = ctx.p("alignment.balancing", 3)
    rate = (
        beta * (s - s0)
        - beta * (r - r0)
        + ctx.p("alignment.structural", 3) * (q - q0) * (1.0 - _allies(ctx))
        - ctx.p("alignment.hedging", 3) * (h - h0)
        - ctx.p("alignment.bloc_aversion", 3) * bloc_formation(ctx, a)
        - ctx.p("alignment.relaxation", 3) * (a - a0)
    )
    delta = _offdiag(symmetric(ctx.dt * rate))
    return Effect(deltas={"alignment": delta})


MECHANISM = Mechanism(
    name="alignment",
    title="Alignment: balancing/bandwagoning, structural balance, hedging (Walt; Heider; Axelrod-Bennett)",
    references=(
        "Walt, S. M. (1987). The Origins of Alliances. Cornell University Press.",
        "Heider, F. (1946). Attitudes and cognitive organization. Journal of Psychology "
        "21(1), 107-112. doi:10.1080/00223980.1946.9917275",
        "Cartwright, D. & Harary, F. (1956). Structural balance: a generalization of "
        "Heider's theory. Psychological Review 63(5), 277-293. doi:10.1037/h0046049",
        "Marvel, S. A., Kleinberg, J., Kleinberg, R. D. & Strogatz, S. H. (2011). "
        "Continuous-time model of structural balance. PNAS 108(5), 1771-1776. "
        "doi:10.1073/pnas.1013213108",
        "Axelrod, R. & Bennett, D. S. (1993). A landscape theory of aggregation. British "
        "Journal of Political Science 23(2), 211-233. doi:10.1017/S000712340000973X",
        "Kuik, C.-C. (2008). The essence of hedging: Malaysia and Singapore's response to "
        "a rising China. Contemporary Southeast Asia 30(2), 159-185.",
    ),
    parameters=PARAMETERS,
    writes=("alignment",),
    provides=(),
    reads=("threat", "power"),
    step=step,
    variants=VARIANTS,
    equations=(
        "da_ij/dt = beta(S-S0) - beta(R-R0) + sigma(Q-Q0) - h(H a+ - H0 a0+) - phi F - rho(a - a0)",
        "F_ij = [i hedger] sum_kl D_kl (a+_jk + a+_jl) / (2N), D = max(0, C - C_world) touching i's theatre",
        "balancing: S_ij = sum_k T_ik T_jk / N, R_ij = (T_ij+T_ji)/2; "
        "bandwagoning: S = sym(T P_j/(P_i+P_j)), R = sym(T P_i/(P_i+P_j))",
        "Q_ij = sum_k a_ik a_kj / N;  H_ij = sym(sum_k w_ik max(0,-a_jk))",
        "frustration = (tr|A|^3 - tr A^3) / (2 tr|A|^3)",
    ),
)
