"""Guarantees from named guarantors and beliefs that learn, and the direction in which they move
the window: P(settlement) rises with the guarantee and falls with the regrouping shift (Powell
2006, §2: what closes the commitment problem is the declining side's post-shift war value);
mutual optimism shrinks as fighting reveals the balance (Fearon 1995, §3; Slantchev 2003)."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from detente.cases import case_path
from detente.errors import ScenarioError
from detente.scenario import load_file
from detente.scenario.war import BeliefModel, Guarantor, WarModel
from detente.war.case import bundled_war_case
from detente.war.dynamics import simulate
from detente.war.guarantees import draw_guarantors, likely_guarantee
from detente.war.learning import kalman_gains, learn
from detente.war.scenarios import scenario_tree
from detente.war.window import beliefs, negotiation_window

N = 10_000


def _war() -> WarModel:
    return bundled_war_case("ru-ua-2024-09").war


def _scaled(war: WarModel, k: float) -> WarModel:
    gs = [g.model_copy(update={"strength": g.strength.model_copy(update={
        "value": g.strength.value.model_copy(update={
            "low": g.strength.value.low * k, "likely": g.strength.value.likely * k,
            "high": min(g.strength.value.high * k, 1.0)})})}) for g in war.guarantors]
    return war.model_copy(update={"guarantors": gs})


def _settled(war: WarModel, months: int = 12) -> tuple[float, float, float]:
    sim = simulate(war, months, N, 5)
    w = negotiation_window(war, sim)
    leaf = {lf.key: lf.probability for lf in scenario_tree(war, sim).leaves}
    return float(w.self_enforcing.mean[0]), float(w.self_enforcing.mean[-1]), leaf["settlement"]


def _se(a: float, b: float) -> float:
    """Standard error of the difference of two proportions from N paths each."""
    return float(np.sqrt((a * (1 - a) + b * (1 - b)) / N))


def test_settlement_rises_with_the_guarantee() -> None:
    # Same seed, guarantors' strengths × 0, × 1, × 2.5 (window at months 0 and 12, and the
    # scenario tree's P(settlement holds) within 12 months).
    war = _war()
    low, mid, high = (_settled(_scaled(war, k)) for k in (0.0, 1.0, 2.5))
    for a, b in ((low, mid), (mid, high)):
        for i in range(3):
            assert b[i] > a[i] + 3 * _se(a[i], b[i]), (i, a, b)


def test_settlement_falls_with_the_regrouping_shift() -> None:
    war = _war()
    res = [_settled(war.model_copy(update={"regroup_shift": war.regroup_shift.model_copy(
        update={"value": war.regroup_shift.value.model_copy(update={
            "low": s, "likely": s, "high": s})})})) for s in (0.3, 0.8, 1.5)]
    # shifts 0.3, 0.8, 1.5 logit (the range): never up, and down from end to end
    for a, b in pairwise(res):
        for i in range(3):
            assert b[i] <= a[i] + 2 * _se(a[i], b[i]), (i, a, b)
    for i in range(3):
        assert res[-1][i] < res[0][i] - 3 * _se(res[0][i], res[-1][i]), (i, res)


def test_by_guarantee_option_orders_as_the_guarantors_say() -> None:
    war = _war()
    w = negotiation_window(war, simulate(war, 6, N, 2))
    by = {k: float(v.mean[-1]) for k, v in w.by_guarantee.items()}
    assert by["(no guarantee)"] <= by["european_framework"] <= by["western_arms"]
    assert by["(no guarantee)"] < by["guarantor_treaty"]


def test_guarantor_counts_only_where_credible_and_bound() -> None:
    war = WarModel.model_validate(dict(
        side_a="a", side_b="b", stake="s", horizon=6, p=0.5, cost_a=0.1, cost_b=0.1,
        guarantors=[{"actor": "u", "strength": 0.1, "cost": 0.05, "options": ["treaty"]},
                    {"actor": "e", "strength": 0.05, "cost": 0.2, "options": ["treaty"]},
                    {"actor": "u", "strength": 0.03, "options": ["arms", "treaty"]}]))
    assert likely_guarantee(war, "treaty") == pytest.approx(0.13)  # e is not credible
    assert likely_guarantee(war, "arms") == pytest.approx(0.03)
    assert likely_guarantee(war, "none") == 0.0
    d = draw_guarantors(war, 4, np.random.default_rng(0))
    assert np.allclose(d.guarantee("treaty"), 0.13) and np.allclose(d.guarantee(None), 0.13)
    assert isinstance(war.guarantors[0], Guarantor)


def test_kalman_gain_by_hand() -> None:
    # v0 = 0.25, σ = 0.15, s = 1.5: K1 = (0.25 + 0.0225)/(0.2725 + 2.25) = 0.108028...
    k = kalman_gains(np.array([0.25]), np.array([0.15]), np.array([1.5]), 2)
    assert k[0, 0] == pytest.approx(0.2725 / 2.5225)
    v1 = (1 - k[0, 0]) * 0.2725 + 0.0225
    assert k[1, 0] == pytest.approx(v1 / (v1 + 2.25))


def test_learning_is_exact_bayes_on_a_constant_balance() -> None:
    # With no volatility and no drift z is constant; the posterior mean after t signals is the
    # precision-weighted mean (m0/v0 + Σ y/s²)/(1/v0 + t/s²) (conjugate normal; any textbook).
    war = WarModel.model_validate(dict(
        side_a="a", side_b="b", stake="s", horizon=12, p=0.5, cost_a=0.1, cost_b=0.1,
        beliefs={"model": "learning", "signal_noise": 0.8, "prior_sd": 0.4}))
    t_max, n = 12, 50
    z = np.full((t_max + 1, n), 0.3)
    m, decay = learn(war, z, np.zeros(n), np.zeros(n), np.random.default_rng(4))
    eps = np.random.default_rng(4).standard_normal((t_max, n))
    y = 0.3 + 0.8 * eps
    t = np.arange(1, t_max + 1)[:, None]
    batch = (0.3 / 0.16 + np.cumsum(y, axis=0) / 0.64) / (1 / 0.16 + t / 0.64)
    assert np.allclose(m[1:], batch)
    # the optimism left is the prior's weight in that mean: (1/v0)/(1/v0 + t/s²)
    assert np.allclose(decay[1:, 0], (1 / 0.16) / (1 / 0.16 + np.arange(1, 13) / 0.64))


def test_mutual_optimism_shrinks_with_learning_and_not_with_the_random_walk() -> None:
    learning = _war()
    walk = learning.model_copy(update={"beliefs": learning.beliefs.model_copy(
        update={"model": BeliefModel.random_walk})})
    gaps = {}
    for name, war in (("learning", learning), ("walk", walk)):
        sim = simulate(war, 36, 4000, 9)
        b = beliefs(sim)
        gaps[name] = (b.p_a - b.p_b).mean(axis=1)
        assert (sim.belief_z is None) is (name == "walk")
    assert gaps["learning"][36] < 0.5 * gaps["learning"][0]
    assert gaps["walk"][36] > 0.8 * gaps["walk"][0]
    assert np.all(np.diff(simulate(learning, 36, 50, 1).bias_decay, axis=0) < 0)


def test_unknown_guarantor_and_option_are_named(tmp_path: Path) -> None:
    text = case_path("ru-ua-2024-09").read_text(encoding="utf-8")
    bad = text.replace("    - actor: USA\n      options: [guarantor_treaty]",
                       "    - actor: NOPE\n      options: [guarantor_treatment]", 1)
    assert bad != text
    f = tmp_path / "c.yaml"
    f.write_text(bad, encoding="utf-8")
    with pytest.raises(ScenarioError) as e:
        load_file(f)
    msg = str(e.value)
    assert "war.guarantors[0].actor" in msg and "NOPE" in msg
    assert "war.guarantors[0].options[0]" in msg and "guarantor_treatment" in msg


def test_cli_guarantee_without_guarantor_exits_2(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture) -> None:
    from detente.cli.app import main

    f = tmp_path / "w.yaml"
    f.write_text("id: w\ntitle: w\ndate: 2024-01-01\nwar:\n  side_a: a\n  side_b: b\n"
                 "  stake: s\n  horizon: 6\n  p: 0.5\n  cost_a: 0.1\n  cost_b: 0.1\n"
                 "  guarantee: 0.05\n", encoding="utf-8")
    with pytest.raises(SystemExit) as e:
        main(["window", str(f), "--paths", "10"])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "war.guarantee" in err and "needs a guarantor" in err and ":12:" in err


def test_headline_states_conditions_and_warns_when_closed_at_month_0() -> None:
    import datetime as dt

    from detente.scenario.war import WarCase
    from detente.war.analysis import analyze_window

    war = WarModel.model_validate(dict(side_a="a", side_b="b", stake="s", horizon=6, p=0.5,
                                       cost_a=0.05, cost_b=0.05, optimism_a=3.0,
                                       optimism_b=3.0))
    case = WarCase(id="x", title="x", date=dt.date(2024, 1, 1), war=war)
    rec = analyze_window(case, paths=200, seed=1)
    assert rec.headline.startswith("Settlement that holds within 6 months: 0.0 %")
    assert any("random_walk" in c for c in rec.conditions)
    assert any("δ = 1 per month" in c for c in rec.conditions)
    assert any("closed at month 0 on 100.0 %" in w and "optimism of both" in w
               for w in rec.warnings)
    open_war = WarModel.model_validate(dict(side_a="a", side_b="b", stake="s", horizon=6, p=0.5,
                                            cost_a=0.05, cost_b=0.05))
    assert analyze_window(WarCase(id="x", title="x", date=dt.date(2024, 1, 1), war=open_war),
                          paths=200, seed=1).warnings == []


def test_a_packages_guarantee_option_sets_g_in_the_package_window() -> None:
    # The same package with binding treaty guarantees and with none. Acceptance differs (the
    # parties value guarantees), so compare the commitment test itself on every path: with the
    # treaty's guarantors it holds at least as often, and more often overall (Powell 2006).
    from detente.deals.open_terms import proposal_fills
    from detente.scenario.model import Term
    from detente.war.package_window import package_window, proposals_hold

    s = load_file(case_path("ru-ua-2024-09"))
    base = next(p for p in s.proposals if p.id == "istanbul-communique-schroeder")
    variants = []
    for opt in ("none", "guarantor_treaty"):
        pkg = dict(base.package) | {"guarantees": Term(value=opt, assumption="test")}
        variants.append(base.model_copy(update={"id": f"v-{opt}", "package": pkg}))
    s2 = s.model_copy(update={"proposals": variants})
    assert s2.war is not None
    sim = simulate(s2.war, 36, 1500, 3)
    rng = np.random.default_rng(0)
    props = [proposal_fills(s2, p).sample(sim.n_paths, rng) for p in variants]
    everyone = np.ones((2, 37, sim.n_paths), dtype=bool)
    (o_none, none), (o_treaty, treaty) = proposals_hold(s2, sim, everyone, props)
    assert (o_none, o_treaty) == ("none", "guarantor_treaty")
    assert none is not None and treaty is not None
    assert (treaty.mean >= none.mean - 1e-12).all() and treaty.mean.sum() > none.mean.sum()
    # In the package window, "holds" never exceeds "ratifiable".
    pw = package_window(s2, sim, 800, 0)
    for p in pw.proposals:
        assert p.holds is not None and (p.holds.mean <= p.ratified.mean + 1e-12).all()
