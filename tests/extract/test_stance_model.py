"""The stance model (protocol amendments 8–10, §13–§15): the text-kind, author's-voice and
§15 family features on constructed texts,
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
    FAMILY_FEATURES,
    KIND_FEATURES,
    SHARE_FEATURES,
    STANCE_FILE,
    VOICE_FEATURES,
    Linear,
    StanceModel,
    article_stance,
    check_method,
    family_counts,
    family_features,
    family_shares,
    headline,
    kind_features,
    load_stance_model,
    own_sentences,
    stance_features,
    voice_features,
    words,
)
from shared_data import need_shared

from .conftest import DATA, SEEDS, stance_three_parts

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


def _voice(name: str) -> int:
    return VOICE_FEATURES.index(name)


def test_own_sentences_drop_quotations_and_attributed_sentences() -> None:
    body = ("Talks resumed in Geneva on Monday, officials said. “We will never concede,” the "
            "minister declared. This ceasefire is an illusion. Is anyone fooled? Ok.")
    own, total = own_sentences(body)
    # "Ok." has fewer than three words and is not a sentence here
    assert total == 4
    assert own == [" This ceasefire is an illusion.", " Is anyone fooled?"]


def test_voice_features_measure_the_authors_voice_only() -> None:
    argued = voice_features("You must see it: this deal is naive and likely doomed. "
                            "Why pretend otherwise? The plan seems a fantasy.",
                            "Why the deal will fail: is anyone listening?")
    report = voice_features("“You must see it, this deal is naive and doomed,” he said. "
                            "The minister told reporters that the plan was likely a fantasy.",
                            "Ministers meet in Rome")
    assert argued.shape == report.shape == (len(VOICE_FEATURES),)
    assert report[_voice("attributed_share")] == pytest.approx(np.log1p(1.0))
    assert argued[_voice("attributed_share")] == 0.0
    for name in ("own_second", "own_modal", "own_hedge", "own_judge", "own_questions",
                 "title_colon", "title_question", "title_open"):
        assert argued[_voice(name)] > 0.0 == report[_voice(name)], name
    # judgement words: naive, doomed, fantasy in 19 own-voice words (counted by hand)
    assert argued[_voice("own_judge")] == pytest.approx(np.log1p(3 * 100 / 19))
    assert argued[_voice("own_hedge")] == pytest.approx(np.log1p(2 * 100 / 19))  # likely, seems
    assert argued[_voice("length")] == pytest.approx(np.log1p(19 / 100))


def test_stance_features_count_the_families_in_the_authors_voice() -> None:
    lex = lexicon()
    anti = stance_features("This deal is capitulation: surrender of territory to the aggressor.",
                           None, lex)
    skep = stance_features("Moscow is not serious: the talks are theatre and a ploy to stall.",
                           None, lex)
    fam = {k: 3 + i for i, k in enumerate(ARGUED)}
    assert anti[fam["anti_concession"]] > anti[fam["skeptical"]]
    assert skep[fam["skeptical"]] > skep[fam["anti_concession"]]
    # the families read only the author's own voice and the headline (a title is passed:
    # without one the quoted first line would stand as the headline)
    quoted = stance_features("“This deal is capitulation and surrender,” he said.",
                             "Talks in Rome", lex)
    assert quoted[fam["anti_concession"]] == 0.0


#: §15's constructed texts, one per family (matches and words counted by hand).
URGE = "Both sides must negotiate now. A ceasefire and a compromise would end the war."
DOUBT = "Moscow is not serious. The talks are a sham, and any truce will not work."
AGAINST = "This is appeasement: ceding territory would reward aggression."


def test_family_counts_read_the_three_families_counted_by_hand() -> None:
    # urge: negotiate, ceasefire, compromise, end the war; urge-modal: "must negotiate"
    counts, n = family_counts(URGE, None)
    assert counts.tolist() == [4, 1, 0, 0] and n == 14
    # doubt: not serious, sham, will not work; urge: truce ("talks" alone is not a call)
    counts, n = family_counts(DOUBT, None)
    assert counts.tolist() == [1, 0, 3, 0] and n == 15
    # against: appeasement, ceding, territory, reward, aggression
    counts, n = family_counts(AGAINST, None)
    assert counts.tolist() == [0, 0, 0, 5] and n == 8
    # the title counts with the body (one more against match, two more words)
    counts, n = family_counts(AGAINST, "No capitulation")
    assert counts.tolist() == [0, 0, 0, 6] and n == 10


def test_family_features_are_cue_totals_then_rates_per_100_words() -> None:
    lex = lexicon()
    f = family_features(AGAINST, None, lex)
    assert f.shape == (len(FAMILY_FEATURES),)
    # cues: appeasement (2) and "reward aggression" (2), both anti_concession
    assert f[FAMILY_FEATURES.index("cue_anti_concession")] == pytest.approx(np.log1p(4))
    assert f[FAMILY_FEATURES.index("against")] == pytest.approx(np.log1p(5 * 100 / 8))
    assert f[FAMILY_FEATURES.index("urge")] == 0.0 == f[FAMILY_FEATURES.index("doubt")]


def test_family_shares_are_normalised_per_family_and_length() -> None:
    lex = lexicon()
    d = family_shares(DOUBT, None, lex)
    assert d.shape == (len(SHARE_FEATURES),)
    share = {k: d[SHARE_FEATURES.index(k)] for k in SHARE_FEATURES}
    # urge 1 of 4 family matches, doubt 3 of 4; 4 matches in 15 words
    assert (share["share_urge"], share["share_doubt"], share["share_against"]) == \
        pytest.approx((0.25, 0.75, 0.0))
    assert share["family_rate"] == pytest.approx(np.log1p(4 * 100 / 15))
    u = family_shares(URGE, None, lex)
    assert u[SHARE_FEATURES.index("share_urge")] == pytest.approx(1.0)  # urge and urge-modal
    none = family_shares("The weather was mild.", None, lex)
    assert not none[3:].any()  # no family word: zero shares, not a division by zero


def _always(label: str, n_in: int) -> Linear:
    """A constant classifier over the argued stances (zero weights, one large intercept)."""
    icpt = np.where(np.array(ARGUED) == label, 5.0, 0.0)
    return Linear(np.zeros(n_in), np.ones(n_in), {}, np.zeros((n_in, 3)), icpt)


def test_fam_fill_keeps_the_cues_where_they_fire_and_fam_share_never_does() -> None:
    lex = lexicon()
    argued = Linear(np.zeros(9), np.ones(9), {}, np.zeros((9, 1)), np.array([5.0]))
    cls = _always("pro_negotiation", 7)
    fill = StanceModel("fam-fill", argued, cls, "skeptical", {})
    share = StanceModel("fam-share", argued, cls, "skeptical", {})
    # AGAINST fires anti_concession cues; DOUBT fires none
    assert fill.predict(AGAINST, None, lex) == "anti_concession"
    assert share.predict(AGAINST, None, lex) == "pro_negotiation"
    assert fill.predict(DOUBT, None, lex) == "pro_negotiation"
    report = Linear(np.zeros(9), np.ones(9), {}, np.zeros((9, 1)), np.array([-5.0]))
    assert StanceModel("fam-bal", report, cls, "skeptical", {}).predict(
        AGAINST, None, lex) == "neutral_report"


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
    p_arg = model.argued_probability(arg.body, arg.title, lex)
    p_rep = model.argued_probability(rep.body, rep.title, lex)
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
    assert set(again.vectors) == set(shipped.vectors)
    for k, v in shipped.vectors.items():
        np.testing.assert_array_equal(again.vectors[k], v)
    for text in (ARGUED_TEXT, REPORT_TEXT):
        a = parse_article(text, "x.txt")
        assert again.predict(a.body, a.title, lex) == shipped.predict(a.body, a.title, lex)


def test_shipped_stance_weights_are_trained_on_every_development_article() -> None:
    """§13: the shipped stance model is trained on the development parts as committed — every
    article of every part, nothing else (no locked15, no ``-b`` agreement folder) — so a change
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
    # §16: the learned word-vector directions, centre and centroids (means of float32 vectors);
    # §19: the probe's standardisation (means) likewise, its weights lbfgs's as above
    assert set(again.vectors) == set(shipped.vectors)
    for k, v in shipped.vectors.items():
        fitted = k in ("probe_coef", "probe_intercept")
        np.testing.assert_allclose(again.vectors[k], v, atol=1e-4 if fitted else 1e-9)


#: Held-out stance accuracy of the shipped configuration (``kind-cues``) by leave-one-part-out
#: minus 0.05, rounded down: regression floors, never loosened. Twelve parts at the first
#: freeze (§13.2: argued 0.420, all 0.842, blind locked4–8 0.867); thirteen parts at the
#: second (§14.2: reports 0.948, balanced 0.667, blind locked4–9 0.811; argued 0.386 and all
#: 0.808 keep the older, higher floors); fourteen parts at the third (§15.2, ``fam-share``:
#: argued 0.452 → 0.40, balanced 0.699 → 0.64, blind locked4–10 0.805 → 0.75 added; reports
#: 0.946, all 0.804, blind locked4–8 0.873 and locked4–9 0.822 keep the older floors);
#: fifteen parts at the fourth (§16.2, ``vec-both``: argued 0.500 → 0.45 and balanced 0.724
#: → 0.67 raised; blind locked4–11 0.800 → 0.75 and the argued pieces of the argued-heavy parts
#: dev10, locked9, locked10, locked11 35/77 = 0.455 → 0.40 added; reports 0.948, all 0.807,
#: blind locked4–8 0.893, locked4–9 0.850 and locked4–10 0.829 keep the older floors);
#: sixteen parts at amendment 12 (§17, ``vec-both`` retrained: argued 0.535 → 0.48, reports
#: 0.953 → 0.90 and balanced 0.744 → 0.69 raised; blind locked4–12 0.807 → 0.75 and the argued
#: pieces of dev10, locked9 … locked12 49/97 = 0.505 → 0.45 added; all 0.811 and the other
#: blind and argued-heavy figures keep the older floors); seventeen parts at amendment 13 (§18,
#: ``vec-both`` retrained: argued 0.551 → 0.50 and balanced 0.753 → 0.70 raised; blind
#: locked4–13 0.797 → 0.74 and the argued pieces of dev10, locked9 … locked13 64/120 = 0.533 →
#: 0.48 added; reports 0.955, all 0.806 and the other blind and argued-heavy figures keep the
#: older floors); eighteen parts at amendment 14 (§19, ``vec-both`` retrained: blind
#: locked4–14 0.776 → 0.72 and the argued pieces of dev10, locked9 … locked14 75/140 = 0.536
#: → 0.48 added; argued 0.545, reports 0.939 and balanced 0.742 keep the older floors). The
#: floor on all articles (0.79, set at twelve parts) is kept on the 453 articles of the
#: seventeen parts of §18 ("all17": 360/453 = 0.795 at eighteen parts), where it held; on all
#: 483 articles the retrained incumbent scores 0.787 — locked14, 20 of 30, joined, not a
#: change of the model — so "all" over the eighteen parts is a new floor, 0.787 → 0.73 (§19).
#: At the §19.3 freeze (``ana-probe`` shipped, eighteen parts) the floors of the figures over
#: all eighteen parts are raised to its held-out figures minus 0.05: argued 0.572 → 0.52, all
#: 0.801 → 0.75, blind locked4–14 0.788 → 0.73, argued pieces of dev10, locked9 … locked14
#: 79/140 = 0.564 → 0.51; the others keep their floors (reports 0.946, balanced 0.759).
_STANCE_FLOORS = {"argued": 0.52, "all17": 0.79, "all": 0.75, "blind": 0.81, "reports": 0.90,
                  "balanced": 0.70, "blind6": 0.76, "blind7": 0.75, "blind8": 0.75,
                  "blind9": 0.75, "blind10": 0.74, "blind11": 0.73, "heavy_argued": 0.40,
                  "heavy_argued5": 0.45, "heavy_argued6": 0.48, "heavy_argued7": 0.51}


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
            "all17": lambda p, g: p != "locked14",
            "blind": lambda p, g: p in blind,
            "reports": lambda p, g: g == "neutral_report",
            "blind6": lambda p, g: p in (*blind, "locked9"),
            "blind7": lambda p, g: p in (*blind, "locked9", "locked10"),
            "blind8": lambda p, g: p in (*blind, "locked9", "locked10", "locked11"),
            "blind9": lambda p, g: p in (*blind, "locked9", "locked10", "locked11", "locked12"),
            "blind10": lambda p, g: p in (*blind, "locked9", "locked10", "locked11", "locked12",
                                          "locked13"),
            "blind11": lambda p, g: p in (*blind, "locked9", "locked10", "locked11", "locked12",
                                          "locked13", "locked14"),
            "heavy_argued": lambda p, g: (p in ("dev10", "locked9", "locked10", "locked11")
                                          and g != "neutral_report"),
            "heavy_argued5": lambda p, g: (p in ("dev10", "locked9", "locked10", "locked11",
                                                 "locked12") and g != "neutral_report"),
            "heavy_argued6": lambda p, g: (p in ("dev10", "locked9", "locked10", "locked11",
                                                 "locked12", "locked13")
                                           and g != "neutral_report"),
            "heavy_argued7": lambda p, g: (p in ("dev10", "locked9", "locked10", "locked11",
                                                 "locked12", "locked13", "locked14")
                                           and g != "neutral_report")}
    rate = {}
    for name, keep in pick.items():
        got = [g == s for p, g, s in rows if keep(p, g)]
        assert got, name
        rate[name] = sum(got) / len(got)
        assert rate[name] >= _STANCE_FLOORS[name], (name, sum(got), len(got))
    balanced = (rate["argued"] + rate["reports"]) / 2
    assert balanced >= _STANCE_FLOORS["balanced"], balanced


def test_section_15_configurations_train_save_and_load(tmp_path: Path) -> None:
    """§15's three configurations on three development parts: ``kind-cues``' (unweighted)
    detector, a class-balanced classifier over the three argued stances at C = 0.1 on the seven
    family measures; the weights files load back and label the same."""
    pytest.importorskip("sklearn")
    from detente.extract.training_stance import FAMILY_C, fit_stance

    lex = lexicon()
    items, arts = stance_three_parts(lex)
    base = fit_stance(items, "kind-cues")
    assert base.detector is not None
    for config in ("fam-bal", "fam-fill", "fam-share"):
        model = fit_stance(items, config)
        assert model.detector is not None and model.classifier is not None
        np.testing.assert_allclose(model.detector.coef, base.detector.coef)
        assert model.meta["classifier_C"] == FAMILY_C == 0.1
        assert model.meta["classifier_weight"] == "balanced"
        assert model.classifier.coef.shape == (7, 3)
        model.save(tmp_path / f"{config}.npz")
        again = load_stance_model(tmp_path / f"{config}.npz")
        assert again.config == config
        assert [again.predict(a.body, a.title, lex) for a in arts] == \
            [model.predict(a.body, a.title, lex) for a in arts]
    # the balanced classifier: on its own training pieces every argued stance is predicted
    share = fit_stance(items, "fam-share")
    assert share.classifier is not None
    got = {ARGUED[int(np.argmax(share.classifier.probabilities(it.shares)))]
           for it in items if it.gold != "neutral_report"}
    assert got == set(ARGUED)


def test_section_14_configurations_train_save_and_load(tmp_path: Path) -> None:
    """§14's three configurations on three development parts (argued pieces the minority):
    the class-balanced detector raises P(argued) on reports against the unweighted one (the
    weights count the minority up); each weights file loads back and labels the same; the
    voice detectors read the kind and voice measures, ``voice-stance``'s classifier the six
    stance measures."""
    pytest.importorskip("sklearn")
    from detente.extract.training_stance import fit_stance

    lex = lexicon()
    items, arts = stance_three_parts(lex)
    assert 0 < sum(it.gold != "neutral_report" for it in items) < len(items) / 2
    plain, bal = fit_stance(items, "kind-cues"), fit_stance(items, "kind-bal")
    assert plain.detector is not None and bal.detector is not None
    reports = [it.kind for it in items if it.gold == "neutral_report"]
    p_plain = np.mean([plain.detector.probabilities(k)[0] for k in reports])
    p_bal = np.mean([bal.detector.probabilities(k)[0] for k in reports])
    assert p_bal > p_plain
    for config, n_det, n_cls in (("kind-bal", 9, 0), ("voice-bal", 9 + len(VOICE_FEATURES), 0),
                                 ("voice-stance", 9 + len(VOICE_FEATURES), 6)):
        model = fit_stance(items, config)
        assert model.meta["class_weight"] == "balanced"
        assert model.detector is not None and len(model.detector.mean) == n_det
        assert (model.classifier is None) == (n_cls == 0)
        if model.classifier is not None:
            assert len(model.classifier.mean) == n_cls and model.classifier.coef.shape[1] == 3
        model.save(tmp_path / f"{config}.npz")
        again = load_stance_model(tmp_path / f"{config}.npz")
        assert again.config == config
        assert [again.predict(a.body, a.title, lex) for a in arts] == \
            [model.predict(a.body, a.title, lex) for a in arts]
