"""The list of bundled cases as a typed record (``detente cases``).

Each row (date, title, sizes of the negotiation) comes from the validated scenario. So that
listing five cases does not parse and validate ~290 KB of YAML on every call, the package ships
an index of the rows (``detente/cases/index.json``) keyed by the SHA-256 of each case file: a
case whose file has exactly the bytes the index was built from takes its row from the index;
any other case (edited, added, or missing from the index) is loaded and validated as before.
``tests/scenario/test_catalogue.py`` rebuilds every row from the validated scenarios and
compares it with the shipped index, so an index that no longer matches what loading gives (a
case edited, or a change in the model) fails the suite; ``python3 scripts/case_index.py``
rewrites it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, ClassVar

from pydantic import ConfigDict

from detente.records import Provenance, inputs_hash, make_provenance
from detente.records.base import Record

INDEX = "index.json"
"""The index file inside :mod:`detente.cases`."""


class CaseList(Record):
    """One row per bundled case: its date, title and the size of its negotiation."""

    model_config = ConfigDict(frozen=True)
    frame_field: ClassVar[str | None] = "cases"

    provenance: Provenance
    cases: list[dict[str, Any]]


def case_row(name: str, path: Path) -> dict[str, Any]:
    """The row of one case, from its validated scenario (raises on an invalid file)."""
    from detente.scenario import load_file

    s = load_file(path)
    return {"case": name, "date": s.date.isoformat(), "title": s.title,
            "actors": len(s.actors), "veto_players": len(s.veto_players),
            "issues": len(s.issues), "proposals": len(s.proposals),
            "outcomes": s.outcome_count()}


def build_index() -> dict[str, Any]:
    """The index of every bundled case: its file's SHA-256 and its row (loads every case)."""
    from detente.cases import case_names, case_path

    rows = []
    for name in case_names():
        path = case_path(name)
        rows.append({"sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                     "row": case_row(name, path)})
    return {"about": "rows of `detente cases`, keyed by the SHA-256 of each case file; "
                     "rebuilt by scripts/case_index.py", "cases": rows}


def index_text(index: dict[str, Any]) -> str:
    """The index as the file holds it (sorted nowhere: rows in case order)."""
    return json.dumps(index, indent=1, ensure_ascii=False) + "\n"


#: The fields of a row and their types (a row of another shape is not trusted).
_ROW_TYPES: dict[str, type] = {"case": str, "date": str, "title": str, "actors": int,
                               "veto_players": int, "issues": int, "proposals": int,
                               "outcomes": int}


def _row_ok(row: Any) -> bool:
    """A row of the index has exactly the fields of :func:`case_row`, of their types, with
    counts that are whole and not negative (``true`` is not a count)."""
    return (isinstance(row, dict) and set(row) == set(_ROW_TYPES)
            and all(type(row[k]) is t for k, t in _ROW_TYPES.items())
            and all(row[k] >= 0 for k, t in _ROW_TYPES.items() if t is int)
            and row["veto_players"] <= row["actors"])


def _indexed(folder: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """(case name, SHA-256) → row, from the shipped index (empty when there is none or it
    cannot be read); a row of the wrong shape is left out (its case is then loaded)."""
    try:
        data = json.loads((folder / INDEX).read_text(encoding="utf-8"))
        return {(e["row"]["case"], e["sha256"]): e["row"] for e in data["cases"]
                if _row_ok(e["row"]) and isinstance(e["sha256"], str)}
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return {}


def catalogue() -> CaseList:
    """Every bundled case (``detente.cases.case_names()``) with date, title, actors, veto
    players, issues, proposals and outcomes; the provenance hashes the case files. A case
    whose file is not the one indexed is loaded and validated."""
    from detente.cases import _dir, case_names, case_path

    known = _indexed(_dir())
    rows: list[dict[str, Any]] = []
    blobs: list[bytes] = []
    for name in case_names():
        path = case_path(name)
        blob = path.read_bytes()
        blobs.append(blob)
        row = known.get((name, hashlib.sha256(blob).hexdigest()))
        rows.append(dict(row) if row is not None else case_row(name, path))
    prov = make_provenance("cases", [str(r["case"]) for r in rows], inputs_hash(*blobs), {}, None)
    return CaseList(provenance=prov, cases=rows)
