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
from shared_data import GENIUS


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


@pytest.mark.parametrize("name", ["compromise", "median", "nash", "eum", "smp", "exchange",
                                  "procedural", "ensemble", "challenger", "challenger2"])
def test_forecast_draws_same_on_every_executor(executors, name: str) -> None:  # type: ignore[no-untyped-def]
    s = load("ru-ua-2024-09")
    table, ranges = issue_table(s, s.issues[0].id)
    [model] = make_forecasters([name])
    draws = 300 if name in ("compromise", "median", "nash", "eum") else 40
    ref = forecast_mc(model, table, ranges, draws, seed=8)
    for spec, ex in executors.items():
        got = forecast_mc(model, table, ranges, draws, seed=8, executor=ex, chunk=64)
        assert np.array_equal(got.draws, ref.draws), spec
    if np.ptp(ref.draws) > 0:  # (the challenger lands on one option whatever the draw here)
        assert not np.array_equal(forecast_mc(model, table, ranges, draws, seed=9).draws,
                                  ref.draws)


def _fields(obj) -> list:  # type: ignore[no-untyped-def]
    import dataclasses

    out = []
    for f in dataclasses.fields(obj):
        v = getattr(obj, f.name)
        out.append(_fields(v) if dataclasses.is_dataclass(v) else
                   [_fields(x) for x in v] if isinstance(v, tuple) and v and
                   dataclasses.is_dataclass(v[0]) else
                   {k: _fields(x) for k, x in v.items()} if isinstance(v, dict) else
                   np.asarray(v).tolist())
    return out


def test_window_paths_same_on_every_executor(executors) -> None:  # type: ignore[no-untyped-def]
    from detente.war.case import resolve_war
    from detente.war.chunked import classify_on, window_on
    from detente.war.dynamics import simulate
    from detente.war.scenarios import classify_paths
    from detente.war.window import negotiation_window

    war = resolve_war("ru-ua-2024-09")[0].war
    sim = simulate(war, war.horizon, 2500, np.random.default_rng(4))
    ref = _fields(negotiation_window(war, sim))
    leaf, month = classify_paths(war, sim)
    for spec, ex in executors.items():
        assert _fields(window_on(war, sim, ex, chunk=700)) == ref, spec
        got_leaf, got_month = classify_on(war, sim, ex, chunk=700)
        assert np.array_equal(got_leaf, leaf) and np.array_equal(got_month, month), spec


def test_window_record_same_on_a_pool(executors) -> None:  # type: ignore[no-untyped-def]
    from detente.war.analysis import analyze_window
    from detente.war.case import resolve_war

    case, scenario = resolve_war("ru-ua-2024-09")
    ref = analyze_window(case, paths=1500, seed=2, scenario=scenario, package_paths=200)
    got = analyze_window(case, paths=1500, seed=2, scenario=scenario, package_paths=200,
                         executor=executors["local:2"])
    assert got.model_dump(exclude={"provenance"}) == ref.model_dump(exclude={"provenance"})
    assert got.window.range_exists != analyze_window(case, paths=1500, seed=3).window.range_exists


def test_genius_domains_same_on_every_executor(executors, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from detente.deals.genius_analysis import analyze_domain
    from detente.deals.genius_batch import analyze_domains

    for rel in ("y2012/LaptopA", "y2010/ItexvsCypress"):
        shutil.copytree(GENIUS / rel, tmp_path / rel)
    ref = analyze_domains(tmp_path)
    assert [d.domain_file for d in ref.domains] == [
        analyze_domain(tmp_path / rel).domain_file for rel in ("y2010/ItexvsCypress",
                                                                "y2012/LaptopA")]
    for spec, ex in executors.items():
        assert analyze_domains(tmp_path, executor=ex) == ref, spec
