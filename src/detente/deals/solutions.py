"""Bargaining solutions over the agreement zone, from its Pareto frontier.

With disagreement point d (the reservation values) and feasible utility vectors U ⊂ R^n, each
solution is taken only over the individually rational set {u ∈ U : u ≥ d} (the ZOPA). Every one
of them is attained on the Pareto frontier, so it is computed there:

- Nash (1950), "The Bargaining Problem", Econometrica 18(2): argmax Π_i (u_i − d_i).
- Asymmetric Nash (Kalai 1977; Roth 1979): argmax Π_i (u_i − d_i)^{α_i}, α_i ≥ 0, Σ α_i = 1.
- Kalai & Smorodinsky (1975), Econometrica 43(3): the point where every actor gets the same
  share (u_i − d_i)/(a_i − d_i) of its ideal gain, a_i = max_{u ∈ ZOPA} u_i; on a discrete space,
  the outcome maximising the smallest share.
- Egalitarian (Kalai 1977): max–min of the gains u_i − d_i.
- Utilitarian: max Σ_i u_i.

Ties (within ``tol``) go to the larger total gain, then to the lower outcome number, so every
solution is Pareto-efficient and deterministic.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np

from detente.deals.space import FloatArray

TOL = 1e-9


class Solution(StrEnum):
    nash = "nash"
    weighted_nash = "weighted_nash"
    kalai_smorodinsky = "kalai_smorodinsky"
    egalitarian = "egalitarian"
    utilitarian = "utilitarian"


def _pick(score: FloatArray, gains: FloatArray, tol: float) -> int:
    best = score.max()
    cand = np.flatnonzero(score >= best - tol * max(1.0, abs(best)))
    total = gains[cand].sum(axis=1)
    return int(cand[np.argmax(total >= total.max() - tol) if cand.size else 0])


def solve(points: FloatArray, reservation: FloatArray, method: Solution | str,
          weights: FloatArray | None = None, tol: float = TOL) -> int | None:
    """Index (row of ``points``) of a bargaining solution, or None when no point is
    individually rational (u ≥ d − tol for every actor).

    Args:
        points: ``(m, n)`` utility vectors, typically a Pareto frontier (ties go to the first
            row of the best total gain, so order rows deterministically).
        reservation: ``(n,)`` disagreement utilities d_i.
        method: a :class:`Solution`.
        weights: bargaining powers α for ``weighted_nash`` (normalised to sum 1).
        tol: tolerance on utilities.

    >>> import numpy as np
    >>> pts = np.array([[1.0, 0.0], [0.6, 0.6], [0.0, 1.0]])
    >>> solve(pts, np.zeros(2), "nash")
    1
    """
    method = Solution(method)
    pts = np.asarray(points, dtype=float)
    d = np.asarray(reservation, dtype=float)
    ok = np.all(pts >= d - tol, axis=1)
    if not ok.any():
        return None
    rows = np.flatnonzero(ok)
    gains = np.maximum(pts[rows] - d, 0.0)
    if method is Solution.nash or method is Solution.weighted_nash:
        if method is Solution.weighted_nash:
            if weights is None:
                raise ValueError("weighted_nash needs bargaining weights")
            alpha = np.asarray(weights, dtype=float)
            alpha = alpha / alpha.sum()
        else:
            alpha = np.full(pts.shape[1], 1.0 / pts.shape[1])
        with np.errstate(divide="ignore"):
            score = np.sum(alpha * np.log(gains), axis=1)
        if not np.isfinite(score).any():  # every point gives someone zero gain
            score = -np.sum(gains <= tol, axis=1).astype(float)
    elif method is Solution.kalai_smorodinsky:
        ideal = gains.max(axis=0)
        share = np.divide(gains, ideal, out=np.ones_like(gains), where=ideal > tol)
        score = share.min(axis=1)
    elif method is Solution.egalitarian:
        score = gains.min(axis=1)
    else:
        score = pts[rows].sum(axis=1)
    return int(rows[_pick(score, gains, tol)])
