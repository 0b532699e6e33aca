"""Error wording of malformed scenario files: each names file, line, field and reason."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

from flashpoint.errors import FlashpointWarning, ScenarioError
from flashpoint.scenarios import check_file, compile_scenario, load_scenario, parse_scenario
from flashpoint.scenarios.load import line_index

HEADER = '[scenario]\nname = "t"\ntitle = "T"\n'


def _err(write, text: str) -> ScenarioError:  # type: ignore[no-untyped-def]
    path = write(text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.path == str(path)
    return info.value


def test_unknown_lever_names_file_line_field_and_suggests(write) -> None:  # type: ignore[no-untyped-def]
    e = _err(write, HEADER + '\n[[lever]]\nlever = "nato_ip4_partnershp"\n')
    assert (e.line, e.field) == (6, "lever[0].lever")
    assert re.search(r"s\.toml:6: field 'lever\[0\]\.lever': unknown lever 'nato_ip4_partnershp'\. "
                     r"Did you mean nato_ip4_partnership", str(e))


def test_wrong_type(write) -> None:  # type: ignore[no-untyped-def]
    e = _err(write, HEADER + '\n[[lever]]\nlever = "taiwan_crisis"\nstart = "soon"\n')
    assert (e.line, e.field) == (7, "lever[0].start")
    assert "valid number. Got 'soon' (str) instead." in e.reason


def test_bool_is_not_a_number(write) -> None:  # type: ignore[no-untyped-def]
    e = _err(write, HEADER + '\n[[lever]]\nlever = "taiwan_crisis"\nstart = true\n')
    assert e.field == "lever[0].start"
    assert "Got True (bool) instead." in e.reason


def test_effect_out_of_lever_bounds(write) -> None:  # type: ignore[no-untyped-def]
    e = _err(write, HEADER + '\n[[lever]]\nlever = "taiwan_crisis"\neffect = [0.5, 1.5]\n')
    assert (e.line, e.field) == (7, "lever[0].effect")
    assert re.search(r"must lie within \[0\.0, 1\.0\]\. Got \[0\.5, 1\.5\] instead", e.reason)


def test_reversed_range(write) -> None:  # type: ignore[no-untyped-def]
    e = _err(write, HEADER + '\n[[lever]]\nlever = "taiwan_crisis"\neffect = [0.9, 0.5]\n')
    assert e.field == "lever[0].effect"
    assert "low <= high. Got [0.9, 0.5] instead." in e.reason


def test_negative_time(write) -> None:  # type: ignore[no-untyped-def]
    e = _err(write, HEADER + '\n[[lever]]\nlever = "taiwan_crisis"\nstart = -1\n')
    assert (e.line, e.field) == (7, "lever[0].start")
    assert "greater than or equal to 0" in e.reason


def test_bad_toml_names_line(write) -> None:  # type: ignore[no-untyped-def]
    e = _err(write, HEADER + '\n[[lever]\nlever = "x"\n')
    assert (e.line, e.field) == (5, "<toml>")
    assert e.reason.startswith("invalid TOML:")


def test_unknown_actor_structural(write) -> None:  # type: ignore[no-untyped-def]
    text = HEADER + '\n[[edit]]\nkind = "trade"\na = ["CHN"]\nb = ["LTA"]\nmultiplier = [0.5, 0.8]\n'
    e = _err(write, text)
    assert (e.line, e.field) == (8, "edit[0].b[0]")
    assert re.search(r"unknown actor 'LTA'\. Did you mean .*", e.reason)


def test_not_an_actor_token(write) -> None:  # type: ignore[no-untyped-def]
    text = HEADER + '\n[[edit]]\nkind = "spending"\nactors = ["nato"]\nshare = [0.02, 0.03]\n'
    e = _err(write, text)
    assert e.field == "edit[0].actors[0]"
    assert re.search(r"'nato' is neither an ISO3 code .* Did you mean NATO", e.reason)


def test_unknown_field_suggests_and_lists(write) -> None:  # type: ignore[no-untyped-def]
    e = _err(write, HEADER + '\n[[lever]]\nlever = "taiwan_crisis"\nstrength = [0.1, 0.2]\n')
    assert (e.line, e.field) == (7, "lever[0].strength")
    assert e.reason == (
        "unknown field 'strength'. Did you mean start? Expected one of: lever, start, effect."
    )


def test_unknown_field_in_edit_reported_before_missing(write) -> None:  # type: ignore[no-untyped-def]
    text = (HEADER + '\n[[edit]]\nkind = "trade"\na = ["CHN"]\nb = ["LTU"]\n'
            'multipler = [0.5, 0.8]\n')
    e = _err(write, text)
    assert (e.line, e.field) == (9, "edit[0].multipler")
    assert re.match(r"unknown field 'multipler'\. Did you mean multiplier\?", e.reason)


def test_unknown_table(write) -> None:  # type: ignore[no-untyped-def]
    e = _err(write, HEADER + '\n[[levers]]\nlever = "taiwan_crisis"\n')
    assert (e.line, e.field) == (5, "levers")
    assert "Did you mean lever" in e.reason


def test_missing_scenario_table(write) -> None:  # type: ignore[no-untyped-def]
    e = _err(write, '[[lever]]\nlever = "taiwan_crisis"\n')
    assert e.field == "scenario"
    assert "the [scenario] table is missing" in e.reason


def test_missing_field(write) -> None:  # type: ignore[no-untyped-def]
    e = _err(write, '[scenario]\nname = "t"\n')
    assert (e.line, e.field, e.reason) == (1, "scenario.title", "required field is missing.")


def test_unknown_edit_kind(write) -> None:  # type: ignore[no-untyped-def]
    e = _err(write, HEADER + '\n[[edit]]\nkind = "alliance"\n')
    assert (e.line, e.field) == (5, "edit[0]")
    assert "unknown edit kind 'alliance'; expected one of commitment" in e.reason


def test_shock_needs_flashpoint(write) -> None:  # type: ignore[no-untyped-def]
    e = _err(write, HEADER + '\n[[shock]]\nkind = "blockade"\nat = 1.0\n')
    assert e.field == "shock[0].flashpoint"
    assert e.reason == "a 'blockade' shock needs a 'flashpoint'."


def test_unknown_flashpoint_suggests(write) -> None:  # type: ignore[no-untyped-def]
    e = _err(write, HEADER + '\n[[shock]]\nkind = "war"\nat = 1\nflashpoint = "taiwan"\n')
    assert (e.line, e.field) == (8, "shock[0].flashpoint")
    assert "Did you mean taiwan_strait" in e.reason


def test_unknown_mechanism(write) -> None:  # type: ignore[no-untyped-def]
    e = _err(write, HEADER + '\n[mechanisms]\ndisable = ["arm"]\n')
    assert (e.line, e.field) == (6, "mechanisms.disable")
    assert "unknown mechanism 'arm'" in e.reason
    assert "Did you mean arms?" in e.reason


def test_override_of_unknown_mechanism(write) -> None:  # type: ignore[no-untyped-def]
    e = _err(write, HEADER + '\n[[override]]\nparameter = "arm.reaction"\nrange = [0.1, 0.2]\n')
    assert (e.line, e.field) == (6, "override[0].parameter")
    assert "names no mechanism ('arm'). Did you mean arms?" in e.reason


def test_override_checked_against_registered_parameters(write) -> None:  # type: ignore[no-untyped-def]
    from flashpoint.engine.context import all_parameters

    params = all_parameters()
    if not params:
        pytest.skip("no mechanism registered yet")
    p = params[0]
    e = _err(write, HEADER + f'\n[[override]]\nparameter = "{p.name}x"\nrange = [0, 0]\n')
    assert e.field == "override[0].parameter"
    assert f"unknown parameter '{p.name}x'. Did you mean {p.name}" in e.reason
    above = p.high + abs(p.high) + 1.0
    e = _err(write, HEADER + f'\n[[override]]\nparameter = "{p.name}"\nrange = [{p.low}, {above}]\n')
    assert (e.line, e.field) == (7, "override[0].range")
    assert f"must lie within [{p.low}, {p.high}]" in e.reason


def test_duplicate_override(write) -> None:  # type: ignore[no-untyped-def]
    from flashpoint.engine.context import all_parameters

    params = all_parameters()
    name = params[0].name if params else "arms.reaction"
    lo = params[0].low if params else 0.0
    block = f'\n[[override]]\nparameter = "{name}"\nrange = [{lo}, {lo}]\n'
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FlashpointWarning)
        e = _err(write, HEADER + block + block)
    assert "overridden twice" in e.reason


def test_bad_seed_name_in_inline_table_points_at_its_line(write) -> None:  # type: ignore[no-untyped-def]
    text = ('[scenario]\nname = "t"\ntitle = "T"\nsources = [\n'
            '  {seed = "001_e818867fe11d8965.txt", quote = "abcdefghij"},\n'
            '  {seed = "bad", quote = "abcdefghij"},\n]\n')
    e = _err(write, text)
    assert (e.line, e.field) == (6, "scenario.sources[1].seed")
    assert "Got 'bad' (str) instead." in e.reason


def test_partnership_cannot_exceed_half(write) -> None:  # type: ignore[no-untyped-def]
    text = (HEADER + '\n[[edit]]\nkind = "partnership"\nsource = ["NATO"]\ntarget = ["IND"]\n'
            'strength = [0.4, 0.9]\n')
    e = _err(write, text)
    assert (e.line, e.field) == (9, "edit[0].strength")
    assert "use kind = 'commitment' above 0.5" in e.reason


def test_file_not_found_and_unknown_catalogue_name(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"missing\.toml: field '<file>': file not found\."):
        load_scenario(tmp_path / "missing.toml")
    with pytest.raises(ScenarioError, match=r"no .*catalogue scenario called 'taiwan_crises'\. "
                                            r"Did you mean taiwan_crisis"):
        load_scenario("taiwan_crises")


def test_effect_outside_sourced_range_warns_with_line(write) -> None:  # type: ignore[no-untyped-def]
    path = write(HEADER + '\n[[lever]]\nlever = "nato_ip4_partnership"\neffect = [0.5, 0.8]\n')
    with pytest.warns(FlashpointWarning, match=r"s\.toml:7: field 'lever\[0\]\.effect': effect "
                                               r"\[0\.5, 0\.8\] .* outside its sourced range \[0\.2, 0\.5\]"):
        load_scenario(path)


def test_effect_inside_sourced_range_does_not_warn(write) -> None:  # type: ignore[no-untyped-def]
    path = write(HEADER + '\n[[lever]]\nlever = "nato_ip4_partnership"\neffect = [0.3, 0.4]\n')
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert load_scenario(path).lever[0].effect == (0.3, 0.4)


def test_unknown_actor_against_world_names_line(write, tiny) -> None:  # type: ignore[no-untyped-def]
    # GBR is a real code (valid structurally) but absent from the tiny world:
    # an explicit edit must name at least one actor of the world.
    text = HEADER + '\n[[edit]]\nkind = "trade"\na = ["CHN"]\nb = ["GBR"]\nmultiplier = [0.5, 0.8]\n'
    path = write(text)
    with pytest.raises(ScenarioError, match=r"s\.toml:8: field 'edit\[0\]\.b': none of GBR is in "
                                            r"this world: an edit must name at least one actor"):
        check_file(path, tiny)


def test_code_unknown_to_world_suggests_world_codes(tiny) -> None:  # type: ignore[no-untyped-def]
    from flashpoint.scenarios import resolve_actors

    with pytest.raises(ValueError, match=r"unknown actor 'XYZ' \(not in this world\)"):
        resolve_actors(["XYZ"], tiny)


def test_lever_with_only_absent_actors_is_an_error(tiny) -> None:  # type: ignore[no-untyped-def]
    text = HEADER + '\n[[lever]]\nlever = "eu_economic_track"\n'
    world = _without(tiny, "IND")
    with pytest.raises(ScenarioError, match=r"field 'lever\[0\]\.lever': lever 'eu_economic_track' "
                                            r"names only actors or flashpoints absent"):
        compile_scenario(parse_scenario(text, "x.toml"), world, path="x.toml", text=text)


def test_shock_at_flashpoint_absent_from_world(tiny) -> None:  # type: ignore[no-untyped-def]
    text = HEADER + '\n[[shock]]\nkind = "crisis"\nat = 1\nflashpoint = "south_china_sea"\n'
    with pytest.raises(ScenarioError, match=r"x\.toml:8: field 'shock\[0\]\.flashpoint': flashpoint "
                                            r"'south_china_sea' is not in this world"):
        compile_scenario(parse_scenario(text, "x.toml"), tiny, path="x.toml", text=text)


def test_compile_without_text_names_the_scenario(tiny) -> None:  # type: ignore[no-untyped-def]
    text = HEADER + '\n[[edit]]\nkind = "spending"\nactors = ["GBR"]\nshare = [0.02, 0.03]\n'
    with pytest.raises(ScenarioError, match=r"^scenario 't': field 'edit\[0\]\.actors'"):
        compile_scenario(parse_scenario(text), tiny)


def test_line_index_handles_multiline_strings_and_arrays() -> None:
    text = (
        '[scenario]\nname = "t"\ndescription = """\nfake = 1\n[[lever]]\n"""\n'
        'sources = [\n  {seed = "a", quote = "b = c"},\n  {seed = "d", quote = "e"}\n]\n'
        '\n[[lever]]\nlever = "x"  # a comment with [brackets\n\n[[lever]]\neffect = [\n  0.1,\n  0.2,\n]\n'
        'start = 2\n\n[mechanisms.variants]\nalignment = "x"\n'
    )
    idx = line_index(text)
    assert idx[("scenario", "description")] == 3
    assert ("scenario", "fake") not in idx
    assert idx[("scenario", "sources", 0)] == 8
    assert idx[("scenario", "sources", 1)] == 9
    assert idx[("lever", 0)] == 12
    assert idx[("lever", 0, "lever")] == 13
    assert idx[("lever", 1, "effect")] == 16
    assert idx[("lever", 1, "start")] == 20
    assert idx[("mechanisms", "variants", "alignment")] == 23


def _without(world, code: str):  # type: ignore[no-untyped-def]
    """A copy of ``world`` without one actor (for absent-actor rules)."""
    import dataclasses

    import numpy as np

    keep = np.array([c != code for c in world.iso3])
    changes = {}
    for f in dataclasses.fields(world):
        v = getattr(world, f.name)
        if f.name in ("iso3", "names"):
            changes[f.name] = tuple(x for x, k in zip(v, keep, strict=True) if k)
        elif f.name == "membership":
            changes[f.name] = {k: m[keep] for k, m in v.items()}
        elif isinstance(v, np.ndarray) and v.ndim == 2:
            changes[f.name] = v[np.ix_(keep, keep)]
        elif isinstance(v, np.ndarray):
            changes[f.name] = v[keep]
    return dataclasses.replace(world, **changes)
