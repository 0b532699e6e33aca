"""The construction audit on the tiny test world: tags and the numbers behind them."""

from __future__ import annotations

import pytest

from flashpoint.claims import AUDIT_TAGS, load_claims
from flashpoint.claims.audit import audit_claims
from flashpoint.pool import Job, SimulationPool
from flashpoint.testing import tiny_world

IDS = ("engagement_raises_china_nato_tension", "ip4_arms_race", "europe_focus_benefits_europe",
       "stoltenberg_ukraine_then_taiwan")


@pytest.fixture(scope="module")
def audited() -> dict[str, object]:
    claims = [c for c in load_claims() if c.id in IDS]
    return dict(audit_claims(claims, tiny_world(), runs=16, seed=1))


def test_every_claim_gets_a_tag_and_the_numbers(audited: dict[str, object]) -> None:
    assert set(audited) == set(IDS)
    for r in audited.values():
        assert r.tag in AUDIT_TAGS  # type: ignore[attr-defined]
        text = r.sentence()  # type: ignore[attr-defined]
        assert text.startswith(r.tag) and "effect" in text  # type: ignore[attr-defined]
        rec = r.record()  # type: ignore[attr-defined]
        assert rec["audit"] == r.tag and rec["original"]["verdict"]  # type: ignore[attr-defined]


def test_partnership_claims_are_decided_by_the_dynamics(audited: dict[str, object]) -> None:
    """Issue 13's check: the NATO+IP4 lever writes no intent or tension (before the
    theories work, removing its bumps took the tension and arms-race effects to exactly
    0 and the audit tagged them input-determined); now the reaction is signal reading's,
    so there is nothing to remove and switching the mechanisms off removes the effect."""
    for cid in ("engagement_raises_china_nato_tension", "ip4_arms_race"):
        r = audited[cid]
        assert r.relation_inputs == 0 and r.no_inputs is None  # type: ignore[attr-defined]
        assert r.tag == "emergent"  # type: ignore[attr-defined]
        assert r.no_feedback is not None  # type: ignore[attr-defined]
        assert abs(r.no_feedback.effect_median) < 1e-9  # type: ignore[attr-defined]


def test_an_event_scenario_is_audited_without_its_relation_inputs(
    audited: dict[str, object],
) -> None:
    # Russian escalation is an event with a tension shock (a relation input): step (a) runs
    r = audited["stoltenberg_ukraine_then_taiwan"]
    assert r.relation_inputs > 0 and r.no_inputs is not None  # type: ignore[attr-defined]


def test_a_scenario_without_relation_inputs_is_not_input_determined(
    audited: dict[str, object],
) -> None:
    r = audited["europe_focus_benefits_europe"]
    assert r.relation_inputs == 0 and r.no_inputs is None  # type: ignore[attr-defined]
    assert r.tag != "input-determined"  # type: ignore[attr-defined]
    # the spending floor reaches European security only through the mechanisms it feeds
    assert r.mechanisms  # type: ignore[attr-defined]
    assert r.no_feedback is not None  # type: ignore[attr-defined]


def test_audit_in_worker_processes_is_identical_to_the_one_here() -> None:
    """Each batch in two worker processes, one simulation each on one thread: the same
    numbers as one at a time here with the engine's own chunks (40 runs on the tiny
    world are two chunks of 20 here, one in a worker), so the tags and sentences are
    identical; this process's BLAS thread counts are left as they were."""
    from threadpoolctl import threadpool_info

    claims = [c for c in load_claims() if c.id in IDS]
    before = [p.get("num_threads") for p in threadpool_info()]
    one = audit_claims(claims, tiny_world(), runs=40, seed=2, processes=1)
    two = audit_claims(claims, tiny_world(), runs=40, seed=2, processes=2)
    assert list(one) == list(two)
    for cid in one:
        assert one[cid].record() == two[cid].record()
    assert [p.get("num_threads") for p in threadpool_info()] == before


def test_first_simulations_run_elsewhere_are_used_and_give_the_same_audit(
    audited: dict[str, object], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``flashpoint assess`` runs the audit's first batch with its ensembles: given those
    results (``done``), the audit runs only the variants and its records are those of an
    audit that ran everything itself."""
    from flashpoint.api import resolve_world, simulate
    from flashpoint.claims import audit as audit_mod

    claims = [c for c in load_claims() if c.id in IDS]
    world = resolve_world(tiny_world())
    jobs = audit_mod.first_jobs(claims, world, runs=16, years=None, seed=1, label="audit: ")
    assert jobs and all(j.options["attribution"] and j.label.startswith("audit: ") for j in jobs)
    assert len({(repr(j.plan), j.options["keep_dyadic"]) for j in jobs}) == len(jobs)
    done = [(j, simulate(j.world, j.plan, **j.options)) for j in jobs]
    ran: list[Job] = []
    run = SimulationPool.run

    def spy(self: SimulationPool, batch: list[Job], progress: object = None) -> object:
        ran.extend(batch)
        return run(self, batch, progress)  # type: ignore[arg-type]

    monkeypatch.setattr(SimulationPool, "run", spy)
    again = audit_claims(claims, tiny_world(), runs=16, seed=1, done=done)  # a copy of the world
    first = {(repr(j.plan), j.options["attribution"]) for j in jobs}
    assert ran and not first & {(repr(j.plan), j.options["attribution"]) for j in ran}
    for cid, r in audited.items():
        assert again[cid].record() == r.record()  # type: ignore[attr-defined]


def test_first_simulations_of_another_ensemble_are_refused() -> None:
    from flashpoint.api import resolve_world, simulate
    from flashpoint.claims import audit as audit_mod
    from flashpoint.errors import AnalysisError

    claims = [c for c in load_claims() if c.id in IDS[:1]]
    world = resolve_world(tiny_world())
    job = audit_mod.first_jobs(claims, world, runs=8, seed=3)[0]
    done = [(job, simulate(job.world, job.plan, **job.options))]
    with pytest.raises(AnalysisError, match="another world or ensemble"):
        audit_claims(claims, world, runs=8, seed=4, done=done)
