"""The development set (docs/extraction-evaluation.md): gold is well formed and the rule
extractor keeps its measured development floors (regression checks, not targets: the
targets are judged on unseen articles; docs/extraction.md reports the scores)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from detente.extract.evaluate import evaluate, load_gold
from detente.extract.rules import RuleExtractor
from detente.extract.schema import SIGNAL_KINDS, STANCES
from shared_data import need_shared

from .conftest import DATA, SEEDS


@pytest.mark.parametrize(
    "folder", ["dev", "locked2", "locked3", "dev5", "locked4", "dev6", "locked5", "locked6",
               "locked7", "locked8", "dev10", "locked9", "locked10", "locked11", "locked12",
               "locked13", "locked14", "locked15"])
def test_gold_quotes_are_exact_and_codes_known(folder: str) -> None:
    from detente.extract.lexicon import lexicon

    names = lexicon().names
    for item in load_gold(DATA / folder):
        g = item.gold
        assert set(g["actors"]) <= set(names), item.path
        assert g["stance"] in STANCES
        for s in g["signals"]:
            assert s["kind"] in SIGNAL_KINDS and s["actor"] in names, (item.path, s)
        for x in g["signals"] + g["positions"] + g["proposals"]:
            assert x["quote"] in item.article.body, (item.path, x["quote"])


def test_seed_gold_quotes_are_in_the_seeds() -> None:
    need_shared(SEEDS, "the seed articles are copyrighted news: only cited excerpts ship")
    for js in sorted((DATA / "seeds").glob("*.json")):
        text = next(SEEDS.glob(f"{int(js.stem):03d}_*.txt")).read_text(encoding="utf-8")
        for x in (g := json.loads(js.read_text(encoding="utf-8")))["signals"] + g["positions"]:
            assert x["quote"] in text, (js.name, x["quote"])


def test_dev_floors(rules: RuleExtractor, tmp_path: Path) -> None:
    for f in (DATA / "dev").iterdir():
        shutil.copy(f, tmp_path / f.name)
    scores = evaluate(load_gold(tmp_path), rules.extract_many, draws=100).scores
    assert scores["quotes_exact"].value == 1.0
    assert scores["actor_recall"].value >= 0.9
    # measured 0.777 (amendment 2), 0.776 (amendment 3), 0.757 on the gold relabelled under
    # amendment 5 (s7-21r b822344)
    assert scores["signal_f1"].value >= 0.74


#: Signal F1 floors per development part under the amendment-3 rules, floor = measured - 0.04.
#: locked2 and locked3 were relabelled under amendment 5 (§10, s7-21r b822344): their floors
#: are re-based on the new gold (measured 0.740 → 0.696 and 0.659 → 0.630 with the same rules;
#: the old floors 0.70 and 0.62 judged the old gold). dev5: measured 0.531, gold unchanged.
_PART_FLOORS = {"locked2": 0.65, "locked3": 0.59, "dev5": 0.49}


@pytest.mark.parametrize("part", sorted(_PART_FLOORS))
def test_part_floors(rules: RuleExtractor, part: str) -> None:
    scores = evaluate(load_gold(DATA / part), rules.extract_many, draws=100).scores
    assert scores["quotes_exact"].value == 1.0
    assert scores["actor_recall"].value >= 0.9
    assert scores["signal_f1"].value >= _PART_FLOORS[part]
