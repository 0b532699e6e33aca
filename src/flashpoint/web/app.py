"""The FastAPI application behind ``flashpoint serve``: a JSON API and one page.

:func:`create_app` builds the application. Everything is bounded:

* request bodies larger than ``max_body`` bytes get 413 before they are read
  (:class:`BodyLimit`);
* a job's runs and years are bounded by the request model
  (:data:`~flashpoint.web.models.MAX_RUNS`, :data:`~flashpoint.web.models.MAX_YEARS`)
  and by the application's ``max_runs``;
* at most ``max_jobs`` jobs are queued or running (429 beyond it), and at
  most ``max_kept`` jobs are remembered;
* no request names a file: scenarios are looked up by name in the shipped
  catalogue, the page's assets are read from the package once at start-up,
  and the only file written is the DuckDB store given at start-up.

When ``token`` is set every ``/api`` request needs ``Authorization: Bearer
<token>`` (:class:`TokenAuth`); the page asks for the token once and keeps it
in the browser's session storage.
"""

from __future__ import annotations

import hmac
import json
import re
import threading
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

from flashpoint.errors import FlashpointError, StoreError, suggest
from flashpoint.web.jobs import Job, JobQueue, QueueFullError, Reporter
from flashpoint.web.models import (
    MAX_RUNS,
    ClaimOut,
    EdgeOut,
    ErrorOut,
    JobOut,
    JobRequest,
    LeverOut,
    ResultOut,
    ScenarioDetail,
    ScenarioOut,
    SourceOut,
    StoredResult,
    WorldOut,
)

__all__ = ["BodyLimit", "TokenAuth", "create_app"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Default largest request body, in bytes (an inline scenario is a few kB).
MAX_BODY = 64 * 1024
_ID = re.compile(r"^[0-9a-f]{16}$")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_STATIC = {"index.html": "text/html; charset=utf-8", "app.js": "text/javascript; charset=utf-8",
           "app.css": "text/css; charset=utf-8"}
_CSP = ("default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
_TIES = {
    "defence": "defence obligation (ATOP 5.1 'defense'; alliance treaties)",
    "partnership": "partnership (NATO partners, AUKUS, IP4 ...)",
    "consultation": "consultation pact (ATOP 'consultation'; QUAD, EU ...)",
    "rivalry": "strategic rivalry or active dispute",
}
_KIND_TIE = {"defense": "defence", "partnership": "partnership", "consultation": "consultation",
             "rivalry": "rivalry", "dispute": "rivalry"}


def _json_error(status: int, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


class BodyLimit:
    """ASGI middleware: 413 for request bodies above ``limit`` bytes (declared or streamed)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        message = (f"request body too large: the limit is {self.limit} bytes. Send a smaller "
                   "scenario (a catalogue name or an inline scenario of a few kB).")
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = self.limit + 1
                if declared > self.limit:
                    await _json_error(413, message)(scope, receive, send)
                    return
        # read the body here (it is small by construction) so the limit holds for streamed bodies too
        chunks: list[Message] = []
        seen = 0
        while True:
            msg = await receive()
            if msg["type"] != "http.request":
                chunks.append(msg)
                break
            seen += len(msg.get("body", b""))
            if seen > self.limit:
                await _json_error(413, message)(scope, receive, send)
                return
            chunks.append(msg)
            if not msg.get("more_body", False):
                break

        async def replay() -> Message:
            return chunks.pop(0) if chunks else await receive()

        await self.app(scope, replay, send)


class TokenAuth:
    """ASGI middleware: every ``/api`` request needs ``Authorization: Bearer <token>``."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and str(scope.get("path", "")).startswith("/api"):
            given = b""
            for name, value in scope.get("headers", []):
                if name == b"authorization":
                    given = bytes(value)
            if not hmac.compare_digest(given, self.expected):
                await _json_error(
                    401, "a token is required: send the header 'Authorization: Bearer <token>' "
                         "(the token given to 'flashpoint serve --token' or FLASHPOINT_TOKEN).",
                    {"WWW-Authenticate": "Bearer"})(scope, receive, send)
                return
        await self.app(scope, receive, send)


@cache
def _static_files() -> dict[str, bytes]:
    root = resources.files("flashpoint.web") / "static"
    return {name: (root / name).read_bytes() for name in _STATIC}


# --------------------------------------------------------------------------- world views


def _world_doc() -> dict[str, Any]:
    from flashpoint.world import load_world
    from flashpoint.world.model import UNITS

    w = load_world()
    member_of: dict[str, list[str]] = {a.iso3: [] for a in w.actors}
    institutions = []
    for inst in w.institutions:
        ms, ps = inst.members_on(w.as_of), inst.partners_on(w.as_of)
        for code in (*ms, *ps):
            if code in member_of and inst.id not in member_of[code]:
                member_of[code].append(inst.id)
        institutions.append({"id": inst.id, "name": inst.name, "obligation": inst.obligation,
                             "scope": list(inst.scope), "decision_rule": inst.decision_rule,
                             "citation": inst.citation, "members": list(ms), "partners": list(ps)})
    actors = []
    for a in w.actors:
        values = {}
        for f, v in a.values().items():
            d = v.to_dict()
            val = float(v.value)
            values[f] = {"value": val if val == val else None, "unit": UNITS.get(f, ""),
                         "source": v.source, "year": v.year, "note": str(d.get("note", "")),
                         "low": v.low, "high": v.high}
        actors.append({"iso3": a.iso3, "name": a.name, "theatre": a.theatre,
                       "capital": a.capital, "institutions": member_of[a.iso3], "values": values})
    codes = set(w.iso3)
    pairs: dict[tuple[str, str, str], dict[str, Any]] = {}
    for r in w.relations:
        tie = _KIND_TIE.get(r.kind)
        if tie is None or r.a not in codes or r.b not in codes or r.a == r.b:
            continue
        lo, hi = sorted((r.a, r.b))
        e = pairs.setdefault((lo, hi, tie), {"a": lo, "b": hi, "tie": tie, "dirs": set(),
                                           "relations": []})
        e["dirs"].add((r.a, r.b))
        e["relations"].append({"a": r.a, "b": r.b, "kind": r.kind, "source": r.source,
                               "year": r.year, "note": r.note})
    edges = [EdgeOut(a=e["a"], b=e["b"], tie=e["tie"], mutual=len(e["dirs"]) > 1,
                     relations=e["relations"]).model_dump() for e in pairs.values()]
    return {"year": w.year, "digest": w.digest(), "theatres": ["euro_atlantic", "indo_pacific", "other"],
            "tie_types": _TIES, "actors": actors, "institutions": institutions, "edges": edges,
            "relations": len(w.relations)}


# --------------------------------------------------------------------------- the application


@dataclass
class _Spec:
    """What a worker needs to run one job."""

    name: str
    title: str
    scenario: Any  # a Scenario, compiled in the worker
    claims_scenario: str  # claims about this scenario are evaluated ('' for none)
    runs: int
    years: int
    seed: int
    dt: float
    variant_of: tuple[str, ...] = ()  # catalogue scenarios a custom one extends (their claims too)


class _State:
    """Shared, lazily built data of one application."""

    def __init__(self, store_path: Path | None, assessments: Path | None = None) -> None:
        self.store_path = store_path
        self.assessments = assessments  # the store whose latest `flashpoint assess` the page shows
        self._assessed: tuple[float, dict[str, dict[str, Any]]] | None = None
        self.store_lock = threading.Lock()
        self.verdicts: dict[str, dict[str, Any]] = {}
        self.datasets: dict[str, tuple[Any, Any]] = {}  # job id -> ensembles awaiting storage
        self.verdict_lock = threading.Lock()

    @property
    def world(self) -> dict[str, Any]:
        return _cached_world()

    def assessed(self) -> dict[str, dict[str, Any]]:
        """The latest stored assessment's verdicts by claim id (re-read when the file changes)."""
        path = self.assessments
        if path is None or not path.exists():
            return {}
        mtime = path.stat().st_mtime
        if self._assessed is None or self._assessed[0] != mtime:
            if self.store_path is not None and path.resolve() == self.store_path.resolve():
                with self.store_lock:  # the server's own store: never beside its writer
                    found = _latest_assessment(path)
            else:
                found = _latest_assessment(path)
            if found:
                self._assessed = (mtime, found)
            else:  # none yet, or the file is locked by a writer (a job storing its result):
                # keep what was read before and read again on the next request
                self._assessed = (-1.0, self._assessed[1] if self._assessed else {})
        return self._assessed[1]

    @property
    def arrays(self) -> Any:
        return _cached_arrays()


@cache
def _cached_world() -> dict[str, Any]:
    return _world_doc()


@cache
def _cached_arrays() -> Any:
    from flashpoint.world import load_world

    return load_world().to_arrays()


@cache
def _catalogue() -> dict[str, Any]:
    from flashpoint.scenarios import catalogue

    return catalogue()


@cache
def _claims() -> tuple[Any, ...]:
    from flashpoint.claims import load_claims

    return load_claims()


def _scenario_out(name: str, sc: Any, detail: bool = False) -> dict[str, Any]:
    n_claims = sum(1 for c in _claims() if c.scenario == name)
    out: dict[str, Any] = {
        "name": name, "title": sc.scenario.title, "description": sc.scenario.description,
        "sources": [{"seed": s.seed, "quote": s.quote} for s in sc.scenario.sources],
        "levers": [u.lever for u in sc.lever], "shocks": [s.kind for s in sc.shock],
        "claims": n_claims,
    }
    if detail:
        from flashpoint.scenarios import dump_toml

        out["definition"] = sc.model_dump(mode="json")
        out["toml"] = dump_toml(sc)
    return out


def _unknown_scenario(name: str) -> HTTPException:
    names = sorted(_catalogue())
    close = suggest(name, names) if _NAME.match(name) else []
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    shown = name if len(name) <= 80 else name[:77] + "..."
    return HTTPException(404, f"unknown scenario {shown!r}: not in the catalogue.{hint} "
                              "GET /api/scenarios lists the catalogue.")


def _iso(t: datetime | None) -> str | None:
    return None if t is None else t.isoformat(timespec="seconds")


def create_app(store_path: str | Path | None = None, token: str | None = None, *,
               max_jobs: int = 8, max_runs: int = MAX_RUNS, max_kept: int = 32,
               workers: int = 1, max_body: int = MAX_BODY,
               assessments: str | Path | None = "default",
               allowed_hosts: Sequence[str] | None = None) -> FastAPI:
    """Build the flashpoint web application.

    Parameters
    ----------
    store_path : str or Path, optional
        DuckDB store for finished results (scenario and baseline ensembles
        and the page's result document). None keeps results in memory only.
    token : str, optional
        When set, every ``/api`` request needs ``Authorization: Bearer <token>``.
    max_jobs : int
        Jobs queued or running at most; more submissions get 429.
    max_runs : int
        Largest ensemble a job may ask for (at most :data:`MAX_RUNS`).
    max_kept : int
        Jobs (and results) remembered in memory, least recently used dropped first.
    workers : int
        Jobs run at once (1-2; each simulation is vectorised).
    max_body : int
        Largest request body in bytes; larger ones get 413.
    assessments : str or Path, optional
        The store whose latest ``flashpoint assess`` verdicts the claims show
        until a job on this server judges them; ``"default"``: ``store_path``
        if given, else the assess command's default store
        (:func:`flashpoint.storage.default_db_path`); None: none.
    allowed_hosts : sequence of str, optional
        Host names the server answers to (others get 421); None skips the
        check (``flashpoint serve`` always passes its bound address). Header
        limits and the cross-origin check apply in any case
        (:class:`flashpoint.web.server.RequestGuard`).
    """
    if not 1 <= max_runs <= MAX_RUNS:
        raise ValueError(f"max_runs must be in [1, {MAX_RUNS}]. Got {max_runs} instead.")
    if assessments == "default":
        from flashpoint.storage import default_db_path

        assessments = store_path if store_path is not None else default_db_path()
    state = _State(Path(store_path) if store_path is not None else None,
                   Path(assessments) if assessments is not None else None)

    def work(spec: _Spec) -> float:
        from flashpoint.engine.run import steps_for

        sims = 1 if spec.name == "status_quo" else 2
        return float(sims * spec.runs * steps_for(float(spec.years), spec.dt))

    def run_job(spec: _Spec, reporter: Reporter) -> dict[str, Any]:
        return _run(state, spec, reporter)

    def on_done(job: Job) -> None:
        if job.result is None:
            return
        with state.verdict_lock:
            for row in job.result["claims"]:
                if row.get("evaluated") and not row.get("variant_of"):
                    state.verdicts[row["id"]] = {**row, "job": job.id}
        if state.store_path is not None:
            try:
                _store_result(state, job)
            except StoreError as e:  # the store is held by another process: keep it in memory
                import logging

                logging.getLogger("flashpoint.web").warning("job %s not stored: %s", job.id, e)

    queue = JobQueue(run_job, work, workers=workers, max_pending=max_jobs,
                     max_kept=max(max_kept, max_jobs), on_done=on_done)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> Any:
        yield
        queue.shutdown()

    app = FastAPI(
        title="flashpoint",
        version=_version(),
        summary="Explore the Euro-Atlantic / Indo-Pacific security system, run scenarios, "
                "read the claims' verdicts.",
        lifespan=lifespan,
        docs_url=None,  # the Swagger/ReDoc pages load scripts from a CDN; /openapi.json stays
        redoc_url=None,
        responses={401: {"model": ErrorOut, "description": "Token required"},
                   413: {"model": ErrorOut, "description": "Request body too large"}},
    )
    app.state.queue = queue
    app.state.flashpoint = state
    app.state.max_runs = max_runs

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
            parts.append(f"{loc or 'body'}: {err.get('msg', 'invalid')}")
        return JSONResponse({"detail": "; ".join(parts)[:2000]}, status_code=422)

    @app.middleware("http")
    async def _headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = _CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    err: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut}}

    # ----------------------------------------------------------------- page
    @app.get("/", include_in_schema=False)
    def page() -> Response:
        return Response(_static_files()["index.html"], media_type=_STATIC["index.html"])

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        if name not in _STATIC:
            raise HTTPException(404, f"no asset {name[:80]!r}; the page has {', '.join(_STATIC)}.")
        return Response(_static_files()[name], media_type=_STATIC[name],
                        headers={"Cache-Control": "no-cache"})

    # ----------------------------------------------------------------- world
    @app.get("/api/world", response_model=WorldOut, tags=["world"])
    def world() -> dict[str, Any]:
        """Actors with their sourced values, institutions, and the ties the page draws."""
        return state.world

    @app.get("/api/sources", response_model=list[SourceOut], tags=["world"])
    def sources_() -> list[dict[str, str]]:
        """The datasets behind the world, with versions, licences and citations."""
        from flashpoint.world import sources

        return [{"id": s.id, "name": s.name, "version": s.version, "origin": s.origin,
                 "licence": s.licence, "citation": s.citation} for s in sources().values()]

    # ----------------------------------------------------------------- scenarios
    @app.get("/api/scenarios", response_model=list[ScenarioOut], tags=["scenarios"])
    def scenarios() -> list[dict[str, Any]]:
        """The scenario catalogue: titles, descriptions, seed passages, levers and shocks."""
        return [_scenario_out(n, sc) for n, sc in _catalogue().items()]

    @app.get("/api/scenarios/schema", response_model=dict[str, Any], tags=["scenarios"])
    def scenario_schema() -> dict[str, Any]:
        """JSON Schema of the scenario format (the same model validates POST /api/jobs)."""
        from flashpoint.scenarios import scenario_json_schema

        return scenario_json_schema()

    @app.get("/api/scenarios/{name}", response_model=ScenarioDetail, responses=err,
             tags=["scenarios"])
    def scenario(name: str) -> dict[str, Any]:
        """One catalogue scenario with its definition and TOML text."""
        sc = _catalogue().get(name) if _NAME.match(name) else None
        if sc is None:
            raise _unknown_scenario(name)
        return _scenario_out(name, sc, detail=True)

    @app.get("/api/levers", response_model=list[LeverOut], tags=["scenarios"])
    def levers() -> list[dict[str, Any]]:
        """The lever library: policy options and shocks with their effect ranges and sources."""
        from flashpoint.scenarios import LEVERS

        return [{"name": lv.name, "title": lv.title, "description": lv.description,
                 "changes": lv.changes, "kind": lv.kind, "effect": lv.effect, "bounds": lv.bounds,
                 "unit": lv.unit, "source": lv.source, "seed": lv.seed, "quote": lv.quote,
                 "default_start": lv.default_start} for lv in LEVERS.values()]

    # ----------------------------------------------------------------- jobs
    def job_out(job: Job) -> dict[str, Any]:
        spec: _Spec = job.spec
        return {"id": job.id, "status": job.status, "progress": round(job.progress, 4),
                "scenario": spec.name, "runs": spec.runs, "years": spec.years, "seed": spec.seed,
                "created": _iso(job.created), "started": _iso(job.started),
                "finished": _iso(job.finished), "queue_position": queue.position(job),
                "error": job.error,
                "result_url": f"/api/jobs/{job.id}/result" if job.finished_ok else None}

    @app.post("/api/jobs", response_model=JobOut, status_code=202, tags=["jobs"],
              responses={404: {"model": ErrorOut}, 422: {"model": ErrorOut},
                         429: {"model": ErrorOut}})
    def submit(req: JobRequest) -> dict[str, Any]:
        """Queue a simulation of a scenario and of the baseline with the same seed."""
        if req.runs > max_runs:
            raise HTTPException(422, f"runs: at most {max_runs} runs per job on this server. "
                                     f"Got {req.runs} instead.")
        if req.scenario_name is not None:
            sc = _catalogue().get(req.scenario_name)
            if sc is None:
                raise _unknown_scenario(req.scenario_name)
            claims_for = req.scenario_name
        else:
            sc = req.scenario
            assert sc is not None  # JobRequest requires one of the two
            claims_for = _catalogue_twin(sc)
        variant_of = () if claims_for else _variant_of(sc)
        from flashpoint.scenarios import compile_scenario

        try:  # actors and groups resolve against the world now, so errors come back as 422
            compile_scenario(sc, state.arrays)
        except FlashpointError as e:
            raise HTTPException(422, f"scenario: {e}") from None
        spec = _Spec(name=sc.scenario.name, title=sc.scenario.title, scenario=sc,
                     claims_scenario=claims_for, runs=req.runs, years=req.years, seed=req.seed,
                     dt=float(req.dt), variant_of=variant_of)
        try:
            job = queue.submit(spec, spec.name)
        except QueueFullError as e:
            raise HTTPException(429, str(e), headers={"Retry-After": "10"}) from None
        return job_out(job)

    @app.get("/api/jobs", response_model=list[JobOut], tags=["jobs"])
    def jobs() -> list[dict[str, Any]]:
        """Every remembered job, oldest first."""
        return [job_out(j) for j in queue.jobs()]

    def find(job_id: str) -> Job:
        job = queue.get(job_id) if _ID.match(job_id) else None
        if job is None:
            raise HTTPException(404, f"no job {job_id[:40]!r} (unknown, or forgotten after "
                                     f"{queue.max_kept} newer jobs).")
        return job

    @app.get("/api/jobs/{job_id}", response_model=JobOut, responses=err, tags=["jobs"])
    def job_status(job_id: str) -> dict[str, Any]:
        """A job's status and progress (0-1)."""
        return job_out(find(job_id))

    @app.delete("/api/jobs/{job_id}", response_model=JobOut, responses=err, tags=["jobs"])
    def cancel(job_id: str) -> dict[str, Any]:
        """Cancel a job (a running job stops at its next step)."""
        find(job_id)
        job = queue.cancel(job_id)
        assert job is not None
        return job_out(job)

    @app.get("/api/jobs/{job_id}/result", response_model=ResultOut,
             responses={**err, 409: {"model": ErrorOut}}, tags=["jobs"])
    def result(job_id: str) -> dict[str, Any]:
        """Key metric trajectories (quantile bands), baseline comparison, attribution, claims."""
        job = queue.get(job_id) if _ID.match(job_id) else None
        if job is None:
            stored = _load_stored(state, job_id) if _ID.match(job_id) else None
            if stored is None:
                raise HTTPException(404, f"no result for job {job_id[:40]!r}.")
            return stored
        if not job.finished_ok:
            raise HTTPException(409, f"job {job_id} is {job.status}; it has no result"
                                     + (f": {job.error}" if job.error else "."))
        assert job.result is not None
        return job.result

    @app.get("/api/results", response_model=list[StoredResult], tags=["jobs"])
    def results() -> list[dict[str, Any]]:
        """Finished results: in memory, and in the store when the server has one."""
        out = [{"job": j.id, "scenario": j.spec.name, "runs": j.spec.runs, "years": j.spec.years,
                "seed": j.spec.seed, "finished": _iso(j.finished), "where": "memory"}
               for j in queue.jobs() if j.finished_ok]
        seen = {r["job"] for r in out}
        out += [r for r in _list_stored(state) if r["job"] not in seen]
        return out

    # ----------------------------------------------------------------- claims
    def claim_out(c: Any) -> dict[str, Any]:
        with state.verdict_lock:
            res = state.verdicts.get(c.id)
        stored = state.assessed().get(c.id)
        if res is None:
            res = stored
        elif stored and stored.get("audit") and not res.get("audit"):
            # a job's verdict is not audited; the claim's construction audit (from the
            # stored assessment) still says how the claim is built
            res = dict(res, assessed_audit=stored["audit"],
                       assessed_audit_detail=stored.get("audit_detail") or "")
        return {"id": c.id, "side": c.side, "paraphrase": c.paraphrase, "statement": c.describe(),
                "source": {"seed": c.source.seed, "quote": c.source.quote}, "metric": c.metric,
                "direction": c.direction, "scenario": c.scenario, "baseline": c.baseline,
                "horizon": c.horizon, "note": c.note, "threshold": c.threshold,
                "unit": _metric_unit(c.metric), "result": res}

    @app.get("/api/claims", response_model=list[ClaimOut], tags=["claims"])
    def claims() -> list[dict[str, Any]]:
        """The claims catalogue, each with its latest verdict: from a job on this server, else
        from the latest stored ``flashpoint assess`` (``result.origin`` says which)."""
        return [claim_out(c) for c in _claims()]

    @app.get("/api/claims/{claim_id}", response_model=ClaimOut, responses=err, tags=["claims"])
    def claim(claim_id: str) -> dict[str, Any]:
        """One claim with its latest verdict."""
        for c in _claims():
            if c.id == claim_id:
                return claim_out(c)
        ids = [c.id for c in _claims()]
        close = suggest(claim_id, ids) if _NAME.match(claim_id) else []
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise HTTPException(404, f"unknown claim {claim_id[:80]!r}.{hint}")

    app.add_middleware(_Wrap, wrap=lambda a: BodyLimit(a, max_body))
    if token:
        app.add_middleware(_Wrap, wrap=lambda a: TokenAuth(a, token))
    from flashpoint.web.server import RequestGuard

    # outermost: header limits, Host (DNS rebinding) and Origin checks before anything else
    app.add_middleware(_Wrap, wrap=lambda a: RequestGuard(a, allowed_hosts, token))
    return app


class _Wrap:
    """Adapter so a plain ASGI middleware can be added with ``app.add_middleware``."""

    def __init__(self, app: ASGIApp, wrap: Callable[[ASGIApp], ASGIApp]) -> None:
        self.inner = wrap(app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.inner(scope, receive, send)


def _version() -> str:
    from flashpoint import __version__

    return str(__version__)


def _catalogue_twin(sc: Any) -> str:
    """The catalogue name of an inline scenario identical to a catalogue one, else ''."""
    from flashpoint.scenarios import digest

    twin = _catalogue().get(sc.scenario.name)
    return sc.scenario.name if twin is not None and digest(twin) == digest(sc) else ""


def _metric_unit(name: str) -> str:
    """The metric's unit from the metric registry (``flashpoint.metrics``), '' without one."""
    try:
        from flashpoint.metrics import METRICS
    except ImportError:
        return ""
    spec = METRICS.get(name)
    return str(getattr(spec, "unit", "")) if spec is not None else ""


def _variant_of(sc: Any) -> tuple[str, ...]:
    """Catalogue scenarios a custom scenario extends: it uses every one of their levers.

    Only catalogue scenarios made of levers alone (no edits, shocks or
    overrides) and with at least one lever count; their claims are judged on
    the custom scenario too (the page says so), so a composition that adds a
    lever to the NATO+IP4 partnership, or changes its magnitudes, still has
    the partnership's claims judged.
    """
    mine = {u.lever for u in sc.lever}
    out = []
    for name, cat in _catalogue().items():
        levers = {u.lever for u in cat.lever}
        if levers and not (cat.edit or cat.shock or cat.override) and levers <= mine:
            out.append(name)
    return tuple(sorted(out))


def _latest_assessment(path: Path) -> dict[str, dict[str, Any]]:
    """Verdicts of the newest assessment in the store at ``path`` (read-only; {} if none)."""
    import duckdb

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:  # locked by a running assessment, or not a DuckDB file
        return {}
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if not {"assessments", "assessment_verdicts"} <= tables:
            return {}
        head = con.execute("SELECT assessment, created_at, runs, years FROM assessments "
                           "ORDER BY created_at DESC LIMIT 1").fetchone()
        if head is None:
            return {}
        df = con.execute("SELECT * FROM assessment_verdicts WHERE assessment = ?", [head[0]]).df()
        records: dict[str, dict[str, Any]] = {}
        if "claim_verdicts" in tables:  # the full machine-readable records (schema v4)
            for cid, text in con.execute("SELECT id, record FROM claim_verdicts WHERE "
                                         "assessment = ?", [head[0]]).fetchall():
                try:
                    rec = json.loads(text)
                except (TypeError, ValueError):
                    continue
                if isinstance(rec, dict):
                    records[str(cid)] = rec
    except duckdb.Error:
        return {}
    finally:
        con.close()
    claims = {c.id: c for c in _claims()}
    out: dict[str, dict[str, Any]] = {}
    for rec in df.to_dict("records"):
        c = claims.get(str(rec.get("claim", "")))
        if c is None:
            continue
        row = {str(k): _json_value(v) for k, v in rec.items()
               if k not in ("assessment", "claim", "quote", "seed", "paraphrase")}
        verdict = row.get("verdict")
        evaluated = bool(verdict) and verdict != "not evaluated"
        row.update(id=c.id, side=c.side, paraphrase=c.paraphrase, metric=c.metric,
                   direction=c.direction, statement=c.describe(), horizon=c.horizon,
                   scenario=c.scenario, baseline=c.baseline, threshold=c.threshold,
                   evaluated=evaluated, verdict=verdict if evaluated else None,
                   reason="" if evaluated else str(row.get("skipped") or "not evaluated"),
                   origin="assessment", assessment=str(head[0]),
                   assessed_at=_iso(head[1]) if isinstance(head[1], datetime) else str(head[1]),
                   deciding_text=str(row.pop("deciding_assumptions", "") or ""))
        if row.get("n_runs") is not None:
            row["n_runs"] = int(row["n_runs"])
        if c.id in records:
            row["record"] = records[c.id]
        for k, val in records.get(c.id, {}).items():  # unit, band, audit tag, per-theory verdicts
            if k not in ("id", "side", "scenario", "baseline", "metric", "verdict", "horizon",
                         "direction", "threshold"):
                row.setdefault(k, val)
        out[c.id] = row
    return out


def _json_value(v: Any) -> Any:
    """A JSON-safe value of a stored cell (NaN -> None, numpy scalars -> Python)."""
    import math

    if hasattr(v, "item") and not isinstance(v, (list, dict)):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    return str(v)


def _run(state: _State, spec: _Spec, reporter: Reporter) -> dict[str, Any]:
    """Simulate the scenario and the baseline (same seed) and summarise them."""
    import flashpoint
    from flashpoint.engine.run import steps_for
    from flashpoint.web.summary import summarise

    arrays = state.arrays
    records = spec.years + 1
    # keep the dyadic fields (some claims read them) only while they stay small
    keep = spec.runs * records * arrays.n * arrays.n * 8 * 3 < 2.5e8

    def progress(runs_in_chunk: int, step: int) -> None:
        reporter.advance(runs_in_chunk)

    reporter.check()
    kw = {"runs": spec.runs, "years": spec.years, "seed": spec.seed, "dt": spec.dt,
          "keep_dyadic": keep, "progress": progress}
    scen = flashpoint.simulate(arrays, spec.scenario, **kw)  # type: ignore[arg-type]
    if spec.name == "status_quo":
        base = scen
    else:
        base = flashpoint.simulate(arrays, _catalogue()["status_quo"], **kw)  # type: ignore[arg-type]
    claims = [c for c in _claims() if (spec.claims_scenario and c.scenario == spec.claims_scenario)
              or c.scenario in spec.variant_of]
    doc = summarise(scen, base, scenario_name=spec.claims_scenario or spec.name,
                    baseline_name="status_quo", claims=claims, variant_of=spec.variant_of)
    doc["variant_of"] = list(spec.variant_of)
    doc.update(scenario=spec.name, title=spec.title, runs=spec.runs, years=spec.years,
               seed=spec.seed, job=reporter.job.id)
    doc["provenance"]["steps"] = steps_for(float(spec.years), spec.dt)
    if state.store_path is not None:
        state.datasets[reporter.job.id] = (scen, base)
    return doc


def _store_result(state: _State, job: Job) -> None:
    """Write a finished job to the DuckDB store: both ensembles and the page's document."""
    from flashpoint.storage.results import save_result
    from flashpoint.storage.store import Store

    assert job.result is not None and state.store_path is not None
    datasets = state.datasets.pop(job.id, None)
    # One transaction: a killed server leaves the job stored whole or not at all.
    with state.store_lock, Store.open(state.store_path) as st, st.transaction():
        if datasets is not None:
            for ds in datasets:
                save_result(st, ds)
        st.con.execute("CREATE TABLE IF NOT EXISTS web_results (job VARCHAR, scenario VARCHAR, "
                       "runs INTEGER, years INTEGER, seed BIGINT, finished VARCHAR, doc VARCHAR)")
        st.con.execute("DELETE FROM web_results WHERE job = ?", [job.id])
        st.write_frame("web_results", pd.DataFrame([{
            "job": job.id, "scenario": job.spec.name, "runs": job.spec.runs,
            "years": job.spec.years, "seed": job.spec.seed, "finished": _iso(job.finished),
            "doc": json.dumps(job.result, allow_nan=False)}]))


def _list_stored(state: _State) -> list[dict[str, Any]]:
    if state.store_path is None or not state.store_path.exists():
        return []
    from flashpoint.storage.store import Store

    # open under the lock: one process may not hold the file read-only (the stored
    # assessment's reader) and read-write at once
    with state.store_lock:
        try:
            st = Store.open(state.store_path)
        except StoreError:  # held by another process: list what is in memory, do not fail
            return []
        with st:
            if "web_results" not in st.tables():
                return []
            df = st.read_frame("SELECT job, scenario, runs, years, seed, finished FROM web_results "
                               "ORDER BY finished LIMIT 500")
    return [{**{str(k): (int(v) if k in ("runs", "years", "seed") else str(v)) for k, v in r.items()},
             "where": "store"} for r in df.to_dict("records")]


def _load_stored(state: _State, job_id: str) -> dict[str, Any] | None:
    if state.store_path is None or not state.store_path.exists():
        return None
    from flashpoint.storage.store import Store

    with state.store_lock:  # open under the lock (see _list_stored)
        try:
            st = Store.open(state.store_path)
        except StoreError as e:
            raise HTTPException(503, f"the results store is busy: {e}",
                                {"Retry-After": "5"}) from None
        with st:
            if "web_results" not in st.tables():
                return None
            df = st.read_frame("SELECT doc FROM web_results WHERE job = ?", [job_id])
    if df.empty:
        return None
    doc: dict[str, Any] = json.loads(str(df["doc"].iloc[0]))
    return doc
