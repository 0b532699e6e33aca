"""Plausibility of the 2024 status quo: does the baseline look like the world it starts from?

Issue 11's table, each check with the fact it comes from, on
``load_world(year=2024)``, status quo, 300 runs, seed 0, ten years; the
Taiwan row compares ``taiwan_invasion`` with the same runs (same seed, same
parameter design) of the status quo. One ensemble of each is run per module
(fixtures), so the suite costs two 300-run ensembles.

docs/validation.md ("Plausibility of the 2024 status quo") shows the
measured values.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest
import xarray as xr

import flashpoint as fp
from flashpoint.engine.plan import ParamOverride, Plan, Range
from flashpoint.engine.run import RunConfig, run_ensemble
from flashpoint.mechanisms import REGISTRY
from flashpoint.mechanisms.burden_shifting import europe_mask
from flashpoint.world import load_world
from flashpoint.world.arrays import PledgeArrays

pytestmark = pytest.mark.slow

RUNS, SEED, YEARS = 300, 0, 10


@pytest.fixture(scope="module")
def world() -> Any:
    return load_world(year=2024)


@pytest.fixture(scope="module")
def status_quo(world: Any) -> xr.Dataset:
    return fp.simulate(world, None, runs=RUNS, years=YEARS, seed=SEED, attribution=False)


@pytest.fixture(scope="module")
def taiwan_war(world: Any) -> xr.Dataset:
    return fp.simulate(world, "taiwan_invasion", runs=RUNS, years=YEARS, seed=SEED,
                       attribution=False, keep_dyadic=False)


def _actor(ds: xr.Dataset, code: str) -> int:
    return list(ds.actor.values).index(code)


def china_growth(sq: xr.Dataset) -> float:
    """Median over runs of China's mean real spending growth over years 0-5 (1/yr)."""
    m = sq.milex.values[:, :, _actor(sq, "CHN")]
    return float(np.median((m[:, 5] / m[:, 0]) ** (1 / 5) - 1))


def russia_first_year_growth(sq: xr.Dataset) -> float:
    """Median over runs still at war in Ukraine at year 1 of Russia's spending growth in year 1."""
    k = list(sq.flashpoint.values).index("ukraine")
    on = sq.war.values[:, 1, k] > 0.5
    m = sq.milex.values[:, :, _actor(sq, "RUS")]
    return float(np.median(m[on, 1] / m[on, 0] - 1))


def european_burden(sq: xr.Dataset, world: Any, year: int = 6) -> float:
    """Median over runs of European NATO's spending over its GDP in ``year``."""
    eu = europe_mask(world.to_arrays()).astype(bool)
    m, y = sq.milex.values[:, year][:, eu], sq.gdp.values[:, year][:, eu]
    return float(np.median(m.sum(axis=1) / y.sum(axis=1)))


def nato_cohesion_p5(sq: xr.Dataset) -> float:
    """5th percentile over runs of NATO cohesion at the horizon."""
    return float(np.quantile(sq.nato_cohesion.values[:, -1], 0.05))


def ally_sign_flips(sq: xr.Dataset, world: Any) -> float:
    """Share of runs in which a NATO-NATO or treaty-ally dyad's alignment changes sign."""
    arrays = world.to_arrays()
    nato = arrays.membership["NATO"]
    allied = (np.outer(nato, nato) | (arrays.defense > 0) | (arrays.defense.T > 0))
    allied &= ~np.eye(arrays.n, dtype=bool)
    a = sq.alignment.values  # (run, time, actor, counterpart)
    sign0 = np.sign(a[:, :1])
    flipped = (np.sign(a) * sign0 < 0) & allied[None, None]
    return float(np.mean(flipped.any(axis=(1, 2, 3))))


def initial_intent_range(sq: xr.Dataset) -> tuple[float, float]:
    """Smallest and largest off-diagonal perceived intent at t = 0."""
    i0 = sq.intent.values[:, 0]
    off = ~np.eye(i0.shape[1], dtype=bool)
    return float(i0[:, off].min()), float(i0[:, off].max())


def us_taiwan_war_growth(sq: xr.Dataset, tw: xr.Dataset, year: int = 3) -> float:
    """Median over runs of US spending in a Taiwan war over the same run's status quo, minus 1."""
    us = _actor(sq, "USA")
    return float(np.median(tw.milex.values[:, year, us] / sq.milex.values[:, year, us] - 1))


# ----------------------------------------------------------------------------- the checks


def test_china_real_spending_growth_4_to_8_percent(status_quo: xr.Dataset) -> None:
    # SIPRI: China's military spending, constant 2022 US$, 194 bn in 2014 and 309 bn in
    # 2023: 5.3 % a year in real terms.
    assert 0.04 <= china_growth(status_quo) <= 0.08


def test_russia_spending_grows_in_the_first_year_of_war(status_quo: xr.Dataset) -> None:
    # SIPRI: Russia's real spending grew 29 % in 2022 and 24 % in 2023 while the war went on.
    assert russia_first_year_growth(status_quo) >= 0.10


def test_european_nato_burden_in_year_6(status_quo: xr.Dataset, world: Any) -> None:
    # NATO's 2014 Wales and 2023 Vilnius pledges of at least 2 % of GDP; European NATO
    # spent 1.85 % of its GDP in 2023 (SIPRI) and was rising.
    assert european_burden(status_quo, world) >= 0.02


def test_nato_cohesion_5th_percentile(status_quo: xr.Dataset) -> None:
    # No NATO member has left the alliance since 1949 (France left the integrated
    # command 1966-2009 but stayed a member; NATO, 'NATO member countries').
    assert nato_cohesion_p5(status_quo) >= 0.5


def test_allies_do_not_turn_hostile(status_quo: xr.Dataset, world: Any) -> None:
    # ATOP 5.1 / COW: treaty allies very rarely fight or turn into rivals within a decade;
    # no NATO pair has (Greece-Turkey 1974 and 1996 were crises, not a reversal of alignment).
    assert ally_sign_flips(status_quo, world) <= 0.01


def test_initial_intent_strictly_inside_its_bounds(status_quo: xr.Dataset) -> None:
    # engine.initial.INTENT_HEADROOM: a certain belief cannot be revised (Bayes' rule).
    low, high = initial_intent_range(status_quo)
    assert low > 0.0 and high < 0.95


def test_us_spending_three_years_into_a_taiwan_war(status_quo: xr.Dataset,
                                                   taiwan_war: xr.Dataset) -> None:
    # SIPRI: the US burden rose by 1.7 points of GDP in three years of Vietnam (1965-68)
    # and 8.8 points in two years of Korea (1950-52), +40 % and +200 % real.
    assert us_taiwan_war_growth(status_quo, taiwan_war) >= 0.20


def test_burden_constant_when_spending_and_gdp_grow_alike(world: Any) -> None:
    # Identity: s = m / Y is constant when m and Y grow at the same real rate (the trend
    # form of arms, its `relative` theory; no pledges, reactions or budget shocks).
    keep = {"economy", "arms"}
    plan = Plan(name="same_rate", disabled=tuple(n for n in REGISTRY if n not in keep),
                variants={"arms": "relative"},
                overrides=tuple(ParamOverride(name, Range(0.0, 0.0)) for name in
                                ("arms.noise", "arms.reaction", "arms.threat_response")))
    arrays = world.to_arrays()
    g = np.full(arrays.n, 0.02)
    arrays = dataclasses.replace(arrays, milex_trend=g, gdp_growth=g,
                                 milex_trend_sd=np.zeros(arrays.n), gdp_growth_sd=np.zeros(arrays.n),
                                 pledges=PledgeArrays.none(arrays.n))
    ds = run_ensemble(arrays, plan, RunConfig(runs=4, years=YEARS, seed=SEED, attribution=False))
    share = ds.milex.values / ds.gdp.values
    np.testing.assert_allclose(share, np.broadcast_to(share[:, :1], share.shape), rtol=1e-9)
