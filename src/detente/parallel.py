"""Where the sampling loops run: any ``concurrent.futures.Executor``.

Every sampling loop of the toolkit takes one: the deal Monte Carlo (``analyze --draws``), the
sensitivity designs, the war window's paths, the forecast draws and the batch runs over many
scenarios (``timeline``) or GENIUS domains (``analyze DIR``).

``open_executor(spec)`` gives the three kinds the toolkit uses:

* ``"serial"``: in this process (no pickling; the reference result);
* ``"local"`` (default) or ``"local:N"``: a pool of N local processes;
* ``"dask-local:N"``: a ``dask.distributed.LocalCluster`` of N worker processes;
* a scheduler address (``tcp://host:8786``, ``tls://…``): an existing Dask cluster, through
  ``Client.get_executor()`` (install the optional ``detente[dask]`` extra).

Work is cut into chunks whose size depends only on the design, never on the number of workers,
and results are put back in chunk order; randomness inside a chunk comes from its own child of
``numpy.random.SeedSequence(seed).spawn`` — so the same seed gives identical numbers on one
process, a pool or a cluster.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from typing import Any, TypeVar

from detente.errors import AnalysisError

T = TypeVar("T")
R = TypeVar("R")
CONNECT_TIMEOUT = 10.0
ALLOWED = "serial, local, local:N, dask-local:N, or a Dask scheduler address (tcp://host:port)"


class SerialExecutor(Executor):
    """Runs each task at once, in this process."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        fut: Future[T] = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to the caller through the future
            fut.set_exception(exc)
        return fut


def _count(spec: str, text: str) -> int:
    from detente.limits import MAX_WORKERS

    # ASCII digits only: int() also reads "1_0" (10), " 2", "+2" and Arabic-Indic digits
    n = int(text) if text.isascii() and text.isdigit() else 0
    if not 1 <= n <= MAX_WORKERS:
        raise AnalysisError.one(f"executor worker count must be a whole number from 1 to "
                                f"{MAX_WORKERS}", path="--executor", value=spec,
                                allowed=ALLOWED)
    return n


def check_spec(spec: str | None) -> str:
    """``spec`` stripped, if it names an executor (else one clear error); opens nothing."""
    spec = "local" if spec is None else spec.strip()
    if spec.startswith("local:"):
        _count(spec, spec[6:])
    elif spec.startswith("dask-local:"):
        _count(spec, spec[len("dask-local:"):])
    elif spec not in ("serial", "local") and not _address(spec):
        raise AnalysisError.one("unknown executor", path="--executor", value=spec,
                                allowed=ALLOWED)
    return spec


def _address(spec: str) -> bool:
    """A scheduler address: ``scheme://`` and a host."""
    scheme, sep, rest = spec.partition("://")
    return bool(sep and scheme and rest.strip("/"))


@contextmanager
def open_executor(spec: str | None = None) -> Iterator[Executor]:
    """An executor for ``spec`` (see the module docstring), shut down on exit."""
    spec = check_spec(spec)
    if spec == "serial":
        yield SerialExecutor()
    elif spec == "local" or spec.startswith("local:"):
        from concurrent.futures import ProcessPoolExecutor  # with multiprocessing: on demand

        n = _count(spec, spec[6:]) if ":" in spec else (os.cpu_count() or 1)
        with ProcessPoolExecutor(max_workers=n) as pool:
            yield pool
    else:
        with _dask(spec) as ex:
            yield ex


@contextmanager
def _dask(spec: str) -> Iterator[Executor]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise AnalysisError.one("a Dask executor needs dask.distributed: pip install "
                                "'detente[dask]'", value=spec) from None
    if spec.startswith("dask-local:"):
        n = _count(spec, spec[len("dask-local:"):])
        with LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            yield client.get_executor()
        return
    try:
        client = Client(spec, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise AnalysisError.one(f"cannot reach the Dask scheduler ({type(exc).__name__}: "
                                f"{exc})", value=spec,
                                allowed="a running scheduler's address, e.g. tcp://host:8786"
                                ) from None
    with client:
        yield client.get_executor()


def bounded_map(executor: Executor, fn: Callable[..., R], tasks: Iterable[tuple[Any, ...]],
                window: int = 8) -> Iterator[R]:
    """Results of ``fn(*task)`` in task order with at most ``window`` tasks in flight (so
    memory holds ``window`` chunks, whatever the number of tasks)."""
    pending: list[Future[R]] = []
    for t in tasks:
        pending.append(executor.submit(fn, *t))
        if len(pending) >= window:
            yield pending.pop(0).result()
    for f in pending:
        yield f.result()


def executor_or_serial(executor: Executor | None) -> Executor:
    """``executor``, or a :class:`SerialExecutor` when none is given."""
    return executor if executor is not None else SerialExecutor()
