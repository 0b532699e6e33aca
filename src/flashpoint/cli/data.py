"""``flashpoint data``: the datasets behind the world and their citations."""

from __future__ import annotations

import json
from dataclasses import asdict
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

__all__ = ["app"]

app = typer.Typer(no_args_is_help=True)


class Fmt(StrEnum):
    table = "table"
    json = "json"


@app.command()
def sources(fmt: Annotated[Fmt, typer.Option("--format", help="table or json")] = Fmt.table) -> None:
    """List the datasets, their versions, origins, licences and the citations their authors ask for."""
    from flashpoint.world.provenance import sources as _sources

    src = list(_sources().values())
    if fmt is Fmt.json:
        typer.echo(json.dumps([asdict(s) for s in src], indent=2))
        return
    t = Table(title="flashpoint data sources", show_lines=True)
    for c in ("id", "dataset", "version", "licence", "citation"):
        t.add_column(c, overflow="fold")
    for s in src:
        t.add_row(s.id, s.name, s.version, s.licence, s.citation)
    Console().print(t)
