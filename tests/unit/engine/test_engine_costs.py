"""The engine's shortcuts give the bits of the plain computation.

A record's metrics reuse the next step's derived quantities; the plan's
input arrays are reused while no intervention switches (a ramping spending
floor rebuilds only the floor); a step's deltas are summed in place; attribution
evaluates only the mechanisms and metrics that can differ; the bounds are
projected in place when nothing reads the unprojected state, or, with the kernels,
sums and bounds composed in one compiled pass. Each is checked
against the plain computation (every mechanism, every metric, fresh arrays).
"""

import numpy as np
import pytest

import flashpoint as fp
from flashpoint.engine import run as run_mod
from flashpoint.engine.apply import PlanApplier
from flashpoint.engine.metrics import (
    ATTRIBUTED_DERIVED,
    DERIVED_INPUTS,
    STATE_INPUTS,
    compute_metrics,
)
from flashpoint.engine.plan import Commitment, Plan, Range, RelationShock, Shock, SpendingFloor
from flashpoint.engine.state import FIELDS, State
from flashpoint.mechanisms import REGISTRY
from flashpoint.testing import tiny_world
from flashpoint.testing.inputs import perturbed_inputs

PLANS = {
    "status_quo": Plan(name="status_quo"),
    "shocks": Plan(name="shocks", shocks=(
        Shock("blockade", at=0.5, flashpoint="taiwan_strait", duration=1.0),
        Shock("crisis", at=1.25, flashpoint="baltic", magnitude=Range(0.4, 0.6)),
        Shock("retrenchment", at=1.0, magnitude=Range(0.3, 0.6))),
        relation_shocks=(RelationShock("tension", ("RUS",), ("NATO",), Range(0.1, 0.2), at=1.0),)),
    "floors": Plan(name="floors", spending_floors=(
        SpendingFloor(("DEU", "LTU"), Range(0.025, 0.035), start=0.5, ramp=1.5),
        SpendingFloor(("JPN",), Range(0.015, 0.02), start=0.0, ramp=0.0)),
        commitments=(Commitment(("USA",), ("TWN",), Range(0.3, 0.6), start=1.0),)),
}


@pytest.fixture(scope="module")
def world():
    return tiny_world()


def _same(a, b) -> bool:
    return all(a[v].values.tobytes() == b[v].values.tobytes() for v in a.data_vars) and \
        set(a.data_vars) == set(b.data_vars)


def _plain(monkeypatch: pytest.MonkeyPatch) -> None:
    """Switch every shortcut off: metrics rerun every mechanism on every state."""
    monkeypatch.setattr(run_mod, "_same_bits", lambda *a: False)
    monkeypatch.setattr(run_mod, "_providers", lambda mechs, keys: list(mechs))
    monkeypatch.setattr(run_mod, "_trace", lambda *a: None)
    monkeypatch.setattr(run_mod, "_add_changed", run_mod._add)
    monkeypatch.setattr(run_mod, "STATE_INPUTS", {g: frozenset(FIELDS) for g in STATE_INPUTS})
    monkeypatch.setattr(run_mod, "_project", lambda s, owned=(): _fresh_project(s))
    monkeypatch.setattr(run_mod, "_accumulate", _plain_accumulate)
    monkeypatch.setattr(run_mod, "_add_owned", lambda s, total, owned: run_mod._add(s, total))
    monkeypatch.setattr(run_mod, "_composes", lambda: False)
    monkeypatch.setattr(PlanApplier, "inputs", _uncached_inputs)


_INPUTS = PlanApplier.inputs


def _uncached_inputs(self, t, *args):  # type: ignore[no-untyped-def]
    """Every input array rebuilt at every step (fresh objects)."""
    self._cache.clear()
    self._fixed.clear()
    return _INPUTS(self, t, *args)


def _plain_accumulate(total, owned, f, d) -> None:  # type: ignore[no-untyped-def]
    total[f] = total[f] + d if f in total else d


_PROJECT = run_mod._project


def _fresh_project(state: State) -> State:
    return _PROJECT(state, ())


@pytest.mark.parametrize("plan", list(PLANS))
@pytest.mark.parametrize("attribution", [True, False])
def test_shortcuts_give_the_plain_bits(world, plan, attribution, monkeypatch) -> None:
    kw = dict(runs=7, years=3, seed=2, attribution=attribution, chunk_size=4)
    fast = fp.simulate(world, PLANS[plan], **kw)
    _plain(monkeypatch)
    plain = fp.simulate(world, PLANS[plan], **kw)
    assert _same(fast, plain)


def test_record_reuses_the_next_steps_derived(world, monkeypatch) -> None:
    calls = []
    metrics = run_mod._Chunk.metrics

    def counted(self, state, ctx):
        calls.append(ctx.step)
        return metrics(self, state, ctx)

    monkeypatch.setattr(run_mod._Chunk, "metrics", counted)
    fp.simulate(world, runs=3, years=4, seed=0, attribution=False)
    assert len(calls) == 1  # the last record; t = 0 and the three between are reused


def test_providers_give_the_same_derived_quantities() -> None:
    state, _, ctx, draws = perturbed_inputs("float64", runs=5)
    mechs = list(REGISTRY.values())
    full = run_mod._derive(mechs, state, ctx, draws)
    for keys in (DERIVED_INPUTS, ATTRIBUTED_DERIVED):
        kept = run_mod._providers(mechs, keys)
        assert len(kept) < len([m for m in mechs if m.provides])
        some = run_mod._derive(kept, state, ctx, draws)
        for k in keys:
            assert some[k].tobytes() == full[k].tobytes(), k


def test_metric_groups_are_the_full_metrics() -> None:
    state, derived, ctx, _ = perturbed_inputs("float64", runs=5)
    from flashpoint.engine.metrics import MetricIndex

    index = MetricIndex.build(ctx.world)
    full = compute_metrics(state, derived, index)
    parts: dict[str, np.ndarray] = {}
    for g in STATE_INPUTS:
        parts.update(compute_metrics(state, derived, index, groups=[g], with_derived=False))
    parts.update(compute_metrics(state, derived, index, groups=()))
    assert list(full) == [k for k in full if k in parts] and set(parts) == set(full)
    for k, v in full.items():
        assert np.asarray(v).tobytes() == np.asarray(parts[k]).tobytes(), k


def test_traced_derivation_reuses_only_what_it_may() -> None:
    import dataclasses

    state, _, ctx, draws = perturbed_inputs("float64", runs=5)
    mechs = run_mod._providers(list(REGISTRY.values()), ATTRIBUTED_DERIVED)
    traced = run_mod._trace(mechs, state, ctx, draws)
    assert traced is not None and all(t[2] is not None for t in traced)
    later = dataclasses.replace(ctx, step=ctx.step + 3)
    other = dataclasses.replace(ctx, commitment=ctx.commitment * 0.5)
    moved = state._replace(milex=state.milex * 1.1)
    for st, c in ((state, ctx), (state, later), (state, other), (moved, ctx), (moved, other)):
        plain = run_mod._derive(mechs, st, c, draws)
        again = run_mod._rederive(traced, st, state, c, ctx, draws)
        assert set(plain) == set(again)
        for k in plain:
            assert plain[k].tobytes() == again[k].tobytes(), k


def test_inputs_are_reused_while_a_floor_ramps(world) -> None:
    plan = PLANS["floors"]
    from flashpoint.world.flashpoints import flashpoint_arrays

    applier = PlanApplier(plan, world, flashpoint_arrays(world), np.arange(3), 3, seed=1)
    args = (world.defense, world.trade_share, world.milex_share)
    ts = [0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.75, 2.0, 2.25, 3.0]
    got = [applier.inputs(t, *args) for t in ts]
    for t, inp in zip(ts, got, strict=True):
        fresh = PlanApplier(plan, world, flashpoint_arrays(world), np.arange(3), 3,
                            seed=1).inputs(t, *args)
        for name in inp._fields:
            assert getattr(inp, name).tobytes() == getattr(fresh, name).tobytes(), (t, name)
    # Before the commitment starts (t < 1), and from it on, every array but the floor is
    # the same object; the floor ramps until t = 2, then it too is reused.
    for a, b in ((got[0], got[3]), (got[4], got[7])):
        assert all(getattr(a, f) is getattr(b, f) for f in a._fields if f != "spending_floor")
    assert got[2].spending_floor is not got[3].spending_floor  # ramping
    assert not np.array_equal(got[2].spending_floor, got[3].spending_floor)
    assert got[7] is got[8] is got[9]  # ramp done, no switch: the very same inputs


@pytest.mark.parametrize("precision", ["float64", "float32"])
@pytest.mark.parametrize("with_bounds", [False, True])
def test_composed_step_gives_the_bits_of_sums_then_bounds(precision, with_bounds) -> None:
    """``_compose`` (one compiled pass) against ``_project(_add_owned(...))`` and, for
    attribution, the bounds' part ``new - raw``: the same bits for every field, with
    values pushed past both bounds, NaN, signed zeros at a bound of 0 (NumPy's clip
    keeps -0.0, its maximum does not), one to four deltas a field and a delta of
    another shape (the NumPy path)."""
    state, _, _, _ = perturbed_inputs(precision, runs=9, seed=4)
    rng = np.random.default_rng(3)
    dtype = np.dtype(precision)
    parts: dict[str, list[np.ndarray]] = {}
    for k, f in enumerate(FIELDS):
        x = getattr(state, f)
        parts[f] = [(rng.standard_normal(x.shape) * (0.2 if m else 3.0)).astype(dtype)
                    for m in range(1 + k % 4)]
    parts["alignment"][0].reshape(-1)[:3] = [np.nan, -0.0, 0.0]
    # raw sums of exactly -0.0 at bounds of 0 (intent: clip; warheads: maximum)
    for f in ("intent", "warheads"):
        x = getattr(state, f).copy()
        x.reshape(-1)[1:3] = -0.0
        state = state._replace(**{f: x})
        parts[f] = [np.zeros_like(x)]
        parts[f][0].reshape(-1)[1:3] = -0.0
    parts["milex"] = [parts["milex"][0][:, :1]]  # broadcast: the NumPy path
    del parts["tension"]  # no delta: projected only
    total: dict[str, np.ndarray] = {}
    owned: set[str] = set()
    for f in FIELDS:
        for d in parts.get(f, []):
            run_mod._accumulate(total, owned, f, d)
    raw = run_mod._add_owned(state, total, owned)
    want = run_mod._project(raw, ())
    got, bounds = run_mod._compose(state, parts, with_bounds=with_bounds)
    for f in FIELDS:
        a, b = getattr(want, f), getattr(got, f)
        assert a.dtype == b.dtype and a.shape == b.shape, f
        assert a.tobytes() == b.tobytes(), f
        if with_bounds:
            ref = getattr(want, f) - getattr(raw, f)
            assert bounds[f].dtype == ref.dtype and bounds[f].tobytes() == ref.tobytes(), f
        else:
            assert not bounds
