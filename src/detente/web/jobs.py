"""Long runs of the workbench (sensitivity, forecast draws, window paths, Monte Carlo, timeline)
in a background worker process: one at a time, with progress, cancellable.

The worker calls one verb of :mod:`detente.api` and writes its record with the CLI's own
``write_json``, so the file is the record ``detente … --json`` writes. The worker is a separate
(spawned) process, so *cancel* stops it at once, whatever the analysis is doing, and a run
that fails or runs out of memory cannot take the server down.
"""

from __future__ import annotations

import inspect
import multiprocessing as mp
import queue
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from detente.web.workspace import WebError


@dataclass
class Job:
    """One background run and what the page shows of it."""

    id: int
    verb: str
    key: str
    label: str
    record: Path
    started: float = field(default_factory=time.monotonic)
    state: str = "running"  # running, done, failed, cancelled
    stage: str = "starting the worker"
    done: int = 0
    total: int = 0
    message: str = ""
    ended: float | None = None

    @property
    def elapsed(self) -> float:
        return (self.ended or time.monotonic()) - self.started

    @property
    def fraction(self) -> float | None:
        return self.done / self.total if self.total else None


def _work(verb: str, kwargs: dict[str, Any], out: str, q: Any) -> None:
    """The worker: run ``detente.api.<verb>(**kwargs)`` and write its record to ``out``."""
    try:
        import detente.api as api
        from detente.errors import DetenteError
        from detente.records.output import write_json

        fn = getattr(api, verb)
        if "progress" in inspect.signature(fn).parameters:
            def progress(stage: str, done: int = 0, total: int = 0) -> None:
                q.put(("progress", str(stage), int(done), int(total)))

            kwargs = {**kwargs, "progress": progress}
        q.put(("progress", f"running {verb}", 0, 0))
        record = fn(**kwargs)
        q.put(("progress", "writing the record", 0, 0))
        write_json(record, Path(out))
        q.put(("done", out, 0, 0))
    except DetenteError as exc:
        q.put(("error", str(exc), 0, 0))
    except MemoryError:
        q.put(("error", "out of memory: lower the draws, samples or paths", 0, 0))
    except Exception as exc:  # a bug: one line for the page, never a traceback
        q.put(("error", f"internal error ({type(exc).__name__}: {exc})", 0, 0))


class Jobs:
    """The one background slot of a workbench (2 cores: one long run at a time)."""

    def __init__(self) -> None:
        self.current: Job | None = None
        self._proc: Any = None
        self._lock = threading.Lock()
        self._ids = 0
        self._ctx = mp.get_context("spawn")

    def busy(self) -> bool:
        return self.current is not None and self.current.state == "running"

    def refuse_if_busy(self) -> None:
        """A clear refusal while a run is in progress (one run at a time)."""
        job = self.current
        if job is not None and job.state == "running":
            raise WebError(409, f"a run is in progress ({job.label}, {job.elapsed:.0f} s so "
                           "far): wait for it or cancel it, then start this one")

    def start(self, verb: str, key: str, label: str, kwargs: dict[str, Any], record: Path
              ) -> Job:
        with self._lock:
            self.refuse_if_busy()
            self._ids += 1
            job = Job(self._ids, verb, key, label, record)
            q = self._ctx.Queue()
            proc = self._ctx.Process(target=_work, args=(verb, kwargs, str(record), q),
                                     daemon=True)
            proc.start()
            self.current, self._proc = job, proc
        threading.Thread(target=self._watch, args=(job, proc, q), daemon=True).start()
        return job

    def _watch(self, job: Job, proc: Any, q: Any) -> None:
        while job.state == "running":
            try:
                kind, a, b, c = q.get(timeout=0.2)
            except queue.Empty:
                if not proc.is_alive() and job.state == "running":
                    job.state, job.message = "failed", (
                        f"the worker stopped (exit code {proc.exitcode}) without a result")
                    job.ended = time.monotonic()
                continue
            if kind == "progress":
                job.stage, job.done, job.total = a, b, c
            elif kind == "done":
                job.state, job.ended = "done", time.monotonic()
            elif kind == "error":
                job.state, job.message, job.ended = "failed", a, time.monotonic()
        proc.join(timeout=5)

    def cancel(self) -> Job | None:
        with self._lock:
            job, proc = self.current, self._proc
            if job is None or job.state != "running":
                return job
            job.state, job.message, job.ended = "cancelled", "cancelled", time.monotonic()
            proc.terminate()
            proc.join(timeout=5)
            if proc.is_alive():  # pragma: no cover - a worker that ignores SIGTERM
                proc.kill()
            return job

    def shutdown(self) -> None:
        self.cancel()
