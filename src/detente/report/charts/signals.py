"""Charts of the signals analyses: the credibility timeline of one actor (the posterior
probability that its signals are sincere, a Bayesian update over costly signals — Fearon 1997,
"Signaling Foreign Policy Interests", JCR 41(1)) with the events that moved it, and the
reliability diagram of a commitment evaluation (Bröcker and Smith 2007, "Increasing the
reliability of reliability diagrams", Weather and Forecasting 22(3))."""

from __future__ import annotations

from typing import Any

from detente.records.output import nz
from detente.report.charts.spec import ChartSpec, num, unit_scale, vega_lite

UP, DOWN = "belief rose", "belief fell"


def _move_row(m: dict[str, Any]) -> dict[str, Any]:
    items = m.get("items", [])
    what = "; ".join(f"{it['indicator']} (Δlog-odds {nz(it['log_odds'], 3):+.3f})"
                     for it in items[:4])
    if len(items) > 4:
        what += f"; +{len(items) - 4} more"
    quote = next((q for it in items for q in it.get("quotes", [])), "")
    return {"date": m["date"], "before": num(m["before"]), "after": num(m["after"]),
            "move": UP if m["after"] >= m["before"] else DOWN, "events": what,
            "quote": quote[:200] + ("…" if len(quote) > 200 else "")}


def credibility_timeline(record: dict[str, Any]) -> ChartSpec:
    """Posterior P(sincere) by date (step line), its interval (band), the prior mean (dashed)
    and a marker per move (up green, down red) whose tooltip names the events behind it."""
    series = [{"date": s["date"], "p": num(s["p"]), "lo": num(s["lo"]), "hi": num(s["hi"])}
              for s in record["series"]]
    moves = [_move_row(m) for m in record["moves"]]
    mass = round(100 * record["interval_mass"])
    x = {"field": "date", "type": "temporal", "title": None}
    y = {"field": "p", "type": "quantitative", "scale": unit_scale(), "title": "P(sincere)"}
    layers: list[dict[str, Any]] = [
        {"data": {"name": "series"}, "mark": {"type": "area", "interpolate": "step-after",
                                               "opacity": 0.2, "color": "#1f77b4"},
         "encoding": {"x": x, "y": {**y, "field": "lo"}, "y2": {"field": "hi"}}},
        {"data": {"name": "series"}, "mark": {"type": "line", "interpolate": "step-after",
                                               "color": "#1f77b4"},
         "encoding": {"x": x, "y": y, "tooltip": [
             {"field": "date", "type": "temporal"}, {"field": "p", "format": ".3f"},
             {"field": "lo", "title": f"{mass} % low", "format": ".3f"},
             {"field": "hi", "title": f"{mass} % high", "format": ".3f"}]}},
        {"data": {"name": "prior"},
         "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#888"},
         "encoding": {"y": {"field": "prior", "type": "quantitative"},
                      "tooltip": [{"field": "prior", "title": "prior mean", "format": ".3f"}]}}]
    if moves:
        layers.append({
            "data": {"name": "moves"},
            "mark": {"type": "point", "filled": True, "size": 60},
            "encoding": {"x": x, "y": {**y, "field": "after"},
                         "shape": {"field": "move", "type": "nominal", "title": "move",
                                   "scale": {"domain": [UP, DOWN],
                                             "range": ["triangle-up", "triangle-down"]}},
                         "color": {"field": "move", "type": "nominal", "title": "move",
                                   "scale": {"domain": [UP, DOWN],
                                             "range": ["#0a7a2f", "#b00020"]}},
                         "tooltip": [{"field": "date", "type": "temporal"},
                                     {"field": "before", "format": ".3f"},
                                     {"field": "after", "format": ".3f"},
                                     {"field": "events", "title": "what moved it"},
                                     {"field": "quote"}]}})
    body = {"width": 620, "height": 240, "layer": layers}
    return ChartSpec("credibility", f"Credibility of {record['actor']}'s signals",
                     f"Posterior probability that {record['actor']}'s signals are sincere, with "
                     f"its {mass} % interval (band) and the prior mean (dashed); markers show "
                     "each move (green up, red down) — hover one for the events behind it.",
                     vega_lite(body, {"series": series, "moves": moves,
                                      "prior": [{"prior": num(record["prior"]["mean"])}]}),
                     fallback="moves",
                     tags=("signals",))


def reliability(bins: dict[str, list[dict[str, Any]]], labels: dict[str, str],
                x_title: str, y_title: str) -> dict[str, Any]:
    """A reliability diagram spec: per model the observed share against the mean forecast per
    bin (marker area ~ count) and the diagonal of perfect calibration."""
    rows = [{"model": labels.get(name, name), "mean_p": num(b["mean_p"]),
             "observed": num(b["observed"]), "n": int(b["n"])}
            for name, bs in bins.items() for b in bs]
    models = list(dict.fromkeys(r["model"] for r in rows))
    x = {"field": "mean_p", "type": "quantitative", "scale": unit_scale(), "title": x_title}
    y = {"field": "observed", "type": "quantitative", "scale": unit_scale(), "title": y_title}
    colour = {"field": "model", "type": "nominal", "title": "forecast",
              "scale": {"domain": models, "scheme": "category10"}}
    tip = [{"field": "model"}, {"field": "mean_p", "title": "mean forecast", "format": ".3f"},
           {"field": "observed", "format": ".3f"}, {"field": "n"}]
    body = {"width": 320, "height": 300, "layer": [
        {"data": {"values": [{"mean_p": 0, "observed": 0}, {"mean_p": 1, "observed": 1}]},
         "mark": {"type": "line", "strokeDash": [5, 3], "color": "#bbb"},
         "encoding": {"x": x, "y": y}},
        {"data": {"name": "bins"}, "mark": {"type": "line", "point": True},
         "encoding": {"x": x, "y": y, "color": colour, "tooltip": tip}},
        {"data": {"name": "bins"}, "mark": {"type": "circle", "opacity": 0.3},
         "encoding": {"x": x, "y": y, "color": colour, "tooltip": tip,
                      "size": {"field": "n", "type": "quantitative", "title": "commitments"}}}]}
    return vega_lite(body, {"bins": rows})


def evaluation_reliability(record: dict[str, Any]) -> ChartSpec | None:
    """Reliability diagram of a commitment evaluation (10 equal-width bins)."""
    if not any(record.get("reliability", {}).values()):
        return None
    spec = reliability(record["reliability"], record.get("labels", {}), "forecast P(kept)",
                       "observed share kept")
    return ChartSpec("reliability", "Reliability",
                     "Reliability diagram (10 equal-width bins; marker area ~ commitments in "
                     "the bin); on the dashed diagonal the forecasts are calibrated.", spec,
                     fallback="bins", tags=("signals",))


def evaluation_charts(record: Any) -> list[ChartSpec]:
    """The charts of an :class:`~detente.signals.evaluate.EvaluationRecord` (the reliability
    diagram, when anything was scored)."""
    rel = evaluation_reliability(record.model_dump(mode="json"))
    return [] if rel is None else [rel]


def credibility_charts(record: Any) -> list[ChartSpec]:
    """The charts of a :class:`~detente.signals.record.CredibilityRecord`."""
    return [credibility_timeline(record.model_dump(mode="json"))]
