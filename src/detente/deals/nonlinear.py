"""Pareto frontier of non-linear (hyper-rectangle) utilities, exact or anytime with a bound.

A hyper-rectangle profile (Ito, Hattori & Klein 2007, "Multi-issue negotiation protocol for
agents: exploring nonlinear utility spaces", IJCAI; the GENIUS/ANAC 2014 domains) gives actor i

    U_i(ω) = Σ_r u_r · [ω satisfies r] / maxutility_i,

an *inclusive* rectangle being satisfied when every bound ``lo ≤ ω_k ≤ hi`` holds, an
*exclusive* one when some bound fails. Two ideas make 10^10-outcome spaces tractable:

1. *Cells*: option values of an issue that every bound on that issue treats alike are
   interchangeable, so the search runs over classes of values (10^10 outcomes → ~3·10^7 cells).
2. *Dynamic programming with bounds*, issue by issue: a partial outcome fixes some rectangles
   (satisfied or failed) and leaves the others open. Its future depends only on which open
   rectangles are already escaped/violated, so partial outcomes with the same open state are
   compared by their secured utility ``lb`` and only the non-dominated ones are kept; and a
   partial outcome whose optimistic vector ``ub`` is strictly dominated by some ``lb`` (which
   every completion of that other partial outcome reaches) is dropped. Both rules are exact
   (they never drop a point of the frontier's utility set). ``ub`` is the per-issue
   (mini-bucket) bound of :mod:`detente.deals.nonlinear_bounds`, taken for two actors along
   several weightings, which bound the completions by a polytope rather than a box.

When the open partial outcomes exceed ``max_nodes``, the search keeps the most promising ones
(best bound along some weighting) and remembers the bounds of those it dropped; the result
then carries ``gap``: every outcome it did not examine is within ``gap`` (additive, normalised
utility, for every actor at once) of a point it returns. ``gap = 0`` means exact. Quick passes
along two issue orders (most-bound first; small cutwidth) seed the pruning and choose the
order of the full pass; the gap reported is the least any pass proves.

The frontier is a set of utility vectors; one representative outcome is returned per vector
(many outcomes usually share each vector in these spaces).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np

from detente.deals.dominance import dominated_by
from detente.deals.nonlinear_bounds import (
    DroppedBounds,
    bound_table,
    directions,
    ideal_of,
    level_table,
)
from detente.deals.pareto import pareto_mask
from detente.deals.space import FloatArray, IntArray, mixed_radix
from detente.errors import AnalysisError
from detente.formats.genius import Rectangle
from detente.limits import MAX_SEARCH_NODES

log = logging.getLogger(__name__)

MAX_NODES = MAX_SEARCH_NODES  # the default budget, kept in detente.limits
MEM_CELLS = 1 << 28  # booleans held by one expansion (256 MiB)
TOL = 1e-9


@dataclass(frozen=True)
class RectangleSpace:
    """Issues, options and each actor's hyper-rectangles, ``max_utility`` and reservation."""

    actors: tuple[str, ...]
    issues: tuple[str, ...]
    options: tuple[tuple[str, ...], ...]
    rectangles: tuple[tuple[Rectangle, ...], ...]
    max_utility: FloatArray
    reservation: FloatArray

    @property
    def sizes(self) -> tuple[int, ...]:
        return tuple(len(o) for o in self.options)

    @property
    def n_outcomes(self) -> int:
        return math.prod(self.sizes)

    @property
    def n_actors(self) -> int:
        return len(self.actors)

    def _flat(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[np.ndarray]]:
        """Owner actor, utility and inclusive flag of every rectangle, and per issue the
        ``(R, n_k)`` table 'option lies inside the rectangle's bound (or is unbounded)'."""
        owner, util, incl = [], [], []
        inside = [np.ones((0, n), dtype=bool) for n in self.sizes]
        rows: list[list[np.ndarray]] = [[] for _ in self.sizes]
        for a, rects in enumerate(self.rectangles):
            for r in rects:
                owner.append(a)
                util.append(r.utility)
                incl.append(r.inclusive)
                cols = [np.ones(n, dtype=bool) for n in self.sizes]
                for k, lo, hi in r.bounds:
                    cols[k] = (np.arange(self.sizes[k]) >= lo) & (np.arange(self.sizes[k]) <= hi)
                for k in range(len(self.sizes)):
                    rows[k].append(cols[k])
        inside = [np.array(r, dtype=bool).reshape(len(owner), -1) for r in rows]
        return np.array(owner, dtype=np.int64), np.array(util, dtype=float), \
            np.array(incl, dtype=bool), inside

    def utilities(self, index: IntArray) -> FloatArray:
        """Normalised utilities ``(n_actors, m)`` of outcomes given as option indices."""
        index = np.atleast_2d(np.asarray(index, dtype=np.int64))
        owner, util, incl, inside = self._flat()
        ok = np.ones((index.shape[0], owner.size), dtype=bool)
        for k in range(len(self.sizes)):
            ok &= inside[k][:, index[:, k]].T
        sat = np.where(incl[None, :], ok, ~ok)
        raw = np.zeros((self.n_actors, index.shape[0]))
        for a in range(self.n_actors):
            raw[a] = sat[:, owner == a] @ util[owner == a]
        return raw / self.max_utility[:, None]


@dataclass(frozen=True)
class NonlinearFrontier:
    """Frontier utility vectors ``(m, n_actors)`` (normalised), one representative outcome per
    vector as option indices ``(m, n_issues)``, sorted by the first actor's utility descending.

    ``gap`` bounds what the search may have missed (0: exact); ``nodes`` counts the partial
    outcomes examined."""

    actors: tuple[str, ...]
    index: IntArray
    utilities: FloatArray
    gap: float
    nodes: int

    @property
    def exact(self) -> bool:
        return self.gap == 0.0

    def __len__(self) -> int:
        return int(self.index.shape[0])


def _classes(inside_k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Representative option of each class of interchangeable options of one issue, and the
    ``(R, n_classes)`` inside-table of the classes."""
    _, first = np.unique(inside_k.T, axis=0, return_index=True)
    reps = np.sort(first)
    return reps, inside_k[:, reps]


def _pareto_unique(points: np.ndarray, tol: float) -> np.ndarray:
    """Rows of the non-dominated points, one row per distinct vector (the first)."""
    keep = np.flatnonzero(pareto_mask(points, tol))
    if keep.size == 0:
        return keep
    _, first = np.unique(np.round(points[keep] / max(tol, 1e-300)), axis=0, return_index=True)
    return keep[np.sort(first)]


def nonlinear_frontier(space: RectangleSpace, max_nodes: int = MAX_NODES,
                       tol: float = TOL, warm: int = 2000,
                       time_limit: float | None = None) -> NonlinearFrontier:
    """Pareto frontier of a hyper-rectangle space by bounded dynamic programming over cells.

    Args:
        space: the space (any size; memory is bounded by ``max_nodes``).
        max_nodes: most partial outcomes kept per issue; beyond it the search turns anytime
            and reports a ``gap`` instead of running out of memory.
        tol: tolerance on normalised utilities.
        warm: width of a quick first pass whose outcomes (real, attained utility vectors)
            seed the pruning of the full pass (0: none).
        time_limit: seconds for the whole search: once spent, no further quick pass or full
            pass starts, and a pass under way searches its remaining issues ``warm`` wide (the
            result stays valid, its ``gap`` grows). The passes already begun finish, so the
            wall time can exceed it by about one quick pass.
    """
    start = time.perf_counter()
    deadline = None if time_limit is None else start + time_limit

    def late() -> bool:
        return deadline is not None and time.perf_counter() > deadline

    _, _, _, inside = space._flat()
    bounded = np.stack([~t.all(axis=1) for t in inside], axis=1)  # (R, K)
    orders = [_constrained_order(bounded), _issue_order(bounded)]
    seeds = NonlinearFrontier(space.actors, np.zeros((0, len(space.sizes)), np.int64),
                              np.zeros((0, space.n_actors)), 0.0, 0)
    runs: list[DroppedBounds] = []
    order = orders[0]
    lam = directions(space.n_actors) if space.n_actors == 2 else None
    if 0 < warm < max_nodes:
        # A quick pass along each issue order; the full pass takes the one that did best.
        gaps: list[float] = []
        for o in orders:
            if gaps and late():
                break
            seeds, dropped = _search(space, warm, tol, seeds, None, warm, o)
            if seeds.exact:
                return seeds
            runs.append(dropped)
            gaps.append(seeds.gap)
        order = orders[int(np.argmin(gaps))]
        if late():  # no time for the full pass: the quick passes' points, their gap
            return replace(seeds, gap=min(d.gap(seeds.utilities, lam) for d in runs))
    f, dropped = _search(space, max_nodes, tol, seeds, deadline, max(warm, 1), order)
    # Every pass bounds what it missed against the final points, which contain its own.
    gap = min([f.gap] + [d.gap(f.utilities, lam) for d in runs])
    return replace(f, gap=gap)


@dataclass
class _Nodes:
    """Partial outcomes: open rectangles, option indices, secured ``lb`` and optimistic ``ub``
    vectors (raw units), and bounds ``bd`` along the weightings (normalised units)."""

    alive: np.ndarray
    index: np.ndarray
    lb: np.ndarray
    ub: np.ndarray
    bd: np.ndarray

    def take(self, rows: np.ndarray) -> _Nodes:
        return _Nodes(self.alive[rows], self.index[rows], self.lb[rows], self.ub[rows],
                      self.bd[rows])

    def __len__(self) -> int:
        return int(self.alive.shape[0])


def _search(space: RectangleSpace, max_nodes: int, tol: float, seeds: NonlinearFrontier,
            deadline: float | None, narrow: int, order: list[int]
            ) -> tuple[NonlinearFrontier, DroppedBounds]:
    """One pass of the search along ``order``; also the bounds it gave up (for the gap)."""
    owner, util, incl, inside = space._flat()
    n, K, R = space.n_actors, len(space.sizes), owner.size
    scale = space.max_utility
    w = np.zeros((R, n))
    w[np.arange(R), owner] = util
    share = util / scale[owner] if R else util
    bounded = np.array([[not inside[k][r].all() for k in range(K)] for r in range(R)],
                       dtype=bool).reshape(R, K)
    classes = [_classes(inside[k]) for k in range(K)]
    lam = directions(n)
    remaining = bounded.sum(axis=1)
    live = np.flatnonzero(remaining > 0)  # rectangles not yet decided for every node
    # Rectangles without bounds: inclusive ones always hold, exclusive ones never do.
    lb = (((remaining == 0) & incl).astype(float) @ w)[None, :]
    alive = np.ones((1, live.size), dtype=bool)  # undecided (not violated / not escaped)
    nd = _Nodes(alive, np.zeros((1, K), dtype=np.int32), lb, lb, np.zeros((1, len(lam))))
    dropped = DroppedBounds()
    nodes = 1
    raw_tol = tol * float(scale.min())
    seed_u = seeds.utilities * scale

    def bound(nd: _Nodes, live: np.ndarray, rest: list[int]) -> _Nodes:
        """``ub`` and ``bd`` of every partial outcome, from the open rectangles."""
        ub = nd.lb + nd.alive.astype(float) @ w[live] if live.size else nd.lb.copy()
        mat, starts = level_table(live, rest, bounded, [t for _, t in classes], incl, share)
        bd = bound_table(nd.alive, nd.lb / scale, mat, starts, owner[live], lam)
        bd = np.minimum(bd, (ub / scale) @ lam.T)
        ub = np.minimum(ub, ideal_of(bd, n) * scale)
        return _Nodes(nd.alive, nd.index, nd.lb, ub, bd)

    nd = bound(nd, live, order)
    for step, k in enumerate(order):
        if deadline is not None and time.perf_counter() > deadline:
            max_nodes = min(max_nodes, narrow)
        reps, table = classes[k]
        c = reps.size
        cap = max(1, MEM_CELLS // (c * max(live.size, 1)))  # bound the expansion's memory
        if len(nd) > cap:
            nd = nd.take(_cut(nd, scale, lam, cap, dropped))
        nd, live, remaining = _expand(nd, k, reps, table, live, remaining, bounded, incl, w)
        nodes += len(nd)
        # Same undecided set ⇒ same future: keep the non-dominated secured utilities per set.
        sig = np.packbits(nd.alive, axis=1) if live.size else np.zeros((len(nd), 1), np.uint8)
        nd = nd.take(_dedupe_states(sig, nd.lb, raw_tol))
        nd = bound(nd, live, order[step + 1:])
        # Drop partial outcomes whose best case is strictly beaten by a secured vector.
        both = np.concatenate([seed_u, nd.lb])
        inc = both[_pareto_unique(both, raw_tol)]
        nd = nd.take(~dominated_by(inc, nd.ub, raw_tol))  # strictly, within tol
        if len(nd) > max_nodes:
            nd = nd.take(_cut(nd, scale, lam, max_nodes, dropped))
    # Seed outcomes join the result: they may have pruned nodes the search then dropped.
    lb = np.concatenate([nd.lb, seed_u])
    index = np.concatenate([nd.index.astype(np.int64), seeds.index])
    rows = _pareto_unique(lb, raw_tol)
    u = lb[rows] / scale
    idx = index[rows]
    gap = dropped.gap(u, lam if n == 2 else None)
    order_rows = np.lexsort(tuple(-u[:, j] for j in range(n - 1, -1, -1)))
    return NonlinearFrontier(space.actors, idx[order_rows], u[order_rows], gap,
                             nodes + seeds.nodes), dropped


def _expand(nd: _Nodes, k: int, reps: np.ndarray, table: np.ndarray, live: np.ndarray,
            remaining: np.ndarray, bounded: np.ndarray, incl: np.ndarray, w: np.ndarray
            ) -> tuple[_Nodes, np.ndarray, np.ndarray]:
    """Every partial outcome extended by every class of issue ``k``: rectangles bounded on k
    are violated / escaped / completed, and those with no bound left leave the state."""
    m, c = len(nd), reps.size
    cols = np.flatnonzero(bounded[live, k])  # live rectangles bounded on issue k
    rk = live[cols]
    parent = np.repeat(np.arange(m), c)
    cls = np.tile(np.arange(c), m)
    index = nd.index[parent]
    index[:, k] = reps[cls]
    alive = nd.alive[parent]
    was = alive[:, cols]
    breaks = ~table[rk][:, cls].T  # (m·c, |cols|): the option breaks the bound
    now = was & ~breaks
    closing = remaining[rk] == 1
    gained = (was & breaks & ~incl[rk]) | (now & closing & incl[rk])
    lb = nd.lb[parent] + gained.astype(float) @ w[rk]
    alive[:, cols] = now
    remaining = remaining - bounded[:, k]
    stay = remaining[live] > 0
    empty = np.zeros((len(lb), 0))
    return _Nodes(alive[:, stay], index, lb, lb, empty), live[stay], remaining


def _constrained_order(bounded: np.ndarray) -> list[int]:
    """Issues from the one most rectangles bound to the least (decides rectangles early)."""
    return [int(k) for k in np.argsort(-bounded.sum(axis=0), kind="stable")]


def _issue_order(bounded: np.ndarray) -> list[int]:
    """Issues in an order that keeps few rectangles open at once (greedy: next the issue after
    which the fewest rectangles are begun but not finished, ties to the one closing the most).

    The partial outcomes of the search differ only in their open rectangles, so this width
    (the cutwidth of the rectangle hypergraph along the order) bounds how many distinct states
    there can be."""
    K = bounded.shape[1]
    done = np.zeros(K, dtype=bool)
    order: list[int] = []
    for _ in range(K):
        todo = np.flatnonzero(~done)
        trial = np.repeat(done[None, :], todo.size, axis=0)
        trial[np.arange(todo.size), todo] = True  # (candidates, K)
        started = (bounded[None, :, :] & trial[:, None, :]).any(axis=2)
        finished = ~(bounded[None, :, :] & ~trial[:, None, :]).any(axis=2)
        open_ = (started & ~finished).sum(axis=1)
        best = todo[np.lexsort((-finished.sum(axis=1), open_))[0]]
        order.append(int(best))
        done[best] = True
    return order


def _cut(nd: _Nodes, scale: np.ndarray, lam: np.ndarray, limit: int,
         dropped: DroppedBounds) -> np.ndarray:
    """Rows of the ``limit`` most promising partial outcomes; the bounds of the others go to
    ``dropped`` for the gap."""
    n = nd.lb.shape[1]
    ub_n = nd.ub / scale
    score = nd.bd if n == 2 else ub_n @ np.concatenate([np.eye(n), np.full((1, n), 1 / n)]).T
    best = _beam(score, ub_n, nd.lb / scale)
    gone = best[limit:]
    dropped.add(nd.bd[gone] if n == 2 else ub_n[gone])
    log.info("non-linear frontier: kept %d of %d partial outcomes", limit, len(best))
    return np.sort(best[:limit])


def _beam(score: np.ndarray, ub: np.ndarray, lb: np.ndarray) -> np.ndarray:
    """Partial outcomes from most to least promising: ranked along each column of ``score``
    (optimistic values along several weightings of the actors, so the beam keeps both ends of
    the frontier, not only the middle), each node at its best rank; ties go to the larger
    optimistic then secured sum."""
    rank = np.empty((score.shape[1], score.shape[0]), dtype=np.int64)
    for j in range(score.shape[1]):
        order = np.argsort(-score[:, j], kind="stable")
        rank[j, order] = np.arange(score.shape[0])
    best = rank.min(axis=0)
    return np.lexsort((-lb.sum(axis=1), -ub.sum(axis=1), best))


def _dedupe_states(sig: np.ndarray, lb: np.ndarray, tol: float) -> np.ndarray:
    """Rows to keep: per open-state signature, the non-dominated, distinct ``lb`` vectors."""
    key = np.ascontiguousarray(sig).view(np.dtype((np.void, sig.shape[1])))[:, 0]
    _, group = np.unique(key, return_inverse=True)
    group = group.ravel()
    if lb.shape[1] == 2:
        q = np.round(lb / max(tol, 1e-300))
        order = np.lexsort((-q[:, 1], -q[:, 0], group))
        g = group[order]
        _, rank = np.unique(q[order, 1], return_inverse=True)
        rank = rank.ravel().astype(np.int64)
        base = g.astype(np.int64) * (int(rank.max(initial=0)) + 2)
        running = np.maximum.accumulate(base + rank + 1)
        before = np.r_[0, running[:-1]] - base - 1  # best rank earlier in the same group
        return np.sort(order[rank > before])
    keep = []
    for gid in np.unique(group):
        rows = np.flatnonzero(group == gid)
        keep.append(rows[_pareto_unique(lb[rows], tol)])
    return np.sort(np.concatenate(keep))


def enumerate_frontier(space: RectangleSpace, chunk: int = 1 << 18,
                       budget: int = 50_000_000, tol: float = TOL) -> NonlinearFrontier:
    """Exact frontier by evaluating every outcome in chunks (a reference for small spaces)."""
    total = space.n_outcomes
    if total > budget:
        raise AnalysisError.one(f"{total:,} outcomes exceed the enumeration budget",
                                value=total, allowed=f"at most {budget:,}; use nonlinear_frontier")
    keep_i = np.zeros((0, len(space.sizes)), dtype=np.int64)
    keep_u = np.zeros((0, space.n_actors))
    for idx in _chunks(space.sizes, chunk):
        u = space.utilities(idx).T
        cand_i, cand_u = np.concatenate([keep_i, idx]), np.concatenate([keep_u, u])
        rows = _pareto_unique(cand_u, tol)
        keep_i, keep_u = cand_i[rows], cand_u[rows]
    order = np.lexsort(tuple(-keep_u[:, j] for j in range(space.n_actors - 1, -1, -1)))
    return NonlinearFrontier(space.actors, keep_i[order], keep_u[order], 0.0, total)


def _chunks(sizes: tuple[int, ...], chunk: int) -> Iterator[np.ndarray]:
    total = math.prod(sizes)
    for s in range(0, total, chunk):
        yield mixed_radix(np.arange(s, min(total, s + chunk), dtype=np.int64), sizes)
