"""Round-10 families of hostile inputs (``scripts/hostile_sweep.py --part round10`` runs them,
``--round 10`` with ``--part files`` only their byte variants):

- **truncation at structural points**: a file cut right after a key's ``:`` (YAML, JSON), inside
  a flow list, inside a quoted string, inside a tag or attribute value (XML), inside a quoted
  cell (CSV), in the middle of a UTF-8 character;
- **line breaks Python knows and formats do not**: U+2028 LINE SEPARATOR, U+0085 NEXT LINE, a
  form feed and a vertical tab inside a name or cell (``str.splitlines`` splits on each: a row
  broken in two, line numbers shifted); CR-only line ends in every format; a file of NULs;
  an overlong UTF-8 sequence (``C0 AF``);
- **numbers Python reads and no spreadsheet writes**, in every number cell of a table and every
  number attribute of a GENIUS file: ``1_0`` (``float("0_5")`` is 5.0), Arabic-Indic digits
  (``float("٣")`` is 3.0), spreadsheet error and missing markers (``#N/A``, ``#DIV/0!``,
  ``NA``, ``null``, ``1.#INF``), NaN and infinity spelled ``NaN``, ``Infinity``, ``-Infinity``,
  ``1e999``, accounting and locale spellings (``(5)``, ``5%``, ``1 000``, ``1.000,5``), a
  400-digit number; in YAML every number as ``.Inf``, ``.INF``, ``.NAN``, ``nan``, ``inf``,
  ``Infinity``, ``1.0e+999``, ``-1.0e+999`` or a 400-digit integer; in JSON ``-Infinity``,
  ``1E400``, ``nan``;
- **duplicates XML can hold**: an attribute written twice, two issues with one index;
- **valid inputs a careless analyst or another tool makes** (``[r10 valid]``: refusing one is a
  *wrong* finding): no final newline, trailing blank lines, CR LF line ends, a UTF-8 BOM, BOM and
  CR LF together (a spreadsheet's "CSV UTF-8"), every CSV cell quoted, a YAML file re-saved by
  another tool (keys sorted), XML with single-quoted attributes and comments between elements,
  JSON minified, with ASCII escapes or with its keys sorted.

:func:`sweep_round10` (``--part round10``) adds what a byte variant cannot express: every reader
given a Unix socket, a sparse 8 GB file, ``/proc/self/status`` (a regular file whose size reads
0), ``-``, a path with a trailing slash, a path of 5,000 characters and a link to a folder;
every output option given a socket; files rewritten while a command reads them; the number
spellings of every numeric option (``1_000``, ``+5``, ``٣``, ``0_5``, `` 5``; the decision:
docs/limits.md, "Numbers"); the workbench given uploads of other formats and odd file names,
and edits whose value holds an invisible character or a line separator; and every console
output checked for ``-0.00`` (:func:`fuzz.sweep.classify`).
"""

from __future__ import annotations

import json
import os
import re
import socket
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from fuzz.mutate import Case

Change = Callable[[bytes], bytes]
#: (label, change, surely refused, surely valid)
Variant = tuple[str, Change, bool, bool]

ROOT = Path(__file__).resolve().parents[2]
VALID = "[r10 valid]"
TAG = "[r10]"


def _cut_after(pattern: bytes, extra: int = 0) -> Change:
    """The file cut ``extra`` bytes after the first match of ``pattern`` in its second half
    (else in the whole file); unchanged when nothing matches."""
    def f(raw: bytes) -> bytes:
        rx = re.compile(pattern)
        m = rx.search(raw, len(raw) // 2) or rx.search(raw)
        return raw if m is None else raw[: m.end() + extra]
    return f


def _cut_mid_char(raw: bytes) -> bytes:
    """Cut after the first byte of the first multi-byte UTF-8 character (one is added at the
    end of a line in the middle when the file has none)."""
    m = re.search(rb"[\xc2-\xf4]", raw)
    if m is None:
        i = raw.find(b"\n", len(raw) // 2)
        i = len(raw) // 2 if i < 0 else i
        return raw[:i] + b" \xc3"
    return raw[: m.start() + 1]


def _in_text(ch: bytes, kind: str, delim: bytes, header_rows: int) -> Change:
    """``ch`` inside the first name or text value (YAML title/name, the first body cell, an
    XML name, a JSON string, the middle of a text)."""
    def f(raw: bytes) -> bytes:
        if kind == "yaml":
            return re.sub(rb"^(\s*-?\s*(?:title|name):) ([A-Za-z][^\n\"'#]*?)\s*$",
                          lambda m: m.group(1) + b" " + m.group(2)[:2] + ch + m.group(2)[2:],
                          raw, count=1, flags=re.MULTILINE)
        if kind in ("table", "events"):
            lines = raw.split(b"\n")
            if len(lines) <= header_rows or delim not in lines[header_rows]:
                return raw
            cells = lines[header_rows].split(delim)
            j = 1 if len(cells) > 1 and cells[1].strip(b'"') else 0
            c = cells[j]
            k = 2 if c[:1] == b'"' else 1
            cells[j] = c[:k] + ch + c[k:]
            lines[header_rows] = delim.join(cells)
            return b"\n".join(lines)
        if kind == "xml":
            return re.sub(rb'(\bname=")([^"]+)"', lambda m: m.group(1) + m.group(2)[:1] + ch
                          + m.group(2)[1:] + b'"', raw, count=1)
        if kind == "json":
            return re.sub(rb'(:\s*")([^"\\])', lambda m: m.group(1) + m.group(2) + ch, raw,
                          count=1)
        i = raw.find(b" ", len(raw) // 2)
        i = len(raw) // 2 if i < 0 else i
        return raw[:i] + b" a" + ch + b"b" + raw[i:]
    return f


def _common(kind: str, delim: str, header_rows: int) -> list[Variant]:
    d = delim.encode()
    analyst = kind in ("yaml", "xml")
    out: list[Variant] = [
        ("cut in the middle of a UTF-8 character", _cut_mid_char, kind in ("yaml", "json"),
         False),
        ("a file of 4,096 NUL bytes", lambda r: bytes(4096), True, False),
        ("an overlong UTF-8 sequence C0 AF", lambda r: _in_text(b"\xc0\xaf", kind, d,
                                                                header_rows)(r),
         kind in ("yaml", "json", "xml"), False),
    ]
    if kind not in ("table", "events"):  # tables have CR-only since round 6
        out.append(("CR-only line ends", lambda r: r.replace(b"\r\n", b"\n").replace(b"\n",
                                                                                 b"\r"),
                    False, False))
    for ch, name in ((b"\xe2\x80\xa8", "U+2028 LINE SEPARATOR"), (b"\xc2\x85", "U+0085 NEXT LINE"),
                     (b"\x0c", "a form feed"), (b"\x0b", "a vertical tab")):
        # YAML refuses control characters and C1 controls; U+2028 is a YAML line break (1.1)
        sure = analyst and ch != b"\xe2\x80\xa8"
        out.append((f"{name} inside a name or text", _in_text(ch, kind, d, header_rows), sure,
                    False))
    # valid: what an editor, a spreadsheet or a careless analyst writes
    bom_ok = kind in ("yaml", "xml", "table", "text")
    out += [
        ("no final newline", lambda r: r.rstrip(b"\r\n"), False, True),
        ("three trailing blank lines", lambda r: r.rstrip(b"\n") + b"\n\n\n\n", False,
         kind != "events"),
        ("CR LF line ends", lambda r: r.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"),
         False, True),
        ("a UTF-8 BOM", lambda r: b"\xef\xbb\xbf" + r, False, bom_ok),
    ]
    if kind == "table":
        out.append(("a BOM and CR LF (a spreadsheet's CSV UTF-8)", lambda r: b"\xef\xbb\xbf"
                    + r.replace(b"\n", b"\r\n"), False, True))
    return out


_YAML_NUMBER = re.compile(rb"(?<=[:\[,] )(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)(?=\s*[,\]}\n#]|\s*$)",
                          re.MULTILINE)


def _resaved(sort: bool) -> Change:
    def f(raw: bytes) -> bytes:
        import yaml

        try:
            data = yaml.safe_load(raw.decode("utf-8"))
        except Exception:
            return raw
        return yaml.safe_dump(data, sort_keys=sort, allow_unicode=True, width=100).encode()
    return f


def _yaml(raw: bytes) -> list[Variant]:
    has_num = bool(_YAML_NUMBER.search(raw))
    big = b"1" + b"0" * 400
    out: list[Variant] = [
        (f"every number = {v.decode()[:20]}", lambda r, v=v: _YAML_NUMBER.sub(v, r), has_num,
         False)
        for v in (b".Inf", b".INF", b"-.Inf", b".NAN", b"nan", b"inf", b"Infinity",
                  b"1.0e+999", b"-1.0e+999", big)]
    out += [
        ("cut after a nested key's colon", _cut_after(rb"\n +[a-z_]+:"), True, False),
        ("cut inside a flow list", _cut_after(rb"\[[^\]\n]{2}"), True, False),
        ("cut inside a quoted string", _cut_after(rb": \"[^\"\n]{2}"), True, False),
        ("re-saved by another YAML tool (keys sorted)", _resaved(True), False, True),
        ("re-saved by another YAML tool (key order kept)", _resaved(False), False, True),
    ]
    return out


def _table_numbers(fmt: str) -> list[tuple[str, bool]]:
    """Number spellings for every numeric cell: (value, surely refused)."""
    analyst = fmt in ("ktab", "bdm", "deu", "commitments")
    return [(v, analyst) for v in ("1_0", "\u0663", "NaN", "Infinity", "-Infinity", "1e999",
                                   "#N/A", "#DIV/0!", "1.#INF", "(5)", "5%", "1 000",
                                   "1.000,5", "1" + "0" * 400)] + [("NA", False),
                                                                  ("null", False)]


def _numbers(fmt: str, raw: bytes, delim: str, header_rows: int) -> list[Variant]:
    """Every cell of the table that holds a number (outside the header rows) replaced."""
    d = delim.encode()
    num = re.compile(rb"^\s*-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?\s*$")

    def fill(value: bytes) -> Change:
        def f(r: bytes) -> bytes:
            lines = r.split(b"\n")
            out = lines[:header_rows]
            for ln in lines[header_rows:]:
                out.append(d.join(value if num.match(c) else c for c in ln.split(d)))
            return b"\n".join(out)
        return f

    return [(f"every number cell = {v[:12]}", fill(v.encode()), sure, False)
            for v, sure in _table_numbers(fmt)]


def _quote_all(raw: bytes) -> bytes:
    import csv
    import io

    text = raw.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    buf = io.StringIO()
    csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


def _cut_quoted(raw: bytes) -> bytes:
    """Every cell quoted, then the file cut after the first character of a cell in its last
    third (an unclosed quote at the end of the file)."""
    q = _quote_all(raw)
    k = q.find(b',"', len(q) * 2 // 3)
    return raw if k < 0 else q[: k + 3]


def _table(fmt: str, raw: bytes, delim: str, header_rows: int, events: bool) -> list[Variant]:
    out = _numbers(fmt, raw, delim, header_rows)
    if delim == "," and not events:
        out.append(("every cell quoted (QUOTE_ALL)", _quote_all, False, True))
        out.append(("cut inside a quoted cell", _cut_quoted, fmt != "agreements", False))
    return out


_XML_ATTR = re.compile(rb'(\b(?:evaluation|lowerbound|upperbound|utility|min|max)|(?<=<weight )'
                       rb'[^>]*?\bvalue|(?<=<reservation )value|(?<=<discount_factor )value)'
                       rb'="(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"')
"""The attributes detente reads as numbers (not ``index``, a whole number checked apart, nor
``cost`` and ``number_of_issues``, which it does not read, nor an item's ``value``, a label)."""


def _xml_numbers(value: bytes) -> Change:
    return lambda r: _XML_ATTR.sub(lambda m: m.group(1) + b'="' + value + b'"', r)


def _dup_index(raw: bytes) -> bytes:
    idx = re.findall(rb'<issue\b[^>]*\bindex="(\d+)"', raw)
    if len(idx) < 2:
        return raw
    k = [0]

    def sub(m: re.Match[bytes]) -> bytes:
        k[0] += 1
        return m.group(0).replace(b'index="' + idx[1] + b'"', b'index="' + idx[0] + b'"') \
            if k[0] == 2 else m.group(0)
    return re.sub(rb'<issue\b[^>]*>', sub, raw)


def _xml(raw: bytes) -> list[Variant]:
    has = bool(_XML_ATTR.search(raw))
    out: list[Variant] = [
        (f"every number attribute = {v.decode()}", _xml_numbers(v), has, False)
        for v in (b"1_0", "\u0663".encode(), b"nan", b"Infinity", b"-INF", b"1e999",
                  b"1" + b"0" * 400)]
    out += [
        ("an attribute written twice", lambda r: re.sub(rb'<(\w+) (\w+)="([^"]*)"',
                                                        rb'<\1 \2="\3" \2="\3"', r, count=1),
         True, False),
        ("two issues with one index", _dup_index, bool(len(re.findall(rb"<issue\b", raw)) > 1),
         False),
        ("cut inside a tag", _cut_after(rb"<issue\b", 3), True, False),
        ("cut inside an attribute value", _cut_after(rb'="', 1), True, False),
        ("single-quoted attributes", lambda r: re.sub(rb'="([^"\']*)"', rb"='\1'", r), False,
         True),
        ("comments between elements", lambda r: re.sub(rb">(\s*)<(?![?!/])", rb"><!-- c -->\1<",
                                                       r), False, True),
    ]
    return out


def _json_redump(**kw: object) -> Change:
    def f(raw: bytes) -> bytes:
        try:
            return json.dumps(json.loads(raw), **kw).encode("utf-8")  # type: ignore[arg-type]
        except ValueError:
            return raw
    return f


def _json() -> list[Variant]:
    return [
        ("a number -Infinity", lambda r: re.sub(rb"\{", b'{"zz": -Infinity, ', r, count=1),
         True, False),
        ("a number 1E400", lambda r: re.sub(rb"\{", b'{"zz": 1E400, ', r, count=1), True,
         False),
        ("a bare nan", lambda r: re.sub(rb"\{", b'{"zz": nan, ', r, count=1), True, False),
        ("cut after a key's colon", _cut_after(rb'":'), True, False),
        ("minified", _json_redump(separators=(",", ":"), ensure_ascii=False), False, True),
        ("ASCII escapes", _json_redump(indent=1, ensure_ascii=True), False, True),
        ("keys sorted", _json_redump(indent=2, sort_keys=True, ensure_ascii=False), False,
         True),
    ]


def variants(fmt: str, kind: str, raw: bytes, delimiter: str = ",",
             header_rows: int = 1) -> list[Variant]:
    """The round-10 variants of a file of ``kind`` (as :func:`fuzz.whole.whole_cases`)."""
    out = _common(kind, delimiter, header_rows)
    if kind == "yaml":
        out += _yaml(raw)
    elif kind in ("table", "events"):
        out += _table(fmt, raw, delimiter, header_rows, kind == "events")
    elif kind == "xml":
        out += _xml(raw)
    elif kind == "json":
        out += _json()
    return out


#: The unchanged file of each valid variant (by id of its Case): a valid variant refused only
#: counts as wrong when its unchanged file is accepted by the same command (GENIUS's non-linear
#: profiles are refused by ``import genius`` however they are written).
BASES: dict[int, tuple[str, bytes]] = {}


def cases(fmt: str, files: dict[str, bytes], main: str, kind: str, delimiter: str = ",",
          header_rows: int = 1) -> list[Case]:
    out = []
    for label, change, sure, valid in variants(fmt, kind, files[main], delimiter, header_rows):
        new = change(files[main])
        if new == files[main]:
            continue  # the family does not apply to this file
        case = Case(fmt, f"{main}: {label} {VALID if valid else TAG}", {**files, main: new},
                    sure and not valid)
        if valid:
            BASES[id(case)] = (main, files[main])
        out.append(case)
    return out


def base_refused(case: Case, step: list[str], folder: Path, names: list[str],
                 seconds: float) -> bool:
    """Whether the unchanged file of the valid variant ``case`` is refused by ``step`` too (it
    is written over the variant in ``folder`` for the run, then put back)."""
    from fuzz.sweep import classify

    if id(case) not in BASES:
        return False
    main, raw = BASES[id(case)]
    target = folder / main
    changed = target.read_bytes()
    target.write_bytes(raw)
    try:
        outcome, _ = classify(step, names, False, seconds)
    finally:
        target.write_bytes(changed)
    return outcome == "error"


def is_new(case: Case) -> bool:
    """Whether ``case`` is one of this module's (``hostile_sweep.py --round 10``)."""
    return case.label.endswith((TAG, VALID))


def is_valid(label: str) -> bool:
    """Whether refusing the case is a wrong answer (an unusual but valid input)."""
    return label.endswith(VALID)


# -- what a byte variant cannot express (--part round10) ----------------------------------------
TOY = ROOT / "tests" / "toy.yaml"
GEN = ROOT / "tests" / "data" / "genius" / "y2010" / "EnglandZimbabwe"
CASE = "ru-ua-2024-09"


def _socket(path: Path) -> socket.socket:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(str(path))
    s.listen(1)
    return s


#: Special inputs that may also be read: a link to a GENIUS folder is a folder; Python's paths
#: drop a trailing slash (``toy.yaml/`` is read as ``toy.yaml``).
MAY_READ = ("a link to a folder", "a file path with a trailing slash")


def _special_inputs(tmp: Path) -> dict[str, str]:
    out: dict[str, str] = {"a Unix socket": str(tmp / "sock.yaml")}
    sparse = tmp / "sparse.yaml"
    with sparse.open("wb") as f:
        f.truncate(8 << 30)
    out["a sparse 8 GB file of NULs"] = str(sparse)
    if Path("/proc/self/status").exists():
        out["/proc/self/status (size 0, holds text)"] = "/proc/self/status"
    out["-"] = "-"
    toy = tmp / "toy.yaml"
    toy.write_bytes(TOY.read_bytes())
    out["a file path with a trailing slash"] = str(toy) + "/"
    deep = tmp / "/".join(["d" * 200] * 25) / "x.yaml"
    out["a path of 5,000 characters"] = str(deep)
    link = tmp / "folderlink.yaml"
    link.symlink_to(GEN, target_is_directory=True)
    out["a link to a folder"] = str(link)
    return out


class _Rewriter:
    """Rewrites ``path`` over and over (its text, empty, its first half, a link swap) while a
    command reads it: the file changes during the run."""

    def __init__(self, path: Path, data: bytes) -> None:
        self.path, self.data, self.stop = path, data, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        k = 0
        while not self.stop.is_set():
            body = (self.data, b"", self.data[: len(self.data) // 2], self.data + self.data)[k % 4]
            try:
                tmp = self.path.with_name(self.path.name + ".new")
                tmp.write_bytes(body)
                os.replace(tmp, self.path)  # another inode: the name moves under the reader
                if k % 3 == 0:
                    with self.path.open("r+b") as f:  # and in place: truncated while open
                        f.truncate(len(body) // 3)
            except OSError:
                pass
            k += 1
            time.sleep(0.0005)

    def __enter__(self) -> _Rewriter:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()


def _changing(tally: object, tmp: Path, seconds: float) -> None:
    from fuzz.sources import FIXTURES, SHARED
    from fuzz.sweep import _short, classify

    art = ROOT / "tests" / "data" / "extract" / "dev" / "01.txt"
    gd = FIXTURES / "gdelt2_20150218230000_slice.tsv"
    inputs = [("scenario", TOY, lambda p: [["check", p], ["analyze", p, "-q"]]),
              ("article", art, lambda p: [["extract", p, "-q"]]),
              ("events", gd, lambda p: [["signals", "import", p, "--store",
                                         str(tmp / "chg.sqlite"), "-q"]]),
              ("ktab", SHARED / "ktab" / "SOE-Policy.csv",
               lambda p: [["forecast", p, "-q", "-m", "compromise"]]),
              ("deu", SHARED / "deu3-dev.tsv",
               lambda p: [["backtest", p, "-q", "-m", "compromise", "--bootstrap", "5"]])]
    for label, src, cmds in inputs:
        if not src.is_file():
            continue
        name = "20150218230000.export.CSV" if label == "events" else src.name
        f = tmp / "chg" / name
        f.parent.mkdir(exist_ok=True)
        for k in range(3):
            f.write_bytes(src.read_bytes())
            for argv in cmds(str(f)):
                with _Rewriter(f, src.read_bytes()):
                    outcome, detail = classify(argv, [str(f)], False, seconds)
                tally.add("round10:changing", outcome,  # type: ignore[attr-defined]
                          f"{label} #{k} | {' '.join(_short(argv))} | {detail}")


#: Number spellings of an option (the decision of docs/limits.md, "Numbers"): refused surely.
VALUES10: dict[str, list[tuple[str, bool]]] = {
    "count": [("1_000", True), ("+5", True), (" 5", False), ("5 ", False), ("\u0663", True),
              ("05", False)],
    "seed": [("1_0", True), ("+1", True), (" 1", False), ("\u0663", True)],
    "float": [("0_5", True), ("+0.5", True), (" 0.5", False), ("\u0660.\u0665", True),
              (".5", False), ("5.", False), ("5E-1", False)],
}


def _options(tally: object, tmp: Path, seconds: float) -> None:
    from fuzz.round9 import option_commands9
    from fuzz.sweep import _short, classify, option_commands, prepare_store

    prepare_store(tmp)
    for before, opt, kind in option_commands(tmp) + option_commands9(tmp):
        for value, sure in VALUES10.get(kind, []):
            argv = [*before, opt, value]
            names = [opt]
            outcome, detail = classify(argv, names, sure, seconds)
            if (outcome == "error" and sure and "allowed" not in detail.lower()
                    and "No such option" not in detail):  # that one lists the options
                outcome, detail = "unclear", "does not say what is allowed: " + detail
            tally.add(f"round10:option:{before[0]}", outcome,  # type: ignore[attr-defined]
                      f"{' '.join(_short(argv))} | {detail}")


def _web(tally: object) -> None:
    try:
        from fastapi.testclient import TestClient
    except ImportError:  # pragma: no cover - the web extra is not installed
        return
    from detente.web.app import create_app
    from fuzz.sources import SHARED

    toy = TOY.read_bytes()
    ktab = SHARED / "ktab" / "SOE-Policy.csv"
    files: list[tuple[str, str, bytes]] = [
        ("a GENIUS domain", "domain.xml", next(iter(sorted(GEN.glob("*.xml")))).read_bytes()),
        ("a JSON record", "rec.json", b'{"id": "toy"}'),
        ("a name of 10,000 characters", "x" * 10_000 + ".yaml", toy),
        ("a Windows path name", "..\\..\\x.yaml", toy),
        ("a name with a NUL", "x\x00y.yaml", toy),
        ("a name with a newline", "x\ny.yaml", toy),
        ("a name with an RTL override", "x\u202ey.yaml", toy),
        ("the toy with U+2028 in its title", "toy.yaml",
         toy.replace(b"title: ", "title: a\u2028b ".encode(), 1)),
    ]
    if ktab.is_file():
        files.append(("a KTAB table", "k.csv", ktab.read_bytes()))
    with tempfile.TemporaryDirectory() as tmp:
        client = TestClient(create_app(None, Path(tmp) / "out"), raise_server_exceptions=False,
                            headers={"HX-Request": "true"})
        reqs: list[tuple[str, str, str, dict[str, object], bool]] = [
            (label, "POST", "/upload", {"files": {"file": (name, data)}}, label not in (
                "a name of 10,000 characters", "a Windows path name", "a name with a newline",
                "a name with a NUL", "a name with an RTL override"))
            for label, name, data in files]
        key = "ru-ua-2024-09"
        for value, label in (("Side\u200bA", "a zero-width space"), ("a\u2028b", "U+2028"),
                             ("a\u202eb", "an RTL override"), ("a\x85b", "U+0085")):
            reqs.append((f"an edited name with {label}", "POST", f"/case/{key}/edit",
                         {"data": {"rev": "0", "path": "actors[0].name", "value": value}},
                         True))
        for rev in ("1_0", "+0", " 0", "\u0660"):  # spaces around a number are allowed
            reqs.append((f"rev {rev!r}", "POST", f"/case/{key}/edit",
                         {"data": {"rev": rev, "path": "actors[0].batna", "value": "0.5"}},
                         rev != " 0"))
        for value in ("1_0", "+5", "\u0663"):
            reqs.append((f"paths {value!r}", "POST", f"/case/{key}/run/window",
                         {"data": {"paths": value}}, True))
        for label, method, url, kw, sure in reqs:
            try:
                r = client.request(method, url, **kw)  # type: ignore[arg-type]
            except Exception as exc:
                tally.add("round10:web", "traceback",  # type: ignore[attr-defined]
                          f"{label} | {type(exc).__name__}: {exc}"[:300])
                continue
            alive = client.get("/").status_code == 200
            what = f"{label} | {method} {url[:40]} | {r.status_code} {r.text[:150]!r}"
            if r.status_code >= 500 or not alive:
                outcome = "traceback"
            elif r.status_code >= 400 or "error" in r.text.lower()[:2000]:
                outcome = "error" if r.text.strip() else "unclear"
            else:
                outcome = "wrong" if sure else "success"
            tally.add("round10:web", outcome, what)  # type: ignore[attr-defined]
        client.post("/job/cancel")


def sweep_round10(tally: object, seconds: float = 60.0) -> None:
    from fuzz.paths import _readers, _writers
    from fuzz.sweep import _short, classify

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        work = tmp / "work"
        work.mkdir()
        specials = _special_inputs(tmp)
        sock = _socket(Path(specials["a Unix socket"]))
        try:
            for label, path in specials.items():
                for make in _readers(work):
                    argv = make(path)
                    names = [path, path.rstrip("/"), path[:40], "'-'", " - ", "-:", "'-' "]
                    outcome, detail = classify(argv, names, label not in MAY_READ, seconds)
                    tally.add("round10:input", outcome,  # type: ignore[attr-defined]
                              f"{label} | {' '.join(_short(argv))} | {detail}")
            out_sock = tmp / "outsock"
            s2 = _socket(out_sock)
            try:
                for make in _writers():
                    argv = make(str(out_sock))
                    outcome, detail = classify(argv, [str(out_sock)], True, seconds)
                    if not out_sock.is_socket():
                        outcome, detail = "wrong", "the socket was replaced by the output"
                        out_sock.unlink(missing_ok=True)
                        s2.close()
                        s2 = _socket(out_sock)
                    tally.add("round10:output", outcome,  # type: ignore[attr-defined]
                              f"socket | {' '.join(_short(argv))} | {detail}")
            finally:
                s2.close()
        finally:
            sock.close()
        _changing(tally, tmp, seconds)
        _options(tally, tmp, seconds)
        _web(tally)
