"""The DuckDB store: location, versioned schema, world tables, generic helpers."""

from __future__ import annotations

import pandas as pd
import pytest

from flashpoint.errors import StoreError
from flashpoint.storage import SCHEMA_VERSION, Store, default_db_path
from flashpoint.world import load_world


def test_default_path_env(monkeypatch, tmp_path):
    monkeypatch.setenv("FLASHPOINT_DB", str(tmp_path / "x.duckdb"))
    assert default_db_path() == tmp_path / "x.duckdb"
    monkeypatch.delenv("FLASHPOINT_DB")
    assert default_db_path().name == "flashpoint.duckdb"


def test_write_world_and_reopen(tmp_path):
    path = tmp_path / "db" / "fp.duckdb"
    w = load_world(2024)
    with Store.open(path) as s:
        assert s.version == SCHEMA_VERSION
        dg = s.write_world(w)
        s.write_world(w)  # idempotent
    with Store.open(path) as s:
        assert s.version == SCHEMA_VERSION
        n = s.read_frame("SELECT count(DISTINCT iso3) n FROM world_actors WHERE digest = ?", [dg]).n.iat[0]
        assert n == len(w.actors)
        nato = s.read_frame("SELECT iso3 FROM world_institutions WHERE id = 'NATO' AND role = 'member'")
        assert len(nato) == 32
        src = s.read_frame("SELECT * FROM world_actors WHERE iso3 = 'PRK' AND field = 'milex'")
        assert src.source.iat[0] == "estimate" and src.high.iat[0] > src.value.iat[0]
        assert len(s.read_frame("SELECT * FROM sources")) >= 12


def test_generic_frames():
    with Store.open(":memory:") as s:
        s.write_frame("scratch_frames", pd.DataFrame({"run": [0, 1], "x": [0.5, 1.5]}))
        s.write_frame("scratch_frames", pd.DataFrame({"run": [2], "x": [2.5]}))
        assert s.read_frame("SELECT sum(x) s FROM scratch_frames").s.iat[0] == 4.5
        with pytest.raises(StoreError, match=r"table 'runs; drop': expected a plain identifier"):
            s.write_frame("runs; drop", pd.DataFrame({"a": [1]}))
        with pytest.raises(StoreError, match=r"query failed"):
            s.read_frame("SELECT * FROM nope")


def test_newer_schema_refused(tmp_path):
    path = tmp_path / "fp.duckdb"
    with Store.open(path) as s:
        s.con.execute("INSERT INTO schema_version VALUES (99, now())")
    with pytest.raises(StoreError, match=r"schema version 99 is newer than this flashpoint"):
        Store.open(path)
