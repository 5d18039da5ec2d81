"""HTML report of a credibility record: timeline of the posterior with its interval, the moves
and the evidence behind each, the prior and the likelihood ratios used."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from detente.records.output import nz
from detente.report.base import Raw, chart, display_path, esc, page, provenance_line, table
from detente.report.charts.signals import credibility_charts

if TYPE_CHECKING:  # pragma: no cover
    from detente.signals.record import CredibilityRecord


def _evidence_cell(items: list[dict[str, Any]]) -> Raw:
    parts = []
    for it in items:
        quotes = "".join(f"<blockquote>“{esc(q)}”</blockquote>" for q in it["quotes"][:3])
        refs = ", ".join(esc(display_path(r)) for r in it["refs"][:5])
        more = f" (+{len(it['refs']) - 5} more)" if len(it["refs"]) > 5 else ""
        who = f" [{esc(it['faction'])}]" if it.get("faction") else ""
        parts.append(
            f"<b>{esc(it['indicator'])}</b>{who} (rung {it['rung']}, "
            f"{esc(len(it['sources']))} source(s), Δlog-odds {nz(it['log_odds'], 3):+.3f})"
            f"{quotes}<div class=\"meta\">{refs}{esc(more)}</div>")
    return Raw("<br>".join(parts))


def render_credibility(record: CredibilityRecord) -> str:
    """A standalone HTML page for one credibility record."""
    prior = record.prior
    prior_text = (f"Beta({prior['beta'][0]:g}, {prior['beta'][1]:g}) from {prior['kept']} kept "
                  f"and {prior['broken']} broken agreements: mean {nz(prior['mean'], 3):.3f}, "
                  f"interval {nz(prior['interval'][0], 3):.3f}–{nz(prior['interval'][1], 3):.3f}.")
    if prior.get("assumption"):
        prior_text += f" Assumption: {prior['assumption']}"
    quotes = "".join(f"<blockquote>“{esc(q)}”</blockquote>" for q in prior.get("evidence", []))
    moves = [(m["date"], f"{nz(m['before'], 3):.3f}", f"{nz(m['after'], 3):.3f}",
              f"{nz(m['decay_log_odds'], 3):+.3f}", _evidence_cell(m["items"]))
             for m in record.moves]
    lrs = [(k, v["rung"], f"{v['lr']:g}", f"×/÷ {v['spread']:g}", v["basis"])
           for k, v in sorted(record.likelihood_ratios.items(), key=lambda kv: kv[1]["rung"])]
    factions = [(f["faction"],
                 f"{nz(f['prior']['sincere'], 3):.3f} → {nz(f['final']['sincere'], 3):.3f}",
                 f"{nz(f['prior']['constrained'], 3):.3f} → {nz(f['final']['constrained'], 3):.3f}",
                 f"{nz(f['prior']['insincere'], 3):.3f} → {nz(f['final']['insincere'], 3):.3f}")
                for f in record.factions]
    sections = [
        *("<h2>Timeline</h2>" + chart(c) for c in credibility_charts(record)),
        f"<h2>Prior</h2><p>{esc(prior_text)}</p>{quotes}",
        "<h2>What moved the belief</h2>"
        + table(["date", "before", "after", "decay", "evidence"], moves, numeric=(1, 2, 3)),
        *(["<h2>Factions: insincere, or sincere but constrained?</h2><p>Three types (Putnam "
            "1988; Tsebelis 2002): the leadership's signals move 'sincere' and 'sincere but "
            "constrained' together against 'insincere'; signals attributed to the faction "
            "count against 'sincere and unconstrained' only. Prior → last date.</p>"
            + table(["faction", "sincere, unconstrained", "sincere but constrained",
                     "insincere"], factions)] if factions else []),
        "<h2>Likelihood ratios</h2><p>LR = P(signal | sincere) / P(signal | insincere); "
        "spread is the one-sigma multiplicative uncertainty used for the interval.</p>"
        + table(["indicator", "rung", "LR", "spread", "basis"], lrs, numeric=(1, 2)),
    ]
    return page(f"Signals: credibility of {record.actor}", sections,
                provenance_line(record.provenance))
