"""The ``claims`` Typer sub-app: list, evaluate (with the simulation replaced by synthetic results)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from flashpoint.cli import claims as cli
from flashpoint.errors import ClaimError

runner = CliRunner()


def test_list_shows_every_claim() -> None:
    out = runner.invoke(cli.app, ["list"], env={"COLUMNS": "250"})
    assert out.exit_code == 0, out.output
    assert "ip4_arms_race" in out.output
    assert "stoltenberg_asia_affects_europe" in out.output


def test_list_filters_by_side() -> None:
    out = runner.invoke(cli.app, ["list", "--side", "proponent"], env={"COLUMNS": "250"})
    assert out.exit_code == 0, out.output
    assert "ip4_arms_race" not in out.output
    assert "simon_ecosystem_lowers_war_risk" in out.output


def test_unknown_claim_suggests_close_ids() -> None:
    out = runner.invoke(cli.app, ["evaluate", "--claim", "ip4_arms_rase"], env={"COLUMNS": "250"})
    assert out.exit_code == 2
    assert "Did you mean ip4_arms_race" in out.output


def test_evaluate_runs_the_needed_scenarios_with_one_seed(
    monkeypatch: pytest.MonkeyPatch, result: Any
) -> None:
    calls: list[tuple[tuple[str, ...], int, float, int]] = []

    def fake(names: Sequence[str], *, runs: int, years: float, seed: int) -> dict[str, xr.Dataset]:
        calls.append((tuple(names), runs, years, seed))
        base = np.zeros(runs)
        return {
            "status_quo": result({"cohesion_chn_rus": base, "axis_cohesion": base}),
            "nato_ip4_partnership": result(
                {"cohesion_chn_rus": base + 0.1, "axis_cohesion": base - 0.1},
                scenario="nato_ip4_partnership"),
        }

    monkeypatch.setattr(cli, "_simulate", fake)
    out = runner.invoke(
        cli.app,
        ["evaluate", "-c", "engagement_binds_china_russia", "-c", "ip4_strengthens_axis",
         "--runs", "40", "--seed", "7"],
        env={"COLUMNS": "250"},
    )
    assert out.exit_code == 0, out.output
    assert calls == [(("status_quo", "nato_ip4_partnership"), 40, 10.0, 7)]
    lines = {ln.split()[0]: ln for ln in out.output.splitlines() if ln.strip()}
    assert "robustly holds" in lines["engagement_binds_china_russia"]
    assert "robustly fails" in lines["ip4_strengthens_axis"]


def test_evaluate_reports_claim_errors(monkeypatch: pytest.MonkeyPatch, result: Any) -> None:
    def fake(names: Sequence[str], *, runs: int, years: float, seed: int) -> dict[str, xr.Dataset]:
        return {n: result({"axis_cohesion": np.zeros(runs)}) for n in names}

    monkeypatch.setattr(cli, "_simulate", fake)
    out = runner.invoke(cli.app, ["evaluate", "-c", "engagement_binds_china_russia", "-n", "5"],
                        env={"COLUMNS": "250"})
    assert isinstance(out.exception, ClaimError)  # flashpoint.cli.app.main prints it
    assert "has no variable 'cohesion_chn_rus'" in str(out.exception)


def test_evaluate_json_gives_one_record_per_claim(monkeypatch: pytest.MonkeyPatch, result: Any) -> None:
    import json

    def fake(names: Sequence[str], *, runs: int, years: float, seed: int) -> dict[str, xr.Dataset]:
        base = np.zeros(runs)
        return {
            "status_quo": result({"cohesion_chn_rus": base, "axis_cohesion": base}),
            "nato_ip4_partnership": result(
                {"cohesion_chn_rus": base + 1e-6, "axis_cohesion": base - 0.1},
                scenario="nato_ip4_partnership"),
        }

    monkeypatch.setattr(cli, "_simulate", fake)
    out = runner.invoke(cli.app, ["evaluate", "-c", "engagement_binds_china_russia", "-c",
                                  "ip4_strengthens_axis", "-n", "30", "--format", "json"])
    assert out.exit_code == 0, out.output
    recs = {r["id"]: r for r in json.loads(out.stdout)}
    keys = {"id", "side", "scenario", "baseline", "metric", "unit", "verdict", "share", "ci_low",
            "ci_high", "effect_median", "effect_p05", "effect_p95", "threshold",
            "threshold_source", "audit", "runs", "per_theory"}
    for r in recs.values():
        assert keys <= set(r)
        assert r["threshold"] > 0 and r["threshold_source"]
    assert recs["engagement_binds_china_russia"]["verdict"] == "no material effect"
    assert recs["ip4_strengthens_axis"]["verdict"] == "robustly fails"
    assert recs["ip4_strengthens_axis"]["unit"] == "points"


def test_summary_line_does_not_score_a_side(result: Any) -> None:
    from flashpoint.claims import evaluate_claim, load_claims

    c = next(c for c in load_claims() if c.id == "engagement_binds_china_russia")
    base = np.zeros(20)
    v = evaluate_claim(c, result({"cohesion_chn_rus": base + 0.1}), result({"cohesion_chn_rus": base}))
    line = cli.summary_line([v])
    assert "sceptics' claims (1): 1 robustly holds" in line
    assert "not a score of which side is right" in line


def test_audit_command_tags_every_chosen_claim(monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from flashpoint.claims import load_claims
    from flashpoint.claims.audit import AuditResult, Variant

    def fake(claims: Sequence[Any], *, runs: int, years: float, seed: int) -> dict[str, Any]:
        v = Variant("as specified", "holds", 0.02, 0.8)
        gone = Variant("direct relation inputs removed", "no material effect", 0.0, 0.0)
        return {c.id: AuditResult(claim=c, tag="input-determined", original=v, no_inputs=gone,
                                  no_feedback=None, no_link=None, relation_inputs=2,
                                  mechanisms=(), parameter=None, parameter_meaning="",
                                  levers_share=float("nan")) for c in claims}

    monkeypatch.setattr(cli, "_audit", fake)
    ids = ["engagement_raises_china_nato_tension", "ip4_arms_race"]
    out = runner.invoke(cli.app, ["audit", "-c", ids[0], "-c", ids[1]], env={"COLUMNS": "200"})
    assert out.exit_code == 0, out.output
    assert "audit: emergent 0, input-determined 2, identity 0" in out.output
    out = runner.invoke(cli.app, ["audit", "-c", ids[0], "--format", "json"])
    rec = json.loads(out.stdout)[0]
    assert rec["audit"] == "input-determined" and rec["no_relation_inputs"]["effect_median"] == 0.0
    assert "without the scenario's 2 direct relation input(s)" in rec["detail"]
    assert load_claims()  # the catalogue still loads
