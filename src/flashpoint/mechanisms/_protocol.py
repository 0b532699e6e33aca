"""What a mechanism is: a declared, pure, vectorised step function.

Defined in :mod:`flashpoint.contract` (below both engine and mechanisms) and
re-exported here, so existing imports keep working.

A mechanism reads the start-of-step :class:`~flashpoint.engine.state.State`,
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

from flashpoint.contract import Context, Draws, Effect, Mechanism, StepFn, col, symmetric

__all__ = ["Context", "Draws", "Effect", "Mechanism", "StepFn", "col", "symmetric"]
