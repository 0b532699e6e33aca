"""Request and response models of the web API (they make the OpenAPI document complete).

The job request embeds :class:`flashpoint.scenarios.Scenario`, the model of
the scenario files, so an inline scenario sent by the page is validated
exactly like a TOML file. The bounds on runs and years (:data:`MAX_RUNS`,
:data:`MAX_YEARS`) keep one request from tying up the server; an
application may lower them further.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from flashpoint.scenarios import Scenario

__all__ = [
    "MAX_RUNS",
    "MAX_YEARS",
    "ActorOut",
    "AttributionOut",
    "Bands",
    "ClaimOut",
    "ClaimResult",
    "EdgeOut",
    "ErrorOut",
    "InstitutionOut",
    "JobOut",
    "JobRequest",
    "LeverOut",
    "MetricOut",
    "RelationOut",
    "ResultOut",
    "ScenarioDetail",
    "ScenarioOut",
    "SourceOut",
    "StoredResult",
    "ValueOut",
    "WorldOut",
]

#: Largest ensemble one job may run (each job also runs the baseline).
MAX_RUNS = 2000
#: Longest horizon one job may simulate, in years.
MAX_YEARS = 30

_NAME = r"^[a-z][a-z0-9_]*$"


def _tuples(value: Any) -> Any:
    """JSON arrays as tuples: the scenario models are strict and expect tuples, as TOML gives."""
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: _tuples(v) for k, v in value.items()}
    return value


class ErrorOut(BaseModel):
    """An error: what went wrong, where, and what was expected."""

    detail: str


class JobRequest(BaseModel):
    """A simulation job: a catalogue scenario by name, or an inline scenario, and the run size."""

    model_config = ConfigDict(extra="forbid")

    scenario_name: str | None = Field(
        default=None, max_length=64, pattern=_NAME,
        description="Name of a catalogue scenario (GET /api/scenarios). Give this or `scenario`.")
    scenario: Scenario | None = Field(
        default=None,
        description="An inline scenario, the JSON form of a scenario TOML file "
                    "(GET /api/scenarios/schema). Give this or `scenario_name`.")
    runs: int = Field(default=200, ge=2, le=MAX_RUNS, description="Ensemble size (runs).")
    years: int = Field(default=10, ge=1, le=MAX_YEARS, description="Horizon in years.")
    seed: int = Field(default=0, ge=0, le=2**31 - 1,
                      description="Seed; the baseline is run with the same seed (common random numbers).")
    dt: float = Field(default=0.25, description="Step length in years: 0.25 (quarterly) or 1.0.",
                      json_schema_extra={"enum": [0.25, 1.0]})

    @model_validator(mode="before")
    @classmethod
    def _inline_as_tuples(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("scenario"), dict):
            from flashpoint.files import check_tree

            def refuse(where: str, reason: str) -> ValueError:
                return ValueError(f"{where}.{reason}")

            # nesting and NaN/inf checked iteratively before the recursive conversion
            check_tree(data["scenario"], "scenario", error=refuse)
            data = {**data, "scenario": _tuples(data["scenario"])}
        return data

    @field_validator("dt")
    @classmethod
    def _step(cls, dt: float) -> float:
        if dt not in (0.25, 1.0):
            raise ValueError(f"dt must be 0.25 (quarterly) or 1.0 (yearly). Got {dt} instead.")
        return dt

    @model_validator(mode="after")
    def _one_scenario(self) -> JobRequest:
        if (self.scenario_name is None) == (self.scenario is None):
            raise ValueError("give exactly one of 'scenario_name' (a catalogue name) and "
                             "'scenario' (an inline scenario).")
        return self


class JobOut(BaseModel):
    """A job's state. ``progress`` runs from 0 to 1 over the scenario and its baseline."""

    id: str
    status: Literal["queued", "running", "done", "failed", "cancelled"]
    progress: float = Field(ge=0.0, le=1.0)
    scenario: str
    runs: int
    years: int
    seed: int
    created: str
    started: str | None = None
    finished: str | None = None
    queue_position: int = 0
    error: str = ""
    result_url: str | None = None


class ValueOut(BaseModel):
    """A sourced value of an actor (unit, dataset id, year of the observation, note, range)."""

    value: float | None
    unit: str
    source: str
    year: int | None = None
    note: str = ""
    low: float | None = None
    high: float | None = None


class ActorOut(BaseModel):
    """A state of the world with every sourced value and its memberships."""

    iso3: str
    name: str
    theatre: str
    capital: str
    institutions: list[str]
    values: dict[str, ValueOut]


class InstitutionOut(BaseModel):
    """An institution or treaty with its rules and members at the world's date."""

    id: str
    name: str
    obligation: str
    scope: list[str]
    decision_rule: str
    citation: str
    members: list[str]
    partners: list[str]


class RelationOut(BaseModel):
    """A directed relation of the world (obligation, partnership, rivalry ...) with its source."""

    a: str
    b: str
    kind: str
    source: str
    year: int | None = None
    note: str = ""


class EdgeOut(BaseModel):
    """An undirected tie of one type between two actors, with the relations behind it."""

    a: str
    b: str
    tie: Literal["defence", "partnership", "consultation", "rivalry"]
    mutual: bool
    relations: list[RelationOut]


class WorldOut(BaseModel):
    """The world: actors, institutions, relations and the edges the page draws."""

    year: int
    digest: str
    theatres: list[str]
    tie_types: dict[str, str]
    actors: list[ActorOut]
    institutions: list[InstitutionOut]
    edges: list[EdgeOut]
    relations: int


class SourceOut(BaseModel):
    """A dataset the world is built from."""

    id: str
    name: str
    version: str
    origin: str
    licence: str
    citation: str


class SeedQuote(BaseModel):
    """A passage of a seed article."""

    seed: str
    quote: str


class ScenarioOut(BaseModel):
    """A catalogue scenario: title, description, seed passages, levers and shocks."""

    name: str
    title: str
    description: str
    sources: list[SeedQuote]
    levers: list[str]
    shocks: list[str]
    claims: int = Field(description="Catalogue claims about this scenario.")


class ScenarioDetail(ScenarioOut):
    """A catalogue scenario with its full definition (the JSON form of its TOML) and TOML text."""

    definition: dict[str, Any]
    toml: str


class LeverOut(BaseModel):
    """A lever of the library: what it is, what it changes and its uncertain effect."""

    name: str
    title: str
    description: str
    changes: str
    kind: Literal["policy", "shock"]
    effect: tuple[float, float]
    bounds: tuple[float, float]
    unit: str
    source: str
    seed: str
    quote: str
    default_start: float


class Bands(BaseModel):
    """Quantiles across runs at every time (null where no run is finite)."""

    q05: list[float | None]
    q25: list[float | None]
    q50: list[float | None]
    q75: list[float | None]
    q95: list[float | None]


class FinalDifference(BaseModel):
    """The paired scenario - baseline difference at the horizon."""

    median_difference: float | None
    p_increase: float | None
    p_decrease: float | None


class MetricOut(BaseModel):
    """Trajectories of one key metric: scenario, baseline and paired difference bands."""

    key: str
    variable: str
    label: str
    unit: str
    meaning: str
    select: dict[str, str]
    time: list[float | None]
    scenario: Bands
    baseline: Bands
    difference: Bands
    final: FinalDifference
    materiality: float | None = None  # smallest change that matters (metric registry), if known
    materiality_source: str = ""
    change_unit: str = ""  # display unit of a difference (metric registry), e.g. "pp"
    statistic: str = "quantiles"  # "mean": a 0/1 metric drawn as the share of runs


class MechanismShare(BaseModel):
    """Mean cumulative contribution of a mechanism to a metric's change at the horizon."""

    mechanism: str
    scenario: float | None
    baseline: float | None
    difference: float | None


class AttributionOut(BaseModel):
    """Attribution of a metric's change (scenario - baseline) to mechanisms."""

    key: str
    label: str
    unit: str
    mechanisms: list[MechanismShare]


class Deciding(BaseModel):
    """A sampled input whose values the claim's margin depends on most (Spearman rho)."""

    input: str
    rho: float | None = None
    meaning: str = ""
    unit: str = ""


class AssumptionOut(BaseModel):
    """A PRIM box of scenario discovery: where in the assumptions the claim holds (or fails)."""

    target: str
    sentence: str
    coverage: float | None = None
    density: float | None = None


class ClaimResult(BaseModel):
    """A claim's evaluation in one job or the latest stored assessment (or why it was not evaluated).

    Further fields of the claim record (effect quantiles, threshold source,
    audit, per-theory verdicts, ...) pass through unchanged for the page's
    scorecard.
    """

    model_config = ConfigDict(extra="allow")

    id: str
    side: str
    paraphrase: str
    metric: str
    direction: str
    statement: str
    horizon: int
    evaluated: bool
    verdict: str | None = None
    reason: str = ""
    share: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    n_runs: int | None = None
    median_difference: float | None = None
    deciding: list[Deciding] = []
    assumptions: list[AssumptionOut] = []
    job: str | None = None
    # the machine-readable verdict (flashpoint.claims.Verdict.record), effects in `unit`
    unit: str | None = None
    pooled_verdict: str | None = None
    no_effect_share: float | None = None
    effect_median: float | None = None
    effect_p05: float | None = None
    effect_p95: float | None = None
    baseline_p05: float | None = None
    baseline_p95: float | None = None
    threshold: float | None = None
    threshold_unit: str | None = None
    threshold_source: str | None = None
    audit: str | None = None
    audit_detail: str = ""
    assessed_audit: str | None = None  # the stored assessment's audit tag, beside a job's verdict
    assessed_audit_detail: str = ""
    runs: int | None = None
    per_theory: dict[str, Any] = {}
    record: dict[str, Any] | None = None  # the whole Verdict.record()
    per_mechanism: dict[str, Any] = {}  # mechanism -> its theory -> verdict on those runs
    scenario: str | None = None
    baseline: str | None = None
    variant_of: str = ""  # judged on a custom scenario that extends this catalogue scenario
    origin: str = "job"  # "job" (this server) or "assessment" (the latest stored `flashpoint assess`)
    assessment: str | None = None
    assessed_at: str | None = None
    deciding_text: str = ""


class ResultOut(BaseModel):
    """The result of a job: key metric bands, baseline comparison, attribution, claims."""

    job: str
    scenario: str
    title: str
    baseline: str
    runs: int
    years: int
    seed: int
    time: list[float | None]
    metrics: list[MetricOut]
    attribution: list[AttributionOut]
    claims: list[ClaimResult]
    provenance: dict[str, Any]
    variant_of: list[str] = []  # catalogue scenarios whose claims a custom scenario was judged on


class StoredResult(BaseModel):
    """A finished job's result, in memory or in the DuckDB store."""

    job: str
    scenario: str
    runs: int
    years: int
    seed: int
    finished: str
    where: Literal["memory", "store"]


class ClaimOut(BaseModel):
    """A catalogue claim with its latest verdict (when a job evaluated it)."""

    id: str
    side: str
    paraphrase: str
    statement: str
    source: SeedQuote
    metric: str
    direction: str
    scenario: str
    baseline: str
    horizon: int
    note: str
    threshold: float | None = None
    unit: str = ""
    result: ClaimResult | None = None
