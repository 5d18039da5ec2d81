"""Fearon (1995) bargaining range, optimism and discounting; Putnam (1988) win-sets."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from detente.war.bargaining import bargaining_range, mutual_optimism_gap
from detente.war.ratification import domestic_threshold, win_sets

prob = st.floats(0.0, 1.0, allow_nan=False)
cost = st.floats(0.0, 1.0, allow_nan=False)
disc = st.floats(0.01, 1.0, allow_nan=False)


@given(prob, cost, cost)
@example(0.0, 0.0, 1e-9)
@example(1.0, 1e-9, 0.0)
def test_complete_information_range_is_never_empty(p: float, c_a: float, c_b: float) -> None:
    # Fearon 1995: [p - c_A, p + c_B] is non-empty whenever c_A + c_B > 0 (and contains p).
    r = bargaining_range(p, c_a, c_b)
    assert r.exists
    assert float(r.low) == pytest.approx(p - c_a, abs=1e-12)
    assert float(r.high) == pytest.approx(p + c_b, abs=1e-12)
    assert float(r.width) == pytest.approx(c_a + c_b, abs=1e-12)
    assert r.contains(p)
    if c_a + c_b > 1e-9:
        assert float(r.width) > 0


@given(prob, prob, cost, cost)
def test_mutual_optimism_empties_the_range(p_a: float, p_b: float, c_a: float,
                                            c_b: float) -> None:
    # The range exists iff p_A - c_A <= p_B + c_B (delta = 1).
    r = bargaining_range((p_a + p_b) / 2, c_a, c_b, p_a=p_a, p_b=p_b)
    gap = (p_a - c_a) - (p_b + c_b)
    if gap > 1e-9:
        assert not r.exists
        assert r.closed_by in ("A", "B", "both")
        assert float(mutual_optimism_gap(p_a, p_b, c_a, c_b)) == pytest.approx(gap, abs=1e-12)
    elif gap < -1e-9:
        assert r.exists
        assert r.closed_by == ""


@given(prob, prob, prob, cost, cost, disc)
def test_width_formula_with_discounting(p: float, p_a: float, p_b: float, c_a: float,
                                        c_b: float, d: float) -> None:
    # width = c_A + c_B + (1 - delta) - delta (p_A - p_B); discounting opens the range.
    r = bargaining_range(p, c_a, c_b, p_a=p_a, p_b=p_b, delta=d)
    assert float(r.width) == pytest.approx(c_a + c_b + (1 - d) - d * (p_a - p_b), abs=1e-12)
    r1 = bargaining_range(p, c_a, c_b, p_a=p_a, p_b=p_b, delta=1.0)
    assert float(r.width) >= float(r1.width) - 1e-12 or p_a < p_b


def test_which_side_closes_the_range() -> None:
    # Only A optimistic: A closes it; only B: B; both: both.
    assert str(bargaining_range(0.5, 0.05, 0.05, p_a=0.7, p_b=0.5).closed_by) == "A"
    assert str(bargaining_range(0.5, 0.05, 0.05, p_a=0.5, p_b=0.3).closed_by) == "B"
    r = bargaining_range(0.5, 0.05, 0.05, p_a=0.6, p_b=0.4)
    assert str(r.closed_by) == "both"
    assert float(r.optimism_a) == pytest.approx(0.1)
    assert float(r.optimism_b) == pytest.approx(0.1)


def test_vectorised_over_draws() -> None:
    rng = np.random.default_rng(3)
    p = rng.random(1000)
    c = rng.random(1000) * 0.2
    r = bargaining_range(p, c, c, p_a=p + 0.3, p_b=p - 0.3)
    expected = (p + 0.3 - c) <= (p - 0.3 + c)
    assert np.array_equal(r.exists, expected | np.isclose(p + 0.3 - c, p - 0.3 + c, atol=1e-12))


def test_win_sets_shrink_by_the_thresholds() -> None:
    r = bargaining_range(0.4, 0.1, 0.15)  # [0.3, 0.55], width 0.25
    t_a = float(domestic_threshold(0.5, 0.2))  # 0.1
    w = win_sets(r, t_a, 0.05)
    assert float(w.low) == pytest.approx(0.4)
    assert float(w.high) == pytest.approx(0.5)
    assert float(w.shrink) == pytest.approx(0.15)
    assert w.exists and w.contains(0.45) and not w.contains(0.35)
    assert not win_sets(r, 0.2, 0.1).exists  # thresholds larger than the width close it
    same = win_sets(r, 0.0, 0.0)
    assert float(same.low) == pytest.approx(0.3) and float(same.shrink) == pytest.approx(0.0)


@given(prob, cost, cost, cost, cost)
def test_win_sets_never_grow(p: float, c_a: float, c_b: float, t_a: float, t_b: float) -> None:
    r = bargaining_range(p, c_a, c_b)
    w = win_sets(r, t_a, t_b)
    assert float(w.shrink) >= -1e-12
    if w.exists:
        assert r.contains(float(w.low), tol=1e-9) and r.contains(float(w.high), tol=1e-9)
