"""Every mechanism computes in the dtype it is given (no silent float64 upcast),
so the engine's float32 precision really runs in float32."""

import numpy as np
import pytest

from flashpoint.engine.metrics import MetricIndex
from flashpoint.engine.plan import Plan
from flashpoint.engine.run import RunConfig, _Chunk, _mechanisms, design_parameters
from flashpoint.mechanisms import REGISTRY
from flashpoint.testing import tiny_world
from flashpoint.world.flashpoints import flashpoint_arrays


@pytest.fixture(scope="module")
def float32_inputs():
    world = tiny_world()
    cfg = RunConfig(runs=6, years=1, attribution=False, keep_dyadic=False, precision="float32")
    plan = Plan()
    _, values = design_parameters(plan, cfg)
    chunk = _Chunk(world, flashpoint_arrays(world), plan, cfg, values, np.arange(6),
                   _mechanisms(plan), {}, MetricIndex.build(world))
    return chunk.initial, chunk.context(0), chunk.draws.at(0)


def test_float32_context_and_state(float32_inputs) -> None:
    state, ctx, _ = float32_inputs
    assert all(getattr(state, f).dtype == np.float32 for f in state._fields)
    assert all(v.dtype == np.float32 for v in ctx.params.values())
    assert ctx.world.distance_km.dtype == np.float32


def test_every_mechanism_keeps_float32(float32_inputs) -> None:
    state, ctx, draws = float32_inputs
    derived: dict = {}
    for m in REGISTRY.values():
        eff = m.step(state, derived, ctx, draws)
        for k, v in {**eff.deltas, **eff.derived}.items():
            assert np.asarray(v).dtype == np.float32, f"{m.name}: {k} is {np.asarray(v).dtype}"
        derived.update(eff.derived)
