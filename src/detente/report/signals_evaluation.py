"""HTML report of a commitment evaluation: reliability diagram, scored table with intervals,
paired differences, targets, unknown outcomes and every forecast."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from detente.records.output import fixed, nz
from detente.report.base import Raw, chart, display_path, esc, page, provenance_line, table
from detente.report.charts.signals import evaluation_charts

if TYPE_CHECKING:  # pragma: no cover
    from detente.signals.evaluate import EvaluationRecord


def _cell(s: dict[str, Any]) -> str:
    lo, hi = s["interval"]
    return f"{nz(s['value'], 3):.3f} [{nz(lo, 3):.3f}, {nz(hi, 3):.3f}]"


def _score_rows(record: EvaluationRecord) -> list[list[object]]:
    sc = record.scores or {}
    rows: list[list[object]] = []
    for name, s in sc["models"].items():
        rows.append([record.labels.get(name, name), _cell(s["brier"]), _cell(s["log_loss"]),
                     _cell(s["auc"])])
    for name, s in sc["differences"]["minus"].items():
        rows.append([f"M − {record.labels.get(name, name)}", _cell(s["brier"]),
                     _cell(s["log_loss"]), _cell(s["auc"])])
    return rows


def _targets(record: EvaluationRecord) -> str:
    t = record.targets or {}
    parts = []
    for name, ok in t.items():
        cls = "ok" if ok else "bad"
        parts.append(f'<li><span class="{cls}">{"met" if ok else "not met"}</span>: '
                     f"{esc(name.replace('_', ' '))}</li>")
    return "<ul>" + "".join(parts) + "</ul>"


def render_evaluation(record: EvaluationRecord) -> str:
    """A standalone HTML page for one evaluation record."""
    sc = record.scores
    unk = record.unknown
    head = (f"{record.n} commitments; {record.scored} scored ({record.kept} kept, "
            f"{record.broken} broken); {unk['n']} with unknown outcome, never scored "
            f"(mean forecast {nz(unk['mean_p_model'], 3):.3f})." if unk["n"] else
            f"{record.n} commitments, all scored.")
    sections = [f"<p>{esc(head)} Protocol: {esc(record.protocol)}; rolling origin, each "
                "forecast from what was resolved before its announcement.</p>"]
    if sc:
        sections += [
            "<h2>Scores</h2><p>Brier and log-loss: lower is better; AUC: higher is better. "
            f"Intervals: {round(100 * sc['level'])}% percentile bootstrap over commitments "
            f"({sc['resamples']} resamples); differences are paired (negative Brier or "
            "log-loss differences favour M).</p>"
            + table(["forecast", "Brier", "log-loss", "AUC"], _score_rows(record),
                    numeric=(1, 2, 3)),
            "<h2>Targets</h2>" + _targets(record),
            *("<h2>Reliability</h2>" + chart(c) for c in evaluation_charts(record)),
        ]
    rows = [(r["announced"], r["id"], r["announced_by"], r["kind"], r["outcome"],
             fixed(r["model"], 3), fixed(r["constant"], 3), fixed(r["per_side"], 3),
             Raw(f'<a href="{esc(r["source"])}">source</a>' if r["source"].startswith("http")
                 else esc(display_path(r["source"]))))
            for r in record.forecasts]
    sections.append("<h2>Forecasts</h2>" + table(
        ["announced", "id", "side", "kind", "outcome", "M", "B1", "B2", "source"], rows,
        numeric=(5, 6, 7)))
    return page("Signals: do commitments get kept? Out-of-sample evaluation", sections,
                provenance_line(record.provenance))
