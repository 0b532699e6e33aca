"""Derived metrics: the quantities analysts ask about, computed from the state.

Each metric is a pure function of the state and the quantities the
mechanisms derive from it (threat, credibility, hazards), vectorised over
runs. Names and meanings are listed in docs/architecture.md ("The result").
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

import numpy as np

from flashpoint._types import BoolArray, FloatArray
from flashpoint.engine.state import State
from flashpoint.mechanisms.alignment import frustration
from flashpoint.world.arrays import EURO_ATLANTIC, INDO_PACIFIC, WorldArrays
from flashpoint.world.groups import HEDGERS, IP4

__all__ = ["ATTRIBUTED", "ATTRIBUTED_DERIVED", "DERIVED_INPUTS", "STATE_INPUTS", "MetricIndex",
           "compute_metrics", "milex_growth"]

#: Metrics whose change is attributed to mechanisms (every metric but the
#: path-dependent cumulative war risk and per-actor growth).
ATTRIBUTED = (
    "arms_race_index", "cohesion_chn_rus", "cohesion_chn_prk", "cohesion_rus_prk",
    "axis_cohesion", "nato_cohesion", "hedger_alignment", "credibility", "crisis_hazard",
    "war_hazard", "tension_china_west", "tension_indo_pacific", "european_security",
    "us_asia_share", "gdp_loss_world", "frustration",
)


@dataclass(frozen=True, eq=False)
class MetricIndex:
    """Actor indices and masks the metrics need, resolved once per world."""

    chn: int
    rus: int
    prk: int
    usa: int
    nato: BoolArray
    europe_nato: BoolArray
    hedgers: BoolArray
    west: BoolArray
    indo_pacific: BoolArray
    regions: FloatArray  # (2, N) one-hot of euro_atlantic / indo_pacific
    initial_region_milex: FloatArray  # (2,) summed over regions at t=0, filled per chunk
    #: Block weights and their sums, by metric, made at first use (:meth:`block`).
    blocks: dict[str, tuple[FloatArray, np.float64]] = field(default_factory=dict, repr=False)

    def block(self, name: str,
              masks: Callable[[], tuple[BoolArray, BoolArray, bool]]) -> tuple[FloatArray, np.float64]:
        """The weights ``outer(rows, cols)`` (diagonal 0 if excluded) of block ``name``
        and their sum, from ``masks() = (rows, cols, exclude_diag)``, made once."""
        hit = self.blocks.get(name)
        if hit is None:
            rows, cols, exclude_diag = masks()
            w = np.outer(rows, cols).astype(np.float64)
            if exclude_diag:
                np.fill_diagonal(w, 0.0)
            hit = self.blocks[name] = (w, w.sum())
        return hit

    @classmethod
    def build(cls, world: WorldArrays) -> MetricIndex:
        """Resolve indices; absent actors get index -1 and their metrics are NaN."""
        def ix(code: str) -> int:
            return world.index(code) if world.has(code) else -1

        nato = world.membership.get("NATO", np.zeros(world.n, dtype=bool))
        americas = world.mask(["USA", "CAN"])
        regions = np.stack([(world.theatre == EURO_ATLANTIC), (world.theatre == INDO_PACIFIC)])
        return cls(
            chn=ix("CHN"), rus=ix("RUS"), prk=ix("PRK"), usa=ix("USA"),
            nato=nato, europe_nato=nato & ~americas & (world.theatre == EURO_ATLANTIC),
            hedgers=world.mask(list(HEDGERS)),
            west=nato | world.mask(list(IP4)),
            indo_pacific=world.theatre == INDO_PACIFIC,
            regions=regions.astype(np.float64),
            initial_region_milex=regions.astype(np.float64) @ world.milex,
        )


def _pair(a: FloatArray, i: int, j: int) -> FloatArray:
    if i < 0 or j < 0:
        return np.full(a.shape[0], np.nan)
    return np.asarray(a[:, i, j])


def _block_mean(a: FloatArray, block: tuple[FloatArray, np.float64]) -> FloatArray:
    """Each run's mean of ``a`` over a block (weights and their sum: MetricIndex.block)."""
    w, total = block
    if total == 0:
        return np.full(a.shape[0], np.nan)
    # Sum each run's flattened block along the last axis: the order of a
    # multi-axis reduction can depend on the batch size (see mechanisms._protocol).
    flat = np.ascontiguousarray(a * w).reshape(a.shape[0], -1)
    return np.asarray(flat.sum(axis=-1) / total)


#: The state fields each group of state metrics reads (besides derived quantities):
#: a metric whose fields are unchanged has the same value, bit for bit.
STATE_INPUTS: Mapping[str, frozenset[str]] = {
    "arms_race_index": frozenset({"milex"}),
    "cohesion": frozenset({"alignment"}),  # cohesion_*, axis_ and nato_cohesion, hedgers
    "frustration": frozenset({"alignment"}),
    "tension": frozenset({"tension"}),  # tension_china_west, tension_indo_pacific
    "us_asia_share": frozenset({"us_asia_share"}),
    "gdp_loss_world": frozenset({"gdp", "gdp_loss"}),
}

#: Derived quantities the metrics read, and those of the attributed metrics.
DERIVED_INPUTS = ("credibility", "crisis_hazard", "war_hazard", "axis_support", "forces")
ATTRIBUTED_DERIVED = ("credibility", "crisis_hazard", "war_hazard", "forces")


def compute_metrics(
    state: State,
    derived: Mapping[str, FloatArray],
    index: MetricIndex,
    groups: Collection[str] | None = None,
    with_derived: bool = True,
) -> dict[str, FloatArray]:
    """Every metric except the path-dependent ``war_risk``, ``gdp_loss_expected``
    and ``milex_growth``, which the engine keeps.

    ``groups`` limits the state metrics to those groups of :data:`STATE_INPUTS`
    (None: all); ``with_derived=False`` leaves out the metrics of derived
    quantities (including ``european_security``). Each metric computed is the
    same, bit for bit, whatever else is computed.
    """
    a, tau = state.alignment, state.tension
    out: dict[str, FloatArray] = {}
    if groups is None or "arms_race_index" in groups:
        region_milex = np.einsum("rn,kn->rk", state.milex, index.regions)  # (R, 2), no BLAS
        out["arms_race_index"] = region_milex / np.where(index.initial_region_milex > 0,
                                                         index.initial_region_milex, np.nan) - 1.0
    if groups is None or "cohesion" in groups:
        out["cohesion_chn_rus"] = _pair(a, index.chn, index.rus)
        out["cohesion_chn_prk"] = _pair(a, index.chn, index.prk)
        out["cohesion_rus_prk"] = _pair(a, index.rus, index.prk)
        out["axis_cohesion"] = (out["cohesion_chn_rus"] + out["cohesion_chn_prk"]
                                + out["cohesion_rus_prk"]) / 3.0
        out["nato_cohesion"] = _block_mean(
            a, index.block("nato", lambda: (index.nato, index.nato, True)))
        if index.usa >= 0 and index.chn >= 0:
            tilt = (a[:, :, index.usa] - a[:, :, index.chn]) / 2.0
        else:
            tilt = np.full(state.milex.shape, np.nan)
        out["hedger_tilt"] = np.where(index.hedgers[None, :], tilt, np.nan)
        out["hedger_alignment"] = (np.nanmean(out["hedger_tilt"], axis=1) if index.hedgers.any()
                                   else np.full(state.runs, np.nan))
    if with_derived:
        for name in ("credibility", "crisis_hazard", "war_hazard", "axis_support"):
            if name in derived:
                out[name] = np.asarray(derived[name])
    if groups is None or "frustration" in groups:
        out["frustration"] = frustration(a)
    if groups is None or "tension" in groups:
        out["tension_china_west"] = _block_mean(
            tau, index.block("china_west", lambda: (_china(index), index.west, True)))
        out["tension_indo_pacific"] = _block_mean(
            tau, index.block("indo_pacific", lambda: (index.indo_pacific, index.indo_pacific, True)))
    if with_derived:
        out.update(_european_security(state, derived, index))
    if groups is None or "us_asia_share" in groups:
        out["us_asia_share"] = np.asarray(state.us_asia_share)
    if groups is None or "gdp_loss_world" in groups:
        gdp0 = state.gdp / np.maximum(1.0 - state.gdp_loss, 1e-9)
        out["gdp_loss_world"] = (state.gdp_loss * gdp0).sum(axis=1) / gdp0.sum(axis=1)
    return out


def _china(index: MetricIndex) -> BoolArray:
    china = np.zeros_like(index.west)
    if index.chn >= 0:
        china[index.chn] = True
    return china


def _european_security(state: State, derived: Mapping[str, FloatArray],
                       index: MetricIndex) -> dict[str, FloatArray]:
    out: dict[str, FloatArray] = {}
    forces = derived.get("forces")
    if index.rus >= 0 and forces is not None:
        europe = forces[:, :, EURO_ATLANTIC]
        # A masked row sum, not einsum: einsum over a one-run chunk takes a BLAS dot
        # whose rounding differs (chunk invariance).
        capacity = np.where(index.europe_nato[None, :], europe, 0.0).sum(axis=1)
        if index.usa >= 0:
            capacity = capacity + europe[:, index.usa]
        out["european_security"] = capacity / np.maximum(state.milex[:, index.rus], 1e-9)
    else:
        out["european_security"] = np.full(state.runs, np.nan)
    return out


def milex_growth(state: State, initial_milex: FloatArray) -> FloatArray:
    """Per-actor spending relative to t = 0, minus 1."""
    return np.asarray(state.milex / initial_milex[None, :] - 1.0)

