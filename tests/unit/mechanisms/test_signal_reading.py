"""Signal reading: the same move read three ways (spiral, deterrence, signalling)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from flashpoint.mechanisms import signal_reading as sr
from flashpoint.mechanisms.security_dilemma import unalignment
from flashpoint.testing import make_context

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
    assert not np.any(eff.deltas["intent"]) and not np.any(eff.deltas["tension"])


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
