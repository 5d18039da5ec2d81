"""Commands of the stakeholder forecasts: ``forecast`` and ``backtest``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from detente.cli.common import (
    CSV,
    HTML,
    JSON,
    QUIET,
    Steps,
    check_outputs,
    console,
    err_console,
    esc,
    executor_option,
    write_outputs,
)
from detente.errors import DetenteError

if TYPE_CHECKING:
    from concurrent.futures import Executor


def register(app: typer.Typer) -> None:
    """Add the forecast commands to ``app``."""
    app.command("forecast")(forecast)
    app.command("backtest")(backtest)


def _eum_options(rounds: int | None, pairs: list[str]):
    """``EUMOptions`` from ``--rounds`` and repeated ``--eum KEY=VALUE``."""
    from dataclasses import fields

    from detente.forecasts.eum import EUMOptions

    known = {f.name: f for f in fields(EUMOptions)}
    kwargs: dict[str, object] = {} if rounds is None else {"rounds": rounds}
    for item in pairs:
        key, sep, value = item.partition("=")
        key = key.strip().replace("-", "_")
        if not sep or key not in known:
            raise DetenteError.one("--eum takes KEY=VALUE with a known option", path="--eum",
                                   value=item, allowed=", ".join(known))
        default = getattr(EUMOptions(), key)
        try:
            kwargs[key] = type(default)(value.strip())
        except ValueError:
            raise DetenteError.one(f"EUM option {key} needs a {type(default).__name__}",
                                   path=f"--eum {key}", value=value) from None
    return EUMOptions(**kwargs)  # type: ignore[arg-type]


def forecast(
    source: str = typer.Argument(..., help="Stakeholder CSV (BdM/Scholz or KTAB), a scenario "
                                 "YAML file or a bundled case name."),
    issue: str | None = typer.Option(None, "--issue", help="Issue id (scenario) or dimension "
                                     "name (KTAB); default: every one."),
    model: list[str] = typer.Option(["all"], "--model", "-m", help="compromise, median, eum, "
                                    "smp, nash, exchange, procedural, ensemble, challenger, "
                                    "challenger2, challenger3, challenger4 or all "
                                    "(repeatable)."),
    draws: int = typer.Option(0, "--draws", min=0, help="Monte Carlo draws over input ranges."),
    seed: int = typer.Option(0, "--seed", help="Seed of the Monte Carlo draws."),
    spread: float = typer.Option(0.1, "--spread", help="For CSV inputs (no ranges in the file): "
                                 "± this fraction around every value in the draws."),
    rounds: int = typer.Option(8, "--rounds", min=0, help="EUM rounds."),
    eum: list[str] = typer.Option([], "--eum", help="EUM option KEY=VALUE (repeatable), e.g. "
                                  "probability=pair, q=0.9, offer_selection=least_movement."),
    json_out: Path | None = JSON,
    html_out: Path | None = HTML,
    csv_dir: Path | None = CSV,
    quiet: bool = QUIET,
    executor: str = executor_option("the Monte Carlo draws"),
) -> None:
    """Where will the issue settle? Every model's forecast, rounds and uncertainty."""
    from detente.forecasts.records import forecast_source

    check_outputs(files={"--json": json_out, "--html": html_out}, folders={"--csv": csv_dir})
    from detente.cli.heap import keep_freed_memory
    from detente.parallel import open_executor

    keep_freed_memory()
    with open_executor(executor) as ex, Steps(quiet) as steps:
        record = forecast_source(source, issue=issue, models=model, draws=draws, seed=seed,
                                 spread=spread, eum=_eum_options(rounds, eum),
                                 progress=steps.update, executor=ex)
    for rec in record.issues:
        _print_run(rec)
    if record.bridge is not None:
        _print_bridge(record.bridge)
    tables = {"forecasts": record.table()}
    if record.bridge is not None:
        tables["bridge"] = record.bridge["issues"]
    write_outputs(record, json_out=json_out, csv_dir=csv_dir, tables=tables, html_out=html_out,
                  html=lambda: _forecast_html(record, source), quiet=quiet)


def _forecast_html(record, source: str) -> str:  # type: ignore[no-untyped-def]
    from detente.report.forecast import render

    return render(record, source)


def _print_bridge(rec: dict) -> None:
    tab = Table(title=f"{rec['scenario']}: one-issue forecasts beside the deal analysis "
                      f"({rec['deal']})")
    for col in ("issue", "compromise", "Nash", "Nash 80 % interval", "forecast option",
                "deal's Nash package", "gap", "moved towards"):
        tab.add_column(col, justify="right" if col in ("compromise", "Nash", "gap") else "left")
    for r in rec["issues"]:
        lo, hi = r["interval80"]
        deal = ("–" if r["deal_nash_option"] is None
                else f"{r['deal_nash_option']} ({r['deal_nash_position']:g})")
        gap = "–" if r["gap"] is None else f"{r['gap']:.1f}"
        tab.add_row(r["issue"], f"{r['compromise']:.1f}", f"{r['nash']:.1f}",
                    f"{lo:.1f}–{hi:.1f}", r["nash_option"], deal, gap, r["traded_by"] or "")
    console.print(tab)
    console.print(f"[dim]interval: 10–90 % of {rec['draws']} Monte Carlo draws over the "
                  f"scenario's input ranges. {rec['explanation']}[/]")


def _print_run(rec: dict) -> None:
    t = rec["table"]
    dims = t["dimensions"]
    tab = Table(title=f"{esc(t['name'])} — {len(t['actors'])} actors")
    tab.add_column("model")
    tab.add_column("rounds", justify="right")
    for d in dims:
        tab.add_column(esc(d), justify="right")
    options = any("nearest_option" in f for f in rec["forecasts"])
    if options:
        tab.add_column("nearest option")
    mc = {m["model"]: m for m in rec.get("monte_carlo", [])}
    for f in rec["forecasts"]:
        cells = []
        for k, v in enumerate(f["position"]):
            cell = f"{v:.2f}"
            if f["model"] in mc:
                q = mc[f["model"]]["quantiles"]
                cell += f"  [{q['p05'][k]:.1f}–{q['p95'][k]:.1f}]"
            cells.append(cell)
        if options:
            cells.append(esc(f.get("nearest_option", "")))
        tab.add_row(f["model"], str(f["rounds"] or "–"), *cells)
    console.print(tab)
    if mc:
        console.print(f"[dim]brackets: 5–95 % of {next(iter(mc.values()))['draws']} Monte Carlo "
                      "draws[/]")
    warnings = list(t["warnings"]) + [w for f in rec["forecasts"] for w in f["warnings"]
                                      if w not in t["warnings"]]
    for w in dict.fromkeys(warnings):
        err_console.print(f"[yellow]warning:[/] {esc(w)}")


def _voting_map(pairs: list[str]) -> dict[str, str]:
    """``--voting-rule CODE=RULE`` pairs as a dict (checked by the backtest)."""
    out = {}
    for item in pairs:
        code, sep, rule = item.partition("=")
        if not sep or not code.strip():
            raise DetenteError.one("--voting-rule takes CODE=RULE", path="--voting-rule",
                                   value=item, allowed="e.g. 'QMV(10)=qmv', 'U=unanimity'")
        out[code.strip()] = rule.strip()
    return out


def backtest(
    deu_file: Path = typer.Argument(..., help="DEU III tab-separated file to score."),
    model: list[str] = typer.Option(["all"], "--model", "-m", help="Models to score "
                                    "(compromise is always included as the baseline)."),
    fit_on: Path | None = typer.Option(None, "--fit-on", help="Fit on this DEU file only, "
                                       "freeze, and score once on DEU_FILE (confirmatory run)."),
    capability: str = typer.Option("era", "--capability", help="era (Council votes by treaty "
                                   "era), equal, or gdp."),
    bootstrap: int = typer.Option(2000, "--bootstrap", min=0, help="Bootstrap draws."),
    seed: int = typer.Option(0, "--seed", help="Seed of the bootstrap."),
    min_positions: int = typer.Option(3, "--min-positions", min=1,
                                      help="Score issues with at least this many positions."),
    split: str = typer.Option("all", "--split", help="all; the challenger's pre-registered "
                              "train / test proposals; or cv (fittable models such as "
                              "challenger2/3/4 scored out of fold, 10 folds by proposal)."),
    voting_rule: list[str] = typer.Option([], "--voting-rule", help="Map a Council voting "
                                          "code to qmv or unanimity, e.g. 'QMV(10)=qmv' "
                                          "(repeatable); unknown codes are an error."),
    eum: list[str] = typer.Option([], "--eum", help="EUM option KEY=VALUE (repeatable)."),
    executor: str = executor_option("the models' forecasts"),
    json_out: Path | None = JSON,
    html_out: Path | None = typer.Option(None, "--html", help="Write the HTML report "
                                         "(with the reliability diagram) here."),
    csv_dir: Path | None = CSV,
    quiet: bool = QUIET,
) -> None:
    """Score every model on resolved EU decisions: MAE, CRPS and interval coverage on 0–100."""
    from detente.cli.heap import keep_freed_memory
    from detente.forecasts.records import backtest_files

    keep_freed_memory()
    check_outputs(files={"--json": json_out, "--html": html_out}, folders={"--csv": csv_dir})
    with _backtest_executor(executor) as ex, Steps(quiet) as steps:
        record = backtest_files(deu_file, models=model, fit_on=fit_on, capability=capability,
                                bootstrap=bootstrap, seed=seed, min_positions=min_positions,
                                split=split, voting_map=_voting_map(voting_rule),
                                eum=_eum_options(None, eum), progress=steps.update,
                                executor=ex)
    if fit_on is not None and _same_data(deu_file, fit_on):
        # this says it for every proposal: the list of shared ids that follows is dropped
        record.warnings[:] = [w for w in record.warnings if "proposal(s) with the scoring "
                              "file" not in w]
        record.warnings.insert(0, f"--fit-on {fit_on} holds the same data as the scored file "
                               f"{deu_file}: the scores are in sample (the models were fitted "
                               "on the decisions they are scored on), not a confirmatory "
                               "out-of-sample result; for one, fit on another DEU file, or use "
                               "--split cv")
    for w in record.warnings:
        err_console.print(f"[yellow]warning:[/] {esc(w)}")
    assert record.result is not None
    _print_backtest(record.result, deu_file, fit_on, capability, split, bootstrap, seed)

    def html() -> str:
        from detente.report.backtest import backtest_report

        return backtest_report(record, f"detente backtest {deu_file}")

    write_outputs(record, json_out=json_out, csv_dir=csv_dir, html_out=html_out, html=html,
                  run={"seconds": record.seconds}, quiet=quiet)


def _same_data(a: Path, b: Path) -> bool:
    """Whether two files (both already read) are one file or hold the same bytes."""
    try:
        return os.path.samefile(a, b) or (a.stat().st_size == b.stat().st_size
                                          and a.read_bytes() == b.read_bytes())
    except OSError:
        return False


@contextmanager
def _backtest_executor(spec: str) -> Iterator[Executor | None]:
    """``None`` for ``serial`` (the models run one after another in this process, no pool),
    else the executor of :func:`detente.parallel.open_executor`."""
    from detente.parallel import check_spec, open_executor

    if check_spec(spec) == "serial":
        yield None
        return
    with open_executor(spec) as ex:
        yield ex


def _print_backtest(result, deu_file: Path, fit_on: Path | None, capability: str, split: str,
                    bootstrap: int, seed: int) -> None:
    names = result.models
    fitted = f", fitted on {esc(fit_on.name)}" if fit_on else ""
    tab = Table(title=f"Mean absolute error on 0–100 ({esc(deu_file.name)}{fitted}, capability: "
                      f"{esc(capability)}, issues: {esc(split)})")
    tab.add_column("issues")
    tab.add_column("n", justify="right")
    for n in names:
        tab.add_column(n, justify="right")
    for label, row in result.breakdown().items():
        tab.add_row(esc(label), str(row["n"]), *(f"{row['mae'][n]:.2f}" for n in names))
    console.print(tab)
    scores = result.scores()
    tab = Table(title="Predictive distributions (forecast + residuals of the fit): CRPS and "
                      "coverage of the central 50 % and 80 % intervals")
    for col in ("model", "MAE", "CRPS", "50 % covers", "80 % covers"):
        tab.add_column(col, justify="left" if col == "model" else "right")
    for n in names:
        s = scores[n]
        tab.add_row(n, f"{s['mae']:.2f}", f"{s['crps']:.2f}", f"{100 * s['coverage50']:.1f} %",
                    f"{100 * s['coverage80']:.1f} %")
    console.print(tab)
    if result.bootstrap:
        level = round(100 * result.options["level"])
        tab = Table(title=f"MAE minus the compromise model's, {level} % paired bootstrap "
                          f"interval ({bootstrap} draws over proposals, seed {seed})")
        for col in ("model", "difference", "lower", "upper"):
            tab.add_column(col, justify="left" if col == "model" else "right")
        for n in names:
            b = result.bootstrap[n]
            tab.add_row(n, f"{b['mae_difference']:+.2f}", f"{b['lower']:+.2f}",
                        f"{b['upper']:+.2f}")
        console.print(tab)
    if "cv" in result.options:
        cv = result.options["cv"]
        console.print(f"[dim]out-of-fold ({cv['folds']} folds by proposal, refitted in each): "
                      f"{', '.join(cv['out_of_fold']) or 'none'}; other models as they are; "
                      "intervals from the training folds' residuals[/]")
    elif fit_on is None:
        console.print("[dim]in sample: intervals from the scored issues' own residuals[/]")
    console.print("[dim]seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in
                                                 result.seconds.items()) + "[/]")
