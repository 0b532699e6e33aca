r"""Economy: exogenous trend growth of GDP, so the economic bound on arming moves.

Theory
------
The arms mechanism bounds military spending by a share of GDP; over a
multi-year horizon that bound must grow with the economy. Growth itself is
not modelled: GDP follows an exogenous trend, and the losses from war and
blockade enter separately through the interdependence mechanism.

Equations
---------
::

    d gdp_i / dt = g * gdp_i

with ``gdp`` in US$ bn/yr (current prices) and ``g`` the nominal trend
growth rate (1/yr), the same for every actor.

Assumptions
-----------
* One world growth rate: differences between economies are second-order
  for the defence-burden bound over a decade.
* Growth is nominal in US dollars (real growth plus US$ inflation),
  matching the current-price GDP of the world data; military spending is
  in constant 2022 US$, so the computed burden falls slowly with inflation,
  as it does in the published burden series when budgets are flat in real
  terms.

References
----------
International Monetary Fund (2022). *World Economic Outlook: Countering the
    Cost-of-Living Crisis*. October 2022. Washington, DC: IMF.
"""

from __future__ import annotations

from collections.abc import Mapping

from flashpoint._types import FloatArray
from flashpoint.engine.state import State
from flashpoint.mechanisms._protocol import Context, Draws, Effect, Mechanism
from flashpoint.params import Parameter

__all__ = ["MECHANISM", "PARAMETERS", "step"]

PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        name="economy.growth",
        meaning="nominal trend growth g of GDP in current US$",
        unit="1/year",
        default=0.045,
        low=0.02,
        high=0.07,
        source=(
            "IMF World Economic Outlook, October 2022: world real growth "
            "forecast of 2.7 % for 2023; rationale: adding US$ inflation of "
            "about 2 % gives ~4.5 % nominal; the range allows slower real growth "
            "or a stronger dollar (2 %) and higher inflation (7 %)."
        ),
    ),
)


def step(state: State, derived: Mapping[str, FloatArray], ctx: Context, draws: Draws) -> Effect:
    """Grow ``gdp`` at the trend rate: ``delta = dt * g * gdp``."""
    return Effect(deltas={"gdp": ctx.dt * ctx.p("economy.growth", 2) * state.gdp})


MECHANISM = Mechanism(
    name="economy",
    title="Economy: exogenous trend growth of GDP",
    references=(
        "International Monetary Fund (2022). World Economic Outlook: Countering the "
        "Cost-of-Living Crisis. October 2022.",
    ),
    parameters=PARAMETERS,
    writes=("gdp",),
    provides=(),
    reads=(),
    step=step,
    variants=("trend",),
    equations=("d gdp_i/dt = g gdp_i",),
)
