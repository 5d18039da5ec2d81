"""Open proposal terms (detente.deals.open_terms) as categorical inputs, against the deal code's
own utilities of every fill."""

from __future__ import annotations

import numpy as np

from detente.deals.compile import build_space
from detente.deals.open_terms import open_terms, proposal_fills
from detente.scenario import load
from detente.sensitivity import DealModel, sensitivity

IST = "istanbul-communique-schroeder"


def test_open_terms_are_categorical_inputs_averaged_at_the_likely_point() -> None:
    s = load("ru-ua-2024-09")
    prop = next(p for p in s.proposals if p.id == IST)
    terms = [t for t in open_terms(s, prop) if len(t.options) > 1]
    assert terms  # Istanbul as written leaves terms open
    model = DealModel(s, targets=[f"proposal.{IST}.margin.*"])
    cols = [model.space.index(t.name) for t in terms]
    for t, j in zip(terms, cols, strict=True):
        x = model.space.inputs[j]
        assert x.kind == "categorical" and x.group == "proposals" and x.options == t.options
    # oracle: the margins of every complete fill, scored with the deal code's utilities
    space = build_space(s)
    veto = [space.actors.index(a.id) for a in s.veto_players]
    fills = proposal_fills(s, prop)
    packages = fills.index(np.arange(fills.count))
    margins = space.utilities(packages)[veto].T - space.reservation[veto]  # (fills, veto)
    base = model(model.space.likely()[None, :])[0]
    assert np.allclose(base, margins.mean(axis=0))  # uniform open terms: the mean fill
    # each fill, set explicitly through the categorical columns, gives that fill's margins
    rows = np.tile(model.space.likely(), (fills.count, 1))
    for t, j in zip(terms, cols, strict=True):
        k = [i.id for i in s.issues].index(t.issue)
        opts = s.issue(t.issue).option_ids()
        rows[:, j] = [t.options.index(opts[o]) for o in packages[:, k]]
    assert np.allclose(model(rows), margins)


def test_open_terms_enter_the_record_and_the_notes() -> None:
    s = load("ru-ua-2024-09")
    r = sensitivity(s, targets=[f"proposal.{IST}.margin.RUS"], method="morris", samples=4)
    names = {i.name for i in r.inputs if i.kind == "categorical"}
    assert f"proposals.{IST}.south" in names
    assert any("Open proposal terms" in n for n in r.notes)
    assert any(m.input in names and m.mu_star > 0 for m in r.targets[0].morris)
