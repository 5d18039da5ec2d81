"""The war sections of the bundled Russia–Ukraine cases against the rest of each case.

* The war outcomes are the ones the BATNA lotteries use (``test_calibration``): Russia's maximal war
  aims when Russia wins, Ukraine's best outcome the BATNAs name when Ukraine wins; every veto
  player stands on a side.
* The calibration follows what the case states: p is the US chances on the evenly spaced scale
  of war outcomes, each side's optimism the gap to its own chances, its cost of fighting the
  cost its BATNA states.
* The war-derived BATNAs against the written ones: their difference is exactly the sum of five
  named terms, and the table and verdicts reported in docs/war.md are the computed ones.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from cases.test_calibration import LOTTERIES, OUTCOMES, VERDICTS, _case, _margin_range, _utility
from detente.scenario.war import Side, WarModel
from detente.war.batna import war_batnas

CASES = ("ru-ua-2022-03", "ru-ua-2022-11", "ru-ua-2024-09")
DOCS = Path(__file__).resolve().parents[2] / "docs" / "war.md"
# Ukraine's best war outcome the case's BATNA lotteries name, and the evenly spaced positions of
# the outcomes rus_win, stalemate, ukr_win, ukr_full on the stake (rus_win 0, that outcome 1).
BEST = {"ru-ua-2022-03": "ukr_win", "ru-ua-2022-11": "ukr_full", "ru-ua-2024-09": "ukr_win"}
POSITIONS = {"ukr_win": (0.0, 0.5, 1.0, 0.0), "ukr_full": (0.0, 1 / 3, 2 / 3, 1.0)}


def _war(name: str) -> WarModel:
    war = _case(name)[0].war
    assert isinstance(war, WarModel), name
    return war


def _lk(n: object) -> float:
    return float(n.value.likely)  # type: ignore[attr-defined]


def _position(name: str, actor: str) -> float:
    """Expected position of the war's end on the stake with ``actor``'s stated chances."""
    chances = LOTTERIES[(name, actor)][0]
    return sum(c * x for c, x in zip(chances, POSITIONS[BEST[name]], strict=True))


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


@pytest.mark.parametrize("name", CASES)
def test_outcomes_are_the_war_outcomes_of_the_batnas(name: str) -> None:
    s, _ = _case(name)
    war = _war(name)
    assert war.outcomes is not None
    assert (war.side_a, war.side_b) == ("UKR", "RUS")
    assert war.outcomes.sides == {"UKR": Side.a, "USA": Side.a, "EUR": Side.a, "RUS": Side.b}
    assert {a.id for a in s.veto_players} == set(war.outcomes.sides)
    assert dict(war.outcomes.b_wins) == OUTCOMES["rus_win"]
    assert dict(war.outcomes.a_wins) == OUTCOMES[BEST[name]]


@pytest.mark.parametrize("name", CASES)
def test_calibration_follows_the_stated_chances_and_costs(name: str) -> None:
    war = _war(name)
    p = _position(name, "USA")
    assert _lk(war.p) == pytest.approx(p, abs=0.005)
    assert _lk(war.optimism_a) == pytest.approx(_logit(_position(name, "UKR")) - _logit(p),
                                                abs=0.03)
    assert _lk(war.optimism_b) == pytest.approx(_logit(p) - _logit(_position(name, "RUS")),
                                                abs=0.03)
    assert _lk(war.cost_a) == pytest.approx(LOTTERIES[(name, "UKR")][1], abs=1e-9)
    assert _lk(war.cost_b) == pytest.approx(LOTTERIES[(name, "RUS")][1], abs=1e-9)
    assert war.start is not None and war.start.strftime("%Y-%m") == name.removeprefix("ru-ua-")


def batna_rows(name: str) -> list[tuple[str, float, float, dict[str, float]]]:
    """Per veto player: written BATNA (as stated), war BATNA and the terms of their difference
    against the written lottery (recomputed), which sum to war − lottery exactly:

    N = Σ_k π_k [u(L) + x_k Δ − u(o_k)]   outcomes off the line from defeat to victory
    B = (p_side − p_i) Δ                   the side's chances instead of the actor's own
    D = −(1 − δ) p_side Δ                  discounting
    C = c_i − c_side Δ                     cost of fighting: utility units vs stake units
    −dom_i                                 the domestic cost of settling has no war term
    """
    s, t = _case(name)
    war = _war(name)
    p, o_a, o_b = _lk(war.p), _lk(war.optimism_a), _lk(war.optimism_b)
    p_a = 1 / (1 + math.exp(-(_logit(p) + o_a)))
    p_b = 1 / (1 + math.exp(-(_logit(p) - o_b)))
    delta = _lk(war.discount)
    wb = war_batnas(s)
    rows = []
    for actor in ("UKR", "USA", "EUR", "RUS"):
        chances, cost, dom = LOTTERIES[(name, actor)]
        u = [_utility(name, actor, pkg) for pkg in OUTCOMES.values()]
        u_a, u_b = _utility(name, actor, OUTCOMES[BEST[name]]), _utility(name, actor,
                                                                          OUTCOMES["rus_win"])
        on_b = war.outcomes.sides[actor] == Side.b  # type: ignore[union-attr]
        lose, win = (u_a, u_b) if on_b else (u_b, u_a)
        swing = win - lose
        pos = [1 - x if on_b else x for x in POSITIONS[BEST[name]]]
        p_i = sum(c * x for c, x in zip(chances, pos, strict=True))
        p_side, c_side = (1 - p_b, _lk(war.cost_b)) if on_b else (p_a, _lk(war.cost_a))
        terms = {
            "N": sum(c * (lose + x * swing - ui) for c, x, ui in zip(chances, pos, u, strict=True)),
            "B": (p_side - p_i) * swing,
            "D": -(1 - delta) * p_side * swing,
            "C": cost - c_side * swing,
            "dom": -dom,
        }
        lottery = sum(c * ui for c, ui in zip(chances, u, strict=True)) - cost + dom
        assert sum(terms.values()) == pytest.approx(wb[actor] - lottery, abs=1e-9), actor
        rows.append((actor, float(t.reservation[0, t.actors.index(actor)]), wb[actor], terms))
    return rows


@pytest.mark.parametrize("name", CASES)
def test_war_batnas_against_the_written_ones(name: str) -> None:
    """The decomposition holds (asserted in ``batna_rows``) and docs/war.md reports it."""
    rows = batna_rows(name)
    if not DOCS.is_file():
        pytest.skip("docs/war.md not found")
    doc = {}
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 10 and cells[0] == name:
            doc[cells[1]] = [float(c) for c in cells[2:]]
    assert set(doc) == {r[0] for r in rows}
    for actor, written, war, terms in rows:
        expected = [written, war, war - written, *terms.values()]
        assert doc[actor] == pytest.approx(expected, abs=0.0015), actor


def test_docs_report_which_seed_verdicts_the_war_batnas_keep() -> None:
    if not DOCS.is_file():
        pytest.skip("docs/war.md not found")
    text = DOCS.read_text(encoding="utf-8")
    flips = []
    for name, proposal, actor, accepts in VERDICTS:
        s, _ = _case(name)
        wb = war_batnas(s)
        if actor not in wb:
            continue
        shift = float(_case(name)[1].reservation[0, _case(name)[1].actors.index(actor)]) \
            - wb[actor]
        low, high = (m + shift for m in _margin_range(name, proposal, actor))
        if (high < 0) if accepts else (low >= 0):  # the opposite verdict for every fill
            flips.append(f"{name} {proposal} {actor}")
    reported = re.findall(r"^- flips: (\S+ \S+ \S+)", text, flags=re.M)
    assert sorted(reported) == sorted(flips)
