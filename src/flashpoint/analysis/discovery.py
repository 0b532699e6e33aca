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

PRIM (Friedman & Fisher 1999)
    Start with the box :math:`B` containing every point. *Peeling*: for every
    input :math:`j` consider removing the :math:`\alpha` share of the points
    in :math:`B` with the lowest (or highest) :math:`x_j`; take the peel
    :math:`b` maximising

    .. math::

        \frac{\bar y_{B - b} - \bar y_B}{n_B - n_{B-b}}

    (gain in the share of cases of interest per point removed: Friedman &
    Fisher's criterion, EMA Workbench's ``LENIENT1``), ties going to the box
    restricting fewer inputs; repeat while the gain is positive and the box
    keeps at least ``mass_min`` of the points. This gives the *peeling
    trajectory* from high coverage/low density to low coverage/high density.
    *Pasting* then widens the chosen box along each restricted input by a
    ``paste_alpha`` share of the points just outside it, while that raises
    the density. Every box of the trajectory is first stripped of the
    restrictions that add less than ``prune_tol`` to its density (so that
    noise peels do not use up the ``max_dims`` budget). A box is summarised by

    * coverage :math:`= \sum_{i \in B} y_i / \sum_i y_i` (share of all cases
      of interest inside the box),
    * density :math:`= \bar y_B` (share of the box's points that are cases),
    * mass :math:`= n_B / n`.

    From the trajectory we choose, among the boxes whose density reaches
    ``min_density`` and which restrict at most ``max_dims`` inputs, the one
    with the highest harmonic mean of coverage and density
    :math:`2cd/(c + d)` (Bryant & Lempert 2010 pick by hand on the
    coverage-density trade-off and stress interpretability; this rule
    automates that choice, weighing coverage and density equally). The default
    ``min_density`` is half-way between the base rate and 1 (rationale: a box
    must at least halve the distance to a pure region to be called
    "deciding"). Further boxes come from repeating on the points outside the
    boxes found (the covering approach of Friedman & Fisher, section 5).

Why a port rather than EMA Workbench's ``prim``: EMA Workbench 2.5 requires
scikit-learn, platypus-opt, statsmodels, seaborn, matplotlib and tqdm, and
its module mixes the algorithm with plotting; the algorithm itself is ~150
lines. This port follows EMA's ``Prim._peel``/``_paste``/``LENIENT1``
(Kwakkel 2017) for real-valued inputs (all of flashpoint's factors are
real-valued), vectorised over inputs, and is tested on synthetic data with
a known box.

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

from dataclasses import dataclass
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
    "prim",
    "screen_factors",
]

Target = Literal["holds", "fails"]


@dataclass(frozen=True)
class Limit:
    """A restricted input: ``low <= x <= high`` (``None`` where the side is unrestricted)."""

    factor: str
    low: float | None
    high: float | None
    meaning: str = ""


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


@dataclass(frozen=True, eq=False)
class PrimResult:
    """The boxes found and the peeling trajectory of the first one.

    ``trajectory`` has one row per peel: ``coverage, density, mass, n_restricted``.
    """

    boxes: tuple[Box, ...]
    trajectory: pd.DataFrame
    base_rate: float


def _in_box(x: FloatArray, lo: FloatArray, hi: FloatArray) -> BoolArray:
    return np.asarray(np.all((x >= lo) & (x <= hi), axis=1))


def _peel_candidates(x: FloatArray, y: FloatArray, inside: BoolArray, lo: FloatArray,
                     hi: FloatArray, alpha: float) -> tuple[FloatArray, FloatArray, BoolArray]:
    """Objective, new limits and new membership of the 2D peels (lower then upper per input)."""
    xin = x[inside]
    yin = y[inside]
    q_lo = np.quantile(xin, alpha, axis=0)
    q_hi = np.quantile(xin, 1.0 - alpha, axis=0)
    keep_lo = xin >= q_lo  # (n_in, D): peel the lower tail of input j
    keep_hi = xin <= q_hi
    keep = np.concatenate([keep_lo, keep_hi], axis=1)  # (n_in, 2D)
    n_new = keep.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_new = (yin @ keep) / n_new
        removed = yin.size - n_new
        obj = np.where((removed > 0) & (n_new > 0), (mean_new - yin.mean()) / removed, -np.inf)
    d = x.shape[1]
    new_lo = np.tile(lo, (2 * d, 1))
    new_hi = np.tile(hi, (2 * d, 1))
    new_lo[np.arange(d), np.arange(d)] = q_lo
    new_hi[d + np.arange(d), np.arange(d)] = q_hi
    return obj, np.stack([new_lo, new_hi], axis=1), keep


def _restricted(lo: FloatArray, hi: FloatArray, lo0: FloatArray, hi0: FloatArray) -> BoolArray:
    return np.asarray((lo > lo0) | (hi < hi0))


def _peel(x: FloatArray, y: FloatArray, points: BoolArray, lo0: FloatArray, hi0: FloatArray,
          alpha: float, mass_min: float, n_total: int) -> list[tuple[FloatArray, FloatArray]]:
    """The peeling trajectory as a list of (low, high) limits, starting with the full box."""
    lo, hi = lo0.copy(), hi0.copy()
    traj = [(lo.copy(), hi.copy())]
    inside = points & _in_box(x, lo, hi)
    while True:
        obj, lims, keep = _peel_candidates(x, y, inside, lo, hi, alpha)
        n_res = np.array([_restricted(lims[k, 0], lims[k, 1], lo0, hi0).sum() for k in range(len(obj))])
        # best objective; ties to fewer restricted inputs (EMA sorts on (obj, non-restricted))
        order = np.lexsort((n_res, -obj))
        k = int(order[0])
        n_new = int(keep[:, k].sum())
        if not np.isfinite(obj[k]) or obj[k] <= 0 or n_new / n_total < mass_min or n_new >= inside.sum():
            return traj
        lo, hi = lims[k, 0].copy(), lims[k, 1].copy()
        idx = np.flatnonzero(inside)
        inside = np.zeros_like(inside)
        inside[idx[keep[:, k]]] = True
        traj.append((lo.copy(), hi.copy()))


def _paste(x: FloatArray, y: FloatArray, points: BoolArray, lo: FloatArray, hi: FloatArray,
           lo0: FloatArray, hi0: FloatArray, alpha: float) -> tuple[FloatArray, FloatArray]:
    """Widen the box along restricted inputs while the density rises (EMA ``_real_paste``)."""
    lo, hi = lo.copy(), hi.copy()
    while True:
        inside = points & _in_box(x, lo, hi)
        n_old, mean_old = int(inside.sum()), float(y[inside].mean())
        best: tuple[float, FloatArray, FloatArray] | None = None
        for j in np.flatnonzero(_restricted(lo, hi, lo0, hi0)):
            for side in (0, 1):
                region_lo, region_hi = lo.copy(), hi.copy()
                if side == 0:
                    region_lo[j], region_hi[j] = lo0[j], lo[j]
                else:
                    region_lo[j], region_hi[j] = hi[j], hi0[j]
                data = x[points & _in_box(x, region_lo, region_hi), j]
                new_lo, new_hi = lo.copy(), hi.copy()
                if side == 0:
                    new_lo[j] = np.quantile(data, 1.0 - alpha) if data.size else lo0[j]
                else:
                    new_hi[j] = np.quantile(data, alpha) if data.size else hi0[j]
                cand = points & _in_box(x, new_lo, new_hi)
                n_new = int(cand.sum())
                if n_new <= n_old:
                    continue
                mean_new = float(y[cand].mean())
                obj = (mean_new - mean_old) / (n_new - n_old)
                if mean_new > mean_old and obj > 0 and (best is None or obj > best[0]):
                    best = (obj, new_lo, new_hi)
        if best is None:
            return lo, hi
        lo, hi = best[1], best[2]


def _prune(x: FloatArray, y: FloatArray, points: BoolArray, lo: FloatArray, hi: FloatArray,
           lo0: FloatArray, hi0: FloatArray, tol: float) -> tuple[FloatArray, FloatArray]:
    """Drop restrictions whose removal costs less than ``tol`` density (greedily, cheapest first)."""
    lo, hi = lo.copy(), hi.copy()
    while True:
        dens = float(y[points & _in_box(x, lo, hi)].mean())
        best: tuple[float, int] | None = None
        for j in np.flatnonzero(_restricted(lo, hi, lo0, hi0)):
            tlo, thi = lo.copy(), hi.copy()
            tlo[j], thi[j] = lo0[j], hi0[j]
            loss = dens - float(y[points & _in_box(x, tlo, thi)].mean())
            if loss < tol and (best is None or loss < best[0]):
                best = (loss, int(j))
        if best is None:
            return lo, hi
        lo[best[1]], hi[best[1]] = lo0[best[1]], hi0[best[1]]


def _stats(x: FloatArray, y: FloatArray, lo: FloatArray, hi: FloatArray,
           points: BoolArray | None = None) -> tuple[float, float, float, int, int]:
    inside = _in_box(x, lo, hi) if points is None else points & _in_box(x, lo, hi)
    n_in = int(inside.sum())
    cases = int(y[inside].sum())
    total = float(y.sum())
    return (cases / total if total else 0.0, cases / n_in if n_in else 0.0, n_in / y.size, n_in, cases)


def _make_box(names: list[str], meanings: dict[str, str], x: FloatArray, y: FloatArray,
              lo: FloatArray, hi: FloatArray, lo0: FloatArray, hi0: FloatArray,
              ok: bool) -> Box:
    res = _restricted(lo, hi, lo0, hi0)
    limits = tuple(Limit(names[j], float(lo[j]) if lo[j] > lo0[j] else None,
                         float(hi[j]) if hi[j] < hi0[j] else None, meanings.get(names[j], ""))
                   for j in np.flatnonzero(res))
    cov, dens, mass, n_in, cases = _stats(x, y, lo, hi)
    return Box(limits, cov, dens, mass, n_in, cases, ok)


def prim(x: pd.DataFrame, y: Any, *, peel_alpha: float = 0.05, paste_alpha: float = 0.05,
         mass_min: float = 0.05, min_density: float | None = None, max_dims: int = 3,
         max_boxes: int = 1, meanings: dict[str, str] | None = None,
         prune_tol: float = 0.01) -> PrimResult:
    """PRIM boxes for the cases ``y`` (boolean per row of ``x``); see the module docstring.

    Parameters
    ----------
    x
        Inputs, one row per run, real-valued columns.
    y
        Boolean (or 0/1) case indicator per row.
    peel_alpha, paste_alpha
        Share of the box's points removed per peel / added per paste (0.05,
        Friedman & Fisher's recommendation of 0.05-0.10).
    mass_min
        Smallest box, as a share of all points.
    min_density
        Density a box must reach; default half-way between the base rate and 1.
    max_dims
        Most restricted inputs a chosen box may have (interpretability).
    max_boxes
        Boxes to find by covering (each on the points outside the earlier ones).
    meanings
        Column -> plain-language meaning, used by :func:`box_sentence`.
    prune_tol
        A restriction of a trajectory box whose removal lowers the density by
        less than this is dropped (Bryant & Lempert 2010 remove restrictions that
        add little density, for interpretability).
    """
    if not 0 < peel_alpha < 0.5 or not 0 < paste_alpha < 0.5:
        raise AnalysisError(f"prim: peel_alpha and paste_alpha must lie in (0, 0.5). "
                            f"Got {peel_alpha} and {paste_alpha} instead.")
    if not 0 < mass_min < 1:
        raise AnalysisError(f"prim: mass_min must lie in (0, 1). Got {mass_min} instead.")
    xv = np.asarray(x.to_numpy(dtype=np.float64))
    yv = np.asarray(y, dtype=np.float64).reshape(-1)
    if xv.ndim != 2 or xv.shape[0] != yv.size or yv.size == 0:
        raise AnalysisError(f"prim: expected x (n, D) and y (n,) with n > 0. "
                            f"Got {xv.shape} and {yv.shape} instead.")
    if not np.all(np.isfinite(xv)) or not np.all((yv == 0) | (yv == 1)):
        raise AnalysisError("prim: x must be finite and y boolean (0/1).")
    names = [str(c) for c in x.columns]
    meanings = meanings or {}
    base = float(yv.mean())
    threshold = base + 0.5 * (1.0 - base) if min_density is None else float(min_density)
    lo0, hi0 = xv.min(axis=0), xv.max(axis=0)
    n = yv.size
    points = np.ones(n, dtype=bool)
    boxes: list[Box] = []
    trajectory = pd.DataFrame(columns=["coverage", "density", "mass", "n_restricted"])
    for b in range(max_boxes):
        if yv[points].sum() == 0 or points.sum() == 0:
            break
        traj = [_prune(xv, yv, points, lo, hi, lo0, hi0, prune_tol)
                for lo, hi in _peel(xv, yv, points, lo0, hi0, peel_alpha, mass_min, n)]
        rows = []
        for lo, hi in traj:
            cov, dens, mass, _, _ = _stats(xv, yv, lo, hi, points)
            rows.append((cov, dens, mass, int(_restricted(lo, hi, lo0, hi0).sum())))
        frame = pd.DataFrame(rows, columns=["coverage", "density", "mass", "n_restricted"])
        if b == 0:
            trajectory = frame
        allowed = frame["n_restricted"] <= max_dims
        good = allowed & (frame["density"] >= threshold)
        ok = bool(good.any())
        f1 = 2 * frame["coverage"] * frame["density"] / (frame["coverage"] + frame["density"])
        pick = f1[good].idxmax() if ok else frame["density"][allowed].idxmax()
        lo, hi = traj[int(str(pick))]
        lo, hi = _paste(xv, yv, points, lo, hi, lo0, hi0, paste_alpha)
        box = _make_box(names, meanings, xv, yv, lo, hi, lo0, hi0, ok)
        if not box.limits:
            break
        boxes.append(box)
        points = points & ~_in_box(xv, lo, hi)
        if not ok:
            break
    return PrimResult(tuple(boxes), trajectory, base)


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
                   meanings=meanings)
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
