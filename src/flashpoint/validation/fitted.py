"""Fitted parameter values shipped with the package, for Parameter declarations.

``world/data/hazard_priors.json`` is written by
:func:`flashpoint.validation.hazards.write_priors` (the crisis and war
hazards fitted to the Gibler-Miller-Little MID record, see
``docs/validation.md``); :mod:`flashpoint.mechanisms.deterrence` declares its
fitted priors from it. A test refits and checks the file is current.
Light on purpose (json and importlib only): mechanisms import it.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from flashpoint.errors import DataError

__all__ = ["HAZARD_PRIORS", "fitted"]

HAZARD_PRIORS = "hazard_priors.json"


@cache
def _table(name: str) -> dict[str, dict[str, float | str]]:
    path = resources.files("flashpoint.world") / "data" / name
    try:
        raw = json.loads(path.read_text())
    except (OSError, ValueError) as e:
        raise DataError(f"world/data/{name}", f"cannot read the fitted values ({e}).") from None
    return dict(raw)


def fitted(name: str, table: str = HAZARD_PRIORS) -> tuple[float, float, float, str]:
    """``(default, low, high, source)`` of parameter ``name`` from a shipped fit."""
    t = _table(table)
    if name not in t:
        raise DataError(f"world/data/{table}", f"no fitted value for {name!r}; rerun its fit script.")
    v = t[name]
    return float(v["default"]), float(v["low"]), float(v["high"]), str(v["source"])
