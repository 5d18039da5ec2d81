"""The ``detente`` command: one Typer app; each capability registers its commands below."""

from __future__ import annotations

import functools
import sys
from typing import Any

import typer
from rich.markup import escape

from detente import __version__
from detente.cli.common import err_console
from detente.errors import DetenteError

app = typer.Typer(
    name="detente",
    help="Analyse peace negotiations: deal space, forecasts, war and the window, signals.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"detente {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
    memory_limit: str | None = typer.Option(None, "--memory-limit", help="Ceiling of one "
                                            "analysis' arrays, e.g. 16G (default 4G or "
                                            "$DETENTE_MEMORY_LIMIT); see docs/limits.md."),
    follow_symlinks: bool = typer.Option(False, "--follow-symlinks", help="Let --json, --html "
                                         "and -o write through a symbolic link."),
    timestamp: bool = typer.Option(False, "--timestamp", help="Add the time and timings to "
                                   "JSON records (a 'run' field); without it reruns are "
                                   "byte-identical."),
) -> None:
    """detente: which deal, where talks land, when the window opens, whether signals are real."""
    from detente.cli.common import FOLLOW_SYMLINKS, TIMESTAMP
    from detente.limits import MEMORY_OVERRIDE, parse_size

    MEMORY_OVERRIDE.set(parse_size(memory_limit) if memory_limit else None)
    FOLLOW_SYMLINKS.set(follow_symlinks)
    TIMESTAMP.set(timestamp)


def _register() -> None:
    # One line per capability; each module adds its own commands to ``app``.
    from detente.cli import (
        agreements,
        deals,
        extract,
        forecast,
        genius,
        new,
        sensitivity,
        signals,
        war,
    )

    for module in (deals, new, genius, forecast, war, signals, sensitivity, extract, agreements):
        module.register(app)


@functools.cache
def _command() -> Any:
    """The Click command of ``app``, built once per process (building it from the function
    signatures costs ~0.3 s, which in-process callers such as the fuzz suite pay only once)."""
    _register()
    return typer.main.get_command(app)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: user errors print one clear message and exit 2, never a traceback."""
    try:
        # Outside standalone mode Typer *returns* the exit code of ``typer.Exit`` and of Ctrl-C
        # (130) instead of exiting: pass it on, or an interrupted run would exit 0.
        code = _command().main(args=argv, prog_name="detente", standalone_mode=False)
    except DetenteError as exc:
        err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False,
                          soft_wrap=True)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, typer.Abort):
        # Ctrl-C (Click turns it into Abort): one line and 128 + SIGINT, as shells expect, so
        # a script never reads an interrupted run as a success.
        err_console.print("interrupted", highlight=False)
        sys.exit(130)
    except Exception as exc:
        if isinstance(exc, _usage_errors()):  # bad option values, unknown options, …
            exc.show()  # type: ignore[attr-defined]
            sys.exit(exc.exit_code)  # type: ignore[attr-defined]
        raise
    if isinstance(code, int) and not isinstance(code, bool) and code != 0:
        if code == 130:
            err_console.print("interrupted", highlight=False)
        sys.exit(code)


def _usage_errors() -> tuple[type[BaseException], ...]:
    """Click's usage-error base class, wherever this Typer takes Click from (newer Typer
    releases carry their own copy of it, so ``click.ClickException`` alone misses them)."""
    kinds: list[type[BaseException]] = [
        c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"]
    try:
        import click
    except ImportError:  # pragma: no cover - Typer without a separate Click
        pass
    else:
        kinds.append(click.ClickException)
    return tuple(kinds)


if __name__ == "__main__":  # pragma: no cover
    main()
