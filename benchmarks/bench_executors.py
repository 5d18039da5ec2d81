"""Sampling loops on the three executors (issue #12 item 5): serial, ``local:2`` (a pool of 2
processes) and ``dask-local:2`` (a 2-worker Dask ``LocalCluster``), side by side in one run.

For ``analyze ru-ua-2024-09 --draws 100000`` (the deal Monte Carlo, chunks of 4,096 draws) and
for the negotiation window of ``ru-ua-2024-09`` (``--paths`` paths; the window's and the
scenario tree's per-path work in chunks of 8,192 paths) it prints, per executor, the time to
open it, the time of the loop, the overhead against serial (time − serial time) and whether
the result is identical to the serial one (it must be). The load average is printed before and
after: on a shared machine the figures are only comparable within one run.

Run: ``python benchmarks/bench_executors.py [--draws 100000] [--paths 100000] [--repeat 1]``
(``--no-dask`` skips the LocalCluster).
"""

from __future__ import annotations

import argparse
import os
import time
import warnings
from collections.abc import Callable
from typing import Any

CASE = "ru-ua-2024-09"


def _best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=100_000)
    ap.add_argument("--paths", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--no-dask", action="store_true")
    args = ap.parse_args()
    # Dask warns when a task carries many MiB (the window's path chunks); the size is the point.
    warnings.filterwarnings("ignore", message="Sending large graph")

    from detente.deals import analyze
    from detente.parallel import open_executor
    from detente.scenario import load
    from detente.war.case import resolve_war
    from detente.war.chunked import classify_on, window_on
    from detente.war.dynamics import simulate
    from detente.war.scenarios import scenario_tree

    print(f"load average before: {os.getloadavg()} on {os.cpu_count()} cores")
    scenario = load(CASE)
    war = resolve_war(CASE)[0].war
    t0 = time.perf_counter()
    sim = simulate(war, war.horizon, args.paths, 0)
    t_sim = time.perf_counter() - t0
    print(f"window: simulate {args.paths:,} paths × {war.horizon} months (one process, every "
          f"executor): {t_sim:.2f} s")

    t_det, _ = _best(lambda: analyze(scenario), 1)
    print(f"analyze without draws (the part every executor runs here): {t_det:.2f} s")

    def mc(ex: Any) -> Any:
        return analyze(scenario, draws=args.draws, seed=2024, executor=ex).monte_carlo

    def window(ex: Any) -> Any:
        if ex is None:
            from detente.war.window import negotiation_window

            return negotiation_window(war, sim), scenario_tree(war, sim)
        return window_on(war, sim, ex), scenario_tree(war, sim, classify_on(war, sim, ex))

    specs = ["serial", "local:2"] + ([] if args.no_dask else ["dask-local:2"])
    rows: dict[str, dict[str, float]] = {}
    ref: dict[str, Any] = {}
    for spec in specs:
        t0 = time.perf_counter()
        with open_executor(spec) as ex:
            t_open = time.perf_counter() - t0
            t_mc, r_mc = _best(lambda ex=ex: mc(ex), args.repeat)
            t_w, r_w = _best(lambda ex=ex: window(ex), args.repeat)
        rows[spec] = {"open": t_open, "mc": t_mc, "window": t_w}
        if spec == "serial":
            ref = {"mc": r_mc, "window": r_w}
            _, plain = _best(lambda: window(None), 1)
            assert repr(plain) == repr(r_w), "window on the serial executor differs"
        same_mc = r_mc == ref["mc"]
        same_w = repr(r_w) == repr(ref["window"])
        print(f"{spec:>13}: open {t_open:5.2f} s | analyze MC {args.draws:,} draws "
              f"{t_mc:6.2f} s (overhead {t_mc - rows['serial']['mc']:+.2f} s, identical "
              f"{'yes' if same_mc else 'NO'}) | window {args.paths:,} paths {t_w:5.2f} s "
              f"(overhead {t_w - rows['serial']['window']:+.2f} s, identical "
              f"{'yes' if same_w else 'NO'})")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
