"""The root ``flashpoint`` command: registers one Typer sub-app per command group.

Errors from flashpoint (:class:`~flashpoint.errors.FlashpointError`) are
printed as one line, ``error: <message>``, with exit code 2 and no traceback.
"""

from __future__ import annotations

import sys

import typer

from flashpoint.cli import assess as assess_cli
from flashpoint.cli import claims as claims_cli
from flashpoint.cli import data as data_cli
from flashpoint.cli import explore as explore_cli
from flashpoint.cli import forecast as forecast_cli
from flashpoint.cli import run as run_cli
from flashpoint.cli import scenario as scenario_cli
from flashpoint.cli import serve as serve_cli
from flashpoint.cli import validate as validate_cli
from flashpoint.cli import world as world_cli
from flashpoint.errors import FlashpointError

__all__ = ["app", "main"]

app = typer.Typer(
    name="flashpoint",
    help="Explicit, sourced, uncertain models of the Euro-Atlantic / Indo-Pacific security system.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(world_cli.app, name="world", help="Show, build and validate worlds.")
app.add_typer(data_cli.app, name="data", help="Datasets behind the world.")
app.command(name="run")(run_cli.run)
app.command(name="serve")(serve_cli.serve)
app.command(name="assess")(assess_cli.assess)
app.command(name="compare")(assess_cli.compare)
app.add_typer(scenario_cli.app, name="scenario", help="Scenario files: schema, check, catalogue, levers.")
app.add_typer(claims_cli.app, name="claims", help="The articles' claims as hypotheses: list and evaluate them.")
app.command(name="calibrate")(validate_cli.calibrate)
app.command(name="backtest")(validate_cli.backtest)
app.command(name="sensitivity")(explore_cli.sensitivity)
app.command(name="discover")(explore_cli.discover)
app.command(name="sweep")(explore_cli.sweep)
app.command(name="forecast")(forecast_cli.forecast)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``flashpoint`` script."""
    try:
        # Without standalone mode click returns the code of typer.Exit instead of exiting.
        code = app(args=argv, standalone_mode=False)
        if isinstance(code, int) and code != 0:
            sys.exit(code)
    except FlashpointError as e:
        typer.echo(f"error: {e}", err=True)
        sys.exit(2)
    except SystemExit:
        raise
    except Exception as e:  # click usage errors in non-standalone mode
        import click

        if isinstance(e, click.exceptions.ClickException):
            e.show()
            sys.exit(e.exit_code)
        if isinstance(e, click.exceptions.Abort):
            sys.exit(1)
        raise
