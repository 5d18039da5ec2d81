"""The zone of possible agreement (ZOPA) and, when it is empty, who blocks it and by how much.

ZOPA = {ω : u_i(ω) ≥ d_i for every veto player i} (Raiffa 1982, ch. 4; Lax & Sebenius 1986).
Because raising any utility keeps an outcome in the ZOPA, the ZOPA is non-empty exactly when
some Pareto-efficient outcome is in it, and the quantities below are all attained on the
Pareto frontier of the veto players:

- *sole blocker*: actor i blocks alone when the other veto players share a non-empty zone;
  its concession is d_i − max{u_i(ω) : u_j(ω) ≥ d_j ∀ j ≠ i}, the least it must lower its
  reservation value for a deal to exist.
- *smallest common concession*: c* = min_ω max_i (d_i − u_i(ω)), the least amount every veto
  player would have to give up, each on its own utility scale, to open the zone; the minimising
  package and each actor's shortfall there are reported.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detente.deals.space import FloatArray

TOL = 1e-9


@dataclass(frozen=True)
class SoleBlocker:
    actor: int
    concession: float
    row: int


@dataclass(frozen=True)
class Blocking:
    """Why the ZOPA is empty. ``row`` indexes the frontier points."""

    sole_blockers: tuple[SoleBlocker, ...]
    common_concession: float
    row: int
    shortfall: FloatArray


def in_zopa(points: FloatArray, reservation: FloatArray, tol: float = TOL) -> np.ndarray:
    """Mask of rows of ``points`` (m, n) at or above every reservation value."""
    return np.all(points >= np.asarray(reservation) - tol, axis=-1)


def blocking(frontier: FloatArray, reservation: FloatArray, tol: float = TOL) -> Blocking:
    """Blocking analysis of an empty ZOPA from the veto players' Pareto frontier (m, n)."""
    pts = np.asarray(frontier, dtype=float)
    d = np.asarray(reservation, dtype=float)
    n = pts.shape[1]
    sole = []
    for i in range(n):
        others = np.delete(np.arange(n), i)
        ok = np.all(pts[:, others] >= d[others] - tol, axis=1) if n > 1 else np.ones(len(pts), bool)
        if ok.any():
            rows = np.flatnonzero(ok)
            best = rows[np.argmax(pts[rows, i])]
            gap = float(d[i] - pts[best, i])
            if gap > tol:
                sole.append(SoleBlocker(i, gap, int(best)))
    short = d[None, :] - pts
    worst = short.max(axis=1)
    row = int(np.argmin(worst))
    return Blocking(tuple(sorted(sole, key=lambda s: s.concession)), float(max(worst[row], 0.0)),
                    row, np.maximum(short[row], 0.0))
