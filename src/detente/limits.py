"""Resource limits of every input: file sizes, memory estimated before allocating, option ranges.

One table of them is in ``docs/limits.md``. Each limit refuses with one :class:`DetenteError`
that names the file or option, the value and the limit, instead of a traceback, a hang or an
exhausted machine.
"""

from __future__ import annotations

import datetime as dt
import numbers
import os
import re
import stat
from contextvars import ContextVar
from pathlib import Path

from detente.errors import DetenteError, Problem

MB = 1 << 20
GB = 1 << 30

MAX_FILE_BYTES: dict[str, int] = {
    "scenario": 16 * MB,
    "war": 16 * MB,
    "signals": 16 * MB,
    "genius": 64 * MB,
    "csv": 64 * MB,
    "deu": 64 * MB,
    "sources": 64 * MB,
    "agreements": 256 * MB,
}
"""Largest input file per format (event files are streamed and have no size limit)."""

MEMORY_LIMIT = 4 * GB
"""Default ceiling of one analysis' large arrays; ``DETENTE_MEMORY_LIMIT`` (e.g. ``16G``) or
``detente --memory-limit 16G`` raises it."""

MAX_OUTCOMES = 2**63 - 1
"""Largest outcome space of the deal analysis (outcomes are indexed by 64-bit integers)."""
MAX_VETO_PLAYERS = 30
"""Most veto players of a deal analysis (it views every pair: 435 pairs at 30)."""
MAX_ISSUE_VALUES = 100_000
"""Most values of one issue (a GENIUS integer issue 0 … 10^15 would never finish)."""
MAX_DIMENSIONS = 1_000
"""Most dimensions of a stakeholder table (a KTAB header declaring 10^9 would never finish)."""
MAX_ACTORS = 100_000
"""Most actors of a stakeholder table."""
MAX_SEED = 2**63 - 1
MAX_DRAWS = 1_000_000
MAX_BOOTSTRAP = 100_000
MAX_ROUNDS = 1_000
MAX_BATCH_ROWS = 10_000_000
"""Most rows of one committed batch of ``signals import --batch-size``."""
MAX_WINDOW_DAYS = 36_500
"""Longest window of days (a renege window: 100 years; past it a date overflows)."""
MAX_WORKERS = 256
"""Most worker processes of ``--executor local:N`` / ``dask-local:N`` (a typo of 10^8 would
otherwise try to start them all)."""
MAX_PATH_MONTHS = 200_000_000
"""Largest ``--paths`` × ``--months`` (a path-month is a few floats per quantity)."""
MAX_SEARCH_NODES = 200_000
"""Default node budget of the non-linear GENIUS frontier search (``analyze DIR --max-nodes``;
past it the search turns anytime and reports its gap): :data:`detente.deals.nonlinear.MAX_NODES`."""


def check_file(path: str | Path, kind: str) -> Path:
    """``path`` as a regular file no larger than the limit of ``kind``, else a clear error.

    Refuses what is not a regular file after following links (a folder, a FIFO, a device such
    as ``/dev/zero``, a dangling link) so that reading it cannot hang or never end."""
    p = Path(path)
    file = str(p)
    try:
        st = p.stat()
    except FileNotFoundError:
        what = ("cannot read the file: dangling symbolic link" if p.is_symlink()
                else "cannot read the file: file not found")
        raise DetenteError.one(what, file=file) from None
    except OSError as exc:
        raise DetenteError.one(f"cannot read the file: {exc.strerror or exc}", file=file) from None
    if stat.S_ISDIR(st.st_mode):
        raise DetenteError.one(f"is a directory, not a {kind} file", file=file)
    if not stat.S_ISREG(st.st_mode):
        raise DetenteError.one(f"not a regular file (a FIFO, socket or device), not a {kind} "
                               "file", file=file, allowed="a regular file")
    limit = MAX_FILE_BYTES[kind]
    if st.st_size > limit:
        raise DetenteError.one(f"file too large for a {kind} file", file=file,
                               value=f"{st.st_size:,} bytes", allowed=f"at most {limit:,} bytes "
                               "(docs/limits.md)")
    return p


NAME_MAX = 255
"""Longest file name (one path component, in bytes) the file systems we run on accept."""
PATH_MAX = 4096
"""Longest path (in bytes) Linux accepts in one call."""


def check_name(path: str | Path, what: str = "file") -> None:
    """Refuse a name no file system can hold (a NUL byte, a component over :data:`NAME_MAX`
    bytes) with one clear error, instead of the ``OSError``/``ValueError`` that any
    ``Path.exists()`` on it raises."""
    text = str(path)
    if "\x00" in text:
        raise DetenteError.one(f"a {what} name cannot hold a NUL byte", file=repr(text)[1:60],
                               allowed="a file name without control characters")
    for part in Path(text).parts:
        if len(os.fsencode(part)) > NAME_MAX:
            raise DetenteError.one(f"{what} name too long", file=text[:60] + "…",
                                   value=f"{len(os.fsencode(part)):,} bytes in one part",
                                   allowed=f"at most {NAME_MAX} bytes per folder or file name")


def os_error(exc: OSError) -> DetenteError:
    """An operating-system error about a named file (too long a name, no permission, a full
    disk, …) as the one clear message the command prints."""
    import errno

    name = str(exc.filename)
    allowed = {errno.ENAMETOOLONG: f"a path of at most {PATH_MAX:,} bytes, at most {NAME_MAX} "
                                   "bytes per folder or file name",
               errno.ENOTDIR: "a path whose every part but the last is a folder",
               errno.ELOOP: "a path without a loop of symbolic links"}.get(exc.errno or 0)
    return DetenteError.one(f"cannot use this file: {exc.strerror or exc}",
                            file=name if len(name) <= 80 else name[:60] + "…", allowed=allowed)


def read_bytes(path: str | Path, kind: str) -> bytes:
    """The bytes of a regular file within the size limit of ``kind``."""
    p = check_file(path, kind)
    limit = MAX_FILE_BYTES[kind]
    try:
        with p.open("rb") as fh:
            raw = fh.read(limit + 1)
    except OSError as exc:
        raise DetenteError.one(f"cannot read the file: {exc.strerror or exc}",
                               file=str(p)) from None
    if len(raw) > limit:  # grew after the check
        raise DetenteError.one(f"file too large for a {kind} file", file=str(p),
                               allowed=f"at most {limit:,} bytes")
    return raw


def read_text(path: str | Path, kind: str) -> str:
    """UTF-8 text of a regular file within the size limit (a leading BOM is dropped)."""
    return decode_utf8(read_bytes(path, kind), str(path))


def sniff(raw: bytes, zip_ok: bool = False) -> str | None:
    """What ``raw`` is when it is surely not UTF-8 text — a compressed file, a zip, a PDF, an
    SQLite database, UTF-16 or UTF-32 (with or without a byte-order mark) — said with how to
    get text from it; None otherwise. ``zip_ok``: a zip is not named (its reader opens it)."""
    head = raw[:64]
    magic = [(b"\x1f\x8b", "a gzip-compressed file (decompress it first: gunzip)"),
             (b"BZh", "a bzip2-compressed file (decompress it first: bunzip2)"),
             (b"\xfd7zXZ\x00", "an xz-compressed file (decompress it first: unxz)"),
             (b"%PDF-", "a PDF document (extract its text first, e.g. pdftotext)"),
             (b"SQLite format 3\x00", "an SQLite database (e.g. an event store), not text"),
             (b"\xff\xfe\x00\x00", "UTF-32 text (a UTF-32 byte-order mark)"),
             (b"\x00\x00\xfe\xff", "UTF-32 text (a UTF-32 byte-order mark)"),
             (b"\xff\xfe", "UTF-16 text (a UTF-16 byte-order mark)"),
             (b"\xfe\xff", "UTF-16 text (a UTF-16 byte-order mark)")]
    if not zip_ok:
        magic.append((b"PK\x03\x04", "a zip archive (an .xlsx workbook is one); unzip it or "
                      "save the sheet as CSV"))
    for sig, what in magic:
        if head.startswith(sig):
            return what + ("; re-save it as UTF-8 (iconv -f UTF-16 -t UTF-8)"
                           if what.startswith("UTF") else "")
    even, odd = head[0::2], head[1::2]
    if len(head) >= 8 and (odd.count(0) >= 0.4 * len(odd) > even.count(0)
                           or even.count(0) >= 0.4 * len(even) > odd.count(0)):
        return ("UTF-16 text without a byte-order mark (every other byte is NUL); re-save it "
                "as UTF-8 (iconv -f UTF-16 -t UTF-8)")
    return None


def decode_utf8(raw: bytes, file: str, allowed: str = "UTF-8 text") -> str:
    """``raw`` as UTF-8 text, a leading BOM dropped; a file that is surely something else
    (:func:`sniff`) is named as such; the first byte that is not UTF-8 is an error naming its
    line and offset."""
    if what := sniff(raw):
        raise DetenteError([Problem(f"not UTF-8 text: {what}", file=file, allowed=allowed)])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        at = bad_utf8_at(raw, exc)
        raise DetenteError([Problem(f"not UTF-8 text (byte {at}: {raw[at:at + 1]!r})",
                                    file=file, line=raw.count(b"\n", 0, at) + 1,
                                    allowed=allowed)]) from None


def bad_utf8_at(raw: bytes, exc: UnicodeDecodeError) -> int:
    """The offset in ``raw`` of the byte ``exc`` (from decoding ``raw`` as UTF-8) names: the
    'utf-8-sig' codec counts from after the byte-order mark it drops."""
    return exc.start + len(raw) - len(exc.object)


_SIZE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([KMGT]?)B?\s*$", re.IGNORECASE | re.ASCII)


def parse_size(text: str, source: str = "--memory-limit") -> int:
    """``"16G"`` → bytes (K, M, G, T are powers of 1024); ASCII digits only (``\\d`` took
    ``\u0661G``, Arabic-Indic one, as 1 GB). ``source``: where the text came from, named in the
    error (``--memory-limit`` or ``$DETENTE_MEMORY_LIMIT``)."""
    m = _SIZE.match(text)
    if not m:
        raise DetenteError.one("not a memory size", path=source, value=text,
                               allowed="a number in ASCII digits with K, M, G or T, e.g. 16G")
    scale = {"": 1, "K": 1 << 10, "M": MB, "G": GB, "T": 1 << 40}[m.group(2).upper()]
    return int(float(m.group(1)) * scale)


MEMORY_OVERRIDE: ContextVar[int | None] = ContextVar("memory_override", default=None)
"""Set by ``detente --memory-limit`` for the command it runs."""


def memory_limit() -> int:
    """The memory ceiling in bytes: ``--memory-limit``, ``DETENTE_MEMORY_LIMIT`` or
    :data:`MEMORY_LIMIT`."""
    override = MEMORY_OVERRIDE.get()
    if override is not None:
        return override
    env = os.environ.get("DETENTE_MEMORY_LIMIT")
    return parse_size(env, "$DETENTE_MEMORY_LIMIT") if env else MEMORY_LIMIT


def check_memory(needed: float, what: str, path: str | None = None) -> None:
    """Refuse before allocating when ``needed`` bytes exceed the memory limit."""
    limit = memory_limit()
    if needed > limit:
        raise DetenteError.one(
            f"{what} needs ~{needed / GB:.1f} GB, limit {limit / GB:.1f} GB", path=path,
            allowed="fewer draws, paths or months; or raise the limit with "
                    "`detente --memory-limit 16G …` or DETENTE_MEMORY_LIMIT=16G")


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def iso_date(text: str) -> dt.date:
    """The calendar date ``YYYY-MM-DD`` (ASCII digits) of ``text``; ValueError otherwise.
    Python's ``date.fromisoformat`` also takes ``20250516``, ``2025-W20`` and ``2025-W20-5``
    (an ISO week: ``2025-W20`` was read as Monday 2025-05-12), which every message here
    calls not allowed."""
    if not isinstance(text, str) or not _ISO_DATE.fullmatch(text):
        raise ValueError(f"not a date YYYY-MM-DD: {text!r}")
    return dt.date.fromisoformat(text)


DECIMAL = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
"""A number as a file may write it: ASCII digits with an optional sign, decimal point and
exponent (``1000``, ``+5``, ``-0.5``, ``.5``, ``2.5e-3``; surrounding spaces are trimmed)."""
WHOLE_OPTION = re.compile(r"-?[0-9]+")
"""A whole-number option value as typed (spaces around stripped first): ASCII digits, a ``-``
at most (the workbench's forms take the same, ``web.routes._whole``)."""
REAL_OPTION = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
"""A real-number option value as typed: :data:`WHOLE_OPTION` with a decimal point and an
exponent (``0.5``, ``.5``, ``5E-1``), or a word Python reads as a number (``nan``, ``inf``:
refused by each option's range with its own message)."""
NUMBER_ALLOWED = ("decimal digits 0-9 with an optional sign, decimal point and exponent "
                  "(1000, -0.5, 2.5e-3); no '_' between digits, no digits of other scripts")
"""What a number in a table or an XML attribute may look like (docs/limits.md, "Numbers")."""


def odd_number(text: str) -> str | None:
    """Why ``text``, which Python's ``float()``/``int()`` reads as a finite number, is not
    written as a plain decimal number: ``'_' between digits`` (``float("0_5")`` is 5.0, no
    spreadsheet writes it) or ``digits of another script`` (``float("٣")`` is 3.0). None for
    a plain number (and for anything else: that is the caller's check)."""
    t = text.strip()
    if DECIMAL.fullmatch(t) or not t:
        return None
    if "_" in t:
        return "'_' between digits (Python reads 0_5 as 5, 1_000 as 1000)"
    if not t.isascii():
        return "digits of another script (Python reads '\u0663' as 3)"
    return None


def check_range(value: int | float, lo: int | float, hi: int | float, option: str) -> None:
    """An option value within [lo, hi], else a clear error naming the option. With whole
    bounds the value must be a whole number (a Python caller may pass ``"10"``, ``1.5``,
    ``None`` or ``True``: each is refused with the same message, never a ``TypeError``)."""
    whole = isinstance(lo, int) and isinstance(hi, int)
    kind = numbers.Integral if whole else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind):
        what = "a whole number" if whole else "a number"
        raise DetenteError.one(f"{option} must be {what} between {lo:,} and {hi:,}",
                               path=option, value=value)
    if not lo <= value <= hi:
        raise DetenteError.one(f"{option} must be between {lo:,} and {hi:,}", path=option,
                               value=value)


LEAST_DRAWS = {"analyze": 2, "forecast": 10, "credibility": 20}
"""Fewest Monte Carlo draws (other than 0, none) for what each command prints: a standard error
(``analyze``, ``timeline``), a 10-90 % band (``forecast``: each 10 % tail a draw), a 90 %
interval (``signals credibility``: each 5 % tail a draw). The command line, the API and the
workbench's forms check the same numbers."""


def check_draws(draws: int, least: int, why: str, option: str = "--draws",
                none: bool = True) -> None:
    """Monte Carlo draws: 0 (none, when ``none``) or ``least`` to :data:`MAX_DRAWS`. Fewer
    draws give no spread: one draw of a probability is 0 or 1 (``± 0.000``), an interval of
    one draw is that draw (``[0.055, 0.055]``, excluding its own point estimate); ``why`` names
    what they would not give ("standard error …")."""
    check_range(draws, 0, MAX_DRAWS, option)
    if draws < least and (draws > 0 or not none):
        raise DetenteError.one(f"{draws:,} draw{'s' * (draws != 1)} "
                               f"give{'s' * (draws == 1)} no {why}",
                               path=option, value=draws,
                               allowed=("0 (no Monte Carlo) or " if none else "")
                               + f"{least:,} to {MAX_DRAWS:,} draws")


def check_seed(seed: int | None, option: str = "--seed") -> None:
    """A seed NumPy accepts: a whole number 0 … 2^63 − 1."""
    if seed is not None:
        check_range(seed, 0, MAX_SEED, option)
