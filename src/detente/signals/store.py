"""The event store: an append-only SQLite database of canonical events with provenance.

Every row carries where it came from (source file, its SHA-256, line, URL) and when it was
ingested. The key ``(source_sha256, line)`` is unique, so importing the same file twice adds
nothing, and an import interrupted (even by ``kill -9``) keeps what it committed; a re-run adds
the rest. The database runs in WAL mode so readers never block the importer.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from detente.errors import DetenteError, Problem
from detente.signals.formats import CANONICAL, MENTION_FIELDS

PROVENANCE: tuple[str, ...] = ("source_sha256", "line", "source_file", "format", "ingested")

def _sql_type(column: str) -> str:
    if column in ("intensity", "latitude", "longitude"):
        return "REAL"
    if column in ("line", "quad_class", "num_sources", "num_articles"):
        return "INTEGER"
    return "TEXT"


_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS events (
  rowid INTEGER PRIMARY KEY,
  {", ".join(f"{c} {_sql_type(c)} NOT NULL" for c in PROVENANCE)},
  {", ".join(f"{c} {_sql_type(c)}" for c in CANONICAL)},
  UNIQUE (source_sha256, line)
);
CREATE INDEX IF NOT EXISTS events_dyad ON events (actor1_country, actor2_country, date);
CREATE INDEX IF NOT EXISTS events_date ON events (date);
CREATE TABLE IF NOT EXISTS mentions (
  rowid INTEGER PRIMARY KEY,
  source_sha256 TEXT NOT NULL, line INTEGER NOT NULL, source_file TEXT NOT NULL,
  ingested TEXT NOT NULL,
  event_id TEXT, event_time TEXT, mention_time TEXT, mention_type INTEGER, source_name TEXT,
  url TEXT, sentence_id INTEGER, confidence REAL, doc_tone REAL,
  UNIQUE (source_sha256, line)
);
CREATE INDEX IF NOT EXISTS mentions_event ON mentions (event_id);
CREATE TABLE IF NOT EXISTS problems (
  source_sha256 TEXT NOT NULL, line INTEGER NOT NULL, source_file TEXT NOT NULL,
  kind TEXT NOT NULL, detail TEXT,
  UNIQUE (source_sha256, line, kind)
);
CREATE TABLE IF NOT EXISTS imports (
  rowid INTEGER PRIMARY KEY, source_sha256 TEXT NOT NULL, source_file TEXT NOT NULL,
  format TEXT NOT NULL, options TEXT NOT NULL, started TEXT NOT NULL, finished TEXT,
  rows_added INTEGER, problems INTEGER
);
"""


_STORE_ALLOWED = "the path of an SQLite file, e.g. ~/events.sqlite (or unset or empty: the default)"


def store_path(text: str, where: str) -> Path:
    """The event store named by ``text`` as ``where`` (``$DETENTE_STORE``, ``--store``,
    ``--events``): a leading ``~`` is the home folder, as the shell reads it — in quotes the
    shell leaves it, and a folder named ``~`` was made in the current folder (the setting
    since round 13, the options since round 14); ``~nobody/x`` (no such user), a path of spaces
    only and a folder are refused."""
    if not text.strip():
        raise DetenteError([Problem("a store path of spaces only", path=where, value=text,
                                    allowed=_STORE_ALLOWED)])
    path = os.path.expanduser(text)
    if path.startswith("~"):  # ~nobody/x: no such user (pathlib raised RuntimeError)
        raise DetenteError([Problem("names the home folder of a user this system does "
                                    "not know", file=text, path=where,
                                    allowed=_STORE_ALLOWED)])
    if text.endswith(("/", os.sep)) or os.path.isdir(path):  # Path() drops a final slash
        raise DetenteError([Problem("names a folder: the event store is a folder, not a "
                                    "file", file=text, path=where, allowed=_STORE_ALLOWED)])
    return Path(path)


def default_store_path() -> Path:
    """``$DETENTE_STORE`` if set, else ``$XDG_DATA_HOME/detente/events.sqlite``
    (``~/.local/share/detente/events.sqlite``).

    Set empty, ``DETENTE_STORE`` is unset (the default store), as every ``DETENTE_*``
    setting (``DETENTE_MEMORY_LIMIT=``, ``DETENTE_DUCKDB_MEMORY=``). Blank (spaces only) it is
    refused: a file named two spaces was made in the current folder. A leading ``~`` is the
    home folder, as the shell reads it (in quotes the shell leaves it: a folder named ``~``
    was made in the current folder). ``XDG_DATA_HOME`` is used only when it is an absolute
    path: the XDG Base Directory specification calls a relative one invalid, to be ignored
    (it made the store relative to the current folder)."""
    env = os.environ.get("DETENTE_STORE")
    if env:
        return store_path(env, "$DETENTE_STORE")
    base = os.environ.get("XDG_DATA_HOME", "")
    if not os.path.isabs(base):
        base = str(Path.home() / ".local" / "share")
    return Path(base) / "detente" / "events.sqlite"


@dataclass(frozen=True)
class EventTable:
    """Events as column arrays (one NumPy array per canonical or provenance field)."""

    columns: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.columns["line"]) if self.columns else 0

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]


#: How long SQLite waits for another connection's lock before it gives up (seconds).
BUSY_SECONDS = 30.0


def store_error(exc: sqlite3.Error, path: Path | str, doing: str = "read") -> DetenteError:
    """The error for an ``sqlite3`` exception on the store at ``path``: a lock another process
    held past :data:`BUSY_SECONDS` (another import, a program with the file open) says so; any
    other (a damaged file, a full disk) is named as SQLite names it."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        return DetenteError([Problem(
            f"the event store is locked by another process (waited {BUSY_SECONDS:.0f} s): "
            f"{text}", file=str(path), allowed="run again when the other import (or the "
            "program holding the file) has finished, or give another --store")])
    allowed = ("an event store written by 'detente signals import' (import again into a new "
               "store)") if doing == "read" else "a writable path to an SQLite file"
    return DetenteError([Problem(f"cannot {doing} the event store: {text}", file=str(path),
                                 allowed=allowed)])


#: The tables of an event store.
TABLES = frozenset({"events", "mentions", "problems", "imports"})
#: The schema version this detente writes and reads (SQLite's ``user_version``; it sets none).
STORE_VERSION = 0


def _foreign(conn: sqlite3.Connection, path: Path, write: bool = False) -> Problem | None:
    """Why the SQLite file of ``conn`` must not be used as an event store, or None: a schema
    version later than :data:`STORE_VERSION` (a newer detente's store: read or written here it
    would be misread), or — before writing — tables of which the store's are not all a part
    (another program's database: ``signals import`` added detente's tables to it and switched
    it to WAL). Only reads: nothing is written before this says None."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > STORE_VERSION:
        return Problem(f"an event store of schema version {version}, written by a later "
                       f"detente (this one reads version {STORE_VERSION})", file=str(path),
                       allowed="a store written by this version of detente (update detente, "
                       "or import into a new store)")
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if write and names and not names >= TABLES:
        shown = ", ".join(sorted(names)[:5]) + (", …" if len(names) > 5 else "")
        return Problem(f"an SQLite database that is not an event store (its tables: {shown}); "
                       "importing would add detente's tables to it", file=str(path),
                       allowed="a new file, or an event store written by 'detente signals "
                       "import'")
    return None


def _open_read_only(path: Path) -> sqlite3.Connection:
    """An SQLite connection that cannot write, on a file that holds a detente event store."""
    allowed = "an event store written by 'detente signals import'"
    if path.is_dir():
        raise DetenteError([Problem("the event store is a folder, not a file", file=str(path),
                                    allowed=allowed + " (a file path)")])
    if not path.is_file() or path.stat().st_size == 0:
        what = "is empty" if path.is_file() else "does not exist"
        raise DetenteError([Problem(f"the event store {what}: run 'detente signals import' "
                                    "first", file=str(path), allowed=allowed)])
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                               timeout=BUSY_SECONDS)
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        raise store_error(exc, path) from exc
    if problem := _foreign(conn, path):
        conn.close()
        raise DetenteError([problem])
    missing = sorted(TABLES - names)
    if not missing:  # the columns every reader selects (a table of that name is not enough)
        try:
            have = {r[1] for r in conn.execute("PRAGMA table_info(events)")}
            have_m = {r[1] for r in conn.execute("PRAGMA table_info(mentions)")}
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise store_error(exc, path) from exc
        missing = [f"events.{c}" for c in PROVENANCE + CANONICAL if c not in have]
        missing += [f"mentions.{c}" for c in ("event_id", "source_name") if c not in have_m]
    if missing:
        conn.close()
        raise DetenteError([Problem("not an event store of detente: no table or column "
                                    + ", ".join(missing), file=str(path), allowed=allowed)])
    return conn


_DATE = np.dtype("datetime64[D]")


def _column(name: str, values: Sequence[object]) -> np.ndarray:
    """One column of stored events as an array; ValueError/TypeError/OverflowError for a
    value ``signals import`` never writes (a date that is not YYYY-MM-DD, text in a number)."""
    if name in ("intensity", "latitude", "longitude"):
        return np.array([np.nan if v is None else v for v in values], dtype=float)
    if name in ("line", "quad_class", "num_sources", "num_articles"):
        if any(isinstance(v, (str, bytes)) for v in values):
            raise ValueError("text in a whole-number column")
        return np.array([-1 if v is None else v for v in values], dtype=np.int64)
    if name == "date":
        if any(not isinstance(v, str) or len(v) != 10 for v in values):
            raise ValueError("not a YYYY-MM-DD date")
        np.array(values, dtype=_DATE)  # a calendar date (2022-13-45 raises)
    return np.array(values, dtype=object)


class EventStore:
    """A thin handle on the SQLite store (open, append, query); all logic lives in functions."""

    def __init__(self, path: Path | str, *, read_only: bool = False) -> None:
        """Open (and, unless ``read_only``, create) the store at ``path``. A read-only handle
        never writes: a missing file, an empty file or an SQLite file without the ``events``
        table is an error naming the file, and nothing is created on disk."""
        self.path = Path(path)
        if read_only:
            self.conn = _open_read_only(self.path)
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, timeout=BUSY_SECONDS)
            if problem := _foreign(self.conn, self.path, write=True):  # before any write
                self.conn.close()
                raise DetenteError([problem])
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise store_error(exc, path, "open") from exc
        except OSError as exc:
            raise DetenteError([Problem(f"cannot open the event store: {exc}", file=str(path),
                                        allowed="a writable path to an SQLite file")]) from exc

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- appending ----------------------------------------------------------------------------
    def add_events(self, rows: Iterable[Sequence[object]]) -> int:
        """Insert rows ordered as ``PROVENANCE + CANONICAL``; returns how many were new."""
        cols = PROVENANCE + CANONICAL
        sql = (f"INSERT OR IGNORE INTO events ({', '.join(cols)}) "
               f"VALUES ({', '.join('?' * len(cols))})")
        before = self.conn.total_changes
        self.conn.executemany(sql, rows)
        return self.conn.total_changes - before

    def add_mentions(self, rows: Iterable[Sequence[object]]) -> int:
        """Insert rows ordered as (sha256, line, file, ingested) + ``MENTION_FIELDS``."""
        cols = ("source_sha256", "line", "source_file", "ingested", *MENTION_FIELDS)
        sql = (f"INSERT OR IGNORE INTO mentions ({', '.join(cols)}) "
               f"VALUES ({', '.join('?' * len(cols))})")
        before = self.conn.total_changes
        self.conn.executemany(sql, rows)
        return self.conn.total_changes - before

    def add_problems(self, rows: Iterable[Sequence[object]]) -> None:
        """Insert (sha256, line, file, kind, detail) rows."""
        self.conn.executemany("INSERT OR IGNORE INTO problems VALUES (?, ?, ?, ?, ?)", rows)

    def begin_import(self, sha: str, source: str, fmt: str, options: str, started: str) -> int:
        cur = self.conn.execute(
            "INSERT INTO imports (source_sha256, source_file, format, options, started) "
            "VALUES (?, ?, ?, ?, ?)", (sha, source, fmt, options, started))
        self.conn.commit()
        return int(cur.lastrowid or 0)

    def finish_import(self, import_id: int, finished: str, added: int, problems: int) -> None:
        self.conn.execute("UPDATE imports SET finished=?, rows_added=?, problems=? WHERE rowid=?",
                          (finished, added, problems, import_id))
        self.conn.commit()

    def count_rows(self, kind: str, sha: str) -> int:
        """Rows of source ``sha`` in the ``events`` (``kind`` "events") or ``mentions`` table."""
        table = "events" if kind == "events" else "mentions"
        return int(self.conn.execute(f"SELECT count(*) FROM {table} WHERE source_sha256 = ?",
                                     (sha,)).fetchone()[0])

    def drop_after(self, sha: str, line: int) -> None:
        """Remove the rows of source ``sha`` at ``line`` and after (an import that failed at
        ``line`` keeps only what precedes it, whatever order its parts were stored in)."""
        for table in ("events", "mentions", "problems"):
            self.conn.execute(f"DELETE FROM {table} WHERE source_sha256 = ? AND line >= ?",
                              (sha, line))

    def commit(self) -> None:
        self.conn.commit()

    # -- reading ------------------------------------------------------------------------------
    def query(self, sql: str, args: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """All rows of ``sql``; a damaged database ("database disk image is malformed") is a
        :class:`DetenteError` naming the store, not an ``sqlite3`` exception."""
        try:
            return self.conn.execute(sql, args).fetchall()
        except sqlite3.DatabaseError as exc:
            raise store_error(exc, self.path) from None

    def bad_value(self, column: str, values: Sequence[object]) -> DetenteError:
        """The error for a stored value of ``column`` that ``signals import`` never writes."""
        bad = next((v for v in values if _bad(column, v)), None)
        return DetenteError([Problem("the event store holds a value 'signals import' never "
                                     "writes (the file was changed by another program?)",
                                     file=str(self.path), path=f"events.{column}", value=bad,
                                     allowed="a store written by 'detente signals import' "
                                             "(import again into a new store)")])

    def count(self, table: str = "events") -> int:
        if table not in ("events", "mentions", "problems", "imports"):
            raise ValueError(table)
        return int(self.query(f"SELECT count(*) FROM {table}")[0][0])

    def events(self, *, actors: Sequence[str] = (), dyad: tuple[str, str] | None = None,
               date_from: str | None = None, date_to: str | None = None,
               codes: Sequence[str] = (), limit: int | None = None,
               columns: Sequence[str] | None = None) -> EventTable:
        """Events matching the filters, sorted by date then line, as column arrays.

        ``actors`` match either side's country or actor code; ``dyad`` matches both directions;
        ``codes`` are prefixes of the original code; dates are ISO ``YYYY-MM-DD`` inclusive;
        ``columns`` (default all) limits what is read, for speed on large stores.
        """
        where, args = _where(actors, dyad, date_from, date_to, codes)
        cols = tuple(columns) if columns else PROVENANCE + CANONICAL
        unknown = [c for c in cols if c not in PROVENANCE + CANONICAL]
        if unknown:
            raise ValueError(f"unknown event columns: {unknown}")
        sql = f"SELECT {', '.join(cols)} FROM events {where} ORDER BY date, source_sha256, line"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        rows = self.query(sql, args)
        data = list(zip(*rows, strict=True)) if rows else [() for _ in cols]
        out: dict[str, np.ndarray] = {}
        for name, values in zip(cols, data, strict=True):
            try:
                out[name] = _column(name, values)
            except (ValueError, TypeError, OverflowError):
                raise self.bad_value(name, values) from None
        return EventTable(out)

    def last_date(self) -> str | None:
        """The latest event date in the store (ISO), or None when it is empty."""
        rows = self.query("SELECT max(date), EXISTS (SELECT 1 FROM events) FROM events")
        last, any_rows = rows[0] if rows else (None, 0)
        if (last is None and any_rows) or (last is not None and _bad("date", last)):
            raise self.bad_value("date", [last])  # events, but no date 'import' would write
        return str(last) if last else None

    def problems(self, sha: str | None = None) -> list[tuple[str, int, str, str]]:
        sql = "SELECT source_file, line, kind, detail FROM problems"
        args: tuple[str, ...] = ()
        if sha:
            sql += " WHERE source_sha256 = ?"
            args = (sha,)
        return [tuple(r) for r in self.query(sql + " ORDER BY source_file, line", args)]

    def mention_counts(self, event_ids: Sequence[str]) -> dict[str, int]:
        """Number of distinct mentioning sources per GDELT event id (independent sources)."""
        out: dict[str, int] = {}
        ids = list(event_ids)
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            q = ("SELECT event_id, count(DISTINCT source_name) FROM mentions WHERE event_id IN "
                 f"({', '.join('?' * len(chunk))}) GROUP BY event_id")
            out.update({k: int(v) for k, v in self.query(q, chunk)})
        return out


def _bad(column: str, value: object) -> bool:
    try:
        _column(column, [value])
    except (ValueError, TypeError, OverflowError):
        return True
    return False


def _where(actors: Sequence[str], dyad: tuple[str, str] | None, date_from: str | None,
           date_to: str | None, codes: Sequence[str]) -> tuple[str, list[object]]:
    parts: list[str] = []
    args: list[object] = []
    if actors:
        q = ", ".join("?" * len(actors))
        parts.append(f"(actor1_country IN ({q}) OR actor2_country IN ({q}) OR "
                     f"actor1 IN ({q}) OR actor2 IN ({q}))")
        args += list(actors) * 4
    if dyad:
        a, b = dyad
        parts.append("((actor1_country = ? AND actor2_country = ?) OR "
                     "(actor1_country = ? AND actor2_country = ?))")
        args += [a, b, b, a]
    if date_from:
        parts.append("date >= ?")
        args.append(date_from)
    if date_to:
        parts.append("date <= ?")
        args.append(date_to)
    if codes:
        parts.append("(" + " OR ".join("code LIKE ?" for _ in codes) + ")")
        args += [f"{c}%" for c in codes]
    return ("WHERE " + " AND ".join(parts)) if parts else "", args
