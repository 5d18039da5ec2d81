"""Charts of the negotiation window (:class:`detente.war.analysis.WarAnalysis`): the share of
simulated paths with a bargaining range, a ratifiable range and a self-enforcing settlement by
month with 95 % Wilson intervals (Fearon 1995; Putnam 1988; Powell 2006), the package ZOPA over
the scenario's packages, and the fans of the battlefield odds and of the least guarantee g*."""

from __future__ import annotations

from typing import Any

from detente.report.charts.spec import ChartSpec, num, unit_scale, vega_lite
from detente.war.analysis import ProportionRecord, WarAnalysis

_COLOURS = {"bargaining range exists": "#1f77b4", "win-sets overlap (ratifiable)": "#2ca02c",
            "self-enforcing with the guarantee": "#9467bd",
            "package ZOPA non-empty": "#ff7f0e",
            "ratifiable package ZOPA non-empty": "#8c564b"}


def _series(a: WarAnalysis) -> list[tuple[str, ProportionRecord]]:
    w, pk = a.window, a.packages
    out = [("bargaining range exists", w.range_exists),
           ("win-sets overlap (ratifiable)", w.ratifiable),
           ("self-enforcing with the guarantee", w.self_enforcing)]
    if pk is not None:
        out.append(("package ZOPA non-empty", pk.zopa))
        if pk.ratification:
            out.append(("ratifiable package ZOPA non-empty", pk.zopa_ratified))
    return out


def window_chart(a: WarAnalysis) -> ChartSpec:
    """Per month, the probability of each window condition with its 95 % interval (band)."""
    series = _series(a)
    rows = [{"series": name, "month": m, "label": a.month_labels[m], "mean": num(rec.mean[m]),
             "low": num(rec.low[m]), "high": num(rec.high[m]), "se": num(rec.se[m])}
            for name, rec in series for m in range(a.months + 1)]
    names = [n for n, _ in series]
    colour = {"field": "series", "type": "nominal", "title": None,
              "scale": {"domain": names, "range": [_COLOURS[n] for n in names]},
              "legend": {"symbolOpacity": 1}}
    x = {"field": "month", "type": "quantitative", "title": f"month (0 = {a.month_labels[0]})",
         "scale": {"nice": False}, "axis": {"tickMinStep": 1, "format": "d"}}
    tip = [{"field": "series"}, {"field": "label", "title": "month"},
           {"field": "mean", "title": "probability", "format": ".3f"},
           {"field": "low", "title": "95 % low", "format": ".3f"},
           {"field": "high", "title": "95 % high", "format": ".3f"}]
    body = {"width": 560, "height": 260, "data": {"name": "window"}, "layer": [
        {"mark": {"type": "area", "opacity": 0.22},
         "encoding": {"x": x, "y": {"field": "low", "type": "quantitative",
                                    "scale": unit_scale(), "title": "probability across paths"},
                      "y2": {"field": "high"}, "color": colour}},
        {"mark": {"type": "line", "point": {"size": 14}},
         "encoding": {"x": x, "y": {"field": "mean", "type": "quantitative"}, "color": colour,
                      "tooltip": tip}}]}
    pk = a.packages
    extra = ("" if pk is None else " Orange: share of a seeded subsample of paths on which some "
             "package of the scenario gives every veto player at least its value of fighting on "
             "(the package ZOPA)." + (" Brown: some package also clears every veto player's "
                                      "domestic ratification threshold (Putnam 1988)."
                                      if pk.ratification else ""))
    return ChartSpec("window", "The negotiation window",
                     "The negotiation window: share of simulated paths on which a bargaining "
                     "range exists, on which it survives domestic ratification, and on which a "
                     "settlement would be self-enforcing after a truce; bands: 95 % Wilson "
                     "intervals (Monte Carlo error)." + extra,
                     vega_lite(body, {"window": rows}), tags=("window",))


def _fan_rows(a: WarAnalysis, q: list[list[float]]) -> tuple[list[dict[str, Any]],
                                                             list[dict[str, Any]]]:
    qs = a.window.quantiles
    outer = f"{100 * qs[0]:g}–{100 * qs[-1]:g} %"
    inner = f"{100 * qs[1]:g}–{100 * qs[-2]:g} %"
    mid = len(q) // 2
    bands = [{"band": name, "month": m, "label": a.month_labels[m], "low": num(q[lo][m]),
              "high": num(q[hi][m])}
             for name, lo, hi in ((outer, 0, -1), (inner, 1, -2)) for m in range(a.months + 1)]
    median = [{"line": "median", "month": m, "label": a.month_labels[m],
               "value": num(q[mid][m])} for m in range(a.months + 1)]
    return bands, median


def _span(bands: list[dict[str, Any]], rule: dict[str, Any] | None) -> list[float]:
    """The y extent of a fan: every band edge and the rule (the areas' y2 is not in the
    scale's domain otherwise)."""
    values = [v for b in bands for v in (b["low"], b["high"]) if v is not None]
    if rule is not None and rule["value"] is not None:
        values.append(rule["value"])
    return [min(values, default=0.0), max(values, default=1.0)]


def _fan(a: WarAnalysis, q: list[list[float]], colour: str, y_title: str,
         rule: dict[str, Any] | None, unit: bool = False) -> dict[str, Any]:
    """A fan chart: the outer and inner quantile bands and the median line (spec)."""
    bands, median = _fan_rows(a, q)
    x = {"field": "month", "type": "quantitative", "title": "month", "scale": {"nice": False},
         "axis": {"tickMinStep": 1, "format": "d"}}
    names = list(dict.fromkeys(b["band"] for b in bands))
    layers: list[dict[str, Any]] = [
        {"data": {"name": "bands"}, "mark": {"type": "area", "color": colour},
         "encoding": {"x": x, "y": {"field": "low", "type": "quantitative", "title": y_title,
                                    "scale": unit_scale() if unit else {
                                        "domain": _span(bands, rule), "nice": True}},
                      "y2": {"field": "high"},
                      "opacity": {"field": "band", "type": "ordinal", "title": "across paths",
                                  "scale": {"domain": names, "range": [0.15, 0.35]}},
                      "tooltip": [{"field": "band"}, {"field": "label", "title": "month"},
                                  {"field": "low", "format": ".3f"},
                                  {"field": "high", "format": ".3f"}]}},
        {"data": {"name": "median"}, "mark": {"type": "line", "color": colour},
         "encoding": {"x": x, "y": {"field": "value", "type": "quantitative"},
                      "tooltip": [{"field": "label", "title": "month"},
                                  {"field": "value", "title": "median", "format": ".3f"}]}}]
    if rule is not None:
        layers.append({"data": {"name": "rule"}, "mark": {"type": "rule", "strokeDash": [5, 3],
                                                          "color": "#000"},
                       "encoding": {"y": {"field": "value", "type": "quantitative"},
                                    "tooltip": [{"field": "name"},
                                                {"field": "value", "format": ".3f"}]}})
    datasets = {"bands": bands, "median": median, **({"rule": [rule]} if rule else {})}
    return vega_lite({"width": 380, "height": 220, "layer": layers}, datasets)


def fans(a: WarAnalysis) -> list[ChartSpec]:
    """The battlefield odds p and the least guarantee g* across paths by month."""
    w = a.window
    p = _fan(a, w.p, "#d62728", f"P({a.side_a} wins)", None, unit=True)
    g_rule = {"name": "guarantee in the model", "value": num(a.snapshot.guarantee)}
    g = _fan(a, w.guarantee, "#9467bd", "least guarantee g*", g_rule)
    return [ChartSpec("battlefield-odds", "Battlefield odds p",
                      f"A's ({a.side_a}) chance of winning the stake across paths: median and "
                      "bands of the quantiles.", p, tags=("window",)),
            ChartSpec("least-guarantee", "Least guarantee g* that removes preventive war",
                      f"The least guarantee g* (stake units: what guarantors add to "
                      f"{a.side_a}'s post-shift chance) that keeps {a.side_a} from preventive "
                      f"war if a truce lets {a.side_b} regroup (Powell 2006); above the dashed "
                      "line the guarantors' g is too weak.", g,
                      tags=("window",))]


def charts(a: WarAnalysis) -> list[ChartSpec]:
    """Every chart of a window analysis, in report order."""
    return [window_chart(a), *fans(a)]
