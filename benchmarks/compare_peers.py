"""Whole-command times of detente against its peers, each pair back to back (issue 19).

For every task of the table in ``docs/performance.md`` this runs the peer's command and
detente's command as whole processes, alternately (warm-up, then peer, detente, peer, detente,
…), and prints per side the median wall time and peak RSS (``os.wait4``), the median of the
pair-by-pair ratios peer ÷ detente (pairs taken together hold when the machine's speed drifts),
its min–max, the same for CPU time (user + sys, the steadier figure on a loaded machine), the
target, and the load average before and after. A peer that is not installed
is skipped, with a line saying how to provide it; peers are never dependencies of detente.

Peers and how they are found:

- negmas (frontier + Nash of GENIUS domains): ``--negmas-python`` (a Python that can import
  negmas, e.g. a throwaway venv), else this Python if it can;
- KTAB Release SMP: ``$DETENTE_PEER_KTAB``, a command with ``{csv}`` for the input file;
- Schelling (EUM Monte Carlo, DEU backtest): ``$DETENTE_PEER_SCHELLING_EUM`` and
  ``$DETENTE_PEER_SCHELLING_BACKTEST``, commands with ``{csv}`` / ``{tsv}``;
- pandas (GDELT dyad filter): this Python, if it imports pandas (the baseline script of
  ``benchmarks/bench_signals_import.py``) on a file of ``--gdelt-rows`` rows built there.

detente runs as an installed package does, byte-compiled: its commands get a private
``PYTHONPYCACHEPREFIX`` (and no ``PYTHONDONTWRITEBYTECODE``), so the warm-up run compiles the
sources once and the counted runs do not recompile them (the peers are installed, compiled).

``--hogs N`` keeps N busy-loop processes running through every pair (the issue's "both cores
busy elsewhere" for the import), started here and stopped by their process ids afterwards.

Run: ``python benchmarks/compare_peers.py [-n 3] [--only 7issues,smp] [--gdelt-rows 10000000]
[--hogs 2] [--backtest-args '--executor local:2']``
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".." / "shared" / "data"
DETENTE = [sys.executable, "-m", "detente.cli.app"]

NEGMAS = """
import sys, warnings
warnings.filterwarnings("ignore")
from pathlib import Path
from negmas.inout import Scenario
from negmas.preferences import nash_points, pareto_frontier
dom, *prof = [Path(a) for a in sys.argv[1:]]
sc = Scenario.from_genius_files(domain=dom, ufuns=prof, safe_parsing=False)
front, _ = pareto_frontier(sc.ufuns, issues=sc.outcome_space.issues)
print(len(front), nash_points(sc.ufuns, front, issues=sc.outcome_space.issues)[:1])
"""


@dataclass
class Pair:
    task: str
    key: str
    peer: str
    target: float
    peer_cmd: Callable[[Path], list[str] | str]  # argv, or why it cannot run
    ours: Callable[[Path], list[str]]


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mib: float
    code: int


def timed(argv: list[str], env: dict[str, str] | None = None) -> Run:
    """One whole process: wall time, CPU (user + sys) and peak RSS from ``os.wait4``."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=env)
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, proc.returncode)


def _negmas_python(arg: str | None) -> str | None:
    for py in ([arg] if arg else []) + [sys.executable]:
        if subprocess.run([py, "-c", "import negmas"], capture_output=True).returncode == 0:
            return py
    return None


def _env_cmd(var: str, **paths: Path) -> list[str] | str:
    tmpl = os.environ.get(var)
    if not tmpl:
        return f"not installed here: set ${var} to its command"
    return shlex.split(tmpl.format(**{k: str(v) for k, v in paths.items()}))


def pairs(args: argparse.Namespace) -> list[Pair]:
    py = _negmas_python(args.negmas_python)
    genius = DATA / "genius"
    a080 = DATA / "ktab" / "dummyData-a080.csv"
    deu = DATA / "deu3-dev.tsv"

    def negmas(folder: Path) -> Callable[[Path], list[str] | str]:
        def cmd(_t: Path) -> list[str] | str:
            if not py:
                return ("negmas not importable: pip install negmas in a venv, then "
                        "--negmas-python VENV/bin/python")
            from detente.formats.genius import _classify  # which file is the domain

            domains, profiles = _classify(folder)[:2]
            return [py, "-c", NEGMAS, str(domains[0]), *map(str, profiles)]
        return cmd

    def pandas_cmd(tmp: Path) -> list[str] | str:
        if subprocess.run([sys.executable, "-c", "import pandas"]).returncode:
            return "pandas not installed (pip install pandas)"
        from bench_signals_import import PANDAS
        return [sys.executable, "-c", PANDAS, str(_gdelt(tmp, args.gdelt_rows, args.gdelt_file))]

    def detente_import(tmp: Path) -> list[str]:
        from bench_signals_import import DETENTE as SCRIPT
        return [sys.executable, "-c", SCRIPT, str(_gdelt(tmp, args.gdelt_rows, args.gdelt_file)),
                str(tmp / "events.sqlite")]

    return [
        Pair("AMPOvsCity frontier + Nash", "ampo", "negmas", 50,
             negmas(genius / "other" / "AMPOvsCity"),
             lambda _t: [*DETENTE, "analyze", str(genius / "other" / "AMPOvsCity")]),
        Pair("7issues (10^7) frontier + Nash", "7issues", "negmas", 50,
             negmas(genius / "templates" / "7issues"),
             lambda _t: [*DETENTE, "analyze", str(genius / "templates" / "7issues")]),
        Pair("SMP a080", "smp", "KTAB Release", 100,
             lambda _t: _env_cmd("DETENTE_PEER_KTAB", csv=a080),
             lambda _t: [*DETENTE, "forecast", str(a080), "-m", "smp"]),
        Pair("EUM Monte Carlo 10,000 draws", "eum", "Schelling", 10,
             lambda _t: _env_cmd("DETENTE_PEER_SCHELLING_EUM", csv=DATA / "bdm" / "china.csv"),
             lambda _t: [*DETENTE, "forecast", str(DATA / "bdm" / "china.csv"), "-m", "eum",
                         "--draws", "10000"]),
        Pair("DEU backtest, development file" + (f" ({' '.join(args.backtest_args)})"
                                                    if args.backtest_args else ""),
             "backtest", "Schelling", 5,
             lambda _t: _env_cmd("DETENTE_PEER_SCHELLING_BACKTEST", tsv=deu),
             lambda _t: [*DETENTE, "backtest", str(deu), *args.backtest_args]),
        Pair("GDELT import, dyad filter", "gdelt", "pandas", 5, pandas_cmd, detente_import),
    ]


def _gdelt(tmp: Path, rows: int, given: str | None = None) -> Path:
    if given:
        return Path(given)
    path = tmp / "gdelt2.export.CSV"
    if not path.exists():
        from bench_signals_import import build
        build(path, rows)
    return path


def compare(peer: list[str], ours: list[str], n: int,
            env: dict[str, str], warmup: int = 1) -> tuple[list[Run], list[Run]]:
    for _ in range(warmup):  # file cache, byte-compiled modules
        timed(peer), timed(ours, env)
    if warmup == 0:  # still compile detente's side (the private byte-code cache starts empty)
        timed(ours, env)
    a, b = [], []
    for _ in range(n):
        a.append(timed(peer))
        b.append(timed(ours, env))
    return a, b


def compiled_env(tmp: Path) -> dict[str, str]:
    """This environment, with detente's byte code cached under ``tmp`` (as installed)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    return env


def hogs(n: int) -> list[subprocess.Popen[bytes]]:
    """``n`` busy loops, one process each."""
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=3, help="counted pairs per task")
    ap.add_argument("--only", default="", help="comma-separated keys: ampo, 7issues, smp, "
                    "eum, backtest, gdelt")
    ap.add_argument("--negmas-python", default=None)
    ap.add_argument("--warmup", type=int, default=1, help="uncounted pairs first (0 for a "
                    "peer that runs for minutes; detente's command still runs once, untimed, "
                    "to fill its byte-code cache)")
    ap.add_argument("--gdelt-rows", type=int, default=10_000_000)
    ap.add_argument("--gdelt-file", default=None, help="an existing GDELT file to import "
                    "(default: build one of --gdelt-rows rows in a temporary folder)")
    ap.add_argument("--hogs", type=int, default=0, help="busy-loop processes kept running "
                    "beside every pair (e.g. 2: both cores busy elsewhere)")
    ap.add_argument("--backtest-args", default="", help="extra arguments of detente's "
                    "backtest, e.g. '--executor local:2' (its CPU time then includes the "
                    "pool's processes, reaped before it exits)")
    args = ap.parse_args()
    args.backtest_args = shlex.split(args.backtest_args)
    sys.path[:0] = [str(ROOT / "benchmarks"), str(ROOT / "src")]
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])])
    only = set(filter(None, args.only.split(",")))
    print(f"{os.uname().nodename}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load {os.getloadavg()}, "
          f"{args.hogs} busy-loop processes beside each pair")
    print("| task | peer | peer s (RSS MiB) | detente s (RSS MiB) | ratio median (min–max) | "
          "CPU s peer / detente = ratio (min–max) | target | load before → after |")
    print("|---|---|---|---|---|---|---|---|")
    tmp = Path(tempfile.mkdtemp(prefix="detente-peers-"))
    env = compiled_env(tmp)
    busy: list[subprocess.Popen[bytes]] = []
    try:
        for p in pairs(args):
            if only and p.key not in only:
                continue
            peer = p.peer_cmd(tmp)
            if isinstance(peer, str):
                print(f"| {p.task} | {p.peer} | skipped: {peer} | | | | ≥ {p.target:g}× | |")
                continue
            ours = p.ours(tmp)  # builds the GDELT file first, before any busy loop
            busy = hogs(args.hogs)
            load0 = os.getloadavg()[0]
            try:
                a, b = compare(peer, ours, args.n, env, args.warmup)
            finally:
                for h in busy:
                    h.kill()
                    h.wait()
            ratios = [x.wall / y.wall for x, y in zip(a, b, strict=True)]
            bad = [r.code for r in a + b if r.code]
            if bad:  # a failed run is no time: no ratio
                print(f"| {p.task} | {p.peer} | failed: exit codes {bad} (peer "
                      f"{[r.code for r in a]}, detente {[r.code for r in b]}) | | | | "
                      f"≥ {p.target:g}× | |", flush=True)
                continue
            cpu = [x.cpu / y.cpu for x, y in zip(a, b, strict=True)]
            print(f"| {p.task} | {p.peer} | {statistics.median(r.wall for r in a):.2f} "
                  f"({max(r.rss_mib for r in a):.0f}) | "
                  f"{statistics.median(r.wall for r in b):.2f} ({max(r.rss_mib for r in b):.0f}) "
                  f"| {statistics.median(ratios):.1f}× ({min(ratios):.1f}–{max(ratios):.1f}) | "
                  f"{statistics.median(r.cpu for r in a):.2f} / "
                  f"{statistics.median(r.cpu for r in b):.2f} = {statistics.median(cpu):.1f}× "
                  f"({min(cpu):.1f}–{max(cpu):.1f}) | "
                  f"≥ {p.target:g}× | {load0:.1f} → {os.getloadavg()[0]:.1f} |", flush=True)
    finally:
        for h in busy:
            h.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
