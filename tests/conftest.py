"""Options of the whole test run: ``--fuzz-minutes N`` runs the fuzz suite (tests/fuzz) for
about N minutes instead of its bounded default budget; the fuzz case count and time are
reported at the end of the run."""

from __future__ import annotations

import os
import sys

# One BLAS/OpenMP thread for the whole run, set before NumPy loads OpenBLAS (which reads it
# once, at load): the shipped extraction model is retrained in tests and must come out the
# same on any machine. With two threads OpenBLAS's level-1 sums (which liblinear calls) change
# in the last bits, liblinear stops at another iterate (weights differ by ~1e-6), and the
# second stage's trees split differently (seen at amendment 12, `p12rep`); one thread also
# keeps scikit-learn's OpenMP trees from oversubscribing the CI machine's two cores.
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"
if "numpy" in sys.modules:  # pragma: no cover - a plugin loaded NumPy first: say so
    print("tests/conftest.py: NumPy was loaded before the thread count was set", file=sys.stderr)

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--fuzz-minutes", type=float, default=0.0,
                     help="Run the fuzz suite for about this many minutes (default: the "
                          "bounded budget of the normal test run).")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    try:
        from fuzz.harness import BUDGET
    except ImportError:  # pragma: no cover - fuzz suite not collected
        return
    if BUDGET.cases:
        terminalreporter.write_line(BUDGET.summary())


def pytest_configure(config: pytest.Config) -> None:
    import os

    minutes = config.getoption("--fuzz-minutes", default=0.0)
    if minutes:
        os.environ["DETENTE_FUZZ_MINUTES"] = str(minutes)


@pytest.fixture(scope="session")
def executors():  # type: ignore[no-untyped-def]
    """The three kinds of executor every sampling loop must agree on, opened once per test
    session: ``serial``, a pool of 2 local processes and (when ``dask.distributed`` is
    installed) a 2-worker Dask ``LocalCluster``."""
    from contextlib import ExitStack
    from importlib.util import find_spec

    from detente.parallel import open_executor

    specs = ["serial", "local:2"] + (["dask-local:2"] if find_spec("distributed") else [])
    with ExitStack() as stack:
        yield {spec: stack.enter_context(open_executor(spec)) for spec in specs}
