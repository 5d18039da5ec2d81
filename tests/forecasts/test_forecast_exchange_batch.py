"""The exchange model run on stacks of proposals of one shape gives every proposal the very
numbers it has alone: compared bit for bit with a plain one-table implementation (the full
(i, j, p, q) mask and a greedy loop over NumPy scalars, as the model was written before)."""

from __future__ import annotations

import numpy as np
import pytest

from detente.forecasts.exchange import (
    ExchangeModel,
    ExchangeOptions,
    _linked,
    candidate_exchanges,
    outcomes,
    run_exchange,
    run_exchanges,
)
from detente.formats.table import StakeholderTable


def _plain_candidates(x, s, w):
    k = x.shape[1]
    o = outcomes(x, w)
    big_w = w.sum(axis=0)
    side = np.sign(x - o)
    has = w > 0
    opposite = (side[:, None, :] * side[None, :, :] < 0) & has[:, None, :] & has[None, :, :]
    ok = opposite[:, :, :, None] & opposite[:, :, None, :]
    ok &= (s[:, None, :, None] * s[None, :, None, :] > s[:, None, None, :] * s[None, :, :, None])
    ok &= ~np.eye(k, dtype=bool)[None, None]
    ok &= np.triu(np.ones(ok.shape[:2], dtype=bool), 1)[:, :, None, None]
    i, j, p, q = np.nonzero(ok)
    rate = (s[i, p] + s[j, p]) / (s[i, q] + s[j, q])
    m_j = np.abs(x[i, p] - x[j, p])
    dp = m_j * w[j, p] / big_w[p]
    m_i = dp * rate * big_w[q] / w[i, q]
    room_i = np.abs(x[j, q] - x[i, q])
    too_far = m_i > room_i
    m_i = np.where(too_far, room_i, m_i)
    dq = m_i * w[i, q] / big_w[q]
    dp = np.where(too_far, dq / rate, dp)
    m_j = np.where(too_far, dp * big_w[p] / w[j, p], m_j)
    gain = s[i, p] * dp - s[i, q] * dq
    return np.stack([i, j, p, q], axis=1), m_i, m_j, gain


def _plain_run(x0, s, c, opt=None):
    opt = opt or ExchangeOptions()
    x = np.array(x0, dtype=float)
    w = c[:, None] * s
    made = rounds = 0
    for _ in range(opt.rounds):
        idx, m_i, m_j, gain = _plain_candidates(x, s, w)
        new, used, done = x.copy(), set(), 0
        for e in np.argsort(-np.round(gain, 12), kind="stable"):
            if gain[e] <= opt.min_gain:
                break
            i, j, p, q = idx[e]
            if (i, q) in used or (j, p) in used:
                continue
            used |= {(i, q), (j, p)}
            new[i, q] += np.sign(x[j, q] - x[i, q]) * m_i[e]
            new[j, p] += np.sign(x[i, p] - x[j, p]) * m_j[e]
            done += 1
        if done == 0:
            break
        x, made, rounds = new, made + done, rounds + 1
    return x, rounds, made


def _stack(rng, b, n, k, grid):
    x = rng.integers(0, grid + 1, (b, n, k)) / grid                    # ties on coarse grids
    s = rng.integers(0, 4, (b, n, k)) / 3                               # salience 0: no stake
    c = rng.integers(0, 5, (b, n)).astype(float)
    return x, s, c


@pytest.mark.parametrize(("b", "n", "k", "grid"), [(1, 2, 2, 1), (3, 5, 2, 2), (6, 9, 3, 4),
                                                   (4, 17, 5, 10), (2, 29, 6, 100),
                                                   (5, 12, 1, 3)])
def test_stacked_runs_equal_each_table_alone(b, n, k, grid):
    rng = np.random.default_rng(b * 1000 + n * 10 + k)
    x, s, c = _stack(rng, b, n, k, grid)
    final, rounds, made = run_exchanges(x, s, c)
    for t in range(b):
        want, want_rounds, want_made = _plain_run(x[t], s[t], c[t])
        np.testing.assert_array_equal(final[t], want)
        assert (rounds[t], made[t]) == (want_rounds, want_made)
        np.testing.assert_array_equal(run_exchange(x[t], s[t], c[t])[0], want)
        for got, ref in zip(candidate_exchanges(x[t], s[t], c[t][:, None] * s[t]),
                            _plain_candidates(x[t], s[t], c[t][:, None] * s[t]), strict=True):
            np.testing.assert_array_equal(got, ref)
    assert made.sum() > 0 or k == 1 or n == 2  # trades happen (a pair of two may not)


def test_forecast_groups_equals_forecast_group_per_proposal():
    rng = np.random.default_rng(7)
    groups = []
    for g, (n, k) in enumerate([(6, 2), (6, 2), (8, 3), (6, 2), (5, 1), (8, 3), (11, 4)]):
        actors = [f"a{i}" for i in rng.permutation(n + 2)[:n]]
        tables = []
        for col in range(k):
            keep = sorted(rng.choice(n, size=n - col % 2, replace=False))
            tables.append(StakeholderTable.build(
                [actors[i] for i in keep], rng.integers(1, 10, len(keep)),
                rng.integers(0, 11, len(keep)) * 10.0, rng.integers(0, 4, len(keep)) / 3,
                scale=(0.0, 100.0), name=f"p{g}/i{col}"))
        groups.append(tables)
    together = ExchangeModel().forecast_groups(groups)
    for tables, got in zip(groups, together, strict=True):
        x, s, c, lo, span = _linked(tables)
        final, _, _ = _plain_run((x - lo) / span, s, c)
        np.testing.assert_array_equal(got, lo + span * outcomes(final, c[:, None] * s))
        np.testing.assert_array_equal(got, ExchangeModel().forecast_group(tables))


@pytest.mark.parametrize("min_gain", [0.0, 0.005, 0.02])
def test_stacked_runs_stop_where_each_table_alone_stops(min_gain):
    # a table's greedy pass ends at its first gain ≤ min_gain, whatever the other tables do
    rng = np.random.default_rng(11)
    x, s, c = _stack(rng, 8, 10, 3, 20)
    opt = ExchangeOptions(rounds=4, min_gain=min_gain)
    final, rounds, made = run_exchanges(x, s, c, opt)
    for t in range(8):
        want, want_rounds, want_made = _plain_run(x[t], s[t], c[t], opt)
        np.testing.assert_array_equal(final[t], want)
        assert (rounds[t], made[t]) == (want_rounds, want_made)
    assert len(set(made.tolist())) > 1


@pytest.mark.parametrize("k", [2, 3, 6])
def test_padded_stacks_equal_each_table_alone(k):
    """Tables of 2–17 actors padded to one stack (zeros after their own actors), one of them
    with an issue where every weight is 0 (its outcome is the mean of its own actors)."""
    rng = np.random.default_rng(50 + k)
    sizes = np.array([2, 5, 9, 17, 17, 12], dtype=np.int64)
    x, s, c = np.zeros((6, 17, k)), np.zeros((6, 17, k)), np.zeros((6, 17))
    for t, n in enumerate(sizes):
        x[t, :n], s[t, :n], c[t, :n] = (a[0] for a in _stack(rng, 1, int(n), k, 10))
    s[2, :, 0] = 0.0                                  # no stake on issue 0: the plain mean
    final, rounds, made = run_exchanges(x, s, c, size=sizes)
    for t, n in enumerate(sizes):
        want, want_rounds, want_made = _plain_run(x[t, :n], s[t, :n], c[t, :n])
        np.testing.assert_array_equal(final[t, :n], want)
        np.testing.assert_array_equal(final[t, n:], 0.0)
        assert (rounds[t], made[t]) == (want_rounds, want_made)
    w = c[2, :9, None] * s[2, :9]
    np.testing.assert_array_equal(outcomes(x[2:3], c[2:3, :, None] * s[2:3], sizes[2:3])[0],
                                  outcomes(x[2, :9], w))
    assert made.sum() > 0


def test_forecast_groups_pads_proposals_of_one_number_of_issues():
    """Proposals of 4–12 actors on two or three issues, and on one (no exchange), forecast
    together equal each forecast alone by the plain run."""
    rng = np.random.default_rng(8)
    groups = []
    for g, (n, k) in enumerate([(4, 2), (9, 2), (12, 2), (7, 3), (12, 3), (5, 1), (11, 1)]):
        actors = [f"a{i}" for i in range(n)]
        groups.append([StakeholderTable.build(
            actors, rng.integers(1, 10, n), rng.integers(0, 11, n) * 10.0,
            rng.integers(0, 4, n) / 3, scale=(0.0, 100.0), name=f"p{g}/i{col}")
            for col in range(k)])
    together = ExchangeModel().forecast_groups(groups)
    for tables, got in zip(groups, together, strict=True):
        x, s, c, lo, span = _linked(tables)
        final, _, _ = _plain_run((x - lo) / span, s, c)
        np.testing.assert_array_equal(got, lo + span * outcomes(final, c[:, None] * s))
