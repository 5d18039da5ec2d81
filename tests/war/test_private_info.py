"""Risk-return trade-off under uncertainty over the other side's costs (Fearon 1995, §3.2)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from detente.errors import AnalysisError
from detente.war.private_info import optimal_offer, optimal_offer_uniform


def _brute(p: float, c_a: float, lo: float, hi: float, d: float = 1.0) -> tuple[float, float]:
    """Independent check: maximise EU on a fine grid of offers."""
    x = np.linspace(0, 1, 200_001)
    h = 1 - d * (1 - p)
    s = np.clip((hi - (x - h)) / (hi - lo), 0, 1)
    eu = x * s + (d * p - c_a) * (1 - s)
    k = int(np.argmax(eu))
    return float(x[k]), float(eu[k])


def test_fearon_closed_form_interior() -> None:
    # c_B ~ U[0, 0.4], p = 0.5, c_A = 0.1: x* = p + (hi - c_A)/2 = 0.65; P(reject) = 0.15/0.4.
    o = optimal_offer_uniform(0.5, 0.1, 0.0, 0.4)
    assert o.offer == pytest.approx(0.65, abs=1e-12)
    assert o.p_reject == pytest.approx(0.375, abs=1e-12)
    assert o.p_reject > 0  # war with positive probability although a range exists


@given(st.floats(0, 1), st.floats(0, 0.5), st.floats(0, 0.3), st.floats(0.01, 0.5),
       st.floats(0.3, 1.0))
@example(0.375, 0.0, 0.0, 0.25, 0.3125)  # corner optimum between grid points
def test_closed_form_matches_brute_force(p: float, c_a: float, lo: float, span: float,
                                         d: float) -> None:
    hi = lo + span
    o = optimal_offer_uniform(p, c_a, lo, hi, d)
    _x_b, eu_b = _brute(p, c_a, lo, hi, d)
    # The closed form is at least as good as any grid offer, and the grid (step 5e-6) gets
    # within slope x step of it.
    assert o.expected_value >= eu_b - 1e-12
    assert o.expected_value - eu_b <= 2e-5
    assert o.expected_value >= o.war_value - 1e-12
    assert 0.0 <= o.p_reject <= 1.0


def test_corner_solution_is_always_accepted() -> None:
    # hi - c_A <= 2 lo: the safe offer p + lo is optimal and never rejected.
    o = optimal_offer_uniform(0.5, 0.2, 0.1, 0.3)
    assert o.offer == pytest.approx(0.6) and o.p_reject == pytest.approx(0.0)


def test_empirical_law_converges_to_the_closed_form() -> None:
    rng = np.random.default_rng(11)
    exact = optimal_offer_uniform(0.4, 0.05, 0.0, 0.3)
    errs = []
    for n in (2_000, 200_000):
        o = optimal_offer(0.4, 0.05, rng.uniform(0.0, 0.3, n))
        errs.append(abs(o.expected_value - exact.expected_value))
    assert errs[1] < 2e-3
    big = optimal_offer(0.4, 0.05, rng.uniform(0.0, 0.3, 200_000))
    assert big.offer == pytest.approx(exact.offer, abs=0.01)
    assert big.p_reject == pytest.approx(exact.p_reject, abs=0.03)


def test_point_mass_is_complete_information() -> None:
    # Known cost c_B: offer exactly p + c_B, never rejected.
    o = optimal_offer(0.3, 0.1, np.full(10, 0.2))
    assert o.offer == pytest.approx(0.5) and o.p_reject == pytest.approx(0.0)


@pytest.mark.parametrize("kwargs, path", [
    ({"p": 1.5, "c_a": 0.1, "delta": 1.0}, "p"),
    ({"p": 0.5, "c_a": -0.1, "delta": 1.0}, "c_a"),
    ({"p": 0.5, "c_a": 0.1, "delta": 0.0}, "delta"),
])
def test_bad_input_names_the_field(kwargs: dict[str, float], path: str) -> None:
    with pytest.raises(AnalysisError) as e:
        optimal_offer(cost_b_draws=[0.1], **kwargs)
    assert e.value.problems[0].path == path
