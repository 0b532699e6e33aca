"""Mechanisms read and give the derived quantities they declare.

The engine relies on the declarations: the metrics and attribution evaluate
only the mechanisms that provide what the metrics read, and what those read
(``flashpoint.engine.run._providers``). Each mechanism is stepped, in registry
order, on the quantities derived before it, with the lookups recorded.
"""

from __future__ import annotations

from flashpoint.engine import run as run_mod
from flashpoint.mechanisms import REGISTRY
from flashpoint.testing.inputs import perturbed_inputs


def test_derived_reads_and_gives_are_declared() -> None:
    state, _, ctx, draws = perturbed_inputs("float64", runs=6, seed=2)
    mechs = list(REGISTRY.values())
    derived: dict = {}
    for i, m in enumerate(mechs):
        seen = run_mod._ReadDerived(derived)
        eff = m.step(state, seen, ctx, draws)
        assert not seen.everything, f"{m.name} iterates the derived quantities"
        assert set(eff.derived) <= set(m.provides), (
            f"{m.name} gives {sorted(set(eff.derived) - set(m.provides))} it does not declare")
        kept = run_mod._providers(mechs[:i], m.reads)
        reachable = {k for p in kept for k in p.provides}
        present = {k for k, v in seen.read.items() if v is not run_mod._ABSENT}
        assert present <= reachable, (
            f"{m.name} reads {sorted(present - reachable)} beyond its declared reads {m.reads}")
        derived.update(eff.derived)
