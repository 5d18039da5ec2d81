"""Charts of a timeline (:class:`detente.deals.timeline.Timeline`): how the zone of possible
agreement (Raiffa 1982, *The Art and Science of Negotiation*) and each veto player's BATNA and
Nash-package utility (Nash 1950) moved from one dated scenario to the next."""

from __future__ import annotations

from typing import Any

from detente.deals.timeline import Timeline
from detente.report.charts.spec import ChartSpec, num, unit_scale, vega_lite

SHARE, PROB = "share of packages in the ZOPA", "P(ZOPA non-empty) over draws"


def zopa(t: Timeline) -> ChartSpec:
    """The share of packages in the ZOPA and P(ZOPA non-empty) with its 95 % interval, by
    date (a series is drawn only when every date has it)."""
    rows: list[dict[str, Any]] = []
    if all(p.zopa_share is not None for p in t.points):
        rows += [{"date": str(p.date), "scenario": p.scenario, "series": SHARE,
                  "value": num(p.zopa_share), "low": None, "high": None} for p in t.points]
    if all(p.p_zopa_nonempty is not None for p in t.points):
        for p in t.points:
            v, se = float(p.p_zopa_nonempty or 0.0), float(p.p_zopa_se or 0.0)
            rows.append({"date": str(p.date), "scenario": p.scenario, "series": PROB,
                         "value": num(v), "low": num(max(0.0, v - 1.96 * se)),
                         "high": num(min(1.0, v + 1.96 * se))})
    x = {"field": "date", "type": "temporal", "title": None}
    y = {"field": "value", "type": "quantitative", "scale": unit_scale(),
         "title": "share / probability"}
    colour = {"field": "series", "type": "nominal", "title": None,
              "scale": {"domain": [SHARE, PROB], "range": ["#1a9850", "#1f4e99"]}}
    tip = [{"field": "scenario"}, {"field": "date", "type": "temporal"}, {"field": "series"},
           {"field": "value", "format": ".3f"}, {"field": "low", "title": "95 % low",
                                                 "format": ".3f"},
           {"field": "high", "title": "95 % high", "format": ".3f"}]
    body = {"width": 460, "height": 240, "data": {"name": "zopa"}, "layer": [
        {"mark": {"type": "line", "point": True},
         "encoding": {"x": x, "y": y, "color": colour, "tooltip": tip}},
        {"transform": [{"filter": "datum.low != null"}], "mark": "rule",
         "encoding": {"x": x, "y": {"field": "low", "type": "quantitative"},
                      "y2": {"field": "high"}, "color": colour}}]}
    return ChartSpec("timeline-zopa", "The ZOPA by date",
                     "The zone of possible agreement by date: the share of all packages every "
                     "veto player prefers to fighting on, and the probability that at least one "
                     "exists under the uncertain inputs (rules: 95 % interval).",
                     vega_lite(body, {"zopa": rows}), fallback="zopa", tags=("timeline",))


def batnas(t: Timeline) -> ChartSpec:
    """Each veto player's reservation value and its utility at the Nash package, by date."""
    rows: list[dict[str, Any]] = []
    for p in t.points:
        for a in t.veto_players:
            rows.append({"date": str(p.date), "scenario": p.scenario, "actor": a,
                         "what": "BATNA", "utility": num(p.reservation.get(a))})
            if p.nash_utilities:
                rows.append({"date": str(p.date), "scenario": p.scenario, "actor": a,
                             "what": "at the Nash package",
                             "utility": num(p.nash_utilities.get(a))})
    enc = {"x": {"field": "date", "type": "temporal", "title": None},
           "y": {"field": "utility", "type": "quantitative", "scale": unit_scale(),
                 "title": "utility (own 0–1 scale)"},
           "color": {"field": "actor", "type": "nominal", "title": "veto player",
                     "scale": {"domain": t.veto_players, "scheme": "category10"}},
           "strokeDash": {"field": "what", "type": "nominal", "title": None,
                          "legend": {"symbolType": "stroke", "symbolStrokeWidth": 2},
                          "scale": {"domain": ["BATNA", "at the Nash package"],
                                    "range": [[1, 0], [2, 2]]}},
           "detail": {"field": "what"},
           "tooltip": [{"field": "scenario"}, {"field": "date", "type": "temporal"},
                       {"field": "actor"}, {"field": "what"},
                       {"field": "utility", "format": ".3f"}]}
    body = {"width": 460, "height": 240, "data": {"name": "utilities"},
            "mark": {"type": "line", "point": True}, "encoding": enc}
    return ChartSpec("timeline-batnas", "BATNAs and the Nash package by date",
                     "Each veto player's reservation value (value of no deal, solid) and its "
                     "utility at the Nash bargaining package (dashed), by date.",
                     vega_lite(body, {"utilities": rows}), fallback="utilities",
                     tags=("timeline",))


def charts(t: Timeline) -> list[ChartSpec]:
    """Every chart of a timeline, in report order."""
    return [zopa(t), batnas(t)]
