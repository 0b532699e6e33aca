"""Worker processes for batches of simulations (flashpoint.pool)."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from flashpoint.api import resolve_plan, resolve_world
from flashpoint.engine.run import auto_chunk, steps_for
from flashpoint.errors import ParameterError
from flashpoint.pool import (
    MIN_BATCH_SECONDS,
    Job,
    SimulationPool,
    default_processes,
    worth_processes,
)


@pytest.fixture(scope="module")
def jobs() -> list[Job]:
    world = resolve_world(None)
    out = []
    for name, attribution in (("status_quo", True), ("nato_ip4_partnership", False)):
        out.append(Job(world, resolve_plan(name, world), label=name, options=dict(
            runs=24, years=2, seed=3, attribution=attribution, keep_dyadic=True,
            chunk_size=auto_chunk(world.n, 24))))
    return out


def _same(a: xr.Dataset, b: xr.Dataset) -> None:
    assert sorted(a.data_vars) == sorted(b.data_vars)
    for k in a.data_vars:
        x, y = a[k].values, b[k].values
        assert x.dtype == y.dtype and x.shape == y.shape, k
        assert x.tobytes() == y.tobytes(), k  # the same bits, NaN included
    for k in a.coords:
        assert np.array_equal(a[k].values, b[k].values), k


def test_a_batch_in_worker_processes_gives_the_bits_of_this_process(jobs: list[Job]) -> None:
    here = SimulationPool(processes=1).run(jobs)
    seen: list[tuple[str, int]] = []
    with SimulationPool(processes=2) as pool:
        there = pool.run(jobs, lambda label, steps: seen.append((label, steps)))
        again = pool.run(jobs[:1] * 2)  # the workers are kept for the next batch
    for a, b in zip(here, there, strict=True):
        _same(a, b)
    _same(here[0], again[0])
    _same(here[0], again[1])
    # progress: each job says it started, then its steps (one per chunk and step), in total
    chunks = -(-24 // auto_chunk(35, 24))
    for job in jobs:
        mine = [s for label, s in seen if label == job.label]
        assert mine and mine[0] == 0
        assert sum(mine) == chunks * steps_for(2, 0.25)


def test_progress_here_counts_the_same_steps(jobs: list[Job]) -> None:
    seen: list[tuple[str, int]] = []
    SimulationPool(processes=1).run(jobs[:1], lambda label, steps: seen.append((label, steps)))
    chunks = -(-24 // auto_chunk(35, 24))
    assert seen[0] == ("status_quo", 0)
    assert sum(s for _, s in seen) == chunks * steps_for(2, 0.25)


def test_an_error_in_a_worker_reaches_the_caller_as_itself(jobs: list[Job]) -> None:
    bad = Job(jobs[0].world, jobs[0].plan, label="bad",
              options={**jobs[0].options, "runs": 0})
    with SimulationPool(processes=2) as pool, pytest.raises(ParameterError, match="runs"):
        pool.run([jobs[1], bad])


def test_small_batches_stay_here_and_large_ones_use_the_cores(
        jobs: list[Job], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLASHPOINT_PROCESSES", raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert sum(j.work() for j in jobs) < MIN_BATCH_SECONDS
    assert worth_processes(jobs) == 1
    big = [Job(j.world, j.plan, label=j.label, options={**j.options, "runs": 5000, "years": 10})
           for j in jobs]
    assert worth_processes(big) == 2
    assert worth_processes(big[:1]) == 1  # one job: nothing to run beside it
    assert worth_processes(jobs, processes=2) == 2  # asked for: used whatever the work
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    assert worth_processes(big) == 1


def test_the_environment_sets_the_processes(monkeypatch: pytest.MonkeyPatch,
                                            jobs: list[Job]) -> None:
    monkeypatch.setenv("FLASHPOINT_PROCESSES", "1")
    assert default_processes() == 1
    big = [Job(j.world, j.plan, label=j.label, options={**j.options, "runs": 5000})
           for j in jobs]
    assert worth_processes(big) == 1
    monkeypatch.setenv("FLASHPOINT_PROCESSES", "2")
    assert worth_processes(jobs) == 2  # asked for: used whatever the work
    for bad in ("two", "0", "-1"):
        monkeypatch.setenv("FLASHPOINT_PROCESSES", bad)
        with pytest.raises(ParameterError, match="FLASHPOINT_PROCESSES"):
            default_processes()
    with pytest.raises(ParameterError, match="processes"):
        SimulationPool(processes=0)


def test_started_workers_take_the_next_batch_whatever_its_size(
        jobs: list[Job], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLASHPOINT_PROCESSES", raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    pool = SimulationPool()
    try:
        pool.run(jobs)  # small: here, and no worker started
        assert pool._pool is None
        big = [Job(j.world, j.plan, label=j.label, options={**j.options, "runs": 4000,
                                                            "years": 10, "keep_dyadic": False})
               for j in jobs]
        assert worth_processes(big) == 2
        pool._executor(2)  # as a large batch would

        def here(*_: object) -> None:
            raise AssertionError("a small batch ran here although workers were started")

        monkeypatch.setattr("flashpoint.pool._simulate", here)
        seen: list[tuple[str, int]] = []
        pool.run(jobs, lambda label, steps: seen.append((label, steps)))
        assert {label for label, _ in seen} == {j.label for j in jobs}
    finally:
        pool.close()


def test_workers_started_ahead_take_the_first_batch_with_the_same_bits(
        jobs: list[Job], monkeypatch: pytest.MonkeyPatch) -> None:
    """``start`` (the CLI's, before its own imports) starts the workers only for work
    that pays for them, and a batch after it runs in them with the bits of this process."""
    monkeypatch.delenv("FLASHPOINT_PROCESSES", raising=False)
    here = SimulationPool(processes=1).run(jobs)
    with SimulationPool() as pool:
        pool.start(2, MIN_BATCH_SECONDS / 2)  # too little work: no workers
        assert pool._pool is None
    with SimulationPool(processes=1) as pool:
        pool.start(2, 10 * MIN_BATCH_SECONDS)  # one process asked for: none either
        assert pool._pool is None
    if default_processes() < 2:
        return
    with SimulationPool() as pool:
        pool.start(2, 10 * MIN_BATCH_SECONDS)
        assert pool._pool is not None and pool._size == 2
        seen: list[tuple[str, int]] = []
        done = pool.run(jobs, lambda label, steps: seen.append((label, steps)))
        assert {label for label, steps in seen if steps == 0} == {j.label for j in jobs}
    for a, b in zip(here, done, strict=True):
        _same(a, b)


def test_submit_runs_in_a_worker_once_they_are_started_else_here() -> None:
    """Other work for the workers (the report's figures): run here at once while no
    worker is started, in a worker once they are; an error reaches ``result()``."""
    import os

    with SimulationPool(processes=2) as pool:
        here = pool.submit(os.getpid)
        assert here.done() and here.result() == os.getpid()
        failed = pool.submit(int, "x")
        with pytest.raises(ValueError, match="invalid literal"):
            failed.result()
        pool._executor(2)
        assert pool.submit(os.getpid).result() != os.getpid()
        with pytest.raises(ValueError, match="invalid literal"):
            pool.submit(int, "x").result()
