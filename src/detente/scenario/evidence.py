"""Evidence checks: every quote must be an exact (whitespace-normalised) substring of its source,
and, for bundled cases, every value must carry evidence or an assumption."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from detente.limits import read_text
from detente.scenario.model import Evidence, Scenario, Source, _Traced

_WS = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Collapse whitespace runs to one space and apply Unicode NFC; nothing else changes."""
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


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


def _source_file(src: Source, folder: Path) -> Path | None:
    candidates = []
    if src.file:
        candidates.append(folder / src.file)
    candidates += sorted(folder.glob(f"{src.id}*"))
    return next((c for c in candidates if c.is_file()), None)


def check_quotes(scenario: Scenario, folder: Path) -> list[QuoteCheck]:
    """Check every quote against the source texts in ``folder``.

    A source's text file is its ``file`` field, else the first file whose name starts with the
    source id. Quotes and texts are compared after :func:`normalise`.
    """
    sources = {s.id: s for s in scenario.sources}
    texts: dict[str, str | None] = {}
    out = []
    for path, ev in iter_evidence(scenario):
        if ev.source not in texts:
            src = sources.get(ev.source)
            f = _source_file(src, folder) if src else None
            texts[ev.source] = normalise(read_text(f, "sources")) if f else None
        text = texts[ev.source]
        if text is None:
            out.append(QuoteCheck(path, ev.source, ev.quote, False,
                                  f"no text file for source {ev.source!r} in {folder}"))
        elif normalise(ev.quote) in text:
            out.append(QuoteCheck(path, ev.source, ev.quote, True))
        else:
            out.append(QuoteCheck(path, ev.source, ev.quote, False,
                                  "quote is not an exact substring of the source"))
    return out
