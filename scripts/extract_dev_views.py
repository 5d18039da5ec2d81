"""Development views of the rule extractor (protocol §7–§8): signal scores per development
part, the half-split check, and the family-selection leave-one-part-out view.

Reads ONLY the development parts named in ``PARTS`` (never a locked set): the five seeds
(texts in ``../shared/seeds``, gold in ``tests/data/extract/seeds``), ``dev/``, ``locked2/``,
``locked3/`` and ``dev5/``. Point estimates only (the bootstrap intervals are printed by
``detente extract --evaluate DIR``).

    PYTHONPATH=src python3 scripts/extract_dev_views.py [--lopo]

Half-split: all development articles in sorted file-name order, even positions = half A, odd =
half B. Leave-one-part-out (``--lopo``): for each part held out, each group of
:mod:`detente.extract.cameo` (six cue families, the speech family, the topic family) is dropped
when dropping it raises signal F1 on the other parts; the held-out part is then scored with all
groups, with that selection and with none.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

import numpy as np

from detente.extract import cameo
from detente.extract import lexicon as lex_module
from detente.extract.evaluate import _COLS, GoldArticle, _ratios, count, load_gold
from detente.extract.rules import RuleExtractor

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "extract"
SEEDS = ROOT.parent / "shared" / "seeds"
PARTS = ("dev", "locked2", "locked3", "dev5")


def gather() -> list[tuple[str, GoldArticle]]:
    """(part, article) for every development article, sorted by file name."""
    tmp = Path(tempfile.mkdtemp())
    items: list[tuple[str, GoldArticle]] = []
    if SEEDS.is_dir():
        for i in range(5):
            shutil.copy(next(SEEDS.glob(f"00{i}_*.txt")), tmp / f"s0{i}.txt")
            shutil.copy(DATA / "seeds" / f"0{i}.json", tmp / f"s0{i}.json")
        items += [("seeds", g) for g in load_gold(tmp)]
    for part in PARTS:
        if (DATA / part).is_dir():
            items += [(part, g) for g in load_gold(DATA / part)]
    return sorted(items, key=lambda t: Path(t[1].path).name)


def counts(items: list[tuple[str, GoldArticle]], off: frozenset[str] = frozenset()
           ) -> np.ndarray:
    """Per-article count rows with the groups in ``off`` left out of the lexicon."""
    families, speech, topic = _ORIGINAL
    cameo.FAMILIES = {k: v for k, v in families.items() if k not in off}
    cameo.SPEECH = () if "speech" in off else speech
    cameo.TOPIC = () if "topic" in off else topic
    for f in (cameo.cue_patterns, cameo.speech_pattern, cameo.topic_pattern,
              lex_module.lexicon):
        f.cache_clear()
    got = RuleExtractor().extract_many([g.article for _, g in items])
    return np.array([[count(g, x)[k] for k in _COLS] for (_, g), x in zip(items, got,
                                                                          strict=True)], float)


_ORIGINAL = (dict(cameo.FAMILIES), cameo.SPEECH, cameo.TOPIC)
_GROUPS = (*_ORIGINAL[0], "speech", "topic")


def f1(c: np.ndarray) -> float:
    return _ratios(c)["signal_f1"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lopo", action="store_true", help="also the leave-one-part-out view")
    args = parser.parse_args()
    items = gather()
    names = np.array([p for p, _ in items])
    c = counts(items)
    for part in dict.fromkeys(names):
        r = _ratios(c[names == part])
        print(f"{part:8s} n={int((names == part).sum()):2d} P={r['signal_precision']:.3f} "
              f"R={r['signal_recall']:.3f} F1={r['signal_f1']:.3f}")
    print(f"half A   F1={f1(c[0::2]):.3f}   half B   F1={f1(c[1::2]):.3f}   all F1={f1(c):.3f}")
    if not args.lopo:
        return
    without = {g: counts(items, frozenset([g])) for g in _GROUPS}
    none = counts(items, frozenset(_GROUPS))
    for part in dict.fromkeys(names):
        rest, held = names != part, names == part
        off = frozenset(g for g in _GROUPS if f1(without[g][rest]) > f1(c[rest]))
        chosen = counts(items, off)
        print(f"{part:8s} dropped={sorted(off)} held-out F1: all={f1(c[held]):.3f} "
              f"selected={f1(chosen[held]):.3f} none={f1(none[held]):.3f}")


if __name__ == "__main__":
    main()
