"""Typed records of the forecasts and the backtest, and the library functions behind
``detente forecast`` and ``detente backtest`` (the CLI parses, calls one of these, prints).

The models and the backtest return plain dicts (``ForecastRun.record``,
``BacktestResult.record``); these records wrap them with their provenance, so that a forecast
is data like a deal analysis: ``.to_json()``, ``.to_frame()``, a notebook view.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import ConfigDict, Field, PrivateAttr

from detente.errors import DetenteError
from detente.records import Provenance, inputs_hash, make_provenance
from detente.records.base import Record

if TYPE_CHECKING:  # pragma: no cover
    from detente.forecasts.backtest import BacktestResult, BacktestRun
    from detente.forecasts.eum import EUMOptions
    from detente.forecasts.montecarlo import InputRanges
    from detente.formats.table import StakeholderTable
    from detente.scenario.model import Scenario


class ForecastRecord(Record):
    """Every model's forecast of every issue (``issues``: one ``ForecastRun.record()`` each),
    and, for a scenario, the bridge to the deal analysis (``bridge``)."""

    model_config = ConfigDict(frozen=True)

    provenance: Provenance
    issues: list[dict[str, Any]]
    bridge: dict[str, Any] | None = None

    def table(self, field: str | None = None) -> list[dict[str, Any]]:
        """One row per issue and model (default): position (one column per dimension),
        rounds, nearest option and the Monte Carlo 5–95 % band when drawn."""
        if field is not None:
            return super().table(field)
        rows = []
        for rec in self.issues:
            dims = rec["table"]["dimensions"]
            mc = {m["model"]: m for m in rec.get("monte_carlo", [])}
            for f in rec["forecasts"]:
                row: dict[str, Any] = {"issue": rec["table"]["name"], "model": f["model"],
                                       "rounds": f["rounds"]}
                for k, d in enumerate(dims):
                    row[d if len(dims) > 1 else "position"] = f["position"][k]
                    if f["model"] in mc:
                        q = mc[f["model"]]["quantiles"]
                        suffix = f"{d}." if len(dims) > 1 else ""
                        row[f"{suffix}p05"], row[f"{suffix}p95"] = q["p05"][k], q["p95"][k]
                if "nearest_option" in f:
                    row["nearest_option"] = f["nearest_option"]
                rows.append(row)
        return rows


class BacktestRecord(Record):
    """Scores of every model on resolved decisions (``BacktestResult.record()``) with the
    provenance of the scored (and fitted-on) files; ``seconds`` (timings) is not part of the
    JSON record (``detente --timestamp`` writes it under ``run``)."""

    model_config = ConfigDict(frozen=True)
    frame_field: ClassVar[str | None] = "issues"

    provenance: Provenance
    models: list[str]
    options: dict[str, Any]
    breakdown: dict[str, Any]
    bootstrap_vs_compromise: dict[str, Any]
    fitted: dict[str, Any]
    warnings: list[str]
    reliability: dict[str, Any]
    issues: list[dict[str, Any]]
    seconds: dict[str, float] = Field(default_factory=dict, exclude=True)
    _result: BacktestResult | None = PrivateAttr(default=None)

    @property
    def result(self) -> BacktestResult | None:
        """The backtest result behind this record (None for a record read back from JSON)."""
        return self._result


def issue_tables(source: str, issue: str | None
                 ) -> tuple[list[tuple[StakeholderTable, InputRanges | None]], Scenario | None]:
    """The stakeholder tables of ``source`` (a BdM/KTAB CSV, a scenario file or a bundled case;
    one per issue, or only ``issue``), each with its input ranges (None for CSV files, which
    have none), and the scenario (None for CSV files)."""
    from detente.cases import is_bundled
    from detente.formats.ktab import looks_like_ktab, read_ktab_csv
    from detente.formats.stakeholders import read_stakeholder_csv

    path = Path(source)
    if not is_bundled(source) and (path.suffix.lower() in (".csv", ".txt") or (
            path.is_file() and path.suffix not in (".yaml", ".yml"))):
        if not path.exists():
            raise DetenteError.one("file not found", file=source)
        t = read_ktab_csv(path) if looks_like_ktab(path) else read_stakeholder_csv(path)
        if issue is not None:
            if issue not in t.dimensions:
                raise DetenteError.one("no such issue (dimension) in the file", file=source,
                                       value=issue, allowed=", ".join(t.dimensions))
            t = t.dimension(t.dimensions.index(issue))
        return [(t, None)], None
    from detente.forecasts.scenario import issue_table
    from detente.scenario import load

    scenario = load(source)
    ids = [issue] if issue else [i.id for i in scenario.issues]
    try:
        return [issue_table(scenario, i) for i in ids], scenario
    except DetenteError as exc:  # e.g. "fewer than two actors state a stance": name the file
        raise exc.with_file(source) from None


def forecast_source(source: str, *, issue: str | None = None,
                    models: list[str] | tuple[str, ...] = ("all",), draws: int = 0,
                    seed: int = 0, spread: float = 0.1, eum: EUMOptions | None = None,
                    executor: Executor | None = None,
                    progress: Callable[[str, int, int], None] | None = None
                    ) -> ForecastRecord:
    """Forecast every issue of ``source`` with every model in ``models``; with ``draws`` > 0
    also Monte Carlo over the scenario's input ranges (CSV inputs: ± ``spread`` around every
    value); for a scenario also the bridge to the deal analysis (``detente.forecasts.bridge``).
    ``executor``: where the Monte Carlo draws run (:mod:`detente.parallel`; default: here).
    ``progress(stage, done, total)`` is called as issues are done, for each issue's draws
    chunk by chunk (stage ``draws: <issue>``, all models' draws) and before the bridge.
    """
    from detente.forecasts.base import at_stage
    from detente.forecasts.eum import EUMOptions
    from detente.forecasts.montecarlo import InputRanges
    from detente.forecasts.run import make_forecasters, run_forecasts
    from detente.limits import LEAST_DRAWS, MAX_ROUNDS, check_draws, check_range, check_seed

    check_draws(draws, LEAST_DRAWS["forecast"], "10-90 % band (each 10 % tail needs a draw)")
    check_seed(seed)
    if not 0 <= spread <= 1:
        raise DetenteError.one("spread must be between 0 and 1", path="--spread", value=spread)
    eum = eum or EUMOptions()
    check_range(eum.rounds, 0, MAX_ROUNDS, "--rounds")
    pairs, scenario = issue_tables(source, issue)
    forecasters = make_forecasters(list(models), eum)
    records = []
    for k, (table, r) in enumerate(pairs):
        if progress:
            progress("issues", k, len(pairs))
        if r is None and draws > 0:
            r = InputRanges.spread(table, spread)
        rec = run_forecasts(table, forecasters, ranges=r, draws=draws, seed=seed,
                            executor=executor,
                            progress=at_stage(progress, f"draws: {table.name}")).record()
        if scenario is not None:
            from detente.forecasts.scenario import issue_scale, nearest_option

            rec["issue"] = issue_scale(scenario, table.dimensions[0])
            for f in rec["forecasts"]:
                f["nearest_option"] = nearest_option(scenario, table.dimensions[0],
                                                     f["position"][0])
        records.append(rec)
    options: dict[str, Any] = {"issue": issue, "models": [m.name for m in forecasters],
                               "draws": draws, "spread": spread, "eum": asdict(eum)}
    content = scenario if scenario is not None else Path(source).read_bytes()
    bridge_record = None
    if progress:
        progress("issues", len(pairs), len(pairs))
    if scenario is not None:
        from detente.forecasts.bridge import bridge

        if progress:
            progress("bridge to the deal analysis", 0, 1)
        options["bridge_draws"] = draws or 1000
        try:
            bridge_record = bridge(scenario, [issue] if issue else None, draws or 1000,
                                   seed).record()
        except DetenteError as exc:  # e.g. "no veto players": name the scenario's file
            raise exc.with_file(source) from None
    prov = make_provenance("forecast", [source], inputs_hash(content, options), options,
                           seed if draws or scenario else None)
    return ForecastRecord(provenance=prov, issues=records, bridge=bridge_record)


def backtest_files(deu_file: Path, *, models: list[str] | tuple[str, ...] = ("all",),
                   fit_on: Path | None = None, capability: str = "era", bootstrap: int = 2000,
                   seed: int = 0, min_positions: int = 3, split: str = "all",
                   voting_map: dict[str, str] | None = None, eum: EUMOptions | None = None,
                   progress: Callable[[str, int, int], None] | None = None,
                   executor: Executor | None = None) -> BacktestRecord:
    """Score every model in ``models`` (the compromise baseline always included) on the
    resolved decisions of a DEU III file; with ``fit_on``, fit on that file only and score once
    (:func:`detente.forecasts.backtest.backtest_run` reads the files and runs
    ``run_backtest``; its options as there). The reader's warnings come first in the record's
    ``warnings``."""
    from detente.forecasts.backtest import backtest_run

    return backtest_record(backtest_run(
        deu_file, models=models, fit_on=fit_on, capability=capability, bootstrap=bootstrap,
        seed=seed, min_positions=min_positions, split=split, voting_map=voting_map, eum=eum,
        progress=progress, executor=executor))


def backtest_record(run: BacktestRun) -> BacktestRecord:
    """The typed record of a backtest of files, with the provenance of the scored (and
    fitted-on) files and ``run.warnings`` as they are now."""
    result, files = run.result, run.files
    options = dict(result.options, models=list(result.models),
                   files={role: {"path": str(f), "sha256": inputs_hash(f.read_bytes())}
                          for role, f in zip(("score", "fit"), files, strict=False)})
    prov = make_provenance("backtest", [str(f) for f in files],
                           inputs_hash(*(f.read_bytes() for f in files), options), options,
                           run.seed)
    body = result.record()
    body["warnings"] = run.warnings
    record = BacktestRecord.model_construct(provenance=prov, **_as_validated(body))
    record._result = result
    return record


def _as_validated(body: dict[str, Any]) -> dict[str, Any]:
    """The fields of :class:`BacktestRecord` from ``BacktestResult.record()``, as validation
    would make them: texts and floats typed, each ``dict[str, Any]`` copied (its values as
    they are). The record is then built without pydantic's validator (``model_construct``):
    the first validation of the class builds the validator and scans the installed packages
    for pydantic plugins, ~0.02 s of ``detente backtest`` (issue 19, start-up).
    tests/forecasts/test_backtest_record.py validates the same values and finds the same
    record, field by field and type by type."""
    dicts = ("options", "breakdown", "bootstrap_vs_compromise", "fitted", "reliability")
    return {"models": [str(m) for m in body["models"]],
            "warnings": [str(w) for w in body["warnings"]],
            "seconds": {str(k): float(v) for k, v in body["seconds"].items()},
            "issues": [dict(i) for i in body["issues"]], **{k: dict(body[k]) for k in dicts}}
