"""``flashpoint serve``: the web page and JSON API (see docs/web.md).

Binds to 127.0.0.1 by default. Binding to any other address exposes the
server to the network, so it then requires a token (``--token`` or the
environment variable ``FLASHPOINT_TOKEN``) that every API request must send
as ``Authorization: Bearer <token>``.

The server answers only to its own host names (``--allow-host`` adds more),
refuses cross-origin state-changing requests without the token, bounds the
headers and drops clients slower than ``--request-timeout``
(:mod:`flashpoint.web.server`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flashpoint.errors import FlashpointError

__all__ = ["LOCAL_HOSTS", "serve"]

#: Addresses that only the local machine can reach.
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


class ServeError(FlashpointError, ValueError):
    """The server cannot start as asked."""


def serve(
    host: Annotated[str, typer.Option(help="Address to bind; another than 127.0.0.1 needs --token.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8765,
    token: Annotated[str | None, typer.Option(envvar="FLASHPOINT_TOKEN",
                                              help="Bearer token required by every API request.")] = None,
    db: Annotated[Path | None, typer.Option(help="DuckDB store for finished results (default: memory only).")] = None,
    workers: Annotated[int, typer.Option(min=1, max=2, help="Jobs run at once.")] = 1,
    max_jobs: Annotated[int, typer.Option(min=1, max=64, help="Jobs queued or running at most.")] = 8,
    max_runs: Annotated[int, typer.Option(min=2, max=2000, help="Largest ensemble per job.")] = 2000,
    allow_host: Annotated[list[str] | None, typer.Option(
        "--allow-host", help="Another host name the server answers to (repeatable; e.g. a "
        "reverse proxy's). Requests for any other Host get 421.")] = None,
    request_timeout: Annotated[float, typer.Option(
        min=0.5, max=300.0, help="Seconds a client may take to send a whole request.")] = 10.0,
) -> None:
    """Serve the briefing page and the JSON API (http://127.0.0.1:8765 by default)."""
    if host not in LOCAL_HOSTS and not token:
        raise ServeError(
            f"--host {host}: binding to an address other than 127.0.0.1 exposes the server; "
            "give --token (or set FLASHPOINT_TOKEN) so that every request must authenticate."
        )
    if token is not None and len(token) < 16:
        raise ServeError("--token: use at least 16 characters (e.g. python -c 'import secrets; "
                         "print(secrets.token_urlsafe(24))').")
    import math

    if not math.isfinite(request_timeout):
        raise ServeError(f"--request-timeout: expected a finite number. Got {request_timeout} instead.")
    import uvicorn

    from flashpoint.web.app import create_app
    from flashpoint.web.server import allowed_hosts_for, uvicorn_config

    if db is not None:
        from flashpoint.storage.store import check_store_path

        check_store_path(db)
    hosts = allowed_hosts_for(host, allow_host or ())
    app = create_app(db, token, max_jobs=max_jobs, max_runs=max_runs, workers=workers,
                     allowed_hosts=hosts)
    typer.echo(f"flashpoint: serving on http://{'[' + host + ']' if ':' in host else host}:{port}/"
               + (" (token required)" if token else ""))
    uvicorn.Server(uvicorn_config(app, host, port, request_timeout=request_timeout)).run()
