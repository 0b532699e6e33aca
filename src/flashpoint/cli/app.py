"""The root ``flashpoint`` command: registers one Typer sub-app per command group.

One error path, whatever the typer and click versions (see :func:`main`):

- an error of flashpoint (:class:`~flashpoint.errors.FlashpointError`) prints one
  line, ``error: <message>``, and exits with code 2;
- a usage error (a bad or unknown option, a missing argument, an unknown
  command) prints one line, ``error: <command>: <message>`` with a
  did-you-mean where one is close, and exits with code 2;
- a file-system error (``OSError``) or running out of memory prints one line and
  exits with code 1; Ctrl-C exits with 130;
- a warning prints one line, ``warning: <message>`` (no source path).

Typer 0.2x raises the exception classes of its own vendored copy of click,
which do not subclass click's, so the usage errors are recognised by their
class names along the MRO (``ClickException``, ``Abort``), not by
``isinstance`` against one package's classes.

Start-up is kept fast (``flashpoint --help`` in well under half a second): the
command modules import NumPy, xarray and the engine inside their functions, and
``tests/reliability/test_cli_errors.py`` checks that ``--help`` imports none of
them.
"""

from __future__ import annotations

import os
import sys
import warnings
from typing import Any, TextIO

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
from flashpoint.errors import FlashpointError, did_you_mean

__all__ = ["app", "main", "one_line"]

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

#: Exit codes: 1 for an environment failure (file system, memory), 2 for bad input or usage.
EXIT_ENVIRONMENT = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def one_line(text: object) -> str:
    """``text`` on one line: line breaks (e.g. from pydantic) become ``"; "``."""
    parts = [p.strip() for p in str(text).splitlines()]
    return "; ".join(p for p in parts if p)


def _is(e: BaseException, name: str) -> bool:
    """``e`` is an instance of a class called ``name`` (click's or any vendored copy of it)."""
    return any(c.__name__ == name for c in type(e).__mro__)


def _usage_message(e: Exception) -> str:
    """The one-line message of a click-style usage error, with the command and a did-you-mean."""
    fmt = getattr(e, "format_message", None)
    msg = str(fmt()) if callable(fmt) else str(e)
    ctx = getattr(e, "ctx", None)
    if _is(e, "NoSuchOption"):
        name = str(getattr(e, "option_name", ""))
        options: list[str] = []
        command = getattr(ctx, "command", None)
        for p in getattr(command, "params", []) or []:
            options += [o for o in getattr(p, "opts", []) + getattr(p, "secondary_opts", [])
                        if o.startswith("--")]
        hint = did_you_mean(name, options) if name and "Did you mean" not in msg else ""
        msg = getattr(e, "message", msg) + ("." if hint else "") + hint
    path = getattr(ctx, "command_path", "") if ctx is not None else ""
    return one_line(f"{path}: {msg}" if path else msg)


def _show_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                  file: TextIO | None = None, line: str | None = None) -> None:
    """Print a warning as one line, ``warning: <message>``, without the source path."""
    stream = file if file is not None else sys.stderr
    try:
        stream.write(f"warning: {one_line(message)}\n")
    except (OSError, ValueError):  # a closed stream: nothing sensible left to do
        pass


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``flashpoint`` script: one error path (see the module docstring)."""
    if not os.environ.get("FLASHPOINT_DEBUG"):
        warnings.showwarning = _show_warning
    try:
        # Without standalone mode click returns the code of typer.Exit instead of exiting.
        code: Any = app(args=argv, standalone_mode=False)
        if isinstance(code, int) and code != 0:
            if code == EXIT_INTERRUPTED:  # Typer turns Ctrl-C into Exit(130), silently
                typer.echo("error: interrupted", err=True)
            sys.exit(code)
    except FlashpointError as e:
        typer.echo(f"error: {one_line(e)}", err=True)
        sys.exit(EXIT_USAGE)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        typer.echo("error: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except MemoryError:
        typer.echo("error: out of memory; use fewer --runs or a shorter horizon", err=True)
        sys.exit(EXIT_ENVIRONMENT)
    except Exception as e:
        if _is(e, "NoArgsIsHelpError"):  # `flashpoint` or `flashpoint world` alone: the help
            e.show()  # type: ignore[attr-defined]
            sys.exit(EXIT_USAGE)
        if _is(e, "Abort"):
            typer.echo("error: aborted", err=True)
            sys.exit(EXIT_ENVIRONMENT)
        if _is(e, "ClickException"):
            typer.echo(f"error: {_usage_message(e)}", err=True)
            code = getattr(e, "exit_code", EXIT_USAGE)
            sys.exit(code if isinstance(code, int) else EXIT_USAGE)
        if isinstance(e, OSError) and not os.environ.get("FLASHPOINT_DEBUG"):
            where = f"{e.filename}: " if e.filename else ""
            typer.echo(f"error: {where}{e.strerror or one_line(e)}", err=True)
            sys.exit(EXIT_ENVIRONMENT)
        raise
