"""Round-9 families of hostile inputs (``scripts/hostile_sweep.py --round 9`` runs them alone):

- **invisible and layout characters in free text** (names, titles, labels, quotes, table cells,
  GENIUS names, gold strings): a right-to-left override (U+202E), a right-to-left isolate
  (U+2067), a zero-width space (U+200B), a right-to-left mark (U+200F), a zero-width no-break
  space (U+FEFF) inside the first ``title``/``name`` of a YAML file, the first name cell of a
  table, the first ``name`` attribute of a GENIUS file, the first string of a gold file and the
  middle of an article or source text. Where detente refuses them (docs/limits.md, "Invisible
  and layout characters") a success is a wrong one;
- **YAML 1.1 number and date spellings**: every number written as ``0x10`` (hex), ``010``
  (octal: YAML 1.1 reads 8), ``1:30`` (base 60: 90), ``1_000`` (underscores), ``0b11``
  (binary), ``.NaN``, ``-.nan``, ``+.inf``; every date as ``2024-02-30`` or ``2023-02-29``;
- **an extremely wide row**: 200,000 empty cells appended to a table or event file.

:func:`sweep_round9` (``--part round9``) adds what a byte variant cannot express: endless and
blocking inputs (``/dev/zero``, ``/dev/urandom``, a FIFO nobody writes) given to every reader,
directly or as one member of an input folder; every output option of every command given a
path in a missing folder, under a file, at an existing folder and (as root without its file
capabilities) in a read-only folder; the value options the option sweep did not reach, and
new out-of-range spellings of every option (``0x10``, ``1_000``, ``1e-400``, ``infinity``);
and ``timeline`` on every whole-file variant of one bundled scenario (round 8 left it out).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from fuzz.mutate import Case

Change = Callable[[bytes], bytes]

ROOT = Path(__file__).resolve().parents[2]

#: The invisible and layout characters of the families, with a short name.
INVISIBLE = [("\u202e", "an RTL override U+202E"), ("\u2067", "an RTL isolate U+2067"),
             ("\u200b", "a zero-width space U+200B"), ("\u200f", "an RTL mark U+200F"),
             ("\ufeff", "a BOM U+FEFF inside")]
#: The ones that move text (explicit embeddings, overrides, isolates): refused everywhere,
#: also in articles and gold files; the others only in analyst-written inputs.
MOVES = ("\u202e", "\u2067")


def _yaml_name(ch: str) -> Change:
    """The first ``title:``, ``name:``, ``quote:`` or ``source:`` value of a YAML file (the
    war outcomes file has no name) with ``ch`` inside."""
    def f(raw: bytes) -> bytes:
        return re.sub(rb"^(\s*-?\s*(?:title|name|quote|source):) ([^\n\"'{\[&*|>][^\n#]*?)\s*$",
                      lambda m: m.group(1) + b" " + m.group(2)[:3] + ch.encode()
                      + m.group(2)[3:], raw, count=1, flags=re.MULTILINE)
    return f


def _cell(ch: str, delim: bytes, header_rows: int, col: int = 0) -> Change:
    """The first body row's cell ``col`` of a table with ``ch`` after its first character."""
    def f(raw: bytes) -> bytes:
        lines = raw.split(b"\n")
        if len(lines) <= header_rows or delim not in lines[header_rows]:
            return raw
        cells = lines[header_rows].split(delim)
        c = cells[col]
        k = 2 if c[:1] == b'"' else 1
        cells[col] = c[:k] + ch.encode() + c[k:]
        lines[header_rows] = delim.join(cells)
        return b"\n".join(lines)
    return f


def _xml_name(ch: str) -> Change:
    return lambda r: re.sub(rb'(\bname=")([^"]{1,})"', lambda m: m.group(1) + m.group(2)[:1]
                            + ch.encode() + m.group(2)[1:] + b'"', r, count=1)


def _json_string(ch: str) -> Change:
    """The first JSON string value (after a ``:``) with ``ch`` after its first character."""
    return lambda r: re.sub(rb'(:\s*")([^"\\])', lambda m: m.group(1) + m.group(2)
                            + ch.encode(), r, count=1)


def _inside(ch: str) -> Change:
    def f(raw: bytes) -> bytes:
        i = raw.find(b" ", len(raw) // 2)
        i = len(raw) // 2 if i < 0 else i
        return raw[:i] + b" a" + ch.encode() + b"b" + raw[i:]
    return f


def _invisible(kind: str, fmt: str, delimiter: str, header_rows: int
               ) -> list[tuple[str, Change, bool]]:
    """(label, change, refused) for each invisible character in the free text of ``kind``."""
    # analyst-written inputs refuse them all; third-party data (PA-X, UCDP, event files) and
    # source texts keep them (PA-X holds 85 zero-width spaces); articles and gold files refuse
    # the ones that move text
    analyst = kind in ("yaml", "xml") or fmt in ("ktab", "bdm", "deu", "commitments")
    out = []
    for ch, name in INVISIBLE:
        sure = analyst or (fmt in ("article", "gold") and ch in MOVES)
        if kind == "yaml":
            change = _yaml_name(ch)
        elif kind in ("table", "events"):
            col = 1 if fmt == "ktab" else 0
            change = _cell(ch, delimiter.encode(), header_rows, col)
        elif kind == "xml":
            change = _xml_name(ch)
        elif kind == "json":
            change = _json_string(ch)
        else:
            change = _inside(ch)
        out.append((f"{name} in a name or text", change, sure))
    return out


_NUMBER = re.compile(rb"(?<=[:\[,] )(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)(?=\s*[,\]}\n#]|\s*$)",
                     re.MULTILINE)
_DATE = re.compile(rb"\b\d{4}-\d{2}-\d{2}\b")


def _yaml(raw: bytes) -> list[tuple[str, Change, bool]]:
    has_num, has_date = bool(_NUMBER.search(raw)), bool(_DATE.search(raw))
    out: list[tuple[str, Change, bool]] = [
        (f"every number = {v.decode()}", lambda r, v=v: _NUMBER.sub(v, r), has_num)
        for v in (b"0x10", b"010", b"1:30", b"1_000", b"0b11", b".NaN", b"-.nan", b"+.inf")]
    out += [(f"every date = {v.decode()}", lambda r, v=v: _DATE.sub(v, r), has_date)
            for v in (b"2024-02-30", b"2023-02-29")]
    return out


def _wide(delim: str) -> Change:
    d = delim.encode()
    return lambda r: r.rstrip(b"\n") + b"\n" + b"x" + d * 200_000 + b"x\n"


def variants(kind: str, fmt: str, raw: bytes, delimiter: str = ",",
             header_rows: int = 1) -> list[tuple[str, Change, bool]]:
    """The round-9 variants of a file of ``kind`` (as :func:`fuzz.whole.whole_cases`)."""
    out = _invisible(kind, fmt, delimiter, header_rows)
    if kind == "yaml":
        out += _yaml(raw)
    if kind in ("table", "events"):
        out.append(("a row of 200,000 cells appended", _wide(delimiter), kind == "table"
                    and fmt != "agreements"))
    return out


def cases(fmt: str, files: dict[str, bytes], main: str, kind: str, delimiter: str = ",",
          header_rows: int = 1) -> list[Case]:
    out = []
    for label, change, sure in variants(kind, fmt, files[main], delimiter, header_rows):
        new = change(files[main])
        out.append(Case(fmt, f"{main}: {label} [r9]", {**files, main: new},
                        sure and new != files[main]))
    return out


def is_new(case: Case) -> bool:
    """Whether ``case`` is one of this module's (``hostile_sweep.py --round 9``)."""
    return case.label.endswith("[r9]")


# -- what a byte variant cannot express (--part round9) -----------------------------------------
TOY = ROOT / "tests" / "toy.yaml"
ART = ROOT / "tests" / "data" / "extract" / "dev" / "01.txt"
GEN = ROOT / "tests" / "data" / "genius" / "y2010" / "EnglandZimbabwe"
AGR = ROOT / "tests" / "data" / "agreements"
GOLD = ROOT / "tests" / "data" / "extract" / "dev"
SOURCES = ROOT / "src" / "detente" / "cases" / "sources"
CASE = "ru-ua-2024-09"


def _endless(tmp: Path) -> dict[str, Path]:
    """Inputs that never end or never answer: /dev/zero, /dev/urandom, a FIFO nobody writes."""
    out = {"a FIFO nobody writes": tmp / "fifo.yaml"}
    os.mkfifo(out["a FIFO nobody writes"])
    for dev in ("/dev/zero", "/dev/urandom"):
        if Path(dev).exists():
            out[dev] = Path(dev)
    return out


def _folder_with(tmp: Path, name: str, src: Path, member: str, what: Path) -> Path:
    """A copy of the folder ``src`` whose ``member`` is a link to ``what`` (or a FIFO)."""
    d = tmp / name
    d.mkdir()
    for p in src.iterdir():
        if p.is_file():
            (d / p.name).write_bytes(p.read_bytes())
    target = d / member
    if target.exists():
        target.unlink()
    if what.is_fifo():
        os.mkfifo(target)
    else:
        target.symlink_to(what)
    return d


def _folder_members(tmp: Path, endless: dict[str, Path]) -> list[tuple[str, list[str], Path]]:
    """Every reader of a folder, with one member endless: (label, argv, the folder)."""
    out = []
    for label, what in endless.items():
        tag = re.sub(r"\W+", "-", label)
        g = _folder_with(tmp, f"g{tag}", GEN, "Zimbabwe.xml", what)
        a = _folder_with(tmp, f"a{tag}", AGR, "pax_all_agreements_data_v9.csv", what)
        e = _folder_with(tmp, f"e{tag}", GOLD, "01.json", what)
        s = _folder_with(tmp, f"s{tag}", SOURCES, "000_e71a9ef3079067d3.txt", what)
        out += [(label, ["analyze", str(g), "-q"], g),
                (label, ["import", "genius", str(g), "-o", str(tmp / "o.yaml")], g),
                (label, ["agreements", "rates", "ceasefire", "--data", str(a)], a),
                (label, ["extract", str(e / "01.txt"), "-q", "--evaluate", str(e)], e),
                (label, ["check", CASE, "--sources", str(s)], s)]
    return out


def _writers(tmp: Path) -> list[list[str]]:
    """One command line per output option of every command (the path appended last)."""
    toy, gd = str(TOY), str(ROOT / "tests" / "signals" / "fixtures"
                             / "gdelt2_20150218230000_slice.tsv")
    agr = ["--data", str(AGR)]
    store = str(tmp / "w.sqlite")
    out: list[list[str]] = []
    for opt in ("--json", "--html", "--csv"):
        out += [["analyze", toy, "-q", opt], ["forecast", toy, "-q", "-m", "compromise", opt],
                ["window", CASE, "-q", "--paths", "20", "--months", "2", opt],
                ["sensitivity", toy, "-q", "--method", "oat", opt],
                ["timeline", "ru-ua-2022-03", CASE, "-q", opt],
                ["signals", "credibility", "--actor", "RUS", "--no-store", "--draws", "50",
                 opt],
                ["signals", "evaluate", "dev", "-q", "--resamples", "10", opt]]
    for opt in ("--json", "--csv"):
        out += [["agreements", "rates", "ceasefire", *agr, opt],
                ["agreements", "check", *agr, opt],
                ["signals", "import", gd, "--store", store, "-q", opt],
                ["extract", str(ART), "-q", opt]]
    out += [["extract", str(ART), "-q", "-o"], ["extract", str(ART), "-q", "--signals"],
            ["import", "genius", str(GEN), "-o"], ["import", "genius", str(GEN), "--json",
                                                   str(tmp / "gj.json"), "-o"],
            ["signals", "import", gd, "-q", "--store"], ["new"]]
    return out


def _out_targets(tmp: Path) -> list[tuple[str, Callable[[list[str]], str], bool]]:
    """(label, path for a command line, refusing is the only right answer)."""
    afile = tmp / "afile.txt"
    afile.write_text("x\n")
    adir = tmp / "adir"
    adir.mkdir()

    def name(argv: list[str]) -> str:
        return {"--csv": "tables", "--store": "s.sqlite", "--html": "r.html"}.get(
            argv[-1], "out.json" if argv[-1] == "--json" else "out.yaml")

    return [("in a missing folder", lambda a: str(tmp / "no" / "such" / name(a)), False),
            ("under a file", lambda a: str(afile / name(a)), True),
            ("an existing folder", lambda a: str(adir), True)]


def _outputs(tally: object, tmp: Path, seconds: float) -> None:
    from fuzz.sweep import _short, classify

    for label, target, sure in _out_targets(tmp):
        for argv in _writers(tmp):
            path = target(argv)
            full = [*argv, path]
            # --csv writes into a folder: an existing one is fine
            refuse = sure and not (label == "an existing folder" and argv[-1] == "--csv")
            outcome, detail = classify(full, [path], refuse, seconds)
            tally.add("round9:output", outcome,  # type: ignore[attr-defined]
                      f"{label} | {' '.join(_short(full))} | {detail}")
            for leftover in (tmp / "no",):
                shutil.rmtree(leftover, ignore_errors=True)


def _read_only(tally: object, tmp: Path, seconds: float) -> None:
    """Every output option into a folder of mode 555, as root without its file capabilities
    (``setpriv``, as in :func:`fuzz.round8._without_dac`): exit 2 naming the path."""
    from fuzz.round8 import classify_without_dac
    from fuzz.sweep import _short

    if os.geteuid() != 0 or not shutil.which("setpriv"):
        return
    ro = tmp / "ro"
    ro.mkdir()
    os.chmod(ro, 0o555)
    for argv in _writers(tmp):
        path = str(ro / ("tables" if argv[-1] == "--csv" else "out.x"))
        full = [*argv, path]
        if full[0] == "signals" and "--store" in full[:-1]:  # the store is an input there too
            full[full.index("--store") + 1] = str(ro / "w.sqlite")
        outcome, detail = classify_without_dac(full, str(ro), seconds)
        tally.add("round9:read-only", outcome,  # type: ignore[attr-defined]
                  f"{' '.join(_short(full))} | {detail}")


#: New spellings of an option value, by kind: (value, surely refused).
VALUES9: dict[str, list[tuple[str, bool]]] = {
    "count": [("0x10", True), ("1_000", False), ("+5", False), (" 5", False), ("1e3", True),
              ("-0", False), ("inf", True)],
    "seed": [("0x10", True), ("1_0", False), ("-0", False), ("nan", True)],
    "float": [("1e-400", False), ("0x1p3", True), ("1_0", False), ("+inf", True),
              ("infinity", True), ("NaN", True), ("-1e-400", False), ("1e400", True)],
    "date": [("2024-02-30", True), ("2023-02-29", True), ("0001-01-01", False),
             ("10000-01-01", True), ("2024-1-1", False), ("2024-01-01T00:00", False)],
    "text": [("\u202e", False), ("a\u200bb", False), ("\ufeff", False)],
    "executor": [("local:0x2", True), ("local:1_0", True), ("local:+1", False),
                 ("serial:2", True)],
}

def option_commands9(tmp: Path) -> list[tuple[list[str], str, str]]:
    """The value options the option sweep (:func:`fuzz.sweep.option_commands`) did not
    reach."""
    from fuzz.sweep import DEU

    agr = ["--data", str(AGR)]
    out: list[tuple[list[str], str, str]] = [
        (["timeline", "ru-ua-2022-03", CASE, "-q"], "--executor", "executor"),
        (["backtest", DEU, "-q", "--bootstrap", "10"], "-m", "text"),
        (["backtest", DEU, "-q", "--bootstrap", "10", "-m", "compromise"], "--executor",
         "executor"),
        (["import", "genius", str(GEN), "-o", str(tmp / "o.yaml")], "--profile", "text"),
        (["import", "genius", str(GEN), "-o", str(tmp / "o.yaml")], "--date", "date"),
        (["signals", "credibility", "--no-store", "--draws", "50"], "--actor", "text"),
        (["signals", "list", "--store", str(tmp / "s.sqlite")], "--case", "text"),
    ]
    for opt, kind in (("--definition", "text"), ("--horizon", "float"), ("--level", "float")):
        out.append((["agreements", "guarantees", *agr], opt, kind))
    for opt, kind in (("--role", "text"), ("--strength", "float"), ("--horizon", "float")):
        out.append((["agreements", "prior", "RUS", "ceasefire", *agr], opt, kind))
    for opt, kind in (("--horizon", "float"), ("--burn-in", "count"), ("--strength", "float"),
                      ("--resamples", "count"), ("--seed", "seed"), ("--level", "float")):
        out.append((["agreements", "backtest", *agr], opt, kind))
    return out


def _options(tally: object, tmp: Path, seconds: float) -> None:
    from fuzz.sweep import (
        OPTION_VALUES,
        _short,
        classify,
        option_commands,
        option_must_fail,
        prepare_store,
    )

    prepare_store(tmp)
    runs: list[tuple[list[str], str, str, bool]] = []
    for before, opt, kind in option_commands9(tmp):  # new options: every value
        for value, sure in OPTION_VALUES.get(kind, []) + VALUES9.get(kind, []):
            runs.append((before, opt, value, sure))
    for before, opt, kind in option_commands(tmp):  # old options: the new values
        for value, sure in VALUES9.get(kind, []):
            runs.append((before, opt, value, sure))
    for before, opt, value, sure in runs:
        argv = [*before, opt, value]
        names = [opt, value[:40] or "''", repr(value)[1:-1][:40]]
        free = opt in ("--definition", "--role", "--profile", "--actor")
        outcome, detail = classify(argv, names, option_must_fail(opt, value, sure) and not free,
                                   seconds)
        tally.add(f"round9:option:{before[0]}", outcome,  # type: ignore[attr-defined]
                  f"{' '.join(_short(argv))} | {detail}")


def _timeline(tally: object, tmp: Path, seconds: float) -> None:
    """``timeline`` on every whole-file variant of one bundled scenario, after ru-ua-2022-03."""
    from fuzz.sweep import _short, classify
    from fuzz.whole import whole_cases

    base = (ROOT / "src" / "detente" / "cases" / f"{CASE}.yaml").read_bytes()
    for case in whole_cases("timeline", {"case.yaml": base}, "case.yaml", "yaml"):
        f = tmp / "tl" / "case.yaml"
        f.parent.mkdir(exist_ok=True)
        f.write_bytes(case.files["case.yaml"])
        argv = ["timeline", "ru-ua-2022-03", str(f), "-q", "--json", str(tmp / "tl" / "r.json")]
        outcome, detail = classify(argv, [str(f), f.name], case.must_fail, seconds,
                                   tmp / "tl" / "r.json")
        (tmp / "tl" / "r.json").unlink(missing_ok=True)
        tally.add("round9:timeline", outcome,  # type: ignore[attr-defined]
                  f"{case.label} | {' '.join(_short(argv))} | {detail}")


def sweep_round9(tally: object, seconds: float = 60.0) -> None:
    from fuzz.paths import _readers
    from fuzz.sweep import _short, classify

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        work = tmp / "work"
        work.mkdir()
        endless = _endless(tmp)
        for label, path in endless.items():
            for make in _readers(work):
                argv = make(str(path))
                outcome, detail = classify(argv, [str(path)], True, seconds)
                tally.add("round9:endless", outcome,  # type: ignore[attr-defined]
                          f"{label} | {' '.join(_short(argv))} | {detail}")
        for label, argv, folder in _folder_members(tmp, endless):
            outcome, detail = classify(argv, [str(folder)], False, seconds)
            tally.add("round9:endless-member", outcome,  # type: ignore[attr-defined]
                      f"{label} | {' '.join(_short(argv))} | {detail}")
        _outputs(tally, tmp, seconds)
        _read_only(tally, tmp, seconds)
        _options(tally, tmp, seconds)
        _timeline(tally, tmp, seconds)
