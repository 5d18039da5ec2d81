"""The bargaining range over a divisible stake (Fearon 1995), with optimism and discounting.

Two sides, A and B, bargain over a stake normalised to [0, 1]; x is A's share (for example the
share of the contested territory under A's control after a settlement). Fighting on gives A the
stake with probability p (equivalently, A expects the share p), costs A c_A and B c_B (in units
of the stake) and settles the stake only when the fighting ends, so the prize is discounted by
δ ∈ (0, 1] against a deal that settles it now. Each side judges the war by its own estimate of
p: A by p_A, B by p_B.

    A prefers a deal x to war   ⇔  x ≥ δ·p_A − c_A                       (Fearon 1995, §2)
    B prefers a deal x to war   ⇔  1 − x ≥ δ·(1 − p_B) − c_B
                                 ⇔  x ≤ 1 − δ·(1 − p_B) + c_B

so the bargaining range is [δ·p_A − c_A, 1 − δ(1 − p_B) + c_B]. With δ = 1 and shared beliefs
p_A = p_B = p it is Fearon's [p − c_A, p + c_B], never empty when c_A + c_B > 0. Its width is
c_A + c_B + (1 − δ) − δ·(p_A − p_B): costs and impatience open it, mutual optimism
(p_A > p_B, the "hot-hand delusion" of seed 000) closes it.

All functions broadcast over NumPy arrays (Monte Carlo draws, paths × months).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

TOL = 1e-12
"""Default tolerance on comparisons of shares of the stake."""

FloatArray = NDArray[np.float64]


def _f(x: ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


@dataclass(frozen=True)
class BargainingRange:
    """The bargaining range (arrays broadcast over the inputs).

    ``low`` is A's reservation share (the least A accepts), ``high`` the most B concedes;
    ``exists`` where ``low <= high + tol``. ``width = high - low`` (negative: the gap that keeps
    it closed). ``optimism_a = δ·(p_A − p)`` and ``optimism_b = δ·(p − p_B)`` are each side's
    optimism measured against the reference p, in stake units: how much each one narrows the
    range. ``closed_by`` is "" where the range exists, else "A", "B" or "both" (whose optimism
    is positive) or "costs" when neither side is optimistic (only possible with negative width
    from the inputs, which valid costs exclude).
    """

    low: FloatArray
    high: FloatArray
    width: FloatArray
    exists: NDArray[np.bool_]
    optimism_a: FloatArray
    optimism_b: FloatArray
    closed_by: NDArray[np.str_]

    def contains(self, x: ArrayLike, tol: float = TOL) -> NDArray[np.bool_]:
        """Whether a deal giving A the share ``x`` lies inside the range (within ``tol``)."""
        xs = _f(x)
        return (self.low <= xs + tol) & (xs <= self.high + tol)


def reservation_a(p_a: ArrayLike, c_a: ArrayLike, delta: ArrayLike = 1.0) -> FloatArray:
    """A's reservation share, the value of fighting on: δ·p_A − c_A (Fearon 1995)."""
    return _f(delta) * _f(p_a) - _f(c_a)


def reservation_b(p_b: ArrayLike, c_b: ArrayLike, delta: ArrayLike = 1.0) -> FloatArray:
    """The largest share of A that B concedes: 1 − δ·(1 − p_B) + c_B (Fearon 1995)."""
    return 1.0 - _f(delta) * (1.0 - _f(p_b)) + _f(c_b)


def bargaining_range(p: ArrayLike, c_a: ArrayLike, c_b: ArrayLike, *,
                     p_a: ArrayLike | None = None, p_b: ArrayLike | None = None,
                     delta: ArrayLike = 1.0, tol: float = TOL) -> BargainingRange:
    """The bargaining range [δ·p_A − c_A, 1 − δ(1 − p_B) + c_B] (Fearon 1995, §2 and §3).

    Args:
        p: reference probability that A wins (or A's expected share from war), in [0, 1].
        c_a, c_b: each side's expected cost of fighting on, in units of the stake, ≥ 0.
        p_a, p_b: each side's own estimate of p (default ``p``: complete information).
        delta: discount on the prize of war against a deal now, in (0, 1].
        tol: tolerance on ``low <= high``.

    Example:
        >>> r = bargaining_range(0.4, 0.1, 0.15)
        >>> round(float(r.low), 6), round(float(r.high), 6), bool(r.exists)
        (0.3, 0.55, True)
        >>> bool(bargaining_range(0.4, 0.1, 0.1, p_a=0.7, p_b=0.3).exists)
        False
    """
    p_ = _f(p)
    pa = p_ if p_a is None else _f(p_a)
    pb = p_ if p_b is None else _f(p_b)
    d = _f(delta)
    low = reservation_a(pa, c_a, d)
    high = reservation_b(pb, c_b, d)
    width = high - low
    exists = width >= -tol
    opt_a = d * (pa - p_)
    opt_b = d * (p_ - pb)
    a_opt = opt_a > tol
    b_opt = opt_b > tol
    closed = np.where(a_opt & b_opt, "both", np.where(a_opt, "A", np.where(b_opt, "B", "costs")))
    closed_by = np.where(exists, "", closed)
    return BargainingRange(low=low, high=high, width=width, exists=np.asarray(exists),
                           optimism_a=opt_a, optimism_b=opt_b, closed_by=np.asarray(closed_by))


def mutual_optimism_gap(p_a: ArrayLike, p_b: ArrayLike, c_a: ArrayLike, c_b: ArrayLike,
                        delta: ArrayLike = 1.0) -> FloatArray:
    """How far mutual optimism overshoots the costs: δ(p_A − p_B) − c_A − c_B − (1 − δ).

    Positive where the range is empty (Fearon 1995, §3: the sides disagree about their relative
    power by more than the costs of war cover). With δ = 1 this is p_A − c_A − (p_B + c_B).
    """
    d = _f(delta)
    return d * (_f(p_a) - _f(p_b)) - _f(c_a) - _f(c_b) - (1.0 - d)
