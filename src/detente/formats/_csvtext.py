"""Shared helpers for the line-oriented text formats: decoding, line splitting, numbers."""

from __future__ import annotations

import csv
from pathlib import Path

from detente.errors import DetenteError, Problem
from detente.limits import read_bytes


def read_rows(path: str | Path, delimiter: str = ",") -> list[list[str]]:
    """Rows of a delimited text file, whatever its line endings (LF, CRLF or old-Mac CR).

    Row ``i`` of the result is physical line ``i + 1``; cells are stripped of surrounding blanks.
    """
    raw = read_bytes(path, "csv")  # a regular file within the size limit, never a FIFO
    if b"\x00" in raw[: 1 << 16]:
        raise DetenteError.one("not a text file (binary content)", file=str(path),
                               allowed="comma- or tab-separated text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    lines = text.splitlines()
    return [[cell.strip() for cell in row] if row else []
            for row in (next(csv.reader([line], delimiter=delimiter), []) for line in lines)]


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
                               column=column, value=cell)
    return value


def problem_at(message: str, *, file: str, line: int, column: int | None = None,
               value: object = None, allowed: str | None = None) -> Problem:
    return Problem(message, file=file, line=line, column=column, value=value, allowed=allowed)
