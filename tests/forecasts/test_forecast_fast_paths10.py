"""Fast paths of the tenth session's backtest work, each pinned bit for bit against the plain
implementation (or checked as the bound it claims to be): the SMP challenge bound without the
target's own vote, and the final state's elections of all issues at once."""

from __future__ import annotations

import numpy as np
import pytest

from detente.forecasts import smp, smp_challenge
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
