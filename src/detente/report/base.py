"""Building blocks of a self-contained HTML report: charts, escaped tables, one page.

Every report is a single file: its charts are Vega-Lite specs from :mod:`detente.report.charts`
drawn by the vendored Vega libraries, which :func:`page` inlines once in ``<head>`` when the page
has a chart. It opens offline (no request leaves the file) and can be mailed or archived as is.
Wide tables scroll inside their own box; a page with many sections gets a table of contents.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from detente.invisible import shown
from detente.records.output import looks_like_formula
from detente.report import charts

if TYPE_CHECKING:  # pragma: no cover
    from detente.records import Provenance

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;
margin:2em auto;padding:0 1em;color:#1d1d1f;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}
h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ddd}
h3{font-size:1.05em} table{border-collapse:collapse;margin:.6em 0;font-size:.9em}
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3} td.num{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#0a7a2f;font-weight:600} .bad{color:#b00020;font-weight:600}
.meta{color:#666;font-size:.85em} blockquote{margin:.2em 0 .2em 1em;color:#333;font-style:italic}
figure{margin:1em 0;max-width:100%;overflow-x:auto} figcaption{font-size:.85em;color:#555}
figure.chart{width:min-content;max-width:100%} figure.chart figcaption{min-width:24em}
.grid{display:flex;flex-wrap:wrap;gap:1em 2em;align-items:flex-start}
.grid figure{flex:0 1 auto}
.table-wrap{max-width:100%;overflow-x:auto;margin:.6em 0} .table-wrap table{margin:0}
nav.toc{background:#f7f7f7;border:1px solid #e3e3e3;padding:.4em 1em;margin:1em 0;font-size:.9em}
nav.toc ol{margin:.2em 0;padding-left:1.4em;columns:2 18em}
.vl-chart{min-height:2em} #vg-tooltip-element{max-width:32em}
"""

TOC_MIN_SECTIONS = 4
"""A page with at least this many ``<h2>`` sections gets a table of contents."""



_ABSOLUTE = re.compile(r"""(?<![\w.:/~])(?:/[^/\s:'"()<>,;|]+)*/([^/\s:'"()<>,;|]+)"""
                       r"""|\b[A-Za-z]:\\(?:[^\\\s:'"()<>,;|]+\\)+([^\\\s:'"()<>,;|]+)""")


def display_path(text: str) -> str:
    """``text`` with every absolute local path cut to its file name (``/home/a/x.csv:12`` →
    ``x.csv:12``): a report names files, never the machine's folders. URLs and relative paths
    stay as they are."""
    return _ABSOLUTE.sub(lambda m: m.group(1) or m.group(2), text)


def esc(value: object) -> str:
    """HTML-escape any value's text; an invisible or layout character (third-party text: a
    PA-X name's zero-width space) is shown as ``<U+200B>`` (:func:`detente.invisible.shown`)."""
    return html.escape(shown(str(value)), quote=True)


def chart(spec: charts.ChartSpec) -> str:
    """A chart of the chart layer as a ``<figure>`` (its libraries come with :func:`page`)."""
    return charts.figure(spec)


def table(header: Sequence[str], rows: Iterable[Sequence[object]],
          numeric: Sequence[int] = ()) -> str:
    """An HTML table; cells are escaped unless they are already :class:`Raw` markup. A text
    cell a spreadsheet would run as a formula (``=HYPERLINK(…)``: Excel opens an HTML report's
    tables as cells) is marked as text for Excel (``mso-number-format:"\\@"``, Microsoft's
    Office HTML number format; browsers ignore it): the text is shown as written, never
    prefixed (the ``--csv`` tables put a ``'`` before it instead)."""
    num = set(numeric)
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = []
        for j, cell in enumerate(row):
            cls = ' class="num"' if j in num else ""
            if isinstance(cell, str) and looks_like_formula(cell):
                cls += ' style="mso-number-format:\'\\@\'"'
            text = cell.html if isinstance(cell, Raw) else esc(cell)
            cells.append(f"<td{cls}>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f"<div class='table-wrap'><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")


class Raw:
    """Markup that :func:`table` inserts without escaping (build it from escaped parts)."""

    def __init__(self, html_text: str) -> None:
        self.html = html_text


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def with_toc(body: str) -> str:
    """``body`` with an id on every ``<h2>`` and, when there are at least
    :data:`TOC_MIN_SECTIONS`, a table of contents before the first one."""
    seen: set[str] = set()
    entries: list[tuple[str, str]] = []

    def anchor(m: re.Match[str]) -> str:
        attrs, inner = m.group(1), m.group(2)
        found = re.search(r"""id=["']([^"']+)["']""", attrs)
        ident = found.group(1) if found else _slug(html.unescape(re.sub("<[^>]+>", "", inner)))
        base, k = ident, 2
        while not found and ident in seen:
            ident, k = f"{base}-{k}", k + 1
        seen.add(ident)
        entries.append((ident, re.sub("<[^>]+>", "", inner)))
        return m.group(0) if found else f'<h2 id="{ident}"{attrs}>{inner}</h2>'

    body = re.sub(r"<h2([^>]*)>(.*?)</h2>", anchor, body, flags=re.S)
    if len(entries) < TOC_MIN_SECTIONS:
        return body
    items = "".join(f'<li><a href="#{esc(i)}">{t}</a></li>' for i, t in entries)
    nav = f'<nav class="toc" aria-label="Contents"><b>Contents</b><ol>{items}</ol></nav>'
    first = body.find("<h2")
    return body[:first] + nav + body[first:]


def provenance_line(prov: Provenance) -> str:
    """A report's meta line: version, analysis, seed, inputs hash (and the time, if stamped)."""
    return (f"detente {prov.version} · {prov.analysis} · seed {prov.seed} · "
            f"inputs sha256 {prov.inputs_sha256[:16]}… · {prov.created or ''}")


def page(title: str, sections: Iterable[str], meta: str = "") -> str:
    """A complete standalone HTML document (the chart libraries inlined once if a section holds
    a chart; a table of contents when the page is long)."""
    body = with_toc("\n".join(sections))
    title = display_path(title)
    meta_html = f'<p class="meta">{esc(display_path(meta))}</p>' if meta else ""
    libs = charts.scripts() if 'class="vl-spec"' in body else ""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
        f"<title>{esc(title)}</title>"
        f"<style>{_CSS}</style>{libs}</head><body><h1>{esc(title)}</h1>{meta_html}\n{body}\n"
        "</body></html>\n"
    )

