"""The one-pass composer of ``detente.scenario.yamlsafe`` against PyYAML's own composer and
constructor (an independent oracle): the same data, and the same line map and duplicate keys
as a walk over PyYAML's node graph, for the bundled cases and for documents with aliases,
merge keys, explicit keys, tags and duplicates."""

from __future__ import annotations

import pytest
import yaml

from detente.cases import case_names, case_path
from detente.errors import DetenteError
from detente.scenario import yamlsafe
from detente.scenario.yamlsafe import _walk, load_yaml

DOCS = {
    "aliases": "a: &x {k: 1, j: [1, 2]}\nb: *x\nc: [*x, *x]\nd: &s text\ne: *s\n",
    "merge": "base: &b\n  x: 1\n  y: 2\nd:\n  <<: *b\n  y: 3\n  z: 4\n",
    "explicit keys": "? long key\n: 1\n? |\n  block key\n: {x: [2]}\nplain: 3\n",
    "tags": "a: !!str 1\nb: !!int '3'\nc: ! x\nd: !!set {x, y}\n",
    "flow and block": "a: [1, {b: [2, 3]}, [4, [5]]]\nc:\n  - d: 1\n    e: [x, y]\n  - f\n",
    "scalar root": "just text\n",
    "empty values": "a:\nb: ~\nc: []\nd: {}\n",
    # (0x1F, 010, 1_000, 1:30 are refused since round 9: tests/fuzz/test_hardening9.py)
    "scalar types": ("a: [1, -2, 0o17, 3.5, 1e3, .inf, .nan, true, yes, off, ~, '',"
                     " 2024-01-02, 2024-01-02 10:00:00, !!binary aGVsbG8=, !!float 1, !!str 2]\n"
                     "b: {1: x, 2.5: y, true: z, ~: n, 2024-01-02: d}\n=: eq\n"
                     "c: !!omap [{x: 1}, {y: 2}]\nd: !!pairs [{x: 1}, {x: 2}]\n"),
}


def _written_twice(node: yaml.Node, path: tuple, seen: set[int],
                   dupes: list[tuple[tuple, int]]) -> None:
    """Keys written twice in one mapping of PyYAML's composed graph (before the constructor
    flattens merge keys), each collection visited once (an alias repeats no duplicate)."""
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        names: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in names:
                dupes.append((path + (key,), key_node.start_mark.line + 1))
            names.add(key)
            _written_twice(value_node, path + (key,), seen, dupes)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _written_twice(item, path + (i,), seen, dupes)


def _oracle(text: str) -> tuple[object, dict[tuple, tuple[int, int]], list[tuple[tuple, int]]]:
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    lines: dict[tuple, tuple[int, int]] = {}
    dupes: list[tuple[tuple, int]] = []
    if node is not None:
        _written_twice(node, (), set(), dupes)
    data = yaml.SafeLoader(text).construct_document(node) if node is not None else None
    if node is not None:
        _walk(node, (), lines)  # the graph as constructed: merges flattened
    return data, lines, dupes


@pytest.mark.parametrize("name", [*DOCS, *case_names()])
def test_one_pass_matches_pyyaml(name: str) -> None:
    text = DOCS[name] if name in DOCS else case_path(name).read_text(encoding="utf-8")
    data, lines, dupes = _oracle(text)
    assert not dupes
    got, got_lines = load_yaml(text, "f.yaml")
    assert (repr(got), got_lines) == (repr(data), lines)  # repr: 1 and True differ, nan is nan


@pytest.mark.parametrize(("text", "want"), [
    # an explicit key overrides the merged one, before or after the merge (yaml.org/type/merge)
    ("base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  x: 3\n", {"x": 3, "y": 2}),
    ("base: &b {x: 1, y: 2}\nd: {x: 3, <<: *b}\n", {"x": 3, "y": 2}),
    # of several merged mappings the earlier one wins; none of this is a duplicate key
    ("a: &a {x: 1}\nb: &b {x: 2, z: 2}\nd: {<<: [*a, *b], z: 9}\n", {"x": 1, "z": 9}),
])
def test_merge_key_overridden_by_an_explicit_key_is_no_duplicate(text: str, want: dict) -> None:
    data, lines = load_yaml(text, "f.yaml")
    assert data["d"] == want == yaml.safe_load(text)["d"]
    assert not _oracle(text)[2]
    if "x: 3" in text:  # the explicit key's line, not the anchor's
        assert lines[("d", "x")][0] == text[: text.index("x: 3")].count("\n") + 1


@pytest.mark.parametrize(("text", "paths"), [
    ("base: &b {x: 1}\nd:\n  <<: *b\n  x: 3\n  x: 4\n", [("d.x", 5)]),  # written twice
    ("base: &b {x: 1}\nd: {<<: *b, <<: *b}\n", [("d.<<", 2)]),  # two merge keys
    ("a: &a {x: 1, x: 2}\nb: *a\nc: {<<: *a}\n", [("a.x", 1)]),  # once, where it is written
])
def test_keys_written_twice_next_to_a_merge_are_still_refused(text: str, paths: list) -> None:
    assert [(yamlsafe.format_path(p), n) for p, n in _oracle(text)[2]] == paths
    with pytest.raises(DetenteError) as err:
        load_yaml(text, "f.yaml")
    assert [(p.path, p.line) for p in err.value.problems] == paths


def test_duplicate_keys_at_their_lines_as_the_oracle_finds_them() -> None:
    text = "a: 1\nb: {c: 1, c: 2}\nd:\n  - e: 1\n    e: 2\na: 3\n"
    want = [yamlsafe.format_path(p) for p, _ in _oracle(text)[2]]
    assert want == ["b.c", "d[0].e", "a"]
    with pytest.raises(DetenteError) as err:
        load_yaml(text, "f.yaml")
    got = [p.path for p in err.value.problems]
    assert got == want
    assert [p.line for p in err.value.problems] == [2, 5, 6]


@pytest.mark.parametrize(("text", "message"), [
    ("[" * 101 + "]" * 101, "f.yaml:1:101: malformed YAML: nested deeper than 100 levels"),
    ("_c: &c [*c]\n", "f.yaml:1:9: malformed YAML: recursive alias *c"),
    ("a: &a {b: *a}\n", "f.yaml:1:11: malformed YAML: recursive alias *a"),
    ("a: *nope\n", "f.yaml:1:4: malformed YAML: found undefined alias 'nope'"),
    ("a: &x 1\nb: &x 2\n", "f.yaml:2:4: malformed YAML: second occurrence"),  # of anchor x
    ("a: 1\n---\nb: 2\n", "f.yaml:2:1: malformed YAML: but found another document"),
    ("? [a, b]\n: 1\n", "f.yaml:1:3: malformed YAML: found unhashable key"),
])
def test_guards_and_composer_errors(text: str, message: str) -> None:
    with pytest.raises(DetenteError) as err:
        load_yaml(text, "f.yaml")
    assert str(err.value).startswith(message)


def test_a_construction_error_is_the_one_pyyaml_meets_first() -> None:
    # PyYAML builds the top level before nested mappings: line 4 fails before line 3
    text = "a:\n  b:\n    c: 2022-13-45\nd: !!int zz\n"
    with pytest.raises(ValueError, match="invalid literal for int"):
        yaml.safe_load(text)
    with pytest.raises(DetenteError) as err:
        load_yaml(text, "f.yaml")
    assert str(err.value).startswith("f.yaml:4:4: malformed YAML: cannot read the value: "
                                     "invalid literal for int()")


def test_alias_bomb_is_counted_not_expanded() -> None:
    rows = ["a: &a [1,1,1,1,1,1,1,1,1,1]"]
    for prev, cur in zip("abcdef", "bcdefg", strict=True):
        rows.append(f"{cur}: &{cur} [{', '.join([f'*{prev}'] * 10)}]")
    with pytest.raises(DetenteError, match="aliases expand to more than 1,000,000 nodes"):
        load_yaml("\n".join(rows) + "\n", "bomb.yaml")
    # one level less (about 10^5 nodes once expanded) loads
    assert load_yaml("\n".join(rows[:5]) + "\n", "ok.yaml")[0]["e"][0][0][0][0] == [1] * 10
