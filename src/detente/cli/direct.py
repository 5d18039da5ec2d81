"""The direct path: ``detente analyze DIR`` (a folder) and ``detente backtest FILE``, with no
option, run without Typer.

Loading Typer (with its copy of Click) and building the command is ~0.035 s of a ~0.24 s
command (issue 19: the AMPOvsCity row against negmas; the backtest's start-up). A command line
of exactly two words, the command and one plain argument, asks nothing of the parser: no
option, so every option is at its default, and the argument is text (``analyze``) or a path
(``backtest``). :func:`direct_command` recognises exactly that and returns the command to run:
the root options' settings at their defaults (:func:`detente.cli.app.root_settings`), then the
function Typer's command calls (:func:`detente.cli.deals_genius.analyze_genius`,
:func:`detente.cli.forecast_backtest.backtest_command`) with the options' declared defaults.
Any other command line (an option, a word starting with ``-``, ``analyze`` of a file or a case
name, a path Typer would refuse as unreadable, a shell-completion request) goes to Typer.
``tests/cli/test_direct.py`` pins the defaults to the declared ones and compares output and
exit code with Typer's path.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

COMPLETE_VAR = "_DETENTE_COMPLETE"
"""Click's shell-completion request (``_{PROG}_COMPLETE``): Typer answers it."""


def analyze_defaults() -> dict[str, Any]:
    """The options of ``analyze`` a GENIUS folder reads, at their declared defaults (the test
    compares them with the Typer command's), keyed as :func:`analyze_genius` takes them."""
    from detente.cli.deals_genius import GENIUS_TIME_LIMIT

    return {"json_out": None, "csv_dir": None, "quiet": False, "normalise": False,
            "max_nodes": None, "time_limit": GENIUS_TIME_LIMIT, "frontier_limit": 5000,
            "executor": "serial"}


def backtest_defaults() -> dict[str, Any]:
    """The options of ``backtest`` at their declared defaults, keyed as the command's
    parameters (and :func:`backtest_command`'s)."""
    return {"model": ["all"], "fit_on": None, "capability": "era", "bootstrap": 2000,
            "seed": 0, "min_positions": 3, "split": "all", "voting_rule": [], "eum": [],
            "executor": "serial", "json_out": None, "html_out": None, "csv_dir": None,
            "quiet": False}


def direct_command(args: list[str]) -> Callable[[], None] | None:
    """The command to run for ``args`` without Typer, or None (Typer parses ``args``)."""
    if len(args) != 2 or COMPLETE_VAR in os.environ:
        return None
    name, word = args
    if not word or word.startswith("-") or "\x00" in word:
        return None
    if word.endswith("/") and not os.path.isdir(word):  # "deu.tsv/": the parser refuses it
        return None
    if name == "analyze" and Path(word).is_dir() and not _case_name(word):  # GENIUS branch
        return lambda: _run(_analyze, word)
    if name == "backtest" and _typer_takes(word):
        return lambda: _run(_backtest, word)
    return None


def _case_name(word: str) -> bool:
    """Whether ``word`` is also a bundled case's name (a folder so named is ambiguous: Typer's
    path refuses it, :func:`detente.cases.is_bundled`)."""
    from detente.cases import case_names

    return word in case_names()


def _typer_takes(path: str) -> bool:
    """Whether Typer passes ``path`` as it is to a ``Path`` argument with its default checks:
    a path that does not exist (the command reports it), or one this process may read."""
    try:
        os.stat(path)
    except OSError:
        return True
    return os.access(path, os.R_OK)


def _analyze(folder: str) -> None:
    from detente.cli.deals_genius import analyze_genius

    analyze_genius(folder, **analyze_defaults())


def _backtest(file: str) -> None:
    from detente.cli.forecast_backtest import backtest_command

    backtest_command(Path(file), **backtest_defaults())


_ANALYZE_MODULES = ("detente.cli.deals_genius", "detente.cli.deals_view",
                    "detente.deals.genius_analysis", "detente.formats.genius", "detente.parallel")
_BACKTEST_MODULES = ("detente.cli.forecast_backtest", "detente.forecasts.backtest",
                     "detente.forecasts.run", "detente.formats.deu")


def _run(command: Callable[[str], None], word: str) -> None:
    import importlib

    from detente.cli.app import root_settings

    # The modules the command is about to load, loaded while the collector is still paused
    # (detente.cli.app.process_defaults): their objects live as long as the process, and
    # root_settings() freezes them out of the collector (as Typer's path does with Typer's
    # and pydantic's), instead of having young collections walk them as they load.
    for name in _ANALYZE_MODULES if command is _analyze else _BACKTEST_MODULES:
        importlib.import_module(name)
    root_settings()
    try:
        command(word)
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
        # as Click's main: the reader went away (``| head``); exit 1 without a second error
        # when the interpreter flushes the streams at exit
        sys.stdout = _Pacified(sys.stdout)
        sys.stderr = _Pacified(sys.stderr)
        sys.exit(1)


class _Pacified:
    """A stream whose ``flush`` ignores a closed pipe (Click's ``PacifyFlushWrapper``)."""

    def __init__(self, stream: Any) -> None:
        self.wrapped = stream

    def flush(self) -> None:
        try:
            self.wrapped.flush()
        except OSError as exc:
            if exc.errno != errno.EPIPE:
                raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wrapped, name)
