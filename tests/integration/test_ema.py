"""flashpoint as an EMA Workbench model: names, priors, the vectorised evaluator, EMA's PRIM on a margin."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import flashpoint
from flashpoint.errors import ParameterError

with warnings.catch_warnings():  # EMA warns at import about its optional extras
    warnings.simplefilter("ignore")
    pytest.importorskip("ema_workbench")
    from ema_workbench import Policy, SequentialEvaluator, perform_experiments
    from ema_workbench.analysis import prim as ema_prim
    from ema_workbench.em_framework.points import Scenario

    from flashpoint.ema import FlashpointEvaluator, build_model, policies

pytestmark = pytest.mark.filterwarnings("ignore")  # EMA's own import-time and tqdm warnings
CLAIM = "nato_in_asia_alienates_asia"  # contested on material margins across the theories


@pytest.fixture(scope="module")
def model():  # type: ignore[no-untyped-def]
    return build_model(["nato_ip4_partnership"], claims=[CLAIM], years=4, dt=1.0)


def test_names_are_identifiers_and_short(model) -> None:  # type: ignore[no-untyped-def]
    names = model.uncertainty_names + model.lever_names + [o.name for o in model.outcomes]
    assert all(n.isidentifier() and len(n) <= 60 for n in names)
    assert "threat__range_km" in model.uncertainty_names
    assert model.parameter_names["threat__range_km"] == "threat.range_km"
    assert model.lever_names == ["nato_ip4_partnership__commitment", "nato_ip4_partnership__commitment_2",
                                 "nato_ip4_partnership__tie", "nato_ip4_partnership__tie_2"]
    assert "war_risk__taiwan_strait" in names and f"margin__{CLAIM}" in names


def test_log_uniform_priors_are_honoured_or_refused(model) -> None:  # type: ignore[no-untyped-def]
    unc = {u.name: u for u in model.uncertainties}
    rng = unc["threat__range_km"]
    assert rng.dist.dist.name == "loguniform"  # EMA's LHS and MC samplers draw through .dist
    with pytest.raises(ParameterError, match=r"sobol sampler .* ignore the log-uniform priors"):
        build_model("nato_ip4_partnership", sampler="sobol")
    logged = build_model("nato_ip4_partnership", sampler="sobol", log_priors="log")
    assert "ln__threat__range_km" in logged.uncertainty_names
    assert logged.parameter_names["ln__threat__range_km"] == "threat.range_km"


def test_twenty_experiments_then_emas_prim_on_a_claim_margin(model) -> None:  # type: ignore[no-untyped-def]
    # the glue an EMA user writes: build, perform_experiments, PRIM on the margin
    with FlashpointEvaluator(model) as evaluator:
        experiments, outcomes = perform_experiments(model, scenarios=20, policies=policies(model),
                                                    evaluator=evaluator)
    margin = outcomes[f"margin__{CLAIM}"]
    box = ema_prim.Prim(experiments[model.uncertainty_names], (margin > 0).astype(int),
                        threshold=0.5).find_box()
    assert len(experiments) == 20 and np.isfinite(margin).all()
    assert 0 < (margin > 0).sum() < 20  # the claim holds in some experiments, not all
    assert box.peeling_trajectory["density"].iloc[-1] >= box.peeling_trajectory["density"].iloc[0]


def test_evaluator_equals_simulate_on_the_same_design(model) -> None:  # type: ignore[no-untyped-def]
    with FlashpointEvaluator(model) as evaluator:
        experiments, outcomes = perform_experiments(model, scenarios=8, policies=policies(model),
                                                    evaluator=evaluator)
    opt = model.options["nato_ip4_partnership"]
    params = {fp: experiments[e].to_numpy(dtype=float) for e, fp in model.parameter_names.items()}
    levers = {label: experiments[e].to_numpy(dtype=float) for e, (label, _, _) in opt.levers.items()}
    ds = flashpoint.simulate(model.world, opt.plan, runs=8, years=4, dt=1.0, attribution=False,
                             keep_dyadic=False, parameters=params, levers=levers)
    np.testing.assert_array_equal(outcomes["war_risk__taiwan_strait"],
                                  ds["war_risk"].isel(time=-1).sel(flashpoint="taiwan_strait").values)
    np.testing.assert_array_equal(outcomes["axis_cohesion"], ds["axis_cohesion"].isel(time=-1).values)


def test_experiments_meet_distinct_event_streams(model) -> None:  # type: ignore[no-untyped-def]
    unc = model.uncertainty_names
    same = {u: float(model.uncertainties[u].lower_bound + model.uncertainties[u].upper_bound) / 2
            if model.uncertainties[u].dist.dist.name == "uniform"
            else float(model.uncertainties[u].dist.ppf(0.5)) for u in unc}
    scenarios = [Scenario(f"s{k}", **same) for k in range(3)]
    with FlashpointEvaluator(model) as evaluator:
        _, outcomes = perform_experiments(model, scenarios=scenarios, policies=policies(model),
                                          evaluator=evaluator)
    milex = outcomes["arms_race_index__indo_pacific"]
    assert len(set(np.round(milex, 12))) == 3  # same inputs, three different event streams


def test_options_as_a_categorical_lever_and_emas_own_evaluator() -> None:
    two = build_model(["status_quo", "nato_ip4_partnership"], years=2, dt=1.0)
    assert two.lever_names[0] == "option"
    assert set(two.levers["option"].categories.keys()) == {"status_quo", "nato_ip4_partnership"}
    pols = policies(two)
    assert [p.name for p in pols] == ["status_quo", "nato_ip4_partnership"]
    with FlashpointEvaluator(two) as evaluator:
        ex, _ = perform_experiments(two, scenarios=3, policies=pols, evaluator=evaluator)
    assert list(ex["policy"]) == ["status_quo"] * 3 + ["nato_ip4_partnership"] * 3
    ex2, out2 = perform_experiments(two, scenarios=2, policies=[Policy("sq", option="status_quo",
                                    **{n: two.levers[n].lower_bound for n in two.lever_names[1:]})],
                                    evaluator=SequentialEvaluator(two))
    assert np.isfinite(out2["axis_cohesion"]).all() and len(ex2) == 2


def test_bad_builds_are_one_line_errors() -> None:
    with pytest.raises(ParameterError, match="unknown claim"):
        build_model("nato_ip4_partnership", claims=["no_such_claim"])
    with pytest.raises(ParameterError, match="not an option"):
        build_model("status_quo", claims=[CLAIM])
    with pytest.raises(ParameterError, match="alphanumeric"):
        build_model("status_quo", name="my model")


def test_sobol_design_with_log_priors_runs_through_the_evaluator() -> None:
    from ema_workbench.em_framework.evaluators import Samplers

    from flashpoint.engine.context import all_parameters

    with pytest.raises(ParameterError, match="ignore the log-uniform priors"):
        build_model("status_quo", sampler=Samplers.SOBOL)
    model = build_model("status_quo", sampler=Samplers.SOBOL, log_priors="log", years=1, dt=1.0)
    with FlashpointEvaluator(model) as evaluator:
        experiments, outcomes = perform_experiments(model, scenarios=2, evaluator=evaluator,
                                                    uncertainty_sampling=Samplers.SOBOL)
    ln = experiments["ln__threat__range_km"].to_numpy(dtype=float)
    prior = next(p for p in all_parameters() if p.name == "threat.range_km")
    assert (np.exp(ln) >= prior.low * (1 - 1e-12)).all() and (np.exp(ln) <= prior.high * (1 + 1e-12)).all()
    assert len(experiments) >= 100 and np.isfinite(outcomes["axis_cohesion"]).all()
