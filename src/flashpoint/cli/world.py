"""``flashpoint world``: show, build and validate worlds."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from flashpoint.world.model import World


__all__ = ["app"]

app = typer.Typer(no_args_is_help=True)


class Fmt(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


YearOpt = Annotated[int, typer.Option("--year", help="World year, 1995-2024 (2024 uses 2023 figures).")]
AllOpt = Annotated[bool, typer.Option("--all-states", help="All states in the data that year")]
FileOpt = Annotated[Path | None, typer.Option("--file", help="A user world file (TOML/JSON)")]


def _get(year: int, all_states: bool, file: Path | None) -> World:
    from flashpoint.world.loader import load_world, load_world_file

    if file is not None:
        return load_world_file(file)
    return load_world(year, "all" if all_states else None)


def _world_json(w: World) -> dict[str, object]:
    return {
        "year": w.year,
        "digest": w.digest(),
        "notes": list(w.notes),
        "actors": [a.to_dict() for a in w.actors],
        "institutions": [
            {"id": i.id, "name": i.name, "obligation": i.obligation, "scope": list(i.scope),
             "decision_rule": i.decision_rule, "members": list(i.members_on(w.as_of)),
             "partners": list(i.partners_on(w.as_of)), "citation": i.citation}
            for i in w.institutions
        ],
    }


@app.command()
def show(
    year: YearOpt = 2024,
    fmt: Annotated[Fmt, typer.Option("--format", help="table, json or csv")] = Fmt.table,
    actor: Annotated[str | None, typer.Option("--actor", help="ISO3 code: one actor, every value and its source")] = None,
    all_states: AllOpt = False,
    file: FileOpt = None,
) -> None:
    """Show the world: actors with their figures and provenance."""
    w = _get(year, all_states, file)
    con = Console()
    if actor is not None:
        a = w.actor(actor)
        if fmt is Fmt.json:
            typer.echo(json.dumps(a.to_dict(), indent=2))
            return
        if fmt is Fmt.csv:
            typer.echo(w.table().loc[[a.iso3]].to_csv())
            return
        t = Table(title=f"{a.name} ({a.iso3}, COW {a.ccode}, {a.theatre}, capital {a.capital}) - {w.year}")
        for c in ("field", "value", "unit", "source", "obs. year", "note / range"):
            t.add_column(c, overflow="fold")
        from flashpoint.world.model import UNITS

        for f, v in a.values().items():
            rng = f" [range {v.low:g}-{v.high:g}]" if v.low is not None and v.high is not None else ""
            t.add_row(f, f"{v.value:,.4g}", UNITS[f], v.source, str(v.year), v.note + rng)
        con.print(t)
        return
    if fmt is Fmt.json:
        typer.echo(json.dumps(_world_json(w), indent=1))
        return
    if fmt is Fmt.csv:
        typer.echo(w.table().to_csv())
        return
    t = Table(title=f"flashpoint world {w.year}: {len(w.actors)} actors" + (f" ({w.notes[0]})" if w.notes else ""))
    for c in ("iso3", "name", "theatre", "milex US$bn 2022", "milex %GDP", "GDP US$bn 2022", "pop m",
              "warheads", "ideal pt", "estimated/carried"):
        t.add_column(c, justify="right" if c not in ("iso3", "name", "theatre", "estimated/carried") else "left")
    for a in w.actors:
        flags = [f for f, v in a.values().items() if v.source == "estimate" or ("carried" in v.note
                 and not v.note.startswith(f"{w.year} world"))]
        t.add_row(a.iso3, a.name, a.theatre, f"{a.milex.value:,.1f}", f"{100 * a.milex_share.value:.2f}",
                  f"{a.gdp.value:,.0f}", f"{a.population.value:,.1f}", f"{a.warheads.value:,.0f}",
                  f"{a.ideal_point.value:.2f}", ", ".join(flags))
    con.print(t)
    con.print("Sources: see `flashpoint data sources`; one actor's provenance: `flashpoint world show --actor ISO3`.")


@app.command()
def build(
    year: YearOpt = 2024,
    all_states: AllOpt = False,
    db: Annotated[Path | None, typer.Option("--db", envvar="FLASHPOINT_DB",
                                            help="DuckDB file (default: per-user data dir)")] = None,
    file: FileOpt = None,
) -> None:
    """Build a world and write it to the DuckDB store."""
    from flashpoint.storage import Store

    w = _get(year, all_states, file)
    with Store.open(db) as s:
        dg = s.write_world(w)
        path = s.path
    typer.echo(f"world {w.year} with {len(w.actors)} actors and {len(w.relations)} relations "
               f"written to {path} (digest {dg[:12]})")


@app.command()
def validate(file: Annotated[Path, typer.Argument(help="A world file (TOML or JSON)")]) -> None:
    """Validate a user's world file; print a summary or a one-line error."""
    from flashpoint.world.loader import load_world_file

    w = load_world_file(file)
    typer.echo(f"{file}: valid world file (base year {w.year}, {len(w.actors)} actors, "
               f"{len(w.relations)} relations)")
