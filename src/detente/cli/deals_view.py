"""Rich tables of a deal analysis for the terminal."""

from __future__ import annotations

from rich.table import Table

from detente.cli.common import console, esc
from detente.deals.result import DealAnalysis, Package
from detente.scenario.model import Scenario


def _opts(pkg: Package, scenario: Scenario) -> str:
    """Options of a package, one ``issue=option`` per issue."""
    return esc(", ".join(f"{k}={v}" for k, v in pkg.options.items()))


def _sign(x: float | None) -> str:
    if x is None:
        return "–"
    colour = "green" if x >= -1e-9 else "red"
    return f"[{colour}]{x:+.3f}[/]"


def show_analysis(r: DealAnalysis, scenario: Scenario, quiet: bool = False) -> None:
    """Print the analysis: summary, solutions or blocking, proposals, trades, Monte Carlo."""
    veto = r.veto_players
    zopa = (f"{r.zopa_outcomes:,} ({r.zopa_outcomes / r.outcomes:.2%})"
            if r.zopa_outcomes is not None else "not counted (space too large)")
    console.print(f"[bold]{esc(r.title)}[/] ({r.date}) — {len(r.actors)} actors, veto players: "
                  f"{esc(', '.join(veto))}")
    console.print(f"outcomes {r.outcomes:,}; ZOPA {zopa}; Pareto "
                  f"frontier of the veto players {r.frontier_size:,}, of which in ZOPA "
                  f"{r.frontier_in_zopa:,}")
    if r.monte_carlo:
        mc = r.monte_carlo
        console.print(f"P(ZOPA non-empty) = {mc.p_zopa_nonempty:.3f} ± {mc.se:.3f} over "
                      f"{mc.draws:,} draws (seed {mc.seed})")
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
            t.add_row(esc(a), f"{na.shortfall[a]:.3f}",
                      f"{sole[a]:.3f}" if a in sole else "not enough alone")
        console.print(t)
        console.print(f"Smallest common concession: {na.common_concession:.3f} (utility) at "
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
            t.add_row(f"u({esc(a)}) [dim]BATNA {r.reservation[a]:.3f}[/]",
                      *[f"{pkg.utilities[a]:.3f}" for pkg in r.solutions.values()])
        console.print(t)
    t = Table(title="Proposals: each veto player's margin over its BATNA")
    t.add_column("proposal")
    for a in veto:
        t.add_column(esc(a), justify="right")
    t.add_column("all accept")
    t.add_column("efficient")
    if r.monte_carlo:
        t.add_column("P(all accept)", justify="right")
    odds = {o.id: o for o in (r.monte_carlo.proposals if r.monte_carlo else [])}
    for p in r.proposals:
        margin = {s.actor: s.margin for s in p.scores}
        row = [esc(p.name), *[_sign(margin[a]) for a in veto],
               "[green]yes[/]" if p.accepted_by_all_veto else "[red]no[/]",
               "yes" if p.efficient else "no"]
        if r.monte_carlo:
            o = odds[p.id]
            row.append(f"{o.p_accepted_by_all_veto:.3f} ± {o.se:.3f}")
        t.add_row(*row)
    console.print(t)
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
                          f"{tr.gain_i:+.3f}, {esc(tr.actor_j)} {tr.gain_j:+.3f}")
