"""The long form of a result's metrics (flashpoint.storage.results.metrics_table): the
rows a plain loop over every value gives, in the same order, NaN left out, and what
DuckDB stores from it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

from flashpoint.storage import Store
from flashpoint.storage.results import load_metrics, metrics_table, plain_strings, save_result


def _result(runs: int, times: int, actors: int, nan_every: int, seed: int) -> xr.Dataset:
    rng = np.random.default_rng(seed)
    labels = [f"A{i}" for i in range(actors)]

    def values(*shape: int) -> np.ndarray:
        v = rng.normal(size=shape)
        if nan_every:
            v.reshape(-1)[::nan_every] = np.nan
        return v

    return xr.Dataset(
        {
            "tension": (("run", "time"), values(runs, times)),
            "spending": (("run", "time", "actor"), values(runs, times, actors)),
            "alignment": (("run", "time", "actor", "counterpart"),
                          values(runs, times, actors, actors)),  # dyadic: not stored
            "attribution__tension": (("run", "time"), values(runs, times)),  # not stored
            "final": (("run",), values(runs)),  # not per time: not stored
        },
        coords={"run": np.arange(runs), "time": np.arange(times) * 0.25,
                "actor": labels, "counterpart": labels},
        attrs={"scenario": "test", "seed": seed, "runs": runs},
    )


def _reference(ds: xr.Dataset) -> pd.DataFrame:
    """The long form by a loop over every value (the definition)."""
    rows = []
    for name in ("tension", "spending"):
        var = ds[name]
        labels = [""] if var.ndim == 2 else [str(x) for x in ds["actor"].values]
        v = var.values.reshape(var.shape[0], var.shape[1], -1)
        for r in range(v.shape[0]):
            for t in range(v.shape[1]):
                for k, lab in enumerate(labels):
                    if not np.isnan(v[r, t, k]):
                        rows.append((name, lab, int(ds.run.values[r]), float(ds.time.values[t]),
                                     float(v[r, t, k])))
    return pd.DataFrame(rows, columns=["metric", "selector", "run", "time", "value"])


@settings(max_examples=30, deadline=None)
@given(runs=st.integers(1, 6), times=st.integers(1, 5), actors=st.integers(1, 4),
       nan_every=st.sampled_from([0, 1, 2, 3, 7]), seed=st.integers(0, 2**16))
def test_metrics_table_is_the_loop_over_every_value(runs: int, times: int, actors: int,
                                                    nan_every: int, seed: int) -> None:
    ds = _result(runs, times, actors, nan_every, seed)
    got = plain_strings(metrics_table(ds)).to_pandas()
    want = _reference(ds)
    assert list(got.columns) == list(want.columns)
    assert len(got) == len(want)
    for col in ("metric", "selector"):
        assert got[col].tolist() == want[col].tolist()
    for col in ("run", "time", "value"):
        np.testing.assert_array_equal(got[col].to_numpy(), want[col].to_numpy())


def test_metrics_table_run_id_and_encoding() -> None:
    ds = _result(3, 2, 2, 0, 1)
    table = metrics_table(ds, run_id="abc")
    assert table.column_names == ["run_id", "metric", "selector", "run", "time", "value"]
    assert table.num_rows == 3 * 2 * (1 + 2)
    assert set(table["run_id"].to_pylist()) == {"abc"}
    # the strings are stored once per distinct value, not once per row
    assert len(table["metric"].combine_chunks().dictionary) == 2
    assert all(not str(t).startswith("dictionary") for t in plain_strings(table).schema.types)


def test_metrics_table_of_a_result_without_metrics_is_empty() -> None:
    ds = _result(2, 2, 2, 0, 0)[["alignment"]]
    table = metrics_table(ds, run_id="x")
    assert table.num_rows == 0
    assert table.column_names == ["run_id", "metric", "selector", "run", "time", "value"]


def test_save_result_stores_every_row(tmp_path) -> None:
    ds = _result(4, 3, 2, 5, 3)
    with Store.open(tmp_path / "r.duckdb") as store:
        rid = save_result(store, ds)
        want = _reference(ds)
        n = store.read_frame("SELECT count(*) AS n FROM run_metrics WHERE run_id = ?", [rid]).n.iat[0]
        assert n == len(want)
        got = load_metrics(store, rid, "spending")
        ref = want[want.metric == "spending"].sort_values(["selector", "run", "time"])
        np.testing.assert_array_equal(got["value"].to_numpy(), ref["value"].to_numpy())
        assert got["selector"].tolist() == ref["selector"].tolist()
