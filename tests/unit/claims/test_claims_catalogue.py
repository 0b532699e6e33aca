"""The shipped catalogue: both sides, every quote verbatim, every scenario shipped."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from flashpoint.claims import SCENARIOS, load_claims

SEEDS = Path(__file__).resolve().parents[3].parent / "shared" / "seeds"
CATALOGUE_DIR = Path(__file__).resolve().parents[3] / "src" / "flashpoint" / "scenarios" / "catalogue"
CLAIMS = load_claims()


def test_both_sides_are_represented() -> None:
    sides = Counter(c.side for c in CLAIMS)
    assert sides["sceptic"] >= 22
    assert sides["proponent"] >= 6
    assert len(CLAIMS) >= 28


def test_every_article_is_a_source() -> None:
    assert {c.source.seed[:3] for c in CLAIMS} == {"000", "001", "002", "003", "004"}


def test_named_proponents_are_covered() -> None:
    ids = " ".join(c.id for c in CLAIMS if c.side == "proponent")
    for who in ("stoltenberg", "sullivan", "kishida", "simon", "stavridis", "reader"):
        assert who in ids


def test_ids_and_paraphrases_are_unique() -> None:
    assert len({c.id for c in CLAIMS}) == len(CLAIMS)
    assert len({c.paraphrase for c in CLAIMS}) == len(CLAIMS)


def test_scenarios_are_catalogue_names() -> None:
    assert {c.scenario for c in CLAIMS} | {c.baseline for c in CLAIMS} <= set(SCENARIOS)


def test_scenarios_exist_in_the_shipped_scenario_catalogue() -> None:
    shipped = {p.stem for p in CATALOGUE_DIR.glob("*.toml")}
    if not shipped:
        pytest.skip("the scenario catalogue is not written yet")
    needed = {c.scenario for c in CLAIMS} | {c.baseline for c in CLAIMS}
    assert needed <= shipped, sorted(needed - shipped)


def test_relative_claims_with_a_threshold_explain_it() -> None:
    for c in CLAIMS:
        if c.threshold != 0.0:
            assert c.note, c.id


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed articles are not present")
@pytest.mark.parametrize("claim", CLAIMS, ids=lambda c: c.id)
def test_quote_is_verbatim_in_its_seed(claim: object) -> None:
    from flashpoint.claims import Claim

    assert isinstance(claim, Claim)
    text = (SEEDS / claim.source.seed).read_text(encoding="utf-8")
    assert claim.source.quote in text


def test_docs_list_every_shipped_claim() -> None:
    doc = (Path(__file__).resolve().parents[3] / "docs" / "claims.md").read_text(encoding="utf-8")
    missing = [c.id for c in CLAIMS if f"`{c.id}`" not in doc]
    assert not missing
