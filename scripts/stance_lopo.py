"""Leave-one-part-out stance accuracy of the stance configurations beside the cues (§13–§16).

For each development part (``detente.extract.training.PARTS`` present): train each stance
configuration named (``detente.extract.stance_model.CONFIGS``) on every other part and label the
held-out part; the cues (``detente.extract.stance.classify_stance``) label every article as
they are (their figure on the seeds is fitted: they were written there). Prints per part and
pooled, each with a 95 % percentile bootstrap interval over articles (2,000 resamples, seed 0;
:func:`detente.extract.evaluate.scores_of` for the accuracies, the same resamples for the
balanced accuracy): accuracy on argued pieces (gold stance other than ``neutral_report``), on
reports, their mean (the balanced accuracy of §14), on all articles, on the blind parts
(locked4 … locked14) pooled, and on the seven argued-heavy parts held out (dev10, locked9,
locked10, locked11, locked12, locked13, locked14); then §14's decision rule (unchanged by
§15 … §19) for each configuration against the reference (``--reference``: ``vec-both`` under
§17–§19, ``fam-share`` under §16, ``kind-cues`` under §14–§15) — (a) argued higher AND (b)
balanced higher AND (c) reports ≥ 0.85; among those that pass the highest balanced accuracy,
then fewer parameters — the confusion matrix of each
and (§15) its within-argued confusion (gold argued stance × predicted label, argued pieces
only). Reads only development parts, never the locked set.

    PYTHONPATH=src DETENTE_SHARED=/work/shared python3 scripts/stance_lopo.py \
        [--configs vec-both,NAME] [--reference vec-both] [--draws 2000]
"""

from __future__ import annotations

import argparse
import os

# One BLAS/OpenMP thread, set before NumPy loads OpenBLAS: training is then the same on any
# machine (tests/conftest.py says why).
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"

import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from detente.extract.evaluate import GoldArticle, Score, count, scores_of
from detente.extract.lexicon import lexicon
from detente.extract.schema import STANCES, ArticleExtraction
from detente.extract.stance import classify_stance
from detente.extract.training import load_parts
from detente.extract.training_stance import fit_stance, stance_items, stance_lopo

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "extract"
SEEDS = Path(os.environ.get("DETENTE_SHARED") or ROOT.parent / "shared") / "seeds"
BLIND = ("locked4", "locked5", "locked6", "locked7", "locked8", "locked9",
         "locked10", "locked11", "locked12", "locked13", "locked14")
#: The argued-heavy parts §14–§18 ask to see held out.
HEAVY = ("dev10", "locked9", "locked10", "locked11", "locked12", "locked13",
         "locked14")
REPORT = "neutral_report"
#: §14's floor on pooled accuracy on reports.
REPORT_FLOOR = 0.85


def accuracy(golds: Sequence[GoldArticle], labels: Sequence[str], draws: int) -> Score:
    """Stance accuracy of ``labels`` on ``golds`` with its bootstrap interval."""
    if not golds:
        return Score(None, None, None)
    rows = [count(g, ArticleExtraction(file=g.path, extractor="stance", stance=s))
            for g, s in zip(golds, labels, strict=True)]
    return scores_of(rows, draws)["stance_accuracy"]


def balanced(golds: Sequence[GoldArticle], labels: Sequence[str], draws: int,
             seed: int = 0) -> Score:
    """The mean of the accuracies on argued pieces and on reports, with a 95 % percentile
    bootstrap interval over articles (the resamples of :func:`scores_of`: same seed)."""
    if not golds:
        return Score(None, None, None)
    arg = np.array([g.gold["stance"] != REPORT for g in golds])
    ok = np.array([g.gold["stance"] == s for g, s in zip(golds, labels, strict=True)])

    def mean(i: np.ndarray) -> float:
        a, r = arg[i], ~arg[i]
        if not a.any() or not r.any():
            return float("nan")
        return float((ok[i][a].mean() + ok[i][r].mean()) / 2)

    point = mean(np.arange(len(golds)))
    if point != point:
        return Score(None, None, None)
    idx = np.random.default_rng(seed).integers(0, len(golds), size=(draws, len(golds)))
    vals = np.array([mean(i) for i in idx])
    lo, hi = np.percentile(vals[~np.isnan(vals)], [2.5, 97.5])
    return Score(point, float(lo), float(hi))


def figures(parts: dict[str, list[GoldArticle]], held: dict[str, list[str]], draws: int
            ) -> dict[str, Score]:
    """Argued, reports, balanced, all and blind pooled; argued and all on each heavy part."""
    pairs = [(g, s) for p in parts for g, s in zip(parts[p], held[p], strict=True)]
    golds, labels = [g for g, _ in pairs], [s for _, s in pairs]
    rows = [count(g, ArticleExtraction(file=g.path, extractor="stance", stance=s))
            for g, s in pairs]
    pooled = scores_of(rows, draws)
    blind = [(g, s) for p in parts if p in BLIND
             for g, s in zip(parts[p], held[p], strict=True)]
    out = {"argued": pooled["stance_accuracy_argued"],
           "reports": pooled["stance_accuracy_reports"],
           "balanced": balanced(golds, labels, draws), "all": pooled["stance_accuracy"],
           "blind": accuracy([g for g, _ in blind], [s for _, s in blind], draws)}
    for p in HEAVY:
        if p in parts:
            arg = [(g, s) for g, s in zip(parts[p], held[p], strict=True)
                   if g.gold["stance"] != REPORT]
            out[f"{p} argued"] = accuracy([g for g, _ in arg], [s for _, s in arg], draws)
            out[f"{p} all"] = accuracy(parts[p], held[p], draws)
    return out


def parameters(items: Sequence, name: str) -> int:
    """Number of fitted weights (coefficients and intercepts, and §16's learned word-vector
    directions, centre and prototypes) of configuration ``name`` trained on ``items`` (the
    cues: 0)."""
    if name == "cues":
        return 0
    model = fit_stance(items, name)
    return (sum(m.coef.size + m.intercept.size for m in (model.detector, model.classifier)
                if m is not None) + sum(v.size for v in model.vectors.values()))


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


def within(parts: dict[str, list[GoldArticle]], held: dict[str, list[str]]) -> str:
    """§15: gold argued stance × predicted label over the argued pieces only, with the share
    right among those detected as argued."""
    argued = [s for s in STANCES if s != REPORT]
    m = {(a, b): 0 for a in argued for b in (*argued, REPORT)}
    for p in parts:
        for g, s in zip(parts[p], held[p], strict=True):
            if g.gold["stance"] != REPORT:
                m[(g.gold["stance"], s)] += 1
    lines = ["| gold \\ predicted | " + " | ".join((*argued, REPORT)) + " |",
             "|---|" + "---|" * (len(argued) + 1)]
    lines += [f"| {a} | " + " | ".join(str(m[(a, b)]) for b in (*argued, REPORT)) + " |"
              for a in argued]
    found = sum(m[(a, b)] for a in argued for b in argued)
    right = sum(m[(a, a)] for a in argued)
    lines.append(f"right among those detected as argued: {right}/{found}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=2000)
    ap.add_argument("--configs", default="vec-both")
    ap.add_argument("--reference", default="vec-both",
                    help="the configuration the others are judged against (§17: vec-both; "
                         "§16: fam-share; §14–§15: kind-cues)")
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
    figs = {n: figures(parts, held[n], args.draws) for n in held}
    cols = list(figs["cues"])
    print("\n| stance | " + " | ".join(f"{c} [95 %]" for c in cols) + " | parameters |")
    print("|---|" + "---|" * (len(cols) + 1))
    size = {n: parameters(items, n) for n in held}
    for n, f in figs.items():
        print(f"| {n} | " + " | ".join(str(f[c]) for c in cols) + f" | {size[n]} |")
    print(f"(blind: {'+'.join(p for p in BLIND if p in parts)})")
    base = args.reference
    passing = []
    if base in figs:
        ref = figs[base]
        for n in (n for n in held if n not in ("cues", base)):
            f = figs[n]
            a = (f["argued"].value or 0) > (ref["argued"].value or 0)
            b = (f["balanced"].value or 0) > (ref["balanced"].value or 0)
            c = (f["reports"].value or 0) >= REPORT_FLOOR
            if a and b and c:
                passing.append(n)
            print(f"decision (§14–§16) {n} vs {base}: (a) argued {f['argued'].value:.4f} vs "
                  f"{ref['argued'].value:.4f} {a}; (b) balanced {f['balanced'].value:.4f} vs "
                  f"{ref['balanced'].value:.4f} {b}; (c) reports {f['reports'].value:.4f} "
                  f">= {REPORT_FLOOR} {c} → {'passes' if a and b and c else 'fails'}")
        best = max(passing, key=lambda n: (figs[n]["balanced"].value or 0, -size[n]),
                   default=base)
        print(f"decision (§14–§16): ship {best}" + ("" if passing else " (none passes)"))
    for n in held:
        print(f"\nconfusion matrix, {n} (held-out labels, every part):")
        print(confusion(parts, held[n]))
        print(f"within-argued confusion, {n} (argued pieces; rows gold, columns predicted):")
        print(within(parts, held[n]))
    print(f"CPU {time.process_time() - t0:.0f} s")


if __name__ == "__main__":
    main()
