"""Nothing half-written: SIGKILL a writer at random points, then read the store.

A writer process stores results in a loop (``save_result``, as ``run --db``
and the web jobs do, and whole assessments with their results, as ``assess``
does); the test kills it with SIGKILL at a random moment and checks that
every result the store shows is complete. Also: a store held by another
process is refused at once, before any work, with a clear message.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from _reliability import env as _env
from _reliability import run_cli

from flashpoint.storage.store import Store

WRITER_RUNS = r"""
import sys
import flashpoint as fp
from flashpoint.storage.results import save_result
from flashpoint.storage.store import Store
ds = fp.simulate(None, None, runs=6, years=2, seed=1)
st = Store.open(sys.argv[1])
print("ready", flush=True)
k = 0
while True:
    ds.attrs["seed"] = k  # another provenance, another run_id
    save_result(st, ds)
    k += 1
"""

WRITER_ASSESS = r"""
import os
import sys
from dataclasses import replace
from flashpoint.analysis.assess import assess, store_assessment
from flashpoint.storage.results import save_result
from flashpoint.storage.store import Store
a = assess(None, runs=4, years=1, seed=0, scenarios=["nato_ip4_partnership"])
st = Store.open(sys.argv[1])
print("ready", flush=True)
k = 0
while True:
    b = replace(a, id=f"kill{os.getpid()}-{k}")
    with st.transaction():  # as `flashpoint assess` stores: results and assessment together
        for ds in b.results.values():
            save_result(st, ds)
        store_assessment(b, st)
    k += 1
"""


def _kill_during_writes(script: str, db: Path, window: float, rng: random.Random) -> None:
    p = subprocess.Popen([sys.executable, "-c", script, str(db)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=_env())
    try:
        assert p.stdout is not None
        line = p.stdout.readline()  # blocks until the writer is ready (or dies)
        assert line.strip() == "ready", p.stderr.read() if p.stderr else line
        time.sleep(rng.uniform(0.0, window))
    finally:
        p.send_signal(signal.SIGKILL)
        p.wait(30)


def _check_runs(db: Path) -> int:
    with Store.open(db) as st:
        rows = st.con.execute(
            "SELECT r.run_id, (SELECT count(*) FROM run_metrics m WHERE m.run_id = r.run_id), "
            "(SELECT count(*) FROM run_params p WHERE p.run_id = r.run_id) FROM runs r").fetchall()
        orphans = st.con.execute("SELECT count(*) FROM run_metrics WHERE run_id NOT IN "
                                 "(SELECT run_id FROM runs)").fetchone()
    assert orphans == (0,), "metrics without their runs row (an uncommitted write is visible)"
    if rows:
        counts = {(m, p) for _, m, p in rows}
        assert len(counts) == 1, f"stored results differ in size (some half-written): {counts}"
        (m, p), = counts
        assert m > 0 and p > 0
    return len(rows)


@pytest.mark.slow
def test_killed_run_writer_leaves_only_whole_results(tmp_path: Path) -> None:
    rng = random.Random(15)
    db = tmp_path / "kill.duckdb"
    seen = []
    for _ in range(6):
        _kill_during_writes(WRITER_RUNS, db, 1.5, rng)
        seen.append(_check_runs(db))
    assert seen[-1] > 0, "the writer never committed a result: the kill window is too short"


@pytest.mark.slow
def test_killed_assessment_writer_leaves_only_whole_assessments(tmp_path: Path) -> None:
    rng = random.Random(16)
    db = tmp_path / "kill.duckdb"
    for _ in range(4):
        _kill_during_writes(WRITER_ASSESS, db, 2.0, rng)
        _check_runs(db)
        with Store.open(db) as st:
            if "assessments" not in st.tables():
                continue
            sizes = st.con.execute(
                "SELECT a.assessment, "
                "(SELECT count(*) FROM assessment_runs r WHERE r.assessment = a.assessment), "
                "(SELECT count(*) FROM assessment_provenance p WHERE p.assessment = a.assessment), "
                "(SELECT count(*) FROM assessment_trajectories t WHERE t.assessment = a.assessment) "
                "FROM assessments a").fetchall()
        assert len({s[1:] for s in sizes}) <= 1, f"half-written assessments: {sizes}"
        assert all(min(s[1:]) > 0 for s in sizes)


HOLDER = r"""
import sys, time
from flashpoint.storage.store import Store
st = Store.open(sys.argv[1])
print("ready", flush=True)
time.sleep(60)
"""


def test_a_held_store_is_refused_before_the_work(tmp_path: Path) -> None:
    db = tmp_path / "held.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdout=subprocess.PIPE,
                              text=True, env=_env())
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        t = time.monotonic()
        out = run_cli("run", "--runs", "100000", "--years", "50", "--db", str(db))
        took = time.monotonic() - t
    finally:
        holder.kill()
        holder.wait(10)
    assert out.returncode == 2, out.stderr
    assert "in use by another process" in out.stderr and "Traceback" not in out.stderr
    assert took < 20, f"refused only after {took:.0f} s: the check is not before the work"


def test_results_endpoint_while_another_process_holds_the_store(tmp_path: Path) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from flashpoint.web.app import create_app

    db = tmp_path / "web.duckdb"
    Store.preflight(db)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdout=subprocess.PIPE,
                              text=True, env=_env())
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with TestClient(create_app(db)) as c:
            r = c.get("/api/results")
            assert r.status_code == 200 and r.json() == []
            r = c.get("/api/jobs/0123456789abcdef/result")
            assert r.status_code in (404, 503)
    finally:
        holder.kill()
        holder.wait(10)


def test_rerun_replaces_and_v4_removes_half_written_results(tmp_path: Path) -> None:
    """A `runs` row without metrics (left by a killed writer of an earlier version) is removed."""
    import duckdb

    from flashpoint.storage.store import MIGRATIONS

    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    for v in (1, 2, 3):
        con.execute(MIGRATIONS[v]())
        con.execute("INSERT INTO schema_version VALUES (?, now())", [v])
    con.execute("INSERT INTO runs VALUES ('half', 's', '', 'w', 2024, 0, 5, 1, 0.25, 'lhs', '', '', "
                "'v', '', now())")
    con.close()
    with Store.open(db) as st:
        assert st.version >= 4
        assert st.con.execute("SELECT count(*) FROM runs").fetchone() == (0,)
