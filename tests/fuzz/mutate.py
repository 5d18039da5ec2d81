"""Structure-aware, seeded mutation of valid inputs: one field at a time.

Each generator takes a valid document of a format (a bundled case, a test fixture), parses it
by its own grammar (YAML tree, CSV cells, XML attributes, JSON tree), and changes exactly one
thing: a leaf replaced by a hostile value (wrong type, null, NaN/inf/-0/1e308, negative,
a probability outside [0, 1], an empty list or map, a huge or RTL/control string, deep nesting,
an out-of-range date), a key dropped, a list element duplicated (duplicate ids) or an id
reference pointed at nothing. It yields :class:`Case` objects: the mutated bytes, a label
saying what changed where, and ``must_fail`` when the change surely makes the input unusable
(then exit 0 is a wrong success).

Used by ``tests/fuzz/test_fuzz_structured.py`` (a small seeded sample) and
``scripts/hostile_sweep.py`` (the large sweep that prints the counts).
"""

from __future__ import annotations

import csv
import io
import json
import math
import random
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml


@dataclass(frozen=True)
class Case:
    """One mutated input: ``files`` maps a file name to its bytes (a folder has several)."""

    format: str
    label: str
    files: dict[str, bytes]
    must_fail: bool = False


#: Hostile replacement values for one YAML/JSON leaf, with their class name. ``kind`` says which
#: leaves they are surely invalid for: "num" (any numeric leaf), "any" (any leaf), "" (none sure).
HOSTILE: list[tuple[str, Any, str]] = [
    ("null", None, ""),
    ("nan", math.nan, "num"),
    ("inf", math.inf, "num"),
    ("-inf", -math.inf, "num"),
    ("-0", -0.0, ""),
    ("1e308", 1e308, ""),
    ("-1e308", -1e308, ""),
    ("huge-int", 10**30, ""),
    ("negative", -1, ""),
    ("zero", 0, ""),
    ("prob-1.5", 1.5, ""),
    ("empty-list", [], ""),
    ("empty-map", {}, ""),
    ("map", {"x": 1}, "num"),
    ("list", [1, 2], "num"),
    ("string", "abc", "num"),
    ("bool", True, ""),
    ("empty-string", "", ""),
    ("huge-string", "x" * 200_000, ""),
    ("rtl", "\u202eevil\u202c", ""),
    ("control", "a\x01\x1b[31mred\x7f", ""),
    ("markup", "[bold]x[/] [/]", ""),
    ("deep", [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]], "num"),
    ("date-13", "2022-13-45", ""),
    ("date-far", "9999-12-31", ""),
    ("date-ancient", "0001-01-01", ""),
]

#: Hostile replacement cells of a CSV/TSV table.
CELLS: list[tuple[str, str]] = [
    ("empty", ""), ("nan", "nan"), ("inf", "inf"), ("-inf", "-inf"), ("-0", "-0"),
    ("1e308", "1e308"), ("1e309", "1e309"), ("negative", "-1"), ("huge-int", "9" * 40),
    ("prob-1.5", "1.5"), ("text", "abc"), ("rtl", "\u202eevil"), ("control", "a\x01b\x1b"),
    ("markup", "[bold]x[/]"), ("huge", "x" * 100_000), ("date-13", "2022-13-45"),
    ("date-far", "9999-12-31"), ("date-ancient", "0001-01-01"), ("quote", '"'),
    ("newline", "a\nb"), ("space", "  7  "), ("zero", "0"),
]


def _is_num(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


# -- YAML / JSON trees ------------------------------------------------------------------------
def tree_paths(doc: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every node path of a parsed document (root excluded)."""
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield (*prefix, k)
            yield from tree_paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield (*prefix, i)
            yield from tree_paths(v, (*prefix, i))


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        doc = doc[p]
    return doc


def plain_copy(doc: Any) -> Any:
    """A deep copy with plain types (a date becomes its text); mapping keys keep their type
    (a JSON round trip would turn the integer keys of ``{6: 0, 12: 1}`` into strings)."""
    if isinstance(doc, dict):
        return {k: plain_copy(v) for k, v in doc.items()}
    if isinstance(doc, list):
        return [plain_copy(v) for v in doc]
    if isinstance(doc, (str, int, float, bool)) or doc is None:
        return doc
    return str(doc)


def _ids(doc: Any) -> set[str]:
    """Every value of an ``id`` key and every mapping key that looks like an id."""
    out: set[str] = set()
    if isinstance(doc, dict):
        for k, v in doc.items():
            if k == "id" and isinstance(v, str):
                out.add(v)
            out |= _ids(v)
    elif isinstance(doc, list):
        for v in doc:
            out |= _ids(v)
    return out


def show(path: tuple[Any, ...]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


def _list_index(path: tuple[Any, ...]) -> int | None:
    """The position in ``path`` of its last list index (None: no list on the way)."""
    idx = [i for i, p in enumerate(path) if isinstance(p, int)]
    return idx[-1] if idx else None


def _set_like(elem: Any, rest: tuple[Any, ...], value: Any) -> None:
    """Set ``elem[rest]`` to ``value`` where that path exists in this element."""
    try:
        parent = _get(elem, rest[:-1])
        if _is_num(parent[rest[-1]]):
            parent[rest[-1]] = value
    except (KeyError, IndexError, TypeError):
        pass


def tree_mutations(doc: Any, rnd: random.Random, n: int) -> Iterator[tuple[Any, str, bool]]:
    """``n`` single-change copies of ``doc``: (new document, label, must_fail)."""
    paths = list(tree_paths(doc))
    numeric = [p for p in paths if _is_num(_get(doc, p))]
    ids = _ids(doc)
    for _ in range(n):
        # half the changes hit a number: the values that pass a type check and reach the maths
        path = rnd.choice(numeric if numeric and rnd.random() < 0.5 else paths)
        new = plain_copy(doc)
        parent = _get(new, path[:-1])
        old = parent[path[-1]]
        op = rnd.choice(["value"] * 6 + ["drop", "dup", "dangling", "all"])
        k = _list_index(path)
        if op == "all" and _is_num(old) and k is not None \
                and isinstance(_get(new, path[:k]), list):
            # the same field of every element of the list: weights summing to 0, every
            # capability negative, every probability 1.5
            value = rnd.choice([0, 0.0, -1, 1.5, 1e308, math.nan])
            seq = _get(new, path[:k])
            for j, elem in enumerate(seq):
                if k == len(path) - 1:  # a list of numbers: every number
                    seq[j] = value if _is_num(elem) else elem
                else:
                    _set_like(elem, path[k + 1:], value)
            yield new, f"{show(path[:k])}[*]{show(path[k + 1:])}: all {value!r}", \
                isinstance(value, float) and math.isnan(value)
        elif op == "drop":
            del parent[path[-1]]
            yield new, f"{show(path)}: dropped", False
        elif op == "dup" and isinstance(parent, list):
            parent.insert(path[-1], plain_copy(old))
            dup_id = isinstance(old, dict) and "id" in old
            yield new, f"{show(path)}: duplicated element", dup_id
        elif op == "dangling" and isinstance(old, str) and old in ids and path[-1] != "id":
            parent[path[-1]] = "no-such-id-zz"
            yield new, f"{show(path)}: reference {old!r} -> dangling", True
        else:
            name, value, kind = rnd.choice(HOSTILE)
            parent[path[-1]] = value
            sure = kind == "num" and _is_num(old)
            yield new, f"{show(path)}: {name} (was {str(old)[:30]!r})", sure


def yaml_cases(fmt: str, text: str, name: str, seed: int, n: int) -> Iterator[Case]:
    doc = yaml.safe_load(text)
    rnd = random.Random(seed)
    for new, label, sure in tree_mutations(doc, rnd, n):
        body = yaml.safe_dump(new, allow_unicode=False, sort_keys=False, width=10**9)
        yield Case(fmt, label, {name: body.encode("utf-8")}, sure)


def json_cases(fmt: str, text: str, name: str, seed: int, n: int,
               extra: dict[str, bytes] | None = None) -> Iterator[Case]:
    doc = json.loads(text)
    rnd = random.Random(seed)
    for new, label, sure in tree_mutations(doc, rnd, n):
        body = json.dumps(new, ensure_ascii=True)  # NaN/Infinity as JSON5-ish tokens
        yield Case(fmt, label, {**(extra or {}), name: body.encode("utf-8")}, sure)


# -- tables -----------------------------------------------------------------------------------
def table_cases(fmt: str, text: str, name: str, seed: int, n: int, delimiter: str = ",",
                header_rows: int = 1) -> Iterator[Case]:
    """One cell replaced, a row duplicated, truncated or widened, a header cell renamed."""
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    rnd = random.Random(seed)
    body_rows = [i for i in range(header_rows, len(rows)) if rows[i]]
    for _ in range(n):
        new = [list(r) for r in rows]
        op = rnd.choice(["cell"] * 7 + ["dup", "short", "long", "header", "blank", "column"])
        i = rnd.choice(body_rows) if body_rows else 0
        if op == "cell" and new[i]:
            j = rnd.randrange(len(new[i]))
            label, cell = rnd.choice(CELLS)
            old = new[i][j]
            new[i][j] = cell
            what = f"line {i + 1} field {j + 1}: {label} (was {old[:20]!r})"
        elif op == "column" and new[i]:
            # one column set to the same value on every row: saliences all 0, powers all -1
            j = rnd.randrange(len(new[i]))
            label, cell = rnd.choice([("zero", "0"), ("negative", "-1"), ("nan", "nan"),
                                      ("empty", ""), ("1e308", "1e308")])
            for r in new[header_rows:]:
                if len(r) > j:
                    r[j] = cell
            what = f"field {j + 1} of every row: {label}"
        elif op == "dup":
            new.insert(i, list(new[i]))
            what = f"line {i + 1}: duplicated row"
        elif op == "short" and new[i]:
            new[i] = new[i][: rnd.randrange(len(new[i]))]
            what = f"line {i + 1}: truncated row"
        elif op == "long":
            new[i] = new[i] + ["extra", "cells"]
            what = f"line {i + 1}: two extra cells"
        elif op == "header" and new[0]:
            j = rnd.randrange(len(new[0]))
            what = f"header field {j + 1}: renamed {new[0][j][:20]!r}"
            new[0][j] = rnd.choice(["", "zz", new[0][(j + 1) % len(new[0])]])
        else:
            new.insert(i, [])
            what = f"line {i + 1}: blank line"
        out = io.StringIO()
        csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(new)
        yield Case(fmt, what, {name: out.getvalue().encode("utf-8")}, False)


# -- XML --------------------------------------------------------------------------------------
XML_VALUES = ["", "nan", "inf", "-1", "0", "1e308", "1e309", "abc", "999999999999999999",
              "-0", "1.5", "\u202e", "2", "[/]"]


def _parses(raw: bytes) -> bool:
    try:
        ET.fromstring(raw)
    except ET.ParseError:
        return False
    return True


def xml_cases(fmt: str, files: dict[str, bytes], seed: int, n: int) -> Iterator[Case]:
    """One attribute of one element of one file replaced, an element dropped or duplicated."""
    rnd = random.Random(seed)
    names = sorted(n for n in files if _parses(files[n]))  # not a pareto.xml of numbers
    for _ in range(n):
        name = rnd.choice(names)
        root = ET.fromstring(files[name])
        elems = list(root.iter())
        op = rnd.choice(["attr"] * 6 + ["drop", "dup", "all"])
        el = rnd.choice(elems)
        if op == "all" and el.attrib:
            # one attribute of every element of that tag: weights or evaluations all 0
            key = rnd.choice(sorted(el.attrib))
            val = rnd.choice(["0", "-1", "nan", ""])
            for other in root.iter(el.tag):
                if key in other.attrib:
                    other.set(key, val)
            what = f"{name}: every <{el.tag} {key}> -> {val!r}"
        elif op == "attr" and el.attrib:
            key = rnd.choice(sorted(el.attrib))
            val = rnd.choice(XML_VALUES)
            what = f"{name}: <{el.tag} {key}> {el.attrib[key][:20]!r} -> {val!r}"
            el.set(key, val)
        else:
            parents = {c: p for p in root.iter() for c in p}
            if el is root or el not in parents:
                continue
            parent = parents[el]
            if op == "dup":
                parent.insert(list(parent).index(el), ET.fromstring(ET.tostring(el)))
                what = f"{name}: <{el.tag}> duplicated"
            else:
                parent.remove(el)
                what = f"{name}: <{el.tag}> dropped"
        out = {**files, name: b'<?xml version="1.0" encoding="UTF-8"?>\n'
               + ET.tostring(root, encoding="utf-8").split(b"?>", 1)[-1].lstrip()}
        yield Case(fmt, what, out, False)


# -- free text --------------------------------------------------------------------------------
def text_cases(fmt: str, text: str, name: str, seed: int, n: int) -> Iterator[Case]:
    """An article with one line replaced or one hostile line inserted."""
    rnd = random.Random(seed)
    lines = text.splitlines()
    inserts = ["", "x" * 300_000, "\u202e" * 1000, "\x00\x01\x1b[2J", "Date: 2022-13-45",
               "Date: 9999-99-99", "Date: ", "[bold][/]" * 100, "\ufeff", "\r\r\r",
               "On 31 February 2023 Russia proposed a ceasefire.", "a " * 100_000]
    for _ in range(n):
        i = rnd.randrange(len(lines) + 1)
        new = list(lines)
        bad = rnd.choice(inserts)
        if rnd.random() < 0.5 and i < len(new):
            new[i] = bad
            what = f"line {i + 1} replaced by {bad[:20]!r}"
        else:
            new.insert(i, bad)
            what = f"line {i + 1}: inserted {bad[:20]!r}"
        yield Case(fmt, what, {name: "\n".join(new).encode("utf-8", "surrogatepass")}, False)
