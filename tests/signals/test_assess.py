"""The assessment pipeline on stored real events, and the docstring examples."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import pytest

import detente.signals.codes
import detente.signals.credibility
import detente.signals.ladder
from detente.signals.assess import assess, to_record
from detente.signals.evidence import bundled_signals
from detente.signals.importers import import_path
from detente.signals.ladder import indicator_for
from detente.signals.store import EventStore


@pytest.mark.parametrize("module", [detente.signals.codes, detente.signals.ladder,
                                    detente.signals.credibility])
def test_docstring_examples(module: object) -> None:
    failed, tried = doctest.testmod(module)  # type: ignore[arg-type]
    assert tried > 0 and failed == 0


def test_every_move_points_at_real_lines(fixtures: Path, tmp_path: Path) -> None:
    src = fixtures / "gdelt2_20150218230000_slice.tsv"
    lines = src.read_text(encoding="utf-8").splitlines()
    with EventStore(tmp_path / "e.sqlite") as st:
        import_path(src, st)
        result = assess("RUS", store=st, seed=1)
        record = to_record(result, inputs=[str(src)], case=None)
    assert record["moves"], "the RUS rows of the slice should move the belief"
    json.dumps(record)  # JSON-ready
    seen = 0
    for move in record["moves"]:
        for item in move["items"]:
            for ref in item["refs"]:
                file, _, line = ref.rpartition(":")
                fields = lines[int(line) - 1].split("\t")
                assert file == str(src)
                assert fields[7] == "RUS"  # the actor is the source of the event
                if item["indicator"] not in ("reneging", "verified-concession"):
                    assert indicator_for(fields[26], cameo=fields[26]) == item["indicator"]
                seen += 1
    assert seen > 0


def test_store_and_case_evidence_combine(fixtures: Path, tmp_path: Path) -> None:
    case = bundled_signals("ru-ua")
    with EventStore(tmp_path / "e.sqlite") as st:
        import_path(fixtures / "polecat_intensity.tsv", st)
        both = assess("RUS", store=st, case=case, seed=2)
    alone = assess("RUS", case=case, seed=2)
    refs = {r for i in both.items for r in i.refs}
    assert any(r.startswith("signal:") for r in refs)
    assert any("polecat_intensity.tsv" in r for r in refs)
    assert len(both.items) >= len(alone.items)
