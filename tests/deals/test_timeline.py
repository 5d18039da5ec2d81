"""The timeline lines up dated scenarios: its figures are the per-date deal analyses, in date
order; scenarios that do not compare are refused with a clear message."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from chart_checks import check_report
from detente.deals import analyze
from detente.deals.timeline import timeline
from detente.errors import AnalysisError
from detente.scenario import load, load_file

TOY = Path(__file__).resolve().parents[1] / "toy.yaml"
CASES = ["ru-ua-2024-09", "ru-ua-2022-03"]  # deliberately out of date order


def test_timeline_equals_per_date_analyses() -> None:
    scenarios = [load(c) for c in CASES]
    t = timeline(scenarios)
    assert [p.scenario for p in t.points] == ["ru-ua-2022-03", "ru-ua-2024-09"]
    for p in t.points:
        r = analyze(load(p.scenario))
        assert p.zopa_outcomes == r.zopa_outcomes
        assert p.nash == r.solutions["nash"].options
        assert p.reservation == {a: r.reservation[a] for a in r.veto_players}
        assert [q.rejected_by for q in p.proposals] == [q.rejected_by for q in r.proposals]


def test_timeline_refuses_scenarios_that_do_not_compare() -> None:
    with pytest.raises(AnalysisError) as info:
        timeline([load("ru-ua-2024-09"), load_file(TOY)])
    assert "other issues or options" in str(info.value)
    with pytest.raises(AnalysisError):
        timeline([load("ru-ua-2024-09")])


def test_timeline_cli_json(tmp_path: Path) -> None:
    out = tmp_path / "t.json"
    res = subprocess.run([sys.executable, "-m", "detente.cli.app", "timeline", *CASES,
                          "--draws", "200", "--seed", "3", "--json", str(out), "--html",
                          str(tmp_path / "t.html")], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    rec = json.loads(out.read_text())
    assert rec["provenance"]["seed"] == 3 and rec["provenance"]["options"] == {"draws": 200}
    assert [p["date"] for p in rec["points"]] == ["2022-03-29", "2024-09-24"]
    assert all(0 <= p["p_zopa_nonempty"] <= 1 for p in rec["points"])
    page = (tmp_path / "t.html").read_text()
    check_report(page, tmp_path)
    assert page.count('class="vl-spec"') == 2  # the ZOPA and the BATNAs by date
