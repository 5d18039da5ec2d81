"""The signals the workbench knows: the bundled signals files and every signals file it was
given (a file, or the ``.yaml`` files of a folder, whose top level has ``signals:``), and which
of them covers a scenario.

A signals file (``docs/signals.md``) names its case (``case: ru-ua``); it covers a scenario
whose key or id starts with that name (``ru-ua-2024-09``), and the scenario's credibility
timeline stops at the scenario's date. A scenario no signals file covers has no signals page,
and the page says so instead of showing another case's signals.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detente.errors import DetenteError

if TYPE_CHECKING:  # pragma: no cover
    from detente.web.app import State
    from detente.web.workspace import Entry

_SIGNALS_KEY = re.compile(r"^signals:", re.MULTILINE)
_SCENARIO_KEY = re.compile(r"^(issues|stances|proposals):", re.MULTILINE)


@dataclass(frozen=True)
class SignalSource:
    """One signals file: ``key`` (its case name or file stem), ``arg`` (what
    :func:`detente.api.credibility` takes as ``case``: a bundled name or a path), the case
    name it covers, the actors with signals (most signals first) or the loader's message."""

    key: str
    arg: str
    case: str
    actors: tuple[tuple[str, int], ...] = ()
    problem: str | None = None

    def covers(self, scenario_key: str, scenario_id: str) -> bool:
        return any(s == self.case or s.startswith(self.case + "-")
                   for s in (scenario_key, scenario_id))


def is_signals_file(text: str) -> bool:
    """A signals YAML (top-level ``signals:``) rather than a scenario (``issues:``,
    ``stances:``, ``proposals:``)."""
    return bool(_SIGNALS_KEY.search(text)) and not _SCENARIO_KEY.search(text)


def _source(key: str, arg: str) -> SignalSource:
    from detente.signals.evidence import bundled_signals, load_signals

    try:
        case = load_signals(arg) if arg.endswith((".yaml", ".yml")) else bundled_signals(arg)
    except DetenteError as exc:
        return SignalSource(key, arg, key, problem=str(exc))
    counts = Counter(s.actor for s in case.signals)
    return SignalSource(key, arg, case.name or key, tuple(counts.most_common()))


def signal_sources(files: list[Path]) -> dict[str, SignalSource]:
    """The bundled signals files, then ``files`` (signals files the server was given)."""
    out: dict[str, SignalSource] = {}
    folder = resources.files("detente").joinpath("cases", "signals")
    for res in sorted(folder.iterdir(), key=lambda r: r.name):
        if res.name.endswith(".yaml"):
            name = res.name[:-5]
            out[name] = _source(name, name)
    for path in files:
        key = path.stem if path.stem not in out else f"{path.stem}-file"
        out[key] = _source(key, str(path))
    return out


def covering(sources: dict[str, SignalSource], key: str, scenario_id: str
             ) -> SignalSource | None:
    """The first signals file that covers the scenario (None: it has no signals)."""
    return next((s for s in sources.values() if s.problem is None and s.covers(key, scenario_id)),
                None)


def _names(sources: dict[str, SignalSource]) -> str:
    return ", ".join(sources) or "none"


def signals_view(state: State, source: str | None, actor: str, entry: Entry | None
                 ) -> dict[str, Any]:
    """What the Signals page shows: the credibility record of ``actor`` from the signals file
    ``source`` (default: the first with signals; for a scenario ``entry``: the file covering
    it, up to the scenario's date), or ``note``, one sentence on why there is nothing to show.
    The record is written under ``output/records`` as ``detente signals credibility --json``
    writes it."""
    import detente.api as api
    from detente.web import views
    from detente.web.workspace import WebError

    sources = state.signal_sources()
    ctx: dict[str, Any] = {"sources": sources, "source": None, "actor": "", "data": None,
                           "note": None, "charts": []}
    if entry is not None and source is None:
        ctx["note"] = (f"{entry.key} has no signals: no signals file here covers it (signals "
                       f"files: {_names(sources)}; a file covers the scenarios whose key or id "
                       "starts with its case name — docs/signals.md).")
        return ctx
    if source is None:
        source = next((k for k, s in sources.items() if s.actors), None)
        if source is None:
            ctx["note"] = ("No signals here: none of the files the workbench was given is a "
                           "signals file with signals (docs/signals.md).")
            return ctx
    src = sources.get(source)
    if src is None:
        raise WebError(404, f"no signals file {source!r} here; signals files: {_names(sources)}")
    ctx["source"] = src
    if src.problem or not src.actors:
        ctx["note"] = src.problem or f"{src.key} holds no signals."
        return ctx
    counts = dict(src.actors)
    actor = actor.strip().upper()[:40] or src.actors[0][0]
    ctx["actor"] = actor
    if actor not in counts:
        ctx["note"] = (f"{actor} has no signals in {src.key}; actors with signals: "
                       f"{', '.join(counts)}.")
        return ctx
    date_to = entry.scenario.date if entry is not None and entry.scenario else None
    record = api.credibility(actor, case=src.arg, date_to=date_to)
    name = f"signals-{_safe(src.key)}-{_safe(actor)}" + (f"-{entry.key}" if entry else "")
    out = state.ws.inside(state.ws.output / "records" / f"{name}.json")
    views.write_record(record, out)
    ctx.update(data=record.model_dump(mode="json"), record=out.name, date_to=date_to,
               charts=views.charts("credibility", record))
    return ctx


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in text) or "x"
