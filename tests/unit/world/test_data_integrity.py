"""Shipped tables equal their raw sources; every gap is filled with a note.

Tests that read the raw data skip when ``../shared/data`` is absent (a user's
machine); tests of the shipped tables alone always run.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from flashpoint.world import load_world, sources
from flashpoint.world.provenance import data_path

ROOT = Path(__file__).resolve().parents[3]
RAW = ROOT.parent / "shared" / "data"
needs_raw = pytest.mark.skipif(not (RAW / "SOURCES.md").exists(), reason="raw data not available")


@pytest.fixture(scope="module")
def actors() -> pd.DataFrame:
    return pd.read_csv(data_path("actors.csv.gz"))


def test_shipped_tables_small_and_complete(actors):
    total = sum(data_path(f).stat().st_size for f in
                ("actors.csv.gz", "alliances.csv", "trade.csv.gz", "sources.csv", "facts.toml"))
    assert total < 5_000_000
    assert actors.year.min() == 1995 and actors.year.max() == 2023
    for v in ("population", "gdp", "milex", "milex_share", "milper", "cinc", "warheads", "ideal_point"):
        assert actors[v].notna().all(), v
        assert (actors[f"{v}_src"].isin(sources())).all(), v


def test_every_estimate_has_a_note_and_sources_have_citations(actors):
    for v in ("gdp", "milex", "milex_share", "ideal_point", "population"):
        est = actors[actors[f"{v}_src"] == "estimate"]
        assert est[f"{v}_note"].notna().all(), v
    for s in sources().values():
        assert s.citation and s.version and s.origin


def test_gap_north_korea(actors):
    prk = actors[(actors.iso3 == "PRK") & (actors.year == 2023)].iloc[0]
    assert prk.milex_src == "estimate" and "SIPRI has no figures for North Korea" in prk.milex_note
    assert prk.milex_low < prk.milex < prk.milex_high
    assert prk.gdp_src == "estimate" and prk.gdp_low < prk.gdp < prk.gdp_high
    assert 10 < prk.gdp < 60  # US$ bn: the order of published estimates
    early = actors[(actors.iso3 == "PRK") & (actors.year == 1995)].iloc[0]
    assert early.milex_src == "cow_nmc"


def test_gap_taiwan(actors):
    twn = actors[(actors.iso3 == "TWN") & (actors.year == 2023)].iloc[0]
    assert twn.gdp_src == "imf_weo" and "IMF" in twn.gdp_note
    assert twn.population_src == "maddison" and "carried forward from 2022" in twn.population_note
    assert twn.ideal_point_src == "estimate" and "not a UN member" in twn.ideal_point_note
    assert twn.ideal_point_low <= twn.ideal_point <= twn.ideal_point_high
    assert twn.milex_src == "sipri_milex"


def test_gap_nmc_after_2022_and_carried_data_in_world(actors):
    r = actors[(actors.iso3 == "CHN") & (actors.year == 2023)].iloc[0]
    assert r.cinc_year == 2022 and "COW NMC v7.0 ends 2022" in r.cinc_note
    w = load_world(2024)
    assert "latest figures (2023)" in w.notes[0]
    t = next(t for t in w.trade if t.a == "KOR" and t.b == "CHN")
    assert t.year == 2014 and "ends 2014" in t.note
    rel = next(r for r in w.relations if r.source == "atop")
    assert rel.year == 2018 and "ATOP 5.1 ends 2018" in rel.note


@needs_raw
@pytest.mark.parametrize(("iso", "country", "year"), [
    ("USA", "United States of America", 2023), ("CHN", "China", 2010), ("JPN", "Japan", 1995),
    ("LTU", "Lithuania", 2020), ("TWN", "Taiwan", 2023), ("RUS", "Russia", 2015),
])
def test_milex_equals_sipri(actors, iso, country, year):
    s = pd.read_csv(RAW / "sipri_milex_1949_2023.csv")
    raw = s[(s.country == country) & (s.year == year)].iloc[0]
    got = actors[(actors.iso3 == iso) & (actors.year == year)].iloc[0]
    assert got.milex == pytest.approx(raw.milex_const2022_usd_m / 1000, abs=1e-4)
    assert got.milex_share == pytest.approx(raw.milex_share_of_gdp, abs=1e-5)


@needs_raw
@pytest.mark.parametrize(("iso", "year"), [("USA", 2023), ("DEU", 2000), ("IND", 2023), ("PHL", 2012)])
def test_gdp_population_equal_world_bank(actors, iso, year):
    g = pd.read_csv(RAW / "worldbank_gdp_current_usd.csv")
    p = pd.read_csv(RAW / "worldbank_population_1960_2024.csv")
    got = actors[(actors.iso3 == iso) & (actors.year == year)].iloc[0]
    gv = g[(g["Country Code"] == iso) & (g.Year == year)].Value.iat[0]
    pv = p[(p["Country Code"] == iso) & (p.Year == year)].Value.iat[0]
    assert got.gdp_current == pytest.approx(gv / 1e9, abs=1e-3)
    assert got.population == pytest.approx(pv / 1e6, abs=1e-4)


@needs_raw
def test_nmc_fas_unga_capitals_equal_sources(actors):
    n = pd.read_csv(RAW / "cow_nmc_v7_0.csv")
    r = n[(n.ccode == 710) & (n.year == 2016)].iloc[0]
    got = actors[(actors.iso3 == "CHN") & (actors.year == 2016)].iloc[0]
    assert got.cinc == pytest.approx(r.cinc, abs=1e-8) and got.milper == r.milper
    f = pd.read_csv(RAW / "fas_nuclear_warhead_stockpiles_1945_2023.csv")
    fv = f[(f.country_name == "North Korea") & (f.year == 2023)].nuclear_weapons_stockpile.iat[0]
    assert actors[(actors.iso3 == "PRK") & (actors.year == 2023)].warheads.iat[0] == fv
    u = pd.read_csv(RAW / "unga_idealpoints_sessions_Jun2024.csv")
    uv = u[(u.iso3c == "JPN") & (u.session == 78)].IdealPointAll.iat[0]
    assert actors[(actors.iso3 == "JPN") & (actors.year == 2023)].ideal_point.iat[0] == pytest.approx(uv, abs=1e-4)
    c = pd.read_csv(RAW / "cow_capitals_latlng.csv")
    cv = c[c.ccode == 740].iloc[-1]
    got = actors[(actors.iso3 == "JPN") & (actors.year == 2023)].iloc[0]
    assert got.lat == pytest.approx(cv.lat, abs=1e-4) and got.lon == pytest.approx(cv.lng, abs=1e-4)


@needs_raw
def test_alliances_and_trade_equal_sources():
    a = pd.read_csv(RAW / "atop_v5_1_ddy.csv")
    raw = a[(a.ccode1 == 2) & (a.ccode2 == 740) & (a.year == 2018)].iloc[0]
    w = load_world(2018)
    arr = w.to_arrays()
    assert arr.defense[arr.index("USA"), arr.index("JPN")] == raw.atop_defense
    t = pd.read_csv(RAW / "cow_trade_dyadic_v4_0_1990_2014.csv")
    t14 = t[t.year == 2014].fillna(0)
    kor = t14[(t14.ccode1 == 732) | (t14.ccode2 == 732)]
    total = (kor.flow1 + kor.flow2).sum()
    chn = kor[(kor.ccode1 == 710) | (kor.ccode2 == 710)]
    share = float((chn.flow1 + chn.flow2).sum() / total)
    w14 = load_world(2014).to_arrays()
    assert w14.trade_share[w14.index("KOR"), w14.index("CHN")] == pytest.approx(share, abs=1e-6)
    assert np.isfinite(share)


@needs_raw
@pytest.mark.parametrize(("iso", "year"), [("USA", 2014), ("DEU", 2000), ("JPN", 2023), ("POL", 2014)])
def test_gdp_is_on_the_price_basis_of_spending(actors, iso, year):
    # gdp (constant 2022 US$) / milex (constant 2022 US$) = the current-price ratio
    # SIPRI current spending / World Bank current GDP: one price basis for both.
    s = pd.read_csv(RAW / "sipri_milex_1949_2023.csv")
    g = pd.read_csv(RAW / "worldbank_gdp_current_usd.csv")
    got = actors[(actors.iso3 == iso) & (actors.year == year)].iloc[0]
    name = {"USA": "United States of America", "DEU": "Germany", "JPN": "Japan", "POL": "Poland"}[iso]
    row = s[(s.country == name) & (s.year == year)].iloc[0]
    gv = g[(g["Country Code"] == iso) & (g.Year == year)].Value.iat[0] / 1e9
    assert got.milex / got.gdp == pytest.approx(row.milex_current_usd_m / 1e3 / gv, rel=1e-3)
    assert "constant 2022 US$" in got.gdp_note
