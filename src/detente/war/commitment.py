"""The commitment problem: a power shift during a truce, and the guarantees that fix it.

Powell (2006), "War as a Commitment Problem", *International Organization* 60(1), §2
(preventive war); Fearon (1995), §4. One unit convention (``docs/war.md``, "Units"):

* the period is **one month** and δ is the discount factor **per month**;
* every value is a present value normalised by (1 − δ), in **stake units**: holding the whole
  stake for good is worth 1, a share x of it every month is worth x;
* a war, once fought, is absorbing: the declining side D (chance q of winning it) gets
  q − c_D, where c_D is its **total** cost of the war in stake units;
* the guarantee g is in stake units too: what guarantors who arm or fight beside D add to D's
  chance of winning a war renewed after the shift, q′_g = min(q′ + g, 1). A penalty on the
  rising side alone would leave D's post-shift war value, and so the condition, unchanged.

The rising side R makes the offers (Powell 2006, §2). The shift takes effect one month after
the truce is signed. After it, R offers D its war value every month, so D's continuation value
is V′ = clip(q′_g − c_D, 0, 1); R cannot credibly promise more. Before it, R may pay D any
sequence of shares — front-loading allowed. D stays at peace iff at every month its
continuation value is at least its war value W = q − c_D; the most R can give is the whole stake
in the last month before the shift, so

    peace is possible  ⇔  (1 − δ)·1 + δ·V′ ≥ W,

and D fights a preventive war now iff (with V′ = q′_g − c_D > 0; Powell 2006, eq. (1) with g = 0)

    δ·(q − q′_g) > (1 − δ)·(1 − q + c_D).                              (Powell's condition)

The least guarantee that keeps D at peace solves it with equality:

    g* = 0 if peace holds with g = 0, else  q − q′ − (1 − δ)(1 − q + c_D)/δ.

The settlement set is the set of D's month-0 values v = (1 − δ)·y_0 + δ·V′ (y_0 ∈ [0, 1] paid
before the shift) that both accept now: v ≥ W (D) and 1 − v ≥ 1 − q − c_R (R), so

    v ∈ [max(W, δ·V′, 0), min(q + c_R, (1 − δ) + δ·V′)],

non-empty iff Powell's condition fails and R does not prefer war now (δ·V′ ≤ q + c_R: a guarantee
so strong that it reverses the shift makes the *rising* side fight first). In the one-shot limit
δ → 0 with no shift it is Fearon's range [q − c_D, q + c_R] (Fearon 1995, §2).

Signed terms. A truce signed at a constant share y (D's share) is honoured after the shift iff
neither side's post-shift war value beats it: q′_g − c_D ≤ y ≤ q′_g + c_R; otherwise the truce
was used to regroup and the war is renewed. All functions broadcast over arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from detente.war.bargaining import TOL, FloatArray


def _f(x: ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


SETTLEMENT, TRUCE_BROKEN, WAR_NOW = 0, 1, 2
OUTCOMES = ("settlement", "truce broken", "war now")


def post_shift_value(q_next: ArrayLike, c_d: ArrayLike, guarantee: ArrayLike = 0.0) -> FloatArray:
    """V′ = clip(min(q′ + g, 1) − c_D, 0, 1): the declining side's value after the shift, the
    most the rising side can credibly leave it (Powell 2006, §2)."""
    qg = np.minimum(_f(q_next) + _f(guarantee), 1.0)
    return np.clip(qg - _f(c_d), 0.0, 1.0)


def peace_possible(q_now: ArrayLike, q_next: ArrayLike, c_d: ArrayLike, delta: ArrayLike,
                   guarantee: ArrayLike = 0.0, tol: float = TOL) -> NDArray[np.bool_]:
    """(1 − δ) + δ·V′ ≥ q − c_D: some offer sequence (front-loading allowed) keeps the
    declining side D at peace (Powell 2006, §2). q, q′ are D's chances now and after the shift,
    c_D its total cost of war, δ per month, g the guarantee (all stake units)."""
    d = _f(delta)
    best = (1.0 - d) + d * post_shift_value(q_next, c_d, guarantee)
    return np.asarray(best >= _f(q_now) - _f(c_d) - tol)


def powell_condition(q_now: ArrayLike, q_next: ArrayLike, c_d: ArrayLike, delta: ArrayLike,
                     guarantee: ArrayLike = 0.0, tol: float = TOL) -> NDArray[np.bool_]:
    """Preventive war now: δ(q − q′_g) > (1 − δ)(1 − q + c_D) (Powell 2006, §2), i.e. no offer
    sequence keeps D at peace (the negation of :func:`peace_possible`, which also handles
    V′ clipped at 0).

    Example:
        >>> bool(powell_condition(0.5, 0.2, 0.05, 0.9))
        True
        >>> bool(powell_condition(0.5, 0.2, 0.05, 0.9, guarantee=0.3))
        False
    """
    return ~peace_possible(q_now, q_next, c_d, delta, guarantee, tol)


def min_guarantee(q_now: ArrayLike, q_next: ArrayLike, c_d: ArrayLike,
                  delta: ArrayLike) -> FloatArray:
    """g*: the least guarantee for which some offer sequence keeps D at peace (module
    docstring): 0 if peace holds without one, else q − q′ − (1 − δ)(1 − q + c_D)/δ.

    Example (δ = 0.9, q = 0.5, q′ = 0.2, c_D = 0.05: 0.3 − 0.1·0.55/0.9):
        >>> round(float(min_guarantee(0.5, 0.2, 0.05, 0.9)), 6)
        0.238889
    """
    q, qn, c, d = _f(q_now), _f(q_next), _f(c_d), _f(delta)
    with np.errstate(divide="ignore", invalid="ignore"):
        need = q - qn - (1.0 - d) * (1.0 - q + c) / d
    return np.where(peace_possible(q, qn, c, d), 0.0, np.maximum(need, 0.0))


def settlement_set(q_now: ArrayLike, q_next: ArrayLike, c_d: ArrayLike, c_r: ArrayLike,
                   delta: ArrayLike, guarantee: ArrayLike = 0.0
                   ) -> tuple[FloatArray, FloatArray]:
    """The settlements both sides accept now, as D's month-0 value v:
    [max(q − c_D, δV′, 0), min(q + c_R, (1 − δ) + δV′)] (empty where low > high)."""
    q, d = _f(q_now), _f(delta)
    v_next = d * post_shift_value(q_next, c_d, guarantee)
    low = np.maximum(np.maximum(q - _f(c_d), v_next), 0.0)
    high = np.minimum(np.minimum(q + _f(c_r), (1.0 - d) + v_next), 1.0)
    return low, high


def terms_honoured(y: ArrayLike, q_next: ArrayLike, c_d: ArrayLike, c_r: ArrayLike,
                   guarantee: ArrayLike = 0.0, tol: float = TOL) -> NDArray[np.bool_]:
    """q′_g − c_D ≤ y ≤ q′_g + c_R: neither side renews the war after the shift over terms
    giving D the constant share y (q′ as each side judges it: pass R's view for the upper
    bound's q′ when beliefs differ, see :func:`outcome_codes`)."""
    qg = np.minimum(_f(q_next) + _f(guarantee), 1.0)
    ys = _f(y)
    return np.asarray((ys >= qg - _f(c_d) - tol) & (ys <= qg + _f(c_r) + tol))


@dataclass(frozen=True)
class CommitmentResult:
    """Arrays broadcast over the inputs.

    ``declining``: "A", "B" or "" (no shift: A's view is used). ``settlement_low/high``: the
    settlement set as A's month-0 value (empty where ``low > high``). ``self_enforcing``: it is
    non-empty. ``min_guarantee``: g*. ``powell_war``: the declining side fights now (Powell's
    condition). ``rising_war``: the rising side fights now (a guarantee reversing the shift).
    ``outcome``: "settlement", "truce broken" (terms given and not honoured after the shift) or
    "war now".
    """

    declining: NDArray[np.str_]
    settlement_low: FloatArray
    settlement_high: FloatArray
    self_enforcing: NDArray[np.bool_]
    min_guarantee: FloatArray
    powell_war: NDArray[np.bool_]
    rising_war: NDArray[np.bool_]
    outcome: NDArray[np.str_]


def _to_d(p: FloatArray, a_declines: NDArray[np.bool_]) -> FloatArray:
    return np.where(a_declines, p, 1.0 - p)


def outcome_codes(p_now: ArrayLike, p_next: ArrayLike, c_a: ArrayLike, c_b: ArrayLike,
                  delta: ArrayLike, guarantee: ArrayLike = 0.0, terms: ArrayLike | None = None,
                  *, p_now_b: ArrayLike | None = None, p_next_b: ArrayLike | None = None,
                  tol: float = TOL) -> tuple[NDArray[np.int8], NDArray[np.bool_]]:
    """Outcome codes (index into ``OUTCOMES``) and Powell's condition, vectorised.

    ``p_now``/``p_next`` are A's chance before and after the shift as A judges it,
    ``p_now_b``/``p_next_b`` as B judges it (default: the same). The declining side decides
    whether to fight now on its own view; each side decides whether to honour the ``terms``
    (A's constant share; None: the settlement R offers, which is always honoured) on its own
    view. The guarantee g (≥ 0) helps the declining side."""
    pa, pna = _f(p_now), _f(p_next)
    pb = pa if p_now_b is None else _f(p_now_b)
    pnb = pna if p_next_b is None else _f(p_next_b)
    ca, cb, d, g = _f(c_a), _f(c_b), _f(delta), _f(guarantee)
    a_dec = ~(pna > pa + tol)                          # A declines (or no shift), on A's view
    p_d, pn_d = np.where(a_dec, pa, pb), np.where(a_dec, pna, pnb)   # D's own view
    p_r, pn_r = np.where(a_dec, pb, pa), np.where(a_dec, pnb, pna)   # R's own view
    q, qn = _to_d(p_d, a_dec), _to_d(pn_d, a_dec)
    q_r, qn_r = _to_d(p_r, a_dec), _to_d(pn_r, a_dec)
    c_d, c_r = np.where(a_dec, ca, cb), np.where(a_dec, cb, ca)
    powell = powell_condition(q, qn, c_d, d, g, tol)
    rising = d * post_shift_value(qn_r, c_d, g) > q_r + c_r + tol
    peace = ~powell & ~rising
    if terms is None:
        holds = np.ones_like(peace)
    else:
        y = _to_d(_f(terms), a_dec)
        holds = (terms_honoured(y, qn, c_d, np.inf, g, tol)
                 & terms_honoured(y, qn_r, np.inf, c_r, g, tol))
    code = np.where(peace & holds, SETTLEMENT, np.where(peace, TRUCE_BROKEN, WAR_NOW))
    return code.astype(np.int8), np.asarray(powell)


def commitment_problem(p_now: ArrayLike, p_next: ArrayLike, c_a: ArrayLike, c_b: ArrayLike,
                       delta: ArrayLike, guarantee: ArrayLike = 0.0,
                       terms: ArrayLike | None = None, tol: float = TOL) -> CommitmentResult:
    """Is a deal possible across a power shift, and what guarantee makes it so?

    Args:
        p_now, p_next: A's chance of winning before and after the shift, in [0, 1].
        c_a, c_b: total costs of war, stake units, ≥ 0.
        delta: discount factor per month, in (0, 1].
        guarantee: g ≥ 0, what guarantors add to the declining side's post-shift chance.
        terms: A's constant share in a signed truce (None: R's optimal offers).
        tol: tolerance on the comparisons.

    Example (Powell 2006, §2: q = 0.5, q′ = 0.2, c = 0.05, δ = 0.9):
        >>> r = commitment_problem(0.5, 0.2, 0.05, 0.05, delta=0.9)
        >>> str(r.outcome), round(float(r.min_guarantee), 4)
        ('war now', 0.2389)
        >>> str(commitment_problem(0.5, 0.2, 0.05, 0.05, delta=0.9, guarantee=0.24).outcome)
        'settlement'
    """
    p, pn, ca, cb, d, g = (_f(v) for v in (p_now, p_next, c_a, c_b, delta, guarantee))
    code, powell = outcome_codes(p, pn, ca, cb, d, g, terms, tol=tol)
    a_dec = ~(pn > p + tol)
    q, qn = _to_d(p, a_dec), _to_d(pn, a_dec)
    c_d, c_r = np.where(a_dec, ca, cb), np.where(a_dec, cb, ca)
    low_d, high_d = settlement_set(q, qn, c_d, c_r, d, g)
    rising = d * post_shift_value(qn, c_d, g) > q + c_r + tol
    declining = np.where(pn < p - tol, "A", np.where(pn > p + tol, "B", ""))
    return CommitmentResult(
        declining=np.asarray(declining),
        settlement_low=np.where(a_dec, low_d, 1.0 - high_d),
        settlement_high=np.where(a_dec, high_d, 1.0 - low_d),
        self_enforcing=np.asarray(low_d <= high_d + tol),
        min_guarantee=min_guarantee(q, qn, c_d, d), powell_war=powell,
        rising_war=np.asarray(rising), outcome=np.asarray(OUTCOMES)[code])
