"""Learning curve of the learned extractor (protocol amendment 7, §12): held-out signal F1
against the amount of training gold.

Leave-one-part-out over the development parts (``detente.extract.training.PARTS``; never the
locked set): for each held-out part the training set (every other part) is subsampled to a
fraction of its articles — the same fraction of *each* training part (at least one article of
each), so the mix of parts stays that of the full set and only the quantity changes — two
subsample seeds below 100 %. The recipe is trained on the subsample exactly as
``scripts/extract_lopo.py`` trains it (thresholds by inner leave-one-part-out on the
subsample) and scored on the whole held-out part. Per fraction and seed: pooled F1 over all
held-out parts and over the blind parts (locked4–locked7) with 95 % percentile bootstrap
intervals over articles (2,000 resamples, seed 0, the project's evaluator), and the mean
training size per fold (articles, gold signals).

Then a log-linear fit, F1 = a + b·ln(n), of pooled F1 against training size n (articles and
gold signals) over every (fraction, seed) point, and the n at which the line reaches 0.7 —
an *extrapolation* beyond the measured range. Its uncertainty: a paired bootstrap over the
held-out articles (the same resample for every point; 2,000 resamples, seed 0) refits the
line each time; the interval of b and of n(0.7) are percentiles (n(0.7) is unbounded where
b ≤ 0). Subsample variance between seeds is visible in the table, not in that interval.

    PYTHONPATH=src OMP_NUM_THREADS=1 python3 scripts/extract_learning_curve.py \\
        [--recipes stack8] [--fractions 0.25,0.5,0.75,1] [--seeds 0,1] [--draws 2000] \\
        [--dump points.json]
    PYTHONPATH=src python3 scripts/extract_learning_curve.py --report points.json

(``--report`` prints the table and fits of a dump again without training.)

Deterministic: subsamples from ``numpy.random.default_rng([seed, percent, fold])``; training
as in ``detente.extract.training``.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from detente.extract.evaluate import count
from detente.extract.rules import RuleExtractor
from detente.extract.schema import ArticleExtraction
from detente.extract.training import RECIPES, Item, extractions, featurize, fit, load_parts

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "extract"
SEEDS = Path(os.environ.get("DETENTE_SHARED") or ROOT.parent / "shared") / "seeds"
#: The parts whose annotators wrote no rule and saw no model (§12).
BLIND = ("locked4", "locked5", "locked6", "locked7")
TARGET = 0.7


def subsample(items: list[Item], fraction: float, rng: np.random.Generator) -> list[Item]:
    """``fraction`` of each part's articles (at least one), in their original order."""
    if fraction >= 1:
        return list(items)
    keep: list[int] = []
    for part in dict.fromkeys(it.part for it in items):
        idx = [i for i, it in enumerate(items) if it.part == part]
        k = max(1, round(fraction * len(idx)))
        keep += [int(i) for i in rng.choice(idx, size=k, replace=False)]
    return [items[i] for i in sorted(keep)]


def _gold(items: list[Item]) -> int:
    return sum(len(it.gold.gold.get("signals", [])) for it in items)


def run_point(items: list[Item], recipe: str, fraction: float, seed: int,
              keep: list[ArticleExtraction] | None = None
              ) -> tuple[list[Item], list[dict[str, int]], float, float]:
    """Held-out counts of every article (in part order) for one (fraction, seed); the mean
    training size per fold in articles and gold signals (``keep`` receives the held-out
    extractions)."""
    order, counts, n_art, n_gold = [], [], [], []
    parts = list(dict.fromkeys(it.part for it in items))
    for fold, held in enumerate(parts):
        rng = np.random.default_rng([seed, round(100 * fraction), fold])
        train = subsample([it for it in items if it.part != held], fraction, rng)
        test = [it for it in items if it.part == held]
        got = extractions(fit(train, RECIPES[recipe]), test)
        order += test
        if keep is not None:
            keep += got
        counts += [count(it.gold, x) for it, x in zip(test, got, strict=True)]
        n_art.append(len(train))
        n_gold.append(_gold(train))
    return order, counts, float(np.mean(n_art)), float(np.mean(n_gold))


def _f1(c: np.ndarray) -> np.ndarray:
    """Pooled signal F1 from (…, articles, 3) counts tp/gold/pred summed over articles."""
    s = c.sum(axis=-2)
    return 2 * s[..., 0] / np.maximum(s[..., 1] + s[..., 2], 1)


def fit_loglinear(x: np.ndarray, f1: np.ndarray) -> tuple[float, float]:
    """Least squares F1 = a + b·ln(x): returns (a, b)."""
    b, a = np.polyfit(np.log(x), f1, 1)
    return float(a), float(b)


def needed(a: float, b: float) -> float:
    """The n at which a + b·ln(n) reaches :data:`TARGET` (inf when b ≤ 0)."""
    with np.errstate(over="ignore"):
        return float(np.exp((TARGET - a) / b)) if b > 0 else float("inf")


def extrapolate(sizes: np.ndarray, counts: np.ndarray, draws: int, seed: int = 0
                ) -> dict[str, float]:
    """Fit on the points (``counts``: points × articles × 3) and a paired bootstrap over the
    held-out articles of the slope and of n(0.7)."""
    a, b = fit_loglinear(sizes, _f1(counts))
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, counts.shape[1], size=(draws, counts.shape[1]))
    boot_f1 = _f1(counts[:, idx, :]).T  # draws × points
    slopes, ns = [], []
    for row in boot_f1:
        ba, bb = fit_loglinear(sizes, row)
        slopes.append(bb)
        ns.append(needed(ba, bb))
    lo_b, hi_b = np.percentile(slopes, [2.5, 97.5])
    # order statistics, not interpolation: an unbounded n (slope ≤ 0) stays unbounded
    lo_n, med_n, hi_n = np.percentile(ns, [2.5, 50, 97.5], method="inverted_cdf")
    return {"a": a, "b": b, "b_low": float(lo_b), "b_high": float(hi_b), "n": needed(a, b),
            "n_low": float(lo_n), "n_median": float(med_n), "n_high": float(hi_n),
            "share_b_le_0": float(np.mean(np.array(slopes) <= 0))}


def _point(items: list[Item], recipe: str, f: float, s: int) -> dict[str, Any]:
    """One (fraction, seed) point as stored in the dump: files and parts in held-out order,
    per-article counts, mean training size, the held-out signals (actor, kind, span)."""
    got: list[ArticleExtraction] = []
    order, counts, n_a, n_g = run_point(items, recipe, f, s, got)
    return {"fraction": f, "seed": s, "files": [it.gold.path for it in order],
            "parts": [it.part for it in order], "counts": counts, "articles": n_a,
            "gold": n_g, "signals": [[[x.actor, x.kind, x.start, x.end] for x in g.signals]
                                     for g in got]}


def report(recipe: str, points: list[dict[str, Any]], draws: int) -> None:
    """The table (one row per point) and the log-linear fits, pooled and blind-pooled."""
    print(f"\nrecipe {recipe}: {RECIPES[recipe]}")
    print("| fraction | seed | train articles (mean/fold) | train gold (mean/fold) | "
          "pooled F1 [95 %] | blind pooled F1 [95 %] (" + "+".join(BLIND) + ") |")
    print("|---|---|---|---|---|---|")
    for pt in points:
        blind = [i for i, p in enumerate(pt["parts"]) if p in BLIND]
        f, s = pt["fraction"], pt["seed"]
        print(f"| {f:.2f} | {s if f < 1 else '–'} | {pt['articles']:.1f} | {pt['gold']:.1f} | "
              f"{_score(pt['counts'], draws)} | "
              f"{_score([pt['counts'][i] for i in blind], draws)} |")
    blind = [i for i, p in enumerate(points[0]["parts"]) if p in BLIND]
    arr = np.array([[[c["signal_tp"], c["signal_gold"], c["signal_pred"]] for c in pt["counts"]]
                    for pt in points], dtype=float)
    for scope, counts in (("pooled", arr), ("blind pooled", arr[:, blind, :])):
        for name in ("articles", "gold"):
            e = extrapolate(np.array([pt[name] for pt in points]), counts, draws)
            print(f"log-linear fit ({recipe}, {scope} F1, n = training {name}): F1 = "
                  f"{e['a']:.3f} + {e['b']:.4f}·ln n; slope 95 % [{e['b_low']:.4f}, "
                  f"{e['b_high']:.4f}] (resamples with slope ≤ 0: {e['share_b_le_0']:.3f}); "
                  f"F1 {TARGET} at n ≈ {e['n']:.3g} (bootstrap median {e['n_median']:.3g}, "
                  f"95 % [{e['n_low']:.3g}, {e['n_high']:.3g}])")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--recipes", default="stack8")
    ap.add_argument("--fractions", default="0.25,0.5,0.75,1")
    ap.add_argument("--seeds", default="0,1")
    ap.add_argument("--draws", type=int, default=2000)
    ap.add_argument("--dump", type=Path, help="write every point (JSON) as it is measured")
    ap.add_argument("--report", type=Path, help="only print the table and fits of a dump")
    args = ap.parse_args()
    t0 = time.process_time()
    if args.report:
        dump = json.loads(args.report.read_text(encoding="utf-8"))
        for recipe, points in dump.items():
            report(recipe, points, args.draws)
        return
    fractions = [float(f) for f in args.fractions.split(",")]
    seeds = [int(s) for s in args.seeds.split(",")]
    parts, rules = load_parts(DATA, SEEDS), RuleExtractor()
    cache: dict[int, list[Item]] = {}
    out: dict[str, list[dict[str, Any]]] = {}
    for recipe in args.recipes.split(","):
        fs = RECIPES[recipe].features
        if fs.version not in cache:
            cache[fs.version] = featurize(parts, rules, fs)
        for f in fractions:
            for s in (seeds if f < 1 else seeds[:1]):
                out.setdefault(recipe, []).append(_point(cache[fs.version], recipe, f, s))
                if args.dump:
                    args.dump.write_text(json.dumps(out), encoding="utf-8")
        report(recipe, out[recipe], args.draws)
    print(f"load {os.getloadavg()[0]:.1f}; CPU {time.process_time() - t0:.0f} s")


def _score(counts: list[dict[str, int]], draws: int) -> str:
    """Pooled signal F1 with its 95 % bootstrap interval from per-article counts — the
    evaluator's own resampling (seed 0), without recounting."""
    from detente.extract.evaluate import scores_of

    f1 = scores_of(counts, draws)["signal_f1"]
    return f"{f1.value:.3f} [{f1.low:.3f}, {f1.high:.3f}]"


if __name__ == "__main__":
    main()
