"""Actor trends known at the world's year, pledges as dated facts, and their errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from flashpoint.errors import DataError, UnknownActorError
from flashpoint.world import load_world, load_world_file
from flashpoint.world import loader as world_loader
from flashpoint.world import trends as tr


def test_a_2014_world_knows_nothing_after_2014(monkeypatch) -> None:
    full = tr.trends(2014)
    table = tr._table()
    monkeypatch.setattr(tr, "_table", lambda: table[table.year <= 2014])
    tr._estimate.cache_clear()
    try:
        cut = tr.trends(2014)
    finally:
        tr._estimate.cache_clear()
    pd.testing.assert_frame_equal(full, cut)


def test_partial_pooling_shrinks_towards_the_region() -> None:
    t = tr.trends(2024)
    pri = tr.region_priors(2024)
    own = t.dropna(subset=["milex_own"])
    mu = own.theatre.map(lambda r: pri["milex"][r][0])
    lo, hi = np.minimum(own.milex_own, mu), np.maximum(own.milex_own, mu)
    assert ((own.milex_trend >= lo - 1e-12) & (own.milex_trend <= hi + 1e-12)).all()
    # A long, steady record (China) keeps most of its own trend; an erratic one
    # (Ukraine at war) is pulled most of the way to the region.
    chn, ukr = t.loc["CHN"], t.loc["UKR"]
    assert abs(chn.milex_trend - chn.milex_own) < abs(ukr.milex_trend - ukr.milex_own)
    assert 0.04 < chn.milex_trend < 0.08


def test_trends_differ_by_actor_and_by_year() -> None:
    a, b = tr.trends(2014), tr.trends(2024)
    assert a.loc["DEU"].milex_trend < 0.01 < b.loc["DEU"].milex_trend  # Europe after 2014
    assert a.milex_trend.std() > 0.005 and b.gdp_growth.std() > 0.002


def test_world_arrays_carry_trends_and_dated_pledges() -> None:
    w24, w14, w13 = (load_world(y).to_arrays() for y in (2024, 2014, 2013))
    assert "nato_vilnius_2023" in w24.pledges.ids and "japan_nss_2022" in w24.pledges.ids
    assert w14.pledges.ids == ("nato_wales_2014",) and w14.pledges.years[0] == 10
    assert w13.pledges.p == 0
    nato = w24.membership["NATO"]
    k = w24.pledges.ids.index("nato_vilnius_2023")
    np.testing.assert_array_equal(w24.pledges.members[k], nato)
    np.testing.assert_allclose(w24.milex_trend[w24.index("CHN")],
                               tr.trends(2024).loc["CHN"].milex_trend)


def _file(tmp_path, text):
    p = tmp_path / "w.toml"
    p.write_text('base_year = 2020\nactors = ["USA", "JPN", "DEU"]\n' + text)
    return p


def test_user_world_file_sets_trends_and_pledges(tmp_path) -> None:
    p = _file(tmp_path, """
[[actor]]
iso3 = "JPN"
milex_trend = 0.08
milex_trend_sd = 0.0

[[pledge]]
id = "deu_2020"
name = "a user's plan"
announced = "2020-06-01"
target = 0.025
by = 2025
actors = ["DEU"]
compliance = [1.0, 1.0]
citation = "user"
""")
    a = load_world_file(p).to_arrays()
    assert a.milex_trend[a.index("JPN")] == 0.08 and a.milex_trend_sd[a.index("JPN")] == 0.0
    assert a.pledges.ids[-1] == "deu_2020" and a.pledges.members[-1, a.index("DEU")]


_PLEDGE = """
[[pledge]]
id = "x"
name = "x"
announced = "{announced}"
target = 0.02
by = 2026
actors = ["{actor}"]
compliance = [0.5, 1.0]
citation = "x"
"""


@pytest.mark.parametrize(("text", "match"), [
    ('[[actor]]\niso3 = "JPN"\ngdp_growth_sd = -0.01',
     r"w\.toml: actor\[0\]\.gdp_growth_sd: expected a growth uncertainty in \[0, 0\.5\]"),
    ('[[actor]]\niso3 = "JPN"\nmilex_trend_sd = -1',
     r"actor\[0\]\.milex_trend_sd: expected a growth uncertainty .* found -1"),
    (_PLEDGE.format(announced="2023-01-01", actor="DEU"),
     r"w\.toml: pledge\[0\]\.announced: expected a date in the world's years 1995-2020, found '2023-01-01'"),
    (_PLEDGE.format(announced="1990-01-01", actor="DEU"),
     r"pledge\[0\]\.announced: expected a date in the world's years"),
    (_PLEDGE.format(announced="2019-02-30", actor="DEU"),
     r"pledge\[0\]\.announced: expected an ISO date"),
])
def test_bad_trend_and_pledge_entries_name_file_entry_field(tmp_path, text, match) -> None:
    with pytest.raises(DataError, match=match):
        load_world_file(_file(tmp_path, text))


def test_pledge_by_an_actor_not_in_the_world(tmp_path) -> None:
    with pytest.raises(UnknownActorError, match=r"pledge\[0\]\.actors\[0\]"):
        load_world_file(_file(tmp_path, _PLEDGE.format(announced="2019-01-01", actor="FRA")))


def test_facts_pledge_outside_the_world_years(monkeypatch, tmp_path) -> None:
    bad = tmp_path / "facts.toml"
    good = world_loader.data_path("facts.toml").read_text()
    bad.write_text(good + _PLEDGE.format(announced="2031-01-01", actor="DEU"))
    monkeypatch.setattr(world_loader, "data_path", lambda name: bad)
    world_loader.pledges.cache_clear()
    try:
        with pytest.raises(DataError, match=r"facts\.toml: pledge\[\d+\]\.announced: expected a date "
                                            r"in the world's years 1995-2024, found '2031-01-01'"):
            world_loader.pledges()
    finally:
        world_loader.pledges.cache_clear()
