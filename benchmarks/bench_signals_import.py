"""Event import benchmark (issue #6): a 10-million-row GDELT 2.0 file, dyad filter RUS-UKR.

Builds the file in a temporary directory by replicating the real 18 Feb 2015 GDELT 2.0 export
(``../shared/data/events/gdelt2_20150218230000.export.CSV``, 2,271 rows), then imports it with
``detente.signals.importers.import_path`` (DuckDB scan, SHA-256 of the file, SQLite store) and,
in the same run, with a plain pandas baseline (``read_csv`` in 1-million-row chunks, every
column as text, keep rows whose actor countries are RUS and UKR in either direction; a single
unchunked ``read_csv`` of 61 text columns x 10^7 rows does not fit in memory). Each method runs
in a fresh subprocess so the peak RSS it reports is its own.

Run: ``python benchmarks/bench_signals_import.py [rows]`` (pandas must be installed for the
baseline; it is not a dependency of detente). Targets: >= 5x the baseline's rows/s, peak
RSS < 1 GiB.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SAMPLE = (Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "events"
          / "gdelt2_20150218230000.export.CSV")

DETENTE = """
import json, resource, sys, time
from pathlib import Path
from detente.signals.importers import ImportFilter, import_path
from detente.signals.store import EventStore
Path(sys.argv[2]).unlink(missing_ok=True)  # every run imports into a new store
t = time.perf_counter()
with EventStore(sys.argv[2]) as st:
    [s] = import_path(sys.argv[1], st, filt=ImportFilter(dyad=("RUS", "UKR")))
dt = time.perf_counter() - t
print(json.dumps({"seconds": dt, "kept": s.matched, "problems": s.n_problems,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

PANDAS = """
import csv, json, resource, sys, time
import pandas as pd
t = time.perf_counter()
parts = []
for chunk in pd.read_csv(sys.argv[1], sep="\\t", header=None, dtype=str, quoting=csv.QUOTE_NONE,
                         chunksize=1_000_000, keep_default_na=False):
    a, b = chunk[7], chunk[17]
    parts.append(chunk[((a == "RUS") & (b == "UKR")) | ((a == "UKR") & (b == "RUS"))])
kept = pd.concat(parts)
dt = time.perf_counter() - t
print(json.dumps({"seconds": dt, "kept": len(kept),
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def build(dest: Path, rows: int) -> int:
    """Replicate the sample until ``rows`` rows; returns the rows written."""
    data = SAMPLE.read_bytes()
    if not data.endswith(b"\n"):
        data += b"\n"
    n = data.count(b"\n")
    copies = max(1, round(rows / n))
    with dest.open("wb") as fh:
        for _ in range(copies):
            fh.write(data)
    return copies * n


def run(script: str, *args: str) -> dict[str, float]:
    proc = subprocess.run([sys.executable, "-c", script, *args], capture_output=True,
                          text=True)
    if proc.returncode != 0:
        sys.exit(f"benchmark step failed:\n{proc.stdout}\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    rows_wanted = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    if not SAMPLE.is_file():
        sys.exit(f"sample not found: {SAMPLE}")
    tmp = Path(tempfile.mkdtemp(prefix="detente-bench-"))
    try:
        big = tmp / "gdelt2.export.CSV"
        t = time.perf_counter()
        rows = build(big, rows_wanted)
        print(f"built {rows:,} rows ({big.stat().st_size / 2**30:.2f} GiB) in "
              f"{time.perf_counter() - t:.1f} s")
        ours = run(DETENTE, str(big), str(tmp / "events.sqlite"))
        print(f"detente import (DuckDB + SHA-256 + SQLite): {ours['seconds']:.1f} s, "
              f"{rows / ours['seconds']:,.0f} rows/s, kept {ours['kept']:,}, "
              f"problems {ours['problems']}, peak RSS {ours['peak_mib']:.0f} MiB")
        try:
            import pandas  # noqa: F401
        except ImportError:
            print("pandas not installed: baseline skipped (pip install pandas)")
            return
        base = run(PANDAS, str(big))
        print(f"pandas read_csv + filter (baseline):        {base['seconds']:.1f} s, "
              f"{rows / base['seconds']:,.0f} rows/s, kept {base['kept']:,}, "
              f"peak RSS {base['peak_mib']:.0f} MiB")
        print(f"speed-up {base['seconds'] / ours['seconds']:.1f}x (target >= 5x); "
              f"same rows kept: {ours['kept'] == base['kept']}; "
              f"detente peak {ours['peak_mib'] / 1024:.2f} GiB (target < 1 GiB)")
        print(f"bench process peak RSS "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
