"""The analysis of a GENIUS/ANAC domain folder, as one typed record: what ``detente analyze DIR``
prints and writes, and what the Python API gives (:func:`analyze_domain`), by one code path.

Scoring is GENIUS's (``detente.deals.genius``, ``detente.deals.capped``): weights as written,
utilities capped at 1, reservation values on that scale. The frontier is listed as distinct
utility vectors, each with one representative outcome and the number of outcomes reaching it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

import numpy as np
from pydantic import ConfigDict

from detente.deals.capped import CAP, capped_outcomes
from detente.deals.dominance import TOL, grid
from detente.deals.genius import COUNT_LIMIT, DomainFrontier, domain_frontier, to_space
from detente.deals.issuewise import SOLUTION_TOL, issuewise_frontier
from detente.deals.packages import NoAgreement, Package
from detente.deals.space import IntArray
from detente.deals.zopa import Blocking
from detente.errors import AnalysisError
from detente.formats.genius import GeniusDomain, check_parties, load_domain
from detente.limits import MAX_SEARCH_NODES as MAX_NODES
from detente.records import Provenance, inputs_hash, make_provenance
from detente.records.base import Record

FRONTIER_LIMIT = 5000


class _Rec(Record):
    model_config = ConfigDict(frozen=True)


class FrontierPoint(_Rec):
    """A distinct utility vector: one outcome reaching it (issue → value), every party's
    utility, and how many outcomes reach it (None: not counted; ``outcomes_exact`` false: a
    lower bound)."""

    options: dict[str, str]
    utilities: dict[str, float]
    outcomes: int | None
    outcomes_exact: bool


class DomainAnalysis(_Rec):
    """Frontier and bargaining solutions of a GENIUS domain, with provenance."""

    frame_field: ClassVar[str | None] = "frontier"
    provenance: Provenance
    domain: str
    domain_file: str
    profile_files: list[str]
    actors: list[str]
    weight_sums: dict[str, float | None]
    notes: list[str]
    reservation: dict[str, float]
    outcomes: int
    method: str
    gap: float
    exact: bool
    capped: bool
    frontier_distinct: int
    frontier_outcomes: int | None
    frontier_outcomes_exact: bool
    frontier_shown: int
    frontier_truncated: bool
    frontier: list[FrontierPoint]
    solutions: dict[str, FrontierPoint]
    no_agreement: NoAgreement | None


def _point(dom: GeniusDomain, f: DomainFrontier, row: int) -> FrontierPoint:
    idx = f.index[row]
    return FrontierPoint.model_construct(  # typed here: see analyze_domain
        options={iss.name: iss.values[int(idx[k])] for k, iss in enumerate(dom.issues)},
        utilities={a: float(f.utilities[row, i]) for i, a in enumerate(f.actors)},
        outcomes=None if f.counts is None else int(f.counts[row]),
        outcomes_exact=bool(f.counts is not None and f.counts_exact is not None
                            and f.counts_exact[row]))


def _package(dom: GeniusDomain, f: DomainFrontier, row: int) -> Package:
    """Frontier row ``row`` as a package (the options of its representative outcome)."""
    p = _point(dom, f, row)
    return Package(options=p.options, utilities=p.utilities)


def _digest(dom: GeniusDomain) -> str:
    files = [Path(dom.domain_file)] + [Path(p.file) for p in dom.profiles]
    return inputs_hash(*[os.fsencode(f.name) + b"\0" + f.read_bytes() for f in files])


def analyze_domain(directory: str | Path, profiles: list[str] | None = None, *,
                   normalise_weights: bool = False, max_nodes: int = MAX_NODES,
                   time_limit: float | None = None,
                   frontier_limit: int = FRONTIER_LIMIT) -> DomainAnalysis:
    """Read a GENIUS domain folder and compute its frontier and solutions.

    Args:
        directory: the domain folder (one domain XML, one profile XML per party).
        profiles: profile files (names or stems) to use, in order (default: all).
        normalise_weights: rescale each profile's weights to sum 1 (default: as written).
        max_nodes, time_limit: the non-linear search's budget (its ``gap`` is reported).
        frontier_limit: most distinct vectors listed in ``frontier`` (the record says when
            the list is cut, and how many there are).
    """
    dom = load_domain(directory, profiles, normalise_weights=normalise_weights)
    check_parties(dom)
    f = domain_frontier(dom, max_nodes=max_nodes, time_limit=time_limit)
    shown = min(len(f), max(frontier_limit, 0))
    sol: dict[str, FrontierPoint] = {}
    no_deal = None
    if isinstance(f.solutions, Blocking):
        no_deal = NoAgreement.of(f.solutions, f.actors, lambda row: _package(dom, f, row),
                                 SOLUTION_TOL)
    elif isinstance(f.solutions, dict):
        sol = {k: _point(dom, f, int(r)) for k, r in f.solutions.items()}
    options = {"normalise_weights": normalise_weights, "profiles": profiles,
               "max_nodes": max_nodes, "time_limit": time_limit,
               "frontier_limit": frontier_limit}
    # The record is built from values typed here (Python str, int, float, bool), without
    # running pydantic's validator (``model_construct``): the plain command then builds no
    # validator, nor pays for pydantic's plugin scan (issue 19, start-up; ``--json`` builds
    # the serializer). tests/genius/test_record_construct.py validates the same values and
    # finds the same record, field by field and type by type, for every GENIUS domain read.
    return DomainAnalysis.model_construct(
        provenance=make_provenance("genius", [str(directory)], _digest(dom), options, None),
        domain=dom.name, domain_file=Path(dom.domain_file).name,
        profile_files=[Path(p.file).name for p in dom.profiles], actors=list(f.actors),
        weight_sums={a: (float(p.weight_sum) if p.additive else None)
                     for a, p in zip(f.actors, dom.profiles, strict=True)},
        notes=list(dom.notes),
        reservation={a: float(x) for a, x in zip(f.actors, f.reservation, strict=True)},
        outcomes=int(dom.n_outcomes), method=f.method, gap=float(f.gap),
        exact=bool(f.gap == 0.0), capped=bool(f.capped), frontier_distinct=len(f),
        frontier_outcomes=f.n_outcomes,
        frontier_outcomes_exact=bool(f.counts_exact is not None and f.counts is not None
                                     and np.all(f.counts_exact)),
        frontier_shown=int(shown), frontier_truncated=bool(shown < len(f)),
        frontier=[_point(dom, f, r) for r in range(shown)], solutions=sol,
        no_agreement=no_deal)


def frontier_outcomes(domain: GeniusDomain, frontier: DomainFrontier,
                      count_limit: int = COUNT_LIMIT) -> tuple[IntArray, IntArray]:
    """Every outcome on the frontier of an additive domain (all ties, not one per vector):
    option indices ``(N, n_issues)`` and the row of ``frontier`` each one reaches.

    Uncapped domains list them from the issue-by-issue links (any size the listing fits);
    when the cap merged vectors, outcomes off the uncapped frontier may tie, so every outcome
    is evaluated (at most ``count_limit``)."""
    if not domain.additive:
        raise AnalysisError.one("the non-linear search keeps one outcome per utility vector; "
                                "tied outcomes are not listed", value=domain.name)
    space = to_space(domain)
    if frontier.capped:
        if domain.n_outcomes > count_limit:
            raise AnalysisError.one("listing tied outcomes under the cap evaluates every "
                                    "outcome", value=domain.n_outcomes,
                                    allowed=f"at most count_limit={count_limit:,} outcomes")
        flat, rows = capped_outcomes(space, frontier.utilities)
        return space.decode(flat), rows
    every = issuewise_frontier(space, ties="all")
    keys = grid(np.minimum(frontier.utilities, CAP), TOL)
    both = np.concatenate([keys, grid(np.minimum(every.utilities, CAP), TOL)])
    inv = np.unique(both, axis=0, return_inverse=True)[1].ravel()
    lookup = np.full(int(inv.max()) + 1, -1, dtype=np.int64)
    lookup[inv[:len(keys)]] = np.arange(len(keys))
    return every.index, lookup[inv[len(keys):]]
