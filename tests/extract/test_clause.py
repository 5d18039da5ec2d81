"""The clause-structure rules of amendment 2 (docs/extraction-evaluation.md §7) on constructed
sentences (none taken from a gold file): talk about an act, allegations, conditions, the
subject of a subordinate clause, place phrases, partners of a call, coordinated speakers, future
meetings, authors and mediators, hyphenated brokers, summits named by noun or participle."""

from __future__ import annotations

import datetime as dt

from detente.extract.clause import (
    accusation,
    agent_of_passive,
    author_between,
    condition,
    future,
    locative,
    partner_follows,
    subject_start,
    talks_about,
)
from detente.extract.rules import RuleExtractor

from .test_rules import kinds, run


def test_clause_tests_on_fragments() -> None:
    assert talks_about("Beijing repeated that it was willing to host ")
    assert not talks_about("Poland and Belarus held ")
    assert accusation("Minsk accused Warsaw of new ")
    assert not accusation("Minsk said Warsaw launched new ")
    assert condition("Paris will respond unless Berlin halts the ")
    assert not condition("Paris responded after Berlin halted the ")
    text = "Talks went on in Minsk, hours after Putin ordered "
    assert text[subject_start(text):].startswith("Putin")
    assert subject_start("Putin ordered ") == 0
    assert locative("Sirens sounded in ") and not locative("Sirens sounded as ")
    assert partner_follows(" with ") and not partner_follows(" in Geneva on Friday")
    assert future(" between the envoys, scheduled for May") and not future(" ended on Friday")
    assert author_between(" proposal from the ") and not author_between(" and the ")
    assert agent_of_passive("was arranged by ") and not agent_of_passive("was arranged in ")


def test_readiness_for_talks_is_not_a_meeting(rules: RuleExtractor) -> None:
    ex = run(rules, "Moscow rejected Kyiv's claim that it was ready for direct talks with "
                    "Vladimir Putin.")
    assert ("RUS", "summit") not in kinds(ex) and ("UKR", "summit") not in kinds(ex)
    assert ("RUS", "statement") in kinds(ex)


def test_accused_party_is_not_reported_acting(rules: RuleExtractor) -> None:
    ex = run(rules, "Kyiv accused Moscow of breaking the truce with missile attacks on ports.")
    assert ("RUS", "escalation") not in kinds(ex) and ("RUS", "ceasefire") not in kinds(ex)
    assert ("UKR", "statement") in kinds(ex)


def test_act_in_a_condition_is_not_reported(rules: RuleExtractor) -> None:
    ex = run(rules, "The Kremlin said it may end the truce if Ukraine launches attacks on "
                    "Belgorod.")
    assert ("UKR", "escalation") not in kinds(ex)


def test_subject_of_the_subordinate_clause_and_no_place_sender(rules: RuleExtractor) -> None:
    ex = run(rules, "Sirens sounded in Kyiv, shortly after Putin announced a truce.")
    assert kinds(ex) >= {("RUS", "ceasefire")} and ("UKR", "ceasefire") not in kinds(ex)


def test_a_call_with_x_has_two_sides(rules: RuleExtractor) -> None:
    ex = run(rules, "Poland's president urged talks between Russia and Ukraine in a "
                    "telephone conversation with Volodymyr Zelensky on Friday.")
    assert {a for a, k in kinds(ex) if k == "summit"} == {"POL", "UKR"}


def test_two_leaders_are_the_parties(rules: RuleExtractor) -> None:
    ex = run(rules, "Trump and Putin were named twice. Putin spoke again. Trump spoke again. "
                    "Officials described a long phone conversation between the two leaders.")
    assert {("USA", "summit"), ("RUS", "summit")} <= kinds(ex)


def test_coordinated_speakers_each_make_the_statement(rules: RuleExtractor) -> None:
    ex = run(rules, "Poland and Belarus accuse each other of blocking the border talks.")
    assert {("POL", "statement"), ("BLR", "statement")} <= kinds(ex)


def test_future_meeting_is_not_held(rules: RuleExtractor) -> None:
    ex = run(rules, "Russia proposed direct talks with Ukraine, scheduled for next week.")
    assert ("RUS", "summit") not in kinds(ex) and ("UKR", "summit") not in kinds(ex)


def test_author_of_a_proposal_and_passive_mediator(rules: RuleExtractor) -> None:
    ex = run(rules, "Kyiv accepted a truce proposal from the United States on Tuesday.")
    assert {("UKR", "ceasefire"), ("USA", "ceasefire")} <= kinds(ex)
    ex = run(rules, "The exchange of prisoners between Russia and Ukraine was mediated by "
                    "Qatar.")
    assert ("QAT", "mediation") in kinds(ex) and ("QAT", "prisoner_release") not in kinds(ex)
    assert {("RUS", "prisoner_release"), ("UKR", "prisoner_release")} <= kinds(ex)


def test_mediator_is_not_a_party_of_the_act(rules: RuleExtractor) -> None:
    ex = run(rules, "Saudi Arabia said it mediated the swap of 90 Russian prisoners for 90 "
                    "Ukrainian prisoners.")
    assert ("SAU", "mediation") in kinds(ex) and ("SAU", "prisoner_release") not in kinds(ex)


def test_hyphenated_broker_after_an_abbreviation(rules: RuleExtractor) -> None:
    ex = run(rules, "Moscow said Ukraine broke the U.S.-brokered energy truce.")
    assert ("USA", "mediation") in kinds(ex) and ("UKR", "mediation") not in kinds(ex)
    ex = run(rules, "Both sides kept to the EU-mediated grain corridor.")
    assert ("EU", "mediation") in kinds(ex)


def test_visits_named_by_participle(rules: RuleExtractor) -> None:
    assert ("UKR", "summit") in kinds(run(rules, "Zelensky arrived in Ankara on Monday."))
    ex = run(rules, "Macron welcomed Zelensky to Paris on Monday.")
    assert {("FRA", "summit"), ("UKR", "summit")} <= kinds(ex)


def test_broker_named_as_modifier_survives_an_allegation(rules: RuleExtractor) -> None:
    ex = run(rules, "Minsk accused Poland of breaking the EU-brokered border truce.")
    assert ("EU", "mediation") in kinds(ex) and ("POL", "ceasefire") not in kinds(ex)


def test_while_starts_a_new_temporal_frame(rules: RuleExtractor) -> None:
    # the background month belongs to the "while" clause, not to the news before it
    ex = run(rules, "Macron welcomed Zelensky to Paris this week while Putin cancelled a "
                    "visit in February.", dt.date(2025, 5, 17))
    assert {("FRA", "summit"), ("UKR", "summit")} <= kinds(ex)


def test_bombings_are_escalation(rules: RuleExtractor) -> None:
    assert ("RUS", "escalation") in kinds(run(rules, "Russian bombings hit Kharkiv overnight."))


def test_deal_as_a_verb_is_not_a_topic(rules: RuleExtractor) -> None:
    assert not kinds(run(rules, "Poland stated that it will deal with the new government."))
    assert ("POL", "statement") in kinds(run(rules, "Poland stated that the deal is dead."))


def test_proposal_named_in_free_words(rules: RuleExtractor) -> None:
    ex = run(rules, "Minsk rejected a three-month truce proposal from the European Union on "
                    "Friday.")
    assert [p.quote for p in ex.proposals] == ["a three-month truce proposal from the European "
                                               "Union"]
    assert not run(rules, "Poland said it has a plan.").proposals
