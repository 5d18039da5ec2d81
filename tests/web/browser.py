"""A real browser for the workbench tests and benchmark: Debian's chromium driven by
Playwright, and a ``detente serve`` subprocess on a free local port.

Without chromium (or Playwright) the browser tests skip with the reason printed, except under
``CI`` (set by the CI runner), where they fail: CI must run them."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser")


def chromium() -> str | None:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def missing() -> str | None:
    """Why the browser cannot run here (None: it can)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[test]')"
    if chromium() is None:
        return "chromium is not installed (apt-get install -y chromium)"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(out: Path, target: str | None = None, timeout: float = 60.0
           ) -> Iterator[tuple[str, float]]:
    """``detente serve`` in a subprocess: ``(base URL, seconds until it answered)``."""
    import urllib.request

    port = free_port()
    cmd = [sys.executable, "-m", "detente.cli.app", "serve", "--port", str(port), "--out",
           str(out)] + ([target] if target else [])
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                with urllib.request.urlopen(url + "/", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None:
                raise RuntimeError(f"detente serve exited: {proc.stdout.read()!r}"  # type: ignore[union-attr]
                                   )
            if time.perf_counter() - start > timeout:
                raise RuntimeError("detente serve did not answer")
            time.sleep(0.05)
        yield url, time.perf_counter() - start
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            proc.kill()
