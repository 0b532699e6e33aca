"""The web API: every endpoint, its bounds and its errors (FastAPI TestClient)."""

from __future__ import annotations

import builtins
import io
import os
import pathlib
import threading
import time
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

with warnings.catch_warnings():  # starlette's TestClient warns about httpx at import
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from flashpoint.web.app import create_app
from flashpoint.web.jobs import JobCancelled, JobQueue, QueueFullError, Reporter

INLINE: dict[str, Any] = {
    "scenario": {"name": "custom", "title": "Custom partnership and crisis"},
    "lever": [{"lever": "nato_ip4_partnership", "effect": [0.2, 0.4]}],
    "shock": [{"kind": "crisis", "at": 1, "flashpoint": "taiwan_strait", "magnitude": [0.5, 0.8]}],
}


def _client(**kw: Any) -> TestClient:
    kw.setdefault("assessments", None)  # not the developer's own store
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return TestClient(create_app(**kw))


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with _client() as c:
        yield c


def _wait(c: TestClient, job_id: str, timeout: float = 60.0, **headers: str) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        s = c.get(f"/api/jobs/{job_id}", headers=headers).json()
        if s["status"] in ("done", "failed", "cancelled"):
            return s
        time.sleep(0.05)
    pytest.fail(f"job {job_id} did not finish within {timeout} s")


@pytest.fixture(scope="module")
def finished(client: TestClient) -> dict[str, Any]:
    r = client.post("/api/jobs", json={"scenario_name": "nato_ip4_partnership", "runs": 12,
                                       "years": 10, "seed": 3})
    assert r.status_code == 202, r.text
    status = _wait(client, r.json()["id"])
    assert status["status"] == "done", status
    return status


# --------------------------------------------------------------------------- read endpoints


def test_world_has_actors_with_sources_and_typed_edges(client: TestClient) -> None:
    w = client.get("/api/world").json()
    assert len(w["actors"]) >= 30
    chn = next(a for a in w["actors"] if a["iso3"] == "CHN")
    assert chn["theatre"] == "indo_pacific"
    assert chn["values"]["milex"]["source"] == "sipri_milex"
    assert chn["values"]["milex"]["unit"].startswith("US$ bn")
    ties = {e["tie"] for e in w["edges"]}
    assert {"defence", "partnership", "rivalry"} <= ties
    usa_jpn = [e for e in w["edges"] if {e["a"], e["b"]} == {"USA", "JPN"} and e["tie"] == "defence"]
    assert usa_jpn and usa_jpn[0]["relations"][0]["source"]
    assert any(i["id"] == "NATO" for i in w["institutions"])


def test_sources_scenarios_schema_levers(client: TestClient) -> None:
    sources = client.get("/api/sources").json()
    assert any(s["id"] == "sipri_milex" and s["citation"] for s in sources)
    cat = client.get("/api/scenarios").json()
    names = {s["name"] for s in cat}
    assert {"status_quo", "nato_ip4_partnership", "taiwan_blockade"} <= names
    ip4 = next(s for s in cat if s["name"] == "nato_ip4_partnership")
    assert ip4["title"] and ip4["sources"] and ip4["claims"] > 0
    one = client.get("/api/scenarios/nato_ip4_partnership").json()
    assert one["definition"]["lever"][0]["lever"] == "nato_ip4_partnership"
    assert "[scenario]" in one["toml"]
    schema = client.get("/api/scenarios/schema").json()
    assert schema["title"] == "flashpoint scenario" and "properties" in schema
    levers = client.get("/api/levers").json()
    lv = next(x for x in levers if x["name"] == "nato_ip4_partnership")
    lo, hi = lv["effect"]
    assert lv["bounds"][0] <= lo <= hi <= lv["bounds"][1] and lv["source"]


def test_unknown_scenario_is_404_with_suggestions(client: TestClient) -> None:
    r = client.get("/api/scenarios/nato_ip4_partnershp")
    assert r.status_code == 404
    assert "nato_ip4_partnershp" in r.json()["detail"]
    assert "Did you mean 'nato_ip4_partnership'" in r.json()["detail"]
    r = client.post("/api/jobs", json={"scenario_name": "taiwan_blokade", "runs": 5, "years": 1})
    assert r.status_code == 404 and "taiwan_blockade" in r.json()["detail"]


def test_claims_catalogue_and_one_claim(client: TestClient) -> None:
    claims = client.get("/api/claims").json()
    assert len(claims) > 20
    c = claims[0]
    assert c["source"]["quote"] and c["statement"]
    one = client.get(f"/api/claims/{c['id']}").json()
    assert one["id"] == c["id"]
    r = client.get("/api/claims/engagement_binds_china_russa")
    assert r.status_code == 404 and "engagement_binds_china_russia" in r.json()["detail"]


def test_page_and_assets_are_served_from_the_package(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "flashpoint" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for name in ("app.js", "app.css"):
        assert client.get(f"/static/{name}").status_code == 200
    # no asset refers to another host
    for name in ("/", "/static/app.js", "/static/app.css"):
        text = client.get(name).text
        assert "http://" not in text.replace("http://www.w3.org/2000/svg", "")
        assert "https://" not in text
    assert client.get("/static/nothing.js").status_code == 404


# --------------------------------------------------------------------------- jobs


def test_job_result_has_bands_baseline_attribution_and_claims(client: TestClient,
                                                              finished: dict[str, Any]) -> None:
    assert finished["progress"] == 1.0 and finished["result_url"]
    res = client.get(finished["result_url"]).json()
    assert res["scenario"] == "nato_ip4_partnership" and res["baseline"] == "status_quo"
    assert res["runs"] == 12 and res["years"] == 10
    m = next(x for x in res["metrics"] if x["key"] == "tension_china_west")
    assert len(m["time"]) == 11 and m["unit"]
    for series in ("scenario", "baseline", "difference"):
        q = m[series]
        assert all(a <= b + 1e-12 for a, b in zip(q["q05"], q["q95"], strict=True))
        assert all(a <= b + 1e-12 for a, b in zip(q["q25"], q["q75"], strict=True))
    assert m["difference"]["q50"][0] == pytest.approx(0.0, abs=1e-12)  # same start
    assert any(a["key"] == "tension_china_west" and a["mechanisms"] for a in res["attribution"])
    judged = [c for c in res["claims"] if c["evaluated"]]
    from flashpoint.claims import VERDICTS

    assert judged and all(c["verdict"] in VERDICTS for c in judged)
    assert all(c["unit"] and c["threshold_source"] and "per_theory" in c for c in judged)
    assert all(0.0 <= c["ci_low"] <= c["share"] <= c["ci_high"] <= 1.0 for c in judged)
    # the verdicts are now part of the claims catalogue
    cid = judged[0]["id"]
    assert client.get(f"/api/claims/{cid}").json()["result"]["verdict"] == judged[0]["verdict"]
    listed = client.get("/api/results").json()
    assert any(r["job"] == finished["id"] and r["where"] == "memory" for r in listed)
    assert any(j["id"] == finished["id"] for j in client.get("/api/jobs").json())


def test_metrics_read_the_registry_in_its_display_units(client: TestClient,
                                                      finished: dict[str, Any]) -> None:
    from flashpoint.metrics import display_label, metric

    res = client.get(finished["result_url"]).json()
    by_key = {m["key"]: m for m in res["metrics"]}
    for m in res["metrics"]:  # one name and one unit everywhere: the registry's
        spec = metric(m["variable"])
        assert m["label"] == display_label(m["variable"], tuple(m["select"].values()))
        assert m["unit"] == spec.unit and m["change_unit"] == spec.delta_unit
        assert m["materiality"] == pytest.approx(spec.materiality_display())
        assert m["materiality_source"] == spec.materiality_source
    # war risk is shown in percent: the registry's factor is applied to the bands
    wr = by_key["war_risk_taiwan_strait"]
    assert wr["unit"].startswith("%") and wr["change_unit"] == "pp"
    assert 0.0 <= wr["scenario"]["q95"][-1] <= 100.0 and wr["materiality"] == pytest.approx(0.5)
    # the Russia-Ukraine war, under way at the start, is charted as the share of runs at war
    uk = by_key["war_ukraine"]
    assert uk["label"] == "War, Russia-Ukraine" and uk["statistic"] == "mean"
    assert uk["baseline"]["q50"][0] == pytest.approx(100.0)
    assert uk["baseline"]["q05"] == uk["baseline"]["q95"]


def test_claim_rows_carry_the_new_verdict_labels_and_the_per_theory_verdicts(
        client: TestClient, finished: dict[str, Any]) -> None:
    from flashpoint.claims import AUDIT_TAGS, VERDICTS
    from flashpoint.theories import THEORIES

    assert "no material effect" in VERDICTS and "theory-decided" in VERDICTS
    assert set(AUDIT_TAGS) == {"emergent", "input-determined", "identity"}
    res = client.get(finished["result_url"]).json()
    judged = [c for c in res["claims"] if c["evaluated"]]
    assert judged
    for c in judged:
        assert (c["audit"] or None) in (None, *AUDIT_TAGS)  # "" or None: not audited
        for k in ("effect_median", "effect_p05", "effect_p95", "baseline_p05", "baseline_p95"):
            assert c[k] == c["record"][k]  # one unit per row: the record's display unit
        if c["effect_p05"] is not None:
            assert c["effect_p05"] <= c["effect_median"] <= c["effect_p95"]
        pm = c["record"]["per_mechanism"]  # the page's "spiral: holds · deterrence: fails" line
        assert set(pm["security_dilemma"]) <= set(THEORIES["security_dilemma"].variants)
        assert all(v["verdict"] in VERDICTS for d in pm.values() for v in d.values())
    # the page and its stylesheet know every verdict and audit tag
    css = client.get("/static/app.css").text
    for label in (*VERDICTS, *AUDIT_TAGS):
        assert (".v-" if label in VERDICTS else ".tag-") + label.replace(" ", "-") in css


def test_attribution_adds_up_to_the_mean_effect(client: TestClient, finished: dict[str, Any]) -> None:
    import numpy as np

    import flashpoint

    res = client.get(finished["result_url"]).json()
    att = next(a for a in res["attribution"] if a["key"] == "nato_cohesion")
    total = sum(x["difference"] or 0.0 for x in att["mechanisms"])
    s = flashpoint.simulate(None, "nato_ip4_partnership", runs=12, years=10, seed=3)
    b = flashpoint.simulate(None, "status_quo", runs=12, years=10, seed=3)
    d = (s.nato_cohesion - b.nato_cohesion).isel(time=-1) - (s.nato_cohesion - b.nato_cohesion).isel(time=0)
    assert total == pytest.approx(float(np.mean(d.values)), abs=1e-9)


def test_inline_scenario_is_judged_on_the_claims_of_the_scenarios_it_extends(client: TestClient) -> None:
    # the custom scenario uses the partnership's lever (other magnitudes, plus a crisis): the
    # partnership's claims are judged on it, flagged as judged on a variant
    r = client.post("/api/jobs", json={"scenario": INLINE, "runs": 6, "years": 10})
    assert r.status_code == 202, r.text
    s = _wait(client, r.json()["id"])
    assert s["status"] == "done" and s["scenario"] == "custom"
    res = client.get(s["result_url"]).json()
    assert res["title"] == "Custom partnership and crisis" and res["variant_of"] == ["nato_ip4_partnership"]
    rows = res["claims"]
    assert len(rows) >= 10 and {r["variant_of"] for r in rows} == {"nato_ip4_partnership"}
    assert sum(r["evaluated"] for r in rows) >= 5
    # a verdict on a variant is not the claim's verdict on its own scenario
    listed = {c["id"]: c for c in client.get("/api/claims").json()}
    assert all((listed[r["id"]]["result"] or {}).get("job") != s["id"] for r in rows)


def test_a_shorter_custom_run_says_why_claims_are_not_judged(client: TestClient) -> None:
    r = client.post("/api/jobs", json={"scenario": INLINE, "runs": 5, "years": 2})
    res = client.get(_wait(client, r.json()["id"])["result_url"]).json()
    assert res["claims"] and not any(r["evaluated"] for r in res["claims"])
    assert all("horizon" in r["reason"] for r in res["claims"])


def test_inline_scenario_is_validated_like_a_file(client: TestClient) -> None:
    bad = {**INLINE, "lever": [{"lever": "nato_ip4_partnershipp"}]}
    r = client.post("/api/jobs", json={"scenario": bad, "runs": 5, "years": 1})
    assert r.status_code == 422 and "unknown lever" in r.json()["detail"]
    r = client.post("/api/jobs", json={"scenario": {**INLINE, "colour": "red"}, "runs": 5})
    assert r.status_code == 422 and "colour" in r.json()["detail"]
    r = client.post("/api/jobs", json={"runs": 5})
    assert r.status_code == 422 and "exactly one" in r.json()["detail"]


def test_run_size_bounds_are_422_with_the_bound(client: TestClient) -> None:
    r = client.post("/api/jobs", json={"scenario_name": "status_quo", "runs": 2001})
    assert r.status_code == 422 and "2000" in r.json()["detail"]
    r = client.post("/api/jobs", json={"scenario_name": "status_quo", "runs": 10, "years": 31})
    assert r.status_code == 422 and "30" in r.json()["detail"]
    with _client(max_runs=100) as small:
        r = small.post("/api/jobs", json={"scenario_name": "status_quo", "runs": 101})
        assert r.status_code == 422 and "at most 100 runs" in r.json()["detail"]


def test_oversized_body_is_413(client: TestClient) -> None:
    body = b'{"scenario_name": "status_quo", "pad": "' + b"x" * 70_000 + b'"}'
    r = client.post("/api/jobs", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 413 and "too large" in r.json()["detail"]
    assert "65536" in r.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while streaming
        for _ in range(40):
            yield b" " * 4096

    r = client.post("/api/jobs", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert client.get("/api/levers").status_code == 200  # still serving


PATHS = ["../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd", "....//etc/passwd"]


@pytest.mark.parametrize("evil", PATHS)
def test_paths_outside_the_store_are_never_read(client: TestClient, evil: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    real_open, real_io_open, real_read = builtins.open, io.open, pathlib.Path.read_text

    def spy_open(file: Any, *a: Any, **k: Any) -> Any:
        opened.append(str(file))
        return real_open(file, *a, **k)

    def spy_io_open(file: Any, *a: Any, **k: Any) -> Any:
        opened.append(str(file))
        return real_io_open(file, *a, **k)

    def spy_read(self: pathlib.Path, *a: Any, **k: Any) -> str:
        opened.append(str(self))
        return real_read(self, *a, **k)

    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(io, "open", spy_io_open)
    monkeypatch.setattr(pathlib.Path, "read_text", spy_read)
    for url in (f"/api/scenarios/{evil}", f"/api/jobs/{evil}", f"/api/jobs/{evil}/result",
                f"/api/claims/{evil}", f"/static/{evil}", f"/{evil}"):
        r = client.get(url)
        assert r.status_code in (400, 404), (url, r.status_code)
        assert "root:" not in r.text
    r = client.post("/api/jobs", json={"scenario_name": evil, "runs": 5})
    assert r.status_code in (404, 422) and "root:" not in r.text
    r = client.delete(f"/api/jobs/{evil}")
    assert r.status_code in (400, 404, 405)
    assert not [p for p in opened if "passwd" in p or "etc" in p.split(os.sep)]


def test_flood_of_jobs_gets_429_and_the_server_keeps_serving() -> None:
    with _client(max_jobs=3) as c:
        codes, details = [], []
        for _ in range(8):
            r = c.post("/api/jobs", json={"scenario_name": "nato_ip4_partnership", "runs": 400,
                                          "years": 30})
            codes.append(r.status_code)
            details.append(r.json())
        assert codes[:3] == [202, 202, 202]
        assert set(codes[3:]) == {429}
        msg = details[3]["detail"]
        assert "queue is full" in msg and "limit is 3" in msg
        assert c.get("/api/world").status_code == 200
        # cancel them all: the running one stops at its next step
        for d in details[:3]:
            r = c.delete(f"/api/jobs/{d['id']}")
            assert r.status_code == 200
        for d in details[:3]:
            assert _wait(c, d["id"])["status"] == "cancelled"
        r = c.get(f"/api/jobs/{details[0]['id']}/result")
        assert r.status_code == 409 and "cancelled" in r.json()["detail"]
        assert c.post("/api/jobs", json={"scenario_name": "status_quo", "runs": 4,
                                         "years": 1}).status_code == 202


def test_token_is_required_when_configured() -> None:
    token = "s3cret-token-for-tests-0123456789"
    with _client(token=token) as c:
        r = c.get("/api/world")
        assert r.status_code == 401 and "Bearer" in r.json()["detail"]
        assert r.headers["www-authenticate"] == "Bearer"
        assert c.get("/api/world", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.get("/api/levers", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        assert c.get("/").status_code == 200  # the page itself holds no data


def test_store_keeps_results(tmp_path: pathlib.Path) -> None:
    db = tmp_path / "web.duckdb"
    with _client(store_path=db) as c:
        r = c.post("/api/jobs", json={"scenario_name": "tokyo_liaison_office", "runs": 4, "years": 2})
        s = _wait(c, r.json()["id"])
        assert s["status"] == "done"
        deadline = time.monotonic() + 10
        while not any(x["where"] == "store" or x["job"] == s["id"] for x in c.get("/api/results").json()):
            assert time.monotonic() < deadline
            time.sleep(0.05)
    with _client(store_path=db) as c2:  # a new server reads it back from the store
        listed = c2.get("/api/results").json()
        assert [x["where"] for x in listed if x["job"] == s["id"]] == ["store"]
        res = c2.get(f"/api/jobs/{s['id']}/result").json()
        assert res["scenario"] == "tokyo_liaison_office" and res["metrics"]
    from flashpoint.storage.store import Store

    with Store.open(db) as st:
        n = st.read_frame("SELECT count(*) AS n FROM runs")["n"].iloc[0]
    assert n == 2  # scenario and baseline ensembles


def test_openapi_document_is_complete(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    paths = doc["paths"]
    expected = {"/api/world", "/api/sources", "/api/scenarios", "/api/scenarios/schema",
                "/api/scenarios/{name}", "/api/levers", "/api/jobs", "/api/jobs/{job_id}",
                "/api/jobs/{job_id}/result", "/api/results", "/api/claims", "/api/claims/{claim_id}"}
    assert expected <= set(paths)
    for path, ops in paths.items():
        for method, op in ops.items():
            ok = [code for code in op["responses"] if code.startswith("2")]
            assert ok, (path, method)
            content = op["responses"][ok[0]].get("content", {}).get("application/json", {})
            assert content.get("schema"), f"{method.upper()} {path} has no response schema"
            for code, resp in op["responses"].items():
                if code.startswith("4"):
                    assert resp.get("content"), f"{method.upper()} {path} {code} has no schema"
    body = paths["/api/jobs"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"].endswith("/JobRequest")
    req = doc["components"]["schemas"]["JobRequest"]
    assert req["properties"]["runs"]["maximum"] == 2000
    assert req["properties"]["years"]["maximum"] == 30
    assert "Scenario" in doc["components"]["schemas"]


# --------------------------------------------------------------------------- the queue itself


def test_queue_cancels_cooperatively_and_evicts_old_jobs() -> None:
    started = threading.Event()

    def runner(spec: Any, rep: Reporter) -> dict[str, Any]:
        started.set()
        for _ in range(10_000):
            rep.advance(1)
            time.sleep(0.001)
        return {"spec": spec}

    q = JobQueue(runner, lambda spec: 10_000.0, workers=1, max_pending=2, max_kept=2)
    try:
        a = q.submit("a", "a")
        q.submit("b", "b")
        with pytest.raises(QueueFullError, match="limit is 2"):
            q.submit("c", "c")
        assert started.wait(5)
        q.cancel(a.id)
        deadline = time.monotonic() + 5
        while q.pending() > 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert a.status == "cancelled"
        for j in q.jobs():
            q.cancel(j.id)
    finally:
        q.shutdown()
    with pytest.raises(ValueError, match="workers must be in"):
        JobQueue(runner, lambda s: 1.0, workers=9)
    rep = Reporter(a, 10)
    with pytest.raises(JobCancelled):
        rep.advance(1)


def test_serve_refuses_a_public_address_without_a_token() -> None:
    from flashpoint.cli.serve import ServeError, serve

    with pytest.raises(ServeError, match="give --token"):
        serve(host="0.0.0.0", port=8765, token=None)
    with pytest.raises(ServeError, match="at least 16 characters"):
        serve(host="0.0.0.0", port=8765, token="short")


def test_claims_show_the_latest_stored_assessment(tmp_path: pathlib.Path) -> None:
    from flashpoint.analysis.assess import assess, store_assessment
    from flashpoint.storage import Store

    db = tmp_path / "assess.duckdb"
    with Store.open(db) as st:
        store_assessment(assess(runs=6, years=10, seed=1, scenarios=["nato_ip4_partnership"]), st)
        latest = assess(runs=8, years=10, seed=2, scenarios=["nato_ip4_partnership"])
        latest_id = store_assessment(latest, st)
    with _client(assessments=db) as c:
        claims = c.get("/api/claims").json()
    ours = [x for x in claims if x["scenario"] == "nato_ip4_partnership"]
    assert ours and all(x["result"]["origin"] == "assessment" for x in ours)
    assert {x["result"]["assessment"] for x in ours} == {latest_id}
    judged = [x for x in ours if x["result"]["evaluated"]]
    assert len(judged) >= 10 and all(x["result"]["n_runs"] == 8 for x in judged)
    assert all(x["result"]["verdict"] == latest.verdicts[x["id"]].verdict for x in judged)
    other = [x for x in claims if x["scenario"] != "nato_ip4_partnership"]
    assert all(x["result"] is not None and not x["result"]["evaluated"] for x in other)
