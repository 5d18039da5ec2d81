"""The extraction schema: what every extractor (rules or a language model) returns per article.

Every item carries a ``quote`` that is an exact substring of the article body; ``start``/``end``
are its character offsets there (filled by the extractor, checked by :func:`check_quotes`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SignalKind = Literal["statement", "backchannel", "ceasefire", "prisoner_release", "summit",
                     "mediation", "escalation", "other"]
Stance = Literal["pro_negotiation", "skeptical", "anti_concession", "neutral_report"]

SIGNAL_KINDS: tuple[str, ...] = ("statement", "backchannel", "ceasefire", "prisoner_release",
                                 "summit", "mediation", "escalation", "other")
STANCES: tuple[str, ...] = ("pro_negotiation", "skeptical", "anti_concession", "neutral_report")


class _Item(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    quote: str = Field(min_length=1)
    start: int | None = None
    end: int | None = None


class ActorMention(_Item):
    """A state or bloc the article involves (people are mapped to their state)."""

    code: str
    name: str
    mentions: int = 1


class Position(_Item):
    """An actor's stated position on an issue (a case's issue id where a case is given)."""

    actor: str
    issue: str
    position: str


class Proposal(_Item):
    """A concrete named plan or proposal."""

    name: str
    by: str | None = None


class Signal(_Item):
    """A dated act or statement of an actor bearing on war termination."""

    actor: str
    kind: SignalKind
    date: str | None = Field(default=None, description="ISO date, month (YYYY-MM) or range")


class ArticleExtraction(BaseModel):
    """Everything extracted from one article."""

    model_config = ConfigDict(frozen=True)

    file: str
    title: str | None = None
    date: str | None = None
    extractor: str
    actors: list[ActorMention] = Field(default_factory=list)
    positions: list[Position] = Field(default_factory=list)
    proposals: list[Proposal] = Field(default_factory=list)
    signals: list[Signal] = Field(default_factory=list)
    stance: Stance = "neutral_report"
    warnings: list[str] = Field(default_factory=list)

    def items(self) -> list[_Item]:
        """Every quoted item, in order."""
        return [*self.actors, *self.positions, *self.proposals, *self.signals]
