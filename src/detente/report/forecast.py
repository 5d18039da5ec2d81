"""HTML report of stakeholder forecasts: the input table, each model's forecast, Monte Carlo
intervals and round-by-round trajectories (charts from :mod:`detente.report.charts.forecast`).
For a scenario issue the report names the issue and labels positions with the options."""

from __future__ import annotations

from typing import Any

from detente.records.output import fixed
from detente.report.base import chart, esc, page, table
from detente.report.charts import forecast as forecast_charts


def _labelled(rec: dict[str, Any], position: float) -> str:
    """A position with the option placed there (scenario issues), else the number."""
    labels = dict(forecast_charts.option_labels(rec))
    label = labels.get(float(position))
    return f"{position:g}" + (f" ({label})" if label else "")


def _nearest_label(rec: dict[str, Any], option: str | None) -> str:
    for o in (rec.get("issue") or {}).get("options", []):
        if o["id"] == option:
            return o["label"] if o["label"] == o["id"] else f"{o['label']} ({o['id']})"
    return option or "–"


def issue_sections(rec: dict[str, Any], h: str = "h2") -> list[str]:
    """The sections of one issue's forecast record, headed with ``h`` elements."""
    t = rec["table"]
    dims = t["dimensions"]
    names = ([forecast_charts.issue_title(rec)] if rec.get("issue") and len(dims) == 1
             else dims)
    sections = []
    head = ["actor", "capability"] + [f"{d} position" for d in names] + [
        f"{d} salience" for d in names]
    rows = [[a, f"{t['capability'][i]:g}"] + [_labelled(rec, v) for v in t["position"][i]]
            + [fixed(v, 2) for v in t["salience"][i]] for i, a in enumerate(t["actors"])]
    sections.append(f"<{h}>Stakeholders</{h}>" + table(head, rows, numeric=[1]))
    if t["warnings"]:
        sections.append("<p class='bad'>" + "<br>".join(esc(w) for w in t["warnings"]) + "</p>")
    scenario = rec.get("issue") is not None
    rows = [[f["model"], f["rounds"] or "–"] + [fixed(v, 2) for v in f["position"]]
            + ([_nearest_label(rec, f.get("nearest_option"))] if scenario else [])
            for f in rec["forecasts"]]
    sections.append(f"<{h}>Forecasts</{h}>" + table(
        ["model", "rounds", *names, *(["nearest option"] if scenario else [])], rows,
        numeric=range(1, 2 + len(dims))))
    if rec.get("monte_carlo"):
        rows = []
        for m in rec["monte_carlo"]:
            q = m["quantiles"]
            for k, d in enumerate(names):
                rows.append([m["model"], d, m["draws"], fixed(q["p05"][k], 2),
                             fixed(q["p50"][k], 2), fixed(q["p95"][k], 2),
                             fixed(m["mean"][k], 2)])
        sections.append(f"<{h}>Monte Carlo over input ranges</{h}>" + table(
            ["model", "issue" if scenario else "dimension", "draws", "5 %", "median", "95 %",
             "mean"], rows, numeric=range(2, 7)))
    figs = [chart(c) for c in forecast_charts.charts(rec)]
    if figs:
        sections.append(f"<{h}>Trajectories</{h}><div class='grid'>" + "".join(figs)
                        + "</div>")
    return sections


def forecast_report(record: dict[str, Any], title: str, meta: str = "") -> str:
    """A standalone HTML page from one issue's forecast record (see ``ForecastRun.record``)."""
    return page(title, issue_sections(record), meta)


def render(record: Any, source: str) -> str:
    """The HTML report of a :class:`~detente.forecasts.records.ForecastRecord`: one issue on its
    own page; several issues (and the bridge to the deal analysis) under one heading each."""
    records, bridge_record = record.issues, record.bridge
    meta = f"detente forecast {source}"
    if len(records) == 1 and bridge_record is None:
        rec = records[0]
        name = forecast_charts.issue_title(rec)
        return forecast_report(rec, f"Forecast: {name}", meta=meta)
    parts = [bridge_section(bridge_record)] if bridge_record is not None else []
    for rec in records:
        parts.append(f"<h2>{esc(forecast_charts.issue_title(rec))}</h2>"
                     + "".join(issue_sections(rec, "h3")))
    return page(f"Forecasts: {source}", parts, meta=meta)


def bridge_section(rec: dict[str, Any]) -> str:
    """HTML section: per issue the compromise and Nash points, the interval and the deal
    analysis's Nash package (``detente.forecasts.bridge.Bridge.record``)."""
    rows = []
    for r in rec["issues"]:
        lo, hi = r["interval80"]
        deal = ("–" if r["deal_nash_option"] is None
                else f"{r['deal_nash_option']} ({r['deal_nash_position'] + 0.0:g})")
        rows.append([r["issue"], fixed(r['compromise'], 1), fixed(r['nash'], 1),
                     f"{fixed(lo, 1)}–{fixed(hi, 1)}", r["nash_option"], deal,
                     "–" if r["gap"] is None else fixed(r['gap'], 1), r["traded_by"] or ""])
    return (f"<h2>Forecasts beside the deal analysis ({esc(rec['deal'])})</h2>"
            + table(["issue", "compromise", "Nash", "Nash 80 % interval", "forecast option",
                     "deal's Nash package", "gap", "moved towards"], rows,
                    numeric=(1, 2, 6))
            + f"<p>Interval: 10–90 % of {rec['draws']} Monte Carlo draws over the scenario's "
              f"input ranges (seed {rec['seed']}).</p><p>{esc(rec['explanation'])}</p>")
