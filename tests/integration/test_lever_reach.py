"""Every lever reaches the state it names (issue 11.5), and the NATO-in-Asia levers move
China's perceived intent only through the theory drawn (issue 13.1)."""

from __future__ import annotations

import numpy as np
import pytest

import flashpoint as fp
from flashpoint.engine.apply import lever_ranges
from flashpoint.engine.plan import Range
from flashpoint.engine.state import FIELDS
from flashpoint.scenarios import LEVERS, compile_scenario, parse_scenario

RUNS = 6
#: Each reading of the security dilemma and signal reading twice (unit draws of the factor).
THEORY_UNITS = np.array([0.1, 0.5, 0.9, 0.1, 0.5, 0.9])
#: Levers with a magnitude scale; the others (bounds a single point, e.g. taiwan_invasion:
#: State.war is an indicator) are the event itself and are checked against the status quo.
SCALED = sorted(n for n in LEVERS if LEVERS[n].bounds[0] < LEVERS[n].bounds[1])
EVENTS = sorted(n for n in LEVERS if n not in SCALED)


@pytest.fixture(scope="module")
def world():  # type: ignore[no-untyped-def]
    from flashpoint.world import load_world

    return load_world(2024).to_arrays()


def _plan(name: str, world):  # type: ignore[no-untyped-def]
    text = f'[scenario]\nname = "{name}"\ntitle = "t"\n\n[[lever]]\nlever = "{name}"\n'
    return compile_scenario(parse_scenario(text), world)


def _levels(name: str) -> list[float]:
    lo, hi = LEVERS[name].effect
    if lo == hi:
        lo, hi = LEVERS[name].bounds
    return [lo, 0.5 * (lo + hi), hi]


def _finals(world, plan, levers=None) -> np.ndarray:  # type: ignore[no-untyped-def]
    ds = fp.simulate(world, plan, runs=RUNS, years=3, seed=0, dt=0.5, fixed_params=True,
                     attribution=False, levers=levers,
                     parameters={"theory.security_dilemma": THEORY_UNITS})
    return np.concatenate([ds[f].values.reshape(RUNS, -1).mean(0) for f in FIELDS])


@pytest.mark.slow
@pytest.mark.parametrize("name", SCALED)
def test_each_lever_magnitude_moves_a_state_field_monotonically(name: str, world) -> None:  # type: ignore[no-untyped-def]
    """Parameters at their defaults; the runs cover the spiral, deterrence and signalling
    readings (the magnitude must move the state under at least one of them). A shock's
    magnitude is the coordinate of its headline range (a blockade's tightness, a crisis's
    intensity), set through ``levers`` like any other."""
    plan = _plan(name, world)
    headline = Range(*LEVERS[name].effect)
    labels = [label for label, rng in lever_ranges(plan).items() if rng == headline]
    assert labels, f"{name}: no lever coordinate carries the headline effect"
    finals = []
    for level in _levels(name):
        finals.append(_finals(world, plan, {label: np.full(RUNS, level) for label in labels}))
    a, b, c = finals
    up = (b - a > 1e-9) & (c - b > 1e-9)
    down = (a - b > 1e-9) & (b - c > 1e-9)
    assert np.any(up | down), f"{name}: its magnitude moves no state field monotonically"


@pytest.mark.slow
@pytest.mark.parametrize("name", EVENTS)
def test_each_lever_without_a_magnitude_moves_the_state(name: str, world) -> None:  # type: ignore[no-untyped-def]
    """A lever whose effect is the event itself (no magnitude to vary: its bounds are one
    point, so a scenario cannot ask for a magnitude the engine would ignore) moves the state
    away from the status quo of the same runs."""
    lo, hi = LEVERS[name].bounds
    assert LEVERS[name].effect == (lo, hi)
    diff = np.abs(_finals(world, _plan(name, world)) - _finals(world, None))
    assert np.any(diff > 1e-9), f"{name}: the event moves no state field"


@pytest.mark.slow
def test_partnership_moves_china_opposite_ways_under_spiral_and_deterrence(world) -> None:  # type: ignore[no-untyped-def]
    """No relation bump in the lever: China's perceived intent of NATO and the IP4 still moves,
    up under the spiral reading and down under the deterrence reading."""
    plan = _plan("nato_ip4_partnership", world)
    assert not plan.relation_shocks
    base = fp.simulate(world, None, runs=60, years=3, seed=0, attribution=False)
    ds = fp.simulate(world, plan, runs=60, years=3, seed=0, attribution=False)
    iso = list(world.iso3)
    chn = iso.index("CHN")
    west = [iso.index(c) for c in ("DEU", "FRA", "GBR", "JPN", "AUS", "KOR")]
    d = (ds["intent"].values[:, -1, chn][:, west] - base["intent"].values[:, -1, chn][:, west])
    theory = ds.coords["theory__security_dilemma"].values
    assert d[theory == "spiral"].mean() > 0.01
    assert d[theory == "deterrence"].mean() < -0.01
