"""Choosing one challenger-v4 variant by grouped CV (one-standard-error rule), and checking it.

The protocol: ``docs/forecast-protocol.md``, amendment of the fourth session.

- :func:`cv_forecasts` — a variant refitted on the other folds (by proposal, the v2 hash,
  :func:`~detente.forecasts.crossval.cv_fold`) forecasts each fold;
- :func:`choose_one_se` — among the candidates whose out-of-fold MAE is within one bootstrap
  standard error (proposals resampled) of the best, the one with the fewest parameters
  (Breiman et al. 1984, *Classification and Regression Trees*, §3.4.3; Hastie, Tibshirani &
  Friedman 2009, §7.10);
- :func:`nested_cv` — the whole procedure, selection included, cross-validated (Varma & Simon
  2006, *BMC Bioinformatics* 7);
- :func:`half_splits` — fit on a random half of the proposals, score on the other half.

Members are forecast once for all issues (:class:`~detente.forecasts.challenger4.Stack`);
every fit sees the rows of its training issues only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from detente.forecasts.backtest import cluster_bootstrap_means
from detente.forecasts.challenger4 import (
    N_PARAMS,
    VARIANTS,
    Challenger4Params,
    Stack,
    fit_params,
    predict_percent,
)

F = NDArray[np.float64]
I64 = NDArray[np.int64]


def cv_forecasts(variant: str, st: Stack, y: F, folds: I64, among: I64 | None = None) -> F:
    """Out-of-fold forecasts (percent of the scale) of the issues ``among`` (default: all),
    each fold's fit made on the other folds of ``among`` only; NaN outside ``among``."""
    idx = np.arange(len(y)) if among is None else among
    out = np.full(len(y), np.nan)
    for f in np.unique(folds[idx]):
        test, train = idx[folds[idx] == f], idx[folds[idx] != f]
        if train.size:
            q = fit_params(variant, st.take(train), y[train])
            out[test] = predict_percent(st.take(test), q)
    return out


def cluster_ids(groups: Sequence[str]) -> I64:
    """Each issue's cluster 0..G−1, numbered by the groups' first appearance (as the
    backtest numbers proposals)."""
    order = {g: k for k, g in enumerate(dict.fromkeys(groups))}
    return np.array([order[g] for g in groups], dtype=np.int64)


@dataclass(frozen=True)
class Selection:
    """Out-of-fold MAE per candidate, SE of its difference to the best, the eligible ones
    and the choice."""

    mae: dict[str, float]
    se: dict[str, float]
    eligible: tuple[str, ...]
    chosen: str


def choose_one_se(errors: dict[str, F], clusters: I64, draws: int = 2000, seed: int = 0
                  ) -> Selection:
    """The protocol's rule on per-issue absolute errors of each candidate: best = lowest MAE
    (ties: :data:`VARIANTS` order); eligible = MAE(k) − MAE(best) ≤ SD over the bootstrap of
    that difference; chosen = fewest parameters among the eligible, then lowest MAE, then
    :data:`VARIANTS` order."""
    names = [v for v in VARIANTS if v in errors]
    mae = {v: float(errors[v].mean()) for v in names}
    best = min(names, key=lambda v: (mae[v], names.index(v)))
    diff = np.stack([errors[v] - errors[best] for v in names])
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    sd = cluster_bootstrap_means(diff, clusters, draws, rng).std(axis=0)
    se = {v: float(sd[k]) for k, v in enumerate(names)}
    eligible = tuple(v for v in names if mae[v] - mae[best] <= se[v] + 1e-12)
    chosen = min(eligible, key=lambda v: (N_PARAMS[v], mae[v], names.index(v)))
    return Selection(mae, se, eligible, chosen)


def select(st: Stack, y: F, folds: I64, among: I64 | None = None, draws: int = 2000,
           seed: int = 0, variants: Sequence[str] = VARIANTS) -> tuple[Selection, dict[str, F]]:
    """The selection over ``among`` (default: all issues) and each candidate's out-of-fold
    forecasts there."""
    idx = np.arange(len(y)) if among is None else among
    oof = {v: cv_forecasts(v, st, y, folds, idx) for v in variants}
    errors = {v: np.abs(p[idx] - y[idx]) for v, p in oof.items()}
    return choose_one_se(errors, cluster_ids([st.groups[i] for i in idx]), draws, seed), oof


@dataclass(frozen=True)
class NestedCV:
    """Out-of-fold forecasts of the whole procedure and the variant chosen in each fold."""

    forecasts: F
    chosen: dict[int, str]


def nested_cv(st: Stack, y: F, folds: I64, draws: int = 2000, seed: int = 0,
              variants: Sequence[str] = VARIANTS) -> NestedCV:
    """For each outer fold: choose by the one-SE rule on an inner grouped CV over the other
    folds only, fit the choice there, forecast the outer fold."""
    out = np.full(len(y), np.nan)
    chosen: dict[int, str] = {}
    for f in np.unique(folds):
        train, test = np.flatnonzero(folds != f), np.flatnonzero(folds == f)
        sel, _ = select(st, y, folds, train, draws, seed, variants)
        q = fit_params(sel.chosen, st.take(train), y[train])
        out[test] = predict_percent(st.take(test), q)
        chosen[int(f)] = sel.chosen
    return NestedCV(out, chosen)


@dataclass(frozen=True)
class HalfSplits:
    """MAE(variant) − MAE(compromise) on the held-out half per repeat, (repeats,), and the
    parameters fitted on each fit half."""

    differences: F
    fitted: tuple[Challenger4Params, ...]


def half_splits(variant: str, st: Stack, y: F, repeats: int, seed: int = 0) -> HalfSplits:
    """Each repeat fits ``variant`` on a random half of the proposals (``SeedSequence(seed)``)
    and scores it, beside the compromise, on the other half."""
    names, gid = np.unique(np.asarray(st.groups), return_inverse=True)
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    out = np.empty(repeats)
    fitted = []
    for r in range(repeats):
        in_fit = np.isin(gid, rng.permutation(len(names))[: len(names) // 2])
        train, test = np.flatnonzero(in_fit), np.flatnonzero(~in_fit)
        q = fit_params(variant, st.take(train), y[train])
        pred = predict_percent(st.take(test), q)
        out[r] = np.abs(pred - y[test]).mean() - np.abs(st.xhat[test] - y[test]).mean()
        fitted.append(q)
    return HalfSplits(out, tuple(fitted))


__all__ = ["HalfSplits", "NestedCV", "Selection", "choose_one_se", "cluster_ids",
           "cv_forecasts", "half_splits", "nested_cv", "select"]
