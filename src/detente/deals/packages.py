"""The records of packages that both deal analyses report (the scenario's,
:mod:`detente.deals.result`, and a GENIUS domain's, :mod:`detente.deals.genius_analysis`): a
package and the typed "no agreement" answer. A module of their own, so that the GENIUS
analysis does not build the scenario analysis' record classes (issue 19, start-up)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from detente.records.base import Record

if TYPE_CHECKING:  # pragma: no cover
    from detente.deals.zopa import Blocking


class _Rec(Record, BaseModel):  # BaseModel named so that linters see pydantic
    model_config = ConfigDict(frozen=True)


class Package(_Rec):
    """An outcome: one option per issue, and every actor's utility of it."""

    options: dict[str, str]
    utilities: dict[str, float]


class Blocker(_Rec):
    """A veto player whose reservation alone empties the ZOPA, the concession (utility) that
    would open it, and the package it would then get."""

    actor: str
    concession: float
    package: Package


class NoAgreement(_Rec):
    """The typed "no agreement" answer: the ZOPA is empty — of a scenario's deal analysis and
    of a GENIUS domain alike (:meth:`of` builds it from :func:`detente.deals.zopa.blocking`)."""

    blocking_actors: list[str]
    sole_blockers: list[Blocker]
    common_concession: float
    closest_package: Package
    shortfall: dict[str, float]

    @classmethod
    def of(cls, blk: Blocking, actors: Sequence[str], package: Callable[[int], Package],
           tol: float) -> NoAgreement:
        """The record of a blocking analysis: ``actors`` names its columns, ``package(row)``
        describes frontier row ``row``; an actor blocks when its shortfall exceeds ``tol``."""
        return cls(
            blocking_actors=[a for a, s in zip(actors, blk.shortfall, strict=True) if s > tol],
            sole_blockers=[Blocker(actor=actors[b.actor], concession=b.concession,
                                   package=package(b.row)) for b in blk.sole_blockers],
            common_concession=blk.common_concession, closest_package=package(blk.row),
            shortfall={a: float(s) for a, s in zip(actors, blk.shortfall, strict=True)})
