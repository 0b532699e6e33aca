"""A server that holds: Host and Origin checks, header limits, slow clients, a bounded load.

A real uvicorn server on 127.0.0.1 (never any other address), with the limits
of flashpoint.web.server; every loop here is bounded in count and time.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from flashpoint.web.app import create_app
from flashpoint.web.server import MAX_HEADERS, RequestGuard, allowed_hosts_for, uvicorn_config

LOOPBACK = "127.0.0.1"
TIMEOUT = 1.0  # the request deadline used here (the default is 10 s)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[int]:
    import uvicorn

    port = _free_port()
    app = create_app(allowed_hosts=allowed_hosts_for(LOOPBACK), max_runs=50)
    srv = uvicorn.Server(uvicorn_config(app, LOOPBACK, port, request_timeout=TIMEOUT))
    thread = threading.Thread(target=srv.run, daemon=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        thread.start()
        deadline = time.monotonic() + 20
        while not srv.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert srv.started, "the server did not start within 20 s"
        yield port
        srv.should_exit = True
        thread.join(10)


def _request(port: int, method: str, path: str, headers: dict[str, str] | None = None,
             body: str | None = None) -> tuple[int, bytes]:
    con = http.client.HTTPConnection(LOOPBACK, port, timeout=10)
    try:
        con.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for k, v in {"Host": f"{LOOPBACK}:{port}", **(headers or {})}.items():
            con.putheader(k, v)
        if body is not None:
            con.putheader("Content-Type", "application/json")
            con.putheader("Content-Length", str(len(body)))
        con.endheaders(body.encode() if body is not None else None)
        r = con.getresponse()
        return r.status, r.read()
    finally:
        con.close()


def test_own_host_names_are_served(server: int) -> None:
    assert _request(server, "GET", "/api/scenarios")[0] == 200
    assert _request(server, "GET", "/api/scenarios", {"Host": f"localhost:{server}"})[0] == 200


@pytest.mark.parametrize("host", ["evil.example", f"evil.example:{LOOPBACK}", "127.0.0.1.evil.example",
                                  "", "attacker.localhost.example:80"])
def test_foreign_host_is_misdirected(server: int, host: str) -> None:
    status, body = _request(server, "GET", "/api/scenarios", {"Host": host})
    assert status in (400, 421), body
    if status == 421:
        assert b"misdirected" in body


def test_cross_origin_post_is_refused(server: int) -> None:
    body = '{"scenario_name": "status_quo", "runs": 4, "years": 1}'
    status, text = _request(server, "POST", "/api/jobs", {"Origin": "http://evil.example"}, body)
    assert status == 403 and b"cross-origin" in text
    status, _ = _request(server, "POST", "/api/jobs", {"Origin": "null"}, body)
    assert status == 403
    status, _ = _request(server, "POST", "/api/jobs", {"Sec-Fetch-Site": "cross-site"}, body)
    assert status == 403
    # the page itself (same origin) and a client without Origin (curl) may submit
    status, _ = _request(server, "POST", "/api/jobs", {"Origin": f"http://{LOOPBACK}:{server}"}, body)
    assert status in (202, 429)
    # a GET from another origin changes nothing and is served
    assert _request(server, "GET", "/api/scenarios", {"Origin": "http://evil.example"})[0] == 200


def test_too_many_or_too_long_headers(server: int) -> None:
    many = {f"X-H{k}": "1" for k in range(MAX_HEADERS + 10)}
    assert _request(server, "GET", "/api/scenarios", many)[0] in (400, 431)
    assert _request(server, "GET", "/api/scenarios", {f"X-H{k}": "1" for k in range(2000)})[0] in (400, 431)
    assert _request(server, "GET", "/api/scenarios", {"X-Big": "a" * 40_000})[0] in (400, 431)
    assert _request(server, "GET", "/api/scenarios", {"X-Big": "a" * 9_000})[0] in (400, 431)


def test_slow_clients_are_dropped(server: int) -> None:
    """40 connections sending their headers a byte at a time are closed after the deadline."""
    socks = []
    for _ in range(40):
        s = socket.create_connection((LOOPBACK, server), timeout=5)
        s.sendall(b"GET /api/scenarios HTTP/1.1\r\nHost: ")
        socks.append(s)
    start = time.monotonic()
    open_ = set(range(len(socks)))
    while open_ and time.monotonic() - start < TIMEOUT + 4:  # bounded: at most ~5 s
        for k in list(open_):
            try:
                socks[k].sendall(b"1")
            except OSError:
                open_.discard(k)
        time.sleep(0.1)
    # the peer closed: a read returns b"" (or the reset is reported)
    closed = 0
    for s in socks:
        s.settimeout(1)
        try:
            closed += s.recv(1024) == b""
        except OSError:
            closed += 1
        s.close()
    assert closed == len(socks), f"{len(socks) - closed} slow connections still open"
    assert time.monotonic() - start < TIMEOUT + 6
    # and the server still serves
    assert _request(server, "GET", "/api/scenarios")[0] == 200


def test_bounded_concurrent_load_has_no_errors(server: int) -> None:
    def get(_: int) -> int:
        return _request(server, "GET", "/api/levers")[0]

    with ThreadPoolExecutor(16) as pool:
        codes = list(pool.map(get, range(160)))
    assert codes == [200] * 160


def test_guard_in_process_with_a_token() -> None:
    """With the server's token, a cross-origin POST is allowed through to the app."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    token = "t" * 24
    app = create_app(token=token, allowed_hosts=["testserver"], max_runs=50)
    with TestClient(app) as c:
        body = {"scenario_name": "status_quo", "runs": 4, "years": 1}
        auth = {"Authorization": f"Bearer {token}"}
        assert c.post("/api/jobs", json=body, headers={"Origin": "http://evil.example"}).status_code == 403
        r = c.post("/api/jobs", json=body, headers={"Origin": "http://evil.example", **auth})
        assert r.status_code in (202, 429)
        assert c.get("/api/scenarios", headers={"Host": "evil.example", **auth}).status_code == 421
    assert RequestGuard.__doc__
