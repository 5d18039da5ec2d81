"""HTML report of the negotiation window (``detente window --html``): the window chart with its
95 % bands, the battlefield fan, the guarantee threshold, each proposal's odds and the war-end
scenario tree. Draws a :class:`detente.war.analysis.WarAnalysis`; computes nothing itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

from detente.report.base import Raw, esc, figure, page, table, use_agg

if TYPE_CHECKING:  # pragma: no cover
    from detente.war.analysis import WarAnalysis


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def _window_chart(a: WarAnalysis) -> str:
    import matplotlib.pyplot as plt

    w = a.window
    t = list(range(a.months + 1))
    fig, ax = plt.subplots(figsize=(9, 4))
    for rec, label, colour in ((w.range_exists, "bargaining range exists", "#1f77b4"),
                               (w.ratifiable, "win-sets overlap (ratifiable)", "#2ca02c"),
                               (w.self_enforcing, "self-enforcing with the guarantee",
                                "#9467bd")):
        ax.plot(t, rec.mean, color=colour, label=label)
        ax.fill_between(t, rec.low, rec.high, color=colour, alpha=0.25, linewidth=0)
    pk = a.packages
    if pk is not None:
        ax.plot(t, pk.zopa.mean, color="#ff7f0e", linestyle="--",
                label=f"package ZOPA non-empty ({pk.paths:,} paths)")
        ax.fill_between(t, pk.zopa.low, pk.zopa.high, color="#ff7f0e", alpha=0.25, linewidth=0)
        if pk.ratification:
            ax.plot(t, pk.zopa_ratified.mean, color="#8c564b", linestyle=":",
                    label="ratifiable package ZOPA non-empty")
            ax.fill_between(t, pk.zopa_ratified.low, pk.zopa_ratified.high, color="#8c564b",
                            alpha=0.2, linewidth=0)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel(f"month (0 = {a.month_labels[0]})")
    ax.set_ylabel("probability across paths")
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize=8)
    extra = ("" if pk is None else " Dashed: share of a seeded subsample of paths on which some "
             "package of the scenario gives every veto player at least its value of fighting on "
             "(the package ZOPA)." + (" Dotted: some package also clears every veto player's "
                                      "domestic ratification threshold (Putnam 1988)."
                                      if pk.ratification else ""))
    return figure(fig, "The negotiation window: share of simulated paths on which a bargaining "
                       "range exists, on which it survives domestic ratification, and on which a "
                       "settlement would be self-enforcing after a truce; shaded: 95 % Wilson "
                       "intervals (Monte Carlo error)." + extra)


def _fan(ax: object, t: list[int], q: list[list[float]], colour: str, label: str) -> None:
    ax.fill_between(t, q[0], q[-1], color=colour, alpha=0.15, linewidth=0,  # type: ignore[attr-defined]
                    label=f"{label} 5-95 %")
    ax.fill_between(t, q[1], q[-2], color=colour, alpha=0.3, linewidth=0,  # type: ignore[attr-defined]
                    label=f"{label} 25-75 %")
    ax.plot(t, q[len(q) // 2], color=colour, label=f"{label} median")  # type: ignore[attr-defined]


def _fan_charts(a: WarAnalysis) -> str:
    import matplotlib.pyplot as plt

    w = a.window
    t = list(range(a.months + 1))
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 3.8))
    _fan(ax1, t, w.p, "#d62728", f"P({a.side_a} wins)")
    ax1.set_ylim(0, 1)
    ax1.set_xlabel("month")
    ax1.set_title("battlefield odds p", fontsize=10)
    ax1.legend(fontsize=7)
    ax1.grid(alpha=0.3)
    _fan(ax2, t, w.guarantee, "#9467bd", "g*")
    ax2.axhline(a.snapshot.guarantee, color="black", linestyle="--",
                label=f"guarantee in the model ({a.snapshot.guarantee:g})")
    ax2.set_xlabel("month")
    ax2.set_title("least guarantee g* that removes preventive war", fontsize=10)
    ax2.legend(fontsize=7)
    ax2.grid(alpha=0.3)
    return figure(fig, f"Left: A's ({a.side_a}) chance of winning the stake across paths. "
                       f"Right: the least guarantee g* (stake units: what guarantors add to "
                       f"{a.side_a}'s post-shift chance) that keeps {a.side_a} from preventive war "
                       f"if a truce lets {a.side_b} regroup (Powell 2006); above the dashed line "
                       f"the guarantors' g is too weak.")


def _snapshot(a: WarAnalysis) -> str:
    s = a.snapshot
    rows = [
        ("reference p (A wins)", f"{s.p:.3f}"),
        (f"{a.side_a}'s own estimate p_A", f"{s.p_a:.3f}"),
        (f"{a.side_b}'s estimate of A's chance p_B", f"{s.p_b:.3f}"),
        ("bargaining range [low, high] (A's share)", f"[{s.range_low:.3f}, {s.range_high:.3f}]"),
        ("range width", f"{s.range_width:+.3f}"),
        ("range exists", Raw('<span class="ok">yes</span>' if s.range_exists
                             else f'<span class="bad">no</span> (closed by optimism of '
                                  f'{esc(s.closed_by)})')),
        ("win-sets overlap [low, high]", f"[{s.winset_low:.3f}, {s.winset_high:.3f}]"
         + ("" if s.winset_exists else " (empty)")),
        (f"p after {a.side_b} regroups in a truce", f"{s.regroup_p:.3f}"),
        ("commitment problem", s.commitment_outcome),
        ("least guarantee g* / guarantors' g (option)",
         f"{s.min_guarantee:.3f} / {s.guarantee:.3f} ({s.guarantee_option or 'every guarantor'})"),
        (f"{a.side_a}'s risk–return offer on its own beliefs / P(rejected) it expects / "
         f"P(rejected) on {a.side_b}'s beliefs",
         f"{s.offer:.3f} / {_pct(s.offer_p_reject_believed)} / {_pct(s.offer_p_reject)}"),
    ]
    head = (f"<p><b>{esc(a.headline)}</b></p><ul>"
            + "".join(f"<li>under: {esc(c)}</li>" for c in a.conditions) + "</ul>"
            + "".join(f'<p class="bad">warning: {esc(w)}</p>' for w in a.warnings))
    return (head + "<h2>Month 0 (likely values)</h2>" + table(("quantity", "value"), rows)
            + _by_guarantee(a))


def _by_guarantee(a: WarAnalysis) -> str:
    bg = a.window.by_guarantee
    if not bg:
        return ""
    marks = sorted({0, a.months // 2, a.months})
    rows = [[opt, *(_pct(pr.mean[m]) for m in marks)] for opt, pr in bg.items()]
    return ("<h2>Guarantees</h2><p>Probability that a truce signed in that month would hold "
            "(no preventive war, terms honoured after the shift) under each option of the "
            "guarantee issue.</p>"
            + table(["guarantee option", *(a.month_labels[m] for m in marks)], rows,
                    numeric=range(1, len(marks) + 1)))


def _proposals(a: WarAnalysis) -> str:
    if not a.proposals:
        return ""
    marks = sorted({0, a.months // 4, a.months // 2, (3 * a.months) // 4, a.months})
    header = ["proposal", "A's share"] + [f"{a.month_labels[m]}" for m in marks]
    rows = []
    for p in a.proposals:
        cells: list[object] = [p.name, f"{p.share:.2f}"]
        for m in marks:
            cells.append(f"{_pct(p.in_range.mean[m])} / {_pct(p.ratifiable.mean[m])}")
        rows.append(cells)
    return ("<h2>Proposals inside the window</h2><p>Per month: probability the proposal lies in "
            "the bargaining range / in both win-sets (ratifiable).</p>"
            + table(header, rows, numeric=range(1, len(header))))


def _packages(a: WarAnalysis) -> str:
    pk = a.packages
    if pk is None:
        return ""
    marks = sorted({0, a.months // 4, a.months // 2, (3 * a.months) // 4, a.months})
    header = ["proposal"] + [a.month_labels[m] for m in marks]
    rows: list[list[object]] = [
        [Raw("<b>package ZOPA non-empty</b>")]
        + [f"{_pct(pk.zopa.mean[m])} ± {100 * pk.zopa.se[m]:.1f}" for m in marks]]
    if pk.ratification:
        rows.append([Raw("<b>ratifiable package ZOPA non-empty</b>")]
                    + [f"{_pct(pk.zopa_ratified.mean[m])} ± {100 * pk.zopa_ratified.se[m]:.1f}"
                       for m in marks])
    for p in pk.proposals:
        cells: list[object] = [p.name]
        cells += [f"{_pct(p.accepted.mean[m])} ± {100 * p.accepted.se[m]:.1f}"
                  + (f" / {_pct(p.ratified.mean[m])}" if pk.ratification else "")
                  for m in marks]
        rows.append(cells)
    mid = len(a.window.quantiles) // 2
    brows = [[actor] + [f"{bands[mid][m]:.3f} [{bands[0][m]:.3f}, {bands[-1][m]:.3f}]"
                        for m in marks] for actor, bands in pk.batna.items()]
    brows += [[f"{actor} + domestic cost"]
              + [f"{bands[mid][m]:.3f} [{bands[0][m]:.3f}, {bands[-1][m]:.3f}]" for m in marks]
              for actor, bands in pk.ratified_batna.items() if actor in pk.domestic]
    ratification = ""
    if pk.ratification:
        ratification = (
            "<p>Ratification (Putnam 1988, two-level games): a package is ratifiable when every "
            "veto player's utility also clears its domestic cost, the threshold t = opposition × "
            "audience cost (stake units) added to its side's value of fighting on and mapped to "
            "its utility scale like the BATNA; after each proposal's acceptance, the probability "
            "it is ratifiable. Thresholds, median [5 %, 95 %] across paths: "
            + esc("; ".join(f"{actor} {t[len(t) // 2]:.3f} [{t[0]:.3f}, {t[-1]:.3f}]"
                            for actor, t in pk.domestic.items())) + ".</p>")
    return ("<h2>The window over the package space</h2>"
            f"<p>{pk.paths:,} paths ({esc(pk.sampling)}). On each path and month every veto "
            f"player's BATNA is its value of fighting on (docs/war.md); per month the probability "
            f"that some package gives every veto player at least that (the package ZOPA is "
            f"non-empty) and that each bundled proposal is accepted by every veto player, with "
            f"Monte Carlo standard errors in points.</p>" + ratification
            + table(header, rows, numeric=range(1, len(header)))
            + "<p>BATNA from the war model: median [5 %, 95 %] across paths (0-1 utility)"
            + ("; with the domestic cost, the ratification line (the edge of the win-set)"
               if pk.ratification else "") + ".</p>"
            + table(["veto player"] + header[1:], brows, numeric=range(1, len(header))))


def _tree(a: WarAnalysis) -> str:
    rows: list[list[object]] = []
    for b in a.scenario_tree:
        rows.append([Raw(f"<b>{esc(b.label)}</b>"), _pct(b.probability), f"{100 * b.se:.2f}",
                     ""])
        for lf in b.leaves:
            med = "" if lf.median_month is None else f"{lf.median_month:g}"
            rows.append([Raw(f"&nbsp;&nbsp;&nbsp;└ {esc(lf.label)}"), _pct(lf.probability),
                         f"{100 * lf.se:.2f}", med])
    return (f"<h2>War-end scenario tree over {a.months} months</h2>"
            + table(("scenario", "probability", "s.e. (points)", "median month"), rows,
                    numeric=(1, 2, 3)))


def render_window(a: WarAnalysis) -> str:
    """A self-contained HTML page for a window analysis."""
    use_agg()
    meta = (f"{a.side_a} (A) vs {a.side_b} (B); stake: {a.stake}. {a.paths:,} paths × "
            f"{a.months} months, seed {a.provenance.seed}; detente {a.provenance.version}; "
            f"inputs sha256 {a.provenance.inputs_sha256[:12]}…")
    sections = [_snapshot(a), "<h2>The negotiation window</h2>", _window_chart(a), _fan_charts(a),
                _proposals(a), _packages(a), _tree(a)]
    return page(f"Negotiation window — {a.title}", sections, meta=meta)
