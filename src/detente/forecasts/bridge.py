"""Bridge from the stakeholder forecasts to the deal analysis of a bundled (war) case.

Per issue of a scenario: the compromise point (Achen 2006), the one-issue Nash bargaining point
(:mod:`~detente.forecasts.nash`) with its central 80 % interval over the scenario's input ranges
(Monte Carlo, :mod:`~detente.forecasts.montecarlo`; ε = 1, ``UNFITTED_NASH``: there are no
resolved war negotiations to fit it on), and — beside them — the option the deal
analysis's Nash package (Nash 1950 over the veto players' package utilities, ``detente.deals``)
picks for that issue. The two Nash answers differ by construction, and the record says why:

- the forecast bargains **one issue at a time**, every actor with a stance weighing in with
  capability × salience, and disagreement is the worst outcome on the issue's scale (a scenario
  has no reference point);
- the deal analysis bargains over **whole packages**: only the veto players count, each one's
  disagreement is its BATNA, and issues are traded against each other (an actor concedes where
  its salience is low to gain where it is high), so one issue can land far from its own
  one-issue compromise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.forecasts.compromise import CompromiseModel
from detente.forecasts.montecarlo import monte_carlo
from detente.forecasts.nash import UNFITTED_NASH, NashModel
from detente.forecasts.scenario import issue_table, nearest_option
from detente.scenario import Scenario

EXPLANATION = (
    "The forecast's points bargain one issue at a time: every actor with a stance weighs in "
    "with capability x salience, and failing to agree is the worst outcome on that issue's "
    "scale. The deal analysis's Nash package bargains over whole packages: only veto players "
    "count, each one's disagreement is its BATNA, and issues are traded against each other — "
    "a veto player concedes where its salience is low to gain where it is high. Where the "
    "package's option lies far from the one-issue points, that issue is being traded.")


@dataclass(frozen=True)
class BridgeRow:
    """One issue: forecast points (0–100), the 80 % interval, options and the deal's choice."""

    issue: str
    compromise: float
    nash: float
    interval80: tuple[float, float]
    compromise_option: str
    nash_option: str
    deal_option: str | None
    deal_position: float | None
    traded_by: str | None

    @property
    def gap(self) -> float | None:
        """|deal option's position − Nash point| on 0–100 (None without a deal package)."""
        return None if self.deal_position is None else abs(self.deal_position - self.nash)


@dataclass(frozen=True)
class Bridge:
    """The bridge of a scenario: rows, the deal analysis's verdict and the explanation."""

    scenario: str
    rows: tuple[BridgeRow, ...]
    deal: str
    draws: int
    seed: int
    explanation: str = EXPLANATION

    def record(self) -> dict[str, Any]:
        return {"scenario": self.scenario, "deal": self.deal, "draws": self.draws,
                "seed": self.seed, "explanation": self.explanation,
                "issues": [{"issue": r.issue, "compromise": round(r.compromise, 3),
                            "nash": round(r.nash, 3),
                            "interval80": [round(v, 3) for v in r.interval80],
                            "compromise_option": r.compromise_option,
                            "nash_option": r.nash_option, "deal_nash_option": r.deal_option,
                            "deal_nash_position": r.deal_position,
                            "gap": None if r.gap is None else round(r.gap, 3),
                            "traded_by": r.traded_by} for r in self.rows]}


def _trader(scenario: Scenario, issue_id: str, deal_pos: float, nash: float) -> str | None:
    """The veto player whose ideal on this issue the package moved towards, if it moved."""
    if abs(deal_pos - nash) < 1.0:
        return None
    table, _ = issue_table(scenario, issue_id)
    veto = {a.id for a in scenario.actors if a.veto}
    x = table.position[:, 0]
    toward = [(abs(x[i] - deal_pos), table.actors[i]) for i in range(table.n_actors)
              if table.actors[i] in veto and abs(x[i] - deal_pos) < abs(x[i] - nash)]
    return min(toward)[1] if toward else None


def bridge(scenario: Scenario, issues: list[str] | None = None, draws: int = 1000,
           seed: int = 0) -> Bridge:
    """Compromise and Nash points, the Nash point's 80 % interval over input ranges (``draws``
    Monte Carlo draws, child seeds per issue) and the deal analysis's Nash package, per issue."""
    from detente.deals.analysis import analyze

    deal = analyze(scenario)
    package = deal.solutions.get("nash")
    verdict = ("Nash package of the veto players" if package is not None else
               "no package every veto player prefers to its BATNA: no Nash package")
    ids = issues or [i.id for i in scenario.issues]
    seeds = np.random.SeedSequence(seed).spawn(len(ids))
    places = {i.id: dict(zip(i.option_ids(), i.positions(), strict=True))
              for i in scenario.issues}
    rows = []
    for issue_id, child in zip(ids, seeds, strict=True):
        table, ranges = issue_table(scenario, issue_id)
        comp = float(CompromiseModel().forecast(table).position[0])
        nash = float(NashModel(UNFITTED_NASH).forecast(table).position[0])
        mc = monte_carlo(NashModel(UNFITTED_NASH), table, ranges, max(draws, 1),
                         int(child.generate_state(1)[0]))
        lo, hi = np.quantile(mc.draws[:, 0], [0.1, 0.9])
        opt = None if package is None else package.options.get(issue_id)
        pos = None if opt is None else float(places[issue_id][opt])
        rows.append(BridgeRow(issue_id, comp, nash, (float(lo), float(hi)),
                              nearest_option(scenario, issue_id, comp),
                              nearest_option(scenario, issue_id, nash), opt, pos,
                              None if pos is None else _trader(scenario, issue_id, pos, nash)))
    return Bridge(scenario.id, tuple(rows), verdict, draws, seed)
