"""A GENIUS/ANAC domain as deal spaces, and its Pareto frontier scored as GENIUS scores.

The reader (:mod:`detente.formats.genius`) only parses the XML into a
:class:`~detente.formats.genius.GeniusDomain`; this module turns that data into the arrays the
deal analysis works on — the additive space ``contrib[k][i, o] = w_ik · e_ik(o)`` (Lin et al.
2014, GENIUS ``AdditiveUtilitySpace``) or hyper-rectangles for non-linear profiles (GENIUS
``InclusiveHyperRectangle`` / ``ExclusiveHyperRectangle``) — and finds the frontier with
:mod:`detente.deals.issuewise` / :mod:`detente.deals.nonlinear`, capped at 1 as GENIUS's
``getUtility`` does (:mod:`detente.deals.capped`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from detente.deals.capped import cap_frontier, capped_outcomes
from detente.deals.issuewise import frontier_solutions, issuewise_frontier
from detente.deals.space import AdditiveSpace, FloatArray, IntArray
from detente.formats.genius import GeniusDomain, GeniusError, Rectangle, actor_ids, load_domain
from detente.limits import MAX_SEARCH_NODES as MAX_NODES

if TYPE_CHECKING:  # the non-linear search loads with the first non-linear domain
    from detente.deals.nonlinear import RectangleSpace

COUNT_LIMIT = 20_000_000  # count outcomes on capped vectors one by one up to this many


def to_space(domain: GeniusDomain) -> AdditiveSpace:
    """The additive outcome space: ``contrib[k][i, o] = w_ik · e_ik(o)``, reservation values."""
    bad = [p.name for p in domain.profiles if not p.additive]
    if bad:
        raise GeniusError.one("non-linear (hyperRectangle) profiles have no additive space; "
                              "use detente.deals.nonlinear", file=domain.directory, value=bad)
    contrib = tuple(np.array([[p.weights[k] * e for e in p.evaluations[k]]
                              for p in domain.profiles]) for k in range(len(domain.issues)))
    return AdditiveSpace(actor_ids(domain), tuple(i.name for i in domain.issues),
                         tuple(i.values for i in domain.issues), contrib, domain.reservation)


def load_space(directory: str | Path, profiles: list[str] | None = None) -> AdditiveSpace:
    """``to_space(load_domain(directory, profiles))``."""
    return to_space(load_domain(directory, profiles))


def to_rectangle_space(domain: GeniusDomain) -> RectangleSpace:
    """Every profile as hyper-rectangles (an additive profile becomes one single-issue
    rectangle of utility w_k · e_k(o) per option), for mixed or non-linear domains."""
    from detente.deals.nonlinear import RectangleSpace

    rects, top = [], []
    for p in domain.profiles:
        if p.additive:
            rects.append(tuple(Rectangle(p.weights[k] * e, True, ((k, o, o),))
                               for k in range(len(domain.issues))
                               for o, e in enumerate(p.evaluations[k]) if e > 0))
            top.append(1.0)
        else:
            rects.append(p.rectangles)
            top.append(p.max_utility)
    return RectangleSpace(actor_ids(domain), tuple(i.name for i in domain.issues),
                          tuple(i.values for i in domain.issues), tuple(rects), np.array(top),
                          domain.reservation)


@dataclass(frozen=True)
class DomainFrontier:
    """The Pareto frontier of a GENIUS domain under GENIUS's scoring (capped at 1): one row per
    distinct utility vector, ``index`` a representative outcome (option indices ``(m,
    n_issues)``), ``utilities`` ``(m, n_actors)``; ``counts`` the outcomes reaching each vector
    (None for non-linear domains, whose search keeps one outcome per vector) and
    ``counts_exact`` whether each count is exact or a lower bound (see ``deals.capped``);
    ``gap`` 0 when exact (see ``deals.nonlinear``); ``method`` ``issuewise`` or ``nonlinear``;
    ``capped`` whether the cap at 1 changed any frontier utility; ``solutions`` maps nash /
    kalai_smorodinsky / egalitarian / utilitarian / weighted_nash to a row, or is a
    :class:`detente.deals.zopa.Blocking` (no point meets every reservation value).
    """

    actors: tuple[str, ...]
    index: IntArray
    utilities: FloatArray
    reservation: FloatArray
    gap: float
    method: str
    solutions: object
    counts: np.ndarray | None = None
    counts_exact: np.ndarray | None = None
    capped: bool = False

    def __len__(self) -> int:
        return int(self.index.shape[0])

    @property
    def n_outcomes(self) -> int | None:
        """Outcomes on the frontier (ties included), None when not counted."""
        return None if self.counts is None else int(self.counts.sum())


def domain_frontier(domain: GeniusDomain, max_nodes: int = MAX_NODES,
                    time_limit: float | None = None,
                    count_limit: int = COUNT_LIMIT) -> DomainFrontier:
    """Pareto frontier and bargaining solutions of a GENIUS domain, scored as GENIUS scores
    (min(1, U), :mod:`detente.deals.capped`), respecting reservation values: exact issue by
    issue when every profile is additive, else by the bounded search of
    :func:`detente.deals.nonlinear.nonlinear_frontier`. Counts of outcomes on capped vectors
    are made exact by evaluating every outcome when there are at most ``count_limit``."""
    actors = actor_ids(domain)
    if domain.additive:
        space = to_space(domain)
        f = issuewise_frontier(space)
        idx, u, counts, gap, how = f.index, f.utilities, f.counts, 0.0, "issuewise"
        best = space.best()
    else:
        from detente.deals.nonlinear import nonlinear_frontier

        rs = to_rectangle_space(domain)
        nf = nonlinear_frontier(rs, max_nodes=max_nodes, time_limit=time_limit)
        idx, u, counts, gap, how = nf.index, nf.utilities, None, nf.gap, "nonlinear"
        best = u.max(axis=0) if len(nf) else np.zeros(len(actors))
    c = cap_frontier(u, idx, counts, best)
    exact = c.counts_exact
    if c.counts is not None and not exact.all() and domain.n_outcomes <= count_limit:
        redo = np.flatnonzero(~exact)
        _, hit = capped_outcomes(space, c.utilities[redo])
        c.counts[redo] = np.bincount(hit, minlength=redo.size)
        exact = np.ones_like(exact)
    order = np.lexsort(tuple(-c.utilities[:, j] for j in range(len(actors) - 1, -1, -1)))
    return DomainFrontier(actors, c.index[order], c.utilities[order], domain.reservation, gap,
                          how, frontier_solutions(c.utilities[order], domain.reservation,
                                                  actors),
                          None if c.counts is None else c.counts[order], exact[order],
                          bool((u > 1.0 + 1e-9).any()))


