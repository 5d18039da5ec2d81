"""Calibration of the bundled cases: the facts they were fitted to, checked — not findings.

Every test here checks the fitting, and says so in its name:

* Every veto player's likely reservation value is the war lottery its BATNA assumption states
  (chances of the war outcomes defined in the case description, minus a cost of fighting, plus
  a domestic cost of settling where stated), recomputed here from the case's own stances. This
  fails when someone edits stances without recomputing the BATNAs.
* The calibration targets each case lists (``calibration:``, each with a quote, e.g. "Kyiv
  rejected Putin's June 2024 terms") are never contradicted by the analysis; those whose verdict
  turns on a proposal's open terms are pinned here, so a change in either direction shows.

A case that reproduces its calibration targets has been fitted, nothing more: the README and the
report keep these facts apart from the findings.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from detente.cases import case_path
from detente.deals import DealAnalysis, analyze
from detente.deals.compile import Tables, build_tables, package_index
from detente.scenario import Scenario, load_file

TOL = 0.006  # BATNAs are written to two decimals

RUS_WIN = {"nato": "neutral", "eu": "blocked", "guarantees": "none", "crimea": "russian",
           "donbas": "russian", "south": "russian", "army": 50, "language": "bilingual",
           "sanctions": "maintained", "accountability": "none", "bases_wmd": "banned"}
STALEMATE = {"nato": "deferred", "eu": "member", "guarantees": "western_arms",
             "crimea": "russian", "donbas": "line_of_contact", "south": "line_of_contact",
             "army": 250, "language": "ukrainian_only", "sanctions": "maintained",
             "accountability": "none", "bases_wmd": "allowed"}
UKR_WIN = {**STALEMATE, "south": "ukrainian"}
UKR_FULL = {**UKR_WIN, "crimea": "ukrainian", "donbas": "ukrainian",
            "accountability": "tribunal_reparations"}
OUTCOMES = {"rus_win": RUS_WIN, "stalemate": STALEMATE, "ukr_win": UKR_WIN,
            "ukr_full": UKR_FULL}

# (case, actor): likely chances of rus_win / stalemate / ukr_win / ukr_full, cost of fighting,
# domestic cost of settling — as each BATNA's assumption states them.
LOTTERIES = {
    ("ru-ua-2022-03", "RUS"): ((0.40, 0.45, 0.15, 0.0), 0.08, 0.10),
    ("ru-ua-2022-03", "UKR"): ((0.15, 0.45, 0.40, 0.0), 0.20, 0.0),
    ("ru-ua-2022-03", "USA"): ((0.25, 0.50, 0.25, 0.0), 0.06, 0.0),
    ("ru-ua-2022-03", "EUR"): ((0.25, 0.50, 0.25, 0.0), 0.08, 0.0),
    ("ru-ua-2022-03", "RUS_HARD"): ((0.60, 0.35, 0.05, 0.0), 0.03, 0.0),
    ("ru-ua-2022-03", "RUS_PUB"): ((0.50, 0.40, 0.10, 0.0), 0.06, 0.0),
    ("ru-ua-2022-11", "RUS"): ((0.20, 0.55, 0.20, 0.05), 0.12, 0.05),
    ("ru-ua-2022-11", "UKR"): ((0.05, 0.30, 0.40, 0.25), 0.20, 0.10),
    ("ru-ua-2022-11", "USA"): ((0.15, 0.50, 0.28, 0.07), 0.08, 0.0),
    ("ru-ua-2022-11", "EUR"): ((0.15, 0.50, 0.28, 0.07), 0.11, 0.0),
    ("ru-ua-2022-11", "RUS_HARD"): ((0.40, 0.45, 0.15, 0.0), 0.03, 0.0),
    ("ru-ua-2022-11", "UKR_PUB"): ((0.05, 0.30, 0.40, 0.25), 0.20, 0.0),
    ("ru-ua-2024-09", "RUS"): ((0.35, 0.55, 0.10, 0.0), 0.10, 0.04),
    ("ru-ua-2024-09", "UKR"): ((0.15, 0.50, 0.35, 0.0), 0.20, 0.05),
    ("ru-ua-2024-09", "USA"): ((0.30, 0.55, 0.15, 0.0), 0.08, 0.0),
    ("ru-ua-2024-09", "EUR"): ((0.30, 0.55, 0.15, 0.0), 0.11, 0.0),
    ("ru-ua-2024-09", "RUS_PUB"): ((0.35, 0.55, 0.10, 0.0), 0.12, 0.0),
    ("ru-ua-2024-09", "UKR_PUB"): ((0.15, 0.50, 0.35, 0.0), 0.20, 0.0),
}


@cache
def _case(name: str) -> tuple[Scenario, Tables]:
    s = load_file(case_path(name))
    return s, build_tables(s)


def _utility(name: str, actor: str, package: dict[str, str | float]) -> float:
    s, t = _case(name)
    i = t.actors.index(actor)
    idx = package_index(s, package)
    return float(sum(t.contrib[k][0, i, idx[k]] for k in range(len(idx))))


@pytest.mark.parametrize(("name", "actor"), sorted(LOTTERIES))
def test_calibration_batna_is_the_stated_war_lottery(name: str, actor: str) -> None:
    chances, fighting, domestic = LOTTERIES[(name, actor)]
    assert sum(chances) == pytest.approx(1.0, abs=1e-9)
    expected = sum(p * _utility(name, actor, pkg)
                   for p, pkg in zip(chances, OUTCOMES.values(), strict=True))
    expected += domestic - fighting
    _, t = _case(name)
    stated = float(t.reservation[0, t.actors.index(actor)])
    assert stated == pytest.approx(expected, abs=TOL)


CASES = ("ru-ua-2022-03", "ru-ua-2022-11", "ru-ua-2024-09")
# (case, proposal, actor, accepts?) of every calibration target the cases list.
VERDICTS = [(name, t.proposal, t.actor, t.accepts) for name in CASES
            for t in _case(name)[0].calibration]
# Targets whose verdict depends on how the proposal's open terms are filled (reported as
# "depends"): e.g. Kyiv rejects Putin's June 2024 terms for most fills, but not if the terms the
# speech leaves open (guarantees, EU, accountability) were filled in Kyiv's favour.
DEPENDS = {
    ("ru-ua-2022-03", "istanbul-2022", "RUS"),
    ("ru-ua-2022-11", "russia-annexation-terms-2022", "UKR_PUB"),
    ("ru-ua-2024-09", "putin-2024-06", "UKR"),
    ("ru-ua-2024-09", "istanbul-communique-schroeder", "RUS"),
    ("ru-ua-2024-09", "istanbul-communique-schroeder", "UKR"),
}


@cache
def _analysis(name: str) -> DealAnalysis:
    return analyze(_case(name)[0])


def _margin_range(name: str, proposal: str, actor: str) -> tuple[float, float]:
    """An actor's smallest and largest margin over its BATNA across the open terms' fills."""
    p = next(p for p in _analysis(name).proposals if p.id == proposal)
    sc = next(x for x in p.scores if x.actor == actor)
    assert sc.margin_low is not None and sc.margin_high is not None
    return sc.margin_low, sc.margin_high


def test_calibration_targets_are_listed_with_quotes() -> None:
    assert len(VERDICTS) >= 12
    for name in CASES:
        for t in _case(name)[0].calibration:
            assert t.evidence, (name, t.claim)


@pytest.mark.parametrize(("name", "proposal", "actor", "accepts"), VERDICTS)
def test_calibration_target_is_reproduced_or_depends_on_open_terms(
        name: str, proposal: str, actor: str, accepts: bool) -> None:
    low, high = _margin_range(name, proposal, actor)
    check = next(c for c in _analysis(name).calibration
                 if (c.proposal, c.actor) == (proposal, actor))
    if (name, proposal, actor) in DEPENDS:
        assert low < 0 <= high, f"{actor} on {proposal}: [{low:+.3f}, {high:+.3f}]"
        assert check.status == "depends"
    else:
        assert (low >= 0) is accepts and (high >= 0) is accepts, (
            f"{actor} margin on {proposal}: [{low:+.3f}, {high:+.3f}]")
        assert check.status == "holds"


def test_calibration_status_fails_when_a_target_is_flipped() -> None:
    """The check can fail: the same target with the opposite verdict is reported 'fails'."""
    s = _case("ru-ua-2024-09")[0]
    flipped = [t.model_copy(update={"accepts": not t.accepts}) for t in s.calibration]
    r = analyze(s.model_copy(update={"calibration": flipped}))
    status = {(c.proposal, c.actor): c.status for c in r.calibration}
    assert status[("kyiv-terms-2024", "RUS")] == "fails"
    assert status[("putin-2024-06", "RUS")] == "fails"
    assert status[("putin-2024-06", "UKR")] == "depends"


def test_reservation_values_are_finite_for_every_veto_player() -> None:
    for name in CASES:
        s, t = _case(name)
        for i, a in enumerate(s.actors):
            if a.veto:
                assert np.isfinite(t.reservation[0, i]), (name, a.id)


# The 2025 cases carry the 2024 numbers over unchanged and list reported answers as targets
# that were NOT fitted (``fitted: false``): held-out checks of the carried-over numbers. Their
# statuses are pinned here, failure included: with the 2024 numbers Kyiv would accept the US
# 28-point plan (margin +0.15 to +0.19), which it did not.
HELD_OUT = {
    ("ru-ua-2025-06", "ukraine-ceasefire-2025", "RUS"): "depends",
    ("ru-ua-2025-06", "russia-memorandum-2025-06", "UKR"): "holds",
    ("ru-ua-2025-11", "us-28-point-plan-2025", "UKR"): "fails",
    ("ru-ua-2025-11", "us-28-point-plan-2025", "RUS"): "holds",
}


def test_calibration_targets_of_the_fitted_cases_are_marked_fitted() -> None:
    for name in CASES:
        assert all(t.fitted for t in _case(name)[0].calibration), name


@pytest.mark.parametrize("key", sorted(HELD_OUT))
def test_calibration_held_out_checks_of_the_2025_cases_are_pinned(
        key: tuple[str, str, str]) -> None:
    name, proposal, actor = key
    assert all(not t.fitted for t in _case(name)[0].calibration)
    check = next(c for c in _analysis(name).calibration
                 if (c.proposal, c.actor) == (proposal, actor))
    assert check.status == HELD_OUT[key], (check.margin_low, check.margin_high)
