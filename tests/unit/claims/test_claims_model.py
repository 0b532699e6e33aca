"""The Claim model and the TOML loader: strict validation, errors naming file, claim and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from flashpoint.claims import Claim, load_claims, parse_claims
from flashpoint.errors import ClaimError

GOOD = '''
[[claim]]
id = "ip4_arms_race"
paraphrase = "A formal NATO+IP4 partnership raises Indo-Pacific military spending."
side = "sceptic"
source = { seed = "004_b98a0458632f5616.txt", quote = "would almost certainly cause a regional arms race" }
metric = "arms_race_index"
selector = { region = "indo_pacific" }
direction = "increase"
scenario = "nato_ip4_partnership"
'''


def with_field(line: str, *, drop: str | None = None) -> str:
    lines = [x for x in GOOD.splitlines() if drop is None or not x.startswith(f"{drop} =")]
    return "\n".join([*lines, line]) + "\n"


def test_good_claim_parses_with_defaults() -> None:
    (c,) = parse_claims(GOOD)
    assert (c.statistic, c.threshold, c.horizon, c.baseline, c.scale) == (
        "final", None, 10, "status_quo", "absolute")
    assert c.band == c.spec.materiality > 0  # inherited from the metric registry
    assert "registry" in c.band_source
    assert c.selector.items() == (("region", "indo_pacific"),)
    assert c.is_relative
    assert "arms_race_index[region=indo_pacific] final@10y" in c.describe()


def test_claim_is_frozen_and_hashable() -> None:
    (c,) = parse_claims(GOOD)
    with pytest.raises(ValidationError, match="frozen"):
        c.horizon = 5  # type: ignore[misc]
    assert hash(c) == hash(parse_claims(GOOD)[0])


def test_selector_lists_become_tuples() -> None:
    text = with_field('selector = { flashpoint = ["taiwan_strait", "baltic"] }', drop="selector")
    text = text.replace('metric = "arms_race_index"', 'metric = "credibility"')
    (c,) = parse_claims(text)
    assert c.selector.flashpoint == ("taiwan_strait", "baltic")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (with_field('colour = "red"'),
         r"claims.toml:2: claim 'ip4_arms_race': field 'colour': unknown field"),
        (with_field('metric = "arms_race"', drop="metric"),
         r"field 'metric': expected one of \[.*\]\. Got 'arms_race' instead"),
        (with_field('direction = "up"', drop="direction"),
         r"field 'direction': Input should be 'increase', 'decrease'"),
        (with_field('horizon = "10"'),
         r"field 'horizon': Input should be a valid integer. Got '10' instead"),
        (with_field("horizon = 0"),
         r"field 'horizon': Input should be greater than or equal to 1"),
        (with_field('selector = { flashpoint = "taiwan_strait" }', drop="selector"),
         r"field 'selector': metric 'arms_race_index' needs exactly \['region'\] selector "
         r"field\(s\)\. Got \['flashpoint'\] instead"),
        (with_field('selector = { region = "asia" }', drop="selector"),
         r"field 'selector.region': expected a region in \['euro_atlantic', 'indo_pacific'\]\. "
         r"Got 'asia' instead"),
        (with_field('threshold = -0.1\nthreshold_unit = "pp"\nthreshold_source = "a reason"'),
         r"claims.toml:2: claim 'ip4_arms_race': field 'threshold': a materiality band must be "
         r">= 0\. Got -0.1 instead"),
        (with_field('threshold = 1.0\nthreshold_unit = "fraction"\nthreshold_source = "a reason"'),
         r"claims.toml:2: claim 'ip4_arms_race': field 'threshold_unit': metric 'arms_race_index' "
         r"takes a band in 'pp'.*Got 'fraction' instead"),
        (with_field('threshold = 1.0'),
         r"field 'threshold_unit': required with threshold"),
        (with_field('threshold = 1.0\nthreshold_unit = "pp"'),
         r"field 'threshold_source': required with threshold"),
        (with_field('threshold = 0.0\nthreshold_unit = "pp"\nthreshold_source = "a reason"'),
         r"field 'threshold': a band of 0 counts any effect.*Got 0 and no waiver instead"),
        (with_field('threshold = 0.0\nthreshold_unit = "pp"\nthreshold_source = "r"\nwaiver = ""'),
         r"claims.toml:2: claim 'ip4_arms_race': field 'waiver': needs the reason"),
        (with_field('threshold = 0.0\nthreshold_unit = "pp"\nthreshold_source = "r"\nwaiver = true'),
         r"field 'waiver': Input should be a valid string"),
        (with_field('baseline = "nato_ip4_partnership"'),
         r"field 'baseline': must differ from the scenario"),
        (with_field('side = "neutral"', drop="side"), r"field 'side': Input should be 'sceptic'"),
        (with_field("", drop="scenario"), r"field 'scenario': required field is missing"),
        (GOOD.replace("004_b98a0458632f5616.txt", "article4.txt"),
         r"field 'source.seed': String should match pattern"),
        (with_field('paraphrase = "Two\\nlines here."', drop="paraphrase"),
         r"field 'paraphrase': expected a single line"),
    ],
)
def test_bad_claims_name_file_line_claim_and_field(text: str, message: str) -> None:
    with pytest.raises(ClaimError, match=message):
        parse_claims(text, where="claims.toml")


def test_band_larger_than_the_metrics_range_is_a_unit_error() -> None:
    text = GOOD.replace('"arms_race_index"', '"war_risk"').replace(
        'selector = { region = "indo_pacific" }', 'selector = { flashpoint = "baltic" }')
    text += 'threshold = 150.0\nthreshold_unit = "pp"\nthreshold_source = "a reason"\n'
    with pytest.raises(ClaimError, match=r"field 'threshold': a band of 150 pp exceeds the whole "
                                         r"range of 'war_risk' \(100 pp\); is it in the wrong unit"):
        parse_claims(text, where="claims.toml")


def test_reasoned_waiver_allows_band_zero() -> None:
    text = with_field('threshold = 0.0\nthreshold_unit = "pp"\nthreshold_source = "none"\n'
                      'waiver = "the article claims any rise at all, so every increase counts"')
    (c,) = parse_claims(text)
    assert c.band == 0.0 and c.waiver


def test_bad_actor_code() -> None:
    text = with_field('selector = { actor = "china" }', drop="selector").replace(
        '"arms_race_index"', '"milex_growth"')
    with pytest.raises(ClaimError, match=r"field 'selector.actor': expected an ISO3 code such as "
                                         r"'CHN'\. Got 'china' instead"):
        parse_claims(text)


def test_absolute_direction_rejects_relative_scale() -> None:
    text = with_field('scale = "relative"').replace('"increase"', '"above"')
    with pytest.raises(ClaimError, match="field 'scale': direction 'above' compares with an "
                                         "absolute level"):
        parse_claims(text)


def test_bad_toml_names_the_file() -> None:
    with pytest.raises(ClaimError, match=r"my.toml: not valid TOML: .*line 1"):
        parse_claims("[[claim]\nid = 1", where="my.toml")


def test_unknown_top_level_key() -> None:
    with pytest.raises(ClaimError, match=r"unknown top-level key\(s\) \['claims'\]"):
        parse_claims(GOOD.replace("[[claim]]", "[[claims]]"))


def test_duplicate_id_in_one_file() -> None:
    with pytest.raises(ClaimError, match=r"f.toml:12: claim 'ip4_arms_race': field 'id': must be unique"):
        parse_claims(GOOD + GOOD, where="f.toml")


def test_second_claim_error_names_its_own_line() -> None:
    bad = GOOD.replace('id = "ip4_arms_race"', 'id = "second"').replace('side = "sceptic"',
                                                                        'side = "x"')
    with pytest.raises(ClaimError, match=r"f.toml:12: claim 'second': field 'side'"):
        parse_claims(GOOD + bad, where="f.toml")


def test_load_folder_and_duplicates_across_files(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.toml").write_text(GOOD.replace("ip4_arms_race", "other"), encoding="utf-8")
    assert [c.id for c in load_claims(tmp_path)] == ["ip4_arms_race", "other"]
    (tmp_path / "c.toml").write_text(GOOD, encoding="utf-8")
    with pytest.raises(ClaimError, match=r"c.toml: claim 'ip4_arms_race': field 'id': must be "
                                         r"unique\. Got a duplicate of the claim in .*a.toml"):
        load_claims(tmp_path)


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(ClaimError, match="no such claims file or folder"):
        load_claims(tmp_path / "nope.toml")


def test_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(ClaimError, match=r"expected at least one \*.toml claims file"):
        load_claims(tmp_path)


def test_model_validate_directly_rejects_extra() -> None:
    data: dict[str, Any] = {
        "id": "x", "paraphrase": "A claim made in a test.", "side": "proponent",
        "source": {"seed": "000_e88f8b8d614da2d5.txt", "quote": "logistics in the event"},
        "metric": "nato_cohesion", "direction": "above", "scenario": "status_quo", "extra": 1,
    }
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        Claim.model_validate(data)
