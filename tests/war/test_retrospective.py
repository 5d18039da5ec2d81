"""Retrospective check (protocol docs/war-retrospective.md, committed before the code): what each
bundled case's window predicted for the next 6 and 12 months against what happened, scored with
the Brier score; docs/war.md reports the computed table. Nothing is tuned to these outcomes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from detente.war.retrospective import REFERENCES, brier, load_outcomes, retrospective

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "tests" / "data" / "war" / "retrospective_events.yaml"
DOCS = ROOT / "docs" / "war.md"


def test_brier_by_hand() -> None:
    assert brier(0.0, 0) == 0.0 and brier(1.0, 0) == 1.0 and brier(0.2, 1) == pytest.approx(0.64)
    assert REFERENCES["uninformative"] == {6: 0.5, 12: 0.5}


def test_retrospective_table_is_the_documented_one() -> None:
    outcomes = load_outcomes(EVENTS)
    rows = retrospective(outcomes)  # the protocol's 20,000 paths, seed 0
    assert len(rows) == 12 and all(r.outcome == 0 for r in rows)  # no truce, no settlement
    doc = {}
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\| (ru-ua-\S+) \| (settlement|any_truce) \| (\d+) \| ([\d.]+) \| "
                     r"([\d.]+) \| (\d) \| ([\d.]+) \|", line)
        if m:
            doc[(m[1], m[2], int(m[3]))] = (float(m[4]), float(m[5]), int(m[6]), float(m[7]))
    assert set(doc) == {(r.case, r.event, r.horizon) for r in rows}
    for r in rows:
        f, se, o, b = doc[(r.case, r.event, r.horizon)]
        assert (f, se, o, b) == pytest.approx((r.forecast, r.se, r.outcome, r.brier), abs=6e-4)
        assert r.brier == pytest.approx(r.forecast ** 2)
    # The protocol's failure line: no forecast of settlement within 6 months above one half.
    assert max(r.forecast for r in rows if r.horizon == 6) < 0.5
