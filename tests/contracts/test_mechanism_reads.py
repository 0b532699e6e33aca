"""Every mechanism declares the derived quantities it reads (its ``reads``).

The engine relies on the declarations to decide which disabled mechanisms
must still be evaluated for their derived quantities. A mechanism is stepped
with a ``derived`` mapping that records every key looked up; each key read
must be declared in ``reads`` (or be the mechanism's own ``provides``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace

import numpy as np
import pytest

from flashpoint.mechanisms import REGISTRY
from flashpoint.testing.inputs import perturbed_inputs


class Recording(Mapping[str, np.ndarray]):
    """A read-only mapping that records which keys were looked up."""

    def __init__(self, data: Mapping[str, np.ndarray]) -> None:
        self._data = dict(data)
        self.seen: set[str] = set()

    def __getitem__(self, key: str) -> np.ndarray:
        self.seen.add(key)
        return self._data[key]

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.seen.add(key)
        return key in self._data

    def get(self, key: str, default: object = None) -> object:  # type: ignore[override]
        self.seen.add(key)
        return self._data.get(key, default)

    def __iter__(self) -> Iterator[str]:
        raise AssertionError("a mechanism must look up the derived quantities it reads, "
                             "not iterate over all of them")

    def __len__(self) -> int:
        return len(self._data)


@pytest.mark.parametrize("name", list(REGISTRY))
def test_each_mechanism_reads_only_what_it_declares(name: str) -> None:
    state, derived, ctx, draws = perturbed_inputs("float64", runs=5, seed=1)
    m = REGISTRY[name]
    upstream = {k: v for k, v in derived.items() if k not in m.provides}
    for variant in m.variants:
        rec = Recording(upstream)
        m.step(state, rec, replace(ctx, memo={}, variants={**ctx.variants, name: variant}), draws)
        undeclared = rec.seen - set(m.reads) - set(m.provides)
        assert not undeclared, (f"{name}/{variant} reads {sorted(undeclared)} without declaring "
                                f"them in reads={m.reads}")
