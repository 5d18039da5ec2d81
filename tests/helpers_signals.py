"""Build small event tables for signals tests (no store needed)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np

from detente.signals.formats import CANONICAL
from detente.signals.store import PROVENANCE, EventStore, EventTable

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


def force_store(tmp_path: Path) -> Path:
    """An event store of daily force RUS→UKR for 120 days from 2022-01-01, a threat every week,
    and one release on 2022-04-11 reported by three sources."""
    d0 = dt.date(2022, 1, 1)
    rows = []
    for k in range(120):
        day = (d0 + dt.timedelta(days=k)).isoformat()
        rows.append(dict(date=day, cameo="190", url=f"https://a{k % 3}.example/{k}"))
        if k % 7 == 0:
            rows.append(dict(date=day, cameo="138", url=f"https://b{k % 3}.example/{k}"))
    rows += [dict(date="2022-04-11", cameo="0841", url=f"https://c{j}.example/r")
             for j in range(3)]
    path = tmp_path / "s.sqlite"
    with EventStore(path) as st:
        st.add_events(store_rows(event_table(rows)))
        st.commit()
    return path


def run_cli(argv: list[str]) -> int:
    """``detente ARGV`` in-process; its exit code (0 when it returns normally)."""
    from detente.cli.app import main

    try:
        main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0
