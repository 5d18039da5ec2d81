"""Fast paths of the seventh and eighth sessions' backtest work, each pinned bit for bit against
the plain implementation it replaces (kept here as the oracle): SMP's merge of final positions
without an array call per actor, the EUM's small blocks run step by step, and SMP's queues of
the step-4 elections without a sort of every actor's row."""

from __future__ import annotations

import numpy as np
import pytest

from detente.forecasts import eum, smp, smp_batch
from detente.forecasts.eum import EUMOptions


def plain_merge_positions(x: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """The merge as it was written before: one masked search of the representatives per actor."""
    n = x.shape[0]
    dist = np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(axis=2))
    reps: list[int] = []
    group = np.empty(n, dtype=np.int64)
    for i in range(n):
        near = np.flatnonzero(dist[reps, i] < tol) if reps else np.empty(0, dtype=np.int64)
        if near.size:
            group[i] = near[0]
        else:
            group[i] = len(reps)
            reps.append(i)
    return x[reps], group


@pytest.mark.parametrize("seed", range(6))
def test_merge_positions_equals_the_plain_merge(seed):
    rng = np.random.default_rng(seed)
    for n in (1, 2, 5, 17, 30):
        for k in (1, 2, 3):
            # coarse grids (exact ties), points a hair inside / outside the tolerance (chains:
            # a point near two representatives joins the first), NaN and infinite positions
            x = rng.integers(0, 4, (n, k)) / 3.0
            x[rng.random(n) < 0.3] += rng.choice([-1, 1]) * rng.choice([0.9e-3, 1.1e-3, 1e-3])
            if n > 3 and seed % 2:
                x[rng.integers(n)] = np.nan
                x[rng.integers(n), 0] = np.inf
            for tol in (1e-3, 0.0, 0.5):
                with np.errstate(invalid="ignore"):     # inf − inf in the distances
                    want_reps, want_group = plain_merge_positions(x, tol)
                    got_reps, got_group = smp.merge_positions(x, tol)
                np.testing.assert_array_equal(got_reps, want_reps)
                np.testing.assert_array_equal(got_group, want_group)
                assert got_group.dtype == want_group.dtype


@pytest.mark.parametrize("draws", [1, 3, 11, 12, 13, 40])
def test_small_blocks_run_step_by_step_with_the_same_numbers(draws, monkeypatch):
    """Below ``BY_DRAW_MIN_DRAWS`` a block takes the step-by-step path; both paths give the
    same numbers (and the default really picks by size: a spy on the draws-last path)."""
    rng = np.random.default_rng(draws)
    x, c = rng.integers(0, 11, (draws, 9)) * 10.0, rng.uniform(1, 10, (draws, 9))
    s = rng.uniform(0.1, 1, (draws, 9))
    fast = eum._run_block(x, c, s, EUMOptions(), by_draw=True)
    slow = eum._run_block(x, c, s, EUMOptions(), by_draw=False)
    used: list[int] = []
    by_draw = eum._run_block_by_draw
    monkeypatch.setattr(eum, "_run_block_by_draw",
                        lambda *a, **k: used.append(1) or by_draw(*a, **k))
    auto = eum._run_block(x, c, s, EUMOptions())
    assert bool(used) == (draws >= eum.BY_DRAW_MIN_DRAWS)
    for key in fast:
        np.testing.assert_array_equal(fast[key], slow[key], err_msg=key)
        np.testing.assert_array_equal(auto[key], fast[key], err_msg=key)


def test_final_risk_of_a_batch_is_each_issues_own():
    """run_smp_batch takes the final state's risk attitudes of all issues at once: per issue
    the numbers smp.risk_attitudes gives that state alone (and its degenerate flag)."""
    from detente.forecasts.smp_batch import run_smp_batch

    rng = np.random.default_rng(5)
    sizes = [3, 9, 16, 17, 8, 24, 2, 9]
    x0 = [rng.integers(0, 5, (n, 1)) / 4 for n in sizes]
    x0[-1][:] = 0.5                                   # one issue with every actor at one point
    sal = [rng.choice([0.3, 0.6, 0.9], (n, 1)) for n in sizes]
    cap = [rng.choice([1.0, 2.0, 5.0], n) for n in sizes]
    for res, s, c in zip(run_smp_batch(x0, sal, cap), sal, cap, strict=True):
        final = res["trajectory"][-1]
        want, degenerate = smp.risk_attitudes(smp.distances(s, final, final), c)
        np.testing.assert_array_equal(res["risk"][-1], want)
        if degenerate:
            assert res["degenerate_risk"]


@pytest.mark.parametrize("rows", [1, 2, 57])
def test_short_elections_with_rows_last_equal_the_rows_first_ones(rows):
    """SMP's elections of few options (≤ SHORT_QUEUE) run with the rows on the last axis: the
    same choice as smp_batch._elect (rows first) and as condorcet over each row's real options,
    for padded rows (fewer real options than the width), tied utilities and weight-0 voters."""
    from detente.forecasts import smp_batch

    rng = np.random.default_rng(rows)
    voters = 11
    for width in range(3, smp_batch.SHORT_QUEUE + 1):
        m = rng.integers(2, width + 1, rows)                     # real options per row
        util = rng.integers(0, 4, (rows, voters, width)) / 3.0    # coarse: many ties
        weight = rng.choice([0.0, 1.0, 2.5], (rows, voters))
        got = smp_batch._elect_rows_last(np.ascontiguousarray(util.transpose(1, 2, 0)),
                                         np.ascontiguousarray(weight.T), m)
        np.testing.assert_array_equal(got, smp_batch._elect(util, weight, m))
        want = [np.argmax(smp.condorcet(util[r, :, :m[r]], weight[r])) for r in range(rows)]
        np.testing.assert_array_equal(got, want)


def plain_queues(made: np.ndarray, tgt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The queues as they were built before: a (B, L, L) membership mask and a stable argsort
    of every row; each row's length and its items in initiator order."""
    n = made.shape[1]
    ar = np.arange(n)
    part = made[:, None, :] & ((ar[None, :, None] == ar[None, None, :])
                               | (tgt[:, None, :] == ar[None, :, None]))
    order = np.argsort(~part.reshape(-1, n), axis=1, kind="stable")
    return part.sum(axis=2).ravel(), order


@pytest.mark.parametrize("seed", range(8))
def test_queues_are_the_rows_of_the_plain_sort(seed):
    rng = np.random.default_rng(seed)
    nb, n = int(rng.integers(1, 6)), int(rng.integers(1, 31))
    made = rng.random((nb, n)) < rng.choice([0.0, 0.3, 1.0])
    tgt = rng.integers(0, n, (nb, n))             # a target may be its own initiator
    if seed % 2:
        tgt[:, :] = rng.integers(0, n)            # many bargains on one target: long queues
    tgt = np.where(made, tgt, np.arange(n))
    count, order = plain_queues(made, tgt)
    item, start, got_count = smp_batch._queues(made, tgt)
    np.testing.assert_array_equal(got_count, count)
    for row in range(nb * n):
        np.testing.assert_array_equal(item[start[row]:start[row] + count[row]],
                                      order[row, :count[row]])


def plain_distances(sal: np.ndarray, ideal: np.ndarray, points: np.ndarray) -> np.ndarray:
    """SMP's distances as written before the one-dimension path: normalised squared
    saliences as weights, the weighted sum over dimensions by einsum."""
    w = sal**2
    tot = w.sum(axis=-1, keepdims=True)
    w = np.where(tot > 0, w / np.where(tot > 0, tot, 1.0), 1.0 / sal.shape[-1])
    diff = ideal[..., :, None, :] - points[..., None, :, :]
    return np.sqrt(np.einsum("...ik,...imk->...im", w, diff**2))


@pytest.mark.parametrize("seed", range(6))
def test_one_dimension_distances_equal_the_weighted_sum(seed):
    rng = np.random.default_rng(seed)
    b, n = int(rng.integers(1, 4)), int(rng.integers(1, 31))
    x = rng.choice([0.0, 0.25, 1.0, 1e-170, 3e-160, 0.5 + 1e-16], (b, n, 1))
    x[rng.random((b, n, 1)) < 0.5] = rng.uniform(-1, 2, 1)
    y = np.where(rng.random((b, n, 1)) < 0.5, x, rng.uniform(0, 1, (b, n, 1)))
    sal = rng.choice([0.0, 1e-200, 0.3, 1.0, 7.0, 1e149], (b, n, 1))
    for got, want in ((smp.distances(sal, x, x), plain_distances(sal, x, x)),
                      (smp.distances(sal, x, y), plain_distances(sal, x, y)),
                      (smp.distances(sal[0], x[0], y[0]), plain_distances(sal[0], x[0], y[0]))):
        np.testing.assert_array_equal(got, want)
    big = sal.copy()
    big[0, 0, 0] = 1e160                          # s² overflows: the general path, NaN as before
    with np.errstate(over="ignore", invalid="ignore"):
        np.testing.assert_array_equal(smp.distances(big, x, y), plain_distances(big, x, y))
