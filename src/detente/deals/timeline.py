"""How the bargaining space moved: the deal analysis of several dated scenarios of one conflict.

DESIGN.md §3 ("Timeline"): one scenario per date, same issues, so that the zone of possible
agreement, the reservation values, the bargaining solutions and the named proposals can be
compared date by date. :func:`timeline` runs :func:`detente.deals.analyze` on each scenario (same
draws and seed) and collects the comparable figures into one record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import Executor
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from detente.deals.analysis import analyze
from detente.deals.result import DealAnalysis
from detente.errors import AnalysisError, Problem
from detente.parallel import bounded_map, executor_or_serial
from detente.records import Provenance, inputs_hash, make_provenance
from detente.records.base import Record
from detente.scenario.model import Scenario


class _Rec(Record, BaseModel):  # BaseModel named so that linters see pydantic
    model_config = ConfigDict(frozen=True)


class ProposalAtDate(_Rec):
    id: str
    name: str
    date: dt.date | None
    rejected_by: list[str]
    acceptance: str = "every_fill"
    open_terms: list[str] = []
    efficient: bool
    p_accepted_by_all_veto: float | None

    @property
    def verdict(self) -> str:
        """The verdict over the fills of the open terms, as one phrase."""
        if self.acceptance == "every_fill":
            text = "all veto players accept"
        elif self.acceptance == "some_fill":
            text = "all accept for some fills of the open terms"
        elif self.rejected_by:
            text = "rejected by " + ", ".join(self.rejected_by)
        else:
            text = "no fill of the open terms accepted by all"
        return text + (f" ({len(self.open_terms)} open)" if self.open_terms else "")


class TimelinePoint(_Rec):
    """The comparable figures of one dated scenario (verdicts over the open terms' fills)."""

    scenario: str
    date: dt.date
    title: str
    outcomes: int
    zopa_outcomes: int | None
    zopa_share: float | None
    p_zopa_nonempty: float | None
    p_zopa_se: float | None
    reservation: dict[str, float]
    nash: dict[str, str] | None
    nash_utilities: dict[str, float] | None
    blocking_actors: list[str]
    proposals: list[ProposalAtDate]


class Timeline(_Rec):
    """The deal analysis of a conflict, date by date."""

    frame_field: ClassVar[str | None] = "points"
    provenance: Provenance
    veto_players: list[str]
    issues: list[str]
    points: list[TimelinePoint]


def _point(s: Scenario, r: DealAnalysis) -> TimelinePoint:
    odds = {o.id: o for o in (r.monte_carlo.proposals if r.monte_carlo else [])}
    nash = r.solutions.get("nash")
    return TimelinePoint(
        scenario=s.id, date=s.date, title=s.title, outcomes=r.outcomes,
        zopa_outcomes=r.zopa_outcomes,
        zopa_share=r.zopa_outcomes / r.outcomes if r.zopa_outcomes is not None else None,
        p_zopa_nonempty=r.monte_carlo.p_zopa_nonempty if r.monte_carlo else None,
        p_zopa_se=r.monte_carlo.se if r.monte_carlo else None,
        reservation={a: r.reservation[a] for a in r.veto_players},
        nash=nash.options if nash else None,
        nash_utilities={a: nash.utilities[a] for a in r.veto_players} if nash else None,
        blocking_actors=r.no_agreement.blocking_actors if r.no_agreement else [],
        proposals=[ProposalAtDate(
            id=p.id, name=p.name, date=p.date, rejected_by=p.rejected_by,
            acceptance=p.acceptance, open_terms=[t.issue for t in p.open_terms],
            efficient=p.efficient,
            p_accepted_by_all_veto=odds[p.id].p_accepted_by_all_veto if p.id in odds else None)
            for p in r.proposals])


def _analyze_point(s: Scenario, draws: int, seed: int | None) -> TimelinePoint:
    return _point(s, analyze(s, draws=draws, seed=seed))


def timeline(scenarios: list[Scenario], draws: int = 0, seed: int | None = None, *,
             sources: list[str] | None = None,
             progress: Callable[[int, int], None] | None = None,
             executor: Executor | None = None) -> Timeline:
    """Analyse dated scenarios of one conflict and line them up by date.

    Each scenario's analysis is one task on ``executor`` (default: this process; any
    ``concurrent.futures.Executor``, :mod:`detente.parallel`); each runs with the same draws
    and seed wherever it runs, so every executor gives the same record.

    The scenarios must share their veto players and issue ids (and each issue's options), so
    that the figures compare; otherwise an :class:`AnalysisError` names the first that differs.
    """
    if len(scenarios) < 2:
        raise AnalysisError.one("a timeline needs at least two dated scenarios",
                                value=len(scenarios))
    given = sources if sources and len(sources) == len(scenarios) else [s.id for s in scenarios]
    named = sorted(zip(scenarios, given, strict=True), key=lambda p: p[0].date)
    ordered = [s for s, _ in named]
    first, first_src = named[0]
    veto = [a.id for a in first.veto_players]
    shape = [(i.id, tuple(i.option_ids())) for i in first.issues]
    problems = []
    dated: dict[object, str] = {first.date: first_src}
    for s, src in named[1:]:
        if s.date in dated:  # the same file twice, or two versions of one date
            problems.append(Problem(f"dated {s.date} like {dated[s.date]}: the timeline "
                                    "would show that date twice", file=src, path="date",
                                    allowed="one scenario per date"))
        dated.setdefault(s.date, src)
        if [a.id for a in s.veto_players] != veto:
            problems.append(Problem(f"scenario {s.id!r} has veto players "
                                    f"{[a.id for a in s.veto_players]}, {first.id!r} "
                                    f"({first_src}) has {veto}", file=src, path="actors"))
        if [(i.id, tuple(i.option_ids())) for i in s.issues] != shape:
            problems.append(Problem(f"scenario {s.id!r} has other issues or options than "
                                    f"{first.id!r} ({first_src})", file=src, path="issues",
                                    allowed="the same issue ids and options in every scenario"))
    if problems:
        raise AnalysisError(problems)
    points = []
    tasks = ((s, draws, seed) for s in ordered)
    for k, point in enumerate(bounded_map(executor_or_serial(executor), _analyze_point, tasks)):
        points.append(point)
        if progress:
            progress(k + 1, len(ordered))
    names = sources or [s.id for s in ordered]
    prov = make_provenance("timeline", names, inputs_hash(*ordered),
                           {"draws": draws}, seed)
    return Timeline(provenance=prov, veto_players=veto, issues=[i for i, _ in shape],
                    points=points)
