"""Import event data (GDELT 1.0/2.0, ICEWS, POLECAT; plain or zipped) into the event store.

DuckDB streams each file line by line, in parallel parts with exact line numbers
(:mod:`detente.signals.scan`; the SHA-256 pass runs beside it), splits the fields, maps them to
the canonical event, and applies the dyad/actor/code/date filters inside the scan, so memory
stays bounded whatever the file size. Lines with the wrong number of
fields, dates that do not parse and codes outside the codebook are kept as *problems* with their
line numbers, never silently dropped. Rows go into SQLite in committed batches: an interrupted
import keeps every committed batch and a re-run adds only the rest.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path

import duckdb

from detente.errors import DetenteError, Problem
from detente.limits import parse_size, sniff
from detente.signals.codes import (
    PLOVER_TYPES,
    cameo_codebook,
    fips_to_cameo,
    name_to_cameo,
)
from detente.signals.formats import CANONICAL, MENTION_FIELDS, FormatSpec, detect_format
from detente.signals.scan import LONG_LINE, LineScan, ScanError
from detente.signals.store import EventStore

log = logging.getLogger(__name__)

_CHUNK = 8 << 20
_BUFFER = 8 << 20
"""DuckDB's read buffer per part (its default, 32 MiB, held two or three times per part, runs a
two-part scan out of a 128 MB limit)."""
_MAX_EXAMPLES = 20


@dataclass(frozen=True)
class ImportFilter:
    """What to keep at import. Countries are CAMEO codes (``RUS``, ``UKR``); ``codes`` are
    prefixes of the original event code (``"19"`` keeps all of CAMEO 19x); dates inclusive."""

    dyad: tuple[str, str] | None = None
    actors: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None

    def as_dict(self) -> dict[str, object]:
        return {"dyad": list(self.dyad) if self.dyad else None, "actors": list(self.actors),
                "codes": list(self.codes),
                "from": self.date_from.isoformat() if self.date_from else None,
                "to": self.date_to.isoformat() if self.date_to else None}


@dataclass(frozen=True)
class ImportSummary:
    """What one import of one source did. ``problems`` counts bad lines by kind; ``examples``
    lists the first of them as (line, kind, detail)."""

    source: str
    format: str = ""
    sha256: str = ""
    lines: int = 0
    matched: int = 0
    added: int = 0
    blank: int = 0
    problems: dict[str, int] = field(default_factory=dict)
    examples: tuple[tuple[int, str, str], ...] = ()
    error: str | None = None

    @property
    def n_problems(self) -> int:
        return sum(self.problems.values())

    @property
    def usable(self) -> bool:
        """True when the source could be read and held at least one good row."""
        header = 1 if self.format in ("icews", "polecat") else 0
        return self.error is None and self.lines - header - self.blank - self.n_problems > 0


class _Params(dict[str, object]):
    """The values of one query, bound by name (``$p0``, ``$p1``, …): a file path, a filter's
    actor codes or dates never become SQL text, so no quoting is needed (DuckDB prepared
    statement parameters). Calling it with a value returns the placeholder to write."""

    def __call__(self, value: object) -> str:
        key = f"p{len(self)}"
        self[key] = value
        return f"${key}"


# Bytes DuckDB's line reader would mishandle: a lone carriage return ends a line there (every
# later line number shifts), other control bytes can cut a row. Tab, LF and CR LF are fine.
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\r(?!\n)")
_MARK = "\ufffd"  # what a control byte becomes in the cleaned copy (same line count)
_TMP_PREFIX = "detente-import-"
_LONG_MARK = "\ufffe"  # with _MARK: the line that stands for one longer than LONG_LINE
_LONG = (_MARK + _LONG_MARK).encode("utf-8")
_UTF8_MARK = "\ufffa"  # with _MARK: a line that is not UTF-8 (before its text, its bad bytes
_NOT_UTF8 = (_MARK + _UTF8_MARK).encode("utf-8")  # as U+FFFD: the import filter still reads it)
# ctrl: 1 for a line with a control byte, 2 for one that was too long, 3 for one that is not
# UTF-8 (the second and third tests only on marked lines); ncol is then -ctrl
_CTRL = (f"coalesce(CASE WHEN contains(l, chr({ord(_MARK)})) THEN (CASE WHEN contains(l, "
         f"chr({ord(_LONG_MARK)})) THEN 2 WHEN contains(l, chr({ord(_UTF8_MARK)})) THEN 3 "
         f"ELSE 1 END) END, 0) AS ctrl")
_NCOL = "CASE WHEN ctrl > 0 THEN -ctrl ELSE len(f) END AS ncol"


def _clean_copy(path: Path, dest: Path, utf8: bool = False) -> Path:
    """A copy of ``path`` with LF line ends (CR LF → LF), each control byte (and lone CR)
    replaced by U+FFFD and each line longer than :data:`~detente.signals.scan.LONG_LINE`
    replaced by :data:`_LONG` (its bytes are never held whole: memory stays within a chunk and
    one long line's limit), so that the line reader neither splits nor cuts a line there; the
    lines keep their numbers and the marked lines are reported as problems. ``utf8``: each line
    that is not UTF-8 is marked by :data:`_NOT_UTF8` too (the copy read after DuckDB
    stopped at such a line)."""
    carry = b""  # the unfinished last line (at most LONG_LINE bytes)
    long = False  # the unfinished line is longer than LONG_LINE (its bytes were dropped)
    with path.open("rb") as src, dest.open("wb") as out:
        while chunk := src.read(_CHUNK):
            data = carry + chunk
            end = data.rfind(b"\n")
            if end < 0:
                long = long or len(data) > LONG_LINE
                carry = b"" if long else data
                continue
            body, carry = data[:end + 1], data[end + 1:]
            if long:  # the first line end of ``body`` ends the long line
                out.write(_LONG + b"\n")
                body, long = body[body.find(b"\n") + 1:], False
            out.write(_clean_lines(body, utf8))
            if len(carry) > LONG_LINE:
                carry, long = b"", True
        out.write(_LONG if long else _clean_lines(carry, utf8))
    return dest


def _clean_lines(body: bytes, utf8: bool = False) -> bytes:
    """``body`` (whole lines, or the file's last line) with CR LF → LF, control bytes → U+FFFD
    and lines longer than ``LONG_LINE`` → :data:`_LONG` (and with ``utf8``, lines that are not
    UTF-8 marked by :data:`_NOT_UTF8`)."""
    half = LONG_LINE // 2  # a longer line holds a whole half-window aligned to ``half``
    if len(body) > LONG_LINE and any(body.find(b"\n", p, p + half) < 0
                                     for p in range(0, len(body) - half + 1, half)):
        body = b"\n".join(_LONG if len(ln.rstrip(b"\r")) > LONG_LINE else ln
                           for ln in body.split(b"\n"))
    if utf8 and not _is_utf8(body):  # whole lines: no character is cut at the chunk's end
        body = b"\n".join(ln if _is_utf8(ln) else _not_utf8(ln) for ln in body.split(b"\n"))
    return _CONTROL.sub(_MARK.encode("utf-8"), body.replace(b"\r\n", b"\n"))


def _cleaned(path: Path, utf8: bool, tmp: Path) -> Path:
    """The cleaned copy of ``path`` in the scan's folder ``tmp`` (:func:`_clean_copy`)."""
    return _clean_copy(path, tmp / "clean.tsv", utf8)


def _not_utf8(line: bytes) -> bytes:
    """A line that is not UTF-8 as the cleaned copy holds it: :data:`_NOT_UTF8`, then its text
    with each bad byte as U+FFFD (so that ``--dyad``'s filter still finds its countries and the
    line is reported, not skipped); a line that could outgrow the reader's limit so (each bad
    byte takes three) keeps the mark alone."""
    if len(line) > LONG_LINE // 3:
        return _NOT_UTF8
    return _NOT_UTF8 + line.decode("utf-8", errors="replace").encode("utf-8")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _stale_temp_dirs(root: str | None) -> None:
    """Remove the temporary folders of imports that were killed (their process is gone)."""
    base = Path(root or tempfile.gettempdir())
    for d in base.glob(f"{_TMP_PREFIX}*"):
        try:
            pid = int(d.name[len(_TMP_PREFIX):].split("-")[0])
        except ValueError:
            continue
        if pid == os.getpid():
            continue
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(d, ignore_errors=True)
        except OSError:  # alive, owned by someone else
            continue


def _tempdir(root: str | None) -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix=f"{_TMP_PREFIX}{os.getpid()}-", dir=root)


def _head(path: Path, source: str, n: int = 20) -> list[str]:
    with path.open("rb") as fh:
        raw = fh.read(1 << 20)
    if what := sniff(raw, zip_ok=True):  # a gzip'd file, UTF-16, a PDF, an event store, …
        raise DetenteError([Problem(f"not a text file: {what}", file=source,
                                    allowed="tab-separated UTF-8 event data or a zip of it")])
    if b"\x00" in raw:
        raise DetenteError([Problem("not a text file (binary content): expected tab-separated "
                                    "event data or a zip of it", file=source)])
    if b"\r" in raw and b"\n" not in raw and len(raw) > raw.index(b"\r") + 1:
        raise DetenteError([Problem("the lines end with a carriage return only (old Mac line "
                                    "ends): the whole file would be one line", file=source,
                                    allowed="LF or CR LF line ends (convert: tr '\\r' '\\n')")])
    lines = raw.removeprefix(b"\xef\xbb\xbf").split(b"\n")[:n]  # a UTF-8 BOM is not data
    if len(raw) == 1 << 20 and len(lines) > 1:
        lines = lines[:-1]
    # a line that is not UTF-8 (a Latin-1 é) is a problem of its own, counted by the import;
    # the format is told from the others (its tabs are read as they are)
    return [x.decode("utf-8", errors="replace") for x in lines]


def _nz(expr: str, missing: tuple[str, ...], p: _Params) -> str:
    if not expr.startswith("f[") and not expr.startswith("string_split"):
        return expr
    for m in missing:
        expr = f"nullif({expr}, {p(m)})"
    return expr


def _table(con: duckdb.DuckDBPyConnection, name: str, columns: tuple[str, ...],
           rows: Sequence[Sequence[str | None]]) -> None:
    """A VARCHAR table filled in one statement: each column bound as a list and unnested in
    parallel (``executemany`` is slow in DuckDB); not TEMP, so that the cursors scanning the
    parts of a file see it."""
    p = _Params()
    cols = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    select = ", ".join(f"unnest({p(list(c))}::VARCHAR[]) AS {n}"
                       for n, c in zip(columns, cols, strict=True))
    con.execute(f"CREATE TABLE {name} AS SELECT {select}", p)


def _lookup_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Code books as DuckDB tables."""
    cameo = [(c.code, c.plover_type or None, c.plover_mode or None, c.plover_context or None)
             for c in cameo_codebook().values()]
    _table(con, "cameo", ("code", "ptype", "pmode", "pctx"), cameo)
    _table(con, "fips", ("k", "cameo"), list(fips_to_cameo().items()))
    _table(con, "cname", ("k", "cameo"), list(name_to_cameo().items()))
    _table(con, "plover", ("k",), [(t,) for t in PLOVER_TYPES])


#: The range of each numeric field (a value outside it, not finite, or not a number at all is
#: a row problem, never stored or silently read as missing): GDELT Goldstein scale and ICEWS
#: intensity -10 … 10 (their codebooks), quad classes 1 … 4, mention types 1 … 6, confidence
#: 0 … 100 %, tone -100 … 100, degrees of latitude and longitude.
_NUMBER_RANGES: dict[str, tuple[float, float]] = {
    "quad_class": (1, 4), "intensity": (-10, 10), "num_sources": (0, 2**31 - 1),
    "num_articles": (0, 2**31 - 1), "latitude": (-90, 90), "longitude": (-180, 180),
    "mention_type": (1, 6), "sentence_id": (0, 2**31 - 1), "confidence": (0, 100),
    "doc_tone": (-100, 100)}
_CAST = re.compile(r"^try_cast\((.+) AS (INTEGER|DOUBLE)\)$")


def _bad_numbers_sql(spec: FormatSpec, p: _Params) -> str:
    """SQL naming the numeric fields of a row that are written but unusable (comma-joined;
    empty when none): not a number of the field's type ('1,234', '0x10', 99999999999), not
    finite, a count that is not whole ('2.5'), or outside :data:`_NUMBER_RANGES` (POLECAT
    intensity: finite only)."""
    parts = []
    for name, expr in spec.exprs.items():
        m = _CAST.match(expr)
        if not m or name not in _NUMBER_RANGES:
            continue
        raw, lo, hi = _nz(m.group(1), spec.missing, p), *_NUMBER_RANGES[name]
        val = f"try_cast({raw} AS DOUBLE)"
        # DuckDB casts '2.5' to the INTEGER 3 and '0x10' to 16: a count must be a whole number
        whole = "" if m.group(2) == "DOUBLE" else f" OR {val} <> try_cast({raw} AS INTEGER)"
        rng = "" if (spec.name == "polecat" and name == "intensity") else \
            f" OR {val} < {lo} OR {val} > {hi}"
        parts.append(f"CASE WHEN {raw} IS NOT NULL AND ({val} IS NULL OR NOT isfinite({val})"
                     f"{whole}{rng}) THEN '{name} ' || {raw}[:24] END")
    return f"concat_ws(', ', {', '.join(parts)})" if parts else "''"


def _scan_sql(source: str, spec: FormatSpec, p: _Params, prefilter: str = "TRUE",
              first: bool = True) -> str:
    """Lines of ``source`` (one part of the file, see :mod:`detente.signals.scan`) with their
    numbers inside it; only the ``first`` part holds the header and a byte-order mark.
    ``prefilter`` is a cheap necessary condition on the raw line
    (substring tests for the filter's codes) that lets DuckDB skip the lines that cannot match
    before splitting them; the lines that pass are then checked field by field, so a malformed
    line that could match the filter is reported, never dropped. Without a filter every line
    is checked."""
    skip = 1 if spec.header and first else 0
    bom_line = "line = 1" if first else "FALSE"
    if prefilter == "TRUE":
        where = f"line > {skip}"
        materialized = ""
    else:
        where = f"line > {skip} AND (l IS NULL OR ({prefilter}))"
        # Materialise the few candidate lines, so that DuckDB does not push the costly field
        # expressions below the cheap substring test.
        materialized = "MATERIALIZED "
    # A 4-byte delimiter that text does not hold: each line is one column, never cut. The
    # first line loses a UTF-8 byte-order mark.
    return (
        "WITH raw0 AS (SELECT ordinality AS line, l FROM read_csv("
        f"{p(source)}, columns={{'l': 'VARCHAR'}}, "
        "delim=chr(1) || chr(2) || chr(3) || chr(4), header=false, "
        "quote='', escape='', auto_detect=false, strict_mode=false, "
        f"buffer_size={_BUFFER}) WITH ORDINALITY), "
        f"raw AS (SELECT line, CASE WHEN {bom_line} THEN ltrim(l, chr(65279)) ELSE l END AS l "
        "FROM raw0), "
        f"s AS {materialized}(SELECT line, l IS NULL OR trim(l) = '' AS blank, "
        f"{_CTRL}, "
        f"string_split(rtrim(l, chr(13)), chr(9)) AS f FROM raw WHERE {where})"
    )


def _raw_names(code: str, kind: str) -> list[str]:
    """How a CAMEO country code can appear in a raw line of a format (for the prefilter)."""
    if kind == "name":
        return [code, *(n for n, c in name_to_cameo().items() if c == code)]
    return [code]


def _prefilter(spec: FormatSpec, filt: ImportFilter, p: _Params) -> str:
    def contains_any(values: list[str]) -> str:
        return "(" + " OR ".join(f"contains(l, {v})" for v in values) + ")"

    def names(code: str) -> list[str]:
        return [p(n) for n in _raw_names(code, spec.country_kind)]

    conds = []
    if filt.dyad:
        conds += [contains_any(names(c)) for c in filt.dyad]
    if filt.actors:
        conds.append(contains_any([n for a in filt.actors for n in names(a)]))
    if filt.codes and spec.code_kind == "cameo":
        conds.append(contains_any([p("\t" + c) for c in filt.codes]))
    return " AND ".join(conds) if conds else "TRUE"


def _country(expr: str, kind: str, alias: str) -> tuple[str, str]:
    """SQL for a country field mapped to CAMEO, and the join it needs."""
    if kind == "cameo":
        return expr, ""
    table = "fips" if kind == "fips" else "cname"
    return (f"coalesce({alias}.cameo, {expr})",
            f"LEFT JOIN {table} {alias} ON {alias}.k = {expr}")


def _events_sql(source: str, spec: FormatSpec, filt: ImportFilter, p: _Params,
               first: bool = True) -> str:
    e = {k: _nz(v, spec.missing, p) for k, v in spec.exprs.items()}
    inner = ", ".join(f"{e[k]} AS {k}" for k in CANONICAL if k in e and k not in
                      ("plover_type", "plover_mode", "plover_context"))
    inner += f", {_nz(spec.date_raw, spec.missing, p)} AS date_raw"
    inner += f", {_bad_numbers_sql(spec, p)} AS bad_num"
    inner += f", try_strptime({spec.date_raw}, {p(spec.date_format)})::DATE AS d"
    inner += (f", {e.get('plover_mode', 'NULL')} AS p_mode, "
              f"{e.get('plover_context', 'NULL')} AS p_ctx")
    a1, j1 = _country("c.actor1_country", spec.country_kind, "k1")
    a2, j2 = _country("c.actor2_country", spec.country_kind, "k2")
    loc, j3 = _country("c.location_country", spec.location_kind, "k3")
    if spec.code_kind == "cameo":
        known = "cm.code IS NOT NULL"
        ptype, pmode, pctx = "cm.ptype", "cm.pmode", "cm.pctx"
        j4 = "LEFT JOIN cameo cm ON cm.code = c.code"
    else:
        known = "pl.k IS NOT NULL"
        ptype, pmode, pctx = "upper(c.code)", "c.p_mode", "c.p_ctx"
        j4 = "LEFT JOIN plover pl ON pl.k = upper(c.code)"
    out = {k: f"c.{k}" for k in CANONICAL}
    out.update(actor1_country=a1, actor2_country=a2, location_country=loc, plover_type=ptype,
               plover_mode=pmode, plover_context=pctx, date="strftime(c.d, '%Y-%m-%d')")
    conds: list[str] = []
    if filt.dyad:
        x, y = (p(v) for v in filt.dyad)
        conds.append(f"(({a1} = {x} AND {a2} = {y}) OR ({a1} = {y} AND {a2} = {x}))")
    if filt.actors:
        lst = f"{p(list(filt.actors))}::VARCHAR[]"
        conds.append(f"(list_contains({lst}, {a1}) OR list_contains({lst}, {a2}) "
                     f"OR list_contains({lst}, c.actor1) OR list_contains({lst}, c.actor2))")
    if filt.codes:
        conds.append("(" + " OR ".join(f"starts_with(c.code, {p(code)})"
                                       for code in filt.codes) + ")")
    dates = []
    if filt.date_from:
        dates.append(f"c.d >= {p(filt.date_from)}::DATE")
    if filt.date_to:
        dates.append(f"c.d <= {p(filt.date_to)}::DATE")
    if dates:
        conds.append(f"(c.d IS NULL OR ({' AND '.join(dates)}))")
    keep = " AND ".join(conds) if conds else "TRUE"
    return (
        _scan_sql(source, spec, p, _prefilter(spec, filt, p), first)
        + f", c AS (SELECT line, blank, {_NCOL}, {inner} FROM s) "
        f"SELECT c.line, c.blank, c.ncol, c.date_raw, {known} AS known, c.bad_num, "
        + ", ".join(out[k] for k in CANONICAL)
        + f" FROM c {j1} {j2} {j3} {j4} "
        f"WHERE c.blank OR coalesce(c.ncol, 0) <> {spec.columns} OR ({keep})"
    )


def _mentions_sql(source: str, spec: FormatSpec, filt: ImportFilter, keep_ids: bool,
                  p: _Params, first: bool = True) -> str:
    e = {k: _nz(v, spec.missing, p) for k, v in spec.exprs.items()}
    inner = ", ".join(f"{e[k]} AS {k}" for k in MENTION_FIELDS)
    conds = []
    if keep_ids:
        conds.append("c.event_id IN (SELECT id FROM keep)")
    if filt.date_from:
        conds.append(f"(c.d IS NULL OR c.d >= {p(filt.date_from)}::DATE)")
    if filt.date_to:
        conds.append(f"(c.d IS NULL OR c.d <= {p(filt.date_to)}::DATE)")
    keep = " AND ".join(conds) if conds else "TRUE"
    return (
        _scan_sql(source, spec, p, first=first)
        + f", c AS (SELECT line, blank, {_NCOL}, {inner}, {spec.date_raw} AS date_raw, "
        f"{_bad_numbers_sql(spec, p)} AS bad_num, "
        f"try_strptime({spec.date_raw}, {p(spec.date_format)})::DATE AS d FROM s) "
        "SELECT c.line, c.blank, c.ncol, c.date_raw, TRUE AS known, c.bad_num, "
        + ", ".join(f"c.{k}" for k in MENTION_FIELDS)
        + f" FROM c WHERE c.blank OR coalesce(c.ncol, 0) <> {spec.columns} OR ({keep})"
    )


#: Least memory DuckDB is given (its code books and one batch of rows need a few MB).
MIN_DUCKDB_MEMORY = 64 << 20


def _duckdb_memory() -> str:
    """``$DETENTE_DUCKDB_MEMORY`` (default 512MB) checked: ``abc`` was a DuckDB parser
    traceback, ``1KB`` an out-of-memory traceback."""
    raw = os.environ.get("DETENTE_DUCKDB_MEMORY") or "512MB"  # set empty: the default
    try:
        size = parse_size(raw)
    except DetenteError:
        size = -1
    if not MIN_DUCKDB_MEMORY <= size <= 1 << 50:
        raise DetenteError.one("not a usable memory size", path="DETENTE_DUCKDB_MEMORY",
                               value=raw, allowed="a size from 64MB to 1024T, e.g. 512MB or 2G")
    return f"{size >> 20}MB"


def _connect(tmpdir: str) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection whose settings are passed as its configuration (no SQL text).

    One thread per query, reading for itself: the parallelism is the scan's parts, one query
    each on its own thread (:mod:`detente.signals.scan`), and a line-numbered scan is one
    pipeline anyway. DuckDB's worker threads only handed its tasks between threads and its 8
    asynchronous I/O threads only moved the reads to other threads: together ~12 % of the
    import's CPU on 2 M rows (issue 19; docs/performance.md, seventh session)."""
    config: dict[str, str | bool | int | float | list[str]] = {
        "memory_limit": _duckdb_memory(),
        "temp_directory": tmpdir, "threads": 1}
    # The file's size is unknown to the planner (it guesses a few rows) and would otherwise
    # build its hash joins on the file side: a million lines then exhaust the memory limit.
    # The code books are the build side, the file streams through. Each setting that an older
    # DuckDB does not know is dropped in turn.
    extras: list[dict[str, str | int]] = [
        {"disabled_optimizers": "join_order,build_side_probe_side", "async_threads": 0},
        {"disabled_optimizers": "join_order,build_side_probe_side"},
        {"disabled_optimizers": "join_order"}, {}]
    for extra in extras:
        try:
            con = duckdb.connect(config={**config, **extra})
            break
        except duckdb.Error:  # an older DuckDB without that setting
            if not extra:
                raise
    con.execute("SET enable_progress_bar = false")  # a session option, not a config one
    _lookup_tables(con)
    return con


def _classify(row: tuple, spec: FormatSpec) -> tuple[str, str] | None:
    """(kind, detail) when the row is a problem, else None."""
    _line, _blank, ncol, date_raw, known, bad_num, *rest = row
    if ncol == -2:
        return ("line too long", f"the line is longer than {LONG_LINE:,} bytes (an event row is "
                "under 2 KB); it is kept as a problem, not imported")
    if ncol == -3:
        return ("not UTF-8", "the line holds a byte that is not UTF-8 (e.g. a Latin-1 é or a "
                "cp1252 quote); it is kept as a problem, not imported (re-encode the file, e.g. "
                "iconv -f latin1 -t utf-8, to import it)")
    if ncol == -1:
        return ("control character", "the line holds a control byte (e.g. 0x1F) or a lone "
                "carriage return; it is kept as a problem, not imported")
    if ncol != spec.columns:
        return "wrong column count", f"{ncol} fields, expected {spec.columns}"
    if spec.kind == "events" and rest[CANONICAL.index("date")] is None:
        return "bad date", f"date {date_raw!r} is not {spec.date_format.replace('%', '')}"
    if bad_num:
        return "bad number", (f"{bad_num}: not a finite number in the field's range "
                              "(docs/limits.md); the row is kept as a problem")
    if not known:
        code = rest[CANONICAL.index("code")]
        book = "CAMEO 1.1b3" if spec.code_kind == "cameo" else "PLOVER"
        return "unknown code", f"event code {code!r} is not in the {book} codebook"
    return None


def _duck_problem(exc: Exception, source: str, base: int = 0) -> Problem:
    """A readable problem from a DuckDB read error (line number, invalid UTF-8); ``base``: the
    lines before the part of the file that DuckDB was reading."""
    text = str(exc)
    m = re.search(r"Error on Line: (\d+)", text)
    line = base + int(m.group(1)) if m else None
    if "Invalid unicode" in text:
        return Problem("not UTF-8 text", file=source, line=line,
                       allowed="UTF-8 (re-encode the file, e.g. iconv -f latin1 -t utf-8)")
    if size := re.search(r"Maximum line size of (\d+) bytes exceeded\. Actual Size:\s*(\d+)", text):
        return Problem(f"a line of {int(size.group(2)):,} bytes, longer than the "
                       f"{int(size.group(1)):,} bytes the reader takes: the file is not imported",
                       file=source, line=line, allowed="event rows (a GDELT row is under 2 KB); "
                       "remove or split that line")
    return Problem(f"cannot read the file: {text.splitlines()[0]}", file=source, line=line)


def import_text(path: Path, store: EventStore, *, source: str,
                filt: ImportFilter = ImportFilter(), fmt: str | None = None,
                batch_size: int = 50_000, tmpdir: str | None = None,
                parts: int | None = None) -> ImportSummary:
    """Import one uncompressed tab-separated file. DuckDB reads it in ``parts`` parallel parts
    (default: one per CPU for files of 64 MiB and more) while one pass computes its SHA-256;
    a file with control bytes is read from a cleaned copy (same line numbers; those lines are
    problems). Rows are committed batch by batch once the hash is known. A byte of the file's
    name that is not UTF-8 is stored as U+FFFD (SQLite holds UTF-8 text only)."""
    from detente.records.output import SURROGATE

    source = SURROGATE.sub("\ufffd", source)
    spec = detect_format(_head(path, source), source, fmt)
    ingested = datetime.now(UTC).replace(microsecond=0).isoformat()
    with _tempdir(tmpdir) as tmp:
        con = _connect(tmp)
        keep_ids = False
        if spec.kind == "mentions" and (filt.dyad or filt.actors or filt.codes):
            ids = store.events(actors=filt.actors, dyad=filt.dyad, codes=filt.codes)["event_id"]
            con.execute("CREATE TABLE keep (id VARCHAR)")
            if len(ids):  # no stored event matches: an empty table, every mention filtered
                con.executemany("INSERT INTO keep VALUES (?)", [(str(i),) for i in set(ids)])
            keep_ids = True

        def sql(part: str, first: bool) -> tuple[str, _Params]:
            p = _Params()
            return ((_events_sql(part, spec, filt, p, first) if spec.kind == "events"
                     else _mentions_sql(part, spec, filt, keep_ids, p, first)), p)

        import_id, stored = 0, 0
        tally: tuple[Counter[str], list[tuple[int, str, str]], int, int, int] | None = None
        try:
            for not_utf8 in (False, True):  # True: again, each line that is not UTF-8 marked
                scan = LineScan(path, con, sql, Path(tmp), batch=batch_size, parts=parts,
                                clean=partial(_cleaned, path, not_utf8),
                                dirty=not_utf8)
                try:
                    digest = scan.digest()
                    if not import_id:
                        import_id = store.begin_import(digest.sha256, source, spec.name,
                                                       json.dumps(filt.as_dict()), ingested)
                        stored = store.count_rows(spec.kind, digest.sha256)
                    tally = _store_rows(scan, store, spec, source, digest.sha256, ingested)
                    break
                except ScanError as exc:
                    if not not_utf8 and "Invalid unicode" in str(exc.error):
                        # DuckDB stops the whole file at a line that is not UTF-8 (a Latin-1 é):
                        # read it again with such lines marked, so that they become problems and
                        # the other lines are imported (rows stored so far are kept: the second
                        # pass adds each once, as an import of the same file does)
                        store.commit()
                        continue
                    if exc.line is not None:  # other parts may have stored rows past the line
                        store.drop_after(digest.sha256, exc.line)
                    store.commit()
                    raise DetenteError([_duck_problem(exc.error, source, exc.base)]) from exc.error
                finally:
                    scan.close()
        finally:
            con.close()
    if tally is None:  # pragma: no cover - the second pass either stores or raises
        raise RuntimeError("the import ended without a pass")
    counts, examples, blank, matched, added = tally
    if not_utf8:  # rows the first pass stored count as added by this import
        added = store.count_rows(spec.kind, digest.sha256) - stored
    store.finish_import(import_id, datetime.now(UTC).replace(microsecond=0).isoformat(), added,
                        sum(counts.values()))
    summary = ImportSummary(source=source, format=spec.name, sha256=digest.sha256,
                            lines=digest.lines, matched=matched, added=added, blank=blank,
                            problems=dict(counts), examples=tuple(sorted(examples)[:_MAX_EXAMPLES]))
    log.info("imported %s: %d matched, %d new, %d problems", source, matched, added,
             summary.n_problems)
    return summary


def _store_rows(scan: LineScan, store: EventStore, spec: FormatSpec, source: str, sha: str,
                ingested: str) -> tuple[Counter[str], list[tuple[int, str, str]], int, int, int]:
    """Classify and store the scanned rows batch by batch (each batch committed); a row's line
    is the lines before its part plus its line inside the part."""
    counts: Counter[str] = Counter()
    examples: list[tuple[int, str, str]] = []
    blank = matched = added = 0
    for base, rows in scan.batches():
        good, bad = [], []
        for row in rows:
            if row[1]:
                blank += 1
                continue
            line = base + row[0]
            problem = _classify(row, spec)
            if problem:
                counts[problem[0]] += 1
                bad.append((sha, line, source, *problem))
                examples.append((line, *problem))
                if len(examples) > 4 * _MAX_EXAMPLES:  # the first ones by line are kept
                    examples = sorted(examples)[:_MAX_EXAMPLES]
                continue
            matched += 1
            if spec.kind == "events":
                good.append((sha, line, source, spec.name, ingested, *row[6:]))
            else:
                good.append((sha, line, source, ingested, *row[6:]))
        added += (store.add_events(good) if spec.kind == "events" else store.add_mentions(good))
        store.add_problems(bad)
        store.commit()
    return counts, examples, blank, matched, added


#: Most members one zip may hold (a GDELT or ICEWS download holds one).
MAX_ZIP_MEMBERS = 1000


def _member_problem(info: zipfile.ZipInfo, tmpdir: str | None) -> str | None:
    """Why a zip member is refused before it is read, or None. A member larger than the free
    space of the temporary folder (a zip bomb: deflate reaches ~1,000 : 1) is refused unread;
    a compression ratio alone proves nothing (one event line repeated 200,000 times compresses
    229 : 1 and imports fine), and a bomb of zeros stops at its first chunk (binary)."""
    mode = info.external_attr >> 16
    if info.flag_bits & 0x1:
        return "the member is encrypted (password-protected); allowed: an unencrypted zip"
    if stat.S_ISLNK(mode):
        return "the member is a symbolic link (not followed); allowed: event data files"
    where = tmpdir or tempfile.gettempdir()
    free = shutil.disk_usage(where).free
    if info.file_size > free:
        return (f"the member expands to {info.file_size:,} bytes, more than the {free:,} "
                f"bytes free in {where} (a zip bomb?); allowed: a member that fits the "
                "temporary folder (TMPDIR)")
    return None


def _extract(zf: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path) -> None:
    with zf.open(info) as src, dest.open("wb") as out:
        first = True
        while chunk := src.read(_CHUNK):
            if first and chunk[:4] == b"PK\x03\x04":
                raise DetenteError.one("the member is itself a zip (nested archives are not "
                                       "opened)", allowed="unzip the inner archive first")
            if first and b"\x00" in chunk[: 1 << 20]:  # stop before writing a bomb to disk
                raise DetenteError.one("not a text file (binary content)",
                                       allowed="tab-separated event data (GDELT, ICEWS, "
                                       "POLECAT)")
            first = False
            out.write(chunk)


def import_zip(path: Path, store: EventStore, **kw: object) -> list[ImportSummary]:
    """Import every member of a zip archive (each member is its own source ``zip!member``); a
    member that is refused (encrypted, a link, a nested zip, binary, a bomb) gets a summary
    with ``error`` set and the others still import."""
    tmpdir = kw.get("tmpdir")
    out = []
    try:
        with zipfile.ZipFile(path) as zf:
            members = [i for i in zf.infolist() if not i.is_dir()]
            if not members:
                raise DetenteError([Problem("zip archive holds no files", file=str(path),
                                            allowed="a zip of event data files")])
            if len(members) > MAX_ZIP_MEMBERS:
                raise DetenteError([Problem(f"zip archive holds {len(members):,} files",
                                            file=str(path), allowed=f"at most "
                                            f"{MAX_ZIP_MEMBERS:,} event files in one zip")])
            for info in members:
                source = f"{path}!{info.filename}"
                if why := _member_problem(info, tmpdir):  # type: ignore[arg-type]
                    out.append(ImportSummary(source=source, error=f"{source}: {why}"))
                    continue
                try:
                    with _tempdir(tmpdir) as tmp:  # type: ignore[arg-type]
                        dest = Path(tmp) / "member.tsv"
                        _extract(zf, info, dest)
                        out.append(import_text(dest, store, source=source,
                                               **kw))  # type: ignore[arg-type]
                except DetenteError as exc:
                    out.append(ImportSummary(source=source, error=str(exc.with_file(source))))
    except (zipfile.BadZipFile, EOFError, zlib.error, OSError, RuntimeError,
            NotImplementedError) as exc:
        # RuntimeError: an encrypted member zipfile did not flag; NotImplementedError: a
        # compression method this Python lacks
        raise DetenteError([Problem(f"truncated or corrupt zip archive ({exc})", file=str(path),
                                    allowed="a complete zip file (download it again)")]) from exc
    return out


def import_path(path: Path | str, store: EventStore, *, filt: ImportFilter = ImportFilter(),
                fmt: str | None = None, batch_size: int = 50_000,
                tmpdir: str | None = None, parts: int | None = None) -> list[ImportSummary]:
    """Import a plain or zipped event file; a file that cannot be read at all gives a summary
    with ``error`` set (so other files still import) rather than an exception. ``parts``: how
    many parts DuckDB reads at once (default: one per CPU for large files)."""
    p = Path(path)
    kw = {"filt": filt, "fmt": fmt, "batch_size": batch_size, "tmpdir": tmpdir,
          "parts": parts}
    _stale_temp_dirs(tmpdir)
    try:
        if not p.is_file():
            what = ("no such file" if not p.exists()
                    else "not a regular file (a folder, FIFO or device)")
            raise DetenteError([Problem(what, file=str(p))])
        try:
            with p.open("rb") as fh:
                magic = fh.read(4)
        except OSError as exc:
            raise DetenteError([Problem(f"cannot read the file: {exc.strerror or exc}",
                                        file=str(p), allowed="a readable event file")]) from None
        if magic == b"PK\x03\x04" or p.suffix.lower() == ".zip":
            return import_zip(p, store, **kw)
        return [import_text(p, store, source=str(p), **kw)]  # type: ignore[arg-type]
    except DetenteError as exc:
        log.info("%s", exc)
        return [ImportSummary(source=str(p), error=str(exc))]
