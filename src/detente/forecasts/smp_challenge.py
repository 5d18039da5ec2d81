"""SMP's challenge step, scoring only the challenges the decision can turn on.

Source: KTAB (KAPSARC Toolkit for Behavioral Analysis), ``smp``, ``SMPState::bestChallenge``
and ``probEduChlg``; SMP.md (shared brief), one turn, step 2. The full step
(:func:`detente.forecasts.smp.best_challenges`) scores every pair (initiator i, target j) by
the votes of every third party n: O(N³) cells of about 27 array passes each. A turn needs
only, per initiator, the target of greatest expected gain ΔEU_ij (among gains above
``MIN_GAIN``) and the victory probability φ_ij of that one challenge.

ΔEU_ij is linear in φ_ij, and φ_ij = a / (a + b) has an upper bound without the third
parties' cells. Third party n votes v_n = w_n (E_i − E_j), and in exact arithmetic

    E_i − E_j = π (U_nn − U_ni) + (1 − π)(U_nj − U_nn),   0 ≤ π ≤ 1,

a convex combination; with U_nj ≤ U_nn = 1 (distances on 0–1, risk attitudes in [−1, 1]) the
support n gives i is at most w_n max(U_nn − U_ni, 0), whatever j. So

    φ_ij ≤ (A_ij + S_ij) / (A_ij + S_ij + B_ij),   S_ij = Σ_{n ≠ j} w_n max(U^i_nn − U^i_ni, 0)

(the target j casts no vote as a third party; S_ij = S_i − j's term), O(N²) per issue, and so
is the bound of ΔEU_ij. The step then runs in phases:

1. ``ROUNDS`` (2) times: per initiator, the candidate pair of best *estimated* gain (ΔEU at
   the principals' own φ = A / (A + B)) is scored exactly, and every pair whose upper bound
   falls below the best exact gain so far (or ``MIN_GAIN``) is dropped;
2. every pair left is scored exactly. The dropped ones have a smaller gain: they can be
   neither the best target nor tied with it, whatever order the pairs are scored in.

The estimate only orders the work (on the DEU file 613 k pairs were scored with the bound
over every third party, 723 k with one round of the former lower estimate, 551 k were the
best gains known in advance; with the target's term left out, 597 k).

The bounds carry margins (2e-9 per vote, 1e-9 on a gain) far above the rounding of the
scored cells (~1e-15); where their premises fail (a distance outside 0–1, a risk attitude
outside [−1, 1], a negative weight, anything not finite) every pair of the issue is scored.
A scored pair gets the very numbers of the full step: the same operations on the same
elements, its sums over third parties in rows padded only within one class of sizes
(:func:`detente.forecasts.smp_batch.rowsum`). On the 231 DEU development issues about 34 % of
the pairs are scored.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from detente.forecasts.eum_rounds import maximum, minimum
from detente.forecasts.smp import CHALLENGE_FLOOR, MIN_GAIN

F = NDArray[np.float64]
I64 = NDArray[np.int64]
#: Slack per third-party vote in the bound of φ (units of w_n), and on a gain.
VOTE_SLACK = 2e-9
GAIN_SLACK = 1e-9
#: Rounds of one pair per initiator (best estimate first) before the rest is scored.
ROUNDS = 2


@dataclass(frozen=True)
class Tables:
    """The O(N²) tables of the issues of one class of sizes (B, W, W) unless stated:
    ``one_d``, ``min_d`` = 1 − d_nj and min(d_nj, 1) at [b, j, n]; ``r_hi`` = r^i_n at
    [b, i, n]; ``u_own`` = U^i_ni and ``u_nn`` = U^i_nn at [b, i, n] (``unit_nn``: every
    U^i_nn is exactly 1, as it is when d_nn = 0 and r finite); ``u_ij`` = U^i_ij at
    [b, i, j]; ``u_ii`` (B, W); the weights ``w`` = s·c (B, W) and the saliences ``s``
    (B, W); the principals' sides A, B at [b, i, j]; 2U^i_ni + U^i_nn at [b, i, n]."""

    one_d: F
    min_d: F
    r_hi: F
    u_own: F
    u_nn: F
    u_ij: F
    u_ii: F
    w: F
    s: F
    big_a: F
    big_b: F
    two_u_own_nn: F
    unit_nn: bool

    @classmethod
    def of(cls, d: F, r_hi: F, sal_tot: F, cap: F) -> Tables:
        """The tables from distances ``d`` (B, W, W), ``r_hi`` (B, W, W), ``sal_tot`` and
        ``cap`` (B, W): each element by the operations of :func:`detente.forecasts.smp.
        utility` and ``smp._challenge_block``, so the same numbers."""
        d_t = np.ascontiguousarray(np.swapaxes(d, 1, 2))   # d_t[b, j, n] = d_nj
        one_d = 1.0 - d_t
        min_d = minimum(d_t, 1.0)
        u_own = one_d * (1.0 + r_hi * min_d)                # u(d_ni, r^i_n)
        u_nn = (np.diagonal(one_d, axis1=1, axis2=2)[:, None, :]
                * (1.0 + r_hi * np.diagonal(min_d, axis1=1, axis2=2)[:, None, :]))
        r_ii = np.diagonal(r_hi, axis1=1, axis2=2)[:, :, None]
        u_ij = (1.0 - d) * (1.0 + r_ii * minimum(d, 1.0))  # u(d_ij, r^i_i)
        u_ii = np.ascontiguousarray(np.diagonal(u_ij, axis1=1, axis2=2))
        w = sal_tot * cap
        ci = w[:, :, None] * (u_ii[:, :, None] - u_ij)
        cj = w[:, None, :] * (u_own - u_nn)
        big_a = CHALLENGE_FLOOR + maximum(ci, 0.0) + maximum(cj, 0.0)
        big_b = CHALLENGE_FLOOR + maximum(-ci, 0.0) + maximum(-cj, 0.0)
        return cls(one_d, min_d, r_hi, u_own, u_nn, u_ij, u_ii, w, sal_tot, big_a, big_b,
                   2 * u_own + u_nn, bool((u_nn == 1.0).all()))


def score(t: Tables, b: I64, i: I64, j: I64,
          parts: list[tuple[int, int, int]] | None = None) -> tuple[F, F]:
    """φ and ΔEU of the challenges (b, i, j) (``b`` ascending), exactly as the full step
    scores them: third parties n along a row (padded ones weigh 0), n = i and n = j cast no
    vote. ``parts`` (first, end, m): the issues first ≤ b < end sum their votes over the
    first m actors (the width of their class of sizes, which keeps NumPy's pairwise order);
    default: all over the tables' width."""
    width = t.w.shape[1]
    parts = [(0, t.w.shape[0], width)] if parts is None else parts
    m = max(p[2] for p in parts)
    bi, bj = b * width + i, b * width + j                 # rows of the (B·W, W) tables
    bij = bi * width + j

    def rows(table: F, at: I64) -> F:                     # contiguous (R, m)
        return np.take(table.reshape(-1, width)[:, :m], at, axis=0)

    u_nj = rows(t.one_d, bj)
    u_nj *= 1.0 + rows(t.r_hi, bi) * rows(t.min_d, bj)   # U^i_nj
    u_ni, wn = rows(t.u_own, bi), np.take(t.w[:, :m], b, axis=0)
    big_a, big_b = t.big_a.ravel()[bij], t.big_b.ravel()[bij]
    v = np.subtract(u_ni, u_nj)
    v *= wn                                               # v0 = w_n (U_ni − U_nj)
    pi = maximum(v, 0.0)
    pi += big_a[:, None]
    den = np.add(pi, big_b[:, None])
    den -= minimum(v, 0.0, out=v)
    pi /= den                                             # π
    not_pi = np.subtract(1, pi, out=den)
    e_i = np.multiply(u_nj, 3, out=v)
    e_i *= not_pi
    e_i += pi * rows(t.two_u_own_nn, bi)                  # π(2U_ni + U_nn) + (1 − π) 3U_nj
    e_j = np.multiply(u_nj, 2, out=u_nj)
    e_j += 1.0 if t.unit_nn else rows(t.u_nn, bi)        # x + 1.0: the same bits as x + U_nn
    e_j *= not_pi
    pi *= 3 * u_ni
    e_j += pi                                             # π 3U_ni + (1 − π)(2U_nj + U_nn)
    v = np.subtract(e_i, e_j, out=e_i)
    v *= wn
    rows_ = np.arange(b.size)
    v[rows_, i] = 0.0
    v[rows_, j] = 0.0
    a, bb = _sums(maximum(v, 0.0, out=e_j), minimum(v, 0.0, out=v), b, m, parts)
    a = big_a + a
    bb = big_b - bb
    phi = a / (a + bb)
    s_j, u_ii, u_ij = t.s.ravel()[bj], t.u_ii.ravel()[bi], t.u_ij.ravel()[bij]
    gain = ((1 - s_j) * 2 * u_ii + s_j * (phi * 2 * u_ii + (1 - phi) * 2 * u_ij)
            - (u_ii + u_ij))
    return phi, gain


def _sums(pos: F, neg: F, b: I64, m: int, parts: list[tuple[int, int, int]]
          ) -> tuple[F, F]:
    """Σ over each row of ``pos`` and ``neg`` (R, m), the rows of issues of each part over
    that part's width (a view: NumPy sums each row pairwise over its length, as
    :func:`detente.forecasts.smp_batch.rowsum` relies on)."""
    if len(parts) == 1 and parts[0][2] == m:
        return pos.sum(axis=1), neg.sum(axis=1)
    a, bb = np.empty(b.size), np.empty(b.size)
    for first, end, w in parts:
        r0, r1 = np.searchsorted(b, [first, end]).tolist()
        a[r0:r1] = pos[r0:r1, :w].sum(axis=1)
        bb[r0:r1] = neg[r0:r1, :w].sum(axis=1)
    return a, bb


def bounds(t: Tables) -> tuple[F, F]:
    """An upper bound of every pair's ΔEU (+inf where the premises fail) and an estimate
    (a heuristic: the order pairs are scored in), both (B, W, W).

    The bound depends on the target j: neither principal votes as a third party, so j's own
    support term σ_j = w_j (max(U^i_jj − U^i_ji, 0) + slack) leaves S_i, and φ_ij ≤
    (A_ij + S_ij) / (A_ij + S_ij + B_ij) with S_ij = s_i − σ_j, s_i = fl(Σ_n σ_n)(1 + 10⁻¹²).
    Rounding: the σ_n are ≥ 0, so fl(Σ_n σ_n) ≥ (1 − (N − 1)u) Σ_n σ_n (u = 2⁻⁵³), and for
    N < 4,000 actors s_i ≥ (1 + 5·10⁻¹³) Σ_n σ_n; with R = Σ_{n≠j} σ_n ≤ Σ_n σ_n the computed
    difference is ≥ (1 − u)(R + 5·10⁻¹³ Σ_n σ_n) ≥ R: never below the exact support of the
    other third parties, even when σ_j is almost all of it (the 10⁻¹² margin, not the
    per-vote slack, covers that cancellation). On DEU this drops 613 k → 597 k scored pairs.

    ΔEU(φ) = ΔEU(0) + 2 s_j (U_ii − U_ij) φ: the bound takes the larger end of [0, φ_hi];
    the slack covers the rounding of both this form and the full step's expression (under
    the premises |U| ≤ 1 + 1e-9 and s ≥ 0). The estimate is ΔEU at the principals' own
    φ = A / (A + B), as if the third parties split evenly."""
    support = t.u_nn - t.u_own
    maximum(support, 0.0, out=support)
    support += VOTE_SLACK
    support *= t.w[:, None, :]
    s_i = support.sum(axis=2) * (1 + 1e-12)
    top = np.subtract(s_i[:, :, None], support)      # the target j casts no vote
    top += t.big_a
    phi_hi = top / (top + t.big_b)
    phi_hi *= 1 + 1e-12
    minimum(phi_hi, 1.0, out=phi_hi)
    # ΔEU(φ) = (U_ii − U_ij)(1 − 2 s_j) + 2 s_j (U_ii − U_ij) φ in exact arithmetic
    slope = t.u_ii[:, :, None] - t.u_ij
    g0 = slope * (1 - 2 * t.s[:, None, :])
    slope *= 2 * t.s[:, None, :]
    hi = np.multiply(slope, phi_hi, out=phi_hi)
    hi += g0
    np.maximum(hi, g0, out=hi)
    hi += GAIN_SLACK * 4 * (1 + t.s[:, None, :])
    # premises, over padded actors too: 0 ≤ d ≤ 1 (d_nn = 0), −1 ≤ r ≤ 1, w, s ≥ 0, finite
    ok = (t.one_d.min(axis=(1, 2)) >= 0) & (t.one_d.max(axis=(1, 2)) <= 1)
    ok &= (np.diagonal(t.one_d, axis1=1, axis2=2) == 1).all(axis=1)
    ok &= (t.r_hi.min(axis=(1, 2)) >= -1) & (t.r_hi.max(axis=(1, 2)) <= 1 + 1e-9)
    ok &= ((t.w >= 0) & (t.s >= 0) & np.isfinite(t.w) & np.isfinite(t.s)).all(axis=1)
    hi[~ok] = np.inf
    if t.w.shape[1] >= 4000:                        # the sums' rounding margin (above)
        hi[:] = np.inf
    top = np.add(t.big_a, t.big_b, out=top)
    np.divide(t.big_a, top, out=top)
    est = np.multiply(slope, top, out=slope)
    est += g0
    return hi, est


def _score_all(t: Tables, b: I64, i: I64, j: I64, phi: F, gain: F, chunk: int,
               parts: list[tuple[int, int, int]]) -> None:
    """Score the pairs (b, i, j) (``b`` ascending; ``parts`` as :func:`score` has them) into
    ``phi`` and ``gain`` (B, W, W), in blocks of about ``chunk`` × 6,400 cells."""
    step = max(1, chunk * 6400 // max(p[2] for p in parts))
    width = phi.shape[1]
    flat = (b * width + i) * width + j                 # one index per cell, not three
    phi_f, gain_f = phi.reshape(-1), gain.reshape(-1)  # views: phi, gain are contiguous
    for lo in range(0, b.size, step):
        at = slice(lo, lo + step)
        phi_f[flat[at]], gain_f[flat[at]] = score(t, b[at], i[at], j[at], parts)


def challenges(d: F, r_hi: F, sal_tot: F, cap: F, n: I64, chunk: int = 8,
               parts: list[tuple[int, int, int]] | None = None) -> tuple[I64, F]:
    """Each initiator's best target (−1 if none) and φ of that challenge, for the issues of
    ``d``, ``r_hi`` (B, W, W); ``sal_tot``, ``cap`` (B, W); ``n`` their sizes: the targets and
    φ of :func:`detente.forecasts.smp.best_challenges`, bit for bit (φ is 0 where there is
    no target). ``parts`` (first, end, m): issues scored over rows of m actors, one class of
    sizes each (default: all over W). The tables and bounds are element-wise or carry slack,
    so several classes may share them padded to W; only the exact scores keep each class's
    width (their sums' pairwise order, :func:`detente.forecasts.smp_batch.rowsum`)."""
    nb, width = cap.shape
    parts = [(0, nb, width)] if parts is None else parts
    t = Tables.of(d, r_hi, sal_tot, cap)
    hi, est = bounds(t)
    valid = np.arange(width)[None, :] < n[:, None]
    cand = valid[:, :, None] & valid[:, None, :] & ~np.eye(width, dtype=bool)[None]
    cand &= ~(hi < MIN_GAIN)
    gain = np.full((nb, width, width), -np.inf)
    phi = np.zeros((nb, width, width))
    thr = np.full((nb, width), MIN_GAIN)
    est[np.isnan(est)] = -np.inf
    for _ in range(ROUNDS):
        # per initiator, the candidate of best estimate; then drop every pair that cannot
        # reach the best exact gain so far (or MIN_GAIN)
        b1, i1 = np.nonzero(cand.any(axis=2))
        live = cand.reshape(-1, width)[b1 * width + i1]          # whole rows gather fast
        key = est.reshape(-1, width)[b1 * width + i1]
        key[~live] = -np.inf
        j1 = np.argmax(key, axis=1)
        off = ~live[np.arange(j1.size), j1]  # no finite estimate: the first candidate
        j1[off] = np.argmax(live[off], axis=1)
        _score_all(t, b1, i1, j1, phi, gain, chunk, parts)
        cand[b1, i1, j1] = False
        thr[b1, i1] = np.fmax(thr[b1, i1], gain[b1, i1, j1])
        cand &= ~(hi < thr[:, :, None])
    b2, i2, j2 = np.nonzero(cand)             # the rest that can still reach it
    _score_all(t, b2, i2, j2, phi, gain, chunk, parts)
    gain[~(gain > MIN_GAIN)] = -np.inf
    best = np.argmax(gain, axis=2)
    at = np.arange(nb)[:, None], np.arange(width)[None, :], best
    ok = np.isfinite(gain[at])
    target = np.where(ok, best, -1)
    phi_best = np.where(ok, phi[at], 0.0)
    return target, phi_best
