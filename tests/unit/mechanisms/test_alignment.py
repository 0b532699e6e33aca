"""Unit tests for the alignment mechanism (balancing, bandwagoning, hedging, structural balance)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from flashpoint.errors import ParameterError
from flashpoint.mechanisms import alignment, threat
from flashpoint.testing import make_context

R = 3


def _ctx(ctx, variant="balancing", **params):
    merged = dict(ctx.params)
    merged.update({f"alignment.{k}": np.full(R, v) for k, v in params.items()})
    return dataclasses.replace(ctx, params=merged, variants={"alignment": variant})


def _base(state, ctx, draws):
    return threat.MECHANISM.step(state, {}, ctx, draws).derived


def _delta(state, derived, ctx, draws):
    return alignment.MECHANISM.step(state, derived, ctx, draws)


def _threatened(derived, ctx, victims, source, extra):
    t = derived["threat"].copy()
    s = ctx.world.index(source)
    for v in victims:
        t[:, ctx.world.index(v), s] += extra
    return {"power": derived["power"], "threat": np.clip(t, 0, 1)}


@pytest.mark.parametrize("variant", alignment.MECHANISM.variants)
def test_status_quo_is_a_steady_state(variant) -> None:
    state, ctx, draws = make_context(runs=R)
    ctx = _ctx(ctx, variant)
    eff = _delta(state, _base(state, ctx, draws), ctx, draws)
    np.testing.assert_allclose(eff.deltas["alignment"], 0.0, atol=1e-14)
    f = alignment.frustration(state.alignment)
    assert f.shape == (R,) and np.all((f >= 0) & (f <= 0.5))


def test_shared_threat_raises_alignment() -> None:
    state, ctx, draws = make_context(runs=R)
    ctx = _ctx(ctx)
    derived = _threatened(_base(state, ctx, draws), ctx, ["JPN", "KOR"], "PRK", 0.3)
    d = _delta(state, derived, ctx, draws).deltas["alignment"]
    jpn, kor = ctx.world.index("JPN"), ctx.world.index("KOR")
    assert np.all(d[:, jpn, kor] > 0)


def test_mutual_threat_lowers_alignment() -> None:
    state, ctx, draws = make_context(runs=R)
    ctx = _ctx(ctx)
    derived = _threatened(_base(state, ctx, draws), ctx, ["IND"], "CHN", 0.3)
    d = _delta(state, derived, ctx, draws).deltas["alignment"]
    ind, chn = ctx.world.index("IND"), ctx.world.index("CHN")
    assert np.all(d[:, ind, chn] < 0)


def test_trade_with_adversaries_damps_alignment() -> None:
    # Hedging: South Korea trading more with China (Japan's adversary) aligns less with Japan.
    state, ctx, draws = make_context(runs=R)
    ctx = _ctx(ctx)
    derived = _threatened(_base(state, ctx, draws), ctx, ["JPN", "KOR"], "PRK", 0.3)
    kor, chn, jpn = (ctx.world.index(c) for c in ("KOR", "CHN", "JPN"))
    trade = ctx.trade_share.copy()
    trade[:, kor, chn] += 0.3
    plain = _delta(state, derived, ctx, draws).deltas["alignment"]
    hedged = _delta(state, derived, dataclasses.replace(ctx, trade_share=trade), draws)
    assert np.all(hedged.deltas["alignment"][:, jpn, kor] < plain[:, jpn, kor])
    off = _ctx(ctx, hedging=0.0)
    unhedged = _delta(state, derived, dataclasses.replace(off, trade_share=trade), draws)
    base_off = _delta(state, derived, off, draws).deltas["alignment"]
    np.testing.assert_allclose(unhedged.deltas["alignment"], base_off)


def test_bandwagoning_differs_from_balancing() -> None:
    # A weak state newly threatened by a much stronger one: balancing moves it
    # away, bandwagoning towards the threat.
    state, ctx, draws = make_context(runs=R)
    twn, chn = ctx.world.index("TWN"), ctx.world.index("CHN")
    derived = _threatened(_base(state, ctx, draws), ctx, ["TWN"], "CHN", 0.2)
    bal = _delta(state, derived, _ctx(ctx, "balancing"), draws).deltas["alignment"]
    band = _delta(state, derived, _ctx(ctx, "bandwagoning"), draws).deltas["alignment"]
    assert np.all(bal[:, twn, chn] < 0)
    assert np.all(band[:, twn, chn] > 0)


def test_structural_term_pushes_an_unbalanced_triad_towards_balance() -> None:
    # Japan turns friendly with North Korea while Japan-South Korea is positive and
    # South Korea-North Korea negative: an unbalanced triad (+, +, -). Marvel et al.
    # dynamics raise KOR-PRK ("my friend's friend") and lower JPN-KOR.
    state, ctx, draws = make_context(runs=R)
    ctx = _ctx(ctx, structural=1.0)
    jpn, kor, prk = (ctx.world.index(c) for c in ("JPN", "KOR", "PRK"))
    assert np.all(state.alignment[:, jpn, kor] > 0) and np.all(state.alignment[:, kor, prk] < 0)
    a = state.alignment.copy()
    a[:, jpn, prk] = a[:, prk, jpn] = 0.8
    d = _delta(state._replace(alignment=a), _base(state, ctx, draws), ctx, draws).deltas
    assert np.all(d["alignment"][:, kor, prk] > 0)
    assert np.all(d["alignment"][:, jpn, kor] < 0)
    off = _delta(state._replace(alignment=a), _base(state, ctx, draws), _ctx(ctx, structural=0.0), draws)
    np.testing.assert_allclose(off.deltas["alignment"][:, kor, prk], 0.0, atol=1e-14)


def test_deltas_symmetric_with_zero_diagonal() -> None:
    state, ctx, draws = make_context(runs=R)
    ctx = _ctx(ctx)
    rng = np.random.default_rng(0)
    t = rng.random((R, ctx.world.n, ctx.world.n)) * (1 - np.eye(ctx.world.n))
    derived = {"power": _base(state, ctx, draws)["power"], "threat": t}
    d = _delta(state, derived, ctx, draws).deltas["alignment"]
    np.testing.assert_allclose(d, np.swapaxes(d, 1, 2))
    np.testing.assert_array_equal(np.diagonal(d, axis1=1, axis2=2), 0.0)


def test_frustration_known_values() -> None:
    balanced = np.array([[1, 1, -1], [1, 1, -1], [-1, -1, 1]], dtype=float)
    all_enemies = np.array([[1, -1, -1], [-1, 1, -1], [-1, -1, 1]], dtype=float)
    np.testing.assert_allclose(alignment.frustration(balanced), 0.0)
    np.testing.assert_allclose(alignment.frustration(all_enemies), 1.0)
    np.testing.assert_allclose(alignment.frustration(np.eye(3)), 0.0)  # no triads


def test_unknown_variant_raises() -> None:
    state, ctx, draws = make_context(runs=R)
    with pytest.raises(ParameterError, match=r"alignment: variant expects .* Got 'neutral'"):
        _delta(state, {}, _ctx(ctx, "neutral"), draws)


def test_inputs_not_mutated_and_deterministic() -> None:
    state, ctx, draws = make_context(runs=R)
    ctx = _ctx(ctx)
    derived = _threatened(_base(state, ctx, draws), ctx, ["JPN"], "CHN", 0.1)
    before, t_before = state.copy(), derived["threat"].copy()
    trade = ctx.trade_share.copy()
    a = _delta(state, derived, ctx, draws).deltas["alignment"]
    b = _delta(state, derived, ctx, draws).deltas["alignment"]
    np.testing.assert_array_equal(a, b)
    for x, y in zip(state, before, strict=True):
        np.testing.assert_array_equal(x, y)
    np.testing.assert_array_equal(derived["threat"], t_before)
    np.testing.assert_array_equal(ctx.trade_share, trade)
