"""Quote checks for extractions: every quote an exact substring of the article body.

The same comparison as ``detente check --sources`` (:func:`detente.scenario.evidence.normalise`:
whitespace runs collapsed, Unicode NFC) must hold, and an extractor's ``start``/``end`` must
point at the quote character for character. Items that fail are reported, never repaired.
"""

from __future__ import annotations

from detente.extract.schema import ArticleExtraction
from detente.scenario.evidence import normalise


def find_span(body: str, quote: str) -> tuple[int, int] | None:
    """Offsets of ``quote`` in ``body`` (first occurrence), or None."""
    i = body.find(quote)
    return (i, i + len(quote)) if i >= 0 else None


def quote_problems(body: str, extraction: ArticleExtraction) -> list[str]:
    """One message per item whose quote is not exact (empty list when all are)."""
    norm = normalise(body)
    out = []
    for item in extraction.items():
        kind = type(item).__name__
        exact = item.start is not None and body[item.start:item.end] == item.quote
        if not exact and find_span(body, item.quote) is None:
            out.append(f"{kind}: quote is not a substring of the body: {item.quote[:60]!r}")
            continue
        if normalise(item.quote) not in norm:
            out.append(f"{kind}: quote fails the source check: {item.quote[:60]!r}")
    return out
