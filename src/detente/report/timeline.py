"""The HTML report of a timeline: how the ZOPA, the BATNAs, the Nash package and the named
proposals moved from one dated scenario to the next."""

from __future__ import annotations

from detente.deals.timeline import Timeline
from detente.records.output import fixed
from detente.report.base import Raw, chart, esc, page, table
from detente.report.charts import timeline as timeline_charts


def render(t: Timeline) -> str:
    """A self-contained HTML report of a timeline."""
    sec = [f"<p>{len(t.points)} dated scenarios; veto players "
           f"<b>{esc(', '.join(t.veto_players))}</b>.</p>",
           "<h2>The ZOPA and the BATNAs by date</h2><div class='grid'>"
           + "".join(chart(c) for c in timeline_charts.charts(t)) + "</div>"]
    header = ["issue", *[str(p.date) for p in t.points]]
    rows: list[list[object]] = []
    for issue in t.issues:
        cells: list[object] = [issue]
        prev = None
        for p in t.points:
            opt = p.nash[issue] if p.nash else "no ZOPA"
            cells.append(Raw(f"<b>{esc(opt)}</b>") if prev is not None and opt != prev
                         else opt)
            prev = opt
        rows.append(cells)
    sec.append("<h2>The Nash bargaining package by date</h2><p>Bold: changed since the "
               "previous date.</p>" + table(header, rows))
    prow = []
    for p in t.points:
        for q in p.proposals:
            verdict = q.verdict
            prob = fixed(q.p_accepted_by_all_veto, 3) if q.p_accepted_by_all_veto is not None \
                else ""
            prow.append([str(p.date), q.name, q.date or "", verdict,
                         "yes" if q.efficient else "no", prob])
    sec.append("<h2>Proposals on the table at each date</h2>" + table(
        ["scenario date", "proposal", "proposal date", "verdict", "efficient",
         "P(all veto players accept)"], prow, numeric=[5]))
    prov = t.provenance
    meta = (f"detente {prov.version} · inputs sha256 {prov.inputs_sha256[:16]}… · seed "
            f"{prov.seed} · options {prov.options}")
    return page("Timeline of the bargaining space", sec, meta=meta)
