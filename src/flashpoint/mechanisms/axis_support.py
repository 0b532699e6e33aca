r"""Axis material support: North Korean munitions and Chinese dual-use goods raise Russia's capacity.

Theory
------
Alliance and alignment ties transfer capability: a patron's arms and
industrial inputs substitute for the client's own military spending
(Morrow 1991, the security-autonomy trade-off; Kinsella 1994 on arms
transfers and conflict). The seeds' "Axis of Upheaval" works this way:
"China and North Korea have each enabled Russia to prosecute its ongoing war
of aggression against Ukraine through active commercial exchanges and
supplies of weapons, respectively" (seed 002), and a NATO+IP4 partnership
"would likely strengthen military cooperation between China, Russia, and
North Korea" (seed 004). The support is taken to scale with the supplier's
alignment with Russia and with the threat the supplier perceives, so that whatever binds the axis closer (balancing
against bloc formation in :mod:`~flashpoint.mechanisms.alignment`) also
arms Russia, and whatever loosens it disarms Russia.

Equations
---------
Support to Russia (R) from supplier :math:`k \in \{CHN, PRK\}`, in US$ bn/yr
of military spending equivalent:

.. math::

    S_k = v_k\,\ell_k\,\Big[1 + \xi \max\Big(0, \frac{\Theta_k - \Theta_k(0)}
          {\max(\Theta_k(0), 0.1)}\Big)\Big]\frac{\max(0, a_{Rk})}{\max(a_{Rk}(0), 0.05)},

with :math:`v_k` the observed value of the support at the initial alignment
(North Korean munitions and missiles; Chinese high-priority dual-use goods),
:math:`\ell_k` its leverage (capacity-equivalent per dollar: 1 for finished
munitions, ``axis_support.leverage`` for components Russia cannot make
itself), and :math:`\Theta_k = \sum_j T_{kj}` the threat the supplier perceives
(:mod:`~flashpoint.mechanisms.threat`; :math:`\Theta_k(0)` in the status quo):
a supplier that feels more threatened by the West does more to keep Russia
fighting it (Walt 1987). The support received departs from the status quo by
:math:`\Delta S = \sum_k (S_k - S_k(0))`, and Russia's military spending moves by

.. math::

    \Delta m_R = \Delta t\; a\; \Delta S,

with :math:`a` the Richardson fatigue rate of :mod:`~flashpoint.mechanisms.arms`
(``arms.fatigue``): the arms mechanism pulls spending back to its path at rate
:math:`a`, so in steady state the support adds exactly :math:`\Delta S` to
Russia's effective spending (and to its forces, threat and local balance).
The status-quo support is already in the observed spending (anomaly form).

Assumptions
-----------
* Transfers do not reduce the suppliers' own capacity (North Korea's shells
  come from stocks and idle factories: "hundreds of North Korean munitions
  factories" ran at about 30 per cent capacity, S. Korean defence minister
  Shin Won-sik, 26 February 2024).
* With the arms mechanism switched off, the support accumulates without
  the fatigue that bounds it.

References
----------
Morrow, J. D. (1991). Alliances and asymmetry: an alternative to the
capability aggregation model of alliances. *American Journal of Political
Science* 35(4), 904-933.
Kinsella, D. (1994). Conflict in context: arms transfers and Third World
rivalries during the Cold War. *American Journal of Political Science*
38(3), 557-581.
Walt, S. M. (1987). *The Origins of Alliances*. Cornell University Press.
Guseinova, O. (2024). *Putin's Partner*. Friedrich Naumann Foundation for
Freedom, October 2024 (value of North Korean arms deliveries to Russia).
Sher, N. (2024). Behind the scenes: China's increasing role in Russia's
defense industry. *Carnegie Politika*, Carnegie Endowment, May 2024.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from flashpoint._types import FloatArray
from flashpoint.contract import State
from flashpoint.mechanisms._protocol import Context, Draws, Effect, Mechanism
from flashpoint.mechanisms.threat import baseline_threat, current_threat
from flashpoint.params import Parameter

__all__ = ["MECHANISM", "PARAMETERS", "RECIPIENT", "SUPPLIERS", "step", "support"]

RECIPIENT = "RUS"
#: Supplier -> (parameter of the support's value, whether the leverage applies).
SUPPLIERS: dict[str, tuple[str, bool]] = {
    "PRK": ("axis_support.value_prk", False),
    "CHN": ("axis_support.value_chn", True),
}
#: Floor on the initial alignment used as the support's reference (avoids /0).
_A_MIN = 0.05

PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "axis_support.value_prk",
        "North Korea's munitions and missile deliveries to Russia at the initial alignment",
        "US$ bn/yr", 1.2, 0.6, 2.0,
        "Guseinova 2024 (Friedrich Naumann Foundation, 'Putin's Partner'): US$1.7-5.5 bn of "
        "North Korean arms deliveries from February 2022 to October 2024, i.e. 0.6-2.0 a year; "
        "seed 002 ('supplies of weapons').",
    ),
    Parameter(
        "axis_support.value_chn",
        "China's exports to Russia of high-priority dual-use goods at the initial alignment",
        "US$ bn/yr", 4.5, 3.6, 7.2,
        "Sher 2024 (Carnegie Politika, May 2024): China exports over US$300 million a month of "
        "G7 'high priority' dual-use items to Russia (peak over 600 million, December 2023), "
        "about 90 % of Russia's imports of them; seed 002 ('active commercial exchanges').",
    ),
    Parameter(
        "axis_support.leverage",
        "military capacity per dollar of dual-use components Russia cannot make itself",
        "dimensionless", 2.0, 1.0, 5.0,
        "rationale: microelectronics, machine tools and optics are inputs without domestic "
        "substitutes (Sher 2024), so they enable output worth more than their price; 1 (priced "
        "at cost) to 5.",
    ),
    Parameter(
        "axis_support.threat_response",
        "elasticity xi of a supplier's support to the rise of the threat it perceives",
        "dimensionless", 1.0, 0.0, 3.0,
        "seed 004: a NATO+IP4 partnership 'would likely strengthen military cooperation between "
        "China, Russia, and North Korea'; Walt 1987: states aid partners who tie down a common "
        "threat; rationale: 0 (support set by the war alone) to tripling the added support "
        "per doubling of the supplier's threat.",
    ),
)


def support(alignment: FloatArray, ctx: Context, threat: FloatArray | None = None) -> FloatArray:
    """Support ``(R,)`` received by Russia, US$ bn/yr, at alignment ``(R, N, N)`` and
    threat ``(R, N, N)`` (default: the status-quo threat, no threat term)."""
    world = ctx.world
    out = np.zeros(alignment.shape[0], dtype=alignment.dtype)
    if not world.has(RECIPIENT):
        return out
    r = world.index(RECIPIENT)
    a0 = ctx.initial.alignment
    t0 = baseline_threat(ctx)
    xi = ctx.params["axis_support.threat_response"]
    for code, (value, levered) in SUPPLIERS.items():  # two suppliers, not actors in general
        if not world.has(code):
            continue
        k = world.index(code)
        scale = ctx.params[value] * (ctx.params["axis_support.leverage"] if levered else 1.0)
        ref = np.maximum(a0[:, r, k], _A_MIN)
        motive = np.ones_like(out)
        if threat is not None:
            theta, theta0 = np.sum(threat[:, k, :], axis=-1), np.sum(t0[:, k, :], axis=-1)
            motive = 1.0 + xi * np.maximum(0.0, (theta - theta0) / np.maximum(theta0, 0.1))
        out = out + scale * motive * np.maximum(0.0, alignment[:, r, k]) / ref
    return np.asarray(out, dtype=alignment.dtype)


def step(state: State, derived: Mapping[str, FloatArray], ctx: Context, draws: Draws) -> Effect:
    """Change Russia's ``milex`` by the support's departure from the status quo."""
    d_m = np.zeros_like(state.milex)
    _, threat = current_threat(state, derived, ctx)
    now = support(state.alignment, ctx, threat)
    if ctx.world.has(RECIPIENT):
        s0 = ctx.cached("axis_support.s0", lambda: support(ctx.initial.alignment, ctx))
        d_m[:, ctx.world.index(RECIPIENT)] = ctx.dt * ctx.params["arms.fatigue"] * (now - s0)
    return Effect(deltas={"milex": d_m}, derived={"axis_support": now})


MECHANISM = Mechanism(
    name="axis_support",
    title="Axis material support to Russia (North Korean munitions, Chinese dual-use goods)",
    references=(
        "Morrow 1991, Am. J. Polit. Sci. 35(4):904-933",
        "Kinsella 1994, Am. J. Polit. Sci. 38(3):557-581",
        "Guseinova 2024, Putin's Partner, Friedrich Naumann Foundation for Freedom",
        "Sher 2024, Carnegie Politika, China's increasing role in Russia's defense industry",
    ),
    parameters=PARAMETERS,
    writes=("milex",),
    provides=("axis_support",),
    reads=("threat", "power"),
    step=step,
    equations=(
        "S_k = v_k l_k [1 + xi max(0, (Theta_k - Theta_k0)/max(Theta_k0, 0.1))] "
        "max(0, a_RUS,k) / max(a_RUS,k(0), 0.05), k in {CHN (levered), PRK}",
        "dm_RUS = dt a_fatigue (sum_k S_k - S_k(0))",
    ),
)
