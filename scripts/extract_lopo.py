"""Leave-one-part-out scores of the learned extractor beside the rules (amendment 4, §9).

For each development part (seeds, dev, locked2, locked3, dev5, locked4, dev6 when present):
train the learned extractor on every other part (thresholds by inner leave-one-part-out on
those parts only), score the held-out part with :func:`detente.extract.evaluate.evaluate`
(95 % percentile bootstrap over articles, 2,000 resamples, seed 0), and score the rules on the
same part; then pooled over all held-out parts. Reads only development parts, never locked5.
Ends with the §9 decision rule applied to the table.

    PYTHONPATH=src python3 scripts/extract_lopo.py [--C 0.5] [--min-count 2] [--draws 2000]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from detente.extract.evaluate import Evaluation
from detente.extract.rules import RuleExtractor
from detente.extract.training import MIN_COUNT, C, featurize, load_parts, lopo, score

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "extract"
SEEDS = Path(os.environ.get("DETENTE_SHARED") or ROOT.parent / "shared") / "seeds"


def _cell(ev: Evaluation, key: str = "signal_f1") -> str:
    return str(ev.scores[key])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--C", type=float, default=C)
    ap.add_argument("--min-count", type=int, default=MIN_COUNT)
    ap.add_argument("--draws", type=int, default=2000)
    args = ap.parse_args()
    t0 = time.process_time()
    items = featurize(load_parts(DATA, SEEDS), RuleExtractor())
    held = lopo(items, args.C, args.min_count)
    print(f"C={args.C} min_count={args.min_count}; load {os.getloadavg()[0]:.1f}")
    print("| held-out part | articles | gold signals | rules F1 [95 %] | learned F1 [95 %] "
          "| learned P / R |")
    print("|---|---|---|---|---|---|")
    all_items, all_got, f1 = [], [], {}
    for part, got in held.items():
        its = [it for it in items if it.part == part]
        rules = score(its, [it.ruled for it in its], args.draws)
        learned = score(its, got, args.draws)
        f1[part] = (rules.scores["signal_f1"].value, learned.scores["signal_f1"].value)
        gold = sum(len(it.gold.gold.get("signals", [])) for it in its)
        print(f"| {part} | {len(its)} | {gold} | {_cell(rules)} | {_cell(learned)} | "
              f"{learned.scores['signal_precision'].value:.3f} / "
              f"{learned.scores['signal_recall'].value:.3f} |")
        all_items += its
        all_got += got
    rules = score(all_items, [it.ruled for it in all_items], args.draws)
    learned = score(all_items, all_got, args.draws)
    gold = sum(len(it.gold.gold.get("signals", [])) for it in all_items)
    print(f"| **pooled** | {len(all_items)} | {gold} | {_cell(rules)} | {_cell(learned)} | "
          f"{learned.scores['signal_precision'].value:.3f} / "
          f"{learned.scores['signal_recall'].value:.3f} |")
    print(f"quotes exact (learned, pooled): {learned.scores['quotes_exact']}")
    r, m = rules.scores["signal_f1"].value or 0.0, learned.scores["signal_f1"].value or 0.0
    loses = [p for p in ("dev5", "locked4") if p in f1 and (f1[p][1] or 0) < (f1[p][0] or 0)]
    default = m > r and len(loses) < 2
    print(f"decision (§9): pooled learned {m:.3f} vs rules {r:.3f}; loses on "
          f"{', '.join(loses) or 'neither of dev5, locked4'} → default: "
          f"{'learned' if default else 'rules'}")
    print(f"CPU {time.process_time() - t0:.0f} s")


if __name__ == "__main__":
    main()
