"""Command of the war analysis: ``window`` (bargaining range, commitment, ratification and the
negotiation window over simulated months)."""

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
    esc,
    executor_option,
    record_tables,
    write_outputs,
)
from detente.records.output import fixed, nz


def register(app: typer.Typer) -> None:
    """Add the war commands to ``app``."""
    app.command("window")(window)


def _pct(x: float) -> str:
    return f"{nz(100 * x, 1):5.1f} %"


def window(
    case: str = typer.Argument(..., help="Bundled scenario with a war section (e.g. "
                               "ru-ua-2024-09), bundled war case (war/ru-ua-2024-09), a war YAML "
                               "file or a scenario file with a 'war' section."),
    months: int | None = typer.Option(None, "--months", help="Months to simulate "
                                      "(default: the model's horizon)."),
    paths: int = typer.Option(10_000, "--paths", help="Monte Carlo paths."),
    seed: int = typer.Option(0, "--seed", help="Random seed; the same seed gives the same "
                             "numbers."),
    package_paths: int = typer.Option(2000, "--package-paths", help="Paths (a seeded "
                                      "subsample) for the window over the scenario's package "
                                      "space; 0 skips it. Scenario files only."),
    json_out: Path | None = JSON,
    html_out: Path | None = HTML,
    csv_dir: Path | None = CSV,
    quiet: bool = QUIET,
    executor: str = executor_option("the per-path work (in chunks of paths) and the "
                                     "scenario tree"),
) -> None:
    """When does a deal become possible? The negotiation window month by month."""
    from detente.war.analysis import analyze_window
    from detente.war.case import resolve_war

    check_outputs(files={"--json": json_out, "--html": html_out}, folders={"--csv": csv_dir})
    war_case, scenario = resolve_war(case)
    stages = ["simulate", "window", "scenario tree", "record"]
    if scenario is not None and package_paths > 0:
        stages.insert(3, "package window")
    from detente.parallel import open_executor

    with open_executor(executor) as ex, Steps(quiet) as steps:
        result = analyze_window(war_case, months=months, paths=paths, seed=seed, source=case,
                                progress=lambda stage: steps.update(
                                    "window", stages.index(stage), len(stages),
                                    label=f"{paths:,} paths: {stage}"),
                                scenario=scenario, package_paths=package_paths, executor=ex)
    _print(result)

    def html() -> str:
        from detente.report.window import render_window

        return render_window(result)

    write_outputs(result, json_out=json_out, csv_dir=csv_dir,
                  tables=record_tables(result, "window"), html_out=html_out, html=html,
                  quiet=quiet)


def _print(a: object) -> None:
    from detente.war.analysis import WarAnalysis

    assert isinstance(a, WarAnalysis)
    s = a.snapshot
    console.print(f"[bold]{esc(a.title)}[/]  ({esc(a.side_a)} = A, {esc(a.side_b)} = B; "
                  f"{a.paths:,} paths × {a.months} months, seed {a.provenance.seed})")
    state = ("[green]open[/]" if s.range_exists
             else f"[red]closed[/] (optimism of {esc(s.closed_by)})")
    console.print(f"Month 0: range [{fixed(s.range_low, 3)}, {fixed(s.range_high, 3)}] {state}; "
                  f"win-sets {'overlap' if s.winset_exists else 'do not overlap'}; commitment: "
                  f"{s.commitment_outcome} (g* = {nz(s.min_guarantee, 3):.3f}, guarantee "
                  f"{nz(s.guarantee, 3):.3f} under {esc(s.guarantee_option or 'every guarantor')})")
    console.print(f"Private information: {esc(a.side_a)}'s best offer on its own beliefs, against "
                  f"its uncertainty over {esc(a.side_b)}'s costs, is {nz(s.offer, 3):.3f}: "
                  f"{esc(a.side_a)} expects a rejection (war) with probability "
                  f"{_pct(s.offer_p_reject_believed).strip()}, {esc(a.side_b)} on its own beliefs "
                  "rejects with probability "
                  f"{_pct(s.offer_p_reject).strip()}")
    if s.phases:
        steps = "; ".join(f"{esc(ph.name)}: A {nz(ph.margin_a, 3):+.3f}, "
                          f"B {nz(ph.margin_b, 3):+.3f}"
                          + ("" if ph.self_enforcing else " [red](breaks)[/]")
                          for ph in s.phases)
        console.print(f"Phased package, each side's margin over its war value: {steps}")
    console.print(f"[bold]{esc(a.headline)}[/]")
    for c in a.conditions:
        console.print(f"  under: {esc(c)}")
    for warning in a.warnings:
        console.print(f"[yellow]warning:[/] {esc(warning)}")
    w = a.window
    step = max(1, a.months // 12)
    t = Table(title="Negotiation window (probability across paths ± standard error)")
    for col in ("month", "median p", "range exists", "± se", "ratifiable", "self-enforcing",
                "median g*"):
        t.add_column(col, justify="left" if col == "month" else "right")
    pk = a.packages
    ratify = pk is not None and pk.ratification
    if pk is not None:
        t.add_column("package ZOPA", justify="right")
        t.add_column("± se", justify="right")
    if ratify:
        t.add_column("ratifiable ZOPA", justify="right")
        t.add_column("± se", justify="right")
    mid = len(w.quantiles) // 2
    marks = list(range(0, a.months + 1, step)) + ([a.months] if a.months % step else [])
    for m in marks:
        cells = [esc(a.month_labels[m]), f"{nz(w.p[mid][m], 3):.3f}", _pct(w.range_exists.mean[m]),
                 f"{nz(100 * w.range_exists.se[m], 2):.2f}", _pct(w.ratifiable.mean[m]),
                 _pct(w.self_enforcing.mean[m]), f"{nz(w.guarantee[mid][m], 3):.3f}"]
        if pk is not None:
            cells += [_pct(pk.zopa.mean[m]), f"{nz(100 * pk.zopa.se[m], 2):.2f}"]
        if pk is not None and ratify:
            cells += [_pct(pk.zopa_ratified.mean[m]), f"{nz(100 * pk.zopa_ratified.se[m], 2):.2f}"]
        t.add_row(*cells)
    console.print(t)
    if w.by_guarantee:
        gt = Table(title="Settlement holds if a truce were signed, by guarantee option "
                         "(probability across paths)")
        gt.add_column("guarantee option")
        for m in (0, a.months):
            gt.add_column(esc(a.month_labels[m]), justify="right")
        for opt, pr in w.by_guarantee.items():
            gt.add_row(esc(opt), _pct(pr.mean[0]), _pct(pr.mean[-1]))
        console.print(gt)
    if pk is not None:
        _print_packages(a, marks)
    if a.proposals:
        pt = Table(title=f"Proposals: P(in range) / P(ratifiable) at month 0 and {a.months}")
        for col in ("proposal", "A's share", "month 0", f"month {a.months}"):
            pt.add_column(col, justify="left" if col == "proposal" else "right")
        for p in a.proposals:
            pt.add_row(esc(p.name), f"{nz(p.share, 2):.2f}",
                       f"{_pct(p.in_range.mean[0])} / {_pct(p.ratifiable.mean[0])}",
                       f"{_pct(p.in_range.mean[-1])} / {_pct(p.ratifiable.mean[-1])}")
        console.print(pt)
    tt = Table(title=f"War-end scenarios within {a.months} months")
    for col in ("scenario", "probability", "± se"):
        tt.add_column(col, justify="left" if col == "scenario" else "right")
    for b in a.scenario_tree:
        tt.add_row(f"[bold]{esc(b.label)}[/]", _pct(b.probability), f"{nz(100 * b.se, 2):.2f}")
        for lf in b.leaves:
            tt.add_row(f"  {esc(lf.label)}", _pct(lf.probability), f"{nz(100 * lf.se, 2):.2f}")
    console.print(tt)


def _print_packages(a: object, marks: list[int]) -> None:
    from detente.war.analysis import WarAnalysis

    assert isinstance(a, WarAnalysis) and a.packages is not None
    pk = a.packages
    console.print(f"Package window: {pk.paths:,} paths ({pk.sampling}); BATNA of "
                  f"{esc(', '.join(pk.veto))} = value of fighting on along each path")
    if pk.ratification:
        console.print("Ratification (Putnam 1988): a package is ratifiable when it clears every "
                      "veto player's BATNA plus its domestic cost; threshold t = opposition × "
                      "audience cost, median [5 %, 95 %] across paths (stake units): " + "; ".join(
                          f"{esc(actor)} {fixed(t[len(t) // 2], 3)} [{fixed(t[0], 3)}, "
                          f"{fixed(t[-1], 3)}]"
                          for actor, t in pk.domestic.items()))
    shown = sorted({marks[0], marks[len(marks) // 2], marks[-1]})
    title = "Bundled proposals: P(every veto player accepts) ± se"
    if pk.ratification:
        title += " / P(ratifiable)"
    if any(p.holds for p in pk.proposals):
        title += (" / P(ratifiable and self-enforcing with the guarantee its guarantees option "
                  "sets)")
    t = Table(title=title)
    t.add_column("proposal")
    for m in shown:
        t.add_column(esc(a.month_labels[m]), justify="right")
    for p in pk.proposals:
        t.add_row(esc(p.name), *(f"{_pct(p.accepted.mean[m])} ± {nz(100 * p.accepted.se[m], 1):.1f}"
                            + (f" / {_pct(p.ratified.mean[m])}" if pk.ratification else "")
                            + (f" / holds {_pct(p.holds.mean[m])}" if p.holds else "")
                            for m in shown))
    title = "Median BATNA from the war model (0-1 utility)"
    if pk.ratification:
        title += " / with the domestic cost (ratification line)"
    bt = Table(title=title)
    bt.add_column("veto player")
    for m in shown:
        bt.add_column(esc(a.month_labels[m]), justify="right")
    mid = len(a.window.quantiles) // 2
    for actor, bands in pk.batna.items():
        line = pk.ratified_batna[actor]
        bt.add_row(esc(actor), *(f"{nz(bands[mid][m], 3):.3f}" + (f" / {nz(line[mid][m], 3):.3f}"
                                                        if actor in pk.domestic else "")
                            for m in shown))
    console.print(t)
    console.print(bt)
