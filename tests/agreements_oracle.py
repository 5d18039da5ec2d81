"""An independent re-implementation, from the raw CSV strings, of the renewal outcome and the
compliance-prior pooling rule of docs/agreements.md, used as a test oracle. Plain Python and
the csv module: no NumPy, no DuckDB, no code shared with detente.agreements."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path


def pad_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def outcome(row: dict[str, str], years: float = 2.0, end: str = "2021-12-31") -> str:
    signed = dt.date.fromisoformat(row["pa_date"])
    horizon = dt.timedelta(days=round(years * 365.25))
    if row["ended"] == "1" and not row["duration"]:
        return "unknown"
    if row["ended"] == "1" and dt.date.fromisoformat(row["duration"]) - signed <= horizon:
        return "broken"
    if signed + horizon <= dt.date.fromisoformat(end):
        return "kept"
    return "censored"


def prior(rows: list[dict[str, str]], in_kind: list[bool], in_cell: list[bool],
          m: float) -> tuple[float, float]:
    out = [outcome(r) for r in rows]
    k0 = sum(o == "kept" for o in out)
    n0 = sum(o in ("kept", "broken") for o in out)
    p0 = (k0 + 0.5) / (n0 + 1)
    kk = sum(o == "kept" for o, f in zip(out, in_kind, strict=True) if f)
    nk = sum(o in ("kept", "broken") for o, f in zip(out, in_kind, strict=True) if f)
    pk = (kk + m * p0) / (nk + m)
    k = sum(o == "kept" for o, f in zip(out, in_cell, strict=True) if f)
    n = sum(o in ("kept", "broken") for o, f in zip(out, in_cell, strict=True) if f)
    return m * pk + k, m * (1 - pk) + n - k
