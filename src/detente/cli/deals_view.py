"""Rich tables of a deal analysis for the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table

from detente.cli.common import console, esc
from detente.records.output import nz

if TYPE_CHECKING:  # annotations only: `analyze DIR` needs neither the scenario nor its model
    from detente.deals.genius_analysis import DomainAnalysis, FrontierPoint
    from detente.deals.result import DealAnalysis, Package
    from detente.scenario.model import Scenario


def _opts(pkg: Package, scenario: Scenario) -> str:
    """Options of a package, one ``issue=option`` per issue."""
    return esc(", ".join(f"{k}={v}" for k, v in pkg.options.items()))


def _sign(x: float | None) -> str:
    if x is None:
        return "–"
    colour = "green" if x >= -1e-9 else "red"
    return f"[{colour}]{nz(x, 3):+.3f}[/]"


def show_analysis(r: DealAnalysis, scenario: Scenario, quiet: bool = False) -> None:
    """Print the analysis: summary, solutions or blocking, proposals, trades, Monte Carlo."""
    veto = r.veto_players
    zopa = (f"{r.zopa_outcomes:,} ({nz(r.zopa_outcomes / r.outcomes, 4):.2%})"
            if r.zopa_outcomes is not None else "not counted (space too large)")
    console.print(f"[bold]{esc(r.title)}[/] ({r.date}) — {len(r.actors)} actors, veto players: "
                  f"{esc(', '.join(veto))}")
    distinct = (f" ({r.frontier_distinct:,} distinct utility vectors)"
                if r.frontier_distinct is not None else "")
    console.print("[bold]Findings[/] (what the stated assumptions imply; the facts the case was "
                  "fitted to are listed last, apart)")
    console.print(f"outcomes {r.outcomes:,}; ZOPA {zopa}; Pareto "
                  f"frontier of the veto players {r.frontier_size:,} outcomes{distinct}, of "
                  f"which in ZOPA {r.frontier_in_zopa:,}")
    if r.monte_carlo:
        mc = r.monte_carlo
        console.print(f"P(ZOPA non-empty) = {nz(mc.p_zopa_nonempty, 3):.3f} ± {nz(mc.se, 3):.3f} "
                      f"over {mc.draws:,} draws (seed {mc.seed})")
    if quiet:
        return
    if r.no_agreement:
        na = r.no_agreement
        console.print("[bold red]No agreement:[/] the ZOPA is empty.")
        t = Table(title="Who blocks, and the smallest concession that would open the ZOPA")
        t.add_column("veto player")
        t.add_column("shortfall at the closest package", justify="right")
        t.add_column("concession if it alone moved", justify="right")
        sole = {b.actor: b.concession for b in na.sole_blockers}
        for a in veto:
            t.add_row(esc(a), f"{nz(na.shortfall[a], 3):.3f}",
                      f"{nz(sole[a], 3):.3f}" if a in sole else "not enough alone")
        console.print(t)
        console.print(f"Smallest common concession: {nz(na.common_concession, 3):.3f} (utility) at "
                      f"{_opts(na.closest_package, scenario)}")
    else:
        short = {"nash": "Nash", "weighted_nash": "Nash (capability)",
                 "kalai_smorodinsky": "Kalai–Smorodinsky", "egalitarian": "egalitarian",
                 "utilitarian": "utilitarian"}
        t = Table(title="Bargaining solutions over the ZOPA")
        t.add_column("issue")
        for name in r.solutions:
            t.add_column(short.get(name, name))
        for issue in scenario.issues:
            t.add_row(esc(issue.id), *[esc(pkg.options[issue.id])
                                       for pkg in r.solutions.values()])
        t.add_section()
        for a in veto:
            t.add_row(f"u({esc(a)}) [dim]BATNA {nz(r.reservation[a], 3):.3f}[/]",
                      *[f"{nz(pkg.utilities[a], 3):.3f}" for pkg in r.solutions.values()])
        console.print(t)
    _proposals(r)
    _open_terms(r)
    _ratification(r)
    console.print("[bold]What would bring every veto player in[/] (nearest efficient package "
                  "in the ZOPA, fewest issues changed):")
    for p in r.proposals:
        if p.nearest_acceptable is None:
            text = "no package: the ZOPA is empty"
        elif not p.changes_to_nearest:
            text = "nothing: it is already efficient and acceptable"
        else:
            text = esc("; ".join(f"{k} {a}→{b}" for k, (a, b) in p.changes_to_nearest.items()))
        console.print(f"  {esc(p.name)}: {text}")
    trades = [(p.name, tr) for p in r.proposals for tr in p.trades[:1]]
    if trades:
        console.print("[bold]Logrolls[/] (best two-issue trade per pair of veto players, "
                      "from each proposal):")
        for name, tr in trades:
            gives = esc(", ".join(f"{k}={v}" for k, v in tr.i_concedes.items()))
            gets = esc(", ".join(f"{k}={v}" for k, v in tr.j_concedes.items()))
            console.print(f"  from {esc(name)}: {esc(tr.actor_i)} concedes {gives}; "
                          f"{esc(tr.actor_j)} concedes {gets} → {esc(tr.actor_i)} "
                          f"{nz(tr.gain_i, 3):+.3f}, {esc(tr.actor_j)} {nz(tr.gain_j, 3):+.3f}")

    _calibration(r)


def _range(lo: float | None, hi: float | None) -> str:
    """A margin, or the range of margins over the open terms' fills."""
    if lo is None or hi is None:
        return "–"
    if hi - lo <= 1e-9:
        return _sign(lo)
    colour = "green" if lo >= -1e-9 else "red" if hi < -1e-9 else "yellow"
    return f"[{colour}]{nz(lo, 2):+.2f}…{nz(hi, 2):+.2f}[/]"


_ACCEPTANCE = {"every_fill": "[green]yes[/]", "some_fill": "[yellow]some fills[/]",
               "no_fill": "[red]no[/]"}


def _proposals(r: DealAnalysis) -> None:
    t = Table(title="Proposals: each veto player's margin over its BATNA (a range where the "
              "text leaves terms open)")
    t.add_column("proposal", ratio=1)
    for a in r.veto_players:
        t.add_column(esc(a), justify="right", no_wrap=True)
    t.add_column("all accept", no_wrap=True)
    t.add_column("eff.", no_wrap=True)
    if r.monte_carlo:
        t.add_column("P(all)", justify="right", no_wrap=True)
    odds = {o.id: o for o in (r.monte_carlo.proposals if r.monte_carlo else [])}
    for p in r.proposals:
        sc = {s.actor: s for s in p.scores}
        row = [esc(p.id) + (f" [dim]({len(p.open_terms)} open)[/]" if p.open_terms else ""),
               *[_range(sc[a].margin_low, sc[a].margin_high) for a in r.veto_players],
               _ACCEPTANCE[p.acceptance], "yes" if p.efficient else "no"]
        if r.monte_carlo:
            o = odds[p.id]
            row.append(f"{nz(o.p_accepted_by_all_veto, 3):.3f} ± {nz(o.se, 3):.3f}")
        t.add_row(*row)
    console.print(t)


def _open_terms(r: DealAnalysis) -> None:
    rows = [(p.name, t) for p in r.proposals for t in p.open_terms]
    if not rows:
        return
    console.print("[bold]Open terms[/] (the text leaves them open; analysed over every option "
                  "listed, drawn uniformly in Monte Carlo):")
    for p in r.proposals:
        if p.open_terms:
            terms = "; ".join(f"{esc(t.issue)} ∈ {{{esc(', '.join(t.options))}}}"
                              + ("" if t.explicit else " (not named)") for t in p.open_terms)
            console.print(f"  {esc(p.name)}: {terms}")


def _ratification(r: DealAnalysis) -> None:
    if not r.ratifiers:
        return
    t = Table(title="Ratification at home (Putnam 1988): does each state's faction/public "
              "weight reach the quota, and who blocks")
    t.add_column("proposal")
    for state, members in r.ratifiers.items():
        t.add_column(esc(f"{state} ({', '.join(f'{m} {w:g}' for m, w in members.items())})"))
    words = {"every_fill": "[green]ratified[/]", "no_fill": "[red]not ratified[/]",
             "depends": "[yellow]depends[/]"}
    for p in r.proposals:
        cells = []
        for v in p.ratification:
            block = f" — blocked by {esc(', '.join(v.blocked_by))}" if v.blocked_by else ""
            cells.append(words[v.ratified] + block)
        t.add_row(esc(p.name), *cells)
    console.print(t)
    if r.zopa_ratified_outcomes is not None and r.zopa_outcomes:
        console.print(f"ZOPA after ratification: {r.zopa_ratified_outcomes:,} of "
                      f"{r.zopa_outcomes:,} packages")


def _calibration(r: DealAnalysis) -> None:
    if not r.calibration:
        return
    console.print("[bold]Calibration targets[/] (facts the case was fitted to — checks of the "
                  "fitting, not findings):")
    words = {"holds": "[green]reproduced[/]", "fails": "[red]NOT reproduced[/]",
             "depends": "[yellow]depends on the open terms[/]"}
    for c in r.calibration:
        kind = "" if c.fitted else " [dim](not fitted: held-out check)[/]"
        console.print(f"  {words[c.status]}: {esc(c.claim)} ({esc(c.actor)} on "
                      f"{esc(c.proposal)}, margin {_range(c.margin_low, c.margin_high)}){kind}")


def _count(n: int | None, exact: bool) -> str:
    if n is None:
        return "not counted (non-linear search: one outcome per vector)"
    return f"{n:,}" if exact else f"at least {n:,}"


def show_domain(r: DomainAnalysis, quiet: bool = False) -> None:
    """Print a GENIUS domain analysis: sizes, frontier, gap, notes, solutions."""
    search = ("exact" if r.exact else f"anytime: every outcome not examined is within "
              f"{nz(r.gap, 4):.4f} of a listed point")
    parties = esc(", ".join(r.actors))
    console.print(f"[bold]{esc(r.domain)}[/] — {len(r.actors)} parties ({parties}), "
                  f"{r.outcomes:,} outcomes; method {r.method} ({search})")
    console.print(f"Pareto frontier: {r.frontier_distinct:,} distinct utility vectors, reached "
                  f"by {_count(r.frontier_outcomes, r.frontier_outcomes_exact)} outcomes"
                  + ("; utilities capped at 1 (GENIUS)" if r.capped else ""))
    for note in r.notes:
        console.print(f"[yellow]warning[/] {esc(note)}")
    if quiet:
        return
    if r.no_agreement:
        na = r.no_agreement
        blockers = esc(", ".join(na.blocking_actors))
        console.print(f"[bold red]No agreement:[/] no frontier point meets every reservation "
                      f"value; blocked by {blockers}; smallest common concession "
                      f"{nz(na.common_concession, 4):.4f}")
        return
    t = Table(title="Bargaining solutions (GENIUS utilities)")
    t.add_column("")
    names = list(r.solutions)
    for name in names:
        t.add_column(esc(name))
    pts: list[FrontierPoint] = [r.solutions[n] for n in names]
    for issue in (pts[0].options if pts else {}):
        t.add_row(esc(issue), *[esc(str(p.options[issue])) for p in pts])
    t.add_section()
    for a in r.actors:
        t.add_row(f"u({esc(a)}) [dim]reservation {nz(r.reservation[a], 3):.3f}[/]",
                  *[f"{nz(p.utilities[a], 6):.6f}" for p in pts])
    t.add_row("outcomes with this vector", *[_count(p.outcomes, p.outcomes_exact)
                                              for p in pts])
    console.print(t)
