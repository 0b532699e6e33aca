"""End-to-end: drive the page in headless Chromium (Debian's package, no browser download).

Opens the page served by uvicorn on a free local port, checks the network is
drawn, toggles a lever, runs a small ensemble, checks the charts and the
attribution appear, opens the claims table, and saves screenshots to
``artifacts/web-*.png``.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    uvicorn = pytest.importorskip("uvicorn")
    from flashpoint.web.app import create_app

    port = _free_port()
    config = uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline:
            pytest.fail("uvicorn did not start within 20 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def page(server: str) -> Iterator[object]:
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright for Python is not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1500, "height": 1000})
        pg = context.new_page()
        external: list[str] = []
        pg.on("request", lambda r: external.append(r.url) if not r.url.startswith(
            (server, "data:", "blob:")) else None)
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.external = external  # type: ignore[attr-defined]
        pg.errors = errors  # type: ignore[attr-defined]
        pg.goto(server + "/")
        yield pg
        context.close()
        browser.close()


def test_page_end_to_end(page: object) -> None:
    pg = page  # playwright Page
    ARTIFACTS.mkdir(exist_ok=True)
    pg.wait_for_selector("body[data-ready='1']", timeout=30_000)  # type: ignore[attr-defined]
    # the network: one circle per actor, ties drawn
    nodes = pg.locator("#network g.node")  # type: ignore[attr-defined]
    assert nodes.count() >= 30
    assert pg.locator("#network line.edge").count() > 50  # type: ignore[attr-defined]
    # hovering an actor shows its values with sources
    pg.locator("#network g.node[data-iso3='CHN'] circle").hover()  # type: ignore[attr-defined]
    tip = pg.locator("#tooltip")  # type: ignore[attr-defined]
    assert tip.is_visible() and "sipri_milex" in tip.inner_text() and "China" in tip.inner_text()
    # filtering a tie type removes its edges
    before = pg.locator("#network line.edge[data-tie='rivalry']").count()  # type: ignore[attr-defined]
    assert before > 0
    pg.locator("#tie-filters input[data-tie='rivalry']").uncheck()  # type: ignore[attr-defined]
    assert pg.locator("#network line.edge[data-tie='rivalry']").count() == 0  # type: ignore[attr-defined]
    pg.locator("#tie-filters input[data-tie='rivalry']").check()  # type: ignore[attr-defined]
    pg.mouse.move(5, 5)  # type: ignore[attr-defined]
    pg.screenshot(path=str(ARTIFACTS / "web-network.png"), full_page=True)  # type: ignore[attr-defined]

    # toggle a lever: the composition matches the catalogue's NATO+IP4 partnership
    pg.locator("#lever-nato_ip4_partnership").check()  # type: ignore[attr-defined]
    assert pg.locator("#catalogue").input_value() == "nato_ip4_partnership"  # type: ignore[attr-defined]
    pg.fill("#runs", "50")  # type: ignore[attr-defined]
    pg.fill("#years", "10")  # type: ignore[attr-defined]
    pg.click("#run")  # type: ignore[attr-defined]
    pg.wait_for_selector("#charts .chart svg path", timeout=120_000)  # type: ignore[attr-defined]
    assert "Done" in pg.locator("#run-status").inner_text()  # type: ignore[attr-defined]
    charts = pg.locator("#charts .chart")  # type: ignore[attr-defined]
    assert charts.count() >= 8
    assert "NATO" in pg.locator("#result-title").inner_text()  # type: ignore[attr-defined]
    pg.screenshot(path=str(ARTIFACTS / "web-trajectories.png"), full_page=True)  # type: ignore[attr-defined]

    # the paired-difference view redraws the charts
    pg.locator("input[name=view][value=difference]").check()  # type: ignore[attr-defined]
    assert pg.locator("#charts svg path[data-series='difference']").count() >= 8  # type: ignore[attr-defined]

    # attribution bars
    pg.click("#tabs button[data-tab='attribution']")  # type: ignore[attr-defined]
    assert pg.locator("#attribution svg rect[data-mechanism]").count() >= 1  # type: ignore[attr-defined]
    pg.screenshot(path=str(ARTIFACTS / "web-attribution.png"), full_page=True)  # type: ignore[attr-defined]

    # the claims table with verdicts for the scenario's claims
    pg.click("#tabs button[data-tab='claims']")  # type: ignore[attr-defined]
    pg.locator("#claims-current").check()  # type: ignore[attr-defined]
    rows = pg.locator("#claims-table tbody tr")  # type: ignore[attr-defined]
    assert rows.count() >= 10
    verdicts = pg.locator("#claims-table tbody .verdict:not(.v-none)")  # type: ignore[attr-defined]
    assert verdicts.count() >= 5
    pg.screenshot(path=str(ARTIFACTS / "web-claims.png"), full_page=True)  # type: ignore[attr-defined]

    assert pg.errors == []  # type: ignore[attr-defined]
    assert pg.external == [], f"the page made external requests: {pg.external}"  # type: ignore[attr-defined]
