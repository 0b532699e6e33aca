"""The claim: a published statement about the system, as a testable hypothesis.

A claim names a metric of the ensemble result (docs/architecture.md, "The
result"), where to read it (the selector), how to summarise each run over
the horizon (the statistic), the scenario it is about and the baseline it is
compared with, and the direction the claim says the metric moves:

* ``increase`` / ``decrease``: the scenario's statistic exceeds (falls short
  of) the baseline's by more than ``threshold``;
* ``no_increase`` / ``no_decrease``: the scenario's statistic does not exceed
  (fall short of) the baseline's by more than ``threshold`` ("European ships
  are unlikely to have much deterrent effect");
* ``above`` / ``below``: the scenario's statistic lies above (below) the
  absolute level ``threshold``; the baseline is not used.

With ``scale = "relative"`` the comparison uses the relative difference
``(scenario - baseline) / |baseline|`` instead of the difference.

Claims are frozen pydantic models; unknown fields are rejected and every
failure is re-raised by :func:`flashpoint.claims.load_claims` as a
:class:`~flashpoint.errors.ClaimError` naming the file, the claim and the
field.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from flashpoint.world.flashpoints import FLASHPOINTS

__all__ = [
    "METRICS",
    "REGIONS",
    "RELATIVE_DIRECTIONS",
    "SCENARIOS",
    "Claim",
    "Direction",
    "Selector",
    "Side",
    "Source",
    "Statistic",
]

Side = Literal["sceptic", "proponent"]
Statistic = Literal["final", "mean", "max", "min"]
Direction = Literal["increase", "decrease", "no_increase", "no_decrease", "above", "below"]

#: Directions that compare the scenario with the baseline run by run.
RELATIVE_DIRECTIONS: frozenset[str] = frozenset(
    {"increase", "decrease", "no_increase", "no_decrease"}
)

#: Metric name -> the dimensions besides ``(run, time)`` that the selector must fix.
#: The names and dimensions are those of docs/architecture.md ("The result").
METRICS: dict[str, tuple[str, ...]] = {
    # state variables
    "milex": ("actor",),
    "gdp": ("actor",),
    "alignment": ("actor", "counterpart"),
    "tension": ("actor", "counterpart"),
    "intent": ("actor", "counterpart"),
    "crisis": ("flashpoint",),
    "war": ("flashpoint",),
    "blockade": ("flashpoint",),
    "gdp_loss": ("actor",),
    "warheads": ("actor",),
    # derived metrics
    "arms_race_index": ("region",),
    "milex_growth": ("actor",),
    "cohesion_chn_rus": (),
    "cohesion_chn_prk": (),
    "cohesion_rus_prk": (),
    "axis_cohesion": (),
    "nato_cohesion": (),
    "hedger_tilt": ("actor",),
    "hedger_alignment": (),
    "credibility": ("flashpoint",),
    "crisis_hazard": ("flashpoint",),
    "war_hazard": ("flashpoint",),
    "war_risk": ("flashpoint",),
    "tension_china_west": (),
    "tension_indo_pacific": (),
    "european_security": (),
    "us_asia_share": (),
    "gdp_loss_world": (),
    "gdp_loss_expected": (),
    "frustration": (),
    "axis_support": (),
}

REGIONS: tuple[str, ...] = ("euro_atlantic", "indo_pacific")

#: The shipped scenario catalogue (issue 5, DESIGN.md section 2). A claim may
#: name any scenario; the shipped claims are checked against this list.
SCENARIOS: tuple[str, ...] = (
    "status_quo", "tokyo_liaison_office", "nato_ip4_partnership", "asian_members",
    "european_naval_deployments", "technical_cooperation", "europe_shoulders_defence",
    "eu_economic_track", "reassurance_diplomacy", "south_korea_arms_ukraine",
    "taiwan_crisis", "taiwan_blockade", "taiwan_invasion", "korean_contingency",
    "us_retrenchment", "chinese_coercion", "russian_escalation",
)

_FLASHPOINT_IDS = tuple(fp.id for fp in FLASHPOINTS)
_SNAKE = r"^[a-z][a-z0-9_]*$"
_SEED = r"^\d{3}_[0-9a-f]{16}\.txt$"
_ISO3 = r"^[A-Z]{3}$"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Source(_Frozen):
    """Where a claim is made: the seed article's file name and an exact short quote."""

    seed: str = Field(pattern=_SEED, description="seed file name, e.g. 000_e88f8b8d614da2d5.txt")
    quote: str = Field(min_length=8, max_length=400, description="verbatim words of the article")


Label = str | tuple[str, ...]


class Selector(_Frozen):
    """Labels that fix the metric's non-``(run, time)`` dimensions.

    A value may be one label or a list of labels; a list is averaged over
    (e.g. the credibility of the four Indo-Pacific flashpoints).
    """

    flashpoint: Label | None = None
    region: Label | None = None
    actor: Label | None = None
    counterpart: Label | None = None

    @field_validator("flashpoint", "region", "actor", "counterpart", mode="before")
    @classmethod
    def _lists_to_tuples(cls, value: object) -> object:
        return tuple(value) if isinstance(value, list) else value

    @field_validator("flashpoint")
    @classmethod
    def _known_flashpoint(cls, value: Label | None) -> Label | None:
        return _check_labels(value, _FLASHPOINT_IDS, "flashpoint")

    @field_validator("region")
    @classmethod
    def _known_region(cls, value: Label | None) -> Label | None:
        return _check_labels(value, REGIONS, "region")

    @field_validator("actor", "counterpart")
    @classmethod
    def _iso3(cls, value: Label | None) -> Label | None:
        for code in _as_tuple(value):
            if len(code) != 3 or not code.isascii() or not code.isalpha() or not code.isupper():
                raise ValueError(f"expected an ISO3 code such as 'CHN'. Got {code!r} instead.")
        return value

    def dims(self) -> tuple[str, ...]:
        """The dimensions this selector fixes, in a stable order."""
        return tuple(d for d in ("flashpoint", "region", "actor", "counterpart")
                     if getattr(self, d) is not None)

    def items(self) -> tuple[tuple[str, Label], ...]:
        """``(dimension, label or labels)`` pairs for the fixed dimensions."""
        return tuple((d, getattr(self, d)) for d in self.dims())


def _as_tuple(value: Label | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else value


def _check_labels(value: Label | None, known: tuple[str, ...], what: str) -> Label | None:
    labels = _as_tuple(value)
    if value is not None and not labels:
        raise ValueError(f"expected at least one {what}. Got an empty list instead.")
    for label in labels:
        if label not in known:
            raise ValueError(f"expected a {what} in {list(known)}. Got {label!r} instead.")
    return value


class Claim(_Frozen):
    """One claim of the articles or of the proponents they quote.

    Parameters
    ----------
    id
        Unique snake_case identifier.
    paraphrase
        One line saying what the claim asserts, in model terms.
    side
        ``"sceptic"`` (the articles' authors, against NATO in Asia) or
        ``"proponent"`` (those they quote: Stoltenberg, Sullivan, Kishida,
        Simón, Stavridis, the reader's comment in seed 000, ...).
    source
        Seed file and an exact quote.
    metric
        A name from :data:`METRICS`.
    selector
        Labels fixing the metric's extra dimensions (exactly those in :data:`METRICS`).
    statistic
        How a run is summarised over ``[0, horizon]``: the ``final`` value at the
        horizon, or the ``mean``, ``max`` or ``min`` over the horizon.
    direction
        See the module docstring.
    threshold
        Minimum effect that counts (relative directions, ``>= 0``, in the
        metric's unit or as a fraction when ``scale = "relative"``), or the
        absolute level (``above`` / ``below``).
    scale
        ``"absolute"`` difference or ``"relative"`` difference to the baseline.
    horizon
        Years from the start of the run.
    scenario, baseline
        Scenario names (catalogue names, :data:`SCENARIOS`); the baseline is
        ignored by ``above`` / ``below``.
    note
        Why the claim is encoded this way (choice of metric, threshold).
    """

    id: str = Field(pattern=_SNAKE, max_length=64)
    paraphrase: str = Field(min_length=10, max_length=240)
    side: Side
    source: Source
    metric: str
    selector: Selector = Selector()
    statistic: Statistic = "final"
    direction: Direction
    threshold: float = 0.0
    scale: Literal["absolute", "relative"] = "absolute"
    horizon: int = Field(default=10, ge=1, le=100)
    scenario: str = Field(pattern=_SNAKE)
    baseline: str = Field(default="status_quo", pattern=_SNAKE)
    note: str = ""

    @field_validator("paraphrase")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if "\n" in value:
            raise ValueError("expected a single line. Got a line break instead.")
        return value

    @field_validator("metric")
    @classmethod
    def _known_metric(cls, value: str) -> str:
        if value not in METRICS:
            raise ValueError(f"expected one of {sorted(METRICS)}. Got {value!r} instead.")
        return value

    @field_validator("threshold")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError(f"expected a finite number. Got {value!r} instead.")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Claim:
        wanted = METRICS[self.metric]
        got = self.selector.dims()
        if set(got) != set(wanted):
            raise ValueError(
                f"selector: metric {self.metric!r} needs exactly {list(wanted) or 'no'} "
                f"selector field(s). Got {list(got) or 'none'} instead."
            )
        if self.is_relative:
            if self.threshold < 0:
                raise ValueError(
                    f"threshold: a minimum effect size must be >= 0. Got {self.threshold!r} instead."
                )
            if self.scenario == self.baseline:
                raise ValueError(
                    f"baseline: must differ from the scenario for direction {self.direction!r}. "
                    f"Got {self.baseline!r} for both instead."
                )
        elif self.scale != "absolute":
            raise ValueError(
                f"scale: direction {self.direction!r} compares with an absolute level, so scale "
                f"must be 'absolute'. Got {self.scale!r} instead."
            )
        return self

    @property
    def is_relative(self) -> bool:
        """Whether the claim compares the scenario with the baseline."""
        return self.direction in RELATIVE_DIRECTIONS

    def describe(self) -> str:
        """A compact model-terms statement, e.g. ``cohesion_chn_rus final ↑ vs status_quo``."""
        sel = ", ".join(
            f"{d}={v if isinstance(v, str) else '+'.join(v)}" for d, v in self.selector.items()
        )
        metric = f"{self.metric}[{sel}]" if sel else self.metric
        arrows = {"increase": "↑", "decrease": "↓", "no_increase": "not ↑",
                  "no_decrease": "not ↓", "above": ">", "below": "<"}
        thr = f" by > {self.threshold:g}" if self.threshold and self.is_relative else ""
        if self.direction in ("no_increase", "no_decrease"):
            thr = f" by > {self.threshold:g}" if self.threshold else ""
        rel = " (relative)" if self.scale == "relative" else ""
        head = f"{metric} {self.statistic}@{self.horizon}y under {self.scenario}"
        if self.is_relative:
            return f"{head}: {arrows[self.direction]}{thr}{rel} vs {self.baseline}"
        return f"{head}: {arrows[self.direction]} {self.threshold:g}"
