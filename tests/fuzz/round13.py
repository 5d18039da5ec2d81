"""Round-13 families of hostile inputs (``scripts/hostile_sweep.py --part round13`` runs them):
what a tester who has read rounds 1-12 tries next.

- **an output path that is an input** (spelt the same, as ``./sub/../x``, through a symbolic
  link): ``analyze t.yaml --json t.yaml`` replaced the scenario with its own record, ``signals
  import f.CSV --json f.CSV`` the event file, ``--json`` onto ``--store`` the event store, a
  ``--csv`` table onto an input of its name (``forecast forecasts.csv --csv .``); only
  ``extract`` checked. After every run the input must be unchanged, whatever the exit;
- **a name that is both a bundled case and a file in the current folder** (``analyze
  ru-ua-2024-09`` beside a file ``ru-ua-2024-09``): the scenario readers took the bundled case
  (the file unread), ``signals credibility --case ru-ua`` the file — each silently;
- **gold JSON with a wrong type at every field** (``extract --evaluate``): each top-level key
  and each key of the first item of each list given a number, a float, a boolean, null, a
  list, an object or text (where that type is not allowed);
- **settings from the environment, spelt oddly**: ``DETENTE_STORE`` of spaces (a file named
  two spaces was written in the current folder) or starting with ``~`` (a folder named ``~``
  was made in the current folder: only a shell expands ``~``, and not in quotes),
  ``XDG_DATA_HOME`` relative (the XDG specification: a relative path is invalid and ignored),
  ``DETENTE_STORE=`` set empty (the default store, as ``DETENTE_MEMORY_LIMIT=``; decided and
  documented in round 13);
- **GENIUS attributes detente never reads** (``cost``, ``number_of_issues``) holding text that
  is no number, NaN, a negative count or a count that disagrees with the file: taken without
  a word (round 12's leftover); now each is a warning naming the attribute (a run that
  succeeds without one is a *wrong* one);
- **an event file with one line in another encoding** (a Latin-1 ``é`` or a cp1252 quote in
  an otherwise UTF-8 GDELT file) within its first lines: refused without the line (past
  them DuckDB names it) — an error that does not name the line is *unclear*;
- **the workbench given what its forms do not hold**: a forecast of 1-9 draws and a timeline
  of one draw started a job the library then refused (round 12's leftover: the form must
  refuse them); a run option the form does not have (``pahts=100``: ignored, the run used
  its default of 2,000 paths); a body that is no form (``text/plain``, JSON: "incomplete or
  malformed request (fields: rev, path)" named no content type).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fuzz.harness import (
    CASE,
    COMMIT,
    DEV,
    GDELT,
    GEN,
    ROOT,
    TOY,
    copy_file,
    web_outcome,
    workbench_client,
)

TAG = "[r13]"
DEU = ROOT.parent / "shared" / "data" / "deu3-dev.tsv"
SIGNALS = ROOT / "src" / "detente" / "cases" / "signals" / "ru-ua.yaml"
KTAB = ROOT / "tests" / "data" / "ktab"
CASES = ROOT / "src" / "detente" / "cases"


# -- an output path that is an input ---------------------------------------------------------
def clash_commands(tmp: Path) -> list[tuple[str, list[str], Path]]:
    """(label, command line, the input file an output option names) — every command with a
    file input, an output onto it spelt as given, through ``sub/..`` and through a link."""
    toy = copy_file(TOY, tmp / "t.yaml")
    art = copy_file(DEV / "01.txt", tmp / "a.txt")
    events = copy_file(GDELT, tmp / "20150218230000.export.CSV")
    commit = copy_file(COMMIT, tmp / "c.csv")
    sig = copy_file(SIGNALS, tmp / "sig.yaml")
    (tmp / "sub").mkdir(exist_ok=True)
    link = tmp / "link.yaml"
    link.symlink_to(toy)
    store = tmp / "s.sqlite"
    later = copy_file(CASES / f"{CASE}.yaml", tmp / "later.yaml")
    out: list[tuple[str, list[str], Path]] = []
    for spelt, how in ((str(toy), "as given"), (str(tmp / "sub" / ".." / "t.yaml"), "sub/.."),
                       (str(link), "a link to it")):
        out += [
            (f"check --json {how}", ["check", str(toy), "--json", spelt], toy),
            (f"analyze --json {how}", ["analyze", str(toy), "-q", "--json", spelt], toy),
            (f"analyze --html {how}", ["analyze", str(toy), "-q", "--html", spelt], toy),
            (f"forecast --json {how}", ["forecast", str(toy), "-q", "-m", "compromise",
                                        "--json", spelt], toy),
            (f"sensitivity --html {how}", ["sensitivity", str(toy), "-q", "--method", "oat",
                                           "--html", spelt], toy),
        ]
    out += [
        ("extract --json the article", ["extract", str(art), "-q", "--json", str(art)], art),
        ("extract --signals the article", ["extract", str(art), "-q", "--signals", str(art)],
         art),
        ("signals import --json the event file", ["signals", "import", str(events), "--store",
                                                  str(store), "-q", "--json", str(events)],
         events),
        ("signals import --store the event file", ["signals", "import", str(events), "--store",
                                                   str(events), "-q"], events),
        ("signals evaluate --json the commitments", ["signals", "evaluate", str(commit), "-q",
                                                     "--resamples", "10", "--json", str(commit)],
         commit),
        ("signals credibility --json the signals file",
         ["signals", "credibility", "--actor", "RUS", "--no-store", "--draws", "50", "--case",
          str(sig), "--json", str(sig)], sig),
        ("timeline --html the second scenario", ["timeline", "ru-ua-2022-03", str(later), "-q",
                                                 "--html", str(later)], later),
    ]
    gen = tmp / "gen"
    shutil.copytree(GEN, gen)
    prof = sorted(p for p in gen.glob("*.xml") if "domain" not in p.name.lower())[0]
    out += [("import genius -o a profile of the folder", ["import", "genius", str(gen), "-o",
                                                         str(prof)], prof),
            ("analyze DIR --json a profile of the folder", ["analyze", str(gen), "-q", "--json",
                                                           str(prof)], prof)]
    srcs = tmp / "sources"
    text = srcs / "a.txt"
    text.parent.mkdir()
    text.write_text("a source text\n", encoding="utf-8")
    agr = tmp / "agreements"
    shutil.copytree(ROOT / "tests" / "data" / "agreements", agr)
    pax = agr / "pax_all_agreements_data_v9.csv"
    out += [("check --json a text of --sources", ["check", str(toy), "--sources", str(srcs),
                                                  "--json", str(text)], text),
            ("agreements --json a file of --data", ["agreements", "rates", "ceasefire",
                                                    "--data", str(agr), "--json", str(pax)],
             pax)]
    out.append(("analyze --json onto a --csv table", ["analyze", str(toy), "-q", "--json",
                                                       str(tmp / "both" / "pairs.csv"),
                                                       "--csv", str(tmp / "both")], toy))
    bdm = ROOT.parent / "shared" / "data" / "bdm" / "emission.csv"
    if bdm.is_file():  # a table the run writes has the input's name in the --csv folder
        table = copy_file(bdm, tmp / "csvin" / "forecasts.csv")
        out.append(("forecast --csv the input's folder (forecasts.csv)",
                    ["forecast", str(table), "-q", "-m", "compromise", "--csv",
                     str(table.parent)], table))
    if DEU.is_file():
        deu = copy_file(DEU, tmp / "deu.tsv")
        out.append(("backtest --json the DEU file", ["backtest", str(deu), "-q", "-m",
                                                     "compromise", "--json", str(deu)], deu))
    return out


def store_clash(tmp: Path) -> tuple[list[str], Path]:
    """``signals list --store S --json S``: the record written over the event store."""
    from fuzz.sources import _store_bytes

    db = tmp / "list.sqlite"
    db.write_bytes(_store_bytes())
    return ["signals", "list", "--store", str(db), "--limit", "3", "--json", str(db)], db


def _clashes(tally: Any, tmp: Path, seconds: float) -> None:
    from fuzz.sweep import _short, classify

    runs = [(label, argv, f) for label, argv, f in clash_commands(tmp)]
    argv, db = store_clash(tmp)
    runs.append(("signals list --json the store", argv, db))
    for label, argv, f in runs:
        before = f.read_bytes()
        outcome, detail = classify(argv, [str(f), f.name, argv[-1]], True, seconds)
        if f.read_bytes() != before:
            outcome, detail = "wrong", f"the input {f.name} was overwritten ({outcome}: " \
                f"{detail[:120]})"
            f.write_bytes(before)
        tally.add("round13:clash", outcome, f"{label} | {' '.join(_short(argv))} | {detail}")


# -- a name that is both a bundled case and a file here ----------------------------------------
def ambiguous_commands(tmp: Path) -> list[tuple[str, list[str]]]:
    """(label, command line) naming a bundled case while the current folder (``tmp``) holds a
    file of that name (the toy scenario; a signals file for ``ru-ua``)."""
    for name in ("ru-ua-2022-03", CASE, f"war/{CASE}"):
        copy_file(TOY, tmp / name)
    copy_file(SIGNALS, tmp / "ru-ua")
    art = copy_file(DEV / "01.txt", tmp / "a.txt")
    return [
        ("check", ["check", CASE]), ("analyze", ["analyze", CASE, "-q"]),
        ("forecast", ["forecast", CASE, "-q", "-m", "compromise"]),
        ("sensitivity", ["sensitivity", CASE, "-q", "--method", "oat"]),
        ("window", ["window", CASE, "-q", "--paths", "100"]),
        ("window war/", ["window", f"war/{CASE}", "-q", "--paths", "100"]),
        ("timeline", ["timeline", "ru-ua-2022-03", CASE, "-q"]),
        ("signals credibility --case", ["signals", "credibility", "--actor", "RUS",
                                        "--no-store", "--draws", "50", "--case", "ru-ua"]),
        ("extract --case", ["extract", str(art), "-q", "--extractor", "rules", "--case", CASE,
                            "-o", str(tmp / "draft.yaml")]),
    ]


def _ambiguous(tally: Any, tmp: Path, seconds: float) -> None:
    from fuzz.sweep import classify

    old = os.getcwd()
    os.chdir(tmp)
    try:
        for label, argv in ambiguous_commands(tmp):
            names = [a for a in argv if a == "ru-ua" or a.removeprefix("war/").startswith(
                "ru-ua-")]
            outcome, detail = classify(argv, names, True, seconds)
            tally.add("round13:ambiguous", outcome, f"{label} | {' '.join(argv[:4])} | {detail}")
    finally:
        os.chdir(old)


# -- gold JSON with a wrong type at every field ----------------------------------------------
#: Values of every JSON type.
TYPED: dict[str, Any] = {"number": 5, "float": 1.5, "boolean": True, "null": None, "list": [],
                         "list of numbers": [1, 2], "object": {}, "object with a key": {"a": 1},
                         "text": "x"}
#: The types each gold field may hold (the schema of docs/extraction-evaluation.md).
ALLOWED: dict[str, set[str]] = {
    "actors": {"list"}, "signals": {"list"}, "positions": {"list"}, "proposals": {"list"},
    "stance": {"text"}, "actor": {"text"}, "kind": {"text"}, "quote": {"text"},
    "date": {"text", "null"}, "issue": {"text"}, "position": {"text", "null"},
    "name": {"text", "null"}, "by": {"text", "null"}, "actors[0]": {"text"},
}


def gold_variants() -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(article number, label, gold object) with one field of a development gold file given
    a type it may not hold."""
    for number in ("01", "02"):  # 01 has positions and signals, 02 a proposal
        gold = json.loads((DEV / f"{number}.json").read_text(encoding="utf-8"))
        for key in list(gold):
            for tname, value in TYPED.items():
                if tname.split()[0] in ALLOWED.get(key, set()) or (
                        key in ("signals", "positions", "proposals") and value == []):
                    continue
                g = json.loads(json.dumps(gold))
                g[key] = value
                yield number, f"{number}.json: {key} = {tname}", g
            items = gold[key] if isinstance(gold[key], list) else []
            if key == "actors" and items:
                for tname, value in TYPED.items():
                    if tname != "text":
                        g = json.loads(json.dumps(gold))
                        g["actors"][0] = value
                        yield number, f"{number}.json: actors[0] = {tname}", g
                continue
            if not items or not isinstance(items[0], dict):
                continue
            for field in list(items[0]):
                for tname, value in TYPED.items():
                    if tname.split()[0] in ALLOWED.get(field, set()):
                        continue
                    g = json.loads(json.dumps(gold))
                    g[key][0][field] = value
                    yield number, f"{number}.json: {key}[0].{field} = {tname}", g
            for tname, value in TYPED.items():  # the item itself
                if not tname.startswith("object"):
                    g = json.loads(json.dumps(gold))
                    g[key][0] = value
                    yield number, f"{number}.json: {key}[0] = {tname}", g


def _gold(tally: Any, tmp: Path, seconds: float) -> None:
    from fuzz.sweep import classify

    for k, (number, label, gold) in enumerate(gold_variants()):
        d = tmp / f"g{k}"
        d.mkdir()
        copy_file(DEV / f"{number}.txt", d / f"{number}.txt")
        (d / f"{number}.json").write_text(json.dumps(gold, indent=1), encoding="utf-8")
        argv = ["extract", str(d / f"{number}.txt"), "-q", "--extractor", "rules",
                "--evaluate", str(d)]
        outcome, detail = classify(argv, [f"{number}.json"], True, seconds)
        tally.add("round13:gold", outcome, f"{label} {TAG} | {detail}")


# -- settings from the environment ------------------------------------------------------------
def _env(tally: Any, tmp: Path, seconds: float) -> None:
    from fuzz.round11 import _Env
    from fuzz.sweep import classify

    work = tmp / "cwd"
    work.mkdir()
    home = tmp / "home"
    home.mkdir()
    events = copy_file(GDELT, tmp / "20150218230000.export.CSV")
    old = os.getcwd()
    os.chdir(work)
    try:
        for label, env, sure in (
                ("DETENTE_STORE='  '", {"DETENTE_STORE": "  "}, True),
                ("DETENTE_STORE='~/ev.sqlite'", {"DETENTE_STORE": "~/ev.sqlite",
                                                 "HOME": str(home)}, False),
                ("XDG_DATA_HOME=relative", {"XDG_DATA_HOME": "rel", "DETENTE_STORE": None,
                                            "HOME": str(home)}, False),
                ("DETENTE_STORE='' (set empty)", {"DETENTE_STORE": "", "XDG_DATA_HOME":
                                                  str(tmp / "xdg")}, False)):
            argv = ["signals", "import", str(events), "-q"]
            with _Env(**env):
                outcome, detail = classify(argv, ["DETENTE_STORE", "XDG_DATA_HOME"], sure,
                                           seconds)
            made = sorted(p.name for p in work.iterdir())
            if made:  # a store (or folder) made in the current folder from a setting
                outcome, detail = "wrong", f"made {made} in the current folder: {detail}"
                for p in work.iterdir():
                    shutil.rmtree(p) if p.is_dir() else p.unlink()
            elif outcome == "success" and "~" in str(env.get("DETENTE_STORE")) and not (
                    home / "ev.sqlite").is_file():
                outcome, detail = "wrong", "no store at ~/ev.sqlite"
            tally.add("round13:env", outcome, f"{label} | signals import | {detail}")
    finally:
        os.chdir(old)


# -- GENIUS attributes detente never reads ----------------------------------------------------
UNREAD = (("cost", "abc"), ("cost", "nan"), ("cost", "1_0"), ("cost", ""),
          ("number_of_issues", "-5"), ("number_of_issues", "abc"), ("number_of_issues", "1.5"))


def genius_variants(tmp: Path) -> list[tuple[str, Path]]:
    """(label, a GENIUS folder with one unread attribute holding a bad value)."""
    import re

    out = []
    for k, (attr, value) in enumerate(UNREAD):
        d = tmp / f"gen{k}"
        shutil.copytree(GEN, d)
        done = False
        for f in sorted(d.glob("*.xml")):
            text = f.read_text(encoding="utf-8")
            if attr == "cost" and 'cost="' in text:
                f.write_text(re.sub(r'cost="[^"]*"', f'cost="{value}"', text, count=1),
                             encoding="utf-8")
                done = True
                break
            if attr == "number_of_issues" and "<negotiation_template" in text:
                if 'number_of_issues="' in text:
                    text = re.sub(r'number_of_issues="[^"]*"', f'number_of_issues="{value}"',
                                  text, count=1)
                else:
                    text = re.sub(r"<objective\b", f'<objective number_of_issues="{value}"',
                                  text, count=1)
                f.write_text(text, encoding="utf-8")
                done = True
                break
        if done:
            out.append((f"{attr}={value!r}", d))
    return out


def _genius(tally: Any, tmp: Path, seconds: float) -> None:
    from fuzz.harness import run_cli
    from fuzz.sweep import time_bound

    for label, d in genius_variants(tmp):
        for argv in (["analyze", str(d), "-q"],
                     ["import", "genius", str(d), "-o", str(tmp / "g.yaml")]):
            with time_bound(seconds):
                run = run_cli(argv)
            text = run.out + run.err
            attr = label.split("=")[0]
            if "Traceback" in text or run.code not in (0, 2):
                outcome, detail = "traceback", text.strip()[-200:]
            elif run.code == 2:
                flat = " ".join(run.err.split())
                outcome = "error" if attr in flat else "unclear"
                detail = flat[:200]
            elif attr in " ".join(text.split()):
                outcome, detail = "success", "warned"
            else:
                outcome, detail = "wrong", f"{attr} taken without a word"
            tally.add("round13:genius", outcome, f"{label} | {' '.join(argv[:2])} | {detail}")


# -- an event file with one line in another encoding -----------------------------------------
def mixed_files(tmp: Path) -> list[tuple[str, Path, int]]:
    """(label, a GDELT 2.0 file with one line not UTF-8, that line)."""
    lines = GDELT.read_bytes().split(b"\n")
    out = []
    for k, (what, byte, at) in enumerate((("a Latin-1 é", b"\xe9", 2),
                                          ("a cp1252 quote", b"\x93", 4),
                                          ("a Latin-1 é, UTF-8 é before it", b"\xe9", 6))):
        ls = list(lines)
        cells = ls[at].split(b"\t")
        cells[6] += byte
        ls[at] = b"\t".join(cells)
        if k == 2:
            cells = ls[1].split(b"\t")
            cells[6] += "é".encode()
            ls[1] = b"\t".join(cells)
        f = tmp / f"m{k}" / "20150218230000.export.CSV"
        f.parent.mkdir()
        f.write_bytes(b"\n".join(ls))
        out.append((what, f, at + 1))
    return out


def _mixed(tally: Any, tmp: Path, seconds: float) -> None:
    from fuzz.sweep import classify

    for k, (label, f, line) in enumerate(mixed_files(tmp)):
        argv = ["signals", "import", str(f), "--store", str(tmp / f"s{k}.sqlite"), "-q"]
        # round 14: the line is a problem of its own and the others are imported (a success;
        # round14.py checks the counts), so a refusal must still name the line
        outcome, detail = classify(argv, [str(f)], False, seconds)
        if outcome == "error" and f"{f}:{line}:" not in detail:
            outcome, detail = "unclear", f"line {line} not named: {detail}"
        tally.add("round13:mixed", outcome, f"{label} on line {line} | {detail}")


# -- the workbench given what its forms do not hold ------------------------------------------
def web_requests13(key: str) -> list[tuple[str, str, dict[str, Any], bool]]:
    """(method, url, request arguments, surely refused)."""
    c = f"/case/{key}"
    form = "application/x-www-form-urlencoded"
    out: list[tuple[str, str, dict[str, Any], bool]] = [
        ("POST", f"{c}/run/forecast", {"data": {"draws": d}}, True) for d in ("1", "5", "9")]
    out += [
        ("POST", f"{c}/run/forecast", {"data": {"draws": "10"}}, False),
        ("POST", "/timeline", {"data": {"draws": "1"}}, True),
        ("POST", f"{c}/run/window", {"data": {"pahts": "100"}}, True),
        ("POST", f"{c}/run/montecarlo", {"data": {"draws": "100", "sed": "5"}}, True),
        ("POST", "/timeline", {"data": {"drawz": "10"}}, True),
        ("POST", f"{c}/edit", {"content": b"rev=0&path=actors[0].batna&value=0.5",
                               "headers": {"content-type": "text/plain"}}, True),
        ("POST", f"{c}/edit", {"json": {"rev": "0", "path": "actors[0].batna",
                                        "value": "0.5"}}, True),
        ("POST", f"{c}/run/window", {"json": {"paths": "100"}}, True),
        ("POST", f"{c}/yaml", {"content": b"rev=0&text=id: x", "headers": {
            "content-type": "application/xml"}}, True),
        ("POST", "/upload", {"content": TOY.read_bytes(),
                             "headers": {"content-type": "application/x-yaml"}}, True),
        ("POST", f"{c}/run/window", {"content": b"paths=100", "headers": {
            "content-type": form}}, False),
    ]
    return out


def _web(tally: Any) -> None:
    with workbench_client() as client:
        if client is None:  # pragma: no cover - the web extra is not installed
            return
        for method, url, kw, sure in web_requests13(CASE):
            r = client.request(method, url, **kw)
            alive = client.get("/").status_code == 200
            what = f"{method} {url[:60]} {str(kw)[:70]} | {r.status_code} {r.text[:160]!r}"
            outcome = web_outcome(r, alive, sure)
            if outcome == "error":
                ctype = kw.get("headers", {}).get("content-type") or (
                    "application/json" if "json" in kw else None)
                if ctype and ctype.split(";")[0] not in r.text:  # the type is not named
                    outcome = "unclear"
            tally.add("round13:web", outcome, what)
            client.post("/job/cancel")


def sweep_round13(tally: Any, seconds: float = 60.0) -> None:
    from fuzz.sweep import prepare_store

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for part, run in (("clash", _clashes), ("gold", _gold), ("env", _env),
                          ("genius", _genius), ("mixed", _mixed), ("ambiguous", _ambiguous)):
            sub = tmp / part
            sub.mkdir()
            if part == "clash":
                prepare_store(sub)
            run(tally, sub, seconds)
    _web(tally)
