"""The commitment problem: a power shift during a truce, and the guarantees that fix it.

Powell (2006), "War as a Commitment Problem", §2 (preventive war); Fearon (1995), §4.
Payoffs are per-period flows normalised by (1 − δ), so they are in units of the stake: a deal
giving A the share x every period is worth x; fighting (absorbing) is worth p − c_A to A and
1 − p − c_B to B, where p is A's probability of winning at the time the war is fought.

A's power is p now and p' after the shift (a side regroups during a truce, seed 004). The side
whose chance falls is the *declining* side D (winning chance q now, q' later, cost c_D); the other
is the *rising* side R (cost c_R). A guarantee of strength g is an extra expected cost (stake
units per period) imposed, e.g. by guarantors, on the side that reneges, that is on R if it
renews the war once stronger.

Self-enforcing settlement. A settlement y (D's share) holds if D prefers it to war now and R
prefers it to renewing war after the shift:

    y ≥ q − c_D      and      1 − y ≥ 1 − q' − c_R − g

so one exists iff  q − q' ≤ c_D + c_R + g, and the minimum guarantee that makes one exist is

    g* = max(0, (q − q') − c_A − c_B).                                    (shift net of costs)

Truce then renewed war. Without a self-enforcing settlement the rising side can still offer a
truce that it will break after the shift. D accepts a truce share y now iff
(1 − δ)·y + δ·(q' − c_D) ≥ q − c_D; R offers it iff (1 − δ)(1 − y) + δ(1 − q' − c_R − g) ≥
1 − q − c_R. Even the whole stake now (y = 1) fails to keep D from fighting when

    δ·(q − q') > (1 − δ)·(1 − q + c_D),                                     (Powell's condition)

a large, rapid shift: preventive war now. All functions broadcast over arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from detente.war.bargaining import TOL, FloatArray


def _f(x: ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


@dataclass(frozen=True)
class CommitmentResult:
    """Arrays broadcast over the inputs.

    ``declining``: "A", "B" or "" (no shift). ``settlement_low/high``: the self-enforcing
    settlements as A's share (empty where ``low > high``). ``self_enforcing``: a settlement
    exists that neither side wants to break. ``min_guarantee``: g* above.
    ``powell_war``: Powell's condition holds (the declining side fights now rather than take
    the whole stake for one period). ``truce_feasible``: a truce exists that both accept now
    although the rising side will break it. ``outcome``: "settlement" (self-enforcing),
    "truce broken" (a truce used to regroup, then war) or "war now" (preventive war).
    """

    declining: NDArray[np.str_]
    settlement_low: FloatArray
    settlement_high: FloatArray
    self_enforcing: NDArray[np.bool_]
    min_guarantee: FloatArray
    powell_war: NDArray[np.bool_]
    truce_feasible: NDArray[np.bool_]
    outcome: NDArray[np.str_]


def min_guarantee(p_now: ArrayLike, p_next: ArrayLike, c_a: ArrayLike,
                  c_b: ArrayLike) -> FloatArray:
    """g* = max(0, |p − p'| − c_A − c_B): the weakest guarantee that makes a settlement hold.

    Example:
        >>> round(float(min_guarantee(0.5, 0.3, 0.05, 0.05)), 6)
        0.1
    """
    return np.maximum(0.0, np.abs(_f(p_now) - _f(p_next)) - _f(c_a) - _f(c_b))


def powell_condition(q_now: ArrayLike, q_next: ArrayLike, c_d: ArrayLike,
                     delta: ArrayLike, tol: float = TOL) -> NDArray[np.bool_]:
    """δ(q − q') > (1 − δ)(1 − q + c_D): the declining side D (winning chance q now, q' after
    the shift, cost c_D) prefers war now to any truce (Powell 2006, §2)."""
    q, qn, d = _f(q_now), _f(q_next), _f(delta)
    return np.asarray(d * (q - qn) > (1.0 - d) * (1.0 - q + _f(c_d)) + tol)


SETTLEMENT, TRUCE_BROKEN, WAR_NOW = 0, 1, 2
OUTCOMES = ("settlement", "truce broken", "war now")


def outcome_codes(p_now: ArrayLike, p_next: ArrayLike, c_a: ArrayLike, c_b: ArrayLike,
                  delta: ArrayLike, guarantee: ArrayLike = 0.0, tol: float = TOL
                  ) -> tuple[NDArray[np.int8], FloatArray, FloatArray, NDArray[np.bool_]]:
    """The numeric core of :func:`commitment_problem`: outcome codes (index into ``OUTCOMES``),
    the self-enforcing settlements [low, high] as A's share, and Powell's condition."""
    p, pn, ca, cb, d, g = (_f(v) for v in (p_now, p_next, c_a, c_b, delta, guarantee))
    # Work from the declining side D's view (A's when there is no shift): its chance q now and
    # q' later, its cost c_D and the rising side's cost c_R.
    a_side = ~(pn > p + tol)
    q = np.where(a_side, p, 1.0 - p)
    qn = np.where(a_side, pn, 1.0 - pn)
    c_d = np.where(a_side, ca, cb)
    c_r = np.where(a_side, cb, ca)
    # Self-enforcing settlements in D's share: [q - c_D, q' + c_R + g] (and the no-shift bounds).
    d_low = np.maximum(q - c_d, qn - c_d)
    d_high = np.minimum(q + c_r, qn + c_r + g)
    d_high = np.minimum(d_high, 1.0)
    d_low = np.maximum(d_low, 0.0)
    self_enf = d_low <= d_high + tol
    # Back to A's share.
    low = np.where(a_side, d_low, 1.0 - d_high)
    high = np.where(a_side, d_high, 1.0 - d_low)
    # Truce then renewed war: D needs (1-δ)y >= need_d, R gives (1-δ)y <= give_r.
    need_d = q - c_d - d * (qn - c_d)
    give_r = (1.0 - d) - (1.0 - q - c_r - d * (1.0 - qn - c_r - g))
    truce = np.maximum(need_d, 0.0) <= np.minimum(give_r, 1.0 - d) + tol
    powell = powell_condition(q, qn, c_d, d, tol)
    code = np.where(self_enf, SETTLEMENT, np.where(truce, TRUCE_BROKEN, WAR_NOW)).astype(np.int8)
    return code, low, high, np.asarray(powell)


def commitment_problem(p_now: ArrayLike, p_next: ArrayLike, c_a: ArrayLike, c_b: ArrayLike,
                       delta: ArrayLike, guarantee: ArrayLike = 0.0,
                       tol: float = TOL) -> CommitmentResult:
    """Is a deal self-enforcing across a power shift, and what guarantee makes it so?

    Args:
        p_now, p_next: A's probability of winning before and after the shift, in [0, 1].
        c_a, c_b: per-period costs of war in stake units, ≥ 0.
        delta: per-period discount factor over the shift (truce length), in (0, 1].
        guarantee: strength g ≥ 0 of the guarantee on the reneging (rising) side.
        tol: tolerance on the comparisons.

    Example:
        >>> r = commitment_problem(0.5, 0.2, 0.05, 0.05, delta=0.9)
        >>> bool(r.self_enforcing), round(float(r.min_guarantee), 6), str(r.outcome)
        (False, 0.2, 'war now')
        >>> str(commitment_problem(0.5, 0.2, 0.05, 0.05, delta=0.9, guarantee=0.2).outcome)
        'settlement'
    """
    p, pn, ca, cb = _f(p_now), _f(p_next), _f(c_a), _f(c_b)
    code, low, high, powell = outcome_codes(p, pn, ca, cb, delta, guarantee, tol)
    self_enf = code == SETTLEMENT
    outcome = np.asarray(OUTCOMES)[code]
    declining = np.where(pn < p - tol, "A", np.where(pn > p + tol, "B", ""))
    return CommitmentResult(
        declining=np.asarray(declining), settlement_low=low, settlement_high=high,
        self_enforcing=np.asarray(self_enf), min_guarantee=min_guarantee(p, pn, ca, cb),
        powell_war=np.asarray(powell & ~self_enf), truce_feasible=np.asarray(code == TRUCE_BROKEN),
        outcome=outcome)
