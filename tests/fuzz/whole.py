"""Whole-file mutations of a valid input: the file as a whole is hostile (empty, binary, not
UTF-8, UTF-16, a BOM, truncated, a header only, the wrong delimiter, ragged rows, one 2 MB line)
or, by format, a YAML alias bomb / deep nesting / duplicate key / Python tag, an XML entity
bomb / external entity / missing issues / a folder with one profile, a JSON document nested
10^5 deep, a corrupt zip or SQLite store.

:func:`whole_cases` is deterministic (every variant once, no seed): ``scripts/hostile_sweep.py``
runs all of them for every source, ``tests/fuzz/test_fuzz_structured.py`` a seeded sample.
``must_fail`` marks the variants that surely leave nothing usable (then exit 0 is a wrong
success); the others may be read (a BOM, CRLF) or refused, but never with a traceback.
"""

from __future__ import annotations

import functools
import io
import re
import stat
import zipfile
from collections.abc import Callable

from fuzz import round8, round9, round10, round11, round12
from fuzz.damage import more_variants
from fuzz.formats import alias_bomb
from fuzz.mutate import Case

Variant = tuple[str, Callable[[bytes], bytes], bool]

BINARY = bytes(range(256)) * 8


def _not_utf8(raw: bytes) -> bytes:
    """One byte that is not UTF-8 (a Latin-1 é) in the middle of a line."""
    i = raw.find(b"\n", len(raw) // 2)
    i = len(raw) // 2 if i < 0 else i
    return raw[:i] + b" caf\xe9" + raw[i:]


def _utf16(raw: bytes) -> bytes:
    return raw.decode("utf-8").encode("utf-16")


def _ragged(raw: bytes, delim: bytes) -> bytes:
    """Every other row loses its last cell."""
    lines = raw.split(b"\n")
    return b"\n".join(ln.rsplit(delim, 1)[0] if k % 2 and delim in ln else ln
                      for k, ln in enumerate(lines))


COMMON: list[Variant] = [
    ("empty file", lambda r: b"", True),
    ("only blank lines", lambda r: b"\n \n\t\n", True),
    ("binary bytes", lambda r: BINARY, True),
    ("a byte that is not UTF-8", _not_utf8, False),
    ("UTF-16 with BOM", _utf16, False),
    ("UTF-8 BOM", lambda r: b"\xef\xbb\xbf" + r, False),
    ("CRLF line ends", lambda r: r.replace(b"\n", b"\r\n"), False),
    ("truncated at half", lambda r: r[: len(r) // 2], False),
    ("NUL byte inside", lambda r: r[: len(r) // 3] + b"\x00" + r[len(r) // 3:], False),
    ("one 2 MB line appended", lambda r: r + b"x" * (2 << 20), False),
]


def _table(delim: str, header_rows: int, events: bool) -> list[Variant]:
    d = delim.encode()
    other = b";" if delim == "," else b","
    out: list[Variant] = [
        ("wrong delimiter", lambda r: r.replace(d, other), False),
        ("ragged rows", lambda r: _ragged(r, d), False),
        ("every row twice", lambda r: r + r.split(b"\n", header_rows)[-1], False),
        ("CR-only line ends", lambda r: r.replace(b"\n", b"\r"), False),
    ]
    if header_rows:
        def header_only(r: bytes) -> bytes:
            return b"\n".join(r.split(b"\n")[:header_rows]) + b"\n"
        out.append(("header only", header_only, not events))
        out.append(("header repeated mid-file", lambda r: r + b"\n".join(
            r.split(b"\n")[:header_rows]) + b"\n" + r.split(b"\n", header_rows)[-1], False))
    return out


def _nested_repeat(raw: bytes) -> bytes:
    """The first key of the first nested block mapping written again right below itself (a
    duplicate inside a mapping of the file, not at the top); found with PyYAML's composer so
    that a ``key:`` inside a block scalar is not taken for one."""
    import yaml

    def first(node: yaml.Node, depth: int) -> yaml.Node | None:
        if isinstance(node, yaml.MappingNode):
            if depth and node.flow_style is False and node.value:
                return node.value[0][0]
            kids = [v for _, v in node.value]
        else:
            kids = node.value if isinstance(node, yaml.SequenceNode) else []
        return next((k for k in (first(c, depth + 1) for c in kids) if k is not None), None)

    key = first(yaml.compose(raw.decode("utf-8")), 0)
    if key is None:
        return raw + b"\nzz:\n  a: 1\n  a: 2\n"
    lines = raw.split(b"\n")
    k, col = key.start_mark.line, key.start_mark.column
    lines.insert(k + 1, b" " * col + key.value.encode() + b": again")
    return b"\n".join(lines)


def _alias_everywhere(raw: bytes) -> bytes:
    """Every top-level scalar anchored, then aliased under new keys (a legal, heavy use)."""
    keys = re.findall(rb"^([A-Za-z_][\w-]*): *([^\s&*!|>\[{'\"][^\n#]*)$", raw, re.MULTILINE)
    out = raw
    for k, (key, _) in enumerate(keys[:50]):
        out = re.sub(rb"^" + re.escape(key) + rb": ", key + b": &a%d " % k, out, count=1,
                     flags=re.MULTILINE)
    return out + b"".join(b"\nzz_%d: *a%d" % (k, k) for k in range(min(len(keys), 50))) + b"\n"


YAML: list[Variant] = [
    ("alias bomb appended", lambda r: r + b"\n" + alias_bomb().encode(), True),
    ("200-deep nesting appended", lambda r: r + b"\nzz_deep: " + b"[" * 200 + b"]" * 200
     + b"\n", True),
    ("recursive alias appended", lambda r: r + b"\nzz_loop: &zz_loop [*zz_loop]\n", True),
    ("first top-level key repeated", lambda r: r + b"\n" + _first_key(r) + b": again\n", True),
    ("python tag", lambda r: r + b"\nzz: !!python/object/apply:os.system ['true']\n", True),
    ("tab indentation", lambda r: re.sub(rb"\n  ", b"\n\t", r, count=1), True),
    ("a second document", lambda r: r + b"\n---\nzz: 1\n", True),
    ("a top-level list", lambda r: b"- " + r.replace(b"\n", b"\n  "), True),
    ("a scalar document", lambda r: b"just text\n", True),
    ("10,000-deep nesting appended", lambda r: r + b"\nzz_deep: " + b"[" * 10_000
     + b"]" * 10_000 + b"\n", True),
    ("2,000-deep block mapping", lambda r: r + b"\nzz:\n" + b"".join(
        b" " * k + b"k:\n" for k in range(1, 2_000)) + b" " * 2_000 + b"k: 1\n", True),
    ("a nested key repeated", _nested_repeat, True),
    ("python/object tag", lambda r: r + b"\nzz: !!python/object:os.system {}\n", True),
    ("python/name tag", lambda r: r + b"\nzz: !!python/name:os.system\n", True),
    ("a local !tag", lambda r: r + b"\nzz: !custom 1\n", True),
    ("a !!binary value", lambda r: r + b"\nzz: !!binary aGVsbG8=\n", True),
    ("a !!set value", lambda r: r + b"\nzz: !!set {a, b}\n", True),
    ("anchor and alias on every line", _alias_everywhere, False),
    ("a UTF-16 LE file without BOM", lambda r: r.decode("utf-8").encode("utf-16-le"), True),
    ("CRLF and a BOM", lambda r: b"\xef\xbb\xbf" + r.replace(b"\n", b"\r\n"), False),
]


def _first_key(raw: bytes) -> bytes:
    m = re.search(rb"^([A-Za-z_][\w-]*):", raw, re.MULTILINE)
    return m.group(1) if m else b"zz"


def _xml_decl_stripped(raw: bytes) -> bytes:
    return raw.split(b"?>", 1)[-1] if raw.lstrip().startswith(b"<?xml") else raw


ENTITY_BOMB = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
               + b"".join(b'<!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1
                                                            else b"&lol;") * 10)
                          for i in range(1, 10)) + b"]>\n")
XXE = b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'


def _with_doctype(prefix: bytes, entity: bytes) -> Callable[[bytes], bytes]:
    """The document behind a DOCTYPE whose entity is used in the first attribute value."""
    def f(raw: bytes) -> bytes:
        body = _xml_decl_stripped(raw).lstrip()
        body = re.sub(rb'="([^"]*)"', b'="' + entity + b'"', body, count=1)
        return prefix + body
    return f


XML: list[Variant] = [
    ("entity bomb (billion laughs)", _with_doctype(ENTITY_BOMB, b"&lol9;"), True),
    ("external entity", _with_doctype(XXE, b"&xxe;"), True),
    ("truncated at half", lambda r: r[: len(r) // 2], True),
    ("another root element", lambda r: b'<?xml version="1.0"?>\n<nothing/>\n', True),
    ("declared latin-1, written UTF-8", lambda r: b'<?xml version="1.0" encoding="ISO-8859-1"?>'
     + _xml_decl_stripped(r), False),
    ("declared UTF-16, written UTF-8", lambda r: b'<?xml version="1.0" encoding="UTF-16"?>'
     + _xml_decl_stripped(r), True),
    ("every <issue> removed", lambda r: re.sub(rb"<issue\b.*?</issue>|<issue\b[^>]*/>", b"", r,
                                               flags=re.DOTALL), False),
    ("every <item>/<value> removed", lambda r: re.sub(
        rb"<(item|value)\b[^>]*/>|<(item|value)\b[^>]*>.*?</(item|value)>", b"", r,
        flags=re.DOTALL), False),
]

JSON: list[Variant] = [
    ("not JSON", lambda r: r[: len(r) // 2], True),
    ("a top-level list", lambda r: b"[" + r + b"]", True),
    ("nested 100,000 deep", lambda r: b"[" * 100_000 + b"]" * 100_000, True),
    ("NaN token", lambda r: re.sub(rb'"quote":\s*"[^"]*"', b'"quote": NaN', r, count=1), True),
    ("a JSON null", lambda r: b"null", True),
]


def whole_cases(fmt: str, files: dict[str, bytes], main: str, kind: str,
                delimiter: str = ",", header_rows: int = 1) -> list[Case]:
    """Every whole-file variant of ``files[main]`` (the other files of a folder unchanged);
    ``kind``: table, events, yaml, xml, json or text."""
    variants = list(COMMON)
    if kind in ("table", "events"):
        variants += _table(delimiter, header_rows, kind == "events")
    variants += {"yaml": YAML, "xml": XML, "json": JSON}.get(kind, [])
    variants += more_variants(kind, delimiter, header_rows)  # round 7: fuzz/damage.py
    out = []
    for label, change, sure in variants:
        if kind == "text" and label in ("empty file", "only blank lines"):
            sure = False  # an empty article is read as one with nothing in it
        if kind == "xml" and label == "UTF-16 with BOM":
            sure = False  # XML in UTF-16 with a BOM is well-formed
        out.append(Case(fmt, f"{main}: {label}", {**files, main: change(files[main])}, sure))
    out += round8.cases(fmt, files, main, kind, delimiter, header_rows)  # fuzz/round8.py
    out += round9.cases(fmt, files, main, kind, delimiter, header_rows)  # fuzz/round9.py
    out += round10.cases(fmt, files, main, kind, delimiter, header_rows)  # fuzz/round10.py
    out += round11.cases(fmt, files, main, kind, delimiter, header_rows)  # fuzz/round11.py
    out += round12.cases(fmt, files, main, kind, delimiter, header_rows)  # fuzz/round12.py
    if kind == "xml" and len(files) > 2:
        # a folder with one profile: the domain and one party, or the domain alone
        keep = [n for n in files if n != main][:1]
        out.append(Case(fmt, "a folder with one profile",
                        {main: files[main], **{n: files[n] for n in keep}}, True))
    return out


def zip_cases(fmt: str, name: str, raw: bytes) -> list[Case]:
    """An event file zipped, then the zip made hostile: truncated, empty, two members, a
    member that is binary, a member named with ``..``, a ``.zip`` that is no zip."""
    def z(members: dict[str, bytes]) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for n, data in members.items():
                zf.writestr(n, data)
        return buf.getvalue()

    good = z({name: raw})
    zname = name + ".zip"
    return [Case(fmt, f"{zname}: {label}", {zname: data}, sure) for label, data, sure in [
        ("the zip truncated", good[: len(good) // 2], True),
        ("an empty zip", z({}), True),
        ("two members", z({name: raw, "b_" + name: raw}), False),
        ("a binary member", z({name: BINARY}), True),
        ("a member named ../x", z({"../" + name: raw}), False),
        ("not a zip", raw, False),
        ("a zip of 64 MB of zeros", zero_bomb(64 << 20), True),
        ("a zip inside the zip", z({zname: good}), True),
        ("1,001 members", z({f"{k}_{name}": raw[:200] for k in range(1001)}), True),
        ("only a folder member", hostile_zip([("d/", b"", "dir")]), True),
        ("a symbolic-link member", hostile_zip([(name, b"/etc/passwd", "link")]), True),
        ("an encrypted member", hostile_zip([(name, raw, "encrypted")]), True),
        ("a member name that is not UTF-8", hostile_zip([(name, raw, "latin1")]), False),
        ("256 MB of zeros in 256 KB", zero_bomb(256 << 20), True),
    ]]


def hostile_zip(members: list[tuple[str, bytes, str]]) -> bytes:
    """A zip whose members are marked ``dir`` (a folder), ``link`` (a symbolic link holding
    the data as its target), ``encrypted`` (the encryption flag set: zipfile cannot write real
    ZipCrypto), ``latin1`` (the name's bytes not UTF-8, the UTF-8 flag unset) or ``plain``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data, how in members:
            info = zipfile.ZipInfo(name if how != "latin1" else "\x01" + name)
            info.external_attr = {"dir": stat.S_IFDIR | 0o755, "link": stat.S_IFLNK | 0o777
                                  }.get(how, stat.S_IFREG | 0o644) << 16
            zf.writestr(info, data, zipfile.ZIP_DEFLATED)
    raw = bytearray(buf.getvalue())
    for name, _, how in members:  # zipfile writes any non-ASCII name as UTF-8: patch the bytes
        if how == "latin1":
            raw = bytearray(bytes(raw).replace(b"\x01" + name.encode(), b"\xe9" + name.encode()))
    if any(how == "encrypted" for _, _, how in members):
        for sig, at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # both general-purpose flags
            k = raw.find(sig)
            raw[k + at] |= 1
    return bytes(raw)


@functools.cache
def zero_bomb(size: int) -> bytes:
    """A zip of one member of ``size`` zero bytes (deflate: ~1,000 : 1), written in chunks;
    built once per process (the member name does not matter: zeros are refused unread)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf, \
            zf.open("zeros.export.CSV", "w", force_zip64=True) as out:
        for _ in range(size >> 24):
            out.write(bytes(1 << 24))
    return buf.getvalue()


#: What a count or number column is filled with, on every row (``count_cases``).
COUNT_VALUES = ["1e308", "nan", "inf", "-inf", "-3", "99999999999999999999", "1,234", "1e3",
                "2.5", "0x10"]


def count_cases(fmt: str, files: dict[str, bytes], main: str, delimiter: str = ",",
                header_rows: int = 1, columns: int = 4) -> list[Case]:
    """Each of ``columns`` numeric columns spread over ``files[main]`` (at least half the
    body cells filled, every filled one a number) filled on every row with each of
    :data:`COUNT_VALUES`: huge, not finite, negative, too large for 64 bits, a thousands
    separator, an exponent, not whole, hex. The reader may refuse the file or count the rows
    as problems, never crash or hang."""
    import csv

    text = files[main].decode("utf-8")
    tsv = delimiter == "\t"  # tab-separated: split and join as they are (quotes are data)
    rows = ([ln.split("\t") if ln else [] for ln in text.split("\n")] if tsv
            else list(csv.reader(io.StringIO(text), delimiter=delimiter)))
    body = [r for r in rows[header_rows:] if r]
    if not body:
        return []
    width = min(len(r) for r in body)

    def number(cell: str) -> bool:
        try:
            float(cell)
        except ValueError:
            return False
        return True

    numeric = [j for j in range(width)
               if sum(bool(r[j].strip()) for r in body) * 2 >= len(body)
               and all(number(r[j]) for r in body if r[j].strip())]
    numeric = numeric[::max(1, len(numeric) // columns)][:columns]  # spread over the row
    out = []
    for j in numeric:
        for value in COUNT_VALUES:
            new = rows[:header_rows] + [[value if k == j else c for k, c in enumerate(r)]
                                        if r else r for r in rows[header_rows:]]
            buf = io.StringIO()
            if tsv:
                buf.write("\n".join("\t".join(r) for r in new))
            else:
                csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerows(new)
            out.append(Case(fmt, f"{main}: field {j + 1} of every row = {value}",
                            {**files, main: buf.getvalue().encode("utf-8")}, False))
    return out
