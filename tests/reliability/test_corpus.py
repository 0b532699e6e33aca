"""The malformed-input corpus (tests/reliability/corpus.py): every case has its expected outcome.

Zero tracebacks, zero hangs, zero wrongly accepted (or wrongly refused) inputs.
The file and web cases run in this process, one test each; the CLI cases run
the installed ``flashpoint`` script in subprocesses, two at a time.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from corpus import Case, all_cases, run_case, summarise

CASES = all_cases()
IN_PROCESS = [c for c in CASES if c.group != "cli"]
CLI = [c for c in CASES if c.group == "cli"]


def test_the_corpus_has_a_few_hundred_cases() -> None:
    counts = summarise([])
    assert counts == {}
    assert len(CASES) >= 300
    assert {c.expect for c in CASES} == {"error", "accept", "warn"}
    assert len({c.id for c in CASES}) == len(CASES), "case ids must be unique"


@pytest.mark.parametrize("case", IN_PROCESS, ids=[c.id for c in IN_PROCESS])
def test_file_and_web_case(case: Case, tmp_path: Path) -> None:
    out = run_case(case, tmp_path)
    assert out.verdict == "clean", f"{out.verdict}: {case.id} (expected {case.expect}): {out.detail}"


@pytest.mark.slow
def test_cli_cases(tmp_path: Path) -> None:
    def one(k_case: tuple[int, Case]) -> str | None:
        k, case = k_case
        out = run_case(case, tmp_path / f"c{k}")
        if out.verdict != "clean":
            return f"{out.verdict}: {case.id} (expected {case.expect}): {out.detail}"
        return None

    with ThreadPoolExecutor(2) as pool:
        bad = [r for r in pool.map(one, enumerate(CLI)) if r]
    assert not bad, "\n".join(bad)
