"""Round-12 families of hostile inputs (``scripts/hostile_sweep.py --part round12`` runs them,
``--round 12`` with ``--part files`` only their byte variants): what a tester who has read
rounds 1-11 tries next.

- **gold signal dates that are no date** (round 11 checked their type only): ``2025-13-45``,
  ``2025-02-30``, ``2025-5-1``, ``20250516`` as text, a year alone and a range
  (the guideline allows ``YYYY-MM-DD`` and ``YYYY-MM``; a year alone is no date);

:func:`sweep_round12` (``--part round12``) adds what a byte variant cannot express:

- **file names that are not UTF-8** (a byte such as ``\\xff`` in the name: Python hands it over
  as a lone surrogate): every reader given a valid input so named (directly, or inside a
  folder so named), with its JSON record; every output option given a path in a folder so
  named (a JSON record holding the path raised ``UnicodeEncodeError``);
- **a single-valued option given twice with different values** (``--draws 10 --draws 20``,
  ``--json a.json --json b.json``): the last one silently won, the first was dropped;
- **an event store locked by another process** (an ``EXCLUSIVE`` transaction held past
  SQLite's 30 s wait), in rollback-journal and WAL mode: ``signals import`` raised
  ``sqlite3.OperationalError``;
- **settings from the environment**: ``DETENTE_STORE`` naming a folder (with and without a
  trailing slash: the slash was dropped and a file of that name written) or a file that is no
  store; ``DETENTE_MEMORY_LIMIT`` spelt with Arabic-Indic digits (read as 1 GB) or otherwise
  refused under the name ``--memory-limit``, an option nobody typed;
- **typed records of the Python API that skipped validation**: a ``Scenario`` changed with
  ``model_copy(update=...)`` (no validation: two actors with one id, an empty issue list, a
  proposal by nobody, a BATNA that is a bare float) or made by ``model_construct()``, given
  to ``detente.analyze`` and ``detente.sensitivity`` (AttributeError, ValidationError inside a
  record, or a silent answer for a scenario ``check`` refuses);
- **where a key that is not text is**: a YAML key that is a date, a number, a boolean or null
  (``2024-01-01: x``) at the end of a scenario or inside a proposal's package was reported at
  1:1 with a path such as ``datetime.date(2024, 1, 1)`` or ``[1]`` (for ``true``): an error
  at another line than the key's is *unclear*;
- **concurrent imports**: three ``signals import`` processes into one new store at once, and
  one file imported twice at once (each must exit 0, every file's events stored once);
- **the workbench given a field twice** (``?actor=RUS&actor=UKR``, ``paths=100&paths=200``,
  ``rev=0&rev=1``: FastAPI kept one value, a stale revision passed the conflict check), a
  Monte Carlo run of one draw, names with ``%FF``;
- **Monte Carlo of one draw**: ``signals credibility --draws 1`` printed an "interval" of one
  draw (``[0.055, 0.055]``, excluding its own point estimate), ``forecast --draws 1`` a 10-90 %
  band ``44.5–44.5`` and ``analyze --draws 1`` ``± 0.000``: a success that prints an interval
  of one value or a spread of one draw is a *wrong* one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fuzz.harness import web_outcome, workbench_client
from fuzz.mutate import Case

ROOT = Path(__file__).resolve().parents[2]
TAG = "[r12]"
TOY = ROOT / "tests" / "toy.yaml"
ART = ROOT / "tests" / "data" / "extract" / "dev" / "01.txt"
GOLD = ROOT / "tests" / "data" / "extract" / "dev" / "01.json"
FIX = ROOT / "tests" / "signals" / "fixtures"
GDELT = FIX / "gdelt2_20150218230000_slice.tsv"
GEN = ROOT / "tests" / "data" / "genius" / "y2010" / "EnglandZimbabwe"
AGR = ROOT / "tests" / "data" / "agreements"
DEU = ROOT.parent / "shared" / "data" / "deu3-dev.tsv"
COMMIT = ROOT / "src" / "detente" / "signals" / "data" / "commitments-dev.csv"
SIGNALS = ROOT / "src" / "detente" / "cases" / "signals" / "ru-ua.yaml"
SOURCES = ROOT / "src" / "detente" / "cases" / "sources"
CASE = "ru-ua-2024-09"

#: Gold signal dates that are no date (each surely refused).
BAD_GOLD_DATES = ("2025-13-45", "2025-02-30", "2025-5-1", "20250516", "2025",
                  "2025-04-19/2025-04-20", "2025-00", "19 April 2025", "")


def _gold(files: dict[str, bytes], main: str) -> list[Case]:
    try:
        gold = json.loads(files[main])
    except ValueError:
        return []
    if not isinstance(gold, dict) or not gold.get("signals"):
        return []
    out = []
    for value in BAD_GOLD_DATES:
        g = json.loads(json.dumps(gold))
        g["signals"][0]["date"] = value
        out.append(Case("gold", f"{main}: signals[0].date {value!r} {TAG}",
                        {**files, main: json.dumps(g, indent=1, ensure_ascii=False).encode()},
                        True))
    return out


def cases(fmt: str, files: dict[str, bytes], main: str, kind: str, delimiter: str = ",",
          header_rows: int = 1) -> list[Case]:
    """The round-12 byte variants of ``files[main]`` (as :func:`fuzz.whole.whole_cases`)."""
    if kind == "json" and fmt == "gold":
        return _gold(files, main)
    return []


def is_new(case: Case) -> bool:
    """Whether ``case`` is one of this module's (``hostile_sweep.py --round 12``)."""
    return case.label.endswith(TAG)


# -- file names that are not UTF-8 --------------------------------------------------------------
#: A name byte that is not UTF-8 (``os.fsdecode`` makes it the lone surrogate U+DCFF).
ODD = os.fsdecode(b"\xff")


def _copy(src: Path, dst: Path) -> str:
    if src.is_dir():
        shutil.copytree(src, dst)
    else:
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
    return str(dst)


def _later(dst: Path) -> str:
    """The toy scenario dated a year later (a timeline's second point)."""
    text = TOY.read_text(encoding="utf-8").replace("date: 2024-01-01", "date: 2025-01-01", 1)
    dst.write_text(text, encoding="utf-8")
    return str(dst)


def _named(path: str) -> list[str]:
    """What an error naming ``path`` may print: the path, or its name with each byte that is
    not UTF-8 escaped (``\\udcff``), and the words of a refusal of such a name."""
    return [path, ascii(path)[1:-1], "UTF-8"]


def name_commands(tmp: Path) -> list[tuple[str, list[str]]]:
    """(label, command line) of every reader given a valid input whose name (or folder's
    name) holds a byte that is not UTF-8, each writing its JSON record."""
    d = tmp / f"in{ODD}"
    rec = str(tmp / "rec.json")
    toy = _copy(TOY, d / f"toy{ODD}.yaml")
    art = _copy(ART, d / f"a{ODD}.txt")
    gold = d / f"gold{ODD}"
    _copy(ART, gold / "01.txt")
    _copy(GOLD, gold / "01.json")
    events = _copy(GDELT, d / "20150218230000.export.CSV")
    out: list[tuple[str, list[str]]] = [
        ("check", ["check", toy, "--json", rec]),
        ("analyze", ["analyze", toy, "-q", "--json", rec]),
        ("forecast", ["forecast", toy, "-q", "-m", "compromise", "--json", rec]),
        ("sensitivity", ["sensitivity", toy, "-q", "--method", "oat", "--json", rec]),
        ("timeline", ["timeline", toy, _later(d / f"toy2{ODD}.yaml"), "-q", "--json", rec]),
        ("extract", ["extract", art, "-q", "--json", rec]),
        ("extract --csv", ["extract", art, "-q", "--csv", str(tmp / "csv")]),
        ("extract --evaluate", ["extract", str(gold / "01.txt"), "-q", "--evaluate", str(gold)]),
        ("signals import", ["signals", "import", events, "--store", str(tmp / "s.sqlite"),
                            "-q", "--json", rec]),
        ("signals import --csv", ["signals", "import", events, "--store",
                                  str(tmp / "s2.sqlite"), "-q", "--csv", str(tmp / "csv2")]),
        ("signals evaluate", ["signals", "evaluate", _copy(COMMIT, d / f"c{ODD}.csv"), "-q",
                              "--resamples", "10", "--json", rec]),
        ("signals credibility --case", ["signals", "credibility", "--actor", "RUS",
                                        "--no-store", "--draws", "50", "--case",
                                        _copy(SIGNALS, d / f"sig{ODD}.yaml"), "--json", rec]),
        ("import genius", ["import", "genius", _copy(GEN, d / f"gen{ODD}"), "-o",
                           str(tmp / "g.yaml"), "--json", rec]),
        ("agreements rates --data", ["agreements", "rates", "ceasefire", "--data",
                                     _copy(AGR, d / f"agr{ODD}"), "--json", rec]),
        ("check --sources", ["check", CASE, "--sources", _copy(SOURCES, d / f"src{ODD}"),
                             "--json", rec]),
    ]
    if DEU.is_file():
        out.append(("backtest", ["backtest", _copy(DEU, d / f"deu{ODD}.tsv"), "-q", "-m",
                                 "compromise", "--bootstrap", "10", "--json", rec]))
    return out


def chain_commands(tmp: Path) -> list[tuple[str, list[str], list[str]]]:
    """(label, a command writing a YAML file from inputs named with a byte that is not UTF-8,
    the command reading that file back): the writer quoted the name as ``\\uDCFF``, an escape
    every YAML reader refuses."""
    d = tmp / f"chain{ODD}"
    gen = d / "gen"
    _copy(GEN, gen)
    (gen / "England.xml").rename(gen / f"Eng{ODD}land.xml")
    art = _copy(ART, d / f"a{ODD}.txt")
    g, dr, sg = str(tmp / "g.yaml"), str(tmp / "d.yaml"), str(tmp / "s.yaml")
    return [("import genius (a profile so named)",
             ["import", "genius", str(gen), "-o", g], ["check", g]),
            ("analyze (a GENIUS profile so named)",
             ["analyze", str(gen), "-q", "--json", str(tmp / "r.json")],
             ["analyze", str(gen), "-q"]),
            ("extract -o", ["extract", art, "-q", "-o", dr], ["check", dr]),
            ("extract --signals", ["extract", art, "-q", "--signals", sg],
             ["signals", "credibility", "--actor", "RUS", "--no-store", "--draws", "50",
              "--case", sg])]


def _names(tally: Any, tmp: Path, seconds: float) -> None:
    from fuzz.round9 import _writers
    from fuzz.sweep import _short, classify

    for label, argv in name_commands(tmp):
        path = next((a for a in argv if ODD in a), "")
        outcome, detail = classify(argv, _named(path), False, seconds)
        tally.add("round12:name", outcome, f"input {label} | {' '.join(_short(argv))} | "
                  f"{detail}")
    for label, make, read in chain_commands(tmp):
        outcome, detail = classify(make, _named(make[-1]), False, seconds)
        if outcome == "success":  # detente's own output, read back: a refusal is wrong
            outcome, detail = classify(read, [read[1]], False, seconds)
            if outcome == "error":
                outcome, detail = "wrong", f"its own output refused: {detail}"
        tally.add("round12:name", outcome, f"chain {label} | {' '.join(_short(read))} | "
                  f"{detail}")
    out = tmp / f"out{ODD}"
    for argv in _writers(tmp):
        path = str(out / ("tables" if argv[-1] == "--csv" else f"o{ODD}.x"))
        full = [*argv, path]
        outcome, detail = classify(full, _named(path), False, seconds)
        tally.add("round12:name", outcome, f"output | {' '.join(_short(full))} | {detail}")
        shutil.rmtree(out, ignore_errors=True)


# -- an option given twice ----------------------------------------------------------------------
def twice_commands(tmp: Path) -> list[tuple[list[str], str, str, str]]:
    """(command, option, first value, second value): a single-valued option given twice with
    two different valid values."""
    toy, art, gd = str(TOY), str(ART), str(GDELT)
    store = str(tmp / "s.sqlite")
    cred = ["signals", "credibility", "--actor", "RUS", "--no-store"]
    agr = ["--data", str(AGR)]
    out = [
        (["analyze", toy, "-q"], "--draws", "10", "20"),
        (["analyze", toy, "-q"], "--seed", "1", "2"),
        (["analyze", toy, "-q"], "--json", str(tmp / "a.json"), str(tmp / "b.json")),
        (["forecast", toy, "-q", "-m", "compromise"], "--rounds", "2", "3"),
        (["forecast", toy, "-q", "-m", "compromise"], "--issue", "land", "money"),
        (["forecast", toy, "-q", "-m", "compromise"], "--spread", "0.1", "0.2"),
        (["window", CASE, "-q", "--package-paths", "0"], "--paths", "20", "30"),
        (["window", CASE, "-q", "--paths", "20", "--package-paths", "0"], "--months", "2", "3"),
        (["sensitivity", toy, "-q"], "--method", "oat", "morris"),
        ([*cred, "--draws", "50"], "--case", "ru-ua", "none"),
        ([*cred, "--draws", "50"], "--from", "2022-01-01", "2023-01-01"),
        ([*cred, "--draws", "50"], "--half-life", "90", "30"),
        (cred, "--draws", "50", "60"),
        (["signals", "credibility", "--no-store", "--draws", "50"], "--actor", "RUS", "UKR"),
        (["signals", "import", gd, "--store", store, "-q"], "--from", "2015-01-01",
         "2016-01-01"),
        (["signals", "import", gd, "-q"], "--store", store, str(tmp / "t.sqlite")),
        (["signals", "list", "--store", store], "--limit", "5", "6"),
        (["signals", "evaluate", "dev", "-q"], "--resamples", "10", "20"),
        (["extract", art, "-q"], "--date", "2025-01-01", "2025-02-02"),
        (["extract", art, "-q"], "--extractor", "learned", "rules"),
        (["extract", art, "-q"], "-o", str(tmp / "a.yaml"), str(tmp / "b.yaml")),
        (["agreements", "rates", "ceasefire", *agr], "--level", "0.9", "0.8"),
        (["agreements", "rates", "ceasefire", *agr], "--method", "wilson", "jeffreys"),
        (["timeline", "ru-ua-2022-03", CASE, "-q"], "--draws", "0", "10"),
        (["import", "genius", str(GEN), "-o", str(tmp / "g.yaml")], "--date", "2024-01-01",
         "2024-02-02"),
    ]
    if DEU.is_file():
        out.append((["backtest", str(DEU), "-q", "-m", "compromise"], "--bootstrap", "10",
                    "20"))
    return out


def _twice(tally: Any, tmp: Path, seconds: float) -> None:
    from fuzz.sweep import _short, classify, prepare_store

    prepare_store(tmp)
    for before, opt, a, b in twice_commands(tmp):
        argv = [*before, opt, a, opt, b]
        outcome, detail = classify(argv, [opt], True, seconds)
        tally.add("round12:twice", outcome, f"{' '.join(_short(argv))} | {detail}")
    argv = ["--memory-limit", "4G", "--memory-limit", "8G", "analyze", str(TOY), "-q"]
    outcome, detail = classify(argv, ["--memory-limit"], True, seconds)
    tally.add("round12:twice", outcome, f"{' '.join(argv)} | {detail}")


# -- a locked event store -----------------------------------------------------------------------
class Locker:
    """An ``EXCLUSIVE`` transaction on ``db`` held by another connection (in a thread) until
    :meth:`release`."""

    def __init__(self, db: Path) -> None:
        self.db, self.held, self.done = db, threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._hold, daemon=True)

    def _hold(self) -> None:
        conn = sqlite3.connect(self.db, isolation_level=None, check_same_thread=False)
        conn.execute("BEGIN EXCLUSIVE")
        self.held.set()
        self.done.wait(300)
        conn.execute("ROLLBACK")
        conn.close()

    def __enter__(self) -> Locker:
        self.thread.start()
        self.held.wait(30)
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.thread.join(30)


def locked_store(tmp: Path, wal: bool) -> Path:
    """A valid event store (the GDELT fixture) in WAL or rollback-journal mode."""
    from fuzz.sources import _store_bytes

    db = tmp / f"locked-{'wal' if wal else 'journal'}.sqlite"
    db.write_bytes(_store_bytes())
    if wal:
        with sqlite3.connect(db) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
        conn.close()
    return db


def _locked(tally: Any, tmp: Path, seconds: float) -> None:
    from fuzz.sweep import _short, classify

    gd1 = tmp / "20150218.export.CSV"
    gd1.write_bytes((FIX / "gdelt1_rows.tsv").read_bytes())
    for wal in (False, True):
        db = locked_store(tmp, wal)
        runs = [(["signals", "import", str(gd1), "--store", str(db), "-q"], True)]
        if not wal:  # WAL readers do not wait for a writer
            runs.append((["signals", "list", "--store", str(db), "--limit", "3"], False))
        for argv, sure in runs:
            with Locker(db):
                outcome, detail = classify(argv, [str(db)], sure, seconds)
            tally.add("round12:locked", outcome, f"{'WAL' if wal else 'journal'} | "
                      f"{' '.join(_short(argv))} | {detail}")


# -- settings from the environment ----------------------------------------------------------------
def _env(tally: Any, tmp: Path, seconds: float) -> None:
    from fuzz.round11 import _Env
    from fuzz.sweep import classify

    folder = tmp / "store-folder"
    folder.mkdir()
    text = tmp / "notes.txt"
    text.write_text("not a store\n")
    stores = [("a missing folder with '/'", f"{tmp / 'newdir'}/", True),
              ("an existing folder", str(folder), True),
              ("an existing folder with '/'", f"{folder}/", True),
              ("a text file", str(text), True)]
    for label, value, sure in stores:
        for argv in (["signals", "import", str(GDELT), "-q"], ["signals", "list", "--limit", "1"],
                     ["signals", "credibility", "--actor", "RUS", "--draws", "50"]):
            with _Env(DETENTE_STORE=value):
                outcome, detail = classify(argv, ["DETENTE_STORE", value.rstrip("/")], sure,
                                           seconds)
            tally.add("round12:env", outcome, f"DETENTE_STORE={label} | {' '.join(argv[:2])} | "
                      f"{detail}")
        shutil.rmtree(tmp / "newdir", ignore_errors=True)
    for value in ("\u0661G", "\u0664\u0660\u0660M", "1_0G", "1e3M", "-1G", "4GiB", "abc",
                  "nan"):
        argv = ["analyze", str(TOY), "-q", "--draws", "10"]
        with _Env(DETENTE_MEMORY_LIMIT=value):
            outcome, detail = classify(argv, ["DETENTE_MEMORY_LIMIT"], True, seconds)
        tally.add("round12:env", outcome, f"DETENTE_MEMORY_LIMIT={value!r} | analyze | {detail}")


# -- typed records that skipped validation --------------------------------------------------------
def scenario_objects() -> list[tuple[str, Callable[[], Any], list[str]]]:
    """(label, a Scenario object made without validation, what the error must name)."""
    import detente
    from detente.scenario.model import Scenario

    s = detente.load(TOY)
    a0 = s.actors[0]
    return [
        ("model_copy(actors=actors*2) (duplicate ids)",
         lambda: s.model_copy(update={"actors": [*s.actors, *s.actors]}), ["actors", "A"]),
        ("model_copy(actors=[])", lambda: s.model_copy(update={"actors": []}), ["actors"]),
        ("model_copy(issues=[])", lambda: s.model_copy(update={"issues": []}), ["issues"]),
        ("model_copy(id=5)", lambda: s.model_copy(update={"id": 5}), ["id"]),
        ("model_copy(stances=None)", lambda: s.model_copy(update={"stances": None}),
         ["stances"]),
        ("actor model_copy(batna=nan) (a bare float)",
         lambda: s.model_copy(update={"actors": [a0.model_copy(update={"batna": float("nan")}),
                                                 *s.actors[1:]]}), ["batna"]),
        ("proposal model_copy(by='ZZ') (nobody)",
         lambda: s.model_copy(update={"proposals": [s.proposals[0].model_copy(
             update={"by": "ZZ"})]}), ["by", "ZZ"]),
        ("Scenario.model_construct()", lambda: Scenario.model_construct(), ["Scenario"]),
        ("Scenario.model_construct(id='x')", lambda: Scenario.model_construct(id="x"),
         ["Scenario", "actors"]),
    ]


def _api_objects(tally: Any, seconds: float) -> None:
    import detente
    from fuzz.sweep import classify_call

    for label, make, names in scenario_objects():
        for verb, call in (("analyze", lambda o: detente.analyze(o)),
                           ("analyze(draws=20)", lambda o: detente.analyze(o, draws=20)),
                           ("sensitivity", lambda o: detente.sensitivity(o, method="oat"))):
            outcome, detail = classify_call(lambda c=call, m=make: c(m()), names, True, seconds)
            tally.add("round12:api", outcome, f"{verb}({label}) | {detail}")


# -- where a key that is not text is ----------------------------------------------------------
KEYS = ("2024-01-01", "5", "true", "null", "1.5")
_LINE = re.compile(r":(\d+)(?::\d+)?:")


def key_variants(tmp: Path) -> list[tuple[str, Path, int]]:
    """(label, scenario file, the line of its key that is not text)."""
    out = []
    text = TOY.read_text(encoding="utf-8")
    for key in KEYS:
        f = tmp / f"key-end-{key}.yaml"
        f.write_text(text + f"{key}: x\n", encoding="utf-8")
        out.append((f"{key}: x at the end", f, text.count("\n") + 1))
        old = "package: {land: split, money: 5}"
        f = tmp / f"key-package-{key}.yaml"
        f.write_text(text.replace(old, f"package: {{land: split, {key}: 5}}"), encoding="utf-8")
        line = text[:text.index(old)].count("\n") + 1
        out.append((f"{key}: 5 in a package", f, line))
    return out


def _keys(tally: Any, tmp: Path, seconds: float) -> None:
    from fuzz.sweep import classify

    for label, f, line in key_variants(tmp):
        outcome, detail = classify(["check", str(f)], [str(f)], True, seconds)
        if outcome == "error":
            m = _LINE.search(detail[len(str(f)):]) if str(f) in detail else None
            if m is None or int(m.group(1)) != line:
                outcome, detail = "unclear", f"not at line {line}: {detail}"
        tally.add("round12:key", outcome, f"{label} | check | {detail}")


# -- Monte Carlo of one draw ----------------------------------------------------------------------
_ONE_INTERVAL = re.compile(r"\[(-?\d+\.\d+), \1\]|\b(\d+\.\d+)[–-]\2\b")
_NO_SPREAD = re.compile(r"± 0\.0+ over 1 draws")


def draw_commands() -> list[list[str]]:
    """Monte Carlo commands given too few draws for what they print."""
    cred = ["signals", "credibility", "--actor", "RUS", "--no-store", "--draws"]
    return [[*cred, "1"], [*cred, "2"], [*cred, "19"], ["analyze", str(TOY), "--draws", "1"],
            ["timeline", "ru-ua-2022-03", CASE, "--draws", "1"],
            ["forecast", str(TOY), "-m", "compromise", "--draws", "1"],
            ["forecast", str(TOY), "-m", "compromise", "--draws", "5"]]


def _one_draw(tally: Any, seconds: float) -> None:
    from fuzz.harness import run_cli
    from fuzz.sweep import time_bound

    for argv in draw_commands():
        with time_bound(seconds):
            run = run_cli(argv)
        text = run.out + run.err
        if "Traceback" in text or run.code not in (0, 2):
            outcome, detail = "traceback", text.strip()[-200:]
        elif run.code == 2:
            flat = " ".join(run.err.split())
            outcome = "error" if "--draws" in flat else "unclear"
            detail = flat[:200]
        elif m := (_ONE_INTERVAL.search(run.out) or _NO_SPREAD.search(run.out)):
            outcome, detail = "wrong", f"an interval of {argv[-1]} draw(s): {m.group()}"
        else:
            outcome, detail = "success", ""
        tally.add("round12:draws", outcome, f"{' '.join(argv[:2])} --draws {argv[-1]} | "
                  f"{detail}")


# -- concurrent imports into one store ------------------------------------------------------------
def _concurrent(tally: Any, tmp: Path, seconds: float) -> None:
    """Three ``signals import`` processes into one new store at once (and one file imported
    twice at once): each exits 0 and the store holds every file's events once."""
    import subprocess
    import sys

    import detente

    src = str(Path(detente.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    files = [("gdelt1_rows.tsv", "20150218.export.CSV"),
             ("icews_2018_slice.tab", "events.2018.20190409.tab"),
             ("gdelt2_20150218230000_slice.tsv", "20150218230000.export.CSV")]
    paths = []
    for fixture, name in files:
        (tmp / name).write_bytes((FIX / fixture).read_bytes())
        paths.append(tmp / name)
    for label, todo in (("three files", paths), ("one file twice", [paths[0], paths[0]])):
        db = tmp / f"{len(todo)}-{label[:3]}.sqlite"
        procs = [subprocess.Popen([sys.executable, "-m", "detente.cli.app", "signals", "import",
                                   str(p), "--store", str(db), "-q"], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE) for p in todo]
        outs = []
        for p in procs:
            try:
                out, err = p.communicate(timeout=seconds)
            except subprocess.TimeoutExpired:
                p.kill()
                out, err = p.communicate()
                outs.append(("hang", b"past the time bound"))
                continue
            text = (out + err).decode("utf-8", "replace")
            outs.append(("traceback" if "Traceback" in text or p.returncode not in (0, 2)
                         else "error" if p.returncode == 2 else "success", err[-200:]))
        bad = [o for o in outs if o[0] != "success"]
        if bad:
            outcome, detail = bad[0][0], bad[0][1].decode("utf-8", "replace")
        else:
            with sqlite3.connect(db) as conn:
                got = dict(conn.execute("SELECT source_file, count(*) FROM events GROUP BY 1"))
                dup = conn.execute("SELECT count(*) - count(DISTINCT source_sha256 || line) "
                                   "FROM events").fetchone()[0]
            conn.close()
            want = {str(p) for p in todo}
            outcome, detail = (("success", f"{got}") if set(got) == want and not dup
                               else ("wrong", f"stored {got}, {dup} duplicate rows"))
        tally.add("round12:concurrent", outcome, f"{label} | {detail}")


# -- the workbench: a field given twice -----------------------------------------------------------
def web_requests12(key: str) -> list[tuple[str, str, dict[str, Any], bool]]:
    """(method, url, request arguments, surely refused)."""
    c = f"/case/{key}"
    edit = {"path": "actors[0].batna", "value": "0.5"}
    return [
        ("GET", "/signals?source=ru-ua&actor=RUS&actor=UKR", {}, True),
        ("GET", f"{c}/signals?actor=RUS&actor=UKR", {}, True),
        ("POST", f"{c}/run/window", {"data": {"paths": ["100", "200"]}}, True),
        ("POST", f"{c}/run/montecarlo", {"data": {"draws": "1"}}, True),
        ("POST", f"{c}/edit", {"data": {**edit, "rev": ["0", "1"]}}, True),
        ("POST", f"{c}/edit", {"data": {"rev": "0", "value": "0.5",
                                        "path": ["actors[0].batna", "actors[1].batna"]}}, True),
        ("POST", f"{c}/save", {"data": {"rev": "0", "name": ["a.yaml", "b.yaml"]}}, True),
        ("POST", "/timeline", {"data": {"draws": ["0", "10"]}}, True),
        ("GET", f"/case/{key}%FF", {}, True), ("GET", "/records/%FF.json", {}, True),
        ("POST", "/upload", {"files": {"file": ("x\xff.yaml", TOY.read_bytes())}}, False),
    ]


def _web(tally: Any) -> None:
    with workbench_client() as client:
        if client is None:  # pragma: no cover - the web extra is not installed
            return
        for method, url, kw, sure in web_requests12(CASE):
            r = client.request(method, url, **kw)
            alive = client.get("/").status_code == 200
            what = f"{method} {url[:60]} {str(kw)[:60]} | {r.status_code} {r.text[:150]!r}"
            tally.add("round12:web", web_outcome(r, alive, sure), what)
            client.post("/job/cancel")


def sweep_round12(tally: Any, seconds: float = 60.0) -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for part, run in (("names", _names), ("twice", _twice), ("env", _env),
                          ("keys", _keys), ("locked", _locked), ("concurrent", _concurrent)):
            sub = tmp / part
            sub.mkdir()
            run(tally, sub, seconds)
    _api_objects(tally, seconds)
    _one_draw(tally, seconds)
    _web(tally)
