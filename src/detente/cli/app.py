"""The ``detente`` command: one Typer app; each capability registers its commands below.

This module is the entry point (the ``detente`` script, ``python -m detente.cli.app``): the
dispatch table and :func:`main`. The Typer app itself (root options, registration, error
handling) is :mod:`detente.cli.root`, imported by :func:`main` after the process settings
(:func:`process_defaults`) apply, so that they hold while Typer, Rich and the rest load. Its
names (``app``, ``_command``, ``_register``, …) are also reachable here.
"""

from __future__ import annotations

import sys
from typing import Any

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
        from detente.cli.root import run

        run(argv)
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
      ``cases``. The collector still runs; it is not disabled.
    """
    import gc
    import os

    if "numpy" not in sys.modules:
        os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", BLAS_THREAD_TIMEOUT)
    first, *older = gc.get_threshold()
    if first and first < GC_THRESHOLD:
        gc.set_threshold(GC_THRESHOLD, *older)


_ROOT_NAMES = ("app", "CONTEXT", "_command", "_register", "_root", "_usage_errors", "_version")


def __getattr__(name: str) -> Any:
    # the Typer app and its helpers, from detente.cli.root on first use (see the docstring)
    if name in _ROOT_NAMES:
        from detente.cli import root

        return getattr(root, name)
    raise AttributeError(f"module 'detente.cli.app' has no attribute {name!r}")


if __name__ == "__main__":  # pragma: no cover
    main()
