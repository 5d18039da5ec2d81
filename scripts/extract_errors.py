"""Error analysis of held-out predictions (protocol amendment 7, §12): why gold was missed and
why predictions were wrong, per kind and per part, with the evaluator's matching.

Reads a dump of ``scripts/extract_learning_curve.py --dump`` (the held-out signals of every
article at one point, e.g. the recipe at 100 %) and the development gold; featurizes once to
know which gold no candidate can hold. A missed gold signal is *wrong kind* when an unmatched
prediction of the same actor overlaps it, *wrong actor* when one of the same kind does, *no
candidate* when the pipeline has no candidate for it (``training.label``'s count), otherwise
*below threshold*; a wrong prediction is *kind* when gold of the same actor (another kind)
overlaps it, *actor* when gold of the same kind (another actor) does, *other* when any gold
does, otherwise *spurious*.

    PYTHONPATH=src python3 scripts/extract_errors.py DUMP [--recipe stack8] [--point 0]
        [--part locked7]
"""

from __future__ import annotations

import argparse
import json
import os
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from detente.extract.rules import RuleExtractor
from detente.extract.schema import SIGNAL_KINDS
from detente.extract.training import Item, featurize, load_parts
from detente.extract.verify import find_span

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "extract"
SEEDS = Path(os.environ.get("DETENTE_SHARED") or ROOT.parent / "shared") / "seeds"
Span = tuple[int, int]
Sig = tuple[str, str, Span]


def _overlap(a: Span, b: Span) -> bool:
    return min(a[1], b[1]) - max(a[0], b[0]) > 0


def _matched(gold: list[Sig], pred: list[Sig]) -> tuple[set[int], set[int]]:
    """Greedy one-to-one matching by overlap (as :func:`detente.extract.evaluate._match`)."""
    pairs = sorted(((min(g[2][1], p[2][1]) - max(g[2][0], p[2][0]), i, j)
                    for i, g in enumerate(gold) for j, p in enumerate(pred)
                    if g[:2] == p[:2] and _overlap(g[2], p[2])), reverse=True)
    used_g: set[int] = set()
    used_p: set[int] = set()
    for _, i, j in pairs:
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
    return used_g, used_p


def causes(it: Item, pred: list[Sig]) -> tuple[list[tuple[str, str]], list[tuple[str, str]],
                                                 int]:
    """(kind, cause) of each missed gold signal and each wrong prediction; matches."""
    body = it.gold.article.body
    gold = [(g["actor"], g["kind"], find_span(body, g["quote"]) or (-1, -1))
            for g in it.gold.gold.get("signals", [])]
    ug, up = _matched(gold, pred)
    free = [p for j, p in enumerate(pred) if j not in up]
    no_cand = Counter({SIGNAL_KINDS[k]: int(n) for k, n in enumerate(it.missed)})
    missed = []
    for g in (g for i, g in enumerate(gold) if i not in ug):
        if any(p[0] == g[0] and _overlap(p[2], g[2]) for p in free):
            cause = "wrong kind"
        elif any(p[1] == g[1] and _overlap(p[2], g[2]) for p in free):
            cause = "wrong actor"
        elif no_cand[g[1]] > 0:
            cause = "no candidate"
            no_cand[g[1]] -= 1
        else:
            cause = "below threshold"
        missed.append((g[1], cause))
    wrong = []
    for p in free:
        here = [g for g in gold if _overlap(p[2], g[2])]
        cause = ("kind" if any(g[0] == p[0] for g in here) else
                 "actor" if any(g[1] == p[1] for g in here) else
                 "other" if here else "spurious")
        wrong.append((p[1], cause))
    return missed, wrong, len(ug)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dump", type=Path)
    ap.add_argument("--recipe", default="stack8")
    ap.add_argument("--point", type=int, default=0, help="index of the point in the dump")
    ap.add_argument("--part", help="also list gold and predicted (actor, kind) per article")
    args = ap.parse_args()
    point: dict[str, Any] = json.loads(args.dump.read_text(encoding="utf-8"))[
        args.recipe][args.point]
    by = {it.gold.path: it for it in featurize(load_parts(DATA, SEEDS), RuleExtractor())}
    per_kind: dict[str, Counter[str]] = defaultdict(Counter)
    per_part: dict[str, Counter[str]] = defaultdict(Counter)
    for path, sigs in zip(point["files"], point["signals"], strict=True):
        it = by[path]
        pred = [(a, k, (s, e)) for a, k, s, e in sigs]
        missed, wrong, tp = causes(it, pred)
        n_gold = len(it.gold.gold.get("signals", []))
        per_part[it.part].update(gold=n_gold, pred=len(pred), tp=tp)
        for kind, cause in missed:
            per_kind[kind]["missed: " + cause] += 1
            per_part[it.part]["missed: " + cause] += 1
        for kind, cause in wrong:
            per_kind[kind]["wrong: " + cause] += 1
            per_part[it.part]["wrong: " + cause] += 1
        for g in it.gold.gold.get("signals", []):
            per_kind[g["kind"]]["gold"] += 1
        for p in pred:
            per_kind[p[1]]["pred"] += 1
        if args.part == it.part:
            print(f"## {Path(path).name} gold {sorted((g['actor'], g['kind']) for g in it.gold.gold.get('signals', []))} "  # noqa: E501
                  f"pred {sorted((a, k) for a, k, _ in pred)}")
    for name, table in (("kind", per_kind), ("part", per_part)):
        print(f"\nby {name}:")
        for key, c in table.items():
            tp = c["gold"] - sum(v for k, v in c.items() if k.startswith("missed: "))
            f1 = 2 * tp / max(c["gold"] + c["pred"], 1)
            print(f"{key}: F1 {f1:.3f} " + json.dumps(dict(sorted(c.items()))))


if __name__ == "__main__":
    main()
