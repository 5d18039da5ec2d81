"""An import killed with SIGKILL keeps what it committed; a re-run leaves every row exactly once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

SCRIPT = """
import sys
from detente.signals.importers import import_path
from detente.signals.store import EventStore
with EventStore(sys.argv[2]) as st:
    import_path(sys.argv[1], st, batch_size=int(sys.argv[3]))
"""


def _count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM events").fetchone()[0])
    except sqlite3.OperationalError:  # schema not created yet
        return 0


@pytest.mark.skipif(os.name != "posix", reason="needs SIGKILL")
def test_kill_9_then_rerun_holds_every_row_once(fixtures: Path, tmp_path: Path) -> None:
    lines = (fixtures / "gdelt2_20150218230000_slice.tsv").read_bytes()
    big = tmp_path / "big.tsv"
    copies = 600
    big.write_bytes(lines * copies)
    total = lines.count(b"\n") * copies
    db = tmp_path / "events.sqlite"
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, str(big), str(db), "2000"])
    deadline = time.monotonic() + 60
    while _count(db) == 0 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = _count(db)
    assert 0 < partial < total, f"kill landed outside the import ({partial} of {total})"
    assert partial % 2000 == 0  # only whole committed batches survive
    subprocess.run([sys.executable, "-c", SCRIPT, str(big), str(db), "2000"], check=True)
    with sqlite3.connect(db) as conn:
        n, distinct = conn.execute(
            "SELECT count(*), count(DISTINCT source_sha256 || ':' || line) FROM events").fetchone()
        lines_seen = {r[0] for r in conn.execute("SELECT line FROM events")}
    assert n == distinct == total
    assert lines_seen == set(range(1, total + 1))
