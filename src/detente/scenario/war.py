"""The war section of a scenario: parameters of the war-bargaining models (``detente.war``).

Every number is a :class:`~detente.scenario.model.Number`: a value or ``[low, likely, high]``,
optionally with ``evidence`` (source id and exact quote) or an ``assumption``. Side A and side
B are the two belligerents; p is A's probability of winning the stake (or A's expected share of
it) if the war is fought to the end. Units (``docs/war.md``, "Units", one convention for every
war model): the period is one month and ``discount`` δ is per month; values are present values
in stake units (the whole stake held for good = 1): shares, total costs ``cost_a``/``cost_b``,
guarantor ``strength`` and ``cost``, audience costs; ``cost_rate_a``/``cost_rate_b`` are stake
units added per month of fighting; optimism, drift, volatility, shock shifts, the regroup shift,
signal noise and prior spread are on the logit scale of p. See ``docs/war.md``.

A standalone war file (before the scenario holds one) is a :class:`WarCase`: ``id``, ``title``,
``date``, ``sources`` and ``war``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, ValidationInfo, field_validator, model_validator

from detente.scenario.values import Date, Id, Number, Source, _Frozen

MAX_HORIZON = 600


def _default(value: float, why: str) -> Any:
    """A default number that states its own assumption, so omitted values stay traceable."""
    return Field(default_factory=lambda: Number.model_validate(
        {"value": value, "assumption": f"default when not given: {why}"}))


def _bounded(v: Number, name: str, lo: float | None = None, hi: float | None = None,
             lo_open: bool = False, what: str = "") -> Number:
    q = v.value
    bad_lo = lo is not None and (q.low <= lo if lo_open else q.low < lo)
    bad_hi = hi is not None and q.high > hi
    if bad_lo or bad_hi:
        if hi is None:
            allowed = f"{'>' if lo_open else '>='} {lo:g}"
        else:
            allowed = f"in {'(' if lo_open else '['}{lo:g}, {hi:g}]"
        got = f", got {q.model_dump()}" if q.uncertain else ""  # a bare number is shown anyway
        raise ValueError(f"{name} must be {allowed}{what}{got}")
    return v


class ShockKind(StrEnum):
    offensive = "offensive"
    mobilisation = "mobilisation"
    aid_cut = "aid_cut"
    aid_surge = "aid_surge"
    other = "other"


class ScenarioKey(StrEnum):
    defeat_a = "defeat_a"
    collapse_b = "collapse_b"
    truce_regroup = "truce_regroup"
    settlement = "settlement"
    frozen = "frozen"
    war_goes_on = "war_goes_on"


class Side(StrEnum):
    a = "a"
    b = "b"


class Shock(_Frozen):
    """A named, dated event on the battlefield (month 1 = first simulated month).

    ``shift``: jump of logit p (positive favours A) in that month; ``drift_change``: change of
    the monthly drift from that month on; ``cost_rate_a_change``/``cost_rate_b_change``: change
    of each side's monthly cost from then on; ``probability``: chance the event happens at all.
    """

    name: str
    description: str | None = None
    kind: ShockKind = ShockKind.other
    month: Annotated[int, Field(ge=1)]
    shift: Number = _default(0.0, "no jump")
    drift_change: Number = _default(0.0, "no change of drift")
    cost_rate_a_change: Number = _default(0.0, "no change of cost")
    cost_rate_b_change: Number = _default(0.0, "no change of cost")
    probability: Number = _default(1.0, "the event happens")

    @field_validator("probability")
    @classmethod
    def _prob(cls, v: Number) -> Number:
        return _bounded(v, "probability", 0.0, 1.0)


class Domestic(_Frozen):
    """Level-II constraint of one government (Putnam 1988): threshold = opposition × cost."""

    opposition: Number = _default(0.0, "no domestic opposition")
    audience_cost: Number = _default(0.0, "no audience cost")

    @field_validator("opposition")
    @classmethod
    def _prob(cls, v: Number) -> Number:
        return _bounded(v, "opposition (share of the public against concessions)", 0.0, 1.0)

    @field_validator("audience_cost")
    @classmethod
    def _cost(cls, v: Number) -> Number:
        return _bounded(v, "audience_cost", 0.0, None)


class Ratification(_Frozen):
    """Level-II constraints: ``a`` and ``b`` are the governments of the two sides
    (``side_a``, ``side_b``); ``allies`` gives other veto players of the package window their
    own (an ally without an entry has none). Thresholds are in stake units of the actor's side."""

    a: Domestic = Field(default_factory=Domestic)
    b: Domestic = Field(default_factory=Domestic)
    allies: dict[Id, Domestic] = Field(default_factory=dict)


class Guarantor(_Frozen):
    """One guarantor of the declining side (DESIGN.md §6; Powell 2006): ``strength`` is what it
    adds, when bound and credible, to the declining side's chance in a war renewed after the
    power shift (stake units); ``cost`` its own cost of honouring the guarantee (stake units of
    the stake it helps defend). It honours (is credible) where strength ≥ cost, an ally valuing
    the defended stake as the side it guarantees does. ``options``: the options of the
    scenario's guarantee issue (``guarantee_issue``) that bind it; omitted, every option does."""

    actor: Id
    strength: Number
    cost: Number = _default(0.0, "honouring costs the guarantor nothing")
    options: list[str] | None = None

    @field_validator("strength")
    @classmethod
    def _strength(cls, v: Number) -> Number:
        return _bounded(v, "strength", 0.0, 1.0, what=" (stake units)")

    @field_validator("cost")
    @classmethod
    def _cost(cls, v: Number) -> Number:
        return _bounded(v, "cost", 0.0, None, what=" (stake units, cannot be negative)")


class BeliefModel(StrEnum):
    random_walk = "random_walk"
    learning = "learning"


class Beliefs(_Frozen):
    """How each side estimates A's chance. ``random_walk``: the reference p shifted by fixed
    optimism and hot-hand momentum; ``learning``: p is a latent balance each side estimates from
    monthly battlefield signals by Bayesian (Kalman) updating from a biased prior, so mutual
    optimism shrinks as fighting reveals information (``detente.war.learning``)."""

    model: BeliefModel = BeliefModel.random_walk
    signal_noise: Number = _default(0.5, "a month of fighting reveals the logit balance with "
                                         "standard deviation 0.5")
    prior_sd: Number = _default(0.5, "each side's month-0 uncertainty about the logit balance")

    @field_validator("signal_noise", "prior_sd")
    @classmethod
    def _positive(cls, v: Number, info: ValidationInfo) -> Number:
        return _bounded(v, str(info.field_name), 0.0, None, lo_open=True, what=" (logit units)")


class WarPhase(_Frozen):
    """One phase of a phased package (``detente.war.sequencing``): its length in months (the
    last phase is the permanent status), A's share while it runs, the logit shift of A's chance
    it causes by its end, and the option of the guarantee issue in force during it."""

    name: str
    months: Annotated[int, Field(ge=1)] = 1
    share: Number
    shift: Number = _default(0.0, "the phase does not move the balance")
    guarantee_option: str | None = None

    @field_validator("share")
    @classmethod
    def _share(cls, v: Number) -> Number:
        return _bounded(v, "share", 0.0, 1.0)


class WarProposal(_Frozen):
    """A named settlement on the stake: A's share (0-1); the share carries the evidence."""

    id: Id
    name: str
    share: Number
    by: str | None = None
    date: Date | None = None

    @field_validator("share")
    @classmethod
    def _share(cls, v: Number) -> Number:
        return _bounded(v, "share", 0.0, 1.0)


class WarOutcomes(_Frozen):
    """What each war outcome means on the issues of the scenario (one option per issue), and
    which veto player stands with which side; used to map the value of fighting on to each
    veto player's BATNA (``detente.war.batna``)."""

    sides: dict[Id, Side]
    a_wins: dict[Id, str | float]
    b_wins: dict[Id, str | float]


_PROBS = ("p", "defeat_below", "collapse_above", "stalemate_band")
_NONNEG = ("cost_a", "cost_b", "cost_rate_a", "cost_rate_b", "cost_volatility", "weariness_a",
           "weariness_b", "hot_hand", "volatility", "regroup_shift")


class WarModel(_Frozen):
    """Parameters of the war and the negotiation window (DESIGN.md §6)."""

    side_a: Id
    side_b: Id
    stake: str = Field(description="what A's share x measures")
    horizon: Annotated[int, Field(description="months to simulate")]
    p: Number
    optimism_a: Number = _default(0.0, "no optimism")
    optimism_b: Number = _default(0.0, "no optimism")
    hot_hand: Number = _default(0.0, "no hot-hand effect")
    cost_a: Number
    cost_b: Number
    cost_rate_a: Number = _default(0.0, "no running cost")
    cost_rate_b: Number = _default(0.0, "no running cost")
    cost_volatility: Number = _default(0.0, "costs without noise")
    weariness_a: Number = _default(0.0, "no war-weariness")
    weariness_b: Number = _default(0.0, "no war-weariness")
    discount: Number = _default(1.0, "no discounting")
    drift: Number = _default(0.0, "no drift")
    volatility: Number = _default(0.0, "no battlefield noise")
    shocks: list[Shock] = Field(default_factory=list)
    ratification: Ratification = Field(default_factory=Ratification)
    guarantors: list[Guarantor] = Field(default_factory=list)
    guarantee: Number | None = Field(default=None, description="not allowed: set per guarantor")
    guarantee_issue: Id = "guarantees"
    guarantee_option: str | None = Field(
        default=None, description="option of the guarantee issue assumed in the single-stake "
                                  "window (omitted: every listed guarantor is bound)")
    beliefs: Beliefs = Field(default_factory=Beliefs)
    regroup_shift: Number = _default(0.0, "no regrouping during a truce")
    truce_months: Annotated[int, Field(ge=1)] = 2
    defeat_below: Number = _default(0.05, "defeat below 5 per cent")
    collapse_above: Number = _default(0.95, "collapse above 95 per cent")
    stalemate_band: Number = _default(0.05, "frozen if p moves at most 5 points")
    proposals: list[WarProposal] = Field(default_factory=list)
    phases: list[WarPhase] = Field(default_factory=list, description="a phased package")
    outcomes: WarOutcomes | None = None
    scenario_labels: dict[ScenarioKey, str] = Field(
        default_factory=dict, description="names of the war-end scenarios (detente.war.scenarios)")
    start: Date | None = Field(default=None, description="date of month 0")

    @field_validator("horizon")
    @classmethod
    def _horizon(cls, v: int) -> int:
        if not 0 < v <= MAX_HORIZON:
            raise ValueError(f"horizon must be a whole number of months in [1, {MAX_HORIZON}]")
        return v

    @field_validator(*_PROBS)
    @classmethod
    def _probability(cls, v: Number, info: ValidationInfo) -> Number:
        return _bounded(v, str(info.field_name), 0.0, 1.0, what=" (a probability)")

    @field_validator(*_NONNEG)
    @classmethod
    def _nonnegative(cls, v: Number, info: ValidationInfo) -> Number:
        return _bounded(v, str(info.field_name), 0.0, None, what=" (cannot be negative)")

    @field_validator("guarantee")
    @classmethod
    def _guarantee_needs_guarantor(cls, v: Number | None, info: ValidationInfo) -> None:
        if v is None:
            return None
        if not info.data.get("guarantors"):
            raise ValueError("a guarantee needs a guarantor: list who gives it under "
                             "war.guarantors (actor, strength, cost) instead of one number")
        raise ValueError("give the guarantee per guarantor (war.guarantors[].strength), "
                         "not as one number beside them")

    @field_validator("discount")
    @classmethod
    def _discount(cls, v: Number) -> Number:
        return _bounded(v, "discount", 0.0, 1.0, lo_open=True)

    @field_validator("ratification")
    @classmethod
    def _allies_are_not_the_sides(cls, v: Ratification, info: ValidationInfo) -> Ratification:
        sides = {info.data.get("side_a"): "a", info.data.get("side_b"): "b"}
        for actor in v.allies:
            if actor in sides:
                raise ValueError(f"allies.{actor}: {actor!r} is the government of side "
                                 f"{sides[actor]}; give its threshold under ratification."
                                 f"{sides[actor]}, not among the allies")
        return v

    @field_validator("shocks")
    @classmethod
    def _shocks_in_horizon(cls, v: list[Shock], info: ValidationInfo) -> list[Shock]:
        horizon = info.data.get("horizon")
        if horizon is None:
            return v
        for i, shock in enumerate(v):
            if shock.month > horizon:
                raise ValueError(f"shocks[{i}] {shock.name!r} is dated month {shock.month}, "
                                 f"outside the horizon: months 1..{horizon} are allowed")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> WarModel:
        if self.side_a == self.side_b:
            raise ValueError(f"side_a and side_b must differ, both are {self.side_a!r}")
        if self.defeat_below.value.high >= self.collapse_above.value.low:
            raise ValueError("defeat_below must be below collapse_above")
        return self


class WarCase(_Frozen):
    """A standalone war file: the war model with its sources."""

    id: Id
    title: str
    date: Date
    description: str | None = None
    sources: list[Source] = Field(default_factory=list)
    war: WarModel
