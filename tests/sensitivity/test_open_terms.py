"""A proposal silent on an issue: an open term, uniform over the issue's options."""

from __future__ import annotations

import numpy as np

from detente.deals.compile import build_space, package_index
from detente.deals.open_terms import open_terms
from detente.scenario import load, validate_data
from detente.sensitivity import DealModel, sensitivity

IST = "istanbul-communique-schroeder"


def _silent_on_army():  # type: ignore[no-untyped-def]
    """Istanbul with army left out of the package and every other open term fixed to its first
    allowed option, so army is the one open term."""
    scenario = load("ru-ua-2024-09")
    terms = {t.issue: t for t in open_terms(scenario, IST)}
    data = scenario.model_dump(mode="json")
    for p in data["proposals"]:
        if p["id"] == IST:
            del p["package"]["army"]
            for issue, term in terms.items():
                if issue != "army":
                    p["package"][issue] = {"value": term.options[0], "assumption": "test"}
    return validate_data(data, "silent")


def test_open_term_is_a_categorical_input_averaged_at_the_likely_point() -> None:
    s = _silent_on_army()
    model = DealModel(s, targets=[f"proposal.{IST}.margin.*"])
    name = f"proposals.{IST}.army"
    j = model.space.index(name)
    x = model.space.inputs[j]
    assert x.kind == "categorical" and x.group == "proposals"
    assert x.options == tuple(s.issue("army").option_ids())
    # oracle: score the full package with each army option through the deal code, average
    prop = next(p for p in s.proposals if p.id == IST)
    space = build_space(s)
    veto = [space.actors.index(a.id) for a in s.veto_players]
    margins = []
    for opt in x.options:
        idx = package_index(s, {**{k: c.value for k, c in prop.package.items()}, "army": opt})
        margins.append(space.utilities(np.array([idx]))[veto, 0] - space.reservation[veto])
    base = model(model.space.likely()[None, :])[0]
    assert np.allclose(base, np.mean(margins, axis=0))
    # each option, set explicitly, gives that option's margins
    rows = np.tile(model.space.likely(), (len(x.options), 1))
    rows[:, j] = np.arange(len(x.options))
    assert np.allclose(model(rows), np.array(margins))


def test_open_term_enters_the_record_and_the_notes() -> None:
    r = sensitivity(_silent_on_army(), targets=[f"proposal.{IST}.margin.RUS"], method="morris",
                    samples=4)
    assert any(i.name == f"proposals.{IST}.army" and i.kind == "categorical" for i in r.inputs)
    assert any("Open proposal terms" in n and "army" in n for n in r.notes)
    assert any(m.input == f"proposals.{IST}.army" and m.mu_star > 0 for m in r.targets[0].morris)
