"""End to end: ``flashpoint assess`` and ``flashpoint compare`` write a complete, offline report."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flashpoint.analysis.assess import Assessment, assess
from flashpoint.claims import load_claims
from flashpoint.cli.app import app
from flashpoint.reports.html import write_report
from flashpoint.storage import Store
from flashpoint.testing import tiny_world

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


@pytest.fixture(scope="module")
def assessment() -> Assessment:
    """The whole catalogue on the tiny world: few runs, full 10-year horizon."""
    return assess(tiny_world(), runs=4, years=10, seed=0)


def _self_contained(text: str) -> None:
    assert not EXTERNAL.search(text), EXTERNAL.search(text)
    assert "<script" not in text.lower()
    assert "@import" not in text and "url(" not in text
    for src in re.findall(r'<img[^>]*src="([^"]*)"', text):
        assert src.startswith("data:image/png;base64,")


def test_report_is_complete_and_self_contained(assessment: Assessment, tmp_path: Path) -> None:
    path = write_report(assessment, tmp_path / "out" / "report.html")
    text = path.read_text(encoding="utf-8")
    _self_contained(text)
    for section in ("summary", "how", "trajectories", "comparison", "network", "attribution",
                    "claims", "scenarios", "assumptions", "provenance"):
        assert f'<section id="{section}">' in text
    # every claim, evaluated or not, is in the claims table with its quote
    claims = load_claims()
    for c in claims:
        assert f"<code>{c.id}</code>" in text.replace("<wbr>", "")  # ids wrap at underscores
    assert text.count("<img ") >= 5
    assert "robustly holds" in text or "holds" in text
    assert assessment.baseline_result.attrs["world_digest"] in text


def test_cli_assess_writes_report_and_store(tmp_path: Path) -> None:
    out, db = tmp_path / "r.html", tmp_path / "fp.duckdb"
    result = CliRunner().invoke(app, [
        "assess", "--runs", "3", "--years", "10", "--scenario", "nato_ip4_partnership",
        "--scenario", "tokyo_liaison_office", "--out", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "report:" in result.output and "claims:" in result.output
    text = out.read_text(encoding="utf-8")
    _self_contained(text)
    assert "engagement_raises_china_nato_tension" in text.replace("<wbr>", "")
    with Store.open(db) as store:
        tables = set(store.tables())
        assert {"assessments", "assessment_verdicts", "assessment_comparisons", "runs",
                "run_metrics"} <= tables
        n = store.read_frame("SELECT count(*) AS n FROM runs").loc[0, "n"]
        assert n == 3


def test_cli_compare_prints_table() -> None:
    result = CliRunner().invoke(app, ["compare", "us_retrenchment", "--runs", "4", "--years", "2"])
    assert result.exit_code == 0, result.output
    assert "us_retrenchment minus status_quo" in result.output
    assert "European security" in result.output


def test_cli_compare_unknown_scenario() -> None:
    result = CliRunner().invoke(app, ["compare", "nope", "--runs", "2", "--years", "1"])
    assert result.exit_code != 0


def test_example_reproduces_a_report_figure(tmp_path: Path) -> None:
    import runpy

    root = Path(__file__).resolve().parents[2]
    module = runpy.run_path(str(root / "examples" / "reproduce_figure.py"))
    out = module["main"](["--runs", "6", "--years", "2", "--out", str(tmp_path / "fig.png")])
    assert out.read_bytes().startswith(b"\x89PNG")


def test_figures_drawn_in_workers_give_the_same_report(assessment: Assessment,
                                                       tmp_path: Path) -> None:
    """``flashpoint assess`` draws the report's figures in its worker processes while it
    stores the results: the report is the same bytes as one drawn here."""
    from flashpoint.pool import SimulationPool
    from flashpoint.reports.html import ReportFigures, render_report

    here = render_report(assessment)
    with SimulationPool(processes=2) as pool:
        pool._executor(2)  # the workers, as assess's batches leave them
        figures = ReportFigures(assessment, pool)
        there = render_report(assessment, figures=figures)
    assert there == here
    assert here.count("<img ") == len(figures._pngs) >= 5


def test_the_report_is_written_whole_or_not_at_all(assessment: Assessment, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A report that fails while being written leaves the previous one as it was and no
    partial file beside it."""
    import flashpoint.reports.html as report

    path = write_report(assessment, tmp_path / "r.html")
    before = path.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]

    def broken(*_: object, **__: object) -> str:
        raise RuntimeError("killed while rendering")

    monkeypatch.setattr(report, "render_report", broken)
    with pytest.raises(RuntimeError, match="killed"):
        write_report(assessment, path)
    real = os.fdopen

    def cut(fd: int, *args: object, **kwargs: object) -> object:
        f = real(fd, *args, **kwargs)  # type: ignore[call-overload]
        f.write("<!DOCTYPE html><html>")  # a partial write, then the kill

        def fail(_: str) -> None:
            raise KeyboardInterrupt

        f.write = fail
        return f

    monkeypatch.setattr(report, "render_report", lambda *_a, **_k: "<html></html>")
    monkeypatch.setattr(os, "fdopen", cut)
    with pytest.raises(KeyboardInterrupt):
        write_report(assessment, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]
