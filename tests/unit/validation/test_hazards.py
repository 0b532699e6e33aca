"""Hazard fits on the conflict record: known answer, refusal, out-of-sample table, flashpoints."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from flashpoint.errors import DataError
from flashpoint.validation import hazards as hz
from flashpoint.world.provenance import data_path


def _simulated(n: int = 40_000, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"year": rng.integers(1946, 1996, n), "riv": rng.integers(0, 2, n),
                       "bal": rng.normal(0, 1, n)})
    eta = -3.0 + 1.5 * df.riv - 0.5 * df.bal
    df["y"] = (rng.random(n) < 1 - np.exp(-np.exp(eta))).astype(float)
    return df


def test_cloglog_fit_recovers_known_coefficients() -> None:
    f = hz.fit_hazard(_simulated(), "y", ("riv", "bal"))
    t = f.table()
    # true values -3, 1.5, -0.5 lie within 3 posterior sd of the mode
    assert np.all(np.abs(t["coef"].to_numpy() - [-3.0, 1.5, -0.5]) < 3 * t["sd"].to_numpy())
    assert f.diagnostics["max_abs_gradient"] < 1e-6
    assert abs(f.diagnostics["expected_events"] - f.events) < 0.05 * f.events


def test_fit_refuses_fewer_observations_than_parameters() -> None:
    df = _simulated().head(2)
    with pytest.raises(DataError, match="2 observations for 3 parameters"):
        hz.fit_hazard(df, "y", ("riv", "bal"))
    with pytest.raises(DataError, match="missing columns"):
        hz.fit_hazard(df, "y", ("nope",))


def test_out_of_sample_table_beats_constant_rate_on_mid_onsets() -> None:
    sc = hz.score_hazards(draws=40)
    t = sc.table.set_index(["target", "method"])
    assert set(t.index.get_level_values(0)) == {"MID 1996-2010", "UCDP 1996-2010", "UCDP 2011-2024"}
    mid = t.loc["MID 1996-2010"]
    assert mid.loc["hazard", "log score"] < mid.loc["constant", "log score"]
    assert mid.loc["hazard", "Brier"] < mid.loc["constant", "Brier"]
    assert int(mid.loc["hazard", "events"]) == 448  # GML MID onsets in relevant dyads 1996-2010, by initiator
    assert t["cov90 count"].between(0, 1).all()


def test_flashpoints_mapped_and_russia_ukraine_is_thin() -> None:
    raw = hz.load_dyads()
    f = hz.fit_hazard(hz.directed(raw), "onset", years=(1946, 2010))
    t = hz.flashpoint_table(f, raw)
    assert set(t.index) == set(hz.FLASHPOINT_DYADS)
    assert t.loc["russia_ukraine", "record"].startswith("thin") and t.loc["baltic", "record"].startswith("thin")
    assert t.loc["taiwan_strait", "record"].startswith("own")
    assert (t["annual hazard"] > 0).all() and (t["pooled multiplier"] > 0).all()


def test_shipped_deterrence_priors_match_a_refit(tmp_path: Path) -> None:
    from flashpoint.mechanisms.deterrence import PARAMETERS

    out = hz.write_priors(tmp_path / "p.json")
    fresh = json.loads(out.read_text())
    shipped = json.loads(data_path(hz.PRIORS_FILE).read_text())
    assert fresh == shipped, "world/data/hazard_priors.json is stale: run hazards.write_priors()"
    by = {p.name: p for p in PARAMETERS}
    for name, v in shipped.items():
        p = by[name]
        assert (p.default, p.low, p.high) == (v["default"], v["low"], v["high"])
        assert p.source.startswith("fitted:")
    # rivalry multiplies the MID onset hazard about e^2.8 = 17-fold (GML MID 1946-2010)
    assert 2.0 < by["deterrence.tension_onset"].default < 3.5


def test_conflict_table_holds_known_history() -> None:
    d = hz.load_dyads().set_index(["a", "b", "year"])
    korea = d.loc[(731, 732, 1950)]
    assert korea["mid"] == 5 and korea["init"] == 1 and korea["war"] == 1  # North Korea attacks, war
    assert d.loc[(365, 369, 2022), "ucdp"] == 1                              # UCDP/PRIO 13243
    assert d.loc[(365, 369, 2022), "init"] == -1                              # MIDs end in 2010
    assert d.loc[(2, 365, 1962), "riv"] == 1 and d.loc[(2, 365, 1962), "nuc"] == 2
    directed = hz.directed(hz.load_dyads().head(1000))
    assert len(directed) == 2000 and set(directed["onset"].dropna().unique()) <= {0.0, 1.0}


def test_cloglog_fit_agrees_with_statsmodels_glm() -> None:
    """The penalised Laplace fit against statsmodels' GLM (binomial, cloglog link), which
    maximises the unpenalised likelihood: on 40,000 observations the N(0, 2.5^2) prior
    moves the mode by far less than its posterior sd, and the covariances agree."""
    sm = pytest.importorskip("statsmodels.api")
    df = _simulated()
    f = hz.fit_hazard(df, "y", ("riv", "bal"))
    x = sm.add_constant(df[["riv", "bal"]].to_numpy(dtype=float))
    glm = sm.GLM(df["y"].to_numpy(), x,
                 family=sm.families.Binomial(link=sm.families.links.CLogLog())).fit()
    t = f.table()
    assert np.allclose(t["coef"].to_numpy(), glm.params, atol=0.02 * t["sd"].to_numpy().max())
    assert np.allclose(t["sd"].to_numpy(), glm.bse, rtol=0.01)
