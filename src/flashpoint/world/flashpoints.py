"""The flashpoints the articles name, as challenger, targets and theatre.

A flashpoint is where a crisis can start and escalate (DESIGN.md §2):
the Taiwan Strait, the Korean Peninsula, the South China Sea, the East China
Sea (Senkaku/Diaoyu), the Baltic, and Ukraine, where Russia's war is being
fought (a state of the 2022-2024 worlds: ``facts.toml`` ``[[war]]``).
Defenders are not listed here: they are derived from the world's obligation
matrices (who is obliged to defend a target), so a scenario that edits the
alliances changes them.

``war_parties`` names the states that, beyond the challenger, the targets and
the states obliged to defend a target, fight in a war at the flashpoint, by
the definition of the war the model's costs describe: a war over Taiwan is
Bloomberg Economics' war scenario (Welch et al., January 2024, see
:mod:`flashpoint.mechanisms.war_costs`), in which the United States fights,
though its Taiwan Relations Act is no treaty obligation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from flashpoint._types import BoolArray, IntArray
from flashpoint.world.arrays import EURO_ATLANTIC, INDO_PACIFIC, WorldArrays

__all__ = ["FLASHPOINTS", "Flashpoint", "FlashpointArrays", "flashpoint_arrays"]


@dataclass(frozen=True, slots=True)
class Flashpoint:
    """A named flashpoint: the challenger, the states it would act against, the theatre."""

    id: str
    label: str
    challenger: str
    targets: tuple[str, ...]
    theatre: int
    note: str
    war_parties: tuple[str, ...] = ()


FLASHPOINTS: tuple[Flashpoint, ...] = (
    Flashpoint("taiwan_strait", "Taiwan Strait", "CHN", ("TWN",), INDO_PACIFIC,
               "Seed 003: 'Concerns that China will use force against Taiwan'.",
               war_parties=("USA",)),
    Flashpoint("korean_peninsula", "Korean Peninsula", "PRK", ("KOR",), INDO_PACIFIC,
               "Seed 002: South Korea 'lives under the constant threat of conflict with North Korea'."),
    Flashpoint("south_china_sea", "South China Sea", "CHN", ("PHL", "VNM", "MYS"), INDO_PACIFIC,
               "Seed 001/002: tensions 'between China and its neighbors' in the South China Sea."),
    Flashpoint("east_china_sea", "East China Sea (Senkaku/Diaoyu)", "CHN", ("JPN",), INDO_PACIFIC,
               "Seed 002: 'their active territorial dispute over the Senkaku/Diaoyu islands'."),
    Flashpoint("baltic", "Baltic", "RUS", ("LTU", "LVA", "EST"), EURO_ATLANTIC,
               "DESIGN.md §2; seed 003: 'deterring Russia from attacking alliance members'."),
    Flashpoint("ukraine", "Ukraine", "RUS", ("UKR",), EURO_ATLANTIC,
               "Seed 003: 'with war raging in Europe, NATO's only concerns should be supporting "
               "Ukraine'; UCDP conflict 13243 (facts.toml [[war]])."),
)


@dataclass(frozen=True, eq=False)
class FlashpointArrays:
    """Flashpoints resolved against a world: ids, challenger index, target masks.

    ``challenger`` is ``(F,)`` actor indices; ``targets`` is ``(F, N)`` boolean;
    ``theatre`` is ``(F,)``; ``parties`` is ``(F, N)`` boolean, the
    flashpoint's :attr:`Flashpoint.war_parties` in the world; ``at_war`` is
    ``(F,)`` boolean, a war being fought there at the world's date. Flashpoints
    whose challenger or every target is missing from the world are dropped
    (an all-states world keeps all six).
    """

    ids: tuple[str, ...]
    labels: tuple[str, ...]
    challenger: IntArray
    targets: BoolArray
    theatre: IntArray
    parties: BoolArray = field(default=None)  # type: ignore[assignment,arg-type]
    at_war: BoolArray = field(default=None)  # type: ignore[assignment,arg-type]

    def __post_init__(self) -> None:
        if self.parties is None:
            object.__setattr__(self, "parties", np.zeros_like(self.targets))
        if self.at_war is None:
            object.__setattr__(self, "at_war", np.zeros(len(self.ids), dtype=bool))

    @property
    def f(self) -> int:
        """Number of flashpoints."""
        return len(self.ids)


def flashpoint_arrays(world: WorldArrays) -> FlashpointArrays:
    """Resolve :data:`FLASHPOINTS` against ``world``."""
    kept = [
        fp for fp in FLASHPOINTS
        if world.has(fp.challenger) and any(world.has(t) for t in fp.targets)
    ]
    targets = np.zeros((len(kept), world.n), dtype=bool)
    parties = np.zeros((len(kept), world.n), dtype=bool)
    for k, fp in enumerate(kept):
        targets[k] = world.mask(list(fp.targets))
        parties[k] = world.mask(list(fp.war_parties)) & ~targets[k]
    return FlashpointArrays(
        ids=tuple(fp.id for fp in kept),
        labels=tuple(fp.label for fp in kept),
        challenger=np.array([world.index(fp.challenger) for fp in kept], dtype=np.int64),
        targets=targets,
        theatre=np.array([fp.theatre for fp in kept], dtype=np.int64),
        parties=parties,
        at_war=np.array([fp.id in world.at_war for fp in kept], dtype=bool),
    )
