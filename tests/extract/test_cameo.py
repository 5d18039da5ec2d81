"""The CAMEO verb and noun families (amendment 3, docs/extraction-evaluation.md §8): the
inflection function, finite forms, and one constructed sentence per family (none taken from a
gold file)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pytest

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



# One constructed sentence per family and rule (none taken from a gold file): the (sender,
# kind) pairs it must give, and those it must not; a bare kind in ``absent`` means no sender.
S, M, B, C = "summit", "mediation", "backchannel", "ceasefire"
P, E, T = "prisoner_release", "escalation", "statement"
SENTENCES = [
    ("consult_041_to_046", "Erdogan phoned Lukashenko on Monday.", {("TUR", S), ("BLR", S)}, ()),
    ("consult_041_to_046", "Macron held lengthy talks with Scholz in Paris.",
     {("FRA", S), ("DEU", S)}, ()),
    ("consult_041_to_046", "The Macron-Scholz call lasted an hour.", {("FRA", S), ("DEU", S)},
     ()),
    ("consult_041_to_046", "Poland contacted Belarus about the border.", {("POL", S)}, ()),
    ("finite_forms_only_for_consult", "Macron wants to hold talks with Scholz soon.", set(),
     [("FRA", S)]),
    ("contacts_kept_are_a_backchannel",
     "Officials said the envoys of Poland and Belarus remained in contact.",
     {("POL", B), ("BLR", B)}, ()),
    ("mediate_045", "Qatar arranged a series of contacts between Poland and Belarus.",
     {("QAT", M)}, ()),
    ("mediate_045", "The Saudi foreign minister was on hand for the talks in Riyadh.",
     {("SAU", M)}, ()),
    ("ceasefire_verbs_shadow_the_attack_noun", "Russia paused strikes on power plants on "
     "Tuesday.", {("RUS", C)}, [("RUS", E)]),
    ("return_of_persons_0841", "Ukraine returned 90 soldiers to Russia on Friday.",
     {("UKR", P)}, ()),
    ("return_of_persons_0841", "Kyiv said 40 servicemen were freed in the morning.",
     {("UKR", P)}, ()),
    ("fight_19", "Polish air defences shot down two Belarusian drones overnight.",
     {("BLR", E)}, ()),
    ("speech_01_to_12", "Lukashenko stressed that peace talks must continue.", {("BLR", T)},
     ()),
    ("speech_01_to_12", "Erdogan commented that the negotiations were difficult.",
     {("TUR", T)}, ()),
    ("directed_acts_are_not_reported",
     "Lukashenko called on France to persuade Poland to accept a truce.", {("BLR", T)}, [C]),
    ("refused_acts_are_not_reported", "Poland declined a ceasefire on Monday.", {("POL", T)},
     [("POL", C)]),
    ("aimed_at_acts_are_not_reported", "Qatar arranged contacts in order to organise talks in "
     "Doha between Poland and Belarus.", {("QAT", M)}, [("POL", S)]),
    ("agreeing_to_pause_strikes_is_a_ceasefire",
     "Belarus agreed to halt attacks on Polish border posts.", {("BLR", C)},
     [("POL", C), ("BLR", E)]),
    ("every_partner_after_with_but_no_later_name",
     "At the request of France, Erdogan held talks with Polish President Duda, Lukashenko and "
     "the Qatari emir in Ankara, where a deal with Germany was discussed.",
     {("TUR", S), ("POL", S), ("BLR", S)}, [("FRA", S), ("DEU", S)]),
    ("negotiation_nouns_are_statement_topics",
     "Belarus said on Monday there was no basis for a meeting of the presidents.",
     {("BLR", T)}, [("BLR", S)]),
    ("negotiation_nouns_are_statement_topics", "Erdogan said Turkey prefers diplomatic means.",
     {("TUR", T)}, ()),
    ("negotiation_nouns_are_statement_topics", "Erdogan said Turkey prefers tea.", set(),
     [("TUR", T)]),
    ("habitual_acts_are_background", "Poland and Belarus have periodically exchanged "
     "prisoners.", set(), [P]),
    ("habitual_acts_are_background", "Poland and Belarus exchanged prisoners on Friday.",
     {("POL", P)}, ()),
    ("the_subject_matter_of_talks_is_not_the_act",
     "Negotiations on a partial truce between Poland and Belarus were held in Doha.", set(), [C]),
    ("acting_as_mediator", "Qatar acted as a mediator between Poland and Belarus.",
     {("QAT", M)}, ()),
    ("acting_as_mediator", "Qatar played a key role in the prisoner exchange.", {("QAT", M)},
     ()),
    ("launching_an_offensive", "Belarus launched a large-scale spring offensive.",
     {("BLR", E)}, ()),
    ("launching_an_offensive", "Belarus amassed troops near the border.", {("BLR", E)}, ()),
    ("visits_hosts_and_delegations", "Qatar sent missions to Warsaw and Minsk.", {("QAT", S)},
     ()),
    ("visits_hosts_and_delegations", "The Polish side is represented by Duda and two ministers.",
     {("POL", S)}, ()),
    ("visits_hosts_and_delegations", "The talks, hosted in Qatar, went on for two days.",
     {("QAT", M)}, ()),
    ("agreed_release_and_persons_received", "Belarus agreed to free six Polish prisoners.",
     {("BLR", P)}, ()),
    ("agreed_release_and_persons_received", "Poland said it received 40 soldiers on Monday.",
     {("POL", P)}, ()),
    ("annexation_referendums_are_escalation",
     "Belarus held referendums in the occupied villages.", {("BLR", E)}, ()),
    ("the_war_and_its_terms_are_statement_topics",
     "Lukashenko said Polish troops would stay away from the border.", {("BLR", T)}, ()),
]


@pytest.mark.parametrize(("sentence", "present", "absent"),
                         [pytest.param(s, p, a, id=name) for name, s, p, a in SENTENCES])
def test_family_and_rule_sentences(rules: RuleExtractor, sentence: str,
                                   present: set[tuple[str, str]], absent: Sequence[Any]) -> None:
    got = kinds(run(rules, sentence))
    assert present <= got
    for item in absent:
        if isinstance(item, str):  # no sender at all for this kind
            assert not {k for k in got if k[1] == item}
        else:
            assert item not in got
