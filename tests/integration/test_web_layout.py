"""The page at phone (390 px) and desktop (1400 px) width, in headless Chromium (Debian's package).

Serves a store holding a small ``flashpoint assess``, so the claims and the
scorecard start with its verdicts; runs a small job; checks that the main
panel uses the width, that nothing widens the page, that the difference
charts sit on a symmetric scale, that a custom scenario extending the
NATO+IP4 partnership gets the partnership's claims judged, and saves
screenshots to ``artifacts/web-390-*.png`` and ``artifacts/web-1400-*.png``.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _registry_stub() -> object | None:
    """The metric registry's interface (BRIEF: METRICS with materiality) for a branch without it."""
    try:
        import flashpoint.metrics  # noqa: F401
    except ImportError:
        import types

        stub = types.ModuleType("flashpoint.metrics")
        stub.METRICS = {"tension_china_west": types.SimpleNamespace(  # type: ignore[attr-defined]
            name="tension_china_west", unit="index", materiality=0.02,
            materiality_source="test stub of the registry interface")}
        return stub
    return None


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import sys

    uvicorn = pytest.importorskip("uvicorn")
    stub = _registry_stub()
    if stub is not None:
        sys.modules["flashpoint.metrics"] = stub  # type: ignore[assignment]
    from flashpoint.analysis.assess import assess, store_assessment
    from flashpoint.storage import Store
    from flashpoint.web.app import create_app

    db = tmp_path_factory.mktemp("store") / "assess.duckdb"
    with Store.open(db) as st:
        store_assessment(assess(runs=8, years=10, scenarios=["nato_ip4_partnership", "us_retrenchment"]), st)
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(assessments=db), host="127.0.0.1", port=port,
                                        log_level="warning"))
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
    if stub is not None:
        del sys.modules["flashpoint.metrics"]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright for Python is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


def _open(browser: object, server: str, width: int) -> object:
    ctx = browser.new_context(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.errors = errors
    pg.goto(server + "/")
    pg.wait_for_selector("body[data-ready='1']", timeout=30_000)
    return pg


def _shot(pg: object, name: str, width: int) -> None:
    """A screenshot: the whole page at desktop width, the results panel's first screen on a phone."""
    if width < 800:
        pg.evaluate("document.querySelector('main').scrollIntoView()")  # type: ignore[attr-defined]
    pg.screenshot(path=str(ARTIFACTS / f"web-{width}-{name}.png"), full_page=width > 800)  # type: ignore[attr-defined]


def _no_horizontal_overflow(pg: object, width: int) -> None:
    assert pg.evaluate("document.documentElement.scrollWidth") <= width + 1  # type: ignore[attr-defined]


def _symmetric(pg: object) -> None:
    for k in range(pg.locator("#charts .chart").count()):  # type: ignore[attr-defined]
        ticks = pg.locator("#charts .chart").nth(k).evaluate(  # type: ignore[attr-defined]
            "n => [...n.querySelectorAll('svg text.ytick')].map(t => +t.dataset.value)")
        assert ticks and min(ticks) == pytest.approx(-max(ticks)), ticks
        assert 0 in ticks


@pytest.mark.parametrize("width", [390, 1400])
def test_page_at_phone_and_desktop_width(browser: object, server: str, width: int) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    pg = _open(browser, server, width)
    main = pg.locator("main").bounding_box()  # type: ignore[attr-defined]
    assert main["width"] >= (width - 30 if width < 800 else 900)
    _no_horizontal_overflow(pg, width)
    # claims start with the stored assessment's verdicts
    pg.click("#tabs button[data-tab='claims']")  # type: ignore[attr-defined]
    assert pg.locator("#claims-table tbody .verdict:not(.v-none)").count() >= 10  # type: ignore[attr-defined]
    assert "stored assessment" in pg.locator("#claims-table tbody").inner_text()  # type: ignore[attr-defined]
    # the scorecard: one card per option with a verdict
    pg.click("#tabs button[data-tab='scorecard']")  # type: ignore[attr-defined]
    cards = pg.locator("#scorecards .scorecard")  # type: ignore[attr-defined]
    assert cards.count() >= 2
    assert pg.locator("#scorecards .scorecard[data-option='nato_ip4_partnership'] tbody tr").count() >= 10  # type: ignore[attr-defined]
    _no_horizontal_overflow(pg, width)
    _shot(pg, "scorecard", width)
    # a custom scenario: the partnership with Europe shouldering its defence
    pg.click("#tabs button[data-tab='network']")  # type: ignore[attr-defined]
    _shot(pg, "start", width)
    pg.locator("#lever-nato_ip4_partnership").check()  # type: ignore[attr-defined]
    pg.locator("#lever-europe_shoulders_defence").check()  # type: ignore[attr-defined]
    assert "judged on it" in pg.locator("#scenario-mode").inner_text()  # type: ignore[attr-defined]
    pg.fill("#runs", "20")  # type: ignore[attr-defined]
    pg.fill("#years", "10")  # type: ignore[attr-defined]
    pg.click("#run")  # type: ignore[attr-defined]
    pg.wait_for_selector("#charts .chart svg path", timeout=120_000)  # type: ignore[attr-defined]
    pg.locator("input[name=view][value=difference]").check()  # type: ignore[attr-defined]
    _symmetric(pg)
    band = pg.locator("#charts .chart[data-metric='tension_china_west'] rect.materiality")  # type: ignore[attr-defined]
    assert band.count() == 1  # the registry's materiality band is drawn about zero
    _no_horizontal_overflow(pg, width)
    _shot(pg, "difference", width)
    pg.click("#tabs button[data-tab='claims']")  # type: ignore[attr-defined]
    pg.locator("#claims-current").check()  # type: ignore[attr-defined]
    body = pg.locator("#claims-table tbody").inner_text()  # type: ignore[attr-defined]
    assert "judged on this custom scenario, which extends nato_ip4_partnership" in body
    pg.click("#tabs button[data-tab='scorecard']")  # type: ignore[attr-defined]
    assert pg.locator("#scorecards .scorecard[data-option^='custom:']").count() == 1  # type: ignore[attr-defined]
    _shot(pg, "custom-scorecard", width)
    assert pg.errors == []  # type: ignore[attr-defined]
    pg.context.close()  # type: ignore[attr-defined]
