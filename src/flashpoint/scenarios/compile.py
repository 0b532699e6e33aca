"""Compile a validated scenario against a world into an engine :class:`~flashpoint.engine.plan.Plan`.

Compilation resolves actor tokens to the ISO3 codes present in the world and
turns levers, shocks, edits, overrides and mechanism switches into plan
primitives. It is pure: the same scenario and world give the same plan.

Rules for actors missing from the world
---------------------------------------
* A group token (``"NATO"``, ``"EU"``, ``"IP4"``, ``"europe_nato"`` ...)
  stands for its members *present in the world*; absent members are ignored.
  A world's own membership mask is used when it has one for the token,
  otherwise the fallback membership of
  :data:`flashpoint.scenarios.schema.INSTITUTIONS` or
  :data:`flashpoint.world.groups.GROUPS`.
* A known ISO3 code absent from the world is ignored in the same way
  (a lever written for the 2024 world still compiles against a small test
  world). A code unknown to both the world and flashpoint is an error, with
  the closest codes of the world suggested.
* Inside a lever, a primitive whose source or target resolves to no actor
  (or whose flashpoint is not in the world) is dropped; a lever all of whose
  primitives are dropped is an error.
* A user's ``[[edit]]`` or ``[[shock]]`` must resolve to at least one actor
  on each side, and to a flashpoint of the world, or it is an error: it was
  written on purpose, so silently dropping it would hide a mistake.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from flashpoint.engine.plan import (
    Commitment,
    ParamOverride,
    Plan,
    Presence,
    Range,
    RelationShock,
    Shock,
    Signal,
    SpendingFloor,
    Tie,
    TradeChange,
)
from flashpoint.errors import ScenarioError, did_you_mean
from flashpoint.scenarios.levers import LEVERS, Primitive
from flashpoint.scenarios.load import (
    _field_name,
    _line_for,
    check_warnings,
    line_index,
    parse_scenario,
    read_source,
)
from flashpoint.scenarios.schema import (
    INSTITUTIONS,
    CommitmentEdit,
    PartnershipEdit,
    PresenceEdit,
    RelationEdit,
    Scenario,
    ShockSpec,
    SignalEdit,
    SpendingEdit,
    TradeEdit,
    known_actor_codes,
)
from flashpoint.world.arrays import WorldArrays
from flashpoint.world.flashpoints import flashpoint_arrays
from flashpoint.world.groups import GROUPS

__all__ = ["check_file", "compile_scenario", "resolve_actors"]


class _Absent(Exception):
    """A primitive's side resolves to no actor, or its flashpoint is not in the world."""


class _Ctx:
    """What compilation needs to name errors: the file, its line index and the world."""

    def __init__(self, scenario: Scenario, world: WorldArrays, path: str | None, text: str | None):
        self.path = path if path is not None else f"scenario {scenario.name!r}"
        self.lines = line_index(text) if text is not None else {}
        self.world = world
        self.known = known_actor_codes()
        self.flashpoints = frozenset(flashpoint_arrays(world).ids)

    def error(self, where: tuple[str | int, ...], reason: str) -> ScenarioError:
        return ScenarioError(self.path, _field_name(where), reason, _line_for(self.lines, where))


def resolve_actors(tokens: Iterable[str], world: WorldArrays) -> tuple[str, ...]:
    """ISO3 codes of the world that the tokens stand for (absent members ignored).

    Raises :class:`ValueError` for a code unknown to both the world and flashpoint.
    """
    known = known_actor_codes()
    out: list[str] = []
    for token in tokens:
        if token in world.membership:
            out += [world.iso3[i] for i in np.flatnonzero(world.membership[token])]
        elif token in INSTITUTIONS:
            out += [c for c in INSTITUTIONS[token] if world.has(c)]
        elif token in GROUPS:
            out += [c for c in GROUPS[token] if world.has(c)]
        elif world.has(token):
            out.append(token.upper())
        elif token not in known:
            hint = did_you_mean(token, world.iso3)
            raise ValueError(f"unknown actor {token!r} (not in this world).{hint}")
    return tuple(dict.fromkeys(out))


def _side(ctx: _Ctx, tokens: tuple[str, ...], where: tuple[str | int, ...]) -> tuple[str, ...]:
    try:
        codes = resolve_actors(tokens, ctx.world)
    except ValueError as err:
        raise ctx.error(where, str(err)) from None
    if not codes:
        raise _Absent(f"none of {', '.join(tokens)} is in this world")
    return codes


def _resolve_primitive(ctx: _Ctx, p: Primitive, where: tuple[str | int, ...]) -> Primitive:
    """Replace actor tokens by world codes; raise _Absent when a side is empty."""
    if isinstance(p, Commitment | Signal | RelationShock):
        return dataclasses.replace(
            p, source=_side(ctx, p.source, where), target=_side(ctx, p.target, where)
        )
    if isinstance(p, TradeChange | Tie):
        return dataclasses.replace(p, a=_side(ctx, p.a, where), b=_side(ctx, p.b, where))
    if isinstance(p, SpendingFloor):
        return dataclasses.replace(p, actors=_side(ctx, p.actors, where))
    if isinstance(p, Presence):
        kept = tuple(fp for fp in p.flashpoints if fp in ctx.flashpoints)
        if p.flashpoints and not kept:
            raise _Absent(f"none of the flashpoints {', '.join(p.flashpoints)} is in this world")
        return dataclasses.replace(p, actors=_side(ctx, p.actors, where), flashpoints=kept)
    if p.flashpoint is not None and p.flashpoint not in ctx.flashpoints:
        raise _Absent(f"flashpoint {p.flashpoint!r} is not in this world")
    return p


def _lever(ctx: _Ctx, k: int, scenario: Scenario) -> list[Primitive]:
    use = scenario.lever[k]
    where: tuple[str | int, ...] = ("lever", k, "lever")
    built = LEVERS[use.lever].primitives(use.effect, use.start)
    kept: list[Primitive] = []
    reasons: list[str] = []
    for p in built:
        try:
            kept.append(_resolve_primitive(ctx, p, where))
        except _Absent as err:
            reasons.append(str(err))
    if not kept:
        raise ctx.error(
            where,
            f"lever {use.lever!r} names only actors or flashpoints absent from this world "
            f"({'; '.join(dict.fromkeys(reasons))}).",
        )
    return kept


def _strict(ctx: _Ctx, p: Primitive, where: tuple[str | int, ...]) -> Primitive:
    try:
        return _resolve_primitive(ctx, p, where)
    except _Absent as err:
        raise ctx.error(where, f"{err}.") from None


def _r(pair: tuple[float, float]) -> Range:
    return Range(pair[0], pair[1])


def _edit(ctx: _Ctx, k: int, scenario: Scenario) -> list[Primitive]:
    e = scenario.edit[k]
    base: tuple[str | int, ...] = ("edit", k)
    out: list[Primitive] = []
    if isinstance(e, CommitmentEdit | PartnershipEdit):
        mode = e.mode if isinstance(e, CommitmentEdit) else "max"
        src = _strict_side(ctx, e.source, (*base, "source"))
        tgt = _strict_side(ctx, e.target, (*base, "target"))
        out.append(Commitment(src, tgt, _r(e.strength), start=e.start, mode=mode))
        if e.mutual:
            out.append(Commitment(tgt, src, _r(e.strength), start=e.start, mode=mode))
    elif isinstance(e, SpendingEdit):
        actors = _strict_side(ctx, e.actors, (*base, "actors"))
        out.append(SpendingFloor(actors, _r(e.share), start=e.start, ramp=e.ramp))
    elif isinstance(e, TradeEdit):
        a = _strict_side(ctx, e.a, (*base, "a"))
        b = _strict_side(ctx, e.b, (*base, "b"))
        out.append(TradeChange(a, b, _r(e.multiplier), start=e.start))
    elif isinstance(e, RelationEdit):
        src = _strict_side(ctx, e.source, (*base, "source"))
        tgt = _strict_side(ctx, e.target, (*base, "target"))
        out.append(RelationShock(e.field, src, tgt, _r(e.delta), at=e.at, symmetric=e.symmetric))
    elif isinstance(e, PresenceEdit):
        actors = _strict_side(ctx, e.actors, (*base, "actors"))
        for fp in e.flashpoints:
            if fp not in ctx.flashpoints:
                raise ctx.error((*base, "flashpoints"), f"flashpoint {fp!r} is not in this world.")
        out.append(
            Presence(actors, e.theatre, _r(e.level), flashpoints=e.flashpoints,
                     visibility=_r(e.visibility), start=e.start)
        )
    elif isinstance(e, SignalEdit):
        src = _strict_side(ctx, e.source, (*base, "source"))
        tgt = _strict_side(ctx, e.target, (*base, "target"))
        end = float("inf") if e.end is None else e.end
        out.append(Signal(src, tgt, _r(e.cost), start=e.start, end=end))
    return out


def _strict_side(ctx: _Ctx, tokens: tuple[str, ...], where: tuple[str | int, ...]) -> tuple[str, ...]:
    try:
        return _side(ctx, tokens, where)
    except _Absent as err:
        raise ctx.error(where, f"{err}: an edit must name at least one actor of the world.") from None


_COERCION_TENSION = (0.10, 0.20)  # rationale: as the chinese_coercion lever (see levers.py)
_ESCALATION_TENSION = (0.10, 0.30)  # rationale: as the russian_escalation lever


def _shock(ctx: _Ctx, k: int, scenario: Scenario) -> list[Primitive]:
    s: ShockSpec = scenario.shock[k]
    where: tuple[str | int, ...] = ("shock", k)
    mag = _r(s.magnitude)
    if s.kind in ("crisis", "blockade", "war"):
        return [_strict(ctx, Shock(s.kind, s.at, mag, s.flashpoint, s.duration), (*where, "flashpoint"))]
    if s.kind == "retrenchment":
        return [Shock("retrenchment", s.at, mag, None, s.duration)]
    if s.kind == "korean_contingency":
        shock = Shock("crisis", s.at, mag, "korean_peninsula", s.duration)
        return [_strict(ctx, shock, (*where, "kind"))]
    by = _strict_side(ctx, s.by or (("CHN",) if s.kind == "coercion" else ("RUS",)), (*where, "by"))
    target = _strict_side(ctx, s.target or ("NATO",), (*where, "target"))
    if s.kind == "coercion":
        tension = _r(s.tension or _COERCION_TENSION)
        cut = Range(1.0 - s.magnitude[1], 1.0 - s.magnitude[0])
        return [
            TradeChange(by, target, cut, start=s.at),
            RelationShock("tension", by, target, tension, at=s.at),
        ]
    fp = s.flashpoint or "baltic"
    tension = _r(s.tension or _ESCALATION_TENSION)
    return [
        RelationShock("tension", by, target, tension, at=s.at),
        _strict(ctx, Shock("crisis", s.at, mag, fp, s.duration), (*where, "flashpoint")),
    ]


def compile_scenario(
    scenario: Scenario,
    world_arrays: WorldArrays,
    *,
    path: str | None = None,
    text: str | None = None,
) -> Plan:
    """Compile ``scenario`` against ``world_arrays`` into a :class:`Plan`.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario (:func:`flashpoint.scenarios.load_scenario`).
    world_arrays : WorldArrays
        The world the plan will run on; actor tokens resolve against it.
    path, text : str, optional
        The scenario file's name and TOML text, so that errors name the
        file and line (both given by :func:`flashpoint.scenarios.check_file`).

    Returns
    -------
    Plan
        Primitives with ISO3 codes of the world, in the order: levers,
        edits, shocks (each group in file order).

    Raises
    ------
    ScenarioError
        An unknown actor code, an edit or shock naming no actor or
        flashpoint of the world, or a lever none of whose actors is in it.
    """
    ctx = _Ctx(scenario, world_arrays, path, text)
    prims: list[Primitive] = []
    for k in range(len(scenario.lever)):
        prims += _lever(ctx, k, scenario)
    for k in range(len(scenario.edit)):
        prims += _edit(ctx, k, scenario)
    for k in range(len(scenario.shock)):
        prims += _shock(ctx, k, scenario)

    def of(kind: type) -> tuple:  # type: ignore[type-arg]
        return tuple(p for p in prims if isinstance(p, kind))

    return Plan(
        name=scenario.name,
        commitments=of(Commitment),
        presences=of(Presence),
        trade=of(TradeChange),
        signals=of(Signal),
        spending_floors=of(SpendingFloor),
        shocks=of(Shock),
        relation_shocks=of(RelationShock),
        overrides=tuple(ParamOverride(o.parameter, _r(o.range)) for o in scenario.override),
        disabled=scenario.mechanisms.disable,
        variants=dict(scenario.mechanisms.variants),
        ties=of(Tie),
        theory_weights={k: dict(v) for k, v in scenario.mechanisms.weights.items()},
    )


def check_file(path_or_name: str | Path, world_arrays: WorldArrays | None = None) -> Scenario:
    """Validate a scenario file and, given a world, compile it too (errors name file and line).

    Returns the validated scenario; raises :class:`ScenarioError` on the first
    problem, structural or against the world.
    """
    p, text = read_source(path_or_name)
    scenario = parse_scenario(text, str(p))
    check_warnings(scenario, str(p), text)
    if world_arrays is not None:
        compile_scenario(scenario, world_arrays, path=str(p), text=text)
    return scenario
