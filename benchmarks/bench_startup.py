"""Start-up of small commands, whole processes (issue 19: "a small command costs ≤ 0.3 s in all").

Each command runs ``-n`` times in a fresh process, byte-compiled as installed (a private
``PYTHONPYCACHEPREFIX``, one uncounted warm-up run that compiles), interleaved with the other
commands so that a change in the machine's load hits them all alike. Printed per command: the
best and the median CPU time (user + sys, ``os.wait4``: the figure that depends least on the
load), the best and median wall time, peak RSS, and the load average before and after.
``python3 -c pass`` is the floor (the interpreter and its site hooks).

``--before SRC`` (the ``src`` folder of an older tree, e.g. ``git archive`` of a commit) runs
every command from that tree too, alternately with this one, with its own byte-code cache, so
that before and after meet the same load.

``--phases`` also prints, for ``analyze AMPOvsCity``, where the CPU time of one process goes
(``time.process_time`` after each group of imports, in the order the command loads them, then
the command itself, then the interpreter's shut-down: the process's CPU from ``os.wait4`` after
the last mark), median of ``-n`` processes. The process takes the ``detente`` process's
settings (``detente.cli.app.process_defaults``) before NumPy loads, as the command does; an
older tree (``--before``) is not broken down.

Run: ``python benchmarks/bench_startup.py [-n 7] [--phases] [--before OLD/src]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from compare_peers import DATA, DETENTE, ROOT, Run, compiled_env, timed

AMPO = DATA / "genius" / "other" / "AMPOvsCity"
COMMANDS = {
    "python3 -c pass": [sys.executable, "-c", "pass"],
    "detente --help": [*DETENTE, "--help"],
    "detente cases": [*DETENTE, "cases"],
    "detente check ru-ua-2024-09": [*DETENTE, "check", "ru-ua-2024-09"],
    "detente analyze ru-ua-2024-09": [*DETENTE, "analyze", "ru-ua-2024-09", "-q"],
    "detente analyze AMPOvsCity": [*DETENTE, "analyze", str(AMPO)],
}

PHASES = """
import sys, time
marks = [("interpreter + site", time.process_time())]
def m(name): marks.append((name, time.process_time()))
import rich.console, rich.markup, rich.table; m("rich (console, markup, table)")
import detente.cli.app as app; app.process_defaults(); m("detente.cli.app, process settings")
import numpy; m("numpy")
import pydantic, detente.records.base; m("pydantic, the record base class")
import detente.deals.genius_analysis, detente.cli.deals_genius, detente.parallel
m("GENIUS reader, frontier, records")
try:
    app.main()  # as the process runs it (sys.argv: the direct path, no Typer), with its ending
except SystemExit:
    pass
m("the command (XML, frontier, Nash, print)")
prev = 0.0
for name, t in marks:
    print(f"{name}\\t{t - prev:.4f}", file=sys.stderr)
    prev = t
"""


def phases(env: dict[str, str], n: int) -> None:
    import subprocess

    runs: dict[str, list[float]] = {}
    for _ in range(n + 1):
        proc = subprocess.Popen([sys.executable, "-c", PHASES, "analyze", str(AMPO)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        assert proc.stderr is not None
        out = proc.stderr.read()
        proc.stderr.close()
        _, status, use = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        marked = 0.0
        for line in out.splitlines():
            if "\t" in line:
                name, t = line.split("\t")
                runs.setdefault(name, []).append(float(t))
                marked += float(t)
        runs.setdefault("shut-down (process CPU after the last mark)", []).append(
            use.ru_utime + use.ru_stime - marked)
    print("\nWhere the CPU time of `analyze AMPOvsCity` goes (median of "
          f"{n} processes after one warm-up; load {os.getloadavg()[0]:.1f}):")
    total = 0.0
    for name, ts in runs.items():
        med = statistics.median(ts[1:])
        total += med
        print(f"  {name:55s} {med:.3f} s")
    print(f"  {'sum':55s} {total:.3f} s")


def _env(tmp: Path, src: Path) -> dict[str, str]:
    env = compiled_env(tmp)
    env["PYTHONPATH"] = os.pathsep.join([str(src), *filter(None, [os.environ.get("PYTHONPATH")])])
    return env


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=7, help="counted runs per command")
    ap.add_argument("--phases", action="store_true", help="also break analyze AMPOvsCity down")
    ap.add_argument("--before", type=Path, default=None, help="src folder of an older tree, "
                    "run alternately with this one")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="detente-startup-"))
    trees = {"now": _env(tmp / "now", ROOT / "src")}
    if args.before:
        trees = {"before": _env(tmp / "before", args.before.resolve()), **trees}
    print(f"{os.uname().nodename}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load {os.getloadavg()}")
    load0 = os.getloadavg()[0]
    for env in trees.values():  # warm-up: compiles detente's modules once per tree
        for argv in COMMANDS.values():
            timed(argv, env)
    runs: dict[tuple[str, str], list[Run]] = {(c, t): [] for c in COMMANDS for t in trees}
    for _ in range(args.n):
        for name, argv in COMMANDS.items():
            for tree, env in trees.items():
                runs[name, tree].append(timed(argv, env))
    print("| command | tree | CPU s best / median | wall s best / median | peak RSS MiB | exit |")
    print("|---|---|---|---|---|---|")
    for (name, tree), rs in runs.items():
        cpu = [r.cpu for r in rs]
        wall = [r.wall for r in rs]
        print(f"| `{name}` | {tree} | {min(cpu):.3f} / {statistics.median(cpu):.3f} | "
              f"{min(wall):.3f} / {statistics.median(wall):.3f} | "
              f"{max(r.rss_mib for r in rs):.0f} | {sorted({r.code for r in rs})} |")
    print(f"load {load0:.1f} → {os.getloadavg()[0]:.1f}")
    if args.phases:
        phases(trees["now"], args.n)


if __name__ == "__main__":
    main()
