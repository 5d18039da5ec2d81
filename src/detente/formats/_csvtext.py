"""Shared helpers for the line-oriented text formats: decoding, line splitting, numbers."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from detente.errors import DetenteError, Problem
from detente.invisible import refuse_in
from detente.limits import NUMBER_ALLOWED, bad_utf8_at, odd_number, read_bytes, sniff

#: A well-formed UTF-8 character of two to four bytes: a file that holds one and fails to
#: decode as UTF-8 mixes encodings (a Latin-1 file holds none, but for mojibake).
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                             rb"|[\xf0-\xf4][\x80-\xbf]{3}")


def read_rows(path: str | Path, delimiter: str = ",") -> list[list[str]]:
    """Rows of a delimited text file, whatever its line endings (LF, CRLF or old-Mac CR).

    Row ``i`` of the result is physical line ``i + 1``; cells are stripped of surrounding blanks.
    """
    raw = read_bytes(path, "csv")  # a regular file within the size limit, never a FIFO
    if what := sniff(raw):
        raise DetenteError.one(f"not a text file: {what}", file=str(path),
                               allowed="comma- or tab-separated UTF-8 (or Latin-1) text")
    if b"\x00" in raw[: 1 << 16]:
        raise DetenteError.one("not a text file (binary content)", file=str(path),
                               allowed="comma- or tab-separated text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        at = bad_utf8_at(raw, exc)
        if raw.startswith(b"\xef\xbb\xbf") or _UTF8_MULTIBYTE.search(raw):
            raise DetenteError([Problem(
                "mixed encodings: UTF-8 text (a byte-order mark or UTF-8 characters) holding "
                "bytes that are not UTF-8", file=str(path),
                line=raw[:at].count(b"\n") + 1, value=raw[at: at + 4],
                allowed="one encoding for the whole file: UTF-8, or Latin-1 throughout "
                "(read as Latin-1, the UTF-8 characters would become 'Ã©')")]) from None
        text = raw.decode("latin-1")  # an old file in Latin-1 throughout
    refuse_in(text, str(path))  # an analyst's table: names must look as they are
    rows: list[list[str]] = []
    for i, line in enumerate(text.splitlines(), start=1):
        try:
            # strict: an unclosed quote ran to the end of the line, merging the cells after it
            # (a DEU GDP row lost 12 countries and shifted the rest), '"b"c' became 'bc'
            row = next(csv.reader([line], delimiter=delimiter, strict=True), [])
        except csv.Error as exc:
            raise csv_problem(exc, str(path), i) from None
        rows.append([cell.strip() for cell in row] if row else [])
    return rows


def csv_problem(exc: csv.Error, file: str, line: int | None) -> DetenteError:
    """One clear error for a CSV record the ``csv`` module refuses (e.g. a field longer than
    its limit of 131,072 characters, a NUL byte): the file, the line, what is allowed."""
    why = str(exc).replace("\t", "\\t")  # "'\t' expected after '\"'" printed a raw tab
    if "unexpected end of data" in why:
        why += " (a quote opened in this line is never closed)"
    elif "expected after '\"'" in why:
        why += " (text follows a closing quote inside one field)"
    return DetenteError.one(f"not readable as CSV: {why}", file=file, line=line or None,
                            allowed="delimited text, each field under 131,072 characters; a "
                            "field that starts with a quote ends with one")


def guarded(reader: Any, file: str) -> Iterator[list[str]]:
    """The records of a ``csv.reader``, with :class:`csv.Error` turned into
    :func:`csv_problem` at the reader's line."""
    try:
        yield from reader
    except csv.Error as exc:
        raise csv_problem(exc, file, reader.line_num) from None


ID_RANGE = (0, 2**31 - 1)
"""Agreement ids read from PA-X and UCDP PAD (theirs are below 10,000; 10^20 overflowed the
int64 column)."""
YEAR_RANGE = (1, 9999)
"""Years read from PA-X and UCDP PAD."""

MAX_MAGNITUDE = 1e100
"""Largest magnitude of a number in a stakeholder table: sums over actors and squared distances
of such numbers stay finite (a capability of 1e308 made the total capability infinite)."""


def number(cell: str, *, file: str, line: int, column: int, field: str) -> float:
    """Parse one numeric cell or raise a :class:`DetenteError` pointing at it."""
    if cell == "":
        raise DetenteError.one(f"missing value for {field}", file=file, line=line, column=column,
                               allowed="a number")
    try:
        value = float(cell)
    except ValueError:
        raise DetenteError.one(f"{field} is not a number", file=file, line=line, column=column,
                               value=cell, allowed="a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise DetenteError.one(f"{field} is not a finite number", file=file, line=line,
                               column=column, value=cell, allowed="a finite number")
    if why := odd_number(cell):
        raise DetenteError.one(f"{field} is not written as a decimal number: {why}",
                               file=file, line=line, column=column, value=cell,
                               allowed=NUMBER_ALLOWED)
    if abs(value) > MAX_MAGNITUDE:  # 1e308 capabilities summed to inf (a NaN forecast)
        raise DetenteError.one(f"{field} is too large", file=file, line=line, column=column,
                               value=cell, allowed=f"a number of magnitude at most "
                               f"{MAX_MAGNITUDE:.0e} (larger ones overflow when summed or "
                               "squared)")
    return value


def problem_at(message: str, *, file: str, line: int, column: int | None = None,
               value: object = None, allowed: str | None = None) -> Problem:
    return Problem(message, file=file, line=line, column=column, value=value, allowed=allowed)
