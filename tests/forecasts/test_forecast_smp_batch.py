"""SMP over issues of different sizes at once (detente.forecasts.smp_batch): every number is
the one each issue's own, unpadded run gives — compared bit for bit (assert_array_equal), with
the per-issue turn of tests/forecasts/test_forecast_vectorised.py as the independent oracle."""

from __future__ import annotations

import numpy as np
import pytest

from detente.forecasts import smp, smp_batch
from detente.forecasts.backtest import issue_table, scorable
from detente.formats.deu import read_deu
from forecasts.test_forecast_vectorised import direct_smp_turn
from shared_data import REFERENCE

KEYS = ("trajectory", "risk", "ratios", "unique", "win_probability", "group")


def test_rowsum_is_numpys_sum_over_each_issues_own_actors():
    # NumPy sums a row pairwise (blocks of eight, then the rest): padded zeros must not move
    # an element from the rest into a block, for every size around the multiples of 8
    rng = np.random.default_rng(0)
    # from 128 on NumPy halves a row recursively: those sizes are summed unpadded
    n = np.r_[np.arange(1, 42), 119, 120, 126, 127, 128, 129, 135, 136, 200, 257].astype(np.int64)
    a = np.zeros((n.size, 3, n[-1]))
    for b, m in enumerate(n):
        a[b, :, :m] = rng.standard_normal((3, m)) * 10.0 ** rng.integers(-8, 9, (3, m))
    got = smp_batch.rowsum(a, smp_batch.Sizes(n))
    for b, m in enumerate(n):
        np.testing.assert_array_equal(got[b], a[b, :, :m].sum(axis=-1))


def test_padded_turn_equals_each_issue_turned_alone():
    rng = np.random.default_rng(11)
    sizes = smp_batch.Sizes(np.array([3, 5, 7, 8, 9, 12, 15, 16, 17], dtype=np.int64))
    nb, width = sizes.n.size, sizes.width
    x, sal, cap = np.zeros((nb, width, 1)), np.zeros((nb, width, 1)), np.zeros((nb, width))
    for b, m in enumerate(sizes.n):   # a coarse grid: shared positions, so ties are common
        x[b, :m] = rng.integers(0, 5, (m, 1)) / 4
        sal[b, :m] = rng.choice([0.3, 0.6, 0.9], (m, 1))
        cap[b, :m] = rng.choice([1.0, 2.0, 5.0], m)
    new, risk, _ = smp_batch.smp_turn(x, sal, cap, sizes)
    for b, m in enumerate(sizes.n):
        np.testing.assert_array_equal(new[b, :m], direct_smp_turn(x[b, :m], sal[b, :m],
                                                                  cap[b, :m]))
        np.testing.assert_array_equal(new[b, m:], x[b, m:])       # padding never moves
        alone, _ = smp.risk_attitudes(smp.distances(sal[b, :m], x[b, :m], x[b, :m]),
                                      cap[b, :m])
        np.testing.assert_array_equal(risk[b, :m], alone)


@pytest.fixture(scope="module")
def deu_tables():
    data = read_deu(REFERENCE / "deu3-dev.tsv")
    return [issue_table(i) for i in scorable(data)]


def test_all_sizes_at_once_equal_one_issue_at_a_time(deu_tables):
    # one issue of each size, plus the two DEU issues whose runs return to an earlier state
    # (their remaining turns are copied from the cycle, not computed)
    by_size: dict[int, object] = {}
    for t in deu_tables:
        by_size.setdefault(t.n_actors, t)
    cyclic = [t for t in deu_tables if t.name in ("d99252/d99252i2", "n98189/n98189i1")]
    tables = [*by_size.values(), *cyclic]
    assert len(cyclic) == 2 and len({t.n_actors for t in tables}) >= 20
    model = smp.SpatialModel()
    units = [model._unit(t)[0] for t in tables]
    runs = smp_batch.run_smp_batch(units, [t.salience for t in tables],
                                   [t.capability for t in tables])
    for t, x, res in zip(tables, units, runs, strict=True):
        alone = smp_batch.run_smp_batch([x], [t.salience], [t.capability])[0]
        for key in KEYS:
            np.testing.assert_array_equal(res[key], alone[key], err_msg=f"{t.name} {key}")
        assert res["degenerate_risk"] == alone["degenerate_risk"]


def test_a_cycle_is_copied_and_equals_the_computed_turns(deu_tables, monkeypatch):
    table = next(t for t in deu_tables if t.name == "d99252/d99252i2")
    x = smp.SpatialModel()._unit(table)[0]
    fast = smp_batch.run_smp_batch([x], [table.salience], [table.capability])[0]
    computed = [np.asarray(x)]
    for _ in range(len(fast["ratios"])):     # every turn computed, none copied
        new, _, _ = smp.smp_turn(computed[-1][None], table.salience[None],
                                 table.capability[None])
        computed.append(new[0])
    np.testing.assert_array_equal(fast["trajectory"], np.stack(computed))
    assert len(fast["ratios"]) == smp.SMPOptions().max_turns   # it never converges
    calls = []
    turn = smp_batch.smp_turn
    monkeypatch.setattr(smp_batch, "smp_turn", lambda *a, **k: calls.append(1) or turn(*a, **k))
    smp_batch.run_smp_batch([x], [table.salience], [table.capability])
    assert len(calls) == 10                     # state 10 = state 4: a cycle of 6 turns


def test_padded_elections_choose_what_condorcet_chooses():
    # step 4's elections: one item (two options) by _elect_two, longer queues padded within a
    # class of lengths by _elect; the oracle is argmax of smp.condorcet over the real options
    rng = np.random.default_rng(4)
    voters = 13
    for first, last in smp_batch._length_classes(np.arange(1, 40)):
        width = last + 1
        rows = 60
        m = rng.integers(first, last + 1, rows) + 1              # options per row
        util = rng.integers(0, 4, (rows, voters, width)) / 3.0    # coarse: many ties
        weight = rng.choice([0.0, 1.0, 2.5], (rows, voters))
        want = np.array([np.argmax(smp.condorcet(util[r, :, :m[r]], weight[r]))
                         for r in range(rows)])
        if last == 1:
            got = smp_batch._elect_two(util[:, :, 0], util[:, :, 1], weight)
        else:
            got = smp_batch._elect(util, weight, m)
        np.testing.assert_array_equal(got, want, err_msg=f"lengths {first}-{last}")
