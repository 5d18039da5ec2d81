"""One safe YAML parse: data and a line map from a single pass, with limits on nesting and aliases.

Every YAML input of detente (scenario, war and analyst-signal files) goes through
:func:`load_yaml`. It runs libyaml's C parser (``yaml.CParser``, the scanner and parser of
``CSafeLoader``) once, composes the node graph in Python in one loop over its events (with two
guards, and in the same loop the expanded size and the line map), and constructs the data with
PyYAML's safe constructor from that same graph (a document without aliases or merge keys in one
depth-first recursion, :meth:`_Loader.construct_plain`, with the same values and errors):

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

import re
from collections.abc import Hashable
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.events import (
    AliasEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.resolver import Resolver

from detente import invisible
from detente.errors import DetenteError, Problem
from detente.invisible import INVISIBLE

MAX_DEPTH = 100
"""Deepest nesting of collections (a scenario needs about 8)."""
MAX_NODES = 1_000_000
"""Most nodes after alias expansion (the bundled scenarios have about 6,000)."""

CONTROL = invisible.CONTROL
"""Control characters other than tab and newline (:data:`detente.invisible.CONTROL`)."""

PathKey = tuple[str | int, ...]
MERGE_TAG = "tag:yaml.org,2002:merge"
STR_TAG, SEQ_TAG = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq"
MAP_TAG = "tag:yaml.org,2002:map"
VALUE_TAG = "tag:yaml.org,2002:value"  # the ``=`` key, read as a string

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


class YAMLValueError(YAMLLimitError):
    """A scalar written in a way detente refuses (an invisible character, a number YAML 1.1
    reads in another base); ``path``: its field path, ``allowed``: what to write instead."""

    def __init__(self, problem: str, mark: Any, path: str | None, allowed: str) -> None:
        super().__init__(None, None, problem, mark)
        self.path, self.allowed = path, allowed


_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]*)?(?:[eE][-+][0-9]+)?|[-+]?\.[0-9]+"
                      r"(?:[eE][-+][0-9]+)?")
"""A number as written in decimal: what YAML 1.1 also reads as hex (``0x10``), octal
(``010`` is 8), binary (``0b11``), base 60 (``1:30`` is 90) or with ``_`` is refused."""
NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


class _Loader(_Parser, SafeConstructor, Resolver):  # type: ignore[misc]
    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError, TypeError) as exc:
            raise ConstructorError(None, None, f"cannot read the value: {exc}",
                                   node.start_mark) from None

    def construct_plain(self, node: yaml.Node) -> Any:
        """The data of a document without aliases or merge keys, built depth first in one
        recursion (PyYAML's constructor goes through a generator per collection). The same
        values; on any error PyYAML's constructor runs instead, so that the error reported
        is the one it finds first."""
        try:
            return self._plain(node)
        except Exception:  # the reference path below raises its own error
            self.constructed_objects, self.recursive_objects = {}, {}
            self.state_generators = []
            return self.construct_document(node)

    def _plain(self, node: yaml.Node) -> Any:
        kind, tag = type(node), node.tag
        if kind is yaml.ScalarNode:
            if tag == STR_TAG:
                return node.value
            scalar = self.yaml_constructors.get(tag)
            return scalar(self, node) if scalar else self.construct_object(node, deep=True)
        if kind is yaml.SequenceNode and tag == SEQ_TAG:
            return [self._plain(item) for item in node.value]
        if kind is not yaml.MappingNode or tag != MAP_TAG:
            return self.construct_object(node, deep=True)  # !!set, !!omap, …
        data: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = (key_node.value if type(key_node) is yaml.ScalarNode
                   and key_node.tag in (STR_TAG, VALUE_TAG) else self._plain(key_node))
            if not isinstance(key, Hashable):
                raise ConstructorError("while constructing a mapping", node.start_mark,
                                       "found unhashable key", key_node.start_mark)
            data[key] = self._plain(value_node)
        return data


class _Open:
    """A collection being composed: its node, field path (None inside a mapping key), the
    nodes it holds once aliases are expanded, and the key waiting for its value."""

    __slots__ = ("anchor", "index", "key", "mapping", "node", "path", "seen", "size")

    def __init__(self, node: yaml.Node, path: PathKey | None, anchor: str | None) -> None:
        self.node, self.path, self.anchor = node, path, anchor
        self.mapping = isinstance(node, yaml.MappingNode)
        self.size, self.index = 1, 0
        self.key: yaml.Node | None = None
        self.seen: set[str] = set()


class _OnePass:
    """PyYAML's composer (the same nodes, tags and errors) as one loop over the parser's
    events, with the guards, and in the same pass the document's size once aliases are
    expanded (:data:`MAX_NODES`; counted, never expanded) and, for a document without
    aliases or merge keys (``plain``), the line map and the duplicate keys of :func:`_walk`.
    """

    def __init__(self, loader: _Loader) -> None:
        self.loader = loader
        self.stack: list[_Open] = []
        self.anchors: dict[str, yaml.Node] = {}
        self.sizes: dict[str, int] = {}
        self.tags: dict[tuple[str, Any], str] = {}
        self.lines: dict[PathKey, tuple[int, int]] = {}
        self.dupes: list[tuple[PathKey, int]] = []
        self.plain = True
        self.size = 0

    def compose(self) -> yaml.Node | None:
        """The root node of the one document (None for an empty stream)."""
        get: Any = self.loader.get_event
        get()  # STREAM-START
        if isinstance(get(), StreamEndEvent):  # else DOCUMENT-START
            return None
        while True:
            event = get()
            kind = type(event)
            if kind is ScalarEvent:
                node, size = self._scalar(event)
            elif kind is AliasEvent:
                node, size = self._alias(event)
            elif kind is SequenceStartEvent or kind is MappingStartEvent:
                self._open(event)
                continue
            else:  # the end of the innermost collection
                node, size = self._close(event)
            if not self.stack:
                break
            self._attach(node, size)
        get()  # DOCUMENT-END
        event = get()
        if not isinstance(event, StreamEndEvent):
            raise ComposerError("expected a single document in the stream", node.start_mark,
                                "but found another document", event.start_mark)
        self.size = size
        return node

    def _path(self) -> PathKey | None:
        """The field path of the node about to be composed (None: part of a mapping key)."""
        if not self.stack:
            return ()
        top = self.stack[-1]
        if top.path is None or (top.mapping and top.key is None):
            return None
        return top.path + ((str(top.key.value),) if top.key is not None else (top.index,))

    def _anchor(self, event: Any) -> str | None:
        anchor = event.anchor
        if anchor is not None and anchor in self.anchors:
            raise ComposerError(f"found duplicate anchor {anchor!r}; first occurrence",
                                self.anchors[anchor].start_mark, "second occurrence",
                                event.start_mark)
        return anchor  # type: ignore[no-any-return]

    def _mark(self, path: PathKey | None, mark: Any) -> None:
        if path is not None:
            self.lines[path] = (mark.line + 1, mark.column + 1)

    def _scalar(self, event: Any) -> tuple[yaml.Node, int]:
        if bad := CONTROL.search(event.value):  # in a quoted scalar, by an escape
            raise YAMLLimitError(None, None, f"control character U+{ord(bad.group()):04X} in a "
                                 "text value (an escape such as \\e or \\x1b); allowed: "
                                 "printable text, tab and newline", event.start_mark)
        if bad := INVISIBLE.search(event.value):  # detente.invisible: refused in YAML
            self._refuse(invisible.message(bad.group()), event, invisible.ALLOWED)
        anchor = self._anchor(event)
        tag = event.tag
        if tag is None or tag == "!":
            key = (event.value, event.implicit)
            tag = self.tags.get(key)
            if tag is None:
                tag = self.tags[key] = self.loader.resolve(yaml.ScalarNode, event.value,
                                                           event.implicit)
                if tag in NUMBER_TAGS:
                    self._decimal(event)
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark,
                               style=event.style)
        if anchor is not None:
            self.anchors[anchor], self.sizes[anchor] = node, 1
        self._mark(self._path(), event.start_mark)
        return node, 1

    def _refuse(self, problem: str, event: Any, allowed: str) -> None:
        path = self._path()
        raise YAMLValueError(problem, event.start_mark,
                             format_path(path) if path else None, allowed)

    def _decimal(self, event: Any) -> None:
        """Refuse a number YAML 1.1 reads in another base or with separators (``010`` is 8,
        ``1:30`` is 90, ``0x10`` is 16): the value would silently differ from what was meant."""
        text = event.value
        if _DECIMAL.fullmatch(text) or text.lstrip("+-").lower() in (".inf", ".nan"):
            return
        self._refuse(f"the number {text!r} is read by YAML 1.1 as hexadecimal, octal, binary, "
                     "base 60 or with digit separators, which would not be what it looks like",
                     event, "a decimal number without leading zeros or '_' (write 8 or 10, "
                     "not 010; 90, not 1:30; 16, not 0x10; 1000, not 1_000)")

    def _alias(self, event: Any) -> tuple[yaml.Node, int]:
        anchor = event.anchor
        if any(o.anchor == anchor for o in self.stack):
            raise YAMLLimitError(None, None, f"recursive alias *{anchor} (the alias refers "
                                 "to a collection that contains it)", event.start_mark)
        if anchor not in self.anchors:
            raise ComposerError(None, None, f"found undefined alias {anchor!r}",
                                event.start_mark)
        self.plain = False
        return self.anchors[anchor], self.sizes[anchor]

    def _open(self, event: Any) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise YAMLLimitError(None, None, f"nested deeper than {MAX_DEPTH} levels",
                                 event.start_mark)
        anchor = self._anchor(event)
        cls = yaml.MappingNode if isinstance(event, MappingStartEvent) else yaml.SequenceNode
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(cls, None, event.implicit)
        node = cls(tag, [], event.start_mark, None, flow_style=event.flow_style)
        if anchor is not None:
            self.anchors[anchor] = node
        path = self._path()
        self._mark(path, event.start_mark)
        self.stack.append(_Open(node, path, anchor))

    def _close(self, event: Any) -> tuple[yaml.Node, int]:
        done = self.stack.pop()
        done.node.end_mark = event.end_mark
        size = min(done.size, MAX_NODES + 1)
        if done.anchor is not None:
            self.sizes[done.anchor] = size
        return done.node, size

    def _attach(self, node: yaml.Node, size: int) -> None:
        top = self.stack[-1]
        top.size += size
        if not top.mapping:
            top.node.value.append(node)
            top.index += 1
            return
        key = top.key
        if key is None:
            top.key = node
            return
        top.key = None
        top.node.value.append((key, node))
        if key.tag == MERGE_TAG:  # the constructor rewrites the mapping: _walk after it
            self.plain = False
        if top.path is not None:
            name = str(key.value)
            if name in top.seen:
                self.dupes.append((top.path + (name,), key.start_mark.line + 1))
            top.seen.add(name)
            self._mark(top.path + (name,), key.start_mark)


def _walk(node: yaml.Node, path: PathKey, lines: dict[PathKey, tuple[int, int]]) -> None:
    """The line map of the constructed graph (aliases expanded, merges flattened: a merged
    key comes before the explicit one that overrides it, so the explicit line wins)."""
    lines[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            _walk(value_node, path + (key,), lines)
            lines[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, path + (i,), lines)


def _problem(exc: yaml.YAMLError, file: str) -> Problem:
    mark = getattr(exc, "problem_mark", None)
    if isinstance(exc, YAMLValueError):
        return Problem(str(exc.problem), file=file, line=mark.line + 1 if mark else None,
                       column=mark.column + 1 if mark else None, path=exc.path,
                       allowed=exc.allowed)
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
    one = _OnePass(loader)
    try:
        node = one.compose()
        if node is not None and one.size > MAX_NODES:
            raise YAMLLimitError(None, None, f"aliases expand to more than {MAX_NODES:,} nodes "
                                 "(an alias bomb?)", node.start_mark)
        data = (None if node is None else loader.construct_plain(node) if one.plain
                else loader.construct_document(node))
    except yaml.YAMLError as exc:
        raise error([_problem(exc, file)]) from None
    finally:
        loader.dispose()
    # Duplicate keys are the ones written twice in one mapping, found while composing: the keys
    # a merge (``<<: *base``) brings in are not, and an explicit key overrides a merged one
    # (YAML 1.1 merge-key type, https://yaml.org/type/merge.html); PyYAML's constructor
    # puts the merged keys first, so the explicit value wins in the data as well.
    lines, dupes = one.lines, one.dupes
    if node is not None and not one.plain:  # aliases or merge keys: walk the final graph
        lines = {}
        _walk(node, (), lines)
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
