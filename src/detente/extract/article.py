"""Reading an article: plain UTF-8 text with an optional metadata header.

A file that opens with ``Key: value`` lines (Title, Outlet, Date, URL, …) ended by a line of
three or more dashes carries metadata; the rest is the *body*, the text every extracted quote
must come from. The metadata ``Date`` anchors relative dates ("on Friday", "last month").

>>> a = parse_article("Title: Talks\\nDate: 2025-05-16\\n---\\nRussia and Ukraine met.", "a.txt")
>>> a.meta["title"], a.date.isoformat(), a.body
('Talks', '2025-05-16', 'Russia and Ukraine met.')
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from detente.errors import DetenteError, Problem
from detente.invisible import INVISIBLE, refuse_in
from detente.limits import bad_utf8_at, iso_date, sniff

#: Largest article accepted, in bytes (a long report is ~100 KB; a book is not an article).
MAX_BYTES = 5_000_000
MAX_CHARS = 1_000_000
"""Longest article body in characters: spaCy's ``nlp.max_length`` (the rule extractor's
sentence parser refuses longer texts); a news article is ~10,000."""

_META = re.compile(r"^([A-Za-z][A-Za-z _-]{0,30}):[ \t]*(.*)$")
_RULE = re.compile(r"^-{3,}[ \t]*$")


@dataclass(frozen=True)
class Article:
    """One article: where it came from, its metadata, its body, and the body's anchor date."""

    path: str
    body: str
    meta: dict[str, str] = field(default_factory=dict)
    date: dt.date | None = None
    #: Line (1-based) of the file where the body starts, for messages.
    body_line: int = 1
    #: Invisible characters (zero-width spaces, direction marks: :mod:`detente.invisible`)
    #: removed from the text before reading it (:func:`invisible_note`).
    invisible: int = 0

    @property
    def title(self) -> str | None:
        return self.meta.get("title")


def parse_article(text: str, path: str = "<text>", date: dt.date | None = None) -> Article:
    """Split ``text`` into metadata and body; ``date`` (if given) overrides the header's Date."""
    lines = text.split("\n")
    meta: dict[str, str] = {}
    body_start = 0
    for i, line in enumerate(lines):
        if _RULE.match(line) and meta:
            body_start = i + 1
            break
        m = _META.match(line)
        if not m:
            meta = {}
            break
        meta[m.group(1).strip().lower()] = m.group(2).strip()
    else:
        meta = {}
    if body_start == 0:
        meta = {}
    body = "\n".join(lines[body_start:])
    anchor = date
    if anchor is None and meta.get("date"):
        anchor = header_date(meta["date"], path)
    return Article(path=path, body=body, meta=meta, date=anchor, body_line=body_start + 1)


def header_date(value: str, path: str = "<text>") -> dt.date:
    """The day of a header's ``Date``: ``YYYY-MM-DD``, optionally with a time of day
    (``2025-05-16T10:00:00+02:00``, ``2025-05-16 10:00``). Only its first ten characters
    were read, so ``2025-05-167`` or ``2025-05-16junk`` passed as 2025-05-16."""
    day, rest = value[:10], value[10:]
    try:
        d = iso_date(day)
        if rest and not (rest[0] in "T " and dt.datetime.fromisoformat(value)):
            raise ValueError(value)
    except ValueError as exc:
        raise DetenteError([Problem("metadata Date is not a date", file=path, line=None,
                                    path="Date", value=value,
                                    allowed="YYYY-MM-DD, optionally followed by a time "
                                    "(2025-05-16T10:00:00+02:00)")]) from exc
    return d


def invisible_note(article: Article) -> str | None:
    """A note when invisible characters were removed from ``article``'s text before it was
    read (a quote check ignores them in the source text as well)."""
    if not article.invisible:
        return None
    return (f"{article.invisible:,} invisible characters (zero-width spaces, joiners, direction "
            "marks, a byte-order mark inside the text) were removed before reading: they carry "
            "no meaning in prose, hid words from the extractor and scenario files refuse them")


def unended_header(article: Article) -> str | None:
    """A note when ``article`` opens with ``Key: value`` lines (two or more, or a Date) that
    no line of dashes ends: they were read as body text and their Date was not used."""
    if article.meta:
        return None
    keys = []
    for line in article.body.split("\n", 20)[:20]:
        m = _META.match(line)
        if not m:
            break
        keys.append(m.group(1).strip().lower())
    if len(keys) < 2 and "date" not in keys:
        return None
    return (f"lines 1-{len(keys)} look like a metadata header ({', '.join(keys)}) but no line "
            "of dashes ('---') ends it: read as body text, its Date not used; allowed: end the "
            "header with a '---' line")


_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _not_prose(text: str) -> str | None:
    """What a document that is surely no article is: a JSON document (a detente record, a
    gold file), an HTML page (a detente report) or XML, a YAML scenario (``extract -o``'s own
    draft); None for anything else. Read as prose, their keys and tags gave drafts with
    made-up actors and positions."""
    head = text.lstrip("\ufeff \t\n")[:2000].lower()
    if head.startswith(("<!doctype html", "<html", "<?xml")):
        return "an HTML or XML document"
    if head[:1] in ("{", "["):
        try:
            json.loads(text)
        except ValueError:
            return None
        return "a JSON document"
    first = next((ln for ln in head.splitlines() if ln.strip() and not ln.startswith("#")), "")
    if re.match(r"(id|case):|%yaml\b", first) and _yaml_collections(text):
        return "a YAML document (a scenario or signals file)"
    return None


def _yaml_collections(text: str) -> bool:
    """Whether ``text`` is one YAML mapping with a list or mapping among its values (a scenario
    or a signals file; an article's ``Key: value`` header holds plain values and ends in ---)."""
    import yaml

    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, ValueError, RecursionError):
        return False
    return isinstance(data, dict) and any(isinstance(v, list | dict) for v in data.values())


def read_article(path: Path, date: dt.date | None = None, max_bytes: int = MAX_BYTES) -> Article:
    """Read one article file; every problem is a :class:`DetenteError` naming the file."""
    name = str(path)
    if not path.is_file():
        what = ("no such file" if not path.exists() else "a folder" if path.is_dir()
                else "not a regular file (a FIFO, socket or device)")
        raise DetenteError.one(f"not a readable file: {what}", file=name,
                               allowed="a UTF-8 text file")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise DetenteError.one(f"file is {size:,} bytes, over the {max_bytes:,}-byte limit "
                                   "for one article", file=name,
                                   allowed="split it, or raise --max-bytes")
        raw = path.read_bytes()
    except OSError as exc:  # permission denied, an I/O error
        raise DetenteError.one(f"cannot read the file ({exc.strerror or exc})", file=name,
                               allowed="a readable UTF-8 text file") from exc
    if content := sniff(raw):  # UTF-16/32 with or without a BOM, compressed, PDF, …
        raise DetenteError.one(f"not text: {content}", file=name, allowed="UTF-8 plain text")
    if b"\x00" in raw[:8192]:
        raise DetenteError.one("binary file (NUL bytes), not text", file=name,
                               allowed="plain UTF-8 text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        at = bad_utf8_at(raw, exc)
        raise DetenteError([Problem("not valid UTF-8", file=name,
                                    line=raw.count(b"\n", 0, at) + 1, value=raw[at: at + 4],
                                    allowed="UTF-8 text (convert with iconv)")]) from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\f", "\n").replace("\v", "\n")  # pdftotext's page breaks
    if bad := _CONTROL.search(text):
        raise DetenteError([Problem(f"control character U+{ord(bad.group()):04X} in the text",
                                    file=name, line=text.count("\n", 0, bad.start()) + 1,
                                    allowed="text without control characters (tab and newline "
                                    "are fine); an ESC sequence would reach the draft and the "
                                    "terminal, and U+0080–U+009F is usually Windows-1252 "
                                    "text decoded as Latin-1")])
    refuse_in(text, name, moves_only=True)  # an override would reach drafts and the terminal
    removed = 0
    if not text.isascii():  # zero-width spaces of pasted news text: no meaning in prose, and
        text, removed = INVISIBLE.subn("", text)  # "Kyiv\u200b" is no actor; counted (note)
    if not text.strip():
        raise DetenteError.one("empty file", file=name, allowed="an article's text")
    if kind := _not_prose(text):
        raise DetenteError.one(f"this is {kind}, not an article", file=name,
                               allowed="an article's plain text (optionally a 'Key: value' "
                               "header ended by ---); for HTML, save the page as text first")
    article = parse_article(text, name, date)
    if removed:
        article = replace(article, invisible=removed)
    if not article.body.strip():
        raise DetenteError.one("metadata header but no body after the dashes", file=name,
                               line=article.body_line)
    if len(article.body) > MAX_CHARS:
        raise DetenteError.one(f"the article body has {len(article.body):,} characters, more "
                               f"than the {MAX_CHARS:,} the sentence parser takes", file=name,
                               allowed="one article per file; split a longer text")
    return article
