"""Monte Carlo over uncertain inputs: how likely is a deal, and each proposal's acceptance?

Each draw samples every ``[low, likely, high]`` input (triangular) and asks, exactly, whether
the ZOPA of the veto players is non-empty. Deciding that by enumerating every outcome for every
draw would cost draws × outcomes × actors; instead each draw is settled by the cheapest exact
test that applies, all vectorised over the draw axis:

1. *Lagrangian bound* (empty for sure). For any weights λ ≥ 0, a ZOPA outcome satisfies
   Σ_i λ_i (u_i − d_i) ≥ 0, and with additive utilities max_ω Σ_i λ_i u_i(ω) = Σ_k max_o
   Σ_i λ_i w_ik v_ik(o) splits by issue. If that maximum is below Σ_i λ_i d_i for some λ on a
   simplex lattice, the draw has no ZOPA (Fisher 1981, Lagrangian relaxation).
2. *Candidates* (non-empty for sure): the deterministic Pareto frontier and solution points,
   evaluated for every draw; any one inside the draw's ZOPA proves it non-empty.
3. *Enumeration*: the few draws left are settled by a chunked scan of the whole space with early
   exit.

Step 2 runs first, as it is the cheaper certificate and settles most draws: the best
``CANDIDATE_FIRST`` candidates on every draw, the rest only on the draws those leave open. The
bound then runs only where no candidate lies inside the ZOPA by more than ``BOUND_MARGIN`` (such
a candidate makes Σ_i λ_i (u_i − d_i) ≥ min_i (u_i − d_i) > −tol, so the bound could not say
empty): verdicts and ``by_*`` counts are those of the order 1, 2, 3.

Same scenario, draws and seed ⇒ identical output, whatever the chunk sizes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations_with_replacement

import numpy as np

from detente.deals.compile import Tables
from detente.deals.space import AdditiveSpace, FloatArray, IntArray, mixed_radix

BoolArray = np.ndarray

TOL = 1e-9
ENUM_BLOCK = 8
# Float32 sums of ≤ a few dozen terms in [0, 1] err by < 1e-6; beyond this margin the float32
# verdict is certain, within it the draw is decided again in float64.
F32_MARGIN = 1e-5
# Rounding in the bound's sums is < 1e-12; a candidate inside the ZOPA by this much settles a
# draw without it.
BOUND_MARGIN = 1e-6
CANDIDATE_FIRST = 8


def simplex_lattice(n: int, resolution: int) -> FloatArray:
    """All weight vectors of ``n`` non-negative multiples of 1/resolution summing to 1."""
    pts = []
    for combo in combinations_with_replacement(range(n), resolution):
        v = np.bincount(np.array(combo, dtype=int), minlength=n)
        pts.append(v / resolution)
    return np.unique(np.array(pts), axis=0)


def _resolution(n: int) -> int:
    return {1: 1, 2: 40, 3: 16, 4: 9, 5: 6}.get(n, 4)


@dataclass(frozen=True)
class ZopaDraws:
    """Per draw whether the ZOPA is non-empty, and how each draw was settled."""

    exists: np.ndarray
    by_bound: int
    by_candidate: int
    by_enumeration: int


def zopa_exists(tables: Tables, veto: list[int], candidates: IntArray, tol: float = TOL,
                draw_block: int = 2048,
                on_progress: Callable[[int], None] | None = None) -> ZopaDraws:
    """Exact per-draw ZOPA existence for the veto players (indices into ``tables.actors``).

    ``candidates``: option indices ``(c, n_issues)`` of outcomes to try first.
    """
    D = tables.draws
    d = tables.reservation[:, veto]
    contrib = [c[:, veto, :] for c in tables.contrib]
    lam = simplex_lattice(len(veto), _resolution(len(veto)))
    exists = np.zeros(D, dtype=bool)
    settled = np.zeros(D, dtype=bool)
    n_bound = n_cand = 0
    for s in range(0, D, draw_block):
        rows = np.arange(s, min(D, s + draw_block))
        # 2 before 1 (cheaper, and settles most draws): the best candidate slack per draw.
        found, margin = _candidate_margin([c[rows] for c in contrib], d[rows], candidates, tol)
        # A candidate inside the ZOPA by more than BOUND_MARGIN proves the bound cannot say
        # empty (Σ λ_i (u_i − d_i) ≥ min_i (u_i − d_i)); only the others need the bound.
        need = rows[~found | (margin < -tol + BOUND_MARGIN)]
        empty = np.zeros(rows.size, dtype=bool)
        if need.size:
            best = np.zeros((need.size, lam.shape[0]))
            for c in contrib:
                best += np.einsum("lv,dvo->dlo", lam, c[need]).max(axis=2)
            empty[need - s] = ((best - d[need] @ lam.T) < -tol).any(axis=1)
        found &= ~empty
        exists[rows] = found
        settled[rows] = found | empty
        n_bound += int(empty.sum())
        n_cand += int(found.sum())
        if on_progress is not None:
            on_progress(rows.size)
    # 3. Enumerate what is left: blocks of draws in float32, borderline draws again in float64.
    left = np.flatnonzero(~settled)
    for s in range(0, left.size, ENUM_BLOCK):
        block = left[s:s + ENUM_BLOCK]
        best = max_min_slack32([c[block] for c in contrib], d[block])
        exists[block] = best >= F32_MARGIN
        for j in np.flatnonzero(np.abs(best) < F32_MARGIN):
            dd = block[j]
            exists[dd] = _exists_by_enumeration(tuple(c[dd] for c in contrib), d[dd], tables,
                                                veto, tol)
    return ZopaDraws(exists, n_bound, n_cand, int(left.size))


def _candidate_margin(contrib: list[FloatArray], d: FloatArray, candidates: IntArray,
                      tol: float, first: int = CANDIDATE_FIRST) -> tuple[BoolArray, FloatArray]:
    """Per draw, whether a candidate lies in the ZOPA (every u_i ≥ d_i − tol), and the largest
    over candidates of the smallest veto-player slack u_i − d_i: the ``first`` best candidates
    for every draw, the rest only for draws they leave outside."""
    g = d.shape[0]
    margin = np.full(g, -np.inf)
    found = np.zeros(g, dtype=bool)
    todo = np.arange(g)
    n = candidates.shape[0]
    for lo, hi in ((0, min(first, n)), (min(first, n), n)):
        if hi <= lo or not todo.size:
            continue
        u = np.zeros((todo.size, d.shape[1], hi - lo))
        for k, c in enumerate(contrib):
            u += c[todo][:, :, candidates[lo:hi, k]]
        dd = d[todo][:, :, None]
        found[todo] = np.all(u >= dd - tol, axis=1).any(axis=1)
        margin[todo] = (u - dd).min(axis=1).max(axis=1)
        todo = todo[~found[todo]]
    return found, margin


def package_utilities(tables: Tables, index: list[int] | IntArray) -> FloatArray:
    """Utilities ``(D, n_actors)`` of one package (option index per issue) in every draw, or
    of one package per draw (``index`` of shape ``(D, n_issues)``, e.g. open terms drawn)."""
    idx = np.asarray(index, dtype=np.int64)
    rows = np.arange(tables.draws)
    out = np.zeros(tables.reservation.shape)
    for k, c in enumerate(tables.contrib):  # in issue order, as a sum over axis 0 would add
        out += c[:, :, idx[k]] if idx.ndim == 1 else c[rows, :, idx[:, k]]
    return out



def _exists_by_enumeration(contrib: tuple[FloatArray, ...], d: FloatArray, tables: Tables,
                           veto: list[int], tol: float) -> bool:
    """Scan every outcome (in chunks, stopping at the first ZOPA outcome)."""
    space = AdditiveSpace(tuple(tables.actors[v] for v in veto), tables.issues, tables.options,
                          contrib, d)
    for _, u in space.chunks():
        slack = u[0] - d[0]
        for i in range(1, d.size):
            np.minimum(slack, u[i] - d[i], out=slack)
        if (slack >= -tol).any():
            return True
    return False


def max_min_slack32(contrib: list[FloatArray], d: FloatArray, chunk: int = 1 << 21) -> np.ndarray:
    """For each draw of a block, max over all outcomes of min over actors of u_i − d_i, in
    float32 (exact up to ~1e-6).

    Args:
        contrib: per issue ``(g, n_actors, n_options)`` contributions of g draws.
        d: ``(g, n_actors)`` reservation values.
    """
    g, n_a = d.shape
    sizes = [c.shape[2] for c in contrib]
    split, n_in = len(sizes), 1
    while split > 0 and n_in * sizes[split - 1] * g * n_a <= chunk:
        split -= 1
        n_in *= sizes[split]
    c32 = [c.astype(np.float32) for c in contrib]
    inner = -d.astype(np.float32)[:, :, None]
    for k in range(split, len(sizes)):
        inner = (inner[:, :, :, None] + c32[k][:, :, None, :]).reshape(g, n_a, -1)
    n_out = int(np.prod(sizes[:split], dtype=np.int64)) if split else 1
    best = np.full(g, -np.inf, dtype=np.float32)
    slack = np.empty((g, inner.shape[2]), dtype=np.float32)
    digits = mixed_radix(np.arange(n_out), sizes[:split])
    for o in range(n_out):
        shift = np.zeros((g, n_a), dtype=np.float32)
        for k in range(split - 1, -1, -1):
            shift += c32[k][:, :, digits[o, k]]
        np.add(inner[:, 0, :], shift[:, 0, None], out=slack)
        for i in range(1, n_a):
            np.minimum(slack, inner[:, i, :] + shift[:, i, None], out=slack)
        np.maximum(best, slack.max(axis=1), out=best)
    return best
