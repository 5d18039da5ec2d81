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
  VoterSplit` and :func:`~detente.forecasts.eum.win_probability`;
- the offers take, per actor, the first kind of offer that exists (confrontation, compromise,
  capitulation) and its least key in one pass instead of one masked ``argmin`` per kind, which
  selects the same offer (:func:`scholz_offers`).

``tests/forecasts/test_eum_rounds.py`` compares every step with the (D, N, N) functions bit for
bit, and ``benchmarks/check_identical.py`` the whole Monte Carlo runs.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

F = NDArray[np.float64]
B = NDArray[np.bool_]
I = NDArray[np.intp]  # noqa: E741


def pairwise_sum(a: F) -> F:
    """Σ over axis 0 of ``a`` (n, ...) in NumPy's pairwise order (``pairwise_sum`` of
    numpy/_core/src/umath/loops_utils.h: eight running sums for n ≤ 128, halves above), i.e. the
    bits ``np.sum`` gives for a contiguous row of n numbers, vectorised over the other axes."""
    n = a.shape[0]
    if n < 8:
        res = np.zeros(a.shape[1:])
        for k in range(n):
            res += a[k]
        return res
    if n <= 128:
        r = a[:8].copy()
        stop = n - n % 8
        for k in range(8, stop, 8):
            r += a[k:k + 8]
        res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        for k in range(stop, n):
            res += a[k]
        return res
    half = n // 2
    half -= half % 8
    return pairwise_sum(a[:half]) + pairwise_sum(a[half:])


class State:
    """One round's positions ``x`` (N, D) and what depends on them alone: |x_i − x_j| / R and
    the clipped utility arguments (as :class:`~detente.forecasts.eum.PairDistances`), and the
    voters' split (as :class:`~detente.forecasts.eum.VoterSplit`): voters sorted by position,
    ``vdist[t, a]`` = |x_(t) − x_a|, ``left`` (x_i < x_j) and the flat indices ``at_j`` /
    ``at_i`` of the prefix sums over the first h_ij sorted voters in columns j / i."""

    def __init__(self, x: F, span: F, tol: float) -> None:
        n, d = x.shape
        self.x = x
        gap = np.abs(x[:, None, :] - x[None, :, :])
        self.gap = gap
        self.tie = gap <= tol
        self.dist = gap / span
        self.z_s = np.maximum(0.5 - 0.5 * self.dist, 0.0)
        self.z_f = 0.5 + 0.5 * self.dist  # >= 0.5: clipping at 0 changes nothing
        self.order = np.argsort(x, axis=0, kind="stable")
        xs = np.take_along_axis(x, self.order, 0)
        self.vdist = np.abs(xs[:, None, :] - x[None, :, :])
        h = np.zeros((n, n, d), dtype=np.uint8)
        closer = np.empty((n, n, d), dtype=np.bool_)
        for t in range(n):  # voters strictly closer to i than to j, counted voter by voter
            row = self.vdist[t]
            np.less(row[:, None, :], row[None, :, :], out=closer)
            h += closer.view(np.uint8)
        self.left = x[:, None, :] < x[None, :, :]
        hh = np.where(self.left, h, np.uint8(n) - h).astype(np.intp)
        hh *= n * d
        base = np.arange(d)
        col = (np.arange(n) * d)[:, None] + base  # a * D + draw
        self.at_j = (hh + col[None, :, :]).ravel()
        self.at_i = (hh + col[:, None, :]).ravel()


def win_probability(st: State, cs: F, span: F, how: str, r: F | None) -> F:
    """P[i, j, d] as :func:`detente.forecasts.eum.win_probability` (``cs`` = c·s, (N, D);
    ``r`` (N, D) the voters' exponents or ``None`` for linear votes)."""
    n, d = st.x.shape
    a = st.vdist / span
    if r is not None:
        a = np.power(a, np.take_along_axis(r, st.order, 0)[:, None, :])
    a *= np.take_along_axis(cs, st.order, 0)[:, None, :]
    pre = np.empty((n + 1, n, d))
    pre[0] = 0.0
    for t in range(n):
        np.add(pre[t], a[t], out=pre[t + 1])
    flat = pre.ravel()
    first = (flat.take(st.at_j) - flat.take(st.at_i)).reshape(n, n, d)
    total = pre[n]
    num = np.where(st.left, first, (total[None, :, :] - total[:, None, :]) - first)
    np.maximum(num, 0.0, out=num)
    if how == "all_pairs":
        den = 2 * pairwise_sum(num.reshape(n * n, d))
    else:
        den = num + num.transpose(1, 0, 2)
    p = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
    p[st.tie] = 0.0
    return p


def dangers(st: State, s: F, p: F, q: float) -> F:
    """Actor i's danger Σ_{j≠i} E(U_ji) with risk-neutral exponents, (N, D)
    (:func:`detente.forecasts.eum.risk_exponents`, Q = 1 or no status-quo term)."""
    u_s = 2.0 - 4.0 * st.z_s
    u_f = 2.0 - 4.0 * st.z_f
    s_i = s[:, None, :]
    p_ji = p.transpose(1, 0, 2)
    e_ji = s_i * (p_ji * u_s + (1 - p_ji) * u_f) + (1 - s_i) * u_s - q * (2.0 - 4.0 * 0.5)
    return pairwise_sum(e_ji.transpose(1, 0, 2)) - np.diagonal(e_ji).T


def expected_utilities(st: State, s: F, p: F, r: F, q: float) -> tuple[F, F]:
    """(E_ij, E_ji)[i, j, d] from i's perspective with exponents r_i, Q = 1 or no status-quo
    term (:func:`detente.forecasts.eum.expected_utility`)."""
    rr = r[:, None, :]
    u_s = 2.0 - 4.0 * np.power(st.z_s, rr)
    u_f = 2.0 - 4.0 * np.power(st.z_f, rr)
    u_sq = 2.0 - 4.0 * np.power(0.5, rr)
    s_j = s[None, :, :]
    s_i = s[:, None, :]
    p_ji = p.transpose(1, 0, 2)
    e_ij = s_j * (p * u_s + (1 - p) * u_f) + (1 - s_j) * u_s - q * u_sq
    e_ji = s_i * (p_ji * u_s + (1 - p_ji) * u_f) + (1 - s_i) * u_s - q * u_sq
    return e_ij, e_ji


def _any(mask: B) -> B:
    """Whether any j has ``mask[i, j, d]``, (N, D)."""
    out: B = np.logical_or.reduce(mask, axis=1)
    return out


def _gather(a: F, j: I) -> F:
    """a[i, j[i, d], d] for a (N, N, D) and j (N, D)."""
    n, d = j.shape
    idx = j * d + (np.arange(n) * (n * d))[:, None] + np.arange(d)
    return a.ravel().take(idx)


def scholz_offers(st: State, e_ij: F, e_ji: F, stated: bool,
                  least_movement: bool = False) -> tuple[F, B]:
    """New positions (N, D) and who moved, as :func:`detente.forecasts.eum.best_offers`.

    ``scholz_code``: each actor takes a confrontation offer if it has one (the least movement),
    else a compromise (the least |E|-weighted compromise point), else a capitulation (the least
    movement) — one ``argmin`` over keys that are +inf outside the actor's first kind, the
    offer the three masked ``argmin``s in turn select. ``least_movement``: the offer of any
    kind asking the least movement."""
    x = st.x
    differ = ~st.tie
    abs_ij = np.abs(e_ij)
    abs_ji = np.abs(e_ji)
    conf = differ & (e_ji > e_ij) & (e_ij > 0)
    yielding = differ & (e_ji > 0) & (e_ij < 0)
    comp = yielding & (e_ji > abs_ij)
    capit = yielding & (e_ji < abs_ij) if stated else np.zeros_like(conf)
    xi = x[:, None, :]
    xj = x[None, :, :]
    if least_movement:
        ratio = np.divide(abs_ij, abs_ji, out=np.zeros_like(e_ij), where=abs_ji > 0)
        target = np.where(comp, xi + (xj - xi) * ratio, xj)
        key = np.where(conf | comp | capit, np.abs(target - xi), np.inf)
        j = np.argmin(key, axis=1)
        has = np.isfinite(_gather(key, j))
        return np.where(has, _gather(target, j), x), has
    by_conf = _any(conf)
    by_comp = ~by_conf & _any(comp)
    by_cap = ~(by_conf | by_comp) & _any(capit)
    valid = (conf & by_conf[:, None, :]) | (comp & by_comp[:, None, :]) \
        | (capit & by_cap[:, None, :])
    wsum = abs_ij + abs_ji
    value = st.gap.copy()  # |x_j − x_i|: the movement a confrontation or capitulation asks
    np.divide(abs_ij * xi + abs_ji * xj, wsum, out=value, where=comp & (wsum > 0))
    value[~valid] = np.inf
    j = np.argmin(value, axis=1)
    has = by_conf | by_comp | by_cap
    xj_at = np.take_along_axis(x, j, 0)
    ratio = _gather(abs_ij, j) / np.where(by_comp, _gather(abs_ji, j), 1.0)
    new = np.where(by_comp, x + (xj_at - x) * ratio, xj_at)
    return np.where(has, new, x), has
