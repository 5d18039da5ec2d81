"""The fast paths of the EUM and SMP against their direct formulas (issue 19).

The oracles here are the formulas as printed, summed voter by voter (O(N³) per draw), the way
detente computed them before the prefix-sum and batched versions: a change of speed must not
change a number. Tolerances: win probabilities 1e-12 relative or 1e-13 absolute (a difference of
prefix sums carries about N·eps of the whole sum, ~1e-14 on a probability); whole Monte Carlo
runs with the default options 1e-12 absolute.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.forecasts import eum, smp
from detente.forecasts.backtest import issue_table, scorable
from detente.forecasts.eum import EUMOptions, VoterSplit, run_eum, win_probability
from detente.forecasts.montecarlo import InputRanges
from detente.formats.deu import read_deu
from detente.formats.stakeholders import read_stakeholder_csv
from detente.scenario.values import draw_triangular
from shared_data import REFERENCE

DATA = REFERENCE  # copies of ../shared/data files (tests/data/reference/README.md)


def direct_win_probability(x, c, s, span, how, tol, r=None):
    """Scholz et al. (2011): P_ij = Σ_k max(v^k_ij, 0) / norm, voter by voter."""
    d = np.abs(x[:, :, None] - x[:, None, :]) / span[:, None, None]
    if r is not None:
        d = np.power(d, r[:, :, None])
    w = c * s
    num = np.zeros_like(d)
    for k in range(x.shape[1]):
        dk = d[:, k, :]
        num += w[:, k, None, None] * np.maximum(dk[:, None, :] - dk[:, :, None], 0)
    den = (2 * num.sum(axis=(1, 2))[:, None, None] if how == "all_pairs"
           else num + np.swapaxes(num, 1, 2))
    p = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
    p[np.abs(x[:, :, None] - x[:, None, :]) <= tol] = 0.0
    return p


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 9), st.integers(1, 4), st.booleans(), st.data())
def test_prefix_sum_win_probability_equals_the_direct_sum(n, d, ties, data):
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    # integer positions make ties and voters exactly at a midpoint common
    x = rng.integers(0, 6, (d, n)).astype(float) if ties else rng.uniform(0, 100, (d, n))
    c = rng.uniform(0.1, 5, (d, n))
    s = rng.uniform(0.05, 1, (d, n))
    r = rng.uniform(0.5, 2, (d, n))
    span = np.maximum(np.ptp(x, axis=1), 1.0)
    split = VoterSplit.of(x)
    for how in ("all_pairs", "pair"):
        for exps in (None, r):
            want = direct_win_probability(x, c, s, span, how, 1e-9, exps)
            got = win_probability(x, c, s, span, how, 1e-9, exps, split)
            bound = rounding_bound(x, c, s, span, how, exps)
            assert np.all(np.abs(got - want) <= 1e-12 * np.abs(want) + bound)


def rounding_bound(x, c, s, span, how, r=None):
    """Worst-case rounding difference between the two summation orders (Higham 2002, §4.2:
    a sum of n terms computed in any order errs by at most (n - 1)·u·Σ|terms|). The prefix-sum
    numerator is a difference of running sums whose terms total T_i + T_j at most
    (T_j = Σ_k w_k d_kj), so it and the direct sum each err by ≤ n·u·(T_i + T_j); dividing by
    the denominator (itself a sum of those terms) at most doubles the relative error. Where the
    numerator cancels to a small number the bound grows with T/den, as it must."""
    u = np.finfo(float).eps / 2
    n = x.shape[1]
    d = np.abs(x[:, :, None] - x[:, None, :]) / span[:, None, None]
    if r is not None:
        d = np.power(d, r[:, :, None])
    t = np.einsum("dk,dkj->dj", c * s, d)  # T_j per dimension
    w = c * s
    raw = np.zeros_like(d)
    for k in range(n):
        raw += w[:, k, None, None] * np.maximum(d[:, k, None, :] - d[:, k, :, None], 0)
    den = (2 * raw.sum(axis=(1, 2))[:, None, None] if how == "all_pairs"
           else raw + np.swapaxes(raw, 1, 2))
    den = np.broadcast_to(den, d.shape)
    scale = np.divide(t[:, :, None] + t[:, None, :], den, out=np.zeros(d.shape),
                      where=den > 0)
    return 4 * (2 * n * u) * scale


def test_voter_split_counts_the_voters_strictly_closer():
    x = np.array([[0.0, 2.0, 4.0, 4.0, 1.0]])  # voter 2.0 is equidistant from 0 and 4
    sp = VoterSplit.of(x)
    n = x.shape[1]
    h = sp.at_j.reshape(1, n, n)[0] // n  # prefix length used for each pair
    assert h[0, 2] == 2  # 0 vs 4: voters at 0 and 1 (2.0 is a tie: no side)
    assert h[2, 0] == 5 - 2  # 4 vs 0: the two voters at 4 are the last two
    assert not sp.left[0, 2, 3] and not sp.left[0, 3, 2]  # equal positions: no contest


@pytest.mark.parametrize("case", ["china", "emission", "sultan", "russia-ukraine-2022-blog"])
def test_eum_monte_carlo_runs_equal_the_direct_formula(case, monkeypatch):
    t = read_stakeholder_csv(DATA / "bdm" / f"{case}.csv")
    ranges = InputRanges.spread(t, 0.1)
    rng = np.random.default_rng(3)
    draws = 300
    c = draw_triangular(ranges.capability_low, t.capability, ranges.capability_high,
                        (draws, *t.capability.shape), rng)
    x = draw_triangular(ranges.position_low, t.position, ranges.position_high,
                        (draws, *t.position.shape), rng)[:, :, 0]
    s = draw_triangular(ranges.salience_low, t.salience, ranges.salience_high,
                        (draws, *t.salience.shape), rng)[:, :, 0]
    x = np.vstack([t.position[:, 0], x])  # the table itself is draw 0
    c = np.vstack([t.capability, c])
    s = np.vstack([t.salience[:, 0], s])
    fast = run_eum(x, c, s, EUMOptions())
    monkeypatch.setattr(eum, "win_probability",
                        lambda x, c, s, span, how, tol, r=None, split=None, tie=None:
                        direct_win_probability(x, c, s, span, how, tol, r))
    slow = run_eum(x, c, s, EUMOptions())
    for key in ("trajectory", "median", "mean", "r"):
        np.testing.assert_allclose(fast[key], slow[key], rtol=0, atol=1e-12)


def direct_smp_turn(x, sal, cap):
    """One SMP turn of one issue, each actor's queue elected on its own (SMP.md step 4)."""
    n = x.shape[0]
    d = smp.distances(sal, x, x)
    risk, _ = smp.risk_attitudes(d, cap)
    u_h = smp.utility(d[None], ((2 * risk[:, None] + risk[None, :]) / 3)[:, :, None])
    target, phi, _ = smp.best_challenges(u_h, sal.sum(axis=1), cap, chunk=32)
    init = np.flatnonzero(target >= 0)
    tgt = target[init]
    b_i, b_j = smp.bargains(x, sal, init, tgt, phi[init])
    u_own = u_h[np.arange(n), np.arange(n), :]
    base = u_own.sum(axis=1)
    ub_i = smp.utility(smp.distances(sal, x, b_i), risk[:, None])
    ub_j = smp.utility(smp.distances(sal, x, b_j), risk[:, None])
    ubar_m = (base[:, None] - u_own[:, init] - u_own[:, tgt] + ub_i + ub_j) / n
    new = x.copy()
    for k in range(n):
        items = np.flatnonzero((init == k) | (tgt == k))
        if items.size:
            util = np.concatenate([base[:, None] / n, ubar_m[:, items]], axis=1)
            choice = int(np.argmax(smp.condorcet(util, cap)))
            if choice:
                m = items[choice - 1]
                new[k] = b_i[m] if init[m] == k else b_j[m]
    return new


def test_smp_turn_of_a_batch_equals_each_issue_turned_alone():
    rng = np.random.default_rng(7)
    # integer positions on a coarse grid: many actors share a position, so ties are common
    x = rng.integers(0, 5, (6, 12, 2)) / 4
    sal = rng.choice([0.3, 0.6, 0.9], (6, 12, 2)) / 2
    cap = rng.choice([1.0, 2.0, 5.0], (6, 12))
    new, _, _ = smp.smp_turn(x, sal, cap)
    for b in range(x.shape[0]):
        np.testing.assert_array_equal(new[b], direct_smp_turn(x[b], sal[b], cap[b]))


def test_smp_backtest_batch_equals_one_table_at_a_time():
    data = read_deu(DATA / "deu3-dev.tsv")
    tables = [issue_table(i) for i in scorable(data)]
    tables = [t for t in tables if t.n_actors in (16, 17)][:40]  # two batches
    model = smp.SpatialModel()
    one = np.array([model.forecast(t).position[0] for t in tables])
    np.testing.assert_allclose(model.forecast_batch(tables), one, rtol=0, atol=1e-12)


@pytest.mark.parametrize("options", [EUMOptions(), EUMOptions(outcome="mean", q=0.8),
                                     EUMOptions(stopping="no_change", rounds=12)])
def test_eum_backtest_batch_equals_one_table_at_a_time(options):
    data = read_deu(DATA / "deu3-dev.tsv")
    tables = [issue_table(i) for i in scorable(data)][:80]
    model = eum.ExpectedUtilityModel(options)
    one = np.array([model.forecast(t).position[0] for t in tables])
    np.testing.assert_allclose(model.forecast_batch(tables), one, rtol=0, atol=1e-12)
