"""Run the challenger-v3 protocol on a DEU development file and print every figure it reports.

    python3 scripts/challenger3_selection.py ../shared/data/deu3-dev.tsv

Prints (``docs/forecast-protocol.md``, amendment of the third session): every candidate's
out-of-fold MAE with the paired bootstrap interval vs the compromise model, the variant the
selection rule chooses and its fit on the whole file, the nested cross-validation of the whole
procedure, and the repeated half-split holdout. Uses the development file only.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np

from detente.forecasts.backtest import issue_table, paired_bootstrap, scorable
from detente.forecasts.selection import (
    candidate_grids,
    choose,
    compromise_forecasts,
    cv_forecasts,
    fold_ids,
    half_splits,
    nested_cv,
)
from detente.formats.deu import read_deu


def _interval(pred: np.ndarray, base: np.ndarray, y: np.ndarray, clusters: np.ndarray,
              draws: int, seed: int) -> list[float]:
    errors = np.abs(np.stack([base, pred]) - y)
    ci = paired_bootstrap(errors, 0, clusters, draws, np.random.default_rng(seed))
    return [round(float(v), 2) for v in ci[1]]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dev")
    ap.add_argument("--repeats", type=int, default=200)
    ap.add_argument("--draws", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    data = read_deu(args.dev)
    issues = scorable(data)
    tables = [issue_table(i, "era", data.gdp) for i in issues]
    y = np.array([i.outcome for i in issues], dtype=float)
    groups = [i.proposal for i in issues]
    order = {p: g for g, p in enumerate(dict.fromkeys(groups))}    # as the backtest numbers them
    clusters = np.array([order[p] for p in groups])
    folds = fold_ids(groups)
    base = compromise_forecasts(tables)
    grids = candidate_grids(tables)
    print(f"{len(y)} issues, {len(set(groups))} proposals; load average "
          f"{tuple(round(v, 2) for v in os.getloadavg())}")
    print(f"compromise: MAE {np.abs(base - y).mean():.2f}")
    mae: dict[str, float] = {}
    for v, g in grids.items():
        pred = cv_forecasts(g, y, folds)
        mae[v] = float(np.abs(pred - y).mean())
        fits = [g.params(g.fit(y, np.flatnonzero(folds != f))) for f in range(10)]
        print(f"candidate {v}: out-of-fold MAE {mae[v]:.2f}, − compromise "
              f"{_interval(pred, base, y, clusters, args.draws, args.seed)}; per-fold fits "
              f"{sorted({json.dumps(_short(q)) for q in fits})}")
    chosen = choose(mae)
    g = grids[chosen]
    full = g.params(g.fit(y, np.arange(len(y))))
    print(f"chosen: {chosen}; fit on all issues: {_short(full)} (in-sample MAE "
          f"{np.abs(g.predict(g.fit(y, np.arange(len(y))), np.arange(len(y))) - y).mean():.2f})")
    nest = nested_cv(grids, y, folds)
    print(f"nested CV (selection inside each fold): MAE {np.abs(nest.forecasts - y).mean():.2f}"
          f", − compromise {_interval(nest.forecasts, base, y, clusters, args.draws, args.seed)}"
          f"; chosen per fold {nest.chosen}")
    diff = half_splits(g, y, base, groups, args.repeats, args.seed)
    lo, hi = np.quantile(diff, [0.025, 0.975])
    print(f"half splits ({args.repeats} repeats, {chosen} fitted on half the proposals): "
          f"MAE − compromise on the other half: mean {diff.mean():+.2f}, 2.5–97.5 % "
          f"[{lo:+.2f}, {hi:+.2f}], challenger better in {np.mean(diff < 0):.0%} of repeats")
    return 0


def _short(q: object) -> dict[str, object]:
    from dataclasses import asdict

    d = asdict(q)  # type: ignore[call-overload]
    keep = {"council": ("m_com", "m_ep"), "status-quo": ("lam_qmv", "lam_unan"),
            "salience": ("beta", "gamma"), "median-blend": ("mu",),
            "council+status-quo": ("m_com", "m_ep", "lam_qmv", "lam_unan")}[d["variant"]]
    return {k: d[k] for k in keep}


if __name__ == "__main__":
    sys.exit(main())
