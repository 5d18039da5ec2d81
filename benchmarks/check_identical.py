"""Same numbers bit for bit: EUM Monte Carlo runs and the whole DEU backtest, saved from one
source tree and compared from another (speed work must not change a single bit).

    PYTHONPATH=/tmp/before/src python benchmarks/check_identical.py /tmp/ref.npz   # saves
    python benchmarks/check_identical.py /tmp/ref.npz                              # compares

Covers the four BdM tables (± 10 % ranges, seed 3) under four EUM option sets (Scholz's
defaults on 3,000 china draws; linear votes; Q = 0.5 with 4 rounds; median-stable stopping
with least-movement offers; 300 draws each otherwise) plus each point forecast's trajectory,
every array of the DEU development backtest (8 models, 200 bootstrap draws), and SMP: each of
the 231 DEU issues run alone (trajectory, risk attitudes, ratios, final positions and their
win probabilities), the backtest's batch of them, and every KTAB example's forecast
(trajectory and per-round predictions). Prints the CPU seconds of each part and the load;
exits 1 on any difference.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np

from detente.forecasts.backtest import issue_table, scorable
from detente.forecasts.eum import EUMOptions, ExpectedUtilityModel
from detente.forecasts.montecarlo import InputRanges, monte_carlo
from detente.forecasts.records import backtest_files, issue_tables
from detente.forecasts.smp import SpatialModel, run_smp
from detente.formats.deu import read_deu

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
OPTIONS = (EUMOptions(), EUMOptions(votes="linear"), EUMOptions(q=0.5, rounds=4),
           EUMOptions(stopping="median_stable", offer_selection="least_movement"))


def eum_runs() -> dict[str, np.ndarray]:
    out = {}
    for f in sorted((DATA / "bdm").glob("*.csv")):
        (table, _), = issue_tables(str(f), None)[0]
        for opt in OPTIONS:
            draws = 3000 if f.stem == "china" and opt == EUMOptions() else 300
            mc = monte_carlo(ExpectedUtilityModel(opt), table, InputRanges.spread(table, 0.1),
                             draws, seed=3)
            out[f"{f.stem} {opt!r}"] = mc.draws
            out[f"{f.stem} {opt!r} point"] = ExpectedUtilityModel(opt).forecast(table).trajectory
    return out


def backtest_arrays() -> dict[str, np.ndarray]:
    res = backtest_files(DATA / "deu3-dev.tsv", bootstrap=200).result
    out = {}
    for key, value in vars(res).items():
        if key == "seconds":  # timings differ by nature
            continue
        try:
            out[f"backtest {key}"] = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            out[f"backtest {key}"] = np.frombuffer(repr(value).encode(), dtype=np.uint8)
    return out


def smp_runs() -> dict[str, np.ndarray]:
    model = SpatialModel()
    tables = [issue_table(i) for i in scorable(read_deu(DATA / "deu3-dev.tsv"))]
    out = {"smp batch": model.forecast_batch(tables)}
    for k, t in enumerate(tables):
        res = run_smp(model._unit(t)[0], t.salience, t.capability)
        for key in ("trajectory", "risk", "ratios", "unique", "win_probability"):
            out[f"smp {k} {key}"] = np.asarray(res[key])
    for f in sorted((DATA / "ktab").glob("*.csv")):
        (table, _), = issue_tables(str(f), None)[0]
        fc = model.forecast(table)
        out[f"smp {f.stem} trajectory"] = fc.trajectory
        out[f"smp {f.stem} by round"] = fc.predicted_by_round
    return out


def main() -> None:
    path = Path(sys.argv[1])
    print(f"load {os.getloadavg()[0]:.1f}")
    got: dict[str, np.ndarray] = {}
    for name, part in (("EUM Monte Carlo", eum_runs), ("DEU backtest", backtest_arrays),
                       ("SMP runs", smp_runs)):
        c0 = time.process_time()
        got.update(part())
        print(f"{name}: {time.process_time() - c0:.2f} s CPU")
    if not path.exists():
        np.savez(path, **got)
        print(f"saved {len(got)} arrays to {path}")
        return
    ref = np.load(path)
    bad = [k for k in got if k not in ref or not np.array_equal(ref[k], got[k], equal_nan=True)]
    bad += [k for k in ref.files if k not in got]
    print(f"{len(got)} arrays: " + ("IDENTICAL" if not bad else f"DIFFERENT: {bad[:5]}"))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
