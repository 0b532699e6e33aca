"""One price basis: spending and GDP in constant 2022 US$, both growing at real rates."""

from __future__ import annotations

import dataclasses

import numpy as np

import flashpoint as fp
from flashpoint.engine.plan import ParamOverride, Plan, Range
from flashpoint.engine.run import RunConfig, run_ensemble
from flashpoint.testing import tiny_world


def _quiet(name: str) -> ParamOverride:
    return ParamOverride(name, Range(0.0, 0.0))


def test_burden_constant_when_spending_and_gdp_grow_at_the_same_real_rate() -> None:
    # Issue 11 plausibility: a state whose spending and GDP grow at the same real
    # rate keeps its burden constant to 1e-9 in the status quo (no reaction, no
    # budget shocks, so the trend is all that moves spending).
    w = tiny_world()
    rate = np.linspace(0.0, 0.06, w.n)
    w = dataclasses.replace(w, milex_trend=rate, gdp_growth=rate,
                            milex_trend_sd=np.zeros(w.n), gdp_growth_sd=np.zeros(w.n))
    # Axis support (North Korean and Chinese supplies) raises Russia's spending for
    # a real reason, so it is switched off with the reactions. The identity is the
    # trend form's (Richardson in log-deviations from trend, arms' `relative` theory);
    # Richardson's money form (`absolute`) moves spending towards its equilibrium instead.
    plan = Plan(name="status_quo", disabled=("axis_support",), variants={"arms": "relative"},
                overrides=tuple(
        _quiet(p) for p in ("arms.noise", "arms.reaction", "arms.threat_response")))
    ds = run_ensemble(w, plan, RunConfig(runs=16, years=10, seed=0))
    # Runs in which a war or blockade cost GDP (interdependence) move the burden
    # for a real reason; every other run must keep it exactly.
    calm = (ds.gdp_loss.max(("time", "actor")) == 0).values
    assert calm.sum() >= 8
    burden = (ds.milex / ds.gdp).values[calm]
    np.testing.assert_allclose(burden, np.broadcast_to(burden[:, :1], burden.shape), rtol=1e-9)
    # ... while spending itself grows at the trend: m(10) / m(0) = exp(10 r).
    growth = (ds.milex.isel(time=-1) / ds.milex.isel(time=0)).values[calm]
    np.testing.assert_allclose(growth, np.broadcast_to(np.exp(10 * rate), growth.shape), rtol=1e-9)


def test_same_seed_same_trends_for_any_chunk_size() -> None:
    w = fp.load_world(2024).to_arrays()
    cfg = RunConfig(runs=12, years=2, seed=5, attribution=False, keep_dyadic=False)
    a = run_ensemble(w, Plan(name="sq"), dataclasses.replace(cfg, chunk_size=12))
    b = run_ensemble(w, Plan(name="sq"), dataclasses.replace(cfg, chunk_size=5))
    for v in ("milex", "gdp"):
        np.testing.assert_array_equal(a[v].values, b[v].values)
    assert a["param__arms.trend_quantile"].std() > 0.2  # sampled per run


def test_result_states_its_units() -> None:
    ds = fp.simulate(tiny_world(), runs=4, years=1, seed=0)
    assert ds.milex.attrs["units"] == "US$ bn/yr, constant 2022 prices"
    assert ds.gdp.attrs["units"] == "US$ bn/yr, constant 2022 prices"
