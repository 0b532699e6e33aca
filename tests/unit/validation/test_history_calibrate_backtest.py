"""History, ABC calibration and backtest on small ensembles (fast)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

from flashpoint.engine.initial import ALIGNMENT_SCALE
from flashpoint.errors import DataError, ParameterError, UnknownActorError
from flashpoint.validation.backtest import MODEL_CAL, MODEL_DISC, MODEL_PRIOR, backtest
from flashpoint.validation.calibrate import (
    abc_weights,
    calibrate,
    distances,
    load_calibration,
    parse_window,
    simulate_paths,
    systematic_resample,
)
from flashpoint.validation.history import ideal_alignment, load_history
from flashpoint.world import DEFAULT_ACTORS, load_world


@pytest.fixture(scope="module")
def cal():  # type: ignore[no-untyped-def]
    return calibrate((1995, 2000), runs=40, seed=1, alpha=0.25)


def test_history_matches_the_world_of_each_year() -> None:
    h = load_history(first=2010, last=2014)
    assert h.actors == DEFAULT_ACTORS and h.milex.shape == (5, len(DEFAULT_ACTORS))
    w = load_world(year=2012).to_arrays()
    i = h.row(2012)
    usa = h.actors.index("USA")
    assert_allclose(h.milex[i, usa], w.milex[list(w.iso3).index("USA")])
    assert_allclose(h.ideal[i], w.ideal_point[[list(w.iso3).index(a) for a in h.actors]])


def test_history_keeps_only_sipri_observations() -> None:
    h = load_history(first=2014, last=2023)
    prk, are = h.actors.index("PRK"), h.actors.index("ARE")
    assert not h.milex_ok[0, prk]                       # zero in the table: not an observation
    assert not np.any(h.milex_ok[1:, are])              # carried forward / COW NMC after 2014
    assert np.all(h.milex_ok[:, h.actors.index("USA")])
    a = h.alignment()
    assert np.all(np.isnan(a[:, h.actors.index("TWN")]))  # estimated ideal points are not scored
    assert np.isnan(a[0, h.actors.index("USA"), 0]) and np.isnan(a[0, h.actors.index("CHN"), 1])


def test_ideal_alignment_is_the_engine_mapping() -> None:
    a = ideal_alignment(np.array([0.0, ALIGNMENT_SCALE * np.log(2), 50.0]), np.array([0.0]))
    assert_allclose(a[:, 0], [1.0, 0.0, -1.0], atol=1e-12)


def test_history_errors() -> None:
    with pytest.raises(DataError, match="expected years 1995 <= first <= last <= 2023"):
        load_history(first=1990, last=2000)
    with pytest.raises(UnknownActorError, match="unknown actor 'USB'"):
        load_history(actors=["USB"])
    with pytest.raises(DataError, match="expected a year from 2010 to 2012"):
        load_history(first=2010, last=2012).row(2015)
    with pytest.raises(DataError, match="expected a window like 1995-2013"):
        parse_window("1995:2013")
    with pytest.raises(DataError, match="1995 <= first < last <= 2023"):
        parse_window("2013-1995")


def test_paths_match_simulate_and_distance_is_zero_at_start() -> None:
    import flashpoint

    p = simulate_paths(1995, 2, 6, seed=4)
    with np.errstate(divide="ignore", invalid="ignore"):
        ds = flashpoint.simulate(load_world(year=1995), runs=6, years=2, seed=4, dt=1.0,
                                 attribution=False)
    assert np.array_equal(p.milex, ds["milex"].values)
    h = load_history(p.actors, 1995, 1997)
    d_m, d_a = distances(p, h)
    assert d_m.shape == d_a.shape == (6,) and np.all(d_m > 0) and np.all(d_a >= 0)
    with pytest.raises(DataError, match="history must cover 1995-1997"):
        distances(p, load_history(p.actors, 1996, 1999))


def test_abc_weights_and_resampling() -> None:
    d = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
    w, eps = abc_weights(d, 0.5)
    assert eps == 2.0 and w[0] == 1.0 and w[1] == 0.75 and np.all(w[2:] == 0)
    idx = systematic_resample(np.array([3.0, 1.0, 0.0]), 400, seed=0)
    assert set(np.unique(idx)) == {0, 1} and abs(np.mean(idx == 0) - 0.75) < 0.01
    with pytest.raises(ParameterError, match=r"alpha: expected a value in \(0, 1\]"):
        abc_weights(d, 0.0)
    with pytest.raises(ParameterError, match="non-negative weights with a positive sum"):
        systematic_resample(np.zeros(3), 5, 0)


def test_calibration_diagnostics_and_round_trip(cal, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    d = cal.diagnostics
    assert d["accepted"] == 10 and d["acceptance_rate"] == 0.25
    assert 1.0 <= cal.ess <= 10.0
    # accepted runs fit the training window at least as well as the prior runs
    assert d["rms_log_milex_posterior_median"] <= d["rms_log_milex_prior_median"]
    s = cal.summary()
    assert set(s.parameter) == set(cal.names)
    assert np.all((s.post_q05 >= s.prior_low - 1e-12) & (s.post_q95 <= s.prior_high + 1e-12))
    sample = cal.sample(25, seed=3)
    assert all(v.shape == (25,) for v in sample.values())
    path = cal.save(tmp_path / "cal.json", runs=12, seed=0)
    raw = json.loads(path.read_text())
    assert len(raw["resampled"]["parameters"]["arms.fatigue"]) == 12
    back = load_calibration(path)
    assert back.names == cal.names and back.train == (1995, 2000)
    assert_allclose(back.accepted, cal.accepted)
    for k in sample:
        assert_allclose(back.sample(25, seed=3)[k], sample[k])


def test_load_calibration_errors(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="file not found"):
        load_calibration(tmp_path / "none.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"accepted": 1}')
    with pytest.raises(DataError, match="expected a calibration file from 'flashpoint calibrate'"):
        load_calibration(bad)


def test_calibrate_errors() -> None:
    with pytest.raises(DataError, match="1995 <= first < last <= 2023"):
        calibrate((2000, 1999), runs=20)
    with pytest.raises(ParameterError, match="runs: expected at least 10 prior runs"):
        calibrate((1995, 1997), runs=5)


def test_backtest_scores_model_and_baselines(cal) -> None:  # type: ignore[no-untyped-def]
    bt = backtest(2014, 2016, calibration=cal, runs=30, seed=0, train=(2005, 2013))
    assert bt.methods == [MODEL_CAL, MODEL_DISC, MODEL_PRIOR, "persistence", "linear trend",
                          "AR(1)"]
    assert set(bt.skipped) == {"PRK", "ARE"}
    s = bt.summary("milex")
    assert list(s.index) == bt.methods
    assert (s["n"] == s["n"].iloc[0]).all() and s["n"].iloc[0] == 2 * (len(DEFAULT_ACTORS) - 2)
    assert np.all((s[["cov50", "cov90"]] >= 0) & (s[["cov50", "cov90"]] <= 1))
    assert np.all(s["cov90"] >= s["cov50"])
    a = bt.summary("alignment")
    assert np.all(a["n"] == a["n"].iloc[0]) and a["n"].iloc[0] > 0
    per = bt.per_actor()
    assert "USA" in per.index and "PRK" not in per.index
    # persistence's median is the origin value: its APE is |y0 - y| / y
    h = load_history(first=2014, last=2016)
    usa = h.actors.index("USA")
    row = bt.milex[(bt.milex.method == "persistence") & (bt.milex.actor == "USA") & (bt.milex.year == 2016)]
    # (an even ensemble's median averages two log-normal quantiles: close, not equal)
    assert_allclose(row["ape"].iloc[0], 100 * abs(h.milex[0, usa] - h.milex[2, usa]) / h.milex[2, usa],
                    rtol=1e-3)
    with pytest.raises(ParameterError, match="expected 'milex' or 'alignment'"):
        bt.summary("gdp")


def test_discrepancy_is_fitted_on_training_years_and_widens_intervals(cal) -> None:  # type: ignore[no-untyped-def]
    s2_m = cal.diagnostics["discrepancy_log_milex_var_per_year"]
    s2_a = cal.diagnostics["discrepancy_align_var_per_year"]
    assert s2_m >= 0 and s2_a >= 0
    bt = backtest(2014, 2016, calibration=cal, runs=30, seed=0, train=(2005, 2013), prior=False)
    s = bt.summary("milex")
    # the same ensemble plus independent model error: intervals at least as wide
    assert s.loc[MODEL_DISC, "cov90"] >= s.loc[MODEL_CAL, "cov90"]


def test_discrepancy_is_zero_when_the_model_reproduces_history() -> None:
    from flashpoint.validation.calibrate import Paths, discrepancy

    hist = load_history(first=2000, last=2004)
    milex = np.nan_to_num(hist.milex, nan=1.0)
    align = hist.alignment()
    runs = 3
    paths = Paths(milex=np.broadcast_to(milex, (runs, *milex.shape)).copy(),
                  align=np.broadcast_to(align, (runs, *align.shape)).copy(),
                  values={}, actors=hist.actors, partners=hist.partners, year0=2000)
    s2_m, s2_a = discrepancy(paths, hist, np.ones(runs, dtype=bool), np.ones(runs))
    assert s2_m == 0.0 and s2_a == 0.0


def test_backtest_refuses_test_years_in_training(cal) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DataError, match="overlaps the test years 1998-2000"):
        backtest(1997, 2000, calibration=cal, runs=10)
    with pytest.raises(DataError, match="expected years 1995 <= start < end <= 2023"):
        backtest(2014, 2030, runs=10)
    with pytest.raises(DataError, match="training window within 1995-2014"):
        backtest(2014, 2016, runs=10, train=(2010, 2016))
