"""``flashpoint scenario``: print the JSON Schema, check a file, list and show the catalogue."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from flashpoint.errors import FlashpointError, FlashpointWarning

__all__ = ["app"]

app = typer.Typer(
    name="scenario",
    help="Scenario files: JSON Schema, validation, the shipped catalogue and the lever library.",
    no_args_is_help=True,
    add_completion=False,
)


def _console(err: bool = False) -> Console:
    return Console(stderr=err, highlight=False, soft_wrap=True)


@app.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of scenario files (for editor validation)."""
    from flashpoint.scenarios import scenario_json_schema

    typer.echo(json.dumps(scenario_json_schema(), indent=2))


@app.command("check")
def check_cmd(
    file: Annotated[str, typer.Argument(help="A scenario .toml file or a catalogue name.")],
    world: Annotated[
        bool,
        typer.Option("--world/--no-world", help="Also compile against the default 2024 world."),
    ] = True,
) -> None:
    """Validate a scenario file; exit 1 with file:line, field and reason on the first error."""
    from flashpoint.scenarios import check_file

    out, err = _console(), _console(err=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", FlashpointWarning)
        try:
            arrays = None
            if world:
                from flashpoint.world import load_world

                arrays = load_world(2024).to_arrays()
            scenario = check_file(file, arrays)
        except FlashpointError as exc:
            err.print(f"[red]error[/red] {escape(str(exc))}", markup=True)
            raise typer.Exit(1) from None
    for w in caught:
        if issubclass(w.category, FlashpointWarning):
            err.print(f"[yellow]warning[/yellow] {escape(str(w.message))}", markup=True)
    n = len(scenario.lever) + len(scenario.shock) + len(scenario.edit) + len(scenario.override)
    where = " and compiles against the 2024 world" if world else ""
    out.print(f"ok: {file}: scenario {scenario.name!r} ({n} entries) is valid{where}.", markup=False)


@app.command("list")
def list_cmd(
    levers: Annotated[
        bool, typer.Option("--levers", help="List the lever library instead of the catalogue.")
    ] = False,
) -> None:
    """List the catalogue scenarios (or, with --levers, the lever library)."""
    from flashpoint.scenarios import LEVERS, catalogue

    console = _console()
    if levers:
        table = Table(title="Lever library")
        table.add_column("lever", no_wrap=True)
        for col in ("kind", "effect", "bounds", "unit"):
            table.add_column(col)
        for lever in LEVERS.values():
            table.add_row(
                lever.name, lever.kind, f"{list(lever.effect)}", f"{list(lever.bounds)}", lever.unit
            )
    else:
        table = Table(title="Scenario catalogue")
        table.add_column("name", no_wrap=True)
        table.add_column("kind", no_wrap=True)
        table.add_column("title")
        for name, sc in catalogue().items():
            kinds = {LEVERS[u.lever].kind for u in sc.lever} | ({"shock"} if sc.shock else set())
            kind = "shock" if kinds == {"shock"} else ("policy" if kinds else "baseline")
            table.add_row(name, kind, sc.scenario.title)
    console.print(table)


@app.command("show")
def show_cmd(
    name: Annotated[str, typer.Argument(help="A catalogue scenario or a lever name.")],
) -> None:
    """Show a catalogue scenario (its file, with comments) or a lever's definition."""
    from flashpoint.errors import did_you_mean
    from flashpoint.scenarios import LEVERS, catalogue_names, catalogue_path

    console = _console()
    if name in catalogue_names():
        typer.echo(Path(catalogue_path(name)).read_text(encoding="utf-8"))
        return
    if name in LEVERS:
        lever = LEVERS[name]
        console.print(f"[bold]{lever.name}[/bold]: {lever.title} ({lever.kind})", markup=True)
        for label, value in (
            ("description", lever.description),
            ("changes", lever.changes),
            ("effect", f"{list(lever.effect)} {lever.unit}"),
            ("bounds", f"{list(lever.bounds)}"),
            ("source", lever.source),
            ("passage", f"{lever.seed}: \"{lever.quote}\""),
            ("default start", f"{lever.default_start} years"),
        ):
            console.print(f"  {label}: {value}", markup=False)
        return
    hint = did_you_mean(name, [*catalogue_names(), *LEVERS])
    _console(err=True).print(f"error: no catalogue scenario or lever called {name!r}.{hint}")
    raise typer.Exit(1)
