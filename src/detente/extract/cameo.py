"""Verb and noun families per signal kind, organised by the CAMEO event categories (amendment 3).

The rule extractor's cue lists (``data/cues.csv``, ``data/statement_cues.csv``) grew one
sentence at a time; two locked sets showed that such patterns do not carry over to new
articles. This module adds *whole families* of the words a news report uses for each kind of
act, grouped by the top-level categories of the CAMEO codebook (Gerner, Schrodt, Yilmaz and
Abu-Jabr 2002, *Conflict and Mediation Event Observations (CAMEO): A New Event Data Framework
for the Analysis of Foreign Policy Interactions*; Schrodt 2012, *CAMEO Conflict and Mediation
Event Observations Event and Actor Codebook*, version 1.1b3):

* ``statement`` ← 01 make public statement, 02 appeal, 03 express intent to cooperate,
  10 demand, 11 disapprove, 12 reject (the speech verbs and nouns of reported speech);
* ``summit`` ← 04 consult: 040 consult, 041 discuss by telephone, 042 make a visit,
  043 host a visit, 044 meet at a "third" location, 046 engage in negotiation;
* ``mediation`` ← 045 mediate (and 043 host, when the host is a third party);
* ``backchannel`` ← 04 consult held out of public view (contacts kept, not a meeting held);
* ``ceasefire`` ← 0871 declare truce, ceasefire; 087 de-escalate military engagement;
* ``prisoner_release`` ← 0841 return, release persons (prisoners, soldiers, bodies, children);
* ``escalation`` ← 15 exhibit military posture (mobilise), 18 assault, 19 fight, 20 use
  unconventional mass violence (the attack verbs and nouns).

A family is a list of *templates*: a regular expression in which ``{verb}`` stands for every
inflection of the verb (:func:`inflect`), so "{hold!} talks with" covers "hold", "holds",
"held" and "holding talks with". The families are joined to the shipped cue lists by
:func:`detente.extract.lexicon.lexicon`; the clause rules of :mod:`detente.extract.clause`
(talk about an act, conditions, allegations, subjects) still decide whether a cue is an act
and whose.

>>> inflect("meet")
('meet', 'meets', 'met', 'meeting')
>>> inflect("swap")
('swap', 'swaps', 'swapped', 'swapping')
>>> expand("{phone} and {phone!}")
'(?:phone|phones|phoned|phoning) and (?:phones|phoned)'
"""

from __future__ import annotations

import re
from functools import cache

# Past forms that do not follow the regular rules (past tense, then participle if different).
_IRREGULAR: dict[str, tuple[str, ...]] = {
    "say": ("said",), "tell": ("told",), "meet": ("met",), "speak": ("spoke", "spoken"),
    "hold": ("held",), "begin": ("began", "begun"), "fight": ("fought",),
    "strike": ("struck", "stricken"), "shoot": ("shot",), "seek": ("sought",),
    "lead": ("led",), "send": ("sent",), "withdraw": ("withdrew", "withdrawn"),
    "give": ("gave", "given"), "sit": ("sat",), "keep": ("kept",),
    "write": ("wrote", "written"), "oversee": ("oversaw", "overseen"),
    "hand": ("handed",), "set": ("set",), "put": ("put",), "bring": ("brought",),
    "fly": ("flew", "flown"), "travel": ("traveled", "travelled"),
    "signal": ("signaled", "signalled"), "shell": ("shelled",), "hit": ("hit",),
    "come": ("came", "come"), "go": ("went", "gone"), "throw": ("threw", "thrown"),
    "stand": ("stood",), "break": ("broke", "broken"), "take": ("took", "taken"),
    "rule": ("ruled",), "admit": ("admitted",), "commit": ("committed",),
}
_VOWELS = "aeiou"


def _doubles(verb: str) -> bool:
    """One-syllable verbs ending consonant–vowel–consonant double the consonant ("swapped")."""
    groups = re.findall(r"[aeiou]+", verb)
    return (len(groups) == 1 and len(verb) >= 3 and verb[-1] in "bdgmnprt"
            and verb[-2] in _VOWELS and verb[-3] not in _VOWELS)


def inflect(verb: str) -> tuple[str, ...]:
    """The base form, third-person -s, past (and participle) and -ing forms of a verb."""
    if verb.endswith(("s", "x", "z", "ch", "sh")):
        third = verb + "es"
    elif verb.endswith("y") and verb[-2] not in _VOWELS:
        third = verb[:-1] + "ies"
    else:
        third = verb + "s"
    if verb in _IRREGULAR:
        past: tuple[str, ...] = _IRREGULAR[verb]
    elif verb.endswith("e"):
        past = (verb + "d",)
    elif verb.endswith("y") and verb[-2] not in _VOWELS:
        past = (verb[:-1] + "ied",)
    elif _doubles(verb):
        past = (verb + verb[-1] + "ed",)
    else:
        past = (verb + "ed",)
    if verb.endswith("ie"):
        ing = verb[:-2] + "ying"
    elif verb.endswith("e") and not verb.endswith(("ee", "ye", "oe")):
        ing = verb[:-1] + "ing"
    elif _doubles(verb):
        ing = verb + verb[-1] + "ing"
    else:
        ing = verb + "ing"
    return tuple(dict.fromkeys((verb, third, *past, ing)))


def expand(template: str) -> str:
    """A template with ``{verb}`` slots as a regular expression: ``{verb}`` is every
    inflection of the verb; ``{verb!}`` only its finite forms (third person and past: "holds",
    "held"), the forms a report of an act that happened uses — the base form and the -ing form
    mostly name an act talked about ("ready to hold talks", "the option of holding talks") or
    are nouns ("a visit", "support for Kyiv")."""
    def forms(m: re.Match[str]) -> str:
        words = inflect(m.group(1))
        if m.group(2):
            words = tuple(w for w in words[1:] if w != words[-1])
        return "(?:" + "|".join(words) + ")"
    return re.sub(r"\{(\w+)(!?)\}", forms, template)


# The people whose return or release is a 0841 act.
_CAPTIVES = (r"(?:prisoners?|pows?|captives?|detainees?|hostages?|servicem[ae]n|soldiers|"
             r"civilians|children|bodies|defenders|fighters|troops|citizens|people)")
_UPTO = r"(?:[\w,’'-]+\s+){0,5}?"  # up to five words between a verb and its object

#: CAMEO 01, 02, 03, 10, 11, 12: verbs and nouns of reported speech (a statement needs one of
#: these and a negotiation topic, see :mod:`detente.extract.rules`).
SPEECH: tuple[str, ...] = (
    # 01 make public statement
    r"\b{say!}\b", r"\bstated\b", r"\b{tell!}\b", r"\b{declare!}\b", r"\b{announce!}\b",
    r"\b{confirm!}\b", r"\b{comment!}\b", r"\b{note!}\b", r"\b{remark!}\b", r"\b{explain!}\b",
    r"\b{stress!}\b", r"\b{emphasize!}\b", r"\b{emphasise!}\b", r"\b{underline!}\b",
    r"\b{reiterate!}\b", r"\b{repeat!}\b", r"\b{affirm!}\b", r"\b{reaffirm!}\b", r"\b{assert!}\b",
    r"\b{argue!}\b", r"\b{claim!}\b", r"\b{insist!}\b", r"\b{maintain!}\b", r"\b{add!}\b",
    r"\b{respond!}\b", r"\b{reply!}\b", r"\b{answer!}\b", r"\b{acknowledge!}\b", r"\b{admit!}\b",
    r"\b{clarify!}\b", r"\b{describe!}\b", r"\b{characterize!}\b", r"\b{signal!}\b",
    r"\b{outline!}\b", r"\b{proclaim!}\b", r"\b{write!}\b", r"\b{tweet!}\b", r"\b{express!}\b",
    r"\b{warn!}\b", r"\b{predict!}\b", r"\b{echo!}\b",
    # 02 appeal, 03 express intent to cooperate, 10 demand
    r"\b{urge!}\b", r"\b{call!} (?:for|on|upon)\b", r"\b{appeal!}\b", r"\b{ask!}\b",
    r"\b{propose!}\b", r"\b{suggest!}\b", r"\b{offer!}\b", r"\b{promise!}\b", r"\b{pledge!}\b",
    r"\b{vow!}\b", r"\b{demand!}\b", r"\b{support!}\b", r"\b{endorse!}\b",
    r"\b{welcome!}\b",
    # 11 disapprove, 12 reject
    r"\b{criticize!}\b", r"\b{criticise!}\b", r"\b{condemn!}\b", r"\b{denounce!}\b",
    r"\b{accuse!}\b", r"\b{blame!}\b", r"\b{dismiss!}\b", r"\b{reject!}\b", r"\b{decline!}\b",
    r"\b{refuse!}\b", r"\b{deny!}\b", r"\b{rule!} out\b", r"\b{disavow!}\b", r"\b{lambaste!}\b",
    r"\b{slam!}\b",
)

#: Speech named as a thing ("Peskov's statement that …").
SPEECH_NOUNS: tuple[str, ...] = (
    r"\bstatements?\b", r"\bremarks\b", r"\bcomments\b", r"\binsistence\b", r"\bdecrees?\b",
    r"\bannouncement\b",
)

#: What a statement is about (§2: "a public declaration on talks, terms or peace"): the
#: nouns of negotiation, of its terms and of its venues, beyond the shipped topic list.
TOPIC: tuple[str, ...] = (
    r"\bdiplomac(?:y|ies)\b", r"\bdiplomatic(?:ally)?\b", r"\bmediation\b", r"\bmeetings?\b",
    r"\bsummits?\b", r"\b(?:phone )?calls\b", r"\binterlocutors?\b", r"\bpreconditions?\b",
    r"\bultimatums?\b", r"\bdemands\b", r"\bpositions?\b", r"\bnegotiators?\b",
    r"\b{resolve} (?:the )?(?:war|conflict|crisis|situation)\b",
    r"\b{end} (?:the |this )?(?:war|fighting|conflict|hostilities)\b",
    r"\bwithdrawal\b", r"\bsanctions\b", r"\bpeaceful\b",
    # the war and its terms: what the parties declare about it is a statement on the terms
    r"\bwar\b", r"\btroops\b", r"\bforces\b", r"\bmilitary\b", r"\bescalation\b",
    r"\bweapons?\b", r"\bterritor\w*", r"\bsecurity\b", r"\bnuclear\b", r"\boccup\w+",
    r"\bprocess\b", r"\bissues?\b", r"\befforts?\b", r"\bprogress\b",
)

#: CAMEO 04 consult: a meeting, call, visit or round of negotiations held.
SUMMIT: tuple[str, ...] = (
    # 041 discuss by telephone
    r"\b{phone!}\b", r"\b{telephone!}\b", r"\b{speak!} (?:by|on the|over the) (?:tele)?phone\b",
    r"\b{talk!} (?:by|on the|over the) (?:tele)?phone\b",
    r"\b(?:tele)?phone (?:call|conversation|talks?)\b", r"\bvideo (?:call|conference|link)\b",
    r"\b{hold!} (?:a |an )?(?:\w+ )?(?:call|conversation)\b",
    # 042/043 make, host a visit
    r"\b{visit}\b", r"\b{arrive} in\b", r"\b{travel!} to\b", r"\b{fly!} to\b",
    r"\bmissions? to\b", r"\b(?:is|are|was|were) (?:next )?headed to\b",
    # taking part in a round: "the US side is represented by …", "the delegation includes …"
    r"\b(?:is|are|will be|was|were) represented by\b",
    r"\bdelegation (?:will )?(?:include|includes|included|led by)\b",
    # 044 meet, 046 engage in negotiation
    r"\b{meet!} with\b", r"\b{hold!} (?:\w+ ){0,2}(?:talks|negotiations|consultations|discussions|"
    r"meetings?)\b", r"\b{resume!} (?:the )?(?:\w+ )?(?:talks|negotiations)\b",
    r"\b{open!} (?:the )?(?:\w+ )?(?:talks|negotiations)\b",
    r"\b{conduct!} (?:the )?(?:\w+ )?(?:talks|negotiations)\b",
    r"\b{attend!} (?:the )?(?:\w+ )?(?:talks|negotiations|summit|meeting)\b",
    r"\b{join!} (?:the )?(?:\w+ )?(?:talks|negotiations)\b",
    r"\b{sit!} down with\b", r"\b{confer!} with\b",
    r"\b{consult!} with\b", r"\b{discuss!} with\b", r"\bcontacted\b",
    r"\b(?:talks|negotiations) (?:[\w’'-]+ ){0,12}?(?:opened|began|started|resumed|ended|"
    r"concluded|wrapped up|took place)\b",
    r"(?-i:\b[A-Z][\w’']+-[A-Z][\w’']+ (?:phone )?(?:call|talks|summit|meeting))\b",
)

#: CAMEO 045 mediate (043 host, when the host is a third party).
MEDIATION: tuple[str, ...] = (
    r"\b{mediate!}\b", r"\bmediat(?:ion|or|ors)\b", r"\b{broker!}\b", r"\b{facilitate!}\b",
    r"\bgo-between\b", r"\bintermediar(?:y|ies)\b",
    r"\b{arrange!} " + _UPTO + r"(?:contacts|talks|negotiations|meetings?|exchanges?|calls?)\b",
    r"\b{organize!} " + _UPTO + r"(?:contacts|talks|negotiations|meetings?|exchanges?)\b",
    r"\b{organise!} " + _UPTO + r"(?:contacts|talks|negotiations|meetings?|exchanges?)\b",
    r"\b{convene!} " + _UPTO + r"(?:talks|negotiations|meetings?|parties|sides)\b",
    r"\b{oversee!}\b", r"\bon hand for\b", r"\bintervention of\b", r"\bauspices of\b",
    r"\bhosted (?:in|by)\b", r"\bshuttle diplomacy\b", r"\b{pass!} (?:on )?messages\b",
    r"\b{act!} as (?:an? |the )?(?:mediators?|intermediar(?:y|ies)|go-between|guarantors?)\b",
    r"\brole in (?:the )?(?:[\w-]+ )?(?:talks|negotiations|exchanges?|swaps?|releases?|"
    r"returns?|deal|agreement)\b",
)

#: Contacts kept out of public view (CAMEO 04 consult, not a meeting held).
BACKCHANNEL: tuple[str, ...] = (
    r"\b(?:{remain}|{stay!}|{keep!}) in (?:close )?(?:contact|touch)\b",
    r"\b(?:was|were|is|are|been|being) in (?:close |constant |regular )?(?:contact|touch) with\b",
    r"\b{maintain!} (?:\w+ )?contacts?\b", r"\b(?:channels?|lines?) of communication\b",
)

#: CAMEO 0871 declare truce, ceasefire; 087 de-escalate military engagement.
CEASEFIRE: tuple[str, ...] = (
    r"\bcease-?fires?\b", r"\btruces?\b", r"\barmistice\b", r"\bde-?escalat\w*",
    r"\b(?:(?:{agree!}|{decide!}|{pledge!}|{promise!}|{vow!}) to (?:pause|halt|stop|suspend|"
    r"cease|end|freeze)|{pause!}|{halt!}|{stop!}|{suspend!}|{cease!}|{end!}|{freeze!}) "
    r"(?:all |the |its |their |"
    r"further )?(?:\w+ )?(?:strikes|attacks|hostilities|fire|fighting|shelling|bombing|"
    r"combat|offensive|military (?:operations|activity|action))\b",
    r"\bmoratorium on (?:\w+ ){0,2}(?:strikes|attacks)\b",
    r"\b(?:energy|humanitarian|easter|christmas|victory day) (?:truce|pause|ceasefire)\b",
)

#: CAMEO 0841 return, release persons.
PRISONER_RELEASE: tuple[str, ...] = (
    r"\bprisoners?\b", r"\bpows?\b", r"\bcaptives?\b", r"\bdetainees?\b", r"\bhostages?\b",
    r"\bswaps?\b", r"\b{swap!}\b",
    r"\b(?:{release!}|{free!}|{return!}|{repatriate!}|{exchange!}|{hand!} over|{bring!} home) "
    + _UPTO + _CAPTIVES + r"\b",
    r"\b" + _CAPTIVES + r" (?:\w+ ){0,2}?(?:were|was|have been|had been|being) "
    r"(?:released|freed|returned|repatriated|exchanged|swapped|handed over|brought home)\b",
    r"\b(?:return|release|repatriation|exchange) of " + _UPTO + _CAPTIVES + r"\b",
    r"\brepatriat(?:ion|ed|e)\b",
    r"\b(?:{agree!}|{decide!}) to (?:free|release|return|exchange|swap|hand over) ",
    r"\b(?:{receive!}|got back|gets back) (?:[\w,’'-]+\s+){0,3}?(?:soldiers|servicem[ae]n|"
    r"prisoners|captives|people|pows|children|civilians)\b",
)

#: CAMEO 15 exhibit force posture, 18 assault, 19 fight, 20 unconventional mass violence.
ESCALATION: tuple[str, ...] = (
    r"\battacks?\b", r"\battacked\b", r"\bair ?strikes?\b", r"\bstrikes (?:on|against)\b",
    r"\b{shell!}\b", r"\bshelling\b", r"\bbombings?\b", r"\bbombard\w*", r"\bmissiles?\b",
    r"\bdrones?\b", r"\bassaults?\b", r"\binvaded\b", r"\bincursions?\b",
    r"\bmobili[sz]ation\b",
    r"\b{launch!} (?:an? |the |its |their )?(?:[\w-]+ ){0,3}(?:offensive|attacks?|strikes?|"
    r"assaults?|invasion|incursion|bombardment)\b",
    r"\b{amass!} (?:\w+ )?(?:forces|troops)\b",
    r"\bannex(?:ed|ation|ations)?\b", r"\breferend(?:um|ums|a)\b", r"\btroop build-?up\b",
    r"\b{deploy!} (?:\w+ )?troops\b",
)

FAMILIES: dict[str, tuple[str, ...]] = {
    "summit": SUMMIT, "mediation": MEDIATION, "backchannel": BACKCHANNEL,
    "ceasefire": CEASEFIRE, "prisoner_release": PRISONER_RELEASE, "escalation": ESCALATION,
}


@cache
def cue_patterns() -> dict[str, tuple[str, ...]]:
    """Every family as regular expressions per signal kind (``{verb}`` slots expanded)."""
    return {kind: tuple(expand(t) for t in templates) for kind, templates in FAMILIES.items()}


@cache
def topic_pattern() -> str:
    """The negotiation topics as one regular expression."""
    return "|".join(f"(?:{expand(t)})" for t in TOPIC)


@cache
def speech_pattern(verbs_only: bool = False) -> str:
    """The speech family (CAMEO 01–03, 10–12) as one regular expression: its verbs, and
    unless ``verbs_only`` its nouns."""
    return "|".join(f"(?:{expand(t)})" for t in SPEECH + (() if verbs_only else SPEECH_NOUNS))
