"""The models of a backtest forecast side by side on an executor (``backtest --executor``).

A model that is not refitted forecasts the distinct tables of a backtest once
(:func:`detente.forecasts.folds.distinct_tables`). Here those forecasts are made before the
scoring loop, as tasks on any ``concurrent.futures.Executor`` (:mod:`detente.parallel`: a
fork-based pool of local processes, a Dask cluster), and handed to the loop through the
backtest's memo (:func:`detente.forecasts.base.forecast_issues`), so every number is the one
the serial run gives. A model whose issues are independent (``independent_issues``: a subset
of the tables gives each issue the very forecast of the whole batch, e.g. SMP) is cut into two
tasks by number of actors, balanced by Σ n³ (its work per turn); such parts are submitted
first. A model that shares its members' forecasts (the ensemble) is left to the loop, which
finds its members in the memo.
"""

from __future__ import annotations

import time
from concurrent.futures import Executor, Future

import numpy as np
from numpy.typing import NDArray

from detente.forecasts.base import Forecaster, Memo, forecast_issues
from detente.formats.table import StakeholderTable

F = NDArray[np.float64]
I64 = NDArray[np.int64]


def forecast_task(model: Forecaster, tables: list[StakeholderTable]) -> tuple[F, float]:
    """One task: the model's forecasts of ``tables`` and the seconds they took (wall)."""
    t0 = time.perf_counter()
    values = forecast_issues(model, tables)
    return values, time.perf_counter() - t0


def halves_by_size(tables: list[StakeholderTable]) -> list[I64]:
    """The tables' indices in two parts, the larger issues in the first, with about equal
    Σ n³ (n = number of actors; issues of one size stay together)."""
    n = np.array([t.n_actors for t in tables], dtype=np.int64)
    sizes = np.unique(n)[::-1]
    work = np.array([(n == m).sum() * float(m) ** 3 for m in sizes])
    cut = int(np.searchsorted(np.cumsum(work), work.sum() / 2)) + 1
    big = np.isin(n, sizes[:cut])
    parts = [np.flatnonzero(big), np.flatnonzero(~big)]
    return [p for p in parts if p.size]


def prefetch(models: list[Forecaster], tables: list[StakeholderTable], executor: Executor,
             memo: Memo) -> dict[str, float]:
    """Forecast ``tables`` with every model in ``models`` on ``executor`` and put the results
    into ``memo`` under the key :func:`forecast_issues` looks up; returns the seconds each
    model's tasks took (summed over its parts)."""
    ids = tuple(id(t) for t in tables)
    jobs: list[tuple[Forecaster, list[I64], list[Future[tuple[F, float]]]]] = []
    split: list[Forecaster] = []
    whole: list[Forecaster] = []
    for model in models:
        if getattr(model, "shares_forecasts", False):
            continue
        try:
            hash((model, ids))
        except TypeError:       # not hashable: the loop runs it (forecast_issues does so too)
            continue
        (split if getattr(model, "independent_issues", False) else whole).append(model)
    for model in split + whole:
        parts = (halves_by_size(tables) if model in split
                 else [np.arange(len(tables), dtype=np.int64)])
        jobs.append((model, parts, [executor.submit(forecast_task, model,
                                                    [tables[i] for i in p]) for p in parts]))
    seconds: dict[str, float] = {}
    for model, parts, futures in jobs:
        out = np.empty(len(tables))
        seconds[model.name] = 0.0
        for p, fut in zip(parts, futures, strict=True):
            values, took = fut.result()
            out[p] = values
            seconds[model.name] += took
        memo[(model, ids)] = out
    return seconds
