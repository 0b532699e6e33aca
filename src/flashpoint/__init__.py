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

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flashpoint.api import simulate
    from flashpoint.engine.plan import Plan
    from flashpoint.engine.run import RunConfig
    from flashpoint.world import World, load_world

# The public names are imported on first use (PEP 562), so that ``import flashpoint.errors``
# or ``flashpoint --help`` does not pay for NumPy, xarray and SciPy.
_LAZY = {
    "simulate": "flashpoint.api",
    "Plan": "flashpoint.engine.plan",
    "RunConfig": "flashpoint.engine.run",
    "World": "flashpoint.world",
    "load_world": "flashpoint.world",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'flashpoint' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
