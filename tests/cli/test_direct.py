"""The direct path (detente.cli.direct): ``detente analyze DIR`` and ``detente backtest FILE``
alone run without Typer, with the options' declared defaults, and print and exit exactly as
Typer's path does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli_run import run_main
from detente.cli import app as cli
from detente.cli.direct import COMPLETE_VAR, analyze_defaults, backtest_defaults, direct_command
from shared_data import GENIUS

TESTS = Path(__file__).resolve().parents[1]
AMPO = GENIUS / "other" / "AMPOvsCity"
DEU = TESTS / "data" / "reference" / "deu3-dev.tsv"
HOSTILE = sorted(str(p) for p in (TESTS / "data" / "hostile").glob("genius_*") if p.is_dir())


def test_defaults_are_the_declared_ones() -> None:
    group = cli._command(("deals",), "analyze")
    declared = {p.name: p.default for p in group.commands["analyze"].params}
    names = {"normalise": "normalise_weights"}  # analyze_genius's name → the option's
    for key, value in analyze_defaults().items():
        got = declared[names.get(key, key)]
        assert type(got) is type(value) and got == value, key
    # what analyze checks before its GENIUS branch passes at these defaults
    assert (declared["draws"], declared["html_out"], declared["batna"]) == (0, None, "scenario")
    assert declared["seed"] == 2024
    # the root options the direct path leaves at their defaults (root_settings())
    root = {p.name: p.default for p in group.params}
    assert root == {"version": False, "memory_limit": None, "follow_symlinks": False,
                    "timestamp": False}
    backtest = cli._command(("forecast",), "backtest").commands["backtest"]
    declared = {p.name: p.default for p in backtest.params if p.name != "deu_file"}
    assert declared == backtest_defaults()
    assert {k: type(v) for k, v in declared.items()} == {
        k: type(v) for k, v in backtest_defaults().items()}


def test_only_analyze_of_one_existing_folder_goes_direct(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "f.txt").write_text("x")
    assert direct_command(["analyze", str(AMPO)]) is not None
    assert direct_command(["analyze", str(tmp_path)]) is not None  # the command says "no GENIUS"
    for argv in (["analyze", str(AMPO), "-q"], ["analyze", "-h"], ["analyze", "--help"],
                 ["analyze", str(tmp_path / "f.txt")], ["analyze", str(tmp_path / "none")],
                 ["analyze", "ru-ua-2024-09"], ["--timestamp", "analyze", str(AMPO)],
                 ["check", str(AMPO)], ["analyze"], ["analyze", ""], ["analyze", "a\x00b"],
                 ["Analyze", str(AMPO)], []):
        assert direct_command(argv) is None, argv
    assert direct_command(["backtest", str(DEU)]) is not None
    assert direct_command(["backtest", str(tmp_path / "none.tsv")]) is not None  # the command
    for argv in (["backtest", str(DEU), "-q"], ["backtest", "-h"], ["backtest", ""],
                 ["backtest", "--bootstrap=5"], ["backtest", str(DEU), str(DEU)]):
        assert direct_command(argv) is None, argv
    monkeypatch.setenv(COMPLETE_VAR, "bash_complete")
    assert direct_command(["analyze", str(AMPO)]) is None
    assert direct_command(["backtest", str(DEU)]) is None


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[object, str, str]:
    code, out, err = run_main(argv, capsys)
    # the backtest's timings line differs from run to run
    text = "\n".join(line for line in out.splitlines() if not line.startswith("seconds:"))
    return code, text, err


def test_direct_and_typer_paths_print_the_same(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    folders = [str(AMPO), str(GENIUS / "other" / "Jobs"), str(tmp_path), *HOSTILE]
    assert len(HOSTILE) >= 2
    direct = [_run(["analyze", f], capsys) for f in folders]
    monkeypatch.setattr("detente.cli.direct.direct_command", lambda args: None)
    typer_path = [_run(["analyze", f], capsys) for f in folders]
    assert direct == typer_path
    assert direct[0][0] in (0, None) and "Pareto frontier" in direct[0][1]
    assert direct[2][0] == 2 and "not a GENIUS domain" in direct[2][2]  # the empty folder


def test_backtest_direct_and_typer_paths_print_the_same(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    files = [str(DEU), str(tmp_path / "none.tsv"), str(tmp_path)]
    direct = [_run(["backtest", f], capsys) for f in files]
    monkeypatch.setattr("detente.cli.direct.direct_command", lambda args: None)
    typer_path = [_run(["backtest", f], capsys) for f in files]
    assert direct == typer_path
    assert direct[0][0] in (0, None) and "Mean absolute error" in direct[0][1]
    assert [c for c, _, _ in direct[1:]] == [2, 2]


def test_the_direct_commands_load_no_typer() -> None:
    code = ("import sys; from detente.cli.app import main\n"
            "try:\n    main(sys.argv[1:])\nexcept SystemExit as e:\n    assert not e.code, e\n"
            "print(sorted(m for m in ('typer', 'click', 'typer._click') if m in sys.modules))")
    for argv, typer_loaded in ((["analyze", str(AMPO)], False),
                               (["analyze", str(AMPO), "-q"], True),
                               (["backtest", str(DEU)], False)):
        out = subprocess.run([sys.executable, "-c", code, *argv],
                             capture_output=True, text=True, env={**os.environ, "COLUMNS": "80"})
        assert out.returncode == 0, out.stderr
        loaded = out.stdout.strip().splitlines()[-1]
        assert (loaded != "[]") is typer_loaded and ("'typer'" in loaded) is typer_loaded, argv
