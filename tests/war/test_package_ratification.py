"""Domestic ratification in the package window (Putnam 1988): an analytic six-package case, a
brute-force oracle on random paths, monotonicity in the domestic cost, the record and the
command, and clear errors for bad ratification input."""

from __future__ import annotations

import json
from functools import cache
from itertools import product
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from detente.deals.compile import build_tables, package_index
from detente.errors import AnalysisError, ScenarioError
from detente.logistic import expit
from detente.scenario import Scenario
from detente.scenario.load import validate_data
from detente.scenario.war import Side, WarModel
from detente.war.case import load_war_file
from detente.war.dynamics import simulate
from detente.war.package_window import (
    candidate_packages,
    fighting_values,
    level_one,
    package_window,
    path_reservations,
    ratification_values,
    subsample,
    window_from_reservations,
)

# Three veto players (A and its ally U on side a, B on side b) and six packages. With no
# noise, no optimism, δ = 1 and p = 0.5, each side's value of fighting on is 0.5 − cost.
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
  horizon: 4
  p: 0.5
  cost_a: 0.2
  cost_b: 0.2
  outcomes:
    sides: {A: a, U: a, B: b}
    a_wins: {land: a, money: some}
    b_wins: {land: b, money: none}
"""
COST = 0.2
P = 0.5

# Utilities (A, B, U) by hand: u_A = 0.75·land + 0.25·money, u_B = ½ land + ½ money (B's ideal
# is land b and no payment), u_U = land; land a/split/b is worth 1/½/0 to A and U, 0/½/1 to B.
LAND = {"a": (1.0, 0.0, 1.0), "split": (0.5, 0.5, 0.5), "b": (0.0, 1.0, 0.0)}
MONEY = {"none": (0.0, 1.0), "some": (1.0, 0.0)}
PACKAGES = {(lo, mo): np.array([0.75 * LAND[lo][0] + 0.25 * MONEY[mo][0],
                                0.5 * LAND[lo][1] + 0.5 * MONEY[mo][1], LAND[lo][2]])
            for lo, mo in product(LAND, MONEY)}


def _scenario(ratification: dict | None = None, **war: object) -> Scenario:
    data = yaml.safe_load(DUEL)
    data["war"].update(war)
    if ratification is not None:
        data["war"]["ratification"] = ratification
    return validate_data(data, "duel.yaml")


def _window(s: Scenario, paths: int = 8):
    sim = simulate(s.war, s.war.horizon, paths, 0)  # type: ignore[union-attr]
    return package_window(s, sim, paths, 1)


def _dom(opposition: float, audience_cost: float) -> dict[str, float]:
    return {"opposition": opposition, "audience_cost": audience_cost}


def _brute(d: np.ndarray) -> tuple[np.ndarray, dict[tuple[str, str], np.ndarray]]:
    """ZOPA non-empty and each package accepted, for reservations d (..., 3) of (A, B, U)."""
    ok = {k: (u >= d - 1e-9).all(axis=-1) for k, u in PACKAGES.items()}
    return np.logical_or.reduce(list(ok.values())), ok


def test_ratification_removes_an_internationally_acceptable_proposal() -> None:
    v = P - COST  # each side's value of fighting on; A's, B's and U's BATNA on their scales
    opposition, audience = 0.5, 0.2
    t_a = opposition * audience
    split = PACKAGES[("split", "none")]
    # The split is inside the international ZOPA but below A's ratification line v + t_A.
    assert (split >= v).all() and split[0] < v + t_a
    w = _window(_scenario({"a": _dom(opposition, audience)}))
    assert w.ratification
    split_w, a_none_w = w.proposals
    assert split_w.accepted.mean.min() == 1.0 and split_w.ratified.mean.max() == 0.0
    # A's land without payment clears every ratification line: it stays, and so does the ZOPA.
    assert (PACKAGES[("a", "none")] >= np.array([v + t_a, v, v])).all()
    assert a_none_w.accepted.mean.min() == 1.0 and a_none_w.ratified.mean.min() == 1.0
    assert w.zopa_ratified.mean.min() == 1.0
    assert w.domestic["A"] == pytest.approx(t_a) and set(w.domestic) == {"A"}
    assert w.ratified_batna["A"] == pytest.approx(v + t_a)
    assert w.ratified_batna["B"] == pytest.approx(w.batna["B"])


def test_zero_domestic_cost_leaves_the_proposal() -> None:
    w = _window(_scenario({"a": _dom(0.5, 0.0), "b": _dom(1.0, 0.0)}))
    assert not w.ratification and w.domestic == {}
    for p in w.proposals:
        assert np.array_equal(p.ratified.mean, p.accepted.mean)
    assert w.proposals[0].ratified.mean.min() == 1.0
    assert np.array_equal(w.zopa_ratified.mean, w.zopa.mean)


@pytest.mark.parametrize("ratification", [
    {"a": _dom(1.0, 0.5)},                      # A's line above every package B and U accept
    {"b": _dom(1.0, 0.3)},                      # B's line removes A's land without payment
    {"allies": {"U": _dom(1.0, 0.25)}},         # the ally's line removes the split
    {"a": _dom(0.5, 0.2), "b": _dom(0.5, 0.2), "allies": {"U": _dom(0.4, 0.1)}},
])
def test_analytic_cases_against_brute_force(ratification: dict) -> None:
    thresholds = np.zeros(3)
    for key, k in (("a", 0), ("b", 1)):
        if key in ratification:
            thresholds[k] = ratification[key]["opposition"] * ratification[key]["audience_cost"]
    if "U" in ratification.get("allies", {}):
        u = ratification["allies"]["U"]
        thresholds[2] = u["opposition"] * u["audience_cost"]
    zopa, ok = _brute(np.full(3, P - COST))
    zopa_r, ok_r = _brute(P - COST + thresholds)
    w = _window(_scenario(ratification))
    assert w.ratification
    assert w.zopa.mean == pytest.approx(float(zopa))
    assert w.zopa_ratified.mean == pytest.approx(float(zopa_r))
    for p, key in zip(w.proposals, [("split", "none"), ("a", "none")], strict=True):
        assert p.accepted.mean == pytest.approx(float(ok[key]))
        assert p.ratified.mean == pytest.approx(float(ok_r[key]))


def test_oracle_on_random_paths() -> None:
    """Every cell against brute force, with the ratification lines recomputed by hand:
    max(δ·p_A − c_A + t, 0) for side a, max(δ·(1 − p_B) − c_B + t, 0) for side b."""
    s = _scenario({"a": _dom([0.2, 0.5, 0.8], [0.0, 0.1, 0.2]),
                   "b": _dom(0.5, [0.0, 0.1, 0.3]),
                   "allies": {"U": _dom([0.0, 0.3, 0.6], 0.2)}},
                  volatility=0.3, optimism_a=0.3, optimism_b=0.6, discount=0.95,
                  cost_a=[0.05, 0.1, 0.2], cost_b=0.05, cost_rate_a=0.01, weariness_a=1.0,
                  horizon=12)
    sim = simulate(s.war, 12, 3000, 11)  # type: ignore[arg-type]
    w = package_window(s, sim, 300, 5)
    idx = w.path_index
    z, ca, cb = sim.z[:, idx], sim.cost_a[:, idx], sim.cost_b[:, idx]
    raw_a = 0.95 * expit(z + 0.3) - ca
    raw_b = 0.95 * (1 - expit(z - 0.6)) - cb
    d = np.stack([np.clip(raw_a, 0, 1), np.clip(raw_b, 0, 1), np.clip(raw_a, 0, 1)], axis=-1)
    zopa, _ = _brute(d)
    assert np.array_equal(w.zopa.mean, zopa.mean(axis=1))
    t_a, t_b = sim.params.t_a[idx], sim.params.t_b[idx]
    line_u = _ratified_line_u(s, sim, w)
    d_r = np.stack([np.maximum(raw_a + t_a, 0), np.maximum(raw_b + t_b, 0), line_u], axis=-1)
    zopa_r, ok_r = _brute(d_r)
    assert np.array_equal(w.zopa_ratified.mean, zopa_r.mean(axis=1))
    assert np.array_equal(w.proposals[0].ratified.mean, ok_r[("split", "none")].mean(axis=1))
    assert 0.0 < zopa_r.mean() < zopa.mean()  # ratification binds on some cells, not all


def _ratified_line_u(s: Scenario, sim, w) -> np.ndarray:  # type: ignore[no-untyped-def]
    """U's line by hand from its own threshold draws (stream 2 of the package window's rng)."""
    from detente.war.dynamics import as_generator, draw

    war = s.war
    assert isinstance(war, WarModel)
    g = as_generator(5).spawn(3)[2]
    dom = war.ratification.allies["U"]
    n = w.n_paths
    t_u = draw(dom.opposition, n, g) * draw(dom.audience_cost, n, g)
    idx = w.path_index
    raw_a = 0.95 * expit(sim.z[:, idx] + 0.3) - sim.cost_a[:, idx]
    return np.maximum(raw_a + t_u, 0)


@cache
def _fixture() -> tuple:
    """The random-path scenario, its first 40 paths, tables and level-I values."""
    s = _scenario(volatility=0.4, optimism_a=0.2, optimism_b=0.2, horizon=6,
                  cost_a=[0.0, 0.15, 0.3], cost_b=[0.0, 0.15, 0.3])
    war = s.war
    assert isinstance(war, WarModel)
    sim = subsample(simulate(war, 6, 40, 3), np.arange(40, dtype=np.int64))
    tables = build_tables(s, 40, np.random.default_rng(4))
    value = fighting_values(sim)
    veto = [0, 1, 2]
    res = path_reservations(war, s, tables, value)
    cand = candidate_packages(s, veto, np.median(res[0][:, veto], axis=0), 16)
    props = [package_index(s, {k: c.value for k, c in p.package.items()}) for p in s.proposals]
    zopa, accepted, _ = window_from_reservations(tables, veto, res, cand, props)
    return s, war, sim, tables, value, veto, cand, props, zopa, accepted


def _ratified(thresholds: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    s, war, sim, tables, value, veto, cand, props, zopa, _ = _fixture()
    own = ratification_values(war, level_one(sim), value, thresholds)
    res = path_reservations(war, s, tables, value, own)
    z, acc, _ = window_from_reservations(tables, veto, res, cand, props, within=zopa)
    return z, acc


costs = arrays(np.float64, 40, elements=st.floats(0.0, 0.6, allow_nan=False))


@settings(max_examples=40, deadline=None)
@given(t=st.tuples(costs, costs, costs), extra=st.tuples(costs, costs, costs))
def test_a_larger_domestic_cost_never_enlarges_the_ratifiable_set(t: tuple, extra: tuple) -> None:
    *_, zopa, accepted = _fixture()
    small = dict(zip("ABU", t, strict=True))
    large = {a: small[a] + e for a, e in zip("ABU", extra, strict=True)}
    z_small, acc_small = _ratified(small)
    z_large, acc_large = _ratified(large)
    assert not (z_large & ~z_small).any() and not (acc_large & ~acc_small).any()
    assert not (z_small & ~zopa).any() and not (acc_small & ~accepted).any()


def test_zero_thresholds_give_the_international_window() -> None:
    *_, zopa, accepted = _fixture()
    z, acc = _ratified({a: np.zeros(40) for a in "ABU"})
    assert np.array_equal(z, zopa) and np.array_equal(acc, accepted)


def test_ratification_values_match_the_win_sets() -> None:
    from detente.war.ratification import win_sets

    _, war, sim, *_ = _fixture()
    r = level_one(sim)
    t = np.linspace(0.0, 0.3, 40)
    value = fighting_values(sim)
    own = ratification_values(war, r, value, {"A": t, "B": t})
    ws = win_sets(r, t, t)
    assert np.allclose(own["A"], np.maximum(ws.low, value[Side.a]), atol=0)
    assert np.allclose(own["B"], np.maximum(1.0 - ws.high, value[Side.b]), atol=0)


def test_record_and_command(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from detente.cli.app import main

    data = yaml.safe_load(DUEL)
    data["war"]["ratification"] = {"a": _dom(0.5, 0.2), "allies": {"U": _dom(0.4, 0.1)}}
    f = tmp_path / "duel.yaml"
    f.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    j, h = tmp_path / "w.json", tmp_path / "w.html"
    main(["window", str(f), "--paths", "30", "--package-paths", "20", "--json", str(j),
          "--html", str(h)])
    out = capsys.readouterr().out
    assert "Ratification (Putnam 1988)" in out and "P(ratifiable)" in out
    pk = json.loads(j.read_text(encoding="utf-8"))["packages"]
    assert pk["ratification"] and set(pk["domestic"]) == {"A", "U"}
    assert pk["proposals"][0]["accepted"]["mean"][0] == 1.0
    assert pk["proposals"][0]["ratified"]["mean"][0] == 0.0
    assert all(r <= z for r, z in zip(pk["zopa_ratified"]["mean"], pk["zopa"]["mean"],
                                      strict=True))
    html = h.read_text(encoding="utf-8")
    assert "ratifiable package ZOPA non-empty" in html and "A + domestic cost" in html


STANDALONE = """\
id: t
title: test
date: 2024-09-01
war:
  side_a: ua
  side_b: ru
  stake: territory
  horizon: 12
  p: 0.4
  cost_a: 0.1
  cost_b: 0.1
"""


@pytest.mark.parametrize("ratification, where, words", [
    ({"allies": {"us": {"opposition": 1.4}}}, "war.ratification.allies.us.opposition", "[0, 1]"),
    ({"allies": {"us": {"audience_cost": [-0.1, 0.1, 0.2]}}},
     "war.ratification.allies.us.audience_cost", ">= 0"),
    ({"allies": {"us": {"oposition": 0.5}}}, "war.ratification.allies.us.oposition",
     "unknown field"),
    ({"allies": {"ua": {"opposition": 0.5}}}, "war.ratification", "government of side a"),
    ({"allies": ["us"]}, "war.ratification.allies", "dictionary"),
])
def test_bad_ratification_input_names_the_field(tmp_path: Path, ratification: dict, where: str,
                                                words: str) -> None:
    data = yaml.safe_load(STANDALONE)
    data["war"]["ratification"] = ratification
    f = tmp_path / "war.yaml"
    f.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(ScenarioError) as e:
        load_war_file(f)
    problem = e.value.problems[0]
    assert problem.path == where, str(e.value)
    assert problem.file == str(f) and problem.line is not None and problem.line > 1
    assert words in str(problem)


def test_ratification_that_cannot_apply_is_an_analysis_error() -> None:
    ally = _scenario({"allies": {"M": _dom(0.5, 0.2)}})
    with pytest.raises(AnalysisError) as e:
        _window(ally)
    assert "war.ratification.allies" in str(e.value) and "M" in str(e.value)
    data = yaml.safe_load(DUEL)
    data["war"]["outcomes"]["sides"] = {"U": "a", "B": "b", "A": "b"}
    data["war"]["ratification"] = {"a": _dom(0.5, 0.2)}
    with pytest.raises(AnalysisError) as e:
        _window(validate_data(data, "duel.yaml"))
    assert "war.outcomes.sides" in str(e.value) and "side a" in str(e.value)
