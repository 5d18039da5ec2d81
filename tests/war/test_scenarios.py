"""War-end scenario tree: each branch on paths whose ending is known analytically."""

from __future__ import annotations

import math

import pytest

from detente.scenario.war import WarModel
from detente.war.dynamics import simulate
from detente.war.scenarios import scenario_tree


def _model(**kw: object) -> WarModel:
    base: dict[str, object] = dict(side_a="a", side_b="b", stake="s", horizon=24, p=0.5,
                                   cost_a=0.05, cost_b=0.05)
    base.update(kw)
    return WarModel.model_validate(base)


def _leaves(m: WarModel, months: int = 24, n: int = 50, seed: int = 0) -> dict[str, tuple]:
    tree = scenario_tree(m, simulate(m, months, n, seed))
    assert sum(lf.probability for lf in tree.leaves) == pytest.approx(1.0)
    for b in tree.branches:
        assert b.probability == pytest.approx(sum(lf.probability for lf in b.leaves))
    return {lf.key: (lf.probability, lf.median_month) for lf in tree.leaves}


CLOSED = {"optimism_a": 3.0, "optimism_b": 3.0}  # mutual optimism keeps the window shut


def test_defeat_at_the_first_passage_month() -> None:
    # z_0 = 0, drift −0.5 a month: p ≤ 0.05 first when −0.5 t ≤ logit(0.05) = −2.944 → t = 6.
    leaves = _leaves(_model(drift=-0.5, **CLOSED))
    assert leaves["defeat_a"] == (1.0, 6.0)


def test_collapse_of_b() -> None:
    leaves = _leaves(_model(drift=0.5, **CLOSED))
    assert leaves["collapse_b"] == (1.0, 6.0)


def test_truce_and_settlement() -> None:
    # Shared beliefs, costs 0.05: the window is open from month 0; after two months (0 and 1)
    # a truce; no regrouping, so the settlement holds.
    leaves = _leaves(_model(truce_months=2))
    assert leaves["settlement"] == (1.0, 1.0)


def test_truce_used_to_regroup_when_impatient() -> None:
    # B regroups by 1.5 logit (p 0.5 → 0.18), no guarantee. An impatient A (δ = 0.5) does not
    # fight now (0.5·0.32 ≤ 0.5·0.55, Powell's condition fails) and signs at the midpoint of
    # the range [0.2, 0.8], y = 0.5; after the shift B renews: 0.5 > q′ + c_B = 0.23.
    leaves = _leaves(_model(regroup_shift=1.5, discount=0.5, truce_months=1))
    assert leaves["truce_regroup"][0] == 1.0


def test_guarantee_makes_the_truce_hold() -> None:
    # A guarantor adding 0.3 to A's post-shift chance: q′_g = 0.48, and 0.5 ≤ 0.48 + 0.05.
    leaves = _leaves(_model(regroup_shift=1.5, discount=0.5, truce_months=1,
                            guarantors=[{"actor": "g", "strength": 0.3}]))
    assert leaves["settlement"][0] == 1.0
    # One that would add 0.3 but whose own cost 0.4 exceeds it is not credible.
    leaves = _leaves(_model(regroup_shift=1.5, discount=0.5, truce_months=1,
                            guarantors=[{"actor": "g", "strength": 0.3, "cost": 0.4}]))
    assert leaves["truce_regroup"][0] == 1.0


def test_patient_side_refuses_a_truce_it_knows_will_be_broken() -> None:
    # δ = 1: Powell's condition holds, so no truce; nothing moves: a frozen conflict.
    leaves = _leaves(_model(regroup_shift=1.5, discount=1.0, truce_months=1))
    assert leaves["frozen"][0] == 1.0


def test_war_goes_on_when_the_front_moves_without_decision() -> None:
    leaves = _leaves(_model(drift=0.02, **CLOSED), months=12)
    moved = 1 / (1 + math.exp(-0.24)) - 0.5
    assert moved > 0.05
    assert leaves["war_goes_on"][0] == 1.0


def test_probabilities_have_standard_errors() -> None:
    m = _model(volatility=0.4, optimism_a=1.0, optimism_b=1.0)
    tree = scenario_tree(m, simulate(m, 24, 4000, 1))
    for lf in tree.leaves:
        assert lf.se == pytest.approx(math.sqrt(lf.probability * (1 - lf.probability) / 4000))
