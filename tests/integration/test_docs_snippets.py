"""The documentation's Python snippets run as written (extracted from the Markdown and executed)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"


def python_blocks(name: str) -> list[str]:
    """The ```python fenced blocks of ``docs/<name>``, in order."""
    text = (DOCS / name).read_text(encoding="utf-8")
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


@pytest.fixture
def store_with_an_assessment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store where the guide expects it ($FLASHPOINT_DB) holding one small assessment."""
    from flashpoint.analysis.assess import assess, store_assessment
    from flashpoint.storage import Store

    db = tmp_path / "store" / "flashpoint.duckdb"
    db.parent.mkdir()
    monkeypatch.setenv("FLASHPOINT_DB", str(db))
    with Store.open(db) as store:
        store_assessment(assess(runs=8, years=2, scenarios=["nato_ip4_partnership"]), store)
    monkeypatch.chdir(tmp_path)
    return db


def _run(blocks: list[str]) -> dict[str, object]:
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for k, code in enumerate(blocks):
        try:
            exec(compile(code, f"<snippet {k + 1}>", "exec"), namespace)
        except Exception as e:  # pragma: no cover - the message names the snippet
            raise AssertionError(f"snippet {k + 1} failed: {type(e).__name__}: {e}\n{code}") from e
    return namespace


@pytest.mark.slow
def test_guide_snippets_run_as_written(store_with_an_assessment: Path) -> None:
    blocks = python_blocks("guide.md")
    assert len(blocks) >= 3
    assert any("default_db_path()" in b for b in blocks)  # the DuckDB snippet opens the real store
    ns = _run(blocks)
    assert (store_with_an_assessment.parent.parent / "report.html").exists()
    assert "table" in ns and "a" in ns


@pytest.mark.slow
def test_ema_guide_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pytest.importorskip("ema_workbench")
    monkeypatch.chdir(tmp_path)
    blocks = python_blocks("ema.md")
    assert blocks
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # EMA's own progress-bar and import warnings
        ns = _run(blocks)
    assert "box" in ns
