"""Benchmark: the negotiation window for 100,000 paths × 36 months (target ≤ 2 s).

Simulates the battlefield paths of the war section of the bundled ``ru-ua-2024-09`` scenario
(the one calibration of the case) and computes the window (range probability with errors,
win-sets, proposals, commitment outcome per guarantee option, g*) at every month, then the
war-end scenario tree. Runs the case's learning beliefs and the old random walk side by side
(learning may cost at most 3× the random walk) and prints wall time per stage, the load
average, peak RSS and the ratio to the target.
Then the window over the package space of a bundled scenario (``--package-case``) on
``--package-paths`` paths × ``--months`` months: war BATNAs per path and month, the exact
package-ZOPA test and the bundled proposals (aim: seconds for 2,000 × 36).

    python3 benchmarks/bench_window.py [--paths 100000] [--months 36] [--repeat 3]
        [--package-case ru-ua-2024-09] [--package-paths 2000]
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
    ap.add_argument("--package-case", default="ru-ua-2024-09")
    ap.add_argument("--package-paths", type=int, default=2000)
    args = ap.parse_args()

    import os

    from detente.scenario.war import BeliefModel
    from detente.war.case import bundled_war_case
    from detente.war.dynamics import simulate
    from detente.war.scenarios import scenario_tree
    from detente.war.window import negotiation_window

    learning = bundled_war_case("ru-ua-2024-09").war
    walk = learning.model_copy(update={"beliefs": learning.beliefs.model_copy(
        update={"model": BeliefModel.random_walk})})
    print(f"load average before: {os.getloadavg()}")
    best: dict[str, float] = {}
    for label, model in (("random_walk", walk), ("learning", learning)):
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
            print(f"{label} run {r + 1}: simulate {t1 - t0:.3f} s, window {t2 - t1:.3f} s, "
                  f"tree {t3 - t2:.3f} s, simulate+window {t2 - t0:.3f} s")
            del paths
        best[label] = min(a + b for a, b, _ in times)
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{label}: paths={args.paths} months={args.months}: simulate+window best of "
              f"{args.repeat} {best[label]:.3f} s (target {TARGET_S:.1f} s, ratio "
              f"{best[label] / TARGET_S:.2f}); peak RSS {rss_mb:.0f} MB")
        print(f"  P(range exists) month 0 / {args.months}: {window.range_exists.mean[0]:.4f} / "
              f"{window.range_exists.mean[-1]:.4f}; P(self-enforcing) month 0 / {args.months}: "
              f"{window.self_enforcing.mean[0]:.4f} / {window.self_enforcing.mean[-1]:.4f}; "
              f"tree leaves: " + ", ".join(f"{leaf.key} {leaf.probability:.3f}"
                                           for leaf in tree.leaves))
    print(f"learning / random walk: {best['learning'] / best['random_walk']:.2f}x (limit 3x); "
          f"load average after: {os.getloadavg()}")
    if args.package_paths > 0:
        _bench_packages(args)


def _bench_packages(args: argparse.Namespace) -> None:
    from detente.cases import case_path
    from detente.scenario import load_file
    from detente.war.dynamics import simulate
    from detente.war.package_window import package_window

    scenario = load_file(case_path(args.package_case))
    assert scenario.war is not None, f"{args.package_case} has no war section"
    best = float("inf")
    for r in range(args.repeat):
        paths = simulate(scenario.war, args.months, args.package_paths, args.seed)
        t0 = time.perf_counter()
        pw = package_window(scenario, paths, args.package_paths, args.seed)
        dt = time.perf_counter() - t0
        best = min(best, dt)
        cells = pw.n_paths * (pw.months + 1)
        print(f"package run {r + 1}: {args.package_case} {pw.n_paths} paths × {pw.months} "
              f"months ({cells:,} cells) in {dt:.3f} s; settled by bound / candidate / "
              f"enumeration: {pw.settled[0]:,} / {pw.settled[1]:,} / {pw.settled[2]:,}")
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"package window best of {args.repeat}: {best:.3f} s "
          f"({1e6 * best / cells:.1f} µs per path-month); peak RSS {rss_mb:.0f} MB")
    print(f"P(package ZOPA non-empty) month 0 / {pw.months}: {pw.zopa.mean[0]:.4f} / "
          f"{pw.zopa.mean[-1]:.4f}; " + ", ".join(
              f"{p.id} {p.accepted.mean[-1]:.3f}" for p in pw.proposals))


if __name__ == "__main__":
    main()
