"""The typed record of a deal analysis (what ``detente analyze --json`` writes)."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from detente.deals.packages import Blocker, NoAgreement, Package
from detente.records import Provenance
from detente.records.base import Record

__all__ = ["ActorScore", "Blocker", "CalibrationCheck", "DealAnalysis", "MonteCarlo",
           "NoAgreement", "OpenTermResult", "Package", "PairView", "ProposalOdds",
           "ProposalResult", "RatificationResult", "TradeResult"]


class _Rec(Record, BaseModel):  # BaseModel named so that linters see pydantic
    model_config = ConfigDict(frozen=True)


class ActorScore(_Rec):
    """An actor's utility and margin over its BATNA at the proposal's reference fill, and its
    margin range over every fill of the open terms: ``verdict`` is ``accepts`` (every fill),
    ``rejects`` (no fill) or ``depends`` (on how the open terms are filled)."""

    actor: str
    veto: bool
    utility: float
    reservation: float | None
    margin: float | None
    accepts: bool | None
    margin_low: float | None = None
    margin_high: float | None = None
    verdict: Literal["accepts", "rejects", "depends"] | None = None


class OpenTermResult(_Rec):
    """A term the proposal's text leaves open, and the options it ranges over."""

    issue: str
    name: str
    options: list[str]
    explicit: bool


class TradeResult(_Rec):
    """A logroll: ``actor_i`` concedes ``i_concedes``, ``actor_j`` concedes ``j_concedes``;
    both gain."""

    actor_i: str
    actor_j: str
    i_concedes: dict[str, str]
    j_concedes: dict[str, str]
    gain_i: float
    gain_j: float


class RatificationResult(_Rec):
    """A proposal before one state's ratifying constituents (Putnam 1988): ``ratified`` is
    ``every_fill``, ``no_fill`` or ``depends``; ``blocked_by`` the factions or publics whose
    rejection blocks it."""

    state: str
    ratified: Literal["every_fill", "no_fill", "depends"]
    accepting_weight: float
    possible_weight: float
    blocked_by: list[str]


class ProposalResult(_Rec):
    """A proposal against the BATNAs. ``package`` is its reference fill (open terms filled
    where the smallest veto-player margin is largest); ``acceptance`` says whether all veto
    players accept for every fill, some fill or no fill of the open terms;
    ``accepted_by_all_veto`` is true only for every fill; ``rejected_by`` lists the veto
    players who reject for every fill, ``depends_on_open_terms`` those whose verdict turns on
    the fill."""

    id: str
    name: str
    by: str | None
    date: dt.date | None
    package: Package
    scores: list[ActorScore]
    open_terms: list[OpenTermResult] = []
    fills: int = 1
    acceptance: Literal["every_fill", "some_fill", "no_fill"] = "every_fill"
    accepted_by_all_veto: bool
    rejected_by: list[str]
    depends_on_open_terms: list[str] = []
    ratification: list[RatificationResult] = []
    efficient: bool
    nearest_acceptable: Package | None
    changes_to_nearest: dict[str, list[str]]
    trades: list[TradeResult]


class CalibrationCheck(_Rec):
    """A fact the case was fitted to, and whether the analysis reproduces it (``holds``,
    ``fails`` or ``depends`` on the open terms). Not a finding."""

    claim: str
    proposal: str
    actor: str
    accepts: bool
    margin_low: float | None
    margin_high: float | None
    status: Literal["holds", "fails", "depends"]
    quotes: list[str]
    fitted: bool = True


class PairView(_Rec):
    """Two veto players' utility space: their Pareto frontier and a sample of outcomes."""

    actor_x: str
    actor_y: str
    frontier: list[list[float]]
    sample: list[list[float]]
    sample_in_zopa: list[bool]
    zopa_frontier: list[list[float]]


class ProposalOdds(_Rec):
    """Monte Carlo acceptance of a proposal (open terms drawn uniformly per draw);
    ``p_accepted_and_ratified`` adds ratification by every state's constituents."""

    id: str
    p_accepted_by_all_veto: float
    p_accepted_and_ratified: float | None = None
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

    frame_field: ClassVar[str | None] = "proposals"
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
    zopa_ratified_outcomes: int | None = None
    ratifiers: dict[str, dict[str, float]] = {}
    calibration: list[CalibrationCheck] = []

    @property
    def zopa_empty(self) -> bool:
        return self.no_agreement is not None
