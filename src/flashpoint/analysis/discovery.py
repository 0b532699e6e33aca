r"""Scenario discovery: the regions of the assumption space where a claim holds or fails.

API for reports (the "deciding assumptions" of a claim)
-------------------------------------------------------
``deciding_assumptions(verdict_or_margins, *, target="both", max_dims=3,
min_density=None) -> list[Assumption]``

* ``verdict_or_margins``: a :class:`flashpoint.claims.Verdict` or its
  ``margins`` DataArray (over ``run``, carrying ``param__*`` / ``lever__*``
  coordinates).
* Returns one :class:`Assumption` per found box, holding boxes first:
  ``a.target`` (``"holds"`` / ``"fails"``), ``a.box`` (a :class:`Box` with
  ``coverage``, ``density``, ``mass``, ``limits``), and ``a.sentence``, e.g.
  ``"holds when rate beta at which shared threat raises alignment is above
  0.31 and trade multiplier (EU) below 1.2 (coverage 72%, density 91%)"``.
* A claim that holds (fails) in every run yields no box for that side; one
  whose outcome no box of at most ``max_dims`` restrictions concentrates
  yields a box with ``box.meets_threshold == False``.

Other entry points: :func:`prim` (the algorithm on any ``x``, boolean ``y``),
:func:`factor_table` (the per-run inputs of a result or margins), :func:`cart_rules`
(a CART cross-check; needs scikit-learn), :func:`box_sentence`.

PRIM (Friedman & Fisher 1999), as EMA Workbench runs it (Kwakkel 2017)
    Start with the box :math:`B` containing every point. *Peeling*: for every
    input :math:`j` consider removing the :math:`\alpha` share of the points
    in :math:`B` with the highest (or lowest) :math:`x_j`; take the peel
    :math:`b` maximising

    .. math::

        \frac{\bar y_{B - b} - \bar y_B}{n_B - n_{B-b}}

    (gain in the share of cases of interest per point removed: EMA
    Workbench's ``LENIENT1``); repeat while the gain is positive and the box
    keeps at least ``mass_min`` of the points. This gives the *peeling
    trajectory* from high coverage/low density to low coverage/high density.
    *Pasting* then widens the last box along each restricted input by a
    ``paste_alpha`` share of the points just outside it, while that raises
    the density. The details follow EMA Workbench 2.5's ``Prim`` exactly, so
    the trajectories agree step for step (tested on EMA's shipped example
    data when ``ema_workbench`` is installed):

    * the peel value is EMA's :func:`get_quantile` (the midpoint of the order
      statistics around :math:`(n-1)q`, stepping past ties), not a linear
      interpolation, so integer and few-valued inputs peel;
    * candidates are ordered real columns, then integer columns, then
      categorical ones; per column the upper peel, then the lower one (per
      categorical column one candidate per category still allowed); ties on
      the objective go to the box restricting fewer inputs, then to the first
      candidate (EMA's stable descending sort);
    * integer columns peel to an integer and take the nearest data value as
      the limit (EMA's ``_discrete_peel``); categorical columns (object,
      string, category or boolean dtype) peel by dropping one category
      (``_categorical_peel``); a categorical column with one category and a
      column named ``scenario`` (EMA's experiment id) are dropped;
    * pasting considers the restricted real columns (if none is restricted,
      EMA pastes nothing), then the restricted integer and categorical ones;
    * covering (``max_boxes > 1``) looks for each further box among the
      points outside the earlier boxes, and a box's coverage counts only
      those points, so coverages sum to at most 1. A box whose density stays
      below ``min_density`` ends the covering; EMA then returns a "dump box"
      (the whole remaining space), flashpoint the box it found, flagged
      ``meets_threshold=False``.

    ``PrimResult.raw_trajectory`` is EMA's trajectory (peels, then pastes);
    ``PrimResult.trajectory`` the same boxes each stripped of the restrictions
    that add less than ``prune_tol`` to its density (so that noise peels do
    not use up the ``max_dims`` budget). A box is summarised by

    * coverage :math:`= \sum_{i \in B} y_i / \sum_i y_i` (share of all cases
      of interest inside the box),
    * density :math:`= \bar y_B` (share of the box's points that are cases),
    * mass :math:`= n_B / n`.

    The box is chosen by ``rule``. ``"ema"`` (the default of :func:`prim`):
    EMA's, the last box of the trajectory, pasted. ``"balanced"`` (the
    project's rule, used by :func:`deciding_assumptions`): among the pruned
    trajectory boxes whose density reaches ``min_density`` and which restrict
    at most ``max_dims`` inputs, the one with the highest harmonic mean of
    coverage and density :math:`2cd/(c + d)`, then pasted as EMA pastes
    (Bryant & Lempert 2010 pick by hand on the coverage-density trade-off and
    stress interpretability; this rule automates that choice, weighing
    coverage and density equally). The default ``min_density`` is half-way
    between the base rate and 1 (rationale: a box must at least halve the
    distance to a pure region to be called "deciding").

Why our own implementation rather than calling EMA Workbench's ``prim``: EMA
Workbench 2.5 requires scikit-learn, platypus-opt, statsmodels, seaborn,
matplotlib and tqdm, and its module mixes the algorithm with plotting; this
module reproduces its algorithm (vectorised over inputs) without those
dependencies, and :mod:`flashpoint.ema` connects flashpoint to EMA itself.

CART cross-check (Breiman et al. 1984)
    :func:`cart_rules` fits a shallow :class:`sklearn.tree.DecisionTreeClassifier`
    and returns its leaves as boxes with the same statistics, so a PRIM box and
    the tree's purest large leaf can be compared (Lempert, Bryant & Bankes 2008).

References
----------
Friedman, J. H. & Fisher, N. I. (1999). Bump hunting in high-dimensional
data. *Statistics and Computing* 9(2), 123-143. doi:10.1023/A:1008894516817

Bryant, B. P. & Lempert, R. J. (2010). Thinking inside the box: a
participatory, computer-assisted approach to scenario discovery.
*Technological Forecasting and Social Change* 77(1), 34-49.
doi:10.1016/j.techfore.2009.08.002

Lempert, R. J., Bryant, B. P. & Bankes, S. C. (2008). *Comparing algorithms
for scenario discovery*. RAND WR-557-NSF.

Kwakkel, J. H. (2017). The Exploratory Modeling Workbench. *Environmental
Modelling & Software* 96, 239-250. doi:10.1016/j.envsoft.2017.06.054

Breiman, L., Friedman, J., Olshen, R. & Stone, C. (1984). *Classification
and Regression Trees*. Wadsworth.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
import xarray as xr

from flashpoint._types import BoolArray, FloatArray
from flashpoint.errors import AnalysisError

__all__ = [
    "Assumption",
    "Box",
    "Limit",
    "PrimResult",
    "box_sentence",
    "cart_rules",
    "deciding_assumptions",
    "factor_table",
    "get_quantile",
    "prim",
    "screen_factors",
]

Target = Literal["holds", "fails"]


@dataclass(frozen=True)
class Limit:
    """A restricted input: ``low <= x <= high`` (``None`` where the side is unrestricted).

    For a categorical input ``values`` lists the categories the box keeps
    (``low`` and ``high`` are then ``None``).
    """

    factor: str
    low: float | None
    high: float | None
    meaning: str = ""
    values: tuple[Any, ...] | None = None


@dataclass(frozen=True)
class Box:
    """A PRIM (or CART) box with its statistics; ``limits`` lists only restricted inputs."""

    limits: tuple[Limit, ...]
    coverage: float
    density: float
    mass: float
    n_points: int
    n_cases: int
    meets_threshold: bool = True

    @property
    def restricted(self) -> tuple[str, ...]:
        """Names of the restricted inputs."""
        return tuple(lim.factor for lim in self.limits)


TRAJECTORY_COLUMNS = ["coverage", "density", "mean", "res_dim", "mass", "id", "n", "k"]


@dataclass(frozen=True, eq=False)
class PrimResult:
    """The boxes found and their peeling (and pasting) trajectories.

    * ``trajectory``: the first box's peeling trajectory with every box pruned
      of the restrictions that add less than ``prune_tol`` density (columns
      ``coverage, density, mass, n_restricted``), the one the project's
      ``"balanced"`` rule chooses from;
    * ``raw_trajectory``: the first box's unpruned trajectory exactly as EMA
      Workbench's ``PrimBox.peeling_trajectory`` has it (peels, then the
      pastes of the box chosen; columns ``coverage, density, mean, res_dim,
      mass, id, n, k``), with ``raw_limits[i]`` the limits of row ``i``
      (restricted inputs only);
    * ``raw_trajectories`` / ``all_raw_limits``: the same for every box of
      the covering, in order.
    """

    boxes: tuple[Box, ...]
    trajectory: pd.DataFrame
    base_rate: float
    raw_trajectory: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=TRAJECTORY_COLUMNS))
    raw_limits: tuple[tuple[Limit, ...], ...] = ()
    raw_trajectories: tuple[pd.DataFrame, ...] = ()
    all_raw_limits: tuple[tuple[tuple[Limit, ...], ...], ...] = ()


def get_quantile(data: Any, quantile: float) -> float:
    """EMA Workbench's (and sdtoolkit's) PRIM quantile of ``data``.

    With the data sorted and :math:`i = (n-1)q`, the value is the midpoint of
    the order statistics :math:`x_{(\\lfloor i\\rfloor)}` and
    :math:`x_{(\\lceil i\\rceil)}`, where, for an upper quantile (q > 0.5),
    the lower index steps down past values tied with the upper one, and for a
    lower quantile the upper index steps up past ties. A peel at this value
    therefore always falls between two distinct data values (so it removes
    points even on integer or few-valued inputs), unlike a linear
    interpolation that lands on a tied value.
    """
    return float(_quantiles(np.asarray(data, dtype=np.float64).reshape(-1, 1), quantile)[0])


def _quantiles(x: FloatArray, q: float) -> FloatArray:
    """:func:`get_quantile` of every column of ``x`` (n, D) at once."""
    s = np.sort(x, axis=0)
    n = s.shape[0]
    i = (n - 1) * q
    lo_i, hi_i = int(np.floor(i)), int(np.ceil(i))
    cols = np.arange(s.shape[1])
    if q > 0.5:
        v_hi = s[hi_i]
        below = (s < v_hi).sum(axis=0)  # index of the last value below x_(hi) is below - 1
        lo = np.maximum(np.minimum(lo_i, below - 1), 0)
        return np.asarray((s[lo, cols] + v_hi) / 2)
    v_lo = s[lo_i]
    upto = (s <= v_lo).sum(axis=0)  # index of the first value above x_(lo)
    hi = np.minimum(np.maximum(hi_i, upto), n - 1)
    return np.asarray((v_lo + s[hi, cols]) / 2)


class _Data:
    """The inputs split as EMA Workbench splits them: real, integer, categorical columns.

    Columns are ordered real first, then integer, then categorical (EMA's
    order, which decides ties between peels). Categorical columns (object,
    string, category or boolean dtype) are coded by their sorted categories;
    a categorical column with one category is dropped (as EMA does), as is a
    column named ``scenario`` (EMA's experiment id).
    """

    def __init__(self, x: pd.DataFrame) -> None:
        x = x.drop(columns=[c for c in x.columns if str(c) == "scenario"]).reset_index(drop=True)
        real, ints, noms = [], [], []
        for c in x.columns:
            kind = x[c].dtype.kind
            if kind == "f":
                real.append(c)
            elif kind in "iu":
                ints.append(c)
            elif pd.Series(x[c]).nunique(dropna=False) > 1:
                noms.append(c)
        self.num_names = [str(c) for c in real + ints]
        self.n_real = len(real)
        self.nom_names = [str(c) for c in noms]
        self.names = self.num_names + self.nom_names
        num = x[real + ints].to_numpy(dtype=np.float64) if real or ints else np.zeros((len(x), 0))
        self.num: FloatArray = np.asarray(num)
        if not np.all(np.isfinite(self.num)):
            raise AnalysisError("prim: the numeric inputs must be finite (no NaN or infinity).")
        self.is_int = np.array([False] * len(real) + [True] * len(ints), dtype=bool)
        self.cats: list[list[Any]] = []
        codes = []
        for c in noms:
            present = sorted(pd.unique(pd.Series(x[c]).dropna()), key=_sort_key)
            cat = pd.Categorical(x[c], categories=present)
            if (cat.codes < 0).any():
                raise AnalysisError(f"prim: categorical input {c!r} has missing values.")
            self.cats.append(present)
            codes.append(np.asarray(cat.codes, dtype=np.int64))
        self.codes = np.stack(codes, axis=1) if codes else np.zeros((len(x), 0), dtype=np.int64)
        self.n = len(x)


def _sort_key(v: Any) -> tuple[str, Any]:
    return (type(v).__name__, v)


@dataclass
class _Lims:
    """Box limits: ``lo``/``hi`` per numeric column, allowed categories per categorical one."""

    lo: FloatArray
    hi: FloatArray
    allowed: list[BoolArray]

    def copy(self) -> _Lims:
        return _Lims(self.lo.copy(), self.hi.copy(), [a.copy() for a in self.allowed])


def _box_init(d: _Data) -> _Lims:
    return _Lims(d.num.min(axis=0) if d.n else np.zeros(0), d.num.max(axis=0) if d.n else np.zeros(0),
                 [np.ones(len(c), dtype=bool) for c in d.cats])


def _restricted_mask(b: _Lims, b0: _Lims) -> BoolArray:
    """Restricted columns (numeric then categorical), by exact comparison as EMA does."""
    num = (b.lo != b0.lo) | (b.hi != b0.hi)
    nom = np.array([not np.array_equal(a, a0) for a, a0 in zip(b.allowed, b0.allowed, strict=True)],
                   dtype=bool)
    return np.concatenate([num, nom])


def _in(d: _Data, b: _Lims, rows: BoolArray) -> BoolArray:
    """Rows of ``rows`` inside box ``b`` (inclusive limits)."""
    inside = rows & np.all((d.num >= b.lo) & (d.num <= b.hi), axis=1)
    for j, a in enumerate(b.allowed):
        if not a.all():
            inside &= a[d.codes[:, j]]
    return np.asarray(inside)


def _lenient1(n_old: int, k_old: int, n_new: Any, k_new: Any) -> Any:
    """EMA's ``LENIENT1`` objective: gain in mean per point removed (or added); 0 if the mean is unchanged."""
    n_new = np.asarray(n_new)
    k_new = np.asarray(k_new)
    mean_old = k_old / n_old
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_new = np.where(n_new > 0, k_new / np.maximum(n_new, 1), 0.0)
        obj = (mean_new - mean_old) / np.abs(n_old - n_new)
    return np.where(mean_new != mean_old, obj, 0.0), mean_new


def _choose(obj: FloatArray, n_res: Any, n_cols: int) -> int:
    """EMA's choice: highest objective, then most unrestricted columns, then the first candidate."""
    non_res = n_cols - np.asarray(n_res)
    return int(np.lexsort((np.arange(obj.size), -non_res, -obj))[0])


class _Prim:
    """EMA Workbench's PRIM (``Prim.find_box``) on the split inputs; see :func:`prim`."""

    def __init__(self, d: _Data, y: FloatArray, peel_alpha: float, paste_alpha: float,
                 mass_min: float) -> None:
        self.d, self.y = d, y
        self.peel_alpha, self.paste_alpha, self.mass_min = peel_alpha, paste_alpha, mass_min
        self.b0 = _box_init(d)
        self.n_cols = len(d.names)
        self.t_coi = int(y.sum())

    def stats(self, inside: BoolArray, b: _Lims, i: int) -> dict[str, float]:
        n = int(inside.sum())
        k = int(self.y[inside].sum())
        return {"coverage": k / self.t_coi if self.t_coi else 0.0, "density": k / n if n else 0.0,
                "mean": k / n if n else 0.0, "res_dim": int(_restricted_mask(b, self.b0).sum()),
                "mass": n / self.d.n, "id": i, "n": n, "k": k}

    def _peel_candidates(self, b: _Lims, inside: BoolArray) -> tuple[list[_Lims], BoolArray]:
        """Candidate peels in EMA's order: per real column upper then lower, the same per integer
        column, then per categorical column one candidate per category it still allows."""
        d = self.d
        idx = np.flatnonzero(inside)
        xin = d.num[idx]
        p = xin.shape[1]
        lims: list[_Lims] = []
        keeps: list[BoolArray] = []
        if p:
            q_hi = _quantiles(xin, 1 - self.peel_alpha)
            q_lo = _quantiles(xin, self.peel_alpha)
            keep_hi = xin <= q_hi
            keep_lo = xin >= q_lo
            new_hi, new_lo = q_hi.copy(), q_lo.copy()
            ints = d.is_int
            if ints.any():  # EMA's _discrete_peel: integer peel value, a data value as the new limit
                t_hi, t_lo = np.trunc(q_hi), np.trunc(q_lo)
                at_hi, at_lo = t_hi == b.hi, t_lo == b.lo
                kh = np.where(at_hi, xin < b.hi, xin <= t_hi)
                kl = np.where(at_lo, xin > b.lo, xin >= t_lo)
                keep_hi[:, ints], keep_lo[:, ints] = kh[:, ints], kl[:, ints]
                with np.errstate(invalid="ignore"):
                    mx = np.where(kh, xin, -np.inf).max(axis=0)
                    mn = np.where(kl, xin, np.inf).min(axis=0)
                mx = np.where(kh.any(axis=0), mx, xin.max(axis=0))
                mn = np.where(kl.any(axis=0), mn, xin.min(axis=0))
                new_hi[ints], new_lo[ints] = mx[ints], mn[ints]
            for j in range(p):
                up = b.copy()
                up.hi[j] = new_hi[j]
                low = b.copy()
                low.lo[j] = new_lo[j]
                lims += [up, low]
                keeps += [keep_hi[:, j], keep_lo[:, j]]
        for j, allowed in enumerate(b.allowed):
            if allowed.sum() <= 1:
                continue
            cin = d.codes[idx, j]
            for c in np.flatnonzero(allowed):
                nb = b.copy()
                nb.allowed[j][c] = False
                lims.append(nb)
                keeps.append(cin != c)
        full = np.zeros((len(keeps), d.n), dtype=bool)
        if keeps:
            full[:, idx] = np.stack(keeps)
        return lims, full

    def peel(self, b: _Lims, inside: BoolArray, traj: list[tuple[_Lims, BoolArray]]) -> tuple[_Lims, BoolArray]:
        while True:
            lims, members = self._peel_candidates(b, inside)
            if not lims:
                return b, inside
            n_old, k_old = int(inside.sum()), int(self.y[inside].sum())
            n_new = members.sum(axis=1)
            k_new = members @ self.y
            obj, _ = _lenient1(n_old, k_old, n_new, k_new)
            n_res = [int(_restricted_mask(c, self.b0).sum()) for c in lims]
            k = _choose(obj, n_res, self.n_cols)
            mass_new, mass_old = n_new[k] / self.d.n, n_old / self.d.n
            if not (mass_new >= self.mass_min and mass_new < mass_old and obj[k] > 0):
                return b, inside
            b, inside = lims[k], members[k]
            traj.append((b, inside))

    def paste(self, b: _Lims, inside: BoolArray, remaining: BoolArray,
              traj: list[tuple[_Lims, BoolArray]]) -> tuple[_Lims, BoolArray]:
        d = self.d
        while True:
            res = _restricted_mask(b, self.b0)
            cands: list[_Lims] = []
            for j in np.flatnonzero(res[: d.num.shape[1]]):
                if j >= d.n_real and not cands:
                    break  # EMA returns when no real column is restricted (its dtype loop)
                for side in (0, 1):
                    region = b.copy()
                    if side == 0:
                        region.lo[j], region.hi[j] = self.b0.lo[j], b.lo[j]
                    else:
                        region.lo[j], region.hi[j] = b.hi[j], self.b0.hi[j]
                    data = d.num[_in(d, region, remaining), j]
                    nb = b.copy()
                    if side == 0:
                        nb.lo[j] = get_quantile(data, 1 - self.paste_alpha) if data.size else self.b0.lo[j]
                    else:
                        nb.hi[j] = get_quantile(data, self.paste_alpha) if data.size else self.b0.hi[j]
                    cands.append(nb)
            if cands:
                for j in np.flatnonzero(res[d.num.shape[1]:]):
                    for c in np.flatnonzero(~b.allowed[j]):
                        nb = b.copy()
                        nb.allowed[j][c] = True
                        cands.append(nb)
            if not cands:
                return b, inside
            members = np.stack([_in(d, c, remaining) for c in cands])
            n_old, k_old = int(inside.sum()), int(self.y[inside].sum())
            n_new = members.sum(axis=1)
            k_new = members @ self.y
            obj, mean_new = _lenient1(n_old, k_old, n_new, k_new)
            n_res = [int(_restricted_mask(c, self.b0).sum()) for c in cands]
            k = _choose(obj, n_res, self.n_cols)
            mass_new, mass_old = n_new[k] / d.n, n_old / d.n
            if not (mass_new >= self.mass_min and mass_new > mass_old and obj[k] > 0
                    and mean_new[k] > k_old / n_old):
                return b, inside
            b, inside = cands[k], members[k]
            traj.append((b, inside))

    def prune(self, b: _Lims, remaining: BoolArray, tol: float) -> _Lims:
        """Drop restrictions whose removal costs less than ``tol`` density (greedily, cheapest first)."""
        d = self.d
        b = b.copy()
        p = d.num.shape[1]
        while True:
            inside = _in(d, b, remaining)
            dens = float(self.y[inside].mean()) if inside.any() else 0.0
            best: tuple[float, int] | None = None
            for j in np.flatnonzero(_restricted_mask(b, self.b0)):
                t = self._unrestrict(b, int(j), p)
                ins = _in(d, t, remaining)
                loss = dens - float(self.y[ins].mean())
                if loss < tol and (best is None or loss < best[0]):
                    best = (loss, int(j))
            if best is None:
                return b
            b = self._unrestrict(b, best[1], p)

    def _unrestrict(self, b: _Lims, j: int, p: int) -> _Lims:
        t = b.copy()
        if j < p:
            t.lo[j], t.hi[j] = self.b0.lo[j], self.b0.hi[j]
        else:
            t.allowed[j - p] = self.b0.allowed[j - p].copy()
        return t


def _same(a: _Lims, b: _Lims) -> bool:
    return bool(np.array_equal(a.lo, b.lo) and np.array_equal(a.hi, b.hi)
                and all(np.array_equal(u, v) for u, v in zip(a.allowed, b.allowed, strict=True)))


def _restricted(lo: FloatArray, hi: FloatArray, lo0: FloatArray, hi0: FloatArray) -> BoolArray:
    return np.asarray((lo > lo0) | (hi < hi0))


def _limits(d: _Data, b: _Lims, b0: _Lims, meanings: dict[str, str]) -> tuple[Limit, ...]:
    out = []
    p = d.num.shape[1]
    for j in np.flatnonzero(_restricted_mask(b, b0)):
        name = d.names[j]
        if j < p:
            out.append(Limit(name, float(b.lo[j]) if b.lo[j] != b0.lo[j] else None,
                             float(b.hi[j]) if b.hi[j] != b0.hi[j] else None, meanings.get(name, "")))
        else:
            cats = d.cats[j - p]
            out.append(Limit(name, None, None, meanings.get(name, ""),
                             tuple(cats[c] for c in np.flatnonzero(b.allowed[j - p]))))
    return tuple(out)


def prim(x: pd.DataFrame, y: Any, *, peel_alpha: float = 0.05, paste_alpha: float = 0.05,
         mass_min: float = 0.05, min_density: float | None = None, max_dims: int = 3,
         max_boxes: int = 1, meanings: dict[str, str] | None = None,
         prune_tol: float = 0.01, rule: Literal["ema", "balanced"] = "ema") -> PrimResult:
    """PRIM boxes for the cases ``y`` (boolean per row of ``x``); see the module docstring.

    Parameters
    ----------
    x
        Inputs, one row per run: real (float), integer and categorical
        (object, string, category, boolean) columns.
    y
        Boolean (or 0/1) case indicator per row.
    peel_alpha, paste_alpha
        Share of the box's points removed per peel / added per paste (0.05,
        Friedman & Fisher's recommendation of 0.05-0.10).
    mass_min
        Smallest box, as a share of all points.
    min_density
        Density a box must reach (EMA's ``threshold``); default half-way
        between the base rate and 1.
    max_dims
        Most restricted inputs a box chosen by the ``"balanced"`` rule may have.
    max_boxes
        Boxes to find by covering (each on the points outside the earlier ones).
    meanings
        Column -> plain-language meaning, used by :func:`box_sentence`.
    prune_tol
        A restriction of a trajectory box whose removal lowers the density by
        less than this is dropped in the pruned trajectory (Bryant & Lempert
        2010 remove restrictions that add little density, for interpretability).
    rule
        ``"ema"`` (default): EMA Workbench's ``find_box``, the last box of the
        peeling trajectory, then pasted; a box below ``min_density`` ends the
        covering (EMA's "dump box"). ``"balanced"``: the project's choice on
        top, the pruned trajectory box of highest harmonic mean of coverage
        and density among those reaching ``min_density`` with at most
        ``max_dims`` restrictions, then pasted as EMA pastes.
    """
    if not 0 < peel_alpha < 0.5 or not 0 < paste_alpha < 0.5:
        raise AnalysisError(f"prim: peel_alpha and paste_alpha must lie in (0, 0.5). "
                            f"Got {peel_alpha} and {paste_alpha} instead.")
    if not 0 < mass_min < 1:
        raise AnalysisError(f"prim: mass_min must lie in (0, 1). Got {mass_min} instead.")
    if rule not in ("ema", "balanced"):
        raise AnalysisError(f"prim: rule must be 'ema' or 'balanced'. Got {rule!r} instead.")
    if not isinstance(x, pd.DataFrame):
        raise AnalysisError(f"prim: x must be a pandas DataFrame. Got {type(x).__name__} instead.")
    yv = np.asarray(y, dtype=np.float64).reshape(-1)
    if x.ndim != 2 or x.shape[0] != yv.size or yv.size == 0:
        raise AnalysisError(f"prim: expected x (n, D) and y (n,) with n > 0. "
                            f"Got {x.shape} and {yv.shape} instead.")
    if not np.all((yv == 0) | (yv == 1)):
        raise AnalysisError("prim: x must be finite and y boolean (0/1).")
    d = _Data(x)
    if not d.names:
        raise AnalysisError("prim: x has no input that varies.")
    meanings = meanings or {}
    base = float(yv.mean())
    threshold = base + 0.5 * (1.0 - base) if min_density is None else float(min_density)
    alg = _Prim(d, yv, peel_alpha, paste_alpha, mass_min)
    remaining = np.ones(d.n, dtype=bool)
    boxes: list[Box] = []
    trajectory = pd.DataFrame(columns=["coverage", "density", "mass", "n_restricted"])
    raws: list[pd.DataFrame] = []
    raw_lims: list[tuple[tuple[Limit, ...], ...]] = []
    for b_i in range(max_boxes):
        if not remaining.any() or yv[remaining].sum() == 0:
            break
        traj: list[tuple[_Lims, BoolArray]] = [(alg.b0.copy(), remaining.copy())]
        b, inside = alg.peel(alg.b0.copy(), remaining.copy(), traj)
        n_peel = len(traj)
        pruned = ([alg.prune(t[0], remaining, prune_tol) for t in traj[:n_peel]]
                  if rule == "balanced" or b_i == 0 else [])
        if pruned and b_i == 0:
            rows = []
            for pb in pruned:
                s = alg.stats(_in(d, pb, remaining), pb, 0)
                rows.append((s["coverage"], s["density"], s["mass"], s["res_dim"]))
            trajectory = pd.DataFrame(rows, columns=["coverage", "density", "mass", "n_restricted"])
        ok = True
        if rule == "balanced":
            st = [alg.stats(_in(d, pb, remaining), pb, 0) for pb in pruned]
            frame = pd.DataFrame(st)
            allowed = frame["res_dim"] <= max_dims
            good = allowed & (frame["density"] >= threshold)
            ok = bool(good.any())
            f1 = 2 * frame["coverage"] * frame["density"] / (frame["coverage"] + frame["density"])
            pick = int(str(f1[good].idxmax() if ok else frame["density"][allowed].idxmax()))
            b = pruned[pick]
            inside = _in(d, b, remaining)
            if not _same(b, traj[-1][0]):
                traj.append((b, inside))
        b, inside = alg.paste(b, inside, remaining, traj)
        raw = pd.DataFrame([alg.stats(t[1], t[0], i) for i, t in enumerate(traj)], columns=TRAJECTORY_COLUMNS)
        raws.append(raw)
        raw_lims.append(tuple(_limits(d, t[0], alg.b0, meanings) for t in traj))
        n_in, k_in = int(inside.sum()), int(yv[inside].sum())
        if rule == "ema":
            ok = n_in > 0 and k_in / n_in >= threshold
        limits = _limits(d, b, alg.b0, meanings)
        if not limits:
            break
        boxes.append(Box(limits, k_in / alg.t_coi, k_in / n_in if n_in else 0.0, n_in / d.n,
                         n_in, k_in, ok))
        remaining = remaining & ~inside
        if not ok:
            break
    return PrimResult(tuple(boxes), trajectory, base,
                      raws[0] if raws else pd.DataFrame(columns=TRAJECTORY_COLUMNS),
                      raw_lims[0] if raw_lims else (), tuple(raws), tuple(raw_lims))


def _fmt(v: float) -> str:
    return f"{v:.3g}"


def box_sentence(box: Box, target: str = "holds") -> str:
    """``"holds when <meaning> is above X and <meaning> below Y (coverage c%, density d%)"``."""
    parts = []
    for lim in box.limits:
        what = lim.meaning or lim.factor
        if lim.low is not None and lim.high is not None:
            parts.append(f"{what} is between {_fmt(lim.low)} and {_fmt(lim.high)}")
        elif lim.low is not None:
            parts.append(f"{what} is above {_fmt(lim.low)}")
        elif lim.high is not None:
            parts.append(f"{what} is below {_fmt(lim.high)}")
    cond = " and ".join(parts) if parts else "throughout the explored ranges"
    when = f"when {cond}" if parts else cond
    lead = "" if box.meets_threshold else f"no clear region; at best it {target} "
    verb = target if box.meets_threshold else ""
    return (f"{lead}{verb}{' ' if verb else ''}{when} (coverage {box.coverage:.0%}, density {box.density:.0%}, "
            f"{box.n_points} runs)")


def factor_table(obj: xr.Dataset | xr.DataArray) -> tuple[pd.DataFrame, dict[str, str]]:
    """The per-run inputs (``param__*``, ``lever__*`` coordinates) as columns, with meanings.

    Columns that do not vary are dropped. Parameter columns are named by the
    parameter (``alignment.balancing``), lever columns ``lever__k``; the
    meanings come from the coordinates' attributes.
    """
    from flashpoint.analysis.sensitivity import _lever_meaning

    cols: dict[str, FloatArray] = {}
    meanings: dict[str, str] = {}
    for name, coord in obj.coords.items():
        key = str(name)
        if coord.dims != ("run",):
            continue
        if key.startswith("param__"):
            col = key[len("param__"):]
            meanings[col] = str(coord.attrs.get("meaning", col)).split(";")[0]
        elif key.startswith("lever__"):
            col = key
            label = str(coord.attrs.get("lever", key))
            meanings[col] = _lever_meaning(label)
        else:
            continue
        v = np.asarray(coord.values, dtype=np.float64)
        if np.ptp(v) > 0:
            cols[col] = v
    if not cols:
        raise AnalysisError("discovery: the result carries no varying param__*/lever__* coordinates.")
    return pd.DataFrame(cols), {k: meanings[k] for k in cols}


def screen_factors(x: pd.DataFrame, y: Any, keep: int) -> list[str]:
    r"""The ``keep`` inputs whose ranks best separate cases from the rest.

    Effect size :math:`|2\,\mathrm{AUC} - 1|` with AUC the Mann-Whitney
    probability that a case has a larger value than a non-case (ties ignored).
    PRIM on many inputs and few points overfits: a peel that happens to remove
    only non-cases ties with the informative peels (Friedman & Fisher 1999,
    section 9, on variable selection); screening keeps the peels to inputs
    that carry signal.
    """
    yv = np.asarray(y, dtype=bool).reshape(-1)
    ranks = x.rank(axis=0).to_numpy()
    n1, n0 = int(yv.sum()), int((~yv).sum())
    if n1 == 0 or n0 == 0:
        return list(map(str, x.columns[:keep]))
    auc = (ranks[yv].sum(axis=0) - n1 * (n1 + 1) / 2) / (n1 * n0)
    order = np.argsort(-np.abs(2 * auc - 1), kind="stable")
    return [str(x.columns[j]) for j in order[:keep]]


@dataclass(frozen=True)
class Assumption:
    """A deciding assumption of a claim: where it holds (or fails), as a box and a sentence."""

    claim: str
    target: Target
    box: Box
    sentence: str


def deciding_assumptions(verdict_or_margins: Any, *, target: Literal["holds", "fails", "both"] = "both",
                         max_dims: int = 3, min_density: float | None = None,
                         mass_min: float = 0.05, screen: int | None = 8) -> list[Assumption]:
    """PRIM boxes of the assumptions under which a claim holds / fails, in plain language.

    See the API summary at the top of this module. ``screen`` keeps the
    inputs most associated with the outcome (:func:`screen_factors`) before
    PRIM; ``None`` uses all.
    """
    margins = getattr(verdict_or_margins, "margins", verdict_or_margins)
    if not isinstance(margins, xr.DataArray) or margins.dims != ("run",):
        raise AnalysisError("deciding_assumptions: expected a Verdict or a margins DataArray over "
                            f"'run'. Got {type(verdict_or_margins).__name__} instead.")
    m = np.asarray(margins.values, dtype=np.float64)
    finite = np.isfinite(m)
    direction = str(margins.attrs.get("direction", "increase"))
    holds = (m >= 0) if direction in ("no_increase", "no_decrease") else (m > 0)
    x, meanings = factor_table(margins)
    x = x[finite].reset_index(drop=True)
    holds = holds[finite]
    claim = str(margins.attrs.get("claim", margins.name or "claim"))
    out: list[Assumption] = []
    sides: list[Target] = ["holds", "fails"] if target == "both" else [target]
    for side in sides:
        y = holds if side == "holds" else ~holds
        if y.all() or not y.any():
            continue
        cols = screen_factors(x, y, screen) if screen else list(x.columns)
        res = prim(x[cols], y, max_dims=max_dims, min_density=min_density, mass_min=mass_min,
                   meanings=meanings, rule="balanced")
        out += [Assumption(claim, side, b, box_sentence(b, side)) for b in res.boxes]
    return out


def cart_rules(x: pd.DataFrame, y: Any, *, max_depth: int = 3, min_leaf: float = 0.05,
               meanings: dict[str, str] | None = None, seed: int = 0) -> list[Box]:
    """The leaves of a shallow CART tree predicting ``y``, as boxes, purest-and-largest first.

    Needs scikit-learn (``pip install scikit-learn``). Leaves predicting the
    case are returned, sorted by density then coverage.
    """
    try:
        from sklearn.tree import DecisionTreeClassifier
    except ImportError as e:
        raise AnalysisError("cart_rules needs scikit-learn: pip install scikit-learn") from e
    xv = np.asarray(x.to_numpy(dtype=np.float64))
    yv = np.asarray(y, dtype=bool).reshape(-1)
    tree = DecisionTreeClassifier(max_depth=max_depth, min_samples_leaf=max(1, int(min_leaf * yv.size)),
                                  random_state=seed).fit(xv, yv)
    t = tree.tree_
    names = [str(c) for c in x.columns]
    lo0, hi0 = xv.min(axis=0), xv.max(axis=0)
    boxes: list[Box] = []

    def walk(node: int, lo: FloatArray, hi: FloatArray) -> None:
        left, right = int(t.children_left[node]), int(t.children_right[node])
        if left == -1:
            leaf = tree.apply(xv) == node
            n_in = int(leaf.sum())
            cases = int(yv[leaf].sum())
            if n_in and cases / n_in > 0.5:
                lims = tuple(Limit(names[j], float(lo[j]) if lo[j] > lo0[j] else None,
                                   float(hi[j]) if hi[j] < hi0[j] else None,
                                   (meanings or {}).get(names[j], ""))
                             for j in np.flatnonzero(_restricted(lo, hi, lo0, hi0)))
                boxes.append(Box(lims, cases / max(1, int(yv.sum())), cases / n_in, n_in / yv.size,
                                 n_in, cases))
            return
        j, thr = int(t.feature[node]), float(t.threshold[node])
        hl = hi.copy()
        hl[j] = min(hl[j], thr)
        walk(left, lo, hl)
        lr = lo.copy()
        lr[j] = max(lr[j], thr)
        walk(right, lr, hi)

    walk(0, lo0.copy(), hi0.copy())
    return sorted(boxes, key=lambda b: (-b.density, -b.coverage))
