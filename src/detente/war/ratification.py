"""Domestic ratification: the two-level game (Putnam 1988).

A deal struck at the table (level I) must also be ratified at home (level II). Each government
needs the deal to beat fighting on by at least its domestic threshold t ≥ 0 (stake units): the
political price of concessions that a public opposed to them, and the audience cost of backing
down, impose on it. Here

    t_i = opposition_i × audience_cost_i,

with opposition_i ∈ [0, 1] the share of the public against concessions and audience_cost_i ≥ 0
the cost (stake units) of ratifying against a fully opposed public. The win-sets (Putnam 1988,
p. 437: "the set of all possible Level I agreements that would 'win'") shrink to

    A's win-set: x ≥ low + t_A          B's win-set: x ≤ high − t_B

and a deal must lie in both. Larger thresholds shrink the win-sets and can empty their overlap
even where a bargaining range exists; a smaller win-set is also a bargaining advantage at the
table (Putnam's "tied hands").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from detente.war.bargaining import TOL, BargainingRange, FloatArray


def domestic_threshold(opposition: ArrayLike, audience_cost: ArrayLike) -> FloatArray:
    """t = opposition × audience_cost (stake units).

    Example:
        >>> round(float(domestic_threshold(0.75, 0.2)), 6)
        0.15
    """
    return np.asarray(opposition, dtype=np.float64) * np.asarray(audience_cost, dtype=np.float64)


@dataclass(frozen=True)
class WinSets:
    """Level-II win-sets as A's share of the stake (arrays).

    A ratifies x ∈ [``a_low``, 1]; B ratifies x ∈ [0, ``b_high``]; both ratify x in
    [``low``, ``high``] = the overlap clipped to [0, 1], which ``exists`` where non-empty.
    ``shrink`` is how much of the level-I range the thresholds remove (stake units).
    """

    a_low: FloatArray
    b_high: FloatArray
    low: FloatArray
    high: FloatArray
    exists: NDArray[np.bool_]
    shrink: FloatArray

    def contains(self, x: ArrayLike, tol: float = TOL) -> NDArray[np.bool_]:
        xs = np.asarray(x, dtype=np.float64)
        return (self.low <= xs + tol) & (xs <= self.high + tol)


def win_sets(level_one: BargainingRange, t_a: ArrayLike, t_b: ArrayLike,
             tol: float = TOL) -> WinSets:
    """Shrink a bargaining range by the domestic thresholds t_A, t_B ≥ 0 (Putnam 1988)."""
    ta = np.asarray(t_a, dtype=np.float64)
    tb = np.asarray(t_b, dtype=np.float64)
    a_low = level_one.low + ta
    b_high = level_one.high - tb
    low = np.maximum(a_low, 0.0)
    high = np.minimum(b_high, 1.0)
    exists = low <= high + tol
    before = np.clip(np.minimum(level_one.high, 1.0) - np.maximum(level_one.low, 0.0), 0, None)
    after = np.clip(high - low, 0.0, None)
    return WinSets(a_low=a_low, b_high=b_high, low=low, high=high, exists=np.asarray(exists),
                   shrink=before - after)


def ratification_lines(level_one: BargainingRange, t_a: ArrayLike,
                       t_b: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """The least share of the stake, its own, each government can ratify: A's is the low end
    of the win-sets, ``win_sets(...).low`` = max(low + t_A, 0); B's is one minus their high end,
    1 − ``win_sets(...).high`` = max(1 − high + t_B, 0). With t = 0 these are each side's value
    of fighting on, δ·p_A − c_A and δ·(1 − p_B) − c_B clipped at 0 (``bargaining``).

    Example:
        >>> from detente.war.bargaining import bargaining_range
        >>> a, b = ratification_lines(bargaining_range(0.5, 0.2, 0.2), 0.1, 0.0)
        >>> round(float(a), 6), round(float(b), 6)
        (0.4, 0.3)
    """
    ws = win_sets(level_one, t_a, t_b)
    return ws.low, 1.0 - ws.high
