"""Fit on one set of issues, forecast another: the engine of in-sample, cross-validated and
fit-on-another-file backtests, with the predictive distribution of every forecast.

A *pair* (train, test) is scored as follows: a fittable model (:class:`Fittable`) is fitted on
the train issues only and frozen; its residuals there (outcome − forecast) make the predictive
distribution of each test forecast (:func:`~detente.forecasts.predictive.residual_samples`);
the test forecasts are scored by CRPS and the coverage of central intervals. Cross-validation
folds hold whole proposals, fixed by a hash (:func:`~detente.forecasts.crossval.cv_fold`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from detente.forecasts.base import Forecaster, Memo, forecast_issues
from detente.forecasts.crossval import CV_FOLDS, CV_SALT, Fittable, cv_fold
from detente.forecasts.predictive import LEVELS, crps, quantiles, residual_samples
from detente.formats.table import StakeholderTable

F = NDArray[np.float64]
#: The quantiles of :func:`~detente.forecasts.predictive.central_interval` at each level.
INTERVAL_QS = [q for level in LEVELS for q in ((1 - level) / 2, (1 + level) / 2)]
__all__ = ["CV_FOLDS", "CV_SALT", "Fittable", "Pair", "Part", "PartsRun", "run_parts"]


@dataclass(frozen=True)
class Part:
    """One-issue tables, their outcomes and groups (proposal ids)."""

    tables: list[StakeholderTable]
    outcomes: F
    groups: list[str]

    def take(self, idx: NDArray[np.int64]) -> Part:
        return Part([self.tables[i] for i in idx], self.outcomes[idx],
                    [self.groups[i] for i in idx])

    def folds(self, k: int = CV_FOLDS, salt: str = CV_SALT) -> list[Pair]:
        """(train, test, test indices) for each of the ``k`` grouped folds."""
        fold = np.array([cv_fold(g, k, salt) for g in self.groups], dtype=np.int64)
        return [(self.take(np.flatnonzero(fold != f)), self.take(np.flatnonzero(fold == f)),
                 np.flatnonzero(fold == f)) for f in range(k)]


#: (train, test, indices of the test issues among the scored ones; None = all of them).
Pair = tuple[Part, Part, NDArray[np.int64] | None]


@dataclass(frozen=True)
class PartsRun:
    """One model over all pairs: per scored issue the forecast, CRPS, inside-interval flags
    (levels, I), the 10/25/75/90 % quantiles (I, 4), and the fitted parameters per pair."""

    predictions: F
    crps: F
    inside: NDArray[np.bool_]
    intervals: F
    fitted: list[dict[str, Any] | None] | dict[str, Any]


def fitted_options(model: Forecaster) -> dict[str, Any]:
    """A fitted model's parameters for the record (its ``options()`` if it has one)."""
    get = getattr(model, "options", None)
    return dict(get()) if callable(get) else {"repr": repr(model)}


def run_parts(model: Forecaster, pairs: list[Pair], n: int, refit: bool = True,
              memo: Memo | None = None,
              progress: Callable[[int, int], None] | None = None) -> PartsRun:
    """Score ``model`` on every pair; test indices ``None`` = the test part is all ``n``.
    ``refit=False`` runs a fittable model as it is (its shipped parameters); ``memo``: the
    forecasts of models run before on the same tables (:func:`forecast_issues`).
    ``progress(done, total)`` counts the folds scored (several pairs) or the issues forecast
    (one pair)."""
    pred, score = np.full(n, np.nan), np.full(n, np.nan)
    inside = np.zeros((len(LEVELS), n), dtype=bool)
    quant = np.full((n, 4), np.nan)
    fitted: list[dict[str, Any] | None] = []
    fits = refitted(model, refit)
    by_issue = progress if len(pairs) == 1 else None
    cache = None if fits else _forecast_once(model, pairs, memo, by_issue)
    for j, (train, test, idx) in enumerate(pairs):
        where = np.arange(n) if idx is None else idx
        if not test.tables or not train.tables:
            fitted.append(None)
            if progress and by_issue is None:
                progress(j + 1, len(pairs))
            continue
        frozen: Forecaster = model
        if fits:
            frozen = model.fit(train.tables, train.outcomes)  # type: ignore[attr-defined]
            fitted.append(fitted_options(frozen))
        if cache is None:
            resid = train.outcomes - forecast_issues(frozen, train.tables)
            p = forecast_issues(frozen, test.tables, progress=by_issue)
        else:
            resid = train.outcomes - np.array([cache[id(t)] for t in train.tables])
            p = np.array([cache[id(t)] for t in test.tables])
        samples = residual_samples(p, resid)
        pred[where], score[where] = p, crps(samples, test.outcomes)
        # every level's central interval (central_interval's quantiles) and the four
        # reported quantiles from one np.quantile call: the same order statistics and lerps
        qs = quantiles(samples, [*INTERVAL_QS, 0.1, 0.25, 0.75, 0.9], axis=1)
        for li in range(len(LEVELS)):
            lo, hi = qs[2 * li], qs[2 * li + 1]
            inside[li, where] = (test.outcomes >= lo - 1e-9) & (test.outcomes <= hi + 1e-9)
        quant[where] = qs[2 * len(LEVELS):].T
        if progress and by_issue is None:
            progress(j + 1, len(pairs))
    if np.isnan(pred).any():
        raise ValueError("some issues were not forecast: the folds do not cover them")
    out: list[dict[str, Any] | None] | dict[str, Any] = fitted
    if not fits:
        out = []
    elif len(pairs) == 1 and fitted and fitted[0] is not None:
        out = fitted[0]
    return PartsRun(pred, score, inside, quant, out)


def distinct_tables(pairs: list[Pair]) -> list[StakeholderTable]:
    """Every table of the pairs once, in order of first appearance."""
    tables: dict[int, StakeholderTable] = {}
    for train, test, _ in pairs:
        for t in (*train.tables, *test.tables):
            tables.setdefault(id(t), t)
    return list(tables.values())


def refitted(model: Forecaster, refit: bool) -> bool:
    """The model is fitted on each pair's train part (else it forecasts each table once)."""
    return refit and isinstance(model, Fittable)


def _forecast_once(model: Forecaster, pairs: list[Pair], memo: Memo | None = None,
                   progress: Callable[[int, int], None] | None = None) -> dict[int, float]:
    """A model that is not fitted forecasts each distinct table once, whatever the folds."""
    tables = distinct_tables(pairs)
    values = forecast_issues(model, tables, memo, progress)
    return dict(zip((id(t) for t in tables), values.tolist(), strict=True))
