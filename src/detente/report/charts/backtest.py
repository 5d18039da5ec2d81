"""Chart of a backtest record (:mod:`detente.forecasts.backtest`): the reliability of each
model's central predictive intervals — the share of outcomes inside against the nominal level
(Gneiting, Balabdaoui and Raftery 2007, "Probabilistic forecasts, calibration and sharpness",
JRSS B 69(2))."""

from __future__ import annotations

from typing import Any

from detente.report.charts.spec import ChartSpec, num, unit_scale, vega_lite


def reliability(record: dict[str, Any]) -> ChartSpec | None:
    """Coverage of each model's central interval by nominal level; the dashed diagonal is
    perfect calibration, the green box the 75–85 % target for 80 % intervals."""
    rel = record.get("reliability") or {}
    if not rel.get("coverage"):
        return None
    levels = rel["levels"]
    rows = [{"model": m, "level": num(lv), "coverage": num(c)}
            for m, cov in rel["coverage"].items() for lv, c in zip(levels, cov, strict=True)]
    x = {"field": "level", "type": "quantitative", "scale": unit_scale(),
         "title": "nominal coverage of the central interval"}
    y = {"field": "coverage", "type": "quantitative", "scale": unit_scale(),
         "title": "share of outcomes inside"}
    body = {"width": 320, "height": 300, "layer": [
        {"data": {"name": "target"}, "mark": {"type": "rect", "color": "green",
                                              "opacity": 0.15},
         "encoding": {"x": {**x, "field": "x0"}, "x2": {"field": "x1"},
                      "y": {**y, "field": "y0"}, "y2": {"field": "y1"},
                      "tooltip": [{"field": "what"}]}},
        {"data": {"name": "diagonal"}, "mark": {"type": "line", "strokeDash": [5, 3],
                                                "color": "grey"},
         "encoding": {"x": x, "y": y}},
        {"data": {"name": "coverage"}, "mark": {"type": "line", "point": True},
         "encoding": {"x": x, "y": y,
                      "color": {"field": "model", "type": "nominal", "title": "model",
                                "scale": {"domain": list(rel["coverage"]),
                                          "scheme": "category10"}},
                      "tooltip": [{"field": "model"}, {"field": "level", "format": ".2f"},
                                  {"field": "coverage", "format": ".3f"}]}}]}
    datasets = {"coverage": rows,
                "diagonal": [{"level": 0, "coverage": 0}, {"level": 1, "coverage": 1}],
                "target": [{"x0": 0.75, "x1": 0.85, "y0": 0.75, "y1": 0.85,
                            "what": "target: 75–85 % of outcomes inside the 80 % interval"}]}
    return ChartSpec("interval-reliability", "Reliability of the intervals",
                     "Share of outcomes inside each model's central interval against the "
                     "interval's nominal level; on the diagonal = calibrated, the green box = "
                     "the 75–85 % target for 80 % intervals.", vega_lite(body, datasets),
                     fallback="coverage", tags=("backtest",))


def charts(record: dict[str, Any]) -> list[ChartSpec]:
    """Every chart of a backtest record."""
    c = reliability(record)
    return [] if c is None else [c]


def record_charts(record: Any) -> list[ChartSpec]:
    """The charts of a :class:`~detente.forecasts.records.BacktestRecord`."""
    return charts(record.model_dump(mode="json"))
