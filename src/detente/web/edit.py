"""Form edits of a scenario's YAML text: the editable fields and one value replaced in place.

An edit replaces the text of one YAML value node (found by its field path) and leaves every
other byte alone — comments, quotes, order — so the diff of a "save as" shows exactly what was
changed. The edited text is then validated by the scenario loader, so an invalid value gets the
same file/line/field message as ``detente check``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import yaml

from detente.errors import DetenteError, ScenarioError
from detente.scenario.load import parse_yaml, validate_data
from detente.scenario.model import Number, Scenario, _Traced
from detente.scenario.yamlsafe import PathKey, format_path

_NUMBERS = re.compile(r"^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*(,\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*)*$")

_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "open"}


@dataclass(frozen=True)
class Field:
    """One editable value of the form: its field path, the text shown, its kind and the
    evidence (quotes) or assumption behind it."""

    path: str
    label: str
    kind: str  # "number" (x or low, likely, high) or "option" (one of ``choices``)
    value: str
    quotes: list[str] = field(default_factory=list)
    assumption: str | None = None
    choices: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Group:
    title: str
    fields: list[Field]


def _number_text(n: Number | None) -> str:
    if n is None:
        return ""
    q = n.value
    return f"{q.likely:g}" if not q.uncertain else f"{q.low:g}, {q.likely:g}, {q.high:g}"


def _trace(item: _Traced | None) -> tuple[list[str], str | None]:
    if item is None:
        return [], None
    return [f"{e.source}: “{e.quote}”" for e in item.evidence], item.assumption


def _number(path: PathKey, label: str, n: Number) -> Field:
    quotes, assumption = _trace(n)
    return Field(format_path(path), label, "number", _number_text(n), quotes, assumption)


def _batna_fields(s: Scenario, options: dict[str, list[str]]) -> list[Field]:
    """Each actor's capability and BATNA: a utility, or each issue of an outcome BATNA (an
    option from the issue's list, or a number on a grid issue)."""
    out: list[Field] = []
    for i, a in enumerate(s.actors):
        out.append(_number(("actors", i, "capability"), f"{a.id} capability", a.capability))
        if a.batna is None:
            continue
        quotes, assumption = _trace(a.batna)
        if a.batna.value is not None:
            v = a.batna.value
            out.append(Field(format_path(("actors", i, "batna")), f"{a.id} BATNA", "number",
                             f"{v.likely:g}" if not v.uncertain else
                             f"{v.low:g}, {v.likely:g}, {v.high:g}", quotes, assumption))
        for issue, choice in (a.batna.outcome or {}).items():
            path = format_path(("actors", i, "batna", "outcome", issue))
            label = f"{a.id} BATNA outcome: {issue}"
            if issue in options:
                out.append(Field(path, label, "option", str(choice), quotes, assumption,
                                 options[issue]))
            else:  # a grid issue: the value on its grid (the loader checks the step)
                out.append(Field(path, label, "number", f"{choice:g}" if isinstance(
                    choice, float | int) else str(choice), quotes, assumption))
    return out


def _option_values(s: Scenario) -> list[Field]:
    """The value each stance gives to named options (``values:``), 0–1."""
    out: list[Field] = []
    for k, st in enumerate(s.stances):
        for option, n in (st.values or {}).items():
            out.append(_number(("stances", k, "values", option),
                               f"{st.actor} on {st.issue}: {option}", n))
    return out


def form_fields(s: Scenario) -> list[Group]:
    """The editable values of a scenario, grouped: actors (capability, BATNA — a utility or an
    outcome package), saliences, the values of options, proposals' terms. Only values the form
    can write back in place are listed (an open term, a grid: shown in the YAML, edited
    there)."""
    options = {i.id: [o.id for o in i.options] for i in s.issues if i.options}
    actors = _batna_fields(s, options)
    saliences = [_number(("stances", k, "salience"), f"{st.actor} on {st.issue}", st.salience)
                 for k, st in enumerate(s.stances)]
    terms: list[Field] = []
    for k, p in enumerate(s.proposals):
        for issue, term in p.package.items():
            if term.is_open or issue not in options:
                continue
            quotes, assumption = _trace(term)
            terms.append(Field(format_path(("proposals", k, "package", issue)),
                               f"{p.id}: {issue}", "option", str(term.value), quotes,
                               assumption, options[issue]))
    groups = [Group("Actors: capability and BATNA", actors), Group("Saliences", saliences),
              Group("Values of options (0–1)", _option_values(s)),
              Group("Proposals: terms", terms)]
    return [g for g in groups if g.fields]


def editable_paths(s: Scenario) -> set[str]:
    return {f.path for g in form_fields(s) for f in g.fields}


def parse_path(text: str) -> PathKey:
    """``actors[2].batna`` → ``('actors', 2, 'batna')``."""
    out: list[str | int] = []
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", text):
        out.append(int(part[1:-1]) if part.startswith("[") else part)
    return tuple(out)


def _node(root: yaml.Node, path: PathKey) -> yaml.Node:
    node = root
    for key in path:
        if isinstance(node, yaml.MappingNode) and isinstance(key, str):
            node = next((v for k, v in node.value if str(k.value) == key), None)  # type: ignore[assignment]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            node = None  # type: ignore[assignment]
        if node is None:
            raise DetenteError.one("no such field in the YAML", path=format_path(path))
    return node


def yaml_value(text: str, kind: str) -> str:
    """The form's text as one YAML flow value: numbers ``x`` or ``[low, likely, high]``; an
    option id as a quoted string. Anything else becomes a quoted string, which the validator
    then rejects with its own message (never raw YAML: a newline cannot inject a key)."""
    text = text.strip()
    if kind == "number" and _NUMBERS.match(text):
        parts = [p.strip() for p in text.split(",")]
        return parts[0] if len(parts) == 1 else "[" + ", ".join(parts) + "]"
    if kind == "option" and _PLAIN.match(text) and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)


def set_value(text: str, path: PathKey, new: str) -> str:
    """``text`` with the value at ``path`` replaced by the flow YAML ``new``; a sourced value
    ``{value: …, evidence: …}`` keeps its evidence and has its ``value`` replaced."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when present
    root = yaml.compose(text, Loader=loader)
    if root is None:
        raise DetenteError.one("empty YAML", path=format_path(path))
    node = _node(root, path)
    if isinstance(node, yaml.MappingNode):
        node = _node(node, ("value",))
    start, end = node.start_mark.index, node.end_mark.index
    return text[:start] + new + text[end:]


def validate(text: str, file: str) -> Scenario:
    """The scenario of YAML text, or the loader's error naming file, line and field."""
    data, where = parse_yaml(text, file)
    return validate_data(data, file, where)


def apply_edit(text: str, file: str, field_path: str, value: str, kind: str
               ) -> tuple[str, Scenario]:
    """Replace one editable field and validate: ``(new text, scenario)`` or a ScenarioError
    with the same messages as ``detente check``."""
    try:
        new = set_value(text, parse_path(field_path), yaml_value(value, kind))
    except DetenteError as exc:
        raise ScenarioError(exc.problems) from None
    return new, validate(new, file)
