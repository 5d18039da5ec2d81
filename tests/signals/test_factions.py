"""Factions: attribution and the three-type posterior (sincere / constrained / insincere)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from detente.errors import DetenteError
from detente.scenario import load_file
from detente.signals.assess import assess, to_record
from detente.signals.credibility import CredibilityOptions, detect_reneging
from detente.signals.evidence import Faction, PriorRecord, bundled_signals, parse_signals
from detente.signals.factions import (
    constrained_posterior,
    faction_of_events,
    factions_from_scenario,
)
from detente.signals.items import SignalItem, items_from_events
from detente.signals.ladder import indicators
from helpers_signals import event_table

D0 = dt.date(2022, 3, 29)
HARD = Faction("RUS_HARD", "RUS", "hard-liners", names=("Kadyrov",), codes=("RUSMIL",))
NO_DECAY = CredibilityOptions(half_life_days=1e12, recent_days=0)


def item(day: int, indicator: str, faction: str | None = None) -> SignalItem:
    return SignalItem(D0 + dt.timedelta(days=day), "RUS", "UKR", indicator, ("a", "b", "c"),
                      (f"r{day}{indicator}",), faction=faction)


def test_three_types_match_bayes_rule_by_hand() -> None:
    items = [item(0, "negotiation-round"), item(1, "threat", "RUS_HARD")]
    r = constrained_posterior(items, PriorRecord(kept=1, broken=1), actor="RUS", faction=HARD,
                              options=NO_DECAY)
    lr = {k: v.lr for k, v in indicators().items()}
    p0 = 2 / 4  # Beta(1 + 1, 1 + 1)
    w = np.array([p0 / 2 * lr["negotiation-round"] * lr["threat"],
                  p0 / 2 * lr["negotiation-round"], 1 - p0])
    w /= w.sum()
    got = np.array([r.sincere[-1], r.constrained[-1], r.insincere[-1]])
    assert got == pytest.approx(w, abs=1e-12)


def test_faction_counter_signals_point_to_constraint_not_insincerity() -> None:
    lead = [item(0, "negotiation-round"), item(2, "written-commitment")]
    hard = [item(1, "threat", "RUS_HARD"), item(3, "rejection", "RUS_HARD")]
    folded = [SignalItem(i.date, i.actor, i.target, i.indicator, i.sources, i.refs)
              for i in hard]
    split = constrained_posterior(lead + hard, PriorRecord(), actor="RUS", faction=HARD,
                                  options=NO_DECAY)
    state = constrained_posterior(lead + folded, PriorRecord(), actor="RUS", faction=HARD,
                                  options=NO_DECAY)
    assert split.constrained[-1] > split.sincere[-1]
    assert split.insincere[-1] < state.insincere[-1]  # folding the faction in reads insincerity
    # the leadership's own rejection is evidence of insincerity, whatever the faction does
    own = constrained_posterior(lead + folded + [item(4, "halt-talks")], PriorRecord(),
                                actor="RUS", faction=HARD, options=NO_DECAY)
    assert own.insincere[-1] > state.insincere[-1]


def test_a_faction_breaking_a_leadership_truce_is_the_factions_reneging() -> None:
    claim = item(0, "ceasefire-declared")
    [r] = detect_reneging([claim, item(1, "force", "RUS_HARD")], 3)
    assert r.faction == "RUS_HARD"
    # a faction's own claim is not broken by another faction's (or the state's) force
    fclaim = item(0, "ceasefire-declared", "OTHER")
    assert detect_reneging([fclaim, item(1, "force", "RUS_HARD")], 3) == []


def test_events_are_attributed_by_code_or_named_person() -> None:
    ev = event_table([dict(date="2022-03-30", cameo="125", actor1="RUSMIL"),
                      dict(date="2022-03-30", cameo="125", actor1_name="RAMZAN KADYROV"),
                      dict(date="2022-03-30", cameo="125", actor1="RUSGOV")])
    assert faction_of_events(ev, [HARD]).tolist() == ["RUS_HARD", "RUS_HARD", None]
    items = items_from_events(ev, "RUS", faction_of=faction_of_events(ev, [HARD]))
    assert sorted((i.faction or "") for i in items) == ["", "RUS_HARD"]


def test_scenario_factions_and_bundled_signals() -> None:
    root = Path(__file__).resolve().parents[2] / "src" / "detente" / "cases"
    sc = load_file(root / "ru-ua-2024-09.yaml")
    assert ("RUS_HARD", "RUS") in {(f.id, f.parent) for f in factions_from_scenario(sc)}
    case = bundled_signals("ru-ua")
    assert {f.id for f in case.factions} <= {f.id for f in factions_from_scenario(sc)}
    kadyrov = [s for s in case.signals if "Kadyrov" in s.summary]
    assert kadyrov and all(s.faction == "RUS_HARD" for s in kadyrov)
    res = assess("RUS", case=case, date_to=dt.date(2022, 4, 30))
    rec = to_record(res, inputs=[case.path], case=case)
    [f] = rec["factions"]
    fin = f["final"]
    assert fin["sincere"] + fin["constrained"] + fin["insincere"] == pytest.approx(1, abs=1e-12)


def test_unknown_faction_is_an_error() -> None:
    text = """
sources: {s: {title: t}}
factions: {HARD: {parent: RUS}}
signals:
  - {id: x, date: 2022-01-01, actor: RUS, indicator: threat, faction: SOFT,
     evidence: [{source: s, quote: q}]}
"""
    with pytest.raises(DetenteError, match="unknown faction"):
        parse_signals(text, "f.yaml")
