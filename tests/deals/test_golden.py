"""Golden results of the deal analysis on the bundled Russia–Ukraine cases.

Pinned from the analysis at the time the cases were written (detente 0.1.0), re-pinned when
the proposals were recoded as written with open terms (issue 14): verdicts are now over every
fill of the open terms (``acceptance``), and ``rejected`` lists who rejects for every fill.
A change here is a change in what the toolkit concludes about the bundled cases: update these
numbers only with a reason recorded in the commit message.
Deterministic counts and packages are exact; utilities to 1e-4; Monte Carlo probabilities
(1,000 draws, seed 1) to 0.01 so that a NumPy release that reorders floating-point sums
cannot flip the test.
"""

from __future__ import annotations

import pytest

from detente.deals import analyze
from detente.scenario import load

GOLDEN = {
    "ru-ua-2022-03": dict(
        zopa=771, frontier=518, in_zopa=45,
        nash=dict(nato="neutral", eu="member", guarantees="western_arms", crimea="russian",
                  donbas="russian", south="ukrainian", army="200", language="bilingual",
                  sanctions="maintained", accountability="none", bases_wmd="banned"),
        nash_u=dict(RUS=0.6930, UKR=0.4730, USA=0.6452, EUR=0.6532),
        rejected={"istanbul-2022": [], "russia-war-aims-2022": ["UKR", "USA", "EUR"],
                  "hardliners-no-concessions": ["UKR", "USA", "EUR"]},
        acceptance={"istanbul-2022": "no_fill", "russia-war-aims-2022": "no_fill",
                    "hardliners-no-concessions": "no_fill"},
        p_zopa=0.832, p_all={"istanbul-2022": 0.018}),
    "ru-ua-2022-11": dict(
        zopa=6890, frontier=689, in_zopa=116,
        nash=dict(nato="deferred", eu="member", guarantees="western_arms", crimea="russian",
                  donbas="line_of_contact", south="ukrainian", army="250", language="bilingual",
                  sanctions="maintained", accountability="compensation_fund",
                  bases_wmd="banned"),
        nash_u=dict(RUS=0.5068, UKR=0.5972, USA=0.8203, EUR=0.8203),
        rejected={"g7-just-peace-2022": ["RUS"], "kyiv-terms-2022-11": ["RUS"],
                  "russia-annexation-terms-2022": ["UKR"],
                  "ceasefire-at-the-line-2022": [], "istanbul-2022": []},
        acceptance={"g7-just-peace-2022": "no_fill", "kyiv-terms-2022-11": "no_fill",
                    "russia-annexation-terms-2022": "no_fill",
                    "ceasefire-at-the-line-2022": "some_fill", "istanbul-2022": "some_fill"},
        p_zopa=0.966, p_all={"ceasefire-at-the-line-2022": 0.076, "istanbul-2022": 0.092}),
    "ru-ua-2024-09": dict(
        zopa=22922, frontier=623, in_zopa=173,
        nash=dict(nato="deferred", eu="member", guarantees="european_framework",
                  crimea="russian", donbas="russian", south="ukrainian", army="250",
                  language="bilingual", sanctions="maintained",
                  accountability="compensation_fund", bases_wmd="banned"),
        nash_u=dict(RUS=0.6347, UKR=0.5222, USA=0.6935, EUR=0.6935),
        rejected={"putin-2024-06": ["USA"], "kyiv-terms-2024": ["RUS"],
                  "freeze-2024": [], "istanbul-communique-schroeder": [],
                  "european-framework-2024": []},
        acceptance={"putin-2024-06": "no_fill", "kyiv-terms-2024": "no_fill",
                    "freeze-2024": "some_fill", "istanbul-communique-schroeder": "some_fill",
                    "european-framework-2024": "some_fill"},
        p_zopa=1.0, p_all={"freeze-2024": 0.098, "istanbul-communique-schroeder": 0.093,
                           "european-framework-2024": 0.115}),
}


@pytest.fixture(scope="module", params=sorted(GOLDEN))
def case(request: pytest.FixtureRequest) -> tuple[str, object]:
    return request.param, analyze(load(request.param), draws=1000, seed=1)


def test_golden_zopa_and_frontier(case: tuple[str, object]) -> None:
    name, r = case
    g = GOLDEN[name]
    assert (r.outcomes, r.zopa_outcomes, r.frontier_size, r.frontier_in_zopa) == (
        291_600, g["zopa"], g["frontier"], g["in_zopa"])


def test_golden_nash_package(case: tuple[str, object]) -> None:
    name, r = case
    g = GOLDEN[name]
    assert r.solutions["nash"].options == g["nash"]
    for actor, u in g["nash_u"].items():
        assert r.solutions["nash"].utilities[actor] == pytest.approx(u, abs=1e-4)


def test_golden_proposal_verdicts(case: tuple[str, object]) -> None:
    name, r = case
    assert {p.id: p.rejected_by for p in r.proposals} == GOLDEN[name]["rejected"]
    assert {p.id: p.acceptance for p in r.proposals} == GOLDEN[name]["acceptance"]


def test_golden_monte_carlo(case: tuple[str, object]) -> None:
    name, r = case
    g = GOLDEN[name]
    assert r.monte_carlo.p_zopa_nonempty == pytest.approx(g["p_zopa"], abs=0.01)
    odds = {o.id: o.p_accepted_by_all_veto for o in r.monte_carlo.proposals}
    for pid, p in g["p_all"].items():
        assert odds[pid] == pytest.approx(p, abs=0.01)
