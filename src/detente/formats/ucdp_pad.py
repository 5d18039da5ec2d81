"""Reader for the UCDP Peace Agreement Dataset (PAD) v22.1, CSV, through DuckDB SQL.

One row per peace agreement signed by at least two opposing primary warring parties in an
armed conflict, 1975-2021 (Harbom, Högbladh & Wallensteen 2006, "Armed Conflict and Peace
Agreements", Journal of Peace Research 43(5); Pettersson, Högbladh & Öberg 2019, JPR 56(4)).
The column meanings are listed in ``docs/agreements.md`` with the codebook they come from.

The reader only reads: it checks the header against the v22.1 columns (a missing or unknown
column is an error naming the file, line 1 and the column), parses every row and returns
typed NumPy arrays. A row whose values break the codebook (a flag that is not 0/1, a date that
is not a date, a structurally broken CSV record) is *not* silently dropped: it is left out of
the arrays and reported as a :class:`~detente.errors.Problem` with file, line and field in
``PadTable.problems``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np

from detente.errors import DetenteError, Problem
from detente.formats._csvtext import ID_RANGE, YEAR_RANGE, guarded
from detente.limits import decode_utf8, read_bytes

#: Binary provision and process flags (0/1) of PAD v22.1.
FLAGS: tuple[str, ...] = (
    "cease", "intarmy", "ddr", "withd", "mil_prov", "pp", "intgov", "intciv", "elections",
    "interim", "natalks", "shagov", "pol_prov", "aut", "fed", "ind", "ref", "shaloc", "regdev",
    "cul", "demarcation", "locgov", "terr_prov", "amn", "pris", "recon", "return",
    "justice_prov", "reaffirm", "outlin", "pko", "gender", "co_impl", "noconf17", "txt",
)
#: Small categorical codes and the values the codebook allows.
CODES: dict[str, tuple[int, ...]] = {
    "incompatibility": (1, 2, 3), "pa_type": (1, 2, 3), "frame": (1, 2, 3),
    "inclusive": (-1, 1, 2), "out_iss": (0, 1, 2, 3, 4, 5), "region": (1, 2, 3, 4, 5),
}
TEXT: tuple[str, ...] = (
    "gwno", "conflict_id", "conflict_name", "dyad_id", "dyad_name", "actor_id", "actor_name",
    "pa_name", "pa_comment", "pa_sign", "c_sign", "pa_3rd", "c_3rd", "c_duration",
    "linktofulltextagreement", "procID", "version",
)
OTHER: tuple[str, ...] = ("paid", "year", "pa_date", "ended", "duration", "termdur", "no_dyad")
#: Every column of PAD v22.1, in file order.
COLUMNS: tuple[str, ...] = (
    "paid", "region", "gwno", "conflict_id", "conflict_name", "dyad_id", "dyad_name",
    "actor_id", "actor_name", "incompatibility", "pa_name", "year", "pa_date", "pa_comment",
    "pa_sign", "c_sign", "pa_3rd", "c_3rd", "ended", "duration", "c_duration", "cease",
    "intarmy", "ddr", "withd", "mil_prov", "pp", "intgov", "intciv", "elections", "interim",
    "natalks", "shagov", "pol_prov", "aut", "fed", "ind", "ref", "shaloc", "regdev", "cul",
    "demarcation", "locgov", "terr_prov", "amn", "pris", "recon", "return", "justice_prov",
    "reaffirm", "outlin", "pko", "gender", "co_impl", "termdur", "noconf17", "txt",
    "linktofulltextagreement", "inclusive", "no_dyad", "pa_type", "out_iss", "procID", "frame",
    "version",
)


@dataclass(frozen=True)
class PadTable:
    """PAD agreements as column arrays (one entry per well-formed row).

    ``ended``: 1 the agreement was coded as ended, 0 coded as not ended, -1 left blank (the
    usual case for agreements still in force). ``end_date``: the ``duration`` column (the date
    the agreement ended), NaT when blank. ``flags``: (n, len(FLAGS)) int8.
    """

    source: str
    sha256: str
    line: np.ndarray
    paid: np.ndarray
    date: np.ndarray
    year: np.ndarray
    ended: np.ndarray
    end_date: np.ndarray
    codes: dict[str, np.ndarray]
    flags: np.ndarray
    text: dict[str, np.ndarray]
    rows_read: int
    problems: tuple[Problem, ...] = field(default=())

    def __len__(self) -> int:
        return int(self.paid.shape[0])

    def flag(self, name: str) -> np.ndarray:
        """The 0/1 column ``name`` (a member of :data:`FLAGS`)."""
        if name not in FLAGS:
            raise DetenteError.one("not a UCDP PAD flag", path=name, value=name,
                                   allowed=", ".join(FLAGS))
        return self.flags[:, FLAGS.index(name)]


def _record_lines(raw: bytes, source: str) -> list[int]:
    """Physical line on which each CSV record (after the header) starts."""
    text = raw.decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    starts, prev = [], 0
    for i, record in enumerate(guarded(reader, source)):
        if i and record:  # a blank line is no record (DuckDB skips it too)
            starts.append(prev + 1)
        prev = reader.line_num
    return starts


def _check_header(names: list[str], source: str) -> None:
    problems = [Problem(f"missing column {c!r}", file=source, line=1, path=c,
                        allowed="the UCDP PAD v22.1 columns")
                for c in COLUMNS if c not in names]
    problems += [Problem(f"unexpected column {c!r}", file=source, line=1, path=c, value=c,
                         allowed="the UCDP PAD v22.1 columns (see docs/agreements.md)")
                 for c in names if c not in COLUMNS]
    if problems:
        raise DetenteError(problems)


def _query(con: duckdb.DuckDBPyConnection, path: Path, source: str) -> tuple[list, list]:
    # The path is a bound parameter, never SQL text.
    scan = ("read_csv($path, all_varchar=true, header=true, quote='\"', escape='\"', "
            "store_rejects=true)")
    where = {"path": str(path)}
    try:
        names = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {scan}", where).fetchall()]
        _check_header(names, source)
        rows = con.execute(f"SELECT {', '.join(COLUMNS)} FROM {scan}", where).fetchall()
        rejects = con.execute(
            "SELECT line_byte_position, arg_min(error_message, column_idx) FROM reject_errors "
            "GROUP BY line_byte_position ORDER BY line_byte_position").fetchall()
    except duckdb.Error as exc:
        raise DetenteError.one(f"cannot read the file as CSV: {str(exc).splitlines()[0]}",
                               file=source) from exc
    return rows, rejects


def _int(cell: str | None, name: str, allowed: tuple[int, ...] | None, where: dict,
         bounds: tuple[int, int] = ID_RANGE) -> int:
    """An integer cell: one of ``allowed`` (a codebook) or, without one, within ``bounds``."""
    try:
        text = str(cell).strip()
        if not re.fullmatch(r"[-+]?[0-9]+", text):  # int() reads 1_0 as 10, '\u0663' as 3
            raise ValueError(text)
        value = int(text)
    except ValueError:
        raise DetenteError.one(f"{name} is not an integer", path=name, value=cell,
                               allowed=", ".join(map(str, allowed)) if allowed else "an integer",
                               **where) from None
    if allowed is not None and value not in allowed:
        raise DetenteError.one(f"{name} is not a code the codebook allows", path=name,
                               value=cell, allowed=", ".join(map(str, allowed)), **where)
    lo, hi = bounds
    if allowed is None and not lo <= value <= hi:  # 10^20 overflowed the int64 column
        raise DetenteError.one(f"{name} is out of range", path=name, value=cell,
                               allowed=f"{lo} … {hi:,}", **where)
    return value


def _date(cell: str | None, name: str, where: dict, *, blank_ok: bool) -> np.datetime64:
    text = (cell or "").strip()
    if not text and blank_ok:
        return np.datetime64("NaT", "D")
    try:
        return np.datetime64(text, "D")
    except ValueError:
        raise DetenteError.one(f"{name} is not a date", path=name, value=cell,
                               allowed="YYYY-MM-DD" + (" or blank" if blank_ok else ""),
                               **where) from None


def _parse(row: dict[str, str | None], where: dict) -> tuple:
    ended_raw = (row["ended"] or "").strip()
    ended = -1 if ended_raw == "" else _int(ended_raw, "ended", (0, 1), where)
    return (
        _int(row["paid"], "paid", None, where),
        _date(row["pa_date"], "pa_date", where, blank_ok=False),
        _int(row["year"], "year", None, where, YEAR_RANGE),
        ended,
        _date(row["duration"], "duration", where, blank_ok=True),
        tuple(_int(row[c], c, CODES[c], where) for c in CODES),
        tuple(_int(row[c], c, (0, 1), where) for c in FLAGS),
    )


def read_ucdp_pad(path: str | Path) -> PadTable:
    """Read a UCDP PAD v22.1 CSV file into a :class:`PadTable` with DuckDB.

    Raises :class:`DetenteError` when the file cannot be read or its columns are not those of
    v22.1; malformed rows are counted and reported in ``problems``, never silently dropped.
    """
    p = Path(path)
    source = str(p)
    raw = read_bytes(p, "agreements")  # a regular file within the size limit
    # DuckDB's sniffer, given bytes that are not UTF-8, took data for column names
    decode_utf8(raw, source, allowed="UTF-8 (the UCDP PAD download is UTF-8)")
    con = duckdb.connect()
    try:
        rows, rejects = _query(con, p, source)
    finally:
        con.close()
    # DuckDB numbers rejected records, not physical lines: count newlines to the byte offset.
    bad_lines = [raw.count(b"\n", 0, int(pos)) + 1 for pos, _ in rejects]
    problems = [Problem(f"malformed CSV record: {msg}", file=source, line=line,
                        allowed=f"{len(COLUMNS)} comma-separated fields")
                for line, (_, msg) in zip(bad_lines, rejects, strict=True)]
    lines = [ln for ln in _record_lines(raw, source) if ln not in set(bad_lines)]
    if len(lines) != len(rows):  # pragma: no cover - a dialect DuckDB and csv disagree on
        raise DetenteError.one("cannot match CSV records to lines (unusual quoting?)",
                               file=source)
    parsed, kept_lines = [], []
    text: dict[str, list[str]] = {c: [] for c in TEXT}
    for values, line in zip(rows, lines, strict=True):
        row = dict(zip(COLUMNS, values, strict=True))
        try:
            parsed.append(_parse(row, {"file": source, "line": line}))
        except DetenteError as exc:
            problems += exc.problems
            continue
        kept_lines.append(line)
        for c in TEXT:
            text[c].append(row[c] or "")
    return _table(source, raw, parsed, kept_lines,
                  {c: np.array(v, dtype=object) for c, v in text.items()},
                  len(rows) + len(rejects), problems)


def _table(source: str, raw: bytes, parsed: list[tuple], lines: list[int],
           text: dict[str, np.ndarray], rows_read: int, problems: list[Problem]) -> PadTable:
    n = len(parsed)
    cols = list(zip(*parsed, strict=True)) if parsed else [()] * 7
    return PadTable(
        source=source, sha256=hashlib.sha256(raw).hexdigest(),
        line=np.array(lines, dtype=np.int64),
        paid=np.array(cols[0], dtype=np.int64),
        date=np.array(cols[1], dtype="datetime64[D]"),
        year=np.array(cols[2], dtype=np.int64),
        ended=np.array(cols[3], dtype=np.int8),
        end_date=np.array(cols[4], dtype="datetime64[D]"),
        codes={c: np.array([t[i] for t in cols[5]], dtype=np.int8) if n
               else np.zeros(0, np.int8) for i, c in enumerate(CODES)},
        flags=(np.array(cols[6], dtype=np.int8).reshape(n, len(FLAGS))),
        text=text, rows_read=rows_read, problems=tuple(problems))
