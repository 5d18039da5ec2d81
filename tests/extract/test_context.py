"""The context rules of amendment 1 (docs/extraction-evaluation.md §6.1) on constructed
sentences: background acts, senders named by role, the nearest speaker, talk about a ceasefire."""

from __future__ import annotations

import datetime as dt

from detente.extract.context import (
    background_spans,
    is_background,
    names_the_parties,
    refers_by_role,
)
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


def test_the_parties_are_the_two_actors_named_most(rules: RuleExtractor) -> None:
    assert names_the_parties("both sides agreed") and not names_the_parties("the side")
    ex = run(rules, "Russia and Ukraine met in Geneva. Medinsky said Russia wants peace. "
                    "The parties also agreed on the repatriation of 500 bodies.")
    assert {("RUS", "prisoner_release"), ("UKR", "prisoner_release")} <= kinds(ex)


def test_a_contact_has_two_sides_and_a_venue_is_not_one(rules: RuleExtractor) -> None:
    ex = run(rules, "The text was drafted quietly by Witkoff with Dmitriev.")
    assert kinds(ex) == {("USA", "backchannel"), ("RUS", "backchannel")}
    ex = run(rules, "Umerov and Medinsky met in Turkey on Friday.")
    assert kinds(ex) == {("UKR", "summit"), ("RUS", "summit")}


def test_statement_after_an_act_it_does_not_report(rules: RuleExtractor) -> None:
    # the round of talks comes before the speech verb: Kyiv's offer is also a statement
    ex = run(rules, "During the round of talks in Istanbul, Kyiv offered Moscow a neutrality "
                    "deal.")
    assert ("UKR", "statement") in kinds(ex) and ("UKR", "summit") in kinds(ex)
    # the speech reports the act: the act is the signal, not a second statement
    ex = run(rules, "Zelensky said Ukraine and Russia agreed to swap prisoners under the deal.")
    assert ("UKR", "statement") not in kinds(ex) and ("UKR", "prisoner_release") in kinds(ex)


def test_a_demand_clause_is_not_an_act(rules: RuleExtractor) -> None:
    ex = run(rules, "Putin stated his readiness for a peace conference; but Ukraine must first "
                    "recognize Russian annexations.")
    assert kinds(ex) == {("RUS", "statement")}


def test_a_definite_event_noun_refers_back_unless_initiated(rules: RuleExtractor) -> None:
    ex = run(rules, "Putin downplayed the incursion.")
    assert kinds(ex) == set()
    ex = run(rules, "Putin ordered the mobilization of reservists.")
    assert kinds(ex) == {("RUS", "escalation")}
