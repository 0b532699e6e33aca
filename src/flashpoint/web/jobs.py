"""A bounded queue of simulation jobs run in a small background thread pool.

A job moves ``queued -> running -> done | failed | cancelled``. The queue
holds at most ``max_pending`` jobs that are queued or running; a submission
beyond that raises :class:`QueueFullError` (HTTP 429 in the web app), so a
flood of submissions cannot grow memory or CPU use without bound. Finished
jobs (and their results) are kept in a least-recently-used table of at most
``max_kept`` entries.

Cancellation is cooperative: :meth:`JobQueue.cancel` sets the job's flag and
the progress callback the runner hands to :func:`flashpoint.simulate` raises
:class:`JobCancelled` at the next step, which unwinds the simulation.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

__all__ = ["Job", "JobCancelled", "JobQueue", "JobStatus", "QueueFullError", "Reporter"]

JobStatus = Literal["queued", "running", "done", "failed", "cancelled"]
_FINISHED = ("done", "failed", "cancelled")


class JobCancelled(Exception):
    """Raised inside a running job when it has been cancelled."""


class QueueFullError(RuntimeError):
    """The queue already holds its maximum number of queued and running jobs."""


class Reporter:
    """Progress of one job: ``advance(n)`` adds ``n`` units of work out of ``total``.

    ``advance`` raises :class:`JobCancelled` when the job has been cancelled,
    so calling it from the simulation's progress callback stops the run.
    """

    def __init__(self, job: Job, total: float) -> None:
        self.job = job
        self.total = max(float(total), 1.0)
        self.done = 0.0

    def advance(self, n: float) -> None:
        """Add ``n`` units of work; raise :class:`JobCancelled` if cancelled."""
        if self.job.cancel_event.is_set():
            raise JobCancelled(self.job.id)
        self.done += float(n)
        self.job.progress = min(0.999, self.done / self.total)

    def check(self) -> None:
        """Raise :class:`JobCancelled` if the job has been cancelled."""
        if self.job.cancel_event.is_set():
            raise JobCancelled(self.job.id)


@dataclass(eq=False)
class Job:
    """One simulation job and its state."""

    id: str
    spec: Any
    label: str
    status: JobStatus = "queued"
    progress: float = 0.0
    created: datetime = field(default_factory=lambda: datetime.now(UTC))
    started: datetime | None = None
    finished: datetime | None = None
    error: str = ""
    result: dict[str, Any] | None = None
    cancel_event: threading.Event = field(default_factory=threading.Event)
    future: Future[None] | None = None

    @property
    def finished_ok(self) -> bool:
        """Whether the job finished with a result."""
        return self.status == "done" and self.result is not None


class JobQueue:
    """Run jobs in ``workers`` background threads; bound queued + running jobs and kept results.

    Parameters
    ----------
    runner : callable
        ``runner(spec, reporter) -> dict``: runs one job, calling
        ``reporter.advance`` as it goes, and returns the result document.
    work : callable
        ``work(spec) -> float``: total work units of a job (for the progress fraction).
    workers : int
        Threads running jobs at once (1-2: each simulation is vectorised already).
    max_pending : int
        Queued and running jobs at most; beyond it :meth:`submit` raises.
    max_kept : int
        Jobs remembered at most (finished ones are dropped oldest first).
    on_done : callable, optional
        Called with each job that finishes with a result (e.g. to store it).
    """

    def __init__(self, runner: Callable[[Any, Reporter], dict[str, Any]],
                 work: Callable[[Any], float], *, workers: int = 1, max_pending: int = 8,
                 max_kept: int = 32, on_done: Callable[[Job], None] | None = None) -> None:
        if not 1 <= workers <= 4:
            raise ValueError(f"workers must be in [1, 4]. Got {workers} instead.")
        if max_pending < 1 or max_kept < max_pending:
            raise ValueError(f"need 1 <= max_pending <= max_kept. Got {max_pending}, {max_kept} instead.")
        self._runner = runner
        self._work = work
        self._on_done = on_done
        self.max_pending = max_pending
        self.max_kept = max_kept
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="flashpoint-job")

    # ------------------------------------------------------------------ queries
    def pending(self) -> int:
        """Number of queued and running jobs."""
        with self._lock:
            return sum(1 for j in self._jobs.values() if j.status not in _FINISHED)

    def get(self, job_id: str) -> Job | None:
        """The job with ``job_id`` (None when unknown or forgotten); marks it recently used."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None:
                self._jobs.move_to_end(job_id)
            return job

    def jobs(self) -> list[Job]:
        """Every remembered job, oldest first."""
        with self._lock:
            return list(self._jobs.values())

    def position(self, job: Job) -> int:
        """Queued jobs ahead of ``job`` (0 when it is running or finished)."""
        if job.status != "queued":
            return 0
        with self._lock:
            queued = sorted((j for j in self._jobs.values() if j.status == "queued"),
                            key=lambda j: j.created)
        return next((k for k, j in enumerate(queued) if j is job), 0)

    # ------------------------------------------------------------------ commands
    def submit(self, spec: Any, label: str) -> Job:
        """Queue a job; raise :class:`QueueFullError` when ``max_pending`` are queued or running."""
        with self._lock:
            busy = sum(1 for j in self._jobs.values() if j.status not in _FINISHED)
            if busy >= self.max_pending:
                raise QueueFullError(
                    f"the job queue is full: {busy} jobs are queued or running and the limit is "
                    f"{self.max_pending}. Wait for one to finish or cancel one (DELETE /api/jobs/<id>)."
                )
            job = Job(id=secrets.token_hex(8), spec=spec, label=label)
            self._jobs[job.id] = job
            self._evict()
        job.future = self._pool.submit(self._run, job)
        return job

    def cancel(self, job_id: str) -> Job | None:
        """Ask a job to stop; a queued job is cancelled at once. None when unknown."""
        job = self.get(job_id)
        if job is None:
            return None
        job.cancel_event.set()
        with self._lock:
            if job.status == "queued":
                job.status = "cancelled"
                job.finished = datetime.now(UTC)
        return job

    def shutdown(self) -> None:
        """Cancel every job and stop the threads."""
        for job in self.jobs():
            job.cancel_event.set()
        self._pool.shutdown(wait=True, cancel_futures=True)

    # ------------------------------------------------------------------ internals
    def _evict(self) -> None:
        while len(self._jobs) > self.max_kept:
            victim = next((k for k, j in self._jobs.items() if j.status in _FINISHED), None)
            if victim is None:
                return
            del self._jobs[victim]

    def _run(self, job: Job) -> None:
        with self._lock:
            if job.status != "queued" or job.cancel_event.is_set():
                job.status = "cancelled"
                job.finished = job.finished or datetime.now(UTC)
                return
            job.status = "running"
            job.started = datetime.now(UTC)
        reporter = Reporter(job, self._work(job.spec))
        try:
            result = self._runner(job.spec, reporter)
        except JobCancelled:
            status: JobStatus = "cancelled"
            result, error = None, ""
        except Exception as e:  # a job's failure is reported in its status, never raised
            status, result, error = "failed", None, f"{type(e).__name__}: {e}"
        else:
            status, error = "done", ""
        with self._lock:
            job.result = result
            job.error = error
            job.status = status
            job.progress = 1.0 if status == "done" else job.progress
            job.finished = datetime.now(UTC)
            self._evict()
        if status == "done" and self._on_done is not None:
            try:
                self._on_done(job)
            except Exception as e:  # storing is optional; the result stays in memory
                job.error = f"result not stored: {type(e).__name__}: {e}"
