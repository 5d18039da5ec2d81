"""Commands of the stakeholder forecasts: ``forecast`` and ``backtest``."""

from __future__ import annotations

from pathlib import Path

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
from detente.cli.forecast_backtest import backtest_command, eum_options
from detente.records.output import fixed


def register(app: typer.Typer) -> None:
    """Add the forecast commands to ``app``."""
    app.command("forecast")(forecast)
    app.command("backtest")(backtest)


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
                                 spread=spread, eum=eum_options(rounds, eum),
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
                else f"{r['deal_nash_option']} ({r['deal_nash_position'] + 0.0:g})")
        gap = "–" if r["gap"] is None else fixed(r["gap"], 1)
        tab.add_row(r["issue"], fixed(r["compromise"], 1), fixed(r["nash"], 1),
                    f"{fixed(lo, 1)}–{fixed(hi, 1)}", r["nash_option"], deal, gap,
                    r["traded_by"] or "")
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
            cell = fixed(v, 2)
            if f["model"] in mc:
                q = mc[f["model"]]["quantiles"]
                cell += f"  [{fixed(q['p05'][k], 1)}–{fixed(q['p95'][k], 1)}]"
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
    backtest_command(deu_file, model, fit_on, capability, bootstrap, seed, min_positions,
                     split, voting_rule, eum, executor, json_out, html_out, csv_dir, quiet)
