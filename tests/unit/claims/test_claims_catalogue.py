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


def test_claims_with_their_own_threshold_give_its_source() -> None:
    for c in CLAIMS:
        if c.threshold is not None:
            assert len(c.threshold_source) > 30, c.id
            assert c.threshold_unit == c.expected_unit, c.id


def test_no_directional_claim_has_band_zero_without_a_reasoned_waiver() -> None:
    for c in CLAIMS:
        if c.is_directional and c.band == 0.0:
            assert c.waiver is not None and len(c.waiver.split()) >= 5, c.id


def test_every_band_has_a_source_and_lies_in_the_metrics_unit() -> None:
    for c in CLAIMS:
        if not c.is_relative:
            continue
        assert c.band > 0.0 or c.waiver, c.id
        assert c.band_source.strip(), c.id
        span = 1.0 if c.scale == "relative" else c.spec.span()
        assert c.band < span, c.id


def test_the_arms_race_claim_uses_the_literature_rule() -> None:
    c = next(c for c in CLAIMS if c.id == "ip4_arms_race")
    assert "Gibler" in c.threshold_source and "8 %" in c.threshold_source
    assert c.band >= 0.08  # at least one arms-race year of regional growth


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
