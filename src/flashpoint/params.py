"""Parameters declared as data: meaning, unit, default, prior range and source.

Every uncertain number in a mechanism is a :class:`Parameter`. The engine
samples each run's value from ``[low, high]`` with a space-filling design
(:mod:`flashpoint.engine.sampling`); the default is used when a run is not
part of an uncertainty ensemble. A parameter without a range or without a
source/rationale cannot be constructed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from flashpoint.errors import ParameterError

__all__ = ["Parameter", "ParameterSet"]


@dataclass(frozen=True, slots=True)
class Parameter:
    """One uncertain model parameter.

    Attributes
    ----------
    name : str
        Dotted name, ``<mechanism>.<symbol>`` (e.g. ``"arms.reaction"``).
    meaning : str
        One line saying what the number does in the equations.
    unit : str
        Unit or scale (``"1/year"``, ``"km"``, ``"dimensionless"``).
    default : float
        Central value, used when the parameter is not sampled.
    low, high : float
        Prior range sampled by the ensemble (uniform, or log-uniform if ``log``).
    source : str
        The publication the range comes from, or the stated rationale.
    log : bool
        Sample on a log scale (for rates spanning orders of magnitude).
    """

    name: str
    meaning: str
    unit: str
    default: float
    low: float
    high: float
    source: str
    log: bool = False

    def __post_init__(self) -> None:
        if not self.name or "." not in self.name:
            raise ParameterError(
                f"parameter {self.name!r}: name must be '<mechanism>.<symbol>'."
            )
        if not self.source.strip() or not self.meaning.strip() or not self.unit.strip():
            raise ParameterError(
                f"parameter {self.name!r}: meaning, unit and source/rationale are required."
            )
        if not (self.low <= self.default <= self.high):
            raise ParameterError(
                f"parameter {self.name!r}: default {self.default} must lie in "
                f"[{self.low}, {self.high}]."
            )
        if self.low == self.high:
            return
        if self.low > self.high:
            raise ParameterError(f"parameter {self.name!r}: low {self.low} > high {self.high}.")
        if self.log and self.low <= 0:
            raise ParameterError(f"parameter {self.name!r}: log-scaled range must be positive.")

    def check(self, value: float, where: str = "") -> float:
        """Return ``value`` if it lies in the declared range, else raise ParameterError."""
        if not (self.low <= value <= self.high):
            loc = f"{where}: " if where else ""
            raise ParameterError(
                f"{loc}parameter {self.name!r} expects a value in [{self.low}, {self.high}] "
                f"({self.unit}). Got {value} instead."
            )
        return float(value)


class ParameterSet(Mapping[str, Parameter]):
    """An ordered, name-unique collection of parameters."""

    def __init__(self, params: Iterable[Parameter]) -> None:
        self._params: dict[str, Parameter] = {}
        for p in params:
            if p.name in self._params:
                raise ParameterError(f"parameter {p.name!r} is declared twice.")
            self._params[p.name] = p

    def __getitem__(self, name: str) -> Parameter:
        try:
            return self._params[name]
        except KeyError:
            from flashpoint.errors import did_you_mean

            hint = did_you_mean(name, self._params)
            raise ParameterError(f"unknown parameter {name!r}.{hint}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._params)

    def __len__(self) -> int:
        return len(self._params)

    def __repr__(self) -> str:
        return f"ParameterSet({list(self._params)})"
