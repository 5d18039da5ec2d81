"""Write the short excerpts of the five seed articles that the bundled cases quote into the
package (src/detente/cases/sources/), so that quote checks work from a fresh clone.

Run from the repository root with the seeds at ../shared/seeds:

    python3 scripts/seed_excerpts.py [SEEDS_DIR]

Each excerpt file holds a header (title, outlet, author, date, url of the article) and every
quoted passage once, in the order it appears in the article. Only the quoted words are kept.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "src" / "detente" / "cases"
OUT = CASES / "sources"
SEEDS = ("000_e71a9ef3079067d3.txt", "001_d0665d34aa104011.txt", "002_16506607363ae513.txt",
         "003_005434a369a56622.txt", "004_9846664104160aeb.txt")


def _walk(obj: Any, out: list[tuple[str, str]]) -> None:
    if isinstance(obj, dict):
        if isinstance(obj.get("source"), str) and isinstance(obj.get("quote"), str):
            out.append((obj["source"], obj["quote"]))
        for v in obj.values():
            _walk(v, out)
    elif isinstance(obj, list):
        for v in obj:
            _walk(v, out)


def main(seeds: Path) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from detente.scenario.evidence import normalise

    quotes: dict[str, set[str]] = {f: set() for f in SEEDS}
    meta: dict[str, dict[str, Any]] = {}
    for path in sorted(CASES.rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        declared = data.get("sources", [])
        if isinstance(declared, dict):  # the signals case keys its sources by id
            declared = [{"id": k, **v} for k, v in declared.items()]
        files = {s["id"]: s for s in declared if s.get("file") in quotes}
        found: list[tuple[str, str]] = []
        _walk(data, found)
        for src, q in found:
            if src in files:
                quotes[files[src]["file"]].add(normalise(q))
                meta.setdefault(files[src]["file"], files[src])
    for name, qs in quotes.items():
        text = normalise((seeds / name).read_text(encoding="utf-8"))
        missing = [q for q in qs if q not in text]
        if missing:
            raise SystemExit(f"{name}: quotes not in the seed: {missing[:3]}")
        m = meta.get(name, {})
        head = [f"{k}: {m.get(k) or 'unknown'}" for k in ("title", "outlet", "author", "date",
                                                             "url")]
        body = sorted(qs, key=text.index)
        (OUT / name).write_text("\n".join(head) + "\n---\n" + "\n\n".join(body) + "\n",
                                encoding="utf-8")
        print(f"{name}: {len(body)} excerpts, {sum(map(len, body))} characters of "
              f"{len(text)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "seeds")
