"""HTML report of a commitment evaluation: reliability diagram, scored table with intervals,
paired differences, targets, unknown outcomes and every forecast."""

from __future__ import annotations

from typing import Any

from detente.report.base import Raw, esc, figure, page, table, use_agg

_COLOURS = {"model": "#1f77b4", "constant": "#888888", "per_side": "#ff7f0e"}


def reliability_figure(record: dict[str, Any]) -> str:
    """Observed frequency of kept commitments against the mean forecast, per bin and model
    (marker area ~ count); the diagonal is perfect calibration."""
    use_agg()
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.2, 5.0))
    ax.plot([0, 1], [0, 1], color="#bbb", lw=1, ls="--", label="perfect calibration")
    for name, bins in record["reliability"].items():
        if not bins:
            continue
        x = [b["mean_p"] for b in bins]
        y = [b["observed"] for b in bins]
        ax.plot(x, y, marker="o", color=_COLOURS.get(name), lw=1,
                label=record["labels"].get(name, name))
        ax.scatter(x, y, s=[12 * b["n"] for b in bins], color=_COLOURS.get(name), alpha=0.3)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("forecast P(kept)")
    ax.set_ylabel("observed share kept")
    ax.legend(loc="upper left", fontsize=8)
    return figure(fig, "Reliability diagram (10 equal-width bins; marker area ~ commitments in "
                       "the bin).")


def _cell(s: dict[str, Any]) -> str:
    lo, hi = s["interval"]
    return f"{s['value']:.3f} [{lo:.3f}, {hi:.3f}]"


def _score_rows(record: dict[str, Any]) -> list[list[object]]:
    sc = record["scores"]
    rows: list[list[object]] = []
    for name, s in sc["models"].items():
        rows.append([record["labels"].get(name, name), _cell(s["brier"]), _cell(s["log_loss"]),
                     _cell(s["auc"])])
    for name, s in sc["differences"]["minus"].items():
        rows.append([f"M − {record['labels'].get(name, name)}", _cell(s["brier"]),
                     _cell(s["log_loss"]), _cell(s["auc"])])
    return rows


def _targets(record: dict[str, Any]) -> str:
    t = record.get("targets") or {}
    parts = []
    for name, ok in t.items():
        cls = "ok" if ok else "bad"
        parts.append(f'<li><span class="{cls}">{"met" if ok else "not met"}</span>: '
                     f"{esc(name.replace('_', ' '))}</li>")
    return "<ul>" + "".join(parts) + "</ul>"


def render_evaluation(record: dict[str, Any]) -> str:
    """A standalone HTML page for one evaluation record."""
    sc = record["scores"]
    unk = record["unknown"]
    head = (f"{record['n']} commitments; {record['scored']} scored ({record['kept']} kept, "
            f"{record['broken']} broken); {unk['n']} with unknown outcome, never scored "
            f"(mean forecast {unk['mean_p_model']:.3f})." if unk["n"] else
            f"{record['n']} commitments, all scored.")
    sections = [f"<p>{esc(head)} Protocol: {esc(record['protocol'])}; rolling origin, each "
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
            "<h2>Reliability</h2>" + reliability_figure(record),
        ]
    rows = [(r["announced"], r["id"], r["announced_by"], r["kind"], r["outcome"],
             f"{r['model']:.3f}", f"{r['constant']:.3f}", f"{r['per_side']:.3f}",
             Raw(f'<a href="{esc(r["source"])}">source</a>' if r["source"].startswith("http")
                 else esc(r["source"])))
            for r in record["forecasts"]]
    sections.append("<h2>Forecasts</h2>" + table(
        ["announced", "id", "side", "kind", "outcome", "M", "B1", "B2", "source"], rows,
        numeric=(5, 6, 7)))
    prov = record["provenance"]
    meta = (f"detente {prov['version']} · {prov['analysis']} · seed {prov['seed']} · "
            f"inputs sha256 {prov['inputs_sha256'][:16]}… · {prov.get('created') or ''}")
    return page("Signals: do commitments get kept? Out-of-sample evaluation", sections, meta)
