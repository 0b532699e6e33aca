"""Signal reading: the same move read three ways (spiral, deterrence, signalling)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from flashpoint import kernels
from flashpoint.mechanisms import signal_reading as sr
from flashpoint.mechanisms.security_dilemma import VARIANTS, unalignment
from flashpoint.testing import make_context
from flashpoint.testing.checks import _slice_ctx
from flashpoint.testing.inputs import perturbed_inputs

R = 3


def _with(theory: str, **inputs: np.ndarray):  # type: ignore[no-untyped-def]
    state, ctx, draws = make_context(runs=R)
    ctx = dataclasses.replace(ctx, theories={"security_dilemma": np.full(R, theory, dtype=object)},
                              **inputs)
    return state, ctx, draws


def _tie(ctx, a: str, b: str, vis: float, cap: float = 0.0):  # type: ignore[no-untyped-def]
    v, k = np.zeros_like(ctx.tie_visibility), np.zeros_like(ctx.tie_capability)
    i, j = ctx.world.index(a), ctx.world.index(b)
    v[:, i, j] = v[:, j, i] = vis
    k[:, i, j] = k[:, j, i] = cap
    return {"tie_visibility": v, "tie_capability": k}


def _commit(ctx, a: str, b: str, strength: float):  # type: ignore[no-untyped-def]
    c = ctx.commitment.copy()
    i, j = ctx.world.index(a), ctx.world.index(b)
    c[:, i, j] = np.maximum(c[:, i, j], strength)
    c[:, j, i] = np.maximum(c[:, j, i], strength)
    return {"commitment": c}


@pytest.mark.parametrize("theory", ["spiral", "deterrence", "signalling"])
def test_status_quo_sends_no_signal(theory: str) -> None:
    state, ctx, draws = _with(theory)
    eff = sr.step(state, {}, ctx, draws)
    assert eff.deltas == {}  # no move: no delta at all (nothing for the engine to add)


def test_a_commitment_moves_china_opposite_ways_under_spiral_and_deterrence() -> None:
    """Jervis 1976 ch. 3: firmness provokes (spiral) or deters (deterrence)."""
    out = {}
    for theory in ("spiral", "deterrence"):
        state, ctx, draws = _with(theory)
        ctx = dataclasses.replace(ctx, **_commit(ctx, "DEU", "JPN", 0.4),
                                  **_tie(ctx, "DEU", "JPN", 0.9, 0.3))
        d = sr.step(state, {}, ctx, draws).deltas
        chn, deu = ctx.world.index("CHN"), ctx.world.index("DEU")
        out[theory] = d["intent"][:, chn, deu]
        assert np.all(np.sign(d["tension"][:, chn, deu]) == np.sign(out[theory]))
    assert np.all(out["spiral"] > 0) and np.all(out["deterrence"] < 0)


def test_cheap_visibility_is_no_information_for_a_bayesian_reader() -> None:
    """Kydd 2005: an office (visible, no cost) moves no belief; capability does."""
    state, ctx, draws = _with("signalling")
    chn, deu = ctx.world.index("CHN"), ctx.world.index("DEU")
    office = dataclasses.replace(ctx, **_tie(ctx, "DEU", "JPN", 0.9, 0.0))
    assert not np.any(sr.step(state, {}, office, draws).deltas["intent"][:, chn, deu])
    capability = dataclasses.replace(ctx, **_tie(ctx, "DEU", "JPN", 0.0, 0.5))
    assert np.all(sr.step(state, {}, capability, draws).deltas["intent"][:, chn, deu] > 0)
    spiral_state, spiral_ctx, _ = _with("spiral")
    spiral_ctx = dataclasses.replace(spiral_ctx, **_tie(spiral_ctx, "DEU", "JPN", 0.0, 0.5))
    # a spiral reader does not see capability without visibility
    assert not np.any(sr.step(spiral_state, {}, spiral_ctx, draws).deltas["intent"][:, chn, deu])


def test_concessions_embolden_a_greedy_challenger_only_under_deterrence() -> None:
    for theory, sign in (("deterrence", 1.0), ("spiral", 0.0)):
        state, ctx, draws = _with(theory)
        sig = np.zeros_like(ctx.signal)
        deu, chn = ctx.world.index("DEU"), ctx.world.index("CHN")
        sig[:, deu, chn] = 0.5
        d = sr.step(state, {}, dataclasses.replace(ctx, signal=sig), draws).deltas["intent"]
        assert np.all(np.sign(d[:, chn, deu]) == sign)


def test_no_reading_between_treaty_allies() -> None:
    state, ctx, draws = _with("spiral")
    ctx = dataclasses.replace(ctx, **_tie(ctx, "DEU", "JPN", 1.0, 0.5))
    usa, deu, jpn = (ctx.world.index(c) for c in ("USA", "DEU", "JPN"))
    u = unalignment(state.alignment, ctx)
    assert np.all(u[:, usa, jpn] == 0) and np.all(u[:, usa, deu] == 0)
    d = sr.step(state, {}, ctx, draws).deltas["intent"]
    assert not np.any(d[:, usa, deu]) and not np.any(d[:, usa, jpn])


def test_runs_read_by_their_own_theory() -> None:
    """A chunk mixing theories gives each run the value it has alone (per-run masks)."""
    state, ctx, draws = make_context(runs=R)
    ctx = dataclasses.replace(ctx, **_commit(ctx, "DEU", "JPN", 0.4),
                              **_tie(ctx, "DEU", "JPN", 0.9, 0.3))
    mixed = dataclasses.replace(ctx, theories={"security_dilemma": np.array(
        ["spiral", "deterrence", "signalling"], dtype=object)})
    d = sr.step(state, {}, mixed, draws).deltas["intent"]
    for r, theory in enumerate(["spiral", "deterrence", "signalling"]):
        alone = dataclasses.replace(ctx, theories={"security_dilemma": np.full(R, theory,
                                                                                dtype=object)})
        np.testing.assert_array_equal(d[r], sr.step(state, {}, alone, draws).deltas["intent"][r])


# --- the compiled kernels (issue 17): same numbers as the NumPy reference -----------------

needs_numba = pytest.mark.skipif(not kernels.available(), reason="Numba is not installed")
TOL = {"float64": 1e-12, "float32": 2e-5}


def _moving(precision: str, runs: int, theory: str):  # type: ignore[no-untyped-def]
    """Perturbed inputs with every kind of move; ``theory`` a variant or ``"mixed"``."""
    state, _, ctx, draws = perturbed_inputs(precision, runs=runs, seed=9)
    rng = np.random.default_rng(2)
    w = ctx.world
    moves = _tie(ctx, "DEU", "JPN", 0.9, 0.4)
    for key, value in _tie(ctx, "AUS", "GBR", 0.3, 0.8).items():
        moves[key] = np.maximum(moves[key], value)
    moves.update(_commit(ctx, "USA", "PHL" if w.has("PHL") else "SGP", 0.6))
    c = moves["commitment"]
    usa, jpn, chn, deu = (w.index(x) for x in ("USA", "JPN", "CHN", "DEU"))
    c[:, usa, jpn] = 0.3  # a treaty commitment weakened: a concession
    presence = ctx.presence.copy()
    presence[:, deu, 1] = rng.random(runs)
    signal = ctx.signal.copy()
    signal[:, usa, chn] = 0.4
    provocation = rng.random(ctx.provocation.shape)
    drawn = (np.array([VARIANTS[i % 3] for i in range(runs)], dtype=object)
             if theory == "mixed" else np.full(runs, theory, dtype=object))
    cast = {k: np.asarray(v, dtype=precision) for k, v in moves.items()}
    ctx = dataclasses.replace(ctx, presence=presence.astype(precision), signal=signal.astype(precision),
                              provocation=provocation.astype(precision), **cast,
                              theories={**ctx.theories, "security_dilemma": drawn})
    return state, ctx, draws


def _both(state, ctx, draws):  # type: ignore[no-untyped-def]
    out = {}
    for backend in ("numpy", "numba"):
        with kernels.use(backend):
            out[backend] = sr.step(state, {}, dataclasses.replace(ctx, memo={}), draws).deltas
    return out["numpy"], out["numba"]


@needs_numba
@pytest.mark.parametrize("precision", ["float64", "float32"])
@pytest.mark.parametrize("runs", [1, 5])
@pytest.mark.parametrize("theory", [*VARIANTS, "mixed"])
def test_kernel_matches_the_reference(theory: str, runs: int, precision: str) -> None:
    state, ctx, draws = _moving(precision, runs, theory)
    ref, fast = _both(state, ctx, draws)
    assert set(ref) == set(fast) == {"intent", "tension"}
    assert np.any(ref["intent"] != 0)
    for k in ref:
        assert fast[k].dtype == ref[k].dtype == np.dtype(precision)
        assert fast[k].shape == ref[k].shape
        scale = max(1.0, float(np.max(np.abs(ref[k]))))
        assert float(np.max(np.abs(ref[k].astype(float) - fast[k]))) <= TOL[precision] * scale, k


@needs_numba
@pytest.mark.parametrize("precision", ["float64", "float32"])
def test_kernel_status_quo_gives_zeros_and_sees_a_new_move(precision: str) -> None:
    state, _, ctx, draws = perturbed_inputs(precision, runs=2, seed=9)
    ref, fast = _both(state, ctx, draws)
    assert ref == fast == {}  # no move: no delta on either path
    with kernels.use("numba"):  # the memo of "no move" must not outlive the input arrays
        assert "intent" not in sr.step(state, {}, ctx, draws).deltas
        moved = dataclasses.replace(ctx, **{k: np.asarray(v, dtype=precision) for k, v in
                                            _tie(ctx, "DEU", "JPN", 0.9, 0.4).items()})
        assert np.any(sr.step(state, {}, moved, draws).deltas["intent"])


@needs_numba
def test_kernel_run_alone_gives_the_same_bits_as_in_its_chunk() -> None:
    state, ctx, draws = _moving("float64", 6, "mixed")
    with kernels.use("numba"):
        whole = sr.step(state, {}, ctx, draws).deltas
        for r in range(6):
            s = slice(r, r + 1)
            part = dataclasses.replace(_slice_ctx(ctx, s), theories={
                "security_dilemma": ctx.theories["security_dilemma"][s]})
            alone = sr.step(type(state)(*(x[s] for x in state)), {}, part, draws).deltas
            for k in whole:
                np.testing.assert_array_equal(whole[k][s], alone[k])


@needs_numba
def test_movers_with_the_same_partners_share_one_row_and_give_the_same_bits(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``_partners_kernel`` maps movers whose rows of partners have the same bits to one
    row (issue 17: NATO's members all tie to the IP4), and only those: a -0.0 where
    another row has 0.0, or a NaN, keeps a row its own. The step gives the same bits
    as with every mover its own row."""
    state, ctx, draws = _moving("float64", 4, "mixed")
    w = ctx.world
    vis = np.array(ctx.tie_visibility, copy=True)
    group = [w.index(x) for x in ("DEU", "FRA", "POL", "ITA")]
    vis[:, group, w.index("JPN")] = 0.7  # four movers, one partner row
    vis[1, w.index("ITA"), w.index("KOR")] = 0.2  # run 1: ITA's row differs
    vis[2, w.index("AUS"), :] = -0.0  # run 2: a row of -0.0, not the zero row's bits
    vis[3, w.index("NZL"), w.index("USA")] = np.nan  # run 3: a NaN row, its own
    ctx = dataclasses.replace(ctx, tie_visibility=vis)
    base = w.defense.astype(ctx.commitment.dtype)
    xs, xmax, nz, count, slot, reps, nrep = sr._partners_kernel(
        ctx.commitment, base, ctx.tie_visibility, ctx.tie_capability)
    deu, fra, pol, ita = group
    same = slot[:, 0, deu]
    assert np.all(slot[:, 0, fra] == same) and np.all(slot[:, 0, pol] == same)
    assert slot[0, 0, ita] == same[0] and slot[1, 0, ita] != same[1]
    zero = slot[2, 0, w.index("CHN")]  # China makes no tie: the zero row
    assert slot[2, 0, w.index("AUS")] != zero
    nzl = slot[3, 0, w.index("NZL")]
    assert nzl != zero and np.sum(slot[3, 0] == nzl) == 1
    for r in range(4):  # every mover's row has the bits of its representative's
        for k in range(w.n):
            np.testing.assert_array_equal(xs[r, 0, k].view(np.int64),
                                          xs[r, 0, reps[r, 0, slot[r, 0, k]]].view(np.int64))
    assert np.all(nrep[:, 0] < w.n)
    # the step with the rows shared against every mover its own row: the same bits
    own = np.broadcast_to(np.arange(w.n), slot.shape).copy()
    full = np.full(nrep.shape, w.n)
    with kernels.use("numba"):
        shared = sr.step(state, {}, dataclasses.replace(ctx, memo={}), draws).deltas
        monkeypatch.setattr(sr, "_partners", lambda c, b: (xs, xmax, nz, count, own, own, full))
        alone = sr.step(state, {}, dataclasses.replace(ctx, memo={}), draws).deltas
    assert set(shared) == set(alone) == {"intent", "tension"}
    for k in shared:
        np.testing.assert_array_equal(shared[k].view(np.int64), alone[k].view(np.int64))
