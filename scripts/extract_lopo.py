"""Leave-one-part-out scores of the learned extractors beside the rules (amendments 5–7).

For each development part (``detente.extract.training.PARTS`` present: seeds, dev, locked2,
locked3, dev5, locked4, dev6, locked5, locked6, locked7, locked8, dev10, locked9, locked10,
locked11, locked12, locked13, locked14):
train each learned recipe named (``detente.extract.training.RECIPES``: the §9 model
``current``, the §10 model ``new``, the §11 configurations ``stack*``, the §12 ones ``nine*``,
the §17 ones ``p12*``, the §18 ones ``p13*``, the §19 ones ``p14*``)
on every other part
(thresholds by inner leave-one-part-out on those parts only), score the held-out part with
:func:`detente.extract.evaluate.evaluate` (95 % percentile bootstrap over articles, 2,000
resamples, seed 0), and score the rules on the same part; then pooled over all held-out parts,
and pooled over the eleven blind parts (locked4 … locked14, §19), and (§18) over the argued pieces
and over the reports of every part (by the gold stance; the seeds apart). Reads only
development parts, never the locked set. Ends with the §12 decision rule applied to each
configuration against the default's recipe (``p13act`` under §19) when both are run.

    PYTHONPATH=src python3 scripts/extract_lopo.py [--draws 2000] [--recipes p13act,NAME]
"""

from __future__ import annotations

import argparse
import os

# One BLAS/OpenMP thread, set before NumPy loads OpenBLAS: training is then the same on any
# machine (tests/conftest.py says why).
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"

import time
from pathlib import Path
from typing import Any

from detente.extract.evaluate import Evaluation
from detente.extract.rules import RuleExtractor
from detente.extract.training import (
    RECIPES,
    Item,
    featurize,
    load_parts,
    lopo,
    score,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "extract"
SEEDS = Path(os.environ.get("DETENTE_SHARED") or ROOT.parent / "shared") / "seeds"
#: The parts whose annotators wrote no rule and saw no model (§11's second condition).
BLIND = ("locked4", "locked5", "locked6", "locked7", "locked8", "locked9",
         "locked10", "locked11", "locked12", "locked13", "locked14")
#: The default's recipe (§18.2's ``p13act``, the reference of §19): the recipe every new
#: configuration is judged against under §12's rule.
PREVIOUS = "p13act"


def _kind(it: Item) -> str:
    """``argued`` or ``reports`` by the article's gold stance (§18); the seeds, argued texts
    annotated like reports, are neither."""
    if it.part == "seeds":
        return "seeds"
    return "reports" if it.gold.gold.get("stance") == "neutral_report" else "argued"


def _cell(ev: Evaluation) -> str:
    s = ev.scores
    return (f"{s['signal_f1']} ({s['signal_precision'].value:.3f} / "
            f"{s['signal_recall'].value:.3f})")


def _table(items: dict[str, list[Item]], held: dict[str, dict[str, list[Any]]], draws: int
           ) -> dict[str, dict[str, float]]:
    """Print one row per held-out part and the pooled row; return the F1 per part/model."""
    names = ["rules", *held]
    print("| held-out part | articles | gold | " + " | ".join(
        f"{n} F1 [95 %] (P / R)" for n in names) + " |")
    print("|---|---|---|" + "---|" * len(names))
    first = next(iter(items.values()))
    parts = list(dict.fromkeys(it.part for it in first))
    f1: dict[str, dict[str, float]] = {}
    exact = []
    for part in [*parts, "pooled", "blind", "argued", "reports"]:
        chosen = {"pooled": parts, "blind": [p for p in parts if p in BLIND]}.get(
            part, parts if part in ("argued", "reports") else [part])
        cells = []
        for name in names:
            its = items.get(name, first)
            rows = [it for p in chosen for it in its if it.part == p]
            got = ([it.ruled for it in rows] if name == "rules"
                   else [x for p in chosen for x in held[name][p]])
            if part in ("argued", "reports"):  # §18: by the gold stance, the seeds apart
                keep = [_kind(it) == part for it in rows]
                rows = [it for it, k in zip(rows, keep, strict=True) if k]
                got = [x for x, k in zip(got, keep, strict=True) if k]
            ev = score(rows, got, draws)
            f1.setdefault(part, {})[name] = ev.scores["signal_f1"].value or 0.0
            cells.append(_cell(ev))
            if part == "pooled":
                exact.append(f"{name} {ev.scores['quotes_exact']}")
        rows = [it for it in first if it.part in chosen
                and (part not in ("argued", "reports") or _kind(it) == part)]
        gold = sum(len(it.gold.gold.get("signals", [])) for it in rows)
        label = {"pooled": "**pooled**", "blind": "**blind pooled** (" + "+".join(BLIND)
                 + ")", "argued": "argued pieces (gold stance, every part but the seeds)",
                 "reports": "reports (gold neutral_report)"}.get(part, part)
        print(f"| {label} | {len(rows)} | {gold} | " + " | ".join(cells) + " |")
    print("quotes exact (pooled): " + "; ".join(exact))
    return f1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=2000)
    ap.add_argument("--recipes", default="p13act")
    args = ap.parse_args()
    t0 = time.process_time()
    parts, rules = load_parts(DATA, SEEDS), RuleExtractor()
    names = args.recipes.split(",")
    by_features: dict[int, list[Item]] = {}
    for n in names:  # one featurization per feature set, shared by the recipes using it
        fs = RECIPES[n].features
        if fs.version not in by_features:
            by_features[fs.version] = featurize(parts, rules, fs)
    items = {n: by_features[RECIPES[n].features.version] for n in names}
    held = {n: lopo(items[n], RECIPES[n]) for n in names}
    print(f"recipes: { {n: RECIPES[n] for n in names} }; load {os.getloadavg()[0]:.1f}")
    f1 = _table(items, held, args.draws)
    print("exact point F1 (pooled / blind pooled): " + "; ".join(
        f"{n} {f1['pooled'][n]:.5f} / {f1['blind'][n]:.5f}" for n in names))
    for name in (n for n in names if PREVIOUS in names and n != PREVIOUS):
        new, old = f1["pooled"][name], f1["pooled"][PREVIOUS]
        bnew, bold = f1["blind"][name], f1["blind"][PREVIOUS]
        won = new > old and bnew >= bold
        print(f"decision (§12) {name} vs {PREVIOUS}: (a) pooled {new:.4f} vs {old:.4f}, "
              f"(b) blind pooled {bnew:.4f} vs {bold:.4f} → "
              f"{name + ' passes' if won else PREVIOUS + ' stays the default'}")
    print(f"CPU {time.process_time() - t0:.0f} s")


if __name__ == "__main__":
    main()
