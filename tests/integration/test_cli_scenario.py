"""``flashpoint scenario`` sub-commands through Typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flashpoint.cli.scenario import app

runner = CliRunner()


def _run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_schema_prints_json_schema() -> None:
    result = _run("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "flashpoint scenario"
    assert "LeverUse" in schema["$defs"]


def test_check_catalogue_scenario_against_default_world() -> None:
    result = _run("check", "nato_ip4_partnership")
    assert result.exit_code == 0, result.output
    assert "scenario 'nato_ip4_partnership'" in result.stdout
    assert "compiles against the 2024 world" in result.stdout


def test_check_reports_file_line_field_reason(tmp_path: Path) -> None:
    p = tmp_path / "bad.toml"
    p.write_text('[scenario]\nname = "b"\ntitle = "B"\n\n[[lever]]\nlever = "asian_member"\n')
    result = _run("check", str(p), "--no-world")
    assert result.exit_code == 1
    assert f"{p}:6: field 'lever[0].lever': unknown lever 'asian_member'" in result.stderr
    assert "Did you mean asian_members" in result.stderr


def test_check_reports_actor_missing_from_world(tmp_path: Path) -> None:
    p = tmp_path / "absent.toml"
    p.write_text('[scenario]\nname = "b"\ntitle = "B"\n\n[[edit]]\nkind = "spending"\n'
                 'actors = ["BRN"]\nshare = [0.02, 0.03]\n')
    result = _run("check", str(p))
    assert result.exit_code == 1
    assert f"{p}:7: field 'edit[0].actors': none of BRN is in this world" in result.stderr


def test_check_prints_warnings_and_succeeds(tmp_path: Path) -> None:
    p = tmp_path / "wide.toml"
    p.write_text('[scenario]\nname = "w"\ntitle = "W"\n\n[[lever]]\nlever = "taiwan_crisis"\n'
                 'effect = [0.1, 0.3]\n')
    result = _run("check", str(p), "--no-world")
    assert result.exit_code == 0
    assert "warning" in result.stderr and "outside its sourced range" in result.stderr


def test_check_missing_file() -> None:
    result = _run("check", "no/such/file.toml", "--no-world")
    assert result.exit_code == 1
    assert "file not found" in result.stderr


@pytest.mark.parametrize("levers", [False, True])
def test_list(levers: bool) -> None:
    result = runner.invoke(app, ["list", "--levers"] if levers else ["list"],
                           terminal_width=200)
    assert result.exit_code == 0
    assert ("eu_economic_track" in result.stdout) and ("south_korea_arms_ukraine" in result.stdout)


def test_show_catalogue_file_and_lever() -> None:
    result = _run("show", "taiwan_blockade")
    assert result.exit_code == 0
    assert result.stdout.startswith("# Shock: a Chinese blockade of Taiwan.")
    result = runner.invoke(app, ["show", "reassurance_diplomacy"], terminal_width=200)
    assert "Signal NATO -> CHN" not in result.stdout  # the catalogue file wins over the lever
    result = runner.invoke(app, ["show", "nato_tokyo_liaison_office"], terminal_width=200)
    assert result.exit_code == 0
    assert "passage: 000_e88f8b8d614da2d5.txt" in result.stdout


def test_show_unknown_suggests() -> None:
    result = _run("show", "taiwan_invasio")
    assert result.exit_code == 1
    assert "Did you mean taiwan_invasion" in result.stderr
