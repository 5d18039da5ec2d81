"""Phased packages (ceasefire → withdrawal → status) tested step by step for self-enforcement;
hand-derived cases from the continuation values of ``detente.war.sequencing`` (Powell 2006, §2:
the shift of a phase is realised at its end; Fearon 1995, §2: each side compares a deal with its
war value), and a brute-force month-by-month oracle."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.errors import AnalysisError
from detente.war.sequencing import Phase, phased_settlement


def _sigma(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def test_ceasefire_withdrawal_status_by_hand() -> None:
    # p0 = 0.5, c = 0.1, δ = 0.9. Ceasefire 2 months at 0.5 (B regroups +0.5 logit for B:
    # shift −0.5); withdrawal 3 months at 0.6 (B gives up positions: shift +1.0); status 0.6.
    ph = [Phase("ceasefire", 2, 0.5, -0.5), Phase("withdrawal", 3, 0.6, 1.0),
          Phase("status", 1, 0.6)]
    r = phased_settlement(ph, 0.5, 0.1, 0.1, 0.9)
    p_w, p_s = _sigma(-0.5), _sigma(0.5)
    # status: A 0.6 − (p_s − 0.1); B 0.4 − (1 − p_s − 0.1)
    assert r.phases[2].margin_a == pytest.approx(0.6 - (p_s - 0.1))
    assert r.phases[2].margin_b == pytest.approx(0.4 - (0.9 - p_s))
    # withdrawal: V(r) = 0.6 for every r (same share as the status)
    assert r.phases[1].margin_b == pytest.approx(0.4 - (0.9 - p_w))
    # ceasefire: V(1) = 0.1·0.5 + 0.9·0.6 = 0.59, V(2) = 0.19·0.5 + 0.81·0.6 = 0.581
    assert r.phases[0].margin_a == pytest.approx(0.581 - 0.4)
    assert r.phases[0].margin_b == pytest.approx((1 - 0.59) - 0.4)
    assert r.self_enforcing is (min(c.margin_a for c in r.phases) >= 0
                                and min(c.margin_b for c in r.phases) >= 0)
    # The status holds (p_s = 0.622: B 0.4 ≥ 0.278, A 0.6 ≥ 0.522) but the withdrawal does not:
    # regrouped during the ceasefire, B's war value 1 − σ(−0.5) − 0.1 = 0.523 beats 0.4.
    assert r.phases[2].self_enforcing and r.phases[0].self_enforcing
    assert r.first_failure == ("withdrawal", "B") and not r.self_enforcing
    # Withdraw first, paying B during the withdrawal (front-loading, Powell 2006): share 0.1
    # for 3 months, then the status 0.65. Status: A 0.65 ≥ σ(1) − 0.1 = 0.631, B 0.35 ≥ 0.169;
    # withdrawal: V(1) = 0.1·0.1 + 0.9·0.65 = 0.595 ≤ 0.6 and V(3) = 0.271·0.1 + 0.729·0.65
    # = 0.501, both in [0.4, 0.6]. Every step holds; paid 0.6 during the withdrawal, B breaks it.
    r2 = phased_settlement([Phase("withdrawal", 3, 0.1, 1.0), Phase("status", 1, 0.65)],
                           0.5, 0.1, 0.1, 0.9)
    assert r2.self_enforcing
    r3 = phased_settlement([Phase("withdrawal", 3, 0.6, 1.0), Phase("status", 1, 0.65)],
                           0.5, 0.1, 0.1, 0.9)
    assert r3.first_failure == ("withdrawal", "B")


def test_a_ceasefire_that_lets_b_regroup_breaks_the_status_and_a_guarantee_fixes_it() -> None:
    ph = [Phase("ceasefire", 3, 0.5, -1.5), Phase("status", 1, 0.5)]
    r = phased_settlement(ph, 0.5, 0.05, 0.05, 0.95)
    assert r.first_failure == ("status", "B")  # 1 − σ(−1.5) − 0.05 = 0.768 > 0.5
    g = 1 - 0.05 - 0.5 - _sigma(-1.5)  # B needs A's chance ≥ 0.45 in the status
    fixed = phased_settlement([ph[0], Phase("status", 1, 0.5, guarantee=g + 1e-9)],
                              0.5, 0.05, 0.05, 0.95)
    assert fixed.self_enforcing


def _oracle(phases: list[Phase], p0: float, c_a: float, c_b: float, d: float) -> bool:
    """Month by month: expand the phases into a stream of shares and chances (status for 400
    months) and check every month's discounted continuation value against each war value."""
    ys, ps = [], []
    z = math.log(p0 / (1 - p0))
    for k, ph in enumerate(phases):
        n = 400 if k == len(phases) - 1 else ph.months
        ys += [ph.share] * n
        ps += [min(_sigma(z) + ph.guarantee, 1.0)] * n
        z += ph.shift
    v = ys[-1]
    ok = True
    for t in range(len(ys) - 1, -1, -1):
        v = (1 - d) * ys[t] + d * v
        ok &= v >= ps[t] - c_a - 1e-9 and 1 - v >= 1 - ps[t] - c_b - 1e-9
    return ok


phase = st.builds(Phase, st.just("x"), st.integers(1, 6), st.floats(0, 1),
                  st.floats(-1.5, 1.5), st.floats(0, 0.2))


@settings(max_examples=80, deadline=None)
@given(st.lists(phase, min_size=1, max_size=4), st.floats(0.05, 0.95), st.floats(0, 0.3),
       st.floats(0, 0.3), st.floats(0.5, 0.99))
def test_against_a_month_by_month_oracle(phases: list[Phase], p0: float, c_a: float,
                                         c_b: float, d: float) -> None:
    r = phased_settlement(phases, p0, c_a, c_b, d)
    margins = [m for c in r.phases for m in (c.margin_a, c.margin_b)]
    if min(abs(m) for m in margins) < 1e-6:
        return
    assert r.self_enforcing == _oracle(phases, p0, c_a, c_b, d)


def test_bad_input_names_the_field() -> None:
    with pytest.raises(AnalysisError, match="discount"):
        phased_settlement([Phase("s", 1, 0.5)], 0.5, 0.1, 0.1, 1.5)
    with pytest.raises(AnalysisError, match="phases"):
        phased_settlement([], 0.5, 0.1, 0.1, 0.9)
    with pytest.raises(AnalysisError, match=r"phases\[0\]"):
        phased_settlement([Phase("s", 1, 1.5)], 0.5, 0.1, 0.1, 0.9)
