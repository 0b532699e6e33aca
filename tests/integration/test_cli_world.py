"""The world and data CLI through typer's CliRunner and main()."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from flashpoint.cli.app import app, main

runner = CliRunner()


def test_help():
    r = runner.invoke(app, ["--help"])
    assert r.exit_code == 0 and "world" in r.output and "data" in r.output


def test_show_json_lists_35_actors_with_provenance():
    r = runner.invoke(app, ["world", "show", "--format", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["year"] == 2024 and len(d["actors"]) >= 35
    for a in d["actors"]:
        for f in ("milex", "gdp", "population", "lat", "lon"):
            assert isinstance(a[f]["value"], float) and a[f]["source"], (a["iso3"], f)
    nato = next(i for i in d["institutions"] if i["id"] == "NATO")
    assert len(nato["members"]) == 32


def test_show_table_csv_and_actor():
    r = runner.invoke(app, ["world", "show"])
    assert r.exit_code == 0 and "PRK" in r.output and "35 actors" in r.output
    r = runner.invoke(app, ["world", "show", "--format", "csv", "--year", "2000"])
    assert r.exit_code == 0 and r.output.startswith("iso3,")
    r = runner.invoke(app, ["world", "show", "--actor", "prk", "--format", "json"])
    d = json.loads(r.output)
    assert d["milex"]["source"] == "estimate" and "low" in d["milex"]
    r = runner.invoke(app, ["world", "show", "--actor", "TWN"])
    assert r.exit_code == 0 and "imf_weo" in r.output


def test_build_writes_store(tmp_path):
    db = tmp_path / "w.duckdb"
    r = runner.invoke(app, ["world", "build", "--year", "2023", "--db", str(db)])
    assert r.exit_code == 0, r.output
    assert "world 2023 with 35 actors" in r.output and db.exists()


def test_validate_and_data_sources(tmp_path):
    p = tmp_path / "w.toml"
    p.write_text('base_year = 2024\n[[actor]]\niso3 = "JPN"\nmilex = 60.0\n')
    r = runner.invoke(app, ["world", "validate", str(p)])
    assert r.exit_code == 0 and "valid world file" in r.output
    r = runner.invoke(app, ["data", "sources", "--format", "json"])
    ids = {s["id"] for s in json.loads(r.output)}
    assert {"sipri_milex", "atop", "cow_trade", "unga_ip"} <= ids


@pytest.mark.parametrize(("args", "match"), [
    (["world", "show", "--actor", "JPM"], "error: actor: unknown actor 'JPM'. Did you mean JPN"),
    (["world", "show", "--year", "1980"], "error: year: expected a year from 1995 to 2024"),
])
def test_main_prints_one_line_error(capsys, args, match):
    with pytest.raises(SystemExit) as e:
        main(args)
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert match in err and "Traceback" not in err and err.count("\n") == 1


def test_main_validate_bad_file(tmp_path, capsys):
    p = tmp_path / "bad.toml"
    p.write_text('[[actor]]\niso3 = "USA"\nmilex = "lots"\n')
    with pytest.raises(SystemExit) as e:
        main(["world", "validate", str(p)])
    assert e.value.code == 2
    assert "bad.toml: actor[0].milex: expected a finite number" in capsys.readouterr().err
