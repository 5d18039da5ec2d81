"""Leave-one-part-out stance accuracy of the §13 stance configurations beside the cues.

For each development part (``detente.extract.training.PARTS`` present): train each stance
configuration named (``detente.extract.stance_model.CONFIGS``) on every other part and label the
held-out part; the cues (``detente.extract.stance.classify_stance``) label every article as
they are (their figure on the seeds is fitted: they were written there). Prints per part and
pooled: accuracy on argued pieces (gold stance other than ``neutral_report``), on all articles
and on the five blind parts (locked4 … locked8) pooled, each with a 95 % percentile bootstrap
interval over articles (:func:`detente.extract.evaluate.scores_of`, 2,000 resamples, seed 0);
then the §13 decision rule (a) AND (b) AND (c) for each configuration against the cues, and
the confusion matrix of each. Reads only development parts, never the locked set.

    PYTHONPATH=src DETENTE_SHARED=/work/shared python3 scripts/stance_lopo.py \
        [--configs kind-cues,kind-words,flat] [--draws 2000]
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Sequence
from pathlib import Path

from detente.extract.evaluate import GoldArticle, Score, count, scores_of
from detente.extract.lexicon import lexicon
from detente.extract.schema import STANCES, ArticleExtraction
from detente.extract.stance import classify_stance
from detente.extract.training import load_parts
from detente.extract.training_stance import stance_items, stance_lopo

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "extract"
SEEDS = Path(os.environ.get("DETENTE_SHARED") or ROOT.parent / "shared") / "seeds"
BLIND = ("locked4", "locked5", "locked6", "locked7", "locked8")
REPORT = "neutral_report"


def accuracy(golds: Sequence[GoldArticle], labels: Sequence[str], draws: int) -> Score:
    """Stance accuracy of ``labels`` on ``golds`` with its bootstrap interval."""
    if not golds:
        return Score(None, None, None)
    rows = [count(g, ArticleExtraction(file=g.path, extractor="stance", stance=s))
            for g, s in zip(golds, labels, strict=True)]
    return scores_of(rows, draws)["stance_accuracy"]


def three(parts: dict[str, list[GoldArticle]], held: dict[str, list[str]], draws: int
          ) -> dict[str, Score]:
    """Argued pooled, all pooled, blind pooled."""
    pairs = [(g, s) for p in parts for g, s in zip(parts[p], held[p], strict=True)]
    argued = [(g, s) for g, s in pairs if g.gold["stance"] != REPORT]
    blind = [(g, s) for p in parts if p in BLIND
             for g, s in zip(parts[p], held[p], strict=True)]
    return {name: accuracy([g for g, _ in rows], [s for _, s in rows], draws)
            for name, rows in (("argued", argued), ("all", pairs), ("blind", blind))}


def confusion(parts: dict[str, list[GoldArticle]], held: dict[str, list[str]]) -> str:
    order = [*(s for s in STANCES if s != REPORT), REPORT]
    m = {(a, b): 0 for a in order for b in order}
    for p in parts:
        for g, s in zip(parts[p], held[p], strict=True):
            m[(g.gold["stance"], s)] += 1
    lines = ["| gold \\ predicted | " + " | ".join(order) + " |",
             "|---|" + "---|" * len(order)]
    lines += [f"| {a} | " + " | ".join(str(m[(a, b)]) for b in order) + " |" for a in order]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=2000)
    ap.add_argument("--configs", default="kind-cues,kind-words,flat")
    args = ap.parse_args()
    t0 = time.process_time()
    lex = lexicon()
    parts = load_parts(DATA, SEEDS)
    items = stance_items(parts, lex)
    held = {"cues": {p: [classify_stance(g.article.body, g.article.title, lex) for g in gs]
                     for p, gs in parts.items()}}
    for name in args.configs.split(","):
        held[name] = stance_lopo(parts, items, name, lex)
    n_arg = sum(g.gold["stance"] != REPORT for gs in parts.values() for g in gs)
    print(f"parts: {', '.join(parts)}; {sum(map(len, parts.values()))} articles, {n_arg} "
          f"argued; load {os.getloadavg()[0]:.1f}")
    print("| held-out part | articles | argued | " + " | ".join(
        f"{n} argued / all" for n in held) + " |")
    print("|---|---|---|" + "---|" * len(held))
    for p, gs in parts.items():
        arg = [i for i, g in enumerate(gs) if g.gold["stance"] != REPORT]
        cells = []
        for n in held:
            ok = [held[n][p][i] == g.gold["stance"] for i, g in enumerate(gs)]
            cells.append(f"{sum(ok[i] for i in arg)}/{len(arg)} / {sum(ok)}/{len(gs)}")
        print(f"| {p} | {len(gs)} | {len(arg)} | " + " | ".join(cells) + " |")
    figures = {n: three(parts, held[n], args.draws) for n in held}
    print("\n| stance | argued pooled [95 %] | all pooled [95 %] | blind pooled "
          f"({'+'.join(BLIND)}) [95 %] |")
    print("|---|---|---|---|")
    for n, f in figures.items():
        print(f"| {n} | {f['argued']} | {f['all']} | {f['blind']} |")
    cue = figures["cues"]
    for n in (n for n in held if n != "cues"):
        f = figures[n]
        a = (f["argued"].value or 0) > (cue["argued"].value or 0)
        b = (f["all"].value or 0) >= (cue["all"].value or 0)
        c = (f["blind"].value or 0) >= (cue["blind"].value or 0)
        print(f"decision (§13) {n} vs cues: (a) argued {f['argued'].value:.4f} vs "
              f"{cue['argued'].value:.4f} {a}; (b) all {f['all'].value:.4f} vs "
              f"{cue['all'].value:.4f} {b}; (c) blind {f['blind'].value:.4f} vs "
              f"{cue['blind'].value:.4f} {c} → {n + ' passes' if a and b and c else 'fails'}")
    for n in held:
        print(f"\nconfusion matrix, {n} (held-out labels, every part):")
        print(confusion(parts, held[n]))
    print(f"CPU {time.process_time() - t0:.0f} s")


if __name__ == "__main__":
    main()
