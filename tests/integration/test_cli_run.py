"""``flashpoint run``: progress, summary, DuckDB store, NetCDF and Parquet output, errors."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
import xarray as xr
from typer.testing import CliRunner

from flashpoint.cli.app import app, main

runner = CliRunner()


def test_run_stores_the_result_and_writes_netcdf(tmp_path: Path) -> None:
    db, out = tmp_path / "fp.duckdb", tmp_path / "r.nc"
    res = runner.invoke(app, ["run", "--runs", "12", "--years", "2", "--seed", "3",
                              "--db", str(db), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "Arms-race index" in res.output
    ds = xr.open_dataset(out, engine="scipy")
    assert ds.sizes["run"] == 12 and ds.attrs["seed"] == 3
    con = duckdb.connect(str(db), read_only=True)
    (n,) = con.execute("SELECT count(*) FROM runs WHERE seed = 3").fetchone()
    (m,) = con.execute("SELECT count(DISTINCT run) FROM run_metrics").fetchone()
    assert n == 1 and m == 12


def test_run_writes_parquet_for_a_catalogue_scenario(tmp_path: Path) -> None:
    out = tmp_path / "r.parquet"
    res = runner.invoke(app, ["run", "reassurance_diplomacy", "--runs", "6", "--years", "1",
                              "--no-store", "--out", str(out)])
    assert res.exit_code == 0, res.output
    frame = pd.read_parquet(out)
    assert {"metric", "selector", "run", "time", "value"} <= set(frame.columns)
    assert set(frame.run) == set(range(6))


def test_run_rejects_an_unknown_output_format(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "--runs", "2", "--years", "1", "--no-store", "--out", "r.csv"])
    assert exit_info.value.code == 2
    assert "expected a file name ending in .nc or .parquet" in capsys.readouterr().err


def test_run_rejects_an_unknown_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "nato_ip4_partnershp", "--runs", "2", "--years", "1", "--no-store"])
    assert exit_info.value.code == 2
    assert "nato_ip4_partnership" in capsys.readouterr().err


def test_a_failed_check_exits_non_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[scenario]\nname = "x"\ntitle = "t"\n[[lever]]\nname = "oops"\n')
    with pytest.raises(SystemExit) as exit_info:
        main(["scenario", "check", str(bad), "--no-world"])
    assert exit_info.value.code == 1
    assert "bad.toml:5" in capsys.readouterr().err
