"""Checks shared by the chart and report tests: a spec against the Vega-Lite JSON schema (v5.23.0,
the version vendored in detente/report/static, taken from the same npm tarball), a headless render
with the vendored JavaScript under node, and an HTML report's structure (it parses, it fetches
nothing, it holds no local absolute path)."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
SCHEMA = HERE / "data" / "vega-lite" / "vega-lite-v5.23.0.schema.json.gz"
STATIC = HERE.parent / "src" / "detente" / "report" / "static"
RENDER_JS = HERE / "report" / "vl_render.js"
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


def render(specs: dict[str, dict[str, Any]], tmp: Path) -> dict[str, dict[str, Any]]:
    """Compile, parse and render each spec with the vendored vega and vega-lite under node
    (skips when node is not installed: the schema check still runs)."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: specs checked against the schema only")
    files = []
    for name, spec in specs.items():
        f = tmp / f"{name}.json"
        f.write_text(json.dumps(spec), encoding="utf-8")
        files.append(str(f))
    res = subprocess.run([node, str(RENDER_JS), str(STATIC), *files], capture_output=True,
                         text=True, timeout=300, check=False)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    return {Path(k).stem: v for k, v in out.items()}


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
