"""The main job: the baseline and every catalogue scenario on one shared ensemble.

:func:`assess` simulates the status quo and each scenario with the same
seed, number of runs and horizon, so run ``r`` of every scenario shares its
sampled parameters and random streams with run ``r`` of the baseline
(common random numbers, :mod:`flashpoint.analysis.compare`). It then

1. compares every scenario with the baseline on the key metrics
   (:func:`~flashpoint.analysis.compare.compare_all`);
2. ranks the mechanisms by their contribution to each scenario's effect
   (:func:`~flashpoint.analysis.compare.attribution_table`), from the exact
   per-mechanism attribution the engine records;
3. evaluates every claim of the catalogue (:func:`flashpoint.claims.evaluate_claim`)
   against its materiality band;
4. audits how each verdict is constructed (:func:`flashpoint.claims.audit.audit_claims`:
   input-determined, identity or emergent) on a smaller paired ensemble
   (:data:`~flashpoint.claims.audit.DEFAULT_AUDIT_RUNS` runs) and puts the tag
   beside every verdict.

:func:`store_assessment` writes the per-run key metrics and parameters, the
trajectory quantiles, the comparison, the attribution, the verdicts and the
provenance to the DuckDB store. :mod:`flashpoint.reports.html` turns an
:class:`Assessment` into the report.

Cost control: the engine's per-mechanism attribution roughly doubles a
simulation's cost and the dyadic (actor x counterpart) fields are large, so
only the scenarios that need them get them: attribution for the baseline and
:data:`ATTRIBUTED_SCENARIOS` (the policy options the articles argue about),
dyadic fields for the baseline, the network scenario and the scenarios of
claims on dyadic metrics.
"""

from __future__ import annotations

import math
import time as _time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xarray as xr

from flashpoint.analysis.compare import (
    KEY_METRICS,
    MetricSpec,
    _metric_array,
    attribution_table,
    compare_all,
    trajectory_quantiles,
)
from flashpoint.errors import AnalysisError, ClaimError, FlashpointError
from flashpoint.pool import Job, SimulationPool

if TYPE_CHECKING:
    from flashpoint._types import FloatArray
    from flashpoint.claims import Claim, Verdict
    from flashpoint.claims.audit import AuditResult
    from flashpoint.storage import Store
    from flashpoint.world.arrays import WorldArrays

__all__ = [
    "ATTRIBUTED_SCENARIOS",
    "BASELINE",
    "DEFAULT_RUNS",
    "DEFAULT_YEARS",
    "NETWORK_SCENARIO",
    "Assessment",
    "ScenarioInfo",
    "assess",
    "claim_records",
    "planned_steps",
    "store_assessment",
]

#: The baseline every scenario is compared with.
BASELINE = "status_quo"
#: Runs of the default assessment: measured so that ``flashpoint assess``
#: (18 simulations, 10 years, quarterly steps, default world) finishes in
#: under two minutes on a 2-core machine (see docs/guide.md).
DEFAULT_RUNS = 250
#: Default horizon in years.
DEFAULT_YEARS = 10
#: The scenario whose alignment network the report draws next to the baseline's.
NETWORK_SCENARIO = "nato_ip4_partnership"
#: Scenarios simulated with per-mechanism attribution besides the baseline:
#: the policy options the five articles argue about most.
ATTRIBUTED_SCENARIOS: tuple[str, ...] = (
    "nato_ip4_partnership", "tokyo_liaison_office", "asian_members",
    "european_naval_deployments", "europe_shoulders_defence", "us_retrenchment",
)
_DYADIC_METRICS = frozenset({"alignment", "tension", "intent"})
#: Verdicts whose runs split on material margins: the only ones scenario discovery explains.
CONTESTED_ON_MATERIAL_MARGINS = frozenset({"holds", "contested", "fails"})

#: ``progress(scenario, steps)``: called with 0 when a scenario starts and
#: with 1 after every engine step of it; ``progress("analysis", 0)`` when the
#: simulations are done and the comparison and claims start;
#: ``progress("construction audit", 0)`` when the audit starts and
#: ``progress("audit: <what>", -1)`` before each of its simulations (their number
#: depends on what the claims' first runs show, so it is not known ahead). The
#: audit's first simulations run with the ensembles, so "construction audit" comes
#: twice when some are left once every ensemble is done: then, and after "analysis".
Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class ScenarioInfo:
    """What the report says about one scenario."""

    name: str
    title: str
    description: str
    kind: str  # "baseline", "policy" or "shock"
    sources: tuple[tuple[str, str], ...] = ()
    digest: str = ""


@dataclass(frozen=True, eq=False)
class Assessment:
    """Everything one assessment produced.

    Attributes
    ----------
    results
        Scenario name -> ensemble result (``flashpoint.simulate``), baseline first.
    baseline
        Name of the baseline scenario.
    scenarios
        Scenario name -> :class:`ScenarioInfo`.
    comparison
        :func:`~flashpoint.analysis.compare.compare_all` at the horizon.
    attribution
        :func:`~flashpoint.analysis.compare.attribution_table` for the
        scenarios simulated with attribution.
    verdicts
        Claim id -> :class:`~flashpoint.claims.Verdict`.
    skipped
        Claim id -> why it was not evaluated (e.g. its scenario was not run).
    claims
        The claims asked for, in catalogue order.
    world
        The world arrays the ensemble ran on.
    runs, years, seed
        The shared ensemble.
    network_scenario
        The scenario whose network the report draws next to the baseline's.
    elapsed
        Wall-clock seconds of the simulations and analyses.
    created
        UTC time the assessment finished.
    id
        Identifier of the assessment in the store.
    """

    results: dict[str, xr.Dataset]
    baseline: str
    scenarios: dict[str, ScenarioInfo]
    comparison: pd.DataFrame
    attribution: pd.DataFrame
    verdicts: dict[str, Verdict]
    skipped: dict[str, str]
    claims: tuple[Claim, ...]
    world: WorldArrays
    runs: int
    years: float
    seed: int
    network_scenario: str | None = None
    metrics: tuple[MetricSpec, ...] = KEY_METRICS
    elapsed: float = 0.0
    deciding: dict[str, str] = field(default_factory=dict)
    audits: dict[str, AuditResult] = field(default_factory=dict)
    created: datetime = field(default_factory=lambda: datetime.now(UTC))
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])

    @property
    def baseline_result(self) -> xr.Dataset:
        """The baseline's ensemble result."""
        return self.results[self.baseline]

    def verdict_table(self) -> pd.DataFrame:
        """One row per claim: the verdict summary, or the reason it was skipped."""
        rows: list[dict[str, Any]] = []
        for c in self.claims:
            row: dict[str, Any] = {
                "claim": c.id, "side": c.side, "paraphrase": c.paraphrase,
                "seed": c.source.seed, "quote": c.source.quote, "scenario": c.scenario,
                "metric": c.metric, "model_statement": c.describe(),
            }
            v = self.verdicts.get(c.id)
            row.update(unit=c.expected_unit, threshold=c.band_display if c.is_relative
                       else c.threshold, threshold_source=c.band_source)
            if v is not None:
                s = v.summary()
                row.update({k: s[k] for k in ("verdict", "share", "ci_low", "ci_high", "n_runs",
                                              "median_difference", "standardized_margin")})
                rec = v.record()
                row.update({k: (math.nan if rec[k] is None else rec[k]) for k in (
                    "effect_median", "effect_p05", "effect_p95", "no_effect_share",
                    "baseline_p05", "baseline_p50", "baseline_p95")})
                row["pooled_verdict"] = rec["pooled_verdict"]
                row["audit"] = v.audit or ""
                row["audit_detail"] = v.audit_detail
                row["skipped"] = ""
                row["deciding_assumptions"] = self.deciding.get(c.id, "")
            else:
                row.update(verdict="not evaluated", share=math.nan, ci_low=math.nan,
                           ci_high=math.nan, n_runs=0, median_difference=math.nan,
                           standardized_margin=math.nan, deciding_assumptions="",
                           effect_median=math.nan, effect_p05=math.nan, effect_p95=math.nan,
                           no_effect_share=math.nan, baseline_p05=math.nan,
                           baseline_p50=math.nan, baseline_p95=math.nan,
                           pooled_verdict="", audit="", audit_detail="")
                row["skipped"] = self.skipped.get(c.id, "")
            rows.append(row)
        return pd.DataFrame(rows)

    def provenance(self) -> dict[str, str]:
        """Seed, runs, horizon, code version, world digest and the datasets used."""
        base = self.baseline_result.attrs
        out = {
            "assessment_id": self.id,
            "created_utc": self.created.strftime("%Y-%m-%d %H:%M:%S"),
            "seed": str(self.seed),
            "runs": str(self.runs),
            "years": f"{self.years:g}",
            "dt": str(base.get("dt", "")),
            "design": str(base.get("design", "")),
            "code_version": str(base.get("code_version", "")),
            "git_commit": str(base.get("git_commit", "")),
            "package_versions": str(base.get("package_versions", "")),
            "world_digest": str(base.get("world_digest", self.world.digest())),
            "world_year": str(base.get("world_year", self.world.year)),
            "actors": str(self.world.n),
            "baseline": self.baseline,
            "scenarios": ", ".join(n for n in self.results if n != self.baseline),
            "mechanisms": str(base.get("mechanisms", "")),
            "parameters": str(len(str(base.get("parameters", "")).split(","))),
            "claims_evaluated": f"{len(self.verdicts)} of {len(self.claims)}",
            "elapsed_seconds": f"{self.elapsed:.1f}",
        }
        try:
            from flashpoint.world.provenance import sources

            out["datasets"] = "; ".join(
                f"{s.name} ({s.version})" if getattr(s, "version", "") else str(s.name)
                for s in sources().values()
            )
        except (ImportError, AttributeError, OSError):
            out["datasets"] = "see docs/model.md"
        return out


def _info(name: str, scenario: Any, baseline: str) -> ScenarioInfo:
    from flashpoint.scenarios import LEVERS, digest

    meta = scenario.scenario
    kinds = {LEVERS[u.lever].kind for u in scenario.lever if u.lever in LEVERS}
    if name == baseline:
        kind = "baseline"
    elif scenario.shock or "shock" in kinds:
        kind = "shock"
    else:
        kind = "policy"
    sources = tuple((s.seed, s.quote) for s in meta.sources)
    return ScenarioInfo(name=name, title=meta.title, description=meta.description, kind=kind,
                        sources=sources, digest=digest(scenario))


def planned_steps(runs: int, years: float, n_actors: int, dt: float = 0.25) -> int:
    """Engine steps (progress callbacks) one scenario of ``runs`` runs will take."""
    from flashpoint.engine.run import auto_chunk, steps_for

    chunks = math.ceil(runs / auto_chunk(n_actors, runs))
    return steps_for(years, dt) * chunks


def assess(
    world: Any = None,
    *,
    runs: int = DEFAULT_RUNS,
    years: float = DEFAULT_YEARS,
    seed: int = 0,
    scenarios: Sequence[str] | None = None,
    baseline: str = BASELINE,
    claims: Iterable[Claim] | None = None,
    attribution: bool | Iterable[str] = ATTRIBUTED_SCENARIOS,
    network_scenario: str | None = NETWORK_SCENARIO,
    metrics: Sequence[MetricSpec] = KEY_METRICS,
    progress: Progress | None = None,
    audit: bool | int = True,
    processes: int | None = 1,
    pool: SimulationPool | None = None,
) -> Assessment:
    """Run the baseline and the scenarios on one shared ensemble and evaluate the claims.

    Parameters
    ----------
    world : World, WorldArrays or None
        The starting world; None loads the default 2024 world.
    runs, years, seed : int, float, int
        The shared ensemble: every scenario gets the same runs, horizon and seed.
    scenarios : sequence of str, optional
        Catalogue names or TOML paths; default: the whole catalogue.
    baseline : str
        The scenario every other is compared with (default ``status_quo``).
    claims : iterable of Claim, optional
        Claims to evaluate; default: the shipped catalogue. A claim whose
        scenario was not run, or whose horizon exceeds ``years``, is listed
        in :attr:`Assessment.skipped` with the reason.
    attribution : bool or iterable of str
        Which scenarios besides the baseline get per-mechanism attribution:
        all (True), none but the baseline (False) or the named ones.
    network_scenario : str, optional
        Scenario whose alignment network the report draws; it keeps its
        dyadic fields.
    metrics : sequence of MetricSpec
        The key metrics of the comparison and the attribution.
    progress : callable, optional
        ``progress(scenario, steps)``, see :data:`Progress`.
    audit : bool or int
        Run the construction audit of the evaluated claims (True: on
        ``min(runs, DEFAULT_AUDIT_RUNS)`` paired runs; an int: on that many
        runs; False: no audit, the verdicts carry no tag).
    processes : int or None
        Worker processes for the simulations (:mod:`flashpoint.pool`):
        1 (default) runs everything in this process; None uses the cores when
        the work pays for starting them (what ``flashpoint assess`` does); the
        numbers do not depend on it. Workers are started with ``spawn``, so a
        script asking for them must guard its top level with
        ``if __name__ == "__main__":``.
    pool : SimulationPool, optional
        A pool to use (and leave open) instead of one made for this call.

    Returns
    -------
    Assessment
    """
    from flashpoint.api import resolve_world
    from flashpoint.claims import load_claims
    from flashpoint.engine.run import auto_chunk
    from flashpoint.limits import check_run_options
    from flashpoint.scenarios import catalogue_names, compile_scenario, load_scenario

    if runs < 2:
        raise AnalysisError(f"runs: an ensemble needs at least 2 runs. Got {runs} instead.")
    t0 = _time.perf_counter()
    arrays = resolve_world(world)
    names = list(catalogue_names()) if scenarios is None else [str(s) for s in scenarios]
    loaded = {n: load_scenario(n) for n in dict.fromkeys([baseline, *names])}
    order = [baseline, *[n for n in loaded if n != baseline]]
    keyed = {n: loaded[n].scenario.name for n in order}
    claim_list = tuple(load_claims() if claims is None else claims)

    dyadic = {baseline}
    if network_scenario is not None:
        dyadic.add(network_scenario)
    for c in claim_list:
        if c.metric in _DYADIC_METRICS:
            dyadic.update({c.scenario, c.baseline})
    if attribution is True:
        attributed = set(keyed.values())
    elif attribution is False:
        attributed = {baseline}
    else:
        attributed = {baseline, *attribution}

    results: dict[str, xr.Dataset] = {}
    infos: dict[str, ScenarioInfo] = {}
    jobs = []
    check_run_options(runs=runs, years=years, dt=0.25, seed=seed, chunk_size=None, cli=False)
    for n in order:
        name = keyed[n]
        # the chunking of this process's engine, so that the progress counts are
        # those of planned_steps wherever the job runs (the result does not depend on it)
        jobs.append(Job(arrays, compile_scenario(loaded[n], arrays), label=name, options=dict(
            runs=runs, years=years, seed=seed, attribution=name in attributed,
            keep_dyadic=name in dyadic, chunk_size=auto_chunk(arrays.n, runs))))
    # The audit's first simulations depend only on the claims: they run with the
    # ensembles, after them, on the workers the last ensembles leave idle.
    audit_jobs: list[Job] = []
    if audit is not False:
        from flashpoint.claims.audit import first_jobs

        present = set(keyed.values())
        expected = [c for c in claim_list if c.horizon <= years + 1e-9
                    and {c.scenario, *([c.baseline] if c.is_relative else [])} <= present]
        audit_jobs = first_jobs(expected, arrays, runs=_audit_runs(runs, audit), years=years,
                                seed=seed, label=AUDIT_LABEL)
    relay = _ensemble_progress(progress, set(keyed.values()),
                               planned_steps(runs, years, arrays.n))
    with SimulationPool(processes) if pool is None else nullcontext(pool) as pool:
        done = pool.run([*jobs, *audit_jobs], relay)
        audited = list(zip(audit_jobs, done[len(jobs):], strict=True))
        for n, job, ds in zip(order, jobs, done[:len(jobs)], strict=True):
            ds.attrs["scenario"] = job.label
            infos[job.label] = _info(job.label, loaded[n], baseline)
            ds.attrs["scenario_digest"] = infos[job.label].digest
            results[job.label] = ds
        return _assessed(results, infos, baseline, claim_list, years, metrics, attributed,
                         arrays, runs, seed, network_scenario, progress, audit, pool, t0,
                         audited)


#: Progress label prefix of the construction audit's simulations (see :data:`Progress`).
AUDIT_LABEL = "audit: "


def _audit_runs(runs: int, audit: bool | int) -> int:
    """Runs of the construction audit's ensembles (``assess(audit=...)``)."""
    from flashpoint.claims.audit import DEFAULT_AUDIT_RUNS

    return max(min(runs, DEFAULT_AUDIT_RUNS) if audit is True else int(audit), 2)


def _ensemble_progress(progress: Progress | None, scenarios: set[str],
                       steps: int) -> Progress | None:
    """The caller's ``progress`` for the batch of the ensembles and the audit's first
    simulations: the ensembles' messages as they come; an audit simulation announced
    (``AUDIT_LABEL + what``, -1), after ``("construction audit", 0)``, only once every
    ensemble has reported its ``steps``, so that its start does not interrupt theirs."""
    if progress is None:
        return None
    report = progress
    left = dict.fromkeys(scenarios, steps)
    audit_started = False

    def relay(label: str, n: int) -> None:
        nonlocal audit_started
        if not label.startswith(AUDIT_LABEL):
            report(label, n)
            if label in left:
                left[label] -= n
                if left[label] <= 0:
                    del left[label]
            return
        if n == 0 and not left:
            if not audit_started:
                report("construction audit", 0)
                audit_started = True
            report(label, -1)

    return relay


def _assessed(results: dict[str, xr.Dataset], infos: dict[str, ScenarioInfo], baseline: str,
              claim_list: tuple[Claim, ...], years: float, metrics: Sequence[MetricSpec],
              attributed: set[str], arrays: WorldArrays, runs: int, seed: int,
              network_scenario: str | None, progress: Progress | None, audit: bool | int,
              pool: SimulationPool, t0: float,
              audited: Sequence[tuple[Job, xr.Dataset]] = ()) -> Assessment:
    """:func:`assess` once its simulations are done: comparison, claims, audit."""
    from flashpoint.claims import evaluate_claim

    if progress is not None:
        progress("analysis", 0)
    comparison = compare_all(results, baseline, metrics)
    attr = attribution_table(results, baseline, metrics,
                             scenarios=[n for n in results if n in attributed])
    verdicts: dict[str, Verdict] = {}
    skipped: dict[str, str] = {}
    for c in claim_list:
        needed = [c.scenario, c.baseline] if c.is_relative else [c.scenario]
        missing = [s for s in needed if s not in results]
        if missing:
            skipped[c.id] = f"not in this assessment: {', '.join(missing)}"
            continue
        if c.horizon > years + 1e-9:
            skipped[c.id] = f"horizon {c.horizon} years exceeds the assessment's {years:g} years"
            continue
        try:
            verdicts[c.id] = evaluate_claim(
                c, results[c.scenario], results[c.baseline] if c.is_relative else None
            )
        except ClaimError as err:
            skipped[c.id] = str(err)
    audits: dict[str, AuditResult] = {}
    if audit is not False and verdicts:
        from flashpoint.claims.audit import audit_claims

        audit_progress = None
        if progress is not None:
            progress("construction audit", 0)
            report = progress

            def audit_progress(label: str) -> None:
                report(AUDIT_LABEL + label, -1)  # one more (count not known ahead)

        audits = audit_claims([c for c in claim_list if c.id in verdicts], arrays,
                              runs=_audit_runs(runs, audit), years=years, seed=seed,
                              progress=audit_progress, pool=pool, done=audited)
        verdicts = {cid: v.with_audit(audits[cid].tag, audits[cid].sentence())
                    if cid in audits else v for cid, v in verdicts.items()}
    net = network_scenario if network_scenario in results else None
    return Assessment(
        results=results, baseline=baseline, scenarios=infos, comparison=comparison,
        attribution=attr, verdicts=verdicts, skipped=skipped, claims=claim_list,
        world=arrays, runs=runs, years=float(years), seed=seed, network_scenario=net,
        metrics=tuple(metrics), elapsed=_time.perf_counter() - t0,
        deciding=deciding_sentences(verdicts), audits=audits,
    )


def deciding_sentences(verdicts: Mapping[str, Verdict]) -> dict[str, str]:
    """The deciding assumptions of each contested claim in plain language (PRIM boxes).

    Only claims contested on material margins get scenario discovery (verdict
    in :data:`CONTESTED_ON_MATERIAL_MARGINS`: runs split between a material
    effect for and against, with neither side robust): PRIM
    (:func:`flashpoint.analysis.discovery.deciding_assumptions`) finds the
    region of the sampled assumptions where the claim holds (its effect
    exceeds the band) and where it fails; the sentences carry each box's
    coverage and density. A claim with no material effect, or one that robustly
    holds or fails, has no deciding assumptions to find.
    """
    from flashpoint.analysis.discovery import deciding_assumptions

    out: dict[str, str] = {}
    for cid, v in verdicts.items():
        label = getattr(v, "pooled_verdict", None) or getattr(v, "verdict", "contested")
        if label not in CONTESTED_ON_MATERIAL_MARGINS or v.n_holding in (0, v.n_runs):
            continue
        try:
            found = deciding_assumptions(v)
        except (FlashpointError, ValueError) as err:
            out[cid] = f"scenario discovery failed: {err}"
            continue
        out[cid] = "; ".join(a.sentence for a in found)
    return out


#: Columns of ``assessment_verdicts`` (the table predates the materiality bands; the
#: full records are in ``claim_verdicts``, schema_v4.sql).
_VERDICT_COLUMNS = (
    "claim", "side", "paraphrase", "seed", "quote", "scenario", "metric", "model_statement",
    "verdict", "share", "ci_low", "ci_high", "n_runs", "median_difference",
    "standardized_margin", "skipped", "deciding_assumptions",
)


def claim_records(a: Assessment) -> list[dict[str, Any]]:
    """The machine-readable verdict of every evaluated claim (:meth:`Verdict.record`)."""
    out = []
    for c in a.claims:
        v = a.verdicts.get(c.id)
        if v is None:
            continue
        rec = v.record()
        rec["deciding_assumptions"] = a.deciding.get(c.id, "")
        out.append(rec)
    return out


def _flat(assessment: str, rec: Mapping[str, Any]) -> dict[str, Any]:
    import json

    keys = ("id", "side", "scenario", "baseline", "metric", "unit", "verdict",
            "pooled_verdict", "share", "ci_low", "ci_high", "no_effect_share", "effect_median",
            "effect_p05", "effect_p95", "baseline_p05", "baseline_p50", "baseline_p95",
            "threshold", "threshold_source", "audit", "audit_detail", "runs")
    row: dict[str, Any] = {"assessment": assessment}
    row.update({k: rec.get(k) for k in keys})
    row["per_theory"] = json.dumps(rec.get("per_theory", {}))
    row["record"] = json.dumps(rec)
    return row


def _per_run(blocks: list[tuple[dict[str, str], FloatArray]], keys: Sequence[str]) -> pd.DataFrame:
    """One frame of per-run values: each block's labels (``keys``) repeated over its runs,
    then ``run`` and ``value`` (built from whole columns: an assessment has thousands of
    blocks, and a frame per block took seconds)."""
    if not blocks:
        return pd.DataFrame()
    sizes = [v.size for _, v in blocks]
    cols: dict[str, Any] = {k: np.repeat(np.array([lab[k] for lab, _ in blocks], dtype=object),
                                         sizes) for k in keys}
    cols["run"] = np.concatenate([np.arange(n) for n in sizes])
    cols["value"] = np.concatenate([v for _, v in blocks])
    return pd.DataFrame(cols)


def _final_values(a: Assessment) -> pd.DataFrame:
    blocks = []
    for name, ds in a.results.items():
        for spec in a.metrics:
            if spec.name not in ds.data_vars:
                continue
            v = np.asarray(_metric_array(ds, spec)[:, -1], dtype=np.float64)
            blocks.append(({"scenario": name, "metric": spec.key}, v))
    return _per_run(blocks, ("scenario", "metric"))


def _parameters(a: Assessment) -> pd.DataFrame:
    blocks = []
    for name, ds in a.results.items():
        for coord, var in ds.coords.items():
            c = str(coord)
            if not (c.startswith("param__") or c.startswith("lever__")):
                continue
            label = c[len("param__"):] if c.startswith("param__") else str(
                var.attrs.get("lever", c))
            v = np.asarray(var.values, dtype=np.float64)
            blocks.append(({"scenario": name, "name": label, "kind": c.split("__")[0]}, v))
    return _per_run(blocks, ("scenario", "name", "kind"))


def _trajectories(a: Assessment) -> pd.DataFrame:
    frames = []
    for name, ds in a.results.items():
        for spec in a.metrics:
            if spec.name not in ds.data_vars:
                continue
            q = trajectory_quantiles(ds, spec).reset_index()
            q.insert(0, "metric", spec.key)
            q.insert(0, "scenario", name)
            frames.append(q)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def store_assessment(a: Assessment, store: Store, report: str | None = None) -> str:
    """Write the assessment to ``store``; return its id.

    Tables (created on first use, rows keyed by ``assessment``):
    ``assessments`` (one row: seed, runs, horizon, code version, world
    digest, timing, report path), ``assessment_scenarios``,
    ``assessment_runs`` (per run and scenario, each key metric at the
    horizon), ``assessment_parameters`` (per run and scenario, every sampled
    parameter and lever magnitude), ``assessment_trajectories`` (quantiles
    over runs per year), ``assessment_comparisons``,
    ``assessment_attribution``, ``assessment_verdicts``, ``claim_verdicts``
    (the machine-readable verdict records, schema_v4.sql) and
    ``assessment_provenance`` (key / value).
    """
    prov = a.provenance()

    def keyed(df: pd.DataFrame) -> pd.DataFrame:
        out = df.copy()
        out.insert(0, "assessment", a.id)
        return out

    store.write_frame("assessments", pd.DataFrame([{
        "assessment": a.id, "created_at": a.created.replace(tzinfo=None), "seed": a.seed,
        "runs": a.runs, "years": a.years, "baseline": a.baseline,
        "code_version": prov["code_version"], "world_digest": prov["world_digest"],
        "world_year": int(a.world.year), "n_scenarios": len(a.results),
        "n_claims": len(a.claims), "n_verdicts": len(a.verdicts),
        "elapsed_s": a.elapsed, "report": report or "",
    }]))
    store.write_frame("assessment_scenarios", keyed(pd.DataFrame([
        {"scenario": i.name, "title": i.title, "kind": i.kind, "description": i.description,
         "digest": i.digest, "sources": " | ".join(f"{s}: {q}" for s, q in i.sources)}
        for i in a.scenarios.values()
    ])))
    store.write_frame("assessment_runs", keyed(_final_values(a)))
    store.write_frame("assessment_parameters", keyed(_parameters(a)))
    store.write_frame("assessment_trajectories", keyed(_trajectories(a)))
    if not a.comparison.empty:
        store.write_frame("assessment_comparisons", keyed(a.comparison))
    if not a.attribution.empty:
        store.write_frame("assessment_attribution", keyed(a.attribution))
    verdicts = a.verdict_table()
    if not verdicts.empty:
        store.write_frame("assessment_verdicts", keyed(verdicts[list(_VERDICT_COLUMNS)]))
    records = claim_records(a)
    if records:
        store.write_frame("claim_verdicts", pd.DataFrame([_flat(a.id, r) for r in records]))
    store.write_frame("assessment_provenance", keyed(pd.DataFrame(
        [{"key": k, "value": v} for k, v in prov.items()])))
    return a.id
