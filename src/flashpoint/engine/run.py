"""Step an uncertain ensemble of the world through time.

One step composes the enabled mechanisms in registry order. All mechanisms
see the same start-of-step state (after the step's shocks), so each state
field changes by exactly the sum of the mechanisms' deltas, the shocks and
the bound projection (``bounds``); this makes attribution exact.

Runs are processed in chunks; a run's parameters come from one Latin
hypercube over the whole ensemble and its random events from a stream keyed
by its run index, so results are bit-identical whatever the chunk size.

The engine's own costs are kept small without changing a bit (issue 17,
``tests/unit/engine/test_engine_costs.py`` compares with the plain
computation): a recorded point's metrics take the derived quantities the
next step computes anyway from the same state in the same context (they use
no random draw); metrics and attribution evaluate only the mechanisms that
provide what the metrics read, by the declared ``reads`` (checked by
``tests/contracts/test_declared_reads.py``); attribution traces which state
fields, context fields and derived quantities each of those mechanisms reads
at the year's start and recomputes, for each mechanism's part, only those
whose inputs the part changed, and only the state metrics of changed fields;
without attribution the bounds are projected in place into the step's fresh
sums. A step's deltas are summed in place into sums it made itself (same
order, same bits), and the plan's input arrays are the same objects from step
to step while no intervention switches (so the mechanisms' identity caches
hold; a ramping spending floor rebuilds only the floor).
"""

from __future__ import annotations

import json
import math
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
import xarray as xr
from threadpoolctl import ThreadpoolController

from flashpoint import kernels
from flashpoint._types import FloatArray, IntArray
from flashpoint.engine.apply import PlanApplier, ScenarioInputs
from flashpoint.engine.context import all_parameters, base_context
from flashpoint.engine.initial import initial_state
from flashpoint.engine.metrics import (
    ATTRIBUTED,
    ATTRIBUTED_DERIVED,
    DERIVED_INPUTS,
    STATE_INPUTS,
    MetricIndex,
    compute_metrics,
    milex_growth,
)
from flashpoint.engine.plan import Plan
from flashpoint.engine.rng import draw_events
from flashpoint.engine.sampling import parameter_design, sample_parameters
from flashpoint.engine.state import DYADIC, FIELDS, State
from flashpoint.errors import ParameterError, did_you_mean
from flashpoint.mechanisms import REGISTRY, Mechanism
from flashpoint.mechanisms._protocol import Context, Draws
from flashpoint.params import Parameter
from flashpoint.theories import assign, effective_weights, weights_json
from flashpoint.world.arrays import WorldArrays
from flashpoint.world.flashpoints import FlashpointArrays, flashpoint_arrays

__all__ = ["RunConfig", "run_ensemble", "steps_for"]

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RunConfig:
    """How to run an ensemble.

    runs, years, seed : ensemble size, horizon (years) and seed.
    dt : step length in years (0.25 = a quarter; 1.0 = a year).
    chunk_size : runs computed together (memory vs speed); results do not depend on it.
    attribution : split each metric's yearly change by mechanism.
    keep_dyadic : keep (run, time, actor, counterpart) state fields in the result.
    fixed_params : every parameter at its default (no parameter uncertainty).
    threads : chunks computed at once in threads (NumPy releases the GIL);
        None uses every core. Results do not depend on it.
    precision : ``"float64"`` (default) or ``"float32"``: the arithmetic of the
        state and the mechanisms. float32 is 1.4-1.6 times faster and agrees
        with float64 to a few parts in a million on the metrics; it is as
        deterministic and chunk-invariant, but gives other bits.
    """

    runs: int = 1000
    years: float = 10.0
    seed: int = 0
    dt: float = 0.25
    chunk_size: int | None = None
    attribution: bool = True
    keep_dyadic: bool = True
    fixed_params: bool = False
    threads: int | None = None
    precision: str = "float64"

    def __post_init__(self) -> None:
        if self.precision not in ("float64", "float32"):
            raise ParameterError(
                f"precision must be 'float64' or 'float32'. Got {self.precision!r} instead."
            )
        if self.runs < 1:
            raise ParameterError(f"runs must be at least 1. Got {self.runs} instead.")
        if not (0 < self.years <= 100):
            raise ParameterError(f"years must lie in (0, 100]. Got {self.years} instead.")
        if self.dt not in (0.25, 0.5, 1.0, 1 / 12):
            raise ParameterError(
                f"dt must be a month, quarter, half-year or year (1/12, 0.25, 0.5, 1.0). "
                f"Got {self.dt} instead."
            )
        if self.seed < 0:
            raise ParameterError(f"seed must be a non-negative integer. Got {self.seed} instead.")

    @property
    def steps(self) -> int:
        """Number of steps (enough to cover the horizon)."""
        return steps_for(self.years, self.dt)

    @property
    def steps_per_record(self) -> int:
        """Steps between recorded time points (one a year, or one a step if dt > 1 year)."""
        return max(1, round(1.0 / self.dt))


def _null_draws(runs: int, f: int, n: int, dtype: np.dtype[Any]) -> Draws:
    """Draws that trigger no event: used to evaluate derived quantities only."""
    return Draws(np.ones((runs, f), dtype), np.ones((runs, f), dtype), np.zeros((runs, n), dtype))


#: Bounds of each field: (low, high) with None for unbounded above, and the diagonal
#: value of the dyadic fields.
_BOUNDS: tuple[tuple[str, float, float | None], ...] = (
    ("milex", 1e-3, None), ("gdp", 1e-3, None), ("alignment", -1.0, 1.0), ("intent", 0.0, 1.0),
    ("tension", 0.0, 1.0), ("us_asia_share", 0.0, 1.0), ("crisis", 0.0, 1.0),
    ("blockade", 0.0, 1.0), ("war", 0.0, 1.0), ("gdp_loss", 0.0, 0.99), ("warheads", 0.0, None),
)
_DIAGONAL = {"alignment": 1.0, "intent": 0.0, "tension": 0.0}


def _project(state: State, owned: Iterable[str] = ()) -> State:
    """Project a state onto its bounds (see engine.state).

    The arrays of the fields in ``owned`` (fresh ones nobody else holds) are
    projected in place; the others into new arrays. Same bits either way.
    """
    inplace = owned if isinstance(owned, (frozenset, set, dict)) else frozenset(owned)
    out = []
    for f, low, high in _BOUNDS:
        x = getattr(state, f)
        dest = x if f in inplace else None
        y = np.maximum(x, low, out=dest) if high is None else np.clip(x, low, high, out=dest)
        if f in _DIAGONAL:
            _set_diagonal(y, _DIAGONAL[f])
        out.append(y)
    return State(*out)


def _set_diagonal(y: FloatArray, value: float) -> None:
    """``y[:, i, i] = value`` for every i: through a strided view of the flat
    matrices when ``y`` is C-contiguous (a third of the fancy index's time)."""
    r, n = y.shape[0], y.shape[1]
    if y.flags.c_contiguous and y.ndim == 3 and y.shape[2] == n:
        y.reshape(r, n * n)[:, :: n + 1] = value
    else:
        diag = np.arange(n)
        y[:, diag, diag] = value


def _accumulate(total: dict[str, FloatArray], owned: set[str], f: str, d: FloatArray) -> None:
    """``total[f] = total[f] + d`` (the first delta itself): the same sum in the same
    order, added in place into a sum this function made (no allocation per delta)."""
    t = total.get(f)
    if t is None:
        total[f] = d
    elif f in owned and type(d) is np.ndarray and d.shape == t.shape and d.dtype == t.dtype:
        np.add(t, d, out=t)
    else:
        total[f] = t + d
        owned.add(f)


def _add_owned(state: State, total: Mapping[str, FloatArray], owned: set[str]) -> State:
    """``_add(state, total)``, the sums of the fields in ``owned`` (arrays ``total``
    made and nobody else holds) written into those arrays: the same bits."""
    if not total:
        return state
    out = []
    for f in FIELDS:
        x = getattr(state, f)
        d = total.get(f)
        if d is None:
            out.append(x)
        elif f in owned and x.shape == d.shape and x.dtype == d.dtype and type(x) is np.ndarray:
            out.append(np.add(x, d, out=d))
        else:
            out.append(x + d)
    return State(*out)


@kernels.jit
def _compose_kernel(x: FloatArray, deltas: tuple[FloatArray, ...], low: float, high: float,
                    bounded: bool, out: FloatArray, with_bounds: bool, bounds: FloatArray,
                    n: int, diagonal: float) -> None:
    """``out = project(x + (((d_1 + d_2) + d_3) + ...))`` in one pass over flat arrays:
    the sums of :func:`_accumulate` and :func:`_add_owned` and the bound of
    :func:`_project`, element by element in their order (so the same bits; the
    bound is NumPy's ``clip``, or ``maximum`` when ``bounded`` is False, with their
    handling of NaN and of signed zeros, tested). With ``with_bounds`` it also
    writes the bounds' part ``new - raw`` (attribution's), ``new`` then with its
    diagonal set to ``diagonal`` when ``n > 0`` (the arrays are (R, n, n), flattened)."""
    k = len(deltas)
    for i in range(x.shape[0]):
        s = deltas[0][i]
        for m in range(1, k):
            s = s + deltas[m][i]
        raw = x[i] + s
        v = raw
        if bounded:  # NumPy's clip: NaN kept, -0.0 kept at a bound of 0.0
            if low > v:
                v = low
            if high < v:
                v = high
        elif not (v > low or v != v):  # NumPy's maximum: NaN kept, -0.0 -> 0.0
            v = low
        out[i] = v
        if with_bounds:
            bounds[i] = v - raw
    if with_bounds and n > 0:  # the diagonal: its raw sums again (the same order and bits)
        for r in range(x.shape[0] // (n * n)):
            for j in range(n):
                i = r * n * n + j * (n + 1)
                s = deltas[0][i]
                for m in range(1, k):
                    s = s + deltas[m][i]
                raw = x[i] + s
                out[i] = diagonal
                bounds[i] = diagonal - raw


def _composes() -> bool:
    """Whether a step's sums and bounds are composed in one compiled pass
    (:func:`_compose`, the same bits): with the kernels on (the tests switch it off to
    compare with the plain passes)."""
    return kernels.enabled()


def _compose(state: State, parts: Mapping[str, list[FloatArray]], with_bounds: bool = False
             ) -> tuple[State, dict[str, FloatArray]]:
    """The step's new state from its start ``state`` and each field's deltas in
    mechanism order: ``_project(_add_owned(state, sums))`` through
    :func:`_compose_kernel` where the deltas are C-ordered arrays of the field's
    shape and dtype, NumPy (the same order) elsewhere. Fields without deltas are
    projected as :func:`_project` does. Every array returned is new. With
    ``with_bounds``, also each field's bounds part ``new - raw`` (attribution's
    ``bounds``), else an empty dict."""
    out = []
    parts_of_bounds: dict[str, FloatArray] = {}
    for f, low, high in _BOUNDS:
        x = getattr(state, f)
        ds = parts.get(f)
        if ds and type(x) is np.ndarray and x.flags.c_contiguous and all(
                type(d) is np.ndarray and d.shape == x.shape and d.dtype == x.dtype
                and d.flags.c_contiguous for d in ds):
            y = np.empty_like(x)
            b = np.empty_like(x) if with_bounds else y[:0]
            kind = x.dtype.type  # the bounds in the field's dtype, as NumPy's clip takes them
            dyadic = f in _DIAGONAL and x.ndim == 3 and x.shape[1] == x.shape[2]
            _compose_kernel(x.reshape(-1), tuple(d.reshape(-1) for d in ds), kind(low),
                            kind(0.0 if high is None else high), high is not None,
                            y.reshape(-1), with_bounds, b.reshape(-1),
                            x.shape[1] if dyadic else 0, kind(_DIAGONAL.get(f, 0.0)))
        else:  # NumPy, the same order: the sum, the bound, the diagonal, the bounds' part
            raw = x
            if ds:
                t = ds[0]
                for d in ds[1:]:
                    t = t + d
                raw = x + t
            y = np.maximum(raw, low) if high is None else np.clip(raw, low, high)
            b = None
        if f in _DIAGONAL:
            _set_diagonal(y, _DIAGONAL[f])  # (the kernel set it already with the bounds)
        if b is None:
            b = y - raw if with_bounds else y[:0]
        out.append(y)
        if with_bounds:
            parts_of_bounds[f] = b
    return State(*out), parts_of_bounds


def _add(state: State, deltas: Mapping[str, FloatArray]) -> State:
    if not deltas:
        return state
    return State(*(getattr(state, f) + deltas[f] if f in deltas else getattr(state, f)
                   for f in FIELDS))


def _derive(mechs: Iterable[Mechanism], state: State, ctx: Context, draws: Draws) -> dict[str, FloatArray]:
    derived: dict[str, FloatArray] = {}
    for m in mechs:
        if m.provides:
            derived.update(m.step(state, derived, ctx, draws).derived)
    return derived


def _providers(mechs: list[Mechanism], keys: Iterable[str]) -> list[Mechanism]:
    """The mechanisms (in order) that provide ``keys`` or what they read, by declaration.

    Evaluating only these gives the same ``keys`` as evaluating every
    mechanism: a mechanism sees the quantities derived before it, and the
    skipped ones provide nothing a kept one reads.
    """
    wanted = set(keys)
    kept: list[Mechanism] = []
    for m in reversed(mechs):
        if wanted.intersection(m.provides):
            kept.append(m)
            wanted.update(m.reads)
    return kept[::-1]


_ABSENT = object()


class _ReadState:
    """A state's stand-in that records the fields read from it (any other use: all)."""

    def __init__(self, state: State) -> None:
        self._state = state
        self.read: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        if name in FIELDS:
            self.read.add(name)
        elif name == "runs":
            self.read.add("milex")
        else:
            self.read.update(FIELDS)
        return getattr(self._state, name)

    def __iter__(self) -> Any:
        self.read.update(FIELDS)
        return iter(self._state)

    def __getitem__(self, i: Any) -> Any:
        self.read.update(FIELDS)
        return self._state[i]

    def __len__(self) -> int:
        return len(self._state)


class _ReadDerived(Mapping[str, FloatArray]):
    """Derived quantities that record which keys are looked up (iteration: all)."""

    def __init__(self, derived: dict[str, FloatArray]) -> None:
        self._d = derived
        self.read: dict[str, Any] = {}
        self.everything = False

    def __getitem__(self, key: str) -> FloatArray:
        self.read[key] = self._d.get(key, _ABSENT)
        return self._d[key]

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.read[key] = self._d.get(key, _ABSENT)
        else:
            self.everything = True
        return key in self._d

    def get(self, key: str, default: Any = None) -> Any:
        self.read[key] = self._d.get(key, _ABSENT)
        return self._d.get(key, default)

    def __iter__(self) -> Any:
        self.everything = True
        return iter(self._d)

    def __len__(self) -> int:
        self.everything = True
        return len(self._d)


#: Per mechanism: the state fields, context fields (None: not traced) and derived
#: quantities it read, and the quantities it gave.
_Traced = list[tuple[Mechanism, frozenset[str], frozenset[str] | None, dict[str, Any],
                     dict[str, FloatArray]]]
_CONTEXT_FIELDS = frozenset(f.name for f in fields(Context))


def _reading_context(ctx: Context) -> tuple[Context, set[str]]:
    """A copy of ``ctx`` that records the fields read from it (by its methods too)."""
    read: set[str] = set()

    class _Reading(type(ctx)):  # type: ignore[misc]
        def __getattribute__(self, name: str) -> Any:
            if name in _CONTEXT_FIELDS:
                read.add(name)
            return object.__getattribute__(self, name)

    copy = object.__new__(_Reading)
    copy.__dict__.update(ctx.__dict__)
    copy.__dict__.pop("_memo_suffix", None)  # formatted again, reading what it names
    return copy, read


def _trace(mechs: list[Mechanism], state: State, ctx: Context, draws: Draws) -> _Traced | None:
    """Derive with ``mechs`` at ``state``, recording what each mechanism read and gave.

    None when a mechanism cannot run on the recording stand-ins (e.g. a compiled
    kernel handed the whole state) or iterated the derived quantities: then
    nothing is reused. A context that cannot be traced is taken as read whole.
    """
    for trace_context in (True, False):
        out: _Traced = []
        derived: dict[str, FloatArray] = {}
        try:
            for m in mechs:
                st, dv = _ReadState(state), _ReadDerived(derived)
                c, read = _reading_context(ctx) if trace_context else (ctx, None)
                got = m.step(st, dv, c, draws).derived  # type: ignore[arg-type]
                if dv.everything:
                    return None
                out.append((m, frozenset(st.read), None if read is None else frozenset(read),
                            dict(dv.read), got))
                derived.update(got)
        except Exception:
            continue
        return out
    return None


def _same_context(a: Context, b: Context, names: frozenset[str] | None) -> bool:
    """Whether the fields ``names`` of two contexts are the same objects (or equal numbers)."""
    if a is b:
        return True
    if names is None:
        return False
    for f in names:
        x, y = getattr(a, f), getattr(b, f)
        if x is not y and not (type(x) in (int, float) and type(x) is type(y) and x == y):
            return False
    return True


def _rederive(traced: _Traced, state: State, base: State, ctx: Context, base_ctx: Context,
              draws: Draws) -> dict[str, FloatArray]:
    """``_derive`` at ``state`` and ``ctx`` (same draws as the trace at ``base`` and
    ``base_ctx``): a mechanism whose every input is the same object as in the trace
    (identity, hence the same bits) computes the same, so its traced outputs are reused."""
    derived: dict[str, FloatArray] = {}
    for m, fields_read, context_read, keys_read, got in traced:
        same = (all(getattr(state, f) is getattr(base, f) for f in fields_read)
                and _same_context(ctx, base_ctx, context_read)
                and all(derived.get(k, _ABSENT) is v for k, v in keys_read.items()))
        if same:
            derived.update(got)
            continue
        for k, v in m.step(state, derived, ctx, draws).derived.items():
            # An output with the traced bits stands for the traced array itself, so
            # that the mechanisms reading it can still be reused.
            old = got.get(k)
            same_bits = (isinstance(v, np.ndarray) and isinstance(old, np.ndarray)
                         and _same_array_bits(old, v))
            derived[k] = old if same_bits and old is not None else v
    return derived


def _add_changed(state: State, deltas: Mapping[str, FloatArray]) -> State:
    """``_add``, keeping the very array of a field whose sum has the same bits (a zero
    delta), so that identity tells the changed fields."""
    out = []
    for f in FIELDS:
        x = getattr(state, f)
        if f in deltas:
            y = x + deltas[f]
            if not np.any(deltas[f]) and _same_array_bits(x, y):
                y = x
            x = y
        out.append(x)
    return State(*out)


def _same_array_bits(x: FloatArray, y: FloatArray) -> bool:
    return bool(x.shape == y.shape and x.dtype == y.dtype
                and np.ascontiguousarray(x).tobytes() == np.ascontiguousarray(y).tobytes())


def _same_bits(a: State, b: State, fields: Iterable[str]) -> bool:
    """Whether the arrays of ``fields`` of two states hold the same bits."""
    return all(getattr(a, f) is getattr(b, f) or _same_array_bits(getattr(a, f), getattr(b, f))
               for f in fields)


def cast_world(world: WorldArrays, dtype: np.dtype[Any]) -> WorldArrays:
    """``world`` with every floating-point array in ``dtype`` (itself if already so)."""
    if world.milex.dtype == dtype:
        return world
    changes = {f.name: getattr(world, f.name).astype(dtype) for f in fields(world)
               if isinstance(getattr(world, f.name), np.ndarray)
               and getattr(world, f.name).dtype.kind == "f"}
    return replace(world, **changes)


class _Results:
    """The ensemble's recorded arrays, ``(runs, records, ...)`` float64, each made at
    its variable's first record and written in place by every chunk at its own rows.

    No list of records to stack and no chunks to concatenate: a recorded state field
    is copied once, from the state into its row (the dyadic fields of 1,000 runs are
    about 330 MB a copy). Chunks in threads write disjoint rows; :meth:`arrays` checks
    that every row of every record was written.
    """

    def __init__(self, runs: int, records: int) -> None:
        self.runs, self.records = runs, records
        self._arrays: dict[str, FloatArray] = {}
        self._written: dict[str, int] = {}
        self._lock = threading.Lock()

    def put(self, key: str, record: int, rows: slice, value: Any) -> None:
        """Write ``value`` (the chunk's runs first) as record ``record`` of ``key``."""
        arr = self._arrays.get(key)
        if arr is None:
            with self._lock:
                arr = self._arrays.get(key)
                if arr is None:
                    arr = np.empty((self.runs, self.records, *np.shape(value)[1:]))
                    self._arrays[key] = arr
                    self._written[key] = 0
        arr[rows, record] = value
        with self._lock:
            self._written[key] += rows.stop - rows.start

    def arrays(self) -> dict[str, FloatArray]:
        """The arrays, in the order of their first records, once every row is written."""
        full = self.runs * self.records
        missing = [k for k, n in self._written.items() if n != full]
        if missing:
            raise RuntimeError(f"engine: records missing for {missing} "
                               f"({[self._written[k] for k in missing]} of {full} rows)")
        return dict(self._arrays)


class _Chunk:
    """One chunk of runs: state, context, recorders (:meth:`run` writes its records
    into the ensemble's :class:`_Results`, at its own rows)."""

    def __init__(self, world: WorldArrays, fps: FlashpointArrays, plan: Plan, cfg: RunConfig,
                 params: dict[str, FloatArray], runs: IntArray, mechs: list[Mechanism],
                 variants: Mapping[str, str], index: MetricIndex,
                 levers: Mapping[str, FloatArray] | None = None,
                 theories: Mapping[str, np.ndarray] | None = None) -> None:
        dtype = np.dtype(cfg.precision)
        world = cast_world(world, dtype)
        self.world, self.fps, self.plan, self.cfg = world, fps, plan, cfg
        self.runs, self.mechs, self.index = runs, mechs, index
        self.enabled = {m.name for m in mechs if m.name not in plan.disabled}
        # A disabled mechanism still runs if it provides derived quantities (others may
        # read them); one that provides nothing would only have its deltas discarded.
        self.stepped = [m for m in mechs if m.name in self.enabled or m.provides]
        r = len(runs)
        # Fresh C-ordered arrays: cast, not copied again, in float64 (likewise below).
        self.initial = State(*(a.astype(dtype, copy=False) for a in initial_state(world, fps, r)))
        params = {k: np.asarray(v, dtype=dtype) for k, v in params.items()}
        self.ctx = base_context(world, r, params=params, variants=variants, dt=cfg.dt, fps=fps,
                                initial=self.initial)
        self.ctx = replace(self.ctx, theories=dict(theories or {}),
                           **{f: getattr(self.ctx, f).astype(dtype, copy=False)
                              for f in ScenarioInputs._fields})
        self.applier = PlanApplier(plan, world, fps, runs, cfg.runs, cfg.seed, given=levers,
                                   dtype=dtype)
        d = draw_events(cfg.seed, runs, cfg.steps, fps.f, world.n)
        self.draws = type(d)(d.onset.astype(dtype, copy=False),
                             d.escalation.astype(dtype, copy=False),
                             d.spending.astype(dtype, copy=False))
        self.null = _null_draws(r, fps.f, world.n, dtype)
        # Mechanisms evaluated for the metrics (those providing what they read) and for
        # the attributed metrics only (e.g. threat feeds no attributed metric).
        self.metric_mechs = _providers(mechs, DERIVED_INPUTS)
        self.attr_mechs = _providers(mechs, ATTRIBUTED_DERIVED)
        self._last_ctx: tuple[int, Context] | None = None

    def context(self, step: int) -> Context:
        """The context of ``step`` (the last one is reused: a record computes it ahead)."""
        if self._last_ctx is not None and self._last_ctx[0] == step:
            return self._last_ctx[1]
        ctx = self._context(step)
        self._last_ctx = (step, ctx)
        return ctx

    def _context(self, step: int) -> Context:
        t = step * self.cfg.dt
        inp = self.applier.inputs(t, self.world.defense, self.world.trade_share,
                                  self.world.milex_share)
        return replace(self.ctx, step=step, **inp._asdict())

    def metrics(self, state: State, ctx: Context) -> dict[str, FloatArray]:
        return compute_metrics(state, _derive(self.metric_mechs, state, ctx, self.null), self.index)

    def run(self, progress: Progress | None, rec: _Results, attr: _Results, rows: slice) -> None:
        """Step the chunk through time, writing its records into ``rec`` and its
        attribution (a year per record after the first) into ``attr``, at ``rows``."""
        cfg = self.cfg
        state = self.initial.copy()
        rec_every = cfg.steps_per_record
        names = _part_names(self.mechs)[:-2]
        n_rec = 0  # records written so far (attributed years: one fewer)
        survival = np.ones((len(self.runs), self.fps.f))

        def record(st: State, met: dict[str, FloatArray], risk: FloatArray) -> None:
            for f in FIELDS:
                if f in DYADIC and not cfg.keep_dyadic:
                    continue
                rec.put(f, n_rec, rows, getattr(st, f))
            for k, v in met.items():
                if k not in FIELDS:
                    rec.put(k, n_rec, rows, v)
            rec.put("war_risk", n_rec, rows, risk)
            rec.put("milex_growth", n_rec, rows, milex_growth(st, self.initial.milex[0]))

        compose = _composes()
        year_start, year_ctx = state, self.context(0)
        year_met: dict[str, FloatArray] | None = None
        acc: dict[str, dict[str, FloatArray]] = {}
        # A recorded point (state, its context, war risk) whose metrics wait for the
        # next step: that step derives the same quantities from the same state.
        pending: tuple[State, Context, FloatArray] | None = (
            state, year_ctx, np.asarray(state.war, dtype=np.float64).copy())

        def finish(st: State, ctx_rec: Context, met: dict[str, FloatArray],
                   risk: FloatArray) -> None:
            nonlocal year_start, year_ctx, year_met, acc, n_rec
            record(st, met, risk)
            if cfg.attribution and year_met is not None:  # not at t = 0
                for k, part in self._attribute(names, year_start, year_ctx, year_met, ctx_rec,
                                               met, acc).items():
                    attr.put(k, n_rec - 1, rows, part)
            year_start, year_ctx, year_met, acc = st, ctx_rec, met, {}
            n_rec += 1

        for step in range(cfg.steps):
            ctx = self.context(step)
            t = step * cfg.dt
            shock = self.applier.shocks(t, t + cfg.dt, state)
            stepped = _add(state, shock)
            draws = self.draws.at(step)
            derived: dict[str, FloatArray] = {}
            contributions: dict[str, Mapping[str, FloatArray]] = {"shocks": shock}
            total: dict[str, FloatArray] = {}
            owned: set[str] = set()  # the sums in total made here (added into in place)
            parts: dict[str, list[FloatArray]] = {}  # or, composed in one pass, the deltas
            for m in self.stepped:
                eff = m.step(stepped, derived, ctx, draws)
                derived.update(eff.derived)
                if m.name not in self.enabled:
                    continue
                contributions[m.name] = eff.deltas
                for f, d in eff.deltas.items():
                    if compose:
                        parts.setdefault(f, []).append(d)
                    else:
                        _accumulate(total, owned, f, d)
            if pending is not None:
                # The step's derived quantities are the record's when the step starts
                # from the recorded state itself (no shock changed a bit) in the same
                # context; they are drawn from no random number (the draws only
                # decide events, i.e. deltas).
                p_state, p_ctx, p_risk = pending
                if ctx is p_ctx and p_state is state and _same_bits(stepped, state, shock):
                    p_met = compute_metrics(p_state, derived, self.index)
                else:
                    p_met = self.metrics(p_state, p_ctx)
                finish(p_state, p_ctx, p_met, p_risk)
                pending = None
            if compose:
                new, bounds = _compose(stepped, parts, with_bounds=cfg.attribution)
                if cfg.attribution:
                    contributions["bounds"] = bounds
            else:
                raw = _add_owned(stepped, total, owned)
                # Without attribution nothing reads raw again: its fresh sums are projected
                # in place.
                new = _project(raw, () if cfg.attribution else total)
                if cfg.attribution:
                    contributions["bounds"] = {f: getattr(new, f) - getattr(raw, f)
                                               for f in FIELDS}
            if "war_hazard" in derived:
                p_step = 1.0 - np.power(1.0 - np.clip(derived["war_hazard"], 0.0, 1.0), cfg.dt)
                survival = survival * (1.0 - p_step)
            if cfg.attribution:
                for name, deltas in contributions.items():
                    slot = acc.setdefault(name, {})
                    for f, d in deltas.items():
                        if f not in slot:
                            slot[f] = np.array(d, copy=True)
                        elif slot[f].shape == np.shape(d) and np.result_type(slot[f], d) == slot[f].dtype:
                            np.add(slot[f], d, out=slot[f])  # the slot's own array: same bits
                        else:
                            slot[f] = slot[f] + d
            state = new
            if (step + 1) % rec_every == 0:
                ctx_next = self.context(min(step + 1, cfg.steps - 1))
                risk = 1.0 - (1.0 - state.war) * survival
                pending = (state, ctx_next, risk)
            if progress is not None:
                progress(len(self.runs), step)
        if pending is not None:
            finish(pending[0], pending[1], self.metrics(pending[0], pending[1]), pending[2])
        if n_rec != rec.records:
            raise RuntimeError(f"engine: {n_rec} records made, {rec.records} expected")

    def _attribute(self, names: list[str], s0: State, ctx0: Context, met0: dict[str, FloatArray],
                   ctx1: Context, met1: dict[str, FloatArray],
                   acc: dict[str, dict[str, FloatArray]]) -> dict[str, FloatArray]:
        """Split each metric's change over the last year by mechanism: per attributed
        metric, its parts (runs, ..., part) in the order of ``names``, levers, interaction.

        Contribution of mechanism m: g(s0 + D_m; ctx0) - g(s0; ctx0), with D_m
        its accumulated deltas; ``levers``: g(s0; ctx1) - g(s0; ctx0), the direct
        effect of scenario inputs that changed; ``interaction``: the remainder,
        so the parts sum exactly to g(s1; ctx1) - g(s0; ctx0).
        """
        # Only what can differ from met0 is evaluated: the metrics of derived quantities
        # (by the mechanisms that provide them) and the state metrics whose fields the
        # part changes. A metric left out equals met0 bit for bit, so its part is 0.
        # A mechanism whose inputs (the state fields and derived quantities it read at
        # s0, traced) are the very arrays of s0 gives its outputs at s0 again.
        traced = _trace(self.attr_mechs, s0, ctx0, self.null)
        parts: dict[str, dict[str, FloatArray]] = {}
        for name in names:
            deltas = acc.get(name)
            if not deltas or all(not np.any(d) for d in deltas.values()):
                continue
            s = _add_changed(s0, deltas)
            changed = [f for f in FIELDS if getattr(s, f) is not getattr(s0, f)]
            groups = [g for g, inputs in STATE_INPUTS.items() if not inputs.isdisjoint(changed)]
            derived = (_derive(self.attr_mechs, s, ctx0, self.null) if traced is None
                       else _rederive(traced, s, s0, ctx0, ctx0, self.null))
            parts[name] = compute_metrics(s, derived, self.index, groups=groups)
        if ctx1 is not ctx0:  # the same state: only the derived metrics can differ
            derived = (_derive(self.attr_mechs, s0, ctx1, self.null) if traced is None
                       else _rederive(traced, s0, s0, ctx1, ctx0, self.null))
            parts["levers"] = compute_metrics(s0, derived, self.index, groups=())
        else:
            parts["levers"] = met0
        all_names = [*names, "levers", "interaction"]
        out: dict[str, FloatArray] = {}
        for k in ATTRIBUTED:
            if k not in met0:
                continue
            base = met0[k]
            total = met1[k] - base
            contrib = [_nan_to_num(parts[nm][k] - base) if k in parts.get(nm, ())
                       else np.zeros_like(base) for nm in all_names[:-1]]
            # Summed part by part in a fixed order: np.sum over a stacked axis takes
            # pairwise summation when a chunk holds one run (chunk invariance).
            summed = np.zeros_like(base)
            for c in contrib:
                if c.shape == summed.shape and c.dtype == summed.dtype:
                    np.add(summed, c, out=summed)  # the sum's own array: same bits
                else:
                    summed = summed + c
            residual = _nan_to_num(total) - summed
            out[k] = np.stack([*contrib, residual], axis=-1)
        return out


def _part_names(mechs: Iterable[Mechanism]) -> list[str]:
    """The parts of an attribution, in order: every mechanism, the shocks, the bounds,
    the levers and the interaction."""
    return [*(m.name for m in mechs), "shocks", "bounds", "levers", "interaction"]


def _nan_to_num(x: FloatArray) -> FloatArray:
    """``np.nan_to_num`` of a fresh array, itself when every value is finite (one
    reduction instead of the wrapper's five passes: attribution calls it per part)."""
    x = np.asarray(x)
    if x.dtype.kind == "f" and math.isfinite(float(np.add.reduce(x, axis=None))):
        return x  # a sum is finite only if every term is (an overflow just takes the wrapper)
    return np.asarray(np.nan_to_num(x))


def _mechanisms(plan: Plan) -> list[Mechanism]:
    for name in plan.disabled:
        if name not in REGISTRY:
            from flashpoint.mechanisms import get

            get(name)  # raises with suggestions
    for name, variant in plan.variants.items():
        mech = REGISTRY.get(name)
        if mech is None:
            from flashpoint.mechanisms import get

            get(name)
        elif variant not in mech.variants:
            raise ParameterError(
                f"mechanism {name!r} has variants {list(mech.variants)}. Got {variant!r} instead."
            )
    return list(REGISTRY.values())


def theory_weights(plan: Plan) -> dict[str, dict[str, float]]:
    """The weights ``{mechanism: {variant: w}}`` the plan's runs draw their theories from."""
    return effective_weights(plan.variants, plan.theory_weights, where=f"scenario {plan.name!r}")


def design_parameters(plan: Plan, cfg: RunConfig) -> tuple[tuple[Parameter, ...], dict[str, FloatArray]]:
    """Every run's parameter values for the whole ensemble (chunk-independent)."""
    params = all_parameters()
    declared = {p.name: p for p in params}
    ranges: dict[str, tuple[float, float]] = {}
    for ov in plan.overrides:
        if ov.name not in declared:
            hint = did_you_mean(ov.name, declared)
            raise ParameterError(f"override: unknown parameter {ov.name!r}.{hint}")
        p = declared[ov.name]
        p.check(ov.value.low, where="override")
        p.check(ov.value.high, where="override")
        ranges[ov.name] = (ov.value.low, ov.value.high)
    unit = parameter_design(len(params), cfg.runs, cfg.seed)
    return params, sample_parameters(params, unit, ranges, fixed=cfg.fixed_params)


def auto_chunk(n_actors: int, runs: int, itemsize: int = 8, threads: int | None = None) -> int:
    """Runs per chunk: each (R, N, N) array near 1.6 MB, at least 16 runs: measured
    on the default world (2026-12, 2 cores), 150-200 runs a chunk are 8 % faster
    than 100 on two threads (fewer handovers of the interpreter lock per run) and
    the same on one;
    and, when there are enough runs, a number of chunks that is a multiple of
    ``threads`` (default: the cores), so no core idles while another finishes
    (64 runs on two cores: two chunks of 32, not one of 64). Results do not
    depend on the chunking."""
    per_run = itemsize * n_actors * n_actors
    cache = max(16, int(1.6e6 // per_run))
    pieces = max(1, math.ceil(runs / cache))
    workers = threads or os.cpu_count() or 1
    if workers > 1 and runs >= 2 * 16:
        pieces = math.ceil(pieces / workers) * workers
    return max(1, min(runs, math.ceil(runs / pieces)))


_CONTROLLER: list[ThreadpoolController] = []


def blas_single_thread() -> AbstractContextManager[Any]:
    """Context manager limiting every BLAS library to one thread (threadpoolctl).

    The limit is process-wide (BLAS libraries keep one thread count), so it is
    set once around the engine's thread pool, not per chunk. The libraries are
    looked up once per process (2-3 ms a lookup, more than a small ensemble's
    glue): numpy's and scipy's BLAS are loaded by then (the engine imports both).
    """
    if not _CONTROLLER:
        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0].limit(limits=1, user_api="blas")


def run_ensemble(world: WorldArrays, plan: Plan, cfg: RunConfig,
                 progress: Progress | None = None,
                 parameters: Mapping[str, FloatArray] | None = None,
                 levers: Mapping[str, FloatArray] | None = None,
                 run_range: tuple[int, int] | None = None) -> xr.Dataset:
    """Run the ensemble and return the labelled result (see docs/architecture.md).

    ``parameters`` gives explicit per-run values (arrays of length ``cfg.runs``)
    for some or all parameters, e.g. a calibrated posterior sample; they replace
    the design's values for those parameters and must lie in their declared
    ranges. ``levers`` does the same for lever effects, keyed by the labels of
    :func:`flashpoint.engine.apply.lever_ranges` (e.g. a sensitivity design).
    ``run_range = (a, b)`` computes only the runs ``a <= r < b`` of the
    ``cfg.runs``-run ensemble (a piece of a distributed sweep); they are
    bit-identical to the same runs of the whole ensemble.
    """
    fps = flashpoint_arrays(world)
    mechs = _mechanisms(plan)
    variants = dict(plan.variants)
    params, values = design_parameters(plan, cfg)
    values.update(_explicit_values(params, parameters or {}, cfg.runs))
    if levers:
        _check_levers(plan, cfg, levers)
    weights = theory_weights(plan)
    drawn = {m: assign(values[f"theory.{m}"], w) for m, w in weights.items()}
    index = MetricIndex.build(world)
    first, stop = (0, cfg.runs) if run_range is None else run_range
    if not (0 <= first < stop <= cfg.runs):
        raise ParameterError(f"run_range: expected 0 <= a < b <= {cfg.runs}. "
                             f"Got {run_range} instead.")
    chunk = cfg.chunk_size or auto_chunk(world.n, stop - first, np.dtype(cfg.precision).itemsize,
                                         cfg.threads)
    starts = list(range(first, stop, chunk))
    records = 1 + cfg.steps // cfg.steps_per_record
    results, attributions = _Results(stop - first, records), _Results(stop - first, records - 1)

    def one(start: int) -> dict[str, FloatArray]:
        runs = np.arange(start, min(stop, start + chunk), dtype=np.int64)
        chunk_params = {k: v[runs] for k, v in values.items()}
        job = _Chunk(world, fps, plan, cfg, chunk_params, runs, mechs, variants, index, levers,
                     {m: v[runs] for m, v in drawn.items()})
        job.run(progress, results, attributions, slice(start - first, start - first + len(runs)))
        return job.applier.magnitudes

    threads = min(len(starts), cfg.threads or os.cpu_count() or 1)
    # BLAS pinned to one thread while the chunks run: the engine's own threads do the
    # parallel work (no oversubscription), and a matrix product gives the same bits
    # whatever the machine's core count (OpenBLAS splits sums by thread).
    with blas_single_thread():
        if threads > 1:
            with ThreadPoolExecutor(max_workers=threads) as pool:
                done = list(pool.map(one, starts))
        else:
            done = [one(start) for start in starts]
    lever_coords: dict[str, FloatArray] = {}
    for mags in done:
        lever_coords.update(mags)
    merged: dict[str, Any] = results.arrays()
    if cfg.attribution:
        merged["__attr__"] = attributions.arrays()
        merged["__attr_names__"] = _part_names(mechs)
    if run_range is not None:
        keep = np.arange(first, stop)
        values = {k: v[keep] for k, v in values.items()}
        lever_coords = {k: v[keep] for k, v in lever_coords.items()}
        drawn = {k: v[keep] for k, v in drawn.items()}
    theory_coords = {f"theory__{m}": ("run", np.asarray(v, dtype=str),
                                      {"meaning": f"theory (variant) of {m} drawn for the run"})
                     for m, v in drawn.items()}
    ds = _dataset(world, fps, plan, cfg, params, values, lever_coords, merged, mechs,
                  theory_coords)
    ds.attrs["theory_weights"] = weights_json(weights)
    if run_range is not None:
        ds = ds.assign_coords(run=np.arange(first, stop))
        ds.attrs["run_range"] = f"{first}:{stop}"
    return ds


def _explicit_values(params: tuple[Parameter, ...], given: Mapping[str, FloatArray],
                     runs: int) -> dict[str, FloatArray]:
    """Validate explicit per-run parameter values (one per run, within the declared range)."""
    declared = {p.name: p for p in params}
    out: dict[str, FloatArray] = {}
    for name, values in given.items():
        if name not in declared:
            raise ParameterError(f"parameters: unknown parameter {name!r}."
                                 f"{did_you_mean(name, declared)}")
        arr = np.asarray(values, dtype=np.float64)
        if arr.shape != (runs,):
            raise ParameterError(f"parameters[{name!r}]: expected {runs} values, one per run. "
                                 f"Got shape {arr.shape} instead.")
        p = declared[name]
        if arr.min() < p.low or arr.max() > p.high:
            raise ParameterError(f"parameters[{name!r}]: values must lie in [{p.low}, {p.high}]. "
                                 f"Got [{arr.min():g}, {arr.max():g}] instead.")
        out[name] = arr
    return out


def _check_levers(plan: Plan, cfg: RunConfig, levers: Mapping[str, FloatArray]) -> None:
    from flashpoint.engine.apply import lever_ranges

    known = lever_ranges(plan)
    for label, given in levers.items():
        if label not in known:
            raise ParameterError(f"levers: plan {plan.name!r} has no lever {label!r}. "
                                 f"Expected one of {sorted(known)}.")
        arr = np.asarray(given, dtype=np.float64)
        if arr.shape != (cfg.runs,):
            raise ParameterError(f"levers[{label!r}]: expected {cfg.runs} values, one per run. "
                                 f"Got shape {arr.shape} instead.")
        rng = known[label]
        if arr.min() < rng.low - 1e-12 or arr.max() > rng.high + 1e-12:
            raise ParameterError(f"levers[{label!r}]: values must lie in [{rng.low}, {rng.high}]. "
                                 f"Got [{arr.min():g}, {arr.max():g}] instead.")


_DIMS = {
    "milex": ("actor",), "gdp": ("actor",), "gdp_loss": ("actor",), "milex_growth": ("actor",),
    "hedger_tilt": ("actor",), "alignment": ("actor", "counterpart"),
    "tension": ("actor", "counterpart"), "intent": ("actor", "counterpart"),
    "us_asia_share": (), "crisis": ("flashpoint",), "blockade": ("flashpoint",),
    "war": ("flashpoint",), "credibility": ("flashpoint",), "crisis_hazard": ("flashpoint",),
    "war_hazard": ("flashpoint",), "war_risk": ("flashpoint",), "arms_race_index": ("region",),
    "warheads": ("actor",),
}


#: Units of every result variable (``units`` attribute; attribution__<m> has its metric's).
_UNITS = {
    "milex": "US$ bn/yr, constant 2022 prices", "gdp": "US$ bn/yr, constant 2022 prices",
    "gdp_loss": "fraction of GDP, cumulative", "milex_growth": "fraction (spending / t=0 - 1)",
    "alignment": "index in [-1, 1]", "intent": "probability in [0, 1]",
    "tension": "index in [0, 1]", "us_asia_share": "share of US forces in [0, 1]",
    "crisis": "intensity in [0, 1]", "blockade": "indicator in [0, 1]",
    "war": "indicator in {0, 1}", "arms_race_index": "fraction (regional spending / t=0 - 1)",
    "cohesion_chn_rus": "alignment in [-1, 1]", "cohesion_chn_prk": "alignment in [-1, 1]",
    "cohesion_rus_prk": "alignment in [-1, 1]", "axis_cohesion": "alignment in [-1, 1]",
    "nato_cohesion": "alignment in [-1, 1]", "hedger_tilt": "alignment difference in [-1, 1]",
    "hedger_alignment": "alignment difference in [-1, 1]", "credibility": "index in [0, 1]",
    "crisis_hazard": "probability per year", "war_hazard": "probability per year",
    "war_risk": "probability, cumulative", "frustration": "share of unbalanced triads in [0, 1]",
    "tension_china_west": "index in [0, 1]", "tension_indo_pacific": "index in [0, 1]",
    "european_security": "ratio (forces in Europe / Russian spending)",
    "gdp_loss_world": "fraction of world GDP", "gdp_loss_expected": "fraction of world GDP",
}


def _dataset(world: WorldArrays, fps: FlashpointArrays, plan: Plan, cfg: RunConfig,
             params: tuple[Parameter, ...], values: dict[str, FloatArray],
             levers: dict[str, FloatArray], data: dict[str, Any],
             mechs: list[Mechanism], extra_coords: Mapping[str, Any] | None = None) -> xr.Dataset:
    """The labelled result. Coordinates and units go into the constructor: setting
    them one by one afterwards re-merges the whole dataset each time (~1 ms each)."""
    from flashpoint.provenance import provenance_attrs

    n_rec = data["milex"].shape[1]
    step_years = cfg.dt * cfg.steps_per_record
    coords: dict[str, Any] = {
        "run": np.arange(data["milex"].shape[0]),
        "time": np.round(np.arange(n_rec) * step_years, 6),
        "actor": list(world.iso3),
        "counterpart": list(world.iso3),
        "flashpoint": list(fps.ids),
        "region": ["euro_atlantic", "indo_pacific"],
    }
    for p in params:
        coords[f"param__{p.name}"] = ("run", values[p.name], {"meaning": p.meaning, "unit": p.unit})
    for k, (label, mags) in enumerate(sorted(levers.items())):
        coords[f"lever__{k}"] = ("run", mags, {"lever": label})
    variables: dict[str, Any] = {}
    for key, arr in data.items():
        if key.startswith("__"):
            continue
        dims = ("run", "time", *_DIMS.get(key, ()))
        variables[key] = _with_units(key, dims, arr)
    if "war_risk" in data:
        cost = _world_war_cost(world, fps)
        if cost is not None:
            variables["gdp_loss_expected"] = _with_units("gdp_loss_expected", ("run", "time"),
                                                         data["war_risk"] @ cost)
    if "__attr__" in data:
        coords["mechanism"] = data["__attr_names__"]
        for k, arr in data["__attr__"].items():
            extra = _DIMS.get(k, ())
            # arr: (run, year, *extra, mechanism); cumulative since t = 0 with a zero first
            # row, summed into the result's own rows (the same sequential sums)
            cum = np.empty((arr.shape[0], arr.shape[1] + 1, *arr.shape[2:]), dtype=arr.dtype)
            cum[:, 0] = 0.0
            np.cumsum(arr, axis=1, out=cum[:, 1:])
            variables[f"attribution__{k}"] = _with_units(
                f"attribution__{k}", ("run", "time", *extra, "mechanism"), cum)
    coords.update(extra_coords or {})
    ds = xr.Dataset(variables, coords=coords)
    ds.attrs.update(
        seed=cfg.seed,
        world_digest=world.digest(),
        world_year=world.year,
        scenario=plan.name,
        design="latin_hypercube" if not cfg.fixed_params else "defaults",
        dt=cfg.dt,
        runs=cfg.runs,
        years=cfg.years,
        mechanisms=",".join(m.name for m in mechs if m.name not in plan.disabled),
        variants=json.dumps(dict(plan.variants), sort_keys=True),
        parameters=",".join(p.name for p in params),
    )
    ds.attrs.update(provenance_attrs())  # code_version with the git commit, library versions
    return ds


def _with_units(name: str, dims: tuple[str, ...], arr: Any) -> tuple[Any, ...]:
    """A data variable's ``(dims, values[, attrs])``, with its ``units`` if it has one."""
    unit = _UNITS.get(name.removeprefix("attribution__"))
    return (dims, arr) if unit is None else (dims, arr, {"units": unit})


def _world_war_cost(world: WorldArrays, fps: FlashpointArrays) -> FloatArray | None:
    """World GDP loss fraction of a war at each flashpoint, if the mechanism provides it."""
    try:
        from flashpoint.mechanisms.interdependence import war_cost_table
    except ImportError:
        return None
    table = war_cost_table(world, fps)
    war = np.asarray(table[0] if isinstance(table, tuple) else table)
    weights = world.gdp / world.gdp.sum()
    return np.asarray(war @ weights)


def steps_for(years: float, dt: float) -> int:
    """Number of steps of length ``dt`` that cover a horizon of ``years``."""
    return math.ceil(years / dt - 1e-9)
