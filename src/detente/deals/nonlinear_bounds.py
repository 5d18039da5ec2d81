"""Optimistic bounds for partial outcomes of a hyper-rectangle space, and the gap they imply.

A partial outcome (some issues fixed) has secured utility ``lb`` and a set of *open* rectangles
(not yet satisfied, failed, escaped or violated). What its completions can still add is bounded
by splitting each open rectangle's utility over the issues it still bounds and letting every
remaining issue choose its best value on its own (a mini-bucket bound with one variable per
bucket, Dechter & Rish 2003, "Mini-buckets: a general scheme for bounded inference", JACM 50;
the split is a cost partitioning):

    λ·U(completion) ≤ λ·lb + Σ_{k remaining} max_{c ∈ classes(k)} Σ_{r open} λ_{owner(r)} s_{r,k}(c)

with ``s_{r,k}(c) = u_r / |K_r| · [c inside r on k]`` for an inclusive rectangle (it needs all of
its ``|K_r|`` remaining bounds) and ``u_r · [c outside r on k]`` for an exclusive one (one broken
bound suffices). Values of one issue that every rectangle treats alike form one class. The bound
is evaluated along several weightings λ of the actors: the unit vectors give an optimistic
(ideal) vector, and for two actors the others cut its corner. So the completions lie in the
polytope ``{v ≤ ideal, λ_j·v ≤ B_j}`` rather than in the ideal's box.

For two actors, how far such a polytope reaches beyond a staircase of attained points has a
closed form. A point v is missed by ``min_p max_j (v_j − p_j)`` = ``max_i min(v_1 − a_i, v_2 −
b_i)`` over the staircase's corners ``(a_i, b_i)``, and the largest value over the polytope of
``min(v_1 − a, v_2 − b)`` is reached on the diagonal ``v = (a + t, b + t)``, so

    t(a, b) = min(ideal_1 − a, ideal_2 − b, min_j (B_j − λ_j·(a, b)) / (λ_j1 + λ_j2)).
"""

from __future__ import annotations

import math

import numpy as np

GRID = 2.0 ** -14  # bounds kept for the gap are rounded *up* to this grid (normalised utility)
MAX_KEPT = 1 << 21  # most bound rows kept for the gap before the grid is coarsened


def directions(n: int, count: int = 9) -> np.ndarray:
    """Weightings ``(D, n)`` of the actors; for two actors ``(λ, 1 − λ)`` on ``count`` evenly
    spaced λ (first row ``(0, 1)``, last ``(1, 0)``), else the unit vectors."""
    if n == 2:
        lam = np.linspace(0.0, 1.0, count)
        return np.stack([lam, 1.0 - lam], axis=1)
    return np.eye(n)


def ideal_of(bd: np.ndarray, n: int) -> np.ndarray:
    """The ideal (per-actor) columns of a bound table built on :func:`directions`."""
    return bd[:, [-1, 0]] if n == 2 else bd


def level_table(live: np.ndarray, remaining_issues: list[int], bounded: np.ndarray,
                tables: list[np.ndarray], incl: np.ndarray, share: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    """The ``(|live|, Σ classes)`` table ``s_{r,k}(c)`` of the live rectangles over the classes
    of the remaining issues, and the first column of each issue's block.

    ``share`` is each rectangle's utility in normalised units; ``tables[k]`` is the
    ``(R, classes)`` inside-table of issue k."""
    nrem = bounded[live][:, remaining_issues].sum(axis=1)
    blocks, starts, at = [], [], 0
    for k in remaining_issues:
        t = tables[k][live]
        on = bounded[live, k]
        inc = incl[live]
        part = np.where(inc, share[live] / np.maximum(nrem, 1), share[live])
        val = np.where(inc[:, None], t, ~t) * (part * on)[:, None]
        blocks.append(val)
        starts.append(at)
        at += t.shape[1]
    mat = np.concatenate(blocks, axis=1) if blocks else np.zeros((live.size, 0))
    return mat, np.array(starts, dtype=np.int64)


def bound_table(alive: np.ndarray, lb_n: np.ndarray, mat: np.ndarray, starts: np.ndarray,
                owner_live: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """``B (m, D)``: per partial outcome and weighting, the bound of the module docstring
    (normalised units; ``lb_n`` the secured utilities, normalised)."""
    m, n = lb_n.shape
    out = lb_n @ lam.T
    if mat.shape[1] == 0 or m == 0:
        return out
    step = max(1, (1 << 21) // mat.shape[1])
    parts = [mat * (owner_live == a)[:, None] for a in range(n)]
    for s in range(0, m, step):
        al = alive[s:s + step].astype(float)
        acts = [al @ p for p in parts]  # each (chunk, C)
        for j, lj in enumerate(lam):
            x = sum((lj[a] * acts[a] for a in range(n) if lj[a] != 0.0),
                    start=np.zeros_like(acts[0]))
            out[s:s + step, j] += np.maximum.reduceat(x, starts, axis=1).sum(axis=1)
    return out


def corners(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Corners ``(a_i, b_i)`` of the staircase of 2-D points (the region no point weakly
    dominates is the union of the open quadrants above them)."""
    p = points[np.lexsort((-points[:, 1], -points[:, 0]))]
    best2 = np.maximum.accumulate(p[:, 1])
    keep = np.r_[True, best2[1:] > best2[:-1]]
    p = p[keep]
    a = np.r_[p[0, 0], p[1:, 0], -np.inf]
    b = np.r_[-np.inf, p[:, 1]]
    return a, b


def polytope_miss(bd: np.ndarray, lam: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per row of ``bd`` (a polytope, see the module docstring) the largest miss
    ``max_v min_p max_j (v_j − p_j)`` of its points against the staircase with corners
    ``(a, b)``; negative when every point is strictly dominated."""
    ideal = bd[:, [-1, 0]]
    out = np.full(bd.shape[0], -np.inf)
    fa, fb = np.where(np.isfinite(a), a, -1e300), np.where(np.isfinite(b), b, -1e300)
    norm = lam.sum(axis=1)
    step = max(1, (1 << 20) // (a.size * lam.shape[0]))
    for s in range(0, bd.shape[0], step):
        t = np.minimum(ideal[s:s + step, 0, None] - fa, ideal[s:s + step, 1, None] - fb)
        for j in range(1, lam.shape[0] - 1):
            t = np.minimum(t, (bd[s:s + step, j, None] - lam[j, 0] * fa - lam[j, 1] * fb)
                           / norm[j])
        out[s:s + step] = t.max(axis=1)
    return out


class DroppedBounds:
    """Bound rows of the partial outcomes the anytime search gave up, rounded up to a grid
    (so they stay valid) and deduplicated; the grid coarsens if they would exceed
    ``max_kept`` rows, so memory stays bounded."""

    def __init__(self, max_kept: int = MAX_KEPT) -> None:
        self.rows: list[np.ndarray] = []
        self.grid = GRID
        self.max_kept = max_kept
        self.count = 0

    def add(self, bd: np.ndarray) -> None:
        if bd.shape[0] == 0:
            return
        q = np.unique(np.ceil(bd / self.grid), axis=0)
        self.rows.append(q * self.grid)
        self.count += q.shape[0]
        while self.count > self.max_kept:
            self.grid *= 2.0
            allq = np.unique(np.ceil(np.concatenate(self.rows) / self.grid), axis=0)
            self.rows = [allq * self.grid]
            self.count = allq.shape[0]

    def gap(self, u: np.ndarray, lam: np.ndarray | None) -> float:
        """Largest miss of the dropped bounds against the attained points ``u`` (normalised):
        closed form on the polytopes for two actors (``lam`` given), else on the ideals."""
        if not self.rows:
            return 0.0
        bd = np.concatenate(self.rows)
        if lam is None or u.shape[0] == 0:
            return _ideal_miss(bd, u)
        a, b = corners(u)
        ideal_miss = _corner_miss(bd[:, [-1, 0]], a, b)  # an upper bound of the polytope's
        order = np.argsort(-ideal_miss, kind="stable")
        best = 0.0
        step = 4096
        for s in range(0, order.size, step):
            rows = order[s:s + step]
            if ideal_miss[rows[0]] <= best:
                break
            best = max(best, float(polytope_miss(bd[rows], lam, a, b).max(initial=0.0)))
        return best


def _corner_miss(ideal: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    fa, fb = np.where(np.isfinite(a), a, -1e300), np.where(np.isfinite(b), b, -1e300)
    out = np.empty(ideal.shape[0])
    step = max(1, (1 << 22) // max(a.size, 1))
    for s in range(0, ideal.shape[0], step):
        t = np.minimum(ideal[s:s + step, 0, None] - fa, ideal[s:s + step, 1, None] - fb)
        out[s:s + step] = t.max(axis=1)
    return out


def _ideal_miss(q: np.ndarray, u: np.ndarray) -> float:
    if u.shape[0] == 0:
        return math.inf
    out = 0.0
    step = max(1, (1 << 22) // (u.shape[0] * q.shape[1]))
    for s in range(0, q.shape[0], step):
        miss = np.maximum(q[s:s + step, None, :] - u[None, :, :], 0.0).max(axis=2).min(axis=1)
        out = max(out, float(miss.max(initial=0.0)))
    return out
