"""Apply a compiled :class:`~flashpoint.engine.plan.Plan` to a chunk of runs.

Standing interventions (commitments, presence, trade, signals, spending
floors, retrenchment) become the context's per-run input arrays, rebuilt
only when an intervention starts or ends (a ramping spending floor rebuilds
only the floor). Timed shocks become additive
changes of the state at the step in which they fall; the engine attributes
them to the pseudo-mechanism ``shocks``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from flashpoint._types import BoolArray, FloatArray, IntArray
from flashpoint.engine.plan import (
    Commitment,
    Plan,
    Presence,
    Range,
    Shock,
    Signal,
    SpendingFloor,
    Tie,
    TradeChange,
)
from flashpoint.engine.sampling import lever_unit, scale
from flashpoint.engine.state import State
from flashpoint.errors import ScenarioError, UnknownActorError
from flashpoint.world.arrays import INDO_PACIFIC, WorldArrays
from flashpoint.world.flashpoints import FlashpointArrays

__all__ = ["PlanApplier", "ScenarioInputs", "lever_ranges", "resolve_actors"]

_THEATRE = {"euro_atlantic": 0, "indo_pacific": INDO_PACIFIC}


def resolve_actors(codes: Sequence[str], world: WorldArrays) -> BoolArray:
    """Mask of actors named by ISO3 codes or group names (``NATO``, ``ip4`` ...)."""
    mask = np.zeros(world.n, dtype=bool)
    for code in codes:
        if world.has(code):
            mask[world.index(code)] = True
            continue
        try:
            mask |= world.group(code)
        except UnknownActorError:
            raise UnknownActorError(code, list(world.iso3) + list(world.membership)) from None
    return mask


def lever_ranges(plan: Plan) -> dict[str, Range]:
    """Every uncertain lever effect of ``plan``: label -> range, as :class:`PlanApplier` draws them.

    The labels are those of the result's ``lever__*`` coordinates (attribute
    ``lever``) and the keys accepted by ``run_ensemble(levers=...)``.
    """
    out: dict[str, Range] = {}
    for c in plan.commitments:
        out[repr(c)] = c.strength
    for p in plan.presences:
        out[repr(p)] = p.level
        out[repr(p) + "#visibility"] = p.visibility
    for t in plan.trade:
        out[repr(t)] = t.multiplier
    for s in plan.signals:
        out[repr(s)] = s.cost
    for f in plan.spending_floors:
        out[repr(f)] = f.share
    for sh in plan.shocks:  # a war shock has no magnitude: State.war is an indicator
        if sh.kind in ("retrenchment", "crisis", "blockade"):
            out[repr(sh)] = sh.magnitude
    for rs in plan.relation_shocks:
        out[repr(rs)] = rs.delta
    for tie in plan.ties:
        out[repr(tie)] = tie.visibility
        out[repr(tie) + "#capability"] = tie.capability
    return out


class ScenarioInputs(NamedTuple):
    """The scenario input arrays of a :class:`~flashpoint.mechanisms.Context`, by the
    same field names (see its docstring for shapes and meanings)."""

    commitment: FloatArray
    presence: FloatArray
    trade_share: FloatArray
    signal: FloatArray
    spending_floor: FloatArray
    provocation: FloatArray
    us_europe_retrenchment: FloatArray
    tie_visibility: FloatArray
    tie_capability: FloatArray


class PlanApplier:
    """The plan's inputs for the runs ``runs`` (global indices) of an ensemble."""

    def __init__(
        self,
        plan: Plan,
        world: WorldArrays,
        fps: FlashpointArrays,
        runs: IntArray,
        total_runs: int,
        seed: int,
        given: Mapping[str, FloatArray] | None = None,
        dtype: Any = np.float64,
    ) -> None:
        self.plan = plan
        self.dtype = np.dtype(dtype)
        self._given = dict(given or {})
        self.world = world
        self.fps = fps
        self.runs = runs
        self._total = total_runs
        self._seed = seed
        self._cache: dict[tuple[tuple[bool, ...], tuple[float, ...]], ScenarioInputs] = {}
        self._fixed: dict[tuple[bool, ...], ScenarioInputs] = {}
        self.magnitudes: dict[str, FloatArray] = {}
        self._standing: list[Commitment | Presence | TradeChange | Signal | SpendingFloor | Shock
                             | Tie] = [
            *plan.commitments, *plan.presences, *plan.trade, *plan.signals, *plan.spending_floors,
            *(s for s in plan.shocks if s.kind == "retrenchment"), *plan.ties,
        ]
        self._is_floor = tuple(isinstance(item, SpendingFloor) for item in self._standing)

    def draw(self, label: str, rng: Range) -> FloatArray:
        """Per-run magnitudes of an uncertain lever effect (cached by label).

        Explicit values for the whole ensemble (``given[label]``, one per run)
        replace the lever's own design.
        """
        if label not in self.magnitudes and label in self._given:
            self.magnitudes[label] = np.asarray(self._given[label], dtype=np.float64)
        if label not in self.magnitudes:
            unit = lever_unit(label, self._total, self._seed)
            self.magnitudes[label] = scale(unit, rng.low, rng.high)
        return self.magnitudes[label][self.runs]

    def _fp(self, name: str) -> int:
        if name not in self.fps.ids:
            raise ScenarioError(self.plan.name, "flashpoint",
                                f"unknown flashpoint {name!r}; expected one of {list(self.fps.ids)}.")
        return self.fps.ids.index(name)

    def _active(self, t: float) -> tuple[bool, ...]:
        out = []
        for item in self._standing:
            start = item.at if isinstance(item, Shock) else item.start
            end = item.end if isinstance(item, Signal) else float("inf")
            out.append(start <= t + 1e-9 and t < end - 1e-9)
        return tuple(out)

    def _ramps(self, t: float, key: tuple[bool, ...]) -> tuple[float, ...]:
        """The ramp factor of each active spending floor at ``t`` (the inputs' only
        dependence on time besides which interventions are active)."""
        out = []
        for item, on in zip(self._standing, key, strict=True):
            if on and isinstance(item, SpendingFloor):
                out.append(1.0 if item.ramp <= 0 else min(1.0, (t - item.start) / item.ramp))
        return tuple(out)

    def inputs(self, t: float, base_commitment: FloatArray, base_trade: FloatArray,
               initial_milex_share: FloatArray) -> ScenarioInputs:
        """Context input arrays at time ``t`` (years).

        Cached by the active interventions and the floors' ramp factors: while
        they stay the same the very same arrays come back (the mechanisms'
        identity caches then hold), and a ramping floor rebuilds only the floor.
        """
        key = self._active(t)
        ramps = self._ramps(t, key) if self.plan.spending_floors else ()
        hit = self._cache.get((key, ramps))
        if hit is not None:
            return hit
        # The floors' switching leaves the other arrays as they are.
        fixed_key = tuple(on and not floor for on, floor in zip(key, self._is_floor, strict=True))
        fixed = self._fixed.get(fixed_key)
        if fixed is None:
            fixed = self._fixed_inputs(fixed_key, base_commitment, base_trade)
            self._fixed[fixed_key] = fixed
        out = fixed
        if ramps:
            out = fixed._replace(spending_floor=self._floor(key, ramps, initial_milex_share))
        self._cache[(key, ramps)] = out
        return out

    def _floor(self, key: tuple[bool, ...], ramps: tuple[float, ...],
               initial_milex_share: FloatArray) -> FloatArray:
        """The spending floors (R, N) of the active floors, at their ramp factors."""
        floor = np.zeros((len(self.runs), self.world.n))
        factors = iter(ramps)
        for item, on in zip(self._standing, key, strict=True):
            if not (on and isinstance(item, SpendingFloor)):
                continue
            mask = resolve_actors(item.actors, self.world)
            ramp = next(factors)  # ramped from the initial share
            target = self.draw(repr(item), item.share)[:, None]
            start_share = initial_milex_share[None, :]
            ramped = start_share + ramp * np.maximum(target - start_share, 0.0)
            floor = np.where(mask[None, :], np.maximum(floor, ramped), floor)
        return np.clip(floor, 0.0, 1.0).astype(self.dtype)

    def _fixed_inputs(self, key: tuple[bool, ...], base_commitment: FloatArray,
                      base_trade: FloatArray) -> ScenarioInputs:
        """Every input array of the interventions ``key`` switches on, the spending
        floor left at zero (it alone depends on time: :meth:`_floor`)."""
        r, n, f = len(self.runs), self.world.n, self.fps.f
        commitment = np.broadcast_to(base_commitment, (r, n, n)).copy()
        trade = np.broadcast_to(base_trade, (r, n, n)).copy()
        presence = np.zeros((r, n, 2))
        signal = np.zeros((r, n, n))
        floor = np.zeros((r, n))
        provocation = np.zeros((r, f))
        retrench = np.zeros(r)
        tie_vis = np.zeros((r, n, n))
        tie_cap = np.zeros((r, n, n))
        off_diag = ~np.eye(n, dtype=bool)
        for item, on in zip(self._standing, key, strict=True):
            if not on:
                continue
            label = repr(item)
            if isinstance(item, Commitment):
                pair = np.outer(resolve_actors(item.source, self.world),
                                resolve_actors(item.target, self.world)) & off_diag
                s = self.draw(label, item.strength)[:, None, None]
                if item.mode == "max":
                    commitment = np.where(pair, np.maximum(commitment, s), commitment)
                else:
                    commitment = np.where(pair, commitment * s, commitment)
            elif isinstance(item, Presence):
                mask = resolve_actors(item.actors, self.world)
                th = _THEATRE[item.theatre]
                presence[:, mask, th] += self.draw(label, item.level)[:, None]
                vis = self.draw(label + "#visibility", item.visibility)
                for name in item.flashpoints:
                    k = self._fp(name)
                    provocation[:, k] = np.maximum(provocation[:, k], vis)
            elif isinstance(item, TradeChange):
                pair = np.outer(resolve_actors(item.a, self.world), resolve_actors(item.b, self.world))
                pair = (pair | pair.T) & off_diag
                m = self.draw(label, item.multiplier)[:, None, None]
                trade = np.where(pair, trade * m, trade)
            elif isinstance(item, Signal):
                pair = np.outer(resolve_actors(item.source, self.world),
                                resolve_actors(item.target, self.world)) & off_diag
                signal = np.where(pair, np.maximum(signal, self.draw(label, item.cost)[:, None, None]),
                                  signal)
            elif isinstance(item, SpendingFloor):
                continue  # :meth:`_floor`
            elif isinstance(item, Shock):  # retrenchment
                retrench = np.maximum(retrench, self.draw(label, item.magnitude))
            elif isinstance(item, Tie):
                pair = np.outer(resolve_actors(item.a, self.world), resolve_actors(item.b, self.world))
                pair = (pair | pair.T) & off_diag
                vis = self.draw(label, item.visibility)[:, None, None]
                cap = self.draw(label + "#capability", item.capability)[:, None, None]
                tie_vis = np.where(pair, np.maximum(tie_vis, vis), tie_vis)
                tie_cap = np.where(pair, np.maximum(tie_cap, cap), tie_cap)
        trade = np.clip(trade, 0.0, 1.0)
        dt = self.dtype
        return ScenarioInputs(commitment.astype(dt), np.clip(presence, 0.0, 1.0).astype(dt),
                              trade.astype(dt), np.clip(signal, 0.0, 1.0).astype(dt),
                              np.clip(floor, 0.0, 1.0).astype(dt),
                              np.clip(provocation, 0.0, 1.0).astype(dt),
                              np.clip(retrench, 0.0, 1.0).astype(dt),
                              np.clip(tie_vis, 0.0, 1.0).astype(dt),
                              np.clip(tie_cap, 0.0, 1.0).astype(dt))

    def shocks(self, t0: float, t1: float, state: State) -> dict[str, FloatArray]:
        """Additive state changes of the shocks that fall in ``[t0, t1)``."""
        deltas: dict[str, FloatArray] = {}

        def add(field: str, value: FloatArray) -> None:
            value = np.asarray(value, dtype=self.dtype)
            deltas[field] = deltas.get(field, 0.0) + value

        def falls(at: float) -> bool:
            return t0 - 1e-9 <= at < t1 - 1e-9

        for shock in self.plan.shocks:
            label = repr(shock)
            if shock.kind == "retrenchment":
                continue
            k = self._fp(shock.flashpoint or "")
            if shock.kind == "crisis" and falls(shock.at):
                m = self.draw(label, shock.magnitude)
                d = np.zeros_like(state.crisis)
                d[:, k] = np.maximum(state.crisis[:, k], m) - state.crisis[:, k]
                add("crisis", d)
            elif shock.kind == "war" and falls(shock.at):
                d = np.zeros_like(state.war)
                d[:, k] = 1.0 - state.war[:, k]
                add("war", d)
            elif shock.kind == "blockade":  # magnitude: the blockade's tightness
                d = np.zeros_like(state.blockade)
                if falls(shock.at):
                    tight = self.draw(label, shock.magnitude)
                    d[:, k] = tight - state.blockade[:, k]
                    c = np.zeros_like(state.crisis)  # a blockade is a crisis at least as intense
                    c[:, k] = np.maximum(state.crisis[:, k], tight) - state.crisis[:, k]
                    add("crisis", c)
                elif falls(shock.at + shock.duration):
                    d[:, k] = -state.blockade[:, k]
                add("blockade", d)
        for rs in self.plan.relation_shocks:
            if not falls(rs.at):
                continue
            pair = np.outer(resolve_actors(rs.source, self.world), resolve_actors(rs.target, self.world))
            if rs.symmetric or rs.field in ("alignment", "tension"):
                pair = pair | pair.T
            pair &= ~np.eye(self.world.n, dtype=bool)
            d = self.draw(repr(rs), rs.delta)[:, None, None] * pair[None]
            add(rs.field, d)
        return deltas
