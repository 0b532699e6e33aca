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

#: Metrics in the summary table: (variable, selector dim, selector value, label, unit)
SUMMARY: tuple[tuple[str, str | None, str | None, str], ...] = (
    ("arms_race_index", "region", "indo_pacific", "Arms-race index, Indo-Pacific (growth since start)"),
    ("arms_race_index", "region", "euro_atlantic", "Arms-race index, Euro-Atlantic (growth since start)"),
    ("cohesion_chn_rus", None, None, "China-Russia alignment [-1, 1]"),
    ("axis_cohesion", None, None, "China-Russia-North Korea cohesion [-1, 1]"),
    ("nato_cohesion", None, None, "NATO cohesion [-1, 1]"),
    ("hedger_alignment", None, None, "Hedgers' tilt (>0 West, <0 China)"),
    ("credibility", "flashpoint", "taiwan_strait", "Deterrence credibility, Taiwan Strait [0, 1]"),
    ("war_risk", "flashpoint", "taiwan_strait", "Probability of war by the horizon, Taiwan Strait"),
    ("war_risk", "flashpoint", "korean_peninsula", "Probability of war by the horizon, Korea"),
    ("war_risk", "flashpoint", "baltic", "Probability of war by the horizon, Baltic"),
    ("european_security", None, None, "European security index (NATO Europe capacity / Russia)"),
    ("us_asia_share", None, None, "Share of US forces in the Indo-Pacific"),
    ("gdp_loss_expected", None, None, "Expected world GDP loss (fraction)"),
)


def summary_table(ds: xr.Dataset, title: str) -> Table:
    """Median and 90 % interval of the key metrics at the start and the horizon."""
    import numpy as np

    table = Table(title=title)
    for col in ("metric", "start (median)", "horizon median", "5 %", "95 %"):
        table.add_column(col, justify="left" if col == "metric" else "right")
    for var, dim, sel, label in SUMMARY:
        if var not in ds:
            continue
        da = ds[var]
        if dim is not None:
            if sel not in ds[dim].values:
                continue
            da = da.sel({dim: sel})
        start = float(np.nanmedian(da.isel(time=0).values))
        end = da.isel(time=-1).values
        q = np.nanquantile(end, [0.5, 0.05, 0.95])
        table.add_row(label, f"{start:.3f}", f"{q[0]:.3f}", f"{q[1]:.3f}", f"{q[2]:.3f}")
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
        from flashpoint.storage.results import _long

        _long(ds).to_parquet(out, index=False)
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
