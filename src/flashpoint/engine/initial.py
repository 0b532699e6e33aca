"""The state at t = 0 and the static scenario inputs, built from a world.

Initial alignment comes from UN General Assembly ideal points (Bailey,
Strezhnev & Voeten 2017): ``a_ij = 2 exp(-|x_i - x_j| / d0) - 1``, so equal
ideal points give 1, a distance of ``d0 ln 2`` gives 0, and large distances
tend to -1. Formal defence ties raise it (an ally is at least aligned
``ALLY_FLOOR``) and strategic rivalries lower it.

Initial perceived hostile intent starts from ``q_ij = (1 - a_ij) / 2``,
raised to at least ``RIVAL_INTENT`` for rivals, and is then mapped affinely
into the interior of its bounds [0, 1] with head-room ``INTENT_HEADROOM`` =
h on both sides: ``intent_ij = h + (1 - 2h) q_ij``, so every dyad starts in
[h, 1 - h] (here [0.1, 0.9]) and its perceived hostility can rise as well as
fall (without it, US-China and US-Russia started pinned at 1 and could only
fall). The map keeps the order of the dyads and the ratios of their
distances. Initial tension is ``rivalry * RIVAL_TENSION`` plus
``TENSION_SCALE * max(0, -a_ij)``.

Wars being fought at the world's date (``WorldArrays.at_war``, from
``facts.toml`` ``[[war]]``) start at war, with their crisis at 1, as a war
that breaks out in a run does.

These mapping constants are calibration choices, not measured quantities;
they are documented here and in docs/model.md, and the uncertain dynamic
parameters that act on them are sampled in the ensemble.
"""

from __future__ import annotations

import numpy as np

from flashpoint._types import FloatArray
from flashpoint.engine.state import State
from flashpoint.world.arrays import INDO_PACIFIC, WorldArrays
from flashpoint.world.flashpoints import FlashpointArrays

__all__ = [
    "ALIGNMENT_SCALE",
    "ALLY_FLOOR",
    "INTENT_HEADROOM",
    "RIVAL_INTENT",
    "RIVAL_TENSION",
    "TENSION_SCALE",
    "US_ASIA_SHARE_2023",
    "initial_alignment",
    "initial_state",
]

#: Ideal-point distance scale d0. Rationale: in the 2023 UNGA ideal points
#: (session 78) the US-China distance is about 3.3, US-Japan 1.7, China-Russia
#: 0.3; d0 = 2 maps them to about -0.6, -0.15 and +0.7 before the alliance
#: floor and the rivalry penalty. The US is an outlier in UN voting, so a
#: smaller d0 would make most of its allies look hostile to it.
ALIGNMENT_SCALE = 2.0
#: Minimum alignment between states with a defence obligation in either direction.
ALLY_FLOOR = 0.5
#: Alignment penalty for a strategic rivalry (subtracted, then clipped).
RIVAL_PENALTY = 0.4
#: Minimum perceived hostile intent towards a strategic rival.
RIVAL_INTENT = 0.7
#: Head-room h of the initial intent map ``h + (1 - 2h) q``: every dyad starts at
#: least h inside each bound. Rationale: beliefs about an adversary's type are
#: probabilities updated by Bayes' rule (Kydd 2005), and a prior of 0 or 1 is never
#: revised; 0.1 leaves room to move both ways (a judgement, not a measurement).
INTENT_HEADROOM = 0.1
#: Tension of a strategic rivalry at t = 0.
RIVAL_TENSION = 0.5
#: Tension added per unit of negative alignment.
TENSION_SCALE = 0.3
#: Share of deployable US forces allocated to the Indo-Pacific at t = 0.
#: Rationale: INDOPACOM is assigned about 375,000 personnel and EUCOM about
#: 100,000 (command posture statements 2023); counting naval and air forces
#: based in the continental US that are earmarked for each theatre, we take
#: 0.55 as the central value (the prior of ``burden_shifting.baseline``).
US_ASIA_SHARE_2023 = 0.55


def initial_alignment(world: WorldArrays) -> FloatArray:
    """Alignment matrix ``(N, N)`` from ideal points, alliances and rivalries."""
    x = world.ideal_point
    a = 2.0 * np.exp(-np.abs(x[:, None] - x[None, :]) / ALIGNMENT_SCALE) - 1.0
    allied = np.maximum(world.defense, world.defense.T)
    a = np.where(allied > 0, np.maximum(a, ALLY_FLOOR), a)
    a = a - RIVAL_PENALTY * world.rivalry
    a = np.clip(a, -1.0, 1.0)
    np.fill_diagonal(a, 1.0)
    return np.asarray(a, dtype=np.float64)


def initial_state(world: WorldArrays, fps: FlashpointArrays, runs: int) -> State:
    """The t = 0 state, identical in every run (uncertainty enters through parameters)."""
    n, f = world.n, fps.f
    a = initial_alignment(world)
    intent = np.clip((1.0 - a) / 2.0, 0.0, 1.0)
    intent = np.where(world.rivalry > 0, np.maximum(intent, RIVAL_INTENT), intent)
    intent = INTENT_HEADROOM + (1.0 - 2.0 * INTENT_HEADROOM) * intent
    np.fill_diagonal(intent, 0.0)
    tension = np.clip(RIVAL_TENSION * world.rivalry + TENSION_SCALE * np.maximum(0.0, -a), 0, 1)
    tension = np.maximum(tension, tension.T)
    np.fill_diagonal(tension, 0.0)

    def rep(x: FloatArray) -> FloatArray:
        # order="C": a broadcast copied in "K" order puts the run axis innermost, and a
        # reduction over actors would then change with the chunk size (1 run vs more)
        return np.broadcast_to(x, (runs, *x.shape)).astype(np.float64, order="C", copy=True)

    has_us = world.has("USA")
    at_war = np.broadcast_to(fps.at_war.astype(np.float64), (runs, f)).copy()
    return State(
        milex=rep(np.maximum(world.milex, 1e-3)),
        gdp=rep(np.maximum(world.gdp, 1e-3)),
        alignment=rep(a),
        intent=rep(intent),
        tension=rep(tension),
        us_asia_share=np.full(runs, US_ASIA_SHARE_2023 if has_us else 0.0),
        crisis=at_war.copy(),
        blockade=np.zeros((runs, f)),
        war=at_war,
        gdp_loss=np.zeros((runs, n)),
        warheads=rep(np.maximum(world.warheads, 0.0)),
    )


def home_theatre_onehot(world: WorldArrays) -> FloatArray:
    """``(N, 2)`` one-hot of each actor's home theatre (Euro-Atlantic, Indo-Pacific).

    Actors in neither theatre get zeros.
    """
    out = np.zeros((world.n, 2), dtype=world.milex.dtype)
    out[world.theatre == 0, 0] = 1.0
    out[world.theatre == INDO_PACIFIC, 1] = 1.0
    return out
