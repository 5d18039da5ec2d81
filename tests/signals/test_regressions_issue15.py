"""Regression tests for the three credibility bugs of issue 15, and the decay display."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from detente.signals.credibility import CredibilityOptions, credibility, detect_reneging
from detente.signals.evidence import PriorRecord
from detente.signals.items import SignalItem, items_from_events
from detente.signals.ladder import indicator_for, indicators
from helpers_signals import event_table


def _claim_and_daily_force(claim_day: dt.date) -> list[SignalItem]:
    start = claim_day - dt.timedelta(days=20)
    rows = [dict(date=(start + dt.timedelta(days=k)).isoformat(), cameo="190",
                 url=f"https://news{k % 4}.example/{k}") for k in range(40)]
    rows.append(dict(date=claim_day.isoformat(), cameo="0871", url="https://a.example/c"))
    return items_from_events(event_table(rows), "RUS", dedup_days=3)


@pytest.mark.parametrize("weekday", range(7))
def test_reneging_detection_does_not_depend_on_the_weekday_of_the_claim(weekday: int) -> None:
    """Issue 15: with identical daily force, a claim made Thursday-Sunday was never flagged
    (calendar buckets started on Thursdays and a force story was dated at its first day)."""
    monday = dt.date(2022, 3, 28)
    claim_day = monday + dt.timedelta(days=weekday)
    items = _claim_and_daily_force(claim_day)
    [r] = detect_reneging(items, window_days=3)
    assert r.date == claim_day + dt.timedelta(days=1)
    res = credibility(items, PriorRecord(kept=0, broken=2), actor="RUS", rng=0,
                      date_to=claim_day + dt.timedelta(days=19))
    assert res.p[-1] < 0.25  # reneging lowered the belief below the prior on every weekday


def test_reneging_posterior_is_the_same_on_every_weekday() -> None:
    monday = dt.date(2022, 3, 28)
    finals = []
    for k in range(7):
        day = monday + dt.timedelta(days=k)
        res = credibility(_claim_and_daily_force(day), PriorRecord(kept=0, broken=2),
                          actor="RUS", rng=0, date_to=day + dt.timedelta(days=19))
        finals.append(res.p[-1])
    assert np.ptp(finals) < 1e-12


def test_absence_of_coded_force_is_not_a_verified_concession() -> None:
    """Issue 15: three days without coded force turned a ceasefire claim into a verified
    concession (LR 6). Silence in the news coding is not verification."""
    d0 = dt.date(2023, 1, 6)
    claim = SignalItem(d0, "RUS", "UKR", "ceasefire-declared", ("a.example", "b.example"),
                       ("ref:claim",))
    res = credibility([claim], PriorRecord(), actor="RUS", rng=0,
                      date_to=d0 + dt.timedelta(days=30))
    assert [i.indicator for i in res.items] == ["ceasefire-declared"]
    lr = indicators()["ceasefire-declared"].lr
    assert np.log(res.p[0] / (1 - res.p[0])) == pytest.approx(
        (2 / 3) * np.log(lr), abs=1e-9)  # two of three sources, the claim's own LR only
    observed = SignalItem(d0, "RUS", "UKR", "ceasefire-declared", ("a.example", "osce.org"),
                          ("ref:claim",), verified=True)
    ver = credibility([observed], PriorRecord(), actor="RUS", rng=0,
                      date_to=d0 + dt.timedelta(days=30))
    assert "verified-concession" in [i.indicator for i in ver.items]


@pytest.mark.parametrize("code", ["106", "107", "108"])
def test_cameo_106_108_demand_talks_are_not_counter_indicators(code: str) -> None:
    """Issue 15: demands for talks, settlement or mediation were scored as preconditions."""
    name = indicator_for(code, cameo=code)
    assert name == "talks-demand"
    ind = indicators()[name]
    assert ind.kind != "counter" and ind.rung > 0 and ind.lr >= 1.0
    assert indicator_for("1056", cameo="1056") == "precondition"  # real demands stay


def test_an_event_with_a_negative_effect_never_shows_the_probability_rising() -> None:
    """Issue 15 item 6: with decay, a move's 'before' was the previous move's value, so a
    threat after months of fading negative evidence could show a rise."""
    d0 = dt.date(2023, 1, 1)
    items = [SignalItem(d0, "RUS", "UKR", "halt-talks", ("a", "b", "c"), ("r1",)),
             SignalItem(d0 + dt.timedelta(days=200), "RUS", "UKR", "threat", ("a",), ("r2",))]
    res = credibility(items, PriorRecord(), actor="RUS", rng=0,
                      options=CredibilityOptions(half_life_days=30))
    for m in res.moves:
        total = sum(c for _, c in m.items)
        assert (m.after - m.before) * total >= 0
    last = res.moves[-1]
    assert last.after < last.before and last.decay > 0


def _weekly_stream(threats: bool) -> list[SignalItem]:
    """Issue 15's constructed stream: a year of weekly contacts and negotiation events (each
    reported by three outlets), optionally with weekly threats."""
    d0 = dt.date(2023, 1, 2)
    rows = []
    for w in range(52):
        day = (d0 + dt.timedelta(days=7 * w)).isoformat()
        for j in range(3):
            rows.append(dict(date=day, cameo="042", url=f"https://o{j}.example/c{w}"))
            rows.append(dict(date=day, cameo="046", url=f"https://o{j}.example/n{w}"))
            if threats:
                rows.append(dict(date=day, cameo="138", url=f"https://o{j}.example/t{w}"))
    return items_from_events(event_table(rows), "RUS", dedup_days=3)


@pytest.mark.parametrize("threats", [False, True])
def test_volume_no_longer_decides(threats: bool) -> None:
    """Issue 15: a year of weekly contacts took P(sincere) from 0.25 to 1.000 (and weekly
    threats to 0.000). Routine contact is now evidence only where it departs from the dyad's
    usual rate, so after a year of the same routine the belief is back near the prior."""
    prior = PriorRecord(kept=0, broken=2)
    items = _weekly_stream(threats)
    old = credibility(items, prior, actor="RUS", rng=0,
                      options=CredibilityOptions(recent_days=0))  # no base-rate discount
    new = credibility(items, prior, actor="RUS", rng=0)
    if not threats:
        assert old.p[-1] > 0.99
    logit = np.log(new.p[-1] / (1 - new.p[-1])) - np.log(0.25 / 0.75)
    assert abs(logit) < 0.5
    assert new.p.min() > 0.05 and new.p.max() < 0.9
    width_prior = new.prior_hi - new.prior_lo
    assert new.hi[-1] - new.lo[-1] < width_prior + 0.1  # no longer spans 0 to 1
