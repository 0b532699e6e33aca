"""``flashpoint claims``: list the claims and evaluate them on a shared ensemble.

Registered in ``flashpoint.cli.app`` with
``app.add_typer(claims.app, name="claims")``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from flashpoint.errors import did_you_mean

if TYPE_CHECKING:
    import xarray as xr

    from flashpoint.claims import Claim, Verdict

__all__ = ["app"]

app = typer.Typer(
    help="The articles' claims as hypotheses: list them, or evaluate them on an ensemble.",
    no_args_is_help=True,
)

_STYLE = {
    "robustly holds": "bold green", "holds": "green", "contested": "yellow",
    "fails": "red", "robustly fails": "bold red",
}

FileOpt = Annotated[
    Path | None,
    typer.Option("--file", "-f", help="A claims TOML file or folder instead of the shipped catalogue."),
]
SideOpt = Annotated[
    str | None, typer.Option("--side", help="Only claims of this side: sceptic or proponent."),
]


def _console() -> Console:
    return Console(highlight=False)


def _load(file: Path | None) -> tuple[Claim, ...]:
    from flashpoint.claims import load_claims

    return load_claims(file)  # a ClaimError is reported by flashpoint.cli.app.main


def _select(claims: Sequence[Claim], ids: Sequence[str], side: str | None) -> list[Claim]:
    if side is not None and side not in ("sceptic", "proponent"):
        raise typer.BadParameter(
            f"expected 'sceptic' or 'proponent'. Got {side!r} instead.", param_hint="--side"
        )
    by_id = {c.id: c for c in claims}
    for cid in ids:
        if cid not in by_id:
            hint = did_you_mean(cid, by_id)
            raise typer.BadParameter(f"no claim {cid!r}.{hint}", param_hint="--claim")
    chosen = [by_id[c] for c in dict.fromkeys(ids)] if ids else list(claims)
    return [c for c in chosen if side is None or c.side == side]


@app.command("list")
def list_claims(file: FileOpt = None, side: SideOpt = None) -> None:
    """List the claims: id, side, source, and the hypothesis in model terms."""
    claims = _select(_load(file), (), side)
    table = Table(title=f"{len(claims)} claims", show_lines=False)
    for col in ("id", "side", "source", "claim", "hypothesis"):
        table.add_column(col, overflow="fold")
    for c in claims:
        table.add_row(c.id, c.side, c.source.seed[:3], c.paraphrase, c.describe())
    _console().print(table)


@app.command("evaluate")
def evaluate(
    claim: Annotated[
        list[str] | None, typer.Option("--claim", "-c", help="Claim id (repeatable); default all."),
    ] = None,
    runs: Annotated[int, typer.Option("--runs", "-n", min=2, help="Runs in the shared ensemble.")] = 200,
    seed: Annotated[int, typer.Option("--seed", "-s", help="Seed shared by every scenario.")] = 0,
    years: Annotated[
        float | None,
        typer.Option("--years", "-y", min=1, help="Horizon to simulate; default the longest claim horizon."),
    ] = None,
    file: FileOpt = None,
    side: SideOpt = None,
) -> None:
    """Simulate the scenarios the claims need with one seed and show the verdicts."""
    from flashpoint.limits import check_run_options

    check_run_options(runs=runs, years=years, seed=seed, min_runs=2)
    chosen = _select(_load(file), claim or (), side)
    if not chosen:
        _console().print("no claims selected.")
        raise typer.Exit(0)
    horizon = float(max(c.horizon for c in chosen)) if years is None else years
    names = list(dict.fromkeys(
        name for c in chosen for name in ((c.baseline, c.scenario) if c.is_relative else (c.scenario,))
    ))
    results = _simulate(names, runs=runs, years=horizon, seed=seed)
    from flashpoint.claims import evaluate_all

    verdicts = evaluate_all(chosen, results)  # errors are reported by flashpoint.cli.app.main
    _console().print(_verdict_table(list(verdicts.values()), runs=runs, seed=seed))


def _simulate(names: Sequence[str], *, runs: int, years: float, seed: int) -> dict[str, xr.Dataset]:
    """Run every named scenario on the default world with one seed (common random numbers)."""
    from flashpoint import load_world, simulate  # the engine is imported only when evaluating

    world = load_world()
    steps = round(years / 0.25)
    out: dict[str, xr.Dataset] = {}
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(stderr=True),
    ) as bar:
        total = bar.add_task(f"{len(names)} scenarios", total=len(names))
        for name in names:
            task = bar.add_task(f"  {name}", total=runs * steps)

            def advance(n_runs: int, _step: int, _task: TaskID = task) -> None:
                bar.advance(_task, n_runs)

            out[name] = simulate(world, name, runs=runs, years=years, seed=seed,
                                 attribution=False, progress=advance)
            bar.update(task, completed=runs * steps)
            bar.advance(total)
    return out


def _verdict_table(verdicts: Sequence[Verdict], *, runs: int, seed: int) -> Table:
    table = Table(
        title=f"claims on {runs} paired runs (seed {seed})", box=box.SIMPLE_HEAD,
        caption="side: S sceptic, P proponent; share of runs holding [95% Wilson interval]; "
        "effect: median scenario - baseline",
    )
    table.add_column("claim", overflow="fold")
    table.add_column("", no_wrap=True, min_width=1)
    table.add_column("verdict", no_wrap=True)
    table.add_column("share [95% CI]", justify="right", no_wrap=True)
    table.add_column("effect", justify="right", no_wrap=True, min_width=8)
    for v in verdicts:
        style = _STYLE[v.verdict]
        table.add_row(
            v.claim_id, v.claim.side[0].upper(), f"[{style}]{v.verdict}[/{style}]",
            f"{v.share:.2f} [{v.ci_low:.2f}, {v.ci_high:.2f}]", f"{v.median_difference:+.2g}",
        )
    return table
