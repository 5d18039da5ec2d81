"""``detente backtest`` one model after another against side by side (``--executor``).

    python benchmarks/bench_backtest.py [-n 3] [--executors serial,local:2] [-- EXTRA ARGS]

Runs the whole command on ``../shared/data/deu3-dev.tsv`` once per executor and round,
alternately, in fresh processes from this tree, and prints per executor the best and median
wall time and CPU time (user + sys of the command and of the pool's processes, which it reaps
before it exits: ``os.wait4``), and the load average before and after. The output is the same
on every executor (tests/forecasts/test_forecast_concurrent.py); on a loaded machine the CPU
time is the steadier figure, and the wall time shows what the pool gains only when the other
core is free.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEU = ROOT / ".." / "shared" / "data" / "deu3-dev.tsv"


def run(args: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of ``detente backtest DEU ARGS`` from this tree."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]))
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "detente.cli.app", "backtest", str(DEU),
                             *args], stdout=subprocess.DEVNULL, env=env)
    _, status, use = os.wait4(proc.pid, 0)
    if status:
        raise SystemExit(f"backtest {' '.join(args)} failed ({status})")
    return time.perf_counter() - t0, use.ru_utime + use.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=3, help="rounds (each runs every executor)")
    ap.add_argument("--executors", default="serial,local:2")
    ap.add_argument("args", nargs=argparse.REMAINDER, help="-- then more backtest arguments")
    ns = ap.parse_args()
    extra = ns.args[1:] if ns.args[:1] == ["--"] else ns.args
    specs = ns.executors.split(",")
    load0 = os.getloadavg()
    run(["--executor", specs[0], *extra])              # warm-up: file cache, byte code
    got: dict[str, list[tuple[float, float]]] = {s: [] for s in specs}
    for _ in range(ns.n):
        for spec in specs:
            got[spec].append(run(["--executor", spec, *extra]))
    print(f"detente backtest {DEU.name} {' '.join(extra)}; {ns.n} rounds; "
          f"load {load0[0]:.1f} -> {os.getloadavg()[0]:.1f}")
    for spec, runs in got.items():
        wall, cpu = [w for w, _ in runs], [c for _, c in runs]
        print(f"  --executor {spec:8s} wall best {min(wall):.2f} s, median "
              f"{statistics.median(wall):.2f} s; CPU best {min(cpu):.2f} s, median "
              f"{statistics.median(cpu):.2f} s")


if __name__ == "__main__":
    main()
