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
import pyarrow as pa
import xarray as xr

from flashpoint.storage.store import Store

__all__ = ["load_metrics", "metrics_table", "plain_strings", "result_id", "save_result"]

_PROVENANCE = ("scenario", "scenario_digest", "world_digest", "world_year", "seed", "runs",
               "years", "dt", "design", "mechanisms", "variants", "code_version")


def result_id(ds: xr.Dataset, chunking: str = "") -> str:
    """Content hash of a result's provenance."""
    prov = {k: str(ds.attrs.get(k, "")) for k in _PROVENANCE}
    prov["chunking"] = chunking
    return hashlib.sha256(json.dumps(prov, sort_keys=True).encode()).hexdigest()[:16]


def metrics_table(ds: xr.Dataset, run_id: str | None = None) -> pa.Table:
    """The metrics of ``ds`` in long form: one row per run, time, metric and selector
    (``metric, selector, run, time, value``, with ``run_id`` first when given), runs with
    no value (NaN) left out.

    An Arrow table built from NumPy without a per-row Python object: the strings are
    dictionary-encoded (a metric's name is stored once, not once per row), so that a
    result of 1,000 runs (about 2.6 million rows) is built in a fraction of a second and
    DuckDB inserts it without converting Python strings. The rows come in the order of
    ``ds``'s variables, then run, time and selector.
    """
    runs = np.asarray(ds.run.values).astype(np.int32)
    times = np.asarray(ds.time.values, dtype=np.float64)
    names: list[str] = []
    selectors: dict[str, int] = {}
    counts: list[int] = []
    columns: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
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
        codes = np.array([selectors.setdefault(lab, len(selectors)) for lab in labels],
                         dtype=np.int32)
        shape = values.shape
        keep = ~np.isnan(values)
        columns.append((np.broadcast_to(codes, shape)[keep],
                        np.broadcast_to(runs[:, None, None], shape)[keep],
                        np.broadcast_to(times[None, :, None], shape)[keep], values[keep]))
        names.append(name)
        counts.append(int(keep.sum()))

    def joined(i: int, dtype: type) -> np.ndarray:
        return np.concatenate([c[i] for c in columns]) if columns else np.empty(0, dtype)

    n = sum(counts)
    metric = np.repeat(np.arange(len(names), dtype=np.int32), counts)
    table = {
        "metric": pa.DictionaryArray.from_arrays(metric, pa.array(names, pa.string())),
        "selector": pa.DictionaryArray.from_arrays(joined(0, np.int32),
                                                   pa.array(list(selectors), pa.string())),
        "run": pa.array(joined(1, np.int32), pa.int32()),
        "time": pa.array(joined(2, np.float64), pa.float64()),
        "value": pa.array(joined(3, np.float64), pa.float64()),
    }
    if run_id is not None:
        table = {"run_id": pa.DictionaryArray.from_arrays(np.zeros(n, np.int32),
                                                          pa.array([run_id], pa.string())),
                 **table}
    return pa.table(table)


def plain_strings(table: pa.Table) -> pa.Table:
    """``table`` with its dictionary-encoded columns as plain strings (for files read by
    other tools, where a dictionary column would come back as a categorical)."""
    return pa.table({name: col.cast(pa.string()) if pa.types.is_dictionary(col.type) else col
                     for name, col in zip(table.column_names, table.columns, strict=True)})


def save_result(store: Store, ds: xr.Dataset, *, chunking: str = "") -> str:
    """Store ``ds`` (a :func:`flashpoint.simulate` result) and return its ``run_id``."""
    rid = result_id(ds, chunking)
    a = ds.attrs
    row = [rid, str(a.get("scenario", "")), str(a.get("scenario_digest", "")),
           str(a.get("world_digest", "")), int(a.get("world_year", 0)), int(a.get("seed", 0)),
           int(a.get("runs", ds.sizes["run"])), float(a.get("years", 0)), float(a.get("dt", 0)),
           str(a.get("design", "")), str(a.get("mechanisms", "")), str(a.get("variants", "")),
           str(a.get("code_version", "")), chunking, datetime.now(UTC).replace(tzinfo=None)]
    metrics = metrics_table(ds, run_id=rid)
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
