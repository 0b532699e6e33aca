"""The scenario file format: frozen pydantic models, strict, unknown fields rejected.

A scenario is a TOML file with these tables (see ``docs/scenarios.md``)::

    [scenario]            name, title, description, sources = [{seed, quote}]
    [[lever]]             lever, start?, effect? = [low, high]
    [[shock]]             kind, at, flashpoint?, magnitude?, duration?, by?, target?, tension?
    [[override]]          parameter, range = [low, high]
    [[edit]]              kind = commitment | partnership | spending | trade | relation
                          | presence | signal, and that kind's fields
    [mechanisms]          disable = [...], variants = {mechanism = "variant"},
                          weights = {mechanism = {variant = weight, ...}} (theory weights)

Every magnitude is a ``[low, high]`` range: the engine samples it per run.
Validation here is *structural*: types, bounds, lever names, flashpoint ids,
mechanism names and the spelling of actor codes. Whether the actors exist in
a particular world is checked when the scenario is compiled against it
(:func:`flashpoint.scenarios.compile_scenario`). Lever effects outside their
sourced range (but inside their hard bounds) and parameter names that cannot
be checked yet are reported by :func:`flashpoint.scenarios.load.check_warnings`.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from flashpoint.errors import did_you_mean
from flashpoint.params import Parameter
from flashpoint.scenarios.levers import LEVERS
from flashpoint.world.flashpoints import FLASHPOINTS
from flashpoint.world.groups import EUROPE_NATO, GROUPS

__all__ = [
    "EDIT_KINDS",
    "INSTITUTIONS",
    "MECHANISM_NAMES",
    "SHOCK_KINDS",
    "CommitmentEdit",
    "Edit",
    "LeverUse",
    "Mechanisms",
    "Meta",
    "Override",
    "PartnershipEdit",
    "PresenceEdit",
    "RelationEdit",
    "Scenario",
    "ShockSpec",
    "SignalEdit",
    "SourceRef",
    "SpendingEdit",
    "TradeEdit",
    "known_actor_codes",
]

MECHANISM_NAMES: tuple[str, ...] = (
    "threat", "burden_shifting", "credibility", "arms", "security_dilemma",
    "alignment", "interdependence", "reassurance", "deterrence", "economy",
    "signal_reading",
)
"""The engine's mechanisms in step order (docs/architecture.md)."""

INSTITUTIONS: dict[str, tuple[str, ...]] = {
    # North Atlantic Treaty members as of 2024 (nato.int, "NATO member countries").
    "NATO": ("USA", "CAN", *EUROPE_NATO),
    # EU-27 (european-union.europa.eu, "EU countries").
    "EU": (
        "AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC",
        "HUN", "IRL", "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK",
        "SVN", "ESP", "SWE",
    ),
    "IP4": GROUPS["ip4"],
    # ASEAN member states (asean.org).
    "ASEAN": ("BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "VNM"),
    "QUAD": ("USA", "JPN", "IND", "AUS"),
    "AUKUS": ("AUS", "GBR", "USA"),
}
"""Fallback memberships of institutions, used when a world has no membership mask for them."""

# States the sources and DESIGN.md name that are in no group above.
_NAMED = ("UKR", "TWN", "ARE", "CAN", "USA", "CHN", "RUS", "PRK")
_ISO3 = re.compile(r"^[A-Z]{3}$")


@functools.cache
def known_actor_codes() -> frozenset[str]:
    """ISO3 codes a scenario may name without a world at hand.

    The union of the analysts' groups, the institutions' fallback memberships,
    the flashpoints' actors, the states the sources name, the default world's
    actors (:data:`flashpoint.world.DEFAULT_ACTORS`) and - when
    :mod:`flashpoint.world` exposes ``actor_codes()`` - every code of the
    sourced world tables.
    """
    codes: set[str] = set(_NAMED)
    for members in (*GROUPS.values(), *INSTITUTIONS.values()):
        codes.update(members)
    for fp in FLASHPOINTS:
        codes.add(fp.challenger)
        codes.update(fp.targets)
    import flashpoint.world as world_pkg

    codes.update(getattr(world_pkg, "DEFAULT_ACTORS", ()))
    extra = getattr(world_pkg, "actor_codes", None)
    if callable(extra):
        codes.update(str(c).upper() for c in extra())
    return frozenset(codes)


def group_tokens() -> tuple[str, ...]:
    """Names that stand for groups of actors: institutions and analysts' groups."""
    return (*INSTITUTIONS, *GROUPS)


def _check_actor(token: str) -> str:
    if token in INSTITUTIONS or token in GROUPS:
        return token
    if _ISO3.match(token):
        known = known_actor_codes()
        if token in known:
            return token
        hint = did_you_mean(token, sorted(known))
        raise ValueError(f"unknown actor {token!r}.{hint}")
    hint = did_you_mean(token, [*group_tokens(), *sorted(known_actor_codes())])
    raise ValueError(
        f"{token!r} is neither an ISO3 code (three capital letters) nor a group "
        f"({', '.join(group_tokens())}).{hint}"
    )


def _ordered(pair: tuple[float, float]) -> tuple[float, float]:
    lo, hi = pair
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError(f"range bounds must be finite. Got [{lo}, {hi}] instead.")
    if lo > hi:
        raise ValueError(f"range must be [low, high] with low <= high. Got [{lo}, {hi}] instead.")
    return (float(lo), float(hi))


def _nonempty(actors: tuple[str, ...]) -> tuple[str, ...]:
    if not actors:
        raise ValueError("at least one actor is required.")
    return actors


def _check_flashpoint(fp: str) -> str:
    ids = [f.id for f in FLASHPOINTS]
    if fp not in ids:
        hint = did_you_mean(fp, ids)
        raise ValueError(f"unknown flashpoint {fp!r}; expected one of {', '.join(ids)}.{hint}")
    return fp


Actor = Annotated[str, AfterValidator(_check_actor)]
Actors = Annotated[tuple[Actor, ...], AfterValidator(_nonempty)]
RangePair = Annotated[tuple[float, float], AfterValidator(_ordered)]
FlashpointId = Annotated[str, AfterValidator(_check_flashpoint)]
Years = Annotated[float, Field(ge=0.0, le=200.0)]


def _bounded(lo: float, hi: float, note: str = "") -> Callable[[tuple[float, float]], tuple[float, float]]:
    def check(pair: tuple[float, float]) -> tuple[float, float]:
        _within(pair, lo, hi, what="range", note=note)
        return pair

    return check


Bounded01 = Annotated[RangePair, AfterValidator(_bounded(0.0, 1.0))]


def _parameters() -> dict[str, Parameter]:
    from flashpoint.engine.context import all_parameters

    return {p.name: p for p in all_parameters()}

_CONFIG = ConfigDict(extra="forbid", frozen=True, strict=True)


def _within(pair: tuple[float, float], lo: float, hi: float, what: str, note: str = "") -> None:
    if pair[0] < lo or pair[1] > hi:
        extra = f" ({note})" if note else ""
        raise ValueError(
            f"{what} must lie within [{lo}, {hi}]{extra}. Got [{pair[0]}, {pair[1]}] instead."
        )


class SourceRef(BaseModel):
    """A passage of a seed article: file name and an exact short quote."""

    model_config = _CONFIG

    seed: Annotated[str, Field(pattern=r"^\d{3}_[0-9a-f]{16}\.txt$")]
    quote: Annotated[str, Field(min_length=8, max_length=400)]


class Meta(BaseModel):
    """The ``[scenario]`` table."""

    model_config = _CONFIG

    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
    title: Annotated[str, Field(min_length=1, max_length=200)]
    description: str = ""
    sources: tuple[SourceRef, ...] = ()


class LeverUse(BaseModel):
    """A ``[[lever]]`` entry: a lever of the library, when, and optionally its effect range."""

    model_config = _CONFIG

    lever: str
    start: Years | None = None
    effect: RangePair | None = None

    @field_validator("lever")
    @classmethod
    def _known(cls, name: str) -> str:
        if name not in LEVERS:
            hint = did_you_mean(name, LEVERS)
            raise ValueError(
                f"unknown lever {name!r}.{hint} "
                "Run 'flashpoint scenario list --levers' to see the library."
            )
        return name

    @field_validator("effect")
    @classmethod
    def _bounded(
        cls, effect: tuple[float, float] | None, info: ValidationInfo
    ) -> tuple[float, float] | None:
        name = info.data.get("lever")
        if effect is not None and name in LEVERS:
            lever = LEVERS[name]
            _within(effect, *lever.bounds, what=f"effect of lever {name!r} ({lever.unit})")
        return effect


SHOCK_KINDS = (
    "crisis", "blockade", "war", "retrenchment", "coercion", "escalation", "korean_contingency",
)


class ShockSpec(BaseModel):
    """A ``[[shock]]`` entry: a timed event.

    ``crisis``, ``blockade`` and ``war`` need a ``flashpoint``;
    ``retrenchment`` takes none (it withdraws a share ``magnitude`` of US
    forces from Europe); ``korean_contingency`` is a crisis at
    ``korean_peninsula``. ``coercion`` cuts a share ``magnitude`` of the
    trade of ``by`` (default CHN) with ``target`` (trade multiplied by
    ``1 - magnitude``) and raises their tension by ``tension`` (default
    0.10-0.20); ``escalation`` raises the tension of ``by`` (default RUS)
    with ``target`` (default NATO) by ``tension`` (default 0.10-0.30) and starts a crisis of
    intensity ``magnitude`` at ``flashpoint`` (default baltic).
    """

    model_config = _CONFIG

    kind: Literal[
        "crisis", "blockade", "war", "retrenchment", "coercion", "escalation",
        "korean_contingency",
    ]
    at: Years
    flashpoint: FlashpointId | None = Field(default=None, validate_default=True)
    magnitude: Bounded01 = (1.0, 1.0)
    duration: Annotated[float, Field(gt=0.0, le=50.0)] = 1.0
    by: Actors | None = Field(default=None, validate_default=True)
    target: Actors | None = Field(default=None, validate_default=True)
    tension: Annotated[RangePair, AfterValidator(_bounded(-1.0, 1.0))] | None = Field(
        default=None, validate_default=True
    )

    @field_validator("flashpoint")
    @classmethod
    def _flashpoint(cls, fp: str | None, info: ValidationInfo) -> str | None:
        kind = info.data.get("kind")
        if kind in ("crisis", "blockade", "war") and fp is None:
            raise ValueError(f"a {kind!r} shock needs a 'flashpoint'.")
        if kind in ("retrenchment", "korean_contingency", "coercion") and fp is not None:
            raise ValueError(f"a {kind!r} shock takes no 'flashpoint'. Got {fp!r} instead.")
        return fp

    @field_validator("by", "target", "tension")
    @classmethod
    def _composite_only(cls, value: object, info: ValidationInfo) -> object:
        kind = info.data.get("kind")
        if kind is None:
            return value
        if info.field_name == "target" and kind == "coercion" and value is None:
            raise ValueError("a 'coercion' shock needs a 'target' (the coerced actors).")
        if value is not None and kind not in ("coercion", "escalation"):
            raise ValueError(
                f"{info.field_name!r} applies to coercion and escalation shocks, not {kind!r}."
            )
        return value


class Override(BaseModel):
    """An ``[[override]]`` entry: replace a model parameter's prior range."""

    model_config = _CONFIG

    parameter: Annotated[str, Field(pattern=r"^[a-z_]+\.[a-z0-9_]+$")]
    range: RangePair

    @field_validator("parameter")
    @classmethod
    def _registered(cls, name: str) -> str:
        mech = name.split(".", 1)[0]
        if mech not in MECHANISM_NAMES:
            hint = did_you_mean(mech, MECHANISM_NAMES)
            raise ValueError(f"parameter {name!r} names no mechanism ({mech!r}).{hint}")
        params = _parameters()
        registered = {p.split(".", 1)[0] for p in params}
        if mech in registered and name not in params:
            hint = did_you_mean(name, params)
            raise ValueError(f"unknown parameter {name!r}.{hint}")
        return name

    @field_validator("range")
    @classmethod
    def _in_prior_bounds(cls, rng: tuple[float, float], info: ValidationInfo) -> tuple[float, float]:
        p = _parameters().get(info.data.get("parameter", ""))
        if p is not None:
            _within(rng, p.low, p.high, what=f"range of parameter {p.name!r} ({p.unit})")
        return rng


class _EditBase(BaseModel):
    model_config = _CONFIG


class CommitmentEdit(_EditBase):
    """``kind = "commitment"``: ``source`` commits to defend ``target`` (strength in [0, 1])."""

    kind: Literal["commitment"]
    source: Actors
    target: Actors
    strength: Bounded01
    mutual: bool = False
    mode: Literal["max", "scale"] = "max"
    start: Years = 0.0



class PartnershipEdit(_EditBase):
    """``kind = "partnership"``: a mutual partial commitment, at most 0.5 (not Article 5)."""

    kind: Literal["partnership"]
    source: Actors
    target: Actors
    strength: Annotated[RangePair, AfterValidator(_bounded(0.0, 0.5, "use kind = 'commitment' above 0.5"))] = (0.2, 0.5)
    mutual: bool = True
    start: Years = 0.0



class SpendingEdit(_EditBase):
    """``kind = "spending"``: a floor on military spending as a share of GDP."""

    kind: Literal["spending"]
    actors: Actors
    # rationale: 0.4 of GDP is above any state's share in SIPRI's 2023 data except a
    # state at total war; beyond it the floor is not a policy lever.
    share: Annotated[RangePair, AfterValidator(_bounded(0.0, 0.4))]
    ramp: Annotated[float, Field(ge=0.0, le=30.0)] = 3.0
    start: Years = 0.0



class TradeEdit(_EditBase):
    """``kind = "trade"``: multiply the trade between ``a`` and ``b`` (both ways)."""

    kind: Literal["trade"]
    a: Actors
    b: Actors
    multiplier: Annotated[RangePair, AfterValidator(_bounded(0.0, 5.0))]
    start: Years = 0.0



class RelationEdit(_EditBase):
    """``kind = "relation"``: add ``delta`` to alignment, tension or intent at time ``at``."""

    kind: Literal["relation"]
    field: Literal["alignment", "tension", "intent"]
    source: Actors
    target: Actors
    delta: Annotated[RangePair, AfterValidator(_bounded(-1.0, 1.0))]
    at: Years = 0.0
    symmetric: bool = True



class PresenceEdit(_EditBase):
    """``kind = "presence"``: deploy a share of forces out of area, visibly at flashpoints."""

    kind: Literal["presence"]
    actors: Actors
    theatre: Literal["euro_atlantic", "indo_pacific"]
    level: Bounded01
    flashpoints: tuple[FlashpointId, ...] = ()
    visibility: Bounded01 = (0.0, 0.0)
    start: Years = 0.0



class SignalEdit(_EditBase):
    """``kind = "signal"``: a reassurance signal of yearly cost in [0, 1]."""

    kind: Literal["signal"]
    source: Actors
    target: Actors
    cost: Bounded01
    start: Years = 0.0
    end: Years | None = None

    @field_validator("end")
    @classmethod
    def _after_start(cls, end: float | None, info: ValidationInfo) -> float | None:
        start = info.data.get("start", 0.0)
        if end is not None and end < start:
            raise ValueError(f"end must not precede start ({start}). Got {end} instead.")
        return end



Edit = Annotated[
    CommitmentEdit | PartnershipEdit | SpendingEdit | TradeEdit | RelationEdit | PresenceEdit
    | SignalEdit,
    Field(discriminator="kind"),
]
EDIT_KINDS = ("commitment", "partnership", "spending", "trade", "relation", "presence", "signal")


class Mechanisms(BaseModel):
    """The ``[mechanisms]`` table: switch mechanisms off, choose rival variants."""

    model_config = _CONFIG

    disable: tuple[str, ...] = ()
    variants: dict[str, str] = Field(default_factory=dict)
    weights: dict[str, dict[str, float]] = Field(default_factory=dict)

    @field_validator("disable")
    @classmethod
    def _known_names(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        for name in names:
            _check_mechanism(name)
        return names

    @field_validator("variants")
    @classmethod
    def _known_variants(cls, variants: dict[str, str]) -> dict[str, str]:
        from flashpoint.mechanisms import REGISTRY

        for name, variant in variants.items():
            _check_mechanism(name)
            if name in REGISTRY and variant not in REGISTRY[name].variants:
                options = REGISTRY[name].variants
                raise ValueError(
                    f"mechanism {name!r} has no variant {variant!r}; expected one of "
                    f"{', '.join(options)}."
                )
        return variants


    @field_validator("weights")
    @classmethod
    def _valid_weights(cls, weights: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        from flashpoint.errors import FlashpointError
        from flashpoint.theories import THEORIES, check_weights, factor_of

        for name, w in weights.items():
            _check_mechanism(name)
            theory = THEORIES.get(factor_of(name))
            if theory is None:
                raise ValueError(f"mechanism {name!r} has no sampled theories; expected one of "
                                 f"{', '.join(THEORIES)}.")
            try:
                check_weights(name, w, theory.variants, where="theory weights")
            except FlashpointError as err:
                raise ValueError(str(err).split(": ", 2)[-1]) from None
        return weights


def _check_mechanism(name: str) -> None:
    if name not in MECHANISM_NAMES:
        hint = did_you_mean(name, MECHANISM_NAMES)
        raise ValueError(
            f"unknown mechanism {name!r}; expected one of {', '.join(MECHANISM_NAMES)}.{hint}"
        )


class Scenario(BaseModel):
    """A whole scenario file. Field names are the TOML table names."""

    model_config = _CONFIG

    scenario: Meta
    lever: tuple[LeverUse, ...] = ()
    shock: tuple[ShockSpec, ...] = ()
    override: tuple[Override, ...] = ()
    edit: tuple[Edit, ...] = ()
    mechanisms: Mechanisms = Field(default_factory=Mechanisms)

    @property
    def name(self) -> str:
        """The scenario's name."""
        return self.scenario.name

    @model_validator(mode="after")
    def _unique_overrides(self) -> Scenario:
        seen: set[str] = set()
        for o in self.override:
            if o.parameter in seen:
                raise ValueError(f"parameter {o.parameter!r} is overridden twice.")
            seen.add(o.parameter)
        return self
