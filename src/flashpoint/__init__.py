"""flashpoint: explicit, sourced, uncertain models of the Euro-Atlantic / Indo-Pacific security system.

The public API::

    import flashpoint as fp
    world = fp.load_world(year=2024)
    result = fp.simulate(world, "nato_ip4_partnership", runs=1000, years=10, seed=0)
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = [
    "Plan",
    "RunConfig",
    "World",
    "__version__",
    "load_world",
    "simulate",
]

from flashpoint.api import simulate
from flashpoint.engine.plan import Plan
from flashpoint.engine.run import RunConfig
from flashpoint.world import World, load_world


