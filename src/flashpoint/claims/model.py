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

Materiality. For the four relative directions ``threshold`` is the claim's
*materiality band*, the half-width of its region of practical equivalence
(Kruschke 2018): an effect inside ``[-threshold, +threshold]`` is "no
material effect". It is given in the display unit of a change of the metric
(``threshold_unit``, which must equal the registry's ``change_unit``, e.g.
``"pp"`` for a war risk, or ``"%"`` with ``scale = "relative"``), with its
``threshold_source``: a literature definition or a rationale tied to the
claim's words. Without ``threshold`` a claim inherits the registry's
materiality (:mod:`flashpoint.metrics`) and its source. A band of 0 counts
any effect in the stated direction, however small, and needs a ``waiver``
giving the reason. For ``above`` / ``below`` the threshold is a level in the
metric's display unit of a level (``threshold_unit``).

Claims are frozen pydantic models; unknown fields are rejected and every
failure is re-raised by :func:`flashpoint.claims.load_claims` as a
:class:`~flashpoint.errors.ClaimError` naming the file, the claim and the
field.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from flashpoint.metrics import METRICS as _REGISTRY
from flashpoint.metrics import MetricSpec
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

#: Metric name -> the dimensions besides ``(run, time)`` that the selector must fix,
#: read from the metric registry (:data:`flashpoint.metrics.METRICS`).
METRICS: dict[str, tuple[str, ...]] = {name: spec.dims for name, spec in _REGISTRY.items()}

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
        The materiality band (relative directions, ``>= 0``, in
        ``threshold_unit``), or the absolute level (``above`` / ``below``).
        ``None``: the registry's materiality of the metric.
    threshold_unit
        The unit ``threshold`` is given in; required with ``threshold``.
    threshold_source
        Where the band comes from (literature or rationale); required with ``threshold``.
    waiver
        Why a directional claim may count any effect (band 0): a reason, in words.
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
    threshold: float | None = None
    threshold_unit: str | None = None
    threshold_source: str = ""
    waiver: str | None = None
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

    @field_validator("threshold", mode="before")
    @classmethod
    def _finite(cls, value: object) -> object:
        if isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if isinstance(value, float) and not math.isfinite(value):
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
        spec = self.spec
        if self.threshold is not None:
            expected = self.expected_unit
            if self.threshold_unit is None:
                raise ValueError(
                    f"threshold_unit: required with threshold; metric {self.metric!r} takes "
                    f"{'a band' if self.is_relative else 'a level'} in {expected!r}. "
                    "Got none instead."
                )
            if self.threshold_unit != expected:
                raise ValueError(
                    f"threshold_unit: metric {self.metric!r} takes "
                    f"{'a band' if self.is_relative else 'a level'} in {expected!r} "
                    f"({spec.label}: {spec.unit}). Got {self.threshold_unit!r} instead."
                )
            if not self.threshold_source.strip():
                raise ValueError(
                    "threshold_source: required with threshold: the literature definition or "
                    "the rationale of the band. Got none instead."
                )
        elif self.threshold_unit is not None:
            raise ValueError(
                f"threshold_unit: given without a threshold. Got {self.threshold_unit!r} instead."
            )
        if self.waiver is not None and len(self.waiver.strip()) < 20:
            raise ValueError(
                "waiver: needs the reason a band of 0 is right for this claim, in words "
                f"(at least 20 characters). Got {self.waiver!r} instead."
            )
        if self.is_relative:
            if self.threshold is None and self.scale == "relative":
                raise ValueError(
                    "threshold: a claim on the relative scale needs its own band in '%'. "
                    "Got none instead."
                )
            band = self.threshold if self.threshold is not None else spec.materiality_display()
            if band < 0:
                raise ValueError(
                    f"threshold: a materiality band must be >= 0. Got {band!r} instead."
                )
            span = 100.0 if self.scale == "relative" else spec.span() * spec.factor
            if band > span:
                raise ValueError(
                    f"threshold: a band of {band:g} {self.expected_unit} exceeds the whole range "
                    f"of {self.metric!r} ({span:g} {self.expected_unit}); is it in the wrong unit? "
                    f"Got {band!r} instead."
                )
            if band == 0 and self.direction in ("increase", "decrease") and self.waiver is None:
                raise ValueError(
                    "threshold: a band of 0 counts any effect in the stated direction, however "
                    "small; give a band with its threshold_source, or a waiver saying why. "
                    "Got 0 and no waiver instead."
                )
            if self.scenario == self.baseline:
                raise ValueError(
                    f"baseline: must differ from the scenario for direction {self.direction!r}. "
                    f"Got {self.baseline!r} for both instead."
                )
        else:
            if self.scale != "absolute":
                raise ValueError(
                    f"scale: direction {self.direction!r} compares with an absolute level, so "
                    f"scale must be 'absolute'. Got {self.scale!r} instead."
                )
            if self.threshold is None:
                raise ValueError(
                    f"threshold: direction {self.direction!r} needs the level, in "
                    f"{self.expected_unit!r}. Got none instead."
                )
        return self

    @property
    def spec(self) -> MetricSpec:
        """The registry entry of the claim's metric."""
        return _REGISTRY[self.metric]

    @property
    def expected_unit(self) -> str:
        """The unit ``threshold`` must be given in."""
        if not self.is_relative:
            return self.spec.level_unit
        return "%" if self.scale == "relative" else self.spec.change_unit

    @property
    def band(self) -> float:
        """The materiality band in the unit of the per-run difference (raw unit of the
        result, or a fraction for ``scale = "relative"``); 0 for ``above`` / ``below``."""
        if not self.is_relative:
            return 0.0
        if self.threshold is None:
            return self.spec.materiality
        return self.threshold / (100.0 if self.scale == "relative" else self.spec.factor)

    @property
    def band_display(self) -> float:
        """The band in ``expected_unit``."""
        if not self.is_relative:
            return 0.0
        return self.threshold if self.threshold is not None else self.spec.materiality_display()

    @property
    def band_source(self) -> str:
        """Where the band comes from: the claim's own source, or the registry's."""
        if not self.is_relative:
            return "a level, not a band: the claim states it"
        if self.threshold is not None:
            return self.threshold_source
        return f"metric registry ({self.metric}): {self.spec.materiality_source}"

    @property
    def level(self) -> float:
        """The absolute level of an ``above`` / ``below`` claim in the result's raw unit."""
        if self.is_relative or self.threshold is None:
            return math.nan
        return self.threshold / self.spec.factor

    @property
    def is_directional(self) -> bool:
        """Whether the claim asserts a change in a direction (``increase`` / ``decrease``)."""
        return self.direction in ("increase", "decrease")

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
        unit = self.expected_unit
        thr = f" by > {self.band_display:g} {unit}" if self.band_display else ""
        head = f"{metric} {self.statistic}@{self.horizon}y under {self.scenario}"
        if self.is_relative:
            return f"{head}: {arrows[self.direction]}{thr} vs {self.baseline}"
        return f"{head}: {arrows[self.direction]} {self.threshold:g} {unit}"
