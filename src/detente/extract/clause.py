"""Clause structure for the rule extractor: which cues are acts, and whose (amendment 2).

Small tests on the text around a cue, each a piece of English clause structure rather than a
list of sentences:

* **Talk about an act.** A cue inside a noun or adjective complement that names a possible,
  proposed, demanded or rejected act ("ready for direct talks", "proposals for a ceasefire",
  "in exchange for a ceasefire", "no plans for a meeting") is what someone said about the act,
  not the act: the speech, if any, is the statement (Searle 1969, *Speech Acts*: reporting a
  directive or commissive is not performing the act it names).
* **Allegation.** The complement of "accuse X of …" is the accuser's claim: the accuser makes
  a statement; X is not reported as acting.
* **Condition.** An act in the antecedent of "if" / "unless" is not reported as having
  happened.
* **Subject.** The sender of a verb is its subject (Quirk et al. 1985, *A Comprehensive
  Grammar of the English Language* §2.13): an actor in a locative phrase ("sirens rang out in
  Kyiv") is not a sender, and a subordinate clause ("…, shortly after Putin announced …")
  starts a new subject.
* **Partner.** "A call / talks / a meeting with X": the two sides are the subject and X, not
  every actor in the clause ("offered to mediate between Russia and Ukraine in a call with
  Zelensky" is a call of Turkey and Ukraine).
* **Future meeting.** "Talks … scheduled for next Thursday" is announced, not held.
* **Author and agent.** "a ceasefire proposal from the United States" has the US as a
  sender; "was mediated by the UAE" makes the UAE the mediator, not a party.

>>> talks_about("Zelensky's statement that he was ready for ")
True
>>> accusation("Peskov accused Kyiv of continuing its ")
True
>>> condition("Moscow may pull out if Ukraine continues its ")
True
>>> subject_start("Air raid sirens rang out in Kyiv, shortly after Putin announced ")
48
>>> locative("Air raid sirens rang out in ")
True
"""

from __future__ import annotations

import re

_ABOUT = re.compile(
    r"\b(?:proposals? (?:for|of)|aimed at|toward|towards|efforts? (?:for|to)|call(?:ing|ed|s)? "
    r"for|push(?:ing|ed)? for|possible|potential|step to|ready (?:for|to)|readiness (?:for|to)|"
    r"willing(?:ness)? to|prepared (?:for|to)|in exchange for|conditions? (?:for|of)|"
    r"terms (?:for|of)|against|no plans?|not (?:yet )?plann\w*|any new|expected|hopes? (?:for|of|"
    r"that)|hop\w* to|prospects? (?:for|of)|idea of|statement that)\b[^.;]{0,30}$",
    re.IGNORECASE)
# The complement of a directive ("called on Washington to persuade Moscow to accept a
# ceasefire", "urged Kyiv to …"), of a rejection ("declined a ceasefire") or of a purpose
# ("in order to organise talks"): the act is asked for, refused or aimed at, not reported
# (CAMEO 02 appeal, 12 reject: the speech act is the signal).
_DIRECTED = re.compile(
    r"\b(?:(?:call(?:s|ed|ing)?|prevail(?:s|ed)?) (?:on|upon)|urg(?:e|es|ed|ing)|"
    r"ask(?:s|ed|ing)?|press(?:es|ed|ing)?|persuad\w*|encourag\w*|push(?:es|ed|ing)?|"
    r"pressur\w*|invit\w*)\s+(?:[^\s.;]+\s+){0,6}?to\s+[^.;]{0,40}$"
    r"|\b(?:reject\w*|declin\w*|refus\w*|dismiss\w*|ruled? out|rules out|oppos\w*|"
    r"in order to|so as to)\b[^.;]{0,30}$"
    # the subject matter of talks: "negotiations on a partial ceasefire", "the agenda"
    r"|\b(?:talks|negotiations|discussions?|consultations|agenda|elements|impression|"
    r"question|issue) (?:on|about|over|for|of|regarding)\b[^.;]{0,30}$", re.IGNORECASE)
_ACCUSED = re.compile(r"\baccus\w*\s+(?:[^\s;]+\s+){0,6}?of\b[^;]*$", re.IGNORECASE)
# A meeting announced for later ("talks … scheduled for Thursday", "will take place").
_FUTURE = re.compile(r"^[^.;]{0,40}?\b(?:scheduled|planned|set to|due to|expected to|"
                     r"will (?:take place|be held|begin|start))\b", re.IGNORECASE)
# The author of a proposal named after it ("a ceasefire proposal from the United States").
_AUTHOR = re.compile(r"^[\w\s-]{0,12}?\b(?:proposals?|plans?|offers?|initiatives?)\s+"
                     r"(?:from|by|of)\s+(?:the\s+)?$", re.IGNORECASE)
# The mediator named as the agent of a passive ("was mediated by the UAE").
_BY = re.compile(r"\bby\s+(?:the\s+)?$", re.IGNORECASE)
_CONDITION = re.compile(r"\b(?:if|unless|in case)\b[^,.;]*$", re.IGNORECASE)
_SUBORDINATE = re.compile(r"(?:,\s*|\s)(?:shortly |hours |days |soon |just |a day )?"
                          r"(?:after|before|when|since|because|as|until|once)\s", re.IGNORECASE)
_LOCATIVE = re.compile(r"\b(?:in|at|from|into|across|over|near|to)\s+(?:the\s+)?$",
                       re.IGNORECASE)
# A name inside a prepositional phrase is not the subject ("Following the Putin-Trump call,
# Zelensky held talks with …", "offered to mediate between Russia and Ukraine in a call with").
_PREPOSITIONAL = re.compile(r"\b(?:between|following|after|before|during|with|of|for|on|"
                            r"against|about|by|in|at|from|into|to)\s+(?:the\s+)?"
                            r"(?:[\w’'-]+\s+){0,2}[\w’'-]*$", re.IGNORECASE)
_PARTNER = re.compile(r"^[^.;]{0,12}?\bwith\s+", re.IGNORECASE)


def talks_about(prefix: str) -> bool:
    """Whether a cue right after ``prefix`` names an act only as talked about."""
    return bool(_ABOUT.search(prefix) or _DIRECTED.search(prefix))


def future(after: str) -> bool:
    """Whether the text right after a meeting cue announces it for later."""
    return bool(_FUTURE.match(after))


def author_between(between: str) -> bool:
    """Whether ``between`` (from a cue to a name) makes the name a proposal's author."""
    return bool(_AUTHOR.match(between))


def agent_of_passive(prefix: str) -> bool:
    """Whether a name right after ``prefix`` is the agent of a passive ("… by the UAE")."""
    return bool(_BY.search(prefix))


def accusation(prefix: str) -> bool:
    """Whether a cue right after ``prefix`` is inside the complement of "accuse X of"."""
    return bool(_ACCUSED.search(prefix))


def condition(prefix: str) -> bool:
    """Whether a cue right after ``prefix`` is inside an "if"/"unless" antecedent."""
    return bool(_CONDITION.search(prefix))


def subject_start(prefix: str) -> int:
    """Where the clause holding a cue right after ``prefix`` begins: after the last
    subordinator ("after", "when", "since" …), else 0."""
    last = None
    for m in _SUBORDINATE.finditer(prefix):
        last = m
    return last.end() if last else 0


def locative(prefix: str) -> bool:
    """Whether a name right after ``prefix`` is in a place phrase ("in Kyiv", "to Moscow")."""
    return bool(_LOCATIVE.search(prefix))


def prepositional(prefix: str) -> bool:
    """Whether a name right after ``prefix`` is inside a prepositional phrase (a place, a
    partner, a time: "following the Putin-", "between Russia and ")."""
    return bool(_PREPOSITIONAL.search(prefix))


def partner_follows(text: str) -> bool:
    """Whether a meeting cue is followed by "with X" (the other side of a call or talks)."""
    return bool(_PARTNER.match(text))
