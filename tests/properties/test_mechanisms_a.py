"""Property tests for threat, arms, security_dilemma, alignment and the classic models."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from flashpoint.classic import landscape as ls
from flashpoint.classic import structural_balance as sb
from flashpoint.mechanisms import alignment, arms, security_dilemma, threat
from flashpoint.mechanisms._protocol import Draws
from flashpoint.testing import make_context

R = 2
STATE, CTX, DRAWS = make_context(runs=R)
N = CTX.world.n
SETTINGS = settings(max_examples=40, deadline=None)


def _sym(rng: np.random.Generator, low: float, high: float, diag: float) -> np.ndarray:
    x = rng.uniform(low, high, size=(R, N, N))
    x = (x + np.swapaxes(x, 1, 2)) / 2
    idx = np.arange(N)
    x[:, idx, idx] = diag
    return x


def _random_state(seed: int):
    rng = np.random.default_rng(seed)
    intent = rng.uniform(0, 1, size=(R, N, N))
    intent[:, np.arange(N), np.arange(N)] = 0.0
    state = STATE._replace(
        milex=STATE.milex * np.exp(rng.normal(0, 0.5, size=(R, N))),
        gdp=STATE.gdp * np.exp(rng.normal(0, 0.2, size=(R, N))),
        alignment=_sym(rng, -1, 1, 1.0),
        intent=intent,
        tension=_sym(rng, 0, 1, 0.0),
        us_asia_share=rng.uniform(0, 1, size=R),
    )
    ctx = dataclasses.replace(
        CTX,
        presence=rng.uniform(0, 1, size=(R, N, 2)) * (rng.random((R, N, 2)) < 0.2),
        us_europe_retrenchment=rng.uniform(0, 1, size=R),
        step=int(rng.integers(0, 40)),
    )
    draws = Draws(DRAWS.onset, DRAWS.escalation, rng.standard_normal((R, N)))
    return state, ctx, draws


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), variant=st.sampled_from(threat.MECHANISM.variants))
def test_threat_in_unit_interval_with_zero_diagonal(seed, variant) -> None:
    state, ctx, draws = _random_state(seed)
    ctx = dataclasses.replace(ctx, variants={"threat": variant})
    d = threat.MECHANISM.step(state, {}, ctx, draws).derived
    t = d["threat"]
    assert np.all(np.isfinite(t)) and np.all((t >= 0) & (t <= 1))
    assert np.all(np.diagonal(t, axis1=1, axis2=2) == 0)
    np.testing.assert_allclose(d["power"].sum(axis=1), 1.0)


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1))
def test_arms_keep_spending_positive_and_below_capacity(seed) -> None:
    state, ctx, draws = _random_state(seed)
    derived = threat.MECHANISM.step(state, {}, ctx, draws).derived
    d = arms.MECHANISM.step(state, derived, ctx, draws).deltas["milex"]
    new = state.milex + d
    assert np.all(np.isfinite(d)) and np.all(new > 0)
    cap = arms.burden_ceiling(ctx) * state.gdp
    assert np.all((new <= cap * (1 + 1e-12)) | (d <= 0))


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), variant=st.sampled_from(security_dilemma.MECHANISM.variants))
def test_security_dilemma_tension_symmetric_intent_bounded(seed, variant) -> None:
    state, ctx, draws = _random_state(seed)
    ctx = dataclasses.replace(ctx, variants={"security_dilemma": variant})
    derived = threat.MECHANISM.step(state, {}, ctx, draws).derived
    d = security_dilemma.MECHANISM.step(state, derived, ctx, draws).deltas
    tau = d["tension"]
    np.testing.assert_allclose(tau, np.swapaxes(tau, 1, 2), atol=1e-15)
    assert np.all(np.diagonal(tau, axis1=1, axis2=2) == 0)
    assert np.all(np.diagonal(d["intent"], axis1=1, axis2=2) == 0)
    # The spiral's growth term saturates: intent never rises above 1 from below.
    new = state.intent + d["intent"]
    assert np.all(new <= 1 + 1e-12)


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), variant=st.sampled_from(alignment.MECHANISM.variants))
def test_alignment_deltas_symmetric_and_frustration_bounded(seed, variant) -> None:
    state, ctx, draws = _random_state(seed)
    ctx = dataclasses.replace(ctx, variants={"alignment": variant})
    derived = threat.MECHANISM.step(state, {}, ctx, draws).derived
    eff = alignment.MECHANISM.step(state, derived, ctx, draws)
    d = eff.deltas["alignment"]
    assert np.all(np.isfinite(d))
    np.testing.assert_allclose(d, np.swapaxes(d, 1, 2), atol=1e-15)
    assert np.all(np.diagonal(d, axis1=1, axis2=2) == 0)
    f = alignment.frustration(state.alignment)
    assert np.all((f >= 0) & (f <= 1))


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 9))
def test_landscape_exact_minimum_bounds_every_configuration(seed, n) -> None:
    rng = np.random.default_rng(seed)
    p = rng.normal(size=(n, n))
    p = (p + p.T) / 2
    sizes = rng.random(n)
    best = ls.exact_minimum(sizes, p)[0]
    configs = ls.all_configurations(n)
    e = ls.energy(configs, sizes, p)
    assert best.energy <= e.min() + 1e-12
    np.testing.assert_allclose(ls.energy(1 - configs, sizes, p), e, atol=1e-12)
    minima = ls.local_minima(sizes, p)
    assert sum(m.basin_size for m in minima) == 2 ** (n - 1)
    assert minima[0].energy == min(m.energy for m in minima)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(3, 8))
def test_structural_balance_frustration_zero_iff_balanced(seed, n) -> None:
    rng = np.random.default_rng(seed)
    s = np.triu(rng.choice([-1.0, 0.0, 1.0], size=(n, n)), 1)
    s = s + s.T
    assert (sb.frustration_index(s) == 0) == sb.is_balanced(s)
    counts = sb.triads(s)
    assert counts.balanced >= 0 and counts.unbalanced >= 0
