"""Each argument of the five seed articles drives an analysis: change it, and that analysis
changes (docs/cases.md names the argument, where it sits in the case, and this test).

An argument that no analysis reads would be decoration; these tests fail if one goes inert. Each
test edits one input of a bundled case (a copy, never the file) and asserts that the named
output moves the way the argument says it should.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from detente.deals import DealAnalysis, analyze
from detente.scenario import Scenario, load
from detente.scenario.model import Number
from detente.signals.credibility import credibility
from detente.signals.evidence import bundled_signals
from detente.signals.items import items_from_case
from detente.war.analysis import snapshot
from detente.war.batna import war_batnas


@cache
def _case(name: str) -> Scenario:
    return load(name)


@cache
def _base(name: str) -> DealAnalysis:
    return analyze(_case(name))


def _num(x: float | list[float]) -> Number:
    return Number.model_validate({"value": x, "assumption": "test edit"})


def _actor(s: Scenario, actor: str, **update: Any) -> Scenario:
    actors = [a.model_copy(update=update) if a.id == actor else a for a in s.actors]
    return s.model_copy(update={"actors": actors})


def _stance(s: Scenario, actor: str, issue: str, **update: Any) -> Scenario:
    stances = [st.model_copy(update=update) if (st.actor, st.issue) == (actor, issue) else st
               for st in s.stances]
    return s.model_copy(update={"stances": stances})


def _war(s: Scenario, **update: Any) -> Scenario:
    assert s.war is not None
    return s.model_copy(update={"war": s.war.model_copy(update=update)})


def _proposal(r: DealAnalysis, pid: str) -> Any:
    return next(p for p in r.proposals if p.id == pid)


def _margin(r: DealAnalysis, pid: str, actor: str) -> tuple[float, float]:
    sc = next(x for x in _proposal(r, pid).scores if x.actor == actor)
    return sc.margin_low, sc.margin_high


# --- seed 000 (Biberman 2024): Kursk, the hot hand, Putin's and Zelensky's terms -------------

def test_seed000_hot_hand_optimism_closes_the_bargaining_range() -> None:
    """Kyiv's optimism after Kursk (war.optimism_a) drives the war model's bargaining range."""
    s = _case("ru-ua-2024-09")
    assert s.war is not None
    calm = snapshot(_war(s, optimism_a=_num(0.0)).war)  # type: ignore[arg-type]
    hot = snapshot(_war(s, optimism_a=_num(2.5)).war)  # type: ignore[arg-type]
    assert hot.range_width < calm.range_width
    assert calm.range_exists and not hot.range_exists


def test_seed000_kursk_raises_kyivs_reservation_and_shrinks_the_zopa() -> None:
    """Kyiv's BATNA (its value of fighting on after Kursk) bounds the ZOPA."""
    s = _case("ru-ua-2024-09")
    higher = analyze(_actor(s, "UKR", batna=s.actor("UKR").batna.model_copy(  # type: ignore[union-attr]
        update={"value": _num(0.45).value})))
    assert higher.zopa_outcomes < _base("ru-ua-2024-09").zopa_outcomes  # type: ignore[operator]


def test_seed000_putins_terms_as_delivered_drive_kyivs_verdict() -> None:
    """Putin's June 2024 terms (all four oblasts): leaving the south at the line instead raises
    Kyiv's margin."""
    s = _case("ru-ua-2024-09")
    props = [p.model_copy(update={"package": {**p.package, "south": p.package["south"].model_copy(
        update={"value": "line_of_contact"})}}) if p.id == "putin-2024-06" else p
        for p in s.proposals]
    r = analyze(s.model_copy(update={"proposals": props}))
    lo, hi = _margin(r, "putin-2024-06", "UKR")
    lo0, hi0 = _margin(_base("ru-ua-2024-09"), "putin-2024-06", "UKR")
    assert lo > lo0 and hi > hi0


# --- seed 001 (Episkopos 2022): guarantors, the elite split, the public, sanctions, reneging --

def test_seed001_elite_split_hardliners_block_ratification() -> None:
    """Kadyrov's rebuke of Medinsky: the hard-line faction's weight decides whether Moscow can
    ratify Istanbul."""
    r0 = _base("ru-ua-2022-03")
    rat0 = next(v for v in _proposal(r0, "istanbul-2022").ratification if v.state == "RUS")
    assert rat0.blocked_by == ["RUS_HARD"]
    s = _actor(_case("ru-ua-2022-03"), "RUS_HARD", ratification_weight=_num(0.1))
    r = analyze(s)
    rat = next(v for v in _proposal(r, "istanbul-2022").ratification if v.state == "RUS")
    assert "RUS_HARD" not in rat.blocked_by


def test_seed001_public_support_for_war_drives_the_publics_ratification() -> None:
    """75 percent support for the war: the Russian public's BATNA decides whether it accepts."""
    s = _case("ru-ua-2022-03")
    pub = s.actor("RUS_PUB")
    assert pub.batna is not None
    r = analyze(_actor(s, "RUS_PUB", batna=pub.batna.model_copy(update={"value": _num(0.0).value})))
    verdict = {p.id: next(x.verdict for x in p.scores if x.actor == "RUS_PUB")
               for p in r.proposals}
    verdict0 = {p.id: next(x.verdict for x in p.scores if x.actor == "RUS_PUB")
                for p in _base("ru-ua-2022-03").proposals}
    assert verdict != verdict0


def test_seed001_guarantors_are_veto_players_of_istanbul() -> None:
    """Neutrality for guarantees from named states: without the US and European vetoes, the
    guarantors no longer appear among those who may turn Istanbul down."""
    r0 = _proposal(_base("ru-ua-2022-03"), "istanbul-2022")
    assert {"USA", "EUR"} & set(r0.depends_on_open_terms + r0.rejected_by)
    s = _actor(_actor(_case("ru-ua-2022-03"), "USA", veto=False), "EUR", veto=False)
    r = _proposal(analyze(s), "istanbul-2022")
    assert not {"USA", "EUR"} & set(r.depends_on_open_terms + r.rejected_by)


def test_seed001_sanctions_as_a_sunk_cost_keep_relief_cheap_for_moscow() -> None:
    """Sanctions seen as a sunk cost (a low Kremlin salience): were relief worth much to
    Moscow, its own June 2024 terms, which lift all sanctions, would be worth more to it."""
    s = _case("ru-ua-2024-09")
    r = analyze(_stance(s, "RUS", "sanctions", salience=_num(0.9)))
    lo, hi = _margin(r, "putin-2024-06", "RUS")
    lo0, hi0 = _margin(_base("ru-ua-2024-09"), "putin-2024-06", "RUS")
    assert lo > lo0 and hi >= hi0


def test_seed001_reneged_de_escalation_lowers_credibility() -> None:
    """The de-escalation pledge reneged within a day: without the reneging (the force signal
    that followed), Moscow's posterior sincerity ends higher."""
    case = bundled_signals("ru-ua")
    items = items_from_case(case, "RUS")
    full = credibility(items, case.priors["RUS"], actor="RUS", rng=0)
    kept = [i for i in items if i.indicator != "force"]
    assert len(kept) < len(items)
    without = credibility(kept, case.priors["RUS"], actor="RUS", rng=0,
                          date_to=full.dates[-1])
    assert without.p[-1] > full.p[-1]


# --- seed 002 (2024): the Istanbul communiqué, the freeze, a European security framework ------

def test_seed002_european_framework_is_what_moscow_values_in_the_nash_package() -> None:
    """Putin's comprehensive European security arrangement: Moscow's preference for it puts it
    in the Nash package; without it, the package's guarantee term changes."""
    r0 = _base("ru-ua-2024-09")
    assert r0.solutions["nash"].options["guarantees"] == "european_framework"
    s = _stance(_case("ru-ua-2024-09"), "RUS", "guarantees",
                values={"european_framework": _num(0.0)})
    assert analyze(s).solutions["nash"].options["guarantees"] != "european_framework"


def test_seed002_west_balked_at_guarantees_drives_the_guarantors_verdict() -> None:
    """The West balked at binding guarantees: if a binding treaty were worth 1 to Washington,
    its best margin on the Istanbul communiqué (the fill with the treaty) would rise."""
    base = _case("ru-ua-2024-09")
    values = dict(base.stance("USA", "guarantees").values or {})  # type: ignore[union-attr]
    s = _stance(base, "USA", "guarantees", values={**values, "guarantor_treaty": _num(1.0)})
    _, hi = _margin(analyze(s), "istanbul-communique-schroeder", "USA")
    _, hi0 = _margin(_base("ru-ua-2024-09"), "istanbul-communique-schroeder", "USA")
    assert hi > hi0


# --- seed 003 (EDM 2024): indicators of readiness; war-end scenarios --------------------------

def test_seed003_signals_of_readiness_move_credibility() -> None:
    """Readiness statements and negotiation rounds are indicators: dropping them changes
    Moscow's posterior."""
    case = bundled_signals("ru-ua")
    items = items_from_case(case, "RUS")
    full = credibility(items, case.priors["RUS"], actor="RUS", rng=0)
    kept = [i for i in items if i.indicator not in ("readiness-statement", "negotiation-round")]
    assert len(kept) < len(items)
    without = credibility(kept, case.priors["RUS"], actor="RUS", rng=0, date_to=full.dates[-1])
    assert without.p[-1] != pytest.approx(full.p[-1], abs=1e-6)


# --- seed 004 (late 2022): commitment problem, society against concessions, reparations -------

def test_seed004_regrouping_during_a_truce_raises_the_guarantee_needed() -> None:
    """Truces used to regroup (the commitment problem): a larger regroup shift needs a larger
    minimum guarantee."""
    s = _case("ru-ua-2024-09")
    # a negligible regroup (0.01 logit) needs none; with δ = 0.99 a month even 0.1 needs some
    small = snapshot(_war(s, regroup_shift=_num(0.01)).war)  # type: ignore[arg-type]
    large = snapshot(_war(s, regroup_shift=_num(3.0)).war)  # type: ignore[arg-type]
    assert small.min_guarantee == 0.0 < large.min_guarantee


def test_seed004_society_against_concessions_blocks_ratification_in_kyiv() -> None:
    """No settlement without Ukrainian society's support: the public's BATNA decides whether
    Kyiv can ratify the ceasefire at the line."""
    r0 = _proposal(_base("ru-ua-2022-11"), "ceasefire-at-the-line-2022")
    ukr0 = next(v for v in r0.ratification if v.state == "UKR")
    s = _case("ru-ua-2022-11")
    pub = s.actor("UKR_PUB")
    assert pub.batna is not None
    r = _proposal(analyze(_actor(s, "UKR_PUB", batna=pub.batna.model_copy(
        update={"value": _num(0.0).value}))), "ceasefire-at-the-line-2022")
    ukr = next(v for v in r.ratification if v.state == "UKR")
    assert (ukr0.ratified, ukr.ratified) == ("depends", "every_fill")


def test_seed004_reparations_weigh_in_moscows_rejection_of_the_just_peace() -> None:
    """The G7's just peace with reparations: if accountability weighed nothing to the Kremlin,
    its margins on the just peace would rise."""
    s = _stance(_case("ru-ua-2022-11"), "RUS", "accountability", salience=_num(0.0))
    lo, hi = _margin(analyze(s), "g7-just-peace-2022", "RUS")
    lo0, hi0 = _margin(_base("ru-ua-2022-11"), "g7-just-peace-2022", "RUS")
    assert lo > lo0 and hi >= hi0


def test_war_batnas_follow_the_war_costs() -> None:
    """The war model's BATNAs (``--batna war``) read the costs seeds 002 and 004 describe."""
    s = _case("ru-ua-2024-09")
    cheap = war_batnas(_war(s, cost_a=_num(0.05)))
    dear = war_batnas(_war(s, cost_a=_num(0.4)))
    assert dear["UKR"] < cheap["UKR"]


