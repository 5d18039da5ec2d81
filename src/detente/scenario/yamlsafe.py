"""One safe YAML parse: data and a line map from a single pass, with limits on nesting and aliases.

Every YAML input of detente (scenario, war and analyst-signal files) goes through
:func:`load_yaml`. It runs libyaml's C parser (``yaml.CParser``, the scanner and parser of
``CSafeLoader``) once, composes the node graph in Python with two guards, and constructs the data
with PyYAML's safe constructor from that same graph:

- **depth**: a collection nested deeper than :data:`MAX_DEPTH` is refused at its line (a
  500-deep ``[[[…]]]`` used to end in ``RecursionError``);
- **aliases**: an alias to a node that is still open (``_c: &c [*c]``, a recursive alias) is
  refused, and so is a document whose aliases expand to more than :data:`MAX_NODES` nodes
  ("billion laughs": a 1 KB file that expands to 10^9 nodes);
- a scalar the constructor cannot use (a 10^5-digit integer, a date like 2022-13-45) is reported
  at its line instead of escaping as ``ValueError``.

The line map (field path → line, column) and duplicate keys come from the same graph, so a
scenario is parsed once, not once for the data and once for the lines.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.resolver import Resolver

from detente.errors import DetenteError, Problem

MAX_DEPTH = 100
"""Deepest nesting of collections (a scenario needs about 8)."""
MAX_NODES = 1_000_000
"""Most nodes after alias expansion (the bundled scenarios have about 6,000)."""

PathKey = tuple[str | int, ...]

try:  # libyaml's C scanner and parser; the pure-Python parser when PyYAML was built without it
    from yaml._yaml import CParser as _Parser  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml.parser import Parser as _PyParser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, _PyParser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            _PyParser.__init__(self)


class YAMLLimitError(yaml.MarkedYAMLError):
    """A document beyond a limit of :mod:`detente.scenario.yamlsafe` (depth, aliases)."""


class _GuardedComposer(Composer):
    """PyYAML's composer with a depth limit and a refusal of recursive aliases."""

    def __init__(self) -> None:
        Composer.__init__(self)
        self._depth = 0
        self._open: set[str] = set()

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        event: Any = self.peek_event()  # type: ignore[attr-defined]
        mark: Any = event.start_mark
        if isinstance(event, yaml.AliasEvent) and event.anchor in self._open:
            raise YAMLLimitError(None, None, f"recursive alias *{event.anchor} (the alias refers "
                                 "to a collection that contains it)", mark)
        opens = isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent)
        if opens:
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise YAMLLimitError(None, None, f"nested deeper than {MAX_DEPTH} levels", mark)
            if event.anchor is not None:
                self._open.add(event.anchor)
        try:
            return super().compose_node(parent, index)  # type: ignore[return-value]
        finally:
            if opens:
                self._depth -= 1
                self._open.discard(event.anchor)


class _Loader(_GuardedComposer, _Parser, SafeConstructor, Resolver):  # type: ignore[misc]
    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        _GuardedComposer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError, TypeError) as exc:
            raise ConstructorError(None, None, f"cannot read the value: {exc}",
                                   node.start_mark) from None


def _expanded_size(root: yaml.Node) -> int:
    """Nodes of the document once every alias is expanded, counted without expanding."""
    size: dict[int, int] = {}

    def count(node: yaml.Node) -> int:
        key = id(node)
        if key not in size:
            if isinstance(node, yaml.MappingNode):
                n = 1 + sum(count(k) + count(v) for k, v in node.value)
            elif isinstance(node, yaml.SequenceNode):
                n = 1 + sum(count(v) for v in node.value)
            else:
                n = 1
            size[key] = min(n, MAX_NODES + 1)
        return size[key]

    return count(root)


def _walk(node: yaml.Node, path: PathKey, lines: dict[PathKey, tuple[int, int]],
          dupes: list[tuple[PathKey, int]]) -> None:
    lines[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                dupes.append((path + (key,), key_node.start_mark.line + 1))
            seen.add(key)
            _walk(value_node, path + (key,), lines, dupes)
            lines[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, path + (i,), lines, dupes)


def _problem(exc: yaml.YAMLError, file: str) -> Problem:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if isinstance(exc, yaml.reader.ReaderError):
        return Problem(f"malformed YAML: {exc.reason}", file=file,
                       value=f"character {exc.character!r} at position {exc.position}"
                       if isinstance(exc.character, str) else None)
    return Problem(f"malformed YAML: {problem}", file=file,
                   line=mark.line + 1 if mark else None, column=mark.column + 1 if mark else None)


def load_yaml(text: str, file: str, error: type[DetenteError] = DetenteError
              ) -> tuple[Any, dict[PathKey, tuple[int, int]]]:
    """Parse one YAML document safely: ``(data, lines)`` where ``lines`` maps each field path
    to its (line, column). Malformed YAML, a document past a limit and duplicate keys raise
    ``error`` naming the file and the line."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is not None and _expanded_size(node) > MAX_NODES:
            raise YAMLLimitError(None, None, f"aliases expand to more than {MAX_NODES:,} nodes "
                                 "(an alias bomb?)", node.start_mark)
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        raise error([_problem(exc, file)]) from None
    finally:
        loader.dispose()
    lines: dict[PathKey, tuple[int, int]] = {}
    dupes: list[tuple[PathKey, int]] = []
    if node is not None:
        _walk(node, (), lines, dupes)
    if dupes:
        raise error([
            Problem("duplicate key (a YAML mapping may hold each key once; the earlier value "
                    "would be silently lost)", file=file, line=line, path=format_path(p))
            for p, line in dupes])
    return data, lines


def format_path(path: PathKey) -> str:
    """``('actors', 2, 'capability')`` → ``actors[2].capability``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out
