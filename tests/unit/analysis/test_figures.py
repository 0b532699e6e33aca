"""Report figures: they draw from analysis data without touching global matplotlib state."""

from __future__ import annotations

import matplotlib
import pytest
import xarray as xr

from flashpoint.analysis.compare import KEY_METRICS, attribution_table, compare_all
from flashpoint.reports import figures
from flashpoint.testing import tiny_world

PNG = b"\x89PNG\r\n\x1a\n"


def _visible(fig: object) -> int:
    return sum(ax.get_visible() for ax in fig.axes)  # type: ignore[attr-defined]


def test_backend_untouched_and_png(paired: dict[str, xr.Dataset]) -> None:
    before = matplotlib.get_backend()
    fig = figures.trajectories(paired, highlight=["nato_ip4_partnership"])
    assert matplotlib.get_backend() == before
    assert figures.to_png(fig).startswith(PNG)
    assert figures.to_svg(fig).lstrip().startswith("<?xml")


def test_trajectories_one_panel_per_metric(paired: dict[str, xr.Dataset]) -> None:
    fig = figures.trajectories(paired, highlight=["nato_ip4_partnership", "us_retrenchment"],
                               titles={"status_quo": "Status quo"})
    assert _visible(fig) == len(KEY_METRICS)
    titles = {ax.get_title() for ax in fig.axes if ax.get_visible()}
    assert {m.title for m in KEY_METRICS} == titles
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "Status quo: median" in labels and "5-95% of runs" in labels
    with pytest.raises(KeyError, match="baseline 'nope'"):
        figures.trajectories(paired, baseline="nope")


def test_scenario_comparison_rows(paired: dict[str, xr.Dataset]) -> None:
    table = compare_all(paired)
    fig = figures.scenario_comparison(table, titles={"us_retrenchment": "US retrenchment"},
                                      kinds={"us_retrenchment": "shock"})
    first = fig.axes[0]
    ticks = [t.get_text() for t in first.get_yticklabels()]
    assert ticks == ["nato_ip4_partnership", "US retrenchment"]
    assert _visible(fig) == len(KEY_METRICS)


def test_network_panels(paired: dict[str, xr.Dataset]) -> None:
    w = tiny_world()
    b, s = paired["status_quo"]["alignment"], paired["nato_ip4_partnership"]["alignment"]
    fig = figures.network(
        w, [("start", b.isel(time=0).mean("run").values), ("end", s.isel(time=-1).mean("run").values)],
        change=("end minus status quo", (s - b).isel(time=-1).mean("run").values))
    assert len(fig.axes) == 3
    assert fig.axes[2].get_title().startswith("end minus status quo: the ")
    pos = figures.network_layout(w)
    assert pos.shape == (w.n, 2)
    d = ((pos[:, None] - pos[None]) ** 2).sum(-1) ** 0.5 + 1e3 * __import__("numpy").eye(w.n)
    assert d.min() > 3.0  # nodes are pushed apart


def test_attribution_chart(paired: dict[str, xr.Dataset]) -> None:
    table = attribution_table(paired)
    fig = figures.attribution_chart(table, "us_retrenchment", label="US retrenchment")
    assert "US retrenchment" in fig.get_suptitle()
    assert _visible(fig) >= 5
    with pytest.raises(KeyError, match="no attribution for scenario 'x'"):
        figures.attribution_chart(table, "x")
