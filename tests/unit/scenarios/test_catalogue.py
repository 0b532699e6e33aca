"""The shipped catalogue: every file validates, compiles, and cites real seed passages."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

from flashpoint.scenarios import (
    LEVERS,
    catalogue,
    catalogue_names,
    catalogue_path,
    compile_scenario,
    load_scenario,
)

SEEDS = Path("/work/shared/seeds")
VERIFIED = Path(__file__).with_name("verified_quotes.tsv")

EXPECTED = {
    "status_quo", "tokyo_liaison_office", "nato_ip4_partnership", "asian_members",
    "european_naval_deployments", "technical_cooperation", "europe_shoulders_defence",
    "eu_economic_track", "reassurance_diplomacy", "south_korea_arms_ukraine", "taiwan_crisis",
    "taiwan_blockade", "taiwan_invasion", "korean_contingency", "us_retrenchment",
    "chinese_coercion", "russian_escalation",
}


def _verified() -> set[tuple[str, str]]:
    pairs = set()
    for line in VERIFIED.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            seed, quote = line.split("\t", 1)
            pairs.add((seed, quote))
    return pairs


def test_catalogue_covers_every_option_and_shock() -> None:
    assert set(catalogue_names()) == EXPECTED


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_catalogue_file_validates_without_warnings_and_compiles(name: str, tiny) -> None:  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scenario = load_scenario(name)
    assert scenario.name == name
    assert scenario.scenario.sources, "every catalogue scenario cites a seed passage"
    world = tiny
    if name == "south_korea_arms_ukraine":  # Ukraine is not in the tiny world
        from flashpoint.world import load_world

        world = load_world(2024).to_arrays()
    plan = compile_scenario(scenario, world)
    assert plan.name == name
    n = sum(len(getattr(plan, f)) for f in (
        "commitments", "presences", "trade", "signals", "spending_floors", "shocks",
        "relation_shocks", "ties"))
    assert (n == 0) == (name == "status_quo")
    codes = set(world.iso3)
    for p in (*plan.commitments, *plan.signals, *plan.relation_shocks):
        assert set(p.source) <= codes and set(p.target) <= codes
        assert p.source and p.target


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_catalogue_file_comments_explain_and_cite(name: str) -> None:
    text = catalogue_path(name).read_text(encoding="utf-8")
    comments = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    assert "What it changes" in comments
    assert re.search(r"seed 00[0-4]", comments)
    if name != "status_quo":
        assert "lever " in comments


def test_every_quote_is_a_verified_passage() -> None:
    verified = _verified()
    used = {(s.seed, s.quote) for sc in catalogue().values() for s in sc.scenario.sources}
    used |= {(lv.seed, lv.quote) for lv in LEVERS.values()}
    missing = used - verified
    assert not missing, f"quotes not in verified_quotes.tsv: {sorted(missing)}"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed articles not available")
def test_verified_quotes_occur_in_their_seed_files() -> None:
    texts = {p.name: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    for seed, quote in sorted(_verified()):
        assert seed in texts, f"no seed file {seed}"
        assert quote in texts[seed], f"{seed}: quote not found: {quote!r}"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed articles not available")
def test_quotes_in_catalogue_comments_occur_in_seeds() -> None:
    """Double-quoted passages in the comments are exact quotes too (after re-joining lines)."""
    corpus = " ".join(
        re.sub(r"\s+", " ", p.read_text(encoding="utf-8")) for p in SEEDS.glob("*.txt")
    )
    for name in sorted(EXPECTED):
        lines = catalogue_path(name).read_text(encoding="utf-8").splitlines()
        comment = " ".join(line.lstrip("# ").strip() for line in lines if line.startswith("#"))
        for quote in re.findall(r'"([^"]{12,})"', comment):
            parts = [q.strip() for q in quote.split("...")]
            for part in parts:
                assert part in corpus, f"{name}: comment quote not in the seeds: {part!r}"


def test_catalogue_compiles_against_the_default_world() -> None:
    from flashpoint.world import load_world

    world = load_world(2024).to_arrays()
    for name, scenario in catalogue().items():
        plan = compile_scenario(scenario, world)
        assert plan.name == name
    plan = compile_scenario(catalogue()["south_korea_arms_ukraine"], world)
    assert plan.ties[0].b == ("UKR",)  # UKR is in the default world


def test_user_guide_example_validates_and_compiles(tiny) -> None:  # type: ignore[no-untyped-def]
    from flashpoint.scenarios import parse_scenario

    guide = Path(__file__).parents[3] / "docs" / "scenarios.md"
    if not guide.exists():
        pytest.skip("docs/scenarios.md not available")
    blocks = re.findall(r"```toml\n(.*?)```", guide.read_text(encoding="utf-8"), flags=re.S)
    assert blocks
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scenario = parse_scenario(blocks[0], "docs/scenarios.md")
    plan = compile_scenario(scenario, tiny)
    assert plan.name == "europe_first"
    assert plan.disabled == ("reassurance",)
