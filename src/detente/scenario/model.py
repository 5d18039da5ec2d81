"""The scenario: one negotiation at one date, as plain, typed, frozen data.

A scenario holds the actors (with capability, veto and faction parent), the issues (ordered
options or a numeric grid), each actor's stance on each issue (ideal, salience, value of each
option), each actor's BATNA, the named proposals on the table and the sources behind the numbers.
Any number may be uncertain, written ``[low, likely, high]``; any value may carry ``evidence``
(a source id and an exact quote) or an ``assumption`` (why it was chosen). See DESIGN.md §3 and
``docs/scenario.md``.

The utility model these data feed is the linear additive model of Raiffa (1982), *The Art and
Science of Negotiation*, ch. 10-12: u_i(ω) = Σ_k w_ik · v_ik(ω_k), with swing weights w_ik
(normalised saliences) and value functions v_ik ∈ [0, 1].
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

# The value types live in detente.scenario.values (war.py builds on them too); they stay
# importable from here, the scenario's public module.
from detente.scenario.values import (  # noqa: F401
    Date,
    Evidence,
    Id,
    Number,
    Quantity,
    Source,
    _Frozen,
    _Traced,
    _wrap_value,
)
from detente.scenario.war import WarModel


class Choice(_Traced):
    """An option id (or a number on a numeric issue) with its evidence or assumption."""

    value: str | float

    @model_validator(mode="before")
    @classmethod
    def _wrap(cls, data: Any) -> Any:
        if isinstance(data, bool):
            raise ValueError("expected an option id or a number, got a boolean")
        return _wrap_value(data)


OPEN = "OPEN"


class Term(_Traced):
    """One term of a proposal: an option id (or grid value), or ``OPEN`` — the text leaves it
    undecided. An open term ranges over all the issue's options, or over the options listed
    (``open: [100, 250]``: the values the parties disputed).

    YAML: ``neutral``, ``{value: neutral, evidence: …}``, ``OPEN``, ``{open: true, evidence: …}``
    or ``{open: [100, 250], assumption: …}``.
    """

    value: str | float | None = None
    open: bool | list[str | float] = False

    @model_validator(mode="before")
    @classmethod
    def _wrap(cls, data: Any) -> Any:
        if isinstance(data, bool):
            raise ValueError("expected an option id, a number or OPEN, got a boolean")
        if data == OPEN:
            return {"open": True}
        if isinstance(data, dict) and "open" in data:
            return data
        return _wrap_value(data)

    @model_validator(mode="after")
    def _one_kind(self) -> Term:
        if self.open is False and self.value is None:
            raise ValueError("a term needs a 'value' (an option) or 'open: true'")
        if self.open is not False and self.value is not None:
            raise ValueError("a term is either a 'value' or 'open', not both")
        if isinstance(self.open, list) and len(self.open) < 2:
            raise ValueError("an open term lists at least two options it may take")
        return self

    @property
    def is_open(self) -> bool:
        return self.open is not False


class Role(StrEnum):
    belligerent = "belligerent"
    faction = "faction"
    ally = "ally"
    mediator = "mediator"
    guarantor = "guarantor"
    public = "public"
    other = "other"


class Batna(_Traced):
    """What an actor gets if talks fail: a utility on its own 0-1 scale, or an outcome package
    (one option per issue) whose utility is its reservation value."""

    value: Quantity | None = None
    outcome: dict[Id, str | float] | None = None

    @model_validator(mode="before")
    @classmethod
    def _wrap(cls, data: Any) -> Any:
        if isinstance(data, int | float | list | str) and not isinstance(data, bool):
            return {"value": data}  # a text: Quantity says why it is not a number
        return data

    @model_validator(mode="after")
    def _one_kind(self) -> Batna:
        if (self.value is None) == (self.outcome is None):
            raise ValueError("a BATNA is either 'value' (utility 0-1) or 'outcome' "
                             "(one option per issue), exactly one of them")
        if self.value is not None and not self.value.within(0.0, 1.0):
            raise ValueError(f"BATNA value must lie in [0, 1] (utility scale), got "
                             f"{self.value.model_dump()}")
        return self


class Actor(_Frozen):
    """A party, faction, mediator, guarantor or public."""

    id: Id
    name: str
    role: Role = Role.other
    veto: bool = False
    capability: Number
    parent: Id | None = None
    batna: Batna | None = None
    ratification_weight: Number | None = Field(
        default=None, description="a faction's or public's weight (0-1) in ratifying what its "
        "parent state signs (Putnam 1988, level II); the weights of a state's constituents "
        "are normalised among themselves")
    description: str | None = None

    @field_validator("ratification_weight")
    @classmethod
    def _weight_range(cls, v: Number | None) -> Number | None:
        if v is not None and not (v.value.within(0.0, 1.0) and v.value.high > 0):
            raise ValueError(f"ratification_weight must lie in (0, 1], got "
                             f"{v.value.model_dump()}")
        return v

    @field_validator("capability")
    @classmethod
    def _positive(cls, v: Number) -> Number:
        if v.value.low <= 0:
            raise ValueError(f"capability must be > 0, got {v.value.model_dump()}")
        return v


class Option(_Frozen):
    """One option of an ordered issue; ``position`` places it on a 0-100 scale."""

    id: Id
    label: str | None = None
    position: Annotated[float, Field(ge=0, le=100)] | None = None


class Grid(_Frozen):
    """A numeric issue discretised from ``low`` to ``high`` in steps of ``step`` ``unit``."""

    low: Annotated[float, Field(allow_inf_nan=False)]
    high: Annotated[float, Field(allow_inf_nan=False)]
    step: Annotated[float, Field(gt=0, allow_inf_nan=False)]
    unit: str

    @model_validator(mode="after")
    def _check(self) -> Grid:
        if not self.low < self.high:
            raise ValueError(f"grid needs low < high, got low={self.low}, high={self.high}")
        n = (self.high - self.low) / self.step
        if abs(n - round(n)) > 1e-9 * max(1.0, n):
            raise ValueError(f"(high - low) must be a whole number of steps, got "
                             f"({self.high} - {self.low}) / {self.step} = {n:g}")
        if n > 10_000:
            raise ValueError(f"grid has {int(n) + 1} points; at most 10001 are allowed")
        return self

    def points(self) -> list[float]:
        n = round((self.high - self.low) / self.step)
        return [self.low + i * self.step for i in range(n + 1)]


class Issue(_Frozen):
    """An issue: an ordered list of options, or a numeric grid."""

    id: Id
    name: str
    options: list[Option] | None = None
    grid: Grid | None = None
    default: str | float | None = Field(
        default=None, description="deprecated and ignored: a proposal silent on an issue "
        "leaves that term open (see Proposal); kept so that older files still load")
    description: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Issue:
        if (self.options is None) == (self.grid is None):
            raise ValueError("an issue has either 'options' (ordered list) or 'grid' "
                             "(numeric low/high/step/unit), exactly one of them")
        if self.options is not None and len(self.options) == 0:
            raise ValueError("an issue needs at least one option (empty outcome space)")
        return self

    @property
    def numeric(self) -> bool:
        return self.grid is not None

    def option_ids(self) -> list[str]:
        if self.options is not None:
            return [o.id for o in self.options]
        assert self.grid is not None
        return [f"{x:g}" for x in self.grid.points()]

    def positions(self) -> list[float]:
        """Each option's place on 0-100: given, else evenly spaced by order (grid: linear)."""
        if self.grid is not None:
            g = self.grid
            return [100.0 * (x - g.low) / (g.high - g.low) for x in g.points()]
        assert self.options is not None
        n = len(self.options)
        if all(o.position is not None for o in self.options):
            return [float(o.position) for o in self.options]  # type: ignore[arg-type]
        return [100.0 * i / (n - 1) if n > 1 else 50.0 for i in range(n)]

    def index_of(self, choice: str | float) -> int | None:
        """Index of an option id (or a grid value), or None when it is not an option."""
        if self.grid is not None:
            try:
                x = float(choice)
            except (TypeError, ValueError):
                return None
            pts = self.grid.points()
            for i, p in enumerate(pts):
                if abs(p - x) <= 1e-9 * max(1.0, abs(p)):
                    return i
            return None
        ids = self.option_ids()
        return ids.index(str(choice)) if str(choice) in ids else None


class Stance(_Frozen):
    """An actor's stance on an issue: ideal, salience (0-1), optional value of each option."""

    actor: Id
    issue: Id
    ideal: Choice | None = None
    salience: Number
    values: dict[str, Number] | None = None
    description: str | None = None

    @field_validator("salience")
    @classmethod
    def _salience_range(cls, v: Number) -> Number:
        if not v.value.within(0.0, 1.0):
            raise ValueError(f"salience must lie in [0, 1] (write 0.8, not 80), got "
                             f"{v.value.model_dump()}")
        return v

    @field_validator("values")
    @classmethod
    def _values_range(cls, v: dict[str, Number] | None) -> dict[str, Number] | None:
        for key, num in (v or {}).items():
            if not num.value.within(0.0, 1.0):
                raise ValueError(f"value of option {key!r} must lie in [0, 1], got "
                                 f"{num.value.model_dump()}")
        return v

    @model_validator(mode="after")
    def _ideal_or_values(self) -> Stance:
        if self.ideal is None and not self.values:
            raise ValueError("a stance needs an 'ideal' or the 'values' of the options")
        return self


class Proposal(_Traced):
    """A named package: one term per issue. A term the text leaves undecided is ``OPEN``, and
    an issue the package does not name is open too (never filled with a default): the deal
    analysis treats open terms as uncertain over the issue's options."""

    id: Id
    name: str
    by: Id | None = None
    date: Date | None = None
    source: Id | None = None
    package: dict[Id, Term]
    description: str | None = None

    def fixed(self) -> dict[str, str | float]:
        """The terms the text decides: issue id → option."""
        return {k: t.value for k, t in self.package.items() if t.value is not None}


class CalibrationTarget(_Traced):
    """A fact the case was fitted to (e.g. "Kyiv rejected Putin's June 2024 terms"): an actor
    accepts or rejects a proposal. The analysis checks it and reports it apart from its
    findings: a fitted fact is not a finding."""

    claim: Annotated[str, Field(min_length=3)]
    proposal: Id
    actor: Id
    accepts: bool
    fitted: bool = Field(default=True, description="false: a reported fact the case's numbers "
                         "were NOT tuned to reproduce (a held-out check, still not a finding)")


class Scenario(_Frozen):
    """One negotiation at one date."""

    id: Id
    title: str
    date: Date
    description: str | None = None
    sources: list[Source] = Field(default_factory=list)
    actors: Annotated[list[Actor], Field(min_length=2)]
    issues: Annotated[list[Issue], Field(min_length=1)]
    stances: list[Stance] = Field(default_factory=list)
    proposals: list[Proposal] = Field(default_factory=list)
    calibration: list[CalibrationTarget] = Field(default_factory=list)
    war: WarModel | None = None

    # -- lookups ---------------------------------------------------------------------------
    def actor(self, actor_id: str) -> Actor:
        return next(a for a in self.actors if a.id == actor_id)

    def issue(self, issue_id: str) -> Issue:
        return next(i for i in self.issues if i.id == issue_id)

    @property
    def veto_players(self) -> list[Actor]:
        return [a for a in self.actors if a.veto]

    def stance(self, actor_id: str, issue_id: str) -> Stance | None:
        return next((s for s in self.stances if s.actor == actor_id and s.issue == issue_id), None)

    def outcome_count(self) -> int:
        n = 1
        for issue in self.issues:
            n *= len(issue.option_ids())
        return n
