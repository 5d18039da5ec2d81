"""Speed of the extractors: articles per second on one core (target ≥ 50).

Runs ``extract_many`` of the rule extractor and the learned one (``--extractor rules|learned|
both``, default both, measured side by side in one run) over the development articles
(tests/data/extract and, when present, the five seed articles in ../shared/seeds) repeated
to ``--articles`` articles, in this process pinned to one core, best of ``--repeat`` runs.
Start-up (spaCy pipeline build, weights) is timed apart. Prints articles/s (wall), articles
per CPU-second (user+sys: what an idle core would do, the figure to compare under load),
words/s and the machine's load.

    python3 benchmarks/bench_extract.py [--articles 400] [--repeat 3] [--extractor both]
        [--stance cues|model]

(``--stance``: how the stance is found, default the extractor's default; protocol §13.)
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from detente.extract.article import read_article
from detente.extract.learned import LearnedExtractor
from detente.extract.rules import RuleExtractor
from detente.extract.stance_model import DEFAULT_STANCE, STANCE_METHODS
from detente.extract.training import LOCKED

ROOT = Path(__file__).resolve().parents[1]


def corpus() -> list:  # type: ignore[type-arg]
    files = sorted(f for f in (ROOT / "tests" / "data" / "extract").glob("*/*.txt")
                   if f.parent.name != LOCKED)  # never the locked set (protocol §11)
    files += sorted((ROOT / ".." / "shared" / "seeds").glob("*.txt"))
    return [read_article(f) for f in files]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--extractor", choices=("rules", "learned", "both"), default="both")
    parser.add_argument("--stance", choices=STANCE_METHODS, default=DEFAULT_STANCE)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    base = corpus()
    articles = (base * (args.articles // len(base) + 1))[: args.articles]
    words = sum(len(a.body.split()) for a in articles)
    names = ("rules", "learned") if args.extractor == "both" else (args.extractor,)
    for name in names:
        t0 = time.perf_counter()
        extractor = (RuleExtractor(args.stance) if name == "rules"
                     else LearnedExtractor(stance=args.stance))
        startup = time.perf_counter() - t0
        best = cpu = float("inf")
        for _ in range(args.repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            extractor.extract_many(articles)
            best = min(best, time.perf_counter() - t0)
            cpu = min(cpu, time.process_time() - c0)
        print(f"{name} extractor (stance: {args.stance}), one core: {len(articles)} articles "
              f"({len(base)} distinct, {words / len(articles):.0f} words each on average)")
        print(f"  start-up (spaCy pipeline, gazetteer, weights): {startup:.2f} s")
        print(f"  best of {args.repeat}: {best:.2f} s = {len(articles) / best:.0f} articles/s, "
              f"{words / best:,.0f} words/s (target >= 50 articles/s per core)")
        print(f"  CPU time (user+sys, best of {args.repeat}): {cpu:.2f} s = "
              f"{len(articles) / cpu:.0f} articles per CPU-second (what one idle core would do)")
        print(f"  load average: {os.getloadavg()[0]:.2f}")

if __name__ == "__main__":
    main()
