"""The HTML report of a deal analysis: utility spaces with frontier, ZOPA, solutions and
proposals; each proposal against each actor's BATNA; the evidence behind every number."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from detente.deals.result import DealAnalysis, ProposalResult
from detente.report.base import Raw, esc, figure, page, table, use_agg
from detente.scenario.model import Evidence, Scenario, Term, _Traced

_SOLUTION_MARK = {"nash": ("*", "Nash"), "weighted_nash": ("P", "Nash (capability)"),
                  "kalai_smorodinsky": ("D", "Kalai–Smorodinsky"),
                  "egalitarian": ("X", "egalitarian"), "utilitarian": ("s", "utilitarian")}


def _pair_figures(r: DealAnalysis) -> list[str]:
    import matplotlib.pyplot as plt

    out = []
    for pv in r.pairs:
        fig, ax = plt.subplots(figsize=(6.2, 5.2))
        xs = [p[0] for p in pv.sample]
        ys = [p[1] for p in pv.sample]
        colours = ["#8fd19e" if z else "#c9c9c9" for z in pv.sample_in_zopa]
        ax.scatter(xs, ys, s=6, c=colours, linewidths=0, label="outcomes (green: in ZOPA)",
                   rasterized=True)
        if pv.zopa_frontier:
            ax.scatter([p[0] for p in pv.zopa_frontier], [p[1] for p in pv.zopa_frontier],
                       s=14, color="#1a9850", zorder=4,
                       label="efficient packages in the ZOPA of all veto players")
        fx = [p[0] for p in pv.frontier]
        fy = [p[1] for p in pv.frontier]
        ax.plot(fx, fy, "-", color="#1f4e99", lw=1.5, label=f"Pareto frontier of {pv.actor_x}"
                f" and {pv.actor_y}")
        dx, dy = r.reservation[pv.actor_x], r.reservation[pv.actor_y]
        ax.axvline(dx, color="#b00020", ls="--", lw=1)
        ax.axhline(dy, color="#b00020", ls="--", lw=1, label="BATNA (reservation value)")
        ax.fill_between([dx, 1.02], dy, 1.02, color="#1a9850", alpha=0.06, lw=0)
        for name, pkg in r.solutions.items():
            mark, label = _SOLUTION_MARK.get(name, ("o", name))
            ax.scatter([pkg.utilities[pv.actor_x]], [pkg.utilities[pv.actor_y]], marker=mark,
                       s=90, edgecolors="black", zorder=5, label=label)
        for p in r.proposals:
            x, y = p.package.utilities[pv.actor_x], p.package.utilities[pv.actor_y]
            ax.scatter([x], [y], marker="o", s=40, color="#e07b00", edgecolors="black", zorder=6)
            ax.annotate(p.name, (x, y), textcoords="offset points", xytext=(5, 4), fontsize=7)
        ax.set_xlabel(f"utility of {pv.actor_x}")
        ax.set_ylabel(f"utility of {pv.actor_y}")
        ax.set_xlim(-0.02, 1.02)
        ax.set_ylim(-0.02, 1.02)
        ax.legend(fontsize=6, loc="lower left", framealpha=0.85)
        ax.set_title(f"{pv.actor_x} × {pv.actor_y}")
        out.append(figure(fig, f"{pv.actor_x} and {pv.actor_y}: a sample of outcomes, their "
                          "two-party Pareto frontier, BATNA lines, the bargaining solutions over "
                          "the veto players' ZOPA, and the named proposals (orange)."))
    return out


def _margin_figure(r: DealAnalysis) -> str:
    import matplotlib.pyplot as plt
    import numpy as np

    actors = [a for a in r.actors if a in r.reservation]
    names = [p.name for p in r.proposals]
    m = np.array([[next(s.margin for s in p.scores if s.actor == a) for a in actors]
                  for p in r.proposals])
    fig, ax = plt.subplots(figsize=(1.2 + 0.9 * len(actors), 0.9 + 0.45 * len(names)))
    lim = max(0.05, float(np.abs(m).max())) if m.size else 1.0
    im = ax.imshow(m, cmap="RdYlGn", vmin=-lim, vmax=lim, aspect="auto")
    ax.set_xticks(range(len(actors)), labels=[a + (" (veto)" if a in r.veto_players else "")
                                              for a in actors], rotation=35, ha="right",
                  fontsize=8)
    ax.set_yticks(range(len(names)), labels=names, fontsize=8)
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            ax.text(j, i, f"{m[i, j]:+.2f}", ha="center", va="center", fontsize=7)
    fig.colorbar(im, ax=ax, label="utility − BATNA")
    return figure(fig, "Each proposal against each actor's BATNA: margin u_i(proposal) − d_i "
                  "(green: better than no deal; red: worse).")


def _mc_figure(r: DealAnalysis) -> str:
    import matplotlib.pyplot as plt

    mc = r.monte_carlo
    assert mc is not None
    names = ["ZOPA non-empty"] + [p.name for p in r.proposals]
    vals = [mc.p_zopa_nonempty] + [o.p_accepted_by_all_veto for o in mc.proposals]
    errs = [mc.se] + [o.se for o in mc.proposals]
    fig, ax = plt.subplots(figsize=(6.5, 0.8 + 0.4 * len(names)))
    ax.barh(range(len(names)), vals, xerr=[1.96 * e for e in errs], color="#4c78a8")
    ax.set_yticks(range(len(names)), labels=names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("probability over draws (bars: 95% interval)")
    return figure(fig, f"Monte Carlo over the uncertain inputs: {mc.draws:,} draws, seed "
                  f"{mc.seed}.")


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
         "–" if c.margin_low is None else f"{c.margin_low:+.3f} … {c.margin_high:+.3f}",
         Raw(f"<span class='{'ok' if c.status == 'holds' else 'bad'}'>{c.status}</span>"),
         Raw("".join(f"<blockquote>“{esc(q)}”</blockquote>" for q in c.quotes))]
        for c in r.calibration]
    return ["<h2 id='calibration'>Calibration targets (not findings)</h2><p>Facts the case "
            "was fitted to. That the analysis reproduces them checks the fitting; it is not a "
            "result.</p>" + table(["fact", "actor", "proposal", "fitted verdict", "margin",
                                  "status", "quote"], rows)]


def render(r: DealAnalysis, scenario: Scenario, decides: str | None = None) -> str:
    """A self-contained HTML report of a deal analysis (figures inline as SVG); ``decides``:
    the "what decides it" section (``detente.report.sensitivity.what_decides``)."""
    use_agg()
    veto = r.veto_players
    sec = []
    zopa = (f"{r.zopa_outcomes:,} ({r.zopa_outcomes / r.outcomes:.2%}) are"
            if r.zopa_outcomes is not None else "(not counted: too many to enumerate) some are")
    summary = (f"<p>{len(r.actors)} actors; veto players: <b>{esc(', '.join(veto))}</b>. "
               f"{r.outcomes:,} possible packages; {zopa} in the "
               f"ZOPA (every veto player prefers them to its BATNA). Pareto frontier of the veto "
               f"players: {r.frontier_size:,} packages, {r.frontier_in_zopa:,} of them in the "
               "ZOPA.</p>")
    if r.monte_carlo:
        mc = r.monte_carlo
        summary += (f"<p>Over {mc.draws:,} draws of the uncertain inputs, the ZOPA is non-empty "
                    f"with probability <b>{mc.p_zopa_nonempty:.3f}</b> ± {mc.se:.3f}.</p>")
    sec.append("<h2>Findings</h2><p>What the analysis concludes from the case's stated "
               "assumptions. The facts the case was fitted to are listed apart, under "
               "<a href='#calibration'>Calibration targets</a>.</p><h3>Summary</h3>" + summary)
    if r.no_agreement:
        na = r.no_agreement
        sole = {b.actor: b.concession for b in na.sole_blockers}
        sec.append("<h2>No agreement: the ZOPA is empty</h2>" + table(
            ["veto player", "shortfall at the closest package", "concession if it alone moved"],
            [[a, f"{na.shortfall[a]:.3f}", f"{sole[a]:.3f}" if a in sole else "not enough alone"]
             for a in veto], numeric=[1, 2]) +
            f"<p>Smallest common concession: {na.common_concession:.3f} (utility), at the "
            "package:</p>" + table(["issue", "option"], list(na.closest_package.options.items())))
    else:
        names = list(r.solutions)
        rows: list[list[object]] = [[iss.id, *[r.solutions[n].options[iss.id] for n in names]]
                                    for iss in scenario.issues]
        rows += [[f"u({a}) — BATNA {r.reservation[a]:.3f}",
                  *[f"{r.solutions[n].utilities[a]:.3f}" for n in names]] for a in r.actors
                 if a in r.reservation]
        sec.append("<h2>Bargaining solutions over the ZOPA</h2>" +
                   table(["issue", *[_SOLUTION_MARK.get(n, ("", n))[1] for n in names]], rows))
    sec.append("<h2>Utility spaces of the veto players</h2><div class='grid'>" +
               "".join(_pair_figures(r)) + "</div>")
    if r.proposals:
        sec.append("<h2>Proposals against each actor's BATNA</h2>" + _margin_figure(r))
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
            f"{k}={v}" for k, v in t.j_concedes.items()), f"{t.gain_i:+.3f}",
            f"{t.gain_j:+.3f}"] for p in r.proposals for t in p.trades]
        if trows:
            sec.append("<h3>Logrolls: two-issue trades that raise both sides' utility</h3>" +
                       table(["from", "one side", "other side", "gain of the first",
                              "gain of the second"], trows,
                             numeric=[3, 4]))
    if r.monte_carlo:
        sec.append("<h2>Uncertainty</h2>" + _mc_figure(r))
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
