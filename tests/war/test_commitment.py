"""Commitment problem across a power shift (Powell 2006) and the guarantee that fixes it."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from detente.war.commitment import commitment_problem, min_guarantee, powell_condition

prob = st.floats(0.0, 1.0, allow_nan=False)
cost = st.floats(0.0, 0.3, allow_nan=False)
disc = st.floats(0.05, 0.99, allow_nan=False)


def _stream_value(first: float, rest: float, delta: float, periods: int = 20_000) -> float:
    """(1 - δ) Σ_t δ^t x_t for x_0 = first and x_t = rest afterwards, summed term by term."""
    t = np.arange(periods)
    x = np.where(t == 0, first, rest)
    return float((1 - delta) * np.sum(delta ** t * x))


def test_large_rapid_shift_means_war_now() -> None:
    # A's chance falls from 0.6 to 0.2 in one period; costs 0.05 each, δ = 0.9:
    # δ(q - q') = 0.36 > (1 - δ)(1 - q + c_A) = 0.045  →  preventive war.
    r = commitment_problem(0.6, 0.2, 0.05, 0.05, delta=0.9)
    assert bool(powell_condition(0.6, 0.2, 0.05, 0.9))
    assert str(r.outcome) == "war now" and str(r.declining) == "A"
    assert not r.self_enforcing
    assert float(r.min_guarantee) == pytest.approx(0.3)


def test_small_shift_keeps_the_peace() -> None:
    r = commitment_problem(0.6, 0.55, 0.05, 0.05, delta=0.9)
    assert str(r.outcome) == "settlement" and bool(r.self_enforcing)
    assert float(r.min_guarantee) == 0.0
    assert float(r.settlement_low) <= float(r.settlement_high)


def test_impatient_side_signs_a_truce_that_will_be_broken() -> None:
    # Same shift, δ = 0.5: the whole stake now outweighs the later loss, so a truce is signed
    # although the rising side will renew the war after regrouping (seed 004).
    r = commitment_problem(0.5, 0.35, 0.05, 0.05, delta=0.5)
    assert str(r.outcome) == "truce broken" and bool(r.truce_feasible)
    assert not bool(powell_condition(0.5, 0.35, 0.05, 0.5))


@given(prob, prob, cost, disc)
def test_powell_condition_against_explicit_payoff_streams(q: float, q2: float, c: float,
                                                          d: float) -> None:
    assume(q > q2)
    war_now = _stream_value(q - c, q - c, d)
    best_truce = _stream_value(1.0, q2 - c, d)  # the whole stake now, the post-shift value after
    assume(abs(war_now - best_truce) > 1e-6)
    assert bool(powell_condition(q, q2, c, d)) == (war_now > best_truce)


@given(prob, prob, cost, cost, st.floats(0.0, 0.5))
def test_self_enforcing_against_a_grid_of_settlements(p: float, p2: float, c_a: float,
                                                      c_b: float, g: float) -> None:
    # A settlement y (A's share) holds iff both prefer it to war now and the rising side does
    # not renew the war after the shift.
    y = np.linspace(0.0, 1.0, 20_001)
    if p2 <= p:  # B rises
        ok = (y >= p - c_a) & (y <= p + c_b) & (y >= p2 - c_a) & (1 - y >= 1 - p2 - c_b - g)
    else:  # A rises
        ok = (y >= p - c_a) & (y <= p + c_b) & (y <= p2 + c_b) & (y >= p2 - c_a - g)
    r = commitment_problem(p, p2, c_a, c_b, delta=0.9, guarantee=g)
    margin = float(r.settlement_high - r.settlement_low)
    assume(abs(margin) > 1e-3)
    assert bool(r.self_enforcing) == bool(ok.any())


@given(prob, prob, cost, cost)
def test_min_guarantee_is_the_threshold(p: float, p2: float, c_a: float, c_b: float) -> None:
    g = float(min_guarantee(p, p2, c_a, c_b))
    assert commitment_problem(p, p2, c_a, c_b, 0.9, guarantee=g + 1e-9).self_enforcing
    if g > 1e-6:
        assert not commitment_problem(p, p2, c_a, c_b, 0.9, guarantee=g - 1e-6).self_enforcing


@given(prob, prob, cost, cost, disc, st.floats(0.0, 0.3))
def test_symmetric_in_the_sides(p: float, p2: float, c_a: float, c_b: float, d: float,
                                g: float) -> None:
    assume(abs(p - p2) > 1e-6)
    r = commitment_problem(p, p2, c_a, c_b, d, g)
    s = commitment_problem(1 - p, 1 - p2, c_b, c_a, d, g)
    assert str(r.outcome) == str(s.outcome)
    assert {str(r.declining), str(s.declining)} == {"A", "B"}
    assert float(r.settlement_low) == pytest.approx(1 - float(s.settlement_high), abs=1e-9)


def test_vectorised() -> None:
    p2 = np.linspace(0.1, 0.9, 9)
    r = commitment_problem(0.5, p2, 0.05, 0.05, 0.9)
    assert r.outcome.shape == (9,)
    assert list(r.self_enforcing) == [abs(0.5 - x) <= 0.1 + 1e-9 for x in p2]
