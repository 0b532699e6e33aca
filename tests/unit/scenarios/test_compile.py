"""Compiling scenarios against a world: actor resolution, edits, shocks, overrides, switches."""

from __future__ import annotations

import math

import pytest

from flashpoint.engine.plan import Commitment, Range, Shock, TradeChange
from flashpoint.errors import FlashpointWarning
from flashpoint.scenarios import compile_scenario, parse_scenario, resolve_actors

HEADER = '[scenario]\nname = "t"\ntitle = "T"\n'


def _plan(text: str, world):  # type: ignore[no-untyped-def]
    return compile_scenario(parse_scenario(HEADER + text), world)


def test_groups_resolve_to_members_present(tiny) -> None:  # type: ignore[no-untyped-def]
    assert resolve_actors(["NATO"], tiny) == ("USA", "DEU", "LTU")
    assert resolve_actors(["axis", "CHN"], tiny) == ("CHN", "RUS", "PRK")
    assert resolve_actors(["europe_nato"], tiny) == ("DEU", "LTU")
    assert resolve_actors(["ASEAN"], tiny) == ()  # fallback membership, none present
    assert resolve_actors(["GBR", "JPN"], tiny) == ("JPN",)  # known but absent: ignored


def test_lever_drops_only_primitives_with_absent_sides(tiny) -> None:  # type: ignore[no-untyped-def]
    plan = _plan('[[lever]]\nlever = "south_korea_arms_ukraine"\n', tiny)
    # the KOR-UKR deliveries need UKR, absent from the tiny world; the tie with NATO stays
    assert [(t.a, t.b) for t in plan.ties] == [(("KOR",), ("USA", "DEU", "LTU"))]


def test_presence_keeps_flashpoints_of_the_world(tiny) -> None:  # type: ignore[no-untyped-def]
    plan = _plan('[[lever]]\nlever = "european_naval_deployments"\n', tiny)
    (presence,) = plan.presences
    assert presence.actors == ("DEU",)
    assert presence.flashpoints == ("taiwan_strait",)  # south_china_sea needs PHL/VNM/MYS


def test_commitment_edit_mutual_and_partnership(tiny) -> None:  # type: ignore[no-untyped-def]
    plan = _plan(
        '[[edit]]\nkind = "commitment"\nsource = ["DEU"]\ntarget = ["TWN"]\n'
        'strength = [0.1, 0.3]\nmutual = true\nstart = 2\n'
        '\n[[edit]]\nkind = "partnership"\nsource = ["NATO"]\ntarget = ["IND"]\n',
        tiny,
    )
    assert plan.commitments == (
        Commitment(("DEU",), ("TWN",), Range(0.1, 0.3), start=2.0),
        Commitment(("TWN",), ("DEU",), Range(0.1, 0.3), start=2.0),
        Commitment(("USA", "DEU", "LTU"), ("IND",), Range(0.2, 0.5)),
        Commitment(("IND",), ("USA", "DEU", "LTU"), Range(0.2, 0.5)),
    )


def test_other_edits(tiny) -> None:  # type: ignore[no-untyped-def]
    plan = _plan(
        '[[edit]]\nkind = "spending"\nactors = ["JPN"]\nshare = [0.015, 0.02]\nramp = 5\n'
        '[[edit]]\nkind = "trade"\na = ["CHN"]\nb = ["DEU"]\nmultiplier = [0.8, 0.9]\n'
        '[[edit]]\nkind = "relation"\nfield = "intent"\nsource = ["CHN"]\ntarget = ["JPN"]\n'
        'delta = [-0.1, 0.0]\nsymmetric = false\nat = 1\n'
        '[[edit]]\nkind = "presence"\nactors = ["USA"]\ntheatre = "indo_pacific"\n'
        'level = [0.05, 0.1]\nflashpoints = ["taiwan_strait"]\nvisibility = [0.2, 0.3]\n'
        '[[edit]]\nkind = "signal"\nsource = ["USA"]\ntarget = ["CHN"]\ncost = [0.1, 0.2]\nend = 3\n',
        tiny,
    )
    assert plan.spending_floors[0].ramp == 5.0
    assert plan.trade == (TradeChange(("CHN",), ("DEU",), Range(0.8, 0.9)),)
    assert plan.relation_shocks[0].symmetric is False
    assert plan.presences[0].visibility == Range(0.2, 0.3)
    assert plan.signals[0].end == 3.0


def test_shock_kinds(tiny) -> None:  # type: ignore[no-untyped-def]
    plan = _plan(
        '[[shock]]\nkind = "blockade"\nat = 2\nflashpoint = "taiwan_strait"\nmagnitude = [0.5, 1]\n'
        'duration = 0.5\n'
        '[[shock]]\nkind = "retrenchment"\nat = 1\nmagnitude = [0.2, 0.4]\n'
        '[[shock]]\nkind = "korean_contingency"\nat = 3\n'
        '[[shock]]\nkind = "coercion"\nat = 1\ntarget = ["DEU"]\nmagnitude = [0.2, 0.6]\n'
        '[[shock]]\nkind = "escalation"\nat = 1\nmagnitude = [0.3, 0.5]\ntension = [0.2, 0.3]\n',
        tiny,
    )
    assert plan.shocks[0] == Shock("blockade", 2.0, Range(0.5, 1.0), "taiwan_strait", 0.5)
    assert plan.shocks[1].kind == "retrenchment" and plan.shocks[1].flashpoint is None
    assert plan.shocks[2] == Shock("crisis", 3.0, Range(1.0, 1.0), "korean_peninsula", 1.0)
    # coercion cuts 20-60% of CHN-DEU trade: multiplier 0.4-0.8
    (trade,) = plan.trade
    assert trade.a == ("CHN",) and trade.b == ("DEU",)
    assert math.isclose(trade.multiplier.low, 0.4) and math.isclose(trade.multiplier.high, 0.8)
    tension = [r for r in plan.relation_shocks if r.source == ("RUS",)]
    assert tension[0].target == ("USA", "DEU", "LTU") and tension[0].delta == Range(0.2, 0.3)
    assert plan.shocks[3] == Shock("crisis", 1.0, Range(0.3, 0.5), "baltic", 1.0)


def test_overrides_and_mechanism_switches(tiny) -> None:  # type: ignore[no-untyped-def]
    from flashpoint.engine.context import all_parameters
    from flashpoint.mechanisms import REGISTRY

    params = all_parameters()
    name, lo, hi = (params[0].name, params[0].low, params[0].high) if params else ("arms.x", 0, 1)
    variants = ""
    if "alignment" in REGISTRY and len(REGISTRY["alignment"].variants) > 1:
        variants = f'variants = {{alignment = "{REGISTRY["alignment"].variants[1]}"}}\n'
    text = (f'[[override]]\nparameter = "{name}"\nrange = [{lo}, {hi}]\n'
            f'\n[mechanisms]\ndisable = ["reassurance"]\n{variants}')
    if params:
        plan = _plan(text, tiny)
    else:
        with pytest.warns(FlashpointWarning):
            plan = _plan(text, tiny)
    assert plan.overrides[0].name == name
    assert plan.overrides[0].value == Range(float(lo), float(hi))
    assert plan.disabled == ("reassurance",)
    if variants:
        assert plan.variants["alignment"] == REGISTRY["alignment"].variants[1]


def test_unknown_variant_of_registered_mechanism() -> None:
    from flashpoint.errors import ScenarioError
    from flashpoint.mechanisms import REGISTRY

    if not REGISTRY:
        pytest.skip("no mechanism registered yet")
    name = next(iter(REGISTRY))
    with pytest.raises(ScenarioError, match=rf"mechanism '{name}' has no variant 'nonesuch'"):
        parse_scenario(HEADER + f'\n[mechanisms.variants]\n{name} = "nonesuch"\n')


def test_compile_is_deterministic(tiny) -> None:  # type: ignore[no-untyped-def]
    from flashpoint.scenarios import load_scenario

    sc = load_scenario("nato_ip4_partnership")
    assert compile_scenario(sc, tiny) == compile_scenario(sc, tiny)
