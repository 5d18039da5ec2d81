"""Factions that act: ratification of a deal by a state's constituents (the two-level game).

Putnam (1988, "Diplomacy and Domestic Politics: The Logic of Two-Level Games", p. 436-437): a
deal struck at the table (level I) must be ratified at home (level II); a state's *win-set* is
"the set of all possible Level I agreements that would 'win'" among its constituents. Here a
state's constituents are the factions and publics whose ``parent`` is the state and that carry
a ``ratification_weight`` w_c (quoted or assumed). A constituent *accepts* a package when its
utility reaches its own BATNA (u_c ≥ d_c); the state ratifies when the accepting weight reaches
the quota q of the constituents' total weight:

    ratified_S(ω) ⇔ Σ_{c ∈ C_S} w_c · 1[u_c(ω) ≥ d_c] ≥ q · Σ_{c ∈ C_S} w_c,   q = 1/2 by default.

A state's acceptance after ratification is then its government's acceptance *and* ratification
(the win-set shrinks below the BATNA line, DESIGN.md §6). A constituent *blocks* a proposal when
it rejects it and its weight alone would carry ratification with the constituents that surely
accept.

With open terms (:mod:`detente.deals.open_terms`) each constituent accepts for every fill, for
no fill, or depending on the fill; ratification is then reported as a bound: ratified for every
fill when the sure accepters reach the quota, for no fill when even the sure and possible
accepters together fall short, and "depends" otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.deals.space import FloatArray
from detente.scenario.model import Scenario

QUOTA = 0.5
TOL = 1e-9


@dataclass(frozen=True)
class Constituency:
    """A state and the constituents that ratify its deals, with their weights (likely values)."""

    state: str
    members: tuple[str, ...]
    weights: tuple[float, ...]

    @property
    def total(self) -> float:
        return float(sum(self.weights))


def constituencies(scenario: Scenario) -> list[Constituency]:
    """The states whose deals some faction or public ratifies, in actor order (one pass over
    the actors: a scenario of 20,000 actors took minutes when each state scanned them all)."""
    by_parent: dict[str, list[Any]] = {}
    for a in scenario.actors:
        if a.parent is not None and a.ratification_weight is not None:
            by_parent.setdefault(a.parent, []).append(a)
    out = []
    for state in scenario.actors:
        members = by_parent.get(state.id, [])
        if members:
            out.append(Constituency(state.id, tuple(a.id for a in members),
                                    tuple(a.ratification_weight.value.likely  # type: ignore[union-attr]
                                          for a in members)))
    return out


def ratified_mask(u: FloatArray, d: FloatArray, weights: FloatArray, quota: float = QUOTA,
                  tol: float = TOL) -> np.ndarray:
    """Which packages a constituency ratifies: ``u`` (members, m) utilities, ``d`` (members,)
    reservation values, ``weights`` (members,) → (m,) booleans."""
    accepting = (u >= d[:, None] - tol).astype(np.float64)
    return np.asarray(weights @ accepting >= quota * weights.sum() - tol, dtype=bool)


@dataclass(frozen=True)
class RatificationVerdict:
    """A proposal before one state's constituents: ``ratified`` is ``every_fill``,
    ``no_fill`` or ``depends``; ``blocked_by`` the constituents that block it."""

    state: str
    ratified: str
    accepting_weight: float
    possible_weight: float
    blocked_by: tuple[str, ...]


def ratify(c: Constituency, verdicts: Mapping[str, str | None],
           quota: float = QUOTA) -> RatificationVerdict:
    """Ratification of one proposal from each member's verdict over the fills (``accepts``,
    ``rejects`` or ``depends``)."""
    total = c.total
    sure = sum(w for m, w in zip(c.members, c.weights, strict=True)
               if verdicts.get(m) == "accepts")
    possible = sure + sum(w for m, w in zip(c.members, c.weights, strict=True)
                          if verdicts.get(m) == "depends")
    if sure >= quota * total - TOL:
        status = "every_fill"
    elif possible < quota * total - TOL:
        status = "no_fill"
    else:
        status = "depends"
    blockers = tuple(m for m, w in zip(c.members, c.weights, strict=True)
                     if status != "every_fill" and verdicts.get(m) != "accepts"
                     and sure + w >= quota * total - TOL)
    return RatificationVerdict(c.state, status, sure / total, possible / total, blockers)
