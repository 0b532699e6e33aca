"""The lever library: declared ranges, sources, bounds, and the primitives each lever builds."""

from __future__ import annotations

import pytest

from flashpoint.engine.plan import (
    Commitment,
    Presence,
    Range,
    RelationShock,
    Shock,
    Signal,
    SpendingFloor,
    Tie,
)
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


def _profile(name: str) -> dict[str, float]:
    """What a lever changes, at the centre of its ranges: obligation, visibility,
    capability, forward presence."""
    prims = LEVERS[name].primitives()

    def mid(r: Range) -> float:
        return 0.5 * (r.low + r.high)

    return {
        "obligation": max((mid(p.strength) for p in prims if isinstance(p, Commitment)), default=0.0),
        "visibility": max([mid(p.visibility) for p in prims if isinstance(p, Tie | Presence)],
                          default=0.0),
        "capability": max((mid(p.capability) for p in prims if isinstance(p, Tie)), default=0.0),
        "presence": max((mid(p.level) for p in prims if isinstance(p, Presence)), default=0.0),
    }


def test_nato_in_asia_options_differ_by_what_they_change() -> None:
    """Issue 13.7: an office is visibility without commitment; a partnership consultation and
    interoperability; membership Article 5; deployments presence and visibility; technical
    cooperation capability without visibility."""
    office = _profile("nato_tokyo_liaison_office")
    partner = _profile("nato_ip4_partnership")
    member = _profile("asian_members")
    ships = _profile("european_naval_deployments")
    tech = _profile("technical_cooperation")
    assert office["obligation"] == 0 and office["visibility"] > tech["visibility"]
    assert office["capability"] < tech["capability"]
    assert 0 < partner["obligation"] < member["obligation"]
    assert member["capability"] > partner["capability"] > 0
    assert ships["obligation"] == 0 and ships["presence"] > 0 and ships["capability"] == 0
    assert tech["visibility"] < 0.1 < tech["capability"]
    profiles = [tuple(p.values()) for p in (office, partner, member, ships, tech)]
    assert len(set(profiles)) == 5


def test_no_policy_lever_writes_a_claim_metric_state_field() -> None:
    """A policy sets commitments, presence, ties, trade, pledges and signals; reactions (intent,
    tension, alignment, spending, crises) come from mechanisms. Only shocks may move state."""
    from flashpoint.engine.state import FIELDS

    for lever in LEVERS.values():
        if lever.kind != "policy":
            continue
        for p in lever.primitives():
            assert not isinstance(p, RelationShock | Shock), (lever.name, p)
            assert getattr(p, "field", None) not in FIELDS, (lever.name, p)


def test_naval_deployments_commit_nothing_but_are_visible() -> None:
    prims = LEVERS["european_naval_deployments"].primitives()
    assert not any(isinstance(p, Commitment) for p in prims)
    (presence,) = prims
    assert isinstance(presence, Presence)
    assert presence.theatre == "indo_pacific"
    assert set(presence.flashpoints) == {"south_china_sea", "taiwan_strait"}
    assert presence.visibility.low > presence.level.high


def test_korea_lever_does_not_hard_code_the_claim() -> None:
    """Closer RUS/CHN-PRK ties are what seed 002 claims: the lever must not set them, nor
    Moscow's reaction."""
    ties = LEVERS["south_korea_arms_ukraine"].primitives()
    assert all(isinstance(t, Tie) and t.a == ("KOR",) for t in ties)
    assert [t.b for t in ties] == [("UKR",), ("NATO",)]
    assert all("PRK" not in t.b and "RUS" not in t.b for t in ties)


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
