"""War BATNAs for the deal analysis, scenarios with a war section, and ``detente window``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from chart_checks import check_report
from detente.cli.app import main
from detente.errors import AnalysisError
from detente.scenario.load import load_file
from detente.war.batna import fighting_value, war_batnas
from detente.war.case import load_war

SCENARIO = """\
id: duel
title: Two sides and an ally
date: 2024-01-01
actors:
  - {id: A, name: Side A, veto: true, capability: 1}
  - {id: B, name: Side B, veto: true, capability: 1}
  - {id: U, name: Ally of A, veto: true, capability: 1}
  - {id: M, name: Mediator, capability: 1}
issues:
  - id: land
    name: Territory
    options: [{id: a, position: 0}, {id: split, position: 50}, {id: b, position: 100}]
  - id: money
    name: Payment
    options: [{id: none, position: 0}, {id: some, position: 100}]
stances:
  - {actor: A, issue: land, ideal: a, salience: 0.75}
  - {actor: A, issue: money, ideal: some, salience: 0.25}
  - {actor: B, issue: land, ideal: b, salience: 1.0}
  - {actor: B, issue: money, ideal: none, salience: 1.0}
  - {actor: U, issue: land, ideal: a, salience: 1.0}
  - {actor: M, issue: land, ideal: split, salience: 1.0}
war:
  side_a: A
  side_b: B
  stake: land
  horizon: 6
  p: 0.5
  cost_a: 0.1
  cost_b: 0.2
  outcomes:
    sides: {A: a, U: a, B: b, M: a}
    a_wins: {land: a, money: some}
    b_wins: {land: b, money: none}
"""


def test_war_batnas_by_hand(tmp_path: Path) -> None:
    f = tmp_path / "duel.yaml"
    f.write_text(SCENARIO, encoding="utf-8")
    s = load_file(f)
    v = fighting_value(s.war)  # type: ignore[arg-type]
    assert v["a"] == pytest.approx(0.4) and v["b"] == pytest.approx(0.3)
    b = war_batnas(s)
    # A: u(A wins) = 1, u(B wins) = 0 → 0.4. B: 0 + 0.3 × (1 − 0) = 0.3.
    # U (only land): u = 1 if A wins, 0 if B wins → 0.4. M is not a veto player.
    assert b == pytest.approx({"A": 0.4, "B": 0.3, "U": 0.4})
    # The war case of a scenario file loads as well.
    case = load_war(f)
    assert case.id == "duel" and case.war.outcomes is not None


def test_war_batnas_need_outcomes(tmp_path: Path) -> None:
    f = tmp_path / "duel.yaml"
    f.write_text(SCENARIO.split("  outcomes:")[0], encoding="utf-8")
    with pytest.raises(AnalysisError, match="winning means"):
        war_batnas(load_file(f))


def test_window_command_json_html_and_repeat(tmp_path: Path) -> None:
    outs = []
    for k in range(2):
        j, h = tmp_path / f"w{k}.json", tmp_path / f"w{k}.html"
        main(["window", "ru-ua-2024-09", "--paths", "400", "--months", "6", "--seed", "3",
              "--package-paths", "150", "--json", str(j), "--html", str(h)])
        outs.append(json.loads(j.read_text(encoding="utf-8")))
        html = h.read_text(encoding="utf-8")
        assert html.count('class="vl-spec"') == 3 and "frozen conflict" in html
        assert "package ZOPA non-empty" in html and "Istanbul Communiqué" in html
        check_report(html, tmp_path)  # self-contained: no fetched script or link
    a, b = outs
    assert a["provenance"]["seed"] == 3 and a["provenance"]["options"] == {
        "months": 6, "paths": 400, "package_paths": 150}
    pk = a["packages"]
    assert pk["paths"] == 150 and pk["veto"] == ["RUS", "UKR", "USA", "EUR"]
    assert len(pk["zopa"]["mean"]) == 7 and len(pk["proposals"]) == 5
    assert sum(pk["settled"].values()) == 7 * 150
    assert len(a["window"]["range_exists"]["mean"]) == 7 and a["month_labels"][0] == "2024-09"
    a["provenance"].pop("created")
    b["provenance"].pop("created")
    assert a == b  # same seed, same record
    leaves = [lf["probability"] for br in a["scenario_tree"] for lf in br["leaves"]]
    assert sum(leaves) == pytest.approx(1.0)


def test_window_command_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: t\ndate: 2024-01-01\nwar:\n  side_a: a\n  side_b: b\n"
                   "  stake: s\n  horizon: 6\n  p: 1.5\n  cost_a: 0.1\n  cost_b: 0.1\n",
                   encoding="utf-8")
    with pytest.raises(SystemExit) as e:
        main(["window", str(bad), "--paths", "10"])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "bad.yaml:9" in err and "war.p" in err and "Traceback" not in err
    with pytest.raises(SystemExit) as e:
        main(["window", "ru-ua-2024-09", "--paths", "0"])
    assert e.value.code == 2


def test_snapshot_offer_under_complete_and_private_information() -> None:
    from detente.scenario.war import WarModel
    from detente.war.analysis import snapshot

    base = dict(side_a="a", side_b="b", stake="s", horizon=6, p=0.4, cost_a=0.1, discount=0.9)
    known = snapshot(WarModel.model_validate(base | {"cost_b": 0.1}))
    assert known.offer == pytest.approx(1 - 0.9 * 0.6 + 0.1) and known.offer_p_reject == 0.0
    assert known.range_exists and known.range_low == pytest.approx(0.9 * 0.4 - 0.1)
    # Triangular(0, 0.1, 0.2) belief over B's cost: compare with the optimum of the exact law.
    # The offer is exact (not sampled): a dense grid over the exact law agrees to its step.
    tri = snapshot(WarModel.model_validate(base | {"cost_b": [0.0, 0.1, 0.2]}))
    h, w = 1 - 0.9 * 0.6, 0.9 * 0.4 - 0.1
    c = np.linspace(0.0, 0.2, 200_001)
    cdf = np.where(c <= 0.1, c**2 / 0.02, 1 - (0.2 - c) ** 2 / 0.02)
    eu = (h + c) * (1 - cdf) + w * cdf
    k = int(np.argmax(eu))
    assert tri.offer == pytest.approx(h + c[k], abs=2e-6)
    assert tri.offer_p_reject == pytest.approx(cdf[k], abs=1e-4)
    assert tri.offer_p_reject == tri.offer_p_reject_believed > 0.0  # shared beliefs
    # Mutual optimism (Fearon 1995, §3.1): A prices the offer on p_A = σ(logit 0.4 + 1), B
    # judges it on p_B = σ(logit 0.4 − 1); B's threshold h_B is lower, so it rejects more.
    opt = snapshot(WarModel.model_validate(base | {"cost_b": [0.0, 0.1, 0.2], "optimism_a": 1.0,
                                                   "optimism_b": 1.0}))
    assert opt.offer > tri.offer
    assert opt.offer_p_reject > opt.offer_p_reject_believed


def test_analyze_with_war_batnas_is_one_library_call(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture) -> None:
    """``analyze --batna war``, ``detente.analyze(batna="war")`` and the library's
    ``analyze_deals`` are one call: the deal analysis with the war model's BATNAs in place of
    the written ones, the values recorded in the provenance."""
    import detente
    from detente.deals.analysis import analyze
    from detente.errors import DetenteError
    from detente.war.batna import analyze_deals

    f = tmp_path / "duel.yaml"
    f.write_text(SCENARIO, encoding="utf-8")
    s = load_file(f)
    want = war_batnas(s)
    r = analyze_deals(s, batna="war", source=str(f))
    assert r == analyze(s, source=str(f), reservation=want)
    assert r.provenance.options["reservation"] == dict(sorted(want.items()))
    assert {a: r.reservation[a] for a in want} == want
    assert detente.analyze(str(f), batna="war") == r
    out = tmp_path / "r.json"
    main(["analyze", str(f), "--batna", "war", "--quiet", "--json", str(out)])
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(r.to_json())
    printed = capsys.readouterr().out
    assert "BATNAs from the war model" in printed and f"A {want['A']:.3f}" in printed
    for call in (lambda: analyze_deals(s, batna="peace"),
                 lambda: detente.analyze(str(f), batna="peace")):
        with pytest.raises(DetenteError, match="unknown BATNA source") as info:
            call()
        assert info.value.problems[0].path == "--batna"
