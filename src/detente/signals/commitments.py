"""Commitments and their outcomes, as data: a documented CSV and its validating importer.

A commitment is one side's announced undertaking — a ceasefire, truce, humanitarian corridor,
prisoner exchange, withdrawal or talks — with the dates it was announced, starts and ends,
and whether that side kept it. Columns (header required, any order)::

    id, announced_by, counterpart, kind, announced, start, end, location, outcome, source

* ``kind``: ceasefire | truce | corridor | prisoner_exchange | withdrawal | talks | other
* ``announced``, ``start``, ``end``: ISO dates; ``start`` and ``end`` may be empty (``start``
  defaults to ``announced``); ``end`` must not precede ``start``, nor ``start`` ``announced``
  by more than a year's back-dating (``start`` may precede ``announced`` when a commitment is
  declared retroactively, as the 2025 energy moratorium was).
* ``location``: optional, a name or ``lat lon`` / ``lat;lon`` in decimal degrees.
* ``outcome``: kept | broken | unknown (unknown is never scored as kept or broken).
* ``source``: required — a URL or a citation of the public record the row is coded from.

The importer reads the whole file and reports every problem (file, line, column, value, what
is allowed) before anything is returned, so nothing is used half-way; no date may lie after
``as_of`` (the last date of the event store, else today).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from detente.errors import DetenteError, Problem
from detente.formats._csvtext import csv_problem
from detente.invisible import refuse_in
from detente.limits import iso_date, odd_number, read_text

KINDS: tuple[str, ...] = ("ceasefire", "truce", "corridor", "prisoner_exchange", "withdrawal",
                          "talks", "other")
OUTCOMES: tuple[str, ...] = ("kept", "broken", "unknown")
COLUMNS: tuple[str, ...] = ("id", "announced_by", "counterpart", "kind", "announced", "start",
                            "end", "location", "outcome", "source")
REQUIRED: tuple[str, ...] = ("id", "announced_by", "kind", "announced", "outcome", "source")
#: Days after ``start`` at which a commitment without an ``end`` counts as resolved.
RESOLVE_DAYS = 30


@dataclass(frozen=True)
class Commitment:
    """One side's commitment (see the module docstring); ``line`` is its line in the file."""

    id: str
    announced_by: str
    counterpart: str | None
    kind: str
    announced: dt.date
    start: dt.date
    end: dt.date | None
    location: str | None
    lat: float | None
    lon: float | None
    outcome: str
    source: str
    line: int = 0

    @property
    def resolved(self) -> dt.date:
        """When the outcome became known: ``end``, else ``start`` + :data:`RESOLVE_DAYS`."""
        return self.end or (self.start + dt.timedelta(days=RESOLVE_DAYS))

    @property
    def scored(self) -> bool:
        """Whether the outcome is kept or broken (unknown outcomes are never scored)."""
        return self.outcome in ("kept", "broken")


def _date(raw: str, col: str, file: str, line: int,
          problems: list[Problem]) -> dt.date | None:
    try:
        return iso_date(raw)
    except ValueError:
        problems.append(Problem("not a date", file=file, line=line, path=col, value=raw,
                                allowed="YYYY-MM-DD"))
        return None


def _latlon(location: str) -> tuple[float | None, float | None] | None:
    """``(lat, lon)`` of ``lat lon`` / ``lat;lon`` in decimal degrees, ``(None, None)`` for a
    place name, None for two numbers that are not coordinates (out of range, NaN)."""
    parts = location.replace(";", " ").replace(",", " ").split()
    if len(parts) == 2:
        try:
            lat, lon = float(parts[0]), float(parts[1])
        except ValueError:
            return None, None
        if odd_number(parts[0]) or odd_number(parts[1]):  # 1_0 read as 10: not coordinates
            return None
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            return lat, lon
        return None
    return None, None


def _row(rec: dict[str, str], line: int, file: str, as_of: dt.date,
         problems: list[Problem]) -> Commitment | None:
    def bad(message: str, col: str, value: object = None, allowed: str | None = None) -> None:
        problems.append(Problem(message, file=file, line=line, path=col, value=value,
                                allowed=allowed))

    n0 = len(problems)
    for col in REQUIRED:
        if not rec.get(col):
            bad(f"missing {col}", col,
                allowed="a source URL or citation" if col == "source" else None)
    kind, outcome = rec.get("kind", ""), rec.get("outcome", "")
    if kind and kind not in KINDS:
        bad("unknown kind", "kind", kind, " | ".join(KINDS))
    if outcome and outcome not in OUTCOMES:
        bad("unknown outcome", "outcome", outcome, " | ".join(OUTCOMES))
    dates = {c: _date(rec[c], c, file, line, problems) if rec.get(c) else None
             for c in ("announced", "start", "end")}
    ann, start, end = dates["announced"], dates["start"] or dates["announced"], dates["end"]
    for col, d in dates.items():
        if d is not None and d > as_of:
            bad(f"date in the future of the store (last date {as_of})", col, d.isoformat(),
                f"on or before {as_of}")
    if start and end and end < start:
        bad("end before start", "end", end.isoformat(), f"on or after start {start}")
    if ann and start and (ann - start).days > 366:
        bad("start more than a year before the announcement", "start", start.isoformat())
    loc = rec.get("location") or None
    where = _latlon(loc) if loc else (None, None)
    if where is None:
        bad("coordinates out of range", "location", loc,
            "'lat lon' with -90 <= lat <= 90 and -180 <= lon <= 180, or a place name")
    if rec.get("counterpart") and rec.get("counterpart") == rec.get("announced_by"):
        bad("a side cannot commit to itself", "counterpart", rec["counterpart"],
            "another side, or empty")
    if len(problems) > n0 or ann is None or start is None or where is None:
        return None
    lat, lon = where
    return Commitment(rec["id"], rec["announced_by"], rec.get("counterpart") or None, kind, ann,
                      start, end, loc, lat, lon, outcome, rec["source"], line)


def parse_commitments(text: str, file: str, *, as_of: dt.date | None = None
                      ) -> tuple[Commitment, ...]:
    """Parse and validate commitments CSV ``text`` (``file`` names it in errors).

    Raises :class:`DetenteError` listing every problem; returns nothing unless the whole file
    is valid. ``as_of`` is the last date any date may take (default: today).

    >>> rows = parse_commitments(
    ...     "id,announced_by,counterpart,kind,announced,start,end,location,outcome,source\\n"
    ...     "a,RUS,UKR,truce,2023-01-05,2023-01-06,2023-01-07,,broken,https://example.org\\n",
    ...     "x.csv")
    >>> rows[0].outcome, rows[0].resolved.isoformat()
    ('broken', '2023-01-07')
    """
    as_of = as_of or dt.date.today()
    if text.startswith("\ufeff"):
        text = text[1:]
    refuse_in(text, file)  # an analyst's table (detente.invisible)
    # strict: '"RUS"x' was read as 'RUSx' and an unclosed quote swallowed the rows after it
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        return _parse_rows(reader, file, as_of)
    except csv.Error as exc:
        raise csv_problem(exc, file, reader.line_num) from exc


def _parse_rows(reader: Any, file: str, as_of: dt.date) -> tuple[Commitment, ...]:
    header = next(reader, None)
    if not header:
        raise DetenteError([Problem("empty commitments file", file=file,
                                    allowed="a header: " + ", ".join(COLUMNS))])
    names = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED if c not in names]
    unknown = [n for n in names if n not in COLUMNS]
    twice = sorted({n for n in names if names.count(n) > 1})
    if missing or unknown or twice:
        raise DetenteError([Problem(
            f"bad header: missing {', '.join(missing) or 'nothing'}; unknown "
            f"{', '.join(unknown) or 'nothing'}" + (f"; twice {', '.join(twice)}" if twice
                                                     else ""),
            file=file, line=1, allowed=", ".join(COLUMNS) + ", each once")])
    problems: list[Problem] = []
    out: list[Commitment] = []
    seen: dict[str, int] = {}
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(names):
            problems.append(Problem(f"expected {len(names)} fields, got {len(values)}",
                                    file=file, line=line))
            continue
        rec = {n: v.strip() for n, v in zip(names, values, strict=True)}
        c = _row(rec, line, file, as_of, problems)
        if c is None:
            continue
        if c.id in seen:
            problems.append(Problem(f"duplicate id (first on line {seen[c.id]})", file=file,
                                    line=line, path="id", value=c.id))
            continue
        seen[c.id] = line
        out.append(c)
    if problems:
        raise DetenteError(problems)
    if not out:
        raise DetenteError([Problem("no commitments in the file", file=file)])
    return tuple(sorted(out, key=lambda c: (c.announced, c.id)))


def load_commitments(path: Path | str, *, as_of: dt.date | None = None
                     ) -> tuple[Commitment, ...]:
    """Read a commitments CSV file (UTF-8, optional BOM, within the house's input size limit);
    see :func:`parse_commitments`."""
    return parse_commitments(read_text(path, "csv"), str(path), as_of=as_of)


def bundled_commitments(*, as_of: dt.date | None = None) -> tuple[Commitment, ...]:
    """The development set shipped with the package (``signals/data/commitments-dev.csv``,
    sources in ``commitments-dev.sources.md``); ``as_of`` as in :func:`parse_commitments`
    (the last date of the event store it is scored against)."""
    res = resources.files("detente.signals").joinpath("data", "commitments-dev.csv")
    return parse_commitments(res.read_text(encoding="utf-8"), "signals/data/commitments-dev.csv",
                             as_of=as_of)


def as_columns(commitments: Sequence[Commitment]) -> dict[str, list[object]]:
    """Commitments as columns (for JSON records)."""
    return {c: [getattr(x, c) for x in commitments] for c in COLUMNS}
