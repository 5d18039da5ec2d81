"""Every input format a command (or API reader) takes, with valid bases and the commands that
read it: the sources of the structured sweep (``tests/fuzz/sweep.py``).

A :class:`Source` gives seeded one-field mutations (``structured``, :mod:`fuzz.mutate`) and the
deterministic whole-file variants (``whole``, :mod:`fuzz.whole`); ``commands(work, main)``
lists what to run on the mutated copy, each a command line or, for an input only the Python API
reads (the war retrospective's outcomes), a call.
"""

from __future__ import annotations

import functools
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from fuzz.formats import WAR
from fuzz.harness import run_cli
from fuzz.mutate import Case, json_cases, table_cases, text_cases, xml_cases, yaml_cases
from fuzz.whole import count_cases, whole_cases, zip_cases

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
FIXTURES = ROOT / "tests" / "signals" / "fixtures"

#: What a source runs: a command line, or a Python call (an API reader).
Step = list[str] | Callable[[], object]
Commands = Callable[[Path, Path], list[Step]]


@dataclass(frozen=True)
class Source:
    """One input format: seeded one-field mutations, whole-file variants, what reads it."""

    fmt: str
    structured: Callable[[int, int], Iterator[Case]] | None
    commands: Commands
    whole: Callable[[], list[Case]] = lambda: []
    main: str | None = None  # the file mutated (a folder has others); None: the last one


def _read(p: Path) -> str:
    return p.read_text(encoding="utf-8")


def _scenario_bases() -> list[tuple[str, str]]:
    cases = sorted((ROOT / "src" / "detente" / "cases").glob("*.yaml"))
    return [("toy", _read(ROOT / "tests" / "toy.yaml"))] + [(c.stem, _read(c)) for c in cases]


def _genius_folder(rel: str) -> dict[str, bytes]:
    d = ROOT / "tests" / "data" / "genius" / rel
    return {p.name: p.read_bytes() for p in sorted(d.glob("*.xml"))}


def _scenario_cmds(i: int) -> Commands:
    def cmds(tmp: Path, f: Path) -> list[Step]:
        rec = str(tmp / "rec.json")
        pick = [["analyze", str(f), "-q", "--json", rec],
                ["forecast", str(f), "-m", "compromise", "-m", "median", "--json", rec],
                ["window", str(f), "--paths", "20", "--months", "2", "--package-paths", "0",
                 "-q", "--json", rec],
                ["sensitivity", str(f), "--method", "oat", "-q", "--json", rec],
                ["analyze", str(f), "-q", "--draws", "20", "--json", rec]]
        return [["check", str(f)], pick[i % len(pick)]]
    return cmds


def _genius_domain_file(files: dict[str, bytes]) -> str:
    """The domain file of a GENIUS folder (the one with ``<objective`` and no weights)."""
    for name, raw in files.items():
        if b"<objective" in raw and b"<weight" not in raw:
            return name
    return next(iter(files))


def _genius_cmds(tmp: Path, f: Path) -> list[Step]:
    return [["analyze", str(f.parent), "-q", "--json", str(tmp.parent / "rec.json")],
            ["import", "genius", str(f.parent), "-o", str(tmp.parent / "out.yaml")]]


def _retro_call(f: Path) -> Callable[[], object]:
    """The war retrospective's reader on ``f`` (as ``tests/war/test_retrospective.py`` reads
    the bundled outcomes); a tree without ``load_outcomes`` is read as it was then."""
    def call() -> object:
        from detente.war import retrospective as r

        loader = getattr(r, "load_outcomes", None)
        if loader is None:  # the tree before the fifth session: yaml.safe_load, then score
            import yaml

            return r.retrospective(yaml.safe_load(f.read_text(encoding="utf-8"))["cases"],
                                   paths=200)
        return r.retrospective(loader(f), paths=200)
    return call


def _yaml_sources() -> list[Source]:
    out = []
    for k, (name, text) in enumerate(_scenario_bases()):
        out.append(Source(f"scenario:{name}",
                          lambda s, n, t=text: yaml_cases("scenario", t, "case.yaml", s, n),
                          _scenario_cmds(k),
                          lambda t=text, k=k: whole_cases("scenario", {"case.yaml": t.encode()},
                                                          "case.yaml", "yaml")))
    sig = _read(ROOT / "src" / "detente" / "cases" / "signals" / "ru-ua.yaml")
    out.append(Source("evidence", lambda s, n: yaml_cases("evidence", sig, "sig.yaml", s, n),
                      lambda tmp, f: [["signals", "credibility", "--actor", "RUS", "--no-store",
                                       "--case", str(f), "--draws", "50", "--json",
                                       str(tmp / "rec.json")]],
                      lambda: whole_cases("evidence", {"sig.yaml": sig.encode()}, "sig.yaml",
                                          "yaml")))
    out.append(Source("war:standalone",
                      lambda s, n: yaml_cases("war", WAR, "war.yaml", s, n),
                      lambda tmp, f: [["window", str(f), "--paths", "20", "--months", "3",
                                       "-q", "--json", str(tmp / "rec.json")]],
                      lambda: whole_cases("war", {"war.yaml": WAR.encode()}, "war.yaml",
                                          "yaml")))
    retro = _read(ROOT / "tests" / "data" / "war" / "retrospective_events.yaml")
    out.append(Source("war:outcomes",
                      lambda s, n: yaml_cases("outcomes", retro, "events.yaml", s, n),
                      lambda tmp, f: [_retro_call(f)],
                      lambda: whole_cases("outcomes", {"events.yaml": retro.encode()},
                                          "events.yaml", "yaml")))
    return out


#: GENIUS folders: three small ones and the large ones the peer benchmark uses
#: (benchmarks/compare_peers.py: AMPOvsCity, 7issues), 10issues and a non-linear one.
GENIUS = ("y2010/EnglandZimbabwe", "y2010/ItexvsCypress", "other/IntegerDomain",
          "other/AMPOvsCity", "templates/7issues", "other/10issues", "other/S-1NIKFRT-1")


def _genius_sources() -> list[Source]:
    out = []
    for rel in GENIUS:
        files = _genius_folder(rel)
        dom = _genius_domain_file(files)
        out.append(Source(f"genius:{rel}", lambda s, n, f=files: xml_cases("genius", f, s, n),
                          _genius_cmds,
                          lambda f=files, d=dom: whole_cases("genius", f, d, "xml"),
                          main=dom))
    return out


def _table_sources() -> list[Source]:
    out = []
    deu = SHARED / "deu3-dev.tsv"
    if deu.is_file():
        deu_text = _read(deu)
        out.append(Source("deu", lambda s, n: table_cases("deu", deu_text, "deu.tsv", s, n,
                                                          "\t"),
                          lambda tmp, f: [["backtest", str(f), "--bootstrap", "10", "-m",
                                           "compromise", "-q", "--json", str(tmp / "rec.json")]],
                          lambda: whole_cases("deu", {"deu.tsv": deu_text.encode()}, "deu.tsv",
                                              "table", "\t")
                          + count_cases("deu", {"deu.tsv": deu_text.encode()}, "deu.tsv", "\t")))
        out.append(Source("deu:fit-on", None,
                          lambda tmp, f: [["backtest", str(deu), "--fit-on", str(f),
                                           "--bootstrap", "10", "-m", "compromise", "-q"]],
                          lambda: whole_cases("deu", {"fit.tsv": deu_text.encode()}, "fit.tsv",
                                              "table", "\t")))
    for sub, name in (("ktab", "SOE-Policy.csv"), ("bdm", "emission.csv")):
        p = SHARED / sub / name
        if p.is_file():
            text = _read(p)
            hdr = 2 if sub == "ktab" else 1
            out.append(Source(
                sub, lambda s, n, t=text, h=hdr, nm=name, fm=sub: table_cases(
                    fm, t, nm, s, n, ",", h),
                lambda tmp, f: [["forecast", str(f), "--rounds", "3", "-m", "compromise",
                                 "-m", "eum", "--json", str(tmp / "rec.json")]],
                lambda t=text, h=hdr, nm=name, fm=sub: whole_cases(
                    fm, {nm: t.encode()}, nm, "table", ",", h)
                + count_cases(fm, {nm: t.encode()}, nm, ",", h)))
    commit = _read(ROOT / "src" / "detente" / "signals" / "data" / "commitments-dev.csv")
    out.append(Source("commitments",
                      lambda s, n: table_cases("commitments", commit, "c.csv", s, n),
                      lambda tmp, f: [["signals", "evaluate", str(f), "--resamples", "10", "-q",
                                       "--json", str(tmp / "rec.json")]],
                      lambda: whole_cases("commitments", {"c.csv": commit.encode()}, "c.csv",
                                          "table")
                      + count_cases("commitments", {"c.csv": commit.encode()}, "c.csv")))
    out.append(Source("commitments:lr-from", None,
                      lambda tmp, f: [["signals", "credibility", "--actor", "RUS", "--draws",
                                       "50", "--store", str(_with_store(tmp)), "--lr-from",
                                       str(f)]],
                      lambda: whole_cases("commitments", {"c.csv": commit.encode()}, "c.csv",
                                          "table")))
    agr = ROOT / "tests" / "data" / "agreements"
    agr_files = {p.name: p.read_bytes() for p in agr.glob("*.csv")}
    for target in ("pax_all_agreements_data_v9.csv", "ucdp_pad_v22_1_from_bherbst5.csv",
                   "peacerep_paax_actors_info_in_agts_with_Russia.csv"):
        text = agr_files[target].decode("utf-8")
        out.append(Source(
            f"agreements:{target[:4]}",
            lambda s, n, t=text, nm=target: (
                Case(c.format, c.label, {**agr_files, **c.files}, c.must_fail)
                for c in table_cases("agreements", t, nm, s, n)),
            lambda tmp, f: [["agreements", "check", "--data", str(f.parent)],
                            ["agreements", "rates", "ceasefire", "--data", str(f.parent)],
                            ["agreements", "prior", "RUS", "ceasefire", "--data",
                             str(f.parent)],
                            ["signals", "evaluate", "dev", "--resamples", "10", "-q",
                             "--compliance-prior", str(f.parent)]],
            lambda nm=target: whole_cases("agreements", agr_files, nm, "table")
            + count_cases("agreements", agr_files, nm),
            main=target))
    return out


def _event_commands(tmp: Path, f: Path) -> list[Step]:
    return [["signals", "import", str(f), "--store", str(tmp / "s.sqlite"), "-q", "--json",
             str(tmp / "rec.json")]]


#: Event files of every importer: (fixture, the name it is imported under, delimiter, header).
EVENTS = [("gdelt2_20150218230000_slice.tsv", "20150218230000.export.CSV", "\t", 0),
          ("gdelt1_rows.tsv", "20150218.export.CSV", "\t", 0),
          ("gdelt2_mentions_constructed.tsv", "20150218230000.mentions.CSV", "\t", 0),
          ("icews_2018_slice.tab", "events.2018.20190409.tab", "\t", 1),
          ("polecat_intensity.tsv", "ngecEvents.DV.2022.tsv", "\t", 1)]


def _event_sources() -> list[Source]:
    out = []
    for fixture, name, delim, hdr in EVENTS:
        text = (FIXTURES / fixture).read_text(encoding="utf-8")
        out.append(Source(f"events:{fixture.split('_')[0]}{'-mentions' * ('mentions' in name)}",
                          lambda s, n, t=text, nm=name, d=delim, h=hdr: table_cases(
                              "events", t, nm, s, n, d, h),
                          _event_commands,
                          lambda t=text, nm=name, d=delim, h=hdr: whole_cases(
                              "events", {nm: t.encode()}, nm, "events", d, h)
                          + zip_cases("events", nm, t.encode())
                          + count_cases("events", {nm: t.encode()}, nm, d, h, 6)))
    return out


def _with_store(tmp: Path) -> Path:
    """A valid event store written into ``tmp`` (for a command that also reads one)."""
    db = tmp / "s.sqlite"
    db.write_bytes(_store_bytes())
    return db


@functools.cache
def _store_bytes() -> bytes:
    """An event store (SQLite) of the GDELT fixture, as ``signals import`` writes it."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "s.sqlite"
        src = FIXTURES / "gdelt2_20150218230000_slice.tsv"
        assert run_cli(["signals", "import", str(src), "--store", str(db), "-q"]).code == 0
        with sqlite3.connect(db) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("PRAGMA journal_mode=DELETE")
        return db.read_bytes()


def _sql_variant(raw: bytes, sql: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "s.sqlite"
        db.write_bytes(raw)
        with sqlite3.connect(db) as conn:
            conn.executescript(sql)
        conn.close()
        return db.read_bytes()


def store_cases() -> list[Case]:
    """An event store made hostile: not SQLite, truncated, another schema, the events table
    without its columns, rows of the wrong type."""
    raw = _store_bytes()
    variants = [
        ("the store truncated", raw[: len(raw) // 2], True),
        ("a text file", b"id,date\n1,2022-01-01\n", True),
        ("pages overwritten", raw[:4096] + b"\xff" * (len(raw) - 4096), True),
        ("events without columns", _sql_variant(raw, "DROP TABLE events; "
                                                "CREATE TABLE events (x);"), True),
        ("another database", _sql_variant(b"", "CREATE TABLE t (a);"), True),
        ("dates and numbers of the wrong type", _sql_variant(
            raw, "UPDATE events SET date = 'not a date', intensity = 'abc', "
                 "quad_class = 'x', line = -rowid WHERE rowid % 2 = 0;"), False),
        ("NULL dates and countries", _sql_variant(
            raw, "UPDATE events SET date = NULL, actor1_country = NULL;"), False),
    ]
    return [Case("store", label, {"s.sqlite": data}, sure) for label, data, sure in variants]


def _store_source() -> Source:
    return Source("store", None,
                  lambda tmp, f: [["signals", "list", "--store", str(f), "--limit", "5"],
                                  ["signals", "credibility", "--actor", "RUS", "--draws", "50",
                                   "--store", str(f)],
                                  ["signals", "evaluate", "dev", "--resamples", "10", "-q",
                                   "--events", str(f)]],
                  store_cases)


def _extract_sources() -> list[Source]:
    art = _read(ROOT / "tests" / "data" / "extract" / "dev" / "01.txt")
    gold = _read(ROOT / "tests" / "data" / "extract" / "dev" / "01.json")
    art_b = art.encode("utf-8")
    return [
        Source("article", lambda s, n: text_cases("article", art, "a.txt", s, n),
               lambda tmp, f: [["extract", str(f), "-q", "--json", str(tmp / "rec.json")]],
               lambda: whole_cases("article", {"a.txt": art_b}, "a.txt", "text")),
        Source("gold", lambda s, n: json_cases("gold", gold, "01.json", s, n, {"01.txt": art_b}),
               lambda tmp, f: [["extract", str(f.parent / "01.txt"), "-q", "--evaluate",
                                str(f.parent)]],
               lambda: whole_cases("gold", {"01.txt": art_b, "01.json": gold.encode()},
                                   "01.json", "json"),
               main="01.json"),
    ]


def _quote_sources() -> Source:
    """``check CASE --sources DIR``: the folder of source texts with one cited text hostile."""
    folder = ROOT / "src" / "detente" / "cases" / "sources"
    files = {p.name: p.read_bytes() for p in sorted(folder.glob("*.txt"))}
    cited = "000_e71a9ef3079067d3.txt"  # cited by ru-ua-2024-09
    return Source("sources", None,
                  lambda tmp, f: [["check", "ru-ua-2024-09", "--sources", str(f.parent)]],
                  lambda: whole_cases("sources", files, cited, "text"), main=cited)


#: Chained commands: each reader given every output of the others (``fuzz.damage``).
CHAIN_READERS: dict[str, Commands] = {
    "scenario": lambda tmp, f: [["check", str(f)], ["analyze", str(f), "-q"]],
    "extract": lambda tmp, f: [["extract", str(f), "-q"]],
    "events": lambda tmp, f: [["signals", "import", str(f), "--store", str(tmp / "s2.sqlite"),
                               "-q"]],
    "store": lambda tmp, f: [["signals", "list", "--store", str(f), "--limit", "3"]],
    "deu": lambda tmp, f: [["backtest", str(f), "-q", "-m", "compromise", "--bootstrap", "10"]],
    "commitments": lambda tmp, f: [["signals", "evaluate", str(f), "-q", "--resamples", "10"]],
    "signals-file": lambda tmp, f: [["signals", "credibility", "--actor", "RUS", "--no-store",
                                     "--case", str(f), "--draws", "50"]],
}


def _chain_sources() -> list[Source]:
    from fuzz.damage import chain_cases

    return [Source(f"chain:{reader}", None, cmds, lambda r=reader: chain_cases(r))
            for reader, cmds in CHAIN_READERS.items()]


def sources() -> list[Source]:
    """Every format with its valid bases and the commands that read it."""
    return [*_yaml_sources(), *_genius_sources(), *_table_sources(), *_event_sources(),
            _store_source(), *_extract_sources(), _quote_sources(), *_chain_sources()]
