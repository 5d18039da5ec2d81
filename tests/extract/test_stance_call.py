"""The call to action of an argued piece (protocol amendment 13, §18): negation scope over talk
words, the call-to-action measures on constructed texts counted by hand, the negation-scoped
family shares, and §18's three configurations trained, saved and loaded."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.errors import DetenteError
from detente.extract.article import parse_article
from detente.extract.lexicon import lexicon
from detente.extract.stance_call import (
    CALL_FEATURES,
    call_features,
    call_zones,
    negated_counts,
    negated_shares,
    negated_talk,
    plain_talk,
    recommends,
)
from detente.extract.stance_model import (
    ARGUED,
    SHARE_FEATURES,
    StanceModel,
    family_counts,
    family_shares,
    load_stance_model,
)

from .conftest import stance_three_parts

#: Urges talks (constructed): the headline and both conclusion paragraphs recommend talks.
PRO = ("Title: The West must push Kyiv and Moscow to talks now\n---\n"
       "Every week of this war costs thousands of lives on both sides of the front line.\n\n"
       "Analysts said the front has barely moved this year.\n\n"
       "Washington should open talks with Moscow before the winter sets in.\n\n"
       "It is time for a ceasefire and a settlement that both sides can live with.")
#: Argues against talking and for pressure (constructed).
ANTI = ("Title: Kyiv should not negotiate with Moscow\n---\n"
        "Three years into the invasion, the Kremlin still wants all of Ukraine and more.\n\n"
        "The West must send more weapons and tighten sanctions until Russia withdraws.\n\n"
        "There can be no talks while Russian troops occupy a fifth of the country.")
#: Doubts the talks without recommending (constructed).
SKEPTICAL = ("Title: Another round of talks in Istanbul\n---\n"
             "The delegations will meet again in Istanbul next week to discuss a ceasefire.\n\n"
             "Moscow has shown no sign of softening its maximalist demands at the table.\n\n"
             "A deal remains unlikely while the Kremlin believes time is on its side.")


def _call(text: str) -> np.ndarray:
    a = parse_article(text, "x.txt")
    return call_features(a.body, a.title)


def test_negation_scope_is_four_words_before_a_talk_word() -> None:
    assert negated_talk("Kyiv should not negotiate with Moscow") == 1
    assert negated_talk("Kyiv shouldn't negotiate with Moscow") == 1
    assert negated_talk("Moscow won't agree to a ceasefire") == 1
    assert negated_talk("Western leaders must abandon false hopes of negotiated peace") == 1
    assert negated_talk("There can be no talks while troops occupy the land") == 1
    # the negator too far back (five words) or absent
    assert negated_talk("There were no casualties, and the sides agreed to resume talks") == 0
    assert negated_talk("Kyiv should negotiate, and a ceasefire must follow") == 0
    assert plain_talk("Kyiv should negotiate, and a ceasefire must follow") == 2
    assert plain_talk("Kyiv should not negotiate today, but in spring a ceasefire may follow") == 1
    # the window is words, not clauses: a negator four words back negates across a comma
    assert plain_talk("Kyiv should not negotiate, but a ceasefire may follow") == 0
    assert recommends("It is time for a ceasefire") and recommends("We need to talk")
    assert not recommends("Moscow will meet Kyiv in Istanbul")


def test_call_zones_are_the_own_voice_headline_opening_and_conclusion() -> None:
    a = parse_article(PRO, "p.txt")
    top, opening, end = call_zones(a.body, a.title)
    assert top == ["The West must push Kyiv and Moscow to talks now"]
    assert opening == ["Every week of this war costs thousands of lives on both sides of the "
                       "front line."]
    # the attributed nine-word paragraph is neither long enough nor the author's own voice
    assert end == ["Washington should open talks with Moscow before the winter sets in.",
                   "It is time for a ceasefire and a settlement that both sides can live with."]
    quoted = parse_article("Title: Officials say Kyiv must talk\n---\n"
                           "“We must negotiate now,” the minister said in Kyiv on Monday.", "q.txt")
    top, opening, end = call_zones(quoted.body, quoted.title)
    assert top == [] and opening == [] and end == []


def test_call_features_counted_by_hand() -> None:
    assert CALL_FEATURES == ("call_any", "call_headline", "call_talks", "call_pressure",
                             "negated_talk", "doubt_end")
    # headline and both conclusion sentences recommend talks; nothing negated, no doubt
    np.testing.assert_allclose(_call(PRO), [np.log1p(3), 1.0, np.log1p(3), 0.0, 0.0, 0.0])
    # headline (negated talk) and "must send more weapons" recommend against talks; the
    # headline's and "no talks" are negated talk words; "no talks" recommends nothing
    np.testing.assert_allclose(_call(ANTI), [np.log1p(2), 1.0, 0.0, np.log1p(2), np.log1p(2),
                                             0.0])
    # no recommendation anywhere; both conclusion sentences doubt ("no sign", "unlikely")
    np.testing.assert_allclose(_call(SKEPTICAL), [0.0, 0.0, 0.0, 0.0, 0.0, np.log1p(2)])
    # an imperative headline is a call; an empty text measures nothing
    assert call_features("Nothing more to say here at all.", "Stop arming Kyiv")[1] == 1.0
    np.testing.assert_array_equal(call_features("", None), np.zeros(len(CALL_FEATURES)))


def test_negated_shares_move_negated_talk_from_urge_to_against_or_doubt() -> None:
    lex = lexicon()
    body = "Kyiv should not negotiate with Moscow now. Moscow will not negotiate in earnest."
    np.testing.assert_array_equal(family_counts(body, None)[0], [2, 1, 0, 0])
    counts, n = negated_counts(body, None)
    # the modal's sentence counts against, the other as doubt; the negated modal match goes
    np.testing.assert_array_equal(counts, [0, 0, 1, 1])
    assert n == family_counts(body, None)[1]
    shares = negated_shares(body, None, lex)
    assert len(shares) == len(SHARE_FEATURES)
    np.testing.assert_allclose(shares[3:6], [0.0, 0.5, 0.5])
    # without a negator the shares are family_shares'
    for text in (PRO, SKEPTICAL):
        a = parse_article(text, "x.txt")
        np.testing.assert_allclose(negated_shares(a.body, a.title, lex),
                                   family_shares(a.body, a.title, lex))
    a = parse_article(ANTI, "a.txt")
    assert negated_shares(a.body, a.title, lex)[5] > family_shares(a.body, a.title, lex)[5]


def test_section_18_configurations_train_save_and_load(tmp_path: Path) -> None:
    """§18's three configurations on three development parts: ``vec-both``'s detector and
    prototypes unchanged; the classifier reads ten measures (the shares, negation-scoped for
    ``call-neg`` and ``call-both``, and the three similarities) plus the six call measures
    (``call-act``, ``call-both``); each file loads back and labels the same, and a file whose
    classifier has the wrong number of rows for its configuration is refused."""
    pytest.importorskip("sklearn")
    pytest.importorskip("wordllama")
    from detente.extract.stance_model import CALL_CONFIGS, NEGATION_CONFIGS
    from detente.extract.training_stance import fit_stance

    lex = lexicon()
    items, arts = stance_three_parts(lex)
    both = fit_stance(items, "vec-both")
    assert both.detector is not None and both.classifier is not None
    for config in ("call-act", "call-neg", "call-both"):
        model = fit_stance(items, config)
        assert model.detector is not None and model.classifier is not None
        np.testing.assert_allclose(model.detector.coef, both.detector.coef)
        assert set(model.vectors) == set(both.vectors)
        for k, v in both.vectors.items():
            np.testing.assert_array_equal(model.vectors[k], v)
        rows = len(SHARE_FEATURES) + 3 + (len(CALL_FEATURES) if config in CALL_CONFIGS else 0)
        assert model.classifier.coef.shape == (rows, len(ARGUED))
        if config in NEGATION_CONFIGS:
            assert not np.allclose(model.classifier.mean[:7], both.classifier.mean[:7])
        else:
            np.testing.assert_allclose(model.classifier.mean[:7], both.classifier.mean[:7])
        # the argument vector's three similarities come last, as vec-both's
        np.testing.assert_allclose(model.classifier.mean[-3:], both.classifier.mean[-3:])
        model.save(tmp_path / f"{config}.npz")
        again = load_stance_model(tmp_path / f"{config}.npz")
        got = [again.predict(a.body, a.title, lex) for a in arts]
        assert got == [model.predict(a.body, a.title, lex) for a in arts]
        assert set(got) <= {*ARGUED, "neutral_report"}
    wrong = tmp_path / "wrong.npz"
    StanceModel("call-act", both.detector, both.classifier, both.fallback, {},
                dict(both.vectors)).save(wrong)
    with pytest.raises(DetenteError, match="does not fit"):
        load_stance_model(wrong)
