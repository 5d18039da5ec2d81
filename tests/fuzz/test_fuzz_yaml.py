"""Fuzz the YAML loaders through their commands: scenario (``check``, ``analyze``), war
(``window``) and analyst evidence (``signals credibility``, ``signals list``)."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import given

from fuzz.formats import SIGNALS, TOY, WAR, evidence_documents, yaml_documents
from fuzz.harness import BUDGET, check, counted, run_cli


def _drive(loader: str, inner) -> None:  # type: ignore[no-untyped-def]
    """Run the Hypothesis test once (default budget) or until ``--fuzz-minutes`` is spent."""
    started = time.monotonic()
    inner()
    while BUDGET.minutes and not BUDGET.out_of_time(loader, started):
        inner()


def test_scenario_yaml() -> None:
    @BUDGET.settings("scenario")
    @given(yaml_documents(TOY))
    def inner(doc: tuple[str, bool]) -> None:
        text, invalid = doc
        with counted("scenario"), tempfile.TemporaryDirectory() as tmp:
            f = Path(tmp) / "fuzz.yaml"
            f.write_text(text, encoding="utf-8")
            run = run_cli(["check", str(f)])
            check(run, str(f), expect_error=invalid, loader="scenario")
            if run.code == 0:
                out = Path(tmp) / "out.json"
                run = run_cli(["analyze", str(f), "-q", "--draws", "10", "--json", str(out)])
                check(run, str(f), loader="scenario")
                if run.code == 0:  # a valid result: strict JSON that names its input
                    rec = json.loads(out.read_text(encoding="utf-8"),
                                     parse_constant=_no_constants)
                    assert rec["provenance"]["inputs"] == [str(f)]

    _drive("scenario", inner)


def _no_constants(name: str) -> None:
    raise AssertionError(f"JSON holds {name}")


@pytest.mark.slow
def test_war_yaml() -> None:
    @BUDGET.settings("war")
    @given(yaml_documents(WAR))
    def inner(doc: tuple[str, bool]) -> None:
        text, invalid = doc
        with counted("war"), tempfile.TemporaryDirectory() as tmp:
            f = Path(tmp) / "war.yaml"
            f.write_text(text, encoding="utf-8")
            run = run_cli(["window", str(f), "--paths", "40", "--months", "4",
                           "--package-paths", "0"])
            check(run, str(f), expect_error=invalid, loader="war")

    _drive("war", inner)


def test_evidence_yaml() -> None:
    @BUDGET.settings("evidence")
    @given(evidence_documents())
    def inner(doc: tuple[str, bool]) -> None:
        text, invalid = doc
        with counted("evidence"), tempfile.TemporaryDirectory() as tmp:
            f = Path(tmp) / "signals.yaml"
            f.write_text(text, encoding="utf-8")
            run = run_cli(["signals", "credibility", "--actor", "RUS", "--no-store", "--case",
                           str(f), "--draws", "20"])
            check(run, str(f), expect_error=invalid, loader="evidence")
            if run.code == 0:
                check(run_cli(["signals", "list", "--case", str(f),
                               "--store", str(Path(tmp) / "none.sqlite")]),
                      [str(f), "none.sqlite"], loader="evidence")

    _drive("evidence", inner)


def test_bundled_signals_mutated() -> None:
    @BUDGET.settings("evidence")
    @given(yaml_documents(SIGNALS))
    def inner(doc: tuple[str, bool]) -> None:
        text, invalid = doc
        with counted("evidence"), tempfile.TemporaryDirectory() as tmp:
            f = Path(tmp) / "ru-ua.yaml"
            f.write_text(text, encoding="utf-8")
            run = run_cli(["signals", "credibility", "--actor", "RUS", "--no-store", "--case",
                           str(f), "--draws", "20"])
            check(run, str(f), expect_error=invalid, loader="evidence")

    inner()
