"""Grouped K-fold cross-validation of a fittable forecaster: folds by proposal, fixed by a hash.

Issues of one legislative proposal are decided together, so a fold holds whole proposals
(grouped cross-validation; Hastie, Tibshirani & Friedman 2009, §7.10). Proposal p belongs to fold
``int.from_bytes(SHA-256(salt + p)[:8], "big") mod K`` — fixed before any score is seen, the
same on every machine. For each fold the model is fitted on the other folds' tables and
outcomes only, and forecasts the fold's issues; the out-of-fold forecasts are pooled.

>>> [cv_fold(p) for p in ("d00060", "d00060")] == [cv_fold("d00060")] * 2
True
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from detente.errors import AnalysisError
from detente.forecasts.base import Forecast, Forecaster
from detente.formats.table import StakeholderTable

CV_SALT = "detente-challenger-v2:"
CV_FOLDS = 10


def cv_fold(group: str, k: int = CV_FOLDS, salt: str = CV_SALT) -> int:
    """The fold (0..k−1) of a group (proposal id)."""
    digest = hashlib.sha256((salt + group).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % k


@runtime_checkable
class Fittable(Protocol):
    """A forecaster that can be refitted on a set of issues (dimension 0 of each table)."""

    @property
    def name(self) -> str:  # pragma: no cover - protocol
        ...

    def forecast(self, table: StakeholderTable) -> Forecast:  # pragma: no cover - protocol
        ...

    def fit(self, tables: list[StakeholderTable],
            outcomes: NDArray[np.float64]) -> Forecaster:  # pragma: no cover - protocol
        ...


@dataclass(frozen=True)
class CrossValidation:
    """Out-of-fold forecasts (I,), each issue's fold (I,), and the model fitted per fold
    (None for a fold without issues)."""

    predictions: NDArray[np.float64]
    folds: NDArray[np.int64]
    fitted: tuple[Forecaster | None, ...]


def cross_validate(model: Fittable, tables: Sequence[StakeholderTable],
                   outcomes: NDArray[np.float64], groups: Sequence[str], k: int = CV_FOLDS,
                   salt: str = CV_SALT) -> CrossValidation:
    """Grouped K-fold cross-validation: fit on the other folds, forecast this fold (dim 0)."""
    if not len(tables) == len(outcomes) == len(groups):
        raise AnalysisError.one("tables, outcomes and groups differ in length",
                                value=(len(tables), len(outcomes), len(groups)))
    folds = np.array([cv_fold(g, k, salt) for g in groups], dtype=np.int64)
    y = np.asarray(outcomes, dtype=float)
    pred = np.full(len(tables), np.nan)
    fitted: list[Forecaster | None] = []
    for f in range(k):
        test = np.flatnonzero(folds == f).tolist()
        train = np.flatnonzero(folds != f).tolist()
        if not test or not train:
            fitted.append(None)
            continue
        m = model.fit([tables[i] for i in train], y[train])
        fitted.append(m)
        for i in test:
            pred[i] = m.forecast(tables[i]).position[0]
    if np.isnan(pred).any():
        raise AnalysisError.one("cross-validation needs at least two non-empty folds",
                                value=int(np.unique(folds).size), allowed=">= 2 folds")
    return CrossValidation(pred, folds, tuple(fitted))
