"""The negotiation window over the package space: forced BATNAs, an independent brute-force
oracle on a six-package scenario, the month-0 link to ``war_batnas``, exact repeats and errors."""

from __future__ import annotations

from functools import cache
from itertools import product
from pathlib import Path

import numpy as np
import pytest

from detente.cases import case_path
from detente.deals.compile import build_tables
from detente.deals.open_terms import proposal_fills
from detente.errors import AnalysisError
from detente.logistic import expit
from detente.scenario import Scenario, load_file
from detente.war.batna import war_batnas
from detente.war.dynamics import simulate
from detente.war.package_window import (
    candidate_packages,
    package_window,
    window_from_reservations,
)

DUEL = """\
id: duel
title: Two sides and an ally
date: 2024-01-01
actors:
  - {id: A, name: Side A, veto: true, capability: 1, batna: 0.5}
  - {id: B, name: Side B, veto: true, capability: 1, batna: 0.5}
  - {id: U, name: Ally of A, veto: true, capability: 1, batna: 0.5}
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
proposals:
  - {id: split-none, name: Split and no payment, package: {land: split, money: none}}
  - {id: a-none, name: A's land without payment, package: {land: a, money: none}}
war:
  side_a: A
  side_b: B
  stake: land
  horizon: 12
  p: 0.5
  optimism_a: 0.3
  optimism_b: 0.6
  cost_a: 0.1
  cost_b: 0.0
  cost_rate_a: 0.01
  weariness_a: 1.0
  discount: 0.95
  volatility: 0.3
  drift: -0.02
  outcomes:
    sides: {A: a, U: a, B: b}
    a_wins: {land: a, money: some}
    b_wins: {land: b, money: none}
"""


def _duel(tmp_path: Path, text: str = DUEL) -> Scenario:
    f = tmp_path / "duel.yaml"
    f.write_text(text, encoding="utf-8")
    return load_file(f)


@cache
def _bundled() -> Scenario:
    return load_file(case_path("ru-ua-2024-09"))


def test_oracle_six_packages(tmp_path: Path) -> None:
    """Every cell against brute force over the 6 packages, with BATNAs recomputed by hand from
    the closed form v_A = δ·σ(z + o_A) − c_A, v_B = δ·(1 − σ(z − o_B)) − c_B (no hot hand)."""
    s = _duel(tmp_path)
    sim = simulate(s.war, 12, 3000, 11)  # type: ignore[arg-type]
    w = package_window(s, sim, 400, 5)
    idx = w.path_index
    z, ca, cb = sim.z[:, idx], sim.cost_a[:, idx], sim.cost_b[:, idx]
    v_a = np.clip(0.95 * expit(z + 0.3) - ca, 0, 1)
    v_b = np.clip(0.95 * (1 - expit(z - 0.6)) - cb, 0, 1)
    # Utilities (A, B, U) of every package; u_A: 0.75·land + 0.25·money, u_B: ½ land + ½ money.
    land = {"a": (1.0, 0.0, 1.0), "split": (0.5, 0.5, 0.5), "b": (0.0, 1.0, 0.0)}
    money = {"none": (0.0, 1.0), "some": (1.0, 0.0)}
    pk = {(lo, mo): np.array([0.75 * land[lo][0] + 0.25 * money[mo][0],
                              0.5 * land[lo][1] + 0.5 * money[mo][1], land[lo][2]])
          for lo, mo in product(land, money)}
    # A and U stand with A: u = 0 if B wins, 1 if A wins; B: 0 if A wins, 1 if B wins.
    d = np.stack([v_a, v_b, v_a], axis=-1)  # (months + 1, paths, 3)
    ok = np.zeros(d.shape[:2], dtype=bool)
    for u in pk.values():
        ok |= (u >= d - 1e-9).all(axis=-1)
    assert np.array_equal(w.zopa.mean, ok.mean(axis=1))
    assert 0.05 < ok.mean() < 0.95  # the window is neither always open nor always shut
    split_none = (pk[("split", "none")] >= d - 1e-9).all(axis=-1)
    assert np.array_equal(w.proposals[0].accepted.mean, split_none.mean(axis=1))
    se = np.sqrt(ok.mean(axis=1) * (1 - ok.mean(axis=1)) / 400)
    assert np.allclose(w.zopa.se, se, atol=1e-15)


def test_month_zero_matches_war_batnas_when_nothing_is_uncertain(tmp_path: Path) -> None:
    s = _duel(tmp_path, DUEL.replace("  volatility: 0.3\n", ""))
    sim = simulate(s.war, 3, 20, 0)  # type: ignore[arg-type]
    w = package_window(s, sim, 20, 0)
    expected = war_batnas(s)
    for actor, value in expected.items():
        assert w.batna[actor][:, 0] == pytest.approx(value, abs=1e-12)


def test_forced_batnas_open_and_close_the_bundled_window() -> None:
    s = _bundled()
    veto = [i for i, a in enumerate(s.actors) if a.veto]
    tables = build_tables(s, 40, np.random.default_rng(3))
    cand = candidate_packages(s, veto, np.full(len(veto), 0.5), 64)
    props = [proposal_fills(s, p).sample(40, np.random.default_rng(4)) for p in s.proposals]
    shape = (3, 40, len(s.actors))
    low, acc_low, _ = window_from_reservations(tables, veto, np.zeros(shape), cand, props)
    assert low.all() and acc_low.all()
    high, acc_high, settled = window_from_reservations(tables, veto, np.ones(shape), cand, props)
    assert not high.any() and not acc_high.any()
    # The Lagrangian bound settles one cell per path, dominance the rest (all BATNAs equal).
    assert settled == (40, 0, 0, high.size - 40)


def test_same_seed_same_package_window() -> None:
    s = _bundled()
    sim = simulate(s.war, 4, 500, 9)  # type: ignore[arg-type]
    a, b = package_window(s, sim, 60, 4), package_window(s, sim, 60, 4)
    assert np.array_equal(a.path_index, b.path_index)
    assert np.array_equal(a.zopa.mean, b.zopa.mean)
    for pa, pb in zip(a.proposals, b.proposals, strict=True):
        assert np.array_equal(pa.accepted.mean, pb.accepted.mean)
    for actor in a.batna:
        assert np.array_equal(a.batna[actor], b.batna[actor])
    c = package_window(s, sim, 60, 5)
    assert not np.array_equal(a.path_index, c.path_index)


def test_bad_input(tmp_path: Path) -> None:
    s = _duel(tmp_path)
    sim = simulate(s.war, 3, 10, 0)  # type: ignore[arg-type]
    with pytest.raises(AnalysisError, match="at least one path"):
        package_window(s, sim, 0, 0)
    no_war = _duel(tmp_path, DUEL.split("war:")[0])
    with pytest.raises(AnalysisError, match="no war model"):
        package_window(no_war, sim, 5, 0)
    orphan = _duel(tmp_path, DUEL.replace("  - {id: M, name: Mediator, capability: 1}",
                                          "  - {id: M, name: Mediator, capability: 1, veto: true}"))
    with pytest.raises(AnalysisError, match="without a BATNA") as e:
        package_window(orphan, sim, 5, 0)
    assert "war.outcomes.sides" in str(e.value) and "M" in str(e.value)


def test_cli_war_alias_is_the_scenario_calibration_without_packages(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture) -> None:
    import json

    from detente.cli.app import main

    j = tmp_path / "w.json"
    main(["window", "war/ru-ua-2024-09", "--paths", "50", "--months", "2", "--json", str(j)])
    rec = json.loads(j.read_text(encoding="utf-8"))
    assert rec["packages"] is None and rec["side_a"] == "UKR"
    # One calibration per dated case: war/NAME is the scenario's war section.
    k = tmp_path / "s.json"
    main(["window", "ru-ua-2024-09", "--paths", "50", "--months", "2", "--package-paths", "0",
          "--json", str(k)])
    rec2 = json.loads(k.read_text(encoding="utf-8"))
    assert rec2["window"] == rec["window"] and rec2["snapshot"] == rec["snapshot"]
    with pytest.raises(SystemExit) as e:
        main(["window", "ru-ua-2024-09", "--paths", "50", "--package-paths", "-1"])
    assert e.value.code == 2
    assert "--package-paths" in capsys.readouterr().err
