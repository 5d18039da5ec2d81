"""The stance model (protocol amendment 8, §13): the text-kind features on constructed texts,
the shipped weights traceable to the committed gold and reproducible, the extractor's stance
path, floors at the measured leave-one-part-out figures, and bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.errors import DetenteError
from detente.extract.article import parse_article
from detente.extract.lexicon import lexicon
from detente.extract.rules import RuleExtractor
from detente.extract.stance_model import (
    ARGUED,
    KIND_FEATURES,
    STANCE_FILE,
    StanceModel,
    article_stance,
    check_method,
    headline,
    kind_features,
    load_stance_model,
    words,
)
from shared_data import need_shared

from .conftest import DATA, SEEDS

#: An argued piece with no reporting verb at all (constructed): first person, modals, a
#: question, a headline that argues.
ARGUED_TEXT = (
    "Title: The West must not reward aggression\n---\n"
    "We should be honest with ourselves. A ceasefire on these terms would freeze the front "
    "and hand Moscow time to rearm. Why would anyone believe that a pause now brings peace? "
    "Our governments must keep arming Ukraine, because a deal that rewards the invader cannot "
    "last. I have seen this before: appeasement only invites the next war.")
#: A news report (constructed): reporting verbs, quotations, weekdays, no first person outside
#: the quotes.
REPORT_TEXT = (
    "Title: Delegations meet in Istanbul\n---\n"
    "Russian and Ukrainian delegations met in Istanbul on Friday, officials said. “We are "
    "ready for a ceasefire,” Ukraine's foreign minister told reporters. The Kremlin spokesman "
    "said on Thursday that Moscow had received the proposal, according to state media. "
    "Turkey's foreign ministry confirmed the talks and said a second round was planned, "
    "the agency reported.")


def _col(name: str) -> int:
    return KIND_FEATURES.index(name)


def test_kind_features_count_reporting_verbs_and_ignore_first_person_inside_quotes() -> None:
    lex = lexicon()
    quoted = kind_features("“We must talk,” he said. “Our side is ready,” she said.", None, lex)
    plain = kind_features("We must talk. Our side is ready, and I agree.", None, lex)
    assert quoted[_col("first_person")] == 0.0 and quoted[_col("modal")] == 0.0
    assert plain[_col("first_person")] > 0.0 and plain[_col("modal")] > 0.0
    assert quoted[_col("reporting")] > 0.0 == plain[_col("reporting")]
    assert quoted[_col("quotes")] > 0.0 == plain[_col("quotes")]
    # rates per 100 words (log1p): 2 reporting verbs in 11 words
    assert quoted[_col("reporting")] == pytest.approx(np.log1p(2 * 100 / 11))


def test_headline_is_the_title_or_the_first_line() -> None:
    assert headline("Body line.\nMore.", "Opinion: talk now") == "Opinion: talk now"
    assert headline("\n  \nWhy talks fail\nBody.", None) == "Why talks fail"
    assert headline("", None) == ""
    lex = lexicon()
    for text in ("Opinion: the war goes on\nIt goes on.", "Why talks fail\nThey fail."):
        f = kind_features(text, None, lex)
        assert f[_col("title_genre")] + f[_col("title_argues")] > 0, text
    news = kind_features("Leaders met in Paris\nThey met.", None, lex)
    assert news[_col("title_genre")] == 0 == news[_col("title_argues")]


def test_words_are_lower_cased_and_the_headline_is_marked() -> None:
    got = words("Talks collapsed.\nPutin’s envoy left on Friday.", "Talks Fail")
    assert {"talks", "collapsed", "putin's", "envoy", "friday", "t:talks", "t:fail"} <= got
    assert "on" not in got and "Talks" not in got  # < 3 letters dropped; lower case only


def test_shipped_detector_tells_an_argued_piece_without_reporting_verbs_from_a_report() -> None:
    model, lex = load_stance_model(), lexicon()
    if model.detector is None:
        pytest.skip("the shipped configuration has no detector")
    arg, rep = parse_article(ARGUED_TEXT, "a.txt"), parse_article(REPORT_TEXT, "r.txt")
    assert kind_features(arg.body, arg.title, lex)[_col("reporting")] == 0.0
    p_arg = float(model.detector.probabilities(kind_features(arg.body, arg.title, lex))[0])
    p_rep = float(model.detector.probabilities(kind_features(rep.body, rep.title, lex))[0])
    assert p_arg > 0.5 > p_rep, (p_arg, p_rep)
    assert model.predict(arg.body, arg.title, lex) in ARGUED
    assert model.predict(rep.body, rep.title, lex) == "neutral_report"


def test_extractors_give_the_stance_of_their_method() -> None:
    """``stance="model"`` is the shipped model's label, ``stance="cues"`` the cues' label;
    the signals do not depend on the stance method."""
    from detente.extract.learned import LearnedExtractor
    from detente.extract.stance import classify_stance

    lex = lexicon()
    arts = [parse_article(t, f"{i}.txt") for i, t in enumerate((ARGUED_TEXT, REPORT_TEXT))]
    model = load_stance_model()
    cues, learned = RuleExtractor("cues"), LearnedExtractor(rules=RuleExtractor("model"))
    for a, c, m in zip(arts, cues.extract_many(arts), learned.extract_many(arts), strict=True):
        assert c.stance == classify_stance(a.body, a.title, lex)
        assert m.stance == model.predict(a.body, a.title, lex)
    assert LearnedExtractor(stance="cues").rules.stance == "cues"
    again = LearnedExtractor(rules=RuleExtractor("cues"), stance="model")
    assert again.rules.stance == "model"
    assert [s.model_dump() for s in learned.extract_many(arts)[1].signals] == \
        [s.model_dump() for s in again.extract_many(arts)[1].signals]


def test_unknown_stance_method_is_one_error() -> None:
    with pytest.raises(DetenteError, match="unknown stance method"):
        check_method("vibes")
    with pytest.raises(DetenteError, match="unknown stance method"):
        RuleExtractor("vibes")
    with pytest.raises(DetenteError, match="unknown stance method"):
        article_stance("text", None, lexicon(), "vibes")
    from detente.extract.run import make_extractor

    with pytest.raises(DetenteError, match="--stance applies to the rules and learned"):
        make_extractor("llm", "cues")


def test_missing_or_corrupt_stance_weights_are_one_error(tmp_path: Path) -> None:
    with pytest.raises(DetenteError, match="missing"):
        load_stance_model(tmp_path / "none.npz")
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip file")
    with pytest.raises(DetenteError, match="unreadable"):
        load_stance_model(bad)
    shipped = load_stance_model()
    odd = tmp_path / "odd.npz"
    StanceModel("flat", None, None, shipped.fallback, {}).save(odd)
    with pytest.raises(DetenteError, match="does not fit"):
        load_stance_model(odd)


def test_weights_round_trip(tmp_path: Path) -> None:
    shipped, lex = load_stance_model(), lexicon()
    shipped.save(tmp_path / "m.npz")
    again = load_stance_model(tmp_path / "m.npz")
    assert again.config == shipped.config and again.meta == shipped.meta
    for text in (ARGUED_TEXT, REPORT_TEXT):
        a = parse_article(text, "x.txt")
        assert again.predict(a.body, a.title, lex) == shipped.predict(a.body, a.title, lex)


def test_shipped_stance_weights_are_trained_on_every_development_article() -> None:
    """§13: the shipped stance model is trained on the development parts as committed — every
    article of every part, nothing else (no locked9, no ``-b`` agreement folder) — so a change
    to the gold without retraining fails here."""
    from detente.extract.training import PARTS, data_hash, load_parts

    need_shared(SEEDS, "the seed articles are copyrighted news: only cited excerpts ship")
    shipped, parts = load_stance_model(), load_parts(DATA, SEEDS)
    assert list(parts) == list(PARTS) == shipped.meta["parts"]
    names = [f"{p}/{Path(g.path).name}" for p, golds in parts.items() for g in golds]
    assert shipped.meta["files"] == names and shipped.meta["articles"] == len(names)
    assert shipped.meta["data_sha256"] == data_hash(parts)
    assert STANCE_FILE.is_file()


def test_retraining_reproduces_the_shipped_stance_weights() -> None:
    pytest.importorskip("sklearn")
    from detente.extract.training import load_parts
    from detente.extract.training_stance import train_stance_all

    need_shared(SEEDS, "the seed articles are copyrighted news: only cited excerpts ship")
    shipped = load_stance_model()
    again = train_stance_all(load_parts(DATA, SEEDS), lexicon(), shipped.config,
                             shipped.meta["command"])
    assert again.config == shipped.config and again.fallback == shipped.fallback
    for name in ("detector", "classifier"):
        a, b = getattr(again, name), getattr(shipped, name)
        assert (a is None) == (b is None), name
        if a is not None and b is not None:
            assert a.vocab == b.vocab
            # lbfgs to its tolerance: runs agree to ~1e-8 on one machine; stated 1e-4
            np.testing.assert_allclose(a.coef, b.coef, atol=1e-4)
            np.testing.assert_allclose(a.intercept, b.intercept, atol=1e-4)
            np.testing.assert_allclose(a.mean, b.mean, atol=1e-12)


#: Held-out stance accuracy of the shipped configuration (``kind-cues``) by leave-one-part-out
#: over the twelve parts at the freeze (§13.2: argued 0.420, all 0.842, blind 0.867) minus
#: 0.05, rounded down: regression floors, never loosened.
_STANCE_FLOORS = {"argued": 0.37, "all": 0.79, "blind": 0.81}


@pytest.mark.slow
def test_leave_one_part_out_stance_floors() -> None:
    pytest.importorskip("sklearn")
    from detente.extract.training import load_parts
    from detente.extract.training_stance import SHIPPED, stance_items, stance_lopo

    need_shared(SEEDS, "the seed articles are copyrighted news: only cited excerpts ship")
    lex, parts = lexicon(), load_parts(DATA, SEEDS)
    held = stance_lopo(parts, stance_items(parts, lex), SHIPPED, lex)
    blind = ("locked4", "locked5", "locked6", "locked7", "locked8")
    rows = [(p, g.gold["stance"], s) for p in parts
            for g, s in zip(parts[p], held[p], strict=True)]
    pick = {"argued": lambda p, g: g != "neutral_report", "all": lambda p, g: True,
            "blind": lambda p, g: p in blind}
    for name, keep in pick.items():
        got = [g == s for p, g, s in rows if keep(p, g)]
        assert got and sum(got) / len(got) >= _STANCE_FLOORS[name], (name, sum(got), len(got))
