"""The list of bundled cases as a typed record (``detente cases``)."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import ConfigDict

from detente.records import Provenance, inputs_hash, make_provenance
from detente.records.base import Record


class CaseList(Record):
    """One row per bundled case: its date, title and the size of its negotiation."""

    model_config = ConfigDict(frozen=True)
    frame_field: ClassVar[str | None] = "cases"

    provenance: Provenance
    cases: list[dict[str, Any]]


def catalogue() -> CaseList:
    """Every bundled case (``detente.cases.case_names()``) with date, title, actors, veto
    players, issues, proposals and outcomes; the provenance hashes the case files."""
    from detente.cases import case_names, case_path
    from detente.scenario import load_file

    rows: list[dict[str, Any]] = []
    blobs: list[bytes] = []
    for name in case_names():
        path = case_path(name)
        s = load_file(path)
        blobs.append(path.read_bytes())
        rows.append({"case": name, "date": s.date.isoformat(), "title": s.title,
                     "actors": len(s.actors), "veto_players": len(s.veto_players),
                     "issues": len(s.issues), "proposals": len(s.proposals),
                     "outcomes": s.outcome_count()})
    prov = make_provenance("cases", [str(r["case"]) for r in rows], inputs_hash(*blobs), {}, None)
    return CaseList(provenance=prov, cases=rows)
