"""Bridge to the war cases: one-issue compromise and Nash points, the Nash point's interval and
the deal analysis's Nash package, side by side."""

from __future__ import annotations

import json

import numpy as np
import pytest

from detente.cli.app import main
from detente.deals.analysis import analyze
from detente.forecasts.bridge import bridge
from detente.forecasts.compromise import CompromiseModel
from detente.forecasts.montecarlo import monte_carlo
from detente.forecasts.nash import UNFITTED_NASH, NashModel
from detente.forecasts.scenario import issue_table
from detente.scenario import load

CASE = "ru-ua-2024-09"


@pytest.fixture(scope="module")
def scenario():
    return load(CASE)


def test_bridge_rows_match_each_model_and_the_deal_analysis(scenario):
    b = bridge(scenario, ["crimea", "army"], draws=300, seed=4)
    package = analyze(scenario).solutions["nash"]
    places = {i.id: dict(zip(i.option_ids(), i.positions(), strict=True))
              for i in scenario.issues}
    for row in b.rows:
        table, ranges = issue_table(scenario, row.issue)
        assert row.compromise == pytest.approx(CompromiseModel().forecast(table).position[0])
        assert row.nash == pytest.approx(NashModel(UNFITTED_NASH).forecast(table).position[0])
        assert row.deal_option == package.options[row.issue]
        assert row.deal_position == places[row.issue][row.deal_option]
        assert row.gap == pytest.approx(abs(row.deal_position - row.nash))
        lo, hi = row.interval80
        assert 0 <= lo <= hi <= 100
    # the interval is the 10–90 % range of the Nash model's Monte Carlo with the child seed
    child = np.random.SeedSequence(4).spawn(2)[0]
    table, ranges = issue_table(scenario, "crimea")
    mc = monte_carlo(NashModel(UNFITTED_NASH), table, ranges, 300, int(child.generate_state(1)[0]))
    np.testing.assert_allclose(b.rows[0].interval80, np.quantile(mc.draws[:, 0], [0.1, 0.9]))
    assert bridge(scenario, ["crimea", "army"], draws=300, seed=4) == b      # seeded


def test_traded_issue_moves_towards_a_veto_player(scenario):
    rows = bridge(scenario, draws=50).rows
    veto = {a.id for a in scenario.actors if a.veto}
    moved = [r for r in rows if r.traded_by is not None]
    assert moved
    for r in moved:
        table, _ = issue_table(scenario, r.issue)
        x = table.position[list(table.actors).index(r.traded_by), 0]
        assert r.traded_by in veto and abs(x - r.deal_position) < abs(x - r.nash)


def test_forecast_command_reports_the_bridge(tmp_path, capsys):
    out, html = tmp_path / "f.json", tmp_path / "f.html"
    with pytest.raises(SystemExit) as exc:
        main(["forecast", CASE, "-m", "compromise", "-m", "nash", "--draws", "100", "--json",
              str(out), "--html", str(html)])
        raise SystemExit(0)
    assert (exc.value.code or 0) == 0
    rec = json.loads(out.read_text())
    assert {r["issue"] for r in rec["bridge"]["issues"]} == {i["table"]["dimensions"][0]
                                                             for i in rec["issues"]}
    assert "whole packages" in rec["bridge"]["explanation"]
    assert "deal analysis" in html.read_text()
    assert "deal's Nash" in capsys.readouterr().out
