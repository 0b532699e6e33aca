"""Realistic mechanism inputs for tests: the default world, perturbed per run.

Used by the chunking tests (``tests/reliability/test_chunking.py``) and the
kernel parity tests (``tests/contracts/test_kernel_parity.py``): a state near
the 2024 world with per-run noise, parameters drawn across their declared
ranges, random event draws, and every mechanism's derived quantities.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import cache
from typing import Any

import numpy as np

from flashpoint._types import FloatArray
from flashpoint.engine.apply import ScenarioInputs
from flashpoint.engine.context import all_parameters, base_context
from flashpoint.engine.run import cast_world
from flashpoint.engine.state import State
from flashpoint.mechanisms import REGISTRY
from flashpoint.mechanisms._protocol import Context, Draws, Effect
from flashpoint.world.arrays import WorldArrays

__all__ = ["assert_kernel_matches", "assert_runs_alone_match", "default_world_arrays",
           "perturbed_inputs"]


@cache
def default_world_arrays() -> WorldArrays:
    """The default 2024 world as arrays (loaded once)."""
    from flashpoint.world import load_world

    return load_world().to_arrays()


def perturbed_inputs(precision: str = "float64", runs: int = 13, seed: int = 7,
                     scenario: str | None = None, t: float = 2.0
                     ) -> tuple[State, dict[str, FloatArray], Context, Draws]:
    """A default-world state perturbed per run, parameters drawn across their ranges.

    ``scenario`` (a catalogue name) sets the context's scenario inputs
    (commitments, presence, trade, signals, ...) as the engine would at time
    ``t`` years, with the lever effects of the scenario's own design.
    Returns ``(state, derived, ctx, draws)``; ``derived`` holds every
    mechanism's derived quantities computed in registry order.
    """
    world = cast_world(default_world_arrays(), np.dtype(precision))
    ctx = base_context(world, runs)
    rng = np.random.default_rng(seed)
    s = ctx.initial.copy()
    a = np.clip(s.alignment + 0.1 * rng.standard_normal(s.alignment.shape), -1, 1)
    a = (a + np.swapaxes(a, 1, 2)) / 2
    n = a.shape[1]
    a[:, np.arange(n), np.arange(n)] = 1.0
    s = s._replace(
        milex=s.milex * (1 + 0.2 * rng.random(s.milex.shape)), alignment=a,
        tension=np.clip(s.tension + 0.2 * rng.random(s.tension.shape), 0, 1),
        crisis=rng.random(s.crisis.shape) * (rng.random(s.crisis.shape) < 0.5))
    s = State(*(np.asarray(x, dtype=precision) if np.asarray(x).dtype.kind == "f" else x
                for x in s))
    params = {p.name: (p.low + (p.high - p.low) * rng.random(runs)).astype(precision)
              for p in all_parameters()}
    ctx = replace(ctx, memo={}, params=params,
                  initial=State(*(np.asarray(x, dtype=precision) for x in ctx.initial)),
                  **{f: getattr(ctx, f).astype(precision) for f in ScenarioInputs._fields})
    if scenario is not None:
        from flashpoint.api import resolve_plan
        from flashpoint.engine.apply import PlanApplier

        plan = resolve_plan(scenario, default_world_arrays())
        applier = PlanApplier(plan, world, ctx.flashpoints, np.arange(runs, dtype=np.int64), runs,
                              seed, dtype=np.dtype(precision))
        inp = applier.inputs(t, world.defense, world.trade_share, world.milex_share)
        arrays: dict[str, Any] = {k: np.ascontiguousarray(v, dtype=precision)
                                  for k, v in inp._asdict().items()}
        ctx = replace(ctx, **arrays)
    f = ctx.flashpoints.f
    draws = Draws(rng.random((runs, f)).astype(precision), rng.random((runs, f)).astype(precision),
                  rng.standard_normal((runs, world.n)).astype(precision))
    derived: dict[str, FloatArray] = {}
    for m in REGISTRY.values():
        derived.update(m.step(s, derived, ctx, draws).derived)
    return s, derived, ctx, draws


def assert_runs_alone_match(step: Callable[..., Effect], state: State,
                            derived: Mapping[str, FloatArray], ctx: Context, draws: Draws,
                            full: Effect) -> None:
    """Assert that each run stepped alone (a chunk of one run) gives the bits of its row
    in ``full``, the effect of ``step`` on the whole chunk (deltas and derived)."""
    from flashpoint.testing.checks import _slice_ctx

    for r in range(state.milex.shape[0]):
        s = slice(r, r + 1)
        alone = step(State(*(x[s] for x in state)), {k: v[s] for k, v in derived.items()},
                     _slice_ctx(ctx, s), Draws(*(x[s] for x in draws)))
        for kind, mine, whole in (("delta", alone.deltas, full.deltas),
                                  ("derived", alone.derived, full.derived)):
            assert set(mine) == set(whole), f"run {r}: {kind} keys {sorted(mine)}"
            for k in whole:
                assert np.array_equal(mine[k], whole[k][s], equal_nan=True), (
                    f"run {r}: {kind} {k!r} differs when the run is computed alone")


def assert_kernel_matches(step: Callable[..., Effect], state: State,
                          derived: Mapping[str, FloatArray], ctx: Context, draws: Draws
                          ) -> tuple[dict[str, FloatArray], dict[str, FloatArray]]:
    """Step with the NumPy reference (fresh memo) and with the compiled kernels (the
    memo of ``ctx``, then reused as in the engine) and assert that every output keeps
    the input precision, agrees within 1e-12 (float64) or 2e-5 (float32) of its scale,
    and that the reused memo gives the same bits. Returns ``(reference, kernel)``, the
    deltas and derived quantities of each in one mapping."""
    from flashpoint import kernels

    precision = state.milex.dtype
    rtol = 1e-12 if precision == np.float64 else 2e-5
    with kernels.use("numpy"):
        eff = step(state, derived, replace(ctx, memo={}), draws)
        ref = {**eff.deltas, **eff.derived}
    with kernels.use("numba"):
        eff = step(state, derived, ctx, draws)
        fast = {**eff.deltas, **eff.derived}
        eff = step(state, derived, ctx, draws)  # the memo reused
        again = {**eff.deltas, **eff.derived}
    assert set(ref) == set(fast), f"outputs {sorted(fast)} from the kernel, {sorted(ref)}"
    for k in ref:
        assert fast[k].dtype == ref[k].dtype == precision, k
        np.testing.assert_allclose(fast[k], ref[k], rtol=rtol,
                                   atol=rtol * max(1.0, float(np.abs(ref[k]).max())), err_msg=k)
        assert np.array_equal(again[k], fast[k]), f"{k}: the reused memo changed the bits"
    return ref, fast
