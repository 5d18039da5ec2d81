"""Pareto frontier of an outcome space, exact, in chunks and bounded memory.

Outcome a *dominates* b (for a set of actors) when u_i(a) ≥ u_i(b) − tol for every actor and
u_i(a) > u_i(b) + tol for at least one; the frontier is the set of outcomes no other outcome
dominates (Raiffa 1982, ch. 11). Outcomes with equal utility vectors are all kept.

Two actors use the classic sort-and-sweep (Kung, Luccio & Preparata 1975): sort by u_0
descending, keep a point when its u_1 beats every point before it. More actors use a
block-nested-loop filter over points sorted by total utility (Börzsönyi, Kossmann & Stocker
2001): a point can only be dominated by one with a larger sum.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from detente.deals.space import DEFAULT_CHUNK, AdditiveSpace, FloatArray, IntArray

TOL = 1e-12
AUTO_ENUMERATE = 1 << 15


def dominates(a: FloatArray, b: FloatArray, tol: float = TOL) -> np.ndarray:
    """Whether points ``a`` (…, n) dominate points ``b`` (…, n), broadcasting."""
    return np.all(a >= b - tol, axis=-1) & np.any(a > b + tol, axis=-1)


def _mask_2d(points: FloatArray, tol: float) -> np.ndarray:
    order = np.lexsort((-points[:, 1], -points[:, 0]))
    x, y = points[order, 0], points[order, 1]
    neg_x = -x  # ascending
    run_max = np.maximum.accumulate(y)
    lead = np.concatenate(([-np.inf], run_max))
    # (a) some point with x' >= x - tol has y' > y + tol: those points are a prefix.
    n_close = np.searchsorted(neg_x, -(x - tol), side="right")
    dominated = lead[n_close] > y + tol
    # (b) some point with x' > x + tol has y' >= y - tol: also a prefix.
    n_strict = np.searchsorted(neg_x, -(x + tol), side="left")
    dominated |= lead[n_strict] >= y - tol
    keep = np.zeros(points.shape[0], dtype=bool)
    keep[order] = ~dominated
    return keep


def dominated_by(winners: FloatArray, pts: FloatArray, tol: float = TOL) -> np.ndarray:
    """Which rows of ``pts`` (k, n) some row of ``winners`` (w, n) dominates, by broadcasting
    in slices of about 4 M comparisons."""
    out = np.zeros(pts.shape[0], dtype=bool)
    step = max(1, (1 << 22) // max(1, winners.shape[0] * pts.shape[1]))
    for s in range(0, pts.shape[0], step):
        out[s:s + step] = dominates(winners[None, :, :], pts[s:s + step, None, :],
                                    tol).any(axis=1)
    return out


DominatedBy = Callable[[FloatArray, FloatArray, float], np.ndarray]


def block_nested_loop(points: FloatArray, tol: float, block: int = 512,
                      test: DominatedBy = dominated_by) -> np.ndarray:
    """Non-dominated mask of ``points`` (m, n) by the block-nested-loop filter of Börzsönyi,
    Kossmann & Stocker (2001): points sorted by descending sum (only a larger sum can
    dominate), the next ``block`` live points filtered among themselves, their winners then
    culling every later point. ``test(winners, pts, tol)`` is the dominance test."""
    m = points.shape[0]
    order = np.argsort(-points.sum(axis=1), kind="stable")
    pts = points[order]
    alive = np.ones(m, dtype=bool)
    kept: list[np.ndarray] = []
    start = 0
    while start < m:
        idx = np.flatnonzero(alive[start:]) + start
        if idx.size == 0:
            break
        blk = idx[:block]
        bp = pts[blk]
        nd = ~test(bp, bp, tol)
        kept.append(blk[nd])
        alive[blk] = False
        rest = idx[block:]
        if rest.size:
            alive[rest[test(bp[nd], pts[rest], tol)]] = False
        start = int(blk[-1]) + 1
    keep = np.zeros(m, dtype=bool)
    if kept:
        keep[order[np.concatenate(kept)]] = True
    return keep


def pareto_mask(points: FloatArray, tol: float = TOL) -> np.ndarray:
    """Boolean mask of the non-dominated rows of ``points`` (m, n_actors)."""
    points = np.asarray(points, dtype=float)
    if points.ndim != 2:
        raise ValueError("points must be a 2-D array (outcomes, actors)")
    m, n = points.shape
    if m == 0:
        return np.zeros(0, dtype=bool)
    if n == 1:
        return points[:, 0] >= points[:, 0].max() - tol
    if n == 2:
        return _mask_2d(points, tol)
    return block_nested_loop(points, tol)


@dataclass(frozen=True)
class Frontier:
    """The Pareto frontier: flat outcome numbers and their utilities ``(m, n_actors)``,
    sorted by the first actor's utility, descending."""

    actors: tuple[str, ...]
    outcomes: IntArray
    utilities: FloatArray

    def __len__(self) -> int:
        return int(self.outcomes.size)


def pareto_frontier(space: AdditiveSpace, tol: float = TOL, chunk: int = DEFAULT_CHUNK,
                    visit: Callable[[int, FloatArray], None] | None = None,
                    method: str = "auto") -> Frontier:
    """Exact Pareto frontier of ``space`` for all its actors.

    ``method="enumerate"`` evaluates every outcome chunk by chunk (memory bounded by the chunk
    size plus the frontier); ``visit(start, U)`` is called on every chunk (for counts and
    progress bars) before it is reduced. ``method="issuewise"`` builds the frontier issue by
    issue without enumerating (:mod:`detente.deals.issuewise`; same result). ``"auto"``
    enumerates when ``visit`` needs every outcome or the space is small (≤ AUTO_ENUMERATE
    outcomes, where enumerating is as fast), else goes issue by issue.
    """
    if method not in ("auto", "enumerate", "issuewise"):
        raise ValueError(f"method must be auto, enumerate or issuewise, got {method!r}")
    if method == "issuewise" or (method == "auto" and visit is None
                                 and space.n_outcomes > AUTO_ENUMERATE):
        if visit is not None:
            raise ValueError("visit needs method='enumerate' (issuewise never sees outcomes)")
        from detente.deals.issuewise import frontier_as_flat

        return frontier_as_flat(space, tol)
    keep_idx = np.zeros(0, dtype=np.int64)
    keep_u = np.zeros((0, space.n_actors))
    for start, u in space.chunks(chunk):
        if visit is not None:
            visit(start, u)
        pts = u.T
        m = pareto_mask(pts, tol)
        cand_idx = np.concatenate([keep_idx, start + np.flatnonzero(m)])
        cand_u = np.concatenate([keep_u, pts[m]])
        mm = pareto_mask(cand_u, tol)
        keep_idx, keep_u = cand_idx[mm], cand_u[mm]
    order = np.lexsort(tuple(-keep_u[:, j] for j in range(keep_u.shape[1] - 1, -1, -1)))
    return Frontier(space.actors, keep_idx[order], keep_u[order])
