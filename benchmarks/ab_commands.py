"""One detente command from two source trees, run alternately; prints CPU and wall time.

    git worktree add /tmp/before <commit>          # or: git archive <commit> src | tar -x -C DIR
    python benchmarks/ab_commands.py --before /tmp/before/src -n 3 -- \
        forecast ../shared/data/bdm/china.csv -m eum --draws 10000

Each round runs the command from ``--before`` (a ``src`` folder) and from this tree, one after
the other, in fresh processes (``os.wait4``: CPU = user + sys of the process), byte-compiled as
installed (a private ``PYTHONPYCACHEPREFIX``; one uncounted run of each side compiles). Prints
the best and the median CPU, the kernel part and the best and median wall time of each side, the
CPU ratio, and the load average before and after: on a shared machine the CPU time is the
steadier figure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from compare_peers import compiled_env

ROOT = Path(__file__).resolve().parents[1]


def run(src: Path, args: list[str], base: dict[str, str],
        fresh: Path | None = None) -> tuple[float, float, float]:
    """(CPU, sys, wall) seconds of ``detente ARGS`` with ``src`` first on the path; ``fresh``
    (e.g. an event store the command writes) is removed first, so every run starts alike."""
    if fresh is not None:
        fresh.unlink(missing_ok=True)
    env = dict(base, PYTHONPATH=os.pathsep.join(
        [str(src), *filter(None, [os.environ.get("PYTHONPATH")])]))
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "detente.cli.app", *args],
                            stdout=subprocess.DEVNULL, env=env)
    _, status, use = os.wait4(proc.pid, 0)
    if status:
        raise SystemExit(f"command failed ({status}) from {src}")
    return use.ru_utime + use.ru_stime, use.ru_stime, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--before", type=Path, required=True, help="src folder of the old tree")
    ap.add_argument("-n", type=int, default=3, help="rounds (each runs both sides)")
    ap.add_argument("--fresh", type=Path, default=None, help="a file removed before every "
                    "run (e.g. the --store of 'signals import': each run imports anew)")
    ap.add_argument("args", nargs=argparse.REMAINDER, help="-- then the detente arguments")
    ns = ap.parse_args()
    args = ns.args[1:] if ns.args[:1] == ["--"] else ns.args
    load0 = os.getloadavg()
    sides = {"before": ns.before, "after": ROOT / "src"}
    got: dict[str, list[tuple[float, float, float]]] = {k: [] for k in sides}
    with tempfile.TemporaryDirectory() as tmp:
        base = compiled_env(Path(tmp))  # byte-compiled, as installed
        for src in sides.values():
            run(src, args, base, ns.fresh)  # uncounted: fills the byte-code cache
        for _ in range(ns.n):
            for name, src in sides.items():
                got[name].append(run(src, args, base, ns.fresh))
    print(f"detente {' '.join(args)}; {ns.n} rounds; load {load0[0]:.1f} -> "
          f"{os.getloadavg()[0]:.1f}")
    for name, rows in got.items():
        cpu = [r[0] for r in rows]
        wall = [r[2] for r in rows]
        print(f"  {name:6s} CPU best {min(cpu):.3f} s, median {statistics.median(cpu):.3f} s "
              f"(sys best {min(r[1] for r in rows):.3f} s); wall best {min(wall):.3f} s, "
              f"median {statistics.median(wall):.3f} s")
    before, after = (min(r[0] for r in got[k]) for k in ("before", "after"))
    print(f"  CPU before / after (best): {before / after:.3f}x")


if __name__ == "__main__":
    main()
