"""Exact Pareto frontier of additive utilities, built issue by issue without enumerating outcomes.

With additive utilities u(ω) = Σ_k c_k(ω_k) (one vector c_k(o) of all actors' contributions per
option o of issue k), an outcome is Pareto-efficient only if each of its prefixes is efficient
among the prefixes over the same issues: were (ω_1..ω_k) dominated by (ω'_1..ω'_k), swapping that
prefix in would dominate ω by exactly the same margins. So the frontier is the fixed point of

    F_0 = {0},   F_k = Pareto( F_{k-1} ⊕ {c_k(o) : o} ),

a Minkowski sum followed by a dominance filter, issue after issue (the "combine and prune"
construction of multi-objective dynamic programming: Villarreal & Karwan 1981, Math.
Programming 21; used for negotiation spaces by e.g. Hadfi & Ito 2016). The work is
Σ_k |F_{k-1}| · n_k instead of Π_k n_k, so a 10^10-outcome domain with a frontier of a few
thousand points takes well under a second. The programme runs over *distinct* utility vectors,
each carrying how many partial outcomes reach it (an outcome on the frontier has every prefix on
its prefix frontier, so the counts are exact), so ties (outcomes with equal utility vectors)
never multiply the work; every tied outcome can still be listed (``ties="all"``), which is what
:func:`detente.deals.pareto.pareto_frontier` returns and agrees with exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detente.deals.dominance import TOL, grid, pareto_mask
from detente.deals.pareto import Frontier
from detente.deals.solutions import Solution, solve
from detente.deals.space import AdditiveSpace, FloatArray, IntArray
from detente.deals.zopa import Blocking, blocking, in_zopa
from detente.errors import AnalysisError

MAX_POINTS = 20_000_000


@dataclass(frozen=True)
class IssuewiseFrontier:
    """Frontier outcomes as option indices ``(m, n_issues)`` with utilities ``(m, n_actors)``,
    sorted by the first actor's utility (descending), then the next actors', then the indices.

    With ``ties="representative"`` each row is one distinct utility vector and one
    outcome reaching it; ``counts[r]`` is how many outcomes reach that vector. With
    ``ties="all"`` each row is one outcome and ``counts[r]`` the size of its tie group."""

    actors: tuple[str, ...]
    index: IntArray
    utilities: FloatArray
    counts: np.ndarray

    def __len__(self) -> int:
        return int(self.index.shape[0])

    @property
    def n_outcomes(self) -> int:
        """Outcomes on the frontier (ties included)."""
        return int(self.counts.sum()) if self.counts.size else 0


@dataclass
class _Stage:
    """One issue of the dynamic programme: which (parent vector, option group) pairs reach
    each kept vector, and the options of each group (for listing every tied outcome)."""

    child: IntArray
    parent: IntArray
    group: IntArray
    members: IntArray
    starts: IntArray


def _option_groups(table: FloatArray, tol: float) -> tuple[IntArray, IntArray, IntArray]:
    """Efficient options of one issue grouped by equal contribution vectors: the first option
    of each group, each option's group (−1: dominated) and the group sizes."""
    useful = np.flatnonzero(pareto_mask(table.T, tol))
    _, first, inv = np.unique(grid(table.T[useful], tol), axis=0, return_index=True,
                              return_inverse=True)
    inv = inv.ravel()
    group = np.full(table.shape[1], -1, dtype=np.int64)
    group[useful] = inv
    return useful[first], group, np.bincount(inv, minlength=first.size)


def _combine(util: FloatArray, counts: np.ndarray, table: FloatArray, tol: float
             ) -> tuple[FloatArray, np.ndarray, IntArray, _Stage]:
    """One step F_k = Pareto(F_{k-1} ⊕ options of issue k) over distinct vectors: new
    vectors, their outcome counts, the (parent, first option) of each, and the stage."""
    n = util.shape[1]
    reps, group, size = _option_groups(table, tol)
    g = reps.size
    cand = (util[:, None, :] + table.T[reps][None, :, :]).reshape(-1, n)
    _, first, inv = np.unique(grid(cand, tol), axis=0, return_index=True, return_inverse=True)
    inv = inv.ravel()
    win = np.flatnonzero(pareto_mask(grid(cand[first], tol), 0.0))
    new_id = np.full(first.size, -1, dtype=np.int64)
    new_id[win] = np.arange(win.size)
    child = new_id[inv]
    rows = np.flatnonzero(child >= 0)
    parent, opt = np.divmod(rows, g)
    new_counts = np.zeros(win.size, dtype=counts.dtype)
    np.add.at(new_counts, child[rows], counts[parent] * size[opt].astype(counts.dtype))
    order = np.argsort(group, kind="stable")
    order = order[group[order] >= 0]
    starts = np.concatenate([[0], np.cumsum(size)])
    srt = np.argsort(child[rows], kind="stable")
    stage = _Stage(child[rows][srt], parent[srt], opt[srt], order, starts)
    rep_parent, rep_opt = np.divmod(first[win], g)
    return cand[first[win]], new_counts, np.stack([rep_parent, reps[rep_opt]]), stage


def _ragged(starts: IntArray, lengths: IntArray) -> tuple[IntArray, IntArray]:
    """For segments (start, length): which segment each expanded element comes from, and its
    position ``start + offset``."""
    seg = np.repeat(np.arange(lengths.size), lengths)
    offset = np.arange(seg.size) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return seg, np.repeat(starts, lengths) + offset


def _all_outcomes(stages: list[_Stage], m: int, limit: int) -> tuple[IntArray, IntArray]:
    """Every outcome reaching each of the ``m`` final vectors: (vector row, option indices)."""
    node = np.arange(m, dtype=np.int64)
    vec = node.copy()
    cols: list[IntArray] = []
    for st in reversed(stages):
        lo = np.searchsorted(st.child, node, side="left")
        hi = np.searchsorted(st.child, node, side="right")
        path, edge = _ragged(lo, hi - lo)
        sizes = np.diff(st.starts)[st.group[edge]]
        if int(sizes.sum()) > limit:
            raise AnalysisError.one(
                f"listing every tied frontier outcome would hold over {limit:,} rows",
                value=int(sizes.sum()), allowed="ties='representative' (counts only)")
        sub, pos = _ragged(st.starts[st.group[edge]], sizes)
        path, edge = path[sub], edge[sub]
        cols = [c[path] for c in cols] + [st.members[pos]]
        node, vec = st.parent[edge], vec[path]
    index = np.stack(cols[::-1], axis=1) if cols else np.zeros((m, 0), np.int64)
    return vec, index


def issuewise_frontier(space: AdditiveSpace, tol: float = TOL,
                       max_points: int = MAX_POINTS,
                       ties: str = "representative") -> IssuewiseFrontier:
    """Exact Pareto frontier of an additive ``space`` for all its actors, issue by issue, over
    distinct utility vectors (utilities rounded to multiples of ``tol`` are equal).

    Args:
        space: the outcome space (any number of actors and outcomes).
        tol: utility resolution: vectors equal after rounding to multiples of ``tol`` tie.
        max_points: largest number of candidate vectors (or listed outcomes) held at once;
            beyond it an :class:`AnalysisError` says so instead of running out of memory.
        ties: ``"representative"`` (one outcome per vector, with counts) or ``"all"``
            (every outcome).

    >>> import numpy as np
    >>> from detente.deals.space import AdditiveSpace
    >>> s = AdditiveSpace(("a", "b"), ("x", "y"), (("0", "1"), ("0", "1")),
    ...                   (np.array([[0.5, 0.0], [0.0, 0.5]]), np.array([[0.5, 0.0], [0.0, 0.5]])))
    >>> f = issuewise_frontier(s)
    >>> f.utilities.tolist(), f.counts.tolist()
    ([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]], [1, 2, 1])
    >>> len(issuewise_frontier(s, ties="all"))
    4
    """
    if ties not in ("representative", "all"):
        raise ValueError(f"ties must be 'representative' or 'all', got {ties!r}")
    n = space.n_actors
    util = np.zeros((1, n))
    counts: np.ndarray = np.ones(1, dtype=np.int64 if space.n_outcomes < 2 ** 62
                                 else np.float64)
    index = np.zeros((1, 0), dtype=np.int64)
    stages: list[_Stage] = []
    for k, table in enumerate(space.contrib):
        m, n_k = util.shape[0], table.shape[1]
        if m * n_k > max_points:
            raise AnalysisError.one(
                f"the partial Pareto frontier after {k} issues has {m:,} distinct vectors; "
                f"combining it with {n_k} options would hold {m * n_k:,} candidates",
                value=m * n_k, allowed=f"at most max_points={max_points:,} (raise it if "
                "memory allows)")
        util, counts, rep, stage = _combine(util, counts, table, tol)
        index = np.concatenate([index[rep[0]], rep[1][:, None]], axis=1)
        stages.append(stage)
    if ties == "all":
        vec, index = _all_outcomes(stages, util.shape[0], max_points)
        util, counts = util[vec], counts[vec]
    keys: list[np.ndarray] = [index[:, j] for j in range(index.shape[1] - 1, -1, -1)]
    keys += [-util[:, j] for j in range(n - 1, -1, -1)]
    order = np.lexsort(tuple(keys))
    return IssuewiseFrontier(space.actors, index[order].astype(np.int64), util[order],
                             counts[order])


SOLUTION_TOL = 1e-9
"""Tolerance of :func:`frontier_solutions` on reservation values (GENIUS domains)."""


def frontier_solutions(utilities: FloatArray, reservation: FloatArray, actors: tuple[str, ...],
                       methods: tuple[Solution | str, ...] = tuple(Solution),
                       weights: FloatArray | None = None,
                       tol: float = SOLUTION_TOL) -> dict[str, int] | Blocking:
    """Rows of the frontier ``utilities`` (m, n) that are the Nash, Kalai–Smorodinsky,
    egalitarian and utilitarian solutions over the points meeting every reservation value
    (``solutions.solve``), or, when no point does, why (:class:`detente.deals.zopa.Blocking`,
    the one "no agreement" of the house: blockers, shortfalls, closest row). NaN reservation values
    count as 0 (GENIUS's default)."""
    d = np.nan_to_num(np.asarray(reservation, dtype=float), nan=0.0)
    pts = np.asarray(utilities, dtype=float)
    if pts.shape[0] == 0 or not in_zopa(pts, d, tol).any():
        if pts.shape[0] == 0:
            raise AnalysisError.one("empty frontier")
        return blocking(pts, d, tol)
    out = {}
    for method in methods:
        m = Solution(method)
        w = weights if weights is not None else (np.ones(len(actors))
                                                 if m is Solution.weighted_nash else None)
        row = solve(pts, d, m, weights=w, tol=tol)
        assert row is not None
        out[m.value] = row
    return out


def frontier_as_flat(space: AdditiveSpace, tol: float = TOL) -> Frontier:
    """:func:`issuewise_frontier` as a :class:`detente.deals.pareto.Frontier` of flat outcome
    numbers (the ``method="issuewise"`` branch of ``pareto_frontier``)."""
    if space.n_outcomes >= 2 ** 63:
        raise AnalysisError.one(
            f"{space.n_outcomes:.3g} outcomes do not fit flat 64-bit outcome numbers",
            allowed="issuewise_frontier(), which returns option indices")
    f = issuewise_frontier(space, tol, ties="all")
    return Frontier(space.actors, space.encode(f.index) if len(f) else np.zeros(0, np.int64),
                    f.utilities)
