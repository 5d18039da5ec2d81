"""Evidence checks: every quote must be an exact (whitespace-normalised) substring of its source,
and, for bundled cases, every value must carry evidence or an assumption."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from detente.invisible import INVISIBLE
from detente.limits import read_text
from detente.scenario.model import Evidence, Scenario, Source, _Traced

_WS = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Collapse whitespace runs to one space, apply Unicode NFC and drop the invisible
    characters of :mod:`detente.invisible` (a source text may hold a zero-width space that a
    quote, which may not, leaves out); nothing else changes."""
    if not text.isascii():
        text = INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    return _WS.sub(" ", text).strip()


@dataclass(frozen=True)
class QuoteCheck:
    """The outcome of checking one quote against its source text."""

    path: str
    source: str
    quote: str
    found: bool
    reason: str = ""


def iter_evidence(obj: Any, path: str = "") -> Iterator[tuple[str, Evidence]]:
    """Every evidence in a scenario, with its field path."""
    if isinstance(obj, _Traced):
        for j, ev in enumerate(obj.evidence):
            yield f"{path}.evidence[{j}]".lstrip("."), ev
    if isinstance(obj, BaseModel) and not isinstance(obj, Evidence):
        for name in type(obj).model_fields:
            yield from iter_evidence(getattr(obj, name), f"{path}.{name}")
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            yield from iter_evidence(item, f"{path}[{i}]")
    elif isinstance(obj, dict):
        for k, item in obj.items():
            yield from iter_evidence(item, f"{path}.{k}")


def iter_untraced(obj: Any, path: str = "") -> Iterator[str]:
    """Paths of values that carry neither evidence nor an assumption."""
    if isinstance(obj, _Traced) and not obj.traced:
        yield path.lstrip(".")
    if isinstance(obj, BaseModel) and not isinstance(obj, Evidence):
        for name in type(obj).model_fields:
            yield from iter_untraced(getattr(obj, name), f"{path}.{name}")
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            yield from iter_untraced(item, f"{path}[{i}]")
    elif isinstance(obj, dict):
        for k, item in obj.items():
            yield from iter_untraced(item, f"{path}.{k}")


def _candidates(src: Source, folder: Path) -> list[Path]:
    out = [folder / src.file] if src.file else []
    return out + sorted(folder.glob(f"{src.id}*"))


def _source_file(src: Source, folder: Path) -> Path | None:
    return next((c for c in _candidates(src, folder) if c.is_file()), None)


def _missing(src: Source, folder: Path) -> str:
    """Why no text of ``src`` is found: none there, or a name that is no regular file (a FIFO,
    a device, a folder, a broken link) rather than "no text file" when one is plainly there."""
    odd = next((c for c in _candidates(src, folder) if c.exists() or c.is_symlink()), None)
    if odd is None:
        return f"no text file for source {src.id!r} in {folder}"
    return (f"the text of source {src.id!r} ({odd}) is not a regular file (a folder, FIFO, "
            "device or broken link); allowed: a text file")


def check_quotes(scenario: Scenario, folder: Path) -> list[QuoteCheck]:
    """Check every quote against the source texts in ``folder``.

    A source's text file is its ``file`` field, else the first file whose name starts with the
    source id. Quotes and texts are compared after :func:`normalise`.
    """
    sources = {s.id: s for s in scenario.sources}
    texts: dict[str, tuple[str, Path] | None] = {}
    out = []
    for path, ev in iter_evidence(scenario):
        if ev.source not in texts:
            src = sources.get(ev.source)
            f = _source_file(src, folder) if src else None
            texts[ev.source] = (normalise(read_text(f, "sources")), f) if f else None
        found = texts[ev.source]
        if found is None:
            msg = (_missing(sources[ev.source], folder) if ev.source in sources
                   else f"no text file for source {ev.source!r} in {folder}")
            out.append(QuoteCheck(path, ev.source, ev.quote, False, msg))
        elif normalise(ev.quote) in found[0]:
            out.append(QuoteCheck(path, ev.source, ev.quote, True))
        else:  # name the text file: a damaged or empty copy is then found at once
            what = "is empty" if not found[0].strip() else "does not hold the quote"
            out.append(QuoteCheck(path, ev.source, ev.quote, False,
                                  f"quote is not an exact substring of the source ({found[1]} "
                                  f"{what})"))
    return out


def quoted_spans(text: str, quotes: Iterable[str]) -> list[str]:
    """The smallest excerpt of ``text`` that holds every quote: the maximal runs of text that
    some quote covers (overlapping or adjacent quotes merged, a quote inside another kept once),
    in the order of the text. ``text`` and the quotes are compared whitespace-normalised; a
    quote that is not in the text raises ``ValueError``.

    >>> quoted_spans("Ann met Bob. Bob left at noon. Rain fell.", ["Bob left", "left at noon",
    ...                                                           "Ann met"])
    ['Ann met', 'Bob left at noon']
    """
    import numpy as np  # here: checking a case (detente check) needs no NumPy

    flat = normalise(text)
    covered = np.zeros(len(flat) + 1, dtype=np.int64)  # +1 at a quote's start, -1 past its end
    for q in {normalise(q) for q in quotes}:
        start = flat.find(q)
        if start < 0:
            raise ValueError(f"quote not in the text: {q[:80]!r}")
        covered[start] += 1
        covered[start + len(q)] -= 1
    inside = np.cumsum(covered[:-1]) > 0
    edges = np.flatnonzero(np.diff(np.concatenate(([0], inside.astype(np.int8), [0]))))
    return [flat[a:b].strip() for a, b in zip(edges[::2], edges[1::2], strict=True)]
