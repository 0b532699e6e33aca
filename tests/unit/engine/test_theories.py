"""Theories sampled per run: coordinates, weights, chunk invariance, fixing and errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import flashpoint as fp
from flashpoint import theories
from flashpoint.engine.plan import Commitment, Plan, Range, Tie
from flashpoint.errors import ParameterError, ScenarioError
from flashpoint.scenarios import load_scenario
from flashpoint.testing import tiny_world

RUNS = 64

# NATO+IP4-like plan on the tiny world: a commitment and a visible tie DEU <-> JPN
PLAN = Plan(name="tie", commitments=(Commitment(("DEU",), ("JPN",), Range(0.2, 0.5)),),
            ties=(Tie(("DEU",), ("JPN",), Range(0.7, 1.0), Range(0.1, 0.3)),))


@pytest.fixture(scope="module")
def world():  # type: ignore[no-untyped-def]
    return tiny_world()


@pytest.fixture(scope="module")
def base(world):  # type: ignore[no-untyped-def]
    return fp.simulate(world, PLAN, runs=RUNS, years=2, seed=5, chunk_size=64)


def test_every_run_records_its_theories_and_the_weights(base) -> None:  # type: ignore[no-untyped-def]
    weights = json.loads(base.attrs["theory_weights"])
    assert set(weights) == set(theories.THEORIES)
    for mech, w in weights.items():
        coord = base.coords[f"theory__{mech}"]
        assert coord.dims == ("run",)
        assert set(coord.values) <= set(w)
        for variant, wt in w.items():  # a Latin hypercube stratifies the draws
            share = float(np.mean(coord.values == variant))
            assert abs(share - wt) <= 1.0 / RUNS + 1e-12, (mech, variant, share, wt)


@pytest.mark.parametrize("chunk", [1, 7])
def test_theory_draws_are_chunk_invariant(world, base, chunk) -> None:  # type: ignore[no-untyped-def]
    other = fp.simulate(world, PLAN, runs=RUNS, years=2, seed=5, chunk_size=chunk)
    for v in base.data_vars:
        assert np.array_equal(base[v].values, other[v].values, equal_nan=True), v
    for c in base.coords:
        assert np.array_equal(base[c].values, other[c].values), c


def test_a_fixed_theory_keeps_the_other_draws(world, base) -> None:  # type: ignore[no-untyped-def]
    fixed = Plan(name="tie", commitments=PLAN.commitments, ties=PLAN.ties,
                 variants={"security_dilemma": "deterrence"})
    ds = fp.simulate(world, fixed, runs=RUNS, years=2, seed=5)
    assert set(ds.coords["theory__security_dilemma"].values) == {"deterrence"}
    assert json.loads(ds.attrs["theory_weights"])["security_dilemma"]["deterrence"] == 1.0
    for c in ("theory__arms", "param__arms.reaction", "theory__alignment"):
        np.testing.assert_array_equal(ds.coords[c].values, base.coords[c].values)
    runs = base.coords["theory__security_dilemma"].values == "deterrence"
    np.testing.assert_array_equal(ds["intent"].values[runs], base["intent"].values[runs])


def test_reweighting_changes_the_mapping_not_the_draws(world, base) -> None:  # type: ignore[no-untyped-def]
    plan = Plan(name="tie", commitments=PLAN.commitments, ties=PLAN.ties,
                theory_weights={"security_dilemma": {"spiral": 0.0, "deterrence": 0.5,
                                                     "signalling": 0.5}})
    ds = fp.simulate(world, plan, runs=RUNS, years=1, seed=5, attribution=False)
    assert "spiral" not in set(ds.coords["theory__security_dilemma"].values)
    np.testing.assert_array_equal(ds.coords["param__theory.security_dilemma"].values,
                                  base.coords["param__theory.security_dilemma"].values)


def test_assign_is_the_inverse_cdf() -> None:
    u = np.array([0.0, 0.2, 0.5, 0.79, 0.8, 0.999])
    got = theories.assign(u, {"a": 0.5, "b": 0.3, "c": 0.2})
    assert list(got) == ["a", "a", "b", "b", "c", "c"]
    assert list(theories.assign(u, {"a": 0.0, "b": 1.0, "c": 0.0})) == ["b"] * 6


def test_bad_weights_in_python_raise_clear_errors() -> None:
    with pytest.raises(ParameterError, match=r"weights of 'arms': weights must sum to 1"):
        theories.effective_weights(weights={"arms": {"relative": 0.5, "absolute": 0.6}})
    with pytest.raises(ParameterError, match=r"unknown theory 'spirl'.*spiral"):
        theories.effective_weights(weights={"security_dilemma": {"spirl": 1.0}})
    with pytest.raises(ParameterError, match=r"not a sampled theory"):
        theories.effective_weights(weights={"threat": {"walt": 1.0}})


HEAD = '[scenario]\nname = "t"\ntitle = "T"\ndescription = "d"\n\n'


@pytest.mark.parametrize(("body", "pattern"), [
    ('[mechanisms]\nvariants = {signal_reading = "spirall"}\n',
     r"t\.toml:\d+: field 'mechanisms\.variants'.*no variant 'spirall'"),
    ('[mechanisms.weights]\nsecurity_dilemma = {spiral = 1.2, deterrence = -0.2, signalling = 0.0}\n',
     r"t\.toml:\d+: field 'mechanisms\.weights'.*non-negative.*deterrence"),
    ('[mechanisms.weights]\narms = {relative = 0.3, absolute = 0.3}\n',
     r"t\.toml:\d+: field 'mechanisms\.weights'.*sum to 1\. Got 0\.6"),
    ('[mechanisms.weights]\nalignment = {balancing = 0.5, hedging = 0.5}\n',
     r"t\.toml:\d+: field 'mechanisms\.weights'.*unknown theory 'hedging'"),
])
def test_scenario_theory_errors_name_file_and_field(tmp_path: Path, body: str, pattern: str) -> None:
    p = tmp_path / "t.toml"
    p.write_text(HEAD + body, encoding="utf-8")
    with pytest.raises(ScenarioError, match=pattern):
        load_scenario(p)


def test_theory_factors_enter_sensitivity_and_discovery_designs(world) -> None:  # type: ignore[no-untyped-def]
    """The factors are design parameters, so Sobol/Morris and PRIM see them with no special case."""
    from flashpoint.analysis.sensitivity import factors_for

    names = {f.name for f in factors_for(PLAN, levers=False)}
    assert {f"theory.{m}" for m in theories.THEORIES} <= names
    units = np.array([0.1, 0.5, 0.9, 0.2])
    ds = fp.simulate(world, PLAN, runs=4, years=1, seed=5, attribution=False,
                     parameters={"theory.security_dilemma": units})
    assert list(ds.coords["theory__security_dilemma"].values) == [
        "spiral", "deterrence", "signalling", "spiral"]
