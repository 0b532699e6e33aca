"""The array view of a world: the only bridge between world objects and NumPy.

:class:`WorldArrays` is what the engine and the mechanisms read. It is built
by :meth:`flashpoint.world.World.to_arrays` from the sourced world, or by
:func:`flashpoint.testing.tiny_world` for tests. All matrices are indexed
``[i, j]`` in the order of ``iso3``.

Units
-----
milex      US$ billion per year, constant 2022 prices (SIPRI)
milex_share fraction of GDP (SIPRI)
gdp        US$ billion per year, constant 2022 prices: current-US$ GDP (World Bank /
           IMF) converted with SIPRI's constant/current ratio of the state's
           spending, the price basis of ``milex`` (scripts/build_world.py)
population millions
milper     thousands of personnel (COW NMC)
warheads   number of nuclear warheads in the stockpile (FAS)
distance_km great-circle distance between capitals
trade_share row-normalised: share of i's total recorded trade that is with j
ideal_point UN General Assembly ideal point (Bailey, Strezhnev & Voeten 2017)
milex_trend, gdp_growth (and _sd) real growth rates, 1/yr (flashpoint.world.trends)
pledges    announced spending floors, shares of GDP (PledgeArrays)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

from flashpoint._types import BoolArray, FloatArray, IntArray
from flashpoint.errors import UnknownActorError

__all__ = ["EURO_ATLANTIC", "INDO_PACIFIC", "OTHER", "THEATRES", "PledgeArrays", "WorldArrays"]

EURO_ATLANTIC, INDO_PACIFIC, OTHER = 0, 1, 2
THEATRES = ("euro_atlantic", "indo_pacific", "other")


@dataclass(frozen=True, eq=False)
class PledgeArrays:
    """Announced spending plans as arrays over pledges ``P`` (see docs/world.md).

    target : (P,) burden to reach, share of GDP.
    years : (P,) years from the world's year to the target year (0 if passed).
    compliance : (P, 2) low and high share of the gap to the path that is closed.
    members : (P, N) whether the pledge binds each actor.
    ids : (P,) pledge ids.
    """

    target: FloatArray
    years: FloatArray
    compliance: FloatArray
    members: BoolArray
    ids: tuple[str, ...] = ()

    @classmethod
    def none(cls, n: int) -> PledgeArrays:
        """No pledges in a world of ``n`` actors."""
        return cls(np.zeros(0), np.zeros(0), np.zeros((0, 2)), np.zeros((0, n), dtype=bool), ())

    @property
    def p(self) -> int:
        """Number of pledges."""
        return int(self.target.shape[0])


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
    #: Real growth of military spending and of GDP (1/yr): posterior mean and sd
    #: of each actor's trend (flashpoint.world.trends); None: estimated for ``year``.
    milex_trend: FloatArray = field(default=None)  # type: ignore[assignment,arg-type]
    milex_trend_sd: FloatArray = field(default=None)  # type: ignore[assignment,arg-type]
    gdp_growth: FloatArray = field(default=None)  # type: ignore[assignment,arg-type]
    gdp_growth_sd: FloatArray = field(default=None)  # type: ignore[assignment,arg-type]
    #: Announced spending plans in force in ``year`` (none by default).
    pledges: PledgeArrays = field(default=None)  # type: ignore[assignment,arg-type]
    at_war: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Worlds built without a scope (e.g. tiny_world): every obligation covers its target.
        if self.commitment_scope is None:
            object.__setattr__(self, "commitment_scope", (self.defense > 0).astype(np.float64))
        if self.milex_trend is None or self.gdp_growth is None:
            from flashpoint.world.trends import trend_arrays

            est = trend_arrays(self.iso3, [THEATRES[int(t)] for t in self.theatre], self.year)
            for name, values in est.items():
                if getattr(self, name) is None:
                    object.__setattr__(self, name, values)
        if self.pledges is None:
            object.__setattr__(self, "pledges", PledgeArrays.none(self.n))

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
        for name in ("milex_trend", "milex_trend_sd", "gdp_growth", "gdp_growth_sd"):
            h.update(np.ascontiguousarray(getattr(self, name), dtype=np.float64).tobytes())
        pl = self.pledges
        h.update("|".join(pl.ids).encode())
        for arr in (pl.target, pl.years, pl.compliance, pl.members):
            h.update(np.ascontiguousarray(arr, dtype=np.float64).tobytes())
        return h.hexdigest()
