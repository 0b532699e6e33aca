"""Provenance: every number in a world says where it came from.

:class:`SourcedValue` pairs a value with the dataset it came from (an id of
:func:`sources`), the year of the observation and a note when the value was
derived, estimated or carried forward; estimates carry a ``low``/``high``
range. :class:`Source` is one dataset of the shipped ``sources.csv`` (name,
version, origin, licence and the citation its authors ask for).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd

__all__ = ["Source", "SourcedValue", "data_path", "sources"]


@dataclass(frozen=True, slots=True)
class SourcedValue:
    """A value with its provenance.

    Attributes
    ----------
    value : float
        The value, in the unit of its field (see :mod:`flashpoint.world.arrays`).
    source : str
        Dataset id (a key of :func:`sources`), e.g. ``"sipri_milex"``, ``"estimate"``,
        ``"facts"`` or ``"user"``.
    year : int or None
        Year of the observation (may differ from the world's year when carried).
    note : str
        Empty for a value read as is; otherwise how it was derived or estimated.
    low, high : float or None
        Range of a documented estimate (None for a point observation).
    """

    value: float
    source: str
    year: int | None = None
    note: str = ""
    low: float | None = None
    high: float | None = None

    @property
    def is_estimate(self) -> bool:
        """Whether the value is an estimate (has a range or source ``estimate``)."""
        return self.source == "estimate" or self.low is not None or self.high is not None

    def to_dict(self) -> dict[str, object]:
        """Plain dict for JSON output."""
        d: dict[str, object] = {"value": self.value, "source": self.source, "year": self.year}
        if self.note:
            d["note"] = self.note
        if self.low is not None:
            d["low"] = self.low
        if self.high is not None:
            d["high"] = self.high
        return d


def _opt(x: object) -> float | None:
    if x is None:
        return None
    f = float(x)  # type: ignore[arg-type]
    return None if math.isnan(f) else f


@dataclass(frozen=True, slots=True)
class Source:
    """A dataset the world is built from."""

    id: str
    name: str
    version: str
    origin: str
    licence: str
    citation: str


def data_path(name: str) -> Path:
    """Path of a shipped world table (``world/data/<name>``)."""
    return Path(str(resources.files("flashpoint.world") / "data" / name))


@cache
def sources() -> dict[str, Source]:
    """Every dataset behind the shipped tables, by id (from ``sources.csv``)."""
    df = pd.read_csv(data_path("sources.csv"), dtype=str, keep_default_na=False)
    return {str(r["id"]): Source(**{str(k): str(v) for k, v in r.items()}) for r in df.to_dict("records")}


def sourced(value: object, source: object, year: object, note: object,
            low: object = None, high: object = None) -> SourcedValue:
    """Build a :class:`SourcedValue` from table cells (NaN becomes empty/None)."""
    yr = _opt(year)
    n = "" if note is None or (isinstance(note, float) and math.isnan(note)) else str(note)
    v = _opt(value)
    return SourcedValue(
        value=math.nan if v is None else v, source=str(source),
        year=None if yr is None else int(yr), note=n, low=_opt(low), high=_opt(high),
    )
