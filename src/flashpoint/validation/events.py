"""The event history: dated, sourced real shocks as the model's scenario primitives.

``world/data/events.toml`` lists the shocks since 2008 that the model can
represent (its header documents the fields): wars, relation and coercion
shocks, levers (presences, partnerships), spending pledges and commitment
changes, each with the source of its date and of its size. :func:`load_events`
reads and validates the file (one-line errors naming the file, the entry and
the field); :func:`event_plan` turns the events of a backtest window into the
engine's plan primitives (:mod:`flashpoint.engine.plan`), timed in years from
the origin, so a hindcast can take them as known inputs.

Timing: the model starts from the world of the origin year ``y0`` (its
observed figures), and step ``k`` covers year ``y0 + k``; an event dated
``d`` acts at ``t = (d - 1 January y0+1) / 365.25`` years, or at 0 if it falls
in the origin year. Events before the origin year are part of that world and
are not inputs.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flashpoint.engine.plan import (
    Commitment,
    Plan,
    Presence,
    Range,
    RelationShock,
    Shock,
    SpendingFloor,
    TradeChange,
)
from flashpoint.errors import DataError, did_you_mean

__all__ = ["PRIMITIVES", "Event", "event_plan", "load_events"]

#: The primitives an event can be, and the fields each needs (beyond the common ones).
PRIMITIVES: dict[str, dict[str, tuple[str, ...]]] = {
    "war": {"": ("challenger", "target", "intensity", "tension")},
    "shock": {"relation": ("field", "source", "target", "delta"),
              "coercion": ("by", "target", "magnitude", "tension")},
    "lever": {"presence": ("actors", "theatre", "level", "flashpoints", "visibility"),
              "partnership": ("actors", "strength")},
    "pledge": {"": ("actors", "share", "by")},
    "commitment": {"": ("source", "target", "strength", "symmetric")},
}
COMMON = ("id", "title", "date", "primitive", "date_source", "size_source")
RANGES = {"tension", "delta", "magnitude", "level", "visibility", "strength", "share"}
ACTOR_FIELDS = {"challenger", "target", "source", "by", "actors"}


@dataclass(frozen=True)
class Event:
    """One validated event: common fields plus the primitive's fields in ``spec``."""

    id: str
    title: str
    date: dt.date
    primitive: str
    date_source: str
    size_source: str
    kind: str = ""
    spec: dict[str, Any] = field(default_factory=dict)

    @property
    def year(self) -> int:
        """Calendar year of the event."""
        return self.date.year


def _default_path() -> Path:
    from flashpoint.world.provenance import data_path

    return data_path("events.toml")


def _known_tokens() -> set[str]:
    from flashpoint.scenarios.schema import INSTITUTIONS, known_actor_codes
    from flashpoint.world.groups import GROUPS

    return set(known_actor_codes()) | set(GROUPS) | set(INSTITUTIONS)


def load_events(path: str | Path | None = None) -> tuple[Event, ...]:
    """Read and validate an event file (default: the shipped ``events.toml``), in date order.

    Raises
    ------
    DataError
        Naming the file, the entry (index and id) and the field: an unknown
        primitive or kind, a missing or unknown field, a date outside the
        world's years, an unknown actor, a range with low > high or outside
        its scale.
    """
    from flashpoint.world.flashpoints import FLASHPOINTS
    from flashpoint.world.loader import available_years

    p = Path(path) if path is not None else _default_path()
    name = str(p) if path is not None else "world/data/events.toml"
    try:
        raw = tomllib.loads(p.read_text())
    except FileNotFoundError:
        raise DataError(name, "file not found.") from None
    except tomllib.TOMLDecodeError as bad:
        raise DataError(name, f"not valid TOML ({bad}).") from None
    entries = raw.get("event", [])
    if not isinstance(entries, list) or not entries:
        raise DataError(name, "expected [[event]] entries.")
    years = available_years()
    known = _known_tokens()
    fps = {f.id for f in FLASHPOINTS}
    out: list[Event] = []
    seen: set[str] = set()
    for k, e in enumerate(entries):
        eid = str(e.get("id", "?"))

        def err(fieldname: str, reason: str, k: int = k, eid: str = eid) -> DataError:
            return DataError(f"{name}: event {k} ({eid}), field {fieldname!r}", reason)

        for c in COMMON:
            if c not in e:
                raise err(c, "missing.")
        if eid in seen:
            raise err("id", "duplicate id.")
        seen.add(eid)
        prim = str(e["primitive"])
        if prim not in PRIMITIVES:
            raise err("primitive", f"unknown primitive {prim!r}; expected one of "
                      f"{', '.join(PRIMITIVES)}.{did_you_mean(prim, PRIMITIVES)}")
        kinds = PRIMITIVES[prim]
        kind = str(e.get("kind", ""))
        if kind not in kinds:
            expected = ", ".join(kv for kv in kinds if kv) or "no kind"
            raise err("kind", f"a {prim} event takes kind {expected}. Got {kind!r} instead.")
        needed = kinds[kind]
        extra = set(e) - set(COMMON) - set(needed) - {"kind"}
        if extra:
            raise err(sorted(extra)[0], f"unknown field for a {prim} event; expected {', '.join(needed)}.")
        date = _date(str(e["date"]), err)
        if date.year not in years:
            raise err("date", f"{e['date']} is outside the world's years {years[0]}-{years[-1]}.")
        spec: dict[str, Any] = {}
        for f in needed:
            if f not in e:
                if f in ("flashpoints", "symmetric"):
                    spec[f] = () if f == "flashpoints" else False
                    continue
                raise err(f, "missing.")
            v = e[f]
            if f == "by" and prim == "pledge":
                if not (isinstance(v, int) and date.year <= v <= 2100):
                    raise err(f, f"expected the year the pledge is to be met, >= {date.year}. "
                              f"Got {v!r} instead.")
                spec[f] = v
            elif f in ACTOR_FIELDS:
                toks = [v] if isinstance(v, str) else list(v)
                for t in toks:
                    if t not in known:
                        raise err(f, f"unknown actor {t!r}.{did_you_mean(t, sorted(known))}")
                spec[f] = tuple(toks)
            elif f in RANGES:
                spec[f] = _range(v, f, err)
            elif f == "flashpoints":
                for t in v:
                    if t not in fps:
                        raise err(f, f"unknown flashpoint {t!r}.{did_you_mean(t, sorted(fps))}")
                spec[f] = tuple(v)
            elif f == "intensity" and v not in ("minor", "war"):
                raise err(f, f"expected 'minor' or 'war'. Got {v!r} instead.")
            elif f == "field" and v not in ("tension", "alignment", "intent"):
                raise err(f, f"expected tension, alignment or intent. Got {v!r} instead.")
            elif f == "theatre" and v not in ("euro_atlantic", "indo_pacific"):
                raise err(f, f"expected euro_atlantic or indo_pacific. Got {v!r} instead.")
            else:
                spec[f] = v
            spec.setdefault(f, v)
        out.append(Event(id=eid, title=str(e["title"]), date=date, primitive=prim,
                         date_source=str(e["date_source"]), size_source=str(e["size_source"]),
                         kind=kind, spec=spec))
    return tuple(sorted(out, key=lambda ev: ev.date))


def _date(text: str, err: Any) -> dt.date:
    try:
        if len(text) == 7:
            return dt.date.fromisoformat(text + "-01")
        return dt.date.fromisoformat(text)
    except ValueError:
        raise err("date", f"expected YYYY-MM-DD or YYYY-MM. Got {text!r} instead.") from None


def _range(v: Any, f: str, err: Any) -> tuple[float, float]:
    if not (isinstance(v, list) and len(v) == 2 and all(isinstance(x, int | float) for x in v)):
        raise err(f, f"expected a range [low, high]. Got {v!r} instead.")
    lo, hi = float(v[0]), float(v[1])
    if lo > hi:
        raise err(f, f"low {lo} > high {hi}.")
    bounds = (-1.0, 1.0) if f in ("tension", "delta") else (0.0, 1.0)
    if lo < bounds[0] or hi > bounds[1]:
        raise err(f, f"expected values within [{bounds[0]:g}, {bounds[1]:g}]. Got {v!r} instead.")
    return lo, hi


def _when(event: Event, origin: int) -> float:
    t = (event.date - dt.date(origin + 1, 1, 1)).days / 365.25
    return max(0.0, t)


def _count(*lists: list[Any]) -> int:
    return sum(len(x) for x in lists)


def event_plan(events: Sequence[Event], origin: int, end: int, world: Any,
               name: str = "event history") -> tuple[Plan, tuple[str, ...]]:
    """Plan primitives for the events dated in ``origin .. end``, resolved against ``world``.

    Returns the plan and the ids of the events it holds (events whose actors
    are all absent from the world are left out).
    """
    from flashpoint.scenarios.compile import resolve_actors
    from flashpoint.world.flashpoints import FLASHPOINTS

    def side(tokens: tuple[str, ...]) -> tuple[str, ...]:
        return resolve_actors(tokens, world)

    commitments: list[Commitment] = []
    presences: list[Presence] = []
    trade: list[TradeChange] = []
    floors: list[SpendingFloor] = []
    shocks: list[Shock] = []
    rel: list[RelationShock] = []
    used: list[str] = []
    for e in events:
        if not origin <= e.year <= end:
            continue
        t, s = _when(e, origin), e.spec
        n0 = _count(commitments, presences, trade, floors, shocks, rel)
        if e.primitive == "war":
            a, b = side(s["challenger"]), side(s["target"])
            if a and b:
                rel.append(RelationShock("tension", a, b, Range(*s["tension"]), at=t))
                if s["intensity"] == "war":
                    for f in FLASHPOINTS:
                        if f.challenger in a and set(b) <= set(f.targets):
                            shocks.append(Shock("war", at=t, flashpoint=f.id))
        elif e.primitive == "shock" and e.kind == "relation":
            a, b = side(s["source"]), side(s["target"])
            if a and b:
                rel.append(RelationShock(s["field"], a, b, Range(*s["delta"]), at=t))
        elif e.primitive == "shock" and e.kind == "coercion":
            a, b = side(s["by"]), side(s["target"])
            if a and b:
                lo, hi = s["magnitude"]
                trade.append(TradeChange(a, b, Range(1.0 - hi, 1.0 - lo), start=t))
                rel.append(RelationShock("tension", a, b, Range(*s["tension"]), at=t))
        elif e.primitive == "lever" and e.kind == "presence":
            a = side(s["actors"])
            if a:
                presences.append(Presence(a, s["theatre"], Range(*s["level"]), tuple(s["flashpoints"]),
                                          Range(*s["visibility"]), start=t))
        elif e.primitive == "lever" and e.kind == "partnership":
            a = side(s["actors"])
            if len(a) > 1:
                commitments.append(Commitment(a, a, Range(*s["strength"]), start=t))
        elif e.primitive == "pledge":
            a = side(s["actors"])
            if a:
                ramp = max(1.0, float(s["by"]) - (origin + t))
                floors.append(SpendingFloor(a, Range(*s["share"]), start=t, ramp=ramp))
        elif e.primitive == "commitment":
            a, b = side(s["source"]), side(s["target"])
            if a and b:
                commitments.append(Commitment(a, b, Range(*s["strength"]), start=t))
                if s.get("symmetric"):
                    commitments.append(Commitment(b, a, Range(*s["strength"]), start=t))
        if _count(commitments, presences, trade, floors, shocks, rel) > n0:
            used.append(e.id)
    plan = Plan(name=name, commitments=tuple(commitments), presences=tuple(presences),
                trade=tuple(trade), spending_floors=tuple(floors), shocks=tuple(shocks),
                relation_shocks=tuple(rel))
    return plan, tuple(used)
