"""The per-option scorecard and the report an analyst reads first (tiny world, few runs)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from flashpoint.analysis.assess import Assessment, assess, claim_records, store_assessment
from flashpoint.analysis.scorecard import scorecard
from flashpoint.reports.html import render_report
from flashpoint.storage import Store
from flashpoint.testing import tiny_world

SCENARIOS = ["nato_ip4_partnership", "tokyo_liaison_office", "taiwan_crisis"]


@pytest.fixture(scope="module")
def assessment() -> Assessment:
    return assess(tiny_world(), runs=6, years=10, seed=0, scenarios=SCENARIOS, audit=6)


def test_scorecard_is_data_per_policy_option(assessment: Assessment) -> None:
    cards = scorecard(assessment)
    json.dumps(cards)  # plain data, ready for the web page
    names = [c["scenario"] for c in cards]
    assert set(names) == {"nato_ip4_partnership", "tokyo_liaison_office"}  # policies only
    card = next(c for c in cards if c["scenario"] == "nato_ip4_partnership")
    assert card["effects"] and card["claims"]
    for e in card["effects"]:
        assert e["unit"] in ("pp", "points", "ratio", "pp a year")
        assert e["band"] > 0 and isinstance(e["material"], bool)
    for c in card["claims"]:
        assert c["verdict"] and c["audit"] in ("emergent", "input-determined", "identity")
        sentence = c["assumption"]["sentence"]
        assert sentence and "param__" not in sentence and "." not in sentence.split(" ")[0]


def test_report_shows_the_scorecard_first_in_plain_numbers(assessment: Assessment) -> None:
    html = render_report(assessment)
    sections = re.findall(r'<section id="(\w+)">', html)
    assert sections[0] == "scorecard"
    body = re.sub(r'src="data:image/png;base64,[^"]*"', "", html)
    text = re.sub(r"<[^>]+>", " ", body)
    sci = re.compile(r"\b\d+(?:\.\d+)?[eE][-+]?\d+\b")  # not inside hex ids
    assert not sci.search(text), text[max(0, sci.search(text).start() - 40):][:80]  # type: ignore[union-attr]
    # every verdict badge carries its audit tag
    badges = re.findall(r'<span class="v v-(?!not-evaluated)[a-z-]+">[^<]*</span>(<span class="tag[^"]*")?', html)
    assert badges and all(tag for tag in badges)
    # the articles by title and author, the seed file only as a footnote
    assert "NATO Should Stay Out of Asia" in html and "Jeffrey Reeves" in html
    assert "East Asia Forum" in html and "Ulv Hanssen and Linus Hagström" in html
    assert "not a score of which side is right" in html


def test_records_are_stored_with_the_audit(assessment: Assessment, tmp_path: Path) -> None:
    records = claim_records(assessment)
    assert records and all(r["audit"] for r in records)
    with Store.open(tmp_path / "fp.duckdb") as store:
        store_assessment(assessment, store)
        rows = store.read_frame("SELECT id, verdict, audit, unit, threshold, record "
                                "FROM claim_verdicts")
    assert len(rows) == len(records)
    assert set(rows["audit"]) <= {"emergent", "input-determined", "identity"}
    assert (rows["threshold"] > 0).all()
    assert json.loads(rows["record"].iloc[0])["id"] == rows["id"].iloc[0]
