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
    from detente.signals.record import CredibilityRecord
    from detente.war.analysis import WarAnalysis

__all__ = ["analyze", "backtest", "credibility", "extract", "forecast", "load", "sensitivity",
           "timeline", "window"]


def load(case: str | Path) -> Scenario:
    """The validated scenario of a bundled case name (``detente.cases.case_names()``) or a
    scenario YAML file.

    >>> [a.id for a in load("ru-ua-2024-09").veto_players]
    ['RUS', 'UKR', 'USA', 'EUR']
    """
    from detente.scenario import load as load_scenario

    return load_scenario(case)


def _scenario(case: str | Path | Scenario, source: str | None = None
              ) -> tuple[Scenario, str]:
    """A scenario and the source recorded in its provenance (``source`` names the file a
    Scenario object was read from, so its record matches the file's)."""
    from detente.scenario.model import Scenario

    if isinstance(case, Scenario):
        return case, source or ""
    return load(case), str(case)


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
    from detente.deals import analyze as run
    from detente.errors import DetenteError
    from detente.limits import check_seed

    check_seed(seed)

    if not isinstance(case, str | Path) or not Path(case).is_dir():
        scenario, source = _scenario(case, source)
        reservation = None
        if batna == "war":
            from detente.war.batna import war_batnas

            reservation = war_batnas(scenario)
        elif batna != "scenario":
            raise DetenteError.one("unknown BATNA source", path="batna", value=batna,
                                   allowed="scenario, war")
        return run(scenario, draws=draws, seed=seed if draws else None, source=source,
                   reservation=reservation, progress=progress, executor=executor, memo=memo)
    from detente.deals.genius_analysis import analyze_domain

    return analyze_domain(str(case))


def timeline(cases: Sequence[str | Path], *, draws: int = 0, seed: int = 2024,
             executor: Executor | None = None) -> Timeline:
    """How the bargaining space moved across dated scenarios (``detente timeline``); one
    scenario per task on ``executor`` (``detente.parallel``)."""
    from detente.deals.timeline import timeline as run

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

    scenario, source = _scenario(case)
    return run(scenario, targets=list(targets), inputs=list(inputs), method=method,
               samples=samples, seed=seed, top=top, source=source, executor=executor)


def forecast(source: str | Path, *, issue: str | None = None,
             models: Sequence[str] = ("all",), draws: int = 0, seed: int = 0,
             spread: float = 0.1, rounds: int = 8,
             executor: Executor | None = None) -> ForecastRecord:
    """Where each issue settles (``detente forecast``): every model's forecast of a
    stakeholder CSV (BdM/Scholz or KTAB), a scenario file or a bundled case, with Monte Carlo
    bands when ``draws`` > 0 and, for a scenario, the bridge to the deal analysis."""
    from detente.forecasts.eum import EUMOptions
    from detente.forecasts.records import forecast_source

    return forecast_source(str(source), issue=issue, models=tuple(models), draws=draws,
                           seed=seed, spread=spread, eum=EUMOptions(rounds=rounds),
                           executor=executor)


def backtest(deu_file: str | Path, *, models: Sequence[str] = ("all",),
             fit_on: str | Path | None = None, capability: str = "era", bootstrap: int = 2000,
             seed: int = 0, min_positions: int = 3, split: str = "all",
             voting_map: dict[str, str] | None = None) -> BacktestRecord:
    """Score the forecasting models on resolved EU decisions (``detente backtest``): MAE, CRPS
    and interval coverage, with paired bootstrap intervals against the compromise model."""
    from detente.forecasts.records import backtest_files

    return backtest_files(Path(deu_file), models=tuple(models),
                          fit_on=None if fit_on is None else Path(fit_on),
                          capability=capability, bootstrap=bootstrap, seed=seed,
                          min_positions=min_positions, split=split, voting_map=voting_map)


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

    options = CredibilityOptions(half_life_days=half_life, renege_window_days=window,
                                 draws=draws, likelihood_ratios=dict(likelihood_ratios or {}))
    return credibility_record(actor.upper(), case=case, store=store,
                              against=against.upper() if against else None,
                              date_from=date_from, date_to=date_to, options=options, seed=seed,
                              lr_from=lr_from)


def extract(files: Sequence[str | Path], *, date: dt.date | None = None,
            case: str | None = None, llm: bool = False) -> ExtractionRecord:
    """Actors, positions, proposals and signals from article texts, each with its quote
    (``detente extract``); ``case`` maps positions onto its issue ids; ``llm`` uses the
    configured language model instead of the rules."""
    from detente.extract.run import Extractor, run_extract

    extractor: Extractor
    if llm:
        from detente.extract.llm import LLMExtractor

        extractor = LLMExtractor.from_env()
    else:
        from detente.extract.rules import RuleExtractor

        extractor = RuleExtractor()
    issues = None
    if case is not None:
        from detente.extract.vocabulary import scenario_issues

        issues = scenario_issues(load(case))
    return run_extract([Path(f) for f in files], extractor, date=date, issues=issues,
                       case=case)
