"""The array view of a world: the only bridge between world objects and NumPy.

:class:`WorldArrays` is what the engine and the mechanisms read. It is built
by :meth:`flashpoint.world.World.to_arrays` from the sourced world, or by
:func:`flashpoint.testing.tiny_world` for tests. All matrices are indexed
``[i, j]`` in the order of ``iso3``.

Units
-----
milex      US$ billion per year, constant 2022 prices (SIPRI)
milex_share fraction of GDP (SIPRI)
gdp        US$ billion per year, current prices (World Bank / IMF)
population millions
milper     thousands of personnel (COW NMC)
warheads   number of nuclear warheads in the stockpile (FAS)
distance_km great-circle distance between capitals
trade_share row-normalised: share of i's total recorded trade that is with j
ideal_point UN General Assembly ideal point (Bailey, Strezhnev & Voeten 2017)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

from flashpoint._types import BoolArray, FloatArray, IntArray
from flashpoint.errors import UnknownActorError

__all__ = ["EURO_ATLANTIC", "INDO_PACIFIC", "OTHER", "THEATRES", "WorldArrays"]

EURO_ATLANTIC, INDO_PACIFIC, OTHER = 0, 1, 2
THEATRES = ("euro_atlantic", "indo_pacific", "other")


@dataclass(frozen=True, eq=False)
class WorldArrays:
    """A world as arrays (see the module docstring for units).

    Vectors have shape ``(N,)`` and matrices ``(N, N)``; ``membership`` maps an
    institution id (``"NATO"``, ``"EU"``, ``"ASEAN"``, ``"IP4"``, ``"QUAD"``,
    ``"AUKUS"`` ...) to a boolean ``(N,)`` mask. Obligation matrices are 0/1
    floats: ``defense[i, j] = 1`` when i is obliged to defend j.
    ``commitment_scope[i, j]`` is 1 when i's obligation to j covers j's
    territory (NATO Article 6 leaves Indo-Pacific partners outside it).
    ``at_war`` names the flashpoints at which a war is being fought at the
    world's date (``facts.toml`` ``[[war]]``); the engine starts them at war.
    """

    year: int
    iso3: tuple[str, ...]
    names: tuple[str, ...]
    theatre: IntArray
    milex: FloatArray
    milex_share: FloatArray
    gdp: FloatArray
    population: FloatArray
    milper: FloatArray
    cinc: FloatArray
    warheads: FloatArray
    lat: FloatArray
    lon: FloatArray
    distance_km: FloatArray
    defense: FloatArray
    offense: FloatArray
    neutrality: FloatArray
    nonaggression: FloatArray
    consultation: FloatArray
    partnership: FloatArray
    rivalry: FloatArray
    trade_share: FloatArray
    ideal_point: FloatArray
    membership: dict[str, BoolArray] = field(default_factory=dict)
    commitment_scope: FloatArray = field(default=None)  # type: ignore[assignment,arg-type]
    at_war: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Worlds built without a scope (e.g. tiny_world): every obligation covers its target.
        if self.commitment_scope is None:
            object.__setattr__(self, "commitment_scope", (self.defense > 0).astype(np.float64))

    @property
    def n(self) -> int:
        """Number of actors."""
        return len(self.iso3)

    def index(self, code: str) -> int:
        """Position of an ISO3 code; raises UnknownActorError with suggestions."""
        try:
            return self.iso3.index(code.upper())
        except ValueError:
            raise UnknownActorError(code, self.iso3) from None

    def has(self, code: str) -> bool:
        """Whether the world holds the actor ``code``."""
        return code.upper() in self.iso3

    def mask(self, codes: list[str] | tuple[str, ...]) -> BoolArray:
        """Boolean ``(N,)`` mask of the given codes that are in the world."""
        m = np.zeros(self.n, dtype=bool)
        for c in codes:
            if self.has(c):
                m[self.index(c)] = True
        return m

    def group(self, name: str) -> BoolArray:
        """Mask of an institution's members, or of a group in :data:`GROUPS`."""
        if name in self.membership:
            return self.membership[name]
        from flashpoint.world.groups import GROUPS

        if name in GROUPS:
            return self.mask(list(GROUPS[name]))
        known = list(self.membership) + list(GROUPS)
        raise UnknownActorError(name, known, where="group")

    def digest(self) -> str:
        """SHA-256 of every array and label: identifies the world in provenance."""
        h = hashlib.sha256()
        h.update(str(self.year).encode())
        h.update("|".join(self.iso3).encode())
        for name in (
            "theatre", "milex", "milex_share", "gdp", "population", "milper", "cinc",
            "warheads", "lat", "lon", "distance_km", "defense", "offense", "neutrality",
            "nonaggression", "consultation", "partnership", "rivalry", "trade_share",
            "ideal_point",
        ):
            h.update(np.ascontiguousarray(getattr(self, name), dtype=np.float64).tobytes())
        h.update("|".join(self.at_war).encode())
        for k in sorted(self.membership):
            h.update(k.encode())
            h.update(np.ascontiguousarray(self.membership[k]).tobytes())
        return h.hexdigest()
