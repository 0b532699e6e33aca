"""``flashpoint run``: one ensemble, with a progress bar, a summary table and storage."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from flashpoint.errors import FlashpointError

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["run", "summary_table", "write_output"]

def summary_table(ds: xr.Dataset, title: str) -> Table:
    """Median and 90 % interval of the key metrics at the horizon, and the start.

    The metrics, their labels and units are those of the report and ``compare``
    (:data:`flashpoint.analysis.compare.KEY_METRICS`, read from the metric
    registry :mod:`flashpoint.metrics`); values are in each metric's display unit.
    """
    import numpy as np

    from flashpoint.analysis.compare import KEY_METRICS
    from flashpoint.metrics import fmt_value

    table = Table(title=title, caption="Values in each metric's unit; start: the median at t = 0; "
                  "median, 5 % and 95 %: across runs at the horizon.")
    table.add_column("metric", min_width=18)
    table.add_column("unit", no_wrap=True)
    for col in ("start", "median", "5 %", "95 %"):
        table.add_column(col, justify="right", no_wrap=True)
    from flashpoint.metrics import METRICS

    for spec in KEY_METRICS:
        if spec.name not in ds:
            continue
        da = ds[spec.name]
        if any(dim not in ds.coords or sel not in ds[dim].values for dim, sel in spec.selector):
            continue
        for dim, sel in spec.selector:
            da = da.sel({dim: sel})
        reg = METRICS[spec.name]
        start = float(np.nanmedian(da.isel(time=0).values))
        q = np.nanquantile(da.isel(time=-1).values, [0.5, 0.05, 0.95])
        table.add_row(spec.title, reg.level_unit, fmt_value(reg, start), fmt_value(reg, q[0]),
                      fmt_value(reg, q[1]), fmt_value(reg, q[2]))
    return table


def write_output(ds: xr.Dataset, out: Path) -> None:
    """Write NetCDF (``.nc``) or Parquet (``.parquet``, long form of the metrics)."""
    suffix = out.suffix.lower()
    if suffix == ".nc":
        clean = ds.copy()
        for k, v in list(clean.attrs.items()):
            if not isinstance(v, (str, int, float)):
                clean.attrs[k] = str(v)
        clean.to_netcdf(out, engine="scipy")
    elif suffix == ".parquet":
        import pyarrow.parquet as pq

        from flashpoint.storage.results import metrics_table, plain_strings

        pq.write_table(plain_strings(metrics_table(ds)), out)
    else:
        raise FlashpointError(f"--out {out}: expected a file name ending in .nc or .parquet. "
                              f"Got {suffix or 'no suffix'!r} instead.")


def run(
    scenario: Annotated[str | None, typer.Argument(help="Catalogue name or TOML file; none = status quo.")] = None,
    runs: Annotated[int, typer.Option(help="Ensemble size.")] = 1000,
    years: Annotated[float, typer.Option(help="Horizon in years.")] = 10,
    seed: Annotated[int, typer.Option(help="Seed: the same seed gives the same numbers.")] = 0,
    dt: Annotated[float, typer.Option(help="Step in years: 0.25 (quarter) or 1 (year).")] = 0.25,
    out: Annotated[Path | None, typer.Option(help="Write the result: .nc (NetCDF) or .parquet.")] = None,
    db: Annotated[Path | None, typer.Option(help="DuckDB store (default: $FLASHPOINT_DB or the user data dir).")] = None,
    store: Annotated[bool, typer.Option(help="Store the result in the DuckDB store.")] = True,
    attribution: Annotated[bool, typer.Option(help="Split changes by mechanism.")] = True,
    calibration: Annotated[Path | None, typer.Option(
        help="Use a calibrated parameter set (from `flashpoint calibrate`) instead of the priors.")] = None,
) -> None:
    """Run an uncertain ensemble of the default world under a scenario."""
    from flashpoint.files import check_output_path
    from flashpoint.limits import check_memory, check_run_options

    # Every check before any allocation or work: the numbers, the output path, the store.
    check_run_options(runs=runs, years=years, dt=dt, seed=seed)
    if out is not None:
        check_output_path(out, option="--out", suffixes=(".nc", ".parquet"))
    import flashpoint as fp
    from flashpoint.api import resolve_plan, resolve_world
    from flashpoint.engine.run import steps_for

    if store:
        from flashpoint.storage.store import Store

        Store.preflight(db)
    console = Console(stderr=True)
    world = resolve_world(None)
    check_memory(runs, years, dt, world.n, attribution=attribution)
    plan = resolve_plan(scenario, world)
    parameters = None
    if calibration is not None:
        from flashpoint.validation.calibrate import load_calibration

        parameters = load_calibration(calibration).sample(runs, seed)
    steps = steps_for(years, dt)
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("run-steps"), TimeRemainingColumn(), console=console,
                  transient=False) as bar:
        task = bar.add_task(f"{plan.name}: {runs} runs x {steps} steps", total=runs * steps)

        def progress(chunk_runs: int, step: int) -> None:
            bar.advance(task, chunk_runs)

        ds = fp.simulate(world, plan, runs=runs, years=years, seed=seed, dt=dt,
                         attribution=attribution, progress=progress, parameters=parameters)
    if calibration is not None:
        ds.attrs["design"] = f"calibrated sample from {calibration.name}"
    if scenario is not None and Path(scenario).suffix == ".toml":
        from flashpoint.scenarios import digest, load_scenario

        ds.attrs["scenario_digest"] = digest(load_scenario(scenario))
    Console().print(summary_table(ds, f"{plan.name}: {runs} runs, {years:g} years, seed {seed}"))
    if store:
        from flashpoint.storage.results import save_result
        from flashpoint.storage.store import Store

        with Store.open(db) as st:
            rid = save_result(st, ds)
        console.print(f"stored as run_id {rid} in {st.path or ':memory:'}")
    if out is not None:
        write_output(ds, out)
        console.print(f"wrote {out}")
