"""EUM rounds with the draws on the last axis: the same numbers as :mod:`detente.forecasts.eum`
in a layout NumPy runs fast.

The model and its equations are those of :mod:`detente.forecasts.eum` (Scholz, Calbert & Smith
2011, "Unravelling Bueno De Mesquita's group decision model", *Journal of Theoretical Politics*
23(4), 510–531). Only the memory layout differs: pair quantities are (N, N, D) arrays indexed
[i, j, draw] and actor quantities (N, D), so every broadcast over actors runs NumPy's inner
loop along the D draws (hundreds of contiguous numbers) instead of along N actors (24 numbers,
one loop call each: in the (D, N, N) layout a broadcast ``x_i − x_j`` costs 9× a contiguous
add). Each value is computed by the same floating-point operations in the same order:

- sums over actors reproduce NumPy's pairwise summation (:func:`pairwise_sum`), the order
  ``ndarray.sum`` adds a contiguous row in, so the win-probability norm and the dangers are the
  same bits;
- the voters' counts, prefix sums and gathers are those of :class:`~detente.forecasts.eum.
  VoterSplit` and :func:`~detente.forecasts.eum.win_probability`, with the actors' positions
  taken in the voters' order too (one distance table) and the counts from the voters between
  two positions only (:meth:`Rounds._split_sorted`, exact under a gap guard, else every voter);
- NumPy's power takes a slow path on zero bases: those are raised as 1 and set back to 0;
- the offers take, per actor, the first kind of offer that exists (confrontation, compromise,
  capitulation) and its least key in one pass instead of one masked ``argmin`` per kind, which
  selects the same offer (:meth:`Rounds.offers`).

``tests/forecasts/test_eum_rounds.py`` compares every step with the (D, N, N) functions bit for
bit, and ``benchmarks/check_identical.py`` the whole Monte Carlo runs.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

F = NDArray[np.float64]
B = NDArray[np.bool_]
I = NDArray[np.intp]  # noqa: E741


#: Cells of the constant operand of :func:`maximum` and :func:`minimum` (512 KiB, allocated
#: once per value): larger arrays are taken in blocks of this many cells.
CONST_CELLS = 65536
_CONST: dict[float, F] = {}


def maximum(a: F, value: float, out: F | None = None) -> F:
    """``np.maximum(a, value, out=out)``, bit for bit (see :func:`_against`)."""
    return _against(np.maximum, a, value, out)


def minimum(a: F, value: float, out: F | None = None) -> F:
    """``np.minimum(a, value, out=out)``, bit for bit (see :func:`_against`)."""
    return _against(np.minimum, a, value, out)


def _against(f: np.ufunc, a: F, value: float, out: F | None) -> F:
    """``f(a, value, out=out)`` for a float array ``a``, with ``value`` as a contiguous array of
    the constant instead of a scalar: the same comparison of the same two doubles, element by
    element, so the same bits (signed zeros and NaN included), in about half the time — NumPy
    (2.4) runs a maximum or minimum against a scalar through its buffered iterator, copying
    the scalar into a buffer block by block. Arrays of more than :data:`CONST_CELLS` cells go
    in blocks of the flattened array when ``a`` and ``out`` are contiguous, else against the
    scalar as before. Used by SMP and the EUM."""
    if out is None:
        out = np.empty(a.shape)
    buf = _CONST.get(value)
    if buf is None:
        buf = np.full(CONST_CELLS, value)
        buf.flags.writeable = False
        _CONST[value] = buf
    if a.size <= CONST_CELLS:
        f(a, buf[:a.size].reshape(a.shape), out=out)
    elif a.flags.c_contiguous and out.flags.c_contiguous:
        flat_a, flat_out = a.reshape(-1), out.reshape(-1)
        for lo in range(0, flat_a.size, CONST_CELLS):
            hi = min(lo + CONST_CELLS, flat_a.size)
            f(flat_a[lo:hi], buf[:hi - lo], out=flat_out[lo:hi])
    else:
        f(a, value, out=out)
    return out


def pairwise_sum(a: F) -> F:
    """Σ over axis 0 of ``a`` (n, ...) in NumPy's pairwise order (``pairwise_sum`` of
    numpy/_core/src/umath/loops_utils.h: eight running sums for n ≤ 128, halves above), i.e. the
    bits ``np.sum`` gives for a contiguous row of n numbers, vectorised over the other axes.
    Where every halving gives equal halves (n a multiple of 16 above 128) the 2^k leaves are
    summed side by side, then combined pairwise as the halves are."""
    n = a.shape[0]
    if n < 8:
        res = np.zeros(a.shape[1:])
        for k in range(n):
            res += a[k]
        return res
    leaves, m = 1, n
    while m > 128 and m % 16 == 0:
        leaves, m = 2 * leaves, m // 2
    if m > 128:  # unequal halves: as NumPy splits them
        half = m // 2 - (m // 2) % 8
        if leaves == 1:
            return pairwise_sum(a[:half]) + pairwise_sum(a[half:])
        return _combine(np.stack([pairwise_sum(leaf) for leaf in
                                  a.reshape(leaves, m, *a.shape[1:])]))
    stack = a.reshape(leaves, m, *a.shape[1:])
    r = stack[:, :8].copy()
    stop = m - m % 8
    for k in range(8, stop, 8):
        r += stack[:, k:k + 8]
    res = ((r[:, 0] + r[:, 1]) + (r[:, 2] + r[:, 3])) + ((r[:, 4] + r[:, 5]) + (r[:, 6] + r[:, 7]))
    for k in range(stop, m):
        res += stack[:, k]
    return _combine(res)


def _combine(leaves: F) -> F:
    """Pairwise sums of 2^k leaves, as the halves of :func:`pairwise_sum` add up."""
    while leaves.shape[0] > 1:
        leaves = leaves[0::2] + leaves[1::2]
    out: F = leaves[0]
    return out


def _select(mask_bits: NDArray[np.int64], a: F, b: F) -> F:
    """``np.where(mask, a, b)`` written into ``b`` by bits (``mask_bits`` 0 or all ones; ``a``
    is overwritten): the same numbers without the branch NumPy's ``where`` takes per element."""
    ai, bi = a.view(np.int64), b.view(np.int64)
    np.bitwise_xor(ai, bi, out=ai)
    np.bitwise_and(ai, mask_bits, out=ai)
    np.bitwise_xor(bi, ai, out=bi)
    return b


def _mix(p: F, u_s: F, u_f: F, s: F, out: F, tmp: F) -> F:
    """s (p U_s + (1 − p) U_f) + (1 − s) U_s into ``out``, in that order of operations."""
    np.multiply(p, u_s, out=out)
    np.subtract(1, p, out=tmp)
    np.multiply(tmp, u_f, out=tmp)
    np.add(out, tmp, out=out)
    np.multiply(out, s, out=out)
    np.multiply(1 - s, u_s, out=tmp)
    return np.add(out, tmp, out=out)


def _u(z: F, r: F | None, out: F) -> F:
    """2 − 4 z^r into ``out`` (``None`` = r of 1)."""
    if r is None:
        np.multiply(z, 4.0, out=out)
    else:
        np.power(z, r, out=out)
        np.multiply(out, 4.0, out=out)
    return np.subtract(2.0, out, out=out)


def _any(mask: B) -> B:
    """Whether any j has ``mask[i, j, d]``, (N, D)."""
    out: B = np.logical_or.reduce(mask, axis=1)
    return out


def _least_gap(ps: F) -> F:
    """The least positive distance between two of the sorted positions ``ps`` (N, D), per
    draw (inf where all are equal)."""
    gaps = np.diff(ps, axis=0)
    out: F = np.min(np.where(gaps > 0, gaps, np.inf), axis=0, initial=np.inf)
    return out


def _first_least(key: F) -> I:
    """``np.argmin(key, axis=1)``: the first j holding the least ``key[i, j, d]``, NaN
    ignored (``fmin``)."""
    n = key.shape[1]
    least = np.fmin.reduce(key, axis=1)
    hit = np.equal(key, least[:, None, :]).view(np.uint8)
    hit *= (n - np.arange(n, dtype=np.uint8))[None, :, None]  # n − j where least, else 0
    out: I = n - np.maximum.reduce(hit, axis=1).astype(np.intp)
    return out


class Rounds:
    """The rounds of one block of D draws of N actors, in buffers reused round after round (a
    small working set: each (N, N, D) array is written where the last round's was).

    :meth:`place` takes a round's positions ``x`` (N, D): |x_i − x_j| (``gap``), the tie mask
    and the clipped utility arguments ``z_s``, ``z_f`` (as
    :class:`~detente.forecasts.eum.PairDistances`), and the voters' split (as
    :class:`~detente.forecasts.eum.VoterSplit`): voters sorted by position and the actors'
    positions too, ``vdist[t, b]`` = |p_t − p_b| / R (p the sorted positions: voter t, the
    b-th position), ``left_bits`` (all ones where x_i < x_j) and the flat indices ``at_j`` /
    ``at_i`` of the prefix sums over the first h_ij sorted voters in the columns of j / i.
    """

    def __init__(self, n: int, d: int) -> None:
        shape = (n, n, d)
        self.n, self.d = n, d
        self.gap, self.z_s, self.z_f, self.vdist = (np.empty(shape) for _ in range(4))
        self.a, self.first, self.p, self.tmp = (np.empty(shape) for _ in range(4))
        self.u_s, self.u_f, self.e_ij, self.e_ji = (np.empty(shape) for _ in range(4))
        self.pre = np.empty((n + 1, n, d))
        self.pre[0] = 0.0
        self.tie, self.closer, self.neg, self.flag, self.same = (
            np.empty(shape, np.bool_) for _ in range(5))
        self.h, self.right = np.empty(shape, np.uint8), np.empty(shape, np.uint8)
        self.cnt, self.code = np.empty(shape, np.uint8), np.empty(shape, np.uint8)
        self.both = np.empty((2, *shape), np.uint8)
        self.at_j, self.at_i = np.empty(shape, np.intp), np.empty(shape, np.intp)
        self.left_bits = np.empty(shape, np.int64)
        self.x = np.empty((n, d))
        self.order = np.empty(n * d, np.intp)
        self.col = np.empty((n, d), np.intp)
        self.sym = self.inside = self.near_ties = False
        rows = np.arange(n)[:, None]
        base = np.where(rows < rows.T, rows + 1, rows)  # [a, b]: a + 1 above, b below
        np.fill_diagonal(base, n)
        self.base = base.astype(np.uint8)[:, :, None]
        self.rank = np.empty((n, d), np.intp)
        self.tvals = np.repeat(np.arange(n), d)
        # views used every round, made once (the buffers behind them are reused)
        self.prefix_steps = [(self.pre[t], self.a[t], self.pre[t + 1]) for t in range(n)]
        scratch = self.closer.ravel()  # room for both blocks: 2 t k <= N² / 2
        self.split_steps = []
        for t in range(1, n - 1):
            row, k = self.vdist[t], n - 1 - t
            closer = scratch[:2 * t * k * d].reshape(2, t, k, d)
            self.split_steps.append((row[:t, None, :], row[None, t + 1:, :], closer[0],
                                     closer[1], closer.view(np.uint8),
                                     self.both[:, :t, t + 1:]))

    def place(self, x: F, span: F, tol: float) -> None:
        """This round's positions ``x`` (N, D) and what depends on them alone."""
        n, d = self.n, self.d
        self.x = x
        # positions within the first round's range R (as offers keep them, up to rounding):
        # then every |x_i − x_j| / R <= 1
        self.inside = bool(np.all(np.ptp(x, axis=0) <= span))
        order = np.argsort(x, axis=0, kind="stable")
        self.order = (order * d + np.arange(d)).ravel()  # flat: x.ravel()[order] = sorted x
        ps = self.sorted(x)
        least = _least_gap(ps)
        gap, tmp = self.gap, self.tmp
        np.subtract(x[:, None, :], x[None, :, :], out=gap)
        np.right_shift(gap.view(np.int64), 63, out=self.left_bits)  # x_i − x_j < 0: all ones
        np.abs(gap, out=gap)
        np.less_equal(gap, tol, out=self.tie)
        if bool(np.all((least >= span * 2.0**-1000) & (span < 1e300))):
            # no quotient near the subnormal range: |x_i − x_j| / (2R) = (|x_i − x_j| / R) / 2
            np.divide(gap, 2.0 * span, out=tmp)
        else:
            np.divide(gap, span, out=tmp)  # d = |x_i − x_j| / R
            np.multiply(tmp, 0.5, out=tmp)
        np.add(tmp, 0.5, out=self.z_f)  # 0.5 + 0.5 d >= 0.5: clipping at 0 changes nothing
        np.subtract(0.5, tmp, out=self.z_s)
        if not self.inside:  # else 0.5 − 0.5 d >= 0 already
            maximum(self.z_s, 0.0, out=self.z_s)
        vs = self.vdist
        np.subtract(ps[:, None, :], ps[None, :, :], out=vs)
        np.abs(vs, out=vs)  # |p_t − p_b|: voter t's distance to the b-th position
        np.equal(vs, 0.0, out=self.same)  # equal positions (sorted pairs)
        # pairs within tol that are not on one position: their win probabilities must be set to
        # 0 (on one position they are 0 already: the same prefix sums both ways)
        self.near_ties = np.count_nonzero(self.tie) != np.count_nonzero(self.same)
        if not self._split_sorted(ps, least):
            self._split_all(ps)
        rank, col = self.rank, self.col
        rank.ravel()[self.order] = self.tvals  # x_i is p_(rank_i)
        np.multiply(rank, d, out=col)
        col += np.arange(d)  # flat index of p_(rank_i) in (N, D)
        # back to the actors' own order: h[i, j] = cnt[rank_i, rank_j]
        at = np.add((rank * (n * d) + np.arange(d))[:, None, :], (rank * d)[None, :, :],
                    out=self.at_i)
        self.cnt.ravel().take(at.ravel(), out=self.h.ravel(), mode="clip")
        np.divide(vs, span, out=vs)  # from here on |p_t − p_b| / R
        h = self.h
        # no voter equidistant from two positions: h_ji = h_ij, so the prefix sums at h_ij in
        # column i are those at h_ji, gathered already (win_probability transposes them)
        self.sym = bool(np.array_equal(h, h.transpose(1, 0, 2)))
        np.multiply(h, n * d, out=self.at_i, dtype=np.intp)
        np.add(self.at_i, col[None, :, :], out=self.at_j)
        if not self.sym:
            np.add(self.at_i, col[:, None, :], out=self.at_i)

    def _split_all(self, ps: F) -> None:
        """``cnt[a, b]``: h for the a-th and b-th positions ``ps`` (sorted), the number of
        sorted voters whose prefix sums count: t_ab = the voters strictly closer to p_a than
        to p_b, counted voter by voter (N³ comparisons), where p_a < p_b, else N − t_ab."""
        n = self.n
        cnt, closer = self.cnt, self.closer
        cnt.fill(0)
        for t in range(n):
            row = self.vdist[t]
            np.less(row[:, None, :], row[None, :, :], out=closer)
            np.add(cnt, closer.view(np.uint8), out=cnt)
        left = np.less(ps[:, None, :], ps[None, :, :], out=closer).view(np.uint8)
        mask = np.subtract(0, left, out=left)  # 0 / 255
        right = np.subtract(n, cnt, out=self.right)
        # h on the left, n − h on the right: a branch-free select of the same numbers
        np.bitwise_xor(cnt, right, out=cnt)
        np.bitwise_and(cnt, mask, out=cnt)
        np.bitwise_xor(cnt, right, out=cnt)

    def _split_sorted(self, ps: F, least: F) -> bool:
        """``cnt`` as :meth:`_split_all` gives it with N³/3 comparisons instead of N³. False
        (nothing done) when two distinct positions are too close for the shortcut to be exact.

        For sorted a < b with p_a < p_b, distances rounded (fl) as :class:`~detente.forecasts.
        eum.VoterSplit` computes them: a voter t <= a is strictly closer to a (fl(p_a − p_t) <
        fl(p_b − p_t): rounding moves each by at most 2⁻⁵³ of it, less than half the gap
        p_b − p_a when every gap exceeds 2⁻⁵⁰ of the range), a voter t >= b strictly closer
        to b; only the voters between are compared, voter by voter (a block a < t < b each).
        So t_ab = a + 1 + #(between, closer to a) and h_ba = N − t_ba = b − #(between, closer
        to b); equal positions have no voter on either side (h = N both ways)."""
        n = self.n
        if n < 3:
            return False
        if not bool(np.all((least > (ps[-1] - ps[0]) * 2.0**-50) & (least > 1e-290))):
            return False
        cnt = self.cnt
        both = self.both  # [0, a, b]: between voters closer to a, [1, a, b]: closer to b
        both.fill(0)
        less, greater, add = np.less, np.greater, np.add
        for lo, hi, to_a, to_b, closer, block in self.split_steps:  # voter t, a < t < b
            less(lo, hi, out=to_a)
            greater(lo, hi, out=to_b)
            add(block, closer, out=block)
        np.add(self.base, both[0], out=cnt)
        np.subtract(cnt, both[1].transpose(1, 0, 2), out=cnt)  # below the diagonal
        np.maximum(cnt, np.multiply(self.same.view(np.uint8), n, out=self.right), out=cnt)
        return True

    def sorted(self, v: F) -> F:
        """An actor quantity (N, D) in the voters' order of this round."""
        return v.ravel().take(self.order).reshape(v.shape)

    def win_probability(self, cs: F, how: str, r: F | None) -> F:
        """P[i, j, d] as :func:`detente.forecasts.eum.win_probability` (``cs`` = c·s, (N, D);
        ``r`` (N, D) the voters' exponents or ``None`` for linear votes), in ``self.p``."""
        n, d = self.n, self.d
        a, pre = self.a, self.pre
        if r is None:
            np.multiply(self.vdist, self.sorted(cs)[:, None, :], out=a)
        else:
            # 0^r = 0 (r > 0) computed as 1^r · 0: NumPy's power takes a slow path on zeros
            sg = self.u_s  # 0 on the voter's own position, else 1 (distances <= 1 inside)
            (np.ceil if self.inside else np.sign)(self.vdist, out=sg)
            np.subtract(1.0, sg, out=a)
            np.maximum(self.vdist, a, out=a)
            np.power(a, self.sorted(r)[:, None, :], out=a)
            np.multiply(a, sg, out=a)
            np.multiply(a, self.sorted(cs)[:, None, :], out=a)
        add = np.add
        for before, term, after in self.prefix_steps:
            add(before, term, out=after)
        flat = pre.ravel()
        got, first = self.first, self.tmp
        flat.take(self.at_j.ravel(), out=got.ravel(), mode="clip")
        if self.sym:  # the sums in column i at h_ij = h_ji: gathered as [j, i]
            np.subtract(got, got.transpose(1, 0, 2), out=first)
        else:
            flat.take(self.at_i.ravel(), out=first.ravel(), mode="clip")
            np.subtract(got, first, out=first)
        other = got
        total = pre[n].ravel().take(self.col)  # Σ over all voters, in the actors' order
        num = np.subtract(total[None, :, :], total[:, None, :], out=self.p)
        np.subtract(num, first, out=num)
        _select(self.left_bits, first, num)
        maximum(num, 0.0, out=num)
        if how == "all_pairs":
            den = 2 * pairwise_sum(num.reshape(n * n, d))
            ok = den > 0
            np.divide(num, np.where(ok, den, 1.0), out=num)
            if not ok.all():
                num[:, :, ~ok] = 0.0
        else:
            den = np.add(num, num.transpose(1, 0, 2), out=other)
            np.copyto(num, np.divide(num, den, out=np.zeros_like(num), where=den > 0))
        if self.near_ties:
            num[self.tie] = 0.0
        return num

    def dangers(self, s: F, q: float) -> F:
        """Actor i's danger Σ_{j≠i} E(U_ji) with risk-neutral exponents, (N, D), from the
        linear ``self.p`` (:func:`detente.forecasts.eum.risk_exponents`; Q = 1 or no
        status-quo term).

        With exponent 1, U_s and U_f depend on |x_i − x_j| alone (the same bits both ways), so
        E(U_ji) as i sees it, s_i (P_ji U_s + (1 − P_ji) U_f) + (1 − s_i) U_s, is entry [j, i]
        of the same expression over P itself with s along the columns: no transposed operand.
        """
        e_t = _mix(self.p, _u(self.z_s, None, self.u_s), _u(self.z_f, None, self.u_f),
                   s[None, :, :], self.e_ij, self.tmp)  # e_t[j, i] = E_ji
        sq = q * (2.0 - 4.0 * 0.5)
        if sq != 0.0:  # subtracting 0.0 changes no number
            e_t -= sq
        return pairwise_sum(e_t) - np.diagonal(e_t).T

    def utilities(self, s: F, r: F, q: float) -> tuple[F, F]:
        """(E_ij, E_ji)[i, j, d] from i's perspective with exponents r_i, from ``self.p``
        (Q = 1 or no status-quo term; :func:`detente.forecasts.eum.expected_utility`)."""
        rr = r[:, None, :]
        u_s = _u(self.z_s, rr, self.u_s)
        u_f = _u(self.z_f, rr, self.u_f)
        sq = q * (2.0 - 4.0 * np.power(0.5, rr))
        p_ji = self.a
        np.copyto(p_ji, self.p.transpose(1, 0, 2))
        e_ij = _mix(self.p, u_s, u_f, s[None, :, :], self.e_ij, self.tmp)
        e_ji = _mix(p_ji, u_s, u_f, s[:, None, :], self.e_ji, self.tmp)
        e_ij -= sq
        e_ji -= sq
        return e_ij, e_ji

    def offers(self, stated: bool, least_movement: bool = False) -> tuple[F, B]:
        """New positions (N, D) and who moved, from ``self.e_ij`` / ``self.e_ji``, as
        :func:`detente.forecasts.eum.best_offers`.

        ``scholz_code``: each actor takes a confrontation offer if it has one (the least
        movement), else a compromise (the least |E|-weighted compromise point), else a
        capitulation (the least movement) — one ``argmin`` over keys set aside (NaN) outside
        the actor's first kind: the offer the three masked ``argmin``s in turn select.
        ``least_movement``: the offer of any kind asking the least movement."""
        x, e_ij, e_ji = self.x, self.e_ij, self.e_ji
        differ = ~self.tie
        abs_ij = np.abs(e_ij, out=self.first)
        if not least_movement:
            return self._first_kind_offers(stated, differ, abs_ij)
        conf = differ & (e_ji > e_ij) & (e_ij > 0)
        yielding = differ & (e_ji > 0) & (e_ij < 0)
        comp = yielding & (e_ji > abs_ij)
        capit = yielding & (e_ji < abs_ij) if stated else np.zeros_like(conf)
        xi = x[:, None, :]
        xj = x[None, :, :]
        abs_ji = np.abs(e_ji)
        ratio = np.divide(abs_ij, abs_ji, out=np.zeros_like(e_ij), where=abs_ji > 0)
        target = np.where(comp, xi + (xj - xi) * ratio, xj)
        key = np.where(conf | comp | capit, np.abs(target - xi), np.inf)
        j = np.argmin(key, axis=1)
        has = np.isfinite(_gather(key, j))
        return np.where(has, _gather(target, j), x), has

    def _first_kind_offers(self, stated: bool, differ: B, abs_ij: F) -> tuple[F, B]:
        """:meth:`offers` with ``scholz_code`` selection.

        Kinds (Scholz et al. 2011, Table 1): confrontation E_ij > 0 and E_ji > E_ij,
        compromise E_ij < 0 and E_ji > |E_ij|, capitulation E_ij < 0 and 0 < E_ji < |E_ij|;
        where E_ij > 0, E_ji > E_ij is E_ji > |E_ij|, so one comparison serves the first two.
        Each offer gets a code (0 confrontation, 1 compromise, 2 capitulation, 3 none) and each
        actor the least code of its row: its first kind."""
        x, e_ij, e_ji, d = self.x, self.e_ij, self.e_ji, self.d
        above = np.greater(e_ji, abs_ij, out=self.closer)
        neg = np.less(e_ij, 0.0, out=self.neg)
        np.logical_and(neg, differ, out=neg)
        code = np.multiply(np.logical_and(above, neg, out=self.flag).view(np.uint8), 2,
                           out=self.code)  # compromise: 2 for now
        conf = np.greater(e_ij, 0.0, out=self.flag)
        np.logical_and(conf, differ, out=conf)
        np.logical_and(conf, above, out=conf)
        np.add(code, np.multiply(conf.view(np.uint8), 3, out=self.right), out=code)
        if stated:
            capit = np.greater(e_ji, 0.0, out=self.flag)
            np.logical_and(capit, neg, out=capit)
            np.logical_and(capit, np.less(e_ji, abs_ij, out=above), out=capit)
            np.add(code, capit.view(np.uint8), out=code)
        np.subtract(3, code, out=code)  # 3 − (3 conf + 2 comp + capit): kinds never overlap
        kind = np.minimum.reduce(code, axis=1)
        by_comp = kind == 1
        # Keys: an actor's offers are all of its first kind, so its row is either the
        # compromise points (|E_ij| x_i + |E_ji| x_j) / (|E_ij| + |E_ji|) (a compromise has
        # E_ji > |E_ij| >= 0, so |E_ji| = E_ji and the sum is > 0) or |x_j − x_i|, the
        # movement a confrontation or capitulation asks; offers of other kinds are NaN.
        xi = x[:, None, :]
        xj = x[None, :, :]
        point, tmp = self.a, self.tmp
        np.multiply(abs_ij, xi, out=point)
        np.multiply(e_ji, xj, out=tmp)
        np.add(point, tmp, out=point)
        np.add(abs_ij, e_ji, out=tmp)
        with np.errstate(divide="ignore", invalid="ignore"):  # entries that are no compromise
            np.divide(point, tmp, out=point)
        key = _select(np.subtract(0, by_comp.view(np.uint8), dtype=np.int64)[:, None, :], point,
                      self.gap)  # |x_i − x_j| is not wanted after the offers
        other = np.not_equal(code, kind[:, None, :], out=self.flag).view(np.int8)
        np.negative(other, out=other)  # −1 (all bits set: a NaN) where the kind differs
        np.bitwise_or(key.view(np.int64), other, out=key.view(np.int64))
        j = _first_least(key)
        has = kind < 3
        xj_at = x.ravel().take((j * d + np.arange(d)).ravel()).reshape(x.shape)
        ratio = _gather(abs_ij, j) / np.where(by_comp, _gather(e_ji, j), 1.0)
        new = np.where(by_comp, x + (xj_at - x) * ratio, xj_at)
        return np.where(has, new, x), has


def _gather(a: F, j: I) -> F:
    """a[i, j[i, d], d] for a (N, N, D) and j (N, D)."""
    n, d = j.shape
    idx = j * d + (np.arange(n) * (n * d))[:, None] + np.arange(d)
    return a.ravel().take(idx)
