"""``flashpoint assess`` (the main job) and ``flashpoint compare A B``.

Registered in :mod:`flashpoint.cli.app` with ``app.command()(assess)`` and
``app.command()(compare)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

if TYPE_CHECKING:
    from flashpoint.pool import SimulationPool

#: Defaults of ``assess`` (equal to flashpoint.analysis.assess's, which is not imported here so that
#: ``flashpoint --help`` stays fast; tests/reliability/test_cli_errors.py checks they agree).
DEFAULT_RUNS = 250
DEFAULT_YEARS = 10

__all__ = ["assess", "compare"]

RunsOpt = Annotated[int, typer.Option("--runs", "-n", min=2,
                                      help="Runs in the shared ensemble (every scenario gets the same runs).")]
YearsOpt = Annotated[float, typer.Option("--years", min=1.0, max=100.0, help="Horizon in years.")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Seed: same seed, same numbers.")]
DbOpt = Annotated[Path | None, typer.Option(
    "--db", help="DuckDB file to store the results in (default: $FLASHPOINT_DB or the user data dir).")]


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description:<34}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), TimeRemainingColumn(), console=console, transient=False,
    )


def assess(
    runs: RunsOpt = DEFAULT_RUNS,
    years: YearsOpt = DEFAULT_YEARS,
    seed: SeedOpt = 0,
    out: Annotated[Path, typer.Option("--out", "-o", help="The HTML report to write.")] = Path(
        "flashpoint-report.html"),
    db: DbOpt = None,
    no_store: Annotated[bool, typer.Option("--no-store", help="Do not write to the DuckDB store.")] = False,
    scenario: Annotated[list[str] | None, typer.Option(
        "--scenario", "-s", help="Only these scenarios (catalogue names or TOML files; repeatable). "
        "Default: the whole catalogue.")] = None,
) -> None:
    """Run the status quo and every catalogue scenario on one ensemble, evaluate every claim,
    store the results and write a self-contained HTML report.

    Simulations run in worker processes when that pays (FLASHPOINT_PROCESSES=1: none)."""
    from flashpoint.files import check_output_path
    from flashpoint.limits import check_run_options
    from flashpoint.pool import SimulationPool, default_processes, estimated_work
    from flashpoint.scenarios import catalogue_names

    # The cheap checks first, then the worker processes (when the work pays for them,
    # flashpoint.pool): their start overlaps this process's imports and loading.
    check_run_options(runs=runs, years=years, seed=seed, min_runs=2)
    check_output_path(out, option="--out", suffixes=(".html", ".htm"))
    default_processes()  # a bad FLASHPOINT_PROCESSES is refused before the work
    names = list(scenario) if scenario else list(catalogue_names())
    n_scen = len(dict.fromkeys(["status_quo", *names]))
    with SimulationPool(None) as pool:
        pool.start(n_scen, n_scen * estimated_work(runs, years))  # the default world
        _assess(runs, years, seed, out, db, no_store, scenario, names, n_scen, pool)


def _assess(runs: int, years: float, seed: int, out: Path, db: Path | None, no_store: bool,
            scenario: list[str] | None, names: list[str], n_scen: int, pool: SimulationPool) -> None:
    """:func:`assess` once its workers are starting."""
    from flashpoint.analysis.assess import assess as run_assessment
    from flashpoint.analysis.assess import planned_steps, store_assessment
    from flashpoint.api import resolve_world
    from flashpoint.limits import check_memory
    from flashpoint.reports.html import ReportFigures, write_report
    from flashpoint.storage import Store

    # Every check before the work: the store (format, lock), memory.
    if not no_store:
        Store.preflight(db)
    console = Console(highlight=False)
    world = resolve_world(None)
    check_memory(runs, years, 0.25, world.n, scenarios=n_scen)
    per = planned_steps(runs, years, world.n)
    console.print(f"[bold]flashpoint assess[/bold]: {n_scen} scenarios x {runs} runs x "
                  f"{years:g} years on {world.n} actors (seed {seed})")
    with _progress(console) as bar:
        overall = bar.add_task("all scenarios", total=n_scen * per)
        current = bar.add_task("", total=per)
        done: dict[str, int] = {}  # steps done per scenario
        shown: str | None = None  # the scenario on the second bar
        audited = 0  # simulations of the construction audit started

        def follow(name: str) -> None:
            """Scenarios may run two at a time (worker processes): the second bar
            follows one until it is done, then the next that reports."""
            nonlocal shown
            if name != shown and (shown is None or done.get(shown, 0) >= per):
                shown = name
                bar.reset(current, total=per, description=name, completed=done.get(name, 0))

        def tick(name: str, steps: int) -> None:
            nonlocal audited
            if name == "analysis":
                bar.update(current, description="comparing, attributing, claims")
                return
            if name == "construction audit":  # its simulations are counted as they come
                bar.reset(current, total=None, description="construction audit",
                          completed=audited)
                return
            if steps < 0:  # one simulation of the construction audit
                audited += 1
                label = name if len(name) <= 34 else name[:33] + "…"
                bar.update(current, description=label, advance=1)
                return
            follow(name)
            done[name] = done.get(name, 0) + steps
            if name == shown:
                bar.advance(current, steps)
            bar.advance(overall, steps)

        a = run_assessment(world, runs=runs, years=years, seed=seed,
                           scenarios=names if scenario else None, progress=tick, pool=pool)
        bar.update(overall, completed=n_scen * per)
        bar.remove_task(current)
        # The figures are drawn in the workers (when started) while this process stores.
        figures = ReportFigures(a, pool)
        try:
            if not no_store:
                store_task = bar.add_task("storing in DuckDB", total=len(a.results) + 1)
                from flashpoint.storage.results import save_result

                # One transaction: the results and the assessment are stored whole or not
                # at all, and committed once the report is written.
                with Store.open(db) as store, store.transaction():
                    for ds in a.results.values():
                        save_result(store, ds)
                        bar.advance(store_task)
                    store_assessment(a, store, report=str(out.resolve()))
                    bar.advance(store_task)
                    task = bar.add_task("writing the report", total=1)
                    path = write_report(a, out, figures=figures)
                    bar.advance(task)
                    where = store.path or ":memory:"
            else:
                task = bar.add_task("writing the report", total=1)
                path = write_report(a, out, figures=figures)
                bar.advance(task)
        except BaseException:
            figures.cancel()
            raise
    from flashpoint.claims import VERDICTS
    from flashpoint.cli.claims import summary_line

    counts: dict[str, int] = {}
    tags: dict[str, int] = {}
    for v in a.verdicts.values():
        counts[v.verdict] = counts.get(v.verdict, 0) + 1
        if v.audit:
            tags[v.audit] = tags.get(v.audit, 0) + 1
    console.print(f"[green]report:[/green] {path.resolve()}")
    if not no_store:
        console.print(f"[green]stored:[/green] assessment {a.id} in {where}")
    parts = [f"{k} {counts[k]}" for k in VERDICTS if k in counts]
    if a.skipped:
        parts.append(f"not evaluated {len(a.skipped)}")
    console.print("claims: " + ", ".join(parts)
                  + (" | audit: " + ", ".join(f"{k} {n}" for k, n in sorted(tags.items()))
                     if tags else ""))
    if a.verdicts:
        console.print(summary_line(list(a.verdicts.values())))
    if a.skipped:
        horizons = sum("horizon" in why for why in a.skipped.values())
        if horizons:
            console.print(f"{horizons} claims look further ahead than --years {years:g}: "
                          "run with --years 10 to judge them.")


def compare(
    a: Annotated[str, typer.Argument(help="Scenario: catalogue name or TOML file.")],
    b: Annotated[str, typer.Argument(help="Scenario to compare with (the reference).")] = "status_quo",
    runs: RunsOpt = DEFAULT_RUNS,
    years: YearsOpt = DEFAULT_YEARS,
    seed: SeedOpt = 0,
) -> None:
    """Compare scenario A with scenario B on the key metrics (paired runs, A minus B)."""
    from flashpoint.limits import check_memory, check_run_options

    check_run_options(runs=runs, years=years, seed=seed, min_runs=2)
    from flashpoint.analysis.compare import compare as compare_results
    from flashpoint.api import resolve_world, simulate
    from flashpoint.engine.run import steps_for

    console = Console(highlight=False)
    world = resolve_world(None)
    check_memory(runs, years, 0.25, world.n, scenarios=2)
    results = {}
    with _progress(console) as bar:
        for name in (a, b):
            task = bar.add_task(name, total=steps_for(years, 0.25))

            def tick(_r: int, _s: int, _t: TaskID = task) -> None:
                bar.advance(_t)

            results[name] = simulate(world, name, runs=runs, years=years, seed=seed,
                                     attribution=False, keep_dyadic=False, progress=tick)
    from flashpoint.analysis.compare import KEY_METRICS
    from flashpoint.metrics import METRICS, fmt_change, fmt_value

    tab = compare_results(results[a], results[b])
    units = {m.key: m for m in KEY_METRICS}
    table = Table(title=f"{a} minus {b}: {runs} paired runs, at year {years:g} (seed {seed})",
                  caption="Levels in each metric's unit, differences in its change unit; "
                  "band: the smallest change that matters (flashpoint.metrics).")
    table.add_column("metric (unit of a level; band of a change)", ratio=1, min_width=20)
    for col in ("B median", "A median", "A-B median [5%, 95%]", "P(|A-B| > band)"):
        table.add_column(col, justify="right", no_wrap=False)
    from flashpoint.analysis.compare import paired_difference

    for _, r in tab.iterrows():
        spec = units.get(str(r["metric"]))
        if spec is None or spec.name not in METRICS:
            continue
        reg = METRICS[spec.name]
        style = ("green" if r["q05"] > reg.materiality else
                 "red" if r["q95"] < -reg.materiality else "default")
        diff = paired_difference(results[a], results[b], spec).values
        p_mat = float((abs(diff) > reg.materiality).mean())
        band = fmt_change(reg, reg.materiality).lstrip("+")
        table.add_row(f"{r['label']} [dim]({reg.level_unit}; band {band} {reg.change_unit})[/dim]",
                      fmt_value(reg, r["baseline_q50"]), fmt_value(reg, r["scenario_q50"]),
                      f"[{style}]{fmt_change(reg, r['q50'])}[/{style}] "
                      f"[{fmt_change(reg, r['q05'])}, {fmt_change(reg, r['q95'])}]",
                      f"{100 * p_mat:.0f}%")
    console.print(table)
    console.print(f"[dim]A = {a}, B = {b}. Green/red: the 5-95% range of the paired difference lies "
                  "above/below the band. P(A-B > band): share of runs with a material change "
                  "either way.[/dim]")
