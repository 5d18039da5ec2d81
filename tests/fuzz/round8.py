"""Round-8 families of hostile inputs (``scripts/hostile_sweep.py --round 8`` runs them alone):

- **encodings and line ends**: LF, CR LF and CR mixed in one file; UTF-16 BE with a BOM, UTF-16
  LE and BE without one; a gzip'd or zipped file given as text; whitespace only; a zero-width
  space and a right-to-left override inside a line;
- **YAML**: every number of the file replaced by ``.nan``, ``.inf``, ``-.inf``, ``-0.0``,
  ``1.0e308``, ``1.0e309``, ``1.0e-320`` or a 30-digit integer; every date by ``2100-02-29``,
  ``0000-01-01``, ``10000-01-01`` or a time with a zone (``2022-02-24T10:00:00+03:00``); a
  merge-key bomb; a NUL escape; an id with a zero-width space, a Cyrillic look-alike or a
  right-to-left override; a key with a zero-width space;
- **tables and event files**: an unclosed quote, a quote inside a cell, a quoted delimiter;
  event files with every other row comma-separated and their dates replaced by
  ``2100-02-29`` / ``0000-00-00`` / ``9999-12-31`` / ``2024-02-30`` (in the format's own
  spelling) or given a time-zone suffix;
- **XML**: a DOCTYPE with an external DTD (no internal subset), a parameter entity, an
  XInclude of ``/etc/passwd``, a quadratic-blowup entity, UTF-16 BE with its declaration;
- **JSON**: a number ``1e999`` (infinite to Python), ``Infinity``, a key written twice inside
  a nested object.

:func:`sweep_round8` (``--part round8``) adds what a byte variant cannot express: a GENIUS
folder whose profile is skipped (a link to ``/etc/passwd``, a text file, a ``pareto.xml`` of
numbers, a sub-folder named ``x.xml``), inputs that cannot be read for permission (every
reader, run without root's file capabilities), a file where a folder belongs, and scale
(20,000 actors, 200 issues, a 100,000-option issue, a grid of 10^12 points, a KTAB header of
100,000 actors, a GENIUS domain of 1,000 issues).
"""

from __future__ import annotations

import gzip
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from fuzz.mutate import Case

Change = Callable[[bytes], bytes]

ROOT = Path(__file__).resolve().parents[2]


def _mixed_ends(raw: bytes) -> bytes:
    lines = raw.split(b"\n")
    ends = (b"\n", b"\r\n", b"\r")
    return b"".join(ln + ends[k % 3] for k, ln in enumerate(lines[:-1])) + lines[-1]


def _zipped(raw: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("inner.txt", raw)
    return buf.getvalue()


def _inside(raw: bytes, data: bytes) -> bytes:
    i = raw.find(b"\n", len(raw) // 2)
    i = len(raw) // 2 if i < 0 else i
    return raw[:i] + data + raw[i:]


def _utf16(codec: str) -> Change:
    return lambda r: r.decode("utf-8").encode(codec)


def _common(kind: str) -> list[tuple[str, Change, bool]]:
    # an event file / article may be read with problems; XML finds UTF-16 without a BOM by its
    # first bytes (XML 1.0, appendix F)
    loose = kind in ("events", "text", "xml")
    return [
        ("LF, CR LF and CR mixed", _mixed_ends, False),
        ("UTF-16 BE with BOM", lambda r: b"\xfe\xff" + r.decode("utf-8").encode("utf-16-be"),
         False),
        ("UTF-16 LE without BOM", _utf16("utf-16-le"), not loose),
        ("UTF-16 BE without BOM", _utf16("utf-16-be"), not loose),
        ("gzip-compressed", lambda r: gzip.compress(r, mtime=0), True),
        ("a zip archive given as the file", _zipped, kind != "events"),
        ("spaces, tabs and CR LF only", lambda r: b"  \t \r\n\t\r\n   ", kind != "text"),
        ("a zero-width space and an RTL override inside", lambda r: _inside(
            r, " a\u200bb\u202ec".encode()), False),
    ]


# -- YAML ---------------------------------------------------------------------------------------
_NUMBER = re.compile(rb"(?<=[:\[,] )(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)(?=\s*[,\]}\n#]|\s*$)",
                     re.MULTILINE)
_DATE = re.compile(rb"\b\d{4}-\d{2}-\d{2}\b")
_ID = re.compile(rb"^(\s*-?\s*id:) ([A-Za-z][\w-]*)\s*$", re.MULTILINE)


def _every_number(value: bytes) -> Change:
    return lambda r: _NUMBER.sub(value, r)


def _first_id(suffix: str, replace: Callable[[bytes], bytes] | None = None) -> Change:
    """The first ``id:`` below the top (an actor's, an issue's) changed, everywhere it is
    written (so references still match it byte for byte)."""
    def f(raw: bytes) -> bytes:
        ids = [m.group(2) for m in _ID.finditer(raw)][1:]
        if not ids:
            return raw
        old = ids[0]
        new = replace(old) if replace else old + suffix.encode()
        return re.sub(rb"(?<![\w-])" + re.escape(old) + rb"(?![\w-])", new, raw)
    return f


def _merge_bomb(raw: bytes) -> bytes:
    lines = [b"zz0: &m0 {a: 1}"]
    for k in range(1, 40):
        lines.append(b"zz%d: &m%d {<<: [" % (k, k) + b", ".join([b"*m%d" % (k - 1)] * 10)
                     + b"], k%d: 1}" % k)
    return raw + b"\n" + b"\n".join(lines) + b"\n"


def _yaml(raw: bytes) -> list[tuple[str, Change, bool]]:
    has_num, has_date = bool(_NUMBER.search(raw)), bool(_DATE.search(raw))
    out: list[tuple[str, Change, bool]] = [
        (f"every number = {v.decode()}", _every_number(v), has_num and sure)
        for v, sure in ((b".nan", True), (b".inf", True), (b"-.inf", True), (b"-0.0", False),
                        (b"1.0e308", False), (b"1.0e309", True), (b"1.0e-320", False),
                        (b"123456789012345678901234567890", False))]
    out += [(f"every date = {v.decode()}", lambda r, v=v: _DATE.sub(v, r), has_date and sure)
            for v, sure in ((b"2100-02-29", True), (b"0000-01-01", True),
                            (b"10000-01-01", True), (b"2022-02-24T10:00:00+03:00", False))]
    out += [
        ("a merge-key bomb", _merge_bomb, True),
        ("a NUL escape in a quoted value", lambda r: r + b'\nzz: "a\\0b"\n', True),
        ("an id with a zero-width space", _first_id("\u200b"), True),
        ("an id with a right-to-left override", _first_id("\u202e"), True),
        ("an id with a Cyrillic look-alike", _first_id(
            "", lambda b: b[:-1] + "\u0455".encode() if b[-1:] == b"S" else b + "\u0430".encode()),
         False),
        ("a key with a zero-width space", lambda r: re.sub(
            rb"^title:", "title\u200b:".encode(), r, count=1, flags=re.MULTILINE), True),
    ]
    return out


# -- tables and event files ---------------------------------------------------------------------
def _cell(raw: bytes, delim: bytes, header_rows: int, change: Callable[[bytes], bytes]) -> bytes:
    lines = raw.split(b"\n")
    k = header_rows
    if len(lines) <= k or delim not in lines[k]:
        return raw
    cells = lines[k].split(delim)
    j = min(1, len(cells) - 1)
    cells[j] = change(cells[j])
    lines[k] = delim.join(cells)
    return b"\n".join(lines)


def _table(delim: str, header_rows: int, events: bool = False
           ) -> list[tuple[str, Change, bool]]:
    d = delim.encode()
    return [
        # a CSV table: surely malformed (event files: quotes are data, kind "events" below)
        ("an unclosed quote in a body row", lambda r: _cell(r, d, header_rows,
                                                            lambda c: b'"' + c), not events),
        ("a quote inside a cell", lambda r: _cell(r, d, header_rows,
                                                  lambda c: c[:1] + b'"' + c[1:]), False),
        ("a quoted cell holding the delimiter", lambda r: _cell(
            r, d, header_rows, lambda c: b'"' + c + d + b'x"'), False),
    ]


_ISO = re.compile(rb"\b(\d{4})-(\d{2})-(\d{2})\b")
_COMPACT = re.compile(rb"(?<![\d.])(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?![\d.])")


def _dates(value: str) -> Change:
    """Every date of an event file (ISO or YYYYMMDD) replaced by ``value`` (ISO spelling)."""
    compact = value.replace("-", "").encode()
    return lambda r: _COMPACT.sub(compact, _ISO.sub(value.encode(), r))


def _events(delim: str, header_rows: int) -> list[tuple[str, Change, bool]]:
    d = delim.encode()

    def mixed(r: bytes) -> bytes:
        lines = r.split(b"\n")
        return b"\n".join(ln.replace(d, b",") if k > header_rows and k % 2 else ln
                          for k, ln in enumerate(lines))
    out: list[tuple[str, Change, bool]] = [("every other row comma-separated", mixed, False)]
    out += [(f"every date = {v}", _dates(v), False)
            for v in ("2100-02-29", "0000-00-00", "9999-12-31", "2024-02-30")]
    out.append(("dates with a time-zone suffix", lambda r: _ISO.sub(
        rb"\1-\2-\3T00:00:00+03:00", r), False))
    return out


# -- XML and JSON -------------------------------------------------------------------------------
def _xml_body(raw: bytes) -> bytes:
    return raw.split(b"?>", 1)[-1].lstrip() if raw.lstrip().startswith(b"<?xml") else raw


def _xml_prefix(prefix: bytes, entity: bytes = b"") -> Change:
    def f(raw: bytes) -> bytes:
        body = _xml_body(raw)
        if entity:
            body = re.sub(rb'="([^"]*)"', b'="' + entity + b'"', body, count=1)
        return b'<?xml version="1.0"?>\n' + prefix + body
    return f


def _xinclude(raw: bytes) -> bytes:
    k = raw.rfind(b"</")
    inc = (b'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="/etc/passwd" '
           b'parse="text"/>')
    return raw if k < 0 else raw[:k] + inc + raw[k:]


_XML_NUMBER = re.compile(rb'="(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"')


def _xml_numbers(value: bytes) -> Change:
    """Every attribute that holds a number (weights, evaluations, bounds, indexes) = value."""
    return lambda r: _XML_NUMBER.sub(b'="' + value + b'"', r)


XML: list[tuple[str, Change, bool]] = [
    *[(f"every numeric attribute = {v.decode()}", _xml_numbers(v), sure)
      for v, sure in ((b"NaN", True), (b"INF", True), (b"-0", False), (b"1e308", False),
                      (b"1e-320", False))],
    ("a DOCTYPE with an external DTD", _xml_prefix(
        b'<!DOCTYPE utility_space SYSTEM "file:///etc/passwd">\n'), False),
    ("a parameter entity", _xml_prefix(
        b'<!DOCTYPE r [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>\n'), True),
    ("an XInclude of /etc/passwd", _xinclude, False),
    ("a quadratic-blowup entity", _xml_prefix(
        b'<!DOCTYPE r [<!ENTITY a "' + b"x" * 50_000 + b'">]>\n', b"&a;" * 50_000), True),
    ("UTF-16 BE with its declaration", lambda r: ('<?xml version="1.0" encoding="UTF-16"?>'
                                                  + _xml_body(r).decode("utf-8")
                                                  ).encode("utf-16"), False),
]


def _nested_dup(raw: bytes) -> bytes:
    m = list(re.finditer(rb'\{\s*("[^"]+")\s*:', raw))
    if len(m) < 2:
        return raw
    k = m[1]
    return raw[: k.end(1)] + b': "zz", ' + k.group(1) + raw[k.end(1):]


JSON: list[tuple[str, Change, bool]] = [
    ("a number 1e999", lambda r: re.sub(rb"\{", b'{"zz": 1e999, ', r, count=1), True),
    ("an Infinity token", lambda r: re.sub(rb"\{", b'{"zz": Infinity, ', r, count=1), True),
    ("a key written twice in a nested object", _nested_dup, True),
]


def variants(kind: str, raw: bytes, delimiter: str = ",",
             header_rows: int = 1) -> list[tuple[str, Change, bool]]:
    """The round-8 variants of a file of ``kind`` (as :func:`fuzz.whole.whole_cases`)."""
    out = _common(kind)
    if kind == "yaml":
        out += _yaml(raw)
    if kind in ("table", "events"):
        out += _table(delimiter, header_rows, kind == "events")
    if kind == "events":
        out += _events(delimiter, header_rows)
    out += {"xml": XML, "json": JSON}.get(kind, [])
    return out


def cases(fmt: str, files: dict[str, bytes], main: str, kind: str, delimiter: str = ",",
          header_rows: int = 1) -> list[Case]:
    out = []
    for label, change, sure in variants(kind, files[main], delimiter, header_rows):
        new = change(files[main])
        if kind == "text" and label.startswith("spaces"):
            sure = False
        out.append(Case(fmt, f"{main}: {label} [r8]", {**files, main: new},
                        sure and new != files[main]))
    return out


def is_new(case: Case) -> bool:
    """Whether ``case`` is one of this module's (``hostile_sweep.py --round 8``)."""
    return case.label.endswith("[r8]")


# -- what a byte variant cannot express (--part round8) -----------------------------------------
GEN = ROOT / "tests" / "data" / "genius" / "y2010" / "EnglandZimbabwe"
TOY = ROOT / "tests" / "toy.yaml"
ART = ROOT / "tests" / "data" / "extract" / "dev" / "01.txt"


def _genius_folders(tmp: Path) -> list[tuple[str, Path, bool]]:
    """GENIUS folders with one party profile that cannot be used."""
    out = []
    for label in ("a link to /etc/passwd", "a text file", "a pareto.xml of numbers",
                  "a sub-folder named x.xml", "a profile of another domain"):
        d = tmp / ("g-" + label.replace(" ", "-").replace("/", "_"))
        d.mkdir()
        for p in GEN.glob("*.xml"):
            (d / p.name).write_bytes(p.read_bytes())
        if label == "a link to /etc/passwd":
            (d / "Zimbabwe.xml").unlink()
            (d / "Zimbabwe.xml").symlink_to("/etc/passwd")
        elif label == "a text file":
            (d / "Zimbabwe.xml").write_text("Zimbabwe's preferences: see the report\n")
        elif label == "a pareto.xml of numbers":
            (d / "Zimbabwe.xml").unlink()
            (d / "pareto.xml").write_text("0.1 0.9\n0.5 0.5\n0.9 0.1\n")
        elif label == "a sub-folder named x.xml":
            (d / "Zimbabwe.xml").unlink()
            (d / "Zimbabwe.xml").mkdir()
        else:
            other = ROOT / "tests" / "data" / "genius" / "y2010" / "ItexvsCypress"
            (d / "Zimbabwe.xml").write_bytes(next(p for p in sorted(other.glob("*.xml"))
                                                  if b"<weight" in p.read_bytes()).read_bytes())
        out.append((label, d, True))
    return out


def _scale(tmp: Path) -> list[tuple[str, Path, list[str]]]:
    """Inputs whose size the memory guard must refuse (or handle) before allocating."""
    out = []

    def scen(name: str, actors: int, issues: int, options: int, grid: str | None = None) -> Path:
        lines = ["id: big", "title: Big", "date: 2024-01-01", "actors:"]
        lines += [f"  - {{id: a{k}, name: A{k}, role: belligerent, veto: {str(k < 2).lower()},"
                  f" capability: 1, batna: 0.1}}" for k in range(actors)]
        lines.append("issues:")
        for j in range(issues):
            if grid and j == 0:
                lines.append(f"  - {{id: i{j}, name: I{j}, grid: {grid}}}")
            else:
                opts = ", ".join(f"{{id: o{m}}}" for m in range(options))
                lines.append(f"  - {{id: i{j}, name: I{j}, options: [{opts}]}}")
        lines.append("stances:")
        lines += [f"  - {{actor: a{k}, issue: i0, ideal: {'o0' if not grid else 0}, "
                  f"salience: 1}}" for k in range(min(actors, 3))]
        p = tmp / f"{name}.yaml"
        p.write_text("\n".join(lines) + "\n")
        return p

    cmds = [["check"], ["analyze", "-q"], ["forecast", "-q", "-m", "compromise"],
            ["sensitivity", "-q", "--method", "oat"]]
    for label, path in (("20,000 actors", scen("actors", 20_000, 1, 2)),
                        ("200 issues of 10 options", scen("issues", 3, 200, 10)),
                        ("one issue of 100,000 options", scen("options", 3, 1, 100_000)),
                        ("a grid of 10^12 points",
                         scen("grid", 3, 1, 2, "{low: 0, high: 1, step: 1.0e-12}"))):
        out += [(label, path, [c[0], str(path), *c[1:]]) for c in cmds]
    ktab = tmp / "ktab.csv"
    ktab.write_text("Scenario,Big,Desc,100000,1\nActor,Description,Power,Pos 1,Sal 1\n"
                    "a,b,1,50,1\n")
    out.append(("KTAB header of 100,000 actors", ktab,
                ["forecast", str(ktab), "-q", "-m", "compromise"]))
    gd = tmp / "g-1000-issues"
    gd.mkdir()
    issues = "".join(f'<issue index="{k}" name="i{k}" type="discrete" etype="discrete" '
                     f'vtype="discrete">' + "".join(f'<item index="{m}" value="v{m}"/>'
                                                    for m in range(1, 11)) + "</issue>"
                     for k in range(1, 1001))
    (gd / "d_domain.xml").write_text(f'<negotiation_template><utility_space number_of_issues='
                                     f'"1000"><objective index="0" name="o" type="objective" '
                                     f'etype="objective">{issues}</objective></utility_space>'
                                     f'</negotiation_template>')
    for party in ("A", "B"):
        weights = "".join(f'<weight index="{k}" value="0.001"/>' for k in range(1, 1001))
        items = "".join(f'<issue index="{k}" name="i{k}" type="discrete" etype="discrete" '
                        f'vtype="discrete">' + "".join(
                            f'<item index="{m}" value="v{m}" evaluation="{m}"/>'
                            for m in range(1, 11)) + "</issue>" for k in range(1, 1001))
        (gd / f"{party}.xml").write_text(f'<utility_space><objective index="0" name="o" '
                                         f'type="objective" etype="objective">{weights}{items}'
                                         f'</objective></utility_space>')
    out.append(("GENIUS domain of 1,000 issues", gd, ["analyze", str(gd), "-q"]))
    return out


def _without_dac(argv: list[str], seconds: float) -> tuple[int, str]:
    """``detente ARGV`` in a subprocess that keeps root's user id but not its power to read
    any file (``setpriv`` drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH): a mode-000 file is
    then unreadable to it, as to any user."""
    p = subprocess.run(["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--",
                        sys.executable, "-m", "detente.cli.app", *argv], capture_output=True,
                       text=True, timeout=seconds, check=False)
    return p.returncode, p.stdout + p.stderr


def classify_without_dac(argv: list[str], named: str, seconds: float) -> tuple[str, str]:
    """Outcome and detail of :func:`_without_dac` on ``argv`` that must be refused naming
    ``named``: exit 2 with "error" and the path is an error, exit 0 is a wrong success."""
    try:
        code, text = _without_dac(argv, seconds)
    except subprocess.TimeoutExpired:
        return "hang", f"past {seconds:.0f} s"
    flat = " ".join(text.split())
    if "Traceback" in text or code not in (0, 2):
        return "traceback", flat[-300:]
    if code == 0:
        return "wrong", "exit 0"
    if named not in flat or "error" not in flat.lower():
        return "unclear", flat[-300:]
    return "error", flat[:200]


def _unreadable(tally: object, tmp: Path, seconds: float) -> None:
    """Every reader on an input it may not read (mode 000, run without root's file
    capabilities): exit 2 naming the file. Only as root with ``setpriv`` (as another user,
    mode 000 is simply unreadable: the same path)."""
    from fuzz.paths import _readers
    from fuzz.sweep import _short

    if os.geteuid() != 0 or not shutil.which("setpriv"):
        return
    work = tmp / "nb"
    work.mkdir()
    locked = tmp / "locked.yaml"
    locked.write_bytes(TOY.read_bytes())
    os.chmod(locked, 0)
    lockdir = tmp / "lockdir"
    lockdir.mkdir()
    for p in GEN.glob("*.xml"):
        (lockdir / p.name).write_bytes(p.read_bytes())
    os.chmod(lockdir, 0)
    for label, path in (("a file of mode 000", locked), ("a folder of mode 000", lockdir)):
        for make in _readers(work):
            argv = make(str(path))
            outcome, detail = classify_without_dac(argv, str(path), seconds)
            tally.add("round8:permission", outcome,  # type: ignore[attr-defined]
                      f"{label} | {' '.join(_short(argv))} | {detail}")


def sweep_round8(tally: object, seconds: float = 60.0) -> None:
    from fuzz.sweep import _short, classify

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for label, folder, sure in _genius_folders(tmp):
            for argv in (["analyze", str(folder), "-q"],
                         ["import", "genius", str(folder), "-o", str(tmp / "o.yaml")]):
                outcome, detail = classify(argv, [str(folder)], sure, seconds)
                named = "skipped:" in detail or "Zimbabwe.xml:" in detail
                if outcome == "error" and not named:
                    outcome, detail = "unclear", "the skipped file is not named: " + detail
                tally.add("round8:genius-folder", outcome,  # type: ignore[attr-defined]
                          f"{label} | {' '.join(_short(argv))} | {detail}")
        toy = tmp / "toy.yaml"
        toy.write_bytes(TOY.read_bytes())
        for argv in (["import", "genius", str(toy), "-o", str(tmp / "o2.yaml")],
                     ["extract", str(ART), "-q", "--evaluate", str(toy)],
                     ["agreements", "check", "--data", str(toy)],
                     ["signals", "evaluate", "dev", "-q", "--resamples", "10",
                      "--compliance-prior", str(toy)],
                     ["check", "ru-ua-2024-09", "--sources", str(toy)],
                     ["analyze", str(toy), "-q", "--csv", str(toy)],
                     ["serve", "--out", str(toy), "--port", "0"]):
            outcome, detail = classify(argv, [str(toy)], True, seconds)
            tally.add("round8:file-for-folder", outcome,  # type: ignore[attr-defined]
                      f"{' '.join(_short(argv))} | {detail}")
        for label, path, argv in _scale(tmp):
            outcome, detail = classify(argv, [str(path)], False, seconds)
            tally.add("round8:scale", outcome,  # type: ignore[attr-defined]
                      f"{label} | {' '.join(_short(argv))} | {detail}")
        _unreadable(tally, tmp, seconds)
