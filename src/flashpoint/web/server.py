"""A server that holds: host and origin checks, header limits, slow-client timeouts.

``flashpoint serve`` runs the app (:func:`flashpoint.web.app.create_app`)
under uvicorn with these guards (docs/reliability.md, "The server"):

- :class:`RequestGuard` (ASGI middleware) answers **421** to a request whose
  ``Host`` is not the bound address or one of the configured names (a
  DNS-rebinding page in the user's browser reaches the loopback server under
  its own host name), **403** to a state-changing request (POST, PUT, PATCH,
  DELETE) from another origin (``Origin`` or ``Sec-Fetch-Site: cross-site``)
  unless it carries the server's bearer token, and **431** to a request with
  more than :data:`MAX_HEADERS` headers or a header longer than
  :data:`MAX_HEADER_BYTES`;
- :func:`guarded_protocol` (uvicorn's h11 protocol with a deadline) closes
  a connection that has not sent a whole request within
  :data:`REQUEST_TIMEOUT` seconds of connecting (or of its previous
  response): a client sending its headers a byte at a time is dropped;
- :func:`uvicorn_config` bounds the header block (h11's incomplete-event
  size, :data:`MAX_HEADER_BLOCK`), the connections served at once
  (:data:`MAX_CONNECTIONS`, 503 beyond) and idle keep-alive connections.
"""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = [
    "LOCAL_NAMES",
    "MAX_CONNECTIONS",
    "MAX_HEADERS",
    "MAX_HEADER_BLOCK",
    "MAX_HEADER_BYTES",
    "REQUEST_TIMEOUT",
    "RequestGuard",
    "allowed_hosts_for",
    "guarded_protocol",
    "uvicorn_config",
]

#: Headers per request at most (browsers send about 15-25).
MAX_HEADERS = 100
#: Bytes of one header (name and value) at most.
MAX_HEADER_BYTES = 8 * 1024
#: Bytes of the whole header block at most (h11 answers 400 beyond).
MAX_HEADER_BLOCK = 16 * 1024
#: Seconds a connection may take to send a whole request.
REQUEST_TIMEOUT = 10.0
#: Seconds an idle keep-alive connection stays open.
KEEP_ALIVE = 5.0
#: Connections (and requests) served at once; more get 503.
MAX_CONNECTIONS = 200
#: Names of the loopback interface (always allowed when the server is bound to it).
LOCAL_NAMES = ("127.0.0.1", "localhost", "::1")
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def allowed_hosts_for(bind: str, extra: Iterable[str] = ()) -> tuple[str, ...]:
    """Host names a server bound to ``bind`` answers to: the address, loopback names, ``extra``."""
    names = [bind.strip("[]").lower(), *(h.strip("[]").lower() for h in extra)]
    if names[0] in LOCAL_NAMES:
        names += list(LOCAL_NAMES)
    return tuple(dict.fromkeys(n for n in names if n))


def _hostname(value: str) -> str:
    """The host name of a ``Host`` header value (``[::1]:8765`` -> ``::1``), lower case."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class RequestGuard:
    """ASGI middleware: header limits (431), the ``Host`` check (421), the origin check (403).

    ``allowed_hosts`` None skips the ``Host`` check (an app embedded in tests),
    and then an ``Origin`` must match the request's own ``Host``.
    """

    def __init__(self, app: ASGIApp, allowed_hosts: Sequence[str] | None = None,
                 token: str | None = None, *, max_headers: int = MAX_HEADERS,
                 max_header_bytes: int = MAX_HEADER_BYTES) -> None:
        self.app = app
        self.allowed = None if allowed_hosts is None else {_hostname(h) for h in allowed_hosts}
        self.expected = f"Bearer {token}".encode() if token else None
        self.max_headers = max_headers
        self.max_header_bytes = max_header_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers: list[tuple[bytes, bytes]] = list(scope.get("headers", []))
        if len(headers) > self.max_headers:
            await _refuse(431, f"too many request headers: at most {self.max_headers}.",
                          scope, receive, send)
            return
        if any(len(n) + len(v) > self.max_header_bytes for n, v in headers):
            await _refuse(431, f"a request header is too long: at most {self.max_header_bytes} "
                          "bytes.", scope, receive, send)
            return
        get = {n.lower(): v.decode("latin-1") for n, v in headers}
        host = _hostname(get.get(b"host", ""))
        if self.allowed is not None and host not in self.allowed:
            await _refuse(421, f"misdirected request: this server does not answer to the host "
                          f"{host[:80]!r} (serve --allow-host adds a name).", scope, receive, send)
            return
        if str(scope.get("method", "GET")).upper() in _UNSAFE and not self._token_ok(headers):
            origin = get.get(b"origin")
            site = get.get(b"sec-fetch-site", "")
            foreign = site == "cross-site"
            if origin is not None:
                o = "" if origin == "null" else (urlsplit(origin).hostname or "")
                foreign = foreign or (o not in self.allowed if self.allowed is not None else o != host)
            if foreign:
                await _refuse(403, "cross-origin request refused: a page from another site cannot "
                              "start or cancel jobs here (send the server's bearer token to allow "
                              "it).", scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _token_ok(self, headers: list[tuple[bytes, bytes]]) -> bool:
        if self.expected is None:
            return False
        given = next((bytes(v) for n, v in headers if n.lower() == b"authorization"), b"")
        return hmac.compare_digest(given, self.expected)


async def _refuse(status: int, detail: str, scope: Scope, receive: Receive, send: Send) -> None:
    from starlette.responses import JSONResponse

    await JSONResponse({"detail": detail}, status_code=status,
                       headers={"Connection": "close"})(scope, receive, send)


def _h11_protocol() -> type[Any]:
    from uvicorn.protocols.http.h11_impl import H11Protocol

    return H11Protocol


class _Deadline:
    """The request deadline of one connection (a mixin for uvicorn's H11Protocol)."""

    request_timeout: float = REQUEST_TIMEOUT
    _fp_handle: asyncio.TimerHandle | None = None

    def _fp_start(self) -> None:
        self._fp_cancel()
        loop: asyncio.AbstractEventLoop = self.loop  # type: ignore[attr-defined]
        self._fp_handle = loop.call_later(self.request_timeout, self._fp_expire)

    def _fp_cancel(self) -> None:
        handle = getattr(self, "_fp_handle", None)
        if handle is not None:
            handle.cancel()
        self._fp_handle = None

    def _fp_expire(self) -> None:
        self._fp_handle = None
        transport = getattr(self, "transport", None)
        if transport is not None and not transport.is_closing():
            transport.close()


def _make_guarded() -> type[Any]:
    base = _h11_protocol()

    class Guarded(_Deadline, base):  # type: ignore[misc, valid-type]
        """uvicorn's h11 protocol that drops a connection slower than ``request_timeout``."""

        def connection_made(self, transport: asyncio.Transport) -> None:
            super().connection_made(transport)
            self._fp_done: object = None  # the cycle whose request was read in full
            self._fp_start()

        def data_received(self, data: bytes) -> None:
            if getattr(self, "_fp_handle", None) is None and self.cycle is self._fp_done:
                self._fp_start()  # the first bytes of the next request on a kept-alive connection
            super().data_received(data)
            cycle = self.cycle
            if cycle is not None and cycle is not self._fp_done and not cycle.more_body:
                self._fp_done = cycle
                self._fp_cancel()

        def connection_lost(self, exc: Exception | None) -> None:
            self._fp_cancel()
            super().connection_lost(exc)

    Guarded.__name__ = Guarded.__qualname__ = "GuardedH11Protocol"
    return Guarded


def guarded_protocol(request_timeout: float = REQUEST_TIMEOUT) -> type[Any]:
    """uvicorn's h11 protocol class that drops a connection slower than ``request_timeout`` s."""
    cls = _make_guarded()
    cls.request_timeout = request_timeout
    return cls


def uvicorn_config(app: ASGIApp, host: str, port: int, *, request_timeout: float = REQUEST_TIMEOUT,
                   log_level: str = "warning") -> Any:
    """A ``uvicorn.Config`` with the limits of this module (h11, bounded headers and connections)."""
    import uvicorn

    protocol = guarded_protocol(request_timeout)
    return uvicorn.Config(
        app, host=host, port=port, http=protocol, log_level=log_level,
        h11_max_incomplete_event_size=MAX_HEADER_BLOCK, limit_concurrency=MAX_CONNECTIONS,
        timeout_keep_alive=int(KEEP_ALIVE), ws="none", lifespan="on",
    )
