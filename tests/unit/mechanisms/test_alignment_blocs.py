"""Hedgers' threat perception of bloc formation (alignment.bloc_formation)."""

from __future__ import annotations

import dataclasses

import numpy as np

from flashpoint.mechanisms import alignment as al
from flashpoint.testing import make_context

R = 3


def _nato_to_japan(ctx, value: float):
    nato = ctx.world.membership["NATO"]
    c = ctx.commitment.copy()
    j = ctx.world.index("JPN")
    c[:, nato, j] = np.maximum(c[:, nato, j], value)
    c[:, j, nato] = np.maximum(c[:, j, nato], value)
    return dataclasses.replace(ctx, commitment=c)


def test_no_bloc_formation_in_the_status_quo() -> None:
    state, ctx, _ = make_context(runs=R)
    np.testing.assert_array_equal(al.bloc_formation(ctx, state.alignment), 0.0)


def test_new_ties_implicate_parties_and_their_aligners_for_hedgers_only() -> None:
    state, ctx, _ = make_context(runs=R)
    w = ctx.world
    f = al.bloc_formation(_nato_to_japan(ctx, 0.5), state.alignment)
    ind, usa, jpn, chn = (w.index(c) for c in ("IND", "USA", "JPN", "CHN"))
    assert np.all(f[:, ind, usa] > 0) and np.all(f[:, ind, jpn] > 0)
    hedgers = al.hedger_mask(w)
    np.testing.assert_array_equal(f[:, ~hedgers, :], 0.0)
    # China is not party to the ties and not aligned with them.
    assert np.all(f[:, ind, chn] < f[:, ind, usa])


def test_bloc_formation_moves_hedgers_away_from_the_bloc() -> None:
    state, ctx, draws = make_context(runs=R)
    w = ctx.world
    ind, usa = w.index("IND"), w.index("USA")
    base = al.step(state, {}, ctx, draws).deltas["alignment"][:, ind, usa]
    bloc = al.step(state, {}, _nato_to_japan(ctx, 0.5), draws).deltas["alignment"][:, ind, usa]
    assert np.all(bloc < base)
    params = dict(ctx.params)
    params["alignment.bloc_aversion"] = np.zeros(R)
    off = al.step(state, {}, dataclasses.replace(_nato_to_japan(ctx, 0.5), params=params), draws)
    np.testing.assert_allclose(off.deltas["alignment"][:, ind, usa], base)
