"""The fuzz property, shared by every loader and command: exit 0 with a valid result, or exit 2
with one message that names the file (and line or field) — never a traceback, never past a time
bound. Commands run in-process (``main(argv)`` with captured output) for speed; the bomb and hang
classes run in a subprocess under a memory and time limit (:func:`run_limited`)."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings

from detente.cli.app import main

#: The repository and the fixtures the hardening rounds (13 on) build their hostile files from.
ROOT = Path(__file__).resolve().parents[2]
TOY = ROOT / "tests" / "toy.yaml"
DEV = ROOT / "tests" / "data" / "extract" / "dev"
FIX = ROOT / "tests" / "signals" / "fixtures"
GDELT = FIX / "gdelt2_20150218230000_slice.tsv"
GEN = ROOT / "tests" / "data" / "genius" / "y2010" / "EnglandZimbabwe"
COMMIT = ROOT / "src" / "detente" / "signals" / "data" / "commitments-dev.csv"
CASE = "ru-ua-2024-09"


def copy_file(src: Path, dst: Path) -> Path:
    """Copy a fixture to ``dst`` (its folders made); return ``dst``."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    return dst


#: Cases per loader in the normal run (sum ≥ 2,000) and the time bound of one case.
DEFAULT_CASES = {"scenario": 450, "war": 150, "evidence": 300, "genius": 150, "tables": 250,
                 "events": 80, "options": 150}
CASE_SECONDS = 20.0


@dataclass
class Budget:
    """Fuzz cases run and time spent, per loader; ``minutes`` > 0 is the ``--fuzz-minutes``
    mode (each loader gets its share of the time, however many cases that is)."""

    minutes: float = 0.0
    cases: Counter[str] = field(default_factory=Counter)
    seconds: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)

    def settings(self, loader: str) -> settings:
        n = DEFAULT_CASES[loader] if not self.minutes else 10**9
        return settings(max_examples=n, deadline=None, database=None, derandomize=False,
                        suppress_health_check=list(HealthCheck))

    def out_of_time(self, loader: str, started: float) -> bool:
        if not self.minutes:
            return False
        share = self.minutes * 60 * DEFAULT_CASES[loader] / sum(DEFAULT_CASES.values())
        return time.monotonic() - started > share

    def summary(self) -> str:
        total = sum(self.cases.values())
        secs = sum(self.seconds.values())
        per = ", ".join(f"{k} {v} in {self.seconds[k]:.0f} s" for k, v in
                        sorted(self.cases.items()))
        outs = ", ".join(f"{k} {v}" for k, v in sorted(self.outcomes.items()))
        return (f"fuzz: {total:,} generated cases in {secs:.1f} s ({per}); outcomes: {outs}; "
                "0 tracebacks, 0 hangs, 0 wrong successes (any would have failed a test)")


BUDGET = Budget(minutes=float(os.environ.get("DETENTE_FUZZ_MINUTES", "0") or 0))


@contextlib.contextmanager
def counted(loader: str) -> Iterator[None]:
    t0 = time.monotonic()
    try:
        yield
    finally:
        BUDGET.cases[loader] += 1
        BUDGET.seconds[loader] += time.monotonic() - t0


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str
    seconds: float


def run_cli(argv: list[str]) -> Run:
    """``detente ARGV`` in-process; any exception other than SystemExit propagates (it would
    have been a traceback)."""
    out, err = io.StringIO(), io.StringIO()
    t0 = time.monotonic()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return Run(code, out.getvalue(), err.getvalue(), time.monotonic() - t0)


def check(run: Run, names: str | list[str], expect_error: bool = False,
          loader: str | None = None, seconds: float = CASE_SECONDS) -> None:
    """The fuzz property on one command run. ``names``: what the error must name (the file,
    or an option). ``expect_error``: the input is known to be invalid (exit 0 would be a
    wrong success)."""
    text = run.out + run.err
    assert "Traceback" not in text, text[-3000:]
    assert run.seconds < seconds, f"took {run.seconds:.1f} s"
    assert run.code in (0, 2), f"exit {run.code}: {text[-2000:]}"
    if loader:
        BUDGET.outcomes[f"{loader} exit {run.code}"] += 1
    if expect_error:
        assert run.code == 2, f"wrong success: {text[-2000:]}"
    if run.code == 2:
        err = run.err
        assert "error" in err.lower(), text[-2000:]
        wanted = [names] if isinstance(names, str) else names
        flat = " ".join(err.split())
        assert any(n in flat for n in wanted), f"error does not name {wanted}: {err[-1500:]}"


LIMITED = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({mem}, {mem}))
from detente.cli.app import main
main(sys.argv[1:])
"""


def run_limited(argv: list[str], mem_gb: float = 2.0, timeout: float = 60.0,
                cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """``detente ARGV`` in a subprocess with an address-space limit and a timeout: a bomb
    fails with MemoryError (a traceback), a hang with the timeout — both fail the property."""
    mem = int(mem_gb * (1 << 30))
    t0 = time.monotonic()
    try:
        res = subprocess.run([sys.executable, "-c", LIMITED.format(mem=mem), *argv],
                             capture_output=True, text=True, timeout=timeout, cwd=cwd,
                             env={**os.environ, **(env or {})})
    except subprocess.TimeoutExpired:
        raise AssertionError(f"hang: detente {' '.join(argv)} ran past {timeout} s") from None
    return Run(res.returncode, res.stdout, res.stderr, time.monotonic() - t0)


def error_words(argv: list[str], *names: str) -> str:
    """``detente ARGV`` on an input known to be invalid: the fuzz property with
    ``expect_error`` (the error names each of ``names``), then the error's words on one line."""
    run = run_cli(argv)
    check(run, list(names), expect_error=True)
    return " ".join(run.err.split())


def toy_variant(tmp_path: Path, old: str, new: str, name: str = "case.yaml",
                count: int = -1) -> Path:
    """The toy scenario (``tests/toy.yaml``) with ``old`` (which must occur) replaced by
    ``new`` (``count`` times; every occurrence by default), written to ``tmp_path / name``."""
    text = (Path(__file__).resolve().parents[1] / "toy.yaml").read_text(encoding="utf-8")
    assert old in text
    f = tmp_path / name
    f.write_text(text.replace(old, new, count), encoding="utf-8")
    return f


@contextlib.contextmanager
def workbench_client() -> Iterator[Any]:
    """A FastAPI ``TestClient`` of the workbench over a fresh output folder, as the sweeps and
    the hardening tests send it hostile requests (server errors answered, not raised; every
    request as htmx sends it); ``None`` when the web extra is not installed."""
    try:
        from fastapi.testclient import TestClient
    except ImportError:  # pragma: no cover - the web extra is not installed
        yield None
        return
    from detente.web.app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        yield TestClient(create_app(None, Path(tmp) / "out"), raise_server_exceptions=False,
                         headers={"HX-Request": "true"})


def web_outcome(r: Any, alive: bool, sure: bool = False) -> str:
    """The sweep class of one workbench answer ``r``: ``traceback`` for a 5xx or a server
    that no longer answers ``GET /`` (``alive``), ``error`` for a 4xx with a message (``unclear``
    without one), else ``wrong`` where the request was surely unusable (``sure``) or
    ``success``."""
    if r.status_code >= 500 or not alive:
        return "traceback"
    if r.status_code >= 400:
        return "error" if r.text.strip() else "unclear"
    return "wrong" if sure else "success"
