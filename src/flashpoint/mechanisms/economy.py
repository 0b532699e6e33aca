r"""Economy: each actor's real GDP grows at its own estimated trend.

Theory
------
The arms mechanism bounds military spending by a share of GDP, and the
burden (spending / GDP) is what pledges and ceilings are stated in; over a
multi-year horizon GDP must therefore grow, and in the same prices as
spending. Growth itself is not modelled: GDP follows an exogenous real
trend, and the losses from war and blockade enter separately through the
interdependence mechanism.

Equations
---------
::

    d gdp_i / dt = g_i * gdp_i,      g_i = mu_i + sd_i * Phi^-1(q_g)

integrated exactly over a step (``gdp_i * (exp(g_i dt) - 1)``), with ``gdp``
in constant 2022 US$ bn/yr (the price basis of SIPRI's spending, see
``scripts/build_world.py``), ``g_i`` the real growth rate (1/yr), ``mu_i``
and ``sd_i`` the posterior mean and sd of the actor's growth over the last
decade, shrunk towards its theatre (:mod:`flashpoint.world.trends`,
empirical Bayes), and ``q_g`` the run's quantile (``economy.growth_quantile``).
A state whose spending grows at the same real rate keeps its burden
constant.

Assumptions
-----------
* Growth is real, in constant 2022 US$; no inflation enters any quantity, so
  a floor or ceiling stated as a share of GDP means the same in every year.
* Each actor keeps its last-decade trend (shrunk by partial pooling) for the
  horizon; the uncertainty is the posterior of that estimate, sampled at one
  quantile per run for every actor (comonotone: aggregate bands are wide).

References
----------
Morris, C. N. (1983). Parametric empirical Bayes inference: theory and
    applications. *JASA* 78(381), 47-55. doi:10.1080/01621459.1983.10477920
World Bank, World Development Indicators, GDP (current US$) NY.GDP.MKTP.CD;
    SIPRI Military Expenditure Database 2023 (constant 2022 US$).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from flashpoint._types import FloatArray
from flashpoint.contract import State
from flashpoint.mechanisms._protocol import Context, Draws, Effect, Mechanism
from flashpoint.params import Parameter

__all__ = ["MECHANISM", "PARAMETERS", "UNITS", "growth_rate", "step", "trends"]

#: Units of the quantities this mechanism reads and writes.
UNITS = {
    "gdp": "US$ bn/yr, constant 2022 prices",
    "gdp_growth": "1/yr (real)",
    "economy.growth_quantile": "quantile of the posterior growth",
}

PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        name="economy.growth_quantile",
        meaning="per-run quantile q_g of every actor's posterior real GDP growth g_i "
        "(flashpoint.world.trends); g_i = mu_i + sd_i * Phi^-1(q_g)",
        unit="quantile",
        default=0.5,
        low=0.005,
        high=0.995,
        source=(
            "the posterior of each actor's real growth is an empirical-Bayes estimate "
            "from its World Bank / IMF GDP of the last decade in constant 2022 US$, "
            "shrunk towards its theatre (Morris 1983); the range is the central 99 % "
            "of that posterior."
        ),
    ),
)


def trends(world_year: int):  # type: ignore[no-untyped-def]
    """Every state's real spending trend and GDP growth known in ``world_year``.

    See :func:`flashpoint.world.trends.trends` (a ``pandas.DataFrame`` indexed
    by ISO3, using data up to ``min(world_year, 2023)`` only).
    """
    from flashpoint.world.trends import trends as _trends

    return _trends(world_year)


def growth_rate(ctx: Context) -> FloatArray:
    """Each run's real GDP growth ``g_i`` (R, N), 1/yr."""
    from flashpoint.mechanisms.arms import _posterior

    return np.asarray(ctx.cached("economy.growth_rate", lambda: _posterior(
        ctx.world.gdp_growth, ctx.world.gdp_growth_sd, ctx.p("economy.growth_quantile", 2),
        ctx.initial.gdp.dtype)))


def step(state: State, derived: Mapping[str, FloatArray], ctx: Context, draws: Draws) -> Effect:
    """Grow ``gdp`` at the real trend: ``delta = gdp * (exp(g dt) - 1)``."""
    return Effect(deltas={"gdp": state.gdp * np.expm1(ctx.dt * growth_rate(ctx))})


MECHANISM = Mechanism(
    name="economy",
    title="Economy: real GDP growth at each actor's estimated trend",
    references=(
        "Morris, C. N. (1983). Parametric empirical Bayes inference: theory and applications. "
        "JASA 78(381), 47-55. doi:10.1080/01621459.1983.10477920",
        "World Bank, World Development Indicators, GDP (current US$) NY.GDP.MKTP.CD.",
        "SIPRI Military Expenditure Database 2023 (constant 2022 US$).",
    ),
    parameters=PARAMETERS,
    writes=("gdp",),
    provides=(),
    reads=(),
    step=step,
    variants=("trend",),
    equations=("d gdp_i/dt = g_i gdp_i,  g_i = mu_i + sd_i Phi^-1(q_g)",),
)
