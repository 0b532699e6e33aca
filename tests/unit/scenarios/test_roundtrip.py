"""Property tests: TOML round-trip, digest stability, JSON Schema."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flashpoint.scenarios import LEVERS, digest, dump_toml, parse_scenario, scenario_json_schema
from flashpoint.scenarios.schema import Scenario
from flashpoint.world.flashpoints import FLASHPOINTS

_ACTORS = st.lists(st.sampled_from(["USA", "CHN", "JPN", "NATO", "IP4", "axis", "DEU"]),
                   min_size=1, max_size=3, unique=True).map(tuple)
_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30
)


def _pair(lo: float, hi: float) -> st.SearchStrategy[tuple[float, float]]:
    x = st.floats(lo, hi, allow_nan=False, allow_infinity=False)
    return st.tuples(x, x).map(lambda t: (min(t), max(t)))


@st.composite
def _lever(draw: st.DrawFn) -> dict[str, object]:
    name = draw(st.sampled_from(sorted(LEVERS)))
    out: dict[str, object] = {"lever": name}
    if draw(st.booleans()):
        out["start"] = draw(st.floats(0, 20, allow_nan=False))
    if draw(st.booleans()):
        out["effect"] = draw(_pair(*LEVERS[name].effect))  # inside the sourced range: no warning
    return out


_FP = st.sampled_from([f.id for f in FLASHPOINTS])
_SHOCK = st.one_of(
    st.fixed_dictionaries({"kind": st.sampled_from(["crisis", "blockade", "war"]),
                           "at": st.floats(0, 10), "flashpoint": _FP,
                           "magnitude": _pair(0, 1)}),
    st.fixed_dictionaries({"kind": st.just("coercion"), "at": st.floats(0, 10),
                           "target": _ACTORS, "tension": _pair(-1, 1)}),
)
_EDIT = st.one_of(
    st.fixed_dictionaries({"kind": st.just("commitment"), "source": _ACTORS, "target": _ACTORS,
                           "strength": _pair(0, 1), "mutual": st.booleans()}),
    st.fixed_dictionaries({"kind": st.just("trade"), "a": _ACTORS, "b": _ACTORS,
                           "multiplier": _pair(0, 5)}),
    st.fixed_dictionaries({"kind": st.just("relation"),
                           "field": st.sampled_from(["alignment", "tension", "intent"]),
                           "source": _ACTORS, "target": _ACTORS, "delta": _pair(-1, 1)}),
)

_SCENARIO = st.fixed_dictionaries(
    {
        "scenario": st.fixed_dictionaries(
            {"name": st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True), "title": _TEXT},
            optional={"description": st.text(max_size=80),
                      "sources": st.lists(st.fixed_dictionaries(
                          {"seed": st.just("001_e818867fe11d8965.txt"),
                           "quote": st.text(min_size=8, max_size=40)}), max_size=2)},
        ),
    },
    optional={
        "lever": st.lists(_lever(), max_size=3),
        "shock": st.lists(_SHOCK, max_size=2),
        "edit": st.lists(_EDIT, max_size=2),
        "mechanisms": st.fixed_dictionaries(
            {"disable": st.lists(st.sampled_from(["arms", "reassurance", "economy"]),
                                 max_size=2, unique=True)}),
    },
)


def _as_tuples(value: object) -> object:
    if isinstance(value, list):
        return tuple(_as_tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: _as_tuples(v) for k, v in value.items()}
    return value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_SCENARIO)
def test_toml_round_trip_gives_the_same_scenario(data: dict[str, object]) -> None:
    scenario = Scenario.model_validate(_as_tuples(data))
    text = dump_toml(scenario)
    again = parse_scenario(text, "roundtrip.toml")
    assert again == scenario
    assert digest(again) == digest(scenario)


def test_round_trip_of_awkward_strings() -> None:
    title = 'quote " backslash \\ tab \t newline \n del \x7f unicode \u2014 \U0001f600'
    scenario = Scenario.model_validate(
        {"scenario": {"name": "x", "title": title, "description": "'''\n\"\"\"x"}}
    )
    assert parse_scenario(dump_toml(scenario)) == scenario


def test_digest_ignores_spelled_out_defaults_and_sees_changes() -> None:
    head = '[scenario]\nname = "t"\ntitle = "T"\n'
    a = parse_scenario(head + '[[lever]]\nlever = "taiwan_crisis"\n')
    b = parse_scenario(head + 'description = ""\n[[lever]]\nlever = "taiwan_crisis"\n')
    c = parse_scenario(head + '[[lever]]\nlever = "taiwan_crisis"\nstart = 2\n')
    assert digest(a) == digest(b)
    assert digest(a) != digest(c)
    assert len(digest(a)) == 64


def test_json_schema_is_json_and_forbids_extra_fields() -> None:
    schema = scenario_json_schema()
    json.dumps(schema)
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == {"scenario", "lever", "shock", "override", "edit",
                                         "mechanisms"}
    assert schema["$defs"]["LeverUse"]["additionalProperties"] is False
