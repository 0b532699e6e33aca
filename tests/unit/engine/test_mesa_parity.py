"""The Mesa reference in benchmarks/bench_mesa.py computes the engine's threat and arms numbers."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("mesa")

BENCH = Path(__file__).resolve().parents[3] / "benchmarks" / "bench_mesa.py"


def _bench():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_mesa", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_mesa_model_matches_the_engine_on_threat_and_arms() -> None:
    from flashpoint.world import load_world

    bench = _bench()
    world = load_world().to_arrays()
    mesa_milex = bench.mesa_ensemble(world, 3, 2, 0)
    engine_milex = bench.engine_ensemble(world, 3, 2, 0)
    assert mesa_milex.shape == engine_milex.shape == (3, 3, world.n)
    # the dynamics move spending (trend, threat response, shocks), so parity is not trivial
    moved = np.abs(engine_milex[:, -1] / engine_milex[:, 0] - 1.0)
    assert np.max(moved) > 0.01
    np.testing.assert_allclose(mesa_milex, engine_milex, rtol=1e-12, atol=0.0)


def test_the_two_modules_alone_match_the_engine_and_mesa() -> None:
    """The benchmark's "modules" column steps only the threat and arms modules; it must
    compute the same spending as the engine (and so as the Mesa model)."""
    from flashpoint.world import load_world

    bench = _bench()
    world = load_world().to_arrays()
    modules = bench.modules_ensemble(world, 5, 2, 0)
    engine = bench.engine_ensemble(world, 5, 2, 0)
    np.testing.assert_allclose(modules, engine, rtol=1e-12, atol=0.0)
