"""Round-14 families of hostile inputs (``scripts/hostile_sweep.py --part round14`` runs them):
round 13's four leftovers, then what a judge tries on every surface rounds 8-13 left out.

- **an output onto a file deeper inside an input folder**: ``analyze TREE --json
  TREE/dom/England.xml`` (a folder of GENIUS folders is read to any depth; round 13 looked at
  the top level only) replaced a profile by the record; after every run the file must be
  unchanged;
- **``--store '~/x'`` quoted on the command line** (``--events`` too): a folder named ``~``
  was made in the current folder (round 13 expanded the setting ``DETENTE_STORE`` only); a
  run that makes anything in the current folder, or no store under the home folder, is
  *wrong*;
- **an event file with one line in another encoding** (a Latin-1 ``é``, a cp1252 quote):
  the whole file was refused for one line (round 13 named the line); the standard is that a
  malformed row is counted and reported, the others imported — a refusal, or a success that
  does not count the line as a problem or stores fewer of the other lines, is *wrong*;
- **GENIUS notes printed twice** (the library's log line and the command's ``warning``
  line): each note must reach the console once;
- **an SQLite file that is no event store of this version**: ``signals import --store`` on
  another program's database added detente's tables to it (and switched it to WAL); a store
  whose ``user_version`` is from a later schema; a store that is a folder — each must be
  refused and the file left as it was;
- **scenario YAML spelt to confuse**: two actor ids that look the same (Latin ``A`` and
  Cyrillic ``А``), a BOM with CR LF line ends, a tab in the indentation, numbers past a
  double (``1e400``), ``.inf`` / ``.nan`` where a number is read, a Python tag;
- **event files that are something else**: zero bytes, a DuckDB or Parquet file, a comma
  separated file, a folder or a FIFO named like an event file, a quoted field holding a line
  end;
- **articles that are odd files**: a header with no dash line, the header alone, a NUL byte
  in the body, a file past ``--max-bytes``, a folder, a FIFO, a link to ``/dev/zero``;
- **output options onto odd places**: a device (``/dev/null``, ``/dev/full``), a folder, two
  outputs onto one path, ``--json`` and ``--csv`` onto one path, a file under a file;
- **the workbench**: a body of 20 MB, a query string of 5,000 fields (a run ignored them), a
  NUL byte in a query value, multipart with no boundary, a form in UTF-16, an upload with a
  second file or field beside ``file`` (dropped without a word);
- **the workbench's output folder holding its inputs**: ``detente serve drafts --out .``
  wrote an edit's draft ``drafts/toy.yaml`` over the scenario it had read;
- **the Python API**: ``extract``, ``credibility``, ``evaluate``, ``timeline``, ``backtest``
  given wrong types or blank text (``credibility("")`` returned the prior of no actor).
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fuzz.harness import (
    CASE,
    DEV,
    GDELT,
    GEN,
    ROOT,
    TOY,
    copy_file,
    run_cli,
    web_outcome,
    workbench_client,
)


def _events(tmp: Path, name: str = "20150218230000.export.CSV") -> Path:
    return copy_file(GDELT, tmp / name)


# -- an output onto a file deeper inside an input folder -------------------------------------
def tree_clashes(tmp: Path) -> list[tuple[str, list[str], Path]]:
    """(label, command line, the input file an output names) for a folder of GENIUS folders."""
    tree = tmp / "tree"
    shutil.copytree(GEN, tree / "ez")
    shutil.copytree(GEN, tree / "deeper" / "ez2")
    prof = tree / "ez" / "England.xml"
    deep = tree / "deeper" / "ez2" / "Zimbabwe.xml"
    dom = next(p for p in (tree / "ez").glob("*.xml") if "domain" in p.name.lower())
    return [("analyze TREE --json TREE/ez/England.xml", ["analyze", str(tree), "-q", "--json",
                                                         str(prof)], prof),
            ("analyze TREE --json a profile two folders down", ["analyze", str(tree), "-q",
                                                                "--json", str(deep)], deep),
            ("analyze TREE --json the domain file", ["analyze", str(tree), "-q", "--json",
                                                     str(dom)], dom),
            ("analyze TREE --json through sub/..", ["analyze", str(tree), "-q", "--json",
                                                    str(tree / "ez" / ".." / "ez" /
                                                        "England.xml")], prof)]


def _tree(tally: Any, tmp: Path, seconds: float) -> None:
    from fuzz.sweep import _short, classify

    for label, argv, f in tree_clashes(tmp):
        before = f.read_bytes()
        outcome, detail = classify(argv, [f.name, "--json"], True, seconds)
        if f.read_bytes() != before:
            outcome, detail = "wrong", f"the input {f.name} was overwritten ({outcome})"
            f.write_bytes(before)
        tally.add("round14:tree", outcome, f"{label} | {' '.join(_short(argv))} | {detail}")


# -- --store '~/x' quoted --------------------------------------------------------------------
def _home(tally: Any, tmp: Path, seconds: float) -> None:
    from fuzz.round11 import _Env
    from fuzz.sweep import classify

    work, home = tmp / "cwd", tmp / "home"
    work.mkdir()
    home.mkdir()
    events = _events(tmp)
    commit = ROOT / "src" / "detente" / "signals" / "data" / "commitments-dev.csv"
    runs = [("signals import --store '~/ev.sqlite'", ["signals", "import", str(events),
                                                      "--store", "~/ev.sqlite", "-q"],
             False, True),
            ("signals list --store '~/ev.sqlite'", ["signals", "list", "--store",
                                                    "~/ev.sqlite", "--limit", "2"], False,
             True),
            ("signals credibility --store '~/ev.sqlite'",
             ["signals", "credibility", "--actor", "RUS", "--store", "~/ev.sqlite",
              "--draws", "50"], False, True),
            ("signals evaluate --events '~/ev.sqlite'",
             ["signals", "evaluate", str(commit), "-q", "--resamples", "10", "--events",
              "~/ev.sqlite"], False, True),
            ("signals import --store '~nosuchuser14/ev.sqlite'",
             ["signals", "import", str(events), "--store", "~nosuchuser14/ev.sqlite", "-q"],
             True, False)]
    old = os.getcwd()
    os.chdir(work)
    try:
        with _Env(HOME=str(home), DETENTE_STORE=None):
            for label, argv, sure, needs_store in runs:
                outcome, detail = classify(argv, ["~", "--store", "--events", commit.name],
                                           sure, seconds)
                made = sorted(p.name for p in work.iterdir())
                if made:
                    outcome, detail = "wrong", f"made {made} in the current folder: {detail}"
                    for p in work.iterdir():
                        shutil.rmtree(p) if p.is_dir() else p.unlink()
                elif needs_store and outcome == "success" and not (home / "ev.sqlite").is_file():
                    outcome, detail = "wrong", "no store at ~/ev.sqlite"
                tally.add("round14:home", outcome, f"{label} | {detail}")
    finally:
        os.chdir(old)


# -- an event file with one line in another encoding -----------------------------------------
def latin_files(tmp: Path) -> list[tuple[str, Path, int]]:
    """(label, a GDELT 2.0 file with one line not UTF-8 (or a few), its first such line)."""
    lines = GDELT.read_bytes().split(b"\n")
    out = []
    for k, (what, byte, ats) in enumerate((("a Latin-1 é on line 3", b"\xe9", (2,)),
                                           ("a cp1252 quote on line 5", b"\x93", (4,)),
                                           ("Latin-1 on lines 40 and 150", b"\xe9", (39, 149)),
                                           ("a lone UTF-8 lead byte on the last line", b"\xc3",
                                            (len(lines) - 2,)))):
        ls = list(lines)
        for at in ats:
            cells = ls[at].split(b"\t")
            cells[6] += byte
            ls[at] = b"\t".join(cells)
        f = tmp / f"l{k}" / "20150218230000.export.CSV"
        f.parent.mkdir()
        f.write_bytes(b"\n".join(ls))
        out.append((what, f, len(ats)))
    return out


def stored_events(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        n = int(conn.execute("SELECT count(*) FROM events").fetchone()[0])
    conn.close()
    return n


def _latin(tally: Any, tmp: Path, seconds: float) -> None:
    from fuzz.sweep import classify

    total = sum(1 for ln in GDELT.read_bytes().split(b"\n") if ln.strip())
    for k, (label, f, bad) in enumerate(latin_files(tmp)):
        db = tmp / f"s{k}.sqlite"
        argv = ["signals", "import", str(f), "--store", str(db), "--json",
                str(tmp / f"r{k}.json")]
        outcome, detail = classify(argv, [str(f)], False, seconds)
        if outcome == "error":
            outcome, detail = "wrong", f"the whole file refused for {bad} line(s): {detail}"
        elif outcome == "success":
            import json

            rec = json.loads((tmp / f"r{k}.json").read_text(encoding="utf-8"))
            text = json.dumps(rec)
            got = stored_events(db)
            if got != total - bad:
                outcome, detail = "wrong", f"{got} events stored, expected {total - bad}"
            elif "UTF-8" not in text:
                outcome, detail = "wrong", "the line that is not UTF-8 is not reported"
        tally.add("round14:latin", outcome, f"{label} | {detail}")


# -- GENIUS notes printed twice --------------------------------------------------------------
def _genius_twice(tally: Any, tmp: Path, seconds: float) -> None:
    from fuzz.sweep import time_bound

    variants = []
    d = tmp / "cost"
    shutil.copytree(GEN, d)
    f = sorted(p for p in d.glob("*.xml") if "domain" not in p.name.lower())[0]
    f.write_text(re.sub(r'cost="[^"]*"', 'cost="abc"', f.read_text(encoding="utf-8"),
                        count=1), encoding="utf-8")
    variants.append(("cost='abc' in a profile", d, "cost='abc'"))
    d2 = tmp / "twice"
    shutil.copytree(GEN, d2)
    f2 = sorted(p for p in d2.glob("*.xml") if "domain" not in p.name.lower())[0]
    text = f2.read_text(encoding="utf-8")
    m = re.search(r'(<item [^>]*evaluation="[^"]*"[^>]*>\s*</item>)', text)
    if m:  # the same value evaluated twice, differently
        dup = re.sub(r'evaluation="[^"]*"', 'evaluation="0.123"', m.group(1))
        f2.write_text(text.replace(m.group(1), m.group(1) + "\n" + dup, 1), encoding="utf-8")
        variants.append(("a value evaluated twice", d2, "evaluated twice"))
    for label, folder, note in variants:
        for argv in (["analyze", str(folder), "-q"],
                     ["import", "genius", str(folder), "-o", str(tmp / f"{folder.name}.yaml")],
                     ["analyze", str(folder)]):
            with time_bound(seconds):
                run = run_cli(argv)
            flat = " ".join((run.out + run.err).split())
            n = flat.count(note)
            if "Traceback" in flat or run.code not in (0, 2):
                outcome, detail = "traceback", flat[-200:]
            elif run.code == 2:
                outcome, detail = "error", flat[:200]
            elif n == 1:
                outcome, detail = "success", "noted once"
            else:
                outcome, detail = "wrong", f"the note {note!r} printed {n} times"
            tally.add("round14:genius", outcome, f"{label} | {' '.join(argv[:2])} | {detail}")


# -- SQLite files that are no event store of this version -------------------------------------
def odd_stores(tmp: Path) -> Iterator[tuple[str, Path]]:
    """(label, a path given as --store)."""
    from fuzz.sources import _store_bytes

    other = tmp / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER, body TEXT)")
        conn.execute("INSERT INTO notes VALUES (1, 'my data')")
    conn.close()
    yield "another program's SQLite database", other
    half = tmp / "half.sqlite"
    with sqlite3.connect(half) as conn:
        conn.execute("CREATE TABLE events (id INTEGER)")
    conn.close()
    yield "an SQLite database with another 'events' table", half
    future = tmp / "future.sqlite"
    future.write_bytes(_store_bytes())
    with sqlite3.connect(future) as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()
    yield "an event store of schema version 99", future
    folder = tmp / "folder.sqlite"
    folder.mkdir()
    yield "a folder", folder


def _snapshot(p: Path) -> bytes | None:
    return p.read_bytes() if p.is_file() else None


def _stores(tally: Any, tmp: Path, seconds: float) -> None:
    from fuzz.sweep import classify

    events = _events(tmp)
    for label, store in odd_stores(tmp):
        for cmd, argv in (("signals import", ["signals", "import", str(events), "--store",
                                              str(store), "-q"]),
                          ("signals list", ["signals", "list", "--store", str(store),
                                            "--limit", "2"])):
            before = _snapshot(store)
            outcome, detail = classify(argv, [store.name], True, seconds)
            if _snapshot(store) != before or (store.with_name(store.name + "-wal")).exists():
                outcome, detail = "wrong", f"the file was changed ({outcome}: {detail[:120]})"
            tally.add("round14:store", outcome, f"{label} | {cmd} | {detail}")


# -- scenario YAML spelt to confuse -----------------------------------------------------------
def yaml_variants() -> list[tuple[str, bytes, bool]]:
    """(label, scenario bytes, surely refused)."""
    toy = TOY.read_bytes()
    t = toy.decode("utf-8")
    out: list[tuple[str, bytes, bool]] = [
        ("Latin A and Cyrillic А as two actors",
         t.replace("  - id: M\n    name: Mediator", "  - id: \u0410\n    name: Mediator")
         .replace("actor: M,", "actor: \u0410,").encode(), True),
        ("an id with a Greek omicron beside a Latin o (issue ids)",
         t.replace("id: money", "id: m\u03bfney").replace("issue: money", "issue: m\u03bfney")
         .replace("money: 5", "m\u03bfney: 5").encode(), False),
        ("BOM and CR LF", b"\xef\xbb\xbf" + toy.replace(b"\n", b"\r\n"), False),
        ("a tab in the indentation", toy.replace(b"    name: Side A", b"\tname: Side A", 1),
         True),
        ("capability: 1e400", toy.replace(b"capability: 1\n", b"capability: 1e400\n", 1), True),
        ("capability: .inf", toy.replace(b"capability: 1\n", b"capability: .inf\n", 1), True),
        ("batna: .nan", toy.replace(b"batna: 0.4", b"batna: .nan", 1), True),
        ("salience: -.inf", toy.replace(b"salience: 0.1}", b"salience: -.inf}", 1), True),
        ("a Python tag", toy.replace(b"batna: 0.4", b"batna: !!python/object/apply:os.getcwd []",
                                     1), True),
        ("a 400-digit capability", toy.replace(b"capability: 1\n",
                                               b"capability: 1" + b"0" * 400 + b"\n", 1), True),
        ("a lone CR line end", toy.replace(b"\n", b"\r"), False),
    ]
    return out


def _yaml(tally: Any, tmp: Path, seconds: float) -> None:
    from fuzz.sweep import classify

    for k, (label, raw, sure) in enumerate(yaml_variants()):
        f = tmp / f"y{k}.yaml"
        f.write_bytes(raw)
        for argv in (["check", str(f)], ["analyze", str(f), "-q", "--json",
                                         str(tmp / f"y{k}.json")]):
            outcome, detail = classify(argv, [f.name], sure, seconds, record=(
                tmp / f"y{k}.json") if argv[0] == "analyze" else None)
            tally.add("round14:yaml", outcome, f"{label} | {argv[0]} | {detail}")


# -- event files that are something else -----------------------------------------------------
def odd_event_files(tmp: Path) -> list[tuple[str, Path]]:
    name = "20150218230000.export.CSV"
    out = []
    z = tmp / "zero" / name
    z.parent.mkdir()
    z.write_bytes(b"")
    out.append(("zero bytes", z))
    duck = tmp / "duck" / name
    duck.parent.mkdir()
    import duckdb

    con = duckdb.connect(str(duck))
    con.execute("CREATE TABLE t AS SELECT 1 AS a")
    con.close()
    out.append(("a DuckDB database", duck))
    pq = tmp / "pq" / name
    pq.parent.mkdir()
    con = duckdb.connect()
    con.execute(f"COPY (SELECT 1 AS a, 'x' AS b) TO '{pq}' (FORMAT parquet)")
    con.close()
    out.append(("a Parquet file", pq))
    comma = tmp / "comma" / name
    comma.parent.mkdir()
    comma.write_bytes(GDELT.read_bytes().replace(b"\t", b","))
    out.append(("commas for tabs", comma))
    folder = tmp / "dir" / name
    folder.mkdir(parents=True)
    out.append(("a folder", folder))
    fifo = tmp / "fifo" / name
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    out.append(("a FIFO", fifo))
    q = tmp / "quoted" / name
    q.parent.mkdir()
    lines = GDELT.read_bytes().split(b"\n")
    cells = lines[3].split(b"\t")
    cells[6] = b'"two\nlines"'
    lines[3] = b"\t".join(cells)
    q.write_bytes(b"\n".join(lines))
    out.append(("a quoted field with a line end", q))
    return out


def _event_files(tally: Any, tmp: Path, seconds: float) -> None:
    from fuzz.sweep import classify

    for k, (label, f) in enumerate(odd_event_files(tmp)):
        sure = label not in ("a quoted field with a line end",)
        argv = ["signals", "import", str(f), "--store", str(tmp / f"e{k}.sqlite"), "-q"]
        outcome, detail = classify(argv, [str(f), f.name], sure, seconds)
        tally.add("round14:events", outcome, f"{label} | {detail}")


# -- articles that are odd files --------------------------------------------------------------
def odd_articles(tmp: Path) -> list[tuple[str, Path, bool]]:
    body = (DEV / "01.txt").read_text(encoding="utf-8")
    head, _, rest = body.partition("\n---\n")
    out = []

    def put(name: str, data: bytes) -> Path:
        f = tmp / name
        f.write_bytes(data)
        return f

    out.append(("a header with no dash line", put("nodash.txt", (head + "\n\n" + rest).encode()),
                False))
    # read as body text with a warning that names the missing dashes (a success, not silent)
    out.append(("the header alone", put("head.txt", (head + "\n").encode()), False))
    out.append(("the header and dashes alone", put("headdash.txt", (head + "\n---\n").encode()),
                True))
    out.append(("a NUL byte in the body", put("nul.txt", (head + "\n---\n" + rest[:200] + "\x00"
                                                          + rest[200:]).encode()), True))
    big = tmp / "big.txt"
    with big.open("wb") as fh:
        fh.write((head + "\n---\n").encode())
        fh.write(b"The minister said talks would resume. " * 140_000)
    out.append(("an article of 5.3 MB (past --max-bytes)", big, True))
    folder = tmp / "folder.txt"
    folder.mkdir()
    out.append(("a folder", folder, True))
    fifo = tmp / "fifo.txt"
    os.mkfifo(fifo)
    out.append(("a FIFO", fifo, True))
    zero = tmp / "zero.txt"
    zero.symlink_to("/dev/zero")
    out.append(("a link to /dev/zero", zero, True))
    out.append(("CR LF header and body", put("crlf.txt", body.replace("\n", "\r\n").encode()),
                False))
    return out


def _articles(tally: Any, tmp: Path, seconds: float) -> None:
    from fuzz.sweep import classify

    for k, (label, f, sure) in enumerate(odd_articles(tmp)):
        argv = ["extract", str(f), "-q", "--extractor", "rules", "--json",
                str(tmp / f"x{k}.json")]
        outcome, detail = classify(argv, [f.name], sure, seconds)
        tally.add("round14:articles", outcome, f"{label} | {detail}")


# -- output options onto odd places -----------------------------------------------------------
def odd_outputs(tmp: Path) -> list[tuple[str, list[str], list[str]]]:
    """(label, command line, what the error must name) — every one must be refused."""
    toy = copy_file(TOY, tmp / "t.yaml")
    afile = tmp / "afile"
    afile.write_text("x\n", encoding="utf-8")
    (tmp / "adir").mkdir()
    same = str(tmp / "same.out")
    return [
        ("--json /dev/full", ["analyze", str(toy), "-q", "--json", "/dev/full"], ["/dev/full"]),
        ("--html /dev/null", ["analyze", str(toy), "-q", "--html", "/dev/null"], ["/dev/null"]),
        ("--json a folder", ["check", str(toy), "--json", str(tmp / "adir")], ["adir"]),
        ("--json and --html onto one path", ["analyze", str(toy), "-q", "--json", same,
                                             "--html", same], ["same.out"]),
        ("--json and --csv onto one path", ["analyze", str(toy), "-q", "--json", same,
                                            "--csv", same], ["same.out"]),
        ("--json under a file", ["analyze", str(toy), "-q", "--json",
                                 str(afile / "r.json")], ["afile"]),
        ("--csv onto a file", ["analyze", str(toy), "-q", "--csv", str(afile)], ["afile"]),
        ("extract -o and --signals onto one path",
         ["extract", str(copy_file(DEV / "01.txt", tmp / "a.txt")), "-q", "--extractor", "rules",
          "-o", same, "--signals", same], ["same.out"]),
        ("--json into /proc", ["check", str(toy), "--json", "/proc/detente14.json"], ["/proc"]),
    ]


def _outputs(tally: Any, tmp: Path, seconds: float) -> None:
    from fuzz.sweep import _short, classify

    for label, argv, names in odd_outputs(tmp):
        outcome, detail = classify(argv, names, True, seconds)
        tally.add("round14:outputs", outcome, f"{label} | {' '.join(_short(argv))} | {detail}")


# -- the workbench ----------------------------------------------------------------------------
def web_requests14(key: str) -> list[tuple[str, str, dict[str, Any], bool]]:
    c = f"/case/{key}"
    many = "&".join(f"f{k}=1" for k in range(5000))
    return [
        ("POST", f"{c}/edit", {"data": {"rev": "0", "path": "actors[0].batna",
                                        "value": "0." + "1" * (20 << 20)}}, True),
        ("GET", f"/case/{key}?{many}", {}, False),
        ("POST", f"{c}/run/window?{many}", {"data": {"paths": "100"}}, True),
        ("GET", f"{c}/signals?actor=RU%00S", {}, False),  # the page must say it has none
        ("POST", f"{c}/edit", {"content": b"--x\r\n", "headers": {
            "content-type": "multipart/form-data"}}, True),
        ("POST", f"{c}/edit", {"content": "rev=0&path=actors[0].batna&value=0.5".encode(
            "utf-16"), "headers": {"content-type":
                                   "application/x-www-form-urlencoded; charset=utf-16"}},
         True),
        # a second scenario under another field name was dropped without a word
        ("POST", "/upload", {"files": {"file": ("a.yaml", TOY.read_bytes(), "application/x-yaml"),
                                       "file2": ("b.yaml", TOY.read_bytes(),
                                                 "application/x-yaml")}}, True),
        ("POST", "/upload", {"files": {"file": ("a.yaml", TOY.read_bytes(), "application/x-yaml")},
                             "data": {"key": "mine"}}, True),
    ]


def _web(tally: Any) -> None:
    with workbench_client() as client:
        if client is None:  # pragma: no cover - the web extra is not installed
            return
        for method, url, kw, sure in web_requests14(CASE):
            r = client.request(method, url, **kw)
            alive = client.get("/").status_code == 200
            what = f"{method} {url[:60]} {str(kw)[:70]} | {r.status_code} {r.text[:160]!r}"
            outcome = web_outcome(r, alive, sure)
            if outcome == "success" and "actor=" in url and "has no signals" not in r.text:
                outcome = "wrong"  # an actor with a NUL byte shown as if it had signals
            tally.add("round14:web", outcome, what)
            client.post("/job/cancel")


# -- the workbench's output folder holding its inputs ------------------------------------------
def _serve(tally: Any, tmp: Path, seconds: float) -> None:
    """``detente serve drafts --out .`` (or ``serve drafts/toy.yaml --out .``): an edit wrote the
    draft ``drafts/toy.yaml`` over the scenario it was read from."""
    try:
        from fastapi.testclient import TestClient
    except ImportError:  # pragma: no cover - the web extra is not installed
        return
    from detente.errors import DetenteError
    from detente.web.app import create_app

    for k, target in enumerate(("drafts", "drafts/toy.yaml")):
        root = tmp / f"w{k}"
        f = copy_file(TOY, root / "drafts" / "toy.yaml")
        before = f.read_bytes()
        old = os.getcwd()
        os.chdir(root)
        try:
            try:
                client = TestClient(create_app(target, root), raise_server_exceptions=False,
                                    headers={"HX-Request": "true"})
            except DetenteError as exc:
                tally.add("round14:serve", "error" if "--out" in str(exc) else "unclear",
                          f"serve {target} --out . | {exc}")
                continue
            r = client.post("/case/toy/edit", data={"rev": "0", "path": "actors[1].batna",
                                                    "value": "0.45"})
            outcome = web_outcome(r, client.get("/").status_code == 200)
            if f.read_bytes() != before:
                outcome = "wrong"
            tally.add("round14:serve", outcome, f"serve {target} --out . then an edit | "
                      f"{r.status_code} | input {'replaced' if outcome == 'wrong' else 'kept'}")
        finally:
            os.chdir(old)


# -- the Python API: the verbs rounds 8-13 left out, given wrong types ---------------------------
def api_calls14() -> list[tuple[str, Any, bool]]:
    """(label, call, surely refused): ``extract``, ``credibility``, ``evaluate``, ``timeline``
    and ``backtest`` given values of the wrong type or blank text."""
    import detente

    calls: list[tuple[str, Any, bool]] = []
    for bad in (123, None, b"bytes", {"a": 1}, 1.5, "", "   "):
        calls += [(f"extract({bad!r})", lambda b=bad: detente.extract(b), True),
                  (f"credibility({bad!r})", lambda b=bad: detente.credibility(b), True),
                  (f"evaluate({bad!r})", lambda b=bad: detente.evaluate(b), True),
                  (f"timeline({bad!r})", lambda b=bad: detente.timeline(b), True),
                  (f"backtest({bad!r})", lambda b=bad: detente.backtest(b), True)]
    for kw in ({"against": ""}, {"case": ""}, {"half_life": "90"}, {"draws": -1},
               {"seed": "x"}, {"date_from": "2024-01-01"}):
        calls.append((f"credibility('RUS', **{kw})",
                      lambda k=kw: detente.credibility("RUS", **k), True))
    for kw in ({"extractor": ""}, {"case": ""}, {"date": "2024-01-01"}, {"llm": "yes"}):
        calls.append((f"extract([01.txt], **{kw})",
                      lambda k=kw: detente.extract([DEV / "01.txt"], **k), True))
    return calls


def _api(tally: Any, seconds: float) -> None:
    from detente.errors import DetenteError
    from fuzz.sweep import Hang, time_bound

    for label, fn, sure in api_calls14():
        try:
            with time_bound(seconds):
                fn()
        except Hang:
            tally.add("round14:api", "hang", label)
            continue
        except DetenteError as exc:
            tally.add("round14:api", "error" if str(exc).strip() else "unclear",
                      f"{label} | {exc}")
            continue
        except Exception as exc:
            tally.add("round14:api", "traceback",
                      f"{label} | {type(exc).__name__}: {str(exc)[:200]}")
            continue
        tally.add("round14:api", "wrong" if sure else "success", f"{label} | returned")


def sweep_round14(tally: Any, seconds: float = 60.0) -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for part, run in (("tree", _tree), ("home", _home), ("latin", _latin),
                          ("genius", _genius_twice), ("store", _stores), ("yaml", _yaml),
                          ("events", _event_files), ("articles", _articles),
                          ("outputs", _outputs), ("serve", _serve)):
            sub = tmp / part
            sub.mkdir()
            run(tally, sub, seconds)
    _web(tally)
    _api(tally, seconds)
