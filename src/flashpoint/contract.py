"""The contract between the engine and the mechanisms: state, context, draws, effects.

This module sits below both: it imports neither :mod:`flashpoint.engine` nor
:mod:`flashpoint.mechanisms` (``tests/unit/test_contract_layer.py`` checks it),
so the mechanisms depend on the contract, not on the engine that drives them.
The old locations :mod:`flashpoint.engine.state` and
:mod:`flashpoint.mechanisms._protocol` re-export these names.

State
-----
Every field is a stock that mechanisms change by additive deltas, so the
change of each field over a step splits exactly by mechanism (attribution).

=============== ============== ===================================================
field           shape          meaning (unit, bounds)
=============== ============== ===================================================
milex           (R, N)         military spending, US$ bn/yr constant 2022, > 0
gdp             (R, N)         GDP, US$ bn/yr, > 0
alignment       (R, N, N)      political alignment, [-1, 1], symmetric, diag 1
intent          (R, N, N)      i's belief that j is hostile (Kydd 2005), [0, 1]
tension         (R, N, N)      dyadic tension, [0, 1], symmetric, diag 0
us_asia_share   (R,)           share of US forces allocated to the Indo-Pacific, [0, 1]
crisis          (R, F)         crisis intensity at each flashpoint, [0, 1] (1 while at war)
blockade        (R, F)         tightness of a blockade in force (1 = complete), else 0
war             (R, F)         1 while a war is being fought (from a world's ``at_war``, an
                               escalation or a shock, until it ends), else 0
gdp_loss        (R, N)         cumulative GDP lost to war and blockade, fraction, [0, 1)
warheads        (R, N)         nuclear warhead stockpile, number, >= 0 (FAS at t = 0)
=============== ============== ===================================================

Mechanisms
----------
What a mechanism is: a declared, pure, vectorised step function.

A mechanism reads the start-of-step :class:`State`,
the quantities derived earlier in the same step (``derived``), and the
:class:`Context` (world arrays, per-run parameters, scenario inputs), and
returns an :class:`Effect`: additive ``deltas`` to state fields and newly
``derived`` quantities. It never mutates its inputs and never loops in
Python over runs, actors or dyads.

Determinism across chunkings: a run's numbers must not depend on how many
runs share its array. BLAS matrix-vector and matrix-matrix products over the
run axis (``(R, N) @ (N,)``, ``(R, N) @ (N, K)``) do depend on it, so reduce
with ``np.einsum`` (its own loops) or ``(x * w).sum(-1)`` instead; batched
``(R, N, N) @ (R, N, N)`` products are computed matrix by matrix and are safe.
Keep arrays C-ordered (the run axis outermost): in a run-innermost layout
(e.g. ``np.broadcast_to(x, (R, N)).astype(...)`` without ``order="C"``) a
reduction over actors sums in another order for a chunk of one run than for
more. ``tests/reliability/test_chunking.py`` checks every mechanism on the
default world, in float64 and float32, for random chunk sizes including 1.

Per-run parameter values arrive as ``ctx.params[name]`` with shape ``(R,)``;
use :func:`col` to broadcast them against ``(R, N)`` or ``(R, N, N)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

import numpy as np

from flashpoint._types import FloatArray
from flashpoint.params import Parameter
from flashpoint.world.arrays import WorldArrays
from flashpoint.world.flashpoints import FlashpointArrays

__all__ = ["DYADIC", "FIELDS", "Context", "Draws", "Effect", "Mechanism", "State", "StepFn",
           "col", "symmetric"]


#: No entry yet in a :meth:`Context.cached_for` slot.
_NOTHING = object()


class State(NamedTuple):
    """Ensemble state at one time step (see module docstring for shapes and units)."""

    milex: FloatArray
    gdp: FloatArray
    alignment: FloatArray
    intent: FloatArray
    tension: FloatArray
    us_asia_share: FloatArray
    crisis: FloatArray
    blockade: FloatArray
    war: FloatArray
    gdp_loss: FloatArray
    warheads: FloatArray

    @property
    def runs(self) -> int:
        """Number of runs R."""
        return int(self.milex.shape[0])

    def copy(self) -> State:
        """Deep copy of every array."""
        return State(*(np.array(a, copy=True) for a in self))


FIELDS: tuple[str, ...] = State._fields
DYADIC: frozenset[str] = frozenset({"alignment", "intent", "tension"})


class Draws(NamedTuple):
    """Random numbers for one step, drawn from per-run streams keyed by run index.

    onset, escalation : (R, F) uniforms on [0, 1) for crisis onset and escalation.
    spending : (R, N) standard normals for idiosyncratic budget shocks.
    """

    onset: FloatArray
    escalation: FloatArray
    spending: FloatArray


@dataclass(frozen=True, eq=False)
class Context:
    """Everything a mechanism may read besides the state.

    Scenario inputs (all per run, since lever effects are sampled):

    commitment : (R, N, N)
        Strength in [0, 1] of i's commitment to defend j: 1 for a treaty
        defence obligation whose scope covers j, lower for partnerships.
    presence : (R, N, 2)
        Share of i's forces deployed to theatre 0 (Euro-Atlantic) or
        1 (Indo-Pacific) beyond its home region, [0, 1].
    trade_share : (R, N, N)
        Row share of i's trade that is with j (world value times scenario multipliers).
    signal : (R, N, N)
        Reassurance signal sent by i to j this year, as its cost in [0, 1]
        (0 none, small = cheap talk, large = costly signal; Kydd 2005).
    spending_floor : (R, N)
        Floor on military spending as a share of GDP (e.g. Europe shouldering
        conventional defence); 0 where none.
    provocation : (R, F)
        Visibility of symbolic out-of-area presence at each flashpoint, [0, 1].
    us_europe_retrenchment : (R,)
        Share of US forces in Europe withdrawn (US retrenchment shock), [0, 1].
    tie_visibility : (R, N, N)
        How public the institutional tie between i and j that the scenario adds
        is, [0, 1] (a liaison office or a summit partnership is highly visible;
        discreet technical cooperation is not); 0 where none.
    tie_capability : (R, N, N)
        Military capability the tie adds to j's side (interoperability,
        intelligence sharing, integrated planning), [0, 1]; 0 where none.
    memo : dict
        Per-chunk cache for :meth:`cached` (carried over by ``dataclasses.replace``).
    theories : dict
        Per-run theory draws, ``{mechanism: (R,) array of variant names}``,
        for the mechanisms whose variant is sampled (see :mod:`flashpoint.theories`);
        read them with :meth:`variant_mask`.
    """

    world: WorldArrays
    flashpoints: FlashpointArrays
    params: Mapping[str, FloatArray]
    variants: Mapping[str, str]
    dt: float
    step: int
    initial: State
    commitment: FloatArray
    presence: FloatArray
    trade_share: FloatArray
    signal: FloatArray
    spending_floor: FloatArray
    provocation: FloatArray
    us_europe_retrenchment: FloatArray
    tie_visibility: FloatArray
    tie_capability: FloatArray
    memo: dict[str, Any] = field(default_factory=dict)
    theories: Mapping[str, np.ndarray] = field(default_factory=dict)

    def cached(self, key: str, compute: Callable[[], Any]) -> Any:
        """Memoise a quantity that depends only on the world, the initial state and
        the parameters (constant over a chunk's steps), e.g. the status-quo threat.

        Never cache anything that depends on the state or on scenario inputs,
        which change from step to step.
        """
        # Keyed also by the identity of the inputs it may depend on, so a context
        # derived with other parameters, variants or initial state recomputes. The
        # suffix is formatted once per context (its fields are frozen).
        suffix = self.__dict__.get("_memo_suffix")
        if suffix is None:
            suffix = (f"|{id(self.params)}|{id(self.variants)}|{id(self.theories)}|"
                      f"{id(self.initial)}|{id(self.world)}")
            object.__setattr__(self, "_memo_suffix", suffix)
        full = key + suffix
        memo = self.memo
        if full not in memo:
            memo[full] = compute()
        return memo[full]

    def cached_for(self, key: str, obj: Any, compute: Callable[[], Any]) -> Any:
        """Memoise a quantity derived from ``obj`` (e.g. the current trade shares),
        reused while the engine passes the very same object; the entry holds a
        reference to ``obj``, so identity cannot be confused with a new object.
        ``obj`` may be a tuple of objects: each is then compared by identity."""
        slot = self.cached(key + ".slot", dict)
        held = slot.get("obj", _NOTHING)
        if isinstance(obj, tuple):
            same = isinstance(held, tuple) and len(held) == len(obj) and all(
                a is b for a, b in zip(held, obj, strict=True))
        else:
            same = held is obj
        if not same:
            slot["obj"], slot["value"] = obj, compute()
        return slot["value"]

    def _drawn(self, mechanism: str) -> np.ndarray | None:
        from flashpoint.theories import factor_of

        return self.theories.get(factor_of(mechanism))

    def variant(self, mechanism: str, variants: tuple[str, ...]) -> str:
        """The variant of ``mechanism`` shared by every run of this chunk (default: the first).

        Raises :class:`~flashpoint.errors.ParameterError` when the runs of the
        chunk drew different theories: use :meth:`variant_mask` then.
        """
        drawn = self._drawn(mechanism)
        if drawn is not None and drawn.size:
            chosen = str(drawn[0])
            if np.any(drawn != chosen):
                from flashpoint.errors import ParameterError

                raise ParameterError(
                    f"{mechanism}: the runs of this chunk drew different theories "
                    f"{sorted(set(map(str, drawn)))}; read them per run with ctx.variant_mask."
                )
        else:
            chosen = self.variants.get(mechanism, variants[0])
        if chosen not in variants:
            from flashpoint.errors import ParameterError

            raise ParameterError(
                f"{mechanism}: variant expects one of {variants}. Got {chosen!r} instead."
            )
        return chosen

    def variant_mask(self, mechanism: str, variant: str) -> np.ndarray:
        """``(R,)`` bool: the runs of this chunk in which ``mechanism`` follows ``variant``.

        Blend variants with ``np.where(col(mask, ndim), a, b)``; each run's value
        is that of its own theory, whatever the other runs of the chunk drew.
        The mask is memoised per chunk and read-only.
        """
        key = f"variant_mask|{mechanism}|{variant}|{self.commitment.shape[0]}"
        return np.asarray(self.cached(key,
                                      lambda: self._variant_mask(mechanism, variant)))

    def _variant_mask(self, mechanism: str, variant: str) -> np.ndarray:
        mask = self._compute_variant_mask(mechanism, variant)
        mask.setflags(write=False)
        return mask

    def _compute_variant_mask(self, mechanism: str, variant: str) -> np.ndarray:
        drawn = self._drawn(mechanism)
        if drawn is not None:
            return np.asarray(drawn == variant, dtype=bool)
        from flashpoint.mechanisms import REGISTRY

        mech = REGISTRY.get(mechanism)
        default = mech.variants[0] if mech is not None else variant
        chosen = self.variants.get(mechanism, default)
        if mech is not None and chosen not in mech.variants:
            from flashpoint.errors import ParameterError

            raise ParameterError(
                f"{mechanism}: variant expects one of {mech.variants}. Got {chosen!r} instead."
            )
        runs = self.commitment.shape[0]
        return np.full(runs, chosen == variant, dtype=bool)

    def p(self, name: str, ndim: int = 1) -> FloatArray:
        """Per-run parameter ``name`` reshaped to broadcast over ``ndim`` dims."""
        return col(self.params[name], ndim)


def symmetric(x: FloatArray) -> FloatArray:
    """``(x + x^T) / 2`` over the last two axes."""
    x = np.asarray(x)
    out = np.add(x, np.swapaxes(x, -1, -2))
    if out.dtype.kind != "f":
        return np.asarray(0.5 * out)
    return np.multiply(out, 0.5, out=out)  # in the fresh sum: the same bits, one array


_COL_SHAPES: tuple[tuple[int, ...], ...] = tuple((-1,) + (1,) * (k - 1) for k in range(1, 6))


def col(values: FloatArray, ndim: int) -> FloatArray:
    """Reshape an ``(R,)`` vector to ``(R, 1, ..., 1)`` with ``ndim`` dims in all."""
    shape = _COL_SHAPES[ndim - 1] if 1 <= ndim <= len(_COL_SHAPES) else (-1,) + (1,) * (ndim - 1)
    if isinstance(values, np.ndarray):
        return values.reshape(shape)
    return np.reshape(values, shape)


@dataclass(frozen=True, slots=True)
class Effect:
    """A mechanism's output for one step."""

    deltas: dict[str, FloatArray] = field(default_factory=dict)
    derived: dict[str, FloatArray] = field(default_factory=dict)


class StepFn(Protocol):
    """Signature of a mechanism's step function."""

    def __call__(
        self, state: State, derived: Mapping[str, FloatArray], ctx: Context, draws: Draws
    ) -> Effect: ...


@dataclass(frozen=True)
class Mechanism:
    """A registered mechanism: its declaration and its step function.

    ``variants`` lists rival formulations (the first is the default), read by
    the step function from ``ctx.variants[name]``. ``reads`` and ``provides``
    name derived quantities it consumes and produces; ``writes`` names the
    state fields it changes.
    """

    name: str
    title: str
    references: tuple[str, ...]
    parameters: tuple[Parameter, ...]
    writes: tuple[str, ...]
    provides: tuple[str, ...]
    reads: tuple[str, ...]
    step: Callable[[State, Mapping[str, FloatArray], Context, Draws], Effect]
    variants: tuple[str, ...] = ("default",)
    equations: tuple[str, ...] = ()
