"""Battlefield paths and the negotiation window: exact repeats, analytic paths, Monte Carlo
convergence against a closed-form probability, calibrated standard errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import brentq
from scipy.stats import norm

from detente.logistic import expit
from detente.scenario.war import Guarantor, WarModel
from detente.war.commitment import TRUCE_BROKEN
from detente.war.dynamics import simulate
from detente.war.window import (
    beliefs,
    commitment_codes,
    guarantee_threshold,
    negotiation_window,
    range_paths,
)


def _model(**kw: object) -> WarModel:
    base: dict[str, object] = dict(side_a="a", side_b="b", stake="s", horizon=24, p=0.5,
                                   cost_a=0.05, cost_b=0.05)
    base.update(kw)
    return WarModel.model_validate(base)


def test_same_seed_same_paths_and_window() -> None:
    m = _model(volatility=0.3, optimism_a=[0.0, 0.3, 0.6], hot_hand=0.5, cost_rate_a=0.01,
               cost_volatility=0.4, weariness_a=0.5,
               shocks=[{"name": "x", "month": 3, "shift": [-0.5, 0.0, 0.5], "probability": 0.5}],
               proposals=[{"id": "p", "name": "p", "share": 0.5}])
    a, b = simulate(m, 24, 3000, 42), simulate(m, 24, 3000, np.random.default_rng(42))
    for name in ("z", "p", "cost_a", "cost_b", "spent_a", "spent_b", "shocks"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    wa, wb = negotiation_window(m, a), negotiation_window(m, b)
    assert np.array_equal(wa.range_exists.mean, wb.range_exists.mean)
    assert np.array_equal(wa.proposals[0].in_range.mean, wb.proposals[0].in_range.mean)
    c = simulate(m, 24, 3000, 43)
    assert not np.array_equal(a.z, c.z)


def test_deterministic_path_is_analytic() -> None:
    # No noise: z_t = z_0 + μ t + shock jumps; drift changes from the shock month on.
    m = _model(p=0.3, drift=0.05, cost_rate_a=0.01, cost_rate_b=0.02, weariness_a=2.0,
               shocks=[{"name": "s", "month": 4, "shift": 0.4, "drift_change": -0.1,
                        "cost_rate_b_change": 0.01}])
    s = simulate(m, 10, 3, 0)
    z0 = math.log(0.3 / 0.7)
    t = np.arange(11)
    z = z0 + 0.05 * t + np.where(t >= 4, 0.4 - 0.1 * (t - 3), 0.0)
    assert np.allclose(s.z[:, 0], z, atol=1e-12)
    assert np.allclose(s.p[:, 1], 1 / (1 + np.exp(-z)), atol=1e-12)
    spent_b = 0.02 * t + 0.01 * np.clip(t - 3, 0, None)
    assert np.allclose(s.spent_b[:, 2], spent_b, atol=1e-12)
    assert np.allclose(s.cost_a[:, 0], 0.05 + 2.0 * 0.01 * t, atol=1e-12)


def test_shock_happens_with_its_probability() -> None:
    m = _model(shocks=[{"name": "s", "month": 2, "shift": 1.0, "probability": 0.3}])
    s = simulate(m, 3, 20_000, 5)
    q = s.shocks[:, 0].mean()
    assert abs(q - 0.3) < 4 * math.sqrt(0.3 * 0.7 / 20_000)
    jumped = s.z[2] - s.z[1] > 0.5
    assert np.array_equal(jumped, s.shocks[:, 0])


def test_window_probability_matches_closed_form() -> None:
    # δ = 1, constant optimism o on both sides, constant costs c: the range exists iff
    # σ(z + o) − σ(z − o) ≤ 2c, i.e. |z| ≥ z*, with z_t ~ N(z_0 + μt, σ²t).
    o, c, mu, sig, n = 0.8, 0.08, 0.02, 0.25, 40_000
    m = _model(optimism_a=o, optimism_b=o, cost_a=c, cost_b=c, drift=mu, volatility=sig)
    w = negotiation_window(m, simulate(m, 24, n, 7))
    z_star = brentq(lambda z: expit(np.float64(z + o)) - expit(np.float64(z - o)) - 2 * c, 0, 20)
    for t in (1, 6, 12, 24):
        mean, sd = mu * t, sig * math.sqrt(t)
        exact = 1 - (norm.cdf((z_star - mean) / sd) - norm.cdf((-z_star - mean) / sd))
        est, se = w.range_exists.mean[t], w.range_exists.se[t]
        assert se == pytest.approx(math.sqrt(est * (1 - est) / n))
        assert abs(est - exact) <= 4 * se + 1e-4, (t, est, exact, se)
        assert w.range_exists.low[t] <= est <= w.range_exists.high[t]
    assert w.range_exists.mean[0] == 0.0  # z_0 = 0 < z*: closed at the start


def test_standard_error_is_calibrated_across_seeds() -> None:
    m = _model(optimism_a=0.8, optimism_b=0.8, cost_a=0.08, cost_b=0.08, volatility=0.25)
    est, ses = [], []
    for seed in range(40):
        w = negotiation_window(m, simulate(m, 12, 400, seed))
        est.append(w.range_exists.mean[12])
        ses.append(w.range_exists.se[12])
    ratio = float(np.std(est, ddof=1) / np.mean(ses))
    assert 0.6 < ratio < 1.5, ratio


def test_hot_hand_raises_the_winner_optimism() -> None:
    m = _model(drift=0.2, hot_hand=1.0, optimism_a=0.1, optimism_b=0.1)
    s = simulate(m, 6, 2, 0)
    b = beliefs(s)
    # After 3 months of gains A's optimism is 0.1 + 1.0 × 0.6 on the logit scale; B's is 0.1.
    assert b.p_a[3, 0] == pytest.approx(float(expit(s.z[3, 0] + 0.1 + 0.6)))
    assert b.p_b[3, 0] == pytest.approx(float(expit(s.z[3, 0] - 0.1)))
    assert b.p_a[0, 0] == pytest.approx(float(expit(s.z[0, 0] + 0.1)))


def test_proposals_and_guarantee_threshold_on_a_known_path() -> None:
    m = _model(p=0.5, cost_a=0.05, cost_b=0.05, regroup_shift=1.0, discount=0.9,
               guarantors=[{"actor": "g", "strength": 0.1}],
               ratification={"a": {"opposition": 0.5, "audience_cost": 0.1}},
               proposals=[{"id": "mid", "name": "mid", "share": 0.5},
                          {"id": "low", "name": "low", "share": 0.48}])
    s = simulate(m, 2, 5, 0)
    w = negotiation_window(m, s)
    # Range [0.9·0.5 − 0.05, 1 − 0.9·0.5 + 0.05] = [0.4, 0.6]; A's win-set starts at 0.45.
    assert w.proposals[0].in_range.mean[0] == 1.0 and w.proposals[0].ratifiable.mean[0] == 1.0
    assert w.proposals[1].in_range.mean[0] == 1.0 and w.proposals[1].ratifiable.mean[0] == 1.0
    # g* = q − q′ − (1 − δ)(1 − q + c_A)/δ with q′ = σ(−1) (Powell 2006, §2; commitment).
    g = 0.5 - float(expit(np.float64(-1.0))) - 0.1 * 0.55 / 0.9
    rp = range_paths(s)
    assert guarantee_threshold(s, rp)[0, 0] == pytest.approx(g)
    assert g > 0.1 and w.self_enforcing.mean[0] == 0.0  # the guarantee 0.1 is too weak
    # Under each option: no guarantee and every guarantor bound (0.1) both fail at month 0.
    assert set(w.by_guarantee) == {"(no guarantee)", "(every guarantor bound)"}
    # Just above g*: A no longer fights now, but the truce signed at the midpoint of the
    # win-sets [0.45, 0.6], y = 0.525, leaves B less than its post-shift war value
    # (0.525 > q′ + g + c_B): used to regroup. A guarantee of 0.25 keeps it: 0.519 + 0.05 ≥ y.
    m2 = _model(p=0.5, cost_a=0.05, cost_b=0.05, regroup_shift=1.0, discount=0.9,
                ratification={"a": {"opposition": 0.5, "audience_cost": 0.1}},
                guarantors=[{"actor": "g", "strength": round(g + 0.01, 6)}])
    s2 = simulate(m2, 2, 5, 0)
    assert (commitment_codes(s2, range_paths(s2))[0] == TRUCE_BROKEN).all()
    m3 = m2.model_copy(update={"guarantors": [Guarantor(actor="g", strength=0.25)]})
    assert negotiation_window(m3, simulate(m3, 2, 5, 0)).self_enforcing.mean[0] == 1.0


def test_block_size_does_not_change_the_window(monkeypatch: pytest.MonkeyPatch) -> None:
    import detente.war.window as window_module

    m = _model(volatility=0.3, optimism_a=0.5, optimism_b=0.5, hot_hand=0.7,
               proposals=[{"id": "p", "name": "p", "share": 0.5}])
    s = simulate(m, 13, 2000, 9)
    results = []
    for block in (1, 5, 100):
        monkeypatch.setattr(window_module, "BLOCK_MONTHS", block)
        results.append(negotiation_window(m, s))
    for w in results[1:]:
        assert np.array_equal(w.range_exists.mean, results[0].range_exists.mean)
        assert np.array_equal(w.p, results[0].p) and np.array_equal(w.width, results[0].width)
        assert np.array_equal(w.proposals[0].ratifiable.mean,
                              results[0].proposals[0].ratifiable.mean)


def test_window_commitment_fast_path_agrees_with_the_commitment_module() -> None:
    # TruceState.codes writes outcome_codes out for A declining; the two must agree.
    from detente.war.commitment import outcome_codes
    from detente.war.window import TruceState

    rng = np.random.default_rng(11)
    n = 20_000
    q, q_b = rng.random(n), rng.random(n)
    shift = rng.random(n) * 1.5
    qn = expit(np.log(q / (1 - q)) - shift)
    qn_b = expit(np.log(q_b / (1 - q_b)) - shift)
    ca, cb, d, g = rng.random(n) * 0.3, rng.random(n) * 0.3, rng.random(n), rng.random(n) * 0.4
    y = rng.random(n)
    fast = TruceState(q=q, q_next=qn, q_b=q_b, q_next_b=qn_b, c_a=ca, c_b=cb, delta=d,
                      terms=y).codes(g)
    slow = outcome_codes(q, qn, ca, cb, d, g, y, p_now_b=q_b, p_next_b=qn_b)[0]
    assert np.array_equal(fast, slow)
    assert set(np.unique(fast)) == {0, 1, 2}


def test_settlement_interval_agrees_with_the_codes() -> None:
    # The interval [lo, hi] of guarantees that give SETTLEMENT, against codes() on a grid of g.
    from detente.war.window import TruceState

    rng = np.random.default_rng(12)
    n = 5_000
    q, q_b = rng.random(n), rng.random(n)
    shift = rng.random(n) * 1.5
    st_ = TruceState(q=q, q_next=expit(np.log(q / (1 - q)) - shift), q_b=q_b,
                     q_next_b=expit(np.log(q_b / (1 - q_b)) - shift), c_a=rng.random(n) * 0.3,
                     c_b=rng.random(n) * 0.3, delta=0.05 + 0.95 * rng.random(n),
                     terms=rng.random(n))
    lo, hi = st_.settlement_interval()
    hits = 0
    for g in np.linspace(0.0, 1.0, 101):
        settled = st_.codes(np.full(n, g)) == 0
        inside = (lo <= g) & (g <= hi)
        assert np.array_equal(settled, inside), g
        hits += int(settled.sum())
    assert hits > 0
