"""The one Pareto-dominance filter of the house, with its variants behind ``method=``.

Point a *dominates* b when a_i ≥ b_i − tol for every actor and a_i > b_i + tol for at least one
(Raiffa 1982, ch. 11); :func:`pareto_mask` marks the rows no other row dominates. Rows with
equal utility vectors are all kept, and each variant first collapses exact duplicates, so ties
never make a filter quadratic (equal rows get the same answer).

Variants (``method=``):

- ``"sweep"`` (two actors): sort by u_0 descending and keep a point when its u_1 beats every
  point before it (Kung, Luccio & Preparata 1975, "On finding the maxima of a set of vectors",
  JACM 22(4)), with the tolerance handled by two prefix maxima.
- ``"bnl"``: the block-nested-loop filter over points sorted by total utility, only a larger
  sum can dominate (Börzsönyi, Kossmann & Stocker 2001, "The skyline operator", ICDE; the
  sort-first form is Chomicki et al. 2003's SFS), the culling test by broadcasting.
- ``"bitset"``: the same filter, the culling test by per-actor sorted bitsets (a winner is
  ≥ x − tol on actor j exactly when it lies in a suffix of the winners sorted on j, so a test
  is a few 64-bit ANDs).
- ``"staircase"`` (three actors, ``tol == 0``: exact comparisons, e.g. on utilities already
  rounded to a grid): sort lexicographically descending, so a point can only be dominated by
  an earlier one; then "some earlier point has u_1 ≥ and u_2 ≥" is a 2-D staircase query,
  answered offline for all points at once by divide and conquer over the sorted order (Kung
  et al. 1975's 3-D case; the offline halving is Bentley 1980, "Multidimensional divide and
  conquer", CACM 23(4)): O(m log² m), every level one vectorised pass.
- ``"auto"``: sweep for two actors, staircase for three when ``tol == 0``, else bitset for
  large sets and bnl for small ones.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from detente.deals.space import FloatArray

TOL = 1e-12
METHODS = ("auto", "sweep", "bnl", "bitset", "staircase")

DominatedBy = Callable[[FloatArray, FloatArray, float], np.ndarray]


def dominates(a: FloatArray, b: FloatArray, tol: float = TOL) -> np.ndarray:
    """Whether points ``a`` (…, n) dominate points ``b`` (…, n), broadcasting."""
    return np.all(a >= b - tol, axis=-1) & np.any(a > b + tol, axis=-1)


def dominated_by(winners: FloatArray, pts: FloatArray, tol: float = TOL) -> np.ndarray:
    """Which rows of ``pts`` (k, n) some row of ``winners`` (w, n) dominates, by broadcasting
    in slices of about 4 M comparisons."""
    out = np.zeros(pts.shape[0], dtype=bool)
    step = max(1, (1 << 22) // max(1, winners.shape[0] * pts.shape[1]))
    for s in range(0, pts.shape[0], step):
        out[s:s + step] = dominates(winners[None, :, :], pts[s:s + step, None, :],
                                    tol).any(axis=1)
    return out


def dominated_by_bitset(win: FloatArray, pts: FloatArray, tol: float = TOL) -> np.ndarray:
    """:func:`dominated_by` with per-actor sorted bitsets of the winners."""
    w, n = win.shape
    words = (w + 63) // 64
    tabs, sorted_vals = [], []
    onehot = np.zeros((w, words), dtype=np.uint64)
    for j in range(n):
        srt = np.argsort(win[:, j], kind="stable")
        onehot[:] = 0
        onehot[np.arange(w), srt // 64] = np.left_shift(np.uint64(1),
                                                        (srt % 64).astype(np.uint64))
        suffix = np.bitwise_or.accumulate(onehot[::-1], axis=0)[::-1]
        tabs.append(np.concatenate([suffix, np.zeros((1, words), dtype=np.uint64)]))
        sorted_vals.append(win[srt, j])
    out = np.zeros(pts.shape[0], dtype=bool)
    step = max(1, (1 << 21) // words)
    for s in range(0, pts.shape[0], step):
        x = pts[s:s + step]
        ge = np.full((x.shape[0], words), np.iinfo(np.uint64).max, dtype=np.uint64)
        gt = np.zeros((x.shape[0], words), dtype=np.uint64)
        for j in range(n):
            ge &= tabs[j][np.searchsorted(sorted_vals[j], x[:, j] - tol, side="left")]
            gt |= tabs[j][np.searchsorted(sorted_vals[j], x[:, j] + tol, side="right")]
        out[s:s + step] = (ge & gt).any(axis=1)
    return out


def block_nested_loop(points: FloatArray, tol: float, block: int = 512,
                      test: DominatedBy = dominated_by) -> np.ndarray:
    """Non-dominated mask of ``points`` (m, n): sorted by descending sum, the next ``block``
    live points filtered among themselves, their winners then culling every later point.
    ``test(winners, pts, tol)`` is the dominance test."""
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


def _sweep(points: FloatArray, tol: float) -> np.ndarray:
    order = np.lexsort((-points[:, 1], -points[:, 0]))
    x, y = points[order, 0], points[order, 1]
    neg_x = -x  # ascending
    lead = np.concatenate(([-np.inf], np.maximum.accumulate(y)))
    # (a) some point with x' >= x - tol has y' > y + tol: those points are a prefix.
    dominated = lead[np.searchsorted(neg_x, -(x - tol), side="right")] > y + tol
    # (b) some point with x' > x + tol has y' >= y - tol: also a prefix.
    dominated |= lead[np.searchsorted(neg_x, -(x + tol), side="left")] >= y - tol
    keep = np.zeros(points.shape[0], dtype=bool)
    keep[order] = ~dominated
    return keep


def _staircase(points: FloatArray) -> np.ndarray:
    """Exact 3-D maxima of distinct points: lexicographic order, then for each point whether
    an earlier one has u_1 ≥ and u_2 ≥, by halving the order (left halves answer right ones)."""
    m = points.shape[0]
    order = np.lexsort((-points[:, 2], -points[:, 1], -points[:, 0]))
    ry = np.unique(points[order, 1], return_inverse=True)[1].ravel().astype(np.int64)
    rz = np.unique(points[order, 2], return_inverse=True)[1].ravel().astype(np.int64)
    top = int(max(ry.max(), rz.max())) + 2
    pos = np.arange(m, dtype=np.int64)
    dominated = np.zeros(m, dtype=bool)
    h = 1
    while h < m:
        blk, left = pos // (2 * h), (pos % (2 * h)) < h
        lft, rgt = np.flatnonzero(left), np.flatnonzero(~left)
        # Left points by (block ascending, u_1 descending); running max of u_2 per block.
        key = blk[lft] * top + (top - 1 - ry[lft])
        srt = np.argsort(key, kind="stable")
        key, lb = key[srt], blk[lft][srt]
        run = np.maximum.accumulate(lb * top + rz[lft][srt]) - lb * top
        at = np.searchsorted(key, blk[rgt] * top + (top - 1 - ry[rgt]), side="right") - 1
        ok = at >= 0
        ok[ok] = lb[at[ok]] == blk[rgt][ok]
        hit = np.zeros(rgt.size, dtype=bool)
        hit[ok] = run[at[ok]] >= rz[rgt][ok]
        dominated[rgt[hit]] = True
        h *= 2
    keep = np.zeros(m, dtype=bool)
    keep[order] = ~dominated
    return keep


def pareto_mask(points: FloatArray, tol: float = TOL, method: str = "auto") -> np.ndarray:
    """Boolean mask of the non-dominated rows of ``points`` (m, n_actors).

    Args:
        points: utility vectors, one row per outcome.
        tol: tolerance of the dominance test (see the module docstring); ``"staircase"``
            needs ``tol == 0`` (round to a grid first).
        method: ``auto``, ``sweep``, ``bnl``, ``bitset`` or ``staircase``; they agree.

    >>> pareto_mask(np.array([[1.0, 0.0], [0.5, 0.5], [0.4, 0.4], [0.5, 0.5]])).tolist()
    [True, True, False, True]
    """
    points = np.asarray(points, dtype=float)
    if points.ndim != 2:
        raise ValueError("points must be a 2-D array (outcomes, actors)")
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    m, n = points.shape
    if m == 0:
        return np.zeros(0, dtype=bool)
    if n == 1:
        return points[:, 0] >= points[:, 0].max() - tol
    uniq, inverse = np.unique(points, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    if uniq.shape[0] < m:  # equal rows share one answer
        return pareto_mask(uniq, tol, method)[inverse]
    if method == "auto":
        method = ("sweep" if n == 2 else "staircase" if n == 3 and tol == 0
                  else "bitset" if m >= 4096 else "bnl")
    if method == "sweep":
        if n != 2:
            raise ValueError("method='sweep' is for two actors")
        return _sweep(points, tol)
    if method == "staircase":
        if n != 3 or tol != 0:
            raise ValueError("method='staircase' is for three actors and tol=0")
        return _staircase(points)
    if method == "bitset":
        return block_nested_loop(points, tol, 1024, dominated_by_bitset)
    return block_nested_loop(points, tol)


def grid(points: FloatArray, tol: float) -> FloatArray:
    """Utilities rounded to multiples of ``tol`` (in units of tol), so that equal means tied
    and comparisons are exact (``tol == 0``: unchanged)."""
    pts = np.asarray(points, dtype=float)
    return np.round(pts / tol) if tol > 0 else pts
