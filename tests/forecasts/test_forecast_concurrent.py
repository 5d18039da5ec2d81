"""Backtest models forecast side by side on an executor (detente.forecasts.concurrent): the
same result arrays as the serial run, bit for bit, in sample and under cross-validation."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace

import numpy as np
import pytest

from detente.forecasts import concurrent
from detente.forecasts.backtest import issue_table, run_backtest, scorable
from detente.forecasts.run import make_forecasters
from detente.formats.deu import read_deu
from detente.parallel import SerialExecutor
from shared_data import REFERENCE

ARRAYS = ("predictions", "outcomes", "crps", "inside", "intervals")


@pytest.fixture(scope="module")
def deu():
    return read_deu(REFERENCE / "deu3-dev.tsv")


def same(a, b):
    for key in ARRAYS:
        np.testing.assert_array_equal(getattr(a, key), getattr(b, key), err_msg=key)
    assert a.bootstrap == b.bootstrap and a.models == b.models
    assert a.fitted == b.fitted and list(a.seconds) == list(b.seconds)


def test_all_models_on_a_process_pool_equal_the_serial_run(deu):
    models = make_forecasters(["compromise", "all"])
    serial = run_backtest(deu, models, bootstrap=200)
    with ProcessPoolExecutor(max_workers=2) as pool:
        pooled = run_backtest(deu, models, bootstrap=200, executor=pool)
    same(pooled, serial)


def test_cross_validation_on_an_executor_equals_the_serial_run(deu, monkeypatch):
    models = make_forecasters(["compromise", "median", "smp", "challenger2"])
    deu = replace(deu, issues=deu.issues[:120])    # about half the file: every fold filled
    serial = run_backtest(deu, models, bootstrap=100, split="cv")
    sent = []
    task = concurrent.forecast_task
    monkeypatch.setattr(concurrent, "forecast_task",
                        lambda m, t: sent.append(m.name) or task(m, t))
    got = run_backtest(deu, models, bootstrap=100, split="cv", executor=SerialExecutor())
    same(got, serial)
    # refitted per fold: never sent; SMP in two parts by size
    assert sorted(sent) == ["compromise", "median", "smp", "smp"]


def test_halves_by_size_partition_the_issues_with_balanced_work(deu):
    tables = [issue_table(i) for i in scorable(deu)]
    parts = concurrent.halves_by_size(tables)
    assert len(parts) == 2
    n = np.array([t.n_actors for t in tables])
    both = np.sort(np.concatenate(parts))
    np.testing.assert_array_equal(both, np.arange(len(tables)))
    assert n[parts[0]].min() > n[parts[1]].max()            # larger issues first
    work = [float((n[p].astype(float) ** 3).sum()) for p in parts]
    assert 0.4 < work[0] / sum(work) < 0.75
    one_size = [t for t in tables if t.n_actors == 17]
    assert len(concurrent.halves_by_size(one_size)) == 1
