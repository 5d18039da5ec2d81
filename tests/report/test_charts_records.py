"""Every chart of every record kind: valid Vega-Lite v5 (the schema of the vendored version and a
headless render with the vendored builds), the numbers in the spec are the record's numbers, the
app-facing surface (``for_record``, ``to_json``, ``assets``) works, and each report is one
self-contained, well-nested page without local paths."""

from __future__ import annotations

import copy
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from chart_checks import STATIC, check_report, render, schema_errors
from detente import api
from detente.report import charts
from detente.report.base import display_path
from detente.report.charts import backtest as backtest_charts
from detente.report.charts import forecast as forecast_charts
from detente.report.charts import sensitivity as sens_charts
from detente.report.charts import signals as signal_charts
from detente.report.charts import timeline as timeline_charts
from detente.report.charts import window as window_charts

LEVELS = [0.1, 0.5, 0.8, 0.9]


def _backtest() -> dict[str, Any]:
    """A small backtest record in the shape ``BacktestRecord`` dumps (two models), with its
    scored file named by an absolute path (which the report must not show)."""
    scores = {m: {"mae": 20.0 + k, "crps": 14.0 + k, "coverage50": 0.48, "coverage80": 0.79}
              for k, m in enumerate(("compromise", "eum"))}
    return {"models": ["compromise", "eum"],
            "provenance": {"options": {"files": {"score": {
                "path": "/home/someone/data/deu3-dev.tsv", "sha256": "ab" * 32}}}},
            "breakdown": {"all": {"n": 40, "mae": {"compromise": 20.0, "eum": 21.0},
                                  "scores": scores}},
            "bootstrap_vs_compromise": {"eum": {"mae_difference": 1.0, "lower": -0.5,
                                                "upper": 2.5}},
            "reliability": {"levels": LEVELS, "coverage": {"compromise": [0.12, 0.47, 0.78, 0.91],
                                                           "eum": [0.08, 0.41, 0.70, 0.84]}},
            "fitted": {}, "warnings": []}


@pytest.fixture(scope="module")
def records() -> dict[str, Any]:
    from detente.signals.commitments import bundled_commitments
    from detente.signals.evaluate import evaluate

    return {
        "sensitivity": api.sensitivity("ru-ua-2024-09", targets=["proposal.istanbul*", "zopa"],
                                       samples=64),
        "window": api.window("ru-ua-2024-09", months=6, paths=400, seed=3),
        "forecast": api.forecast("ru-ua-2024-09", issue="nato"),
        "credibility": api.credibility("RUS", seed=5, draws=500),
        "timeline": api.timeline(["ru-ua-2022-03", "ru-ua-2024-09"], draws=200, seed=3),
        "evaluation": evaluate(bundled_commitments(), store=None, seed=0, resamples=100,
                               prior=None, inputs=["dev"]),
        "backtest": _backtest(),
    }


def _all(records: dict[str, Any]) -> dict[str, charts.ChartSpec]:
    out = {}
    for kind, rec in records.items():
        for c in charts.for_record(rec):
            out[f"{kind}--{c.id}"] = c
    return out


def test_every_record_kind_has_charts(records: dict[str, Any]) -> None:
    specs = _all(records)
    kinds = {k.split("--")[0] for k in specs}
    assert kinds == set(records)
    ids = [c.id for c in charts.for_record(records["window"])]
    assert ids == ["window", "battlefield-odds", "least-guarantee"]


def test_every_spec_validates_against_the_schema(records: dict[str, Any]) -> None:
    bad = {name: errs for name, c in _all(records).items() if (errs := schema_errors(c.spec))}
    assert bad == {}


def test_every_spec_renders_headless(records: dict[str, Any], tmp_path: Path) -> None:
    specs = _all(records)
    out = render({k: c.spec for k, c in specs.items()}, tmp_path)
    assert set(out) == set(specs)
    for name, res in out.items():
        assert res["ok"], (name, res.get("error"))
        assert res["warnings"] == [], (name, res["warnings"])


def test_sensitivity_data(records: dict[str, Any]) -> None:
    t = next(t for t in records["sensitivity"].targets if t.tornado and t.sobol)
    tor, sob = sens_charts.tornado(t), sens_charts.sobol(t)
    assert tor is not None and sob is not None
    rows = tor.dataset("swings")
    assert [r["input"] for r in rows] == [s.input for s in t.tornado[:sens_charts.BARS]]
    top = t.tornado[:sens_charts.BARS]
    assert [r["at_low"] for r in rows] == pytest.approx([s.at_low for s in top], abs=1e-6)
    assert [r["at_high"] for r in rows] == pytest.approx([s.at_high for s in top], abs=1e-6)
    assert tor.dataset("rules")[0]["at"] == pytest.approx(t.base, abs=1e-6)
    total = {r["input"]: r["value"] for r in sob.dataset("indices")
             if r["index"] == "total" and r["kind"] == "input"}
    assert total == pytest.approx({s.input: s.total for s in t.sobol[:sens_charts.BARS]},
                                  abs=1e-6)
    # a target that does not vary has no defined index: no empty chart
    flat = t.model_copy(update={"sobol": [r.model_copy(update={"total": float("nan")})
                                          for r in t.sobol]})
    assert sens_charts.sobol(flat) is None


def test_window_data(records: dict[str, Any]) -> None:
    a = records["window"]
    c = window_charts.window_chart(a)
    got = [r["mean"] for r in c.dataset("window") if r["series"] == "bargaining range exists"]
    assert got == pytest.approx(a.window.range_exists.mean, abs=1e-6)
    high = [r["high"] for r in c.dataset("window") if r["series"].startswith("self-enforcing")]
    assert high == pytest.approx(a.window.self_enforcing.high, abs=1e-6)
    odds, _ = window_charts.fans(a)
    mid = len(a.window.p) // 2
    assert [r["value"] for r in odds.dataset("median")] == pytest.approx(a.window.p[mid],
                                                                          abs=1e-6)


def test_forecast_data_and_option_labels(records: dict[str, Any]) -> None:
    rec = records["forecast"].issues[0]
    eum = next(f for f in rec["forecasts"] if f["model"] == "eum")
    c = forecast_charts.trajectory(rec, eum, 0)
    rows = c.dataset("positions")
    rus = rec["table"]["actors"].index("RUS")
    got = [r["position"] for r in rows if r["actor"] == "RUS"]
    assert got == pytest.approx([step[rus][0] for step in eum["trajectory"]], abs=1e-6)
    assert [r["position"] for r in c.dataset("forecast")] == pytest.approx(
        [p[0] for p in eum["predicted_by_round"]], abs=1e-6)
    axis = c.spec["layer"][0]["encoding"]["y"]["axis"]
    nato = next(i for i in api.load("ru-ua-2024-09").issues if i.id == "nato")
    assert axis["values"] == pytest.approx(nato.positions())
    assert nato.options is not None
    for o in nato.options:
        assert json.dumps(o.label or o.id) in axis["labelExpr"]


def test_credibility_and_timeline_data(records: dict[str, Any]) -> None:
    cred = records["credibility"].model_dump(mode="json")
    c = signal_charts.credibility_timeline(cred)
    assert [r["p"] for r in c.dataset("series")] == pytest.approx(
        [s["p"] for s in cred["series"]], abs=1e-6)
    assert [(r["date"], r["after"]) for r in c.dataset("moves")] == [
        (m["date"], pytest.approx(m["after"], abs=1e-6)) for m in cred["moves"]]
    t = records["timeline"]
    z = timeline_charts.zopa(t)
    prob = [r["value"] for r in z.dataset("zopa") if r["series"] == timeline_charts.PROB]
    assert prob == pytest.approx([p.p_zopa_nonempty for p in t.points], abs=1e-6)
    b = timeline_charts.batnas(t)
    a = t.veto_players[0]
    got = [r["utility"] for r in b.dataset("utilities") if r["actor"] == a
           and r["what"] == "BATNA"]
    assert got == pytest.approx([p.reservation[a] for p in t.points], abs=1e-6)


def test_reliability_data(records: dict[str, Any]) -> None:
    ev = records["evaluation"]
    c = signal_charts.evaluation_reliability(ev)
    assert c is not None
    bins = c.dataset("bins")
    want = [b for bs in ev["reliability"].values() for b in bs]
    for key in ("mean_p", "observed", "n"):
        assert [r[key] for r in bins] == pytest.approx([b[key] for b in want], abs=1e-6)
    bt = backtest_charts.reliability(records["backtest"])
    assert bt is not None
    eum = [r["coverage"] for r in bt.dataset("coverage") if r["model"] == "eum"]
    assert eum == [0.08, 0.41, 0.70, 0.84]


def test_for_record_accepts_dicts_and_to_json_round_trips(records: dict[str, Any]) -> None:
    cred = records["credibility"]
    assert [c.spec for c in charts.for_record(cred.model_dump(mode="json"))] == [
        c.spec for c in charts.for_record(cred)]
    specs = charts.for_record(records["timeline"])
    back = json.loads(charts.to_json(specs))
    assert [b["id"] for b in back] == [c.id for c in specs]
    assert back[0]["spec"] == specs[0].spec
    with pytest.raises(TypeError, match="no charts"):
        charts.for_record({"unrelated": 1})


def test_assets_are_the_recorded_versions() -> None:
    files = charts.assets()
    assert list(files)[:3] == list(charts.ASSET_FILES)
    table = (STATIC / "VERSIONS.md").read_text(encoding="utf-8")
    for name in charts.ASSET_FILES:
        digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()
        assert f"`{name}` | " in table and digest in table, name
    for lib, version in charts.VERSIONS.items():
        assert f"| {lib} | {version} |" in table
    assert '"5.33.1"' in files["vega.min.js"] and '"5.23.0"' in files["vega-lite.min.js"]
    assert "Redistribution and use" in files["LICENSE-vega.txt"]
    # vega's licence: the repository's LICENSE at the vendored tag, byte for byte (its digest
    # recorded), and the notices of the third-party code the minified build drops
    lic = (STATIC / "LICENSE-vega.txt").read_bytes()
    assert hashlib.sha256(lic).hexdigest() in table
    assert lic.startswith(b"Copyright (c) 2015-2023, University of Washington Interactive Data "
                          b"Lab\nAll rights reserved.\n")
    third = files["LICENSE-vega-third-party.txt"]
    assert "vega 5.33.1" in third and "Mike Bostock" in third and "Esprima" in third
    scripts = charts.scripts()
    assert "sourceMappingURL" not in scripts and "actions: false" in scripts


def test_display_path_cuts_local_folders() -> None:
    assert display_path("/home/a/b/events.csv:12") == "events.csv:12"
    assert display_path("see /tmp/x/case.yaml, then") == "see case.yaml, then"
    assert display_path(r"C:\Users\me\f.csv:3") == "f.csv:3"
    for kept in ("https://example.org/a/b.html", "cases/signals/ru-ua.yaml", "../x/y.txt",
                 "km/h"):
        assert display_path(kept) == kept


def test_reports_are_self_contained(records: dict[str, Any], tmp_path: Path) -> None:
    from detente.report import backtest, sensitivity, signals, signals_evaluation, timeline
    from detente.report import forecast as forecast_report
    from detente.report.window import render_window

    cred = records["credibility"].model_dump(mode="json")
    cred = copy.deepcopy(cred)
    local = str(tmp_path / "store" / "events.csv")
    cred["moves"][0]["items"][0]["refs"] = [f"{local}:12"]  # an imported event's file:line
    pages = {
        "sensitivity": sensitivity.render(records["sensitivity"]),
        "window": render_window(records["window"]),
        "forecast": forecast_report.render(records["forecast"], str(tmp_path / "case.yaml")),
        "credibility": signals.render_credibility(cred),
        "timeline": timeline.render(records["timeline"]),
        "evaluation": signals_evaluation.render_evaluation(records["evaluation"]),
        "backtest": backtest.backtest_report(records["backtest"]),
    }
    for name, text in pages.items():
        p = check_report(text, tmp_path, Path.cwd(), "/home/someone")
        n = len(re.findall(r'class="vl-spec"', text))
        assert n >= 1 and p.tags["script"] == len(charts.ASSET_FILES) + 1 + n, name
    assert "events.csv:12" in pages["credibility"]
    assert "deu3-dev.tsv" in pages["backtest"]
    assert "shared/seeds" not in pages["evaluation"]


def test_forecast_report_names_issue_and_options(records: dict[str, Any]) -> None:
    from detente.report import forecast as forecast_report

    text = forecast_report.render(records["forecast"], "ru-ua-2024-09")
    assert "NATO membership / alignment (nato)" in text
    assert "100 (Permanent neutrality)" in text  # RUS's position with its option's label
    assert "nearest option" in text
