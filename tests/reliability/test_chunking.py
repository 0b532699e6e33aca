"""Bit-identical whatever the chunking: the default world, every mechanism, float64 and float32.

Two levels: each registered mechanism (and variant) on the default 35-actor
world gives the same bits for a run computed alone, in a random slice, or in
the whole array; and whole ensembles agree bit for bit for random chunk sizes
(including chunks of one run and a leftover chunk of one).
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import numpy as np
import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import flashpoint as fp
from flashpoint.engine.state import State
from flashpoint.mechanisms import REGISTRY
from flashpoint.mechanisms._protocol import Draws
from flashpoint.testing.checks import _slice_ctx
from flashpoint.testing.inputs import default_world_arrays, perturbed_inputs

RUNS = 13
PRECISIONS = ("float64", "float32")


def _world() -> object:
    return default_world_arrays()


def _inputs(dtype: str, seed: int = 7) -> tuple[State, dict[str, np.ndarray], object, Draws]:
    return perturbed_inputs(dtype, RUNS, seed)


def _slices() -> list[slice]:
    return [slice(0, 1), slice(6, 7), slice(RUNS - 1, RUNS), slice(0, 5), slice(5, RUNS),
            slice(1, RUNS), slice(3, 11)]


@pytest.mark.parametrize("precision", PRECISIONS)
@pytest.mark.parametrize("name", list(REGISTRY))
def test_each_mechanism_is_chunk_invariant_on_the_default_world(name: str, precision: str) -> None:
    state, derived, ctx, draws = _inputs(precision)
    m = REGISTRY[name]
    upstream = {k: v for k, v in derived.items() if k not in m.provides}
    for variant in m.variants:
        c = replace(ctx, memo={}, variants={**ctx.variants, m.name: variant})  # type: ignore[misc]
        eff = m.step(state, upstream, c, draws)
        for s in _slices():
            part = m.step(State(*(x[s] for x in state)), {k: v[s] for k, v in upstream.items()},
                          _slice_ctx(c, s), Draws(*(x[s] for x in draws)))
            for kind, full, alone in (("delta", eff.deltas, part.deltas),
                                      ("derived", eff.derived, part.derived)):
                for k in full:
                    a, b = full[k][s], alone[k]
                    assert np.array_equal(a, b, equal_nan=True), (
                        f"{name}/{variant} {precision}: {kind} {k!r} of runs {s.start}-{s.stop} "
                        f"differs when computed alone (max {np.nanmax(np.abs(a - b)):.3g})")


def _bits_equal(a: xr.Dataset, b: xr.Dataset) -> list[str]:
    return [str(k) for k in a.data_vars
            if not np.array_equal(a[k].values, b[k].values, equal_nan=True)]


@cache
def _reference(precision: str, runs: int, scenario: str | None) -> xr.Dataset:
    return fp.simulate(_world(), scenario, runs=runs, years=3, seed=11, chunk_size=runs,
                       precision=precision)


@pytest.mark.slow
@pytest.mark.parametrize("precision", PRECISIONS)
@settings(max_examples=4, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(chunk=st.integers(min_value=1, max_value=19))
def test_ensembles_are_bit_identical_for_random_chunk_sizes(precision: str, chunk: int) -> None:
    ref = _reference(precision, 19, None)
    ds = fp.simulate(_world(), None, runs=19, years=3, seed=11, chunk_size=chunk, precision=precision)
    assert _bits_equal(ref, ds) == [], f"chunk size {chunk} ({precision})"


@pytest.mark.slow
@pytest.mark.parametrize("precision", PRECISIONS)
def test_one_run_chunks_and_a_leftover_chunk_of_one(precision: str) -> None:
    """The cases of issue 15: chunks of 1, and 47 vs 48 (a leftover chunk of one run)."""
    ref = _reference(precision, 48, "nato_ip4_partnership")
    for chunk in (1, 47):
        ds = fp.simulate(_world(), "nato_ip4_partnership", runs=48, years=3, seed=11,
                         chunk_size=chunk, precision=precision)
        assert _bits_equal(ref, ds) == [], f"chunk size {chunk} ({precision})"


@pytest.mark.slow
def test_chunk_sizes_1_7_64_and_one_or_two_threads_give_the_same_bits() -> None:
    """Issue 17's check, with the compiled kernels on (the default backend) and every
    theory sampled per run: 64 runs in chunks of 1, 7 and 64, on one and two threads."""
    from flashpoint import kernels
    from flashpoint.api import resolve_plan
    from flashpoint.engine.run import RunConfig, run_ensemble

    world = _world()
    plan = resolve_plan("nato_ip4_partnership", world)  # type: ignore[arg-type]

    def go(chunk: int, threads: int) -> xr.Dataset:
        cfg = RunConfig(runs=64, years=3, seed=13, chunk_size=chunk, threads=threads)
        return run_ensemble(world, plan, cfg)  # type: ignore[arg-type]

    assert kernels.enabled() or not kernels.available()
    ref = go(64, 1)
    for chunk, threads in ((1, 1), (7, 2), (64, 2), (7, 1)):
        assert _bits_equal(ref, go(chunk, threads)) == [], f"chunks of {chunk}, {threads} threads"
