"""Commands of the deal analysis: ``cases``, ``check``, ``analyze``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from detente.cli.common import console, esc, write_json, write_text
from detente.errors import ScenarioError

if TYPE_CHECKING:
    from detente.scenario.model import Scenario


def register(app: typer.Typer) -> None:
    """Add the deal-analysis commands to ``app``."""
    app.command("cases")(cases)
    app.command("check")(check)
    app.command("analyze")(analyze)
    app.command("timeline")(timeline)


def cases() -> None:
    """List the bundled cases."""
    from detente.cases import case_names, case_path
    from detente.scenario import load_file

    table = Table(title="Bundled cases")
    for col in ("case", "date", "title", "actors", "veto", "issues", "proposals", "outcomes"):
        table.add_column(col, justify="right" if col in ("actors", "veto", "issues",
                                                          "proposals", "outcomes") else "left")
    for name in case_names():
        s = load_file(case_path(name))
        table.add_row(esc(name), str(s.date), esc(s.title), str(len(s.actors)),
                      str(len(s.veto_players)), str(len(s.issues)), str(len(s.proposals)),
                      f"{s.outcome_count():,}")
    console.print(table)


def check(
    file: Path = typer.Argument(..., help="Scenario YAML file (or a bundled case name)."),
    sources: Path | None = typer.Option(None, "--sources", help="Folder of source texts, or "
                                        "'bundled' for the excerpts shipped with the package: "
                                        "verify every quote is an exact substring."),
    strict: bool = typer.Option(False, "--strict", help="Fail when a value has neither "
                                "evidence nor an assumption."),
) -> None:
    """Validate a scenario file; with --sources, verify its quotes."""
    from detente.errors import Problem
    from detente.scenario import load
    from detente.scenario.evidence import check_quotes, iter_untraced

    s = load(str(file))
    for k, issue in enumerate(s.issues):
        if issue.default is not None:
            console.print(f"[yellow]note[/] issues[{k}].default ({esc(issue.id)}) is deprecated "
                          "and ignored: a proposal silent on an issue leaves that term open")
    console.print(f"[green]valid[/] {esc(file)}: {len(s.actors)} actors "
                  f"({len(s.veto_players)} veto), {len(s.issues)} issues, {len(s.stances)} "
                  f"stances, {len(s.proposals)} proposals, {s.outcome_count():,} outcomes")
    from detente.limits import MAX_OUTCOMES

    if s.outcome_count() > MAX_OUTCOMES:
        console.print("[yellow]note[/] more than 2^63 − 1 outcomes: `detente analyze` will "
                      "refuse this space (docs/limits.md)")
    problems: list[Problem] = []
    untraced = list(iter_untraced(s))
    if untraced:
        msg = f"{len(untraced)} values carry neither evidence nor an assumption"
        if strict:
            problems += [Problem("value has neither evidence nor an assumption", file=str(file),
                                 path=p) for p in untraced]
        else:
            console.print(f"[yellow]note[/] {msg} (use --strict to require them)")
    if sources is not None:
        if str(sources) == "bundled":
            from detente.cases import sources_dir

            sources = sources_dir()
        if not sources.is_dir():
            raise ScenarioError.one("sources folder not found", file=str(sources))
        results = check_quotes(s, sources)
        bad = [r for r in results if not r.found]
        console.print(f"quotes: {len(results) - len(bad)} of {len(results)} found in "
                      f"{esc(sources)}")
        problems += [Problem(f"{r.reason}: {r.quote[:80]!r}", file=str(file), path=r.path)
                     for r in bad]
    if problems:
        raise ScenarioError(problems)


GENIUS_TIME_LIMIT = 10.0  # seconds of non-linear search before it turns anytime (gap shown)


def _analyze_genius(folder: str, json_out: Path | None, quiet: bool, normalise: bool,
                    max_nodes: int | None, time_limit: float | None,
                    frontier_limit: int) -> None:
    """``detente analyze DIR``: the GENIUS analysis, the same function as the Python API."""
    from detente.cli.deals_view import show_domain
    from detente.deals.genius_analysis import analyze_domain
    from detente.deals.nonlinear import MAX_NODES
    from detente.formats.genius import is_genius_dir

    if not is_genius_dir(folder):
        raise ScenarioError.one("folder is not a GENIUS domain (no domain and profile XML "
                                "files found)", file=folder,
                                allowed="a scenario file, a bundled case or a GENIUS folder")
    rec = analyze_domain(folder, normalise_weights=normalise, time_limit=time_limit,
                         max_nodes=MAX_NODES if max_nodes is None else max_nodes,
                         frontier_limit=frontier_limit)
    show_domain(rec, quiet=quiet)
    if json_out:
        write_json(rec, json_out)
        cut = (f" (frontier list cut at {rec.frontier_shown:,} of {rec.frontier_distinct:,} "
               "distinct vectors; --frontier-limit)" if rec.frontier_truncated else "")
        console.print(f"JSON record: {esc(json_out)}{cut}")


def analyze(
    case: str = typer.Argument(..., help="A bundled case name (see `detente cases`) or a "
                               "scenario file."),
    draws: int = typer.Option(0, "--draws", min=0, help="Monte Carlo draws over uncertain "
                              "inputs."),
    seed: int = typer.Option(2024, "--seed", help="Random seed for the draws."),
    json_out: Path | None = typer.Option(None, "--json", help="Write the JSON record here."),
    html_out: Path | None = typer.Option(None, "--html", help="Write the HTML report here."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the summary."),
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
) -> None:
    """Deal analysis: ZOPA, Pareto frontier, bargaining solutions, proposals vs BATNAs.

    A GENIUS domain folder gets the GENIUS analysis instead: frontier (distinct utility
    vectors and the outcomes reaching them) and bargaining solutions, scored as GENIUS does."""
    from detente.limits import MAX_DRAWS, check_range, check_seed

    check_range(draws, 0, MAX_DRAWS, "--draws")
    check_seed(seed)
    if Path(case).is_dir():
        if draws or html_out or batna != "scenario":
            raise ScenarioError.one("--draws, --html and --batna are for scenarios, not GENIUS "
                                    "folders", file=case, allowed="--json, --quiet, "
                                    "--normalise-weights, --max-nodes, --time-limit, "
                                    "--frontier-limit")
        _analyze_genius(case, json_out, quiet, normalise_weights, max_nodes, time_limit,
                        frontier_limit)
        return
    from detente.cli.deals_view import show_analysis
    from detente.deals import analyze as run
    from detente.scenario import load

    scenario = load(case)
    reservation = None
    if batna == "war":
        from detente.war.batna import war_batnas

        reservation = war_batnas(scenario)
        console.print("BATNAs from the war model (value of fighting on): " + ", ".join(
            f"{esc(a)} {v:.3f}" for a, v in reservation.items()))
    elif batna != "scenario":
        raise ScenarioError.one("unknown --batna source", value=batna, allowed="scenario, war")
    from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn(
            "{task.completed:,}/{task.total:,}"), TimeElapsedColumn(), console=console,
            transient=True, disable=quiet) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done)

        result = run(scenario, draws=draws, seed=seed if draws else None, source=case,
                     reservation=reservation, progress=progress)
    show_analysis(result, scenario, quiet=quiet)
    if json_out:
        write_json(result, json_out)
        cut = (f" (frontier list cut at {len(result.frontier):,} of the "
               f"{result.frontier_in_zopa:,} frontier outcomes in the ZOPA)"
               if result.frontier_truncated else "")
        console.print(f"JSON record: {esc(json_out)}{cut}")
    if html_out:
        from detente.report.deals import render

        decides = _what_decides(scenario, case) if reservation is None else None
        write_text(html_out, render(result, scenario, decides=decides))
        console.print(f"HTML report: {esc(html_out)}")


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
    json_out: Path | None = typer.Option(None, "--json", help="Write the JSON record here."),
    html_out: Path | None = typer.Option(None, "--html", help="Write the HTML report here."),
) -> None:
    """How the bargaining space moved: ZOPA, BATNAs, Nash package and proposals by date."""
    from rich.table import Table

    from detente.cases import case_names
    from detente.deals.timeline import timeline as run
    from detente.limits import MAX_DRAWS, check_range, check_seed
    from detente.scenario import load

    check_range(draws, 0, MAX_DRAWS, "--draws")
    check_seed(seed)
    names = list(cases) if cases else [n for n in case_names() if n.startswith(prefix)]
    if not names:
        raise ScenarioError.one("no bundled case starts with this prefix", value=prefix,
                                allowed=", ".join(case_names()))
    scenarios = [load(n) for n in names]
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn(
            "{task.completed}/{task.total}"), TimeElapsedColumn(), console=console,
            transient=True) as bar:
        task = bar.add_task("scenarios", total=len(scenarios))
        result = run(scenarios, draws=draws, seed=seed if draws else None, sources=names,
                     progress=lambda done, total: bar.update(task, completed=done))
    t = Table(title="The bargaining space by date")
    t.add_column("measure")
    for p in result.points:
        t.add_column(str(p.date), justify="right")
    t.add_row("ZOPA share", *[f"{p.zopa_share:.2%}" if p.zopa_share is not None else "–"
                               for p in result.points])
    if draws:
        t.add_row("P(ZOPA non-empty)", *[f"{p.p_zopa_nonempty:.3f}" for p in result.points])
    for a in result.veto_players:
        t.add_row(f"BATNA {esc(a)}", *[f"{p.reservation[a]:.3f}" for p in result.points])
    t.add_section()
    for issue in result.issues:
        t.add_row(f"Nash: {esc(issue)}", *[esc(p.nash[issue]) if p.nash else "no ZOPA"
                                      for p in result.points])
    console.print(t)
    for p in result.points:
        for q in p.proposals:
            colour = {"every_fill": "green", "some_fill": "yellow"}.get(q.acceptance, "red")
            verdict = f"[{colour}]{esc(q.verdict)}[/]"
            odds = (f" (P = {q.p_accepted_by_all_veto:.3f})"
                    if q.p_accepted_by_all_veto is not None else "")
            console.print(f"  {p.date}  {esc(q.name)}: {verdict}{odds}")
    if json_out:
        write_json(result, json_out)
        console.print(f"JSON record: {esc(json_out)}")
    if html_out:
        from detente.report.timeline import render

        write_text(html_out, render(result))
        console.print(f"HTML report: {esc(html_out)}")
