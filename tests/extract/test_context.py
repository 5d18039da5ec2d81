"""The context rules of amendment 1 (docs/extraction-evaluation.md §6.1) on constructed
sentences: background acts, senders named by role, the nearest speaker, talk about a ceasefire."""

from __future__ import annotations

import datetime as dt

from detente.extract.context import background_spans, is_background, refers_by_role
from detente.extract.rules import RuleExtractor

from .test_rules import kinds, run

SEPT = dt.date(2024, 9, 16)


def test_background_markers_and_dates() -> None:
    assert is_background("Kyiv previously decreed a ban on talks", SEPT)
    assert is_background("the talks that failed in 2022", SEPT)
    assert is_background("In August, both sides swapped prisoners", SEPT)
    assert is_background("It is not the first time Ankara offered to mediate", SEPT)
    # tense alone, recent dates, a day date and adjectival "previously" are not background
    assert not is_background("Moscow had agreed to some concessions", SEPT)
    assert not is_background("the previously drafted plan was sent", SEPT)
    assert not is_background("talks held on September 12, 2024", SEPT)
    assert not is_background("In September, both sides met", SEPT)
    assert not is_background("statements in the past few weeks", SEPT)
    assert not is_background("talks in 2022", None)  # no anchor: a year cannot be placed


def test_background_is_cut_at_the_subordinate_clause() -> None:
    text = "Peskov said on Monday that talks are possible, since Putin met Xi in 2023"
    spans = background_spans(text, SEPT)
    assert spans and all(text[a:b].lstrip(", ").startswith("since") for a, b in spans)
    # a short fronted adverbial frames the clause after its comma
    text = "In August, Russia and Ukraine exchanged 115 prisoners."
    assert background_spans(text, SEPT)[-1][1] == len(text)


def test_background_acts_are_not_signals(rules: RuleExtractor) -> None:
    ex = run(rules, "In August, Russia and Ukraine exchanged 115 prisoners.", SEPT)
    assert kinds(ex) == set()
    ex = run(rules, "Zelensky previously decreed a ban on negotiations with Putin.", SEPT)
    assert kinds(ex) == set()
    ex = run(rules, "Russia and Ukraine exchanged 103 prisoners on Saturday.", SEPT)
    assert kinds(ex) == {("RUS", "prisoner_release"), ("UKR", "prisoner_release")}


def test_news_in_a_sentence_with_background_survives(rules: RuleExtractor) -> None:
    ex = run(rules, "Peskov said on Monday that talks were not possible, since Putin met "
                    "Erdogan in 2023.", SEPT)
    assert kinds(ex) == {("RUS", "statement")}


def test_role_nouns_refer_to_the_last_speaker(rules: RuleExtractor) -> None:
    assert refers_by_role("the Ukrainian president announced")
    assert refers_by_role("“We are ready,” he added")
    assert not refers_by_role("Russia announced")
    ex = run(rules, "Peskov spoke to reporters about the talks. “We remain ready for talks,” "
                    "the spokesman added.")
    assert [(s.actor, "We remain ready" in s.quote) for s in ex.signals] == [
        ("RUS", True)]


def test_speaker_is_the_actor_nearest_before_the_speech_cue(rules: RuleExtractor) -> None:
    ex = run(rules, "The Kremlin dismissed Zelensky’s statement on his readiness for talks "
                    "with Putin.")
    assert kinds(ex) == {("RUS", "statement"), ("UKR", "statement")}
    ex = run(rules, "Peskov told reporters that the talks with Driscoll in Kyiv went well "
                    "and said a deal was near.")
    assert kinds(ex) == {("RUS", "statement")}


def test_talk_about_a_ceasefire_is_a_statement_not_a_ceasefire(rules: RuleExtractor) -> None:
    ex = run(rules, "Medinsky confirmed that both sides would share proposals for a possible "
                    "ceasefire.")
    assert kinds(ex) == {("RUS", "statement")}
    ex = run(rules, "Putin declared a ceasefire for Easter.")
    assert ("RUS", "ceasefire") in kinds(ex)


def test_criticism_and_dismissal_are_statements(rules: RuleExtractor) -> None:
    ex = run(rules, "Zelensky criticized the Russian proposal for talks.")
    assert ("UKR", "statement") in kinds(ex)
