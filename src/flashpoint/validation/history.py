"""Observed series from the shipped world tables: military spending and alignment.

The engine starts from the world of one year; to calibrate and to backtest it
we need what happened in the following years, read from the same tables
(``world/data/actors.csv.gz``) the worlds are built from.

Observations
------------
* **Military spending** ``milex[t, i]``: SIPRI Military Expenditure Database
  (2023 release), constant 2022 US$ bn. A cell counts as an *observation* only
  if its source is SIPRI, it is SIPRI's figure for that very year (not a value
  carried forward from another year) and it is positive. COW NMC fills,
  carried values and estimates (e.g. North Korea after 2018) are gaps here:
  ``NaN`` with ``milex_ok == False``. The converted SIPRI current-price
  figures (a few Vietnam and North Korea years) count: they are SIPRI's own
  figures at SIPRI's own deflator.
* **Ideal points** ``ideal[t, i]``: UN General Assembly ideal points (Bailey,
  Strezhnev & Voeten 2017; June 2024 release). Taiwan's are an estimate (not
  a UN member) and are flagged by ``ideal_ok == False``.
* **Observed alignment** ``a[t, i, p]`` to a partner ``p`` (the United States,
  China): the ideal-point part of the engine's mapping
  (:func:`flashpoint.engine.initial.initial_alignment`)::

      a_ip = 2 exp(-|x_i - x_p| / d0) - 1,   d0 = ALIGNMENT_SCALE

  without the alliance floor and the rivalry penalty, which are constant in
  a simulation (the world's relations do not change during a run); so the
  *change* of ``a`` since the start year is comparable with the change of the
  simulated alignment.

References
----------
SIPRI (2023). SIPRI Military Expenditure Database. Stockholm International
    Peace Research Institute. doi:10.55163/CQGC9685
Bailey, M. A., Strezhnev, A. & Voeten, E. (2017). Estimating dynamic state
    preferences from United Nations voting data. *Journal of Conflict
    Resolution* 61(2), 430-456. doi:10.1177/0022002715595700
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from flashpoint._types import BoolArray, FloatArray
from flashpoint.engine.initial import ALIGNMENT_SCALE
from flashpoint.errors import DataError, UnknownActorError

__all__ = ["PARTNERS", "History", "ideal_alignment", "load_history"]

#: Partners whose alignment with every actor is scored.
PARTNERS: tuple[str, ...] = ("USA", "CHN")


def ideal_alignment(ideal: FloatArray, partner_ideal: FloatArray) -> FloatArray:
    """Alignment from ideal points, ``2 exp(-|x_i - x_p| / d0) - 1``.

    Parameters
    ----------
    ideal : array (..., N)
        Ideal points of the actors.
    partner_ideal : array (..., P)
        Ideal points of the partners (same leading dimensions).

    Returns
    -------
    array (..., N, P)
        Alignment in (-1, 1]; NaN where an ideal point is NaN.
    """
    x = np.asarray(ideal, dtype=np.float64)[..., :, None]
    y = np.asarray(partner_ideal, dtype=np.float64)[..., None, :]
    return np.asarray(2.0 * np.exp(-np.abs(x - y) / ALIGNMENT_SCALE) - 1.0)


@dataclass(frozen=True, eq=False)
class History:
    """Observed series, years × actors.

    Attributes
    ----------
    years : int array (T,)
    actors : tuple of ISO3 codes (N,)
    milex : array (T, N)
        SIPRI military spending, constant 2022 US$ bn; NaN where not observed.
    ideal : array (T, N)
        UNGA ideal points (Taiwan's are estimates, see ``ideal_ok``).
    ideal_ok : bool array (T, N)
        The ideal point is a UN voting estimate, not a fill.
    partners : tuple of ISO3 codes (P,)
        Partners of the alignment series.
    share : array (T, N), optional
        SIPRI military spending as a share of GDP (a fraction); NaN where it
        is not SIPRI's figure for that year.
    """

    years: np.ndarray
    actors: tuple[str, ...]
    milex: FloatArray
    ideal: FloatArray
    ideal_ok: BoolArray
    partners: tuple[str, ...] = PARTNERS
    share: FloatArray | None = None

    @property
    def milex_ok(self) -> BoolArray:
        """Where military spending is observed (T, N)."""
        return np.asarray(np.isfinite(self.milex))

    def row(self, year: int) -> int:
        """Index of ``year`` in :attr:`years` (DataError if absent)."""
        hit = np.flatnonzero(self.years == year)
        if hit.size == 0:
            raise DataError("history", f"expected a year from {int(self.years[0])} to "
                            f"{int(self.years[-1])}. Got {year!r} instead.")
        return int(hit[0])

    def window(self, first: int, last: int) -> History:
        """The years ``first..last`` (inclusive)."""
        i, j = self.row(first), self.row(last)
        if j < i:
            raise DataError("history", f"expected first <= last. Got {first}-{last} instead.")
        s = slice(i, j + 1)
        return History(self.years[s], self.actors, self.milex[s], self.ideal[s],
                       self.ideal_ok[s], self.partners,
                       None if self.share is None else self.share[s])

    def alignment(self) -> FloatArray:
        """Observed alignment ``(T, N, P)`` of each actor with each partner.

        NaN where the actor's or the partner's ideal point is a fill (Taiwan),
        and for an actor with itself.
        """
        idx = [self.actors.index(p) for p in self.partners]
        x = np.where(self.ideal_ok, self.ideal, np.nan)
        a = ideal_alignment(x, x[:, idx])
        for k, j in enumerate(idx):
            a[:, j, k] = np.nan
        return a


def load_history(actors: Sequence[str] | None = None, first: int = 1995, last: int = 2023,
                 partners: Sequence[str] = PARTNERS) -> History:
    """Observed military spending and ideal points for ``actors`` and years ``first..last``.

    Parameters
    ----------
    actors : list of ISO3 codes, optional
        Default: the default world's actors (:data:`flashpoint.world.DEFAULT_ACTORS`).
    first, last : int
        Years, within the shipped tables (1995-2023).
    partners : list of ISO3 codes
        Alignment partners; must be among ``actors``.

    Raises
    ------
    DataError
        Years outside the tables.
    UnknownActorError
        An actor or partner that is not in the tables.
    """
    from flashpoint.world.loader import DATA_LAST, DEFAULT_ACTORS, FIRST_YEAR, _actors_table

    codes = tuple(DEFAULT_ACTORS if actors is None else actors)
    if not (FIRST_YEAR <= first <= last <= DATA_LAST):
        raise DataError("history", f"expected years {FIRST_YEAR} <= first <= last <= {DATA_LAST}. "
                        f"Got {first}-{last} instead.")
    t = _actors_table()
    known = set(t.iso3)
    for c in (*codes, *partners):
        if c not in known:
            raise UnknownActorError(c, sorted(known), where="history")
    for p in partners:
        if p not in codes:
            raise UnknownActorError(p, codes, where="history partners")
    t = t[t.iso3.isin(codes) & t.year.between(first, last)]
    years = np.arange(first, last + 1)

    def grid(col: str) -> FloatArray:
        wide = t.pivot(index="year", columns="iso3", values=col).reindex(index=years, columns=list(codes))
        return np.asarray(wide.to_numpy(dtype=np.float64))

    def text(col: str) -> np.ndarray:
        wide = t.pivot(index="year", columns="iso3", values=col).reindex(index=years, columns=list(codes))
        return np.asarray(wide.fillna("").astype(str).to_numpy())

    milex = grid("milex")
    src_year = grid("milex_year")
    ok = (text("milex_src") == "sipri_milex") & (src_year == years[:, None]) & (milex > 0)
    ideal = grid("ideal_point")
    ideal_ok = (text("ideal_point_src") == "unga_ip") & np.isfinite(ideal)
    share = grid("milex_share")
    share_ok = (text("milex_share_src") == "sipri_milex") & (grid("milex_share_year") == years[:, None])
    return History(years=years, actors=codes, milex=np.where(ok, milex, np.nan), ideal=ideal,
                   ideal_ok=np.asarray(ideal_ok), partners=tuple(partners),
                   share=np.where(share_ok & (share > 0), share, np.nan))
