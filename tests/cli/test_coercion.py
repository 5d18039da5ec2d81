"""detente.cli.coercion: the values it passes by Typer's pydantic adapters come out exactly as
Typer 0.29 would make them (the oracle: Typer's own coercion of the same value), every other
value goes to Typer; and the hot commands then load none of the adapters."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cli_run import run_main
from detente.cli import app as cli
from detente.cli.coercion import _TYPER, PlainFirst, plain_value
from shared_data import GENIUS

typer_coercion = pytest.importorskip("typer._coercion")  # Typer ≥ 0.29 (pydantic coercion)


def _params() -> list[tuple[Any, Any]]:
    """(command, parameter) for every parameter of every command, the help options too."""
    root = cli._command()
    out, todo = [], [root]
    while todo:
        cmd = todo.pop()
        todo.extend(getattr(cmd, "commands", {}).values())
        ctx = cmd.context_class(cmd, help_option_names=["-h", "--help"])
        out.extend((cmd, p) for p in cmd.get_params(ctx))
    return out


PARAMS = _params()


def _typer(value: Any, cmd: Any, param: Any) -> Any:
    ctx = cmd.context_class(cmd)
    return typer_coercion.build_runtime_param(param.type_descriptor).coerce(value, param=param,
                                                                            ctx=ctx)


def _same(got: Any, want: Any) -> None:
    assert type(got) is type(want) and got == want, (got, want)
    if isinstance(want, list | tuple):
        assert [type(v) for v in got] == [type(v) for v in want]


def test_every_parameter_has_the_plain_coercer() -> None:
    assert len(PARAMS) > 200
    for _, p in PARAMS:
        assert isinstance(p.get_runtime_param(), PlainFirst), p.name


def test_defaults_pass_as_typer_makes_them() -> None:
    # every default of every option (and "no value") either skips the adapter with the value
    # Typer makes of it, or goes to Typer; a default left at its type is the common case
    plain = 0
    for cmd, p in PARAMS:
        for value in (p.default, None):
            got = plain_value(value, p)
            if got is not _TYPER:
                plain += 1
                _same(got, _typer(value, cmd, p))
    assert plain > 0.9 * 2 * len(PARAMS)


def _text_params() -> list[tuple[Any, Any]]:
    return [(c, p) for c, p in PARAMS if p.type_descriptor.annotation in (str, Path)
            or str(p.type_descriptor.annotation) == "list[str]"]


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=12))
def test_text_from_the_command_line_passes_as_typer_makes_it(text: str) -> None:
    for cmd, p in _text_params():
        value = [text, "x"] if p.multiple else text
        got = plain_value(value, p)
        if got is not _TYPER:
            _same(got, _typer(value, cmd, p))


def test_paths_typer_checks_or_refuses_go_to_typer(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("x")
    secret.chmod(0)
    readable = os.access(secret, os.R_OK)  # root reads any file
    paths = [c_p for c_p in _text_params() if c_p[1].type_descriptor.annotation is Path]
    assert paths
    for cmd, p in paths:
        for value in (str(tmp_path), str(tmp_path / "missing"), "-", "", "a\x00b", str(secret)):
            got = plain_value(value, p)
            if value in ("", "a\x00b") or (value == str(secret) and not readable):
                assert got is _TYPER, value
            if got is not _TYPER:
                _same(got, _typer(value, cmd, p))


def test_numbers_typed_on_the_command_line_go_to_typer() -> None:
    numbers = [(c, p) for c, p in PARAMS if p.type_descriptor.annotation in (int, float)]
    assert numbers
    for _, p in numbers:
        for text in ("1", "-1", "x", "1e3", "nan"):
            assert plain_value(text, p) is _TYPER


def _run(argv: list[str], capsys) -> tuple[object, str, str]:  # type: ignore[no-untyped-def]
    return run_main(argv, capsys)


BAD = [["analyze", "x", "--draws", "many"], ["analyze", "x", "--draws", "-1"],
       ["analyze", "x", "--time-limit", "soon"], ["backtest", "x", "--bootstrap", "-5"],
       ["backtest", "x", "-m"], ["analyze"], ["analyze", "-h"], ["backtest", "--help"]]


def test_bad_values_and_help_print_what_typer_alone_prints(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    # the same command lines, with and without the plain coercer: same exit, same text
    with_plain = [_run(a, capsys) for a in BAD]
    cli._command.cache_clear()
    monkeypatch.setattr("detente.cli.coercion.plain_coercion", lambda command: None)
    try:
        alone = [_run(a, capsys) for a in BAD]
    finally:
        cli._command.cache_clear()
    assert with_plain == alone
    assert [c for c, _, _ in alone] == [2, 2, 2, 2, 2, 2, 0, 0]
    assert "Invalid value for '--draws'" in alone[0][2]


AMPO = GENIUS / "other" / "AMPOvsCity"
REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference"


@pytest.mark.parametrize(("argv", "record_validated"), [
    (["analyze", str(AMPO)], False), (["backtest", str(REFERENCE / "deu3-dev.tsv"), "-q"], False),
    (["cases"], True), (["check", "ru-ua-2024-09"], True)])
def test_hot_commands_build_no_typer_adapter(argv: list[str], record_validated: bool) -> None:
    # the command line gives no number: Typer's adapters are never loaded; the GENIUS and the
    # backtest records are built unvalidated, so neither is pydantic's plugin loader (and
    # importlib.metadata with it); the case list and the scenario are validated
    code = ("import sys; from detente.cli.app import main\n"
            f"try:\n    main({argv!r})\nexcept SystemExit as e:\n    assert not e.code, e\n"
            "print(sorted(m for m in ('typer._adapters', 'pydantic.plugin._loader') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    want = ["pydantic.plugin._loader"] if record_validated else []
    assert out.stdout.strip().splitlines()[-1] == str(want)
