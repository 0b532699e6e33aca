"""PRIM as EMA Workbench runs it: known answers without EMA, step-for-step parity with EMA when installed."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from flashpoint.analysis.discovery import get_quantile, prim


def test_get_quantile_steps_past_ties() -> None:
    # (n-1)q = 0.45 -> midpoint of x(0) and x(1); a tie at the bottom steps up to the next distinct value
    assert get_quantile([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 0.05) == 1.5
    assert get_quantile([0, 0, 0, 0, 1, 1, 1, 1, 1, 1], 0.05) == 0.5
    assert get_quantile([0, 0, 0, 0, 1, 1, 1, 1, 1, 1], 0.95) == 0.5
    assert get_quantile([3, 1, 2], 0.95) == 2.5  # sorts first
    assert get_quantile([4.0], 0.95) == 4.0


def test_integer_inputs_peel_to_the_known_box() -> None:
    # EMA Workbench's own integer test data (test_prim.py): a in 0..9, cases where a > 5
    rng = np.random.default_rng(0)
    x = pd.DataFrame({"a": rng.integers(0, 10, size=100)})
    y = (x.a > 5).to_numpy()
    box = prim(x, y, min_density=0.8).boxes[0]
    (lim,) = box.limits
    assert (lim.factor, lim.low, lim.high) == ("a", 6.0, None)
    assert x.a[y].max() == 9 and box.density == 1.0 and box.coverage == 1.0


def test_few_valued_real_and_categorical_inputs_peel() -> None:
    rng = np.random.default_rng(1)
    n = 400
    x = pd.DataFrame({"flag": rng.integers(0, 2, n).astype(float),
                      "kind": rng.choice(["a", "b", "c"], n),
                      "noise": rng.uniform(size=n)})
    y = ((x.flag == 1) & (x.kind != "b")).to_numpy()
    box = prim(x, y, min_density=0.9).boxes[0]
    lims = {lim.factor: lim for lim in box.limits}
    assert lims["flag"].low == 0.5
    assert lims["kind"].values == ("a", "c")
    assert box.density == 1.0 and box.coverage == 1.0


def test_tie_order_is_emas() -> None:
    # two identical columns: every peel ties with its twin; EMA takes column 0 upper first
    x = pd.DataFrame({"a": np.arange(100.0), "b": np.arange(100.0)})
    y = (x.a < 30).to_numpy()
    res = prim(x, y, min_density=0.8)
    first = res.raw_limits[1]
    assert [(lim.factor, lim.low is None, lim.high is not None) for lim in first] == [("a", True, True)]


def test_covering_does_not_count_points_twice() -> None:
    rng = np.random.default_rng(4)
    x = pd.DataFrame(rng.uniform(size=(3000, 4)), columns=list("abcd"))
    y = ((x.a < 0.2) | (x.b > 0.8)).to_numpy()
    for rule in ("ema", "balanced"):
        res = prim(x, y, max_boxes=3, rule=rule)
        assert len(res.boxes) >= 2
        assert sum(b.coverage for b in res.boxes) <= 1.0
        assert sum(b.n_cases for b in res.boxes) <= y.sum()
        assert sum(b.n_points for b in res.boxes) <= len(y)


def test_raw_trajectory_beside_the_pruned_one() -> None:
    rng = np.random.default_rng(2)
    x = pd.DataFrame(rng.uniform(size=(1500, 6)), columns=[f"x{i}" for i in range(6)])
    y = ((x.x0 > 0.6) & (x.x2 < 0.3)).to_numpy()
    res = prim(x, y)
    raw, pruned = res.raw_trajectory, res.trajectory
    assert list(raw.columns) == ["coverage", "density", "mean", "res_dim", "mass", "id", "n", "k"]
    assert len(raw) >= len(pruned) and len(res.raw_limits) == len(raw)
    assert (pruned["n_restricted"].to_numpy() <= raw["res_dim"].to_numpy()[: len(pruned)]).all()
    # the raw rows after the peels are EMA's pastes; both trajectories start from the full box
    assert raw["mass"].iloc[0] == pruned["mass"].iloc[0] == 1.0
    assert {"x0", "x2"} <= {lim.factor for lim in res.raw_limits[len(pruned) - 1]}
    assert raw["density"].iloc[len(pruned) - 1] - pruned["density"].iloc[-1] < 0.01 * raw["res_dim"].max()


def _ema_cases() -> list[tuple[str, pd.DataFrame, np.ndarray, dict[str, float]]]:
    import ema_workbench
    from ema_workbench import load_results

    d = os.path.join(os.path.dirname(ema_workbench.__file__), "examples", "data")
    out = []
    x, o = load_results(os.path.join(d, "1000 flu cases no policy.tar.gz"))
    out.append(("flu", x, o["deceased_population_region_1"][:, -1] > 1000000, {}))
    x, o = load_results(os.path.join(d, "5000 runs WCM.tar.gz"))
    out.append(("wcm", x, (o["throughput Rotterdam"] / 2.178849944502783e7) < 1, {}))
    b = pd.read_csv(os.path.join(d, "bryant et al 2010 data.csv"), index_col=False)
    out.append(("bryant", b.iloc[:, 2:11], b.iloc[:, 15].to_numpy(), {"peel_alpha": 0.1}))
    rng = np.random.default_rng(0)
    xi = pd.DataFrame({"a": rng.integers(0, 10, size=100)})
    out.append(("integer", xi, (xi.a > 5).to_numpy(), {}))
    xs = pd.DataFrame(rng.uniform(size=(1000, 5)), columns=list("abcde"))
    out.append(("synthetic box", xs, ((xs.a > 0.6) & (xs.c < 0.3)).to_numpy(), {}))
    # a flashpoint ensemble: where does the partnership raise China-West tension the most?
    import flashpoint
    from flashpoint.analysis.discovery import factor_table

    ds = flashpoint.simulate(None, "nato_ip4_partnership", runs=300, years=2, dt=1.0,
                             attribution=False, keep_dyadic=False)
    xf, _ = factor_table(ds)
    tension = ds["tension_china_west"].isel(time=-1).to_numpy()
    out.append(("flashpoint ensemble", xf, tension > np.quantile(tension, 0.7), {}))
    return out


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore")
def test_same_trajectory_as_ema_workbench() -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pytest.importorskip("ema_workbench")
        from ema_workbench.analysis import prim as ema_prim

    for name, x, y, kw in _ema_cases():
        yv = np.asarray(y).astype(int)
        ema = ema_prim.Prim(x, yv, threshold=0.8, **kw)
        ema_boxes = [ema.find_box(), ema.find_box()]
        ours = prim(x, yv, min_density=0.8, max_boxes=2, **kw)
        for i, eb in enumerate(ema_boxes):
            if eb.mean < 0.8 or eb.peeling_trajectory.shape[0] == 1:  # EMA's dump box
                assert len(ours.boxes) <= i or not ours.boxes[i].meets_threshold, name
                continue
            cols = ["n", "k", "res_dim"]
            theirs = eb.peeling_trajectory[cols].astype(int).to_numpy()
            mine = ours.raw_trajectories[i][cols].astype(int).to_numpy()
            assert theirs.shape == mine.shape and (theirs == mine).all(), (name, i)
            np.testing.assert_array_equal(eb.peeling_trajectory["coverage"].astype(float),
                                          ours.raw_trajectories[i]["coverage"].astype(float))
            for step, lims in enumerate(eb.box_lims):
                found = {lim.factor: lim for lim in ours.all_raw_limits[i][step]}
                for col in lims.columns:
                    lo, hi = lims[col].iloc[0], lims[col].iloc[1]
                    lim = found.get(col)
                    if isinstance(lo, set):
                        if lo != ema.box_init[col].iloc[0]:
                            assert lim is not None and set(lim.values or ()) == lo, (name, step, col)
                        continue
                    mlo = ema.box_init[col].iloc[0] if lim is None or lim.low is None else lim.low
                    mhi = ema.box_init[col].iloc[1] if lim is None or lim.high is None else lim.high
                    assert (mlo, mhi) == (lo, hi), (name, i, step, col)
            assert ours.boxes[i].coverage == pytest.approx(eb.coverage)
