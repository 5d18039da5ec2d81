"""The rule extractor on constructed sentences: each rule, and the laws every extraction obeys."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from detente.extract.article import parse_article
from detente.extract.rules import RuleExtractor
from detente.extract.verify import quote_problems


def run(rules: RuleExtractor, body: str, date: dt.date | None = dt.date(2025, 5, 17)):
    return rules.extract(parse_article(body, "t.txt", date))


def kinds(ex) -> set[tuple[str, str]]:
    return {(s.actor, s.kind) for s in ex.signals}


def test_people_and_institutions_map_to_their_state(rules: RuleExtractor) -> None:
    ex = run(rules, "Peskov spoke. Umerov replied. Witkoff flew in. Erdoğan hosted them.")
    assert [a.code for a in ex.actors] == ["RUS", "UKR", "USA", "TUR"]


def test_outlets_and_labels_are_not_actors(rules: RuleExtractor) -> None:
    ex = run(rules, "The Washington Post and the New York Times wrote about World War II.")
    assert ex.actors == []


def test_possessive_and_hyphenated_names(rules: RuleExtractor) -> None:
    ex = run(rules, "Russia’s envoy left. The UN- and Turkey-brokered deal held.")
    assert {a.code for a in ex.actors} == {"RUS", "UN", "TUR"}


def test_joint_subject_gives_each_actor_a_signal(rules: RuleExtractor) -> None:
    ex = run(rules, "Russia and Ukraine agreed to a prisoner exchange involving 1,000 people.")
    assert kinds(ex) == {("RUS", "prisoner_release"), ("UKR", "prisoner_release")}


def test_ceasefire_shadows_the_attacks_it_halts(rules: RuleExtractor) -> None:
    ex = run(rules, "Putin agreed to halt attacks on energy infrastructure for 30 days.")
    assert kinds(ex) == {("RUS", "ceasefire")}


def test_escalation_goes_to_the_agent_not_the_target(rules: RuleExtractor) -> None:
    ex = run(rules, "Russian forces resumed airstrikes and shelling against Kyiv.")
    assert kinds(ex) == {("RUS", "escalation")}


def test_hypothetical_acts_are_not_signals(rules: RuleExtractor) -> None:
    ex = run(rules, "A unilateral ceasefire by Russia would be the next step.")
    assert ex.signals == []


def test_negated_events_are_not_signals(rules: RuleExtractor) -> None:
    ex = run(rules, "Trump and Putin talked, but no agreement was reached on a ceasefire.")
    assert ("USA", "ceasefire") not in kinds(ex) and ("RUS", "ceasefire") not in kinds(ex)


def test_statement_needs_speech_and_topic(rules: RuleExtractor) -> None:
    said = run(rules, "Peskov said Russia is ready for talks.")
    chat = run(rules, "Peskov said the weather was fine.")
    assert ("RUS", "statement") in kinds(said)
    assert chat.signals == []


def test_pronoun_carries_the_previous_subject(rules: RuleExtractor) -> None:
    ex = run(rules, "Zelensky spoke on Friday. He said Ukraine would abide by a truce.")
    signal = next(s for s in ex.signals if s.kind == "ceasefire")
    assert signal.actor == "UKR"


def test_signal_date_resolves_against_the_article(rules: RuleExtractor) -> None:
    ex = run(rules, "Delegations of Russia and Ukraine met in Istanbul on Friday.")
    assert {s.date for s in ex.signals} == {"2025-05-16"}


def test_mediation_and_summit(rules: RuleExtractor) -> None:
    ex = run(rules, "Turkey hosted the talks. Lukashenko offered to mediate.")
    assert ("TUR", "mediation") in kinds(ex) and ("BLR", "mediation") in kinds(ex)


def test_positions_in_the_default_vocabulary(rules: RuleExtractor) -> None:
    ex = run(rules, "Putin demands that Ukraine abandon its bid to join NATO.")
    assert ("RUS", "nato") in {(p.actor, p.issue) for p in ex.positions}


def test_named_proposals(rules: RuleExtractor) -> None:
    ex = run(rules, "Trump endorsed a 28-point plan. Moscow cited the Istanbul Communiqué.")
    names = {p.name for p in ex.proposals}
    assert "28-point plan" in names and "Istanbul Communiqué" in names


def test_stance_of_a_news_report_and_an_op_ed(rules: RuleExtractor) -> None:
    news = run(rules, "Medinsky said the swap would take place soon, officials told reporters.")
    oped = run(rules, "Making concessions to Russia would reward Putin. Appeasement fails; "
               "we need more support and maximum pressure, not capitulation.")
    assert news.stance == "neutral_report"
    assert oped.stance == "anti_concession"


_WORDS = st.sampled_from(["Putin", "said", "Russia", "and", "Ukraine", "agreed", "to", "a",
                          "ceasefire", "prisoner", "exchange", "talks", "in", "Istanbul",
                          "on", "Friday", "He", "attacks", "the", "Kremlin", "’s", "—", ";",
                          "\n\n", "[…]", "should", "not", "mediate", "NATO", "26-point",
                          "plan", ",", ".", "Zelenskyy", "“", "”", "U.S.", "UN-"])


@settings(max_examples=150, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=60))
def test_every_quote_is_exact_and_points_at_itself(words: list[str]) -> None:
    rules = _shared()
    body = " ".join(words)
    ex = rules.extract(parse_article(body, "p.txt", dt.date(2025, 1, 1)))
    assert quote_problems(body, ex) == []
    for item in ex.items():
        assert item.start is not None and body[item.start:item.end] == item.quote


_RULES: list[RuleExtractor] = []


def _shared() -> RuleExtractor:
    if not _RULES:
        _RULES.append(RuleExtractor())
    return _RULES[0]
