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
thousand points takes well under a second. Ties (outcomes with equal utility vectors) are all
kept, as in :func:`detente.deals.pareto.pareto_frontier`, which this agrees with exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detente.deals.pareto import TOL, Frontier, block_nested_loop, pareto_mask
from detente.deals.solutions import Solution, solve
from detente.deals.space import AdditiveSpace, FloatArray, IntArray
from detente.deals.zopa import blocking, in_zopa
from detente.errors import AnalysisError

MAX_POINTS = 20_000_000


@dataclass(frozen=True)
class IssuewiseFrontier:
    """Frontier outcomes as option indices ``(m, n_issues)`` with utilities ``(m, n_actors)``,
    sorted by the first actor's utility (descending), then the next actors', then the indices."""

    actors: tuple[str, ...]
    index: IntArray
    utilities: FloatArray

    def __len__(self) -> int:
        return int(self.index.shape[0])


def _dominated_by(win: FloatArray, pts: FloatArray, tol: float) -> np.ndarray:
    """Which rows of ``pts`` some row of ``win`` dominates — the test of
    ``pareto.dominates`` — with per-actor sorted bitsets: a winner is ≥ x − tol on actor j
    exactly when it lies in a suffix of the winners sorted on j, so each test is a few ANDs
    of 64-bit words instead of a comparison with every winner."""
    w, n = win.shape
    words = (w + 63) // 64
    ge_tabs, gt_tabs, sorted_vals = [], [], []
    onehot = np.zeros((w, words), dtype=np.uint64)
    for j in range(n):
        srt = np.argsort(win[:, j], kind="stable")
        onehot[:] = 0
        onehot[np.arange(w), srt // 64] = np.left_shift(np.uint64(1),
                                                        (srt % 64).astype(np.uint64))
        suffix = np.bitwise_or.accumulate(onehot[::-1], axis=0)[::-1]
        tab = np.concatenate([suffix, np.zeros((1, words), dtype=np.uint64)])
        ge_tabs.append(tab)
        gt_tabs.append(tab)
        sorted_vals.append(win[srt, j])
    out = np.zeros(pts.shape[0], dtype=bool)
    step = max(1, (1 << 21) // words)
    for s in range(0, pts.shape[0], step):
        x = pts[s:s + step]
        ge = np.full((x.shape[0], words), np.iinfo(np.uint64).max, dtype=np.uint64)
        gt = np.zeros((x.shape[0], words), dtype=np.uint64)
        for j in range(n):
            ge &= ge_tabs[j][np.searchsorted(sorted_vals[j], x[:, j] - tol, side="left")]
            gt |= gt_tabs[j][np.searchsorted(sorted_vals[j], x[:, j] + tol, side="right")]
        out[s:s + step] = (ge & gt).any(axis=1)
    return out


def _efficient(points: FloatArray, tol: float, block: int = 1024) -> np.ndarray:
    """``pareto_mask`` for three or more actors: the same block-nested-loop filter
    (:func:`detente.deals.pareto.block_nested_loop`) with the culling done by
    :func:`_dominated_by`."""
    m, n = points.shape
    if n <= 2 or m < 4096:
        return pareto_mask(points, tol)
    return block_nested_loop(points, tol, block, _dominated_by)


def issuewise_frontier(space: AdditiveSpace, tol: float = TOL,
                       max_points: int = MAX_POINTS) -> IssuewiseFrontier:
    """Exact Pareto frontier of an additive ``space`` for all its actors, issue by issue.

    Args:
        space: the outcome space (any number of actors and outcomes).
        tol: utility tolerance of the dominance test (as :func:`pareto_mask`).
        max_points: largest number of candidate points held at once; beyond it an
            :class:`AnalysisError` says so instead of running out of memory.

    >>> import numpy as np
    >>> from detente.deals.space import AdditiveSpace
    >>> s = AdditiveSpace(("a", "b"), ("x", "y"), (("0", "1"), ("0", "1")),
    ...                   (np.array([[0.5, 0.0], [0.0, 0.5]]), np.array([[0.5, 0.0], [0.0, 0.5]])))
    >>> issuewise_frontier(s).utilities.tolist()
    [[1.0, 0.0], [0.5, 0.5], [0.5, 0.5], [0.0, 1.0]]
    """
    n = space.n_actors
    util = np.zeros((1, n))
    index = np.zeros((1, 0), dtype=np.int32)
    for k, table in enumerate(space.contrib):
        m, n_k = util.shape[0], table.shape[1]
        if m * n_k > max_points:
            raise AnalysisError.one(
                f"the partial Pareto frontier after {k} issues has {m:,} points; combining it "
                f"with {n_k} options would hold {m * n_k:,} candidates", value=m * n_k,
                allowed=f"at most max_points={max_points:,} (raise it if memory allows)")
        # An option another option of the same issue dominates is in no efficient outcome.
        useful = np.flatnonzero(pareto_mask(table.T, tol))
        cand = (util[:, None, :] + table.T[useful][None, :, :]).reshape(-1, n)
        keep = np.flatnonzero(_efficient(cand, tol))
        parent, option = np.divmod(keep, useful.size)
        util = cand[keep]
        index = np.concatenate([index[parent], useful[option][:, None].astype(np.int32)], axis=1)
    keys: list[np.ndarray] = [index[:, j] for j in range(index.shape[1] - 1, -1, -1)]
    keys += [-util[:, j] for j in range(n - 1, -1, -1)]
    order = np.lexsort(tuple(keys))
    return IssuewiseFrontier(space.actors, index[order].astype(np.int64), util[order])


@dataclass(frozen=True)
class NoDeal:
    """The typed "no agreement": no frontier point meets every reservation value.

    ``blockers`` are the actors whose reservation value is not met at the point closest to
    agreement (row ``closest`` of the frontier), ``shortfall`` each actor's gap there, and
    ``common_concession`` the least amount every actor would have to give up."""

    blockers: tuple[str, ...]
    shortfall: FloatArray
    common_concession: float
    closest: int


def frontier_solutions(utilities: FloatArray, reservation: FloatArray, actors: tuple[str, ...],
                       methods: tuple[Solution | str, ...] = tuple(Solution),
                       weights: FloatArray | None = None,
                       tol: float = 1e-9) -> dict[str, int] | NoDeal:
    """Rows of the frontier ``utilities`` (m, n) that are the Nash, Kalai–Smorodinsky,
    egalitarian and utilitarian solutions over the points meeting every reservation value
    (``solutions.solve``), or a :class:`NoDeal` when no point does. NaN reservation values
    count as 0 (GENIUS's default)."""
    d = np.nan_to_num(np.asarray(reservation, dtype=float), nan=0.0)
    pts = np.asarray(utilities, dtype=float)
    if pts.shape[0] == 0 or not in_zopa(pts, d, tol).any():
        if pts.shape[0] == 0:
            raise AnalysisError.one("empty frontier")
        blk = blocking(pts, d, tol)
        return NoDeal(tuple(a for a, s in zip(actors, blk.shortfall, strict=True) if s > tol),
                      blk.shortfall, blk.common_concession, blk.row)
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
    f = issuewise_frontier(space, tol)
    return Frontier(space.actors, space.encode(f.index) if len(f) else np.zeros(0, np.int64),
                    f.utilities)
