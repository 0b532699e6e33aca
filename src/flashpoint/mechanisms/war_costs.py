r"""GDP costs of a war or a blockade at each flashpoint, by country.

The only published country-by-country estimate the sources cite is Bloomberg
Economics' for a war over Taiwan (Welch, Leonard, Cousin et al., January
2024; seed 003: "shaving up to $10 trillion off global GDP"). Its headline
figures, as the loss of GDP in the first year relative to a no-conflict
baseline, are used exactly:

============ ======= =========
economy      war     blockade
============ ======= =========
world        10.2 %  5.0 %
Taiwan       40.0 %  12.2 %
China        16.7 %  8.9 %
United States 6.7 %  3.3 %
============ ======= =========

Other countries (Taiwan flashpoint)
    Scaled from the world figure :math:`W` by trade exposure to the belligerents,
    :math:`x_i = s_{i,CHN} + s_{i,TWN}` (row trade shares):

    .. math:: L_i = \min\big(L_{TWN},\; W\,x_i / \bar x\big),
              \qquad \bar x = \frac{\sum_{k \in O} Y_k x_k}{\sum_{k \in O} Y_k},

    the GDP-weighted (:math:`Y`) mean exposure over the other countries
    :math:`O`, so that (before the cap) the other countries together lose
    exactly the world share :math:`W`. A country with twice the average
    exposure loses twice the world figure.

Other flashpoints
    No comparable published estimate exists. By assumption the target (the
    battleground) loses the Taiwan figure :math:`L_{TWN}`, the challenger the
    China figure :math:`L_{CHN}`, and the world figure is scaled by the
    belligerents' economic size relative to China and Taiwan,

    .. math:: W_f = W \, \min\Big(1, \frac{Y_c + \sum_{j \in T_f} Y_j}{Y_{CHN} + Y_{TWN}}\Big),

    distributed over the other countries by their exposure to the challenger
    and targets, :math:`x^f_i = s_{i,c} + \sum_{j\in T_f} s_{i,j}`, as above.
    Rationale: the world cost of a Taiwan war comes from the size of China's
    economy and its trade; a war involving smaller economies disrupts less,
    and no flashpoint is assumed to cost the world more than the Taiwan war
    (the largest case analysed, with the semiconductor supply at stake).
    This is a judgement with a wide uncertainty, carried by the parameter
    ``interdependence.war_cost_scale`` that multiplies every entry. In a world
    without China or Taiwan the size ratio is taken as 1.

Wars being fought at the world's date
    A war that is a state of the starting world (``FlashpointArrays.at_war``,
    e.g. Russia-Ukraine in the 2022-2024 worlds) costs nothing more: its
    losses are already in the observed GDP the world starts from (Ukraine's
    GDP fell by about 29 % in 2022, World Bank), so its rows are zero rather
    than charged a second time. The recovery after such a war ends is not
    modelled.

References
----------
Welch, J., Leonard, J., Cousin, M., et al. (2024). War over Taiwan would cost
the world economy $10 trillion. Bloomberg Economics, January 2024.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from flashpoint._types import FloatArray
from flashpoint.world.arrays import WorldArrays
from flashpoint.world.flashpoints import FlashpointArrays

__all__ = ["BLOOMBERG_2024", "WarCostTable", "war_cost_table"]

#: Bloomberg Economics (January 2024), GDP loss fractions (war, blockade).
BLOOMBERG_2024: dict[str, tuple[float, float]] = {
    "world": (0.102, 0.050),
    "TWN": (0.400, 0.122),
    "CHN": (0.167, 0.089),
    "USA": (0.067, 0.033),
}
#: The flashpoint the Bloomberg figures describe.
TAIWAN = "taiwan_strait"


class WarCostTable(NamedTuple):
    """GDP loss fractions ``(F, N)`` for a war and for a blockade at each flashpoint."""

    war: FloatArray
    blockade: FloatArray


class WarCostInputs(NamedTuple):
    """The world arrays the table needs (GDP, trade shares, codes)."""

    gdp: FloatArray
    trade_share: FloatArray


def _spread(world: WarCostInputs, exposure: FloatArray, total: float, named: FloatArray,
            cap: float) -> FloatArray:
    """Losses of the countries not in ``named``: ``total`` scaled by relative exposure."""
    others = ~named.astype(bool)
    weights = world.gdp * others
    mean = float(np.sum(weights * exposure) / np.sum(weights)) if np.sum(weights) > 0 else 0.0
    rel = exposure / mean if mean > 0 else np.ones_like(exposure)
    return np.where(others, np.minimum(cap, total * rel), 0.0)


def war_cost_table(world: WorldArrays, flashpoints: FlashpointArrays) -> WarCostTable:
    """GDP loss fractions by flashpoint and country at ``war_cost_scale = 1``.

    Parameters
    ----------
    world : the world arrays (GDP, trade shares, codes).
    flashpoints : the flashpoints resolved against ``world``.

    Returns
    -------
    WarCostTable
        ``war`` and ``blockade``, each ``(F, N)`` in [0, 1). The Taiwan Strait
        row reproduces the Bloomberg Economics figures for TWN, CHN and USA; rows
        of flashpoints at war at the world's date are zero (see module docstring).
    """
    n, f = world.n, flashpoints.f
    inputs = WarCostInputs(gdp=np.asarray(world.gdp, dtype=np.float64),
                           trade_share=np.asarray(world.trade_share, dtype=np.float64))
    has_ref = world.has("CHN") and world.has("TWN")
    ref_size = (float(world.gdp[world.index("CHN")] + world.gdp[world.index("TWN")])
                if has_ref else 0.0)
    tables = []
    for column in (0, 1):  # war, blockade
        w_world = BLOOMBERG_2024["world"][column]
        l_twn = BLOOMBERG_2024["TWN"][column]
        l_chn = BLOOMBERG_2024["CHN"][column]
        l_usa = BLOOMBERG_2024["USA"][column]
        out = np.zeros((f, n))
        for k in range(f):  # flashpoints (F <= 5), not actors or runs
            c = int(flashpoints.challenger[k])
            belligerent = flashpoints.targets[k].astype(np.float64)
            belligerent[c] = 1.0
            exposure = inputs.trade_share @ belligerent
            named = belligerent.copy()
            if flashpoints.ids[k] == TAIWAN:
                if world.has("USA"):
                    named[world.index("USA")] = 1.0
                row = _spread(inputs, exposure, w_world, named, l_twn)
                if world.has("USA"):
                    row[world.index("USA")] = l_usa
            else:
                size = float(inputs.gdp @ belligerent)
                ratio = min(1.0, size / ref_size) if ref_size > 0 else 1.0
                row = _spread(inputs, exposure, w_world * ratio, named, l_twn)
            row = np.where(flashpoints.targets[k], l_twn, row)
            row[c] = l_chn
            out[k] = 0.0 if flashpoints.at_war[k] else row
        tables.append(out)
    return WarCostTable(war=tables[0], blockade=tables[1])
