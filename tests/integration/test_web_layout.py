"""The page at phone (390 px) and desktop (1400 px) width, in headless Chromium (Debian's package).

Serves a store holding a small ``flashpoint assess``, so the claims and the
scorecard start with its verdicts; runs a small job; checks that the main
panel uses the width, that nothing widens the page, that the difference
charts sit on a symmetric scale, that a custom scenario extending the
NATO+IP4 partnership gets the partnership's claims judged, and saves
screenshots to ``artifacts/web-390-*.png`` and ``artifacts/web-1400-*.png``.
"""

from __future__ import annotations

import re
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


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    uvicorn = pytest.importorskip("uvicorn")
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


_SCIENTIFIC = re.compile(r"\d(?:\.\d+)?e[-+]?\d", re.IGNORECASE)


def _no_scientific_notation(pg: object) -> None:
    text = pg.locator("main").inner_text()  # type: ignore[attr-defined]
    assert not _SCIENTIFIC.findall(text), _SCIENTIFIC.findall(text)[:5]


def _badges_and_tags_are_styled(pg: object) -> None:
    """Every verdict label and audit tag has its own colours, distinct from "not run"."""
    from flashpoint.claims import AUDIT_TAGS, VERDICTS

    styles = pg.evaluate("""(classes) => classes.map((c) => {
        const e = document.createElement('span'); e.className = c; document.body.append(e);
        const s = getComputedStyle(e).backgroundColor; e.remove(); return s; })""",  # type: ignore[attr-defined]
        ["verdict v-none", *("verdict v-" + v.replace(" ", "-") for v in VERDICTS),
         *("tag tag-" + t for t in AUDIT_TAGS)])
    none, rest = styles[0], styles[1:]
    assert all(s not in (none, "rgba(0, 0, 0, 0)") for s in rest), styles
    assert len(set(styles[1:1 + len(VERDICTS)])) == len(VERDICTS)


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
    # each verdict carries its construction-audit tag, and the per-theory line
    tags = pg.locator("#claims-table tbody .verdict-wrap .tag")  # type: ignore[attr-defined]
    assert tags.count() == pg.locator("#claims-table tbody .verdict:not(.v-none)").count()  # type: ignore[attr-defined]
    audited = pg.locator("#claims-table tbody .tag-emergent, #claims-table tbody .tag-input-determined, "  # type: ignore[attr-defined]
                         "#claims-table tbody .tag-identity")
    assert audited.count() >= 10
    lines = pg.locator("#claims-table tbody .theories .theory-line")  # type: ignore[attr-defined]
    assert lines.count() >= 10
    first = lines.first.inner_text()
    assert re.match(r"reading of moves: spiral: [a-z -]+ · deterrence: [a-z -]+ · signalling: ", first), first
    _badges_and_tags_are_styled(pg)
    _no_scientific_notation(pg)
    # the scorecard: one card per option with a verdict
    pg.click("#tabs button[data-tab='scorecard']")  # type: ignore[attr-defined]
    cards = pg.locator("#scorecards .scorecard")  # type: ignore[attr-defined]
    assert cards.count() >= 2
    assert pg.locator("#scorecards .scorecard[data-option='nato_ip4_partnership'] tbody tr").count() >= 10  # type: ignore[attr-defined]
    card = pg.locator("#scorecards .scorecard[data-option='nato_ip4_partnership']")  # type: ignore[attr-defined]
    assert card.locator(".theories .theory-line").count() >= 10
    assert card.locator(".tag-emergent, .tag-input-determined, .tag-identity").count() >= 10
    _no_scientific_notation(pg)
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
    assert pg.locator("#charts .chart[data-metric='war_ukraine'] h4").inner_text() == "War, Russia-Ukraine"  # type: ignore[attr-defined]
    _no_scientific_notation(pg)
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
