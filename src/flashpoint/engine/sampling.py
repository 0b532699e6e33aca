"""Space-filling designs for the uncertain parameters and lever effects.

The model parameters are sampled with a Latin hypercube (McKay, Beckman &
Conover 1979, Technometrics 21(2):239-245, doi:10.2307/1268522) from SciPy's
``scipy.stats.qmc``, with its own stream derived from the seed. The whole
design is drawn at once and then sliced by run, so a run's parameters never
depend on the chunking.

Lever magnitudes get one independent one-dimensional Latin hypercube per
lever, keyed by the lever's description, so that adding a lever to a scenario
leaves the model parameters of every run unchanged: a scenario and its
baseline share the same parameter draws run by run (common random numbers).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
from scipy.stats import qmc

from flashpoint._types import FloatArray
from flashpoint.params import Parameter

__all__ = [
    "STREAM_DESIGN",
    "STREAM_EVENTS",
    "STREAM_LEVERS",
    "lever_unit",
    "parameter_design",
    "sample_parameters",
    "scale",
]

STREAM_DESIGN = 0
STREAM_EVENTS = 1
STREAM_LEVERS = 2


def _generator(seed: int, *key: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


def parameter_design(n_params: int, runs: int, seed: int) -> FloatArray:
    """Unit-cube Latin hypercube ``(runs, n_params)`` for seed ``seed``."""
    if n_params == 0:
        return np.zeros((runs, 0))
    sampler = qmc.LatinHypercube(d=n_params, rng=_generator(seed, STREAM_DESIGN))
    return np.asarray(sampler.random(runs), dtype=np.float64)


def lever_unit(label: str, runs: int, seed: int) -> FloatArray:
    """Unit-interval 1-D Latin hypercube ``(runs,)`` for the lever described by ``label``."""
    key = int.from_bytes(hashlib.sha256(label.encode()).digest()[:4], "little")
    sampler = qmc.LatinHypercube(d=1, rng=_generator(seed, STREAM_LEVERS, key))
    return np.asarray(sampler.random(runs)[:, 0], dtype=np.float64)


def scale(unit: FloatArray, low: float, high: float, log: bool = False) -> FloatArray:
    """Map unit-interval values onto ``[low, high]`` (log-uniform if ``log``)."""
    if low == high:
        return np.full_like(unit, low)
    if log:
        return np.asarray(np.exp(np.log(low) + unit * (np.log(high) - np.log(low))))
    return np.asarray(low + unit * (high - low))


def sample_parameters(
    params: Sequence[Parameter],
    unit: FloatArray,
    ranges: dict[str, tuple[float, float]] | None = None,
    fixed: bool = False,
) -> dict[str, FloatArray]:
    """Per-run parameter values from a unit design; ``ranges`` overrides priors.

    With ``fixed`` every parameter takes its default (or the centre of its
    override), which gives a deterministic, parameter-certain ensemble.
    """
    ranges = ranges or {}
    out: dict[str, FloatArray] = {}
    for k, p in enumerate(params):
        low, high = ranges.get(p.name, (p.low, p.high))
        if fixed:
            value = p.default if p.name not in ranges else 0.5 * (low + high)
            out[p.name] = np.full(unit.shape[0], value)
        else:
            out[p.name] = scale(unit[:, k], low, high, p.log and low > 0)
    return out
