"""Pareto frontiers kept between analyses of the same outcome space (the workbench's re-analysis
after an edit).

A frontier depends only on the actors' utility contributions over the issues' options (Raiffa
1982, ch. 11: the set of undominated outcomes), not on the BATNAs: an edit of a BATNA, a
capability or a proposal's term leaves every frontier of the analysis as it was. A
:class:`FrontierMemo` keys each frontier by a hash of exactly those inputs (actors, issues,
options, contribution tables, tolerance, method), so a re-analysis computes only what changed;
the record is the same as without the memo (tests/deals/test_memo.py). It is passed in (an
argument of :func:`detente.deals.analysis.analyze`), never module state.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

import numpy as np

from detente.deals.pareto import TOL, Frontier, pareto_frontier
from detente.deals.space import AdditiveSpace


def space_key(space: AdditiveSpace, tol: float, method: str) -> str:
    """The hash of what a frontier of ``space`` depends on (its reservation values excluded)."""
    h = hashlib.sha256(repr((space.actors, space.issues, space.options, tol, method)).encode())
    for table in space.contrib:
        h.update(np.ascontiguousarray(table, dtype=np.float64).tobytes())
    return h.hexdigest()


class FrontierMemo:
    """A bounded, thread-safe store of Pareto frontiers by :func:`space_key` (least recently
    used dropped first). ``hits`` and ``misses`` count the look-ups."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self.hits = 0
        self.misses = 0
        self._store: OrderedDict[str, Frontier] = OrderedDict()
        self._lock = threading.Lock()

    def frontier(self, space: AdditiveSpace, tol: float = TOL, method: str = "auto") -> Frontier:
        """:func:`~detente.deals.pareto.pareto_frontier` of ``space``, computed once per key
        (its arrays are read-only: callers share them)."""
        key = space_key(space, tol, method)
        with self._lock:
            found = self._store.get(key)
            if found is not None:
                self._store.move_to_end(key)
                self.hits += 1
                return found
            self.misses += 1
        made = pareto_frontier(space, tol, method=method)
        made.outcomes.flags.writeable = False
        made.utilities.flags.writeable = False
        with self._lock:
            self._store[key] = made
            while len(self._store) > self.size:
                self._store.popitem(last=False)
        return made


def frontier(space: AdditiveSpace, memo: FrontierMemo | None, tol: float = TOL,
             method: str = "auto") -> Frontier:
    """The frontier from ``memo`` when one is given, else computed."""
    if memo is None:
        return pareto_frontier(space, tol, method=method)
    return memo.frontier(space, tol, method)
