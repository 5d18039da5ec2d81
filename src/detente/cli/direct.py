"""The direct path: ``detente analyze DIR`` — a GENIUS folder, no option — runs without Typer.

Loading Typer (with its copy of Click) and building the command is ~0.035 s of a ~0.24 s
command (issue 19: the AMPOvsCity row against negmas). A command line of exactly two words,
``analyze`` and a folder that exists, asks nothing of the parser: no option, so every option
is at its default, and the one argument is text. :func:`direct_command` recognises exactly that
and returns the command to run: the root options' settings at their defaults
(:func:`detente.cli.app.root_settings`) and the GENIUS branch of ``analyze``
(:func:`detente.cli.deals_genius.analyze_genius`, the function Typer's ``analyze`` calls) with
the options' defaults. Any other command line, a file, a word starting with ``-``, a shell
completion request, goes to Typer. ``tests/cli/test_direct.py`` pins the defaults to the
declared ones and compares output and exit code with Typer's path.
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


def direct_command(args: list[str]) -> Callable[[], None] | None:
    """The command to run for ``args`` without Typer, or None (Typer parses ``args``)."""
    if len(args) != 2 or args[0] != "analyze" or COMPLETE_VAR in os.environ:
        return None
    folder = args[1]
    if not folder or folder.startswith("-") or "\x00" in folder or not Path(folder).is_dir():
        return None  # ``analyze`` sends a folder to the GENIUS branch (Path(case).is_dir())

    def run() -> None:
        _run_direct(folder)

    return run


def _run_direct(folder: str) -> None:
    from detente.cli.app import root_settings
    from detente.cli.deals_genius import analyze_genius

    root_settings()
    try:
        analyze_genius(folder, **analyze_defaults())
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
