"""Fast paths of the tenth session's backtest work, each pinned bit for bit against the plain
implementation (or checked as the bound it claims to be): the SMP challenge bound without the
target's own vote, the final state's elections of all issues at once, U^i_nn = 1 added as a
scalar, and maximum/minimum against a full array of the constant instead of the scalar."""

from __future__ import annotations

import numpy as np
import pytest

from detente.forecasts import eum_rounds, smp, smp_challenge
from forecasts.test_forecast_smp_challenge import full_step, pruned, random_issue


def _j_independent_bound(t):
    """The bound as it was before the target's term left it (every third party's support
    counted, the target's too): the oracle the new bound must never exceed."""
    support = np.maximum(t.u_nn - t.u_own, 0.0)
    support += smp_challenge.VOTE_SLACK
    support *= t.w[:, None, :]
    s_i = support.sum(axis=2) * (1 + 1e-12)
    top = t.big_a + s_i[:, :, None]
    phi_hi = np.minimum(top / (top + t.big_b) * (1 + 1e-12), 1.0)
    slope = t.u_ii[:, :, None] - t.u_ij
    g0 = slope * (1 - 2 * t.s[:, None, :])
    hi = np.maximum(g0 + 2 * t.s[:, None, :] * slope * phi_hi, g0)
    return hi + smp_challenge.GAIN_SLACK * 4 * (1 + t.s[:, None, :])


def _tables(x, sal, cap, risk=None):
    d, r_hi, target, phi, gain = full_step(x, sal, cap, risk)
    t = smp_challenge.Tables.of(d[None], r_hi[None], sal.sum(axis=1)[None], cap[None])
    return d, r_hi, target, phi, gain, t


@pytest.mark.parametrize("seed", range(12))
def test_target_dependent_bound_holds_and_is_tighter(seed):
    rng = np.random.default_rng(300 + seed)
    n = int(rng.integers(3, 26))
    x, sal, cap = random_issue(rng, n, grid=seed % 2 == 0)
    _, _, _, _, gain, t = _tables(x, sal, cap)
    hi, _ = smp_challenge.bounds(t)
    off = ~np.eye(n, dtype=bool)
    assert (gain[off] <= hi[0][off]).all()
    old = _j_independent_bound(t)[0]
    assert (hi[0][off] <= old[off]).all()


def test_target_dependent_bound_is_tighter_somewhere_on_deu():
    """Not vacuous: on the DEU issues' first turns many pairs' bounds fall."""
    from detente.forecasts.backtest import issue_table, scorable
    from detente.formats.deu import read_deu
    from shared_data import REFERENCE

    tables = [issue_table(i) for i in scorable(read_deu(REFERENCE / "deu3-dev.tsv"))][:40]
    fell = total = 0
    for table in tables:
        x = smp.SpatialModel()._unit(table)[0]
        _, _, _, _, gain, t = _tables(x, table.salience, table.capability)
        hi, _ = smp_challenge.bounds(t)
        n = table.n_actors
        off = ~np.eye(n, dtype=bool)
        assert (gain[off] <= hi[0][off]).all()
        fell += int((hi[0][off] < _j_independent_bound(t)[0][off]).sum())
        total += int(off.sum())
    assert fell > total // 4  # 4,800 of 9,708 pairs on the first 40 issues


@pytest.mark.parametrize("tiny", [0.0, 1e-300, 1e-12, 1e-6])
def test_target_holding_almost_all_weight(tiny):
    """The cancellation the bound's margin is for: the target's own term is almost all of
    S_i (the others weigh ``tiny`` or nothing), so S_i − σ_j is a difference of nearly equal
    numbers. The bound still holds for every pair and the pruned step is the full step's."""
    rng = np.random.default_rng(11)
    n = 9
    x, sal, _ = random_issue(rng, n, grid=False)
    sal = np.maximum(sal, 0.3)
    for heavy in range(n):
        cap = np.full(n, tiny)
        cap[heavy] = 1e6
        cap[(heavy + 1) % n] = 1.0          # one initiator of some weight
        d, r_hi, target, phi, gain, t = _tables(x, sal, cap)
        hi, _ = smp_challenge.bounds(t)
        off = ~np.eye(n, dtype=bool)
        assert (gain[off] <= hi[0][off]).all(), heavy
        got_t, got_phi = pruned(d, r_hi, sal, cap)
        np.testing.assert_array_equal(got_t, target)
        np.testing.assert_array_equal(got_phi[target >= 0], phi[target >= 0])


def _padded_final_states(rng, sizes, k, grid):
    """Issues of ``sizes`` actors padded to one batch (zeros, as run_smp_batch pads them),
    with risk attitudes in [−½, 1] and each issue's distinct positions."""
    from detente.forecasts import smp_batch

    width = max(sizes)
    x, sal = np.zeros((len(sizes), width, k)), np.zeros((len(sizes), width, k))
    cap, risk = np.zeros((len(sizes), width)), np.zeros((len(sizes), width))
    reps = []
    for b, n in enumerate(sizes):
        x[b, :n] = (rng.integers(0, 4 + b % 7, (n, k)) / (3 + b % 7) if grid
                    else rng.uniform(0, 1, (n, k)))
        sal[b, :n] = rng.choice([0.0, 0.3, 0.6, 1.0], (n, k))
        cap[b, :n] = rng.choice([0.0, 1.0, 2.0, 5.0, 13.0], n)
        risk[b, :n] = rng.uniform(-0.5, 1.0, n)
        reps.append(smp.merge_positions(x[b, :n], 1e-3)[0])
    return x, sal, cap, risk, np.array(sizes, dtype=np.int64), reps, smp_batch


@pytest.mark.parametrize("k", [1, 2])
@pytest.mark.parametrize("grid", [True, False])
def test_final_elections_equal_each_issue_alone(k, grid):
    """All issues' final elections at once (grouped by their number of distinct positions,
    voters padded) against ``condorcet`` of each issue alone, bit for bit."""
    rng = np.random.default_rng(40 + k + 2 * grid)
    sizes = sorted(int(v) for v in rng.integers(1, 31, 40))
    x, sal, cap, risk, n, reps, smp_batch = _padded_final_states(rng, sizes, k, grid)
    got = smp_batch.final_elections(x, sal, cap, risk, n, reps)
    ms = {len(r) for r in reps}
    assert len(ms) > 3 and any(sum(len(r) == m for r in reps) > 1 for m in ms)
    for b, m in enumerate(sizes):
        want = smp.condorcet(smp.utility(smp.distances(sal[b, :m], x[b, :m], reps[b]),
                                         risk[b, :m][:, None]), cap[b, :m])
        assert got[b].tobytes() == want.tobytes(), (b, m, len(reps[b]))


def test_batch_runs_equal_single_runs_through_the_final_step():
    """run_smp_batch of issues of 3–25 actors (several sharing a number of final positions)
    against run_smp of each: the distinct final positions, groups and win probabilities."""
    from detente.forecasts import smp_batch

    rng = np.random.default_rng(77)
    x0, sal, cap = [], [], []
    for n in (3, 4, 4, 6, 9, 9, 12, 17, 25):
        x, s, c = random_issue(rng, n, grid=True)
        x0.append(x)
        sal.append(s)
        cap.append(c)
    runs = smp_batch.run_smp_batch(x0, sal, cap)
    for b in range(len(x0)):
        want = smp.run_smp(x0[b], sal[b], cap[b])
        for key in ("unique", "group", "win_probability", "trajectory"):
            assert np.asarray(runs[b][key]).tobytes() == np.asarray(want[key]).tobytes(), key


def test_scores_add_u_nn_itself_when_it_is_not_one():
    """The exact scores add 1.0 for U^i_nn only when every U^i_nn is exactly 1 (d_nn = 0):
    with distances of an actor to itself above 0 (outside the bounds' premises, so every
    pair is scored) the table is gathered, and targets and φ are still the full step's."""
    rng = np.random.default_rng(8)
    n = 11
    x, sal, cap = random_issue(rng, n, grid=False)
    d = smp.distances(sal, x, x)
    d[np.arange(n), np.arange(n)] = rng.uniform(0.01, 0.2, n)
    risk = rng.uniform(-0.5, 1.0, n)
    r_hi = (2 * risk[:, None] + risk[None, :]) / 3
    u_h = smp.utility(d[None], r_hi[:, :, None])
    target, phi, _ = smp.best_challenges(u_h, sal.sum(axis=1), cap, chunk=32)
    t = smp_challenge.Tables.of(d[None], r_hi[None], sal.sum(axis=1)[None], cap[None])
    assert not t.unit_nn
    got_t, got_phi = pruned(d, r_hi, sal, cap)
    assert (target >= 0).sum() >= 3
    np.testing.assert_array_equal(got_t, target)
    np.testing.assert_array_equal(got_phi[target >= 0], phi[target >= 0])
    x2, sal2, cap2 = random_issue(rng, n, grid=False)
    d2 = smp.distances(sal2, x2, x2)
    assert smp_challenge.Tables.of(d2[None], r_hi[None], sal2.sum(axis=1)[None],
                                   cap2[None]).unit_nn


@pytest.mark.parametrize("value", [0.0, 1.0])
def test_maximum_and_minimum_against_an_array_of_the_constant_equal_numpys(value):
    """``eum_rounds.maximum``/``minimum`` (the constant as a contiguous array, in blocks above
    ``CONST_CELLS``) give the bits of ``np.maximum``/``np.minimum`` against the scalar: signed
    zeros, NaN of both signs, infinities, subnormals; contiguous, strided and in-place
    operands below, at and above the block size."""
    rng = np.random.default_rng(3)
    special = np.array([-0.0, 0.0, np.nan, -np.nan, np.inf, -np.inf, 5e-324, -5e-324,
                        1.0, -1.0, np.nextafter(1.0, 2.0), np.nextafter(1.0, 0.0)])
    cells = eum_rounds.CONST_CELLS
    for size in (12, 1000, cells - special.size, cells + 1, 3 * cells + 17):
        a = np.concatenate([special, rng.standard_normal(size) * 2])
        for arr in (a, a[::3], a[: a.size // 6 * 6].reshape(2, 3, -1)[:, 1:, ::2],
                    a[: a.size // 4 * 4].reshape(4, -1)):
            for mine, numpys in ((eum_rounds.maximum, np.maximum),
                                 (eum_rounds.minimum, np.minimum)):
                want = numpys(arr, value)
                assert mine(arr, value).tobytes() == want.tobytes()
                inplace = arr.copy()
                assert mine(inplace, value, out=inplace) is inplace
                assert inplace.tobytes() == want.tobytes()
    assert eum_rounds.maximum(np.empty((0, 3)), value).shape == (0, 3)
