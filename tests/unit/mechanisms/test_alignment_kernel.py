"""The alignment kernels against the NumPy reference on edge cases (issue 17).

A chunk of one run, float32, runs that drew different theories, new bloc
ties in some runs only, an alignment that is not exactly symmetric (the
kernel's product then takes the general path for that run alone), and
:func:`~flashpoint.mechanisms.alignment.frustration` on degenerate networks.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from flashpoint import kernels
from flashpoint.contract import State
from flashpoint.mechanisms import alignment as al
from flashpoint.testing.checks import _slice_ctx
from flashpoint.testing.inputs import perturbed_inputs
from flashpoint.theories import factor_of

pytestmark = pytest.mark.skipif(not kernels.available(), reason="Numba is not installed")

RTOL = {"float64": 1e-12, "float32": 2e-5}


def _close(ref: np.ndarray, fast: np.ndarray, precision: str) -> None:
    assert fast.dtype == ref.dtype == np.dtype(precision)
    assert fast.shape == ref.shape
    scale = max(1.0, float(np.abs(ref).max()))
    assert float(np.abs(ref.astype(np.float64) - fast).max()) <= RTOL[precision] * scale


def _inputs(precision: str = "float64", runs: int = 9):  # type: ignore[no-untyped-def]
    state, derived, ctx, _ = perturbed_inputs(precision, runs=runs, seed=5)
    # New ties from NATO to Japan in every other run: bloc formation for the hedgers.
    c = ctx.commitment.copy()
    nato, jpn = ctx.world.membership["NATO"], ctx.world.index("JPN")
    c[::2, nato, jpn] = np.maximum(c[::2, nato, jpn], 0.6)
    c[::2, jpn, nato] = np.maximum(c[::2, jpn, nato], 0.6)
    drawn = np.array([al.VARIANTS[i % 3 == 1] for i in range(runs)])  # mixed theories
    ctx = replace(ctx, commitment=c, theories={**ctx.theories, factor_of("alignment"): drawn})
    return state, {k: derived[k] for k in ("power", "threat")}, ctx


def _sliced(state, derived, ctx, s):  # type: ignore[no-untyped-def]
    c = _slice_ctx(ctx, s)
    c = replace(c, theories={k: v[s] for k, v in ctx.theories.items()})
    return State(*(x[s] for x in state)), {k: v[s] for k, v in derived.items()}, c


@pytest.mark.parametrize("precision", ["float64", "float32"])
def test_kernel_matches_the_reference_with_blocs_and_mixed_theories(precision: str) -> None:
    state, derived, ctx = _inputs(precision)
    with kernels.use("numpy"):
        ref = al.step(state, derived, replace(ctx, memo={}), None).deltas["alignment"]  # type: ignore[arg-type]
    with kernels.use("numba"):
        fast = al.step(state, derived, replace(ctx, memo={}), None).deltas["alignment"]  # type: ignore[arg-type]
    assert np.abs(ref).max() > 0
    _close(ref, fast, precision)


def test_a_chunk_of_one_run_gives_the_same_bits_and_matches_the_reference() -> None:
    state, derived, ctx = _inputs()
    with kernels.use("numba"):
        full = al.step(state, derived, ctx, None).deltas["alignment"]  # type: ignore[arg-type]
        for r in range(state.alignment.shape[0]):
            s = slice(r, r + 1)
            one_state, one_derived, one_ctx = _sliced(state, derived, ctx, s)
            alone = al.step(one_state, one_derived, one_ctx, None).deltas["alignment"]  # type: ignore[arg-type]
            assert np.array_equal(alone, full[s]), f"run {r} differs when computed alone"
    with kernels.use("numpy"):
        ref = al.step(one_state, one_derived, replace(one_ctx, memo={}), None).deltas["alignment"]  # type: ignore[arg-type]
    _close(ref, alone, "float64")


def test_an_asymmetric_run_takes_the_general_product_without_touching_the_others() -> None:
    state, derived, ctx = _inputs()
    a = state.alignment.copy()
    a[3, 0, 5] += 0.05  # run 3 is no longer exactly symmetric
    odd = state._replace(alignment=a)
    with kernels.use("numpy"):
        ref = al.step(odd, derived, replace(ctx, memo={}), None).deltas["alignment"]  # type: ignore[arg-type]
    with kernels.use("numba"):
        fast = al.step(odd, derived, replace(ctx, memo={}), None).deltas["alignment"]  # type: ignore[arg-type]
        plain = al.step(state, derived, replace(ctx, memo={}), None).deltas["alignment"]  # type: ignore[arg-type]
    _close(ref, fast, "float64")
    others = np.arange(a.shape[0]) != 3
    assert np.array_equal(fast[others], plain[others])


@pytest.mark.parametrize("precision", ["float64", "float32"])
def test_frustration_kernel_matches_the_reference(precision: str) -> None:
    state, _, _ = _inputs(precision)
    a = state.alignment
    asym = a.copy()
    asym[1, 2, 7] = -0.9
    cases = [a, asym, a[0], a[:1], np.zeros_like(a[:2]), np.eye(a.shape[-1], dtype=a.dtype),
             np.stack([a[:2], a[2:4]])]
    for x in cases:
        with kernels.use("numpy"):
            ref = al.frustration(x)
        with kernels.use("numba"):
            fast = al.frustration(x)
        assert fast.dtype == ref.dtype and fast.shape == ref.shape == x.shape[:-2]
        assert np.all(np.isfinite(fast))
        np.testing.assert_allclose(fast, ref, rtol=0, atol=RTOL[precision])
    with kernels.use("numba"):
        assert np.array_equal(al.frustration(a[:1]), al.frustration(a)[:1])
        assert float(al.frustration(np.zeros_like(a[0]))) == 0.0
