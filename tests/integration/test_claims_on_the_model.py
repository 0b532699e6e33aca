"""A claim's verdict comes from the model: changing a deciding assumption moves it.

Scenario discovery on the default assessment found that "NATO engagement binds
China and Russia closer together" (seed 000) fails when the hedging rate (how
much China's trade with the states Russia opposes holds back its alignment with
Russia) is high. Against the claim's materiality band most runs now show no
material effect at either end of the range, but the share of runs with a
material rise and the sign of the median still move with that one assumption. Here the same claim is evaluated on the real engine and the
default world twice, with that one prior range narrowed to its low and to its
high end; every other assumption keeps its prior. The verdict must move.
"""

from __future__ import annotations

import dataclasses

import pytest

import flashpoint as fp
from flashpoint.api import resolve_plan, resolve_world
from flashpoint.claims import evaluate_claim, load_claims
from flashpoint.engine.plan import ParamOverride, Range

RUNS = 48


def _verdict(hedging: Range):
    claim = next(c for c in load_claims() if c.id == "engagement_binds_china_russia")
    world = resolve_world(None)
    override = (ParamOverride("alignment.hedging", hedging),)
    plans = {
        name: dataclasses.replace(resolve_plan(name, world), overrides=override)
        for name in (claim.scenario, claim.baseline)
    }
    results = {
        name: fp.simulate(world, plan, runs=RUNS, years=claim.horizon, seed=0, dt=0.5,
                          attribution=False, keep_dyadic=False)
        for name, plan in plans.items()
    }
    return evaluate_claim(claim, results[claim.scenario], results[claim.baseline])


@pytest.mark.slow
def test_hedging_assumption_decides_the_china_russia_claim() -> None:
    weak = _verdict(Range(0.0, 0.1))
    strong = _verdict(Range(1.5, 2.0))
    # The partnership no longer writes the axis's intent and tension (signal_reading
    # reads it under the theory each run draws, issue 13), and effects are judged on the
    # materiality band (0.02 alignment points): the hedging rate still moves the share of
    # runs with a material rise by more than 0.15 and the median effect downwards.
    assert weak.share > strong.share + 0.15, (weak.summary(), strong.summary())
    assert weak.effect_p95 > 0.02
    assert weak.median_difference > strong.median_difference
