"""Writing records and reports to files: atomically, never through a symbolic link unless asked,
and as valid JSON (no NaN). Used by the command line and the workbench alike."""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import stat
from contextvars import ContextVar
from pathlib import Path
from typing import Any, overload

from detente.errors import DetenteError
from detente.invisible import INVISIBLE

FOLLOW_SYMLINKS: ContextVar[bool] = ContextVar("follow_symlinks", default=False)
"""Set by ``detente --follow-symlinks`` for the command it runs."""
TIMESTAMP: ContextVar[bool] = ContextVar("timestamp", default=False)
"""Set by ``detente --timestamp``: records get a ``run`` field (time, timings)."""


def special_file(out: Path) -> str | None:
    """What ``out`` is when it exists and is neither a regular file nor a folder (a FIFO, a
    device such as ``/dev/null``, a socket), or None. Writing renames a new file into place,
    which would *replace* such a file (``--json /dev/null`` run as root removed the device)."""
    try:
        mode = out.stat().st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return ("a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device")


SPECIAL_ALLOWED = "a regular file path (a new one, or a file to overwrite)"

#: A lone surrogate: how Python hands over a byte of a file name that is not UTF-8 (``\xff`` in
#: ``toy\xff.yaml`` is U+DCFF); no UTF-8 file can hold one.
SURROGATE = re.compile("[\ud800-\udfff]")


def storable(data: Any) -> Any:
    """``data`` (plain text, lists and mappings) with every lone surrogate (a byte of a file
    name that is not UTF-8) replaced by U+FFFD: what a YAML writer must be given (it writes a
    surrogate as ``\\uDCFF``, an escape YAML readers refuse)."""
    if isinstance(data, str):
        return SURROGATE.sub("\ufffd", data) if not data.isascii() else data
    if isinstance(data, dict):
        return {storable(k): storable(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [storable(v) for v in data]
    return data


def write_text(out: Path, text: str, follow_symlinks: bool | None = None) -> None:
    """Write an output file. A symbolic link is refused (writing would overwrite whatever it
    points to) unless ``follow_symlinks`` or ``detente --follow-symlinks``; the file is written
    beside its target and renamed into place, so a failed write leaves no half file. A byte
    of a file name that is not UTF-8 (a lone surrogate in ``text``) is written as U+FFFD (a JSON
    record writes it as its ``\\udcXX`` escape instead: :func:`write_json`)."""
    if not text.isascii():
        text = SURROGATE.sub("\ufffd", text)
    follow = FOLLOW_SYMLINKS.get() if follow_symlinks is None else follow_symlinks
    if out.is_symlink():
        if not follow:
            raise DetenteError.one("output path is a symbolic link; writing would overwrite "
                                   "its target", file=str(out), value=os.readlink(out),
                                   allowed="a plain path, or `detente --follow-symlinks …`")
        out = out.resolve()
    if out.is_dir():
        raise DetenteError.one("output path is a directory", file=str(out),
                               allowed="a file path")
    if what := special_file(out):
        raise DetenteError.one(f"output path is {what}, not a file; writing would replace it",
                               file=str(out), allowed=SPECIAL_ALLOWED)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, out)
    except OSError as exc:
        with contextlib.suppress(OSError, UnboundLocalError):
            tmp.unlink(missing_ok=True)  # a half-written temporary file is not left behind
        raise DetenteError.one(f"cannot write the output: {exc.strerror or exc}",
                               file=str(out), allowed="a path in a folder this process may "
                               "write (missing folders are created)") from None


def _finite(data: Any, path: str, hits: dict[str, str]) -> Any:
    """Plain JSON data with every NaN or infinity replaced by null and ``-0.0`` by ``0.0``;
    ``hits`` collects the field paths and values of the first (``"inf"``, ``"-inf"``,
    ``"nan"``)."""
    if isinstance(data, float):
        if not math.isfinite(data):
            hits[path or "(top)"] = str(data)
            return None
        return data + 0.0  # -0.0 written as 0.0 (a negative zero is no information)
    if isinstance(data, dict):
        return {k: _finite(v, f"{path}.{k}".lstrip("."), hits) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_finite(v, f"{path}[{i}]", hits) for i, v in enumerate(data)]
    return data


def write_json(record: Any, out: Path, run: dict[str, Any] | None = None) -> None:
    """Write a record (pydantic model or plain data) as indented JSON to ``out``.

    JSON has no NaN or infinity: such a value is written as null and listed, by field path,
    under a top-level ``non_finite`` mapping (e.g. ``{"….tau": "inf"}``), so the file is
    always valid JSON and nothing is silently lost. With ``detente --timestamp`` a ``run``
    field holds the time and ``run`` (e.g. timings); without it the record is byte-identical
    across reruns."""
    from detente.records.provenance import now

    data = record.model_dump(mode="json") if hasattr(record, "model_dump") else record
    hits: dict[str, str] = {}
    data = _finite(data, "", hits)
    if hits and isinstance(data, dict):
        data["non_finite"] = hits
    if TIMESTAMP.get() and isinstance(data, dict):
        data["run"] = {"created": now(), **(run or {})}
    text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)
    if not text.isascii():  # an invisible character (third-party text) as its \u escape,
        # a byte of a file name that is not UTF-8 (a lone surrogate) as its \udcXX escape
        text = SURROGATE.sub(_json_escape, INVISIBLE.sub(_json_escape, text))
    write_text(out, text + "\n")


def _json_escape(m: re.Match[str]) -> str:
    """A character as JSON writes it with ``ensure_ascii`` (a surrogate pair past U+FFFF):
    the same string when read, visible in any viewer. Such a character can only stand inside
    a JSON string."""
    return json.dumps(m.group())[1:-1]


@overload
def nz(x: float, digits: int) -> float: ...
@overload
def nz(x: None, digits: int) -> None: ...
def nz(x: float | None, digits: int) -> float | None:
    """``x`` for a fixed-decimal format of ``digits`` decimals (``f"{nz(x, 2):+.2f}"``; a
    percentage ``:.1%`` takes ``digits`` 3) that never prints a negative zero: a value that
    rounds to zero becomes ``0.0`` whatever its sign, so ``-0.001`` prints ``0.00``, not
    ``-0.00`` (``round`` rounds the exact binary value as formatting does, so every other digit
    is the same). NaN and infinities are kept (they print ``nan``, ``inf``); None is returned as
    it is (a field that may be None is formatted only where it is not)."""
    if x is None:
        return None
    x = float(x)
    return round(x, digits) + 0.0 if math.isfinite(x) else x


def fixed(x: float, digits: int) -> str:
    """``x`` with ``digits`` decimals, as ``f"{x:.2f}"`` but never ``-0.00``: a value that
    rounds to zero prints as ``0.00`` whatever its sign (:func:`nz`)."""
    return f"{nz(x, digits):.{digits}f}"


#: First characters that make a spreadsheet read a cell as a formula (OWASP, "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet would run ``text`` (user text: a proposal named
    ``=HYPERLINK(…)``) as a formula: it starts with ``= + - @``, a tab or CR and is not a
    number (``-0.5`` is one)."""
    if text[:1] not in FORMULA_START:
        return False
    try:
        float(text)
    except ValueError:
        return True
    return False
