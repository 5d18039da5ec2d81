"""Break-even values on the bundled case: a brute-force scan and re-runs at value ± ε."""

from __future__ import annotations

import numpy as np
import pytest

from detente.deals.compile import build_space, package_index
from detente.deals.open_terms import open_terms, proposal_fills
from detente.scenario import load, validate_data
from detente.sensitivity import DealModel, sensitivity
from detente.sensitivity.inputs import deal_inputs

CASE = "ru-ua-2024-09"
IST = "istanbul-communique-schroeder"


@pytest.fixture(scope="module")
def scenario():  # type: ignore[no-untyped-def]
    return load(CASE)


@pytest.fixture(scope="module")
def oat(scenario):  # type: ignore[no-untyped-def]
    return sensitivity(scenario, method="oat", top=4)


def _with_batna(scenario, actor: str, value: float):  # type: ignore[no-untyped-def]
    data = scenario.model_dump(mode="json")
    for a in data["actors"]:
        if a["id"] == actor:
            a["batna"]["value"] = value
    return validate_data(data, "scan")


def test_istanbul_russian_batna_matches_brute_force_scan(scenario, oat) -> None:  # type: ignore[no-untyped-def]
    """Rebuild the scenario at each BATNA on a 0.001 grid of Russia's stated range and score
    Istanbul with the deal code's own utilities; the flip must fall where the record says."""
    row = next(b for t in oat.targets if t.name == f"proposal.{IST}.margin.RUS"
               for b in t.break_even if b.input == "actors.RUS.batna")
    prop = next(p for p in scenario.proposals if p.id == IST)
    # Istanbul as written leaves terms open (docs/cases.md): the deterministic margin averages
    # over the open options, which for additive utilities is the mean over every fill.
    fills = proposal_fills(scenario, prop)
    ids = [i.id for i in scenario.issues]
    rows = fills.index(np.arange(fills.count))
    idx = np.array([package_index(scenario, {k: scenario.issues[j].option_ids()[o]
                                             for j, (k, o) in enumerate(zip(ids, r, strict=True))})
                    for r in rows])
    grid = np.round(np.arange(0.36, 0.7201, 0.001), 3)
    accepts = []
    for b in grid:
        space = build_space(_with_batna(scenario, "RUS", float(b)))
        i = space.actors.index("RUS")
        accepts.append(space.utilities(idx)[i].mean() >= space.reservation[i] - 1e-9)
    flip = grid[np.flatnonzero(np.diff(np.array(accepts, dtype=int)))]
    assert flip.size == 1  # one flip inside [0.36, 0.72]
    assert flip[0] <= row.value <= flip[0] + 0.001
    assert row.within_range and row.holds == "below" and row.method == "linear"
    assert "s003" in row.basis  # the evidence behind the BATNA travels with the value


def test_every_break_even_flips_the_verdict_at_plus_minus_eps(scenario, oat) -> None:  # type: ignore[no-untyped-def]
    """Re-run the model at value ± ε (all other inputs likely): the verdict must differ, and
    the ZOPA verdict is re-checked with the exact ZOPA test, not the surplus used to find it."""
    space = DealModel(scenario).space
    model = DealModel(scenario, space, ["zopa", "proposal.*.accept", "proposal.*.margin.*"])
    names = [t.name for t in model.targets]
    checked = 0
    for t in oat.targets:
        for b in t.break_even:
            eps = 1e-4 if b.method != "brent" else 1e-3
            j = space.index(b.input)
            lo, hi = space.likely(), space.likely()
            lo[j], hi[j] = b.value - eps, b.value + eps
            y = model(np.stack([lo, hi]))
            col = names.index("zopa") if t.name == "zopa.slack" else names.index(t.name)
            below, above = (y[:, col] > 0.5) if t.name == "zopa.slack" else (y[:, col] >= 0)
            assert below != above, (t.name, b.input, b.value, y[:, col])
            assert (below if b.holds == "below" else above)
            checked += 1
    assert checked >= 20


def test_zopa_existence_has_break_even_values(oat) -> None:  # type: ignore[no-untyped-def]
    z = next(t for t in oat.targets if t.name == "zopa.slack")
    assert z.base > 0 and z.break_even  # the ZOPA exists at the likely values and can close
    assert all(b.holds == "below" for b in z.break_even if b.input.endswith(".batna"))


def test_input_names_are_stable_and_traced(scenario) -> None:  # type: ignore[no-untyped-def]
    ins = deal_inputs(scenario)
    names = [x.name for x in ins]
    assert len(names) == len(set(names))
    assert {"actors.RUS.batna", "stances.UKR.crimea.salience",
            "actors.RUS.capability"} <= set(names)
    assert all(x.basis and x.basis != "no evidence or assumption" for x in ins)
    # One categorical input per open term with a choice (docs/cases.md: proposals as written).
    open_names = {t.name for p in scenario.proposals for t in open_terms(scenario, p)
                  if len(t.options) > 1}
    assert {x.name for x in ins if x.group == "proposals"} == open_names
    assert {x.group for x in ins} - {"proposals"} == {a.id for a in scenario.actors}
