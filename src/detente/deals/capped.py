"""GENIUS's cap at 1: U_i(ω) = min(1, u_i(ω)), on a frontier computed without it.

GENIUS scores an outcome with ``getUtility``, which ends ``if (result > 1) return 1`` both for
additive spaces (``AdditiveUtilitySpace``: Σ_k w_k · e_k(ω_k), weights as written) and for
non-linear ones (``NonlinearUtilitySpace``: Σ_r u_r [ω ∈ r] / maxutility); see
``src/negotiator/utility/AdditiveUtilitySpace.java`` and ``NonlinearUtilitySpace.java`` of the
GENIUS sources (Lin et al. 2014, Computational Intelligence 30(1)). The cap only bites when a
profile's weights sum to more than 1 or its ``maxutility`` understates the true maximum.

The cap is not additive, but it is monotone, which is all the frontier needs. For every outcome
x some outcome y on the *uncapped* frontier has u(y) ≥ u(x), hence min(1, u(y)) ≥ min(1, u(x)).
So the capped frontier, as a set of utility vectors, is the Pareto filter of the capped uncapped
frontier, and every capped frontier vector is reached by an outcome of the uncapped frontier
(that outcome is the representative). Two things change:

- distinct uncapped vectors may meet after capping (their counts add up);
- outcomes *off* the uncapped frontier may reach a capped vector that has some party at the
  cap (x dominated by y only through a coordinate both push past 1). So the count of such a
  vector is a lower bound, unless the outcomes are counted one by one
  (:func:`capped_outcomes`). A vector below the cap for every party is reached only by
  uncapped-frontier outcomes (any strict gain would survive the cap), so its count is exact.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from detente.deals.dominance import TOL, grid, pareto_mask
from detente.deals.space import DEFAULT_CHUNK, AdditiveSpace, FloatArray, IntArray

CAP = 1.0


@dataclass(frozen=True)
class Capped:
    """A frontier after the cap: rows of distinct capped vectors with one representative
    outcome each, outcome ``counts`` (None when unknown) and whether each count is exact."""

    index: IntArray
    utilities: FloatArray
    counts: np.ndarray | None
    counts_exact: np.ndarray


def cap_frontier(utilities: FloatArray, index: IntArray, counts: np.ndarray | None,
                 best: FloatArray, cap: float = CAP, tol: float = TOL) -> Capped:
    """The capped frontier from the uncapped one (rows: distinct uncapped vectors).

    Args:
        utilities: ``(m, n)`` uncapped frontier vectors; index: their outcomes ``(m, K)``.
        counts: outcomes per row, or None.
        best: each party's highest uncapped utility (whether the cap can bite for it).
        cap: the cap (GENIUS: 1).
        tol: utility resolution (vectors equal on the ``tol`` grid tie).
    """
    exact = np.ones(utilities.shape[0], dtype=bool)
    over = np.asarray(best) > cap + tol
    if not (utilities > cap + tol).any():  # nothing to merge: only rounding at the cap
        return Capped(index, np.minimum(utilities, cap), counts, exact)
    capped = np.minimum(utilities, cap)
    _, first, inv = np.unique(grid(capped, tol), axis=0, return_index=True, return_inverse=True)
    inv = inv.ravel()
    win = np.flatnonzero(pareto_mask(grid(capped[first], tol), 0.0))
    new_id = np.full(first.size, -1, dtype=np.int64)
    new_id[win] = np.arange(win.size)
    rows = first[win]
    new_counts = None
    if counts is not None:
        member = np.flatnonzero(new_id[inv] >= 0)
        new_counts = np.zeros(win.size, dtype=counts.dtype)
        np.add.at(new_counts, new_id[inv[member]], counts[member])
    at_cap = (capped[rows] >= cap - tol) & over[None, :]
    return Capped(index[rows], capped[rows], new_counts, np.asarray(~at_cap.any(axis=1)))


def _matches(space: AdditiveSpace, targets: FloatArray, cap: float, tol: float, chunk: int
             ) -> Iterator[tuple[IntArray, IntArray]]:
    """Per chunk: flat numbers of the outcomes whose capped vector is one of ``targets``, and
    which target (row) each reaches."""
    tkeys = grid(targets, tol)
    for start, u in space.chunks(chunk):
        keys = grid(np.minimum(u.T, cap), tol)
        cand = np.flatnonzero(np.isin(keys[:, 0], tkeys[:, 0]))
        if cand.size == 0:
            continue
        both = np.concatenate([tkeys, keys[cand]])
        inv = np.unique(both, axis=0, return_inverse=True)[1].ravel()
        lookup = np.full(int(inv.max()) + 1, -1, dtype=np.int64)
        lookup[inv[:len(tkeys)]] = np.arange(len(tkeys))
        hit = lookup[inv[len(tkeys):]]
        ok = hit >= 0
        yield start + cand[ok], hit[ok]


def capped_outcomes(space: AdditiveSpace, targets: FloatArray, cap: float = CAP,
                    tol: float = TOL, chunk: int = DEFAULT_CHUNK) -> tuple[IntArray, IntArray]:
    """Every outcome whose capped utility vector is one of ``targets`` (rows), by evaluating
    all outcomes in chunks: ``(flat outcome numbers, target row of each)``."""
    flats: list[IntArray] = [np.zeros(0, np.int64)]
    rows: list[IntArray] = [np.zeros(0, np.int64)]
    for f, r in _matches(space, targets, cap, tol, chunk):
        flats.append(f)
        rows.append(r)
    return np.concatenate(flats), np.concatenate(rows)
