"""The workbench app: FastAPI routes over :mod:`detente.api` and the records (no analysis here).

Pages are Jinja2 templates; interactions are htmx requests that return HTML fragments; charts
are Vega-Lite specs from the shared chart layer drawn by vega-embed. Every script and style is
served from the package (``/static``, ``/vendor``); a Content-Security-Policy header forbids
the page any request off the host.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.middleware.trustedhost import TrustedHostMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException

from detente.errors import DetenteError
from detente.records.output import nz
from detente.web import views
from detente.web.jobs import Jobs
from detente.web.limits import BodyLimit
from detente.web.signals import SignalSource
from detente.web.workspace import UPLOAD_LIMIT, WebError, Workspace

_HERE = Path(str(files("detente.web")))
CSP = ("default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def _vendor_dir() -> Path | None:
    """The chart layer's vendored Vega files (shared with the HTML reports), if present."""
    path = Path(str(files("detente.report"))) / "static"
    return path if path.is_dir() else None


class State:
    """Everything one server holds: the workspace, the background slot, recent analyses."""

    def __init__(self, target: str | None, output: Path) -> None:
        self.ws = Workspace(target, output)
        self.jobs = Jobs()
        self.analyses: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.results: dict[tuple[str, str], Path] = {}
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="records")
        # the Pareto frontiers of the drafts' outcome spaces: an edit that leaves the utilities
        # alone (a BATNA, a capability, a proposal's term) re-analyses without recomputing them
        from detente.deals.memo import FrontierMemo

        self.frontiers = FrontierMemo()
        self._cache_lock = threading.Lock()
        self._pending: list[tuple[Any, Path]] = []
        self._signals: dict[str, SignalSource] | None = None

    def signal_sources(self) -> dict[str, SignalSource]:
        """The signals files the server knows (read once, on first use)."""
        if self._signals is None:
            from detente.web.signals import signal_sources

            self._signals = signal_sources(self.ws.signal_files)
        return self._signals

    def write_pending(self) -> None:
        """Hand the records analysed since the last call to the writer thread."""
        with self._cache_lock:
            pending, self._pending = self._pending, []
        for record, out in pending:
            self.writer.submit(views.write_record, record, out)

    def analysis(self, key: str) -> dict[str, Any]:
        """The deterministic deal analysis of a draft (cached by its text), its record written
        under ``output/records`` as ``detente analyze FILE --json`` writes it."""
        entry, scenario = self.ws.scenario(key)
        digest = hashlib.sha256(entry.text.encode()).hexdigest()
        with self._cache_lock:
            if digest in self.analyses:
                self.analyses.move_to_end(digest)
                return self.analyses[digest]
        import detente.api as api

        # the validated draft, recorded under the file it is saved as (the CLI's record of it)
        record = api.analyze(scenario, source=self.ws.draft_file(key), memo=self.frontiers)
        # the pages show the summary, proposals and solutions; the pairs' samples (the bulk of
        # the record) reach the page through the charts, and the file through the writer
        data = record.model_dump(mode="json", exclude={"pairs", "frontier"})
        out = self.ws.inside(self.ws.output / "records" / f"{key}-analyze.json")
        # the record file is written once the page has been sent (write_pending, a background
        # task of the response: the write must not hold the interpreter while the page is
        # answered), in order (one writer)
        with self._cache_lock:
            self._pending.append((record, out))
        result = {"data": data, "charts": views.charts("analyze", record), "record": out.name}
        with self._cache_lock:
            self.analyses[digest] = result
            while len(self.analyses) > 16:
                self.analyses.popitem(last=False)
        return result


def _shown(value: Any) -> Any:
    """A template value with each invisible or layout character shown as ``<U+200B>``
    (:mod:`detente.invisible`); escaped markup gets the escaped form of the same."""
    if not isinstance(value, str) or value.isascii():
        return value
    from markupsafe import Markup

    from detente.invisible import shown

    if isinstance(value, Markup):
        return Markup(shown(str(value), escaped=True))
    return shown(value)


def create_app(target: str | None = None, output: Path | str = "detente-workbench",
               hosts: list[str] | None = None) -> FastAPI:
    """The workbench over ``target`` (a bundled case, a scenario file, a folder or None: the
    bundled cases), writing only under ``output``. ``hosts``: the Host names accepted (a page
    elsewhere that points a name at 127.0.0.1 — DNS rebinding — gets 400); None accepts any."""
    state = State(target, Path(output))
    app = FastAPI(title="detente workbench", docs_url=None, redoc_url=None, openapi_url=None,
                  dependencies=[Depends(single_values)])
    app.state.detente = state
    templates = Jinja2Templates(directory=str(_HERE / "templates"))
    templates.env.globals["vendor"] = _vendor_dir() is not None
    templates.env.filters["pct"] = lambda x: "—" if x is None else f"{nz(100 * x, 1):.1f} %"
    templates.env.filters["nz"] = nz  # '%+.2f'|format(x|nz(2)): never -0.00
    templates.env.filters["num"] = views.num
    templates.env.filters["spec_json"] = views.spec_json
    templates.env.filters["tojson_attr"] = lambda x: json.dumps(x, ensure_ascii=False)
    templates.env.finalize = _shown  # invisible characters of third-party text, visible
    app.add_middleware(BodyLimit, limit=UPLOAD_LIMIT + 64 * 1024)
    app.add_middleware(GZipMiddleware, minimum_size=1024)

    if hosts is not None:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=hosts)

    @app.middleware("http")
    async def _headers(request: Request, call_next: Any) -> Response:
        if request.method == "POST" and request.headers.get("HX-Request") != "true":
            # a form posted from another site cannot set this header (CORS): no cross-site
            # request can edit a draft, save a file or start a run
            return HTMLResponse("<p class='error'>refused: changes come from the workbench's "
                                "own pages (HX-Request header missing)</p>", status_code=403)
        response: Response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    @app.get("/charts.js")
    def _loader() -> Response:
        """The chart layer's loader (the one the reports inline), as a script file."""
        from detente.report.charts import LOADER

        return Response(LOADER, media_type="text/javascript",
                        headers={"Cache-Control": "no-cache"})

    app.mount("/static", StaticFiles(directory=str(_HERE / "static")), name="static")
    vendor = _vendor_dir()
    if vendor is not None:
        app.mount("/vendor", StaticFiles(directory=str(vendor)), name="vendor")

    def page(request: Request, template: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        ctx.setdefault("job", state.jobs.current)
        return templates.TemplateResponse(request, template, ctx, status_code=status,
                                          background=BackgroundTask(state.write_pending))

    def problem(request: Request, status: int, message: str) -> HTMLResponse:
        """One message: a fragment into #messages for htmx, else a page."""
        if request.headers.get("HX-Request"):
            resp = templates.TemplateResponse(request, "_message.html",
                                              {"message": message, "level": "error"},
                                              status_code=status)
            resp.headers["HX-Retarget"] = "#messages"
            resp.headers["HX-Reswap"] = "innerHTML"
            return resp
        return page(request, "error.html", status, message=message)

    @app.exception_handler(WebError)
    async def _web_error(request: Request, exc: WebError) -> HTMLResponse:
        return problem(request, exc.status, exc.message)

    @app.exception_handler(DetenteError)
    async def _detente_error(request: Request, exc: DetenteError) -> HTMLResponse:
        return problem(request, 422, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError) -> HTMLResponse:
        fields = ", ".join(".".join(str(x) for x in e["loc"][1:]) or "request"
                           for e in exc.errors())
        return problem(request, 400, f"incomplete or malformed request (fields: {fields})")

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> HTMLResponse:
        text = "no such page" if exc.status_code == 404 else str(exc.detail)
        return problem(request, exc.status_code, text)

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> HTMLResponse:
        return problem(request, 500, f"internal error ({type(exc).__name__}); the server keeps "
                       "serving — please report it with the steps that led here")

    from detente.web.routes import register

    register(app, state, page)
    return app


_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


async def single_values(request: Request) -> None:
    """Refuse a query or form field given twice with two values (``?actor=RUS&actor=UKR``,
    ``paths=100&paths=200``, ``rev=0&rev=1``): FastAPI keeps one and the other was silently
    dropped (a stale revision passed the conflict check). The upload's ``file`` field is
    counted by the upload itself; a body that is no readable form is left to the route. A
    body of another type (``text/plain``, JSON) is refused naming its type (it was answered
    "incomplete or malformed request (fields: rev, path)", naming no type)."""
    items: list[tuple[str, object]] = list(request.query_params.multi_items())
    ctype = request.headers.get("content-type", "")
    if request.method == "POST" and not ctype.lower().startswith(_FORMS) and (
            await request.body()):  # every form of the workbench is one of these two
        raise WebError(415, f"a request body of type {ctype.split(';')[0][:60] or 'none'!r} "
                       f"is not read; allowed: a form ({' or '.join(_FORMS)})")
    if request.method == "POST" and ctype.startswith(_FORMS):
        try:
            form = await request.form()
        except Exception:  # malformed: the route's own parsing answers with its message
            form = None
        items += [(k, v) for k, v in (form.multi_items() if form else []) if k != "file"]
    seen: dict[str, object] = {}
    for key, value in items:
        if key in seen and seen[key] != value:
            raise WebError(400, f"{key} given twice ({str(seen[key])[:40]!r}, then "
                                f"{str(value)[:40]!r}); allowed: each field once")
        seen.setdefault(key, value)


_RECORD_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.json$")


def record_response(state: State, name: str) -> Response:
    """A record JSON from ``output/records`` by plain name (no folders)."""
    if not _RECORD_NAME.match(name):
        raise WebError(400, f"record name {name!r} refused: a plain file name ending in .json")
    path = state.ws.inside(state.ws.output / "records" / name)
    if not path.is_file():
        raise WebError(404, f"no record {name} in {state.ws.output / 'records'}")
    return JSONResponse(json.loads(path.read_text(encoding="utf-8")))

