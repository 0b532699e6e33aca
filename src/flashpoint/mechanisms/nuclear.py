r"""Nuclear build-up: North Korea's warhead stockpile grows, faster under threat.

Theory
------
States build nuclear weapons for security above all (Sagan 1996/97, the
security model): a state facing a superior, hostile coalition it cannot
match conventionally turns to the bomb as its deterrent of last resort.
North Korea's programme is the seeds' case: "North Korea would further
develop its nuclear capacity, correctly seeing it as the essential component
of its deterrence strategy" (seed 004), and China and Russia "have enabled
North Korea's continued nuclear development" (seed 002). The stockpile is a
state variable: it grows at its observed trend, and faster when the threat
North Korea perceives rises above the status quo; warheads once built are
not given up (no disarmament within the horizon). The threat mechanism
reads the stockpile (offensive capability in Walt's balance of threat), so
a build-up feeds back into its neighbours' threat perception.

Equations
---------
For North Korea (index :math:`k`), with total perceived threat
:math:`\Theta_k = \sum_j T_{kj}` (from :mod:`~flashpoint.mechanisms.threat`)
and its status-quo value :math:`\Theta_k(0)` (initial state, no scenario
deployments):

.. math::

    \frac{dW_k}{dt} = g\,\Big[1 + \kappa \max\Big(0,
        \frac{\Theta_k - \Theta_k(0)}{\max(\Theta_k(0), 0.1)}\Big)\Big],

with :math:`g` the trend (warheads per year) and :math:`\kappa` the
elasticity of production to threat; :math:`W` in warheads. Every other
arsenal is held at its t = 0 value.

Assumptions
-----------
* The trend is the FAS 2015-2023 average; production can accelerate under
  threat but is not reduced below the trend by reassurance (the programme
  is written into law and doctrine; seed 004 sees no prospect of reversal).
* The other nuclear states' stockpiles are constant: their changes are
  driven by arms control and strategic competition outside these seeds.

References
----------
Sagan, S. D. (1996/97). Why do states build nuclear weapons? Three models in
search of a bomb. *International Security* 21(3), 54-86. doi:10.2307/2539273
Kristensen, H. M., Korda, M., Reynolds, E. & Norris, R. (2023). *Status of
World Nuclear Forces*. Federation of American Scientists (series processed by
Our World in Data).
Walt, S. M. (1987). *The Origins of Alliances*. Cornell University Press.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from flashpoint._types import FloatArray
from flashpoint.contract import State
from flashpoint.mechanisms._protocol import Context, Draws, Effect, Mechanism
from flashpoint.mechanisms.threat import baseline_threat, current_threat
from flashpoint.params import Parameter

__all__ = ["MECHANISM", "PARAMETERS", "step"]

#: The actor whose stockpile grows (ISO3).
BUILDER = "PRK"

PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "nuclear.trend", "North Korea's warhead production at the status-quo threat (g)",
        "warheads/year", 3.0, 1.0, 6.0,
        "FAS estimates (Kristensen et al., via Our World in Data): North Korea 5 warheads in "
        "2015, 30 in 2023, about 3 a year on average; 1 (a slowdown) to 6 (above the 2021-23 "
        "pace of 5 a year).",
    ),
    Parameter(
        "nuclear.threat_response",
        "elasticity kappa of warhead production to perceived threat above the status quo",
        "dimensionless", 1.0, 0.0, 3.0,
        "seed 004: Pyongyang would 'further develop its nuclear capacity' in answer to a NATO+IP4 "
        "partnership; Sagan 1996/97 security model; rationale: 0 (production capacity-bound, "
        "threat-insensitive) to tripling the added pace per doubling of threat.",
    ),
)


def step(state: State, derived: Mapping[str, FloatArray], ctx: Context, draws: Draws) -> Effect:
    """Change ``warheads`` (R, N): North Korea's stockpile grows (see module docstring)."""
    world = ctx.world
    d_w = np.zeros_like(state.warheads)
    if not world.has(BUILDER):
        return Effect(deltas={"warheads": d_w})
    k = world.index(BUILDER)
    _, t = current_threat(state, derived, ctx)
    theta = np.sum(t[:, k, :], axis=-1)  # (R,)
    theta0 = np.sum(baseline_threat(ctx)[:, k, :], axis=-1)
    rise = np.maximum(0.0, (theta - theta0) / np.maximum(theta0, 0.1))
    rate = ctx.params["nuclear.trend"] * (1.0 + ctx.params["nuclear.threat_response"] * rise)
    d_w[:, k] = ctx.dt * rate
    return Effect(deltas={"warheads": d_w})


MECHANISM = Mechanism(
    name="nuclear",
    title="Nuclear build-up: North Korea's warhead stockpile under threat (Sagan's security model)",
    references=(
        "Sagan 1996/97, Int. Security 21(3):54-86, doi:10.2307/2539273",
        "Kristensen, Korda, Reynolds & Norris 2023, FAS Status of World Nuclear Forces",
        "Walt 1987, The Origins of Alliances, Cornell University Press",
    ),
    parameters=PARAMETERS,
    writes=("warheads",),
    provides=(),
    reads=("threat", "power"),
    step=step,
    equations=(
        "dW_PRK/dt = g [1 + kappa max(0, (Theta - Theta0) / max(Theta0, 0.1))], Theta = sum_j T_PRK,j",
    ),
)
