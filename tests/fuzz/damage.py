"""Round-7 families of hostile inputs (``scripts/hostile_sweep.py`` runs them with the whole-file
variants of :mod:`fuzz.whole`): byte-level damage (a file cut at its structural boundaries,
UTF-8 surrogates, a BOM before Latin-1 bytes, UTF-32, an ESC sequence, a 10 MB line), YAML
specials (an escaped control character, a 1 MB key, complex / null keys, a merge of a scalar,
a 5,000-digit number, a version directive), table specials (a quoted newline, a column name
written twice), XML specials (a default namespace, 100,000-deep nesting, an 8 MB attribute, a
character reference to ESC, XML 1.1, a processing instruction), JSON specials (a key written
twice, a BOM, a 5,000-digit number, a lone surrogate escape), and **chained commands**: what
one command writes (a JSON record, an HTML report, CSV tables, a draft scenario, an imported
GENIUS domain, an event store) given to every other command as its input.

Each variant is ``(label, change, must_fail)`` as in :mod:`fuzz.whole`; a chained case says
per reader whether the output is surely unusable there (then exit 0 is a wrong success).
"""

from __future__ import annotations

import functools
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from fuzz.mutate import Case

Variant = tuple[str, Callable[[bytes], bytes], bool]


def _line_cut(raw: bytes, k: int, mid: bool = False) -> bytes:
    """``raw`` cut after its ``k``-th line (or in the middle of line ``k + 1``)."""
    lines = raw.split(b"\n")
    head = b"\n".join(lines[:k]) + b"\n"
    return head + (lines[k][: len(lines[k]) // 2] if mid and k < len(lines) else b"")


def _inside(raw: bytes, data: bytes) -> bytes:
    """``data`` put in the middle of the line at a third of the file."""
    i = raw.find(b"\n", len(raw) // 3)
    i = len(raw) // 3 if i < 0 else i
    return raw[:i] + data + raw[i:]


COMMON: list[Variant] = [
    ("cut after the first line", lambda r: _line_cut(r, 1), False),
    ("cut in the middle of the second line", lambda r: _line_cut(r, 1, mid=True), False),
    ("last byte dropped", lambda r: r[:-1], False),
    ("UTF-8-encoded surrogate (CESU-8)", lambda r: _inside(r, b" \xed\xa0\x80"), False),
    ("UTF-8 BOM, then a Latin-1 byte", lambda r: b"\xef\xbb\xbf" + _inside(r, b" caf\xe9"),
     False),
    ("UTF-32 with BOM", lambda r: r.decode("utf-8").encode("utf-32"), False),
    ("an ESC sequence inside", lambda r: _inside(r, b" \x1b[31mred\x1b[0m"), False),
]

EVENTS: list[Variant] = [("one 10 MB line appended", lambda r: r + b"a\t" * (5 << 20) + b"\n",
                          False)]

def _title(raw: bytes, value: bytes) -> bytes:
    """The first ``title:`` or ``name:`` value replaced by ``value`` (a ``zz:`` key holding
    it appended when there is none)."""
    out, n = re.subn(rb"^(\s*-?\s*(?:title|name):) [^\n]*$",
                     lambda m: m.group(1) + b" " + value, raw, count=1, flags=re.MULTILINE)
    return out if n else raw + b"\nzz: " + value + b"\n"


YAML: list[Variant] = [
    ("an escaped ESC in a quoted value", lambda r: r + b'\nzz: "\\e[31mred"\n', True),
    ("an ESC sequence in the title", lambda r: _title(r, b'"\\e[2Jgone"'), True),
    ("a 1 MB title", lambda r: _title(r, b"x" * (1 << 20)), False),
    ("a 1 MB key", lambda r: r + b"\n" + b"k" * (1 << 20) + b": 1\n", True),
    ("a complex (list) key", lambda r: r + b"\n? [a, b]\n: 1\n", True),
    ("a null key", lambda r: r + b"\n~: 1\n", True),
    ("a merge of a scalar", lambda r: r + b"\nzz: {<<: 5}\n", True),
    ("a 5,000-digit number", lambda r: r + b"\nzz: " + b"9" * 5000 + b"\n", True),
    ("a %YAML 1.2 directive", lambda r: b"%YAML 1.2\n---\n" + r, False),
]


def _quoted_newline(raw: bytes, delim: bytes, header_rows: int) -> bytes:
    """The first cell of the first body row quoted, with a newline inside."""
    lines = raw.split(b"\n")
    if len(lines) <= header_rows or delim not in lines[header_rows]:
        return raw
    cells = lines[header_rows].split(delim)
    cells[0] = b'"' + cells[0] + b'\nZZ"'
    lines[header_rows] = delim.join(cells)
    return b"\n".join(lines)


def _header_twice(raw: bytes, delim: bytes) -> bytes:
    """The second column of the header renamed as the first (a name written twice)."""
    lines = raw.split(b"\n")
    head = lines[0].split(delim)
    if len(head) > 1:
        head[1] = head[0]
    return b"\n".join([delim.join(head), *lines[1:]])


def table(delimiter: str, header_rows: int) -> list[Variant]:
    d = delimiter.encode()
    out: list[Variant] = [("a quoted newline in a cell",
                           lambda r: _quoted_newline(r, d, header_rows), False)]
    if header_rows:
        out.append(("a column name written twice", lambda r: _header_twice(r, d), False))
    return out


def _root_attr(raw: bytes, attr: bytes) -> bytes:
    return re.sub(rb"<([A-Za-z_][\w.-]*)", lambda m: b"<" + m.group(1) + b" " + attr, raw,
                  count=1) if not raw.lstrip().startswith(b"<?") else re.sub(
        rb"(\?>\s*<[A-Za-z_][\w.-]*)", lambda m: m.group(1) + b" " + attr, raw, count=1)


def _before_last_close(raw: bytes, data: bytes) -> bytes:
    k = raw.rfind(b"</")
    return raw if k < 0 else raw[:k] + data + raw[k:]


XML: list[Variant] = [
    ("a default namespace on the root", lambda r: _root_attr(r, b'xmlns="http://example.com/x"'),
     False),
    ("100,000-deep nesting", lambda r: _before_last_close(r, b"<a>" * 100_000
                                                           + b"</a>" * 100_000), False),
    ("an 8 MB attribute value", lambda r: _root_attr(r, b'zz="' + b"x" * (8 << 20) + b'"'),
     False),
    ("a character reference to ESC", lambda r: re.sub(rb'="', b'="&#x1b;', r, count=1), True),
    ("an XML 1.1 declaration", lambda r: b'<?xml version="1.1"?>\n'
     + (r.split(b"?>", 1)[-1] if r.lstrip().startswith(b"<?xml") else r), False),
    ("a processing instruction and a comment", lambda r: _before_last_close(
        r, b"<?php system('id'); ?><!-- <issue name='ghost'/> -->"), False),
]


def _first_key_twice(raw: bytes) -> bytes:
    m = re.search(rb'\{\s*("[^"]+")\s*:', raw)
    return raw if m is None else raw[: m.end(1)] + b': "zz", ' + m.group(1) + raw[m.end(1):]


JSON: list[Variant] = [
    ("a key written twice", _first_key_twice, True),
    ("a UTF-8 BOM", lambda r: b"\xef\xbb\xbf" + r, False),
    ("a 5,000-digit number", lambda r: re.sub(rb"\{", b'{"zz": ' + b"9" * 5000 + b", ", r,
                                             count=1), True),
    ("a lone surrogate escape", lambda r: re.sub(rb':\s*"', b': "\\\\ud800', r, count=1), False),
]


def more_variants(kind: str, delimiter: str = ",", header_rows: int = 1) -> list[Variant]:
    """The round-7 variants for a file of ``kind`` (as :func:`fuzz.whole.whole_cases`)."""
    out = list(COMMON)
    if kind in ("table", "events"):
        out += table(delimiter, header_rows)
    if kind == "events":
        out += EVENTS
    out += {"yaml": YAML, "xml": XML, "json": JSON}.get(kind, [])
    return out


def is_new(case: Case) -> bool:
    """Whether ``case`` is one of this module's (``hostile_sweep.py --new-only``)."""
    labels = {v[0] for v in [*COMMON, *EVENTS, *YAML, *XML, *JSON, *table(",", 1)]}
    return case.format.startswith("chain:") or case.label.split(": ", 1)[-1] in labels


# -- chained commands -----------------------------------------------------------------------
ROOT = Path(__file__).resolve().parents[2]


@functools.cache
def chain_outputs() -> dict[str, bytes]:
    """What the commands write, by file name: JSON records, an HTML report, CSV tables, a
    draft scenario, an imported GENIUS domain, a new skeleton, an event store (written once
    per process from the bundled toy scenario and test fixtures)."""
    from fuzz.harness import run_cli

    toy = str(ROOT / "tests" / "toy.yaml")
    art = str(ROOT / "tests" / "data" / "extract" / "dev" / "01.txt")
    gd = str(ROOT / "tests" / "signals" / "fixtures" / "gdelt2_20150218230000_slice.tsv")
    gen = str(ROOT / "tests" / "data" / "genius" / "y2010" / "EnglandZimbabwe")
    out: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        for argv in (["analyze", toy, "-q", "--json", f"{t}/analyze.json", "--html",
                      f"{t}/analyze.html", "--csv", f"{t}/csv"],
                     ["forecast", toy, "-q", "-m", "compromise", "--json", f"{t}/forecast.json"],
                     ["import", "genius", gen, "-o", f"{t}/genius.yaml"],
                     ["extract", art, "-q", "-o", f"{t}/draft.yaml", "--json",
                      f"{t}/extract.json"],
                     ["signals", "import", gd, "--store", f"{t}/store.sqlite", "-q", "--json",
                      f"{t}/import.json"],
                     ["new", f"{t}/new.yaml"]):
            assert run_cli(argv).code == 0, argv
        for p in sorted(t.rglob("*")):
            if p.is_file() and not p.name.endswith(("-wal", "-shm")):
                out[p.name] = p.read_bytes()
    return out


#: Outputs a reader may use (a scenario written by ``import genius`` or ``new`` is one; a
#: draft scenario passes ``check``); every other output is surely not its input.
USABLE = {"scenario": {"genius.yaml", "new.yaml", "draft.yaml"},
          "extract": set(), "events": set(), "store": {"store.sqlite"}, "deu": set(),
          "commitments": set(), "signals-file": set()}


def chain_cases(reader: str) -> list[Case]:
    """Every output of :func:`chain_outputs` as the input of ``reader``."""
    return [Case(f"chain:{reader}", f"{name} given to {reader}", {name: data},
                 name not in USABLE[reader]) for name, data in chain_outputs().items()]
