"""Intervals for proportions: Wilson score, Jeffreys (Beta), and the Newcombe difference.

- Wilson, E. B. (1927), "Probable inference, the law of succession, and statistical
  inference", JASA 22(158): 209-212 — the score interval
  (p̂ + z²/2n ± z·sqrt(p̂(1-p̂)/n + z²/4n²)) / (1 + z²/n).
- Brown, Cai & DasGupta (2001), "Interval estimation for a binomial proportion", Statistical
  Science 16(2), sec. 4.1.2 — the Jeffreys interval: the equal-tailed quantiles of
  Beta(k + 1/2, n - k + 1/2).
- Newcombe, R. G. (1998), "Interval estimation for the difference between independent
  proportions", Statistics in Medicine 17: 873-890, method 10 — the hybrid score interval for
  p1 - p2 built from the two Wilson intervals.

All functions are vectorised over NumPy arrays of counts; n = 0 gives the whole range [0, 1]
(nothing was observed).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

FloatArray = np.ndarray


def _z(level: float) -> float:
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level}")
    return float(stats.norm.ppf(0.5 + level / 2.0))


def wilson(k: ArrayLike, n: ArrayLike, level: float = 0.95) -> tuple[FloatArray, FloatArray]:
    """Wilson (1927) score interval for k successes in n trials.

    >>> lo, hi = wilson(5, 10)
    >>> round(float(lo), 4), round(float(hi), 4)
    (0.2366, 0.7634)
    """
    k_, n_ = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    z = _z(level)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(n_ > 0, k_ / n_, 0.0)
        denom = 1.0 + z * z / n_
        centre = (p + z * z / (2 * n_)) / denom
        half = z * np.sqrt(p * (1 - p) / n_ + z * z / (4 * n_ * n_)) / denom
    lo = np.where(n_ > 0, np.clip(centre - half, 0.0, 1.0), 0.0)
    hi = np.where(n_ > 0, np.clip(centre + half, 0.0, 1.0), 1.0)
    return lo, hi


def jeffreys(k: ArrayLike, n: ArrayLike, level: float = 0.95) -> tuple[FloatArray, FloatArray]:
    """Jeffreys interval: equal-tailed quantiles of Beta(k + 1/2, n - k + 1/2) (Brown, Cai &
    DasGupta 2001, sec. 4.1.2), with the usual end corrections (lower 0 at k = 0, upper 1 at
    k = n).

    >>> lo, hi = jeffreys(0, 10)
    >>> round(float(lo), 4), round(float(hi), 4)
    (0.0, 0.2172)
    """
    k_, n_ = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    a, b = k_ + 0.5, n_ - k_ + 0.5
    tail = (1.0 - level) / 2.0
    lo = np.where(k_ > 0, stats.beta.ppf(tail, a, b), 0.0)
    hi = np.where(k_ < n_, stats.beta.ppf(1.0 - tail, a, b), 1.0)
    return lo, hi


def interval(k: ArrayLike, n: ArrayLike, level: float = 0.95,
             method: str = "wilson") -> tuple[FloatArray, FloatArray]:
    """Dispatch to :func:`wilson` or :func:`jeffreys`."""
    if method == "wilson":
        return wilson(k, n, level)
    if method == "jeffreys":
        return jeffreys(k, n, level)
    raise ValueError(f"unknown interval method {method!r}; allowed: wilson, jeffreys")


def newcombe_difference(k1: ArrayLike, n1: ArrayLike, k2: ArrayLike, n2: ArrayLike,
                        level: float = 0.95) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Difference p1 - p2 and its Newcombe (1998, method 10) hybrid score interval.

    δ = p1 - p2;  lower = δ - sqrt((p1 - l1)² + (u2 - p2)²),
    upper = δ + sqrt((u1 - p1)² + (p2 - l2)²), with (l_i, u_i) the Wilson intervals.
    Newcombe's worked example 1 (56/70 vs 48/80) gives 0.2000 [0.0524, 0.3339].

    >>> d, lo, hi = newcombe_difference(56, 70, 48, 80)
    >>> round(float(d), 4), round(float(lo), 4), round(float(hi), 4)
    (0.2, 0.0524, 0.3339)
    """
    k1_, n1_ = np.asarray(k1, dtype=float), np.asarray(n1, dtype=float)
    k2_, n2_ = np.asarray(k2, dtype=float), np.asarray(n2, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p1 = np.where(n1_ > 0, k1_ / n1_, np.nan)
        p2 = np.where(n2_ > 0, k2_ / n2_, np.nan)
    l1, u1 = wilson(k1_, n1_, level)
    l2, u2 = wilson(k2_, n2_, level)
    d = p1 - p2
    lo = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    hi = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return d, lo, hi
