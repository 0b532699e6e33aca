"""The engine: determinism, chunk invariance, bounds, attribution, plans."""

import numpy as np
import pytest

import flashpoint as fp
from flashpoint.engine.plan import (
    Commitment,
    ParamOverride,
    Plan,
    Presence,
    Range,
    RelationShock,
    Shock,
    Signal,
    SpendingFloor,
    TradeChange,
)
from flashpoint.errors import ParameterError, UnknownActorError
from flashpoint.testing import tiny_world


@pytest.fixture(scope="module")
def world():
    return tiny_world()


@pytest.fixture(scope="module")
def base(world):
    return fp.simulate(world, runs=24, years=3, seed=3)


def _equal(a, b) -> bool:
    return all(np.array_equal(a[v].values, b[v].values, equal_nan=True) for v in a.data_vars)


def test_same_seed_same_numbers(world, base) -> None:
    again = fp.simulate(world, runs=24, years=3, seed=3)
    assert _equal(base, again)


@pytest.mark.parametrize("chunk", [1, 5, 7, 24])
def test_chunking_does_not_change_results(world, base, chunk) -> None:
    assert _equal(base, fp.simulate(world, runs=24, years=3, seed=3, chunk_size=chunk))


def test_other_seed_other_numbers(world, base) -> None:
    other = fp.simulate(world, runs=24, years=3, seed=4)
    assert not np.array_equal(base.milex.values, other.milex.values)


def test_labels_and_provenance(world, base) -> None:
    assert base.sizes["run"] == 24 and base.sizes["time"] == 4
    assert list(base.actor.values) == list(world.iso3)
    assert base.attrs["world_digest"] == world.digest()
    assert base.attrs["seed"] == 3
    assert any(c.startswith("param__arms.") for c in base.coords)


def test_metrics_in_range(base) -> None:
    for name in ("credibility", "crisis_hazard", "war_hazard", "war_risk"):
        v = base[name].values
        assert np.all((v >= 0) & (v <= 1)), name
    assert np.all(base.milex.values > 0)
    share = base.milex / base.gdp
    assert float(share.max()) < 0.5
    a = base.alignment.values
    assert np.allclose(a, np.swapaxes(a, -1, -2))
    assert np.all(np.abs(a) <= 1)


def test_war_risk_is_cumulative(base) -> None:
    assert np.all(np.diff(base.war_risk.values, axis=1) >= -1e-12)


@pytest.mark.parametrize("metric", ["arms_race_index", "axis_cohesion", "credibility",
                                    "european_security", "hedger_alignment"])
def test_attribution_sums_to_total_change(base, metric) -> None:
    parts = base[f"attribution__{metric}"].sum("mechanism")
    change = base[metric] - base[metric].isel(time=0)
    np.testing.assert_allclose(parts.values, change.values, atol=1e-10)


def test_fixed_params_use_defaults(world) -> None:
    ds = fp.simulate(world, runs=3, years=1, seed=0, fixed_params=True, attribution=False)
    from flashpoint.engine.context import all_parameters

    p = all_parameters()[0]
    assert np.all(ds[f"param__{p.name}"].values == p.default)


def test_common_random_numbers_across_scenarios(world, base) -> None:
    plan = Plan(name="x", signals=(Signal(("USA",), ("CHN",), Range(0.2, 0.6)),))
    ds = fp.simulate(world, plan, runs=24, years=3, seed=3)
    for c in base.coords:
        if c.startswith("param__"):
            assert np.array_equal(ds[c].values, base[c].values)
    assert any(c.startswith("lever__") for c in ds.coords)


def test_war_shock_raises_gdp_loss_and_war(world, base) -> None:
    # Without mobilisation's termination hazard a war, once started, goes on.
    plan = Plan(name="war", shocks=(Shock("war", at=0.0, flashpoint="taiwan_strait"),),
                disabled=("mobilisation",))
    ds = fp.simulate(world, plan, runs=24, years=3, seed=3)
    k = list(ds.flashpoint.values).index("taiwan_strait")
    assert np.all(ds.war.values[:, 1:, k] == 1)
    assert float(ds.gdp_loss_world.isel(time=-1).mean()) > float(base.gdp_loss_world.isel(time=-1).mean())


def test_blockade_ends_after_its_duration(world) -> None:
    plan = Plan(name="b", shocks=(Shock("blockade", at=0.0, flashpoint="taiwan_strait", duration=2.0),))
    ds = fp.simulate(world, plan, runs=4, years=3, seed=0, attribution=False)
    k = list(ds.flashpoint.values).index("taiwan_strait")
    assert np.all(ds.blockade.values[:, 1, k] == 1)
    assert np.all(ds.blockade.values[:, 3, k] == 0)


def test_spending_floor_raises_european_spending(world, base) -> None:
    plan = Plan(name="f", spending_floors=(SpendingFloor(("DEU", "LTU"), Range(0.03, 0.035), ramp=1.0),))
    ds = fp.simulate(world, plan, runs=24, years=3, seed=3)
    deu = (ds.milex.sel(actor="DEU") / ds.gdp.sel(actor="DEU")).isel(time=-1)
    deu0 = (base.milex.sel(actor="DEU") / base.gdp.sel(actor="DEU")).isel(time=-1)
    assert float((deu - deu0).min()) > 0


def test_all_primitives_apply(world) -> None:
    plan = Plan(
        name="all",
        commitments=(Commitment(("NATO",), ("IP4",), Range(0.2, 0.5), start=1.0),),
        presences=(Presence(("DEU",), "indo_pacific", Range(0.02, 0.05),
                            flashpoints=("taiwan_strait",), visibility=Range(0.5, 1.0)),),
        trade=(TradeChange(("CHN",), ("LTU",), Range(0.1, 0.3)),),
        relation_shocks=(RelationShock("tension", ("RUS",), ("NATO",), Range(0.1, 0.2), at=0.5),),
        overrides=(ParamOverride("arms.reaction", Range(0.05, 0.06)),),
        shocks=(Shock("retrenchment", at=1.0, magnitude=Range(0.3, 0.6)),),
    )
    ds = fp.simulate(world, plan, runs=6, years=2, seed=1)
    assert float(ds["param__arms.reaction"].min()) >= 0.05
    rus_deu = ds.tension.sel(actor="RUS", counterpart="DEU")
    base = fp.simulate(world, runs=6, years=2, seed=1)
    assert float((rus_deu - base.tension.sel(actor="RUS", counterpart="DEU")).isel(time=1).min()) > 0


def test_unknown_actor_in_plan_suggests(world) -> None:
    plan = Plan(name="bad", signals=(Signal(("USB",), ("CHN",), Range(0.1, 0.2)),))
    with pytest.raises(UnknownActorError, match="USA"):
        fp.simulate(world, plan, runs=2, years=1)


def test_bad_override_names_parameter(world) -> None:
    plan = Plan(name="bad", overrides=(ParamOverride("arms.reacton", Range(0.1, 0.2)),))
    with pytest.raises(ParameterError, match=r"arms\.reaction"):
        fp.simulate(world, plan, runs=2, years=1)


def test_bad_config_is_rejected(world) -> None:
    with pytest.raises(ParameterError, match="runs: expected an ensemble of 1 to"):
        fp.simulate(world, runs=0)
    with pytest.raises(ParameterError, match="dt: expected a month, quarter"):
        fp.simulate(world, runs=2, dt=0.3)


def test_disabling_a_mechanism_removes_its_effect(world) -> None:
    plan = Plan(name="no-arms", disabled=("arms",))
    ds = fp.simulate(world, plan, runs=4, years=2, seed=0)
    assert np.allclose(ds.attribution__arms_race_index.sel(mechanism="arms").values, 0)


def test_yearly_steps(world) -> None:
    ds = fp.simulate(world, runs=4, years=3, seed=0, dt=1.0)
    assert ds.sizes["time"] == 4


def test_float32_is_deterministic_chunk_invariant_and_close_to_float64(world, base) -> None:
    a = fp.simulate(world, runs=24, years=3, seed=3, precision="float32")
    b = fp.simulate(world, runs=24, years=3, seed=3, precision="float32", chunk_size=5)
    assert _equal(a, b)
    for name in ("milex", "alignment", "credibility", "war_risk", "european_security"):
        np.testing.assert_allclose(a[name].values, base[name].values, rtol=1e-4, atol=1e-5)


def test_bad_precision_is_rejected(world) -> None:
    with pytest.raises(ParameterError, match="precision must be"):
        fp.simulate(world, runs=2, years=1, precision="float16")


def test_blockade_magnitude_is_its_tightness(world) -> None:
    tight = Range.fixed(0.4)
    plan = Plan(name="q", shocks=(Shock("blockade", at=0.0, magnitude=tight,
                                        flashpoint="taiwan_strait", duration=2.0),))
    ds = fp.simulate(world, plan, runs=4, years=1, seed=0, attribution=False, dt=1.0)
    k = list(ds.flashpoint.values).index("taiwan_strait")
    np.testing.assert_allclose(ds.blockade.values[:, 1, k], 0.4)
