"""Each veto player's BATNA as the value of fighting on (DESIGN.md §6, last point).

The deal analysis (DESIGN.md §4) measures every package against each veto player's reservation
value d_i = u_i(BATNA). With a war model, the BATNA is not a number typed in but the value of
fighting on. The war section names what winning means on the issues: ``outcomes.a_wins`` and
``outcomes.b_wins`` are packages (one option per issue), and ``outcomes.sides`` says which side
each veto player stands with. For a player i on side s the mapping is

    v_s = the share of the stake side s expects from war minus its cost, at month 0:
          v_A = δ·p_A − c_A,   v_B = δ·(1 − p_B) − c_B      (Fearon 1995; ``bargaining``),
          clipped to [0, 1], with each side's own estimate p_A, p_B (optimism included);
    BATNA_i = u_i(s loses) + v_s · (u_i(s wins) − u_i(s loses)),

that is, fighting on is worth to i the fraction v_s of the way from its utility of its side's
defeat to its utility of its side's victory, on i's own 0-1 utility scale of the deal analysis.
Likely values are used throughout (the deterministic analysis); veto players not listed in
``sides`` keep the BATNA their actor entry gives.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from detente.errors import AnalysisError, DetenteError
from detente.logistic import expit, logit
from detente.scenario.model import Scenario
from detente.scenario.war import Side, WarModel

if TYPE_CHECKING:  # pragma: no cover
    from concurrent.futures import Executor

    from detente.deals.memo import FrontierMemo
    from detente.deals.result import DealAnalysis


def fighting_value(war: WarModel) -> dict[Side, float]:
    """Each side's value of fighting on at month 0, in stake units clipped to [0, 1]."""
    z = float(logit(np.float64(war.p.value.likely)))
    p_a = float(expit(np.float64(z + war.optimism_a.value.likely)))
    p_b = float(expit(np.float64(z - war.optimism_b.value.likely)))
    d = war.discount.value.likely
    v_a = d * p_a - war.cost_a.value.likely
    v_b = d * (1.0 - p_b) - war.cost_b.value.likely
    return {Side.a: float(np.clip(v_a, 0.0, 1.0)), Side.b: float(np.clip(v_b, 0.0, 1.0))}


def war_batnas(scenario: Scenario) -> dict[str, float]:
    """BATNA (0-1 utility) of every veto player the war section places on a side.

    Raises:
        AnalysisError: the scenario has no war section, or it names no ``outcomes``, or a side
            is given for an actor that does not exist.
    """
    from detente.deals.compile import build_space, package_index

    war = scenario.war
    if not isinstance(war, WarModel):
        raise AnalysisError.one("the scenario has no war model", path="war",
                                allowed="a 'war' section (see docs/war.md)")
    if war.outcomes is None:
        raise AnalysisError.one(
            "the war model does not say what winning means on the issues", path="war.outcomes",
            allowed="outcomes: {sides: {actor: a|b}, a_wins: {issue: option}, b_wins: {...}}")
    space = build_space(scenario)
    index = {a: i for i, a in enumerate(space.actors)}
    for actor in war.outcomes.sides:
        if actor not in index:
            raise AnalysisError.one("unknown actor in the war outcomes", path="war.outcomes.sides",
                                    value=actor, allowed=", ".join(space.actors))
    u_a_wins = space.utilities(np.asarray(package_index(scenario, dict(war.outcomes.a_wins))))[:, 0]
    u_b_wins = space.utilities(np.asarray(package_index(scenario, dict(war.outcomes.b_wins))))[:, 0]
    value = fighting_value(war)
    veto = {a.id for a in scenario.veto_players}
    out = {}
    for actor, side in war.outcomes.sides.items():
        if actor not in veto:
            continue
        i = index[actor]
        win, lose = (u_a_wins[i], u_b_wins[i]) if side == Side.a else (u_b_wins[i], u_a_wins[i])
        out[actor] = float(lose + value[side] * (win - lose))
    return out


BATNA_SOURCES = ("scenario", "war")
"""Where ``detente analyze --batna`` takes the veto players' BATNAs from."""


def analyze_deals(scenario: Scenario, *, batna: str = "scenario", draws: int = 0,
                  seed: int | None = None, source: str = "",
                  progress: Callable[[str, int, int], None] | None = None,
                  executor: Executor | None = None,
                  memo: FrontierMemo | None = None) -> DealAnalysis:
    """The deal analysis (:func:`detente.deals.analysis.analyze`) with the veto players'
    BATNAs as written (``batna="scenario"``) or, with ``batna="war"``, replaced by the value of
    fighting on from the scenario's war model (:func:`war_batnas`; the values used are in the
    record's ``provenance.options["reservation"]``). ``memo``: Pareto frontiers kept between
    analyses (:class:`detente.deals.memo.FrontierMemo`)."""
    from detente.deals.analysis import analyze

    if batna not in BATNA_SOURCES:
        raise DetenteError.one("unknown BATNA source", path="--batna", value=batna,
                               allowed=", ".join(BATNA_SOURCES))
    try:
        reservation = war_batnas(scenario) if batna == "war" else None
    except AnalysisError as exc:  # name the file (or case) the scenario came from
        raise exc.with_file(source) from None
    return analyze(scenario, draws=draws, seed=seed, source=source, reservation=reservation,
                   progress=progress, executor=executor, memo=memo)
