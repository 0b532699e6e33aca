"""The contract every registered mechanism must pass (cf. scikit-learn's estimator checks).

``check_mechanism(mechanism)`` runs every check below and raises
``AssertionError`` naming the mechanism and the check that failed:

* declaration: name, title, references, equations; every parameter named
  ``<mechanism>.<symbol>`` with a range and a source; variants unique;
* shapes: each delta has the shape of its state field and each derived
  array a leading run axis; all values finite;
* bounds: derived probabilities (``credibility``, ``*_hazard``, ``threat``)
  lie in [0, 1]; symmetric fields get symmetric deltas;
* purity: inputs (state, derived, context arrays) are not mutated;
* determinism: the same inputs give bit-identical outputs, and the result
  of a run does not depend on which other runs share the array (chunking);
* every variant runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np

from flashpoint._types import FloatArray
from flashpoint.engine.apply import ScenarioInputs
from flashpoint.engine.state import State
from flashpoint.mechanisms import REGISTRY
from flashpoint.mechanisms._protocol import Context, Draws, Effect, Mechanism

__all__ = ["check_mechanism", "perturbed_inputs"]

_PROBABILITIES = ("credibility", "crisis_hazard", "war_hazard", "threat")
_SYMMETRIC = ("alignment", "tension")


def perturbed_inputs(runs: int = 11, seed: int = 7) -> tuple[State, dict[str, FloatArray], Context, Draws]:
    """A tiny-world state perturbed per run, with the upstream derived quantities."""
    from flashpoint.testing import make_context

    state, ctx, draws = make_context(runs=runs)
    rng = np.random.default_rng(seed)
    a = np.clip(state.alignment + 0.1 * rng.standard_normal(state.alignment.shape), -1, 1)
    a = (a + np.swapaxes(a, 1, 2)) / 2
    n = a.shape[1]
    a[:, np.arange(n), np.arange(n)] = 1.0
    state = state._replace(
        milex=state.milex * (1 + 0.2 * rng.random(state.milex.shape)),
        alignment=a,
        crisis=rng.random(state.crisis.shape) * (rng.random(state.crisis.shape) < 0.5),
    )
    derived: dict[str, FloatArray] = {}
    for m in REGISTRY.values():
        derived.update(m.step(state, derived, ctx, draws).derived)
    return state, derived, ctx, draws


def _slice_ctx(ctx: Context, s: slice) -> Context:
    """The context of the runs ``s``: per-run parameters, theories, initial state and
    scenario inputs sliced, a fresh memo."""
    return replace(
        ctx,
        params={k: v[s] for k, v in ctx.params.items()},
        theories={k: v[s] for k, v in ctx.theories.items()},
        initial=State(*(x[s] for x in ctx.initial)),
        memo={},
        **{f: getattr(ctx, f)[s] for f in ScenarioInputs._fields},
    )


def _snapshot(*objs: object) -> list[FloatArray]:
    out: list[FloatArray] = []
    for o in objs:
        if isinstance(o, np.ndarray):
            out.append(o.copy())
        elif isinstance(o, tuple):
            out.extend(_snapshot(*o))
        elif isinstance(o, Mapping):
            out.extend(_snapshot(*o.values()))
    return out


def _fail(m: Mechanism, check: str, msg: str) -> AssertionError:
    return AssertionError(f"mechanism {m.name!r} fails {check}: {msg}")


def check_mechanism(m: Mechanism, runs: int = 11) -> None:
    """Run the whole contract on ``m`` (see the module docstring)."""
    _check_declaration(m)
    state, derived, ctx, draws = perturbed_inputs(runs)
    upstream = {k: v for k, v in derived.items() if k not in m.provides}
    for variant in m.variants:
        c = replace(ctx, variants={**ctx.variants, m.name: variant})
        before = _snapshot(state, upstream, c.commitment, c.trade_share, c.presence, c.signal,
                           c.initial, c.params, draws)
        eff = m.step(state, upstream, c, draws)
        after = _snapshot(state, upstream, c.commitment, c.trade_share, c.presence, c.signal,
                          c.initial, c.params, draws)
        if any(not np.array_equal(x, y, equal_nan=True) for x, y in zip(before, after, strict=True)):
            raise _fail(m, "purity", f"variant {variant!r} mutated its inputs")
        _check_effect(m, eff, state, runs, variant)
        again = m.step(state, upstream, c, draws)
        for k in eff.deltas:
            if not np.array_equal(eff.deltas[k], again.deltas[k]):
                raise _fail(m, "determinism", f"delta {k!r} differs between two calls")
        for s in (slice(0, 3), slice(3, runs), slice(runs - 1, runs)):
            part = m.step(State(*(x[s] for x in state)), {k: v[s] for k, v in upstream.items()},
                          _slice_ctx(c, s), Draws(*(x[s] for x in draws)))
            for k in eff.deltas:
                if not np.array_equal(eff.deltas[k][s], part.deltas[k]):
                    raise _fail(m, "chunk invariance",
                                f"delta {k!r} of runs {s} differs when computed alone "
                                f"(max {np.abs(eff.deltas[k][s] - part.deltas[k]).max():.3g})")
            for k in eff.derived:
                if not np.array_equal(eff.derived[k][s], part.derived[k], equal_nan=True):
                    raise _fail(m, "chunk invariance", f"derived {k!r} of runs {s} differs")


def _check_declaration(m: Mechanism) -> None:
    if not m.name or not m.title or not m.references:
        raise _fail(m, "declaration", "name, title and references are required")
    if not m.equations:
        raise _fail(m, "declaration", "equations are required")
    if len(set(m.variants)) != len(m.variants) or not m.variants:
        raise _fail(m, "declaration", "variants must be non-empty and unique")
    if not m.writes and not m.provides:
        raise _fail(m, "declaration", "a mechanism must write a state field or provide a quantity")
    for p in m.parameters:
        if not p.name.startswith(m.name + "."):
            raise _fail(m, "declaration", f"parameter {p.name!r} not named '{m.name}.<symbol>'")
        if not (p.low < p.high) or not p.source.strip():
            raise _fail(m, "declaration", f"parameter {p.name!r} needs a range and a source")
    doc = (m.step.__module__ and __import__(m.step.__module__, fromlist=["x"]).__doc__) or ""
    if "References" not in doc:
        raise _fail(m, "declaration", "the module docstring must have a References section")


def _check_effect(m: Mechanism, eff: Effect, state: State, runs: int, variant: str) -> None:
    for field, d in eff.deltas.items():
        if field not in State._fields:
            raise _fail(m, "shapes", f"delta for unknown state field {field!r}")
        if field not in m.writes:
            raise _fail(m, "declaration", f"delta for {field!r} not declared in writes")
        if np.shape(d) != getattr(state, field).shape:
            raise _fail(m, "shapes", f"delta {field!r} has shape {np.shape(d)}")
        if not np.all(np.isfinite(d)):
            raise _fail(m, "finite values", f"variant {variant!r}: delta {field!r} not finite")
        if field in _SYMMETRIC and not np.allclose(d, np.swapaxes(d, 1, 2), atol=1e-12):
            raise _fail(m, "symmetry", f"delta {field!r} is not symmetric")
    for name, v in eff.derived.items():
        if name not in m.provides:
            raise _fail(m, "declaration", f"derived {name!r} not declared in provides")
        if np.shape(v)[0] != runs:
            raise _fail(m, "shapes", f"derived {name!r} lacks the leading run axis")
        if not np.all(np.isfinite(v)):
            raise _fail(m, "finite values", f"derived {name!r} not finite")
        if name in _PROBABILITIES and (np.min(v) < 0 or np.max(v) > 1):
            raise _fail(m, "probability bounds", f"derived {name!r} outside [0, 1]")
