"""Benchmarks of the stakeholder forecasts; prints its figures.

    python benchmarks/bench_forecasts.py

- SMP on KTAB's dummyData-a080 / a160 (targets 1.5 s / 10 s; KTAB Release: 43 s / ~8 min here),
  plus the four KTAB reference runs checked position by position (0.01 grid) and turn count.
- EUM: 10,000 Monte Carlo draws of the car-emission case, 10 rounds (target 1 s).
- Full DEU backtest of every model (target 30 s), in sample and with grouped 10-fold
  cross-validation (fittable models refitted in each fold), wall and CPU seconds per model,
  with MAE, CRPS and the coverage of the 50 % / 80 % intervals.
The load average is printed: the machine is shared, and wall times under load say so.
Peak resident memory from ``resource.getrusage`` (Linux: kilobytes).
"""

from __future__ import annotations

import os
import re
import resource
import time
from pathlib import Path

import numpy as np

from detente.forecasts.backtest import run_backtest
from detente.forecasts.eum import EUMOptions, ExpectedUtilityModel
from detente.forecasts.montecarlo import InputRanges, monte_carlo
from detente.forecasts.run import make_forecasters
from detente.forecasts.smp import SpatialModel
from detente.formats.deu import read_deu
from detente.formats.ktab import read_ktab_csv
from detente.formats.stakeholders import read_stakeholder_csv

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn, repeat: int = 3):
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def smp_references() -> None:
    text = (DATA / "ktab" / "reference-final-positions.md").read_text()
    for name in ("dummyData_3Dim", "SOE-Pol-Comp", "SOE-Policy", "dummyData_6Dim"):
        sec = text.split(f"## {name}.csv")[1].split("```")[1]
        turns = int(re.search(r"t=(\d+)", sec).group(1))
        finals = {m.group(1): [float(v) for v in m.group(2).split(",")]
                  for m in re.finditer(r"([\w\-]+): ([\d\., ]+?) \[", sec.split("per actor")[1])}
        t = read_ktab_csv(DATA / "ktab" / f"{name}.csv")
        sec_, f = timed(lambda t=t: SpatialModel().forecast(t))
        got = np.round(f.trajectory[-1], 2)
        want = np.array([finals[a] for a in t.actors])
        worst = float(np.abs(got - want).max())
        print(f"SMP {name:15s} N={t.n_actors:3d} K={t.n_dimensions}: {sec_:.3f} s, turns "
              f"{f.rounds} (KTAB {turns}), max |diff| on the 0.01 grid {worst:.4f} -> "
              f"{'EQUAL' if worst < 1e-9 and f.rounds == turns else 'DIFFERENT'}")


def smp_large() -> None:
    targets = {"a080": (1.5, 43.0), "a160": (10.0, 480.0)}
    for tag, (target, ktab) in targets.items():
        t = read_ktab_csv(DATA / "ktab" / f"dummyData-{tag}.csv")
        sec, f = timed(lambda t=t: SpatialModel().forecast(t), repeat=2)
        again = SpatialModel().forecast(t)
        same = np.array_equal(f.trajectory, again.trajectory)
        print(f"SMP dummyData-{tag}: {sec:.2f} s (target {target} s; KTAB Release ~{ktab:.0f} s "
              f"-> {ktab / sec:.0f}x), turns {f.rounds}, {len(f.details['final_positions'])} "
              f"distinct final positions, forecast {f.position[0]:.2f}, repeatable {same}")
    print("  (no KTAB reference positions for a080/a160 in the shared data: equality is "
          "checked on the four reference runs above)")


def eum_monte_carlo() -> None:
    t = read_stakeholder_csv(DATA / "bdm" / "emission.csv")
    model = ExpectedUtilityModel(EUMOptions(rounds=10))
    ranges = InputRanges.spread(t, 0.1)
    sec, mc = timed(lambda: monte_carlo(model, t, ranges, 10_000, seed=1))
    q = mc.quantiles()[:, 0]
    print(f"EUM emission, 10,000 draws x 10 rounds: {sec:.2f} s (target 1 s); forecast "
          f"5/50/95 %: {q[0]:.2f} / {q[1]:.2f} / {q[2]:.2f} years")


def deu_backtest() -> None:
    data = read_deu(DATA / "deu3-dev.tsv")
    models = make_forecasters(["all", "challenger2", "challenger3", "challenger4"])
    for split in ("all", "cv"):
        t0, c0 = time.perf_counter(), time.process_time()
        res = run_backtest(data, models, bootstrap=2000, seed=0, split=split)
        sec, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(f"DEU backtest ({split}), {len(res.issues)} issues, {len(models)} models, 2000 "
              f"bootstrap draws: {sec:.2f} s wall, {cpu:.2f} s CPU (target 30 s); load "
              f"average {os.getloadavg()[0]:.1f}")
        print("  per model seconds: " + ", ".join(f"{k} {v:.2f}"
                                                  for k, v in res.seconds.items()))
        for name, row in res.scores().items():
            b = res.bootstrap[name]
            print(f"  {name:12s} MAE {row['mae']:.2f} ({b['mae_difference']:+.2f} "
                  f"[{b['lower']:+.2f}, {b['upper']:+.2f}] vs compromise)  CRPS "
                  f"{row['crps']:.2f}  50 % covers {100 * row['coverage50']:.1f} %  80 % covers "
                  f"{100 * row['coverage80']:.1f} %")


if __name__ == "__main__":
    print(f"load average at start: {os.getloadavg()}")
    if not DATA.exists():
        raise SystemExit(f"shared data not found at {DATA}")
    smp_references()
    smp_large()
    eum_monte_carlo()
    deu_backtest()
    print(f"peak RSS: {peak_mb():.0f} MB")
