"""User world files: format and error wording (file, entry, field, reason)."""

from __future__ import annotations

import json

import pytest

from flashpoint.errors import DataError, UnknownActorError
from flashpoint.world import load_world, load_world_file


def write(tmp_path, text, name="w.toml"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_valid_file_overrides_adds_and_edits_relations(tmp_path):
    p = write(tmp_path, """
base_year = 2024
actors = ["USA", "CHN", "JPN", "DEU", "TWN"]

[[actor]]
iso3 = "TWN"
milex = 25.0
source = "Taiwan MND 2025 budget"

[[actor]]
iso3 = "XKA"
name = "Atlantis"
theatre = "other"
lat = 10.0
lon = -30.0
population = 1.0
gdp = 10.0
milex = 0.2

[[relation]]
a = "DEU"
b = "JPN"
kind = "partnership"

[[relation]]
a = "USA"
b = "JPN"
kind = "defense"
remove = true
""")
    w = load_world_file(p)
    assert w.iso3 == ("USA", "CHN", "JPN", "DEU", "TWN", "XKA")
    assert w.actor("TWN").milex.value == 25.0 and w.actor("TWN").milex.source == "Taiwan MND 2025 budget"
    assert w.actor("TWN").gdp.source == "imf_weo"
    a = w.to_arrays()
    assert a.defense[a.index("USA"), a.index("JPN")] == 0
    assert a.partnership[a.index("JPN"), a.index("DEU")] == 1
    assert load_world(path=p).digest() == w.digest()


def test_json_file(tmp_path):
    p = write(tmp_path, json.dumps({"base_year": 2010, "actors": ["USA", "RUS"]}), "w.json")
    assert load_world_file(p).year == 2010


@pytest.mark.parametrize(("text", "match"), [
    ("base_year = 1990", r"w\.toml: base_year: expected a year from 1995 to 2024, found 1990"),
    ("colour = 1", r"w\.toml: colour: unknown key"),
    ('actors = 3', r"w\.toml: actors: expected 'default', 'all' or a list"),
    ('[[actor]]\niso3 = "USA"\nmilex = "lots"', r"w\.toml: actor\[0\]\.milex: expected a finite number, found 'lots'"),
    ('[[actor]]\niso3 = "USA"\ngdp = -1', r"actor\[0\]\.gdp: expected a value > 0 and <= 200000 \(US\$ bn, constant 2022\)\. Got -1 instead"),
    ('[[actor]]\niso3 = "USA"\nlat = 100', r"actor\[0\]\.lat: expected a coordinate in range"),
    ('[[actor]]\niso3 = "USA"\nmilexx = 1', r"actor\[0\]\.milexx: unknown field"),
    ('[[actor]]\niso3 = "US"', r"actor\[0\]\.iso3: expected an ISO3 code of three ASCII capitals \(e\.g\. 'USA'\)\. Got 'US' instead"),
    ('[[actor]]\niso3 = "ABC"\nname = "X"', r"actor\[0\]\.theatre: new actor ABC needs fields"),
    ('[[actor]]\niso3 = "USA"\ntheatre = "arctic"', r"actor\[0\]\.theatre: expected one of"),
    ('[[relation]]\na = "USA"\nb = "JPN"\nkind = "love"', r"relation\[0\]\.kind: expected one of"),
    ("x = [", r"w\.toml: invalid TOML"),
])
def test_errors_name_file_entry_field_reason(tmp_path, text, match):
    with pytest.raises(DataError, match=match):
        load_world_file(write(tmp_path, text))


def test_unknown_codes_suggest(tmp_path):
    p = write(tmp_path, '[[relation]]\na = "USA"\nb = "JPM"\nkind = "defense"')
    with pytest.raises(UnknownActorError, match=r"w\.toml: relation\[0\]\.b: unknown actor 'JPM'\. Did you mean JPN"):
        load_world_file(p)
    p2 = write(tmp_path, 'actors = ["USA", "CHM"]', "v.toml")
    with pytest.raises(UnknownActorError, match=r"v\.toml: actors\[1\].*unknown actor 'CHM'\. Did you mean"):
        load_world_file(p2)


def test_missing_and_wrong_suffix(tmp_path):
    with pytest.raises(DataError, match=r"nope\.toml: file not found"):
        load_world_file(tmp_path / "nope.toml")
    with pytest.raises(DataError, match=r"expected a \.toml or \.json file"):
        load_world_file(write(tmp_path, "x", "w.yaml"))
    with pytest.raises(DataError, match=r"w\.json:1: invalid JSON"):
        load_world_file(write(tmp_path, "{", "w.json"))
