"""The Python face of detente: one verb per analysis, each returning a typed record.

Each verb calls the same library function as its command (``detente analyze`` →
:func:`analyze`, ``detente window`` → :func:`window`, …) with the same defaults, so a notebook
and the command line give the same numbers for the same inputs and seed. Every record has
``.to_json()``, ``.to_frame()`` (pandas: ``pip install 'detente[frames]'``) and a notebook view
(:class:`detente.records.base.Record`). The verbs are re-exported at the package top:
``import detente; detente.analyze("ru-ua-2024-09")``. See ``docs/api.md``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from concurrent.futures import Executor

    from detente.deals.genius_analysis import DomainAnalysis
    from detente.deals.memo import FrontierMemo
    from detente.deals.result import DealAnalysis
    from detente.deals.timeline import Timeline
    from detente.extract.run import ExtractionRecord
    from detente.forecasts.records import BacktestRecord, ForecastRecord
    from detente.scenario.model import Scenario
    from detente.sensitivity.result import SensitivityAnalysis
    from detente.signals.evaluate import EvaluationRecord
    from detente.signals.record import CredibilityRecord
    from detente.war.analysis import WarAnalysis

from detente.errors import DetenteError

__all__ = ["analyze", "backtest", "credibility", "evaluate", "extract", "forecast", "load",
           "sensitivity", "timeline", "window"]


# -- argument checks: a Python caller's wrong type gets the command's kind of message ---------
def _fail(name: str, value: object, allowed: str) -> DetenteError:
    shown = value if isinstance(value, str | int | float | None) else type(value).__name__
    return DetenteError.one(f"{name}: wrong type or value", path=name, value=shown,
                            allowed=allowed)


def _path(value: object, name: str, optional: bool = False) -> None:
    """A file name: ``str`` or ``pathlib.Path`` (``None`` when ``optional``)."""
    if value is None and optional:
        return
    if not isinstance(value, str | Path) or not str(value).strip():
        raise _fail(name, value, "a file or case name (str or pathlib.Path)"
                    + (" or None" if optional else ""))
    from detente.limits import check_name

    check_name(value)
    if isinstance(value, str) and value.endswith("/") and os.path.isfile(value.rstrip("/")):
        raise _fail(name, value, "the file's path without a trailing '/' (a name ending in "
                    "'/' is a folder; pathlib dropped the slash and read the file)")


def _text(value: object, name: str, optional: bool = False) -> None:
    """A text argument: ``str``, not blank (``credibility("")`` returned the prior of an actor
    named by nothing; the command line refuses an empty value); ``None`` when ``optional``."""
    if value is None and optional:
        return
    if not isinstance(value, str) or not value.strip():
        raise _fail(name, value, "a non-empty string" + (" or None" if optional else ""))


def _texts(value: object, name: str, kinds: tuple[type, ...] = (str,),
           empty: bool = True) -> list[str | Path]:
    """A list of strings (or paths); one string is one item, not its characters. A blank
    string is no item (``extract("")`` read the current folder as the file ``''``)."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(v, kinds) for v in items) \
            or (not empty and not items) or any(isinstance(v, str) and not v.strip()
                                                for v in items):
        what = " or ".join(k.__name__ for k in kinds)
        raise _fail(name, value, f"a {'non-empty ' if not empty else ''}list of {what} "
                    "(none blank)")
    return list(items)


def _real(value: object, name: str, lo: float, hi: float) -> None:
    from detente.limits import check_range

    check_range(value, float(lo), float(hi), name)  # type: ignore[arg-type]


def _whole(value: object, name: str, lo: int, hi: int) -> None:
    from detente.limits import check_range

    check_range(value, lo, hi, name)  # type: ignore[arg-type]


def _seed(value: object) -> None:
    from detente.limits import MAX_SEED

    _whole(value, "seed", 0, MAX_SEED)


def _executor(value: object) -> None:
    if value is not None and not (callable(getattr(value, "submit", None))
                                  and callable(getattr(value, "map", None))):
        raise _fail("executor", value, "None or a concurrent.futures.Executor, e.g. from "
                    "detente.parallel.open_executor('local:2')")


def _date(value: object, name: str) -> None:
    if value is not None and not isinstance(value, dt.date):
        raise _fail(name, value, "None or a datetime.date")


def load(case: str | Path) -> Scenario:
    """The validated scenario of a bundled case name (``detente.cases.case_names()``) or a
    scenario YAML file.

    >>> [a.id for a in load("ru-ua-2024-09").veto_players]
    ['RUS', 'UKR', 'USA', 'EUR']
    """
    from detente.scenario import load as load_scenario

    _path(case, "case")
    return load_scenario(case)


def _scenario(case: str | Path | Scenario, source: str | None = None
              ) -> tuple[Scenario, str]:
    """A scenario and the source recorded in its provenance (``source`` names the file a
    Scenario object was read from, so its record matches the file's)."""
    from detente.scenario.model import Scenario

    _text(source, "source", optional=True)
    if isinstance(case, Scenario):
        return _checked(case, source), source or ""
    return load(case), str(case)


def _checked(scenario: Scenario, source: str | None) -> Scenario:
    """``scenario`` validated again, as ``detente check`` validates a file: a Scenario changed
    with ``model_copy(update=...)`` or made by ``model_construct`` skipped every check (two
    actors with one id, a BATNA that is a bare float: an AttributeError deep inside, or a silent
    answer for a scenario the file reader refuses)."""
    from pydantic import ValidationError

    from detente.scenario.load import validate_data

    file = source or "(Scenario object)"
    try:
        data = scenario.model_dump(mode="python", round_trip=True, warnings=False)
    except (AttributeError, TypeError, ValueError, ValidationError) as exc:
        raise DetenteError.one(f"a Scenario object whose fields cannot be read ({exc})",
                               file=file, path="case",
                               allowed="a Scenario from detente.load() or "
                                       "Scenario.model_validate(data), not model_construct()"
                               ) from None
    return validate_data(data, file)


def analyze(case: str | Path | Scenario, *, draws: int = 0, seed: int = 2024,
            batna: str = "scenario", progress: Callable[[str, int, int], None] | None = None,
            executor: Executor | None = None, source: str | None = None,
            memo: FrontierMemo | None = None) -> DealAnalysis | DomainAnalysis:
    """The deal analysis (``detente analyze``): ZOPA, Pareto frontier, bargaining solutions and
    every proposal against the BATNAs; with ``draws`` > 0 the Monte Carlo over uncertain inputs
    (seeded by ``seed``). ``batna="war"`` takes the veto players' BATNAs from the scenario's war
    model. A GENIUS domain folder gets the GENIUS analysis (``DomainAnalysis``). ``executor``:
    where the Monte Carlo chunks run (``detente.parallel``; the same numbers anywhere).
    ``source`` names the file a ``Scenario`` object was read from (recorded in provenance, as if
    the file had been given). ``memo``: Pareto frontiers kept between analyses of the same
    outcome space (``detente.deals.memo.FrontierMemo``; the same record, computed faster when
    only BATNAs, capabilities or proposals changed)."""
    from detente.limits import MAX_DRAWS

    _whole(draws, "draws", 0, MAX_DRAWS)
    _seed(seed)
    _text(batna, "batna")
    _executor(executor)
    from detente.cases import is_bundled

    if not isinstance(case, str | Path) or is_bundled(case) or not Path(case).is_dir():
        from detente.war.batna import analyze_deals

        scenario, source = _scenario(case, source)
        return analyze_deals(scenario, batna=batna, draws=draws, seed=seed if draws else None,
                             source=source, progress=progress, executor=executor, memo=memo)
    from detente.deals.genius_analysis import analyze_domain

    return analyze_domain(str(case))


def timeline(cases: Sequence[str | Path], *, draws: int = 0, seed: int = 2024,
             executor: Executor | None = None) -> Timeline:
    """How the bargaining space moved across dated scenarios (``detente timeline``); one
    scenario per task on ``executor`` (``detente.parallel``)."""
    from detente.deals.timeline import timeline as run
    from detente.limits import MAX_DRAWS

    if isinstance(cases, str | Path):
        raise _fail("cases", str(cases), "a list of cases (names or files), at least two")
    cases = _texts(cases, "cases", (str, Path), empty=False)
    _whole(draws, "draws", 0, MAX_DRAWS)
    _seed(seed)
    _executor(executor)
    scenarios = [load(c) for c in cases]
    return run(scenarios, draws=draws, seed=seed if draws else None,
               sources=[str(c) for c in cases], executor=executor)


def window(case: str, *, months: int | None = None, paths: int = 10_000, seed: int = 0,
           package_paths: int = 2000, executor: Executor | None = None) -> WarAnalysis:
    """The negotiation window month by month (``detente window``): bargaining range,
    commitment problem, ratification and the war-end scenario tree over ``paths`` simulated
    paths; with a scenario holding a war section, also the window over its package space."""
    from detente.war.analysis import analyze_window
    from detente.war.case import resolve_war

    _path(case, "case")  # months and paths: checked (types too) by the library
    _seed(seed)  # the library takes None (fresh entropy); a verb's record must be repeatable
    _executor(executor)
    war_case, scenario = resolve_war(str(case))
    return analyze_window(war_case, months=months, paths=paths, seed=seed, source=str(case),
                          scenario=scenario, package_paths=package_paths, executor=executor)


def sensitivity(case: str | Path | Scenario, *, targets: Sequence[str] = (),
                inputs: Sequence[str] = (), method: str = "sobol", samples: int = 512,
                seed: int = 2024, top: int = 8,
                executor: Executor | None = None) -> SensitivityAnalysis:
    """Which assumption decides each verdict (``detente sensitivity``): Sobol' or Morris
    indices, the tornado and break-even values (``method="oat"``: tornado and break-even
    only, the quickest)."""
    from detente.sensitivity import sensitivity as run

    names = [str(t) for t in _texts(targets, "targets")]
    varied = [str(i) for i in _texts(inputs, "inputs")]
    _text(method, "method")  # samples, seed, top: checked (types too) by the library
    _executor(executor)
    scenario, source = _scenario(case)
    return run(scenario, targets=names, inputs=varied, method=method, samples=samples,
               seed=seed, top=top, source=source, executor=executor)


def forecast(source: str | Path, *, issue: str | None = None,
             models: Sequence[str] = ("all",), draws: int = 0, seed: int = 0,
             spread: float = 0.1, rounds: int = 8, executor: Executor | None = None,
             progress: Callable[[str, int, int], None] | None = None) -> ForecastRecord:
    """Where each issue settles (``detente forecast``): every model's forecast of a
    stakeholder CSV (BdM/Scholz or KTAB), a scenario file or a bundled case, with Monte Carlo
    bands when ``draws`` > 0 and, for a scenario, the bridge to the deal analysis.
    ``progress(stage, done, total)``: per issue, and per chunk of draws."""
    from detente.forecasts.eum import EUMOptions
    from detente.forecasts.records import forecast_source

    _path(source, "source")
    _text(issue, "issue", optional=True)
    models = tuple(str(m) for m in _texts(models, "models", empty=False))
    _real(spread, "spread", 0.0, 1e6)
    _executor(executor)
    return forecast_source(str(source), issue=issue, models=tuple(models), draws=draws,
                           seed=seed, spread=spread, eum=EUMOptions(rounds=rounds),
                           executor=executor, progress=progress)


def backtest(deu_file: str | Path, *, models: Sequence[str] = ("all",),
             fit_on: str | Path | None = None, capability: str = "era", bootstrap: int = 2000,
             seed: int = 0, min_positions: int = 3, split: str = "all",
             voting_map: dict[str, str] | None = None,
             progress: Callable[[str, int, int], None] | None = None) -> BacktestRecord:
    """Score the forecasting models on resolved EU decisions (``detente backtest``): MAE, CRPS
    and interval coverage, with paired bootstrap intervals against the compromise model.
    ``progress(stage, done, total)``: per model × fold (or issue)."""
    from detente.forecasts.records import backtest_files

    _path(deu_file, "deu_file")
    _path(fit_on, "fit_on", optional=True)
    models = tuple(str(m) for m in _texts(models, "models", empty=False))
    _text(capability, "capability")
    _text(split, "split")
    _whole(min_positions, "min_positions", 1, 2**63 - 1)
    if voting_map is not None and not (isinstance(voting_map, dict) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in voting_map.items())):
        raise _fail("voting_map", voting_map, "None or a dict of str → str")
    return backtest_files(Path(deu_file), models=tuple(models),
                          fit_on=None if fit_on is None else Path(fit_on),
                          capability=capability, bootstrap=bootstrap, seed=seed,
                          min_positions=min_positions, split=split, voting_map=voting_map,
                          progress=progress)


def credibility(actor: str, *, case: str | None = "ru-ua", store: str | Path | None = None,
                against: str | None = None, date_from: dt.date | None = None,
                date_to: dt.date | None = None, half_life: float = 90.0, window: int = 3,
                draws: int = 2000, seed: int = 0,
                likelihood_ratios: dict[str, float] | None = None,
                lr_from: str | Path | None = None) -> CredibilityRecord:
    """Posterior probability that ``actor``'s signals are sincere, dated, with an interval
    (``detente signals credibility``), from analyst signals (``case``) and/or an event store;
    ``lr_from`` (a commitments CSV, with ``store``) estimates the actor's likelihood ratios
    from its kept and broken commitments instead of the assumed defaults."""
    from detente.signals.credibility import CredibilityOptions
    from detente.signals.record import credibility_record

    _text(actor, "actor")
    _path(case, "case", optional=True)
    _path(store, "store", optional=True)
    _text(against, "against", optional=True)
    _date(date_from, "date_from")
    _date(date_to, "date_to")
    _path(lr_from, "lr_from", optional=True)
    if likelihood_ratios is not None and not (isinstance(likelihood_ratios, dict) and all(
            isinstance(k, str) and isinstance(v, int | float) and not isinstance(v, bool)
            for k, v in likelihood_ratios.items())):
        raise _fail("likelihood_ratios", likelihood_ratios, "None or a dict indicator → ratio")
    options = CredibilityOptions(half_life_days=half_life, renege_window_days=window,
                                 draws=draws, likelihood_ratios=dict(likelihood_ratios or {}))
    return credibility_record(actor.upper(), case=None if case is None else str(case),
                              store=store,
                              against=against.upper() if against else None,
                              date_from=date_from, date_to=date_to, options=options, seed=seed,
                              lr_from=lr_from)


def evaluate(commitments: str | Path = "dev", *, events: str | Path | None = None,
             compliance_prior: str | Path | None = None, seed: int = 0,
             resamples: int = 2000) -> EvaluationRecord:
    """Do commitments get kept? The commitment model's rolling-origin forecasts scored against
    two baselines (``detente signals evaluate``): Brier, log-loss, AUC with bootstrap
    intervals (``resamples``, seeded by ``seed``), reliability. ``commitments``: a CSV or
    ``"dev"`` (the bundled set); ``events``: an event store for the signals and force
    features; ``compliance_prior``: agreement data (a folder, or ``"default"``)."""
    from detente.signals.evaluate import evaluate_commitments

    _path(commitments, "commitments")
    _path(events, "events", optional=True)
    _path(compliance_prior, "compliance_prior", optional=True)
    return evaluate_commitments(commitments, events=events, compliance_prior=compliance_prior,
                                seed=seed, resamples=resamples)


def extract(files: Sequence[str | Path], *, date: dt.date | None = None,
            case: str | None = None, llm: bool = False, extractor: str | None = None
            ) -> ExtractionRecord:
    """Actors, positions, proposals and signals from article texts, each with its quote
    (``detente extract``); ``case`` maps positions onto its issue ids; ``extractor`` is
    ``learned`` (the default), ``rules`` or ``llm``; ``llm=True`` is ``extractor="llm"``."""
    from detente.extract.run import DEFAULT_EXTRACTOR, make_extractor, run_extract

    if isinstance(files, str | Path):
        files = [files]
    files = _texts(files, "files", (str, Path), empty=False)
    _date(date, "date")
    _text(case, "case", optional=True)
    _text(extractor, "extractor", optional=True)
    chosen = make_extractor("llm" if llm else extractor or DEFAULT_EXTRACTOR)
    issues = None
    if case is not None:
        from detente.extract.vocabulary import scenario_issues

        issues = scenario_issues(load(case))
    return run_extract([Path(f) for f in files], chosen, date=date, issues=issues,
                       case=case)
