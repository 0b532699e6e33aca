"""``flashpoint sensitivity``, ``flashpoint discover`` and ``flashpoint sweep``.

Register in :mod:`flashpoint.cli.app` with::

    app.command(name="sensitivity")(explore_cli.sensitivity)
    app.command(name="discover")(explore_cli.discover)
    app.command(name="sweep")(explore_cli.sweep)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from flashpoint.errors import ParameterError

if TYPE_CHECKING:
    from flashpoint.analysis.sensitivity import Method, SensitivityResult, StatisticName

__all__ = ["discover", "sensitivity", "sweep"]


def _selector(items: list[str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items or []:
        if "=" not in item:
            raise ParameterError(f"--selector: expected DIM=LABEL (e.g. flashpoint=taiwan_strait). "
                                 f"Got {item!r} instead.")
        dim, label = item.split("=", 1)
        out[dim.strip()] = label.strip()
    return out


def save_sensitivity_figure(result: SensitivityResult, path: Path, top: int = 15) -> None:
    """Bar chart of S1 and ST with confidence intervals (or Morris mu* with its interval)."""
    import matplotlib
    import numpy as np

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rank = result.ranking().head(top).iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(rank) + 1.5))
    y = np.arange(len(rank))
    if result.design.method == "sobol":
        ax.barh(y - 0.2, rank["S1"], 0.4, xerr=rank["S1_conf"], label="first order $S_1$")
        ax.barh(y + 0.2, rank["ST"], 0.4, xerr=rank["ST_conf"], label="total $S_T$")
        ax.set_xlabel("share of output variance")
    else:
        ax.barh(y, rank["mu_star"], 0.6, xerr=rank["mu_star_conf"], label=r"Morris $\mu^*$")
        ax.set_xlabel("mean |elementary effect| per normalised range")
    ax.set_yticks(y, [str(f)[:48] for f in rank.index], fontsize=8)
    ax.set_title(f"{result.output} ({result.design.method}, {result.design.runs} runs)", fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)


def sensitivity(
    metric: Annotated[str, typer.Argument(help="Metric name (e.g. axis_cohesion) or claim:<id>.")],
    scenario: Annotated[str, typer.Option("--scenario", "-s", help="Scenario name or TOML.")] = "status_quo",
    method: Annotated[str, typer.Option(help="sobol or morris.")] = "sobol",
    n: Annotated[int, typer.Option("--n", help="Sobol' base sample (power of 2) or Morris trajectories.")] = 64,
    selector: Annotated[list[str] | None, typer.Option(help="DIM=LABEL, e.g. flashpoint=taiwan_strait.")] = None,
    statistic: Annotated[str, typer.Option(help="final, mean or series (per year).")] = "final",
    years: Annotated[float, typer.Option(help="Horizon in years.")] = 10,
    dt: Annotated[float, typer.Option(help="Step length in years.")] = 0.25,
    seed: Annotated[int, typer.Option(help="Seed.")] = 0,
    top: Annotated[int, typer.Option(help="Factors to show.")] = 15,
    figure: Annotated[Path | None, typer.Option(help="Figure path (PNG).")] = None,
) -> None:
    """Rank every uncertain parameter and lever effect by its Sobol' (or Morris) index."""
    from flashpoint.limits import check_run_options

    check_run_options(runs=n, years=years, dt=dt, seed=seed)
    from flashpoint.analysis.sensitivity import claim_sensitivity
    from flashpoint.analysis.sensitivity import sensitivity as run_sensitivity

    if method not in ("sobol", "morris"):
        raise ParameterError(f"--method: expected sobol or morris. Got {method!r} instead.")
    if statistic not in ("final", "mean", "series"):
        raise ParameterError(f"--statistic: expected final, mean or series. Got {statistic!r} instead.")
    if metric.startswith("claim:"):
        from flashpoint.claims import load_claims

        claims = {c.id: c for c in load_claims()}
        cid = metric.split(":", 1)[1]
        if cid not in claims:
            raise ParameterError(f"claim {cid!r}: unknown. Expected one of {sorted(claims)}.")
        result = claim_sensitivity(claims[cid], method=cast("Method", method), n=n, dt=dt, seed=seed,
                                   years=years if years < claims[cid].horizon else None)
    else:
        result = run_sensitivity(metric, scenario, method=cast("Method", method), n=n,
                                 selector=_selector(selector),
                                 statistic=cast("StatisticName", statistic),
                                 years=years, dt=dt, seed=seed)
    rank = result.ranking().head(top)
    cols = ["S1", "S1_conf", "ST", "ST_conf"] if method == "sobol" else ["mu_star", "mu_star_conf", "mu", "sigma"]
    table = Table(title=f"{result.output}: {method}, {result.design.runs} runs")
    table.add_column("factor", overflow="fold")
    for c in cols:
        table.add_column(c, justify="right")
    for name, row in rank.iterrows():
        table.add_row(str(name)[:60], *(f"{row[c]:.3f}" for c in cols))
    Console().print(table)
    path = figure or Path(f"sensitivity_{metric.replace(':', '_')}_{method}.png")
    save_sensitivity_figure(result, path)
    typer.echo(f"figure: {path}")


def discover(
    claim: Annotated[str, typer.Argument(help="Claim id (see `flashpoint claims list`).")],
    runs: Annotated[int, typer.Option(help="Runs per scenario.")] = 400,
    years: Annotated[float | None, typer.Option(help="Horizon (default: the claim's).")] = None,
    dt: Annotated[float, typer.Option(help="Step length in years.")] = 0.25,
    seed: Annotated[int, typer.Option(help="Seed.")] = 0,
    max_dims: Annotated[int, typer.Option(help="Most restricted assumptions per box.")] = 3,
    cart: Annotated[bool, typer.Option(help="Also print a CART cross-check (needs scikit-learn).")] = False,
) -> None:
    """PRIM boxes of the assumptions under which CLAIM holds or fails, in plain language."""
    from flashpoint.limits import check_run_options

    check_run_options(runs=runs, years=years, dt=dt, seed=seed, min_runs=2)
    import flashpoint
    from flashpoint.analysis.discovery import (
        box_sentence,
        cart_rules,
        deciding_assumptions,
        factor_table,
    )
    from flashpoint.claims import evaluate_claim, load_claims

    claims = {c.id: c for c in load_claims()}
    if claim not in claims:
        raise ParameterError(f"claim {claim!r}: unknown. Expected one of {sorted(claims)}.")
    c = claims[claim]
    horizon = float(c.horizon if years is None else max(years, 1))
    if horizon < c.horizon:
        c = c.model_copy(update={"horizon": int(horizon)})
    dyadic = c.metric in ("alignment", "tension", "intent")
    world = flashpoint.load_world()
    scen = flashpoint.simulate(world, c.scenario, runs=runs, years=horizon, dt=dt, seed=seed,
                               attribution=False, keep_dyadic=dyadic)
    base = (flashpoint.simulate(world, c.baseline, runs=runs, years=horizon, dt=dt, seed=seed,
                                attribution=False, keep_dyadic=dyadic) if c.is_relative else None)
    verdict = evaluate_claim(c, scen, base)
    console = Console()
    console.print(f"[bold]{c.id}[/]: {verdict.verdict} (holds in {verdict.share:.0%} of {verdict.n_runs} runs)")
    found = deciding_assumptions(verdict, max_dims=max_dims)
    table = Table(title="PRIM boxes")
    for col in ("target", "coverage", "density", "mass", "restricted assumptions"):
        table.add_column(col, overflow="fold")
    for a in found:
        lims = "; ".join(f"{lim.factor} in [{'' if lim.low is None else f'{lim.low:.3g}'}, "
                         f"{'' if lim.high is None else f'{lim.high:.3g}'}]" for lim in a.box.limits)
        table.add_row(a.target, f"{a.box.coverage:.0%}", f"{a.box.density:.0%}", f"{a.box.mass:.0%}", lims)
    console.print(table)
    for a in found:
        console.print(f"- {a.sentence}")
    if not found:
        console.print("- the outcome is the same in every run: no deciding assumption")
    if cart:
        import numpy as np

        x, meanings = factor_table(verdict.margins)
        holding = np.asarray(verdict.holding.values, dtype=bool)
        for b in cart_rules(x, holding, meanings=meanings)[:2]:
            console.print(f"- CART: {box_sentence(b, 'holds')}")


def sweep(
    scenarios: Annotated[list[str] | None, typer.Argument(help="Scenario names or TOML files.")] = None,
    runs: Annotated[int, typer.Option(help="Runs per scenario (the whole ensemble).")] = 1000,
    years: Annotated[float, typer.Option(help="Horizon in years.")] = 10,
    dt: Annotated[float, typer.Option(help="Step length in years.")] = 0.25,
    seed: Annotated[int, typer.Option(help="Seed.")] = 0,
    chunk_size: Annotated[int, typer.Option("--chunk-size", help="Runs per chunk.")] = 100,
    workers: Annotated[int, typer.Option(help="LocalCluster worker processes (0: in this process).")] = 2,
    scheduler: Annotated[str | None, typer.Option(help="Address of an existing Dask scheduler.")] = None,
    db: Annotated[Path | None, typer.Option(help="DuckDB store path.")] = None,
    retries: Annotated[int, typer.Option(help="Retries of a chunk whose worker dies.")] = 2,
) -> None:
    """Run (or resume) a chunked sweep on Dask; every finished chunk is stored atomically."""
    from flashpoint.limits import check_run_options

    check_run_options(runs=runs, years=years, dt=dt, seed=seed, chunk_size=chunk_size,
                      workers=workers)
    if retries < 0 or retries > 100:
        raise ParameterError(f"--retries: expected 0 to 100. Got {retries} instead.")
    from flashpoint.distributed.sweep import SweepConfig, plan_chunks, run_sweep, sweep_scenarios
    from flashpoint.storage import Store

    cfg = SweepConfig(sweep_scenarios(scenarios or []), runs=runs, years=years, dt=dt, seed=seed,
                      chunk_size=chunk_size)
    total = len(plan_chunks(cfg))
    with Store.open(db) as store, Progress(
        TextColumn("sweep"), BarColumn(), MofNCompleteColumn(), TextColumn("chunks"),
        TimeRemainingColumn(), transient=False,
    ) as bar:
        task = bar.add_task("sweep", total=total)
        state = {"first": -1}

        def progress(done: int, _total: int) -> None:
            if state["first"] < 0:  # skipped chunks: no time spent, keep them out of the ETA
                state["first"] = done
                bar.update(task, completed=done)
                bar.reset(task, total=total, completed=done)
            bar.update(task, completed=done)

        report = run_sweep(cfg, store, workers=workers, scheduler=scheduler, retries=retries,
                           progress=progress)
    rate = report.run_steps / report.seconds if report.seconds > 0 else float("nan")
    typer.echo(f"sweep {report.sweep_id}: {report.computed} chunks computed, {report.skipped} "
               f"already stored, {report.seconds:.1f} s ({rate:.0f} run-steps/s)")
