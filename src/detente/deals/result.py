"""The typed record of a deal analysis (what ``detente analyze --json`` writes)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from detente.records import Provenance


class _Rec(BaseModel):
    model_config = ConfigDict(frozen=True)


class Package(_Rec):
    """An outcome: one option per issue, and every actor's utility of it."""

    options: dict[str, str]
    utilities: dict[str, float]


class ActorScore(_Rec):
    actor: str
    veto: bool
    utility: float
    reservation: float | None
    margin: float | None
    accepts: bool | None


class TradeResult(_Rec):
    """A logroll: ``actor_i`` concedes ``i_concedes``, ``actor_j`` concedes ``j_concedes``;
    both gain."""

    actor_i: str
    actor_j: str
    i_concedes: dict[str, str]
    j_concedes: dict[str, str]
    gain_i: float
    gain_j: float


class ProposalResult(_Rec):
    id: str
    name: str
    by: str | None
    date: dt.date | None
    package: Package
    scores: list[ActorScore]
    accepted_by_all_veto: bool
    rejected_by: list[str]
    efficient: bool
    nearest_acceptable: Package | None
    changes_to_nearest: dict[str, list[str]]
    trades: list[TradeResult]


class Blocker(_Rec):
    """A veto player whose reservation alone empties the ZOPA, the concession (utility) that
    would open it, and the package it would then get."""

    actor: str
    concession: float
    package: Package


class NoAgreement(_Rec):
    """The typed "no agreement" answer: the ZOPA is empty."""

    blocking_actors: list[str]
    sole_blockers: list[Blocker]
    common_concession: float
    closest_package: Package
    shortfall: dict[str, float]


class PairView(_Rec):
    """Two veto players' utility space: their Pareto frontier and a sample of outcomes."""

    actor_x: str
    actor_y: str
    frontier: list[list[float]]
    sample: list[list[float]]
    sample_in_zopa: list[bool]
    zopa_frontier: list[list[float]]


class ProposalOdds(_Rec):
    id: str
    p_accepted_by_all_veto: float
    se: float
    p_accept: dict[str, float]


class MonteCarlo(_Rec):
    draws: int
    seed: int | None
    p_zopa_nonempty: float
    se: float
    proposals: list[ProposalOdds]
    settled_by_bound: int
    settled_by_candidate: int
    settled_by_enumeration: int


class DealAnalysis(_Rec):
    """Everything the deal analysis found, with its provenance."""

    provenance: Provenance
    scenario: str
    title: str
    date: dt.date
    actors: list[str]
    veto_players: list[str]
    reservation: dict[str, float]
    ideal: dict[str, float]
    outcomes: int
    zopa_outcomes: int | None
    frontier_size: int
    frontier_in_zopa: int
    frontier: list[Package]
    frontier_distinct: int | None = None
    frontier_truncated: bool = False
    solutions: dict[str, Package]
    no_agreement: NoAgreement | None
    proposals: list[ProposalResult]
    pairs: list[PairView]
    monte_carlo: MonteCarlo | None

    @property
    def zopa_empty(self) -> bool:
        return self.no_agreement is not None
