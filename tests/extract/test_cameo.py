"""The CAMEO verb and noun families (amendment 3, docs/extraction-evaluation.md §8): the
inflection function, finite forms, and one constructed sentence per family (none taken from a
gold file)."""

from __future__ import annotations

import re

from detente.extract.cameo import FAMILIES, SPEECH, cue_patterns, expand, inflect, speech_pattern
from detente.extract.rules import RuleExtractor

from .test_rules import kinds, run


def test_inflect_regular_and_irregular_verbs() -> None:
    assert inflect("mediate") == ("mediate", "mediates", "mediated", "mediating")
    assert inflect("stress") == ("stress", "stresses", "stressed", "stressing")
    assert inflect("deny") == ("deny", "denies", "denied", "denying")
    assert inflect("stay") == ("stay", "stays", "stayed", "staying")
    assert inflect("stop") == ("stop", "stops", "stopped", "stopping")
    assert inflect("visit") == ("visit", "visits", "visited", "visiting")  # two syllables
    assert inflect("free") == ("free", "frees", "freed", "freeing")
    assert inflect("hold") == ("hold", "holds", "held", "holding")
    assert inflect("withdraw") == ("withdraw", "withdraws", "withdrew", "withdrawn",
                                   "withdrawing")


def test_finite_slots_leave_out_base_and_ing_forms() -> None:
    pattern = re.compile(expand(r"\b{hold!} talks\b"))
    assert pattern.search("Kyiv held talks") and pattern.search("Ankara holds talks")
    assert not pattern.search("ready to hold talks") and not pattern.search("of holding talks")


def test_every_family_compiles_and_names_a_signal_kind() -> None:
    assert set(FAMILIES) <= {"summit", "mediation", "backchannel", "ceasefire",
                             "prisoner_release", "escalation"}
    for patterns in cue_patterns().values():
        for p in patterns:
            re.compile(p)
    assert len(SPEECH) > 50 and re.search(speech_pattern(), "Minsk stressed", re.IGNORECASE)


def test_consult_family_041_to_046(rules: RuleExtractor) -> None:
    ex = run(rules, "Erdogan phoned Lukashenko on Monday.")
    assert {("TUR", "summit"), ("BLR", "summit")} <= kinds(ex)
    ex = run(rules, "Macron held lengthy talks with Scholz in Paris.")
    assert {("FRA", "summit"), ("DEU", "summit")} <= kinds(ex)
    ex = run(rules, "The Macron-Scholz call lasted an hour.")
    assert {("FRA", "summit"), ("DEU", "summit")} <= kinds(ex)
    ex = run(rules, "Poland contacted Belarus about the border.")
    assert ("POL", "summit") in kinds(ex)


def test_finite_forms_only_for_consult(rules: RuleExtractor) -> None:
    ex = run(rules, "Macron wants to hold talks with Scholz soon.")
    assert ("FRA", "summit") not in kinds(ex)


def test_contacts_kept_are_a_backchannel(rules: RuleExtractor) -> None:
    ex = run(rules, "Officials said the envoys of Poland and Belarus remained in contact.")
    assert {("POL", "backchannel"), ("BLR", "backchannel")} <= kinds(ex)


def test_mediate_family_045(rules: RuleExtractor) -> None:
    ex = run(rules, "Qatar arranged a series of contacts between Poland and Belarus.")
    assert ("QAT", "mediation") in kinds(ex)
    ex = run(rules, "The Saudi foreign minister was on hand for the talks in Riyadh.")
    assert ("SAU", "mediation") in kinds(ex)


def test_ceasefire_verbs_shadow_the_attack_noun(rules: RuleExtractor) -> None:
    ex = run(rules, "Russia paused strikes on power plants on Tuesday.")
    assert ("RUS", "ceasefire") in kinds(ex) and ("RUS", "escalation") not in kinds(ex)


def test_return_of_persons_0841(rules: RuleExtractor) -> None:
    ex = run(rules, "Ukraine returned 90 soldiers to Russia on Friday.")
    assert ("UKR", "prisoner_release") in kinds(ex)
    ex = run(rules, "Kyiv said 40 servicemen were freed in the morning.")
    assert ("UKR", "prisoner_release") in kinds(ex)


def test_fight_family_19(rules: RuleExtractor) -> None:
    ex = run(rules, "Polish air defences shot down two Belarusian drones overnight.")
    assert ("BLR", "escalation") in kinds(ex)


def test_speech_family_01_to_12(rules: RuleExtractor) -> None:
    ex = run(rules, "Lukashenko stressed that peace talks must continue.")
    assert ("BLR", "statement") in kinds(ex)
    ex = run(rules, "Erdogan commented that the negotiations were difficult.")
    assert ("TUR", "statement") in kinds(ex)


def test_directed_refused_or_aimed_at_acts_are_not_reported(rules: RuleExtractor) -> None:
    ex = run(rules, "Lukashenko called on France to persuade Poland to accept a truce.")
    assert not {k for k in kinds(ex) if k[1] == "ceasefire"}
    assert ("BLR", "statement") in kinds(ex)
    ex = run(rules, "Poland declined a ceasefire on Monday.")
    assert ("POL", "ceasefire") not in kinds(ex) and ("POL", "statement") in kinds(ex)
    ex = run(rules, "Qatar arranged contacts in order to organise talks in Doha between Poland "
                    "and Belarus.")
    assert ("QAT", "mediation") in kinds(ex) and ("POL", "summit") not in kinds(ex)


def test_agreeing_to_pause_strikes_is_a_ceasefire(rules: RuleExtractor) -> None:
    ex = run(rules, "Belarus agreed to halt attacks on Polish border posts.")
    assert ("BLR", "ceasefire") in kinds(ex) and ("POL", "ceasefire") not in kinds(ex)
    assert ("BLR", "escalation") not in kinds(ex)


def test_every_partner_after_with_but_no_later_name(rules: RuleExtractor) -> None:
    ex = run(rules, "At the request of France, Erdogan held talks with Polish President Duda, "
                    "Lukashenko and the Qatari emir in Ankara, where a deal with Germany was "
                    "discussed.")
    got = {a for a, k in kinds(ex) if k == "summit"}
    assert {"TUR", "POL", "BLR"} <= got and not {"FRA", "DEU"} & got


def test_negotiation_nouns_are_statement_topics(rules: RuleExtractor) -> None:
    ex = run(rules, "Belarus said on Monday there was no basis for a meeting of the presidents.")
    assert ("BLR", "statement") in kinds(ex) and ("BLR", "summit") not in kinds(ex)
    ex = run(rules, "Erdogan said Turkey prefers diplomatic means.")
    assert ("TUR", "statement") in kinds(ex)
    ex = run(rules, "Erdogan said Turkey prefers tea.")
    assert ("TUR", "statement") not in kinds(ex)


def test_habitual_acts_are_background(rules: RuleExtractor) -> None:
    ex = run(rules, "Poland and Belarus have periodically exchanged prisoners.")
    assert not {k for k in kinds(ex) if k[1] == "prisoner_release"}
    ex = run(rules, "Poland and Belarus exchanged prisoners on Friday.")
    assert ("POL", "prisoner_release") in kinds(ex)


def test_the_subject_matter_of_talks_is_not_the_act(rules: RuleExtractor) -> None:
    ex = run(rules, "Negotiations on a partial truce between Poland and Belarus were held in "
                    "Doha.")
    assert not {k for k in kinds(ex) if k[1] == "ceasefire"}


def test_acting_as_mediator_and_launching_an_offensive(rules: RuleExtractor) -> None:
    ex = run(rules, "Qatar acted as a mediator between Poland and Belarus.")
    assert ("QAT", "mediation") in kinds(ex)
    ex = run(rules, "Qatar played a key role in the prisoner exchange.")
    assert ("QAT", "mediation") in kinds(ex)
    ex = run(rules, "Belarus launched a large-scale spring offensive.")
    assert ("BLR", "escalation") in kinds(ex)
    ex = run(rules, "Belarus amassed troops near the border.")
    assert ("BLR", "escalation") in kinds(ex)


def test_visits_hosts_and_delegations(rules: RuleExtractor) -> None:
    ex = run(rules, "Qatar sent missions to Warsaw and Minsk.")
    assert ("QAT", "summit") in kinds(ex)
    ex = run(rules, "The Polish side is represented by Duda and two ministers.")
    assert ("POL", "summit") in kinds(ex)
    ex = run(rules, "The talks, hosted in Qatar, went on for two days.")
    assert ("QAT", "mediation") in kinds(ex)


def test_agreed_release_and_persons_received(rules: RuleExtractor) -> None:
    ex = run(rules, "Belarus agreed to free six Polish prisoners.")
    assert ("BLR", "prisoner_release") in kinds(ex)
    ex = run(rules, "Poland said it received 40 soldiers on Monday.")
    assert ("POL", "prisoner_release") in kinds(ex)


def test_annexation_referendums_are_escalation(rules: RuleExtractor) -> None:
    ex = run(rules, "Belarus held referendums in the occupied villages.")
    assert ("BLR", "escalation") in kinds(ex)


def test_the_war_and_its_terms_are_statement_topics(rules: RuleExtractor) -> None:
    ex = run(rules, "Lukashenko said Polish troops would stay away from the border.")
    assert ("BLR", "statement") in kinds(ex)
