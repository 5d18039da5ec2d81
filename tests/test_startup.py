"""A command line imports only the CLI module that provides its command (start-up time), and
the dispatch table names exactly the commands each module registers."""

from __future__ import annotations

import importlib
import subprocess
import sys

import typer

from detente.cli import app as cli


def test_dispatch_table_matches_what_each_module_registers() -> None:
    for name in cli._MODULES:
        t = typer.Typer()
        importlib.import_module(f"detente.cli.{name}").register(t)
        got = {c.name or c.callback.__name__ for c in t.registered_commands}  # type: ignore[union-attr]
        got |= {g.name for g in t.registered_groups if g.name}
        assert got == {c for c, m in cli._PROVIDER.items() if m == name}, name


def test_wanted_modules() -> None:
    assert cli._wanted(["cases"]) == ("deals",)
    assert cli._wanted(["--memory-limit", "8G", "--timestamp", "window", "x"]) == ("war",)
    assert cli._wanted(["--help"]) == cli._MODULES
    assert cli._wanted(["no-such-command"]) == cli._MODULES


def test_small_command_does_not_import_heavy_analyses() -> None:
    code = ("import sys; from detente.cli.app import main\n"
            "try:\n    main(['cases'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('scipy', 'duckdb', 'detente.sensitivity', "
            "'detente.forecasts') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_check_parses_the_case_yaml_once(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    import detente.scenario.yamlsafe as y
    from detente.cli.app import main

    calls = []
    init = y._Loader.__init__

    def counting(self, *a, **k):  # type: ignore[no-untyped-def]
        calls.append(1)
        init(self, *a, **k)

    monkeypatch.setattr(y._Loader, "__init__", counting)
    try:
        main(["check", "ru-ua-2024-09"])
    except SystemExit as exc:
        assert exc.code in (0, None)
    assert len(calls) == 1
