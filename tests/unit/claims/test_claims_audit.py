"""The construction audit on the tiny test world: tags and the numbers behind them."""

from __future__ import annotations

import pytest

from flashpoint.claims import AUDIT_TAGS, load_claims
from flashpoint.claims.audit import audit_claims
from flashpoint.testing import tiny_world

IDS = ("engagement_raises_china_nato_tension", "ip4_arms_race", "europe_focus_benefits_europe")


@pytest.fixture(scope="module")
def audited() -> dict[str, object]:
    claims = [c for c in load_claims() if c.id in IDS]
    return dict(audit_claims(claims, tiny_world(), runs=16, seed=1))


def test_every_claim_gets_a_tag_and_the_numbers(audited: dict[str, object]) -> None:
    assert set(audited) == set(IDS)
    for r in audited.values():
        assert r.tag in AUDIT_TAGS  # type: ignore[attr-defined]
        text = r.sentence()  # type: ignore[attr-defined]
        assert text.startswith(r.tag) and "effect" in text  # type: ignore[attr-defined]
        rec = r.record()  # type: ignore[attr-defined]
        assert rec["audit"] == r.tag and rec["original"]["verdict"]  # type: ignore[attr-defined]


def test_partnership_tension_and_arms_race_lose_their_effect_without_the_bumps(
    audited: dict[str, object],
) -> None:
    """The issue's finding: with the relation inputs removed the effect is gone."""
    for cid in ("engagement_raises_china_nato_tension", "ip4_arms_race"):
        r = audited[cid]
        assert r.relation_inputs > 0  # type: ignore[attr-defined]
        assert r.no_inputs is not None  # type: ignore[attr-defined]
        assert abs(r.no_inputs.effect_median) < 1e-9  # type: ignore[attr-defined]
        assert r.tag == "input-determined"  # type: ignore[attr-defined]


def test_a_scenario_without_relation_inputs_is_not_input_determined(
    audited: dict[str, object],
) -> None:
    r = audited["europe_focus_benefits_europe"]
    assert r.relation_inputs == 0 and r.no_inputs is None  # type: ignore[attr-defined]
    assert r.tag != "input-determined"  # type: ignore[attr-defined]
    # the spending floor reaches European security only through the mechanisms it feeds
    assert r.mechanisms  # type: ignore[attr-defined]
    assert r.no_feedback is not None  # type: ignore[attr-defined]
