"""Every sampling loop on every executor: same seed ⇒ bit-identical numbers on one process, a
pool of local processes and a Dask ``LocalCluster`` (the session fixture ``executors``), and
the same as the run without an executor (the record as it was before the loops took one)."""

from __future__ import annotations

import numpy as np
import pytest

from detente.cases import case_path
from detente.deals import analyze
from detente.deals.montecarlo import monte_carlo as deal_mc
from detente.deals.timeline import timeline
from detente.forecasts.montecarlo import monte_carlo as forecast_mc
from detente.forecasts.run import make_forecasters
from detente.forecasts.scenario import issue_table
from detente.scenario import load, load_file


def _others(executors):  # type: ignore[no-untyped-def]
    return [(k, v) for k, v in executors.items() if k != "serial"]


def test_analyze_monte_carlo_same_on_every_executor(executors) -> None:  # type: ignore[no-untyped-def]
    s = load_file(case_path("ru-ua-2024-09"))
    veto = [i for i, a in enumerate(s.actors) if a.veto]
    cand = np.zeros((0, len(s.issues)), dtype=np.int64)
    ref = deal_mc(s, 900, 11, veto, cand, 1e-9, chunk=128)  # no executor: as before
    for spec, ex in executors.items():
        got = deal_mc(s, 900, 11, veto, cand, 1e-9, chunk=128, executor=ex, window=3)
        assert got == ref, spec
    # the chunk size does not change the draws either (exact counts of the same numbers)
    assert deal_mc(s, 900, 11, veto, cand, 1e-9, chunk=900,
                   executor=executors["local:2"]) == ref
    other = deal_mc(s, 900, 12, veto, cand, 1e-9, chunk=128)
    assert other.p_zopa_nonempty != ref.p_zopa_nonempty or other.proposals != ref.proposals


def test_analyze_record_same_on_every_executor(executors) -> None:  # type: ignore[no-untyped-def]
    s = load("ru-ua-2022-03")
    ref = analyze(s, draws=600, seed=3).model_dump(exclude={"provenance"})
    for spec, ex in _others(executors):
        got = analyze(s, draws=600, seed=3, executor=ex).model_dump(exclude={"provenance"})
        assert got == ref, spec


def test_timeline_same_on_every_executor(executors) -> None:  # type: ignore[no-untyped-def]
    scenarios = [load(n) for n in ("ru-ua-2022-03", "ru-ua-2024-09")]
    ref = timeline(scenarios, draws=300, seed=5)
    for spec, ex in executors.items():
        assert timeline(scenarios, draws=300, seed=5, executor=ex) == ref, spec


@pytest.mark.parametrize("name", ["compromise", "nash", "eum", "smp"])
def test_forecast_draws_same_on_every_executor(executors, name: str) -> None:  # type: ignore[no-untyped-def]
    s = load("ru-ua-2024-09")
    table, ranges = issue_table(s, s.issues[0].id)
    [model] = make_forecasters([name])
    draws = 40 if name == "smp" else 300
    ref = forecast_mc(model, table, ranges, draws, seed=8)
    for spec, ex in executors.items():
        got = forecast_mc(model, table, ranges, draws, seed=8, executor=ex, chunk=64)
        assert np.array_equal(got.draws, ref.draws), spec
    assert not np.array_equal(forecast_mc(model, table, ranges, draws, seed=9).draws, ref.draws)
