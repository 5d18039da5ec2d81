"""SMP turns of many issues at once (a backtest's 231 issues in one set of array operations).

The issues of a batch may have different numbers of actors n_b: every array is padded over
actors to L = max n_b (padded actors have capability and salience 0, are never part of a
bargain and never vote: weight 0). The issues are sorted by n_b, so the issues of one size are
a contiguous slice. Every number is the one the issue's own run gives, bit for bit:

- a sum over the last axis (NumPy's pairwise summation: eight running sums over the blocks of
  eight, then the rest one by one) is taken per class of sizes with the same ⌊n/8⌋, over a
  width of that class (at most 8⌊n/8⌋ + 7): the same blocks, the same rest, then zeros — so the
  same additions in the same order as over n. From 128 actors on NumPy halves a row
  recursively, so there each size is summed over its own width. (A sum over a leading axis
  adds one slice after another: padded zeros at the end change nothing.)
- the challenge step (O(N³) per issue, most of the work) scores the issues of one class of
  sizes over that class's width: padding there would multiply its work by (L / n)³. Its
  O(N²) tables and bounds (element-wise, or with slack) may be shared by several classes,
  padded, when few issues remain (:func:`_table_groups`).

An issue whose positions return exactly to an earlier state repeats that cycle (a turn is a
function of the positions alone), so its remaining turns are copied instead of computed.

Source of the model: KTAB (KAPSARC Toolkit for Behavioral Analysis), ``smp``; SMP.md (shared
brief) for the steps; :mod:`detente.forecasts.smp` for the one-issue primitives.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from detente.forecasts import smp, smp_challenge
from detente.forecasts.eum_rounds import maximum, pairwise_sum
from detente.forecasts.smp import SMPOptions, distances, utility

log = logging.getLogger(__name__)
F = NDArray[np.float64]
I64 = NDArray[np.int64]
_T = TypeVar("_T")


@dataclass(frozen=True)
class Sizes:
    """Numbers of actors ``n`` (B,) of the issues of a batch, ascending; padded to ``L``.
    The layouts below are computed once per batch (a turn asks for them many times)."""

    n: I64

    def _once(self, name: str, make: Callable[[], _T]) -> _T:
        if name not in self.__dict__:
            self.__dict__[name] = make()
        value: _T = self.__dict__[name]
        return value

    @property
    def width(self) -> int:
        return self._once("_width", lambda: int(self.n[-1]))

    def groups(self) -> list[tuple[int, int, int]]:
        """(first issue, end, n) of each run of issues with the same number of actors."""
        return self._once("_groups", lambda: _runs(self.n, self.n, lambda a, c: int(c)))

    def classes(self) -> list[tuple[int, int, int]]:
        """(first issue, end, width) of each class with the same ⌊n/8⌋ (the width keeps
        NumPy's pairwise summation over n: see the module docstring). From 128 actors on
        NumPy splits a row in halves, so there each size is a class of its own, unpadded."""
        c = np.where(self.n < 128, self.n // 8, self.n)
        return self._once("_classes", lambda: _runs(
            self.n, c, lambda a, k: min(self.width, 8 * int(k) + 7) if k < 16
            else int(self.n[a])))

    def valid(self) -> NDArray[np.bool_]:
        """(B, L): actor a exists in issue b (read only: shared by the turn's steps)."""
        def make() -> NDArray[np.bool_]:
            v = np.arange(self.width)[None, :] < self.n[:, None]
            v.flags.writeable = False
            return v
        return self._once("_valid", make)


def _runs(n: I64, key: NDArray[np.int64], third: Callable[[int, int], int]
          ) -> list[tuple[int, int, int]]:
    """(first, end, third(first, key)) of each run of equal ``key`` over the issues."""
    cut = (np.flatnonzero(np.diff(key)) + 1).tolist()
    lo, hi = [0, *cut], [*cut, n.size]
    return [(a, b, third(a, int(key[a]))) for a, b in zip(lo, hi, strict=True)]


def rowsum(a: F, sizes: Sizes) -> F:
    """Σ over the last (actor) axis of ``a`` (B, ..., L), padded entries 0: per issue the very
    number ``a[b, ..., :n_b].sum(-1)`` gives."""
    out = np.empty(a.shape[:-1])
    for lo, hi, w in sizes.classes():
        out[lo:hi] = a[lo:hi, ..., :w].sum(axis=-1)
    return out


#: Cells of the risk attitudes' coalition cube (a, i, j per issue) built at once: 512 KiB, so
#: its four passes stay in the core's cache (the whole cube of 231 issues is ~15 MB).
CUBE_CELLS = 65536


def risk_attitudes(d: F, cap: F, sizes: Sizes,
                   tol: float = 1e-15) -> tuple[F, NDArray[np.bool_]]:
    """:func:`detente.forecasts.smp.risk_attitudes` of padded issues (``d`` (B, L, L))."""
    valid = sizes.valid()
    # condorcet(1 - d, cap), with padded options out of every sum, max and min; the O(N³)
    # coalition sums by issues of one size (unpadded), a few issues at a time
    util = 1.0 - d
    pos = np.zeros(d.shape)
    for lo, hi, m in sizes.groups():
        step = max(1, CUBE_CELLS // m ** 3)      # issues per block: each issue is its own sum
        for a in range(lo, hi, step):
            b = min(hi, a + step)
            v = _differences(util[a:b, :m, :m])
            v *= cap[a:b, :m, None, None]
            pos[a:b, :m, :m] = maximum(v, 0.0, out=v).sum(axis=1)
    pos += smp.COALITION_FLOOR
    p_ij = pos / (pos + np.swapaxes(pos, 1, 2))
    p_ij = np.where(valid[:, None, :], p_ij, 1.0)                 # log 1 = 0 in the sums
    logs = rowsum(np.log(p_ij), sizes)
    logs[~valid] = -np.inf
    logs -= logs.max(axis=-1, keepdims=True)
    e = np.exp(logs)
    p = e / rowsum(e, sizes)[:, None]
    hi = p.max(axis=-1, keepdims=True)
    lo = np.where(valid, p, np.inf).min(axis=-1, keepdims=True)
    spread = hi - lo
    flat = spread[:, 0] <= tol
    risk = (3 * p - (hi + 2 * lo)) / (2 * np.where(flat[:, None], 1.0, spread))
    return np.where(flat[:, None] | ~valid, 0.0, risk), flat


def _differences(u: F) -> F:
    """v[..., i, j] = u[..., i] − u[..., j] (a new contiguous array): the same subtraction of
    the same doubles as ``u[..., :, None] − u[..., None, :]``, but with the first operand
    spelt out by ``np.repeat`` — NumPy (2.4) runs a subtraction of two broadcast operands
    row by row through its buffered iterator, ~12 % slower over the cubes of SMP's
    elections (step-4 elections replayed: 0.166 → 0.158 s)."""
    w = u.shape[-1]
    v = np.repeat(u, w, axis=-1).reshape(*u.shape, w)
    return np.subtract(v, u[..., None, :], out=v)


def smp_turn(x: F, sal: F, cap: F, sizes: Sizes,
             chunk: int = 8) -> tuple[F, F, NDArray[np.bool_]]:
    """One SMP turn of padded issues (``x``, ``sal`` (B, L, K), ``cap`` (B, L)); returns the
    new positions, the risk attitudes of the starting state and the degenerate flags, as
    :func:`detente.forecasts.smp.smp_turn` does for each issue alone."""
    nb, n = cap.shape
    ar = np.arange(n)
    d = distances(sal, x, x)
    risk, degenerate = risk_attitudes(d, cap, sizes)
    r_hi = (2 * risk[:, :, None] + risk[:, None, :]) / 3
    target = np.full((nb, n), -1, dtype=np.int64)
    phi = np.zeros((nb, n))
    sal_tot = sal.sum(axis=2)
    for lo, hi, m, parts in _table_groups(sizes):
        target[lo:hi, :m], phi[lo:hi, :m] = smp_challenge.challenges(
            d[lo:hi, :m, :m], r_hi[lo:hi, :m, :m], sal_tot[lo:hi, :m], cap[lo:hi, :m],
            sizes.n[lo:hi], chunk, parts)
    made = target >= 0
    tgt = np.where(made, target, ar[None, :])
    b_i, b_j = smp.bargains(x, sal, np.broadcast_to(ar, (nb, n)), tgt, phi)
    # U^a_an = u(d_an, R_a) with R_a = (2r_a + r_a) / 3, as the challenge step has it
    u_own = utility(d, r_hi[:, ar, ar][:, :, None])
    u_own = np.where(sizes.valid()[:, None, :], u_own, 0.0)
    base = rowsum(u_own, sizes)
    ub_i = utility(distances(sal, x, b_i), risk[:, :, None])
    ub_j = utility(distances(sal, x, b_j), risk[:, :, None])
    # u_tgt[b, a, m] = u_own[b, a, tgt_m]: whole rows of the transpose, gathered by target
    u_tgt = np.swapaxes(np.swapaxes(u_own, 1, 2)[np.arange(nb)[:, None], tgt], 1, 2)
    size = sizes.n.astype(float)
    ubar_m = (base[:, :, None] - u_own - u_tgt + ub_i + ub_j) / size[:, None, None]
    new = _choose(x, made, tgt, b_i, b_j, ubar_m, base / size[:, None], cap)
    return new, risk, degenerate


#: A call of the challenge step's tables and bounds costs about as much Python overhead as
#: this many padded cells (B · W²) of their ~55 array passes (measured on DEU, serial).
TABLE_CALL_CELLS = 8000


def _table_groups(sizes: Sizes) -> list[tuple[int, int, int, list[tuple[int, int, int]]]]:
    """(first, end, width m, parts) of runs of consecutive classes whose challenge tables and
    bounds are built together, padded to the run's largest size m; ``parts`` are the classes
    (first, end, largest size), relative to the run, each scored over its own width. A class
    joins the run when padding it and the run costs fewer cells than a call of its own
    (``TABLE_CALL_CELLS``): in the last turns few issues remain, in several classes."""
    n = sizes.n
    out: list[tuple[int, int, int, list[tuple[int, int, int]]]] = []
    cost = 0
    for lo, hi, _ in sizes.classes():
        m = int(n[hi - 1])
        own = (hi - lo) * m * m
        if out:
            glo, _, _, parts = out[-1]
            joined = (hi - glo) * m * m
            if joined <= cost + own + TABLE_CALL_CELLS:
                out[-1] = (glo, hi, m, [*parts, (lo - glo, hi - glo, m)])
                cost = joined
                continue
        out.append((lo, hi, m, [(0, hi - lo, m)]))
        cost = own
    return out


def _choose(x: F, made: NDArray[np.bool_], tgt: I64, b_i: F, b_j: F, ubar_m: F,
            ubar_sq: F, cap: F, budget: int = 2_000_000) -> F:
    """Every actor k takes the most probable item of its queue (SMP.md step 4): its status quo
    and the bargains m it is part of (as initiator m = k or target), in initiator order.
    Queues over all issues are elected together: those of one item by :func:`_elect_two`, the
    others by classes of lengths, options padded within a class (:func:`_elect`); each
    election gives the numbers KTAB's does (padded voters have weight 0).
    """
    n = made.shape[1]
    item, start, count = _queues(made, tgt)
    new = x.copy()
    # all (b, k) rows by queue length, row-major within a length (np.argwhere's order)
    by_len = np.argsort(count, kind="stable")
    lengths = count[by_len]
    starts = np.searchsorted(lengths, np.arange(n + 2))
    by_item = np.ascontiguousarray(np.swapaxes(ubar_m, 1, 2))   # [b, m, voter]: rows gather fast
    used = lengths[lengths > 0]                    # ascending: its distinct values without
    used = used[np.diff(used, prepend=-1) != 0]    # np.unique (which loads numpy.ma)
    for first, last in _length_classes(used):
        flat_rows = by_len[starts[first]:starts[last + 1]]
        width = last + 1                                  # options: status quo + items
        # each row's items; a shorter row's last ones are padding (masked in the election)
        at = start[flat_rows, None] + np.arange(last)
        items = item[np.minimum(at, item.size - 1)]
        step = max(1, budget // (n * width ** 2))
        for lo in range(0, len(flat_rows), step):
            rb, rk = np.divmod(flat_rows[lo:lo + step], n)
            it = items[lo:lo + step]
            if last == 1:
                choice = _elect_two(ubar_sq[rb], by_item[rb, it[:, 0]], cap[rb])
            elif width <= SHORT_QUEUE:
                util = np.empty((n, width, len(rb)))        # [voter, option, row]
                util[:, 0] = ubar_sq[rb].T
                util[:, 1:] = by_item[rb[:, None], it].transpose(2, 1, 0)
                choice = _elect_rows_last(util, np.ascontiguousarray(cap[rb].T),
                                          lengths[starts[first] + lo:][:len(rb)] + 1)
            else:
                util = np.empty((len(rb), n, width))
                util[:, :, 0] = ubar_sq[rb]
                util[:, :, 1:] = by_item[rb[:, None], it].transpose(0, 2, 1)
                choice = _elect(util, cap[rb], lengths[starts[first] + lo:][:len(rb)] + 1)
            go = choice > 0
            m = it[np.arange(len(rb)), np.maximum(choice - 1, 0)]
            own = np.where((m == rk)[:, None], b_i[rb, m], b_j[rb, m])
            new[rb[go], rk[go]] = own[go]
    return new


def _queues(made: NDArray[np.bool_], tgt: I64) -> tuple[I64, I64, I64]:
    """The queues of every actor k of every issue b, row b·L + k: the bargains m it is part
    of (made, with m = k or tgt[b, m] = k) in initiator order, all rows one after another in
    ``item``; each row's first position ``start`` and length ``count``."""
    nb, n = made.shape
    b, m = np.nonzero(made)
    t = tgt[b, m]
    other = t != m                       # a bargain's target, unless it is its initiator
    key = np.concatenate([b * n + m, (b * n + t)[other]]) * n
    key += np.concatenate([m, m[other]])
    key.sort()
    row, item = np.divmod(key, n)
    count = np.bincount(row, minlength=nb * n)
    start = np.cumsum(count) - count
    return item, start, count


def _length_classes(lengths: I64) -> list[tuple[int, int]]:
    """(first, last) queue lengths elected together: one item alone; then runs of lengths
    whose numbers of options M = length + 1 share ⌊M/8⌋ (M < 128; above, each alone), so that
    the sums over options of :func:`_elect` keep NumPy's pairwise order (see :func:`rowsum`),
    and whose largest M is at most 1.5 × the smallest (padding costs (W/M)² in work)."""
    def key(m: int) -> int:
        return -1 if m == 1 else (m + 1) // 8 if m + 1 < 128 else 1000 + m

    out: list[tuple[int, int]] = []
    for m in lengths.tolist():
        first = out[-1][0] if out else -1
        if out and key(m) == key(first) and m + 1 <= 1.5 * (first + 1):
            out[-1] = (first, m)
        else:
            out.append((m, m))
    return out


def _elect(util: F, weight: F, m: I64) -> I64:
    """The most probable option of each row of :func:`detente.forecasts.smp.condorcet`
    over the row's first ``m`` options (``util`` (R, voters, W), padded options after them):
    the same operations on the real options; padded ones get P = 1 (log 0) against them and
    probability 0 (exp(−inf)), exact zeros at the end of each sum."""
    w = util.shape[-1]
    v = _differences(util)
    v *= weight[:, :, None, None]
    pos = maximum(v, 0.0, out=v).sum(axis=1)
    pos += smp.COALITION_FLOOR
    p_ij = pos / (pos + np.swapaxes(pos, -1, -2))
    real = np.arange(w)[None, :] < m[:, None]
    p_ij = np.where(real[:, None, :], p_ij, 1.0)
    logs = np.log(p_ij).sum(axis=-1)
    logs[~real] = -np.inf
    logs -= logs.max(axis=-1, keepdims=True)
    e = np.exp(logs)
    return np.argmax(e / e.sum(axis=-1, keepdims=True), axis=1)


#: Elections of at most this many options run with the rows on the last axis
#: (:func:`_elect_rows_last`): each array pass of :func:`_elect` then runs along a few options
#: only, and NumPy's per-loop overhead dominates (2–4× slower for 3–8 options, measured).
SHORT_QUEUE = 8


def _elect_rows_last(util: F, weight: F, m: I64) -> I64:
    """:func:`_elect` with the rows on the last axis: ``util`` (voters, W, R), ``weight``
    (voters, R). The same operations on the same numbers: the sums over voters add one voter
    after another (a leading axis, as in :func:`_elect`), those over options follow NumPy's
    pairwise order of a row (:func:`detente.forecasts.eum_rounds.pairwise_sum`)."""
    w = util.shape[1]
    v = np.subtract(util[:, None, :, :], util[:, :, None, :])   # v[a, j, i] = u_ai − u_aj
    v *= weight[:, None, None, :]
    pos = maximum(v, 0.0, out=v).sum(axis=0)                     # pos[j, i] = C_ij
    pos += smp.COALITION_FLOOR
    p_ij = pos / (pos + np.swapaxes(pos, 0, 1))                  # [j, i] = P_ij
    real = np.arange(w)[:, None] < m[None, :]                    # (W, R)
    p_ij = np.where(real[:, None, :], p_ij, 1.0)
    logs = pairwise_sum(np.log(p_ij))                            # Σ_j log P_ij, [i, r]
    logs[~real] = -np.inf
    logs -= logs.max(axis=0)
    e = np.exp(logs)
    out: I64 = np.argmax(e / pairwise_sum(e), axis=0)
    return out


def _elect_two(u_sq: F, u_item: F, weight: F) -> I64:
    """:func:`_elect` of two options (status quo, one item), utilities (R, voters): the same
    operations on the four cells of each row (v_a(j, i) = −v_a(i, j) exactly, the sums over
    voters one voter after another as NumPy sums a leading axis)."""
    v = np.subtract(u_sq, u_item).T                   # (voters, R): v_a(0, 1) / w_a
    v = v * weight.T
    pos01 = maximum(v, 0.0).sum(axis=0)
    pos10 = maximum(-v, 0.0).sum(axis=0)
    pos00 = maximum(v * 0.0, 0.0).sum(axis=0)         # v_a(0, 0) = 0
    pos01 += smp.COALITION_FLOOR
    pos10 += smp.COALITION_FLOOR
    pos00 += smp.COALITION_FLOOR
    half = pos00 / (pos00 + pos00)
    logs0 = np.log(half) + np.log(pos01 / (pos01 + pos10))
    logs1 = np.log(pos10 / (pos10 + pos01)) + np.log(half)
    top = np.maximum(logs0, logs1)
    e0, e1 = np.exp(logs0 - top), np.exp(logs1 - top)
    tot = e0 + e1
    return (e1 / tot > e0 / tot).astype(np.int64)


def final_elections(x: F, sal: F, cap: F, risk: F, n: I64, reps: list[F]) -> list[F]:
    """The win probabilities of every issue's distinct final positions ``reps[b]`` (M_b, K)
    (:func:`detente.forecasts.smp.merge_positions`), as :func:`detente.forecasts.smp._final`
    computes them one issue at a time — ``condorcet(utility(distances(sal, x, reps), R),
    cap)`` — for the padded issues ``x``, ``sal`` (B, L, K), ``cap``, ``risk`` (B, L) of
    ``n`` (B,) actors, one election per number of distinct positions M (231 DEU issues: 231
    elections → 19). The issues of one M share its options unpadded, so every sum over options
    is the issue's own; distances and utilities are element by element; the voters, padded to
    the group's largest issue, are summed one after another (a leading axis) and the padded
    ones weigh 0, adding ±0 after the real ones. So each issue's numbers are its own, bit for
    bit (``tests/forecasts/test_forecast_fast_paths10.py``)."""
    m = np.array([len(r) for r in reps], dtype=np.int64)
    order = np.argsort(m, kind="stable")
    out: list[F] = [np.empty(0)] * len(reps)
    for lo, hi, _ in _runs(m, m[order], lambda a, k: k):
        rows = order[lo:hi]
        voters = int(n[rows].max())
        pts = np.stack([reps[b] for b in rows.tolist()])
        util = utility(distances(sal[rows, :voters], x[rows, :voters], pts),
                       risk[rows, :voters][:, :, None])
        win = smp.condorcet(util, cap[rows, :voters])
        for k, b in enumerate(rows.tolist()):
            out[b] = win[k]
    return out


@dataclass
class _Run:
    """The record of one issue's run so far: states, risk attitudes and ratios per turn."""

    traj: list[F]
    risks: list[F]
    ratios: list[float]
    seen: dict[bytes, int]

    def replay(self, start: int, opt: SMPOptions) -> None:
        """The state after the last turn equals state ``start``: repeat the cycle of turns
        start + 1 … until KTAB's stopping rule fires or the turns run out."""
        now = len(self.ratios)
        period = now - start
        for turn in range(now + 1, opt.max_turns + 1):
            k = start + (turn - start - 1) % period + 1      # the turn this one repeats
            self.traj.append(self.traj[k])
            self.risks.append(self.risks[k - 1])
            self.ratios.append(self.ratios[k - 1])
            if turn >= opt.min_turns and not self.ratios[-1] >= opt.stop_ratio:
                break


def run_smp_batch(x0: list[F], sal: list[F], cap: list[F],
                  options: SMPOptions | None = None,
                  final_only: bool = False) -> list[dict[str, object]]:
    """:func:`detente.forecasts.smp.run_smp` of many issues (``x0[b]``, ``sal[b]`` (n_b, K),
    ``cap[b]`` (n_b,); one K for all) at once; each issue stops by its own rule and every
    result is the one its own run gives. ``final_only``: each result has the final state's
    ``unique`` positions, ``win_probability``, ``group`` and ``degenerate_risk`` only (no
    stacked trajectory, risk attitudes or ratios: a forecast of the outcome needs none)."""
    opt = options or SMPOptions()
    nb = len(x0)
    n_b = np.array([len(c) for c in cap], dtype=np.int64)
    order = np.argsort(n_b, kind="stable")
    width, dims = int(n_b.max()), np.shape(x0[0])[1]
    x = np.zeros((nb, width, dims))
    s = np.zeros((nb, width, dims))
    c = np.zeros((nb, width))
    for row, b in enumerate(order):
        x[row, :n_b[b]], s[row, :n_b[b]], c[row, :n_b[b]] = x0[b], sal[b], cap[b]
    runs = [_Run([x[r, :n_b[b]].copy()], [], [], {x[r, :n_b[b]].tobytes(): 0})
            for r, b in enumerate(order)]
    first = np.zeros(nb)
    degenerate = np.zeros(nb, dtype=bool)
    live = np.arange(nb)
    for turn in range(1, opt.max_turns + 1):
        sizes = Sizes(n_b[order[live]])
        w = sizes.width
        new, risk, deg = smp_turn(x[live, :w], s[live, :w], c[live, :w], sizes, opt.chunk)
        moved = rowsum(np.linalg.norm(new - x[live, :w], axis=2), sizes)
        if turn == 1:
            first = moved
        ratio = moved / (first[live] + 1e-4)
        degenerate[live] |= deg
        x[live, :w] = new
        keep = np.ones(live.size, dtype=bool)
        stops = (~(ratio >= opt.stop_ratio) if turn >= opt.min_turns
                 else np.zeros(live.size, dtype=bool)).tolist()
        for k, (row, m, rat) in enumerate(zip(live.tolist(), sizes.n.tolist(), ratio.tolist(),
                                              strict=True)):
            run = runs[row]
            run.risks.append(risk[k, :m])
            run.ratios.append(rat)
            run.traj.append(new[k, :m])
            if stops[k]:
                keep[k] = False
                continue
            key = new[k, :m].tobytes()
            if key in run.seen and np.isfinite(new[k, :m]).all():
                run.replay(run.seen[key], opt)
                keep[k] = False
            run.seen[key] = turn
        log.debug("SMP turn %d: fractional change compared to first step %s", turn, ratio)
        live = live[keep]
        if live.size == 0:
            break
    # the risk attitudes of every issue's final state, all issues at once
    for r, b in enumerate(order.tolist()):
        x[r, :n_b[b]] = runs[r].traj[-1]
    sizes = Sizes(n_b[order])
    risk, deg = risk_attitudes(distances(s, x, x), c, sizes)
    merged = [smp.merge_positions(run.traj[-1], opt.merge_tol) for run in runs]
    wins = final_elections(x, s, c, risk, sizes.n, [reps for reps, _ in merged])
    out: list[dict[str, object]] = [{}] * nb
    for r, b in enumerate(order.tolist()):
        m = int(n_b[b])
        out[b] = smp._final(runs[r].traj, runs[r].risks, runs[r].ratios,
                            bool(degenerate[r]), (risk[r, :m], bool(deg[r])),
                            (*merged[r], wins[r]), final_only)
    return out
