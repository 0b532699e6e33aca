"""Sweeps: killed with SIGKILL and resumed, or run on a 2-worker LocalCluster, give the same numbers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import flashpoint
from flashpoint.distributed.sweep import (
    SweepConfig,
    finished_chunks,
    load_sweep,
    plan_chunks,
    run_sweep,
)
from flashpoint.storage import Store

pytest.importorskip("distributed")

SCENARIOS = ("status_quo", "nato_ip4_partnership")
CFG = SweepConfig(SCENARIOS, runs=16, years=2, dt=1.0, seed=11, chunk_size=2)

CHILD = textwrap.dedent("""
    import sys
    from flashpoint.distributed.sweep import SweepConfig, run_sweep
    from flashpoint.storage import Store

    cfg = SweepConfig({scenarios!r}, runs=16, years=2, dt=1.0, seed=11, chunk_size=2)
    with Store.open(sys.argv[1]) as store:
        def progress(done, total):
            print(f"done {{done}} {{total}}", flush=True)
        run_sweep(cfg, store, workers=0, progress=progress)
""").format(scenarios=SCENARIOS)


def _assert_identical(a: xr.Dataset, b: xr.Dataset) -> None:
    assert set(a.data_vars) == set(b.data_vars)
    for v in a.data_vars:
        assert a[v].dims == b[v].dims, v
        np.testing.assert_array_equal(a[v].values, b[v].values, err_msg=v)
    for c in a.coords:
        np.testing.assert_array_equal(a[c].values, b[c].values, err_msg=str(c))


def _uninterrupted(tmp_path: Path) -> dict[str, xr.Dataset]:
    with Store.open(tmp_path / "reference.duckdb") as store:
        rep = run_sweep(CFG, store, workers=0)
        return {s: load_sweep(store, rep.sweep_id, s) for s in SCENARIOS}


def test_sigkill_then_resume_is_bit_identical(tmp_path: Path) -> None:
    db = tmp_path / "killed.duckdb"
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(db)], stdout=subprocess.PIPE,
                             text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert child.stdout is not None
    for line in child.stdout:  # wait until at least one chunk is stored
        done = int(line.split()[1])
        if done >= 1:
            break
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    with Store.open(db) as store:
        rep = run_sweep(CFG, store, workers=0)
        assert rep.skipped >= 1, "the killed sweep stored no chunk"
        assert rep.computed >= 1, "the sweep finished before it was killed: nothing was resumed"
        assert len(finished_chunks(store, rep.sweep_id)) == len(plan_chunks(CFG))
        resumed = {s: load_sweep(store, rep.sweep_id, s) for s in SCENARIOS}
        again = run_sweep(CFG, store, workers=0)
        assert (again.computed, again.skipped) == (0, len(plan_chunks(CFG)))
    reference = _uninterrupted(tmp_path)
    for s in SCENARIOS:
        _assert_identical(resumed[s], reference[s])


def test_local_cluster_equals_in_process_and_simulate(tmp_path: Path) -> None:
    cfg = SweepConfig(("nato_ip4_partnership",), runs=8, years=2, dt=1.0, seed=5, chunk_size=3)
    with Store.open(tmp_path / "dask.duckdb") as store:
        rep = run_sweep(cfg, store, workers=2)
        distributed_result = load_sweep(store, rep.sweep_id, "nato_ip4_partnership")
        hosts = store.con.execute("SELECT count(*) FROM sweep_chunks").fetchone()
        assert hosts == (3,)
    with Store.open(tmp_path / "local.duckdb") as store:
        rep = run_sweep(cfg, store, workers=0)
        local = load_sweep(store, rep.sweep_id, "nato_ip4_partnership")
    _assert_identical(distributed_result, local)
    direct = flashpoint.simulate(scenario="nato_ip4_partnership", runs=8, years=2, dt=1.0, seed=5,
                                 attribution=False, keep_dyadic=False)
    for v in local.data_vars:
        np.testing.assert_array_equal(local[v].values, direct[v].values, err_msg=str(v))
    for c in direct.coords:
        if str(c).startswith(("param__", "lever__")):
            np.testing.assert_array_equal(local[c].values, direct[c].values)


def test_provenance_is_recorded(tmp_path: Path) -> None:
    cfg = SweepConfig(("status_quo",), runs=2, years=1, dt=1.0, seed=0, chunk_size=1)
    with Store.open(tmp_path / "p.duckdb") as store:
        rep = run_sweep(cfg, store, workers=0)
        row = store.read_frame("SELECT * FROM sweeps WHERE sweep_id = ?", [rep.sweep_id]).iloc[0]
    assert row["seed"] == 0 and row["chunk_size"] == 1 and row["n_chunks"] == 2
    assert row["design"] == "latin_hypercube" and len(row["world_digest"]) == 64
    assert '"file_sha256"' in row["scenarios"] and row["code_version"]
