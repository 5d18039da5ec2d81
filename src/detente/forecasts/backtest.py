"""Backtest forecasters on resolved EU decisions (DEU III): mean absolute error on 0–100.

Scoring as in the DEU literature (Thomson et al. 2006, ch. 10; Arregui & Perarnaud 2021):
issues with an outcome and at least ``min_positions`` actor positions; error = |forecast −
outcome|. Errors are broken down by treaty era and Council voting rule, and every model is
compared with the compromise model by a paired bootstrap of the MAE difference, resampling
proposals (issues of one proposal are decided together, so they are not independent).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from detente.errors import AnalysisError
from detente.forecasts.base import Forecaster
from detente.forecasts.eu_council import capability, era_of
from detente.forecasts.table import StakeholderTable
from detente.formats.deu import DeuData, DeuIssue

log = logging.getLogger(__name__)
BASELINE = "compromise"
#: DEU ``counvte`` values → :attr:`StakeholderTable.decision_rule`.
VOTING_RULES = {"QMV": "qmv", "Unan": "unanimity"}


@dataclass(frozen=True)
class BacktestResult:
    """Per-issue predictions and errors plus summaries (all on 0–100)."""

    models: tuple[str, ...]
    issues: tuple[DeuIssue, ...]
    predictions: NDArray[np.float64]          # (models, issues)
    outcomes: NDArray[np.float64]             # (issues,)
    seconds: dict[str, float]
    options: dict[str, Any]
    bootstrap: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def errors(self) -> NDArray[np.float64]:
        return np.abs(self.predictions - self.outcomes[None, :])

    def mae(self, mask: NDArray[np.bool_] | None = None) -> dict[str, float]:
        m = np.ones(len(self.issues), bool) if mask is None else mask
        if not m.any():
            return {}
        return {name: float(self.errors[k, m].mean()) for k, name in enumerate(self.models)}

    def breakdown(self) -> dict[str, dict[str, Any]]:
        """MAE and issue counts overall, per era and per voting rule."""
        eras = np.array([era_of(i.year) for i in self.issues])
        votes = np.array([i.voting for i in self.issues])
        out: dict[str, dict[str, Any]] = {"all": {"n": len(self.issues), "mae": self.mae()}}
        for label, values in (("era", eras), ("voting", votes)):
            for v in sorted(set(values)):
                mask = values == v
                out[f"{label}={v}"] = {"n": int(mask.sum()), "mae": self.mae(mask)}
        return out

    def record(self) -> dict[str, Any]:
        """JSON-friendly summary with per-issue residuals (forecast − outcome)."""
        return {
            "models": list(self.models), "options": self.options, "breakdown": self.breakdown(),
            "bootstrap_vs_compromise": self.bootstrap,
            "seconds": {k: round(v, 4) for k, v in self.seconds.items()},
            "issues": [
                {"proposal": i.proposal, "issue": i.issue, "year": i.year, "era": era_of(i.year),
                 "voting": i.voting, "procedure": i.procedure, "n_positions": len(i.actors),
                 "outcome": i.outcome,
                 "forecast": {m: round(float(self.predictions[k, j]), 4)
                              for k, m in enumerate(self.models)},
                 "residual": {m: round(float(self.predictions[k, j] - self.outcomes[j]), 4)
                              for k, m in enumerate(self.models)}}
                for j, i in enumerate(self.issues)],
        }


def scorable(data: DeuData, min_positions: int = 3) -> tuple[DeuIssue, ...]:
    """Issues with an outcome and at least ``min_positions`` positions."""
    return tuple(i for i in data.issues
                 if i.outcome is not None and len(i.actors) >= min_positions)


def issue_table(issue: DeuIssue, rule: str = "era",
                gdp: dict[str, float] | None = None) -> StakeholderTable:
    """The stakeholder table of one DEU issue (saliences to 0–1, scale 0–100)."""
    return StakeholderTable.build(
        list(issue.actors), capability(issue.actors, issue.year, rule, gdp), issue.position,
        issue.salience / 100.0, name=f"{issue.proposal}/{issue.issue}", scale=(0.0, 100.0),
        reference=None if issue.reference is None else (issue.reference,),
        decision_rule=VOTING_RULES.get(issue.voting))


def paired_bootstrap(errors: NDArray[np.float64], baseline: int, clusters: NDArray[np.int64],
                     draws: int, rng: np.random.Generator, level: float = 0.95
                     ) -> NDArray[np.float64]:
    """Percentile interval of MAE(model) − MAE(baseline), resampling clusters with replacement.

    ``errors`` (models, issues); ``clusters`` gives each issue's cluster index 0..G−1.
    Returns (models, 3): point difference, lower and upper bound. Vectorised over draws.
    """
    g = int(clusters.max()) + 1
    diff = errors - errors[baseline][None, :]
    sums_t = np.zeros((g, errors.shape[0]))
    np.add.at(sums_t, clusters, diff.T)
    sums = sums_t.T
    counts = np.bincount(clusters, minlength=g).astype(float)
    pick = rng.integers(0, g, size=(draws, g))
    weight = np.zeros((draws, g))
    np.add.at(weight, (np.arange(draws)[:, None], pick), 1.0)
    stat = (weight @ sums.T) / (weight @ counts)[:, None]      # (draws, models)
    alpha = (1 - level) / 2
    lo, hi = np.quantile(stat, [alpha, 1 - alpha], axis=0)
    point = diff.mean(axis=1)
    return np.stack([point, lo, hi], axis=1)


SPLITS = ("all", "train", "test", "cv")


def run_backtest(data: DeuData, forecasters: list[Forecaster], *, capability_rule: str = "era",
                 min_positions: int = 3, bootstrap: int = 2000, seed: int = 0,
                 level: float = 0.95, split: str = "all") -> BacktestResult:
    """Forecast every scorable issue with every model; summarise errors and intervals.

    ``split`` restricts the issues to the challenger's pre-registered ``"train"`` or ``"test"``
    proposals (:func:`detente.forecasts.challenger.is_test_proposal`). ``"cv"`` scores every
    issue, and every fittable model (:class:`~detente.forecasts.crossval.Fittable`) by its
    out-of-fold forecasts from grouped 10-fold cross-validation by proposal
    (:func:`~detente.forecasts.crossval.cross_validate`); other models run as they are.
    """
    from detente.forecasts.challenger import is_test_proposal
    from detente.forecasts.crossval import CV_FOLDS, CV_SALT, Fittable, cross_validate

    if split not in SPLITS:
        raise AnalysisError.one("unknown split", path="split", value=split,
                                allowed=", ".join(SPLITS))
    issues = tuple(i for i in scorable(data, min_positions)
                   if split in ("all", "cv")
                   or is_test_proposal(i.proposal) == (split == "test"))
    if not issues:
        raise AnalysisError.one("no issue has an outcome and enough positions",
                                file=data.source, allowed=f">= {min_positions} positions")
    names = tuple(f.name for f in forecasters)
    if len(set(names)) != len(names):
        raise AnalysisError.one("two forecasters share a name", value=names)
    tables = [issue_table(i, capability_rule, data.gdp) for i in issues]
    preds = np.empty((len(forecasters), len(issues)))
    outcomes = np.array([i.outcome for i in issues], dtype=float)
    seconds = {}
    cv: dict[str, Any] = {}
    for k, model in enumerate(forecasters):
        t0 = time.perf_counter()
        if split == "cv" and isinstance(model, Fittable):
            res = cross_validate(model, tables, outcomes, [i.proposal for i in issues])
            preds[k] = res.predictions
            cv[model.name] = [None if m is None else _options(m) for m in res.fitted]
        else:
            for j, table in enumerate(tables):
                preds[k, j] = model.forecast(table).position[0]
        seconds[model.name] = time.perf_counter() - t0
    options: dict[str, Any] = {"capability": capability_rule, "min_positions": min_positions,
                               "bootstrap": bootstrap, "seed": seed, "level": level,
                               "split": split}
    if split == "cv":
        options["cv"] = {"folds": CV_FOLDS, "salt": CV_SALT, "out_of_fold": sorted(cv),
                         "fitted_per_fold": cv}
    result = BacktestResult(names, issues, preds, outcomes, seconds, options)
    if BASELINE in names and bootstrap > 0:
        props = {p: g for g, p in enumerate(dict.fromkeys(i.proposal for i in issues))}
        clusters = np.array([props[i.proposal] for i in issues])
        ci = paired_bootstrap(result.errors, names.index(BASELINE), clusters, bootstrap,
                              np.random.default_rng(seed), level)
        boot = {m: {"mae_difference": float(ci[k, 0]), "lower": float(ci[k, 1]),
                    "upper": float(ci[k, 2])} for k, m in enumerate(names)}
        result = BacktestResult(names, issues, preds, outcomes, seconds, result.options, boot)
    return result


def _options(model: Forecaster) -> dict[str, Any]:
    """A fitted model's parameters for the record (its ``options()`` if it has one)."""
    get = getattr(model, "options", None)
    return dict(get()) if callable(get) else {"repr": repr(model)}
