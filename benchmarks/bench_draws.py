"""``detente analyze CASE --draws N`` as a whole command, per executor (issue 19: a million draws
on ``ru-ua-2024-09`` in < 1 GiB and ≤ 60 s).

Each executor's run is a fresh process, byte-compiled as installed (``compare_peers.compiled_env``;
one uncounted warm-up of ``--draws 1000`` compiles). Printed per run: wall time, CPU time (user
+ sys of the command and of the worker processes it waited for, ``os.wait4``), peak RSS of the
largest of them, the load average before and after; then whether every executor wrote the same
JSON record, byte for byte.

Run: ``python benchmarks/bench_draws.py [--draws 1000000] [--case ru-ua-2024-09]
[--executors serial,local:2]``
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from compare_peers import DETENTE, ROOT, compiled_env, timed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--draws", type=int, default=1_000_000)
    ap.add_argument("--case", default="ru-ua-2024-09")
    ap.add_argument("--executors", default="serial,local:2")
    args = ap.parse_args()
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])])
    tmp = Path(tempfile.mkdtemp(prefix="detente-draws-"))
    env = compiled_env(tmp)
    print(f"{os.uname().nodename}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load {os.getloadavg()}")
    timed([*DETENTE, "analyze", args.case, "--draws", "1000", "-q"], env)
    print(f"| `analyze {args.case} --draws {args.draws:,}` | wall s | CPU s | peak RSS MiB "
          "| exit | load before → after |")
    print("|---|---|---|---|---|---|")
    records = {}
    for ex in filter(None, args.executors.split(",")):
        out = tmp / f"record-{ex.replace(':', '-')}.json"
        load0 = os.getloadavg()[0]
        r = timed([*DETENTE, "analyze", args.case, "--draws", str(args.draws), "-q",
                   "--executor", ex, "--json", str(out)], env)
        print(f"| `--executor {ex}` | {r.wall:.1f} | {r.cpu:.1f} | {r.rss_mib:.0f} | {r.code} | "
              f"{load0:.1f} → {os.getloadavg()[0]:.1f} |", flush=True)
        if out.exists():
            records[ex] = out.read_bytes()
    if len(records) > 1:
        same = len(set(records.values())) == 1
        print(f"records of {', '.join(records)}: {'identical' if same else 'DIFFERENT'}")


if __name__ == "__main__":
    main()
