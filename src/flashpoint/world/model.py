"""The world model: frozen, typed actors, institutions and relations.

A :class:`World` is the sourced description of the international system in
one year: the states (:class:`Actor`, every figure a
:class:`~flashpoint.world.provenance.SourcedValue`), the institutions with
their rules (:class:`Institution`: members, obligation, geographic scope,
decision rule, citation), the obligations, partnerships and rivalries between
states (:class:`Relation`) and the trade ties (:class:`TradeTie`).
:meth:`World.to_arrays` turns it into the :class:`WorldArrays` the engine reads.

Obligations (ATOP 5.1 codes each type; Leeds et al. 2002): ``defense`` (i is
obliged to defend j), ``offense``, ``neutrality``, ``nonaggression``,
``consultation``. Institutions add obligations of their type between members
(defence obligations only where the partner's territory lies in the
institution's scope: NATO Art. 6 covers Europe, North America and the North
Atlantic north of the Tropic of Cancer, so no NATO obligation reaches an
Indo-Pacific state) and ``partnership`` between programme members and
partners.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from datetime import date

import numpy as np
import pandas as pd

from flashpoint.errors import UnknownActorError
from flashpoint.world.arrays import THEATRES, PledgeArrays, WorldArrays
from flashpoint.world.provenance import SourcedValue

__all__ = [
    "OBLIGATIONS",
    "RELATION_KINDS",
    "VALUE_FIELDS",
    "Actor",
    "Institution",
    "Member",
    "Pledge",
    "Relation",
    "TradeTie",
    "Trend",
    "War",
    "World",
]

RELATION_KINDS = ("defense", "offense", "neutrality", "nonaggression", "consultation",
                  "partnership", "rivalry", "dispute")
OBLIGATIONS = ("defense", "consultation", "partnership", "nonaggression")
VALUE_FIELDS = ("lat", "lon", "population", "gdp", "gdp_current", "milex", "milex_share",
                "milper", "irst", "pec", "tpop", "upop", "cinc", "warheads", "ideal_point")
UNITS = {
    "lat": "degrees N", "lon": "degrees E", "population": "million", "gdp": "US$ bn, constant 2022",
    "gdp_current": "US$ bn, current",
    "milex": "US$ bn, constant 2022", "milex_share": "fraction of GDP", "milper": "thousand",
    "irst": "thousand tons", "pec": "thousand coal-ton equivalents", "tpop": "thousand",
    "upop": "thousand", "cinc": "share of system capabilities", "warheads": "warheads",
    "ideal_point": "UNGA ideal point",
}


@dataclass(frozen=True, slots=True)
class Actor:
    """A state in a given year. Every figure is a :class:`SourcedValue`."""

    iso3: str
    ccode: int
    name: str
    theatre: str
    capital: str
    lat: SourcedValue
    lon: SourcedValue
    population: SourcedValue
    gdp: SourcedValue
    gdp_current: SourcedValue
    milex: SourcedValue
    milex_share: SourcedValue
    milper: SourcedValue
    irst: SourcedValue
    pec: SourcedValue
    tpop: SourcedValue
    upop: SourcedValue
    cinc: SourcedValue
    warheads: SourcedValue
    ideal_point: SourcedValue

    def values(self) -> dict[str, SourcedValue]:
        """Every sourced figure, by field name."""
        return {f: getattr(self, f) for f in VALUE_FIELDS}

    def to_dict(self) -> dict[str, object]:
        """JSON-ready dict with every value and its provenance."""
        d: dict[str, object] = {"iso3": self.iso3, "ccode": self.ccode, "name": self.name,
                                "theatre": self.theatre, "capital": self.capital}
        for k, v in self.values().items():
            d[k] = v.to_dict()
        return d


@dataclass(frozen=True, slots=True)
class Member:
    """A membership spell: joined on ``joined`` and, if ``left`` is set, left then."""

    iso3: str
    joined: date
    left: date | None = None
    note: str = ""

    def active(self, on: date) -> bool:
        """Whether the membership holds on ``on``."""
        return self.joined <= on and (self.left is None or self.left > on)


@dataclass(frozen=True, slots=True)
class Institution:
    """An institution or treaty with its rules.

    ``members`` are parties; ``partners`` (with ``members_of`` naming the
    institution whose members they partner) are tied to every member by
    partnership without being parties. ``scope`` lists the theatres whose
    territory an obligation covers (``"all"``: no limit). ``obliged`` names
    the members that carry a one-way obligation (empty: all of them).
    """

    id: str
    name: str
    obligation: str
    scope: tuple[str, ...]
    decision_rule: str
    citation: str
    members: tuple[Member, ...] = ()
    partners: tuple[Member, ...] = ()
    members_of: str = ""
    obliged: tuple[str, ...] = ()
    excluded_pairs: tuple[tuple[str, str], ...] = ()
    scope_note: str = ""
    article: str = ""

    def members_on(self, on: date) -> tuple[str, ...]:
        """ISO3 codes of the members on a date."""
        return tuple(m.iso3 for m in self.members if m.active(on))

    def partners_on(self, on: date) -> tuple[str, ...]:
        """ISO3 codes of the partners on a date."""
        return tuple(m.iso3 for m in self.partners if m.active(on))

    def covers(self, theatre: str) -> bool:
        """Whether the obligation's geographic scope covers territory in ``theatre``."""
        return "all" in self.scope or theatre in self.scope


@dataclass(frozen=True, slots=True)
class War:
    """An interstate war at a flashpoint: its belligerents, dates and source.

    ``challenger`` and ``targets`` are the flashpoint's (see
    :mod:`flashpoint.world.flashpoints`); the war is ongoing in a world of
    year Y when it began on or before 31 December of Y and had not ended then.
    """

    id: str
    flashpoint: str
    challenger: str
    targets: tuple[str, ...]
    started: date
    citation: str
    ended: date | None = None
    note: str = ""

    def ongoing(self, on: date) -> bool:
        """Whether the war is being fought on ``on``."""
        return self.started <= on and (self.ended is None or self.ended > on)


@dataclass(frozen=True, slots=True)
class Relation:
    """A directed tie: ``a`` towards ``b`` of a given kind, with its source.

    For obligations, ``a`` carries the obligation towards ``b``. Rivalries,
    disputes, partnerships, consultation and non-aggression are entered in
    both directions.
    """

    a: str
    b: str
    kind: str
    source: str
    year: int | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class TradeTie:
    """Share of ``a``'s total recorded trade (imports + exports) that is with ``b``."""

    a: str
    b: str
    share: float
    source: str
    year: int
    note: str = ""


@dataclass(frozen=True, slots=True)
class Trend:
    """An actor's real trends (1/yr): spending and GDP growth, posterior mean and sd."""

    iso3: str
    milex: float
    milex_sd: float
    gdp: float
    gdp_sd: float
    source: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Pledge:
    """An announced defence-spending plan, carried in the status quo as a floor.

    The members are ``actors`` plus the members of ``institution`` at the end of
    the world's year. ``target`` is the burden (share of GDP) to reach by the year
    ``by``; ``compliance`` the range of the share of the gap closed (sampled per run).
    """

    id: str
    name: str
    announced: date
    target: float
    by: int
    compliance: tuple[float, float]
    citation: str
    compliance_source: str = ""
    institution: str = ""
    actors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class World:
    """The sourced world of one year (see the module docstring)."""

    year: int
    actors: tuple[Actor, ...]
    institutions: tuple[Institution, ...]
    relations: tuple[Relation, ...]
    trade: tuple[TradeTie, ...] = ()
    notes: tuple[str, ...] = field(default=())
    trends: tuple[Trend, ...] = ()
    pledges: tuple[Pledge, ...] = ()
    wars: tuple[War, ...] = ()

    # ------------------------------------------------------------------ lookups
    @property
    def iso3(self) -> tuple[str, ...]:
        """Actor codes in order."""
        return tuple(a.iso3 for a in self.actors)

    def actor(self, code: str) -> Actor:
        """The actor with ISO3 ``code``; UnknownActorError suggests close codes."""
        for a in self.actors:
            if a.iso3 == code.upper():
                return a
        raise UnknownActorError(code, self.iso3)

    def institution(self, inst_id: str) -> Institution:
        """The institution ``inst_id`` (e.g. ``"NATO"``)."""
        for i in self.institutions:
            if i.id == inst_id:
                return i
        raise UnknownActorError(inst_id, [i.id for i in self.institutions], where="institution")

    @property
    def as_of(self) -> date:
        """The date memberships are taken at: 31 December of the world's year."""
        return date(self.year, 12, 31)

    def members(self, inst_id: str, *, in_world: bool = True) -> tuple[str, ...]:
        """Members of an institution at the end of the year (optionally only those in the world)."""
        ms = self.institution(inst_id).members_on(self.as_of)
        if in_world:
            have = set(self.iso3)
            ms = tuple(m for m in ms if m in have)
        return ms

    def wars_ongoing(self) -> tuple[War, ...]:
        """The wars being fought at the end of the year whose belligerents are all in the world."""
        have = set(self.iso3)
        return tuple(w for w in self.wars if w.ongoing(self.as_of)
                     and w.challenger in have and all(t in have for t in w.targets))

    def ideal_point_distance(self, a: str, b: str) -> float:
        """Absolute difference of UNGA ideal points (Bailey, Strezhnev & Voeten 2017)."""
        return abs(self.actor(a).ideal_point.value - self.actor(b).ideal_point.value)

    # ------------------------------------------------------------------ views
    def to_arrays(self) -> WorldArrays:
        """The :class:`WorldArrays` of this world (vectors in actor order)."""
        codes = self.iso3
        n = len(codes)
        idx = {c: i for i, c in enumerate(codes)}

        def vec(name: str) -> np.ndarray:
            v = np.array([getattr(a, name).value for a in self.actors], dtype=np.float64)
            return np.nan_to_num(v, nan=0.0)

        lat, lon = vec("lat"), vec("lon")
        phi, lam = np.radians(lat), np.radians(lon)
        h = (np.sin((phi[:, None] - phi[None, :]) / 2) ** 2
             + np.cos(phi[:, None]) * np.cos(phi[None, :]) * np.sin((lam[:, None] - lam[None, :]) / 2) ** 2)
        dist = 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))

        rel = pd.DataFrame([(r.a, r.b, r.kind) for r in self.relations], columns=["a", "b", "kind"])
        mats: dict[str, np.ndarray] = {}
        for kind in ("defense", "offense", "neutrality", "nonaggression", "consultation",
                     "partnership"):
            mats[kind] = _matrix(rel[rel.kind == kind], idx, n)
        mats["rivalry"] = _matrix(rel[rel.kind.isin(["rivalry", "dispute"])], idx, n)
        tr = pd.DataFrame([(t.a, t.b, t.share) for t in self.trade], columns=["a", "b", "share"])
        trade = np.zeros((n, n))
        if len(tr):
            ok = tr.a.isin(idx) & tr.b.isin(idx)
            tr = tr[ok]
            trade[tr.a.map(idx).to_numpy(int), tr.b.map(idx).to_numpy(int)] = tr.share.to_numpy(float)
        np.fill_diagonal(trade, 0.0)
        membership = {}
        for inst in self.institutions:
            ms = inst.members_on(self.as_of) or inst.partners_on(self.as_of)
            membership[inst.id] = np.isin(np.array(codes, dtype=object), np.array(ms, dtype=object))
        defense = mats["defense"]
        trend = self._trend_arrays()
        return WorldArrays(
            year=self.year,
            iso3=codes,
            names=tuple(a.name for a in self.actors),
            theatre=np.array([THEATRES.index(a.theatre) for a in self.actors], dtype=np.int64),
            milex=vec("milex"),
            milex_share=vec("milex_share"),
            gdp=vec("gdp"),
            population=vec("population"),
            milper=vec("milper"),
            cinc=vec("cinc"),
            warheads=vec("warheads"),
            lat=lat,
            lon=lon,
            distance_km=dist,
            defense=defense,
            offense=mats["offense"],
            neutrality=mats["neutrality"],
            nonaggression=mats["nonaggression"],
            consultation=mats["consultation"],
            partnership=mats["partnership"],
            rivalry=mats["rivalry"],
            trade_share=trade,
            ideal_point=vec("ideal_point"),
            membership=membership,
            commitment_scope=(defense > 0).astype(np.float64),
            **trend,
            pledges=self._pledge_arrays(membership),
            at_war=tuple(w.flashpoint for w in self.wars_ongoing()),
        )

    def _trend_arrays(self) -> dict[str, np.ndarray]:
        from flashpoint.world.trends import trend_arrays

        out = trend_arrays(self.iso3, [a.theatre for a in self.actors], self.year)
        idx = {c: i for i, c in enumerate(self.iso3)}
        for t in self.trends:
            if t.iso3 in idx:
                k = idx[t.iso3]
                out["milex_trend"][k], out["milex_trend_sd"][k] = t.milex, t.milex_sd
                out["gdp_growth"][k], out["gdp_growth_sd"][k] = t.gdp, t.gdp_sd
        return out

    def _pledge_arrays(self, membership: dict[str, np.ndarray]) -> PledgeArrays:
        codes = np.array(self.iso3, dtype=object)
        live = [p for p in self.pledges if p.announced <= self.as_of]
        if not live:
            return PledgeArrays.none(len(codes))
        members = np.zeros((len(live), len(codes)), dtype=bool)
        for k, p in enumerate(live):
            members[k] = np.isin(codes, np.array(p.actors, dtype=object))
            if p.institution:
                members[k] |= membership.get(p.institution, np.zeros(len(codes), dtype=bool))
        return PledgeArrays(
            target=np.array([p.target for p in live]),
            years=np.array([max(0, p.by - self.year) for p in live], dtype=np.float64),
            compliance=np.array([p.compliance for p in live], dtype=np.float64),
            members=members,
            ids=tuple(p.id for p in live),
        )

    def table(self) -> pd.DataFrame:
        """One row per actor: every value, plus ``<field>_source`` and ``<field>_note``."""
        rows = []
        for a in self.actors:
            r: dict[str, object] = {"iso3": a.iso3, "ccode": a.ccode, "name": a.name,
                                    "theatre": a.theatre, "capital": a.capital}
            for k, v in a.values().items():
                r[k] = v.value
                r[f"{k}_source"] = v.source
                r[f"{k}_year"] = v.year
                r[f"{k}_note"] = v.note
            rows.append(r)
        return pd.DataFrame(rows).set_index("iso3")

    def relations_table(self) -> pd.DataFrame:
        """One row per relation (a, b, kind, source, year, note)."""
        return pd.DataFrame([(r.a, r.b, r.kind, r.source, r.year, r.note) for r in self.relations],
                            columns=["a", "b", "kind", "source", "year", "note"])

    def digest(self) -> str:
        """SHA-256 of the world's content (values, provenance, institutions, relations)."""
        h = hashlib.sha256()
        h.update(str(self.year).encode())
        for a in self.actors:
            h.update(json.dumps(a.to_dict(), sort_keys=True, default=str).encode())
        for i in self.institutions:
            h.update(repr(tuple(getattr(i, f.name) for f in fields(i))).encode())
        for r in sorted(self.relations, key=lambda r: (r.a, r.b, r.kind, r.source)):
            h.update(f"{r.a}|{r.b}|{r.kind}|{r.source}|{r.year}".encode())
        for t in self.trade:
            h.update(f"{t.a}|{t.b}|{t.share!r}".encode())
        for tr in self.trends:
            h.update(repr(tuple(getattr(tr, f.name) for f in fields(tr))).encode())
        for p in self.pledges:
            h.update(repr(tuple(getattr(p, f.name) for f in fields(p))).encode())
        for w in self.wars:
            h.update(f"{w.id}|{w.flashpoint}|{w.challenger}|{w.targets}|{w.started}|{w.ended}".encode())
        return h.hexdigest()


def _matrix(rel: pd.DataFrame, idx: dict[str, int], n: int) -> np.ndarray:
    m = np.zeros((n, n))
    ok = rel.a.isin(idx) & rel.b.isin(idx)
    r = rel[ok]
    if len(r):
        m[r.a.map(idx).to_numpy(int), r.b.map(idx).to_numpy(int)] = 1.0
    np.fill_diagonal(m, 0.0)
    return m
