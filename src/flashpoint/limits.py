"""Bounds of the run options, checked before anything is allocated (docs/reliability.md).

The CLI (``run``, ``assess``, ``compare``, ``claims evaluate``, ``sweep``,
``sensitivity``, ``discover``, ``calibrate``, ``backtest``) and the Python API
(:func:`flashpoint.simulate`) check their numbers here first, so that a bad
number is a one-line :class:`~flashpoint.errors.ParameterError` naming the
option, never a crash deep in NumPy or a half-hour run that fails at the end.

=============  ===========================  =========================================
option         bound                        why
=============  ===========================  =========================================
``--runs``     1 .. :data:`MAX_RUNS`        and the memory estimate below
``--years``    finite, (0, 100]             the engine's horizon (RunConfig)
``--dt``       1/12, 0.25, 0.5 or 1         the steps the mechanisms are written for
``--seed``     0 .. 2**63 - 1               stored as a DuckDB BIGINT
``--chunk-     1 .. :data:`MAX_CHUNK`       a chunk's (R, N, N) arrays fit in memory
size``
``--workers``  0 .. :data:`MAX_WORKERS`     processes of a local cluster
=============  ===========================  =========================================

A run held in memory is refused when :func:`estimate_bytes` exceeds the
memory the machine has available (``MemAvailable`` in ``/proc/meminfo``, or
the physical memory elsewhere), with the estimate in the message.
"""

from __future__ import annotations

import math
import os

from flashpoint.errors import ParameterError

__all__ = [
    "DT_CHOICES",
    "MAX_CHUNK",
    "MAX_RUNS",
    "MAX_SEED",
    "MAX_WORKERS",
    "MAX_YEARS",
    "available_memory",
    "check_memory",
    "check_run_options",
    "estimate_bytes",
]

#: Largest ensemble (a sweep stores its chunks and can go this far; in memory, the estimate decides).
MAX_RUNS = 10_000_000
#: Longest horizon in years.
MAX_YEARS = 100.0
#: Step lengths the mechanisms are written for (a month, a quarter, a half-year, a year).
DT_CHOICES = (1 / 12, 0.25, 0.5, 1.0)
#: Largest seed (DuckDB BIGINT, NumPy SeedSequence entropy).
MAX_SEED = 2**63 - 1
#: Largest chunk of runs computed together.
MAX_CHUNK = 100_000
#: Largest number of local worker processes.
MAX_WORKERS = 64

# Bytes per run and recorded year in a result, measured on the default 35-actor world
# (flashpoint.simulate, runs=100, years=10: 1,840 bytes without attribution, 5,090 with),
# taken per actor so that a larger world scales; the dyadic fields are three (N, N) float64.
_BYTES_PER_ACTOR_RECORD = 1840 / 35
_BYTES_PER_ACTOR_RECORD_ATTRIBUTION = (5090 - 1840) / 35
_DYADIC_FIELDS = 3
# Transient copies (chunk recorders, concatenation into the Dataset, the summary's quantiles).
_PEAK_FACTOR = 2.0
_PARAMETERS = 64  # per-run parameter and lever values (53 in the registry at the time of writing)


def check_run_options(*, runs: int | None = None, years: float | None = None,
                      dt: float | None = None, seed: int | None = None,
                      chunk_size: int | None = None, workers: int | None = None,
                      min_runs: int = 1, cli: bool = True) -> None:
    """Raise :class:`ParameterError` for the first option outside its bound (see the table above).

    Messages name the CLI option (``--chunk-size``), or with ``cli=False`` the
    Python argument (``chunk_size``).
    """
    def n(option: str) -> str:
        return f"--{option}" if cli else option.replace("-", "_")

    if runs is not None:
        _integer(n("runs"), runs)
        if not min_runs <= runs <= MAX_RUNS:
            raise ParameterError(f"{n('runs')}: expected an ensemble of {min_runs} to {MAX_RUNS:,} runs. "
                                 f"Got {runs:,} instead.")
    if years is not None:
        if not isinstance(years, int | float) or not math.isfinite(years) or not 0 < years <= MAX_YEARS:
            raise ParameterError(f"{n('years')}: expected a finite horizon in (0, {MAX_YEARS:g}] years. "
                                 f"Got {years!r} instead.")
    if dt is not None:
        if not isinstance(dt, int | float) or not any(math.isclose(dt, c, rel_tol=1e-12) for c in DT_CHOICES):
            raise ParameterError(f"{n('dt')}: expected a month, quarter, half-year or year "
                                 f"(1/12, 0.25, 0.5, 1). Got {dt!r} instead.")
    if seed is not None:
        _integer(n("seed"), seed)
        if not 0 <= seed <= MAX_SEED:
            raise ParameterError(f"{n('seed')}: expected an integer from 0 to 2**63 - 1. Got {seed} instead.")
    if chunk_size is not None:
        _integer(n("chunk-size"), chunk_size)
        if not 1 <= chunk_size <= MAX_CHUNK:
            raise ParameterError(f"{n('chunk-size')}: expected 1 to {MAX_CHUNK:,} runs per chunk. "
                                 f"Got {chunk_size:,} instead.")
    if workers is not None:
        _integer(n("workers"), workers)
        if not 0 <= workers <= MAX_WORKERS:
            raise ParameterError(f"{n('workers')}: expected 0 (in this process) to {MAX_WORKERS} worker "
                                 f"processes. Got {workers} instead.")


def _integer(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            import numpy as np

            if isinstance(value, np.integer):
                return
        except ImportError:  # pragma: no cover - numpy is a dependency
            pass
        raise ParameterError(f"{name}: expected an integer. Got {value!r} instead.")


def estimate_bytes(runs: int, years: float, dt: float, n_actors: int, *, attribution: bool = True,
                   keep_dyadic: bool = False, scenarios: int = 1) -> int:
    """Peak memory, in bytes, of ``scenarios`` results of ``runs`` runs held at once (an estimate).

    Linear in runs, recorded times (one a year, or one a step when ``dt`` > 1)
    and actors, plus ``N**2`` for the dyadic fields; calibrated on the default
    world (see the constants above) and checked against real results in
    ``tests/reliability/test_limits.py``.
    """
    records = math.ceil(years / max(dt, 1.0) - 1e-9) + 1
    per = _BYTES_PER_ACTOR_RECORD * n_actors
    if attribution:
        per += _BYTES_PER_ACTOR_RECORD_ATTRIBUTION * n_actors
    if keep_dyadic:
        per += _DYADIC_FIELDS * 8 * n_actors * n_actors
    total = runs * (records * per + _PARAMETERS * 8)
    return int(_PEAK_FACTOR * total * scenarios)


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation, or None when it cannot be told."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return None


def check_memory(runs: int, years: float, dt: float, n_actors: int, *, attribution: bool = True,
                 keep_dyadic: bool = False, scenarios: int = 1, what: str = "--runs") -> None:
    """Refuse a run whose :func:`estimate_bytes` exceeds :func:`available_memory`."""
    need = estimate_bytes(runs, years, dt, n_actors, attribution=attribution,
                          keep_dyadic=keep_dyadic, scenarios=scenarios)
    have = available_memory()
    if have is not None and need > have:
        raise ParameterError(
            f"{what} {runs:,}: the result would need about {_gib(need)} of memory "
            f"({scenarios} scenario(s) x {runs:,} runs x {n_actors} actors over {years:g} years) "
            f"but {_gib(have)} is available. Use fewer runs, a shorter horizon or "
            "`flashpoint sweep`, which stores chunks instead of holding them."
        )


def _gib(n: float) -> str:
    return f"{n / 2**30:,.1f} GiB" if n >= 2**30 else f"{n / 2**20:,.0f} MiB"
