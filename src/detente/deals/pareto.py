"""Pareto frontier of an outcome space, exact, in chunks and bounded memory.

Outcome a *dominates* b (for a set of actors) when u_i(a) ≥ u_i(b) − tol for every actor and
u_i(a) > u_i(b) + tol for at least one; the frontier is the set of outcomes no other outcome
dominates (Raiffa 1982, ch. 11). Outcomes with equal utility vectors are all kept.

The dominance filter itself, with its variants, is :func:`detente.deals.dominance.pareto_mask`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from detente.deals.dominance import TOL, dominates, pareto_mask
from detente.deals.space import DEFAULT_CHUNK, AdditiveSpace, FloatArray, IntArray

__all__ = ["TOL", "Frontier", "dominates", "pareto_frontier", "pareto_mask"]
AUTO_ENUMERATE = 1 << 15


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
