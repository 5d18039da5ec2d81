"""Deal-analysis benchmarks (issue #2): utility evaluation rate, a 10^7-outcome two-actor Pareto
frontier in bounded memory, and ``detente analyze`` on a bundled case with 10,000 draws.

Run: ``python benchmarks/bench_deals.py`` (each figure is measured in a fresh subprocess so
that its peak RSS is its own). Targets: ≥ 10^7 outcomes/s on one core; frontier < 2 GiB peak;
analyze in seconds.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time

import numpy as np


def random_space(n_issues: int, n_options: int, n_actors: int, seed: int = 0):
    from detente.deals.space import AdditiveSpace

    rng = np.random.default_rng(seed)
    w = rng.dirichlet(np.ones(n_issues), size=n_actors)
    contrib = tuple(w[:, k, None] * rng.random((n_actors, n_options)) for k in range(n_issues))
    return AdditiveSpace(tuple(f"a{i}" for i in range(n_actors)),
                         tuple(f"i{k}" for k in range(n_issues)),
                         tuple(tuple(str(o) for o in range(n_options)) for _ in range(n_issues)),
                         contrib, np.zeros(n_actors))


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_eval() -> dict[str, float]:
    space = random_space(7, 10, 2)  # 10^7 outcomes
    best = np.inf
    for _ in range(3):
        t0 = time.perf_counter()
        acc = 0.0
        for _, u in space.chunks():
            acc += float(u[0, -1])
        best = min(best, time.perf_counter() - t0)
    return {"outcomes": space.n_outcomes, "seconds": best,
            "outcomes_per_s": space.n_outcomes / best, "peak_rss_mib": peak_mib()}


def bench_frontier(method: str) -> dict[str, float]:
    from detente.deals.pareto import pareto_frontier

    space = random_space(7, 10, 2)
    t0 = time.perf_counter()
    f = pareto_frontier(space, method=method)
    dt = time.perf_counter() - t0
    return {"outcomes": space.n_outcomes, "seconds": dt, "frontier": len(f),
            "outcomes_per_s": space.n_outcomes / dt, "peak_rss_mib": peak_mib()}


def bench_analyze(case: str, draws: int) -> dict[str, float]:
    t0 = time.perf_counter()
    res = subprocess.run([sys.executable, "-m", "detente.cli.app", "analyze", case, "--draws",
                          str(draws), "--seed", "1", "--quiet"], capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if res.returncode != 0:
        raise SystemExit(res.stderr)
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"case": case, "draws": draws, "seconds": dt, "peak_rss_mib": child}


def main() -> None:
    if len(sys.argv) > 1:
        which = sys.argv[1]
        if which == "eval":
            out = bench_eval()
        elif which == "frontier":
            out = bench_frontier(sys.argv[2])
        else:
            out = bench_analyze(sys.argv[2], int(sys.argv[3]))
        print(json.dumps(out))
        return
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")

    def run(*args: str) -> dict[str, float]:
        res = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True,
                             env=env, check=True)
        return json.loads(res.stdout.strip().splitlines()[-1])

    e = run("eval")
    print(f"utility evaluation: {e['outcomes']:,} outcomes, 2 actors, one core: "
          f"{e['seconds']:.3f} s = {e['outcomes_per_s'] / 1e6:.1f} M outcomes/s "
          f"(target ≥ 10 M/s); peak RSS {e['peak_rss_mib']:.0f} MiB")
    for method in ("enumerate", "issuewise"):
        f = run("frontier", method)
        print(f"Pareto frontier ({method}), 2 actors, {f['outcomes']:,} outcomes: "
              f"{f['seconds']:.3f} s, {f['frontier']:,} frontier points; peak RSS "
              f"{f['peak_rss_mib']:.0f} MiB (target < 2048 MiB)")
    from detente.cases import case_names

    for case in case_names():
        a = run("analyze", case, "10000")
        print(f"detente analyze {case} --draws 10000: {a['seconds']:.2f} s wall "
              f"(process start included); peak RSS {a['peak_rss_mib']:.0f} MiB")


if __name__ == "__main__":
    main()
