"""Commitment problem across a power shift (Powell 2006) and the guarantee that fixes it.

Hand-derived cases cite the equation they check (module docstring of
``detente.war.commitment``); the properties compare the closed forms with an independent oracle:
a linear programme over every offer sequence y_0..y_{T-1} the rising side could pay before the
shift (front-loading allowed, T = 1..6 months), solved by ``scipy.optimize.linprog``.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from detente.war.commitment import (
    commitment_problem,
    min_guarantee,
    outcome_codes,
    peace_possible,
    powell_condition,
    settlement_set,
)

prob = st.floats(0.0, 1.0, allow_nan=False)
cost = st.floats(0.0, 0.3, allow_nan=False)
disc = st.floats(0.05, 1.0, allow_nan=False)
guar = st.floats(0.0, 0.6, allow_nan=False)


def _v_next(q2: float, c: float, g: float) -> float:
    """D's value after the shift: the rising side offers D its war value, never below 0."""
    return min(max(min(q2 + g, 1.0) - c, 0.0), 1.0)


def _some_sequence_keeps_peace(q: float, q2: float, c: float, d: float, g: float,
                               months: int) -> bool:
    """LP oracle: is there y_0..y_{T-1} in [0, 1] with D's continuation value at every month
    t < T, (1 - δ) Σ_{s ≥ t} δ^{s-t} y_s + δ^{T-t} V′, at least its war value q − c?"""
    w, v = q - c, _v_next(q2, c, g)
    a = np.zeros((months, months))
    b = np.zeros(months)
    for t in range(months):
        for s in range(t, months):
            a[t, s] = -(1 - d) * d ** (s - t)
        b[t] = d ** (months - t) * v - w
    res = linprog(np.zeros(months), A_ub=a, b_ub=b, bounds=[(0, 1)] * months, method="highs")
    return bool(res.status == 0)


def _slack(q: float, q2: float, c: float, d: float, g: float) -> float:
    return (1 - d) + d * _v_next(q2, c, g) - (q - c)


# -- hand-derived cases ---------------------------------------------------------------------

def test_powell_example_large_rapid_shift_means_war_now() -> None:
    # Powell (2006), §2, condition δ(q − q′) > (1 − δ)(1 − q + c_D): q = 0.6, q′ = 0.2,
    # c = 0.05, δ = 0.9: 0.36 > 0.045, preventive war; g* = 0.4 − 0.1·0.45/0.9 = 0.35.
    r = commitment_problem(0.6, 0.2, 0.05, 0.05, delta=0.9)
    assert bool(powell_condition(0.6, 0.2, 0.05, 0.9))
    assert str(r.outcome) == "war now" and str(r.declining) == "A"
    assert not r.self_enforcing
    assert float(r.min_guarantee) == pytest.approx(0.35, abs=1e-12)
    # At g = 0.35, q′_g = 0.55 and δ(q − q′_g) = 0.045 = (1 − δ)(1 − q + c): the boundary.
    assert str(commitment_problem(0.6, 0.2, 0.05, 0.05, 0.9, 0.35 + 1e-9).outcome) == "settlement"
    assert str(commitment_problem(0.6, 0.2, 0.05, 0.05, 0.9, 0.35 - 1e-6).outcome) == "war now"


def test_no_shift_settlement_set_and_fearons_one_shot_limit() -> None:
    # No shift, q = 0.4, c_D = 0.1, c_R = 0.15, δ = 0.9: V′ = W = 0.3, the set is
    # [max(0.3, 0.9·0.3), min(0.55, 0.1 + 0.27)] = [0.3, 0.37] (module docstring).
    r = commitment_problem(0.4, 0.4, 0.1, 0.15, delta=0.9)
    assert (float(r.settlement_low), float(r.settlement_high)) == pytest.approx((0.3, 0.37))
    assert float(r.min_guarantee) == 0.0 and str(r.outcome) == "settlement"
    # A one-shot deal (δ → 0) is Fearon's (1995, §2) range [q − c_D, q + c_R].
    r = commitment_problem(0.4, 0.4, 0.1, 0.15, delta=1e-12)
    assert (float(r.settlement_low), float(r.settlement_high)) == pytest.approx((0.3, 0.55))


def test_the_static_rule_is_not_the_threshold() -> None:
    # The old static rule (a constant share kept at both dates) gave g = |q − q′| − c_A − c_B.
    # With offer sequences (front-loading allowed) the least guarantee is
    # g* = q − q′ − (1 − δ)(1 − q + c_D)/δ (module docstring, from Powell 2006, §2):
    # q = 0.5, q′ = 0.2, c = 0.05, δ = 0.9: static 0.2, g* = 0.3 − 0.1·0.55/0.9 = 0.238889,
    # and at g = 0.2 no sequence keeps D at peace (LP oracle).
    g = float(min_guarantee(0.5, 0.2, 0.05, 0.9))
    assert g == pytest.approx(0.3 - 0.1 * 0.55 / 0.9, abs=1e-12)
    assert _some_sequence_keeps_peace(0.5, 0.2, 0.05, 0.9, g + 1e-9, months=3)
    assert not _some_sequence_keeps_peace(0.5, 0.2, 0.05, 0.9, 0.2, months=3)
    # Impatient sides (δ = 0.5): the whole stake for one month outweighs the shift; the static
    # rule still asks for 0.2, the front-loaded settlement needs none.
    assert float(min_guarantee(0.5, 0.2, 0.05, 0.5)) == 0.0
    assert _some_sequence_keeps_peace(0.5, 0.2, 0.05, 0.5, 0.0, months=3)


def test_signed_terms_broken_after_the_shift_and_the_guarantee_that_keeps_them() -> None:
    # q = 0.5, q′ = 0.45, c = 0.05, δ = 0.9: 0.9·0.05 = 0.045 ≤ 0.1·0.55 = 0.055, so D does
    # not fight now. Terms y = 0.55: after the shift R renews iff y > q′_g + c_R = 0.5 + g.
    code, _ = outcome_codes(0.5, 0.45, 0.05, 0.05, 0.9, 0.0, terms=0.55)
    assert int(code) == 1  # truce broken: used to regroup (seed 004)
    code, _ = outcome_codes(0.5, 0.45, 0.05, 0.05, 0.9, 0.05, terms=0.55)
    assert int(code) == 0  # the guarantee raises q′_g to 0.5: 0.55 ≤ 0.55 holds


def test_a_guarantee_that_reverses_the_shift_makes_the_rising_side_fight() -> None:
    # q = 0.5, q′ = 0.45, c = 0, δ = 0.9, g = 0.5: V′ = 0.95, δV′ = 0.855 > q + c_R = 0.5.
    r = commitment_problem(0.5, 0.45, 0.0, 0.0, 0.9, 0.5)
    assert bool(r.rising_war) and not bool(r.powell_war) and str(r.outcome) == "war now"
    assert not bool(r.self_enforcing)


def test_each_side_judges_on_its_own_beliefs() -> None:
    # A (declining) sees 0.5 → 0.45 and signs; B sees A's chance 0.40 → 0.35 and, over terms
    # y = 0.45, renews after the shift iff 0.45 > 0.35 + c_B = 0.40: broken. On A's view it
    # would hold (0.45 ≤ 0.45 + 0.05).
    kw = {"p_now_b": 0.40, "p_next_b": 0.35}
    assert int(outcome_codes(0.5, 0.45, 0.05, 0.05, 0.9, 0.0, terms=0.45, **kw)[0]) == 1
    assert int(outcome_codes(0.5, 0.45, 0.05, 0.05, 0.9, 0.0, terms=0.45)[0]) == 0


# -- properties against the LP oracle ------------------------------------------------------

@settings(max_examples=150, deadline=None)
@given(prob, prob, cost, disc, guar, st.integers(1, 6))
def test_preventive_war_iff_no_offer_sequence_keeps_the_peace(q: float, q2: float, c: float,
                                                              d: float, g: float,
                                                              months: int) -> None:
    assume(abs(_slack(q, q2, c, d, g)) > 1e-7)
    oracle = _some_sequence_keeps_peace(q, q2, c, d, g, months)
    assert bool(powell_condition(q, q2, c, d, g)) == (not oracle)
    assert bool(peace_possible(q, q2, c, d, g)) == oracle


@settings(max_examples=60, deadline=None)
@given(prob, prob, cost, disc, st.integers(1, 4))
def test_min_guarantee_is_the_least_guarantee_that_keeps_the_peace(q: float, q2: float,
                                                                   c: float, d: float,
                                                                   months: int) -> None:
    g = float(min_guarantee(q, q2, c, d))
    assert g >= 0.0
    assert bool(peace_possible(q, q2, c, d, g + 1e-9))
    assert _some_sequence_keeps_peace(q, q2, c, d, g + 1e-7, months)
    if g > 1e-5:
        assert not bool(peace_possible(q, q2, c, d, g - 1e-6))
        assert not _some_sequence_keeps_peace(q, q2, c, d, g - 1e-5, months)
        # bisection on the oracle finds the same least guarantee
        lo, hi = 0.0, 1.0
        for _ in range(30):
            mid = (lo + hi) / 2
            lo, hi = (lo, mid) if _some_sequence_keeps_peace(q, q2, c, d, mid, months) else (mid,
                                                                                               hi)
        assert hi == pytest.approx(g, abs=1e-5)  # the LP's feasibility tolerance


@settings(max_examples=150, deadline=None)
@given(prob, prob, cost, cost, disc, guar)
def test_settlement_set_against_a_grid_of_first_month_payments(q: float, q2: float, c_d: float,
                                                               c_r: float, d: float,
                                                               g: float) -> None:
    # One month before the shift: D's month-0 value v = (1 − δ) y_0 + δ V′, y_0 on a grid;
    # D accepts v ≥ q − c_D, R accepts 1 − v ≥ 1 − q − c_R.
    y0 = np.linspace(0.0, 1.0, 20_001)
    v = (1 - d) * y0 + d * _v_next(q2, c_d, g)
    ok = (v >= q - c_d) & (v <= q + c_r)
    low, high = settlement_set(q, q2, c_d, c_r, d, g)
    assume(abs(float(high - low)) > 1e-3)
    assert bool(low <= high) == bool(ok.any())
    if ok.any():
        assert float(v[ok].min()) == pytest.approx(float(low), abs=1e-4)
        assert float(v[ok].max()) == pytest.approx(float(high), abs=1e-4)


@given(prob, prob, cost, cost, disc, guar, guar)
def test_a_stronger_guarantee_never_makes_the_declining_side_fight(q: float, q2: float,
                                                                   c_d: float, c_r: float,
                                                                   d: float, g1: float,
                                                                   g2: float) -> None:
    lo_g, hi_g = sorted((g1, g2))
    assert bool(powell_condition(q, q2, c_d, d, hi_g)) <= bool(powell_condition(q, q2, c_d, d,
                                                                                lo_g))


def test_vectorised_matches_scalar() -> None:
    rng = np.random.default_rng(3)
    p, p2 = rng.random(200), rng.random(200)
    ca, cb, g = rng.random(200) * 0.3, rng.random(200) * 0.3, rng.random(200) * 0.3
    d = 0.05 + 0.95 * rng.random(200)
    vec = commitment_problem(p, p2, ca, cb, d, g)
    for i in range(0, 200, 17):
        one = commitment_problem(p[i], p2[i], ca[i], cb[i], d[i], g[i])
        assert str(one.outcome) == vec.outcome[i]
        assert float(one.min_guarantee) == pytest.approx(vec.min_guarantee[i])
        assert float(one.settlement_low) == pytest.approx(vec.settlement_low[i])
