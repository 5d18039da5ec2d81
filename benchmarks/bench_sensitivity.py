"""Sensitivity benchmarks (issue #12) on ``ru-ua-2024-09``: cost per model evaluation and its
growth with inputs and samples; Sobol' indices with intervals for all ~110 uncertain inputs on
all headline targets (target ≤ 30 s on 2 cores, peak < 2 GiB); Morris screening (≤ 5 s); a
4-worker Dask LocalCluster against one process (same numbers; overhead shown).

Run: ``python benchmarks/bench_sensitivity.py [--samples 512] [--quick]``. The headline runs
each go in a fresh subprocess so that peak RSS (self + children) is their own. Figures measured
on a shared machine print the load average beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np

CASE = "ru-ua-2024-09"


def _peak_mib() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024  # Linux: KiB; children: the largest worker


def child(kind: str, samples: int) -> None:
    """One headline measurement in this process; prints one JSON line."""
    from detente.scenario import load
    from detente.sensitivity import open_executor, sensitivity
    from detente.sensitivity.morris import morris
    from detente.sensitivity.targets import DealModel

    s = load(CASE)
    out: dict[str, object] = {"kind": kind}
    if kind == "sobol":
        from detente.sensitivity.sobol import sobol

        model = DealModel(s)
        groups = model.space.groups()
        with open_executor("local:2") as ex:
            t = time.perf_counter()
            sobol(model, samples, 2024, ex, groups)
            out["seconds"] = time.perf_counter() - t
            t = time.perf_counter()
            sensitivity(s, method="oat", executor=ex, source=CASE)
            out["oat_seconds"] = time.perf_counter() - t
        out.update(evaluations=samples * (model.space.dim + len(groups) + 2),
                   inputs=model.space.dim, targets=len(model.targets))
    else:
        model = DealModel(s)
        with open_executor("serial") as ex:
            t = time.perf_counter()
            morris(model, samples, 2024, ex)
            out["screening_seconds"] = time.perf_counter() - t
            t = time.perf_counter()
            sensitivity(s, method="morris", samples=samples, executor=ex, source=CASE)
            out["with_break_even_seconds"] = time.perf_counter() - t
        out.update(evaluations=samples * (model.space.dim + 1), inputs=model.space.dim)
    out["peak_mib"] = _peak_mib()
    print(json.dumps(out))


def _spawn(kind: str, samples: int) -> dict[str, object]:
    res = subprocess.run([sys.executable, __file__, "--child", kind, "--samples", str(samples)],
                         capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def cost_and_scaling(quick: bool) -> None:
    from detente.scenario import load
    from detente.sensitivity import open_executor
    from detente.sensitivity.inputs import InputSpace, deal_inputs
    from detente.sensitivity.sobol import sobol
    from detente.sensitivity.targets import DealModel

    s = load(CASE)
    full = InputSpace(tuple(deal_inputs(s)))
    model = DealModel(s, full)
    rng = np.random.default_rng(0)
    for n in (256, 4096):
        X = full.values(rng.random((n, full.dim)))
        model(X)
        t = time.perf_counter()
        model(X)
        dt = time.perf_counter() - t
        print(f"  model evaluation, {len(model.targets)} targets, chunk {n:5d}: "
              f"{1e3 * dt / n:.3f} ms per row")
    print("  Sobol' (serial, 100 bootstrap resamples) as inputs grow, n = 128:")
    with open_executor("serial") as ex:
        for d in (10, 30, 60, full.dim):
            sub = InputSpace(full.inputs[:d])
            m = DealModel(s, sub)
            t = time.perf_counter()
            sobol(m, 128, 1, ex, sub.groups())
            dt = time.perf_counter() - t
            evals = 128 * (d + len(sub.groups()) + 2)
            print(f"    d = {d:3d}: {evals:7,} evaluations, {dt:6.2f} s, "
                  f"{1e3 * dt / evals:.3f} ms per evaluation")
        print("  Sobol' (serial) as samples grow, all inputs:")
        for n in ((128, 256) if quick else (128, 256, 512)):
            t = time.perf_counter()
            sobol(model, n, 1, ex, full.groups())
            dt = time.perf_counter() - t
            evals = n * (full.dim + len(full.groups()) + 2)
            print(f"    n = {n:4d}: {evals:7,} evaluations, {dt:6.2f} s")


def dask_overhead() -> None:
    from detente.scenario import load
    from detente.sensitivity import open_executor
    from detente.sensitivity.sobol import sobol
    from detente.sensitivity.targets import DealModel

    model = DealModel(load(CASE))
    res = {}
    for spec in ("serial", "dask-local:4"):
        with open_executor(spec) as ex:
            t = time.perf_counter()
            r = sobol(model, 128, 1, ex, model.space.groups())
            res[spec] = (time.perf_counter() - t, r)
    same = all(np.array_equal(getattr(res["serial"][1], f), getattr(res["dask-local:4"][1], f))
               for f in ("first", "total", "first_ci", "total_ci"))
    print(f"  Sobol' n = 128, all inputs: one process {res['serial'][0]:.2f} s; 4-worker "
          f"LocalCluster {res['dask-local:4'][0]:.2f} s (cluster start excluded); identical "
          f"numbers: {same}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--child")
    ap.add_argument("--samples", type=int, default=512)
    ap.add_argument("--morris", type=int, default=10)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    if args.child:
        child(args.child, args.samples)
        return
    print(f"bench_sensitivity on {CASE}; {os.cpu_count()} cores; load average "
          f"{os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    print("cost per model evaluation and scaling:")
    cost_and_scaling(args.quick)
    r = _spawn("sobol", args.samples)
    print(f"Sobol' on all {r['inputs']} inputs and {r['targets']} targets (n = {args.samples}, "
          f"{r['evaluations']:,} evaluations, local:2): {r['seconds']:.1f} s, peak "
          f"{r['peak_mib']:.0f} MiB (targets ≤ 30 s, < 2048 MiB); tornado and break-even "
          f"values for every verdict {r['oat_seconds']:.1f} s")
    m = _spawn("morris", args.morris)
    print(f"Morris, {args.morris} trajectories ({m['evaluations']:,} evaluations, serial): "
          f"screening {m['screening_seconds']:.2f} s (target ≤ 5 s); with tornado and "
          f"break-even values {m['with_break_even_seconds']:.2f} s; peak {m['peak_mib']:.0f} MiB")
    if not args.quick:
        try:
            dask_overhead()
        except ImportError:
            print("  (dask.distributed not installed: pip install 'detente[dask]')")
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
