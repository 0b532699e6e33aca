"""The Python API: ``simulate`` and friends, for notebooks and scripts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import xarray as xr

from flashpoint.engine.plan import Plan
from flashpoint.engine.run import RunConfig, run_ensemble
from flashpoint.world.arrays import WorldArrays

__all__ = ["resolve_plan", "resolve_world", "simulate"]


def resolve_world(world: Any = None) -> WorldArrays:
    """A ``WorldArrays`` from a World, a WorldArrays, or None (the default 2024 world)."""
    if world is None:
        from flashpoint.world import load_world

        world = load_world()
    if isinstance(world, WorldArrays):
        return world
    to_arrays = getattr(world, "to_arrays", None)
    if to_arrays is None:
        raise TypeError(f"world must be a World or WorldArrays. Got {type(world).__name__} instead.")
    arrays = to_arrays()
    assert isinstance(arrays, WorldArrays)
    return arrays


def resolve_plan(scenario: Any, world: WorldArrays) -> Plan:
    """A ``Plan`` from None (baseline), a Plan, a Scenario, a catalogue name or a TOML path."""
    if scenario is None:
        return Plan(name="status_quo")
    if isinstance(scenario, Plan):
        return scenario
    from flashpoint.scenarios import compile_scenario, load_scenario

    if isinstance(scenario, (str, Path)):
        scenario = load_scenario(scenario)
    return compile_scenario(scenario, world)


def simulate(
    world: Any = None,
    scenario: Any = None,
    *,
    runs: int = 1000,
    years: float = 10,
    seed: int = 0,
    dt: float = 0.25,
    chunk_size: int | None = None,
    attribution: bool = True,
    keep_dyadic: bool | None = None,
    fixed_params: bool = False,
    progress: Callable[[int, int], None] | None = None,
    parameters: Mapping[str, Any] | None = None,
    precision: str = "float64",
    levers: Mapping[str, Any] | None = None,
    threads: int | None = None,
) -> xr.Dataset:
    """Run an uncertain ensemble of ``world`` under ``scenario``.

    Parameters
    ----------
    world : World, WorldArrays or None
        The starting world; None loads the default 2024 world.
    scenario : Plan, Scenario, str, Path or None
        A catalogue name (``"nato_ip4_partnership"``), a TOML file, a compiled
        plan, or None for the status quo.
    runs, years, seed : int, float, int
        Ensemble size, horizon in years and seed (same seed, same numbers).
    dt : float
        Step length in years: 0.25 (quarterly, default) or 1.0 (yearly).
    chunk_size : int, optional
        Runs computed together; the result does not depend on it.
    attribution : bool
        Split every metric's change by mechanism (``attribution__<metric>``).
    keep_dyadic : bool, optional
        Keep the (actor, counterpart) fields; default keeps them when they
        fit in about 1 GB.
    fixed_params : bool
        Use every parameter's default instead of sampling the priors.
    progress : callable, optional
        Called as ``progress(runs_in_chunk, step)`` after every step.
    precision : str
        ``"float64"`` (default) or ``"float32"`` (about 1.4 times faster; metrics
        agree to a few parts in a million, with other bits).
    parameters : mapping, optional
        Explicit per-run values (one per run) for some parameters, e.g. a
        calibrated sample from ``flashpoint calibrate``; they replace the
        prior design for those parameters.
    levers : mapping, optional
        Explicit per-run lever effects keyed by the labels of
        :func:`flashpoint.engine.apply.lever_ranges` (e.g. a sensitivity
        design); they replace the levers' own design.
    threads : int, optional
        Chunks computed at once in threads (default: every core); the result
        does not depend on it.

    Returns
    -------
    xarray.Dataset
        Dimensions ``run, time, actor, counterpart, flashpoint, region,
        mechanism``; per-run parameter coordinates ``param__*``; provenance in
        ``attrs`` (seed, code version, world digest, design).
    """
    from flashpoint.limits import check_memory, check_run_options

    # Bounds and the memory estimate before anything is allocated (flashpoint.limits).
    check_run_options(runs=runs, years=years, dt=dt, seed=seed, chunk_size=chunk_size, cli=False)
    _check_finite("parameters", parameters)
    _check_finite("levers", levers)
    arrays = resolve_world(world)
    plan = resolve_plan(scenario, arrays)
    if keep_dyadic is None:
        records = int(years) + 1
        keep_dyadic = runs * records * arrays.n * arrays.n * 8 * 3 < 1e9
    check_memory(runs, years, dt, arrays.n, attribution=attribution, keep_dyadic=keep_dyadic,
                 what="runs")
    cfg = RunConfig(runs=runs, years=float(years), seed=seed, dt=dt, chunk_size=chunk_size,
                    attribution=attribution, keep_dyadic=keep_dyadic, fixed_params=fixed_params,
                    precision=precision, threads=threads)
    ds = run_ensemble(arrays, plan, cfg, progress=progress, parameters=parameters,
                      levers=levers)
    digest = getattr(scenario, "digest", None)
    if callable(digest):
        ds.attrs["scenario_digest"] = str(digest())
    return ds


def _check_finite(what: str, values: Mapping[str, Any] | None) -> None:
    """Refuse NaN or infinite explicit values (a NaN passes every range comparison)."""
    import numpy as np

    from flashpoint.errors import ParameterError

    for name, v in (values or {}).items():
        try:
            arr = np.asarray(v, dtype=np.float64)
        except (TypeError, ValueError):
            raise ParameterError(f"{what}[{name!r}]: expected numbers. Got {type(v).__name__} "
                                 "instead.") from None
        if not np.all(np.isfinite(arr)):
            raise ParameterError(f"{what}[{name!r}]: expected finite values. Got "
                                 f"{arr[~np.isfinite(arr)][:3].tolist()} instead.")
