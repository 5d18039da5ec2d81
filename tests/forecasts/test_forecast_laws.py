"""Laws of the model primitives (property-based)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from detente.forecasts.eum import EUMOptions, risk_exponents, win_probability
from detente.forecasts.smp import condorcet, distances, risk_attitudes, utility

unit = st.floats(0.0, 1.0, allow_nan=False)


@settings(max_examples=50, deadline=None)
@given(st.integers(3, 7).flatmap(lambda n: st.tuples(
    arrays(float, n, elements=st.integers(0, 10).map(float)),
    arrays(float, n, elements=st.floats(0.1, 3)),
    arrays(float, n, elements=st.floats(0.05, 1)))),
    st.sampled_from(["actors", "positions"]))
def test_eum_risk_exponents_stay_in_half_to_two(xcs, how):
    x, c, s = (a[None] for a in xcs)
    span = np.array([max(np.ptp(x), 1.0)])
    r = risk_exponents(x, c, s, span, EUMOptions(risk_range=how))
    assert np.all(r >= 0.5 - 1e-9) and np.all(r <= 2 + 1e-9)
    p = win_probability(x, c, s, span, "pair", 1e-9)
    assert np.all((p >= 0) & (p <= 1))


@settings(max_examples=60, deadline=None)
@given(arrays(float, 7, elements=unit), st.floats(-1, 1))
def test_smp_utility_ends(d, r):
    assert np.allclose(utility(np.zeros(1), np.array([r])), 1.0)
    assert np.allclose(utility(np.ones(1), np.array([r])), 0.0)
    u = utility(d, np.full_like(d, r))
    assert np.all(np.diff(u[np.argsort(d)]) <= 1e-12)  # utility falls with distance


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 6).flatmap(lambda n: st.tuples(
    arrays(float, (n, 2), elements=unit), arrays(float, (n, 2), elements=st.floats(0.05, 0.5)),
    arrays(float, n, elements=st.floats(0.5, 50)))))
def test_smp_election_and_risk_ranges(data):
    x, s, c = data
    d = distances(s, x, x)
    assert np.allclose(np.diagonal(d), 0) and np.all(d >= 0) and np.all(d <= 1 + 1e-12)
    p = condorcet(1 - d, c)
    assert np.isclose(p.sum(), 1.0) and np.all(p >= 0)
    r, degenerate = risk_attitudes(d, c)
    assert np.all(r >= -0.5 - 1e-9) and np.all(r <= 1 + 1e-9)
    if not degenerate:
        assert np.isclose(r.max(), 1.0) and np.isclose(r.min(), -0.5)


def test_condorcet_of_two_options_with_one_voter():
    # one voter preferring option 0: P_01 = (v + 1e-8) / (v + 2e-8), p_0 = P_01·½ / (...)
    p = condorcet(np.array([[1.0, 0.0]]), np.array([2.0]))
    p01 = (2.0 + 1e-8) / (2.0 + 2e-8)
    expected0 = (0.5 * p01) / (0.5 * p01 + 0.5 * (1 - p01))
    assert np.isclose(p[0], expected0, rtol=1e-12, atol=0)
