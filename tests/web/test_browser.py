"""The workbench in a real browser (Debian's chromium through Playwright): every page loads
with no console error and no request off 127.0.0.1; editing a BATNA redraws the ZOPA with the
library's number; invalid YAML shows the check message; runs show progress and cancel.
Screenshots of each page go to ``tests/artifacts/workbench`` (ignored by git)."""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml

import detente.api as api
from detente.cases import case_names, case_path
from detente.scenario.load import validate_data
from web.browser import chromium, missing, server

CASE = "ru-ua-2024-09"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "workbench"


def _require_browser() -> None:
    why = missing()
    if why is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"browser tests must run under CI: {why}")
    print(f"\nbrowser tests skipped: {why}")
    pytest.skip(why)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _require_browser()
    with server(tmp_path_factory.mktemp("out")) as (url, _):
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium())
        yield b
        b.close()


class Watch:
    """Every request the page makes and every console error it logs."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []

    def off_host(self) -> list[str]:
        return [u for u in self.requests if urlparse(u).scheme not in ("data", "blob", "about")
                and urlparse(u).hostname != "127.0.0.1"]


@pytest.fixture
def page(browser: Any) -> Iterator[tuple[Any, Watch]]:
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    watch = Watch()
    pg.on("request", lambda r: watch.requests.append(r.url))
    pg.on("console", lambda m: watch.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: watch.errors.append(str(e)))
    yield pg, watch
    ctx.close()


def shot(pg: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def expected(batna: float) -> Any:
    data = copy.deepcopy(yaml.safe_load(case_path(CASE).read_text(encoding="utf-8")))
    next(a for a in data["actors"] if a["id"] == "RUS")["batna"]["value"] = batna
    return api.analyze(validate_data(data, "oracle"))


def expected_zopa(batna: float) -> int:
    return int(expected(batna).zopa_outcomes)


DRAWN = """() => {
  window.__drawn = [];
  document.addEventListener('detente:drawn', e => window.__drawn.push({
    id: e.detail.id, how: e.detail.how,
    batna: e.detail.id === 'utility-spaces' ? e.detail.view.data('batna_0_x')[0].v : null}));
  document.querySelector('#vl-utility-spaces').__kept = true;
}"""


def zopa_of(pg: Any) -> int:
    return int(pg.inner_text("#zopa-count").replace(",", ""))


def clean(watch: Watch, allowed: tuple[str, ...] = ()) -> None:
    assert watch.off_host() == []
    errors = [e for e in watch.errors if not any(a in e for a in allowed)]
    assert errors == []


def test_every_page_loads_clean(base: str, page: tuple[Any, Watch]) -> None:
    pg, watch = page
    pg.goto(base + "/")
    for name in case_names():
        assert pg.locator(f'a[href="/case/{name}"]').count() == 1
    shot(pg, "01-cases")
    pg.goto(f"{base}/case/{CASE}")
    pg.wait_for_selector("figure.chart svg, figure.chart canvas", timeout=30_000)
    assert zopa_of(pg) == api.analyze(CASE).zopa_outcomes
    shot(pg, "02-case")
    pg.goto(f"{base}/case/{CASE}/analyze")
    pg.wait_for_selector("figure.chart svg, figure.chart canvas", timeout=30_000)
    shot(pg, "03-analyze")
    for name in ("sensitivity", "window", "forecast", "montecarlo"):
        pg.goto(f"{base}/case/{CASE}/run/{name}")
        assert pg.locator("#run-button").count() == 1
        shot(pg, f"04-{name}")
    pg.goto(f"{base}/signals?actor=RUS")
    assert "Credibility timeline" in pg.inner_text("main")
    assert pg.locator("main table tbody tr").count() == len(api.credibility("RUS").moves)
    shot(pg, "05-signals")
    pg.goto(f"{base}/case/{CASE}/signals")  # the signals covering the case, to its date
    assert "Credibility timeline" in pg.inner_text("main")
    pg.wait_for_selector("figure.chart svg, figure.chart canvas", timeout=30_000)
    shot(pg, "05b-case-signals")
    pg.goto(f"{base}/timeline")
    shot(pg, "06-timeline")
    pg.goto(f"{base}/case/no-such-case")
    assert "no scenario named" in pg.inner_text("main")
    shot(pg, "07-not-found")
    # the 404 of the last page is the one console error a browser logs for it
    clean(watch, allowed=("404",))


def test_editing_a_batna_redraws_the_zopa(base: str, page: tuple[Any, Watch]) -> None:
    pg, watch = page
    pg.goto(f"{base}/case/{CASE}")
    pg.wait_for_selector("figure.chart svg, figure.chart canvas", timeout=30_000)
    before = zopa_of(pg)
    pg.evaluate(DRAWN)
    field = pg.locator('input[data-path="actors[0].batna"]')
    field.fill("0.7")
    field.press("Enter")
    pg.wait_for_function(f"document.querySelector('#zopa-count').textContent.replace(/,/g, '')"
                         f" !== '{before}'", timeout=30_000)
    want = expected(0.7)
    assert zopa_of(pg) == want.zopa_outcomes
    pg.wait_for_selector("#analysis figure.chart svg, #analysis figure.chart canvas",
                         timeout=30_000)
    # the utility spaces were updated in place (the same element, the live view's data), and
    # its BATNA line moved to the library's reservation value
    pg.wait_for_function("window.__drawn.some(d => d.id === 'utility-spaces')", timeout=30_000)
    drawn = pg.evaluate("window.__drawn")
    spaces = next(d for d in drawn if d["id"] == "utility-spaces")
    assert spaces["how"] == "update"
    assert spaces["batna"] == pytest.approx(want.reservation[want.pairs[0].actor_x], abs=1e-6)
    assert pg.evaluate("document.querySelector('#vl-utility-spaces').__kept === true")
    assert "re-analysed" in pg.inner_text("#messages")
    shot(pg, "08-batna-edited")
    pg.locator('tr[data-proposal="putin-2024-06"]').click()
    pg.wait_for_selector("#proposal-detail .detail", timeout=30_000)
    assert "Putin" in pg.inner_text("#proposal-detail")
    shot(pg, "09-proposal")
    # a click on a proposal's cell in the margins chart opens the same detail
    pg.evaluate("document.querySelector('#proposal-detail').innerHTML = ''")
    cell = pg.locator("#analysis figure#chart-margins g.mark-rect.role-mark path").last
    cell.scroll_into_view_if_needed()
    box = cell.bounding_box()
    pg.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    pg.wait_for_selector("#proposal-detail .detail", timeout=30_000)
    names = [p.name for p in api.analyze(CASE).proposals]
    assert names[-1] in pg.inner_text("#proposal-detail h4")
    pg.click("text=Show the diff")
    pg.wait_for_selector("#diff pre.diff")
    assert "+      value: 0.7" in pg.inner_text("#diff")
    clean(watch)


def test_invalid_yaml_shows_the_message(base: str, page: tuple[Any, Watch]) -> None:
    pg, watch = page
    pg.goto(f"{base}/case/ru-ua-2022-03")
    before = zopa_of(pg)
    pg.fill("#yaml-text", "id: broken\nactors: [\n")
    pg.click("#yaml-apply")
    pg.wait_for_selector("#messages .error", timeout=30_000)
    msg = pg.inner_text("#messages")
    assert "malformed YAML" in msg and re.search(r"ru-ua-2022-03:3", msg)
    assert zopa_of(pg) == before  # the analysis of the last valid draft stays
    shot(pg, "10-invalid-yaml")
    field = pg.locator('input[data-path="actors[0].batna"]')
    field.fill("1.5")
    field.press("Enter")
    pg.wait_for_function("document.querySelector('#messages').textContent.includes('BATNA')")
    assert "actors[0].batna" in pg.inner_text("#messages")
    shot(pg, "11-invalid-value")
    # htmx logs a 4xx answer as a console error: the refused edits above are the only ones
    clean(watch, allowed=("422", "Response Status Error Code 422"))


def test_runs_show_progress_refuse_a_second_run_and_cancel(base: str,
                                                         page: tuple[Any, Watch]) -> None:
    pg, watch = page
    pg.goto(f"{base}/case/{CASE}/run/forecast")
    pg.click("#run-button")
    pg.wait_for_selector("#result .job", timeout=30_000)
    pg.wait_for_selector("#result .job p.ok", timeout=120_000)
    assert "done" in pg.inner_text("#result")
    assert pg.locator("#result table").count() >= 1
    shot(pg, "12-forecast-done")
    pg.goto(f"{base}/case/{CASE}/run/sensitivity")
    pg.select_option("select[name=method]", "oat")
    pg.click("#run-button")
    pg.wait_for_selector("#cancel-button", timeout=30_000)
    assert pg.locator("#result progress").count() == 1
    shot(pg, "13-sensitivity-running")
    second = pg.context.new_page()
    second.goto(f"{base}/case/{CASE}/run/window")
    second.click("#run-button")
    second.wait_for_selector("#messages .error", timeout=30_000)
    assert "a run is in progress" in second.inner_text("#messages")
    shot(second, "14-second-run-refused")
    second.close()
    pg.click("#cancel-button")
    pg.wait_for_selector("#result .job p.error", timeout=30_000)
    assert "cancelled" in pg.inner_text("#result")
    shot(pg, "15-cancelled")
    clean(watch, allowed=("409",))
