"""PRIM on synthetic data with a known box; sentences; deciding assumptions; CART cross-check."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from flashpoint.analysis.discovery import (
    Box,
    Limit,
    box_sentence,
    cart_rules,
    deciding_assumptions,
    prim,
    screen_factors,
)
from flashpoint.errors import AnalysisError


def _data(n: int = 2000, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.uniform(size=(n, 6)), columns=[f"x{i}" for i in range(6)])
    y = ((x.x0 > 0.6) & (x.x2 < 0.3)).to_numpy()
    return x, y


def test_prim_recovers_the_known_box() -> None:
    x, y = _data()
    res = prim(x, y)
    box = res.boxes[0]
    assert set(box.restricted) == {"x0", "x2"}
    lim = {b.factor: b for b in box.limits}
    assert lim["x0"].low == pytest.approx(0.6, abs=0.03) and lim["x0"].high is None
    assert lim["x2"].high == pytest.approx(0.3, abs=0.03) and lim["x2"].low is None
    assert box.coverage > 0.9 and box.density > 0.9
    assert res.base_rate == pytest.approx(y.mean())
    # the peeling trajectory trades coverage for density
    assert res.trajectory["density"].iloc[-1] > res.trajectory["density"].iloc[0]
    assert res.trajectory["mass"].is_monotonic_decreasing


def test_prim_box_statistics_are_consistent() -> None:
    x, y = _data(seed=1)
    box = prim(x, y).boxes[0]
    assert box.n_cases == pytest.approx(box.density * box.n_points)
    assert box.coverage == pytest.approx(box.n_cases / y.sum())
    assert box.mass == pytest.approx(box.n_points / y.size)


def test_prim_covering_finds_a_second_box() -> None:
    rng = np.random.default_rng(4)
    x = pd.DataFrame(rng.uniform(size=(3000, 4)), columns=list("abcd"))
    y = ((x.a < 0.2) | (x.b > 0.8)).to_numpy()
    res = prim(x, y, max_boxes=2, rule="balanced")
    assert [b.restricted for b in res.boxes] in ([("a",), ("b",)], [("b",), ("a",)])


def test_prim_rejects_bad_input() -> None:
    x, y = _data(50)
    with pytest.raises(AnalysisError, match="peel_alpha"):
        prim(x, y, peel_alpha=0.7)
    with pytest.raises(AnalysisError, match="y boolean"):
        prim(x, np.full(50, 0.5))


def test_box_sentence_wording() -> None:
    box = Box((Limit("a", 0.6, None, "China's threat sensitivity"), Limit("b", None, 0.3, "trade weight"),
               Limit("c", 0.1, 0.2)), coverage=0.8, density=0.9, mass=0.2, n_points=40, n_cases=36)
    assert box_sentence(box) == (
        "holds when China's threat sensitivity is above 0.6 and trade weight is below 0.3 and "
        "c is between 0.1 and 0.2 (coverage 80%, density 90%, 40 runs)")
    weak = Box((Limit("a", 0.6, None),), 0.5, 0.4, 0.5, 10, 4, meets_threshold=False)
    assert box_sentence(weak, "fails").startswith("no clear region; at best it fails when a is above")


def test_screen_keeps_the_informative_inputs() -> None:
    x, y = _data()
    assert set(screen_factors(x, y, 2)) == {"x0", "x2"}


def test_deciding_assumptions_from_margins() -> None:
    x, _ = _data(800, seed=2)
    margin = np.where((x.x1 > 0.5).to_numpy(), 1.0, -1.0)
    coords = {f"param__{c}": ("run", x[c].to_numpy(), {"meaning": f"meaning of {c}"}) for c in x.columns}
    m = xr.DataArray(margin, dims=("run",), coords=coords, attrs={"claim": "toy", "direction": "increase"})
    found = deciding_assumptions(m)
    assert [a.target for a in found] == ["holds", "fails"]
    assert found[0].box.restricted == ("x1",)
    assert "meaning of x1 is above 0.5" in found[0].sentence
    assert "meaning of x1 is below 0.5" in found[1].sentence


def test_deciding_assumptions_needs_margins() -> None:
    with pytest.raises(AnalysisError, match="expected a Verdict or a margins DataArray"):
        deciding_assumptions(np.zeros(3))


def test_cart_cross_check_agrees_with_prim() -> None:
    pytest.importorskip("sklearn")
    x, y = _data()
    best = cart_rules(x, y, max_depth=2)[0]
    assert set(best.restricted) == {"x0", "x2"}
    assert best.density > 0.9
