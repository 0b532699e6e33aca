"""``flashpoint backtest --hazards`` and ``--events`` through main()."""

from __future__ import annotations

import pytest

from flashpoint.cli.app import main


def test_backtest_hazards_prints_scores_and_baselines(capsys: pytest.CaptureFixture[str]) -> None:
    main(["backtest", "--hazards"])
    out = capsys.readouterr().out
    for s in ("Brier", "log", "CRPS", "cov90", "rivalry only", "constant", "UCDP 2011-2024",
              "MID 1996-2010", "taiwan_strait", "russia_ukraine"):
        assert s in out


def test_backtest_events_small(capsys: pytest.CaptureFixture[str]) -> None:
    main(["backtest", "--events", "--origins", "2018", "--runs", "10"])
    out = capsys.readouterr().out
    assert "model + events" in out and "events withheld" in out and "invasion_2022" in out
