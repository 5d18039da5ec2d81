"""Building blocks of a self-contained HTML report: inline SVG figures, escaped tables, one page.

Every report is a single file with its figures inlined as SVG, so it opens offline and can be
mailed or archived as is.
"""

from __future__ import annotations

import html
import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

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
figure{margin:1em 0} figcaption{font-size:.85em;color:#555}
.grid{display:flex;flex-wrap:wrap;gap:1em} .grid figure{flex:1 1 480px}
"""


def esc(value: object) -> str:
    """HTML-escape any value's text."""
    return html.escape(str(value), quote=True)


def figure_svg(fig: Figure) -> str:
    """Render a Matplotlib figure to an inline ``<svg>`` string and close it."""
    import matplotlib.pyplot as plt

    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    start = text.find("<svg")
    return text[start:] if start >= 0 else text


def figure(fig: Figure, caption: str = "") -> str:
    """A ``<figure>`` holding the inline SVG and an escaped caption."""
    cap = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    return f"<figure>{figure_svg(fig)}{cap}</figure>"


def table(header: Sequence[str], rows: Iterable[Sequence[object]],
          numeric: Sequence[int] = ()) -> str:
    """An HTML table; cells are escaped unless they are already :class:`Raw` markup."""
    num = set(numeric)
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = []
        for j, cell in enumerate(row):
            cls = ' class="num"' if j in num else ""
            text = cell.html if isinstance(cell, Raw) else esc(cell)
            cells.append(f"<td{cls}>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


class Raw:
    """Markup that :func:`table` inserts without escaping (build it from escaped parts)."""

    def __init__(self, html_text: str) -> None:
        self.html = html_text


def page(title: str, sections: Iterable[str], meta: str = "") -> str:
    """A complete standalone HTML document."""
    body = "\n".join(sections)
    meta_html = f'<p class="meta">{esc(meta)}</p>' if meta else ""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
        f"<title>{esc(title)}</title>"
        f"<style>{_CSS}</style></head><body><h1>{esc(title)}</h1>{meta_html}\n{body}\n</body></html>\n"
    )


def use_agg() -> None:
    """Select the non-interactive Agg backend (call before creating figures)."""
    import matplotlib

    matplotlib.use("Agg", force=True)
