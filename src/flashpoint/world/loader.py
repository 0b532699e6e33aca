"""Build a :class:`World` from the shipped tables, or from a user's world file.

:func:`load_world` reads only what the package ships (``world/data``):
``actors.csv.gz`` (1995-2023), ``alliances.csv`` (ATOP 5.1 spells to 2018),
``trade.csv.gz`` (COW trade shares to 2014), ``facts.toml`` (institutions,
treaties after 2018, rivalries). Years after a dataset's last year use its
last year, and every such value says so in its note. The 2024 world uses the
latest figures (2023) and the institutions as of 31 December 2024.

:func:`load_world_file` reads a TOML or JSON world file (format in
``docs/world.md``): a base year and actor set, actor overrides and
additions, relation additions and removals.
"""

from __future__ import annotations

import math
import re
import tomllib
import warnings
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from flashpoint.errors import DataError, FlashpointWarning, UnknownActorError
from flashpoint.world.arrays import THEATRES
from flashpoint.world.model import (
    RELATION_KINDS,
    UNITS,
    VALUE_FIELDS,
    Actor,
    Institution,
    Member,
    Pledge,
    Relation,
    TradeTie,
    Trend,
    War,
    World,
)
from flashpoint.world.provenance import SourcedValue, data_path, sourced

__all__ = ["DEFAULT_ACTORS", "FIRST_YEAR", "LAST_YEAR", "load_world", "load_world_file", "pledges"]

FIRST_YEAR, LAST_YEAR = 1995, 2024
DATA_LAST, ATOP_LAST, TRADE_LAST = 2023, 2018, 2014

#: The default world: every state DESIGN.md section 2 names, plus Pakistan,
#: Thailand and the UAE (France-India-UAE trilateral).
DEFAULT_ACTORS: tuple[str, ...] = (
    "USA", "CAN", "GBR", "FRA", "DEU", "ITA", "ESP", "LTU", "LVA", "EST", "HUN", "POL",
    "NLD", "NOR", "FIN", "SWE", "TUR", "UKR",
    "JPN", "KOR", "AUS", "NZL",
    "CHN", "RUS", "PRK",
    "IND", "IDN", "PHL", "MYS", "SGP", "VNM", "TWN",
    "PAK", "THA", "ARE",
)


@cache
def _actors_table() -> pd.DataFrame:
    return pd.read_csv(data_path("actors.csv.gz"), keep_default_na=True)


@cache
def _alliances() -> pd.DataFrame:
    return pd.read_csv(data_path("alliances.csv"))


@cache
def _trade() -> pd.DataFrame:
    return pd.read_csv(data_path("trade.csv.gz"))


def _date(s: str, where: str) -> date:
    try:
        return date.fromisoformat(s)
    except (TypeError, ValueError):
        raise DataError(where, f"expected an ISO date YYYY-MM-DD, found {s!r}") from None


@cache
def _facts() -> tuple[tuple[Institution, ...], tuple[dict[str, Any], ...]]:
    path = data_path("facts.toml")
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    insts = []
    for k, d in enumerate(raw["institution"]):
        where = f"{path.name}: institution[{k}]"

        def members(key: str, d: dict[str, Any] = d, where: str = where) -> tuple[Member, ...]:
            return tuple(
                Member(m["iso3"], _date(m["joined"], f"{where}.{key}"),
                       _date(m["left"], f"{where}.{key}") if "left" in m else None,
                       m.get("note", ""))
                for m in d.get(key, []))

        insts.append(Institution(
            id=d["id"], name=d["name"], obligation=d["obligation"], scope=tuple(d["scope"]),
            decision_rule=d["decision_rule"], citation=d["citation"],
            members=members("members"), partners=members("partners"),
            members_of=d.get("members_of", ""), obliged=tuple(d.get("obliged", ())),
            excluded_pairs=tuple(tuple(p) for p in d.get("excluded_pairs", ())),  # type: ignore[misc]
            scope_note=d.get("scope_note", ""), article=d.get("article", ""),
        ))
    return tuple(insts), tuple(raw["rivalry"])


_PLEDGE_KEYS = {"id", "name", "announced", "target", "by", "institution", "actors", "compliance",
                "compliance_source", "citation", "note"}


def _pledge(d: Any, where: str, last_year: int) -> Pledge:
    """One ``[[pledge]]`` entry, validated; ``where`` names the file and entry."""
    if not isinstance(d, dict):
        raise DataError(where, "expected a table of fields")
    bad = set(d) - _PLEDGE_KEYS
    if bad:
        raise DataError(f"{where}.{sorted(bad)[0]}", f"unknown field; expected one of {sorted(_PLEDGE_KEYS)}")
    for key in ("id", "name", "announced", "target", "by", "compliance", "citation"):
        if key not in d:
            raise DataError(f"{where}.{key}", "missing required field")
    announced = _date(d["announced"], f"{where}.announced")
    if not FIRST_YEAR <= announced.year <= last_year:
        raise DataError(f"{where}.announced", f"expected a date in the world's years {FIRST_YEAR}-"
                        f"{last_year}, found {d['announced']!r}")
    target = d["target"]
    if isinstance(target, bool) or not isinstance(target, int | float) or not 0 < target <= 0.2:
        raise DataError(f"{where}.target", f"expected a share of GDP in (0, 0.2], found {target!r}")
    by = d["by"]
    if isinstance(by, bool) or not isinstance(by, int) or not announced.year <= by <= announced.year + 30:
        raise DataError(f"{where}.by", f"expected a year from {announced.year} to "
                        f"{announced.year + 30}, found {by!r}")
    comp = d["compliance"]
    if (not isinstance(comp, list) or len(comp) != 2
            or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in comp)
            or not 0 <= comp[0] <= comp[1] <= 1):
        raise DataError(f"{where}.compliance", f"expected [low, high] with 0 <= low <= high <= 1, found {comp!r}")
    actors = d.get("actors", [])
    if not isinstance(actors, list) or not all(isinstance(c, str) for c in actors):
        raise DataError(f"{where}.actors", f"expected a list of ISO3 codes, found {actors!r}")
    inst = d.get("institution", "")
    if not actors and not inst:
        raise DataError(f"{where}.actors", "expected actors or an institution whose members pledge")
    return Pledge(id=str(d["id"]), name=str(d["name"]), announced=announced, target=float(target),
                  by=by, compliance=(float(comp[0]), float(comp[1])), citation=str(d["citation"]),
                  compliance_source=str(d.get("compliance_source", "")), institution=str(inst),
                  actors=tuple(c.upper() for c in actors))


@cache
def pledges() -> tuple[Pledge, ...]:
    """Every announced spending plan in ``facts.toml`` (section ``[[pledge]]``)."""
    path = data_path("facts.toml")
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    known = {i.id for i in _facts()[0]}
    out = []
    for k, d in enumerate(raw.get("pledge", [])):
        where = f"{path.name}: pledge[{k}]"
        p = _pledge(d, where, LAST_YEAR)
        if p.institution and p.institution not in known:
            raise DataError(f"{where}.institution", f"expected one of {sorted(known)}, found {p.institution!r}")
        out.append(p)
    return tuple(out)


def _pledges_of(year: int) -> tuple[Pledge, ...]:
    on = date(year, 12, 31)
    return tuple(p for p in pledges() if p.announced <= on)


_TREND_KEYS = ("milex_trend", "milex_trend_sd", "gdp_growth", "gdp_growth_sd")


def _trends_of(year: int, codes: Sequence[str]) -> tuple[Trend, ...]:
    from flashpoint.world.trends import trends

    est = trends(year)
    src = (f"flashpoint.world.trends: empirical-Bayes estimate from the {min(year, DATA_LAST)} "
           "world tables (SIPRI, World Bank/IMF), last decade, pooled by theatre")
    vals = est[list(_TREND_KEYS)].to_numpy(dtype=float)
    pos = {c: i for i, c in enumerate(est.index)}
    return tuple(Trend(c, float(vals[pos[c], 0]), float(vals[pos[c], 1]), float(vals[pos[c], 2]),
                       float(vals[pos[c], 3]), source=src)
                 for c in codes if c in pos)
_WAR_KEYS = {"id", "flashpoint", "challenger", "targets", "started", "ended", "citation", "note",
             "ucdp_conflict_id"}


def _war(d: Any, where: str, actors: Sequence[str] | None = None) -> War:
    """A :class:`War` from a ``[[war]]`` table; errors name ``where`` and the field."""
    from flashpoint.world.flashpoints import FLASHPOINTS

    if not isinstance(d, dict):
        raise DataError(where, "expected a table of fields")
    bad = set(d) - _WAR_KEYS
    if bad:
        raise DataError(f"{where}.{sorted(bad)[0]}", f"unknown field; expected one of {sorted(_WAR_KEYS)}")
    for key in ("id", "flashpoint", "challenger", "targets", "started", "citation"):
        if key not in d:
            raise DataError(f"{where}.{key}", "required field missing")
    fps = {fp.id: fp for fp in FLASHPOINTS}
    fp = fps.get(d["flashpoint"])
    if fp is None:
        raise DataError(f"{where}.flashpoint",
                        f"expected one of {sorted(fps)}, found {d['flashpoint']!r}")
    targets = d["targets"]
    if not (isinstance(targets, list) and targets and all(isinstance(t, str) for t in targets)):
        raise DataError(f"{where}.targets", f"expected a non-empty list of ISO3 codes, found {targets!r}")
    chal = d["challenger"]
    belligerents = [("challenger", chal), *(("targets", t) for t in targets)]
    for key, code in belligerents:
        if not isinstance(code, str):
            raise DataError(f"{where}.{key}", f"expected an ISO3 code, found {code!r}")
        if actors is not None and code.upper() not in actors:
            raise UnknownActorError(code, actors, where=f"{where}.{key}")
    if chal.upper() != fp.challenger:
        raise DataError(f"{where}.challenger",
                        f"the challenger at {fp.id} is {fp.challenger}, found {chal!r}")
    if not {t.upper() for t in targets} <= set(fp.targets):
        raise DataError(f"{where}.targets",
                        f"expected targets of {fp.id} among {list(fp.targets)}, found {targets!r}")
    started = _date(d["started"], f"{where}.started")
    ended = _date(d["ended"], f"{where}.ended") if "ended" in d else None
    if ended is not None and ended <= started:
        raise DataError(f"{where}.ended", f"expected a date after started ({started}), found {ended}")
    return War(id=str(d["id"]), flashpoint=fp.id, challenger=chal.upper(),
               targets=tuple(t.upper() for t in targets), started=started,
               citation=str(d["citation"]), ended=ended, note=str(d.get("note", "")))


@cache
def wars() -> tuple[War, ...]:
    """Every war in ``facts.toml`` (``[[war]]``), ongoing or not."""
    path = data_path("facts.toml")
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    return tuple(_war(d, f"{path.name}: war[{k}]") for k, d in enumerate(raw.get("war", [])))


def institutions() -> tuple[Institution, ...]:
    """Every institution and treaty in ``facts.toml``."""
    return _facts()[0]


def available_years() -> tuple[int, ...]:
    """Years a world can be built for."""
    return tuple(range(FIRST_YEAR, LAST_YEAR + 1))


def _check_year(year: int, where: str = "year") -> int:
    if not isinstance(year, int) or isinstance(year, bool) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise DataError(where, f"expected a year from {FIRST_YEAR} to {LAST_YEAR}, found {year!r}")
    return year


def _actor_rows(year: int) -> pd.DataFrame:
    t = _actors_table()
    return t[t.year == min(year, DATA_LAST)].set_index("iso3", drop=False)


def _make_actor(row: Any, carried: str) -> Actor:
    r: Any = _Row(row.to_dict())
    vals: dict[str, SourcedValue] = {}
    for f in VALUE_FIELDS:
        if f in ("lat", "lon"):
            v = sourced(getattr(r, f), r.coords_src, r.year, "")
        else:
            low = getattr(r, f"{f}_low", None)
            high = getattr(r, f"{f}_high", None)
            v = sourced(getattr(r, f), getattr(r, f"{f}_src"), getattr(r, f"{f}_year"),
                        getattr(r, f"{f}_note"), low, high)
        if carried:
            v = replace(v, note=f"{v.note}; {carried}" if v.note else carried)
        vals[f] = v
    return Actor(iso3=r.iso3, ccode=int(r.ccode), name=r.name, theatre=r.theatre,
                 capital=str(r.capital), **vals)


class _Row:
    """Attribute access to a table row (a Series' ``.name`` is its label, not a column)."""

    def __init__(self, d: dict[str, Any]) -> None:
        self.__dict__.update(d)


def _select(year: int, actors: str | Sequence[str] | None) -> list[str]:
    rows = _actor_rows(year)
    have = list(rows.index)
    if actors is None or actors == "default":
        return [c for c in DEFAULT_ACTORS if c in rows.index]
    if actors == "all":
        return sorted(have)
    if isinstance(actors, str):
        actors = [actors]
    out = []
    for k, c in enumerate(actors):
        cu = str(c).upper()
        if cu not in rows.index:
            raise UnknownActorError(str(c), have, where=f"actors[{k}] (year {year})")
        if cu not in out:
            out.append(cu)
    return out


def _relations(year: int, codes: list[str], theatre: dict[str, str],
               insts: Sequence[Institution], rivalries: Sequence[dict[str, Any]]) -> list[Relation]:
    have = set(codes)
    out: list[Relation] = []
    # ATOP obligations (last year 2018, carried forward with a note)
    ay = min(year, ATOP_LAST)
    al = _alliances()
    al = al[(al["first"] <= ay) & (al["last"] >= ay) & al.a.isin(have) & al.b.isin(have)]
    note = "" if year <= ATOP_LAST else f"ATOP 5.1 ends {ATOP_LAST}; obligation carried forward"
    for col, kind in (("defense", "defense"), ("offense", "offense"), ("neutral", "neutrality"),
                      ("nonagg", "nonaggression"), ("consul", "consultation")):
        sel = al[al[col] == 1]
        out.extend(Relation(a, b, kind, "atop", ay, note)
                   for a, b in zip(sel.a, sel.b, strict=True))
    # Institutions and treaties as of 31 December (facts.toml)
    on = date(year, 12, 31)
    for inst in insts:
        ms = [m for m in inst.members_on(on) if m in have]
        excl = {tuple(p) for p in inst.excluded_pairs} | {tuple(p[::-1]) for p in inst.excluded_pairs}
        kind = inst.obligation
        obliged = set(inst.obliged) if inst.obliged else set(ms)
        for a in ms:
            for b in ms:
                if a == b or (a, b) in excl:
                    continue
                if kind == "defense":
                    if a not in obliged or not inst.covers(theatre[b]):
                        continue
                out.append(Relation(a, b, kind, inst.id, year, ""))
        if inst.members_of:
            base = next((i for i in insts if i.id == inst.members_of), None)
            bm = [m for m in base.members_on(on) if m in have] if base else []
            for p in inst.partners_on(on):
                if p not in have:
                    continue
                for m in bm:
                    out.append(Relation(m, p, "partnership", inst.id, year, ""))
                    out.append(Relation(p, m, "partnership", inst.id, year, ""))
    for rv in rivalries:
        if rv["since"] <= year and rv.get("until", 9999) >= year and rv["a"] in have and rv["b"] in have:
            out.append(Relation(rv["a"], rv["b"], rv["kind"], "facts", year, rv["citation"]))
            out.append(Relation(rv["b"], rv["a"], rv["kind"], "facts", year, rv["citation"]))
    return out


def _trade_ties(year: int, codes: list[str]) -> list[TradeTie]:
    ty = min(year, TRADE_LAST)
    t = _trade()
    have = set(codes)
    t = t[(t.year == ty) & t.a.isin(have) & t.b.isin(have)]
    note = "" if year <= TRADE_LAST else f"COW Trade 4.0 ends {TRADE_LAST}; share carried forward"
    return [TradeTie(a, b, float(s), "cow_trade", ty, note)
            for a, b, s in zip(t.a, t.b, t.share, strict=True)]


def load_world(year: int = 2024, actors: str | Sequence[str] | None = None,
               path: str | Path | None = None) -> World:
    """Build the sourced world of ``year``.

    Parameters
    ----------
    year : int
        1995-2024. The 2024 world uses the latest figures (2023) and the
        institutions as of 31 December 2024.
    actors : None, "all" or list of ISO3 codes
        None: the default world (:data:`DEFAULT_ACTORS`); ``"all"``: every
        state in the COW state system that year (about 190).
    path : str or Path, optional
        A user world file (TOML or JSON); see :func:`load_world_file`.

    Raises
    ------
    DataError
        The year is out of range or the world file is malformed.
    UnknownActorError
        An actor code is not in the data for that year (suggests close codes).
    """
    if path is not None:
        return load_world_file(path)
    _check_year(year)
    codes = _select(year, actors)
    rows = _actor_rows(year)
    carried = (f"{year} world uses the latest figures ({DATA_LAST})" if year > DATA_LAST else "")
    acts = tuple(_make_actor(rows.loc[c], "") for c in codes)  # obs. year shows 2023
    insts, rivalries = _facts()
    theatre = {a.iso3: a.theatre for a in acts}
    rels = _relations(year, codes, theatre, insts, rivalries)
    notes = (carried,) if carried else ()
    return World(year=year, actors=acts, institutions=insts, relations=tuple(rels),
                 trade=tuple(_trade_ties(year, codes)), notes=notes,
                 trends=_trends_of(year, codes), pledges=_pledges_of(year), wars=wars())


# ---------------------------------------------------------------- user files
_ACTOR_KEYS = {"iso3", "name", "theatre", "capital", "ccode", "source", "note", *VALUE_FIELDS,
               *_TREND_KEYS}
_NEW_REQUIRED = ("name", "theatre", "lat", "lon", "population", "gdp", "milex")
_REL_KEYS = {"a", "b", "kind", "symmetric", "remove", "source", "note"}


def _read(path: Path) -> dict[str, Any]:
    # Safe reading (flashpoint.files): regular files only, size, UTF-8, nesting depth, finite numbers.
    from flashpoint.files import parse_document, read_text

    suffix = path.suffix.lower()
    if suffix not in (".json", ".toml"):
        if not path.exists():
            raise DataError(str(path), "file not found")
        raise DataError(str(path), f"expected a .toml or .json file, found {path.suffix!r}")
    text = read_text(path, error=DataError)
    data = parse_document(text, str(path), fmt=suffix[1:], error=DataError)
    _check_entries(path, data)
    return data


# Plausibility bounds of user-given values (docs/world.md, "Checks of meaning"): a value outside
# (low, high) is an error; world totals in 2023 for scale: population ~8,000 million, GDP
# ~105,000 US$ bn (World Bank), military spending ~2,440 US$ bn (SIPRI), ~12,100 warheads (FAS);
# the largest single arsenal ever, the USSR's in 1986, was ~40,000 warheads (FAS).
PHYSICAL_BOUNDS: dict[str, tuple[float, float]] = {
    "population": (0.0, 2_000.0),      # million; > 0 required (a state has people)
    "gdp": (0.0, 200_000.0),           # US$ bn; > 0 required
    "milex": (0.0, 5_000.0),           # US$ bn; twice the world total
    "milex_share": (0.0, 1.0),         # fraction of GDP
    "milper": (0.0, 10_000.0),         # thousand
    "cinc": (0.0, 1.0),                # share of system capabilities
    "warheads": (0.0, 45_000.0),
    "ideal_point": (-5.0, 5.0),        # UNGA ideal points lie within about [-3, 3]
}
#: Fields that must be strictly positive.
POSITIVE_FIELDS = ("population", "gdp")
#: Military spending above this share of GDP is warned about (only wartime Ukraine, 37 % in
#: 2023, exceeds it in the SIPRI data); above 1 (more than the whole GDP) it is an error.
MILEX_SHARE_WARN = 0.25
#: A world needs at least this many actors (a security system needs two states).
MIN_ACTORS = 2
_ISO3 = re.compile(r"[A-Z]{3}")


def _check_entries(p: Path, d: dict[str, Any]) -> None:
    """Types and physical bounds of a world file's entries (generic: each key checked if present)."""
    if "base_year" in d and (isinstance(d["base_year"], bool) or not isinstance(d["base_year"], int)):
        raise DataError(f"{p}: base_year", f"expected an integer year. Got {d['base_year']!r} instead")
    sel = d.get("actors", "default")
    if isinstance(sel, list):
        for k, c in enumerate(sel):
            _check_iso3(c, f"{p}: actors[{k}]")
        dup = sorted({c for c in sel if sel.count(c) > 1})
        if dup:
            raise DataError(f"{p}: actors", f"expected each ISO3 code once. Got {dup[0]} twice instead")
    for table in ("actor", "relation"):
        if table in d and not (isinstance(d[table], list) and all(isinstance(e, dict) for e in d[table])):
            raise DataError(f"{p}: {table}", f"expected an array of tables ([[{table}]]). "
                            f"Got {type(d[table]).__name__} instead")
    seen: dict[str, int] = {}
    for k, entry in enumerate(d.get("actor", [])):
        where = f"{p}: actor[{k}]"
        code = entry.get("iso3")
        _check_iso3(code, f"{where}.iso3")
        if code in seen:
            raise DataError(f"{where}.iso3", f"actor {code} is already given as actor[{seen[code]}]; "
                            "give each actor once")
        seen[code] = k
        for key in ("name", "capital", "source", "note", "theatre"):
            if key in entry and not isinstance(entry[key], str):
                raise DataError(f"{where}.{key}", f"expected a string. Got {entry[key]!r} instead")
        if "name" in entry and not entry["name"].strip():
            raise DataError(f"{where}.name", "expected a non-empty name")
        if "ccode" in entry:
            cc = entry["ccode"]
            if isinstance(cc, bool) or not isinstance(cc, int) or not 1 <= cc <= 999:
                raise DataError(f"{where}.ccode", f"expected a COW country code, an integer 1-999. "
                                f"Got {cc!r} instead")
        for f, (lo, hi) in PHYSICAL_BOUNDS.items():
            v = entry.get(f)
            if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v):
                low_ok = v > lo if f in POSITIVE_FIELDS else v >= lo
                if not (low_ok and v <= hi):
                    rel = ">" if f in POSITIVE_FIELDS else ">="
                    raise DataError(f"{where}.{f}", f"expected a value {rel} {lo:g} and <= {hi:g} "
                                    f"({UNITS[f]}). Got {v!r} instead")
    for k, entry in enumerate(d.get("relation", [])):
        where = f"{p}: relation[{k}]"
        for key in ("symmetric", "remove"):
            if key in entry and not isinstance(entry[key], bool):
                raise DataError(f"{where}.{key}", f"expected true or false. Got {entry[key]!r} instead")
        for key in ("source", "note"):
            if key in entry and not isinstance(entry[key], str):
                raise DataError(f"{where}.{key}", f"expected a string. Got {entry[key]!r} instead")
        a, b = entry.get("a"), entry.get("b")
        if isinstance(a, str) and isinstance(b, str) and a.upper() == b.upper():
            raise DataError(f"{where}.b", f"expected a relation between two distinct actors. "
                            f"Got {a} with itself instead")


def _check_iso3(code: object, where: str) -> None:
    if not isinstance(code, str) or not _ISO3.fullmatch(code):
        hint = ""
        if isinstance(code, str) and code.isascii() and code.isalpha() and len(code) == 3:
            hint = f" Did you mean {code.upper()!r}?"
        raise DataError(where, f"expected an ISO3 code of three ASCII capitals (e.g. 'USA'). "
                        f"Got {code!r} instead.{hint}")


def _check_world(world: World, p: Path, d: dict[str, Any]) -> World:
    """Checks of meaning on the loaded world: enough actors, plausible spending (warnings)."""
    if len(world.actors) < MIN_ACTORS:
        raise DataError(f"{p}: actors", f"expected at least {MIN_ACTORS} actors. "
                        f"Got {len(world.actors)} instead")
    given = {e.get("iso3") for e in d.get("actor", [])}
    for a in world.actors:
        if a.iso3 not in given:
            continue
        share = a.milex.value / a.gdp.value if a.gdp.value > 0 else math.inf
        if share > 1:
            raise DataError(f"{p}: actor {a.iso3}.milex", f"military spending {a.milex.value:g} "
                            f"exceeds the whole GDP {a.gdp.value:g} (US$ bn)")
        if share > MILEX_SHARE_WARN:
            warnings.warn(f"{p}: actor {a.iso3}.milex: military spending is {share:.0%} of GDP, "
                          f"above {MILEX_SHARE_WARN:.0%} (only a state at war spends so much)",
                          FlashpointWarning, stacklevel=3)
    return world


def load_world_file(path: str | Path) -> World:
    """Load a user's world file (TOML or JSON; format in ``docs/world.md``).

    Every error names the file, the entry (``actor[2].milex``) and the reason;
    the checks of meaning (:func:`_check_entries`, :func:`_check_world`) are
    listed in ``docs/world.md``.
    """
    p = Path(path)
    d = _read(p)
    return _check_world(_build_world_file(p, d), p, d)


def _build_world_file(p: Path, d: dict[str, Any]) -> World:
    unknown = set(d) - {"base_year", "actors", "actor", "relation", "pledge", "war"}
    if unknown:
        raise DataError(f"{p}: {sorted(unknown)[0]}",
                        "unknown key; expected base_year, actors, actor, relation, pledge, war")
    year = _check_year(d.get("base_year", 2024), f"{p}: base_year")
    sel = d.get("actors", "default")
    if not (sel in ("default", "all") or (isinstance(sel, list) and all(isinstance(c, str) for c in sel))):
        raise DataError(f"{p}: actors", f"expected 'default', 'all' or a list of ISO3 codes, found {sel!r}")
    try:
        base = load_world(year, None if sel == "default" else sel)
    except UnknownActorError as e:
        raise UnknownActorError(e.code, _actor_rows(year).index, where=f"{p}: {e.message.split(':')[0]}") from None
    actors = {a.iso3: a for a in base.actors}
    order = list(actors)
    trend_over: dict[str, dict[str, float]] = {}
    for k, entry in enumerate(d.get("actor", [])):
        where = f"{p}: actor[{k}]"
        if not isinstance(entry, dict):
            raise DataError(where, "expected a table of fields")
        bad = set(entry) - _ACTOR_KEYS
        if bad:
            raise DataError(f"{where}.{sorted(bad)[0]}", f"unknown field; expected one of {sorted(_ACTOR_KEYS)}")
        code = entry.get("iso3")
        if not isinstance(code, str) or len(code) != 3 or not code.isalpha():
            raise DataError(f"{where}.iso3", f"expected a 3-letter ISO code, found {code!r}")
        code = code.upper()
        src = str(entry.get("source", "user"))
        note = str(entry.get("note", f"user world file {p.name}"))
        vals: dict[str, Any] = {}
        for f in VALUE_FIELDS:
            if f in entry:
                v = entry[f]
                if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                    raise DataError(f"{where}.{f}", f"expected a finite number, found {v!r}")
                if f not in ("lat", "lon", "ideal_point") and v < 0:
                    raise DataError(f"{where}.{f}", f"expected a value >= 0, found {v!r}")
                if (f == "lat" and not -90 <= v <= 90) or (f == "lon" and not -180 <= v <= 180):
                    raise DataError(f"{where}.{f}", f"expected a coordinate in range, found {v!r}")
                vals[f] = SourcedValue(float(v), src, year, note)
        for f in _TREND_KEYS:
            if f in entry:
                v = entry[f]
                if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                    raise DataError(f"{where}.{f}", f"expected a finite number, found {v!r}")
                if f.endswith("_sd") and not 0 <= v <= 0.5:
                    raise DataError(f"{where}.{f}", f"expected a growth uncertainty in [0, 0.5] "
                                    f"(1/yr), found {v!r}")
                if not f.endswith("_sd") and not -0.5 <= v <= 0.5:
                    raise DataError(f"{where}.{f}", f"expected a growth rate in [-0.5, 0.5] (1/yr), found {v!r}")
                trend_over.setdefault(code.upper(), {})[f] = float(v)
        th = entry.get("theatre")
        if th is not None and th not in THEATRES:
            raise DataError(f"{where}.theatre", f"expected one of {list(THEATRES)}, found {th!r}")
        if code in actors:
            old = actors[code]
            actors[code] = replace(old, **vals, **{k2: entry[k2] for k2 in ("name", "theatre", "capital")
                                                  if k2 in entry})
        else:
            rows = _actor_rows(year)
            if code in rows.index and not vals:
                actors[code] = _make_actor(rows.loc[code], "")
                order.append(code)
                continue
            missing = [f for f in _NEW_REQUIRED if f not in entry]
            if missing and code not in rows.index:
                raise DataError(f"{where}.{missing[0]}",
                                f"new actor {code} needs fields {list(_NEW_REQUIRED)}; missing {missing}")
            if code in rows.index:
                base_actor = _make_actor(rows.loc[code], "")
                actors[code] = replace(base_actor, **vals)
            else:
                zero = SourcedValue(0.0, src, year, f"{note}; not given, taken as 0")
                full = {f: vals.get(f, zero) for f in VALUE_FIELDS}
                actors[code] = Actor(iso3=code, ccode=int(entry.get("ccode", 0)), name=str(entry["name"]),
                                     theatre=str(th), capital=str(entry.get("capital", "")), **full)
            order.append(code)
    theatre = {c: a.theatre for c, a in actors.items()}
    insts, rivalries = _facts()
    rels = _relations(year, order, theatre, insts, rivalries)
    for k, entry in enumerate(d.get("relation", [])):
        where = f"{p}: relation[{k}]"
        if not isinstance(entry, dict):
            raise DataError(where, "expected a table of fields")
        bad = set(entry) - _REL_KEYS
        if bad:
            raise DataError(f"{where}.{sorted(bad)[0]}", f"unknown field; expected one of {sorted(_REL_KEYS)}")
        for side in ("a", "b"):
            c = entry.get(side)
            if not isinstance(c, str) or c.upper() not in actors:
                raise UnknownActorError(str(c), order, where=f"{where}.{side}")
        kind = entry.get("kind")
        if kind not in RELATION_KINDS:
            raise DataError(f"{where}.kind", f"expected one of {list(RELATION_KINDS)}, found {kind!r}")
        a, b = entry["a"].upper(), entry["b"].upper()
        pairs = [(a, b), (b, a)] if entry.get("symmetric", True) else [(a, b)]
        if entry.get("remove", False):
            rels = [r for r in rels if not (r.kind == kind and (r.a, r.b) in pairs)]
        else:
            rels.extend(Relation(x, y, kind, str(entry.get("source", "user")), year,
                                 str(entry.get("note", f"user world file {p.name}")))
                        for x, y in pairs)
    trends = {t.iso3: t for t in _trends_of(year, order)}
    from flashpoint.world.trends import trend_arrays

    for c in order:
        if c not in trends:  # a new actor: its theatre's predictive distribution
            est = trend_arrays([c], [actors[c].theatre], year)
            m, msd, g, gsd = (float(est[k][0]) for k in _TREND_KEYS)
            trends[c] = Trend(c, m, msd, g, gsd,
                              source="flashpoint.world.trends: theatre prior (no record)")
        if c in trend_over:
            t = trends[c]
            ov = trend_over[c]
            trends[c] = Trend(c, ov.get("milex_trend", t.milex), ov.get("milex_trend_sd", t.milex_sd),
                              ov.get("gdp_growth", t.gdp), ov.get("gdp_growth_sd", t.gdp_sd),
                              source=f"user world file {p.name}")
    user_pledges = []
    for k, entry in enumerate(d.get("pledge", [])):
        where = f"{p}: pledge[{k}]"
        pl = _pledge(entry, where, year)
        for j, c in enumerate(pl.actors):
            if c not in actors:
                raise UnknownActorError(c, order, where=f"{where}.actors[{j}]")
        if pl.institution and pl.institution not in {i.id for i in insts}:
            raise DataError(f"{where}.institution",
                            f"expected one of {sorted(i.id for i in insts)}, found {pl.institution!r}")
        user_pledges.append(pl)
    user_wars = d.get("war", [])
    if not isinstance(user_wars, list):
        raise DataError(f"{p}: war", "expected an array of tables ([[war]])")
    added = tuple(_war(entry, f"{p}: war[{k}]", order) for k, entry in enumerate(user_wars))
    ids = {w.id for w in added}
    all_wars = (*(w for w in base.wars if w.id not in ids), *added)
    return World(year=year, actors=tuple(actors[c] for c in order), institutions=insts,
                 relations=tuple(rels), trade=tuple(_trade_ties(year, order)),
                 notes=(*base.notes, f"user world file {p}"),
                 trends=tuple(trends[c] for c in order),
                 pledges=(*base.pledges, *user_pledges), wars=all_wars)
