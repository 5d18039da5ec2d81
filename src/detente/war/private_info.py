"""Private information: the risk–return trade-off of an offer (Fearon 1995, §3.2).

A makes a take-it-or-leave-it offer x (A's share of the stake) to B without knowing B's cost of
war c_B, which A believes is drawn from a distribution F. B accepts iff the deal beats fighting:

    1 − x ≥ δ(1 − p) − c_B   ⇔   c_B ≥ x − h,    h = 1 − δ(1 − p),

otherwise war gives A w_A = δp − c_A. A's expected payoff of the offer x is

    EU(x) = x · S(x − h) + w_A · (1 − S(x − h)),    S(c) = P(c_B ≥ c),

and the optimal offer trades better terms (larger x) against a larger risk of rejection, so war
happens with positive probability even though a bargaining range always exists.

Closed form for c_B ~ Uniform[lo, hi] (Fearon 1995, §3.2 with δ = 1: x* = p + (hi − c_A)/2):

    x* = clip((hi + h + w_A)/2, h + lo, min(h + hi, 1)),
    P(reject) = (x* − h − lo)/(hi − lo).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from detente.errors import AnalysisError


@dataclass(frozen=True)
class RiskReturnOffer:
    """A's optimal offer under uncertainty over B's costs.

    ``offer`` is A's share x*, ``p_reject`` the probability B rejects it (and war follows),
    ``expected_value`` A's expected payoff EU(x*) and ``war_value`` A's value of war w_A.
    """

    offer: float
    p_reject: float
    expected_value: float
    war_value: float


def _check(p: float, c_a: float, delta: float) -> None:
    if not 0.0 <= p <= 1.0:
        raise AnalysisError.one("probability of winning must lie in [0, 1]", path="p", value=p)
    if c_a < 0:
        raise AnalysisError.one("cost of war must be >= 0", path="c_a", value=c_a)
    if not 0.0 < delta <= 1.0:
        raise AnalysisError.one("discount must lie in (0, 1]", path="delta", value=delta)


def optimal_offer_uniform(p: float, c_a: float, lo: float, hi: float,
                          delta: float = 1.0) -> RiskReturnOffer:
    """Closed-form optimal offer when B's cost is Uniform[lo, hi] (Fearon 1995, §3.2).

    Example:
        >>> o = optimal_offer_uniform(0.5, 0.1, 0.0, 0.4)
        >>> round(o.offer, 6), round(o.p_reject, 6)
        (0.65, 0.375)
    """
    _check(p, c_a, delta)
    if not 0.0 <= lo < hi:
        raise AnalysisError.one("uniform cost bounds need 0 <= lo < hi", path="lo, hi",
                                value=(lo, hi))
    h = 1.0 - delta * (1.0 - p)
    w_a = delta * p - c_a
    x = float(np.clip((hi + h + w_a) / 2.0, h + lo, min(h + hi, 1.0)))
    s = (hi - (x - h)) / (hi - lo)
    s = float(np.clip(s, 0.0, 1.0))
    return RiskReturnOffer(offer=x, p_reject=1.0 - s, expected_value=x * s + w_a * (1.0 - s),
                           war_value=w_a)


def optimal_offer(p: float, c_a: float, cost_b_draws: ArrayLike,
                  delta: float = 1.0) -> RiskReturnOffer:
    """Optimal offer against any belief about B's cost, given as draws (its empirical law).

    EU is piecewise linear between the thresholds h + c_(k) of the sorted draws, and increasing
    inside each piece, so the maximum over x is attained at one of them: the offer that B
    accepts exactly when its cost is at least c_(k). Exact for the empirical distribution;
    O(n log n).

    Args:
        p: A's probability of winning, in [0, 1].
        c_a: A's cost of war (stake units), ≥ 0.
        cost_b_draws: draws of B's cost (≥ 0) from A's belief.
        delta: discount on the prize of war, in (0, 1].
    """
    _check(p, c_a, delta)
    c = np.sort(np.asarray(cost_b_draws, dtype=np.float64).ravel())
    if c.size == 0 or not np.all(np.isfinite(c)):
        raise AnalysisError.one("need at least one finite draw of B's cost", path="cost_b_draws")
    if c[0] < 0:
        raise AnalysisError.one("costs of war must be >= 0", path="cost_b_draws",
                                value=float(c[0]))
    n = c.size
    h = 1.0 - delta * (1.0 - p)
    w_a = delta * p - c_a
    x = np.minimum(h + c, 1.0)
    # S(x_k - h) = share of draws >= c_(k); with ties the first index of each value counts all.
    first = np.searchsorted(c, c, side="left")
    accept = (n - first) / n
    eu = x * accept + w_a * (1.0 - accept)
    k = int(np.argmax(eu))
    return RiskReturnOffer(offer=float(x[k]), p_reject=float(1.0 - accept[k]),
                           expected_value=float(eu[k]), war_value=w_a)


def triangular_survival(c: ArrayLike, lo: ArrayLike, mode: ArrayLike,
                        hi: ArrayLike) -> np.ndarray:
    """S(c) = P(C ≥ c) for C ~ Triangular(lo, mode, hi) (lo < hi; a point mass where lo = hi)."""
    c, lo, mode, hi = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64)
                                            for v in (c, lo, mode, hi)))
    width = hi - lo
    with np.errstate(divide="ignore", invalid="ignore"):
        left = 1.0 - (c - lo) ** 2 / (width * (mode - lo))
        right = (hi - c) ** 2 / (width * (hi - mode))
    s = np.where(c <= lo, 1.0, np.where(c >= hi, 0.0, np.where(c <= mode, left, right)))
    return np.where(width > 0, s, (c <= lo).astype(np.float64))


@dataclass(frozen=True)
class BeliefOffer:
    """A's best offer computed on A's own beliefs (arrays broadcast over the inputs).

    ``offer``: x*; ``p_reject_believed``: the rejection probability A expects (B judging the
    war as A does); ``p_reject``: the rejection probability when B judges it on its own
    beliefs p_B; ``war_value``: A's war value δp_A − c_A on its own beliefs."""

    offer: np.ndarray
    p_reject_believed: np.ndarray
    p_reject: np.ndarray
    war_value: np.ndarray


def offer_under_beliefs(p_a: ArrayLike, p_b: ArrayLike, c_a: ArrayLike, lo: ArrayLike,
                        mode: ArrayLike, hi: ArrayLike, delta: ArrayLike = 1.0) -> BeliefOffer:
    """A's exact optimal offer when B's cost is Triangular(lo, mode, hi) in A's belief and A
    judges the war by its own p_A, with the rejection probability under B's own p_B.

    A believes B accepts x iff c_B ≥ x − h_A, h_A = 1 − δ(1 − p_A) (Fearon 1995, §3.2, with
    each side's estimate of p: mutual optimism, §3.1). With u = x − h_A and a = h_A − w_A
    = 1 − δ + c_A, A maximises (u + a)·S(u). The maximum is at an end of a piece of S or at a
    stationary point (exact, no sampling): on [lo, mode], 3v² + 2(lo + a)v − (hi − lo)(mode − lo)
    = 0 with v = u − lo; on [mode, hi], u = (hi − 2a)/3; offers are capped at the whole stake.
    B in fact accepts iff c_B ≥ x − h_B with h_B = 1 − δ(1 − p_B).

    Example (hand-derived: lo = 0, mode = hi = 0.4, a = 0.1, so 0.16 − 3u² − 0.2u = 0, u = 0.2):
        >>> o = offer_under_beliefs(0.5, 0.5, 0.1, 0.0, 0.4, 0.4)
        >>> round(float(o.offer), 4), round(float(o.p_reject), 4)
        (0.7, 0.25)
    """
    pa, pb, ca, lo_, md, hi_, d = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in
                                                        (p_a, p_b, c_a, lo, mode, hi, delta)))
    h_a = 1.0 - d * (1.0 - pa)
    w_a = d * pa - ca
    a = h_a - w_a
    cap = 1.0 - h_a
    d1 = (hi_ - lo_) * (md - lo_)
    v = (-(lo_ + a) + np.sqrt((lo_ + a) ** 2 + 3.0 * d1)) / 3.0
    cands = np.stack([lo_, md, hi_, lo_ + np.clip(v, 0.0, None), (hi_ - 2.0 * a) / 3.0, cap])
    u = np.minimum(np.clip(cands, lo_, hi_), cap)
    value = (u + a) * triangular_survival(u, lo_, md, hi_)
    best = np.take_along_axis(u, np.argmax(value, axis=0)[None], axis=0)[0]
    x = best + h_a
    h_b = 1.0 - d * (1.0 - pb)
    return BeliefOffer(offer=x, p_reject_believed=1.0 - triangular_survival(best, lo_, md, hi_),
                       p_reject=1.0 - triangular_survival(x - h_b, lo_, md, hi_), war_value=w_a)
