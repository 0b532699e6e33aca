"""Cross-theatre opportunism decides its claim: the verdict moves both ways across its prior.

"A war over Taiwan raises the hazard of a Russian crisis in the Baltic"
(catalogue ``asian_war_emboldens_russia``, seed 003) is evaluated on the real
engine and the 2024 world twice, with ``deterrence.opportunism`` narrowed to
the low and to the high end of its prior; every other assumption keeps its
prior. Without opportunism the US mobilisation for the war leaves the Baltic
no more exposed, and the claim fails; with strong opportunism it holds.
"""

from __future__ import annotations

import dataclasses

import pytest

import flashpoint as fp
from flashpoint.api import resolve_plan, resolve_world
from flashpoint.claims import evaluate_claim, load_claims
from flashpoint.engine.plan import ParamOverride, Range

RUNS = 60


def _verdict(opportunism: Range):  # type: ignore[no-untyped-def]
    claim = next(c for c in load_claims() if c.id == "asian_war_emboldens_russia")
    world = resolve_world(None)
    override = (ParamOverride("deterrence.opportunism", opportunism),)
    results = {
        name: fp.simulate(world, dataclasses.replace(resolve_plan(name, world), overrides=override),
                          runs=RUNS, years=claim.horizon, seed=0, attribution=False,
                          keep_dyadic=False)
        for name in (claim.scenario, claim.baseline)
    }
    return evaluate_claim(claim, results[claim.scenario], results[claim.baseline])


@pytest.mark.slow
def test_opportunism_decides_the_cross_theatre_claim() -> None:
    none = _verdict(Range(0.0, 0.1))
    strong = _verdict(Range(1.8, 2.0))
    assert strong.share > none.share + 0.4, (none.summary(), strong.summary())
    # without opportunism the effect is inside the band or the other way (the US mobilises)
    # (the pooled verdict: the theory factors may disagree about a null effect)
    assert none.pooled_verdict in ("robustly fails", "fails", "no material effect")
    assert strong.pooled_verdict in ("robustly holds", "holds")
