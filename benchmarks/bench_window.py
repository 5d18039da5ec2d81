"""Benchmark: the negotiation window for 100,000 paths × 36 months (target ≤ 2 s).

Simulates the battlefield paths of the bundled Russia–Ukraine war model and computes the window
(range probability with errors, win-sets, proposals, guarantee threshold) at every month, then
the war-end scenario tree. Prints wall time per stage, peak RSS and the ratio to the target.

    python3 benchmarks/bench_window.py [--paths 100000] [--months 36] [--repeat 3]
"""

from __future__ import annotations

import argparse
import resource
import time

TARGET_S = 2.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--paths", type=int, default=100_000)
    ap.add_argument("--months", type=int, default=36)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=2024)
    args = ap.parse_args()

    from detente.war.case import bundled_war_case
    from detente.war.dynamics import simulate
    from detente.war.scenarios import scenario_tree
    from detente.war.window import negotiation_window

    model = bundled_war_case("ru-ua-2024-09").war
    times = []
    for r in range(args.repeat):
        t0 = time.perf_counter()
        paths = simulate(model, args.months, args.paths, args.seed)
        t1 = time.perf_counter()
        window = negotiation_window(model, paths)
        t2 = time.perf_counter()
        tree = scenario_tree(model, paths)
        t3 = time.perf_counter()
        times.append((t1 - t0, t2 - t1, t3 - t2))
        print(f"run {r + 1}: simulate {t1 - t0:.3f} s, window {t2 - t1:.3f} s, "
              f"tree {t3 - t2:.3f} s, simulate+window {t2 - t0:.3f} s")
        del paths
    best = min(a + b for a, b, _ in times)
    first = times[0][0] + times[0][1]
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"paths={args.paths} months={args.months}: simulate+window first run {first:.3f} s, "
          f"best of {args.repeat} {best:.3f} s (target {TARGET_S:.1f} s, "
          f"ratio {best / TARGET_S:.2f}); peak RSS {rss_mb:.0f} MB")
    print(f"P(range exists) month 0 / {args.months}: {window.range_exists.mean[0]:.4f} / "
          f"{window.range_exists.mean[-1]:.4f} (se {window.range_exists.se[-1]:.4f}); "
          f"tree leaves: " + ", ".join(f"{leaf.key} {leaf.probability:.3f}"
                                       for leaf in tree.leaves))


if __name__ == "__main__":
    main()
