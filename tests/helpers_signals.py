"""Build small event tables for signals tests (no store needed)."""

from __future__ import annotations

from typing import Any

import numpy as np

from detente.signals.formats import CANONICAL
from detente.signals.store import PROVENANCE, EventTable

_FLOAT = ("intensity", "latitude", "longitude")
_INT = ("line", "quad_class", "num_sources", "num_articles")


def event_table(rows: list[dict[str, Any]], actor1: str = "RUS",
                actor2: str = "UKR") -> EventTable:
    """An :class:`EventTable` of ``rows`` (``date``, ``cameo`` and any canonical field);
    source and target default to ``actor1``/``actor2``, provenance is made up per line."""
    cols: dict[str, list[Any]] = {c: [] for c in PROVENANCE + CANONICAL}
    for k, r in enumerate(rows):
        full = {"source_sha256": "sha", "line": k + 1, "source_file": "constructed.tsv",
                "format": "constructed", "ingested": "2026-01-01", "event_id": str(k + 1),
                "actor1": actor1, "actor1_country": actor1, "actor2": actor2,
                "actor2_country": actor2, "code": r.get("cameo"), **r}
        for c in cols:
            cols[c].append(full.get(c))
    out: dict[str, np.ndarray] = {}
    for c, v in cols.items():
        if c in _FLOAT:
            out[c] = np.array([np.nan if x is None else x for x in v], dtype=float)
        elif c in _INT:
            out[c] = np.array([-1 if x is None else x for x in v], dtype=np.int64)
        else:
            out[c] = np.array(v, dtype=object)
    return EventTable(out)


def store_rows(table: EventTable) -> list[tuple[Any, ...]]:
    """Rows of ``table`` in the order :meth:`EventStore.add_events` takes them."""
    cols = PROVENANCE + CANONICAL
    out = []
    for k in range(len(table)):
        row = []
        for c in cols:
            v = table[c][k]
            if c in _FLOAT:
                v = None if np.isnan(v) else float(v)
            elif c in _INT:
                v = None if v == -1 else int(v)
            row.append(v)
        out.append(tuple(row))
    return out
