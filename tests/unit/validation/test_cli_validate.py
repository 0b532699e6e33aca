"""``flashpoint calibrate`` and ``flashpoint backtest`` through main() (small ensembles)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from flashpoint.cli.app import main


def test_calibrate_then_backtest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cal.json"
    main(["calibrate", "--train", "1995-1999", "--runs", "30", "--seed", "2", "--out", str(out)])
    text = capsys.readouterr().out
    assert "ABC calibration 1995-1999" in text and "effective sample size" in text
    raw = json.loads(out.read_text())
    assert raw["diagnostics"]["accepted"] == 3 and len(raw["resampled"]["parameters"]["arms.fatigue"]) == 30
    csv = tmp_path / "scores.csv"
    main(["backtest", "--start", "2000", "--end", "2002", "--calibration", str(out), "--runs", "20",
          "--csv", str(csv)])
    text = capsys.readouterr().out
    assert "Military spending 2001-2002, origin 2000" in text
    assert "model (calibrated)" in text and "persistence" in text and "AR(1)" in text
    assert "not scored on military spending" in text and "PRK" in text
    df = pd.read_csv(csv)
    assert set(df.target) == {"milex", "alignment"}


def test_backtest_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        main(["backtest", "--calibration", str(tmp_path / "missing.json"), "--runs", "10"])
    assert e.value.code == 2
    assert "missing.json: file not found" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["calibrate", "--train", "2013-1995", "--runs", "10"])
    assert "expected years 1995 <= first < last <= 2023" in capsys.readouterr().err
