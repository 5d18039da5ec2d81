"""The ``detente`` command's Typer app: the root options, the registration of each capability's
commands (only the module that provides the command given, see :mod:`detente.cli.app`), and the
run of one command line with its errors turned into one clear message and an exit code.

:mod:`detente.cli.app` is the entry point; it imports this module (Typer, Rich) only after it
has applied the process settings, so that they hold while these libraries load."""

from __future__ import annotations

import contextvars
import functools
import sys
from typing import Any

import typer
from rich.markup import escape

from detente.cli.app import _MODULES, _given, _wanted
from detente.cli.common import err_console
from detente.errors import DetenteError

# -h as well as --help, on every command (Click passes the names down to subcommands).
CONTEXT = {"help_option_names": ["-h", "--help"]}

app = typer.Typer(
    name="detente",
    help="Analyse peace negotiations: deal space, forecasts, war and the window, signals.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings=CONTEXT,
)


def _version(value: bool) -> None:
    if value:
        from detente import __version__

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


def _register(target: typer.Typer = app, modules: tuple[str, ...] = _MODULES) -> None:
    # One line per capability; each module adds its own commands to ``target``.
    import importlib

    for name in modules:
        importlib.import_module(f"detente.cli.{name}").register(target)


@functools.cache
def _command(modules: tuple[str, ...] = _MODULES, only: str | None = None) -> Any:
    """The Click command for ``modules``, built once per process (building it from the function
    signatures costs ~0.3 s, which in-process callers such as the fuzz suite pay only once);
    with ``only``, of that one command of theirs (the command line's: Typer builds no other)."""
    if modules == _MODULES:
        _register()
        return typer.main.get_command(app)
    part = typer.Typer(name=app.info.name, help=app.info.help, no_args_is_help=True,
                       add_completion=False, pretty_exceptions_enable=False,
                       context_settings=CONTEXT)
    part.callback()(_root)
    _register(part, modules)
    if only is not None:
        part.registered_commands = [
            c for c in part.registered_commands
            if (c.name or typer.main.get_command_name(c.callback.__name__)) == only]  # type: ignore[union-attr]
        part.registered_groups = [g for g in part.registered_groups if g.name == only]
    return typer.main.get_command(part)


def run(argv: list[str] | None) -> None:
    """Run one command line (``argv``, or the process's arguments when None)."""
    try:
        # Outside standalone mode Typer *returns* the exit code of ``typer.Exit`` and of Ctrl-C
        # (130) instead of exiting: pass it on, or an interrupted run would exit 0.
        args = sys.argv[1:] if argv is None else argv
        # In a context of its own: root options (--memory-limit, --timestamp, …) set context
        # variables, which must not outlive this command for in-process callers (tests).
        code = contextvars.copy_context().run(
            _command(_wanted(args), _given(args)).main, args=args, prog_name="detente",
            standalone_mode=False)
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
    except OSError as exc:
        if exc.filename is None:  # not about a file the user named: a bug, show it
            raise
        from detente.limits import os_error

        err_console.print(f"[bold red]error:[/] {escape(str(os_error(exc)))}",
                          highlight=False, soft_wrap=True)
        sys.exit(2)
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
