"""The window's per-path work in chunks of paths, on any ``concurrent.futures.Executor``.

The paths are simulated in one process (``detente.war.dynamics.simulate``: its normal draws
cannot be cut into chunks without changing the numbers); what follows depends on each path
alone — the bargaining range, win-sets and commitment test month by month (Fearon 1995;
Powell 2006) and the path's end in the scenario tree — so it runs in chunks of ``PATH_CHUNK``
paths, wherever the executor puts them. Per-month counts are exact integers and the quantile
bands are taken over the joined per-path values, so the window and the tree are the same, to
the last bit, as those computed on all paths at once (:mod:`detente.parallel`).
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Executor

import numpy as np
from numpy.typing import NDArray

from detente.parallel import bounded_map
from detente.scenario.war import WarModel
from detente.war.dynamics import Paths
from detente.war.package_window import subsample
from detente.war.scenarios import classify_paths
from detente.war.window import Window, WindowCounts, negotiation_window, window_counts

PATH_CHUNK = 8192
"""Paths per task: ~2.4 MB of path arrays each for a 36-month horizon."""


def _chunks(model: WarModel, paths: Paths, chunk: int) -> Iterator[tuple[WarModel, Paths]]:
    for a in range(0, paths.n_paths, chunk):
        yield model, subsample(paths, np.arange(a, min(a + chunk, paths.n_paths)))


def _counts(model: WarModel, paths: Paths) -> WindowCounts:
    return window_counts(model, paths, banded=False)


def window_on(model: WarModel, paths: Paths, executor: Executor,
              chunk: int = PATH_CHUNK) -> Window:
    """:func:`~detente.war.window.negotiation_window` with its per-path work on ``executor``."""
    parts = list(bounded_map(executor, _counts, _chunks(model, paths, chunk)))
    return negotiation_window(model, paths, WindowCounts.join(parts))


def classify_on(model: WarModel, paths: Paths, executor: Executor, chunk: int = PATH_CHUNK
                ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """:func:`~detente.war.scenarios.classify_paths` in chunks of paths on ``executor``."""
    parts = list(bounded_map(executor, classify_paths, _chunks(model, paths, chunk)))
    return (np.concatenate([leaf for leaf, _ in parts]),
            np.concatenate([month for _, month in parts]))
