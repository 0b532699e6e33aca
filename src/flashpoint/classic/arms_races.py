r"""Arms races as mutual military build-ups during rivalry: the Gibler-Rider-Hutchison rule.

Rule
----
Gibler, Rider & Hutchison (2005) code a conventional arms race in a strategic
rivalry when *both* rivals build up at the same time: each increases its
military expenditure **or** its military personnel by at least
:data:`GROWTH_THRESHOLD` (8 %) over the previous year, for at least
:data:`MIN_YEARS` (3) consecutive years (COW National Material Capabilities
series). They then kept only build-ups that historical sources tie to the
rivalry (the mobilisation is directed at the rival, not coincidental), a
judgement no series can reproduce, so a mechanical detector finds more races
than they coded. We could not read the article itself through our search
tools; the rule as stated here follows the description of the coding by S.
V. Miller (documentation of ``mmb_war`` in the R package *stevedata*, "operationalized
largely from Gibler et al. (2005): ... each dyadic partner is increasing their
military expenditure *or* personnel, eight percent or more from the previous
year, for at least three years"), and the 71 races are the article's appendix
as shipped by *peacesciencer* (``grh_arms_races``).

Equations: for state :math:`i` with expenditure :math:`m_{it}` and
personnel :math:`p_{it}`, a build-up year is

.. math::

    B_{it} = [m_{it}/m_{i,t-1} - 1 \ge g] \lor [p_{it}/p_{i,t-1} - 1 \ge g],

and a race is a maximal run of at least :math:`L` consecutive years with
:math:`B_{it} \land B_{jt}` while :math:`i` and :math:`j` are rivals.
NMC expenditure changes unit in 1914 (pounds to dollars), so the 1914 growth
of expenditure is undefined (personnel still counts).

The thresholds are public constants: the verdicts on arms-race claims use
them as the materiality band (a build-up below 8 %/yr, or shorter than three
years, is not an arms race by this rule).

References
----------
Gibler, D. M., Rider, T. J. & Hutchison, M. L. (2005). Taking arms against a
    sea of troubles: conventional arms races during periods of rivalry.
    *Journal of Peace Research* 42(2), 131-147. doi:10.1177/0022343305050687
Thompson, W. R. & Dreyer, D. (2012). *Handbook of International Rivalries,
    1494-2010*. CQ Press.
Singer, J. D., Bremer, S. & Stuckey, J. (1972). Capability distribution,
    uncertainty, and major power war, 1820-1965. In B. Russett (ed.),
    *Peace, War, and Numbers*, 19-48. Sage.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from flashpoint._types import BoolArray, FloatArray
from flashpoint.errors import DataError

__all__ = [
    "GROWTH_THRESHOLD",
    "MIN_YEARS",
    "Agreement",
    "agreement",
    "buildup",
    "detect",
    "detect_rivalries",
    "load_cow",
]

#: Minimum yearly growth of expenditure or personnel in a build-up year (Gibler et al. 2005).
GROWTH_THRESHOLD = 0.08
#: Minimum run of consecutive mutual build-up years (Gibler et al. 2005).
MIN_YEARS = 3
#: First year of NMC expenditure in US$ (earlier years are in pounds): growth undefined there.
UNIT_BREAK = 1914


def buildup(years: np.ndarray, milex: FloatArray, milper: FloatArray | None = None,
            threshold: float = GROWTH_THRESHOLD) -> BoolArray:
    """Build-up years ``B_t`` of one state's yearly series (first year False).

    A year counts when expenditure or personnel grew by at least
    ``threshold`` over the previous year (NaN growth counts as no build-up;
    expenditure growth into :data:`UNIT_BREAK` is undefined).
    Series may be stacked on a leading axis: ``milex`` shaped ``(..., T)``.
    """
    y = np.asarray(years)
    m = np.asarray(milex, dtype=np.float64)
    if m.shape[-1] != y.size:
        raise DataError("arms_races.buildup", f"expected {y.size} values per series. Got {m.shape[-1]}.")
    if np.any(np.diff(y) != 1):
        raise DataError("arms_races.buildup", "expected consecutive years.")
    with np.errstate(divide="ignore", invalid="ignore"):
        gm = m[..., 1:] / m[..., :-1] - 1.0
        gm = np.where((y[1:] == UNIT_BREAK), np.nan, gm)
        up = np.nan_to_num(gm, nan=-np.inf) >= threshold
        if milper is not None:
            p = np.asarray(milper, dtype=np.float64)
            gp = p[..., 1:] / p[..., :-1] - 1.0
            up |= np.nan_to_num(gp, nan=-np.inf) >= threshold
    first = np.zeros((*m.shape[:-1], 1), dtype=bool)
    return np.concatenate([first, up], axis=-1)


def detect(years: np.ndarray, up_a: BoolArray, up_b: BoolArray, rival: BoolArray | None = None,
           min_years: int = MIN_YEARS) -> list[tuple[int, int]]:
    """Races ``(first, last)`` year: runs of >= ``min_years`` mutual build-up years while rivals."""
    y = np.asarray(years)
    both = np.asarray(up_a, dtype=bool) & np.asarray(up_b, dtype=bool)
    if rival is not None:
        both &= np.asarray(rival, dtype=bool)
    edge = np.diff(np.concatenate([[0], both.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edge == 1), np.flatnonzero(edge == -1)
    return [(int(y[s]), int(y[e - 1])) for s, e in zip(starts, ends, strict=True) if e - s >= min_years]


def load_cow() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Shipped COW tables: rival states' NMC series, Thompson-Dreyer rivalries, the 71 GRH races."""
    from flashpoint.world.provenance import data_path

    return (pd.read_csv(data_path("nmc_rival_milex.csv.gz")), pd.read_csv(data_path("rivalries.csv")),
            pd.read_csv(data_path("arms_races_grh.csv")))


def _rows(df: pd.DataFrame, *cols: str) -> list[tuple[int, ...]]:
    return [tuple(int(v) for v in row) for row in df[list(cols)].to_numpy(dtype=np.int64)]


def detect_rivalries(series: pd.DataFrame, rivalries: pd.DataFrame, last: int = 2010,
                     threshold: float = GROWTH_THRESHOLD, min_years: int = MIN_YEARS) -> pd.DataFrame:
    """Apply the rule to every rivalry (columns a, b, styear, endyear) on NMC series (ccode, year, milex, milper)."""
    first = int(series.year.min())
    years = np.arange(first, last + 1)
    codes = np.unique(np.concatenate([rivalries.a, rivalries.b]))
    grid = pd.MultiIndex.from_product([codes, years], names=["ccode", "year"])
    s = series.set_index(["ccode", "year"]).reindex(grid)
    milex = s.milex.to_numpy().reshape(codes.size, years.size)
    milper = s.milper.to_numpy().reshape(codes.size, years.size)
    up = buildup(years, milex, milper, threshold)                    # (states, T)
    row = {int(c): k for k, c in enumerate(codes)}
    out = []
    for a, b, y0, y1 in _rows(rivalries, "a", "b", "styear", "endyear"):
        rival = (years >= y0) & (years <= y1)
        for s0, s1 in detect(years, up[row[a]], up[row[b]], rival, min_years):
            out.append((a, b, s0, s1))
    return pd.DataFrame(out, columns=["a", "b", "styear", "endyear"])


@dataclass(frozen=True)
class Agreement:
    """Agreement of detected races with coded ones.

    ``recall``: coded races overlapped by a detected race in the same dyad;
    ``precision``: detected races (within the coded period) overlapping a
    coded one; ``kappa``: Cohen's kappa over rivalry dyad-years (race year or
    not) in the period; ``matched`` the coded race ids found.
    """

    coded: int
    detected: int
    found: int
    recall: float
    precision: float
    kappa: float
    matched: tuple[int, ...]


def agreement(detected: pd.DataFrame, coded: pd.DataFrame, rivalries: pd.DataFrame,
              period: tuple[int, int] = (1816, 1992)) -> Agreement:
    """Compare detected races with coded races (columns race_id, a, b, styear, endyear)."""
    def years_of(df: pd.DataFrame) -> set[tuple[int, int, int]]:
        return {(a, b, y) for a, b, y0, y1 in _rows(df, "a", "b", "styear", "endyear")
                for y in range(y0, y1 + 1)}

    det = detected[(detected.endyear >= period[0]) & (detected.styear <= period[1])]
    dy, cy = years_of(det), years_of(coded)
    matched = tuple(rid for rid, a, b, y0, y1 in _rows(coded, "race_id", "a", "b", "styear", "endyear")
                    if any((a, b, y) in dy for y in range(y0, y1 + 1)))
    hits = sum(any((a, b, y) in cy for y in range(y0, y1 + 1))
               for a, b, y0, y1 in _rows(det, "a", "b", "styear", "endyear"))
    riv = rivalries[(rivalries.endyear >= period[0]) & (rivalries.styear <= period[1])]
    ry = {(a, b, y) for a, b, y0, y1 in _rows(riv, "a", "b", "styear", "endyear")
          for y in range(max(y0, period[0]), min(y1, period[1]) + 1)}
    x = np.array([k in dy for k in ry])
    z = np.array([k in cy for k in ry])
    po = float(np.mean(x == z)) if ry else float("nan")
    pe = float(x.mean() * z.mean() + (1 - x.mean()) * (1 - z.mean())) if ry else float("nan")
    kappa = (po - pe) / (1 - pe) if pe < 1 else float("nan")
    return Agreement(coded=len(coded), detected=len(det), found=len(matched),
                     recall=len(matched) / max(len(coded), 1), precision=hits / max(len(det), 1),
                     kappa=kappa, matched=matched)
