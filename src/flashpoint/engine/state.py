"""The engine's state (defined in :mod:`flashpoint.contract`, re-exported here): arrays shaped (run, actor) and (run, actor, actor).

Every field is a stock that mechanisms change by additive deltas, so the
change of each field over a step splits exactly by mechanism (attribution).

=============== ============== ===================================================
field           shape          meaning (unit, bounds)
=============== ============== ===================================================
milex           (R, N)         military spending, US$ bn/yr constant 2022, > 0
gdp             (R, N)         GDP, US$ bn/yr, > 0
alignment       (R, N, N)      political alignment, [-1, 1], symmetric, diag 1
intent          (R, N, N)      i's belief that j is hostile (Kydd 2005), [0, 1]
tension         (R, N, N)      dyadic tension, [0, 1], symmetric, diag 0
us_asia_share   (R,)           share of US forces allocated to the Indo-Pacific, [0, 1]
crisis          (R, F)         crisis intensity at each flashpoint, [0, 1] (1 while at war)
blockade        (R, F)         tightness of a blockade in force (1 = complete), else 0
war             (R, F)         1 while a war is being fought (from a world's ``at_war``, an
                               escalation or a shock, until it ends), else 0
gdp_loss        (R, N)         cumulative GDP lost to war and blockade, fraction, [0, 1)
warheads        (R, N)         nuclear warhead stockpile, number, >= 0 (FAS at t = 0)
=============== ============== ===================================================
"""

from __future__ import annotations

from flashpoint.contract import DYADIC, FIELDS, State

__all__ = ["DYADIC", "FIELDS", "State"]
