"""The mechanism library: one theory per module, registered in step order.

``REGISTRY`` maps each mechanism's name to its :class:`Mechanism`
declaration, in the order the engine composes them within a step.
"""

from __future__ import annotations

from flashpoint.mechanisms._protocol import Context, Draws, Effect, Mechanism, col

__all__ = ["REGISTRY", "Context", "Draws", "Effect", "Mechanism", "col", "get", "names"]

REGISTRY: dict[str, Mechanism] = {}


def _register(mechanism: Mechanism) -> None:
    if mechanism.name in REGISTRY:
        raise ValueError(f"mechanism {mechanism.name!r} is registered twice.")
    for p in mechanism.parameters:
        if not p.name.startswith(mechanism.name + "."):
            raise ValueError(
                f"mechanism {mechanism.name!r}: parameter {p.name!r} must be named "
                f"'{mechanism.name}.<symbol>'."
            )
    REGISTRY[mechanism.name] = mechanism


def names() -> tuple[str, ...]:
    """Registered mechanism names in step order."""
    return tuple(REGISTRY)


def get(name: str) -> Mechanism:
    """The mechanism called ``name``; unknown names suggest the closest."""
    from flashpoint.errors import ParameterError, did_you_mean

    if name not in REGISTRY:
        hint = did_you_mean(name, REGISTRY)
        raise ParameterError(f"unknown mechanism {name!r}.{hint}")
    return REGISTRY[name]


def _load() -> None:
    import importlib

    for module in (
        "threat", "burden_shifting", "credibility", "arms", "security_dilemma",
        "alignment", "interdependence", "reassurance", "deterrence", "economy",
        "bargaining", "nuclear", "axis_support", "mobilisation", "signal_reading",
    ):
        try:
            mod = importlib.import_module(f"flashpoint.mechanisms.{module}")
        except ModuleNotFoundError as err:  # a module still being written
            if err.name == f"flashpoint.mechanisms.{module}":
                continue
            raise
        _register(mod.MECHANISM)


_load()
