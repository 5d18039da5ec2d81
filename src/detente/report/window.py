"""HTML report of the negotiation window (``detente window --html``): the window chart with its
95 % bands, the battlefield fan, the guarantee threshold, each proposal's odds and the war-end
scenario tree. Draws a :class:`detente.war.analysis.WarAnalysis`; computes nothing itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

from detente.records.output import fixed, nz
from detente.report.base import Raw, chart, esc, page, table
from detente.report.charts import window as window_charts

if TYPE_CHECKING:  # pragma: no cover
    from detente.war.analysis import WarAnalysis


def _pct(x: float) -> str:
    return f"{nz(100 * x, 1):.1f} %"


def _snapshot(a: WarAnalysis) -> str:
    s = a.snapshot
    rows = [
        ("reference p (A wins)", f"{nz(s.p, 3):.3f}"),
        (f"{a.side_a}'s own estimate p_A", f"{nz(s.p_a, 3):.3f}"),
        (f"{a.side_b}'s estimate of A's chance p_B", f"{nz(s.p_b, 3):.3f}"),
        ("bargaining range [low, high] (A's share)",
         f"[{fixed(s.range_low, 3)}, {fixed(s.range_high, 3)}]"),
        ("range width", f"{nz(s.range_width, 3):+.3f}"),
        ("range exists", Raw('<span class="ok">yes</span>' if s.range_exists
                             else f'<span class="bad">no</span> (closed by optimism of '
                                  f'{esc(s.closed_by)})')),
        ("win-sets overlap [low, high]", f"[{nz(s.winset_low, 3):.3f}, {nz(s.winset_high, 3):.3f}]"
         + ("" if s.winset_exists else " (empty)")),
        (f"p after {a.side_b} regroups in a truce", f"{nz(s.regroup_p, 3):.3f}"),
        ("commitment problem", s.commitment_outcome),
        ("least guarantee g* / guarantors' g (option)",
         f"{fixed(s.min_guarantee, 3)} / {fixed(s.guarantee, 3)} "
         f"({s.guarantee_option or 'every guarantor'})"),
        (f"{a.side_a}'s risk–return offer on its own beliefs / P(rejected) it expects / "
         f"P(rejected) on {a.side_b}'s beliefs",
         f"{nz(s.offer, 3):.3f} / {_pct(s.offer_p_reject_believed)} / {_pct(s.offer_p_reject)}"),
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
        cells: list[object] = [p.name, f"{nz(p.share, 2):.2f}"]
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
        + [f"{_pct(pk.zopa.mean[m])} ± {nz(100 * pk.zopa.se[m], 1):.1f}" for m in marks]]
    if pk.ratification:
        rows.append([Raw("<b>ratifiable package ZOPA non-empty</b>")]
                    + [f"{_pct(pk.zopa_ratified.mean[m])} ± "
                       f"{fixed(100 * pk.zopa_ratified.se[m], 1)}"
                       for m in marks])
    for p in pk.proposals:
        cells: list[object] = [p.name]
        cells += [f"{_pct(p.accepted.mean[m])} ± {nz(100 * p.accepted.se[m], 1):.1f}"
                  + (f" / {_pct(p.ratified.mean[m])}" if pk.ratification else "")
                  for m in marks]
        rows.append(cells)
    mid = len(a.window.quantiles) // 2
    brows = [[actor] + [f"{fixed(bands[mid][m], 3)} [{fixed(bands[0][m], 3)}, "
                        f"{fixed(bands[-1][m], 3)}]"
                        for m in marks] for actor, bands in pk.batna.items()]
    brows += [[f"{actor} + domestic cost"]
              + [f"{fixed(bands[mid][m], 3)} [{fixed(bands[0][m], 3)}, "
                 f"{fixed(bands[-1][m], 3)}]" for m in marks]
              for actor, bands in pk.ratified_batna.items() if actor in pk.domestic]
    ratification = ""
    if pk.ratification:
        ratification = (
            "<p>Ratification (Putnam 1988, two-level games): a package is ratifiable when every "
            "veto player's utility also clears its domestic cost, the threshold t = opposition × "
            "audience cost (stake units) added to its side's value of fighting on and mapped to "
            "its utility scale like the BATNA; after each proposal's acceptance, the probability "
            "it is ratifiable. Thresholds, median [5 %, 95 %] across paths: "
            + esc("; ".join(f"{actor} {fixed(t[len(t) // 2], 3)} [{fixed(t[0], 3)}, "
                            f"{fixed(t[-1], 3)}]"
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
        rows.append([Raw(f"<b>{esc(b.label)}</b>"), _pct(b.probability), f"{nz(100 * b.se, 2):.2f}",
                     ""])
        for lf in b.leaves:
            med = "" if lf.median_month is None else f"{lf.median_month:g}"
            rows.append([Raw(f"&nbsp;&nbsp;&nbsp;└ {esc(lf.label)}"), _pct(lf.probability),
                         f"{nz(100 * lf.se, 2):.2f}", med])
    return (f"<h2>War-end scenario tree over {a.months} months</h2>"
            + table(("scenario", "probability", "s.e. (points)", "median month"), rows,
                    numeric=(1, 2, 3)))


def render_window(a: WarAnalysis) -> str:
    """A self-contained HTML page for a window analysis."""
    meta = (f"{a.side_a} (A) vs {a.side_b} (B); stake: {a.stake}. {a.paths:,} paths × "
            f"{a.months} months, seed {a.provenance.seed}; detente {a.provenance.version}; "
            f"inputs sha256 {a.provenance.inputs_sha256[:12]}…")
    fans = "".join(chart(c) for c in window_charts.fans(a))
    sections = [_snapshot(a), "<h2>The negotiation window</h2>",
                chart(window_charts.window_chart(a)), f"<div class='grid'>{fans}</div>",
                _proposals(a), _packages(a), _tree(a)]
    return page(f"Negotiation window — {a.title}", sections, meta=meta)
