"""The assessment: shared ensemble, claim evaluation, cost controls, store step."""

from __future__ import annotations

import pytest

from flashpoint.analysis.assess import Assessment, assess, planned_steps, store_assessment
from flashpoint.claims import load_claims
from flashpoint.errors import AnalysisError
from flashpoint.storage import Store
from flashpoint.testing import tiny_world

SCENARIOS = ["nato_ip4_partnership", "us_retrenchment", "taiwan_crisis"]


@pytest.fixture(scope="module")
def small() -> tuple[Assessment, dict[str, int]]:
    calls: dict[str, int] = {}

    def progress(name: str, steps: int) -> None:
        calls[name] = calls.get(name, 0) + steps

    a = assess(tiny_world(), runs=6, years=3, seed=1, scenarios=SCENARIOS,
               attribution=["us_retrenchment"], progress=progress)
    return a, calls


def test_every_scenario_runs_on_the_shared_ensemble(small: tuple[Assessment, dict[str, int]]) -> None:
    a, calls = small
    assert list(a.results) == ["status_quo", *SCENARIOS]
    for ds in a.results.values():
        assert ds.sizes["run"] == 6 and ds.attrs["seed"] == 1
    assert set(a.comparison["scenario"]) == set(SCENARIOS)
    assert a.scenarios["status_quo"].kind == "baseline"
    assert a.scenarios["nato_ip4_partnership"].kind == "policy"
    assert a.scenarios["taiwan_crisis"].kind == "shock"
    assert all(info.sources for name, info in a.scenarios.items() if name != "status_quo")
    per = planned_steps(6, 3, tiny_world().n)
    assert calls == {**{name: per for name in a.results}, "analysis": 0}


def test_cost_controls(small: tuple[Assessment, dict[str, int]]) -> None:
    a, _ = small
    attributed = {n for n, ds in a.results.items() if "attribution__axis_cohesion" in ds}
    assert attributed == {"status_quo", "us_retrenchment"}
    dyadic = {n for n, ds in a.results.items() if "alignment" in ds}
    # baseline, network scenario (also the scenario of the dyadic claims)
    assert dyadic == {"status_quo", "nato_ip4_partnership"}
    assert set(a.attribution["scenario"]) == {"status_quo", "us_retrenchment"}


def test_claims_outside_the_assessment_are_listed_with_a_reason(
        small: tuple[Assessment, dict[str, int]]) -> None:
    a, _ = small
    claims = load_claims()
    assert len(a.claims) == len(claims)
    assert set(a.verdicts) | set(a.skipped) == {c.id for c in claims}
    assert not set(a.verdicts) & set(a.skipped)
    reasons = " ".join(a.skipped.values())
    assert "exceeds the assessment's 3 years" in reasons
    table = a.verdict_table()
    assert len(table) == len(claims)
    assert set(table.loc[table["claim"].isin(a.skipped), "verdict"]) == {"not evaluated"}


def test_claims_evaluate_at_full_horizon() -> None:
    a = assess(tiny_world(), runs=4, years=10, seed=0, scenarios=["nato_ip4_partnership"],
               attribution=False)
    nato = [c for c in load_claims() if c.scenario == "nato_ip4_partnership"
            and c.baseline == "status_quo"]
    evaluated = [c for c in nato if c.id in a.verdicts]
    assert len(evaluated) >= len(nato) - 5  # the tiny world lacks some actors and flashpoints
    for c in evaluated:
        v = a.verdicts[c.id]
        assert v.n_runs == 4 and 0.0 <= v.share <= 1.0


def test_store_step(small: tuple[Assessment, dict[str, int]]) -> None:
    a, _ = small
    with Store.open(":memory:") as store:
        aid = store_assessment(a, store, report="r.html")
        assert aid == a.id
        row = store.read_frame("SELECT * FROM assessments")
        assert row.loc[0, "runs"] == 6 and row.loc[0, "report"] == "r.html"
        n = store.read_frame("SELECT count(*) AS n FROM assessment_runs").loc[0, "n"]
        assert n == 6 * len(a.results) * len(a.metrics)
        verdicts = store.read_frame("SELECT * FROM assessment_verdicts")
        assert len(verdicts) == len(a.claims)
        prov = store.read_frame("SELECT key, value FROM assessment_provenance")
        assert {"seed", "runs", "code_version", "world_digest"} <= set(prov["key"])
        params = store.read_frame(
            "SELECT count(DISTINCT name) AS k FROM assessment_parameters WHERE kind = 'param'")
        assert params.loc[0, "k"] > 10
        assert not store.read_frame("SELECT * FROM assessment_attribution").empty


def test_ensemble_needs_two_runs() -> None:
    with pytest.raises(AnalysisError, match=r"at least 2 runs\. Got 1 instead"):
        assess(tiny_world(), runs=1, years=1, scenarios=[])


def test_deciding_sentences_name_the_deciding_parameter() -> None:
    """A claim that holds exactly when one sampled parameter is high gets a PRIM
    sentence naming that parameter with its coverage and density."""
    from types import SimpleNamespace

    import numpy as np
    import xarray as xr

    from flashpoint.analysis.assess import deciding_sentences

    rng = np.random.default_rng(0)
    n = 300
    decisive, noise = rng.random(n), rng.random(n)
    margins = xr.DataArray(
        np.where(decisive > 0.6, 1.0, -1.0), dims=("run",),
        coords={"param__alignment.hedging": ("run", decisive, {"meaning": "hedging rate h"}),
                "param__arms.noise": ("run", noise, {"meaning": "budget noise"})},
        attrs={"direction": "increase"},
    )
    holding = int((margins > 0).sum())
    verdict = SimpleNamespace(margins=margins, n_holding=holding, n_runs=n, verdict="fails")
    constant = SimpleNamespace(margins=margins * 0 + 1, n_holding=n, n_runs=n,
                               verdict="robustly holds")
    null = SimpleNamespace(margins=margins, n_holding=holding, n_runs=n,
                           verdict="no material effect")
    out = deciding_sentences({"mixed": verdict, "always": constant, "null": null})
    assert "always" not in out
    assert "null" not in out  # never PRIM on margins inside the band
    assert "hedging rate h" in out["mixed"]
    assert "coverage" in out["mixed"] and "density" in out["mixed"]


def test_audit_simulations_run_with_the_ensembles_are_announced_after_them() -> None:
    """The audit's first simulations share the ensembles' batch (assess): their start is
    passed on, after one "construction audit", only once every ensemble has reported all
    its steps, and their steps never reach the caller."""
    from flashpoint.analysis.assess import AUDIT_LABEL, _ensemble_progress

    seen: list[tuple[str, int]] = []
    relay = _ensemble_progress(lambda label, n: seen.append((label, n)), {"a", "b"}, 4)
    assert relay is not None
    for msg in [("a", 0), ("b", 0), ("a", 4), (AUDIT_LABEL + "x", 0), (AUDIT_LABEL + "x", 3),
                ("b", 3), ("b", 1), (AUDIT_LABEL + "y", 0), (AUDIT_LABEL + "y", 2),
                (AUDIT_LABEL + "z", 0)]:
        relay(*msg)
    assert seen == [("a", 0), ("b", 0), ("a", 4), ("b", 3), ("b", 1), ("construction audit", 0),
                    (AUDIT_LABEL + "y", -1), (AUDIT_LABEL + "z", -1)]
    assert _ensemble_progress(None, {"a"}, 1) is None
