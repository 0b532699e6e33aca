"""Dated reaction events: how adversaries answered past moves, as evidence on the theories.

The shipped file ``validation/data/reactions.toml`` lists events such as
China's response to THAAD in South Korea (2016-17), to the Quad's revival
(2017) and to AUKUS (2021), and Russia's answers to NATO's enlargement (2004)
and to Finland's accession (2023), each with its date, its sources and the
observed reaction coded -1 / 0 / +1 (see the file's header). Each event's
move is expressed with the engine's plan primitives, so the model can replay
it from the world of the year before and score how each theory of signal
reading predicts the observer's reaction (:mod:`flashpoint.validation.calibrate`).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flashpoint.engine.plan import Commitment, Plan, Presence, Range, Signal, Tie
from flashpoint.errors import DataError

__all__ = ["DEFAULT_PATH", "Event", "load_reactions"]

#: The shipped event file.
DEFAULT_PATH = Path(__file__).parent / "data" / "reactions.toml"

_MOVES = ("tie", "commitment", "presence", "signal")
_FIELDS = ("id", "title", "date", "world_year", "start", "observer", "targets", "reaction",
           "summary", "sources", "move")


@dataclass(frozen=True)
class Event:
    """One dated reaction event (see the module docstring)."""

    id: str
    title: str
    date: str
    world_year: int
    start: float
    observer: str
    targets: tuple[str, ...]
    reaction: int
    summary: str
    sources: tuple[dict[str, str], ...]
    moves: tuple[Tie | Commitment | Presence | Signal, ...]

    def plan(self) -> Plan:
        """The move as a plan (actor tokens unresolved: the engine resolves groups)."""
        return Plan(
            name=self.id,
            commitments=tuple(m for m in self.moves if isinstance(m, Commitment)),
            presences=tuple(m for m in self.moves if isinstance(m, Presence)),
            signals=tuple(m for m in self.moves if isinstance(m, Signal)),
            ties=tuple(m for m in self.moves if isinstance(m, Tie)),
        )


def _range(raw: dict[str, Any], key: str, where: str, default: tuple[float, float] | None = None,
           ) -> Range:
    value = raw.get(key, default)
    if value is None:
        raise DataError(where, f"field {key!r} is required.")
    try:
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError):
        raise DataError(where, f"field {key!r}: expected [low, high]. Got {value!r} instead.") from None
    if not 0.0 <= lo <= hi <= 1.0:
        raise DataError(where, f"field {key!r}: expected 0 <= low <= high <= 1. Got {value!r} instead.")
    return Range(lo, hi)


def _actors(raw: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise DataError(where, f"field {key!r}: expected a non-empty list of actor codes. "
                        f"Got {value!r} instead.")
    return tuple(value)


def _move(raw: Any, start: float, where: str) -> tuple[Tie | Commitment | Presence | Signal, ...]:
    if not isinstance(raw, dict):
        raise DataError(where, f"expected a table. Got {raw!r} instead.")
    kind = raw.get("kind")
    if kind not in _MOVES:
        raise DataError(where, f"field 'kind': expected one of {', '.join(_MOVES)}. Got {kind!r} instead.")
    if kind == "tie":
        return (Tie(_actors(raw, "a", where), _actors(raw, "b", where),
                    _range(raw, "visibility", where), _range(raw, "capability", where, (0.0, 0.0)),
                    start=start),)
    if kind == "commitment":
        src, tgt = _actors(raw, "source", where), _actors(raw, "target", where)
        s = _range(raw, "strength", where)
        out: tuple[Commitment, ...] = (Commitment(src, tgt, s, start=start),)
        if raw.get("mutual", False):
            out += (Commitment(tgt, src, s, start=start),)
        return out
    if kind == "presence":
        theatre = raw.get("theatre")
        if theatre not in ("euro_atlantic", "indo_pacific"):
            raise DataError(where, f"field 'theatre': expected euro_atlantic or indo_pacific. "
                            f"Got {theatre!r} instead.")
        return (Presence(_actors(raw, "actors", where), theatre, _range(raw, "level", where),
                         flashpoints=tuple(raw.get("flashpoints", ())),
                         visibility=_range(raw, "visibility", where, (0.0, 0.0)), start=start),)
    return (Signal(_actors(raw, "source", where), _actors(raw, "target", where),
                   _range(raw, "cost", where), start=start),)


def load_reactions(path: str | Path | None = None) -> tuple[Event, ...]:
    """The reaction events of ``path`` (default: the shipped file); DataError naming the
    file, the event and the field on bad input."""
    p = DEFAULT_PATH if path is None else Path(path)
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(str(p), "file not found.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise DataError(str(p), f"not a valid TOML file ({err}).") from None
    events = raw.get("event")
    if not isinstance(events, list) or not events:
        raise DataError(str(p), "expected one or more [[event]] tables.")
    out: list[Event] = []
    seen: set[str] = set()
    for k, ev in enumerate(events):
        where = f"{p}: event[{k}]"
        unknown = sorted(set(ev) - set(_FIELDS))
        if unknown:
            raise DataError(where, f"unknown field {unknown[0]!r}; expected one of {', '.join(_FIELDS)}.")
        eid = ev.get("id")
        if not isinstance(eid, str) or not eid:
            raise DataError(where, "field 'id': expected a non-empty string.")
        if eid in seen:
            raise DataError(where, f"field 'id': {eid!r} is used twice.")
        seen.add(eid)
        where = f"{p}: event[{k}] ({eid})"
        for key in ("title", "date", "observer", "summary"):
            if not isinstance(ev.get(key), str) or not ev[key].strip():
                raise DataError(where, f"field {key!r}: expected a non-empty string.")
        year = ev.get("world_year")
        if not isinstance(year, int) or not 1995 <= year <= 2024:
            raise DataError(where, f"field 'world_year': expected a year in 1995-2024. Got {year!r} instead.")
        start = ev.get("start")
        if not isinstance(start, int | float) or not 0.0 <= float(start) < 3.0:
            raise DataError(where, f"field 'start': expected years in [0, 3). Got {start!r} instead.")
        if not str(ev["date"]).startswith(str(year + int(float(start)))):
            raise DataError(where, f"field 'date': {ev['date']} does not fall {start} years after "
                            f"1 January {year}.")
        reaction = ev.get("reaction")
        if reaction not in (-1, 0, 1) or isinstance(reaction, bool):
            raise DataError(where, f"field 'reaction': expected -1, 0 or 1. Got {reaction!r} instead.")
        sources = ev.get("sources")
        if not isinstance(sources, list) or not sources or not all(
                isinstance(s, dict) and all(isinstance(s.get(f), str) and s[f].strip()
                                            for f in ("title", "author", "outlet", "date"))
                for s in sources):
            raise DataError(where, "field 'sources': expected one or more {title, author, outlet, "
                            "date} tables.")
        moves = ev.get("move")
        if not isinstance(moves, list) or not moves:
            raise DataError(where, "expected one or more [[event.move]] tables.")
        prims: tuple[Tie | Commitment | Presence | Signal, ...] = ()
        for j, m in enumerate(moves):
            prims += _move(m, float(start), f"{where}: move[{j}]")
        out.append(Event(
            id=eid, title=ev["title"], date=str(ev["date"]), world_year=year, start=float(start),
            observer=ev["observer"], targets=_actors(ev, "targets", where), reaction=int(reaction),
            summary=" ".join(ev["summary"].split()), sources=tuple(sources), moves=prims,
        ))
    return tuple(out)
