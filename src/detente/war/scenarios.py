"""War-end scenario tree over a horizon, from the simulated paths (seed 003's four endings).

Seed 003 names four ways the war could end: Ukraine's defeat; a "period of reprieve or
ceasefire ... to recuperate"; "a true stalemate" (a "frozen conflict"); and "a Russian defeat,
the collapse of the front" with nuclear threats. On every path the first of these events decides
the branch:

* **military decision** — p_t falls to ``defeat_below`` (A is defeated) or rises to
  ``collapse_above`` (B's front collapses);
* **truce** — the ratifiable window (win-sets overlap) has been open ``truce_months`` months in a
  row and the declining side does not prefer preventive war (``commitment``); the truce is then
  *used to regroup* (B regroups by ``regroup_shift`` and no settlement is self-enforcing with the
  model's guarantee) or the *settlement holds*;
* **no decision by the horizon** — a *frozen conflict* when p moved by at most
  ``stalemate_band`` since month 0, else the *war goes on*.

Each leaf carries its probability across paths, the Monte Carlo standard error and the median
month of the deciding event.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from detente.scenario.war import WarModel
from detente.war.bargaining import TOL
from detente.war.commitment import SETTLEMENT, WAR_NOW
from detente.war.dynamics import Paths
from detente.war.window import BLOCK_MONTHS, commitment_codes, range_paths, standard_error

LEAF_KEYS = ("defeat_a", "collapse_b", "truce_regroup", "settlement", "frozen", "war_goes_on")
BRANCHES = (("decision", "military decision", ("defeat_a", "collapse_b")),
            ("truce", "truce", ("truce_regroup", "settlement")),
            ("undecided", "no decision by the horizon", ("frozen", "war_goes_on")))


def default_labels(side_a: str, side_b: str) -> dict[str, str]:
    return {
        "defeat_a": f"defeat of {side_a}",
        "collapse_b": f"collapse of {side_b}'s front",
        "truce_regroup": f"truce used by {side_b} to regroup",
        "settlement": "settlement holds",
        "frozen": "frozen conflict",
        "war_goes_on": "war goes on",
    }


@dataclass(frozen=True)
class Leaf:
    key: str
    label: str
    probability: float
    se: float
    median_month: float | None


@dataclass(frozen=True)
class Branch:
    key: str
    label: str
    probability: float
    se: float
    leaves: tuple[Leaf, ...]


@dataclass(frozen=True)
class ScenarioTree:
    """Branches and leaves with probabilities over ``horizon`` months from ``n_paths`` paths."""

    horizon: int
    n_paths: int
    branches: tuple[Branch, ...]

    @property
    def leaves(self) -> tuple[Leaf, ...]:
        return tuple(leaf for b in self.branches for leaf in b.leaves)


def _first(hits: NDArray[np.bool_]) -> NDArray[np.int64]:
    """First month (row) where ``hits`` is true on each path; rows + 1 where never."""
    never = hits.shape[0]
    idx = np.argmax(hits, axis=0)
    return np.where(hits.any(axis=0), idx, never + 1).astype(np.int64)


def classify_paths(model: WarModel, paths: Paths) -> tuple[NDArray[np.int64],
                                                           NDArray[np.int64]]:
    """Leaf index (into ``LEAF_KEYS``) and deciding month of every path."""
    prm = paths.params
    t_max = paths.months
    p = paths.p
    rows = np.arange(t_max + 1)[:, None]
    after_start = rows >= 1
    defeat = _first((p <= prm.defeat_below + TOL) & after_start)
    collapse = _first((p >= prm.collapse_above - TOL) & after_start)
    # Consecutive months with a ratifiable window, ending at each month.
    blocks = [slice(s, min(s + BLOCK_MONTHS, t_max + 1))
              for s in range(0, t_max + 1, BLOCK_MONTHS)]
    ratifiable = np.empty(p.shape, dtype=bool)
    code = np.empty(p.shape, dtype=np.int8)
    for sl in blocks:
        rp = range_paths(paths, sl)
        ratifiable[sl] = rp.ratifiable
        code[sl] = commitment_codes(paths, rp, sl)
    run = np.zeros_like(ratifiable, dtype=np.int32)
    run[0] = ratifiable[0]
    for t in range(1, t_max + 1):
        run[t] = np.where(ratifiable[t], run[t - 1] + 1, 0)
    truce_ok = (run >= model.truce_months) & (code != WAR_NOW) & after_start
    truce = _first(truce_ok)
    first = np.minimum(np.minimum(defeat, collapse), truce)
    leaf = np.full(p.shape[1], -1, dtype=np.int64)
    decided = first <= t_max
    leaf[decided & (defeat == first)] = 0
    leaf[decided & (leaf < 0) & (collapse == first)] = 1
    is_truce = decided & (leaf < 0)
    cols = np.nonzero(is_truce)[0]
    holds = code[first[cols], cols] == SETTLEMENT
    leaf[cols] = np.where(holds, 3, 2)
    moved = np.abs(p[-1] - p[0])
    still = ~decided
    leaf[still & (moved <= prm.stalemate_band + TOL)] = 4
    leaf[still & (leaf < 0)] = 5
    return leaf, np.where(decided, first, -1)


def scenario_tree(model: WarModel, paths: Paths,
                  classified: tuple[NDArray[np.int64], NDArray[np.int64]] | None = None
                  ) -> ScenarioTree:
    """The war-end scenario tree over the simulated horizon (module docstring); ``classified``:
    :func:`classify_paths` of ``paths`` when computed elsewhere (``detente.war.chunked``)."""
    leaf, month = classified if classified is not None else classify_paths(model, paths)
    n = paths.n_paths
    labels = default_labels(model.side_a, model.side_b) | dict(model.scenario_labels)
    branches = []
    for key, label, keys in BRANCHES:
        leaves = []
        for k in keys:
            hit = leaf == LEAF_KEYS.index(k)
            q = float(hit.mean())
            m = month[hit]
            med = float(np.median(m)) if m.size and m.min() >= 0 else None
            leaves.append(Leaf(key=k, label=labels[k], probability=q,
                               se=float(standard_error(np.float64(q), n)), median_month=med))
        q_b = sum(lf.probability for lf in leaves)
        branches.append(Branch(key=key, label=label, probability=q_b,
                               se=float(standard_error(np.float64(q_b), n)),
                               leaves=tuple(leaves)))
    return ScenarioTree(horizon=paths.months, n_paths=n, branches=tuple(branches))
