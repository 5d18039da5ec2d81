"""Fuzz the table, GENIUS and event loaders through their commands: ``forecast`` (KTAB, BdM),
``backtest`` (DEU III), ``analyze``/``import genius`` (GENIUS folders), ``signals import`` and
``signals list`` (event files); and random option values on every command that reads a file."""

from __future__ import annotations

import sqlite3
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzz.formats import (
    ROOT,
    bdm_files,
    deu_files,
    event_files,
    genius_folders,
    ktab_files,
)
from fuzz.harness import BUDGET, check, counted, run_cli

FIXTURES = ROOT / "tests" / "signals" / "fixtures"
TOY_FILE = str(ROOT / "tests" / "toy.yaml")


def _drive(loader: str, inner) -> None:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    inner()
    while BUDGET.minutes and not BUDGET.out_of_time(loader, started):
        inner()


def test_stakeholder_tables() -> None:
    @BUDGET.settings("tables")
    @given(st.one_of(ktab_files().map(lambda d: ("ktab.csv", *d)),
                     bdm_files().map(lambda d: ("bdm.csv", *d))))
    def inner(doc: tuple[str, str, bool]) -> None:
        name, text, invalid = doc
        with counted("tables"), tempfile.TemporaryDirectory() as tmp:
            f = Path(tmp) / name
            f.write_text(text, encoding="utf-8", newline="")
            run = run_cli(["forecast", str(f), "--rounds", "3", "-m", "compromise", "-m", "eum"])
            check(run, str(f), expect_error=invalid, loader="tables")

    _drive("tables", inner)


def test_deu_tables() -> None:
    @BUDGET.settings("tables")
    @given(deu_files())
    def inner(doc: tuple[str, bool]) -> None:
        text, invalid = doc
        with counted("tables"), tempfile.TemporaryDirectory() as tmp:
            f = Path(tmp) / "deu.tsv"
            f.write_text(text, encoding="utf-8")
            run = run_cli(["backtest", str(f), "--bootstrap", "10", "-m", "compromise"])
            check(run, str(f), expect_error=invalid, loader="tables")

    _drive("tables", inner)


def test_genius_folders() -> None:
    @BUDGET.settings("genius")
    @given(genius_folders())
    def inner(doc: tuple[dict[str, bytes], bool]) -> None:
        files, invalid = doc
        with counted("genius"), tempfile.TemporaryDirectory() as tmp:
            d = Path(tmp) / "dom"
            d.mkdir()
            for name, raw in files.items():
                (d / name).write_bytes(raw)
            run = run_cli(["analyze", str(d), "-q"])
            check(run, str(d), expect_error=invalid, loader="genius")
            out = Path(tmp) / "case.yaml"
            run = run_cli(["import", "genius", str(d), "-o", str(out)])
            check(run, str(d), expect_error=invalid, loader="genius")
            if run.code == 0:
                check(run_cli(["check", str(out)]), str(out), loader="genius")

    _drive("genius", inner)


def _good_rows() -> list[bytes]:
    """Rows of the GDELT 2.0 fixture that import as events (checked, not assumed)."""
    src = FIXTURES / "gdelt2_20150218230000_slice.tsv"
    rows = src.read_bytes().split(b"\n")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "s.sqlite"
        assert run_cli(["signals", "import", str(src), "--store", str(db)]).code == 0
        with sqlite3.connect(db) as conn:
            lines = sorted(r[0] for r in conn.execute("SELECT line FROM events"))
    return [rows[i - 1] for i in lines[:40]]


GOOD = _good_rows()


def test_event_files() -> None:
    @BUDGET.settings("events")
    @given(event_files(GOOD))
    def inner(doc: tuple[bytes, int]) -> None:
        data, intact = doc
        with counted("events"), tempfile.TemporaryDirectory() as tmp:
            f = Path(tmp) / "20150218230000.export.CSV"
            f.write_bytes(data)
            db = Path(tmp) / "s.sqlite"
            run = run_cli(["signals", "import", str(f), "--store", str(db)])
            check(run, str(f), expect_error=False, loader="events")
            if intact:  # every untouched row is imported whatever surrounds it
                assert run.code == 0
                with sqlite3.connect(db) as conn:
                    n = conn.execute("SELECT count(*) FROM events").fetchone()[0]
                assert n >= intact
            if db.exists():
                check(run_cli(["signals", "list", "--store", str(db), "--limit", "5"]),
                      str(db), loader="events")

    _drive("events", inner)


OPTION_VALUES = {
    "--draws": ["-1", "0", "3", "x", "10000000", "1e3"],
    "--seed": ["-5", "0", "7", str(2**64), "x"],
    "--rounds": ["-1", "0", "2", "100000"],
    "--bootstrap": ["-3", "0", "5", "10000000"],
    "--paths": ["0", "30", "-4", "100000000"],
    "--months": ["0", "3", "601", "x"],
    "--package-paths": ["-1", "0", "20"],
    "--lr": ["neutral-contact=inf", "neutral-contact=nan", "neutral-contact=-1",
             "neutral-contact=2", "x"],
    "--half-life": ["0", "-1", "inf", "30"],
    "--spread": ["-1", "0.1", "2", "nan"],
    "--memory-limit": ["1K", "x", "16G"],
}
COMMANDS = {
    "analyze": (["analyze", TOY_FILE, "-q"], ["--draws", "--seed"]),
    "window": (["window", "war/ru-ua-2024-09"], ["--paths", "--months", "--seed",
                                                 "--package-paths"]),
    "forecast": (["forecast", TOY_FILE, "-m", "compromise", "-m", "eum"],
                 ["--draws", "--seed", "--rounds", "--spread"]),
    "credibility": (["signals", "credibility", "--actor", "RUS", "--no-store"],
                    ["--draws", "--seed", "--lr", "--half-life"]),
}


@pytest.mark.slow
def test_option_values() -> None:
    @BUDGET.settings("options")
    @given(st.sampled_from(sorted(COMMANDS)), st.data())
    def inner(command: str, data: st.DataObject) -> None:
        base, options = COMMANDS[command]
        chosen = data.draw(st.lists(st.sampled_from(options), min_size=1, max_size=2,
                                    unique=True))
        argv = list(base)
        for opt in chosen:
            argv += [opt, data.draw(st.sampled_from(OPTION_VALUES[opt]))]
        if "--paths" not in chosen and command == "window":
            argv += ["--paths", "30", "--package-paths", "0", "--months", "3"]
        if "--draws" not in chosen and command == "credibility":
            argv += ["--draws", "20"]
        mem = data.draw(st.sampled_from([[], [], ["--memory-limit", "1K"],
                                         ["--memory-limit", "x"]]))
        with counted("options"):
            run = run_cli(mem + argv)
            check(run, [*chosen, "--memory-limit", "needs ~"], loader="options")

    _drive("options", inner)


@pytest.mark.parametrize("flag", ["--draws", "--bootstrap", "--rounds"])
def test_upper_limits_are_refused_before_work(flag: str) -> None:
    argv = {"--draws": ["analyze", TOY_FILE, "--draws", "10000000"],
            "--bootstrap": ["backtest", TOY_FILE, "--bootstrap", "10000000"],
            "--rounds": ["forecast", TOY_FILE, "--rounds", "100000"]}[flag]
    run = run_cli(argv)
    assert run.code == 2 and flag in run.err and run.seconds < 5
