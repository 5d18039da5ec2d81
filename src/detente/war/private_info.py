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
