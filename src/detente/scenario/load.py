"""Reading a scenario file: safe YAML, line numbers for every field, one clear message per problem.

Validation runs in two passes: the schema (types, ranges: pydantic) and the cross-references
(unknown or duplicate ids, options not in their issue). Every problem names the file, the line,
the field path, the bad value and what is allowed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from detente.errors import DetenteError, Problem, ScenarioError
from detente.limits import read_text
from detente.scenario.model import Scenario
from detente.scenario.yamlsafe import PathKey, format_path, load_yaml

SCENARIO_KEYS = ("id", "title", "date", "actors", "issues")


class LineMap:
    """Maps field paths to (line, column) in the YAML text."""

    def __init__(self, lines: dict[PathKey, tuple[int, int]]) -> None:
        self._lines = lines

    def key(self, parent: PathKey, value: Any) -> tuple[str, int, int] | None:
        """The YAML text, line and column of the key of mapping ``parent`` that YAML read as
        ``value`` (a key that is not text: a date, a number, ``true``, ``null``)."""
        import yaml

        for path, (line, col) in self._lines.items():
            if len(path) != len(parent) + 1 or tuple(path[:-1]) != tuple(parent):
                continue
            try:
                read = yaml.safe_load(str(path[-1]))
            except yaml.YAMLError:
                continue
            if type(read) is type(value) and read == value:
                return str(path[-1]), line, col
        return None

    def locate(self, path: PathKey) -> tuple[int | None, int | None]:
        for n in range(len(path), -1, -1):
            hit = self._lines.get(tuple(path[:n]))
            if hit:
                return hit
        return None, None


def parse_yaml(text: str, file: str) -> tuple[Any, LineMap]:
    """Safe-load YAML text in one pass (see :mod:`detente.scenario.yamlsafe`): the data and a
    line map. Duplicate keys, alias bombs and runaway nesting are errors."""
    data, lines = load_yaml(text, file, ScenarioError)
    return data, LineMap(lines)


def _pydantic_problems(exc: ValidationError, file: str, where: LineMap) -> Iterator[Problem]:
    for err in exc.errors(include_url=False):
        loc = tuple(x for x in err["loc"] if not (isinstance(x, str) and x.startswith("function-")))
        # Drop pydantic's internal wrapper steps so the path reads like the YAML.
        path = tuple(x for x in loc if x not in ("value",) or loc[-1] == "value")
        line, col = where.locate(path)
        if err["type"] == "invalid_key" or (path and path[-1] == "[key]"):
            # a key YAML reads as a date, number, boolean or null: pydantic's path holds its
            # repr (datetime.date(2024, 1, 1), [1] for true) and no line
            parent = path[:-1] if err["type"] == "invalid_key" else path[:-2]
            if hit := where.key(parent, err.get("input")):
                text, line, col = hit
                yield Problem(f"a key that is not text (YAML reads {text} as "
                              f"{_kind(err.get('input'))})", file=file, line=line, column=col,
                              path=format_path((*parent, text)),
                              allowed=f"a text key: quote it ('{text}') or rename it")
                continue
        msg = err["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        if err["type"] == "extra_forbidden":
            msg = "unknown field (a typo?)"
        value = err.get("input")
        if isinstance(value, dict | list) or err["type"] == "missing":
            value = None
        yield Problem(msg, file=file, line=line, column=col, path=format_path(path) or None,
                      value=value)


def _kind(value: Any) -> str:
    import datetime as dt

    return ("a date" if isinstance(value, dt.date) else "null" if value is None
            else "a boolean" if isinstance(value, bool) else "a number")


def validate_data(data: Any, file: str, where: LineMap | None = None) -> Scenario:
    """Validate parsed YAML data as a scenario (schema, then cross-references)."""
    from detente.scenario.references import check_references

    where = where or LineMap({})
    if not isinstance(data, dict) or not any(k in data for k in SCENARIO_KEYS):
        got = type(data).__name__ if not isinstance(data, dict) else f"keys {sorted(data)[:6]}"
        raise ScenarioError([Problem(
            f"not a detente scenario: expected a YAML mapping with keys {', '.join(SCENARIO_KEYS)}",
            file=file, line=1, value=got,
            allowed="see docs/scenario.md for the format")])
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(list(_pydantic_problems(exc, file, where))) from None
    problems = [
        Problem(msg, file=file, line=where.locate(path)[0], column=where.locate(path)[1],
                path=format_path(path), value=value, allowed=allowed)
        for path, msg, value, allowed in check_references(scenario)
    ]
    if problems:
        raise ScenarioError(problems)
    _warn_deprecated(scenario, file)
    return scenario


def _warn_deprecated(scenario: Scenario, file: str) -> None:
    """``Issue.default`` no longer fills silent proposal terms (they are open): say so."""
    import warnings

    stale = [i.id for i in scenario.issues if i.default is not None]
    if stale:
        warnings.warn(f"{file}: issues {', '.join(stale)} set 'default', which is deprecated "
                      "and ignored: a proposal silent on an issue leaves that term open (mark "
                      "it OPEN or name an option; see docs/scenario.md)", DeprecationWarning,
                      stacklevel=3)


def read_yaml(path: str | Path, kind: str = "scenario") -> tuple[Any, LineMap, str]:
    """Read a YAML file safely: ``(data, line map, file name)``; clear errors for a missing
    file, a folder, text that is not UTF-8 and malformed YAML."""
    file = str(path)
    try:
        text = read_text(path, "war" if kind == "war" else "scenario")
    except DetenteError as exc:
        raise ScenarioError(exc.problems) from None
    data, where = parse_yaml(text, file)
    return data, where, file


def load_file(path: str | Path) -> Scenario:
    """Read and validate a scenario YAML file."""
    data, where, file = read_yaml(path)
    return validate_data(data, file, where)


def load(case_or_path: str | Path) -> Scenario:
    """Load a bundled case by name (see ``detente cases``) or a scenario file by path."""
    from detente.cases import case_names, case_path, is_bundled

    text = str(case_or_path)
    if is_bundled(text):
        return load_file(case_path(text))
    p = Path(text)
    if p.exists() or p.suffix in (".yaml", ".yml"):
        return load_file(p)
    raise ScenarioError.one("no such bundled case or file", value=text,
                            allowed=f"a file path or one of: {', '.join(case_names())}")
