"""HTML report of a backtest record: errors by subgroup, predictive scores, the paired
bootstrap against the compromise model, and the reliability diagram of the intervals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from detente.records.output import nz
from detente.report.base import chart, display_path, esc, page, table
from detente.report.charts import backtest as backtest_charts

if TYPE_CHECKING:  # pragma: no cover
    from detente.forecasts.records import BacktestRecord


def backtest_report(record: BacktestRecord, meta: str = "") -> str:
    """A standalone HTML page from a backtest record."""
    models = record.models
    files = record.provenance.options.get("files", {})
    sections = []
    if files:
        rows = [[role, display_path(f["path"]), f["sha256"][:16] + "…"]
                for role, f in files.items()]
        sections.append("<h2>Files</h2>" + table(["role", "file", "SHA-256"], rows))
    for w in record.warnings:
        sections.append(f"<p class='bad'>{esc(w)}</p>")
    rows = [[label, row["n"]] + [f"{nz(row['mae'][m], 2):.2f}" for m in models]
            for label, row in record.breakdown.items()]
    sections.append("<h2>Mean absolute error (0–100)</h2>"
                    + table(["issues", "n", *models], rows, numeric=range(1, 2 + len(models))))
    scores = record.breakdown["all"]["scores"]
    rows = [[m, f"{nz(scores[m]['mae'], 2):.2f}", f"{nz(scores[m]['crps'], 2):.2f}",
             f"{nz(100 * scores[m]['coverage50'], 1):.1f} %",
             f"{nz(100 * scores[m]['coverage80'], 1):.1f} %"]
            for m in models]
    sections.append("<h2>Predictive distributions</h2><p>Forecast plus the residuals of the "
                    "same model on the fit data, clipped to 0–100. Targets: 50 % and 80 % of "
                    "outcomes inside the 50 % and 80 % intervals.</p>"
                    + table(["model", "MAE", "CRPS", "50 % covers", "80 % covers"], rows,
                            numeric=range(1, 5)))
    boot = record.bootstrap_vs_compromise
    if boot:
        rows = [[m, f"{nz(b['mae_difference'], 2):+.2f}", f"{nz(b['lower'], 2):+.2f}",
                 f"{nz(b['upper'], 2):+.2f}"]
                for m, b in boot.items()]
        sections.append("<h2>MAE minus the compromise model's (paired bootstrap over "
                        "proposals)</h2>" + table(["model", "difference", "lower", "upper"],
                                                  rows, numeric=range(1, 4)))
    for c in backtest_charts.record_charts(record):
        sections.append("<h2>Reliability of the intervals</h2>" + chart(c))
    if record.fitted:
        rows = [[m, esc(str(p))] for m, p in record.fitted.items()]
        sections.append("<h2>Fitted parameters</h2>" + table(["model", "parameters"], rows))
    return page("Backtest", sections, meta)
