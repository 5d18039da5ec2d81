"""Cut the source files shipped with the bundled cases (src/detente/cases/sources/) down to the
words the cases quote, so that quote checks work from a fresh clone and no more of a news
article ships than the cases cite ("news: short excerpts only").

Run from the repository root with the seed articles at ../shared/seeds:

    python3 scripts/seed_excerpts.py [SEEDS_DIR]

Each file keeps its citation header (title, outlet, author, date, url) and then holds the
quoted words only: every ``evidence.quote`` a bundled case (or the bundled signals case) cites
from it, overlapping quotes merged into one passage, each passage once, in the order of the
article (:func:`detente.scenario.evidence.quoted_spans`). For the five seed articles the text
is cut from the article itself and the header records ``article_words``, the article's length,
so that tests can cap each file's share of its article without the seeds. Any other source file
is cut from its own current text (the article is not stored). The script refuses a quote that
is not in the text.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "src" / "detente" / "cases"
OUT = CASES / "sources"
SEEDS = ("000_e71a9ef3079067d3.txt", "001_d0665d34aa104011.txt", "002_16506607363ae513.txt",
         "003_005434a369a56622.txt", "004_9846664104160aeb.txt")
HEADER = ("title", "outlet", "author", "date", "url")


def read_excerpt(path: Path) -> tuple[dict[str, str], str]:
    """The header fields and the body of a shipped source file."""
    head, _, body = path.read_text(encoding="utf-8").partition("\n---\n")
    return dict(line.split(": ", 1) for line in head.splitlines() if ": " in line), body


def main(seeds: Path) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from detente.cases import cited_quotes
    from detente.scenario.evidence import normalise, quoted_spans

    for name, qs in sorted(cited_quotes().items()):
        meta, body = read_excerpt(OUT / name)
        seed = seeds / name
        if name in SEEDS and not seed.is_file():
            raise SystemExit(f"{name}: seed article not found at {seed}")
        article = seed.read_text(encoding="utf-8") if name in SEEDS else body
        try:
            spans = quoted_spans(article, qs)
        except ValueError as exc:
            raise SystemExit(f"{name}: {exc}") from None
        head = {k: meta.get(k) or "unknown" for k in HEADER}
        head.update({k: v for k, v in meta.items() if k not in HEADER})
        if name in SEEDS:
            head["article_words"] = str(len(normalise(article).split()))
        (OUT / name).write_text("\n".join(f"{k}: {v}" for k, v in head.items()) + "\n---\n"
                                + "\n\n".join(spans) + "\n", encoding="utf-8")
        words = sum(len(s.split()) for s in spans)
        print(f"{name}: {len(qs)} quotes in {len(spans)} passages, {words} words of "
              f"{len(normalise(article).split())}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "seeds")
