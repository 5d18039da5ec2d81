"""Commands of the deal analysis: ``cases``, ``check``, ``analyze``."""

from __future__ import annotations

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
    esc,
    executor_option,
    genius_inputs,
    write_outputs,
)
from detente.cli.deals_genius import GENIUS_TIME_LIMIT, analyze_genius
from detente.errors import ScenarioError
from detente.records.output import nz

if TYPE_CHECKING:
    from detente.scenario.model import Scenario


def register(app: typer.Typer) -> None:
    """Add the deal-analysis commands to ``app``."""
    app.command("cases")(cases)
    app.command("check")(check)
    app.command("analyze")(analyze)
    app.command("timeline")(timeline)


def cases(
    json_out: Path | None = JSON,
    csv_dir: Path | None = CSV,
) -> None:
    """List the bundled cases."""
    from detente.scenario.catalogue import catalogue

    check_outputs(files={"--json": json_out}, folders={"--csv": csv_dir})
    record = catalogue()
    table = Table(title="Bundled cases")
    for col in ("case", "date", "title", "actors", "veto", "issues", "proposals", "outcomes"):
        table.add_column(col, justify="right" if col in ("actors", "veto", "issues",
                                                          "proposals", "outcomes") else "left")
    for r in record.cases:
        table.add_row(esc(r["case"]), r["date"], esc(r["title"]), str(r["actors"]),
                      str(r["veto_players"]), str(r["issues"]), str(r["proposals"]),
                      f"{r['outcomes']:,}")
    console.print(table)
    write_outputs(record, json_out=json_out, csv_dir=csv_dir)


def check(
    file: Path = typer.Argument(..., help="Scenario YAML file (or a bundled case name)."),
    sources: Path | None = typer.Option(None, "--sources", help="Folder of source texts, or "
                                        "'bundled' for the excerpts shipped with the package: "
                                        "verify every quote is an exact substring."),
    strict: bool = typer.Option(False, "--strict", help="Fail when a value has neither "
                                "evidence nor an assumption."),
    json_out: Path | None = JSON,
) -> None:
    """Validate a scenario file; with --sources, verify its quotes. With --json the record
    (counts, notes, problems) is written even when the check fails (exit 2)."""
    from detente.scenario.check import check_scenario

    check_outputs(files={"--json": json_out},  # not onto a source text of --sources
                  inputs=sorted(p for p in sources.iterdir() if p.is_file())
                  if sources is not None and sources.is_dir() else ())
    record = check_scenario(file, sources=sources, strict=strict)
    for note in record.notes:
        console.print(f"[yellow]note[/] {esc(note)}")
    console.print(f"[green]valid[/] {esc(file)}: {record.actors} actors "
                  f"({record.veto_players} veto), {record.issues} issues, {record.stances} "
                  f"stances, {record.proposals} proposals, {record.outcomes:,} outcomes"
                  if record.valid else f"[red]invalid[/] {esc(file)}")
    if record.quotes_checked is not None:
        console.print(f"quotes: {record.quotes_found} of {record.quotes_checked} found in "
                      f"{esc(sources)}")
    write_outputs(record, json_out=json_out)
    record.raise_()


def analyze(
    case: str = typer.Argument(..., help="A bundled case name (see `detente cases`) or a "
                               "scenario file."),
    draws: int = typer.Option(0, "--draws", min=0, help="Monte Carlo draws over uncertain "
                              "inputs."),
    seed: int = typer.Option(2024, "--seed", help="Random seed for the draws."),
    json_out: Path | None = JSON,
    html_out: Path | None = HTML,
    csv_dir: Path | None = CSV,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the summary (and no "
                               "progress display)."),
    batna: str = typer.Option("scenario", "--batna", help="Where veto players' BATNAs come "
                              "from: 'scenario' (as written) or 'war' (the value of fighting "
                              "on, from the scenario's war model)."),
    normalise_weights: bool = typer.Option(False, "--normalise-weights", help="GENIUS folder: "
                                           "rescale each profile's weights to sum 1 (default: "
                                           "as written, utilities capped at 1, as GENIUS)."),
    max_nodes: int | None = typer.Option(None, "--max-nodes", min=1, help="GENIUS folder, "
                                         "non-linear: partial outcomes kept per issue."),
    time_limit: float = typer.Option(GENIUS_TIME_LIMIT, "--time-limit", min=0.0,
                                     help="GENIUS folder, non-linear: seconds before the "
                                     "search turns anytime (it then reports its gap)."),
    frontier_limit: int = typer.Option(5000, "--frontier-limit", min=0, help="GENIUS folder: "
                                       "most distinct frontier vectors listed in the JSON."),
    executor: str = executor_option("the Monte Carlo chunks"),
) -> None:
    """Deal analysis: ZOPA, Pareto frontier, bargaining solutions, proposals vs BATNAs.

    A GENIUS domain folder gets the GENIUS analysis instead: frontier (distinct utility
    vectors and the outcomes reaching them) and bargaining solutions, scored as GENIUS does."""
    from detente.limits import check_seed
    from detente.parallel import open_executor

    check_outputs(files={"--json": json_out, "--html": html_out}, folders={"--csv": csv_dir},
                  inputs=genius_inputs(case))
    check_seed(seed)  # checked by the analysis only when it draws (seed None without draws)
    from detente.cases import is_bundled

    if not is_bundled(case) and Path(case).is_dir():  # a folder named as a case: refused
        if draws or html_out or batna != "scenario":
            raise ScenarioError.one("--draws, --html and --batna are for scenarios, not GENIUS "
                                    "folders", file=case, allowed="--json, --quiet, "
                                    "--normalise-weights, --max-nodes, --time-limit, "
                                    "--frontier-limit")
        analyze_genius(case, json_out, csv_dir, quiet, normalise_weights, max_nodes, time_limit,
                       frontier_limit, executor)
        return
    from detente.cli.deals_view import show_analysis
    from detente.scenario import load
    from detente.war.batna import analyze_deals

    scenario = load(case)
    with open_executor(executor) as ex, Steps(quiet) as steps:
        result = analyze_deals(scenario, batna=batna, draws=draws,
                               seed=seed if draws else None, source=case,
                               progress=steps.update, executor=ex)
    reservation = result.provenance.options.get("reservation")
    if reservation:
        console.print("BATNAs from the war model (value of fighting on): " + ", ".join(
            f"{esc(a)} {nz(v, 3):.3f}" for a, v in reservation.items()))
    show_analysis(result, scenario, quiet=quiet)

    def html() -> str:
        from detente.report.deals import render

        decides = _what_decides(scenario, case) if reservation is None else None
        return render(result, scenario, decides=decides)

    write_outputs(result, json_out=json_out, csv_dir=csv_dir, html_out=html_out, html=html,
                  quiet=quiet)
    if json_out and result.frontier_truncated:
        console.print(f"(frontier list cut at {len(result.frontier):,} of the "
                      f"{result.frontier_in_zopa:,} frontier outcomes in the ZOPA)")


def _what_decides(scenario: Scenario, case: str) -> str | None:
    """The report's "what decides it" section (tornado and break-even values), or None when
    nothing is uncertain."""
    from detente.errors import AnalysisError
    from detente.report.sensitivity import what_decides
    from detente.sensitivity import sensitivity

    try:
        return what_decides(sensitivity(scenario, method="oat", top=4, source=case))
    except AnalysisError:
        return None


def timeline(
    cases: list[str] = typer.Argument(None, help="Dated scenarios (case names or files); "
                                      "default: every bundled case starting with --prefix."),
    prefix: str = typer.Option("ru-ua", "--prefix", help="Bundled cases to line up when no "
                               "case is named."),
    draws: int = typer.Option(0, "--draws", min=0, help="Monte Carlo draws per scenario."),
    seed: int = typer.Option(2024, "--seed", help="Random seed (the same for every date)."),
    json_out: Path | None = JSON,
    html_out: Path | None = HTML,
    csv_dir: Path | None = CSV,
    quiet: bool = QUIET,
    executor: str = executor_option("the scenarios' analyses"),
) -> None:
    """How the bargaining space moved: ZOPA, BATNAs, Nash package and proposals by date."""
    from rich.table import Table

    from detente.cases import case_names
    from detente.deals.timeline import timeline as run
    from detente.limits import LEAST_DRAWS, check_draws, check_seed
    from detente.parallel import open_executor
    from detente.scenario import load

    check_outputs(files={"--json": json_out, "--html": html_out}, folders={"--csv": csv_dir})
    check_draws(draws, LEAST_DRAWS["analyze"],
                "standard error (one draw of a probability is 0 or 1)")
    check_seed(seed)
    names = list(cases) if cases else [n for n in case_names() if n.startswith(prefix)]
    if not names:
        raise ScenarioError.one("no bundled case starts with this prefix", value=prefix,
                                allowed=", ".join(case_names()))
    scenarios = [load(n) for n in names]
    with open_executor(executor) as ex, Steps(quiet) as steps:
        result = run(scenarios, draws=draws, seed=seed if draws else None, sources=names,
                     progress=lambda done, total: steps.update("scenarios", done, total),
                     executor=ex)
    t = Table(title="The bargaining space by date")
    t.add_column("measure")
    for p in result.points:
        t.add_column(str(p.date), justify="right")
    t.add_row("ZOPA share", *[f"{nz(p.zopa_share, 4):.2%}" if p.zopa_share is not None else "–"
                               for p in result.points])
    if draws:
        t.add_row("P(ZOPA non-empty)", *[f"{nz(p.p_zopa_nonempty, 3):.3f}" for p in result.points])
    for a in result.veto_players:
        t.add_row(f"BATNA {esc(a)}", *[f"{nz(p.reservation[a], 3):.3f}" for p in result.points])
    t.add_section()
    for issue in result.issues:
        t.add_row(f"Nash: {esc(issue)}", *[esc(p.nash[issue]) if p.nash else "no ZOPA"
                                      for p in result.points])
    console.print(t)
    for p in result.points:
        for q in p.proposals:
            colour = {"every_fill": "green", "some_fill": "yellow"}.get(q.acceptance, "red")
            verdict = f"[{colour}]{esc(q.verdict)}[/]"
            odds = (f" (P = {nz(q.p_accepted_by_all_veto, 3):.3f})"
                    if q.p_accepted_by_all_veto is not None else "")
            console.print(f"  {p.date}  {esc(q.name)}: {verdict}{odds}")
    def html() -> str:
        from detente.report.timeline import render

        return render(result)

    write_outputs(result, json_out=json_out, csv_dir=csv_dir, html_out=html_out, html=html,
                  quiet=quiet)
