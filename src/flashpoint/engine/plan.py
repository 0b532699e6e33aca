"""A compiled scenario: the engine-level interventions a scenario file becomes.

Scenario files (TOML, :mod:`flashpoint.scenarios`) name policy levers and
shocks in the articles' vocabulary; they compile to the primitives below,
which the engine applies. Every magnitude is a :class:`Range`: a lever's
effect is itself uncertain and is sampled per run (uniformly, by the same
space-filling design as the model parameters), never a single number.

Times are in years from the start of the simulation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from flashpoint.errors import ParameterError

__all__ = [
    "Commitment",
    "ParamOverride",
    "Plan",
    "Presence",
    "Range",
    "RelationShock",
    "Shock",
    "Signal",
    "SpendingFloor",
    "Tie",
    "TradeChange",
]


@dataclass(frozen=True, slots=True)
class Range:
    """An uncertain magnitude, sampled uniformly on [low, high] per run."""

    low: float
    high: float

    def __post_init__(self) -> None:
        if self.low > self.high:
            raise ParameterError(f"range low {self.low} > high {self.high}.")

    @classmethod
    def fixed(cls, value: float) -> Range:
        """A degenerate range."""
        return cls(value, value)


#: Frozen, so safe as dataclass defaults.
NONE = Range(0.0, 0.0)
FULL = Range(1.0, 1.0)


@dataclass(frozen=True, slots=True)
class Commitment:
    """``source`` actors commit to defend ``target`` actors with a strength in [0, 1].

    ``mode="max"`` raises existing commitments to at least ``strength``;
    ``mode="scale"`` multiplies existing ones (e.g. 0.5 halves them).
    """

    source: tuple[str, ...]
    target: tuple[str, ...]
    strength: Range
    start: float = 0.0
    mode: Literal["max", "scale"] = "max"


@dataclass(frozen=True, slots=True)
class Presence:
    """``actors`` deploy a share ``level`` of their forces to ``theatre``.

    ``flashpoints`` lists flashpoints where the presence is visible
    (symbolic patrols); ``visibility`` is how provocative it is there.
    """

    actors: tuple[str, ...]
    theatre: Literal["euro_atlantic", "indo_pacific"]
    level: Range
    flashpoints: tuple[str, ...] = ()
    visibility: Range = NONE
    start: float = 0.0


@dataclass(frozen=True, slots=True)
class TradeChange:
    """Trade between groups ``a`` and ``b`` is multiplied by ``multiplier`` (both ways)."""

    a: tuple[str, ...]
    b: tuple[str, ...]
    multiplier: Range
    start: float = 0.0


@dataclass(frozen=True, slots=True)
class Signal:
    """``source`` sends ``target`` a reassurance signal of cost ``cost`` per year."""

    source: tuple[str, ...]
    target: tuple[str, ...]
    cost: Range
    start: float = 0.0
    end: float = float("inf")


@dataclass(frozen=True, slots=True)
class SpendingFloor:
    """``actors`` raise military spending to at least ``share`` of GDP, ramped over ``ramp`` years."""

    actors: tuple[str, ...]
    share: Range
    start: float = 0.0
    ramp: float = 3.0


@dataclass(frozen=True, slots=True)
class Shock:
    """A timed event at a flashpoint, or a US retrenchment from Europe.

    kind ``crisis`` sets the flashpoint's crisis intensity to ``magnitude``;
    ``blockade`` starts a blockade of tightness ``magnitude`` (1 = complete)
    lasting ``duration`` years, a crisis at least that intense; ``war`` starts
    a war; ``retrenchment`` withdraws a share ``magnitude`` of US forces from
    Europe from ``at`` on.
    """

    kind: Literal["crisis", "blockade", "war", "retrenchment"]
    at: float
    magnitude: Range = FULL
    flashpoint: str | None = None
    duration: float = 1.0


@dataclass(frozen=True, slots=True)
class RelationShock:
    """At ``at``, add ``delta`` to ``field`` for every (source, target) pair.

    ``symmetric`` applies it both ways (alignment and tension are symmetric
    fields and are always applied both ways).
    """

    field: Literal["alignment", "tension", "intent"]
    source: tuple[str, ...]
    target: tuple[str, ...]
    delta: Range
    at: float = 0.0
    symmetric: bool = True


@dataclass(frozen=True, slots=True)
class Tie:
    """An institutional tie between ``a`` and ``b`` (both ways), from ``start`` on.

    ``visibility`` is how public and formal it is ([0, 1]: an office or a summit
    partnership is visible, discreet technical cooperation is not);
    ``capability`` the military capability it adds to the partners' side
    ([0, 1]: interoperability, intelligence sharing, integrated planning).
    A tie carries no defence obligation: that is a :class:`Commitment`.
    Mechanisms read ties as signals (:mod:`flashpoint.mechanisms.signal_reading`).
    """

    a: tuple[str, ...]
    b: tuple[str, ...]
    visibility: Range
    capability: Range = NONE
    start: float = 0.0


@dataclass(frozen=True, slots=True)
class ParamOverride:
    """Replace a model parameter's prior range with ``[low, high]``."""

    name: str
    value: Range


@dataclass(frozen=True)
class Plan:
    """All interventions of one scenario, plus mechanism switches and variants."""

    name: str = "baseline"
    commitments: tuple[Commitment, ...] = ()
    presences: tuple[Presence, ...] = ()
    trade: tuple[TradeChange, ...] = ()
    signals: tuple[Signal, ...] = ()
    spending_floors: tuple[SpendingFloor, ...] = ()
    shocks: tuple[Shock, ...] = ()
    relation_shocks: tuple[RelationShock, ...] = ()
    overrides: tuple[ParamOverride, ...] = ()
    disabled: tuple[str, ...] = ()
    variants: dict[str, str] = field(default_factory=dict)
    ties: tuple[Tie, ...] = ()
    theory_weights: dict[str, dict[str, float]] = field(default_factory=dict)
