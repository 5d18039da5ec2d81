"""Run the challenger-v4 protocol on a DEU development file and print every figure it reports.

    python3 scripts/challenger4_selection.py ../shared/data/deu3-dev.tsv

Prints (``docs/forecast-protocol.md``, amendment of the fourth session): every member's MAE
(members are not fitted), every candidate's out-of-fold MAE with the paired bootstrap interval
vs the compromise model and its fits per fold, the one-standard-error selection and the chosen
variant's fit on the whole file, the nested cross-validation of the whole procedure, and the
repeated half-split holdout. Uses the development file only. Errors are in percent of each
issue's scale (points on DEU's 0–100).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter

import numpy as np

from detente.forecasts.backtest import issue_table, paired_bootstrap, scorable
from detente.forecasts.challenger import is_test_proposal
from detente.forecasts.challenger4 import (
    DELTA_GRID,
    MEMBERS,
    Challenger4Params,
    Stack,
    fit_params,
    predict_percent,
    snap_forecasts,
    stack_issues,
)
from detente.forecasts.selection import fold_ids
from detente.forecasts.selection4 import cluster_ids, half_splits, nested_cv, select
from detente.formats.deu import read_deu


def _interval(pred: np.ndarray, base: np.ndarray, y: np.ndarray, clusters: np.ndarray,
              draws: int, seed: int) -> str:
    errors = np.abs(np.stack([base, pred]) - y)
    ci = paired_bootstrap(errors, 0, clusters, draws, np.random.default_rng(seed))[1]
    return f"{ci[0]:+.2f} [{ci[1]:+.2f}, {ci[2]:+.2f}]"


def _short(q: object) -> str:
    d = vars(q)
    if d["variant"] == "snap":
        return f"δ={d['delta']}"
    w = " ".join(f"{m}:{a:.2f}" for m, a in zip(MEMBERS, d["weights"], strict=True) if a > 5e-3)
    if d["weights_unan"] is not None:
        u = " ".join(f"{m}:{a:.2f}" for m, a in zip(MEMBERS, d["weights_unan"], strict=True)
                     if a > 5e-3)
        return f"qmv[{w}] unan[{u}]"
    return f"[{w}]" + (f" λ={d['lam']}" if d["variant"] == "lad-shrunk" else "")


def _describe(st: Stack, y: np.ndarray, q: Challenger4Params) -> None:
    """What the chosen variant does (descriptive, in sample for its parameters)."""
    pred, x = predict_percent(st, q), st.xhat
    moved = np.abs(pred - x) > 1e-9
    e0, e1 = np.abs(x - y), np.abs(pred - y)
    print(f"chosen fit: moves x̂ on {moved.sum()} of {len(y)} issues (mean move "
          f"{np.abs(pred - x)[moved].mean() if moved.any() else 0.0:.2f}); closer than the "
          f"compromise on {(e1 < e0 - 1e-9).sum()}, further on {(e1 > e0 + 1e-9).sum()}, equal "
          f"on {(np.abs(e1 - e0) <= 1e-9).sum()}; forecast equals the outcome on "
          f"{(e1 < 1e-9).sum()} issues (compromise {(e0 < 1e-9).sum()})")
    v1_test = np.array([is_test_proposal(g) for g in st.groups])
    print(f"    on challenger v1's held-out proposals ({v1_test.sum()} issues; v1 lost there, "
          f"25.54 vs 24.36): compromise {e0[v1_test].mean():.2f}, chosen {e1[v1_test].mean():.2f}"
          f"; by rule: QMV {e0[~st.unanimity].mean():.2f} vs {e1[~st.unanimity].mean():.2f}, "
          f"unanimity {e0[st.unanimity].mean():.2f} vs {e1[st.unanimity].mean():.2f}")
    if q.variant == "snap":
        profile = {d: round(float(np.abs(snap_forecasts(st, (d,))[0] - y).mean()), 2)
                   for d in DELTA_GRID}
        print(f"    in-sample MAE over the δ grid (descriptive): {profile}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dev")
    ap.add_argument("--repeats", type=int, default=200)
    ap.add_argument("--draws", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    t0 = time.process_time()
    data = read_deu(args.dev)
    issues = scorable(data)
    st = stack_issues([issue_table(i, "era", data.gdp) for i in issues])
    y = st.percent(np.array([i.outcome for i in issues], dtype=float))
    groups = list(st.groups)
    clusters, folds = cluster_ids(groups), fold_ids(groups)
    base = st.xhat
    print(f"{len(y)} issues, {len(set(groups))} proposals; load average "
          f"{tuple(round(v, 2) for v in os.getloadavg())}")
    for m, f in zip(MEMBERS, st.f, strict=True):
        print(f"member {m}: MAE {np.abs(f - y).mean():.2f}, − compromise "
              f"{_interval(f, base, y, clusters, args.draws, args.seed)}")
    sel, oof = select(st, y, folds, draws=args.draws, seed=args.seed)
    for v, pred in oof.items():
        fits = [_short(fit_params(v, st.take(np.flatnonzero(folds != f)),
                                  y[folds != f])) for f in range(10)]
        print(f"candidate {v}: out-of-fold MAE {sel.mae[v]:.2f}, − compromise "
              f"{_interval(pred, base, y, clusters, args.draws, args.seed)}; SE of the "
              f"difference to the best {sel.se[v]:.2f}; per-fold fits:")
        for f, text in enumerate(fits):
            print(f"    fold {f}: {text}")
    full = fit_params(sel.chosen, st, y)
    print(f"eligible (within one SE of the best): {list(sel.eligible)}; chosen: {sel.chosen}")
    print(f"chosen, fitted on all issues: {full} (in-sample MAE "
          f"{np.abs(predict_percent(st, full) - y).mean():.2f})")
    nest = nested_cv(st, y, folds, args.draws, args.seed)
    print(f"nested CV (selection inside each fold): MAE {np.abs(nest.forecasts - y).mean():.2f}"
          f", − compromise {_interval(nest.forecasts, base, y, clusters, args.draws, args.seed)}"
          f"; chosen per fold {nest.chosen}")
    halves = half_splits(sel.chosen, st, y, args.repeats, args.seed)
    diff = halves.differences
    lo, hi = np.quantile(diff, [0.025, 0.975])
    print(f"half splits ({args.repeats} repeats, {sel.chosen} fitted on half the proposals): "
          f"MAE − compromise on the other half: mean {diff.mean():+.2f}, 2.5–97.5 % "
          f"[{lo:+.2f}, {hi:+.2f}], challenger better in {np.mean(diff < 0):.0%} of repeats")
    fits = Counter(_short(q) for q in halves.fitted)
    print(f"    fits on the halves: {dict(fits.most_common())}")
    for text in sorted(fits):
        pick = np.array([_short(q) == text for q in halves.fitted])
        print(f"    repeats fitted to {text}: mean difference {diff[pick].mean():+.2f}")
    _describe(st, y, full)
    print(f"CPU time {time.process_time() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
