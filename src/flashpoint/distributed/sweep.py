"""Resumable sweeps on Dask: many scenarios x many runs (or a sensitivity design), in chunks.

A sweep is fixed by its provenance: the scenarios (and their files' SHA-256),
the world's digest, the total number of runs, the horizon, ``dt``, the seed,
the parameter design (the engine's Latin hypercube over *all* ``runs``, or an
explicit sensitivity design), the code version and the chunk size. Its
``sweep_id`` is a hash of all of these, so the same command finds the same
sweep again.

Chunks. Each scenario's ``runs`` are split into ``ceil(runs / chunk_size)``
slices ``[a, b)``. A slice is computed with ``run_ensemble(run_range=(a, b))``:
the engine draws the parameter design for the whole ensemble and keys every
random stream by the global run index, so a slice is bit-identical to the same
runs of an uninterrupted, unchunked ensemble, whichever worker computes it.

Scheduling. Chunks run on a Dask ``distributed`` cluster: a
:class:`distributed.LocalCluster` (``n_workers`` processes, one thread each)
by default, or an existing scheduler (``scheduler="tcp://host:8786"``) with
the same code. Tasks are submitted with ``retries`` so a chunk whose worker
dies is recomputed elsewhere. ``workers=0`` computes in the calling process
(no Dask), which is the reference the distributed result must equal.

Storage, atomically. Workers only compute and return the chunk's arrays; the
client alone writes to DuckDB. Each finished chunk is written in one
transaction: its metrics (``sweep_metrics``, long form, NaN kept), its
per-run parameters and lever effects (``sweep_params``) and its completion
row (``sweep_chunks``). A crash (SIGKILL, Ctrl-C, power loss) leaves either
the whole chunk or nothing; rerunning the same command skips the finished
chunks (see :func:`finished_chunks`) and computes the rest.
:func:`load_sweep` reassembles a scenario's result as an ``xarray.Dataset``.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xarray as xr

from flashpoint.errors import ParameterError, StoreError

if TYPE_CHECKING:
    from flashpoint.analysis.sensitivity import Design
    from flashpoint.engine.plan import Plan
    from flashpoint.storage import Store
    from flashpoint.world.arrays import WorldArrays

__all__ = ["Chunk", "SweepConfig", "SweepReport", "finished_chunks", "load_sweep", "plan_chunks",
           "run_sweep", "sweep_id"]


@dataclass(frozen=True)
class SweepConfig:
    """What to sweep and how to split it.

    scenarios : catalogue names or TOML paths (``"status_quo"`` for the baseline).
    runs, years, dt, seed : the ensemble, as for :func:`flashpoint.simulate`.
    chunk_size : runs per chunk (the unit of work, of storage and of resumption).
    design : an optional sensitivity design (:class:`~flashpoint.analysis.sensitivity.Design`);
        its rows replace the Latin hypercube and fix ``runs``.
    """

    scenarios: tuple[str, ...]
    runs: int = 1000
    years: float = 10.0
    dt: float = 0.25
    seed: int = 0
    chunk_size: int = 100
    design: Design | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not self.scenarios:
            raise ParameterError("sweep: expected at least one scenario. Got none instead.")
        if self.chunk_size < 1:
            raise ParameterError(f"sweep: chunk_size must be at least 1. Got {self.chunk_size} instead.")
        if self.design is not None and self.design.runs != self.runs:
            raise ParameterError(f"sweep: runs must equal the design's {self.design.runs} rows. "
                                 f"Got {self.runs} instead.")


@dataclass(frozen=True)
class Chunk:
    """One unit of work: runs ``[start, stop)`` of ``scenario``."""

    scenario: str
    index: int
    start: int
    stop: int


@dataclass(frozen=True)
class SweepReport:
    """What a call to :func:`run_sweep` did."""

    sweep_id: str
    chunks: int
    computed: int
    skipped: int
    seconds: float
    run_steps: int


def plan_chunks(cfg: SweepConfig) -> list[Chunk]:
    """Every chunk of the sweep, scenario by scenario."""
    n = math.ceil(cfg.runs / cfg.chunk_size)
    return [Chunk(s, k, k * cfg.chunk_size, min(cfg.runs, (k + 1) * cfg.chunk_size))
            for s in cfg.scenarios for k in range(n)]


def _scenario_provenance(name: str) -> dict[str, str]:
    from flashpoint.scenarios.load import read_source

    path, text = read_source(name)
    return {"name": name, "file": str(path.name), "file_sha256": hashlib.sha256(text.encode()).hexdigest()}


def _provenance(cfg: SweepConfig, world: WorldArrays) -> dict[str, Any]:
    from flashpoint.provenance import code_version

    return {
        "scenarios": [_scenario_provenance(s) for s in cfg.scenarios],
        "world_digest": world.digest(), "world_year": int(world.year), "seed": cfg.seed,
        "runs": cfg.runs, "years": float(cfg.years), "dt": float(cfg.dt),
        "design": "latin_hypercube" if cfg.design is None else cfg.design.describe(),
        "design_digest": "" if cfg.design is None else cfg.design.digest(),
        "code_version": code_version(), "chunk_size": cfg.chunk_size,
    }


def sweep_id(cfg: SweepConfig, world: WorldArrays) -> str:
    """Content hash of the sweep's provenance (same command, same id)."""
    blob = json.dumps(_provenance(cfg, world), sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def finished_chunks(store: Store, sid: str) -> set[tuple[str, int]]:
    """``(scenario, chunk)`` pairs already stored for sweep ``sid``."""
    rows = store.con.execute("SELECT scenario, chunk FROM sweep_chunks WHERE sweep_id = ?", [sid]).fetchall()
    return {(str(r[0]), int(r[1])) for r in rows}


def compute_chunk(world: WorldArrays, plan: Plan, runs: int, years: float, dt: float, seed: int,
                  start: int, stop: int, parameters: dict[str, Any] | None,
                  levers: dict[str, Any] | None) -> tuple[xr.Dataset, float, str]:
    """Worker side: runs ``[start, stop)``; returns the result, seconds taken and the host."""
    import socket

    from flashpoint.engine.run import RunConfig, run_ensemble

    t0 = time.perf_counter()
    cfg = RunConfig(runs=runs, years=float(years), seed=seed, dt=dt, attribution=False,
                    keep_dyadic=False)
    ds = run_ensemble(world, plan, cfg, parameters=parameters, levers=levers, run_range=(start, stop))
    return ds, time.perf_counter() - t0, socket.gethostname()


def _long(ds: xr.Dataset, sid: str, scenario: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    frames = []
    runs = np.asarray(ds.run.values, dtype=np.int32)
    times = np.asarray(ds.time.values, dtype=np.float64)
    for key, var in ds.data_vars.items():
        if var.dims[:2] != ("run", "time") or len(var.dims) > 3:
            continue
        values = np.asarray(var.values, dtype=np.float64)
        if var.ndim == 2:
            values, dim, labels = values[:, :, None], "", [""]
        else:
            dim = str(var.dims[2])
            labels = [str(x) for x in ds[dim].values]
        r, t, k = values.shape
        frames.append(pd.DataFrame({
            "sweep_id": sid, "scenario": scenario, "metric": str(key), "dim": dim,
            "selector": np.tile(np.asarray(labels, dtype=object), r * t),
            "pos": np.tile(np.arange(k, dtype=np.int32), r * t),
            "run": np.repeat(runs, t * k), "time": np.tile(np.repeat(times, k), r),
            "value": values.reshape(-1),
        }))
    params = []
    for name, coord in ds.coords.items():
        key = str(name)
        if coord.dims == ("run",) and (key.startswith("param__") or key.startswith("lever__")):
            params.append(pd.DataFrame({
                "sweep_id": sid, "scenario": scenario, "run": runs, "name": key,
                "label": str(coord.attrs.get("lever", "")),
                "value": np.asarray(coord.values, dtype=np.float64)}))
    empty = pd.DataFrame(columns=["sweep_id", "scenario", "run", "name", "label", "value"])
    return pd.concat(frames, ignore_index=True), pd.concat(params, ignore_index=True) if params else empty


def _write_chunk(store: Store, sid: str, chunk: Chunk, ds: xr.Dataset, seconds: float, host: str) -> None:
    """One transaction: the chunk's rows and its completion row, or nothing."""
    metrics, params = _long(ds, sid, chunk.scenario)
    con = store.con
    con.execute("BEGIN TRANSACTION")
    try:
        con.register("_fp_metrics", metrics)
        con.register("_fp_params", params)
        con.execute("DELETE FROM sweep_metrics WHERE sweep_id = ? AND scenario = ? AND run >= ? "
                    "AND run < ?", [sid, chunk.scenario, chunk.start, chunk.stop])
        con.execute("DELETE FROM sweep_params WHERE sweep_id = ? AND scenario = ? AND run >= ? "
                    "AND run < ?", [sid, chunk.scenario, chunk.start, chunk.stop])
        con.execute("INSERT INTO sweep_metrics BY NAME SELECT * FROM _fp_metrics")
        con.execute("INSERT INTO sweep_params BY NAME SELECT * FROM _fp_params")
        con.execute("INSERT INTO sweep_chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [sid, chunk.scenario, chunk.index, chunk.start, chunk.stop, seconds, host,
                     datetime.now(UTC).replace(tzinfo=None)])
        con.execute("COMMIT")
    except Exception as e:
        con.execute("ROLLBACK")
        raise StoreError(f"sweep {sid}: cannot store chunk {chunk.scenario}:{chunk.index}: {e}") from e
    finally:
        con.unregister("_fp_metrics")
        con.unregister("_fp_params")


def _register(store: Store, sid: str, prov: dict[str, Any], n_chunks: int) -> None:
    if store.con.execute("SELECT count(*) FROM sweeps WHERE sweep_id = ?", [sid]).fetchone() != (0,):
        return
    store.con.execute(
        "INSERT INTO sweeps VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [sid, json.dumps(prov["scenarios"], sort_keys=True), prov["world_digest"], prov["world_year"],
         prov["seed"], prov["runs"], prov["years"], prov["dt"], prov["design"], prov["design_digest"],
         prov["code_version"], prov["chunk_size"], n_chunks, datetime.now(UTC).replace(tzinfo=None)])


Progress = Callable[[int, int], None]


def run_sweep(cfg: SweepConfig, store: Store, *, world: Any = None, workers: int = 2,
              scheduler: str | None = None, retries: int = 2,
              progress: Progress | None = None) -> SweepReport:
    """Run (or resume) a sweep, storing every finished chunk atomically in ``store``.

    Parameters
    ----------
    cfg
        The sweep.
    store
        The DuckDB store (only this process writes to it).
    world
        World, WorldArrays or None (the default world).
    workers
        Worker processes of the LocalCluster (one thread each); ``0`` computes
        in this process without Dask. Ignored with ``scheduler``.
    scheduler
        Address of an existing Dask scheduler (``tcp://host:8786``).
    retries
        Times a chunk is resubmitted when its worker dies.
    progress
        Called as ``progress(chunks_done, chunks_total)`` (skipped chunks count as done).
    """
    from flashpoint.api import resolve_plan, resolve_world

    arrays = resolve_world(world)
    sid = sweep_id(cfg, arrays)
    chunks = plan_chunks(cfg)
    _register(store, sid, _provenance(cfg, arrays), len(chunks))
    done = finished_chunks(store, sid)
    todo = [c for c in chunks if (c.scenario, c.index) not in done]
    total, n_done = len(chunks), len(chunks) - len(todo)
    if progress is not None:
        progress(n_done, total)
    plans = {s: resolve_plan(s, arrays) for s in cfg.scenarios}
    params, levers = (None, None) if cfg.design is None else cfg.design.engine_inputs()

    def lever_args(s: str) -> dict[str, Any] | None:
        if levers is None:
            return None
        from flashpoint.engine.apply import lever_ranges

        own = lever_ranges(plans[s])
        return {k: v for k, v in levers.items() if k in own}

    t0 = time.perf_counter()
    steps = round(cfg.years / cfg.dt)
    if todo and scheduler is None and workers == 0:
        for c in todo:
            ds, sec, host = compute_chunk(arrays, plans[c.scenario], cfg.runs, cfg.years, cfg.dt,
                                          cfg.seed, c.start, c.stop, params, lever_args(c.scenario))
            _write_chunk(store, sid, c, ds, sec, host)
            n_done += 1
            if progress is not None:
                progress(n_done, total)
    elif todo:
        from distributed import Client, LocalCluster, as_completed

        cluster = None
        if scheduler is None:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=40)
        client = Client(scheduler if scheduler is not None else cluster)
        try:
            world_f = client.scatter(arrays, broadcast=True)
            plan_f = {s: client.scatter(p, broadcast=True) for s, p in plans.items()}
            futures: dict[Any, Chunk] = {}
            submitted = []
            for c in todo:
                fut = client.submit(compute_chunk, world_f, plan_f[c.scenario], cfg.runs, cfg.years,
                                    cfg.dt, cfg.seed, c.start, c.stop, params, lever_args(c.scenario),
                                    retries=retries, pure=False,
                                    key=f"flashpoint-{sid}-{c.scenario}-{c.index}")
                futures[fut.key] = c
                submitted.append(fut)
            for fut in as_completed(submitted):
                c = futures[fut.key]
                ds, sec, host = fut.result()
                _write_chunk(store, sid, c, ds, sec, host)
                fut.release()
                n_done += 1
                if progress is not None:
                    progress(n_done, total)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    return SweepReport(sid, total, len(todo), total - len(todo), time.perf_counter() - t0,
                       sum(c.stop - c.start for c in todo) * steps)


def load_sweep(store: Store, sid: str, scenario: str) -> xr.Dataset:
    """Reassemble one scenario of a stored sweep as a Dataset over ``run, time[, dim]``.

    Raises
    ------
    StoreError
        If the sweep or scenario is unknown, or chunks are missing.
    """
    row = store.con.execute("SELECT runs, n_chunks, scenarios FROM sweeps WHERE sweep_id = ?",
                            [sid]).fetchone()
    if row is None:
        raise StoreError(f"sweep {sid!r}: not in the store.")
    runs = int(row[0])
    names = [s["name"] for s in json.loads(row[2])]
    if scenario not in names:
        raise StoreError(f"sweep {sid!r}: no scenario {scenario!r}. Expected one of {names}.")
    got = store.con.execute("SELECT coalesce(sum(run_stop - run_start), 0) FROM sweep_chunks "
                            "WHERE sweep_id = ? AND scenario = ?", [sid, scenario]).fetchone()
    if got is None or int(got[0]) != runs:
        raise StoreError(f"sweep {sid!r}: scenario {scenario!r} has {0 if got is None else got[0]} of "
                         f"{runs} runs stored; resume the sweep first.")
    df = store.read_frame("SELECT metric, dim, selector, pos, run, time, value FROM sweep_metrics "
                          "WHERE sweep_id = ? AND scenario = ? ORDER BY metric, run, time, pos",
                          [sid, scenario])
    times = np.sort(df["time"].unique())
    variables: dict[str, Any] = {}
    coords: dict[str, Any] = {"run": np.arange(runs), "time": times}
    for (metric, dim), part in df.groupby(["metric", "dim"], sort=True):
        if dim:
            first = part.drop_duplicates("pos").sort_values("pos")
            labels = [str(v) for v in first["selector"]]
            arr = np.full((runs, times.size, len(labels)), np.nan)
            ti = np.searchsorted(times, part["time"].to_numpy())
            arr[part["run"].to_numpy(), ti, part["pos"].to_numpy()] = part["value"].to_numpy()
            coords.setdefault(str(dim), labels)
            variables[str(metric)] = (("run", "time", str(dim)), arr)
        else:
            arr = np.full((runs, times.size), np.nan)
            ti = np.searchsorted(times, part["time"].to_numpy())
            arr[part["run"].to_numpy(), ti] = part["value"].to_numpy()
            variables[str(metric)] = (("run", "time"), arr)
    params = store.read_frame("SELECT run, name, label, value FROM sweep_params WHERE sweep_id = ? "
                              "AND scenario = ? ORDER BY name, run", [sid, scenario])
    for name, part in params.groupby("name", sort=True):
        vals = np.full(runs, np.nan)
        vals[part["run"].to_numpy()] = part["value"].to_numpy()
        label = str(part["label"].iloc[0])
        coords[str(name)] = ("run", vals, {"lever": label} if label else {})
    ds = xr.Dataset(variables, coords=coords)
    ds.attrs.update(sweep_id=sid, scenario=scenario, runs=runs)
    return ds


def sweep_scenarios(names: Sequence[str]) -> tuple[str, ...]:
    """Normalise scenario arguments (empty: the status quo)."""
    return tuple(names) if names else ("status_quo",)
