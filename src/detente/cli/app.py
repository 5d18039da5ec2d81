"""The ``detente`` command: one Typer app; each capability registers its commands below."""

from __future__ import annotations

import contextlib
import contextvars
import errno
import functools
import sys
from typing import Any

from rich.markup import escape

from detente.cli.common import err_console
from detente.errors import DetenteError

# -h as well as --help, on every command (Click passes the names down to subcommands).
CONTEXT = {"help_option_names": ["-h", "--help"]}
HELP = "Analyse peace negotiations: deal space, forecasts, war and the window, signals."


def __getattr__(name: str) -> Any:
    # ``app``, the whole Typer app, is made on first use: a command line that takes the direct
    # path (detente.cli.direct) loads no Typer
    if name == "app":
        return _app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _typer_app() -> Any:
    import typer

    part = typer.Typer(name="detente", help=HELP, no_args_is_help=True, add_completion=False,
                       pretty_exceptions_enable=False, context_settings=CONTEXT)
    part.callback()(_root_command())
    return part


@functools.cache
def _app() -> Any:
    return _typer_app()


def _version(value: bool) -> None:
    if value:
        import typer

        from detente import __version__

        typer.echo(f"detente {__version__}")
        raise typer.Exit()


@functools.cache
def _root_command() -> Any:
    """The root callback with its options (Typer's option objects, made when Typer loads)."""
    import typer

    def _root(
        version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                     help="Print the version and exit."),
        memory_limit: str | None = typer.Option(None, "--memory-limit", help="Ceiling of one "
                                                "analysis' arrays, e.g. 16G (default 4G or "
                                                "$DETENTE_MEMORY_LIMIT); see docs/limits.md."),
        follow_symlinks: bool = typer.Option(False, "--follow-symlinks", help="Let --json, "
                                             "--html and -o write through a symbolic link."),
        timestamp: bool = typer.Option(False, "--timestamp", help="Add the time and timings "
                                       "to JSON records (a 'run' field); without it reruns "
                                       "are byte-identical."),
    ) -> None:
        root_settings(memory_limit, follow_symlinks, timestamp)

    _root.__doc__ = ("detente: which deal, where talks land, when the window opens, whether "
                     "signals are real.")
    return _root


def root_settings(memory_limit: str | None = None, follow_symlinks: bool = False,
                  timestamp: bool = False) -> None:
    """What the root options set, before the command runs (every command line passes here)."""
    _resume_collector()  # the command line is parsed: the command runs with the collector
    from detente.cli.common import FOLLOW_SYMLINKS, TIMESTAMP
    from detente.limits import MEMORY_OVERRIDE, parse_size

    MEMORY_OVERRIDE.set(parse_size(memory_limit) if memory_limit else None)
    FOLLOW_SYMLINKS.set(follow_symlinks)
    TIMESTAMP.set(timestamp)


# Which module registers each command: a command line imports only its own module (the
# others pull in SciPy, DuckDB, …), so a small command starts in a fraction of a second. A name
# not listed here (help, a typo, a command added elsewhere) registers every module.
_MODULES = ("deals", "new", "genius", "forecast", "war", "signals", "sensitivity", "extract",
            "agreements", "serve")
_PROVIDER = {"new": "new", "cases": "deals", "check": "deals", "analyze": "deals",
             "timeline": "deals", "import": "genius", "forecast": "forecast",
             "backtest": "forecast",
             "window": "war", "signals": "signals", "sensitivity": "sensitivity",
             "extract": "extract", "agreements": "agreements", "serve": "serve"}
_ROOT_VALUED = ("--memory-limit",)  # root options that take a value


def _register(target: Any = None, modules: tuple[str, ...] = _MODULES) -> None:
    # One line per capability; each module adds its own commands to ``target``.
    import importlib

    for name in modules:
        importlib.import_module(f"detente.cli.{name}").register(_app() if target is None
                                                                  else target)


def _given(argv: list[str]) -> str | None:
    """The command a command line names, when it is one of :data:`_PROVIDER` (else None)."""
    it = iter(argv)
    for tok in it:
        if tok in _ROOT_VALUED:
            next(it, None)
        elif not tok.startswith("-"):
            return tok if tok in _PROVIDER else None
        elif tok in ("--help", "-h"):
            break
    return None


def _wanted(argv: list[str]) -> tuple[str, ...]:
    """The modules a command line needs: the one providing its command, else all."""
    name = _given(argv)
    return _MODULES if name is None else (_PROVIDER[name],)


@functools.cache
def _command(modules: tuple[str, ...] = _MODULES, only: str | None = None) -> Any:
    """The Click command for ``modules``, built once per process (building it from the function
    signatures costs ~0.3 s, which in-process callers such as the fuzz suite pay only once);
    with ``only``, of that one command of theirs (the command line's: Typer builds no other)."""
    import typer

    from detente.cli.coercion import number_spelling, plain_coercion

    if modules == _MODULES:
        _register()
        part = _app()
    else:
        part = _typer_app()
        _register(part, modules)
        if only is not None:
            part.registered_commands = [
                c for c in part.registered_commands
                if (c.name or typer.main.get_command_name(c.callback.__name__)) == only]  # type: ignore[union-attr]
            part.registered_groups = [g for g in part.registered_groups if g.name == only]
    command = typer.main.get_command(part)
    plain_coercion(command)  # values that need no conversion skip Typer's pydantic adapters
    number_spelling(command)  # 1_000, +5, ' 5', '\u0663' refused with what is allowed
    return command


def main(argv: list[str] | None = None) -> None:
    """Console entry point: user errors print one clear message and exit 2, never a traceback.

    Run as the process (``argv`` None: the ``detente`` script, ``python -m``), the command
    first takes the process settings of :func:`process_defaults`, and the objects left when it
    ends are frozen out of the cyclic garbage collector (:func:`gc.freeze`): the process is
    about to exit, and the collections of interpreter shut-down would otherwise walk every
    object of NumPy, pydantic and the command (~0.05 s of a 0.3 s command).
    In-process callers (tests, notebooks) pass ``argv`` and keep their process as it was."""
    if argv is None:
        process_defaults()
    try:
        _main(argv)
    finally:
        if argv is None:
            import gc

            gc.freeze()


GC_THRESHOLD = 10_000
"""Allocations between two young-generation collections in the ``detente`` process (Python
3.11's default is 700; 3.13 takes 2,000)."""
BLAS_THREAD_TIMEOUT = "4"
"""``OPENBLAS_THREAD_TIMEOUT`` of the ``detente`` process: OpenBLAS's idle threads wait
2**4 cycles for work before they sleep, instead of 2**28 (~0.1 s of a busy core each)."""


def process_defaults() -> None:
    """Settings that belong to the ``detente`` process, not to the library (a library must not
    decide its caller's threads or collector); ``main()`` applies them only when it is the
    process, and a setting the user made in the environment wins.

    - OpenBLAS (NumPy's BLAS) starts its thread pool when NumPy loads, and each idle thread
      then spins for ~0.1 s of CPU: after start-up and after every threaded product. Here the
      idle threads sleep at once (``OPENBLAS_THREAD_TIMEOUT``); the pool stays, so a large
      product still runs on every core. Set before NumPy loads (no command has loaded it yet).
    - The cyclic collector runs every :data:`GC_THRESHOLD` allocations instead of every 700:
      start-up (Typer, NumPy, pydantic and their schemas) allocates ~10^5 long-lived objects,
      and walking them again and again is ~0.01 s of ``analyze DIR`` and ~0.04 s of
      ``cases``.
    - While Typer parses the command line (it loads its parser, and pydantic for an option
      value it converts: modules, classes and schemas that live as long as the process, none
      of them garbage) the collector is paused; the root callback, which every command passes
      through before its own options are read, resumes it with what start-up made frozen
      out of it (:func:`_resume_collector`, via :func:`root_settings`), so no command runs
      without it; the direct path (:mod:`detente.cli.direct`) does the same after loading
      its command's modules. A collector the user switched off (``gc.disable()`` before
      ``main``) stays off.
    """
    import gc
    import os

    if "numpy" not in sys.modules:
        os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", BLAS_THREAD_TIMEOUT)
    first, *older = gc.get_threshold()
    if first and first < GC_THRESHOLD:
        gc.set_threshold(GC_THRESHOLD, *older)
    if gc.isenabled():
        gc.disable()
        _PAUSED.append(True)


_PAUSED: list[bool] = []
"""Non-empty while :func:`process_defaults` holds the collector paused (the process only)."""


def _resume_collector() -> None:
    """End the start-up pause of :func:`process_defaults`: the objects made so far go to the
    collector's permanent generation (:func:`gc.freeze`: they are not walked again) and the
    collector runs again. Does nothing in-process (tests, notebooks: no pause was made)."""
    if _PAUSED:
        import gc

        _PAUSED.clear()
        gc.freeze()
        gc.enable()


def _main(argv: list[str] | None) -> None:
    from detente.cli.direct import direct_command

    try:
        args = sys.argv[1:] if argv is None else argv
        direct = direct_command(args)  # ``analyze DIR`` alone: no parser needed
        # In a context of its own: root options (--memory-limit, --timestamp, …) set context
        # variables, which must not outlive this command for in-process callers (tests).
        # Outside standalone mode Typer *returns* the exit code of ``typer.Exit`` and of Ctrl-C
        # (130) instead of exiting: pass it on, or an interrupted run would exit 0.
        code = contextvars.copy_context().run(direct) if direct is not None else (
            contextvars.copy_context().run(
                _command(_wanted(args), _given(args)).main, args=args, prog_name="detente",
                standalone_mode=False))
    except DetenteError as exc:
        with contextlib.suppress(OSError):  # an error stream closed (2>&-) or full: exit 2
            err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False,
                              soft_wrap=True)
        sys.exit(2)
    except KeyboardInterrupt:
        _interrupted()
    except OSError as exc:
        if exc.filename is None and exc.errno in _FULL:  # the console's stream: ``>/dev/full``
            _unwritable(exc)
        if exc.filename is None:  # not about a file the user named: a bug, show it
            raise
        from detente.limits import os_error

        with contextlib.suppress(OSError):
            err_console.print(f"[bold red]error:[/] {escape(str(os_error(exc)))}",
                              highlight=False, soft_wrap=True)
        sys.exit(2)
    except Exception as exc:
        typer = sys.modules.get("typer")  # Typer's exceptions come only from Typer's path
        if typer is not None:
            if isinstance(exc, typer.Exit):
                sys.exit(exc.exit_code)
            if isinstance(exc, typer.Abort):  # Ctrl-C, as Click reports it
                _interrupted()
            if isinstance(exc, _usage_errors()):  # bad option values, unknown options, …
                with contextlib.suppress(OSError):  # an error stream closed or full
                    exc.show()  # type: ignore[attr-defined]
                sys.exit(exc.exit_code)  # type: ignore[attr-defined]
        raise
    if isinstance(code, int) and not isinstance(code, bool) and code != 0:
        if code == 130:
            err_console.print("interrupted", highlight=False)
        sys.exit(code)


_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG, errno.EBADF)
"""Errors of a stream that cannot take more (a full disk, ``>/dev/full``): they were
tracebacks out of Rich's ``file.write``."""


def _unwritable(exc: OSError) -> None:
    import os

    with contextlib.suppress(OSError):  # unless the error stream is the full one
        os.write(2, f"error: cannot write the output: {exc.strerror}; allowed: an output "
                 "with free space\n".encode())
    null = os.open(os.devnull, os.O_WRONLY)
    for fd in (1, 2):  # the interpreter flushes the streams again at exit
        with contextlib.suppress(OSError):
            os.dup2(null, fd)
    sys.exit(2)


def _interrupted() -> None:
    # Ctrl-C: one line and 128 + SIGINT, as shells expect, so a script never reads an
    # interrupted run as a success.
    err_console.print("interrupted", highlight=False)
    sys.exit(130)


def _usage_errors() -> tuple[type[BaseException], ...]:
    """Click's usage-error base class, wherever this Typer takes Click from (newer Typer
    releases carry their own copy of it, so ``click.ClickException`` alone misses them)."""
    import typer

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
