"""BLAS under control: one BLAS thread inside the engine, same bits on 1 or 2 engine threads."""

from __future__ import annotations

import numpy as np
import pytest
from threadpoolctl import threadpool_info

from flashpoint.engine import run as engine_run
from flashpoint.engine.plan import Plan
from flashpoint.engine.run import RunConfig, run_ensemble
from flashpoint.world import load_world


@pytest.fixture(scope="module")
def world():
    return load_world().to_arrays()


def _cfg(threads: int) -> RunConfig:
    return RunConfig(runs=12, years=2, seed=5, chunk_size=4, threads=threads, attribution=False,
                     keep_dyadic=True)


def test_one_and_two_engine_threads_give_the_same_bits(world) -> None:
    plan = Plan(name="status_quo")
    one = run_ensemble(world, plan, _cfg(1))
    two = run_ensemble(world, plan, _cfg(2))
    assert set(one.data_vars) == set(two.data_vars)
    for v in one.data_vars:
        assert np.array_equal(one[v].values, two[v].values, equal_nan=True), v


def test_blas_runs_single_threaded_inside_a_chunk(world, monkeypatch) -> None:
    seen: list[int] = []
    original = engine_run._Chunk.run

    def spy(self, progress, *sinks):  # type: ignore[no-untyped-def]
        seen.extend(lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas")
        return original(self, progress, *sinks)

    monkeypatch.setattr(engine_run._Chunk, "run", spy)
    before = [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]
    run_ensemble(world, Plan(name="status_quo"), _cfg(2))
    assert seen, "numpy links no BLAS threadpoolctl can see"
    assert set(seen) == {1}
    after = [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]
    assert after == before  # the limit is lifted when the ensemble is done
