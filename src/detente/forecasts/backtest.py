"""Backtest forecasters on resolved EU decisions (DEU III): mean absolute error on 0–100.

Scoring as in the DEU literature (Thomson et al. 2006, ch. 10; Arregui & Perarnaud 2021):
issues with an outcome and at least ``min_positions`` actor positions; error = |forecast −
outcome|. Errors are broken down by treaty era and Council voting rule, and every model is
compared with the compromise model by a paired bootstrap of the MAE difference, resampling
proposals (issues of one proposal are decided together, so they are not independent).

Every model also gets a predictive distribution per issue (the bootstrap of its fit,
:mod:`detente.forecasts.predictive`), scored by CRPS and the coverage of its central intervals.
Where the fit comes from is the ``split``: the scored file itself (``"all"``, in sample),
grouped cross-validation inside it (``"cv"``), or another file (``fit=``, the confirmatory run
of ``docs/forecast-protocol.md``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from detente.errors import AnalysisError, Problem
from detente.forecasts.base import Forecaster, Memo, at_stage
from detente.forecasts.eu_council import capability, era_of
from detente.forecasts.folds import Pair, Part, distinct_tables, refitted, run_parts
from detente.forecasts.predictive import LEVELS, quantiles
from detente.formats.deu import DeuData, DeuIssue
from detente.formats.table import StakeholderTable

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from detente.forecasts.eum import EUMOptions

log = logging.getLogger(__name__)
BASELINE = "compromise"
#: DEU ``counvte`` codes → :attr:`StakeholderTable.decision_rule` (DEU III codebook: QMV =
#: qualified majority, Unan = unanimity). Any other code is an error unless mapped explicitly
#: (``voting_map``, CLI ``--voting-rule CODE=qmv|unanimity``): no silent fallback.
VOTING_RULES = {"QMV": "qmv", "Unan": "unanimity"}
RULE_NAMES = ("qmv", "unanimity")


@dataclass(frozen=True)
class BacktestResult:
    """Per-issue predictions, errors and predictive scores plus summaries (all on 0–100).

    ``crps`` (models, issues); ``inside`` (models, levels, issues): the outcome lies in the
    central interval of level :data:`~detente.forecasts.predictive.LEVELS`; ``intervals``
    (models, issues, 4): the 10, 25, 75 and 90 % quantiles of the predictive distribution.
    """

    models: tuple[str, ...]
    issues: tuple[DeuIssue, ...]
    predictions: NDArray[np.float64]          # (models, issues)
    outcomes: NDArray[np.float64]             # (issues,)
    seconds: dict[str, float]
    options: dict[str, Any]
    bootstrap: dict[str, dict[str, float]] = field(default_factory=dict)
    crps: NDArray[np.float64] | None = None
    inside: NDArray[np.bool_] | None = None
    intervals: NDArray[np.float64] | None = None
    fitted: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def errors(self) -> NDArray[np.float64]:
        return np.abs(self.predictions - self.outcomes[None, :])

    def mae(self, mask: NDArray[np.bool_] | None = None) -> dict[str, float]:
        m = np.ones(len(self.issues), bool) if mask is None else mask
        if not m.any():
            return {}
        err = self.errors
        return {name: float(err[k, m].mean()) for k, name in enumerate(self.models)}

    def scores(self, mask: NDArray[np.bool_] | None = None) -> dict[str, dict[str, float]]:
        """MAE, CRPS and the coverage of the 50 % and 80 % intervals per model."""
        m = np.ones(len(self.issues), bool) if mask is None else mask
        out: dict[str, dict[str, float]] = {}
        if not m.any():
            return out
        err = self.errors
        for k, name in enumerate(self.models):
            row = {"mae": float(err[k, m].mean())}
            if self.crps is not None and self.inside is not None:
                row["crps"] = float(self.crps[k, m].mean())
                row["coverage50"] = float(self.inside[k, LEVELS.index(0.5), m].mean())
                row["coverage80"] = float(self.inside[k, LEVELS.index(0.8), m].mean())
            out[name] = row
        return out

    def reliability(self) -> dict[str, list[float]]:
        """Observed coverage of each nominal central-interval level, per model."""
        if self.inside is None:
            return {}
        return {name: self.inside[k].mean(axis=1).round(4).tolist()
                for k, name in enumerate(self.models)}

    def breakdown(self) -> dict[str, dict[str, Any]]:
        """MAE (and predictive scores) and issue counts overall, per era and per voting rule."""
        eras = np.array([era_of(i.year) for i in self.issues])
        votes = np.array([i.voting for i in self.issues])
        out: dict[str, dict[str, Any]] = {"all": {"n": len(self.issues), "mae": self.mae(),
                                                  "scores": self.scores()}}
        for label, values in (("era", eras), ("voting", votes)):
            for v in sorted(set(values)):
                mask = values == v
                out[f"{label}={v}"] = {"n": int(mask.sum()), "mae": self.mae(mask),
                                       "scores": self.scores(mask)}
        return out

    def record(self) -> dict[str, Any]:
        """JSON-friendly summary with per-issue residuals (forecast − outcome)."""
        return {
            "models": list(self.models), "options": self.options, "breakdown": self.breakdown(),
            "bootstrap_vs_compromise": self.bootstrap, "fitted": self.fitted,
            "warnings": list(self.warnings),
            "reliability": {"levels": list(LEVELS), "coverage": self.reliability()},
            "seconds": {k: round(v, 4) for k, v in self.seconds.items()},
            "issues": self._issue_records(),
        }

    def _issue_records(self) -> list[dict[str, Any]]:
        """Each issue's forecasts, residuals and 80 % intervals, rounded (the arrays turned
        into Python floats once: the same numbers ``float()`` gives element by element)."""
        pred = self.predictions.T.tolist()
        resid = (self.predictions - self.outcomes[None, :]).T.tolist()
        band = None if self.intervals is None else self.intervals[:, :, [0, 3]].transpose(
            1, 0, 2).tolist()
        out = []
        for j, i in enumerate(self.issues):
            rec: dict[str, Any] = {
                "proposal": i.proposal, "issue": i.issue, "year": i.year, "era": era_of(i.year),
                "voting": i.voting, "procedure": i.procedure, "n_positions": len(i.actors),
                "outcome": i.outcome,
                "forecast": {m: round(v, 4) for m, v in zip(self.models, pred[j], strict=True)},
                "residual": {m: round(v, 4) for m, v in zip(self.models, resid[j], strict=True)}}
            if band is not None:
                rec["interval80"] = {m: [round(lo, 3), round(hi, 3)]
                                     for m, (lo, hi) in zip(self.models, band[j], strict=True)}
            out.append(rec)
        return out


def scorable(data: DeuData, min_positions: int = 3) -> tuple[DeuIssue, ...]:
    """Issues with an outcome and at least ``min_positions`` positions."""
    return tuple(i for i in data.issues
                 if i.outcome is not None and len(i.actors) >= min_positions)


def voting_rule(code: str, voting_map: dict[str, str] | None = None) -> str | None:
    """The decision rule of a DEU ``counvte`` code (``None`` if not mapped)."""
    table = {**VOTING_RULES, **(voting_map or {})}
    return table.get(code)


def check_voting_codes(data: DeuData, issues: tuple[DeuIssue, ...],
                       voting_map: dict[str, str] | None = None) -> None:
    """Raise one :class:`AnalysisError` naming file and line of every unmapped voting code."""
    for code, rule in (voting_map or {}).items():
        if rule not in RULE_NAMES:
            raise AnalysisError.one("unknown decision rule in a voting-rule mapping",
                                    path=f"--voting-rule {code}", value=rule,
                                    allowed=", ".join(RULE_NAMES))
    known = {**VOTING_RULES, **(voting_map or {})}
    problems = [Problem("unknown Council voting-rule code (counvte)", file=data.source,
                        line=i.line, value=i.voting,
                        allowed=f"{', '.join(known)}; map others with --voting-rule "
                                "CODE=qmv|unanimity")
                for i in issues if i.voting not in known]
    if problems:
        raise AnalysisError(problems)


def issue_table(issue: DeuIssue, rule: str = "era", gdp: dict[str, float] | None = None,
                voting_map: dict[str, str] | None = None) -> StakeholderTable:
    """The stakeholder table of one DEU issue (saliences to 0–1, scale 0–100)."""
    return StakeholderTable.build(
        list(issue.actors), capability(issue.actors, issue.year, rule, gdp), issue.position,
        issue.salience / 100.0, name=f"{issue.proposal}/{issue.issue}", scale=(0.0, 100.0),
        reference=None if issue.reference is None else (issue.reference,),
        decision_rule=voting_rule(issue.voting, voting_map), procedure=issue.procedure or None)


def cluster_bootstrap_means(values: NDArray[np.float64], clusters: NDArray[np.int64],
                            draws: int, rng: np.random.Generator) -> NDArray[np.float64]:
    """Mean of each row of ``values`` (K, issues) over ``draws`` resamples of the clusters
    (0..G−1) with replacement, (draws, K): all draws at once from per-cluster sums and exact
    integer counts of how often each cluster is drawn."""
    g = int(clusters.max()) + 1
    sums_t = np.zeros((g, values.shape[0]))
    np.add.at(sums_t, clusters, values.T)
    counts = np.bincount(clusters, minlength=g).astype(float)
    pick = rng.integers(0, g, size=(draws, g))
    weight = np.bincount((np.arange(draws)[:, None] * g + pick).ravel(),
                         minlength=draws * g).reshape(draws, g).astype(float)
    out: NDArray[np.float64] = (weight @ sums_t) / (weight @ counts)[:, None]
    return out


def paired_bootstrap(errors: NDArray[np.float64], baseline: int, clusters: NDArray[np.int64],
                     draws: int, rng: np.random.Generator, level: float = 0.95
                     ) -> NDArray[np.float64]:
    """Percentile interval of MAE(model) − MAE(baseline), resampling clusters with replacement.

    ``errors`` (models, issues); ``clusters`` gives each issue's cluster index 0..G−1.
    Returns (models, 3): point difference, lower and upper bound. Vectorised over draws.
    """
    diff = errors - errors[baseline][None, :]
    stat = cluster_bootstrap_means(diff, clusters, draws, rng)      # (draws, models)
    alpha = (1 - level) / 2
    lo, hi = quantiles(stat, [alpha, 1 - alpha], axis=0)
    point = diff.mean(axis=1)
    return np.stack([point, lo, hi], axis=1)


SPLITS = ("all", "train", "test", "cv")


def shared_proposals(fit: DeuData, score: DeuData) -> list[str]:
    """Proposal ids present in both files (sorted)."""
    return sorted({i.proposal for i in fit.issues} & {i.proposal for i in score.issues})


def _part(data: DeuData, issues: tuple[DeuIssue, ...], rule: str,
          voting_map: dict[str, str] | None) -> Part:
    return Part([issue_table(i, rule, data.gdp, voting_map) for i in issues],
                np.array([i.outcome for i in issues], dtype=float),
                [i.proposal for i in issues])


def _select(data: DeuData, split: str, min_positions: int) -> tuple[DeuIssue, ...]:
    if split not in SPLITS:
        raise AnalysisError.one("unknown split", path="split", value=split,
                                allowed=", ".join(SPLITS))
    if not any(i.outcome is not None for i in data.issues):
        raise AnalysisError.one("the file has no decision outcome (column 'out' is blank on "
                                "every issue): nothing to score", file=data.source,
                                allowed="issues with an outcome on 0–100")
    issues = scorable(data, min_positions)
    if split in ("train", "test"):  # the challenger's module loads for these splits only
        from detente.forecasts.challenger import is_test_proposal

        issues = tuple(i for i in issues if is_test_proposal(i.proposal) == (split == "test"))
    if not issues:
        raise AnalysisError.one("no issue has an outcome and enough positions",
                                file=data.source,
                                allowed=f">= {min_positions} positions (--min-positions)")
    return issues


def run_backtest(data: DeuData, forecasters: list[Forecaster], *, capability_rule: str = "era",
                 min_positions: int = 3, bootstrap: int = 2000, seed: int = 0,
                 level: float = 0.95, split: str = "all", fit: DeuData | None = None,
                 voting_map: dict[str, str] | None = None,
                 progress: Callable[[str, int, int], None] | None = None,
                 executor: Executor | None = None) -> BacktestResult:
    """Forecast every scorable issue with every model; summarise errors and intervals.

    ``split`` restricts the issues to the challenger's pre-registered ``"train"`` or ``"test"``
    proposals (:func:`detente.forecasts.challenger.is_test_proposal`). ``"cv"`` scores every
    issue, fittable models (:class:`~detente.forecasts.crossval.Fittable`) by their out-of-fold
    forecasts from grouped 10-fold cross-validation by proposal, and every model's predictive
    distribution from its training folds' residuals. With ``fit`` (another DEU file), fittable
    models are fitted on ``fit`` only, frozen and scored once on ``data``; the predictive
    distributions come from the residuals on ``fit``; proposals in both files are named in a
    warning. ``progress(stage, done, total)``: a stage per model (``scoring <model>``) counting
    its folds (cross-validation) or its issues (one fit). ``executor``: the models that are
    not refitted forecast side by side on it first (:mod:`detente.forecasts.concurrent`; the
    same numbers), ``None`` = one after another here.
    """
    from detente.forecasts.crossval import CV_FOLDS, CV_SALT

    if fit is not None and split != "all":
        raise AnalysisError.one("--fit-on scores the whole file: no other split", path="split",
                                value=split, allowed="all")
    issues = _select(data, split, min_positions)
    check_voting_codes(data, issues, voting_map)
    names = tuple(f.name for f in forecasters)
    if len(set(names)) != len(names):
        raise AnalysisError.one("two forecasters share a name", value=names)
    score = _part(data, issues, capability_rule, voting_map)
    warnings: list[str] = []
    options: dict[str, Any] = {"capability": capability_rule, "min_positions": min_positions,
                               "bootstrap": bootstrap, "seed": seed, "level": level,
                               "split": split, "voting_map": dict(voting_map or {})}
    if fit is not None:
        fit_issues = _select(fit, "all", min_positions)
        check_voting_codes(fit, fit_issues, voting_map)
        train = _part(fit, fit_issues, capability_rule, voting_map)
        shared = shared_proposals(fit, data)
        if shared:
            msg = (f"the fit file {fit.source} shares {len(shared)} proposal(s) with the "
                   f"scoring file {data.source}: {', '.join(shared)} — the score is not out of "
                   "sample for them")
            log.info(msg)
            warnings.append(msg)
        options["fit_on"] = {"file": fit.source, "issues": len(fit_issues),
                             "shared_proposals": shared}
        pairs: list[Pair] = [(train, score, None)]
    elif split == "cv":
        pairs = score.folds(CV_FOLDS, CV_SALT)
        options["cv"] = {"folds": CV_FOLDS, "salt": CV_SALT}
    else:
        pairs = [(score, score, None)]
        options["predictive"] = ("in sample: models as shipped, intervals from the scored "
                                 "issues' own residuals")
    return _assemble(forecasters, issues, score, pairs, options, warnings, bootstrap, seed,
                     level, progress, executor)


def _assemble(forecasters: list[Forecaster], issues: tuple[DeuIssue, ...], score: Part,
              pairs: list[Pair],
              options: dict[str, Any], warnings: list[str], bootstrap: int, seed: int,
              level: float, progress: Callable[[str, int, int], None] | None = None,
              executor: Executor | None = None) -> BacktestResult:
    names = tuple(f.name for f in forecasters)
    m, n = len(forecasters), len(issues)
    preds, crps = np.empty((m, n)), np.empty((m, n))
    inside = np.zeros((m, len(LEVELS), n), dtype=bool)
    intervals = np.empty((m, n, 4))
    fitted: dict[str, Any] = {}
    memo: Memo = {}  # the ensemble's members are also scored alone: forecast them once
    refit = options["split"] == "cv" or "fit_on" in options
    seconds: dict[str, float] = {}
    ahead: dict[str, float] = {}
    if executor is not None:
        from detente.forecasts.concurrent import prefetch

        if progress:
            progress("forecasts on the executor", 0, 1)
        ahead = prefetch([m for m in forecasters if not refitted(m, refit)],
                           distinct_tables(pairs), executor, memo)
    for k, model in enumerate(forecasters):
        t0 = time.perf_counter()
        run = run_parts(model, pairs, n, refit=refit,
                        memo=memo, progress=at_stage(progress, f"scoring {model.name}"))
        preds[k], crps[k], inside[k], intervals[k] = (run.predictions, run.crps, run.inside,
                                                      run.intervals)
        if run.fitted:
            fitted[model.name] = run.fitted
        seconds[model.name] = ahead.get(model.name, 0.0) + time.perf_counter() - t0
    if "cv" in options:
        options["cv"]["out_of_fold"] = sorted(fitted)
        options["cv"]["fitted_per_fold"] = fitted
    result = BacktestResult(names, issues, preds, score.outcomes, seconds, options, {}, crps,
                            inside, intervals, fitted, tuple(warnings))
    if BASELINE in names and bootstrap > 0:
        if progress:
            progress("paired bootstrap", 0, 1)
        props = {p: g for g, p in enumerate(dict.fromkeys(i.proposal for i in issues))}
        clusters = np.array([props[i.proposal] for i in issues])
        ci = paired_bootstrap(result.errors, names.index(BASELINE), clusters, bootstrap,
                              np.random.default_rng(seed), level)
        boot = {mname: {"mae_difference": float(ci[k, 0]), "lower": float(ci[k, 1]),
                        "upper": float(ci[k, 2])} for k, mname in enumerate(names)}
        result = BacktestResult(names, issues, preds, score.outcomes, seconds, options, boot,
                                crps, inside, intervals, fitted, tuple(warnings))
    return result


@dataclass
class BacktestRun:
    """A backtest of DEU files (:func:`backtest_run`): the result, the files scored (and
    fitted on), the seed, and the warnings of the record (the readers' first, each once).
    :func:`detente.forecasts.records.backtest_record` makes its typed record: pydantic then
    loads, ~0.05 s, which ``detente backtest FILE`` without an output file never needs."""

    result: BacktestResult
    files: list[Path]
    seed: int
    warnings: list[str]


def backtest_run(deu_file: Path | str, *, models: list[str] | tuple[str, ...] = ("all",),
                 fit_on: Path | str | None = None, capability: str = "era",
                 bootstrap: int = 2000, seed: int = 0, min_positions: int = 3,
                 split: str = "all", voting_map: dict[str, str] | None = None,
                 eum: EUMOptions | None = None,
                 progress: Callable[[str, int, int], None] | None = None,
                 executor: Executor | None = None) -> BacktestRun:
    """Read ``deu_file`` (and ``fit_on``) and :func:`run_backtest` every model in ``models``
    (the compromise baseline always included). ``progress(stage, done, total)`` marks
    reading and the paired bootstrap and ticks per model × fold or issue; ``executor``: where
    the models forecast side by side (``None``: one after another, here)."""
    from detente.forecasts.eum import EUMOptions
    from detente.forecasts.run import make_forecasters
    from detente.formats.deu import read_deu
    from detente.limits import MAX_BOOTSTRAP, check_range, check_seed

    check_range(bootstrap, 0, MAX_BOOTSTRAP, "--bootstrap")
    check_seed(seed)
    deu_file = Path(deu_file)
    fit_on = None if fit_on is None else Path(fit_on)
    if progress:
        progress("reading", 0, 1 + (fit_on is not None))
    data = read_deu(deu_file)
    fit = read_deu(fit_on) if fit_on is not None else None
    forecasters = make_forecasters(["compromise", *models], eum or EUMOptions())
    result = run_backtest(data, forecasters, capability_rule=capability,
                          min_positions=min_positions, bootstrap=bootstrap, seed=seed,
                          split=split, fit=fit, voting_map=voting_map or {}, progress=progress,
                          executor=executor)
    warnings = list(dict.fromkeys([*data.warnings, *(fit.warnings if fit else ()),
                                   *result.warnings]))
    return BacktestRun(result, [deu_file] + ([fit_on] if fit_on else []), seed, warnings)
