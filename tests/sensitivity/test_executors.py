"""Same seed ⇒ identical numbers on one process, a process pool and a Dask LocalCluster."""

from __future__ import annotations

import numpy as np
import pytest

from detente.errors import AnalysisError
from detente.scenario import load
from detente.sensitivity import DealModel, open_executor
from detente.sensitivity.inputs import InputSpace, deal_inputs
from detente.sensitivity.morris import morris
from detente.sensitivity.sampling import monte_carlo
from detente.sensitivity.sobol import sobol


def _model() -> DealModel:
    s = load("ru-ua-2024-09")
    space = InputSpace(tuple(deal_inputs(s))).select(["actors.*", "stances.RUS.*"])
    return DealModel(s, space, ["zopa", "proposal.istanbul*", "nash.RUS"])


def _run(ex, model: DealModel) -> list[np.ndarray]:  # type: ignore[no-untyped-def]
    sob = sobol(model, 64, 5, ex, groups=model.space.groups(), resamples=20, chunk=16)
    mor = morris(model, 6, 5, ex)
    mc = monte_carlo(model, 3000, 5, ex, chunk=700)
    return [sob.first, sob.total, sob.first_ci, sob.total_ci, mor.mu_star, mc.mean, mc.var]


def test_serial_pool_and_dask_give_identical_results(executors) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("distributed")
    model = _model()
    ref = _run(executors["serial"], model)
    for spec in ("local:2", "dask-local:2"):
        for a, b in zip(ref, _run(executors[spec], model), strict=True):
            assert np.array_equal(a, b), spec


def test_monte_carlo_does_not_depend_on_chunk_count_of_workers_but_on_seed() -> None:
    model = _model()
    with open_executor("serial") as ex:
        a = monte_carlo(model, 2000, 1, ex, chunk=500, window=1)
        b = monte_carlo(model, 2000, 1, ex, chunk=500, window=8)
        c = monte_carlo(model, 2000, 2, ex, chunk=500)
        d = monte_carlo(model, 2000, 1, ex, chunk=2000)
    assert np.array_equal(a.mean, b.mean) and not np.array_equal(a.mean, c.mean)
    # one big chunk draws other numbers, yet estimates the same means (MC error)
    assert np.allclose(a.mean, d.mean, atol=0.05)
    # the running moments equal the direct ones over the same draws
    seqs = np.random.SeedSequence(1).spawn(4)
    y = np.concatenate([model(model.space.values(np.random.default_rng(q).random(
        (500, model.space.dim)))) for q in seqs])
    assert np.allclose(a.mean, y.mean(axis=0)) and np.allclose(a.var, y.var(axis=0, ddof=1))


def test_unknown_and_unreachable_executors_are_clear_errors(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from detente import parallel as executor

    monkeypatch.setattr(executor, "CONNECT_TIMEOUT", 2.0)
    with pytest.raises(AnalysisError, match="unknown executor"), open_executor("gpu"):
        pass
    with pytest.raises(AnalysisError, match="whole number"), open_executor("local:0"):
        pass
    pytest.importorskip("distributed")
    with pytest.raises(AnalysisError, match="cannot reach the Dask scheduler"), \
            open_executor("tcp://127.0.0.1:9"):
        pass
