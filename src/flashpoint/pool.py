"""Batches of independent simulations, one per worker process.

Why processes
-------------
One ensemble's chunks run in threads (:mod:`flashpoint.engine.run`), and
threads share the interpreter lock: the compiled kernels and BLAS release
it, the Python that composes a step does not. Measured on a 2-core machine
(``docs/performance.md``): two threads give 1.2-1.3x on the construction
audit's 64-run ensembles and about 1.5x on 10,000 runs, where two processes
each running its own ensemble give 2.0x. A batch of independent simulations
(``assess``'s scenarios, the construction audit's variants) therefore runs
one simulation per worker process, each on one thread.

Same numbers
------------
A simulation's result does not depend on its chunking or its threads
(``tests/reliability/test_chunking.py``), and every worker pins BLAS to one
thread as the engine does, so a simulation run in a worker gives the bits it
gives in this process (tested in ``tests/unit/test_pool.py``).

Cost
----
Workers are started with ``spawn`` (a fork of a process holding BLAS and
engine threads is unsafe) and take about 2 s to import flashpoint and load
the compiled kernels, in parallel. :func:`worth_processes` uses them only
for batches whose work is several times that; ``FLASHPOINT_PROCESSES``
(a number; ``1`` runs every batch here) overrides it. :meth:`SimulationPool.start`
starts them ahead of a first batch whose size is known (``flashpoint assess``
starts them before its own imports, world and scenarios: their start overlaps
that work instead of following it). One ensemble is not
split over workers: 10,000 runs of the default world took 13.6 s as two
pieces in two workers against 11.9 s on the engine's two threads (the
workers' start is most of the difference), bit-identical either way.

Progress
--------
Workers report ``(label, steps)`` through a queue: ``steps = 0`` when a
simulation starts, then the engine's step callbacks, a few per second. A
thread of this process passes them to the caller's ``progress``.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue as queue_mod
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from flashpoint.errors import ParameterError

if TYPE_CHECKING:  # (imported light: the CLI starts the workers before its own imports)
    import xarray as xr

    from flashpoint.engine.plan import Plan
    from flashpoint.world.arrays import WorldArrays

__all__ = ["Job", "SimulationPool", "default_processes", "estimated_work", "worth_processes"]

T = TypeVar("T")

#: ``progress(label, steps)``: ``steps = 0`` when the job starts, else steps done.
JobProgress = Callable[[str, int], None]

#: Seconds of single-threaded work per run-step of the 35-actor world (measured on
#: the catalogue's scenarios, 50-80 us; the dyadic work grows with N^2, the matrix
#: products of alignment with N^3 from about 100 actors).
RUN_STEP_SECONDS = 60e-6
#: A batch goes to worker processes when its estimated single-threaded work is at
#: least this many seconds: several times a worker's start (about 2 s, in parallel).
MIN_BATCH_SECONDS = 12.0
#: Seconds between two progress messages of a worker.
REPORT_EVERY = 0.2


@dataclass(frozen=True)
class Job:
    """One simulation: :func:`flashpoint.api.simulate` of ``plan`` on ``world`` with
    ``options`` (its keyword arguments), reported to progress as ``label``."""

    world: WorldArrays
    plan: Plan
    options: dict[str, Any] = field(default_factory=dict)
    label: str = ""

    def work(self) -> float:
        """Estimated single-threaded seconds (:func:`estimated_work`)."""
        o = self.options
        return estimated_work(int(o.get("runs", 1000)), float(o.get("years", 10)),
                              self.world.n, float(o.get("dt", 0.25)),
                              bool(o.get("attribution", True)))


def estimated_work(runs: int, years: float, actors: int = 35, dt: float = 0.25,
                   attribution: bool = False) -> float:
    """Estimated single-threaded seconds of one simulation (:data:`RUN_STEP_SECONDS`;
    attribution about 1.8 times a run)."""
    scale = (actors / 35) ** 2
    return runs * (years / dt) * RUN_STEP_SECONDS * scale * (1.8 if attribution else 1.0)


def default_processes() -> int:
    """Worker processes a batch may use: ``FLASHPOINT_PROCESSES``, else the cores."""
    raw = os.environ.get("FLASHPOINT_PROCESSES", "").strip()
    if raw:
        try:
            value = int(raw)
        except ValueError:
            raise ParameterError(f"FLASHPOINT_PROCESSES expects a whole number of processes. "
                                 f"Got {raw!r} instead.") from None
        if value < 1:
            raise ParameterError(f"FLASHPOINT_PROCESSES expects at least 1. Got {value} "
                                 "instead.")
        return value
    return os.cpu_count() or 1


def worth_processes(jobs: Sequence[Job], processes: int | None = None) -> int:
    """How many worker processes ``jobs`` should use: 1 (run here) unless there are
    several cores and jobs, and, unless the number was asked for (``processes`` or
    ``FLASHPOINT_PROCESSES``), enough work to pay for starting the workers."""
    return _worth(len(jobs), sum(j.work() for j in jobs), processes)


def _worth(jobs: int, work: float, processes: int | None) -> int:
    """:func:`worth_processes` of ``jobs`` simulations of ``work`` seconds in all."""
    asked = processes is not None or bool(os.environ.get("FLASHPOINT_PROCESSES", "").strip())
    count = min(default_processes() if processes is None else processes, jobs)
    if count < 2 or (not asked and work < MIN_BATCH_SECONDS):
        return 1
    return count


# ----------------------------------------------------------------------------- workers

_WORKER: dict[str, Any] = {"queue": None}


def _init_worker(messages: Any) -> None:
    """Worker start: its progress queue; Ctrl-C is the parent's to handle (it stops the
    workers), so a worker prints no traceback of its own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER["queue"] = messages


def _warm() -> None:
    """A worker's start ahead of its first job: import flashpoint and load the compiled
    kernels (a two-run, one-step simulation of the default world)."""
    from flashpoint.api import simulate

    simulate(runs=2, years=0.25, threads=1, attribution=False, keep_dyadic=False)


def _simulate(job: Job, report: JobProgress | None, **extra: Any) -> xr.Dataset:
    """Simulate ``job``, reporting ``(label, 0)`` at its start and ``(label, 1)`` after
    every engine step (:data:`JobProgress`)."""
    from flashpoint.api import simulate

    if report is None:
        return simulate(job.world, job.plan, **job.options, **extra)
    report(job.label, 0)
    return simulate(job.world, job.plan, progress=lambda _r, _s: report(job.label, 1),
                    **job.options, **extra)


def _run_job(job: Job) -> xr.Dataset:
    """A job in a worker, on one engine thread (the workers are the parallelism); its
    progress goes to the parent's queue in batches, a few a second."""
    messages = _WORKER["queue"]
    if messages is None:
        return _simulate(job, None, threads=1)
    pending = [0, time.monotonic()]

    def report(label: str, steps: int) -> None:
        if steps == 0:
            messages.put((label, 0))
            return
        pending[0] += steps
        if time.monotonic() - pending[1] >= REPORT_EVERY:
            messages.put((label, pending[0]))
            pending[0], pending[1] = 0, time.monotonic()

    ds = _simulate(job, report, threads=1)
    if pending[0]:
        messages.put((job.label, pending[0]))
    return ds


class SimulationPool:
    """Run batches of :class:`Job` in worker processes, started at the first batch that
    is worth them (:func:`worth_processes`) and kept for the next (which then uses them
    whatever its size); a context manager.

    ``processes`` fixes the number of workers (1: every job runs in this process);
    None decides per batch.
    """

    def __init__(self, processes: int | None = None) -> None:
        if processes is not None and processes < 1:
            raise ParameterError(f"processes: expected at least 1. Got {processes} instead.")
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None
        self._size = 0
        self._messages: Any = None

    def __enter__(self) -> SimulationPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close(cancel=exc[0] is not None)

    def close(self, cancel: bool = False) -> None:
        """Stop the workers: once their jobs are done, or at once when ``cancel``
        (an error or Ctrl-C: nothing of theirs is wanted any more)."""
        if self._pool is None:
            return
        pool, self._pool = self._pool, None
        if cancel:
            # the executor has no public way to stop a running job: end its processes
            for proc in list(getattr(pool, "_processes", {}).values()):
                proc.terminate()
        pool.shutdown(wait=True, cancel_futures=cancel)

    def start(self, jobs: int, work: float) -> None:
        """Start the workers now for a first batch of ``jobs`` simulations of ``work``
        single-threaded seconds in all, if such a batch would use them
        (:func:`worth_processes`): each imports flashpoint and loads the compiled
        kernels (2-4 s) while this process prepares the batch. A start that fails is
        left to the batch to report."""
        size = 1 if self.processes == 1 else _worth(jobs, work, self.processes)
        if size < 2 or self._pool is not None:
            return
        pool = self._executor(size)
        for _ in range(size):
            pool.submit(_warm)

    def submit(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        """``fn(*args)`` in a worker process if the workers are started, else here, now;
        its Future. ``fn`` must be a module-level function and its arguments picklable
        (the report's figures are drawn this way while this process stores the results)."""
        if self._pool is None:
            done: Future[T] = Future()
            try:
                done.set_result(fn(*args))
            except Exception as e:  # the Future carries it to .result()
                done.set_exception(e)
            return done
        return self._pool.submit(fn, *args)

    def _executor(self, size: int) -> ProcessPoolExecutor:
        if self._pool is None or self._size < size:
            self.close()
            ctx = mp.get_context("spawn")
            self._messages = ctx.Queue()
            self._pool = ProcessPoolExecutor(max_workers=size, mp_context=ctx,
                                             initializer=_init_worker,
                                             initargs=(self._messages,))
            self._size = size
        return self._pool

    def run(self, jobs: Sequence[Job], progress: JobProgress | None = None) -> list[xr.Dataset]:
        """The jobs' results, in order; each job as if simulated here."""
        jobs = list(jobs)
        size = worth_processes(jobs, self.processes)
        if size < 2 and self._pool is not None and len(jobs) >= 2 and self.processes != 1:
            size = min(self._size, len(jobs))  # the workers are started: use them
        if size < 2:
            return [_simulate(job, progress) for job in jobs]
        pool = self._executor(size)
        # the longest first, so that no worker is left with a long job at the end
        order = sorted(range(len(jobs)), key=lambda i: -jobs[i].work())
        with self._relay(progress):
            futures: dict[int, Future[xr.Dataset]] = {
                i: pool.submit(_run_job, jobs[i]) for i in order}
            try:
                return [futures[i].result() for i in range(len(jobs))]
            except BaseException:
                for f in futures.values():
                    f.cancel()
                raise

    @contextmanager
    def _relay(self, progress: JobProgress | None) -> Iterator[None]:
        """Pass the workers' progress messages to ``progress`` while the block runs."""
        stop = threading.Event()
        messages = self._messages

        def drain(final: bool = False) -> None:
            while True:
                try:
                    label, steps = messages.get(timeout=0.05 if not final else 0.01)
                except queue_mod.Empty:
                    return
                if progress is not None:
                    progress(label, steps)

        def loop() -> None:
            while not stop.is_set():
                drain()

        relay = threading.Thread(target=loop, name="flashpoint-pool-progress", daemon=True)
        relay.start()
        try:
            yield
        finally:
            stop.set()
            relay.join()
            drain(final=True)
