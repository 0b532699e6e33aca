"""``flashpoint forecast``: the installed command prints and writes the one-year forecast."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import flashpoint as fp

SRC = Path(fp.__file__).resolve().parents[1]


def _command() -> list[str]:
    exe = Path(sys.executable).with_name("flashpoint")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("flashpoint")
    if found is None:
        pytest.skip("the flashpoint console script is not installed")
    return [found]


def test_forecast_from_2023_through_the_installed_command(tmp_path: Path) -> None:
    out = tmp_path / "fc.csv"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    res = subprocess.run([*_command(), "forecast", "--from", "2023", "--years", "1", "--runs", "40",
                          "--out", str(out)], capture_output=True, text=True, env=env, timeout=300,
                         check=False)
    assert res.returncode == 0, res.stderr
    assert "Forecast for 2024 from the 2023 world" in res.stdout
    df = pd.read_csv(out)
    world = fp.load_world(2023)
    assert list(df.iso3) == list(world.iso3)
    assert (df.forecast_year == 2024).all() and (df.data_year == 2023).all()
    for key in ("milex", "gdp", "share"):
        assert (df[f"{key}_p05"] <= df[f"{key}_median"]).all()
        assert (df[f"{key}_median"] <= df[f"{key}_p95"]).all()
        assert (df[f"{key}_p05"] < df[f"{key}_p95"]).all()
    usa = df.set_index("iso3").loc["USA"]
    assert usa.milex_start == pytest.approx(world.actor("USA").milex.value)
    assert 0.8 < usa.milex_median / usa.milex_start < 1.2
    assert 0.9 < usa.gdp_median / usa.gdp_start < 1.1
    # Rebased to constant 2023 US$ with each state's own 2023 conversion: the start
    # is the current-US$ figure of 2023, and the burden is unchanged by rebasing.
    assert (df.rebased_to == "constant 2023 US$").all()
    assert usa.gdp_rebased_start == pytest.approx(world.actor("USA").gdp_current.value, rel=1e-6)
    jpn = df.set_index("iso3").loc["JPN"]
    assert jpn.milex_rebased_median / jpn.gdp_rebased_median == pytest.approx(
        jpn.milex_median / jpn.gdp_median, rel=1e-9)
    assert "pledges in force in 2023: nato_wales_2014" in res.stderr


def test_forecast_rejects_bad_options(tmp_path: Path) -> None:
    from flashpoint.cli.app import main

    with pytest.raises(SystemExit) as e:
        main(["forecast", "--from", "2023", "--out", str(tmp_path / "x.txt")])
    assert e.value.code == 2
