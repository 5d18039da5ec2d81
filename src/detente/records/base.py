"""The one base of every analysis record: frozen pydantic data that becomes JSON, a pandas
DataFrame or an HTML table in a notebook.

A record names its main table in ``frame_field`` (a list field, one row per element, nested
fields flattened to ``a.b`` columns); ``to_frame("other_list")`` picks another list field, and a
record without a main table becomes a one-row frame of its own fields. pandas is an optional
extra (``pip install 'detente[frames]'``): without it ``to_frame`` raises one clear error and
everything else works.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

from detente.errors import DetenteError

HTML_ROWS = 20
"""Rows of the main table shown by ``_repr_html_`` (the rest are counted, not shown)."""
CELL_CHARS = 80
"""Longest cell text shown by ``_repr_html_`` (longer values are cut with "…")."""


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise DetenteError.one("to_frame() needs pandas, an optional extra",
                               allowed="pip install 'detente[frames]' (or pip install pandas)"
                               ) from None
    return pandas


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """A nested mapping as one flat row: ``{"a": {"b": 1}}`` → ``{"a.b": 1}``; lists stay
    values (a cell holding a list)."""
    if not isinstance(data, dict):
        return {prefix or "value": data}
    row: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and value:
            row.update(flatten(value, name))
        else:
            row[name] = value
    return row


class Record(BaseModel):
    """Base of the analysis records: ``to_json``, ``to_frame``, ``_repr_html_``.

    >>> class Demo(Record):
    ...     frame_field: ClassVar[str | None] = "rows"
    ...     title: str
    ...     rows: list[dict[str, int]]
    >>> d = Demo(title="t", rows=[{"a": 1}, {"a": 2}])
    >>> d.to_json(indent=None)
    '{"title": "t", "rows": [{"a": 1}, {"a": 2}]}'
    >>> d.table()
    [{'a': 1}, {'a': 2}]
    """

    # ``defer_build``: a record class builds its validator when first used, not when its
    # module is imported, so a command pays only for the records it makes (``analyze DIR``
    # imports the module of every deal record but makes one). tests/test_startup.py builds
    # every record class, so a schema error cannot hide until first use.
    model_config = ConfigDict(frozen=True, defer_build=True)

    frame_field: ClassVar[str | None] = None
    """The list field that is this record's main table (None: the record is one row)."""

    def to_json(self, indent: int | None = 2) -> str:
        """The record as JSON text (the same content as the CLI's ``--json``)."""
        return json.dumps(self.model_dump(mode="json"), indent=indent, ensure_ascii=False)

    def table(self, field: str | None = None) -> list[dict[str, Any]]:
        """Rows (flat dicts) of the list field ``field`` (default: the main table); a record
        without one is a single row of its scalar fields."""
        name = field or self.frame_field
        data = self.model_dump(mode="json")
        if name is None:
            return [{k: v for k, v in flatten(data).items() if not isinstance(v, list)}]
        if name not in data or not isinstance(data[name], list | dict):
            tables = [k for k, v in data.items() if isinstance(v, list | dict)]
            raise DetenteError.one("no such table in this record", path=name,
                                   allowed=", ".join(tables))
        rows = data[name]
        if isinstance(rows, dict):  # a mapping of name → row
            rows = [{"name": k, **(v if isinstance(v, dict) else {"value": v})}
                    for k, v in rows.items()]
        return [flatten(r) for r in rows]

    def to_frame(self, field: str | None = None) -> pd.DataFrame:
        """The main table (or the list field ``field``) as a pandas DataFrame."""
        return _pandas().DataFrame(self.table(field))

    def _repr_html_(self) -> str:
        """A notebook view: the record's kind and title, provenance and its main table."""
        import html  # only notebooks show records as HTML

        title = getattr(self, "title", "") or getattr(self, "actor", "") or ""
        prov = getattr(self, "provenance", None)
        head = f"<b>{html.escape(type(self).__name__)}</b> {html.escape(str(title))}"
        if prov is not None:
            head += (f"<br><small>{html.escape(prov.analysis)} · inputs "
                     f"{html.escape(', '.join(prov.inputs))} · seed {prov.seed} · detente "
                     f"{html.escape(prov.version)} · sha256 {prov.inputs_sha256[:12]}</small>")
        rows = self.table()
        cols = list(dict.fromkeys(k for r in rows for k in r))
        body = "".join("<tr>" + "".join(f"<td>{html.escape(_cell(r.get(c)))}</td>" for c in cols)
                       + "</tr>" for r in rows[:HTML_ROWS])
        more = (f"<br><small>{len(rows) - HTML_ROWS} more rows: .to_frame()</small>"
                if len(rows) > HTML_ROWS else "")
        table = ("<div style='overflow-x:auto'><table><thead><tr>"
                 + "".join(f"<th>{html.escape(c)}</th>" for c in cols)
                 + f"</tr></thead><tbody>{body}</tbody></table></div>")
        return f"<div>{head}{table}{more}</div>"


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.4g}"
    text = str(value)
    return text if len(text) <= CELL_CHARS else text[:CELL_CHARS - 1] + "…"
