"""Checks shared by the chart and report tests: a spec against the Vega-Lite JSON schema
(v5.23.0, the version vendored in detente/report/static, taken from the same npm tarball), a
headless render with the vendored JavaScript in the test browser (chromium), and an HTML
report's structure (it parses, it fetches nothing, it holds no local absolute path)."""

from __future__ import annotations

import gzip
import json
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
SCHEMA = HERE / "data" / "vega-lite" / "vega-lite-v5.23.0.schema.json.gz"
STATIC = HERE.parent / "src" / "detente" / "report" / "static"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
LOCAL_PATH = re.compile(r"(?<![\w.:/])/(home|tmp|work|root|Users|private|var/folders)/")


@cache
def _validator() -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(gzip.decompress(SCHEMA.read_bytes()))
    return jsonschema.Draft7Validator(schema)


def schema_errors(spec: dict[str, Any]) -> list[str]:
    """Messages of the best-matching schema errors (empty: the spec is valid Vega-Lite v5)."""
    from jsonschema.exceptions import best_match

    v = _validator()
    err = best_match(v.iter_errors(spec))
    if err is None:
        return []
    # an anyOf at the top hides the cause: validate the pieces for a readable message
    out = [f"{list(err.path)}: {err.message[:300]}"]
    for ctx in sorted(err.context or [], key=lambda e: -len(list(e.path)))[:3]:
        out.append(f"  {list(ctx.path)}: {ctx.message[:200]}")
    return out


RENDER_JS = """async (specs) => {
  const out = {};
  for (const [name, vl] of Object.entries(specs)) {
    const warnings = [];
    const logger = {level() { return this; }, info() { return this; }, debug() { return this; },
      warn(...a) { warnings.push(a.join(' ')); return this; },
      error(...a) { warnings.push('ERROR ' + a.join(' ')); return this; }};
    try {
      const vg = vegaLite.compile(vl, {logger}).spec;
      const view = new vega.View(vega.parse(vg), {renderer: 'none'});
      view.logger(logger);
      await view.runAsync();
      const svg = await view.toSVG();
      out[name] = {ok: true, warnings, svg_chars: svg.length};
      view.finalize();
    } catch (e) {
      out[name] = {ok: false, error: String((e && e.message) || e), warnings};
    }
  }
  return out;
}"""
"""Compile (vega-lite), parse (vega), run the dataflow and render SVG, per spec: what each
returns is ``{ok, warnings, svg_chars}`` or ``{ok: false, error, warnings}``."""


def render(specs: dict[str, dict[str, Any]], tmp: Path) -> dict[str, dict[str, Any]]:
    """Compile, parse and render each spec with the vendored vega and vega-lite in the test
    browser (Debian's chromium through Playwright, as tests/web; no node needed). Without the
    browser it skips (the schema check still runs), except under ``CI``, where it fails."""
    import os

    from web.browser import chromium, missing

    why = missing()
    if why is not None:
        if os.environ.get("CI"):
            pytest.fail(f"the headless render must run under CI: {why}")
        pytest.skip(f"{why}: specs checked against the schema only")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium())
        try:
            page = browser.new_page()
            page.set_content("<!DOCTYPE html><html><head></head><body></body></html>")
            for name in ("vega.min.js", "vega-lite.min.js"):
                page.add_script_tag(content=(STATIC / name).read_text(encoding="utf-8"))
            out: dict[str, dict[str, Any]] = page.evaluate(RENDER_JS, specs)
        finally:
            browser.close()
    return out


class _Structure(HTMLParser):
    """Strict nesting of every non-void element, and every URL-bearing attribute."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.urls: list[tuple[str, str, str]] = []
        self.scripts_with_src = 0
        self.tags: dict[str, int] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] = self.tags.get(tag, 0) + 1
        for k, v in attrs:
            if k in ("src", "href", "data", "action", "poster", "srcset") and v is not None:
                self.urls.append((tag, k, v))
        if tag == "script" and any(k == "src" for k, _ in attrs):
            self.scripts_with_src += 1
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else '-'}> "
                               f"at {self.getpos()}")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()


def check_report(text: str, *local: str | Path) -> _Structure:
    """Assert that ``text`` is one well-nested, self-contained HTML document: no script with a
    ``src``, no external URL (``http:``, ``https:``, ``//``, ``file:``) in any link or source, the
    chart libraries at most once, and neither a given local path nor any absolute local path in
    the page's own text (the vendored libraries excluded). Returns the parse."""
    from detente.report import charts

    assert text.startswith("<!DOCTYPE html>")
    p = _Structure()
    p.feed(text)
    p.close()
    assert not p.errors, p.errors[:5]
    assert p.stack == [], p.stack
    assert p.scripts_with_src == 0
    external = [u for u in p.urls if re.match(r"\s*(https?:|//|file:)", u[2], re.I)
                and not (u[0] == "a" and u[1] == "href")]
    assert not external, external[:5]
    libs = charts.scripts()
    assert text.count(libs) <= 1
    own = text.replace(libs, "")
    if 'class="vl-spec"' in own:  # a chart needs the libraries, inlined
        assert libs in text
    for path in local:
        at = own.find(str(path))
        assert at < 0, f"local path {path} in the report: {own[max(0, at - 200):at + 200]}"
    found = LOCAL_PATH.search(own)
    assert found is None, own[max(0, found.start() - 80):found.end() + 80]
    return p
