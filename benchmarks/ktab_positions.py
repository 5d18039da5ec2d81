"""Compare KTAB's positions, turn by turn, with detente's SMP run of the same CSV (issue 19).

    python benchmarks/ktab_positions.py KTAB_DB.sqlite INPUT.csv

KTAB's ``smpc --csv`` writes every actor's position of every turn to its SQLite database
(table ``VectorPosition``, 0–100, rounded to 0.01). This prints the number of turns on each
side and the largest difference of any actor, turn and dimension after rounding detente's
positions to the same 0.01 grid; "identical" means 0.
"""

from __future__ import annotations

import sqlite3
import sys

import numpy as np

from detente.forecasts.smp import SpatialModel
from detente.formats.ktab import read_ktab_csv


def main() -> None:
    db, csv = sys.argv[1], sys.argv[2]
    with sqlite3.connect(db) as con:
        rows = con.execute("SELECT Turn_t, Act_i, Dim_k, Pos_Coord FROM VectorPosition").fetchall()
    t = np.array(rows)
    turns, actors, dims = (int(t[:, i].max()) + 1 for i in range(3))
    ktab = np.full((turns, actors, dims), np.nan)
    ktab[t[:, 0].astype(int), t[:, 1].astype(int), t[:, 2].astype(int)] = t[:, 3]
    ours = SpatialModel().forecast(read_ktab_csv(csv)).trajectory
    print(f"turns: KTAB {turns - 1}, detente {ours.shape[0] - 1}")
    if ours.shape == ktab.shape:
        diff = np.abs(np.round(ours, 2) - ktab)
        print(f"largest difference of any position (0.01 grid): {np.nanmax(diff):.4f} "
              f"over {np.isfinite(diff).sum()} positions")


if __name__ == "__main__":
    main()
