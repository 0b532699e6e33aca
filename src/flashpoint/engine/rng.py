"""Per-run random streams keyed by run index.

Run ``r`` of an ensemble with seed ``s`` draws its stochastic events from
``numpy.random.SeedSequence(s, spawn_key=(STREAM_EVENTS, r))``, the same
stream ``SeedSequence(s).spawn`` would give it, whatever chunk or worker
computes it. The whole horizon is drawn up front per chunk, so the hot loop
over time steps only slices arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from flashpoint._types import FloatArray, IntArray
from flashpoint.engine.sampling import STREAM_EVENTS
from flashpoint.mechanisms._protocol import Draws

__all__ = ["EventDraws", "draw_events"]


@dataclass(frozen=True, eq=False)
class EventDraws:
    """All draws of a chunk: onset, escalation ``(R, T, F)``, spending ``(R, T, N)``."""

    onset: FloatArray
    escalation: FloatArray
    spending: FloatArray

    def at(self, step: int) -> Draws:
        """The draws of one step."""
        return Draws(self.onset[:, step], self.escalation[:, step], self.spending[:, step])


def draw_events(seed: int, runs: IntArray, steps: int, n_flashpoints: int, n_actors: int) -> EventDraws:
    """Draw every step's random numbers for the given global run indices."""
    r = len(runs)
    onset = np.empty((r, steps, n_flashpoints))
    escalation = np.empty((r, steps, n_flashpoints))
    spending = np.empty((r, steps, n_actors))
    for k, run in enumerate(runs.tolist()):  # setup only: one generator per run
        g = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(STREAM_EVENTS, run)))
        onset[k] = g.random((steps, n_flashpoints))
        escalation[k] = g.random((steps, n_flashpoints))
        spending[k] = g.standard_normal((steps, n_actors))
    return EventDraws(onset, escalation, spending)
