"""The HTML report of a deal analysis: utility spaces with frontier, ZOPA, solutions and
proposals; each proposal against each actor's BATNA; the evidence behind every number."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from detente.deals.result import DealAnalysis, ProposalResult
from detente.records.output import fixed, nz
from detente.report.base import Raw, chart, esc, page, table
from detente.report.charts import deals as deal_charts
from detente.report.charts.deals import SOLUTION_LABELS
from detente.scenario.model import Evidence, Scenario, Term, _Traced


def _evidence_rows(obj: Any, path: str, sources: dict[str, str]) -> list[list[object]]:
    rows: list[list[object]] = []
    if isinstance(obj, _Traced):
        value: Any = getattr(obj, "value", None)
        if isinstance(value, BaseModel):
            value = value.model_dump()
        if value is None:
            value = getattr(obj, "outcome", None)
        if isinstance(obj, Term) and obj.is_open:
            value = "OPEN" + (f" over {', '.join(map(str, obj.open))}"
                              if isinstance(obj.open, list) else "")
        basis = "".join(
            f"<blockquote>“{esc(ev.quote)}”</blockquote><span class='meta'>"
            f"{esc(sources.get(ev.source, ev.source))}</span>" for ev in obj.evidence)
        if obj.assumption:
            basis += f"<div><b>Assumption:</b> {esc(obj.assumption)}</div>"
        if not basis:
            basis = "<span class='bad'>untraced</span>"
        if value is not None or obj.evidence or obj.assumption:
            rows.append([path.lstrip("."), value if value is not None else "", Raw(basis)])
    if isinstance(obj, BaseModel) and not isinstance(obj, Evidence):
        for name in type(obj).model_fields:
            if name in ("evidence", "assumption"):
                continue
            rows += _evidence_rows(getattr(obj, name), f"{path}.{name}", sources)
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            label = getattr(item, "id", None) or (
                f"{getattr(item, 'actor', '')}/{getattr(item, 'issue', '')}"
                if hasattr(item, "actor") else str(i))
            rows += _evidence_rows(item, f"{path}[{label}]", sources)
    elif isinstance(obj, dict):
        for k, item in obj.items():
            rows += _evidence_rows(item, f"{path}.{k}", sources)
    return rows


def _verdict(p: ProposalResult) -> Raw:
    if p.acceptance == "every_fill":
        return Raw("<span class='ok'>all veto players accept</span>")
    rejected = f"rejected by {esc(', '.join(p.rejected_by))}" if p.rejected_by else ""
    depends = (f"depends on the open terms for {esc(', '.join(p.depends_on_open_terms))}"
               if p.depends_on_open_terms else "")
    text = "; ".join(x for x in (rejected, depends) if x)
    cls = "bad" if p.acceptance == "no_fill" else "meta"
    head = "no fill accepted by all" if p.acceptance == "no_fill" else "some fills accepted"
    return Raw(f"<span class='{cls}'>{head}: {text}</span>")


def _open_terms_section(r: DealAnalysis) -> list[str]:
    rows: list[list[object]] = [
        [p.name, t.issue, ", ".join(t.options), "OPEN in the case" if t.explicit else
         "not named by the proposal", t.name] for p in r.proposals for t in p.open_terms]
    if not rows:
        return []
    return ["<h3>Open terms</h3><p>Terms the proposal's text leaves open are never filled with "
            "a default: margins range over every option listed (the verdict above is for every "
            "fill, some fill or no fill) and Monte Carlo draws them uniformly.</p>" +
            table(["proposal", "issue", "options it ranges over", "how", "input name"], rows)]


def _ratification_section(r: DealAnalysis) -> list[str]:
    if not r.ratifiers:
        return []
    states = list(r.ratifiers)
    rows: list[list[object]] = []
    for p in r.proposals:
        by = {v.state: v for v in p.ratification}
        rows.append([p.name, *[
            f"{by[s].ratified.replace('_', ' ')}" + (f" — blocked by {', '.join(by[s].blocked_by)}"
                                                     if by[s].blocked_by else "")
            for s in states]])
    weights = "; ".join(f"{s}: " + ", ".join(f"{m} {w:g}" for m, w in ms.items())
                        for s, ms in r.ratifiers.items())
    extra = (f"<p>ZOPA after ratification: {r.zopa_ratified_outcomes:,} packages.</p>"
             if r.zopa_ratified_outcomes is not None else "")
    return ["<h3>Ratification at home (Putnam 1988)</h3><p>A state's factions and publics "
            f"ratify what it signs (weights {esc(weights)}; quota "
            f"{r.provenance.options.get('quota', 0.5)}): which faction blocks which "
            "proposal.</p>" + table(["proposal", *states], rows) + extra]


def _calibration_section(r: DealAnalysis) -> list[str]:
    if not r.calibration:
        return []
    rows: list[list[object]] = [
        [c.claim + ("" if c.fitted else " (not fitted: held-out check)"), c.actor, c.proposal,
         "accepts" if c.accepts else "rejects",
         "–" if c.margin_low is None
         else f"{nz(c.margin_low, 3):+.3f} … {nz(c.margin_high, 3):+.3f}",
         Raw(f"<span class='{'ok' if c.status == 'holds' else 'bad'}'>{c.status}</span>"),
         Raw("".join(f"<blockquote>“{esc(q)}”</blockquote>" for q in c.quotes))]
        for c in r.calibration]
    return ["<h2 id='calibration'>Calibration targets (not findings)</h2><p>Facts the case "
            "was fitted to. That the analysis reproduces them checks the fitting; it is not a "
            "result.</p>" + table(["fact", "actor", "proposal", "fitted verdict", "margin",
                                  "status", "quote"], rows)]


def render(r: DealAnalysis, scenario: Scenario, decides: str | None = None) -> str:
    """A self-contained HTML report of a deal analysis (Vega-Lite charts from
    :mod:`detente.report.charts.deals`); ``decides``: the "what decides it" section
    (``detente.report.sensitivity.what_decides``)."""
    veto = r.veto_players
    sec = []
    zopa = (f"{r.zopa_outcomes:,} ({nz(r.zopa_outcomes / r.outcomes, 4):.2%}) are"
            if r.zopa_outcomes is not None else "(not counted: too many to enumerate) some are")
    summary = (f"<p>{len(r.actors)} actors; veto players: <b>{esc(', '.join(veto))}</b>. "
               f"{r.outcomes:,} possible packages; {zopa} in the "
               f"ZOPA (every veto player prefers them to its BATNA). Pareto frontier of the veto "
               f"players: {r.frontier_size:,} packages, {r.frontier_in_zopa:,} of them in the "
               "ZOPA.</p>")
    if r.monte_carlo:
        mc = r.monte_carlo
        summary += (f"<p>Over {mc.draws:,} draws of the uncertain inputs, the ZOPA is non-empty "
                    f"with probability <b>{fixed(mc.p_zopa_nonempty, 3)}</b> ± "
                    f"{fixed(mc.se, 3)}.</p>")
    sec.append("<h2>Findings</h2><p>What the analysis concludes from the case's stated "
               "assumptions. The facts the case was fitted to are listed apart, under "
               "<a href='#calibration'>Calibration targets</a>.</p><h3>Summary</h3>" + summary)
    if r.no_agreement:
        na = r.no_agreement
        sole = {b.actor: b.concession for b in na.sole_blockers}
        sec.append("<h2>No agreement: the ZOPA is empty</h2>" + table(
            ["veto player", "shortfall at the closest package", "concession if it alone moved"],
            [[a, fixed(na.shortfall[a], 3), fixed(sole[a], 3) if a in sole else "not enough alone"]
             for a in veto], numeric=[1, 2]) +
            f"<p>Smallest common concession: {nz(na.common_concession, 3):.3f} (utility), at the "
            "package:</p>" + table(["issue", "option"], list(na.closest_package.options.items())))
    else:
        names = list(r.solutions)
        rows: list[list[object]] = [[iss.id, *[r.solutions[n].options[iss.id] for n in names]]
                                    for iss in scenario.issues]
        rows += [[f"u({a}) — BATNA {nz(r.reservation[a], 3):.3f}",
                  *[f"{nz(r.solutions[n].utilities[a], 3):.3f}" for n in names]] for a in r.actors
                 if a in r.reservation]
        sec.append("<h2>Bargaining solutions over the ZOPA</h2>" +
                   table(["issue", *[SOLUTION_LABELS.get(n, n) for n in names]], rows))
    spaces = deal_charts.utility_spaces(r)
    if spaces is not None:
        sec.append("<h2>Utility spaces of the veto players</h2>" + chart(spaces))
    margins = deal_charts.margins(r)
    if r.proposals:
        sec.append("<h2>Proposals against each actor's BATNA</h2>"
                   + (chart(margins) if margins is not None else ""))
        prow = []
        for p in r.proposals:
            verdict = _verdict(p)
            change = ("ZOPA empty" if p.nearest_acceptable is None else
                      "; ".join(f"{k}: {a} → {b}" for k, (a, b) in p.changes_to_nearest.items())
                      or "none needed")
            prow.append([p.name, p.by or "", p.date or "", verdict,
                         "yes" if p.efficient else "no", change])
        sec.append(table(["proposal", "by", "date", "verdict", "efficient",
                          "changes to the nearest efficient package all veto players accept"],
                         prow))
        sec += _open_terms_section(r) + _ratification_section(r)
        trows = [[p.name, f"{t.actor_i} concedes " + ", ".join(
            f"{k}={v}" for k, v in t.i_concedes.items()), f"{t.actor_j} concedes " + ", ".join(
            f"{k}={v}" for k, v in t.j_concedes.items()), f"{nz(t.gain_i, 3):+.3f}",
            f"{nz(t.gain_j, 3):+.3f}"] for p in r.proposals for t in p.trades]
        if trows:
            sec.append("<h3>Logrolls: two-issue trades that raise both sides' utility</h3>" +
                       table(["from", "one side", "other side", "gain of the first",
                              "gain of the second"], trows,
                             numeric=[3, 4]))
    if r.monte_carlo:
        odds = deal_charts.monte_carlo(r)
        sec.append("<h2>Uncertainty</h2>" + (chart(odds) if odds is not None else ""))
    sec += _calibration_section(r)
    sources = {s.id: f"{s.title} — {s.outlet or ''} {s.date or ''}".strip() for s in
               scenario.sources}
    if decides:
        sec.append(decides)
    sec.append("<h2>Sources</h2>" + table(["id", "title", "outlet", "author", "date", "url"], [
        [s.id, s.title, s.outlet or "", s.author or "", s.date or "", s.url or ""]
        for s in scenario.sources]))
    sec.append("<h2>Evidence behind every number</h2>" + table(
        ["field", "value", "evidence or assumption"],
        _evidence_rows(scenario, "", sources)))
    prov = r.provenance
    meta = (f"{scenario.id} · {scenario.date} · detente {prov.version} · inputs sha256 "
            f"{prov.inputs_sha256[:16]}… · seed {prov.seed} · options {prov.options}")
    return page(f"Deal analysis — {r.title}", sec, meta=meta)
