"""Wartime mobilisation, the threat of a war and war termination (flashpoint.mechanisms.mobilisation).

The sourced figures in the parameters are recomputed from the raw SIPRI and
COW files when ``../shared/data`` is present (skipped otherwise).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from flashpoint.mechanisms import mobilisation as mo
from flashpoint.testing import make_context

R = 3
RAW = Path(__file__).resolve().parents[3].parent / "shared" / "data"
needs_raw = pytest.mark.skipif(not (RAW / "SOURCES.md").exists(), reason="raw data not available")


def _at_war(state, ctx, fid: str):  # type: ignore[no-untyped-def]
    war = state.war.copy()
    war[:, ctx.flashpoints.ids.index(fid)] = 1.0
    return state._replace(war=war)


@needs_raw
def test_termination_hazard_recomputed_from_cow_wars() -> None:
    # Sarkees & Wayman (2010), COW inter-state wars v4.0 as dyad-years.
    w = pd.read_csv(RAW / "cow_interstate_war_v4_dyad_years.csv")
    spans = w.groupby("warnum").year.agg(["min", "max"])
    years = int((spans["max"] - spans["min"] + 1).sum())
    assert (len(spans), years) == (mo.COW_TERMINATION["wars"], mo.COW_TERMINATION["war_years"])
    p = next(p for p in mo.PARAMETERS if p.name == "mobilisation.termination")
    np.testing.assert_allclose(p.default, -np.log(1 - len(spans) / years), rtol=1e-12)
    np.testing.assert_allclose(p.default, 0.623, atol=5e-4)
    late = spans[spans["max"] - spans["min"] + 1 >= 3]
    late_years = int((spans["max"] - spans["min"] - 1)[late.index].sum())
    assert (len(late), late_years) == (20, 58)  # the conditional figure in the source


@needs_raw
def test_sipri_figures_in_the_sources() -> None:
    s = pd.read_csv(RAW / "sipri_milex_1949_2023.csv").set_index(["country", "year"])
    share = s.milex_share_of_gdp * 100

    def at(country: str, year: int, digits: int = 2) -> float:
        return round(float(share.loc[(country, year)]), digits)

    assert [at("Russia", y) for y in (2021, 2022, 2023)] == [3.61, 4.69, 5.86]
    assert [at("Ukraine", y, 1) for y in (2022, 2023)] == [25.9, 36.7]
    usa = "United States of America"
    assert [at(usa, y) for y in (1950, 1952, 1965, 1968)] == [5.08, 13.86, 7.59, 9.27]
    assert [at(usa, y) for y in (2021, 2023)] == [3.42, 3.36]


def test_roles_and_engagement_follow_obligations_and_war_parties() -> None:
    _, ctx, _ = make_context(runs=R)
    ids, iso = ctx.flashpoints.ids, ctx.world.iso3
    _, _, ally, supporter = mo.roles(ctx)
    tw, bal = ids.index("taiwan_strait"), ids.index("baltic")
    us, jpn, deu = iso.index("USA"), iso.index("JPN"), iso.index("DEU")
    # Taiwan: the US is a war party (Bloomberg's war scenario), not a treaty ally.
    assert np.all(ally[:, tw, us] == 1) and np.all(supporter[:, tw, us] == 0)
    # Baltic: USA and DEU are obliged to defend LTU; JPN is LTU's partner.
    assert np.all(ally[:, bal, [us, deu]] == 1) and np.all(supporter[:, bal, jpn] == 1)
    e = mo.engagement(ctx)
    eps = ctx.params["mobilisation.supporter_engagement"]
    np.testing.assert_allclose(e[:, bal, jpn], eps)
    assert np.all(e[:, tw, iso.index("CHN")] == 1) and np.all(e[:, tw, iso.index("TWN")] == 1)


def test_no_war_no_mobilisation() -> None:
    state, ctx, draws = make_context(runs=R)
    eff = mo.step(state, {}, ctx, draws)
    assert not np.any(eff.deltas["milex"]) and not np.any(eff.deltas["intent"])
    assert not np.any(eff.deltas["war"])


def test_belligerents_close_the_gap_to_their_wartime_burden() -> None:
    state, ctx, draws = make_context(runs=R)
    state = _at_war(state, ctx, "taiwan_strait")
    draws = draws._replace(onset=np.ones_like(draws.onset))  # no war ends
    eff = mo.step(state, {}, ctx, draws)
    iso, p = ctx.world.iso3, ctx.params
    k, dt = p["mobilisation.rate"], ctx.dt
    m, y = state.milex, state.gdp
    s0 = ctx.initial.milex / ctx.initial.gdp
    expect = {
        "CHN": p["mobilisation.challenger_burden"],
        "TWN": p["mobilisation.target_burden"],
        "USA": s0[:, iso.index("USA")] + p["mobilisation.ally_rise"],
    }
    for code, burden in expect.items():
        i = iso.index(code)
        np.testing.assert_allclose(eff.deltas["milex"][:, i],
                                   dt * k * np.maximum(0.0, burden * y[:, i] - m[:, i]), rtol=1e-12)
    assert np.all(eff.deltas["milex"][:, iso.index("CHN")] > 0)
    for code in ("JPN", "KOR", "DEU", "IND"):  # no tie to Taiwan
        assert np.all(eff.deltas["milex"][:, iso.index(code)] == 0)


def test_war_raises_the_threat_its_theatre_sees_in_the_challenger() -> None:
    state, ctx, draws = make_context(runs=R)
    state = _at_war(state, ctx, "baltic")
    eff = mo.step(state, {}, ctx, draws)
    iso = ctx.world.iso3
    rus = iso.index("RUS")
    rho, dt = ctx.params["mobilisation.threat_rate"], ctx.dt
    for code in ("DEU", "LTU"):  # Euro-Atlantic theatre in the tiny world
        i = iso.index(code)
        assert ctx.world.theatre[i] == 0
        np.testing.assert_allclose(eff.deltas["intent"][:, i, rus],
                                   dt * rho * (1 - state.intent[:, i, rus]), rtol=1e-12)
    jpn = iso.index("JPN")  # another theatre
    assert np.all(eff.deltas["intent"][:, jpn, rus] == 0)
    assert np.all(eff.deltas["intent"][:, rus, rus] == 0)


def test_wars_end_at_the_termination_hazard() -> None:
    state, ctx, draws = make_context(runs=R)
    state = _at_war(state, ctx, "baltic")
    k = ctx.flashpoints.ids.index("baltic")
    p_end = 1 - np.exp(-ctx.params["mobilisation.termination"] * ctx.dt)
    below = draws._replace(onset=np.full_like(draws.onset, 0.0))
    above = draws._replace(onset=np.full_like(draws.onset, 1.0))
    assert np.all(mo.step(state, {}, ctx, below).deltas["war"][:, k] == -1)
    assert np.all(mo.step(state, {}, ctx, above).deltas["war"][:, k] == 0)
    assert np.all(p_end > 0.05) and np.all(p_end < 0.25)  # a quarter at 0.3-1.0/yr


# --- the compiled kernels (issue 17) -----------------------------------------

_KERNEL_RUNS = 6


def _kernel_inputs(precision: str):  # type: ignore[no-untyped-def]
    """Perturbed inputs (wars at some flashpoints in some runs, see their coverage)."""
    from flashpoint.testing.inputs import perturbed_inputs

    state, derived, ctx, draws = perturbed_inputs(precision, runs=_KERNEL_RUNS, seed=7)
    assert np.any(state.war > 0.5) and np.any(state.war <= 0.5)
    onset = draws.onset.copy()
    onset[::2] = 0.0  # wars end in every other run
    draws = draws._replace(onset=onset)
    upstream = {k: v for k, v in derived.items() if k not in mo.MECHANISM.provides}
    return state, upstream, ctx, draws


def _outputs(effect) -> dict[str, np.ndarray]:  # type: ignore[no-untyped-def]
    return {**effect.deltas, **effect.derived}


@pytest.mark.parametrize("precision", ["float64", "float32"])
def test_kernel_matches_the_reference_keeps_the_dtype_and_a_run_alone(precision: str) -> None:
    import dataclasses

    from flashpoint import kernels
    from flashpoint.testing.inputs import assert_kernel_matches, assert_runs_alone_match

    if not kernels.available():
        pytest.skip("Numba is not installed")
    state, upstream, ctx, draws = _kernel_inputs(precision)
    rtol = 1e-12 if precision == "float64" else 2e-5
    fresh = dataclasses.replace(ctx, memo={})
    ref, _ = assert_kernel_matches(mo.step, state, upstream, ctx, draws)
    with kernels.use("numpy"):
        helpers_ref = (mo.engagement(fresh), mo.wartime_burden(state, fresh))
    with kernels.use("numba"):
        helpers = (mo.engagement(ctx), mo.wartime_burden(state, ctx))
    for a, b in zip(helpers_ref, helpers, strict=True):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_allclose(b, a, rtol=rtol, atol=rtol)
    assert np.any(ref["intent"] != 0) and np.any(ref["war"] != 0)  # every channel is exercised
    with kernels.use("numba"):  # a chunk of one run gives the same bits
        assert_runs_alone_match(mo.step, state, upstream, ctx, draws,
                                mo.step(state, upstream, ctx, draws))


def test_kernel_memoised_burdens_follow_a_new_commitment_array() -> None:
    import dataclasses

    from flashpoint import kernels

    if not kernels.available():
        pytest.skip("Numba is not installed")
    state, upstream, ctx, draws = _kernel_inputs("float64")
    with kernels.use("numba"):
        before = _outputs(mo.step(state, upstream, ctx, draws))
        eng_before = mo.engagement(ctx).copy()
        c = np.ones_like(ctx.commitment)  # everyone defends everyone: co-belligerents rise
        moved = dataclasses.replace(ctx, commitment=c)
        assert moved.memo is ctx.memo
        after = _outputs(mo.step(state, upstream, moved, draws))
        eng_after = mo.engagement(moved)
    with kernels.use("numpy"):
        fresh = dataclasses.replace(moved, memo={})
        ref = _outputs(mo.step(state, upstream, fresh, draws))
        eng_ref = mo.engagement(fresh)
    for k in ref:
        np.testing.assert_allclose(after[k], ref[k], rtol=1e-12, atol=1e-12, err_msg=k)
    np.testing.assert_allclose(eng_after, eng_ref, rtol=1e-12)
    assert not np.allclose(after["wartime_burden"], before["wartime_burden"])
    assert not np.allclose(eng_after, eng_before)
