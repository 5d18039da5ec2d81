"""Vendored Vega, Vega-Lite and vega-embed, and a chart as a self-contained HTML fragment.

A report inlines the three libraries once (:func:`scripts`, placed in ``<head>``) and each chart
as a ``<figure>`` holding an empty ``<div>`` and its spec in a ``<script type="application/json">``
(:func:`figure`); a few lines of JavaScript hand every spec to ``vegaEmbed`` with
``actions: false`` when the page has loaded. Nothing is fetched: the spec carries its data and the
libraries come from ``detente/report/static`` (versions, hashes and licences in
``static/VERSIONS.md``). The workbench serves the same files (:func:`assets`).
"""

from __future__ import annotations

import html
import json
from functools import cache
from importlib import resources
from typing import Any

from detente.invisible import shown
from detente.records.output import looks_like_formula
from detente.report.charts.spec import ChartSpec

VERSIONS = {"vega": "5.33.1", "vega-lite": "5.23.0", "vega-embed": "6.29.0"}
"""Versions of the vendored builds (``static/VERSIONS.md`` has their sha256 and licences)."""

ASSET_FILES = ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js")
"""The vendored libraries, in the order a page must load them."""

LICENCE_FILES = ("LICENSE-vega.txt", "LICENSE-vega-third-party.txt", "LICENSE-vega-lite.txt",
                 "LICENSE-vega-embed.txt", "VERSIONS.md")

FALLBACK_ROWS = 60
"""Largest dataset shown as a ``<noscript>`` table (larger: a note points to the tables)."""

LOADER = r"""
(function () {
  "use strict";
  var live = new WeakMap();  // chart element -> {view, spec} of the chart drawn in it
  function shape(spec) {  // the spec without its data: equal shapes draw the same chart
    var rest = {}, k;
    for (k in spec) if (k !== "datasets") rest[k] = spec[k];
    return JSON.stringify(rest);
  }
  function drawn(el, view, spec, how) {
    el.setAttribute("data-rendered", String(Date.now()));
    var fig = el.closest("figure");
    el.dispatchEvent(new CustomEvent("detente:drawn", {bubbles: true, detail: {
      id: fig ? fig.getAttribute("data-chart") : null, view: view, spec: spec, how: how}}));
  }
  function update(el, old, spec) {  // same chart, new numbers: new rows into the live view
    var sets = spec.datasets || {}, was = old.spec.datasets || {};
    Object.keys(sets).forEach(function (name) {
      if (JSON.stringify(sets[name]) !== JSON.stringify(was[name])) old.view.data(name, sets[name]);
    });
    old.spec = spec;
    return old.view.runAsync().then(function () { drawn(el, old.view, spec, "update"); });
  }
  function embed(el, spec) {
    var old = live.get(el);
    if (old) { old.view.finalize(); live.delete(el); }
    return vegaEmbed(el, spec, {actions: false}).then(function (res) {
      live.set(el, {view: res.view, spec: spec});
      drawn(el, res.view, spec, "embed");
    });
  }
  window.detenteDraw = function (root) {
    (root || document).querySelectorAll("script.vl-spec:not([data-drawn])").forEach(function (s) {
      var el = s.previousElementSibling, spec = JSON.parse(s.textContent), old = live.get(el);
      s.setAttribute("data-drawn", "1");
      el.removeAttribute("data-rendered");
      var done = old && shape(old.spec) === shape(spec) ? update(el, old, spec) : embed(el, spec);
      done.catch(function (e) { el.textContent = "This chart could not be drawn: " + e.message; });
    });
  };
  document.addEventListener("DOMContentLoaded", function () { detenteDraw(document); });
  document.addEventListener("htmx:afterSwap", function (ev) { detenteDraw(ev.target); });
})();
"""
"""The one chart loader of the reports and the app. ``detenteDraw(root)`` draws every chart
:func:`figure` wrote under ``root`` (once each; on page load and after an htmx swap) and fires
``detente:drawn`` on the chart's element (bubbling; ``detail``: the chart id, the Vega
``view``, the spec, and ``how``: ``embed`` or ``update``) — the app hooks its clicks there.
When a chart's element survives a swap (the app marks it ``hx-preserve``) and the new spec
differs from the drawn one only in its ``datasets``, the new rows go into the live view
(``view.data``) instead of compiling and embedding the chart anew."""


@cache
def _read(name: str) -> str:
    return (resources.files("detente.report") / "static" / name).read_text(encoding="utf-8")


def assets() -> dict[str, str]:
    """The vendored JavaScript as ``{file name: text}`` in load order (for the app to serve at,
    e.g., ``/static/<name>``), licence files included."""
    return {name: _read(name) for name in (*ASSET_FILES, *LICENCE_FILES)}


def _strip_source_map(text: str) -> str:
    """Drop the ``//# sourceMappingURL=`` line (the maps are not shipped)."""
    head, sep, tail = text.rpartition("//# sourceMappingURL=")
    return head.rstrip() + "\n" if sep and "\n" not in tail.strip() else text


def scripts() -> str:
    """The ``<script>`` elements a page with charts needs, libraries inlined (about 0.8 MB)."""
    libs = "".join(f"<script>/* {name} (BSD-3-Clause; see detente/report/static) */\n"
                   f"{_strip_source_map(_read(name))}</script>" for name in ASSET_FILES)
    return libs + f"<script>{LOADER}</script>"


def spec_json(spec: dict[str, Any]) -> str:
    """A spec as JSON safe inside a ``<script>`` element (no ``</`` can close it)."""
    text = json.dumps(spec, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def field_titles(spec: Any, out: dict[str, str] | None = None) -> dict[str, str]:
    """Every ``field`` of the spec's encodings and tooltips with the title it is shown under
    (``u3`` → ``u(USA)``); the first title found wins."""
    out = {} if out is None else out
    if isinstance(spec, dict):
        field, title = spec.get("field"), spec.get("title")
        if isinstance(field, str) and isinstance(title, str):
            out.setdefault(field, title)
        for key, value in spec.items():
            if key != "datasets":
                field_titles(value, out)
    elif isinstance(spec, list):
        for value in spec:
            field_titles(value, out)
    return out


def _fallback(chart: ChartSpec) -> str:
    rows = chart.dataset(chart.fallback) if chart.fallback else []
    if not rows or len(rows) > FALLBACK_ROWS:
        return ("<noscript><p class='meta'>This chart needs JavaScript; the numbers are in the "
                "tables of this report and in the JSON record.</p></noscript>")
    cols = list(dict.fromkeys(k for r in rows for k in r))
    titles = field_titles(chart.spec)
    head = "".join(f"<th>{html.escape(titles.get(c, c))}</th>" for c in cols)
    body = "".join("<tr>" + "".join(_td(_cell(r.get(c))) for c in cols) + "</tr>" for r in rows)
    return (f"<noscript><div class='table-wrap'><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table></div></noscript>")


def _td(text: str) -> str:
    """A table cell; text a spreadsheet would run as a formula is marked as text for Excel
    (as :func:`detente.report.base.table` does)."""
    mark = " style=\"mso-number-format:'\\@'\"" if looks_like_formula(text) else ""
    return f"<td{mark}>{html.escape(text)}</td>"


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def figure(chart: ChartSpec) -> str:
    """One chart as a ``<figure>``: the element vega-embed fills, the spec, a ``<noscript>``
    fallback and the caption. The page must include :func:`scripts` once."""
    cap = (f"<figcaption>{html.escape(shown(chart.caption))}</figcaption>" if chart.caption
           else "")
    label = html.escape(shown(chart.title))
    return (f'<figure class="chart" data-chart="{html.escape(chart.id)}">'
            f'<div class="vl-chart" role="img" aria-label="{label}"></div>'
            f'<script type="application/json" class="vl-spec">{spec_json(chart.spec)}</script>'
            f"{_fallback(chart)}{cap}</figure>")
