"""Every compiled kernel agrees with its NumPy reference (issue 17).

Each mechanism is stepped twice on the same inputs, once with the NumPy
reference everywhere (``kernels.use("numpy")``) and once with the compiled
kernels (``kernels.use("numba")``), for every variant and for runs that drew
different theories within one chunk. Every delta and derived quantity must
agree to 1e-12 relative in float64 (and to float32's own rounding in
float32), keep its dtype, and the whole engine must give the same metrics.
A mechanism without a kernel passes trivially, so the test covers each
kernel the day it is added.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import flashpoint as fp
from flashpoint import kernels
from flashpoint.mechanisms import REGISTRY
from flashpoint.testing.inputs import perturbed_inputs
from flashpoint.theories import THEORIES, factor_of

pytestmark = pytest.mark.skipif(not kernels.available(), reason="Numba is not installed")

RTOL = {"float64": 1e-12, "float32": 2e-5}


def _inputs(precision: str):  # type: ignore[no-untyped-def]
    return perturbed_inputs(precision, runs=13, seed=3)


def _assert_close(kind: str, name: str, a: np.ndarray, b: np.ndarray, precision: str) -> None:
    assert a.dtype == b.dtype, f"{name}: {kind} dtype {b.dtype} from the kernel, {a.dtype} reference"
    assert a.shape == b.shape, f"{name}: {kind} shape {b.shape} from the kernel, {a.shape} reference"
    a64, b64 = np.asarray(a, np.float64), np.asarray(b, np.float64)
    assert np.array_equal(np.isnan(a64), np.isnan(b64)), f"{name}: {kind} nan pattern differs"
    scale = max(1.0, float(np.nanmax(np.abs(a64))) if a64.size else 1.0)
    err = float(np.nanmax(np.abs(a64 - b64))) if a64.size else 0.0
    assert err <= RTOL[precision] * scale, f"{name}: {kind} differs by {err:.3g} (scale {scale:.3g})"


def _step_both(m, state, upstream, ctx, draws):  # type: ignore[no-untyped-def]
    with kernels.use("numpy"):
        ref = m.step(state, upstream, replace(ctx, memo={}), draws)
    with kernels.use("numba"):
        fast = m.step(state, upstream, replace(ctx, memo={}), draws)
    return ref, fast


def _compare(label: str, ref, fast, precision: str) -> None:  # type: ignore[no-untyped-def]
    assert set(ref.deltas) == set(fast.deltas), f"{label}: delta fields differ"
    assert set(ref.derived) == set(fast.derived), f"{label}: derived quantities differ"
    for k in ref.deltas:
        _assert_close(f"delta {k!r}", label, ref.deltas[k], fast.deltas[k], precision)
    for k in ref.derived:
        _assert_close(f"derived {k!r}", label, np.asarray(ref.derived[k]),
                      np.asarray(fast.derived[k]), precision)


@pytest.mark.parametrize("precision", ["float64", "float32"])
@pytest.mark.parametrize("name", list(REGISTRY))
def test_kernels_match_the_numpy_reference_for_every_variant(name: str, precision: str) -> None:
    state, derived, ctx, draws = _inputs(precision)
    m = REGISTRY[name]
    upstream = {k: v for k, v in derived.items() if k not in m.provides}
    for variant in m.variants:
        c = replace(ctx, variants={**ctx.variants, m.name: variant})
        ref, fast = _step_both(m, state, upstream, c, draws)
        _compare(f"{name}/{variant} {precision}", ref, fast, precision)


@pytest.mark.parametrize("scenario", ["nato_ip4_partnership", "european_naval_deployments",
                                      "taiwan_blockade", "reassurance_diplomacy",
                                      "chinese_coercion", "eu_economic_track"])
def test_kernels_match_under_a_scenarios_inputs(scenario: str) -> None:
    """Scenario inputs (new commitments, presence, signals) reach the kernels' move paths."""
    state, derived, ctx, draws = perturbed_inputs("float64", runs=9, seed=4, scenario=scenario)
    for name, m in REGISTRY.items():
        upstream = {k: v for k, v in derived.items() if k not in m.provides}
        runs = state.milex.shape[0]
        c = ctx
        if factor_of(name) in THEORIES:
            drawn = np.array([m.variants[i % len(m.variants)] for i in range(runs)])
            c = replace(ctx, theories={**ctx.theories, factor_of(name): drawn})
        ref, fast = _step_both(m, state, upstream, c, draws)
        _compare(f"{name} under {scenario}", ref, fast, "float64")


@pytest.mark.parametrize("name", [n for n in REGISTRY if factor_of(n) in THEORIES])
def test_kernels_match_when_the_runs_of_a_chunk_drew_different_theories(name: str) -> None:
    state, derived, ctx, draws = _inputs("float64")
    m = REGISTRY[name]
    runs = state.milex.shape[0]
    drawn = np.array([m.variants[i % len(m.variants)] for i in range(runs)])
    c = replace(ctx, theories={**ctx.theories, factor_of(name): drawn})
    upstream = {k: v for k, v in derived.items() if k not in m.provides}
    ref, fast = _step_both(m, state, upstream, c, draws)
    _compare(f"{name}/mixed theories", ref, fast, "float64")


@pytest.mark.slow
@pytest.mark.parametrize("scenario", [None, "nato_ip4_partnership", "taiwan_blockade"])
def test_the_engine_gives_the_same_numbers_with_and_without_kernels(scenario: str | None) -> None:
    with kernels.use("numpy"):
        ref = fp.simulate(None, scenario, runs=24, years=4, seed=5)
    with kernels.use("numba"):
        fast = fp.simulate(None, scenario, runs=24, years=4, seed=5)
    for k in ref.data_vars:
        a, b = ref[k].values, fast[k].values
        if a.dtype.kind != "f":
            assert np.array_equal(a, b), k
            continue
        scale = max(1.0, float(np.nanmax(np.abs(a))))
        # Ten years of feedback can amplify rounding differences; 1e-9 of the scale
        # still means the same trajectories to any printed precision.
        assert np.nanmax(np.abs(a - b)) <= 1e-9 * scale, (k, float(np.nanmax(np.abs(a - b))))


def test_the_backend_switch_and_its_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    with kernels.use("numpy"):
        assert not kernels.enabled()
    with kernels.use("numba"):
        assert kernels.enabled()
    with pytest.raises(ValueError, match="backend expects one of"):
        with kernels.use("fortran"):
            pass
    saved = dict(kernels._state)
    try:
        kernels._state["backend"] = None
        monkeypatch.setenv("FLASHPOINT_KERNELS", "numpy")
        assert kernels.backend() == "numpy"
        kernels._state["backend"] = None
        monkeypatch.setenv("FLASHPOINT_KERNELS", "cuda")
        from flashpoint.errors import ParameterError

        with pytest.raises(ParameterError, match="FLASHPOINT_KERNELS expects one of"):
            kernels.backend()
    finally:
        kernels._state.update(saved)


def test_a_kernel_compiles_lazily_and_keeps_its_python_function() -> None:
    @kernels.jit
    def add_one(x: np.ndarray) -> np.ndarray:
        out = np.empty_like(x)
        for i in range(x.shape[0]):
            out[i] = x[i] + 1.0
        return out

    x = np.arange(4.0)
    assert add_one._compiled is None  # type: ignore[attr-defined]
    assert np.array_equal(add_one(x), x + 1.0)
    assert np.array_equal(add_one.py_func(x), x + 1.0)  # type: ignore[attr-defined]
    assert add_one._compiled is not None  # type: ignore[attr-defined]


def test_the_run_alone_check_catches_a_chunk_dependent_step() -> None:
    """``assert_runs_alone_match`` (used by the kernels' unit tests) fails a step whose
    value for a run depends on the other runs of its chunk."""
    from flashpoint.contract import Effect
    from flashpoint.testing.inputs import assert_runs_alone_match

    state, derived, ctx, draws = perturbed_inputs("float64", runs=4, seed=1)

    def chunk_mean(st, dv, c, dr):  # type: ignore[no-untyped-def]
        return Effect(deltas={"milex": np.broadcast_to(st.milex.mean(0), st.milex.shape).copy()})

    with pytest.raises(AssertionError, match="differs when the run is computed alone"):
        assert_runs_alone_match(chunk_mean, state, derived, ctx, draws,
                                chunk_mean(state, derived, ctx, draws))
