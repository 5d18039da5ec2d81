"""Choosing one challenger variant by grouped cross-validation, and checking the choice.

The protocol (``docs/forecast-protocol.md``, amendment of the third session) fixes:

- :func:`cv_forecasts` — a variant refitted on nine folds (by proposal, the v2 hash,
  :func:`~detente.forecasts.crossval.cv_fold`) forecasts the tenth; pooled out-of-fold MAE;
- :func:`choose` — the lowest out-of-fold MAE, unless a variant with fewer parameters is within
  ``margin`` (0.05) of it;
- :func:`nested_cv` — the whole procedure (selection included) cross-validated: the choice is
  made by an inner grouped CV on the outer training folds only (Varma & Simon 2006, "Bias in
  error estimation when using cross-validation for model selection", *BMC Bioinformatics* 7);
- :func:`half_splits` — fit on a random half of the proposals, score on the other half, many
  times (a stability check: the halves overlap across repeats).

Every grid point's forecasts are computed once per variant (:class:`~detente.forecasts.
challenger3.Grid`), so each fit is an arg-min over a subset of columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from detente.forecasts.challenger3 import N_PARAMS, VARIANTS, Grid, grid_forecasts
from detente.forecasts.compromise import compromise
from detente.forecasts.crossval import CV_FOLDS, CV_SALT, cv_fold
from detente.forecasts.packing import pack_issues, support
from detente.formats.table import StakeholderTable

F = NDArray[np.float64]
I64 = NDArray[np.int64]
MARGIN = 0.05


def candidate_grids(tables: list[StakeholderTable],
                    variants: Sequence[str] = VARIANTS) -> dict[str, Grid]:
    """Every candidate's grid forecasts of these issues (dimension 0)."""
    p = pack_issues(tables)
    return {v: grid_forecasts(p, v) for v in variants}


def compromise_forecasts(tables: list[StakeholderTable]) -> F:
    """The compromise model's forecast of each issue (the baseline), (I,)."""
    p = pack_issues(tables)
    w = support(p)
    return p.to_scale(compromise(p.x, np.ones_like(p.x), w))


def fold_ids(groups: Sequence[str], k: int = CV_FOLDS, salt: str = CV_SALT) -> I64:
    """Each issue's fold, from its proposal (group)."""
    return np.array([cv_fold(g, k, salt) for g in groups], dtype=np.int64)


def cv_forecasts(grid: Grid, y: F, folds: I64, among: I64 | None = None) -> F:
    """Out-of-fold forecasts of the issues ``among`` (default: all), each fold's fit made on
    the other folds of ``among`` only; NaN outside ``among``."""
    idx = np.arange(len(y)) if among is None else among
    out = np.full(len(y), np.nan)
    for f in np.unique(folds[idx]):
        test, train = idx[folds[idx] == f], idx[folds[idx] != f]
        if train.size:
            out[test] = grid.predict(grid.fit(y, train), test)
    return out


def choose(mae: dict[str, float], margin: float = MARGIN) -> str:
    """The protocol's rule: the lowest MAE, unless a variant with fewer parameters is within
    ``margin`` of it (then the lowest MAE among the fewest-parameter such variants)."""
    best = min(mae, key=lambda v: (mae[v], VARIANTS.index(v)))
    near = [v for v in mae if mae[v] <= mae[best] + margin]
    fewest = min(N_PARAMS[v] for v in near)
    return min((v for v in near if N_PARAMS[v] == fewest),
               key=lambda v: (mae[v], VARIANTS.index(v)))


def select(grids: dict[str, Grid], y: F, folds: I64, among: I64 | None = None
           ) -> tuple[str, dict[str, float]]:
    """The chosen variant and every candidate's out-of-fold MAE over ``among``."""
    idx = np.arange(len(y)) if among is None else among
    mae = {v: float(np.abs(cv_forecasts(g, y, folds, idx)[idx] - y[idx]).mean())
           for v, g in grids.items()}
    return choose(mae), mae


@dataclass(frozen=True)
class NestedCV:
    """Out-of-fold forecasts of the whole procedure and the variant chosen in each fold."""

    forecasts: F
    chosen: dict[int, str]


def nested_cv(grids: dict[str, Grid], y: F, folds: I64) -> NestedCV:
    """For each outer fold: choose a variant by grouped CV on the other folds only (their own
    folds as inner folds), fit it there, forecast the outer fold."""
    out = np.full(len(y), np.nan)
    chosen: dict[int, str] = {}
    for f in np.unique(folds):
        train, test = np.flatnonzero(folds != f), np.flatnonzero(folds == f)
        variant, _ = select(grids, y, folds, train)
        g = grids[variant]
        out[test] = g.predict(g.fit(y, train), test)
        chosen[int(f)] = variant
    return NestedCV(out, chosen)


def half_splits(grid: Grid, y: F, baseline: F, groups: Sequence[str], repeats: int,
                seed: int = 0) -> F:
    """MAE(variant) − MAE(baseline) on the held-out half, per repeat, (repeats,): each repeat
    puts a random half of the groups (proposals) in the fit half (``SeedSequence(seed)``)."""
    names, gid = np.unique(np.asarray(groups), return_inverse=True)
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    out = np.empty(repeats)
    for r in range(repeats):
        fit_groups = rng.permutation(len(names))[: len(names) // 2]
        in_fit = np.isin(gid, fit_groups)
        train, test = np.flatnonzero(in_fit), np.flatnonzero(~in_fit)
        pred = grid.predict(grid.fit(y, train), test)
        out[r] = np.abs(pred - y[test]).mean() - np.abs(baseline[test] - y[test]).mean()
    return out


__all__ = ["MARGIN", "NestedCV", "candidate_grids", "choose", "compromise_forecasts",
           "cv_forecasts", "fold_ids", "half_splits", "nested_cv", "select"]
