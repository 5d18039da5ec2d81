"""The bundled cases against what their sources say.

Two kinds of check:

* Every veto player's likely reservation value is the war lottery its BATNA assumption states
  (chances of the war outcomes defined in the case description, minus a cost of fighting, plus
  a domestic cost of settling where stated), recomputed here from the case's own stances. This
  fails when someone edits stances without recomputing the BATNAs.
* Verdicts the seed articles state outright hold in the cases: e.g. Putin's June 2024 terms were
  "unacceptable to Zelenskyy" (seed 000), so Kyiv must reject them.

Both use the deterministic (likely-value) utility tables, which take milliseconds.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from detente.cases import case_path
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


def _margin(name: str, proposal: str, actor: str) -> float:
    s, t = _case(name)
    prop = next(p for p in s.proposals if p.id == proposal)
    u = _utility(name, actor, {k: c.value for k, c in prop.package.items()})
    return u - float(t.reservation[0, t.actors.index(actor)])


@pytest.mark.parametrize(("name", "actor"), sorted(LOTTERIES))
def test_batna_is_the_stated_war_lottery(name: str, actor: str) -> None:
    chances, fighting, domestic = LOTTERIES[(name, actor)]
    assert sum(chances) == pytest.approx(1.0, abs=1e-9)
    expected = sum(p * _utility(name, actor, pkg)
                   for p, pkg in zip(chances, OUTCOMES.values(), strict=True))
    expected += domestic - fighting
    _, t = _case(name)
    stated = float(t.reservation[0, t.actors.index(actor)])
    assert stated == pytest.approx(expected, abs=TOL)


# (case, proposal, actor, accepts?) with the seed text that states the verdict.
VERDICTS = [
    # seed 001: the talks "are unlikely to yield any fruit"; a steep political cost at home.
    ("ru-ua-2022-03", "istanbul-2022", "RUS", False),
    ("ru-ua-2022-03", "istanbul-2022", "RUS_HARD", False),
    ("ru-ua-2022-03", "istanbul-2022", "UKR", True),
    ("ru-ua-2022-03", "russia-war-aims-2022", "UKR", False),
    # seed 004: talks impossible; Kyiv wants complete sovereignty, Moscow annexed four regions.
    ("ru-ua-2022-11", "kyiv-terms-2022-11", "RUS", False),
    ("ru-ua-2022-11", "g7-just-peace-2022", "RUS", False),
    ("ru-ua-2022-11", "russia-annexation-terms-2022", "UKR", False),
    ("ru-ua-2022-11", "russia-annexation-terms-2022", "UKR_PUB", False),
    # seed 000: Putin's terms "have been unacceptable to Zelenskyy"; Kyiv's terms maximalist.
    ("ru-ua-2024-09", "putin-2024-06", "UKR", False),
    ("ru-ua-2024-09", "putin-2024-06", "RUS", True),
    ("ru-ua-2024-09", "kyiv-terms-2024", "RUS", False),
    # seed 002: on the Istanbul text Kyiv and Moscow "were ready to sign it after all".
    ("ru-ua-2024-09", "istanbul-communique-schroeder", "RUS", True),
    ("ru-ua-2024-09", "istanbul-communique-schroeder", "UKR", True),
]


@pytest.mark.parametrize(("name", "proposal", "actor", "accepts"), VERDICTS)
def test_verdicts_the_seeds_state(name: str, proposal: str, actor: str, accepts: bool) -> None:
    margin = _margin(name, proposal, actor)
    assert (margin >= 0) is accepts, f"{actor} margin on {proposal}: {margin:+.3f}"


def test_reservation_values_are_finite_for_every_veto_player() -> None:
    for name in ("ru-ua-2022-03", "ru-ua-2022-11", "ru-ua-2024-09"):
        s, t = _case(name)
        for i, a in enumerate(s.actors):
            if a.veto:
                assert np.isfinite(t.reservation[0, i]), (name, a.id)
