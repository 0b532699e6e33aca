"""Build the per-chunk :class:`~flashpoint.mechanisms.Context` from a world and parameters."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from flashpoint._types import FloatArray
from flashpoint.engine.initial import initial_state
from flashpoint.engine.state import State
from flashpoint.mechanisms._protocol import Context
from flashpoint.params import Parameter
from flashpoint.world.arrays import WorldArrays
from flashpoint.world.flashpoints import FlashpointArrays, flashpoint_arrays

__all__ = ["all_parameters", "base_context", "default_params"]


def all_parameters() -> tuple[Parameter, ...]:
    """Every registered mechanism's parameters, in registry order, then the theory
    factors ``theory.<mechanism>`` (:mod:`flashpoint.theories`)."""
    from flashpoint import theories
    from flashpoint.mechanisms import REGISTRY

    return (*(p for m in REGISTRY.values() for p in m.parameters), *theories.parameters())


def default_params(runs: int) -> dict[str, FloatArray]:
    """Each parameter at its default, as an ``(R,)`` array."""
    return {p.name: np.full(runs, p.default) for p in all_parameters()}


def base_context(
    world: WorldArrays,
    runs: int,
    *,
    params: Mapping[str, FloatArray] | None = None,
    variants: Mapping[str, str] | None = None,
    dt: float = 0.25,
    fps: FlashpointArrays | None = None,
    initial: State | None = None,
) -> Context:
    """A context with no scenario inputs: the world's own commitments and trade."""
    fps = flashpoint_arrays(world) if fps is None else fps
    n, f = world.n, fps.f

    def rep(x: FloatArray) -> FloatArray:
        return np.broadcast_to(x, (runs, *x.shape)).astype(np.float64, copy=True)

    return Context(
        world=world,
        flashpoints=fps,
        params=dict(default_params(runs) if params is None else params),
        variants=dict(variants or {}),
        dt=dt,
        step=0,
        initial=initial_state(world, fps, runs) if initial is None else initial,
        commitment=rep(world.defense),
        presence=np.zeros((runs, n, 2)),
        trade_share=rep(world.trade_share),
        signal=np.zeros((runs, n, n)),
        spending_floor=np.zeros((runs, n)),
        provocation=np.zeros((runs, f)),
        us_europe_retrenchment=np.zeros(runs),
        tie_visibility=np.zeros((runs, n, n)),
        tie_capability=np.zeros((runs, n, n)),
    )
