"""The deal charts: valid Vega-Lite v5 (schema, and a headless render with the vendored builds),
and the numbers in each spec are the record's numbers (specs keep 6 decimals, the sampled
outcomes 4: tolerances 1e-6 and 5e-5)."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

from chart_checks import check_report, render, schema_errors
from detente import api
from detente.deals.result import DealAnalysis
from detente.report import charts
from detente.report.charts import deals as deal_charts


@pytest.fixture(scope="module")
def record() -> DealAnalysis:
    r = api.analyze("ru-ua-2024-09", draws=200, seed=3)
    assert isinstance(r, DealAnalysis)
    return r


def test_specs_validate_against_the_schema(record: DealAnalysis) -> None:
    specs = charts.for_record(record)
    assert [c.id for c in specs] == ["utility-spaces", "margins", "monte-carlo"]
    for c in specs:
        assert schema_errors(c.spec) == [], c.id
        json.dumps(c.spec, allow_nan=False)  # JSON-ready, no NaN


def test_specs_render_headless(record: DealAnalysis, tmp_path: Path) -> None:
    out = render({c.id: c.spec for c in charts.for_record(record)}, tmp_path)
    for name, res in out.items():
        assert res["ok"], (name, res.get("error"))
        assert res["warnings"] == [], (name, res["warnings"])
        assert res["svg_chars"] > 1000


def test_utility_space_data_are_the_record(record: DealAnalysis) -> None:
    c = deal_charts.utility_spaces(record)
    assert c is not None
    col = {a: f"u{i}" for i, a in enumerate(record.actors)}
    outcomes = c.dataset("outcomes")
    for k, pv in enumerate(record.pairs):
        xs = [row[col[pv.actor_x]] for row in outcomes]
        ys = [row[col[pv.actor_y]] for row in outcomes]
        assert xs == pytest.approx([p[0] for p in pv.sample], abs=5e-5)
        assert ys == pytest.approx([p[1] for p in pv.sample], abs=5e-5)
        assert [row["zopa"] == deal_charts.IN_ZOPA for row in outcomes] == pv.sample_in_zopa
        assert [[f["x"], f["y"]] for f in c.dataset(f"frontier_{k}")] == pv.frontier
    props = c.dataset("proposals")
    assert [p["proposal"] for p in props] == [p.name for p in record.proposals]
    for row, p in zip(props, record.proposals, strict=True):
        got = {a: row[col[a]] for a in record.actors}
        assert got == pytest.approx(p.package.utilities, abs=1e-6)
        issues = list(p.package.options)
        assert [row[f"o{j}"] for j in range(len(issues))] == list(p.package.options.values())
    sols = {s["key"]: s for s in c.dataset("solutions")}
    for name, pkg in record.solutions.items():
        got = {a: sols[name][col[a]] for a in record.actors}
        assert got == pytest.approx(pkg.utilities, abs=1e-6)
    # the BATNA lines sit at the record's reservation values
    panel = c.spec["concat"][0]
    rules = [layer for layer in panel["layer"] if layer["mark"]["type"] == "rule"]
    pv = record.pairs[0]
    assert [c.dataset(r["data"]["name"])[0]["v"] for r in rules] == pytest.approx(
        [record.reservation[pv.actor_x], record.reservation[pv.actor_y]])


def test_tooltips_show_package_and_every_utility(record: DealAnalysis) -> None:
    c = deal_charts.utility_spaces(record)
    assert c is not None
    layer = next(la for la in c.spec["concat"][0]["layer"] if la.get("name") == "proposals_0")
    titles = [t.get("title", t["field"]) for t in layer["encoding"]["tooltip"]]
    issues = list(record.proposals[0].package.options)
    assert all(i in titles for i in issues)
    assert all(f"u({a})" in titles for a in record.actors)
    # a proposal is selectable in every panel, and its legend sits beside the plot
    param = c.spec["params"][0]
    assert param["name"] == "proposal" and param["bind"] == "legend"
    assert param["views"] == [f"proposals_{k}" for k in range(len(record.pairs))]
    assert c.spec["config"]["legend"]["orient"] == "right"


def test_margin_and_odds_data_are_the_record(record: DealAnalysis) -> None:
    m = deal_charts.margins(record)
    assert m is not None
    got = {(r["proposal"], r["actor"].removesuffix(" (veto)")): r["margin"]
           for r in m.dataset("margins")}
    want = {(p.name, s.actor): s.margin for p in record.proposals for s in p.scores
            if s.actor in record.reservation and s.margin is not None}
    assert got == pytest.approx(want, abs=1e-6)
    o = deal_charts.monte_carlo(record)
    mc = record.monte_carlo
    assert o is not None and mc is not None
    rows = o.dataset("odds")
    assert rows[0]["p"] == pytest.approx(mc.p_zopa_nonempty)
    assert [r["p"] for r in rows[1:]] == pytest.approx(
        [x.p_accepted_by_all_veto for x in mc.proposals])
    assert rows[0]["high"] == pytest.approx(min(1.0, mc.p_zopa_nonempty + 1.96 * mc.se))


def test_report_embeds_the_specs_once_and_offline(record: DealAnalysis) -> None:
    from detente.report.deals import render as render_report

    text = render_report(record, api.load("ru-ua-2024-09"))
    p = check_report(text, Path.cwd(), Path.home())
    assert p.tags["script"] == len(charts.ASSET_FILES) + 1 + 3  # libraries, loader, 3 specs
    assert text.count('class="vl-spec"') == 3
    assert 'nav class="toc"' in text and "overflow-x:auto" in text
    # without JavaScript the proposals' packages show as a table under their real names
    noscript = text.split("<noscript>", 1)[1].split("</noscript>", 1)[0]
    assert "<th>utility of RUS</th>" in noscript and "<th>nato</th>" in noscript
    assert html.escape(record.proposals[0].name) in noscript


def test_the_app_chart_thins_only_the_sample(record: DealAnalysis) -> None:
    """The workbench draws fewer sampled outcomes (detente.web.views.APP_POINTS), evenly
    spaced over the record's sample; every other dataset and the whole spec but the sample
    are the report's."""
    full = deal_charts.utility_spaces(record)
    light = deal_charts.utility_spaces(record, points=500)
    assert full is not None and light is not None
    rows, few = full.dataset("outcomes"), light.dataset("outcomes")
    n = len(record.pairs[0].sample)
    assert len(rows) == n and len(few) == 500
    step = (n - 1) / 499
    assert few == [rows[round(i * step)] for i in range(500)]
    assert {k: v for k, v in full.spec["datasets"].items() if k != "outcomes"} == {
        k: v for k, v in light.spec["datasets"].items() if k != "outcomes"}
    assert {k: v for k, v in full.spec.items() if k != "datasets"} == {
        k: v for k, v in light.spec.items() if k != "datasets"}
    assert f"500 of the record's {n:,} shown" in light.caption
    assert deal_charts.utility_spaces(record, points=n + 1).spec == full.spec
