"""The exceptions and warnings of flashpoint.

One tree, so a caller can catch everything flashpoint raises on bad input::

    FlashpointError(Exception)
    ├── DataError(FlashpointError, ValueError)       a world table or user world file is wrong
    ├── UnknownActorError(FlashpointError, KeyError) an ISO3 code that is not in the world
    ├── ParameterError(FlashpointError, ValueError)  a parameter value or range is out of bounds
    ├── ScenarioError(FlashpointError, ValueError)   a scenario file is wrong (file, line, field, reason)
    ├── ClaimError(FlashpointError, ValueError)      a claim definition is wrong
    ├── AnalysisError(FlashpointError, ValueError)   results cannot be compared (not paired, no metric)
    └── StoreError(FlashpointError, RuntimeError)    the DuckDB store cannot be read or written

    FlashpointWarning(UserWarning)                   valid but dubious input

Every message names *where* (file, row or field), *what was expected* and
*what was found*.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "AnalysisError",
    "ClaimError",
    "DataError",
    "FlashpointError",
    "FlashpointWarning",
    "ParameterError",
    "ScenarioError",
    "StoreError",
    "UnknownActorError",
    "did_you_mean",
    "suggest",
]


class FlashpointError(Exception):
    """Root of every error flashpoint raises on bad input or state."""


class DataError(FlashpointError, ValueError):
    """A data table or a user's world file is malformed."""

    def __init__(self, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason
        super().__init__(f"{where}: {reason}")


class UnknownActorError(FlashpointError, KeyError):
    """An actor code is not in the world; the message suggests the closest codes."""

    def __init__(self, code: str, known: Iterable[str], where: str = "actor") -> None:
        self.code = code
        known = list(known)
        hint = did_you_mean(code, known)
        self.message = f"{where}: unknown actor {code!r}.{hint}"
        super().__init__(self.message)

    def __str__(self) -> str:  # KeyError quotes its argument; we want plain text
        return self.message


class ParameterError(FlashpointError, ValueError):
    """A parameter value or range lies outside its declared bounds."""


class ScenarioError(FlashpointError, ValueError):
    """A scenario file is malformed: names the file, line, field and reason."""

    def __init__(self, path: str, field: str, reason: str, line: int | None = None) -> None:
        self.path = path
        self.field = field
        self.reason = reason
        self.line = line
        loc = f"{path}:{line}" if line is not None else path
        super().__init__(f"{loc}: field {field!r}: {reason}")


class ClaimError(FlashpointError, ValueError):
    """A claim definition is malformed."""


class AnalysisError(FlashpointError, ValueError):
    """Results cannot be analysed as asked (not a common-random-numbers pair, missing metric)."""


class StoreError(FlashpointError, RuntimeError):
    """The results store cannot be opened, read or written."""


class FlashpointWarning(UserWarning):
    """Input that is valid but dubious (e.g. a lever outside its sourced range)."""


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """``" Did you mean A, B?"`` with the closest options, or ``""`` when none is close."""
    close = suggest(word, options)
    return f" Did you mean {', '.join(close)}?" if close else ""


def suggest(word: str, options: Iterable[str], n: int = 3) -> list[str]:
    """Return up to ``n`` options closest to ``word`` (case-insensitive)."""
    opts = list(options)
    upper = {o.upper(): o for o in opts}
    hits = difflib.get_close_matches(word.upper(), list(upper), n=n, cutoff=0.4)
    return [upper[h] for h in hits]
