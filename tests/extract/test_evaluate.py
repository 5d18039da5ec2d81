"""Scoring: hand-counted matches on a constructed gold folder, and the bootstrap's determinism."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.errors import DetenteError
from detente.extract.article import parse_article
from detente.extract.evaluate import count, evaluate, load_gold
from detente.extract.schema import ActorMention, ArticleExtraction, Signal

BODY = "Russia and Ukraine met in Istanbul. Putin declared a truce. Kyiv said no."


def _gold(tmp_path: Path) -> Path:
    (tmp_path / "01.txt").write_text(BODY, encoding="utf-8")
    gold = {"actors": ["RUS", "UKR", "TUR"], "positions": [], "proposals": [],
            "signals": [{"actor": "RUS", "kind": "summit", "quote": "Russia and Ukraine met"},
                        {"actor": "UKR", "kind": "summit", "quote": "Russia and Ukraine met"},
                        {"actor": "RUS", "kind": "ceasefire", "quote": "declared a truce"}],
            "stance": "neutral_report"}
    (tmp_path / "01.json").write_text(json.dumps(gold), encoding="utf-8")
    return tmp_path


def _sig(actor: str, kind: str, quote: str) -> Signal:
    i = BODY.index(quote)
    return Signal(actor=actor, kind=kind, quote=quote, start=i, end=i + len(quote))  # type: ignore[arg-type]


def _pred() -> ArticleExtraction:
    return ArticleExtraction(
        file="01.txt", extractor="test", stance="skeptical",
        actors=[ActorMention(code=c, name=c, quote=q, start=BODY.index(q),
                             end=BODY.index(q) + len(q))
                for c, q in (("RUS", "Russia"), ("UKR", "Ukraine"))],
        signals=[_sig("RUS", "summit", "Russia and Ukraine met in Istanbul."),  # overlaps: tp
                 _sig("RUS", "summit", "Putin declared a truce."),  # second RUS summit: fp
                 _sig("RUS", "statement", "Putin declared a truce."),  # wrong kind: fp
                 _sig("UKR", "statement", "Kyiv said no.")])  # not in gold: fp


def test_counts_by_hand(tmp_path: Path) -> None:
    item = load_gold(_gold(tmp_path))[0]
    c = count(item, _pred())
    assert (c["actor_tp"], c["actor_gold"], c["actor_pred"]) == (2, 3, 2)
    assert (c["signal_tp"], c["signal_gold"], c["signal_pred"]) == (1, 3, 4)
    assert c["stance_ok"] == 0 and c["quote_exact"] == c["quote_total"] == 6


def test_pooled_scores_and_seeded_intervals(tmp_path: Path) -> None:
    gold = load_gold(_gold(tmp_path))
    a = evaluate(gold, lambda arts: [_pred()], draws=200, seed=1)
    b = evaluate(gold, lambda arts: [_pred()], draws=200, seed=1)
    s = a.scores
    assert s["actor_recall"].value == pytest.approx(2 / 3)
    assert s["signal_precision"].value == pytest.approx(1 / 4)
    assert s["signal_recall"].value == pytest.approx(1 / 3)
    assert s["signal_f1"].value == pytest.approx(2 * (1 / 4) * (1 / 3) / (1 / 4 + 1 / 3))
    assert s["stance_accuracy"].value == 0.0
    assert a.scores == b.scores  # same seed, same intervals


def test_stance_accuracy_split_into_argued_pieces_and_reports(tmp_path: Path) -> None:
    """§13: stance accuracy by the gold stance's kind, counted by hand on four articles —
    argued pieces 1 of 2 right, reports 1 of 2 right, 2 of 4 overall; an old count without
    the split columns gives "n/a" for the split, not an error."""
    from detente.extract.evaluate import scores_of

    gold = {"actors": [], "positions": [], "proposals": [], "signals": []}
    labels = [("skeptical", "skeptical"), ("pro_negotiation", "neutral_report"),
              ("neutral_report", "neutral_report"), ("neutral_report", "anti_concession")]
    for i, (g, _) in enumerate(labels, 1):
        (tmp_path / f"{i:02d}.txt").write_text(BODY, encoding="utf-8")
        (tmp_path / f"{i:02d}.json").write_text(json.dumps({**gold, "stance": g}),
                                                encoding="utf-8")
    items = load_gold(tmp_path)
    preds = [ArticleExtraction(file=it.path, extractor="test", stance=p)  # type: ignore[arg-type]
             for it, (_, p) in zip(items, labels, strict=True)]
    s = evaluate(items, lambda arts: preds, draws=50).scores
    assert s["stance_accuracy"].value == 0.5
    assert s["stance_accuracy_argued"].value == 0.5
    assert s["stance_accuracy_reports"].value == 0.5
    rows = [count(it, p) for it, p in zip(items, preds, strict=True)]
    assert [r["argued"] for r in rows] == [1, 1, 0, 0]
    old = [{k: v for k, v in r.items() if not k.startswith("argued")} for r in rows]
    s_old = scores_of(old, draws=50)
    assert s_old["stance_accuracy"].value == 0.5
    assert s_old["stance_accuracy_argued"].value is None
    assert s_old["stance_accuracy_reports"].value is None


def test_gold_folder_problems(tmp_path: Path) -> None:
    with pytest.raises(DetenteError, match=r"no \.txt articles"):
        load_gold(tmp_path)
    (tmp_path / "02.txt").write_text("Putin.", encoding="utf-8")
    with pytest.raises(DetenteError, match="without gold annotation"):
        load_gold(tmp_path)
    (tmp_path / "02.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(DetenteError, match="not JSON"):
        load_gold(tmp_path)
    (tmp_path / "02.json").write_text('{"stance": "hopeful"}', encoding="utf-8")
    with pytest.raises(DetenteError, match="stance"):
        load_gold(tmp_path)


def test_parse_used_by_gold_is_the_extractors(tmp_path: Path) -> None:
    (tmp_path / "03.txt").write_text("Title: t\n---\nPutin.", encoding="utf-8")
    (tmp_path / "03.json").write_text('{"stance": "neutral_report"}', encoding="utf-8")
    assert load_gold(tmp_path)[0].article.body == parse_article("Title: t\n---\nPutin.").body
