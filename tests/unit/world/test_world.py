"""The default world, institutions, Article 6 scope and the array view."""

from __future__ import annotations

import numpy as np
import pytest

from flashpoint.errors import DataError, UnknownActorError
from flashpoint.world import DEFAULT_ACTORS, load_world
from flashpoint.world.arrays import WorldArrays


@pytest.fixture(scope="module")
def w2024():
    return load_world(2024)


@pytest.fixture(scope="module")
def a2024(w2024) -> WorldArrays:
    return w2024.to_arrays()


def test_default_world_has_every_design_actor(w2024):
    assert len(w2024.actors) >= 35
    assert set(DEFAULT_ACTORS) == set(w2024.iso3)
    for a in w2024.actors:
        for f in ("milex", "gdp", "population", "lat", "lon"):
            v = getattr(a, f)
            assert np.isfinite(v.value), (a.iso3, f)
            assert v.source, (a.iso3, f)


def test_nato_32_members_in_2024_finland_2023_not_sweden(w2024):
    assert len(w2024.members("NATO", in_world=False)) == 32
    w23 = load_world(2023)
    assert "FIN" in w23.members("NATO")
    assert "SWE" not in w23.members("NATO")
    assert "FIN" not in load_world(2022).members("NATO")
    assert len(w23.members("NATO", in_world=False)) == 31


def test_article6_leaves_ip4_outside_collective_defence(a2024):
    i = a2024.index
    for ally in ("DEU", "FRA", "GBR", "LTU"):
        for partner in ("JPN", "KOR", "AUS", "NZL"):
            assert a2024.defense[i(ally), i(partner)] == 0
            assert a2024.commitment_scope[i(ally), i(partner)] == 0
            assert a2024.partnership[i(ally), i(partner)] == 1  # NATO partnerships (ITPPs)
    assert a2024.defense[i("USA"), i("JPN")] == 1  # the bilateral treaty, not NATO
    assert a2024.defense[i("DEU"), i("LTU")] == 1
    assert a2024.defense[i("DEU"), i("FIN")] == 1
    assert a2024.defense[i("DEU"), i("SWE")] == 1


def test_nato_obligation_to_an_asian_member_would_be_out_of_scope():
    from flashpoint.world.loader import _facts, _relations

    insts, _ = _facts()
    theatre = {"DEU": "euro_atlantic", "USA": "euro_atlantic", "JPN": "indo_pacific"}
    nato = next(x for x in insts if x.id == "NATO")
    from dataclasses import replace
    from datetime import date

    from flashpoint.world.model import Member

    nato_jp = replace(nato, members=(*nato.members, Member("JPN", date(2024, 1, 1))))
    rels = _relations(2024, ["DEU", "USA", "JPN"], theatre, (nato_jp,), ())
    nato_def = {(r.a, r.b) for r in rels if r.kind == "defense" and r.source == "NATO"}
    assert ("DEU", "USA") in nato_def
    assert ("DEU", "JPN") not in nato_def  # Art. 6
    assert ("JPN", "DEU") in nato_def


def test_treaties_after_atop(a2024):
    i = a2024.index
    assert a2024.defense[i("RUS"), i("PRK")] == 1  # 2024 treaty
    assert a2024.defense[i("CHN"), i("PRK")] == 1
    a23 = load_world(2023).to_arrays()
    assert a23.defense[a23.index("RUS"), a23.index("PRK")] == 0
    assert a2024.membership["AUKUS"][i("AUS")]
    assert a2024.membership["QUAD"][i("IND")]


def test_rivalries_and_trade(a2024):
    i = a2024.index
    assert a2024.rivalry[i("CHN"), i("TWN")] == 1
    assert a2024.rivalry[i("TWN"), i("CHN")] == 1
    assert np.all(np.diag(a2024.trade_share) == 0)
    rows = a2024.trade_share.sum(axis=1)
    assert np.all(rows <= 1 + 1e-9)
    assert a2024.trade_share[i("KOR"), i("CHN")] > 0.1


def test_arrays_shapes_and_finite(a2024):
    n = a2024.n
    for f in ("milex", "gdp", "population", "milper", "cinc", "warheads", "lat", "lon", "ideal_point"):
        v = getattr(a2024, f)
        assert v.shape == (n,) and np.all(np.isfinite(v)), f
    for f in ("defense", "partnership", "rivalry", "trade_share", "distance_km", "commitment_scope"):
        assert getattr(a2024, f).shape == (n, n)
    assert a2024.distance_km[a2024.index("USA"), a2024.index("USA")] == 0
    assert 10000 < a2024.distance_km[a2024.index("USA"), a2024.index("CHN")] < 12000


def test_all_states_world_any_year():
    w = load_world(1995, "all")
    assert 180 <= len(w.actors) <= 200
    w2 = load_world(2016, "all")
    assert len(w2.actors) >= 190
    a = w2.to_arrays()
    assert a.defense.sum() > 1000


def test_table_and_digest(w2024):
    t = w2024.table()
    assert {"milex", "milex_source", "gdp_note"} <= set(t.columns)
    assert t.loc["USA", "milex_source"] == "sipri_milex"
    assert w2024.digest() == load_world(2024).digest()
    assert w2024.digest() != load_world(2023).digest()


def test_ideal_point_distance(w2024):
    d = w2024.ideal_point_distance("USA", "CHN")
    assert d == pytest.approx(abs(w2024.actor("USA").ideal_point.value - w2024.actor("CHN").ideal_point.value))
    assert d > 2


@pytest.mark.parametrize("year", [1994, 2025, "2024"])
def test_bad_year(year):
    with pytest.raises(DataError, match=r"year: expected a year from 1995 to 2024"):
        load_world(year)  # type: ignore[arg-type]


def test_unknown_actor_suggests():
    with pytest.raises(UnknownActorError, match=r"unknown actor 'JPM'.*Did you mean .*JPN"):
        load_world(2024, ["USA", "JPM"])
    with pytest.raises(UnknownActorError, match=r"unknown actor 'UKX'\. Did you mean UKR\?"):
        load_world(2024).actor("UKX")
