"""The workbench's routes: each parses the request, calls the workspace or one verb of
:mod:`detente.api`, and renders a template. No analysis happens here."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from detente.limits import LEAST_DRAWS
from detente.web import views
from detente.web.edit import form_fields
from detente.web.signals import covering, signals_view
from detente.web.workspace import WebError

if TYPE_CHECKING:  # pragma: no cover
    from detente.web.app import State

Page = Callable[..., HTMLResponse]

RUNS: dict[str, dict[str, Any]] = {
    "sensitivity": {"verb": "sensitivity", "title": "Sensitivity",
                    "options": {"method": ("oat", ["oat", "morris", "sobol"]),
                                "samples": (16, (4, 4096)), "seed": (2024, (0, 2**31))}},
    "window": {"verb": "window", "title": "Window",
               "options": {"paths": (2000, (100, 100_000)), "seed": (0, (0, 2**31))}},
    "forecast": {"verb": "forecast", "title": "Forecast",
                 "options": {"draws": (0, (0, 20_000, LEAST_DRAWS["forecast"])),
                             "seed": (0, (0, 2**31))}},
    "montecarlo": {"verb": "analyze", "title": "Monte Carlo",
                   "options": {"draws": (2000, (LEAST_DRAWS["analyze"], 100_000)),
                               "seed": (2024, (0, 2**31))}},
}
"""The long runs: page name → the api verb and its options (default, allowed: a list of
choices, or whole numbers ``(lo, hi)``, or ``(0, hi, least)``: 0 or ``least`` … ``hi``)."""

TIMELINE = {"options": {"draws": (0, (0, 20_000, LEAST_DRAWS["analyze"]))}}
"""The timeline's form (as a run's)."""


def _options(run: dict[str, Any], form: dict[str, str],
             query: Iterable[str] = ()) -> dict[str, Any]:
    """The run's options from the form, each checked against what is allowed, before a job
    starts. A field the form does not have is refused (``pahts=100`` was ignored and the run
    used its default of 2,000 paths), and so are draws the library would refuse (a forecast
    of 1-9 draws started a job that failed with the library's message), and a field of the
    query string (``/run/window?paths=100`` ran the default 2,000 paths: a run reads its
    form only)."""
    if given := sorted(set(query)):
        raise WebError(400, f"query field{'s' * (len(given) > 1)} "
                       f"{', '.join(repr(k[:40]) for k in given[:5])} refused: a run reads its "
                       f"options from the form body only; allowed: no query string, form "
                       f"fields {', '.join(run['options'])}")
    if unknown := sorted(set(form) - set(run["options"])):
        raise WebError(400, f"unknown field{'s' * (len(unknown) > 1)} "
                       f"{', '.join(repr(k[:40]) for k in unknown[:5])} (a typo? it would be "
                       f"ignored); allowed: {', '.join(run['options'])}")
    out: dict[str, Any] = {}
    for name, (default, allowed) in run["options"].items():
        raw = str(form.get(name, default)).strip()
        if isinstance(allowed, list):
            if raw not in allowed:
                raise WebError(400, f"{name} = {raw!r} refused; allowed: {', '.join(allowed)}")
            out[name] = raw
            continue
        lo, hi, *least = allowed
        out[name] = _whole(name, raw, lo, hi)
        if least and 0 < out[name] < least[0]:
            raise WebError(400, f"{name} = {raw!r} refused: too few draws for the interval "
                           f"or standard error this run shows; allowed: 0 (no Monte Carlo) "
                           f"or a whole number from {least[0]:,} to {hi:,}")
    return out


def _whole(name: str, raw: str, lo: int, hi: int) -> int:
    """A whole number typed in a form: ASCII digits with at most a leading ``-`` (spaces
    around ignored), as every command-line option takes it (docs/limits.md, "Numbers"); at
    most 19 digits ("²".isdigit() is true, and int() of 5,000 digits raises). Anything else
    (``+0``, ``1_0``, digits of other scripts, which int() and pydantic read) is refused
    with the message, never a 500."""
    raw = raw.strip()
    if not re.fullmatch(r"-?[0-9]{1,19}", raw) or not lo <= int(raw) <= hi:
        raise WebError(400, f"{name} = {raw!r} refused; allowed: a whole number from "
                       f"{lo:,} to {hi:,} in ASCII digits (no '+', no '_')")
    return int(raw)


REV_MAX = 2**63 - 1
"""Largest draft revision a form may name (a counter from 0)."""


def _kwargs(page: str, source: str, opts: dict[str, Any]) -> dict[str, Any]:
    if page == "forecast":
        return {"source": source, **opts}
    return {"case": source, **opts}


def _result(state: State, verb: str, path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {"data": data, "charts": views.charts_of_json(verb, data), "record": path.name}


def register(app: FastAPI, state: State, page: Page) -> None:
    """Add every route of the workbench to ``app``."""
    ws = state.ws

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request) -> HTMLResponse:
        return page(request, "index.html", entries=list(ws.entries.values()),
                    first=ws.first, output=ws.output)

    @app.post("/upload", response_class=HTMLResponse)
    async def upload(request: Request, file: UploadFile = File(...)) -> HTMLResponse:
        form = await request.form()
        parts = form.getlist("file")
        if len(parts) != 1:  # FastAPI kept the last one: the others were dropped without a word
            raise WebError(400, f"one scenario file per upload (got {len(parts)}); upload "
                           "them one at a time")
        if other := sorted(set(form.keys()) - {"file"}):  # a second file under another name
            raise WebError(400, f"unknown field{'s' * (len(other) > 1)} "  # was dropped
                           f"{', '.join(repr(k[:40]) for k in other[:5])} in the upload; "
                           "allowed: one field 'file' holding one scenario file")
        data = await file.read()
        entry = ws.upload(file.filename or "upload.yaml", data)
        return page(request, "_message.html", level="ok", message=f"uploaded {entry.file} as "
                    f"{entry.key}", link=f"/case/{entry.key}")

    @app.get("/case/{key}", response_class=HTMLResponse)
    def case(request: Request, key: str) -> HTMLResponse:
        entry = ws.get(key)
        groups = form_fields(entry.scenario) if entry.scenario else []
        analysis = state.analysis(key) if entry.scenario else None
        return page(request, "case.html", entry=entry, groups=groups, analysis=analysis,
                    tab="scenario")

    def _edited(request: Request, key: str, note: str, started: tuple[float, float]
                ) -> HTMLResponse:
        entry = ws.get(key)
        checked = time.perf_counter()
        analysis = state.analysis(key)
        done = time.perf_counter()
        resp = page(request, "_edited.html", entry=entry, analysis=analysis, note=note)
        # the server's share of edit-to-redraw, read by benchmarks/bench_workbench.py (cpu:
        # the request's CPU seconds — check, analysis, page — which the load does not stretch)
        cpu = time.thread_time() - started[1]
        resp.headers["Server-Timing"] = (f"check;dur={1000 * (checked - started[0]):.0f}, "
                                         f"analyze;dur={1000 * (done - checked):.0f}, "
                                         f"render;dur={1000 * (time.perf_counter() - done):.0f}, "
                                         f"cpu;dur={1000 * cpu:.0f}")
        return resp

    @app.post("/case/{key}/edit", response_class=HTMLResponse)
    def edit(request: Request, key: str, rev: str = Form(...), path: str = Form(...),
             value: str = Form(""), kind: str = Form("number")) -> HTMLResponse:
        started = time.perf_counter(), time.thread_time()
        ws.edit(key, _whole("rev", rev, 0, REV_MAX), path, value, kind)
        return _edited(request, key, f"{path} = {value}", started)

    @app.post("/case/{key}/yaml", response_class=HTMLResponse)
    def set_yaml(request: Request, key: str, rev: str = Form(...),
                 text: str = Form(...)) -> HTMLResponse:
        started = time.perf_counter(), time.thread_time()
        ws.set_text(key, _whole("rev", rev, 0, REV_MAX), text)
        return _edited(request, key, "YAML applied", started)

    @app.post("/case/{key}/reset", response_class=HTMLResponse)
    def reset(request: Request, key: str) -> Response:
        ws.reset(key)
        return Response(status_code=204, headers={"HX-Redirect": f"/case/{key}"})

    @app.get("/case/{key}/diff", response_class=HTMLResponse)
    def diff(request: Request, key: str) -> HTMLResponse:
        return page(request, "_diff.html", diff=ws.diff(key), saved=None)

    @app.post("/case/{key}/save", response_class=HTMLResponse)
    def save(request: Request, key: str, rev: str = Form(...),
             name: str = Form(...)) -> HTMLResponse:
        out = ws.save_as(key, _whole("rev", rev, 0, REV_MAX), name)
        return page(request, "_diff.html", diff=ws.diff(key), saved=str(out))

    @app.get("/case/{key}/analyze", response_class=HTMLResponse)
    def analyze(request: Request, key: str) -> HTMLResponse:
        entry = ws.get(key)
        return page(request, "analyze.html", entry=entry, analysis=state.analysis(key),
                    tab="analyze")

    @app.get("/case/{key}/proposal/{pid}", response_class=HTMLResponse)
    def proposal(request: Request, key: str, pid: str) -> HTMLResponse:
        data = state.analysis(key)["data"]
        found = next((p for p in data["proposals"] if p["id"] == pid), None)
        if found is None:
            raise WebError(404, f"no proposal {pid!r} in {key}")
        return page(request, "_proposal.html", p=found, veto=data["veto_players"])

    @app.get("/case/{key}/run/{name}", response_class=HTMLResponse)
    def run_page(request: Request, key: str, name: str) -> HTMLResponse:
        if name not in RUNS:
            raise WebError(404, f"no page {name!r}; pages: {', '.join(RUNS)}")
        entry, _ = ws.scenario(key)
        last = state.results.get((key, name))
        result = _result(state, name, last) if last and last.is_file() else None
        return page(request, "run.html", entry=entry, name=name, run=RUNS[name],
                    result=result, tab=name)

    @app.post("/case/{key}/run/{name}", response_class=HTMLResponse)
    async def run_start(request: Request, key: str, name: str) -> HTMLResponse:
        if name not in RUNS:
            raise WebError(404, f"no run {name!r}; runs: {', '.join(RUNS)}")
        form = {k: str(v) for k, v in (await request.form()).items()}
        opts = _options(RUNS[name], form, request.query_params.keys())
        state.jobs.refuse_if_busy()  # before writing a draft: a refused run writes nothing
        source = ws.draft_file(key)
        out = ws.inside(ws.output / "records" / f"{key}-{name}.json")
        job = state.jobs.start(RUNS[name]["verb"], key, f"{RUNS[name]['title']} of {key}",
                               _kwargs(name, source, opts), out)
        state.results[(key, name)] = out
        return page(request, "_job.html", job=job, name=name)

    @app.get("/job/{job_id}", response_class=HTMLResponse)
    def job_status(request: Request, job_id: int) -> HTMLResponse:
        job = state.jobs.current
        if job is None or job.id != job_id:
            raise WebError(404, "no such run (the server was restarted, or a newer run "
                           "replaced it)")
        name = next((n for (k, n), r in state.results.items()
                     if k == job.key and r == job.record), "")
        result = _result(state, name, job.record) if job.state == "done" else None
        return page(request, "_job.html", job=job, name=name, result=result)

    @app.post("/job/cancel", response_class=HTMLResponse)
    def job_cancel(request: Request) -> HTMLResponse:
        job = state.jobs.cancel()
        text = "no run in progress" if job is None else f"{job.label}: {job.state}"
        return page(request, "_message.html", level="ok", message=text)

    @app.get("/signals", response_class=HTMLResponse)
    def signals(request: Request, source: str = "", actor: str = "") -> HTMLResponse:
        return page(request, "signals.html", tab="signals",
                    **signals_view(state, source.strip() or None, actor, None))

    @app.get("/case/{key}/signals", response_class=HTMLResponse)
    def case_signals(request: Request, key: str, actor: str = "") -> HTMLResponse:
        entry, scenario = ws.scenario(key)
        found = covering(state.signal_sources(), key, scenario.id)
        return page(request, "signals.html", tab="case-signals", entry=entry,
                    **signals_view(state, found.key if found else None, actor, entry))

    @app.get("/timeline", response_class=HTMLResponse)
    def timeline(request: Request) -> HTMLResponse:
        last = state.results.get(("", "timeline"))
        result = _result(state, "timeline", last) if last and last.is_file() else None
        return page(request, "timeline.html", result=result, name="timeline",
                    dated=_dated(state), tab="timeline")

    @app.post("/timeline", response_class=HTMLResponse)
    async def timeline_start(request: Request) -> HTMLResponse:
        opts = _options(TIMELINE, {k: str(v) for k, v in (await request.form()).items()},
                        request.query_params.keys())
        state.jobs.refuse_if_busy()
        keys = _dated(state)
        if len(keys) < 2:
            raise WebError(422, "a timeline needs at least two valid dated scenarios")
        out = ws.inside(ws.output / "records" / "timeline.json")
        job = state.jobs.start("timeline", "", "Timeline", {
            "cases": [ws.draft_file(k) for k in keys], **opts}, out)
        state.results[("", "timeline")] = out
        return page(request, "_job.html", job=job, name="timeline")

    @app.get("/records/{name}")
    def record(name: str) -> Response:
        from detente.web.app import record_response

        return record_response(state, name)


def _dated(state: State) -> list[str]:
    """The keys of the valid scenarios, by date."""
    entries = [e for e in state.ws.entries.values() if e.scenario is not None]
    entries.sort(key=lambda e: (e.scenario.date, e.key))  # type: ignore[union-attr]
    return [e.key for e in entries]

