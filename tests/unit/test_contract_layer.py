"""The contract layer sits below the engine and the mechanisms."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[2] / "src")


def test_contract_imports_neither_engine_nor_mechanisms() -> None:
    code = ("import json, sys, flashpoint.contract; "
            "print(json.dumps(sorted(m for m in sys.modules if m.startswith('flashpoint'))))")
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env=env)
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    assert "flashpoint.contract" in loaded
    below = [m for m in loaded if m.split(".")[:2] in (["flashpoint", "engine"],
                                                      ["flashpoint", "mechanisms"])]
    assert below == []


def test_old_locations_re_export_the_same_objects() -> None:
    import flashpoint.contract as contract
    from flashpoint.engine import state
    from flashpoint.mechanisms import _protocol

    for name in ("State", "FIELDS", "DYADIC"):
        assert getattr(state, name) is getattr(contract, name)
    for name in ("Context", "Draws", "Effect", "Mechanism", "StepFn", "col", "symmetric"):
        assert getattr(_protocol, name) is getattr(contract, name)


def test_cached_for_holds_while_the_very_same_objects_are_passed() -> None:
    """``Context.cached_for``: one object or a tuple of them, each compared by identity
    (equal but new arrays recompute; the slot keeps references, so no id reuse)."""
    import numpy as np

    from flashpoint.engine.context import base_context
    from flashpoint.testing.inputs import default_world_arrays

    ctx = base_context(default_world_arrays(), 2)
    a, b = np.zeros(3), np.ones(3)
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert ctx.cached_for("t.one", a, compute) == 1
    assert ctx.cached_for("t.one", a, compute) == 1
    assert ctx.cached_for("t.one", a.copy(), compute) == 2  # equal, not the same
    assert ctx.cached_for("t.many", (a, b), compute) == 3
    assert ctx.cached_for("t.many", (a, b), compute) == 3  # a new tuple of the same arrays
    assert ctx.cached_for("t.many", (a, b.copy()), compute) == 4
    assert ctx.cached_for("t.many", (a,), compute) == 5  # another length
