"""Typed records of ``detente signals import`` and ``detente signals list``, and the library
functions behind them: importing event files into a store, and listing stored events (with
their ladder indicator and provenance) and analyst signals."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar

from pydantic import ConfigDict

from detente.errors import DetenteError, Problem
from detente.records import Provenance, inputs_hash, make_provenance
from detente.records.base import Record
from detente.signals.importers import ImportFilter


class ImportRecord(Record):
    """What an import did, one row per source: format, lines, matched, added, problems."""

    model_config = ConfigDict(frozen=True)
    frame_field: ClassVar[str | None] = "sources"

    provenance: Provenance
    store: str
    sources: list[dict[str, Any]]

    def require_usable(self) -> None:
        """Raise :class:`DetenteError` when no source held a usable row."""
        if not any(r["usable"] for r in self.sources):
            raise DetenteError([Problem("nothing usable was read from the given files",
                                        value=[r["source"] for r in self.sources])])


class EventListing(Record):
    """Stored events (``events``, with ladder indicator and file:line) and analyst signals
    (``signals``) matching the filters."""

    model_config = ConfigDict(frozen=True)
    frame_field: ClassVar[str | None] = "events"

    provenance: Provenance
    store: str | None
    total: int
    events: list[dict[str, Any]]
    signals: list[dict[str, Any]]


def import_files(files: Sequence[Path | str], store: Path | str, *,
                 filt: ImportFilter | None = None, fmt: str | None = None,
                 batch_size: int = 50_000,
                 progress: Callable[[str, int, int], None] | None = None) -> ImportRecord:
    """Import every file into the event store ``store`` (created if missing); the same file
    twice adds nothing. A file that cannot be read is a row with its ``error``, not an
    exception; :meth:`ImportRecord.require_usable` fails when no file held a usable row."""
    import sqlite3

    from detente.signals.importers import import_path
    from detente.signals.store import EventStore, store_error

    if batch_size < 1:
        raise DetenteError.one("--batch-size must be >= 1", path="--batch-size",
                               value=batch_size)
    filt = filt or ImportFilter()
    summaries = []
    with EventStore(Path(store)) as st:
        try:
            for k, f in enumerate(files):
                if progress:
                    progress("files", k, len(files))
                summaries += import_path(f, st, filt=filt, fmt=fmt, batch_size=batch_size)
        except sqlite3.OperationalError as exc:  # locked by another process, a full disk
            raise store_error(exc, store, "write") from None
    if progress:
        progress("files", len(files), len(files))
    rows = [{**dataclasses.asdict(s), "examples": [list(e) for e in s.examples],
             "usable": s.usable} for s in summaries]
    options = {"filter": filt.as_dict(), "format": fmt, "batch_size": batch_size}
    prov = make_provenance("signals.import", [str(f) for f in files],
                           inputs_hash([r["sha256"] for r in rows], options), options, None)
    return ImportRecord(provenance=prov, store=str(store), sources=rows)


def list_events(store: Path | str | None, *, actors: Sequence[str] = (),
                dyad: tuple[str, str] | None = None, codes: Sequence[str] = (),
                date_from: str | None = None, date_to: str | None = None, limit: int = 50,
                case: str | None = None) -> EventListing:
    """Events of ``store`` matching the filters (at most ``limit``, by date), each with its
    CAMEO label, ladder indicator and ``file:line``; with ``case`` also the analyst signals
    (of ``actors`` when given)."""
    from detente.signals.codes import cameo_label
    from detente.signals.ladder import indicator_for
    from detente.signals.record import signal_case
    from detente.signals.store import EventStore

    if not 0 <= limit <= 1_000_000:
        raise DetenteError.one("--limit must be between 0 and 1,000,000", path="--limit",
                               value=limit)
    events: list[dict[str, Any]] = []
    total = 0
    if store is not None:
        if not Path(store).exists():
            raise DetenteError.one("no event store here: run 'detente signals import' first",
                                   file=str(store))
        with EventStore(Path(store), read_only=True) as st:
            ev = st.events(actors=tuple(actors), dyad=dyad, codes=tuple(codes),
                           date_from=date_from, date_to=date_to, limit=limit)
            total = st.count()
        for i in range(len(ev)):
            c = ev["code"][i]
            events.append({
                "date": ev["date"][i], "actor1": ev["actor1"][i],
                "actor1_country": ev["actor1_country"][i], "actor2": ev["actor2"][i],
                "actor2_country": ev["actor2_country"][i], "code": c,
                "label": cameo_label(c) if ev["cameo"][i] else (ev["plover_type"][i] or ""),
                "indicator": indicator_for(c, cameo=ev["cameo"][i],
                                           plover=ev["plover_type"][i],
                                           plover_mode=ev["plover_mode"][i]),
                "source_file": ev["source_file"][i], "line": int(ev["line"][i])})
    signals: list[dict[str, Any]] = []
    cs = signal_case(case) if case else None
    if cs is not None:
        signals = [{"date": s.date.isoformat(), "actor": s.actor, "target": s.target,
                    "indicator": s.indicator, "quote": s.evidence[0].quote,
                    "source": s.evidence[0].source}
                   for s in cs.signals if not actors or s.actor in actors]
    options = {"actors": list(actors), "dyad": list(dyad) if dyad else None,
               "codes": list(codes), "from": date_from, "to": date_to, "limit": limit}
    inputs = ([str(store)] if store is not None else []) + ([cs.path] if cs else [])
    prov = make_provenance("signals.list", inputs,
                           inputs_hash(total, events, signals, options), options, None)
    return EventListing(provenance=prov, store=None if store is None else str(store),
                        total=total, events=events, signals=signals)
