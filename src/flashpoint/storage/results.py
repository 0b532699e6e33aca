"""Write ensemble results to the DuckDB store, with their provenance.

A result is stored as one row of ``runs`` (seed, world digest, scenario
digest, design, code version, chunking ...), its per-run parameter values in
``run_params``, and its metrics in long form in ``run_metrics`` (one row per
run, time, metric and selector; the dyadic state fields are not stored, the
pair metrics derived from them are). ``run_id`` is a hash of the
provenance, so storing the same result twice replaces it. A result is written
in one transaction, its ``runs`` row last, so a reader (or a killed writer)
never leaves or sees part of one.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import xarray as xr

from flashpoint.storage.store import Store

__all__ = ["load_metrics", "result_id", "save_result"]

_PROVENANCE = ("scenario", "scenario_digest", "world_digest", "world_year", "seed", "runs",
               "years", "dt", "design", "mechanisms", "variants", "code_version")


def result_id(ds: xr.Dataset, chunking: str = "") -> str:
    """Content hash of a result's provenance."""
    prov = {k: str(ds.attrs.get(k, "")) for k in _PROVENANCE}
    prov["chunking"] = chunking
    return hashlib.sha256(json.dumps(prov, sort_keys=True).encode()).hexdigest()[:16]


def _long(ds: xr.Dataset) -> pd.DataFrame:
    frames = []
    runs = ds.run.values
    times = ds.time.values
    for key, var in ds.data_vars.items():
        name = str(key)
        if name.startswith("attribution__") or "counterpart" in var.dims:
            continue
        if var.dims[:2] != ("run", "time") or len(var.dims) > 3:
            continue
        values = np.asarray(var.values, dtype=np.float64)
        if var.ndim == 2:
            values = values[:, :, None]
            labels = [""]
        else:
            labels = [str(x) for x in ds[str(var.dims[2])].values]
        r, t, k = values.shape
        frames.append(pd.DataFrame({
            "metric": name,
            "selector": np.tile(np.asarray(labels, dtype=object), r * t),
            "run": np.repeat(runs, t * k).astype(np.int32),
            "time": np.tile(np.repeat(times, k), r),
            "value": values.reshape(-1),
        }))
    out = pd.concat(frames, ignore_index=True)
    return out.dropna(subset=["value"])


def save_result(store: Store, ds: xr.Dataset, *, chunking: str = "") -> str:
    """Store ``ds`` (a :func:`flashpoint.simulate` result) and return its ``run_id``."""
    rid = result_id(ds, chunking)
    a = ds.attrs
    row = [rid, str(a.get("scenario", "")), str(a.get("scenario_digest", "")),
           str(a.get("world_digest", "")), int(a.get("world_year", 0)), int(a.get("seed", 0)),
           int(a.get("runs", ds.sizes["run"])), float(a.get("years", 0)), float(a.get("dt", 0)),
           str(a.get("design", "")), str(a.get("mechanisms", "")), str(a.get("variants", "")),
           str(a.get("code_version", "")), chunking, datetime.now(UTC).replace(tzinfo=None)]
    metrics = _long(ds)
    metrics.insert(0, "run_id", rid)
    params = [(str(c)[len("param__"):], ds[c].values) for c in ds.coords
              if str(c).startswith("param__")]
    con = store.con
    # One transaction; the `runs` row, which readers list, is the completion marker written last.
    with store.transaction():
        for table in ("runs", "run_metrics", "run_params"):
            con.execute(f"DELETE FROM {table} WHERE run_id = ?", [rid])
        store.write_frame("run_metrics", metrics)
        if params:
            frame = pd.DataFrame({
                "run_id": rid,
                "run": np.tile(ds.run.values, len(params)).astype(np.int32),
                "name": np.repeat([p[0] for p in params], ds.sizes["run"]),
                "value": np.concatenate([np.asarray(p[1], dtype=np.float64) for p in params]),
            })
            store.write_frame("run_params", frame)
        con.execute("INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
    return rid


def load_metrics(store: Store, run_id: str, metric: str) -> pd.DataFrame:
    """One metric of a stored result as a long DataFrame (run, time, selector, value)."""
    return store.read_frame(
        "SELECT run, time, selector, value FROM run_metrics WHERE run_id = ? AND metric = ? "
        "ORDER BY selector, run, time", [run_id, metric])
