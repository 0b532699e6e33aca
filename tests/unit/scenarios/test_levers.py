"""The lever library: declared ranges, sources, bounds, and the primitives each lever builds."""

from __future__ import annotations

import pytest

from flashpoint.engine.plan import Commitment, Presence, RelationShock, Shock, Signal, SpendingFloor
from flashpoint.scenarios import LEVERS, Lever
from flashpoint.world.flashpoints import FLASHPOINTS

REQUIRED = {
    "nato_tokyo_liaison_office", "nato_ip4_partnership", "asian_members",
    "european_naval_deployments", "technical_cooperation", "europe_shoulders_defence",
    "eu_economic_track", "reassurance_diplomacy", "south_korea_arms_ukraine", "us_retrenchment",
    "chinese_coercion", "russian_escalation", "taiwan_crisis", "taiwan_blockade",
    "taiwan_invasion", "korean_contingency",
}


def test_library_has_every_required_lever() -> None:
    assert REQUIRED <= set(LEVERS)


@pytest.mark.parametrize("name", sorted(LEVERS))
def test_lever_declares_range_source_and_builds(name: str) -> None:
    lever = LEVERS[name]
    lo, hi = lever.effect
    assert lever.bounds[0] <= lo <= hi <= lever.bounds[1]
    assert lever.source.strip() and lever.unit.strip() and lever.changes.strip()
    # a judgement is labelled as such; otherwise a publication is named (a year in brackets)
    assert lever.source.startswith("rationale:") or any(ch.isdigit() for ch in lever.source)
    prims = lever.primitives()
    assert prims
    fps = {f.id for f in FLASHPOINTS}
    for p in prims:
        if isinstance(p, Shock) and p.flashpoint is not None:
            assert p.flashpoint in fps
        if isinstance(p, Presence):
            assert set(p.flashpoints) <= fps


def test_effect_override_and_start_reach_the_primitives() -> None:
    prims = LEVERS["nato_ip4_partnership"].primitives((0.3, 0.35), 2.0)
    commitments = [p for p in prims if isinstance(p, Commitment)]
    assert len(commitments) == 2
    assert all((c.strength.low, c.strength.high, c.start) == (0.3, 0.35, 2.0) for c in commitments)
    assert {c.source for c in commitments} == {("NATO",), ("IP4",)}


def test_partnership_is_weaker_than_membership_and_stronger_than_cooperation() -> None:
    def hi(name: str) -> float:
        return LEVERS[name].effect[1]

    def lo(name: str) -> float:
        return LEVERS[name].effect[0]

    assert hi("technical_cooperation") < lo("nato_ip4_partnership")
    assert hi("nato_ip4_partnership") < lo("asian_members")


def test_naval_deployments_commit_nothing_but_are_visible() -> None:
    prims = LEVERS["european_naval_deployments"].primitives()
    assert not any(isinstance(p, Commitment) for p in prims)
    (presence,) = prims
    assert isinstance(presence, Presence)
    assert presence.theatre == "indo_pacific"
    assert set(presence.flashpoints) == {"south_china_sea", "taiwan_strait"}
    assert presence.visibility.low > presence.level.high


def test_axis_reads_partnership_as_hostile_one_way() -> None:
    prims = LEVERS["nato_ip4_partnership"].primitives()
    intent = [p for p in prims if isinstance(p, RelationShock) and p.field == "intent"]
    assert intent and intent[0].source == ("CHN", "RUS", "PRK") and not intent[0].symmetric


def test_korea_lever_does_not_hard_code_the_claim() -> None:
    """Closer RUS/CHN-PRK ties are what seed 002 claims: the lever must not set them."""
    for p in LEVERS["south_korea_arms_ukraine"].primitives():
        assert isinstance(p, RelationShock)
        assert "PRK" not in (*p.source, *p.target)


def test_other_primitive_kinds() -> None:
    assert isinstance(LEVERS["reassurance_diplomacy"].primitives()[0], Signal)
    assert isinstance(LEVERS["europe_shoulders_defence"].primitives()[0], SpendingFloor)
    shock = LEVERS["us_retrenchment"].primitives()[0]
    assert isinstance(shock, Shock) and shock.kind == "retrenchment" and shock.at == 1.0
    kinds = {p.kind for p in LEVERS["taiwan_invasion"].primitives() if isinstance(p, Shock)}
    assert kinds == {"crisis", "war"}


def test_lever_rejects_effect_outside_bounds() -> None:
    template = LEVERS["taiwan_crisis"]
    with pytest.raises(ValueError, match=r"effect \(0\.5, 1\.5\) must lie within bounds"):
        Lever(**{**template.__dict__, "name": "bad", "effect": (0.5, 1.5)})
