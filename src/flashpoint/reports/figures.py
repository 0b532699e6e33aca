"""The report's figures, drawn with plain matplotlib from analysis data.

Every function returns a :class:`matplotlib.figure.Figure` attached to an
Agg canvas created inside the function: nothing here selects a global
backend or touches ``pyplot`` state, so the figures work the same in a
script, a notebook and a headless CI job. :func:`to_png` and :func:`to_svg`
serialise a figure for embedding.

Figures
-------
:func:`trajectories`
    Key metrics over time: median with 25-75% and 5-95% bands over runs,
    for the baseline and a few highlighted scenarios.
:func:`scenario_comparison`
    Dot-and-interval per scenario of the paired difference vs the baseline
    at the horizon (median, 25-75%, 5-95% of runs).
:func:`network`
    The alignment network (mean over runs) at chosen moments: actors placed
    by longitude and latitude of their capitals, edges coloured by the sign
    of their alignment and styled by their tie type.
:func:`attribution_chart`
    Contribution of each mechanism to a scenario's effect on the key metrics.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import xarray as xr

from flashpoint.analysis.compare import KEY_METRICS, MetricSpec, trajectory_quantiles

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from flashpoint._types import FloatArray
    from flashpoint.world.arrays import WorldArrays

__all__ = [
    "attribution_chart",
    "comparison_limits",
    "network",
    "network_layout",
    "scenario_comparison",
    "to_png",
    "to_svg",
    "trajectories",
]

BASELINE_COLOUR = "#404040"
#: Colours of highlighted scenarios (colour-blind safe, Okabe & Ito 2008).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
POSITIVE = "#0072B2"
NEGATIVE = "#D55E00"
#: Readable names of the engine's pseudo-mechanisms.
MECHANISM_LABELS = {
    "bounds": "bounds (clipping)",
    "shocks": "scenario shocks",
    "levers": "scenario levers",
    "interaction": "interaction (within-year)",
}
_KIND_COLOUR = {"policy": "#0072B2", "shock": "#D55E00", "baseline": BASELINE_COLOUR}


def _figure(width: float, height: float) -> Figure:
    """A Figure on its own Agg canvas (no pyplot, no global backend)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def to_png(fig: Figure, dpi: int = 110) -> bytes:
    """The figure as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def to_svg(fig: Figure) -> str:
    """The figure as an SVG document (text)."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    return buf.getvalue()


def _start_year(ds: xr.Dataset) -> int | None:
    y = ds.attrs.get("world_year")
    try:
        return int(y) if y is not None else None
    except (TypeError, ValueError):
        return None


def _short(text: str, width: int = 46) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _wrap(text: str, width: int = 30) -> str:
    """The whole label, on as many lines as it needs (never cut)."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def _plain_axis(ax: Axes, axis: str = "x") -> None:
    """Tick labels in plain decimals: no scientific notation, no offset."""
    from matplotlib.ticker import FuncFormatter

    from flashpoint.metrics import plain_number

    def tick(v: float, _pos: int) -> str:
        if abs(v) <= 1e-15:
            return "0"
        text = plain_number(float(v), 3)
        return text.rstrip("0").rstrip(".") if "." in text and "<" not in text else text

    fmt = FuncFormatter(tick)
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(fmt)


def _grid(n: int, ncols: int = 3) -> tuple[int, int]:
    ncols = min(ncols, max(n, 1))
    return (n + ncols - 1) // ncols, ncols


def trajectories(
    results: Mapping[str, xr.Dataset],
    metrics: Sequence[MetricSpec] = KEY_METRICS,
    *,
    baseline: str = "status_quo",
    highlight: Sequence[str] = (),
    titles: Mapping[str, str] | None = None,
) -> Figure:
    """Key metrics over time, median with 25-75% and 5-95% bands over runs.

    Parameters
    ----------
    results
        Scenario name -> ensemble result.
    metrics
        The metrics to draw, one panel each.
    baseline
        Drawn in grey with both bands.
    highlight
        Scenarios drawn on top in colour (median and 25-75% band); at most
        a few stay readable.
    titles
        Scenario name -> label for the legend.
    """
    if baseline not in results:
        raise KeyError(f"baseline {baseline!r} is not among the results {sorted(results)}.")
    titles = dict(titles or {})
    shown = [m for m in metrics if m.name in results[baseline].data_vars]
    rows, cols = _grid(len(shown))
    fig = _figure(4.6 * cols, 3.1 * rows + 0.9)
    axes = fig.subplots(rows, cols, squeeze=False)
    year0 = _start_year(results[baseline])
    xlabel = f"years from {year0}" if year0 else "years from start"
    handles = []
    for k, spec in enumerate(shown):
        ax: Axes = axes[k // cols][k % cols]
        q = trajectory_quantiles(results[baseline], spec) * spec.factor
        t = q.index.to_numpy()
        b1 = ax.fill_between(t, q["q05"], q["q95"], color=BASELINE_COLOUR, alpha=0.12, lw=0)
        b2 = ax.fill_between(t, q["q25"], q["q75"], color=BASELINE_COLOUR, alpha=0.25, lw=0)
        (line,) = ax.plot(t, q["q50"], color=BASELINE_COLOUR, lw=2)
        if k == 0:
            handles += [(line, f"{titles.get(baseline, baseline)}: median"),
                        (b2, "25-75% of runs"), (b1, "5-95% of runs")]
        for j, name in enumerate(h for h in highlight if h in results and h != baseline):
            if spec.name not in results[name].data_vars:
                continue
            c = PALETTE[j % len(PALETTE)]
            qs = trajectory_quantiles(results[name], spec) * spec.factor
            ax.fill_between(qs.index.to_numpy(), qs["q25"], qs["q75"], color=c, alpha=0.2, lw=0)
            (hl,) = ax.plot(qs.index.to_numpy(), qs["q50"], color=c, lw=1.8, ls="--")
            if k == 0:
                handles.append((hl, f"{titles.get(name, name)}: median, 25-75%"))
        ax.set_title(_wrap(spec.title, 40), fontsize=11, fontweight="bold")
        ax.set_ylabel(_wrap(spec.unit, 34), fontsize=8.5)
        ax.set_xlabel(xlabel, fontsize=8.5)
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=8.5)
        _plain_axis(ax, "y")
        ax.set_xlim(t[0], t[-1])
    for k in range(len(shown), rows * cols):
        axes[k // cols][k % cols].set_visible(False)
    runs = results[baseline].sizes.get("run", 0)
    fig.suptitle(f"Key metrics over time: distribution over {runs} runs", fontsize=13,
                 fontweight="bold")
    fig.legend([h for h, _ in handles], [lbl for _, lbl in handles], loc="outside lower center",
               ncol=min(len(handles), 3), fontsize=9, frameon=False)
    return fig


def scenario_comparison(
    comparison: pd.DataFrame,
    metrics: Sequence[MetricSpec] = KEY_METRICS,
    *,
    scenarios: Sequence[str] | None = None,
    titles: Mapping[str, str] | None = None,
    kinds: Mapping[str, str] | None = None,
    title: str = "Effect of each scenario vs the status quo",
    limits: Mapping[str, tuple[float, float]] | None = None,
) -> Figure:
    """Dot-and-interval per scenario of the paired difference vs the baseline.

    Parameters
    ----------
    comparison
        :func:`flashpoint.analysis.compare.compare_all` output.
    metrics
        One panel each (metrics absent from the table are skipped).
    scenarios
        Rows, top to bottom; default: the table's order.
    titles, kinds
        Scenario -> label, and -> ``policy`` / ``shock`` (sets the colour).
    limits
        Metric key -> x-axis limits in display units, so that several figures
        (policy options, shocks) share one scale per metric; default
        :func:`comparison_limits` of this table.

    Differences are drawn in each metric's display unit of a change
    (percentage points for probabilities and shares); the grey band is the
    metric's materiality band (:mod:`flashpoint.metrics`): effects inside it
    are too small to matter.
    """
    from matplotlib.ticker import MaxNLocator

    titles = dict(titles or {})
    kinds = dict(kinds or {})
    names = list(dict.fromkeys(comparison["scenario"])) if scenarios is None else list(scenarios)
    names = [n for n in names if (comparison["scenario"] == n).any()]
    shown = [m for m in metrics if (comparison["metric"] == m.key).any()]
    limits = dict(limits or comparison_limits(comparison, shown))
    rows, cols = _grid(len(shown))
    label_lines = max((_wrap(titles.get(n, n)).count("\n") + 1 for n in names), default=1)
    fig = _figure(4.3 * cols + 2.8, (0.3 * len(names) * min(label_lines, 2) + 1.3) * rows + 0.9)
    axes = fig.subplots(rows, cols, squeeze=False, sharey=True)
    y = np.arange(len(names))[::-1]
    for k, spec in enumerate(shown):
        ax: Axes = axes[k // cols][k % cols]
        tab = comparison[comparison["metric"] == spec.key].set_index("scenario").reindex(names)
        tab = tab[["q05", "q25", "q50", "q75", "q95"]].astype(float) * spec.factor
        colours = [_KIND_COLOUR.get(kinds.get(n, "policy"), POSITIVE) for n in names]
        band = spec.materiality * spec.factor
        if band > 0:
            ax.axvspan(-band, band, color="#bbbbbb", alpha=0.35, lw=0, zorder=0)
        ax.axvline(0.0, color="black", lw=0.8)
        ax.hlines(y, tab["q05"], tab["q95"], colors=colours, lw=1.0, alpha=0.8)
        ax.hlines(y, tab["q25"], tab["q75"], colors=colours, lw=4.0, alpha=0.8)
        ax.scatter(tab["q50"], y, color="white", edgecolors=colours, s=28, zorder=3, lw=1.5)
        ax.set_title(_wrap(spec.title, 36), fontsize=10.5, fontweight="bold")
        lo, hi = limits.get(spec.key, _robust_limits(tab)[:2])
        clipped = bool((tab["q05"] < lo).any() or (tab["q95"] > hi).any())
        note = "; ▸ bar runs off the axis" if clipped else ""
        ax.set_xlabel(f"change vs status quo ({spec.change_unit}){note}\n"
                      f"grey: smaller than {band:g} {spec.change_unit}, not material",
                      fontsize=8)
        ax.grid(axis="x", alpha=0.3)
        ax.tick_params(labelsize=8)
        pad = 0.08 * (hi - lo) if hi > lo else 1e-6
        ax.set_xlim(lo - pad, hi + pad)
        if clipped:
            q05, q95 = tab["q05"].to_numpy(dtype=float), tab["q95"].to_numpy(dtype=float)
            right, left = q95 > hi, q05 < lo
            ax.scatter(np.full(int(right.sum()), hi + pad * 0.5), y[right], marker=">",
                       color="black", s=22, zorder=4)
            ax.scatter(np.full(int(left.sum()), lo - pad * 0.5), y[left], marker="<",
                       color="black", s=22, zorder=4)
        ax.xaxis.set_major_locator(MaxNLocator(5))
        _plain_axis(ax, "x")
    for k in range(len(shown), rows * cols):
        axes[k // cols][k % cols].set_visible(False)
    for r in range(rows):
        ax0 = axes[r][0]
        ax0.set_yticks(y)
        ax0.set_yticklabels([_wrap(titles.get(n, n)) for n in names], fontsize=8)
        ax0.set_ylim(-0.7, len(names) - 0.3)
    fig.suptitle(f"{title} at the horizon (paired runs): dot median, thick bar 25-75%, "
                 "thin bar 5-95%", fontsize=12, fontweight="bold")
    return fig


def comparison_limits(comparison: pd.DataFrame, metrics: Sequence[MetricSpec]
                      ) -> dict[str, tuple[float, float]]:
    """One x-axis range per metric over every scenario of ``comparison`` (display units),
    covering the materiality band, so panels of one metric share a scale."""
    out: dict[str, tuple[float, float]] = {}
    for spec in metrics:
        tab = comparison[comparison["metric"] == spec.key]
        if tab.empty:
            continue
        q = tab[["q05", "q25", "q50", "q75", "q95"]].astype(float) * spec.factor
        lo, hi, _ = _robust_limits(q)
        band = spec.materiality * spec.factor
        out[spec.key] = (min(lo, -1.5 * band), max(hi, 1.5 * band))
    return out


def _robust_limits(tab: pd.DataFrame) -> tuple[float, float, bool]:
    """Axis limits covering the 5-95% bars unless outliers would squash the 25-75% bars.

    The limits never extend beyond the 25-75% bars (and zero) by more than
    three times their joint span; ``clipped`` says whether a bar was cut.
    """
    q05, q95 = tab["q05"].to_numpy(dtype=float), tab["q95"].to_numpy(dtype=float)
    q25, q75 = tab["q25"].to_numpy(dtype=float), tab["q75"].to_numpy(dtype=float)
    lo = float(np.nanmin(q05, initial=0.0))
    hi = float(np.nanmax(q95, initial=0.0))
    ilo = float(np.nanmin(q25, initial=0.0))
    ihi = float(np.nanmax(q75, initial=0.0))
    span = ihi - ilo
    if span <= 0:
        return lo, hi, False
    rlo, rhi = ilo - 3.0 * span, ihi + 3.0 * span
    clipped = lo < rlo or hi > rhi
    return max(lo, rlo), min(hi, rhi), clipped


def network_layout(world: WorldArrays, iterations: int = 400, spacing: float = 9.0) -> FloatArray:
    """Node positions ``(N, 2)``: capital longitude and latitude, pushed apart.

    Starts from (longitude, latitude) in degrees and applies a simple
    repulsion so that no two actors are closer than ``spacing`` degrees
    (crowded Europe spreads out, the map's overall shape is kept).
    The iterations are over relaxation steps, vectorised over actor pairs.
    """
    pos = np.column_stack([np.asarray(world.lon, dtype=np.float64),
                           np.asarray(world.lat, dtype=np.float64)])
    # Northern latitudes are stretched so the map is not too flat; the sparse
    # south (Australia, New Zealand) is compressed.
    pos[:, 1] = np.where(pos[:, 1] > 0, 1.3 * pos[:, 1], 0.6 * pos[:, 1])
    home = pos.copy()
    n = pos.shape[0]
    # Deterministic tiny offsets break exact ties.
    pos += 1e-3 * np.column_stack([np.arange(n), -np.arange(n)])
    for _ in range(iterations):
        d = pos[:, None, :] - pos[None, :, :]
        dist = np.sqrt((d ** 2).sum(-1)) + np.eye(n)
        push = np.clip(spacing - dist, 0.0, None) / dist
        np.fill_diagonal(push, 0.0)
        pos = pos + 0.25 * (d * push[:, :, None]).sum(1) + 0.02 * (home - pos)
    return pos


def _groups(world: WorldArrays) -> list[tuple[str, str, np.ndarray]]:
    from flashpoint.world.groups import AXIS, HEDGERS, IP4

    nato = np.asarray(world.membership.get("NATO", np.zeros(world.n, dtype=bool)), dtype=bool)
    ip4 = world.mask([c for c in IP4 if world.has(c)])
    axis = world.mask([c for c in AXIS if world.has(c)])
    hedgers = world.mask([c for c in HEDGERS if world.has(c)])
    other = ~(nato | ip4 | axis | hedgers)
    return [("NATO", "#0072B2", nato), ("IP4 (Japan, S. Korea, Australia, NZ)", "#009E73", ip4),
            ("China, Russia, North Korea", "#D55E00", axis),
            ("hedging states", "#E69F00", hedgers), ("others", "#999999", other)]


def network(
    world: WorldArrays,
    panels: Sequence[tuple[str, FloatArray]],
    *,
    change: tuple[str, FloatArray] | None = None,
    threshold: float = 0.5,
    top_changes: int = 40,
    top_levels: int | None = None,
    title: str = "Alliance and alignment network",
) -> Figure:
    """The alignment network at several moments, one panel each, plus its change.

    Parameters
    ----------
    world
        Gives actor labels, capitals, groups and tie types.
    panels
        ``(title, alignment)`` pairs, ``alignment`` an ``(N, N)`` matrix in
        [-1, 1] (typically the mean over runs at one time).
    change
        Optional ``(title, difference)``: an ``(N, N)`` difference of two
        alignment matrices (e.g. scenario minus status quo at the horizon),
        drawn as a last panel with its ``top_changes`` largest pairs.
    threshold
        Pairs with ``|alignment| < threshold`` are not drawn in the level panels.
    top_levels
        If given, the level panels draw only the ``top_levels`` strongest such
        pairs that are not both NATO members (NATO members are all closely
        aligned; drawing their pairs hides everything else).

    Edges: blue for positive alignment (aligned), orange for negative
    (opposed); width and opacity grow with ``|alignment|``; solid for a
    defence alliance, dashed for a partnership or consultation pact, dotted
    for no formal tie. In the change panel blue means "more aligned" and
    orange "less aligned" than in the reference.
    """
    from matplotlib.lines import Line2D

    pos = network_layout(world)
    n = world.n
    defence = (np.asarray(world.defense) + np.asarray(world.defense).T) > 0
    partner = ((np.asarray(world.partnership) + np.asarray(world.partnership).T
                + np.asarray(world.consultation) + np.asarray(world.consultation).T) > 0) & ~defence
    iu, ju = np.triu_indices(n, k=1)
    groups = _groups(world)
    nato = groups[0][2]
    items: list[tuple[str, FloatArray, bool]] = [(t, a, False) for t, a in panels]
    if change is not None:
        items.append((change[0], change[1], True))
    fig = _figure(12.0, 5.0 * len(items) + 0.9)
    axes = fig.subplots(len(items), 1, squeeze=False)
    for (label, a, is_change), axrow in zip(items, axes, strict=True):
        ax: Axes = axrow[0]
        m = np.asarray(a, dtype=np.float64)
        m = (m + m.T) / 2.0
        vals = m[iu, ju]
        finite = np.isfinite(vals)
        if is_change:
            mags = np.where(finite, np.abs(vals), -1.0)
            k = min(top_changes, int((mags > 1e-9).sum()))
            keep = np.zeros(vals.size, dtype=bool)
            if k > 0:
                keep[np.argsort(mags)[-k:]] = True
            scale = float(np.abs(vals[keep]).max()) if k > 0 else 1.0
        else:
            keep = finite & (np.abs(vals) >= threshold)
            if top_levels is not None:
                keep &= ~(nato[iu] & nato[ju])
                mags = np.where(keep, np.abs(vals), -1.0)
                k = min(top_levels, int(keep.sum()))
                keep = np.zeros(vals.size, dtype=bool)
                if k > 0:
                    keep[np.argsort(mags)[-k:]] = True
            scale = 1.0
        order = np.argsort(np.abs(vals[keep]))  # strongest drawn last, on top
        for i, j, v in zip(iu[keep][order], ju[keep][order], vals[keep][order], strict=True):
            style = "-" if defence[i, j] else "--" if partner[i, j] else ":"
            w = abs(v) / scale
            ax.plot(pos[[i, j], 0], pos[[i, j], 1], ls=style, lw=0.5 + 2.5 * w,
                    color=POSITIVE if v > 0 else NEGATIVE, alpha=0.2 + 0.6 * w, zorder=1)
        for _, colour, mask in groups:
            ax.scatter(pos[mask, 0], pos[mask, 1], s=430, color=colour, edgecolors="white",
                       lw=1.2, zorder=3)
        for k2, code in enumerate(world.iso3):
            ax.text(pos[k2, 0], pos[k2, 1], code, ha="center", va="center", fontsize=7.5,
                    color="white", fontweight="bold", zorder=4)
        if is_change:
            n_up, n_dn = int((vals[keep] > 0).sum()), int((vals[keep] < 0).sum())
            sub = (f"{label}: the {n_up + n_dn} largest changes ({n_up} more aligned, "
                   f"{n_dn} less aligned; largest |change| {scale:.2g})")
        else:
            n_pos, n_neg = int((vals[keep] > 0).sum()), int((vals[keep] < 0).sum())
            which = (f"the {n_pos + n_neg} strongest ties outside NATO's own" if top_levels
                     else f"{n_pos} aligned and {n_neg} opposed pairs")
            sub = f"{label}: {which} (|alignment| ≥ {threshold:g})"
        ax.set_title(sub, fontsize=10.5, fontweight="bold")
        ax.set_xlabel("west ← capital longitude (crowded regions spread apart) → east", fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
        for side in ("top", "right", "left", "bottom"):
            ax.spines[side].set_visible(False)
        ax.set_aspect("equal")
        ax.margins(0.03)
    legend = [Line2D([], [], marker="o", ls="", color=c, markersize=10, label=g)
              for g, c, mask in groups if mask.any()]
    legend += [
        Line2D([], [], color=POSITIVE, lw=2.5, label="aligned / more aligned"),
        Line2D([], [], color=NEGATIVE, lw=2.5, label="opposed / less aligned"),
        Line2D([], [], color="black", lw=1.5, ls="-", label="defence alliance"),
        Line2D([], [], color="black", lw=1.5, ls="--", label="partnership / consultation"),
        Line2D([], [], color="black", lw=1.5, ls=":", label="no formal tie"),
    ]
    fig.legend(handles=legend, loc="outside lower center", ncol=5, fontsize=8.5, frameon=False)
    fig.suptitle(f"{title} (mean alignment over runs, -1 to 1; line width grows with its size)",
                 fontsize=12, fontweight="bold")
    return fig


def attribution_chart(
    attribution: pd.DataFrame,
    scenario: str,
    metrics: Sequence[MetricSpec] = KEY_METRICS,
    *,
    top: int = 6,
    title: str | None = None,
    label: str | None = None,
) -> Figure:
    """Bars of each mechanism's contribution to ``scenario``'s effect, per key metric.

    Parameters
    ----------
    attribution
        :func:`flashpoint.analysis.compare.attribution_table` output.
    scenario
        The scenario (for the baseline: contributions to its own change).
    label
        The scenario's title for the figure title.
    top
        Mechanisms shown per metric (the largest by absolute contribution;
        the rest are summed into "other").
    """
    from matplotlib.ticker import MaxNLocator

    tab = attribution[attribution["scenario"] == scenario]
    shown = [m for m in metrics if (tab["metric"] == m.key).any()]
    if not shown:
        raise KeyError(f"no attribution for scenario {scenario!r}.")
    rows, cols = _grid(len(shown))
    fig = _figure(4.6 * cols, 2.7 * rows + 0.9)
    axes = fig.subplots(rows, cols, squeeze=False)
    for k, spec in enumerate(shown):
        ax: Axes = axes[k // cols][k % cols]
        s = tab[tab["metric"] == spec.key].sort_values("rank")
        head = s.head(top)
        labels = [MECHANISM_LABELS.get(m, m) for m in head["mechanism"]]
        vals = [float(v) * spec.factor for v in head["contribution"]]
        rest = s["contribution"].iloc[top:].sum() * spec.factor
        if len(s) > top:
            labels.append("other")
            vals.append(float(rest))
        y = np.arange(len(labels))[::-1]
        colours = [POSITIVE if v >= 0 else NEGATIVE for v in vals]
        ax.barh(y, vals, color=colours, alpha=0.85)
        ax.axvline(0.0, color="black", lw=0.8)
        ax.set_yticks(y)
        ax.set_yticklabels(labels, fontsize=8.5)
        from flashpoint.metrics import METRICS, fmt_change

        total = float(s["contribution"].sum())
        net = (fmt_change(METRICS[spec.name], total, unit=True) if spec.name in METRICS
               else f"{total:+.3g}")
        ax.set_title(f"{_wrap(spec.title, 36)}\nnet change {net}", fontsize=10,
                     fontweight="bold")
        ax.set_xlabel(f"contribution ({spec.change_unit})", fontsize=8)
        ax.grid(axis="x", alpha=0.3)
        ax.tick_params(axis="x", labelsize=8)
        ax.xaxis.set_major_locator(MaxNLocator(5))
        _plain_axis(ax, "x")
    for k in range(len(shown), rows * cols):
        axes[k // cols][k % cols].set_visible(False)
    fig.suptitle(title or f"Which mechanisms carry the effect of {label or scenario}\n"
                 "(contribution to the change since the start, mean over runs, scenario minus "
                 "status quo, at the horizon)",
                 fontsize=12, fontweight="bold")
    return fig
