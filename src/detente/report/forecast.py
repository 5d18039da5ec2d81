"""HTML report of stakeholder forecasts: the input table, each model's forecast, Monte Carlo
intervals and round-by-round trajectories (inline SVG)."""

from __future__ import annotations

from typing import Any

import numpy as np

from detente.report.base import esc, figure, page, table, use_agg


def _trajectory_figure(model: str, dim: str, traj: np.ndarray, actors: tuple[str, ...],
                       predicted: np.ndarray | None) -> Any:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    rounds = np.arange(traj.shape[0])
    for i, name in enumerate(actors):
        ax.plot(rounds, traj[:, i], lw=1, alpha=0.7, label=name if len(actors) <= 12 else None)
    if predicted is not None:
        ax.plot(rounds, predicted, lw=2.5, color="black", label="forecast")
    ax.set_xlabel("round")
    ax.set_ylabel(dim)
    ax.set_title(f"{model}: positions by round")
    if len(actors) <= 12:
        ax.legend(fontsize=7, ncol=2, loc="best")
    fig.tight_layout()
    return fig


def forecast_report(record: dict[str, Any], title: str, meta: str = "") -> str:
    """A standalone HTML page from a forecast record (see ``ForecastRun.record``)."""
    use_agg()
    t = record["table"]
    dims = t["dimensions"]
    sections = []
    head = ["actor", "capability"] + [f"{d} position" for d in dims] + [f"{d} salience"
                                                                         for d in dims]
    rows = [[a, f"{t['capability'][i]:g}"] + [f"{v:g}" for v in t["position"][i]]
            + [f"{v:.2f}" for v in t["salience"][i]] for i, a in enumerate(t["actors"])]
    sections.append("<h2>Stakeholders</h2>" + table(head, rows, numeric=range(1, len(head))))
    if t["warnings"]:
        sections.append("<p class='bad'>" + "<br>".join(esc(w) for w in t["warnings"]) + "</p>")
    rows = [[f["model"], f["rounds"] or "–"] + [f"{v:.2f}" for v in f["position"]]
            for f in record["forecasts"]]
    sections.append("<h2>Forecasts</h2>" + table(["model", "rounds"] + dims, rows,
                                                numeric=range(1, 2 + len(dims))))
    if record.get("monte_carlo"):
        rows = []
        for m in record["monte_carlo"]:
            q = m["quantiles"]
            for k, d in enumerate(dims):
                rows.append([m["model"], d, m["draws"], f"{q['p05'][k]:.2f}",
                             f"{q['p50'][k]:.2f}", f"{q['p95'][k]:.2f}", f"{m['mean'][k]:.2f}"])
        sections.append("<h2>Monte Carlo over input ranges</h2>" + table(
            ["model", "dimension", "draws", "5 %", "median", "95 %", "mean"], rows,
            numeric=range(2, 7)))
    figs = []
    for f in record["forecasts"]:
        if f["trajectory"] is None:
            continue
        traj = np.asarray(f["trajectory"])
        pred = None if f["predicted_by_round"] is None else np.asarray(f["predicted_by_round"])
        for k, d in enumerate(dims):
            fig = _trajectory_figure(f["model"], d, traj[:, :, k], tuple(t["actors"]),
                                     None if pred is None else pred[:, k])
            figs.append(figure(fig, f"{f['model']}: each actor's position on {d} by round; "
                                    "black = the model's forecast after that round"))
    if figs:
        sections.append("<h2>Trajectories</h2><div class='grid'>" + "".join(figs) + "</div>")
    return page(title, sections, meta)


def bridge_section(rec: dict[str, Any]) -> str:
    """HTML section: per issue the compromise and Nash points, the interval and the deal
    analysis's Nash package (``detente.forecasts.bridge.Bridge.record``)."""
    rows = []
    for r in rec["issues"]:
        lo, hi = r["interval80"]
        deal = ("–" if r["deal_nash_option"] is None
                else f"{r['deal_nash_option']} ({r['deal_nash_position']:g})")
        rows.append([r["issue"], f"{r['compromise']:.1f}", f"{r['nash']:.1f}",
                     f"{lo:.1f}–{hi:.1f}", r["nash_option"], deal,
                     "–" if r["gap"] is None else f"{r['gap']:.1f}", r["traded_by"] or ""])
    return (f"<h2>Forecasts beside the deal analysis ({esc(rec['deal'])})</h2>"
            + table(["issue", "compromise", "Nash", "Nash 80 % interval", "forecast option",
                     "deal's Nash package", "gap", "moved towards"], rows,
                    numeric=(1, 2, 6))
            + f"<p>Interval: 10–90 % of {rec['draws']} Monte Carlo draws over the scenario's "
              f"input ranges (seed {rec['seed']}).</p><p>{esc(rec['explanation'])}</p>")
