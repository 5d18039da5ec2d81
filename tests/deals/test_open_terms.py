"""Open terms and ratification against brute-force oracles.

* ``fill_verdict`` (margin ranges split by issue, joint verdict by chunked enumeration) against
  a plain loop over every fill of random additive spaces.
* ``Fills.sample`` draws each open term uniformly.
* ``analyze`` on the toy scenario: a proposal silent on an issue is judged over that issue's
  three options, never at the deprecated ``default``.
* Ratification (Putnam 1988): the weighted-quota rule against hand-computed cases, and the
  ratified ZOPA count against enumeration.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from detente.deals import analyze, build_space
from detente.deals.compile import package_index
from detente.deals.open_terms import Fills, fill_verdict, open_terms
from detente.deals.ratification import Constituency, ratified_mask, ratify
from detente.deals.space import AdditiveSpace
from detente.scenario import load_file, validate_data

TOY = Path(__file__).resolve().parents[1] / "toy.yaml"
TOL = 1e-9


def _space(rng: np.random.Generator, sizes: list[int], n_actors: int) -> AdditiveSpace:
    contrib = tuple(rng.random((n_actors, n)) / len(sizes) for n in sizes)
    return AdditiveSpace(tuple(f"a{i}" for i in range(n_actors)),
                         tuple(f"i{k}" for k in range(len(sizes))),
                         tuple(tuple(str(o) for o in range(n)) for n in sizes), contrib,
                         rng.uniform(0.3, 0.6, n_actors))


@pytest.mark.parametrize("seed", range(12))
def test_fill_verdict_matches_enumerating_every_fill(seed: int) -> None:
    rng = np.random.default_rng(seed)
    sizes = [int(x) for x in rng.integers(2, 5, size=5)]
    space = _space(rng, sizes, 4)
    open_k = sorted(rng.choice(5, size=int(rng.integers(0, 4)), replace=False).tolist())
    fixed = np.array([-1 if k in open_k else int(rng.integers(0, sizes[k])) for k in range(5)])
    choices = tuple(np.sort(rng.choice(sizes[k], size=int(rng.integers(2, sizes[k] + 1)),
                                       replace=False)) for k in open_k)
    fills = Fills(fixed.astype(np.int64), tuple(open_k), choices)
    veto = [0, 1, 2]
    v = fill_verdict(space, fills, veto, TOL)
    # Oracle: every fill by itertools.
    margins, joint = [], []
    for combo in itertools.product(*[c.tolist() for c in choices]):
        idx = fixed.copy()
        for k, o in zip(open_k, combo, strict=True):
            idx[k] = o
        m = space.utilities(idx[None, :])[:, 0] - space.reservation
        margins.append(m)
        joint.append(m[veto].min())
    margins_a = np.array(margins)
    assert v.count == len(margins) == fills.count
    assert np.allclose(v.low, margins_a.min(axis=0), atol=1e-12)
    assert np.allclose(v.high, margins_a.max(axis=0), atol=1e-12)
    assert v.every == bool(min(joint) >= -TOL)
    assert v.some == bool(max(joint) >= -TOL)
    ref = space.utilities(v.reference[None, :])[veto, 0] - space.reservation[veto]
    assert ref.min() == pytest.approx(max(joint), abs=1e-12)


def test_open_terms_are_drawn_uniformly() -> None:
    fills = Fills(np.array([0, -1, -1], dtype=np.int64), (1, 2),
                  (np.array([0, 2, 3], dtype=np.int64), np.array([1, 4], dtype=np.int64)))
    draws = fills.sample(60_000, np.random.default_rng(5))
    assert (draws[:, 0] == 0).all()
    for k, opts in ((1, [0, 2, 3]), (2, [1, 4])):
        freq = np.array([(draws[:, k] == o).mean() for o in opts])
        # 60,000 draws: binomial standard error below 0.002; 5 sigma.
        assert np.allclose(freq, 1 / len(opts), atol=0.01)
        assert set(np.unique(draws[:, k])) == set(opts)


def test_toy_silent_issue_is_judged_over_all_its_options_not_the_default() -> None:
    s = load_file(TOY)
    space = build_space(s)
    r = analyze(s)
    p1 = next(p for p in r.proposals if p.id == "p1")
    assert [t.issue for t in p1.open_terms] == ["guarantee"] and p1.fills == 3
    margins = []
    for opt in ("none", "weak", "strong"):
        idx = package_index(s, {"land": "split", "money": 5, "guarantee": opt})
        margins.append(space.utilities(np.array([idx]))[:, 0] - space.reservation)
    m = np.array(margins)
    for i, a in enumerate(space.actors):
        sc = next(x for x in p1.scores if x.actor == a)
        if sc.margin_low is None:
            continue
        assert sc.margin_low == pytest.approx(m[:, i].min(), abs=1e-12)
        assert sc.margin_high == pytest.approx(m[:, i].max(), abs=1e-12)
    assert open_terms(s, "p1")[0].options == ("none", "weak", "strong")


def test_monte_carlo_with_open_terms_repeats_with_the_seed() -> None:
    s = load_file(TOY)
    a, b = analyze(s, draws=500, seed=3), analyze(s, draws=500, seed=3)
    assert a.monte_carlo == b.monte_carlo


@pytest.mark.parametrize(("verdicts", "status", "blockers"), [
    ({"H": "accepts", "P": "rejects"}, "every_fill", ()),     # 0.6 >= 0.5
    ({"H": "rejects", "P": "accepts"}, "no_fill", ("H",)),    # 0.4 < 0.5; H alone would carry
    ({"H": "depends", "P": "rejects"}, "depends", ("H",)),
    ({"H": "rejects", "P": "rejects"}, "no_fill", ("H",)),    # P's 0.4 alone would not carry
    ({"H": "rejects", "P": "depends"}, "no_fill", ("H",)),
])
def test_ratification_weighted_quota(verdicts: dict[str, str], status: str,
                                     blockers: tuple[str, ...]) -> None:
    c = Constituency("S", ("H", "P"), (0.6, 0.4))
    v = ratify(c, verdicts)  # type: ignore[arg-type]
    assert (v.ratified, v.blocked_by) == (status, blockers)


def test_ratified_mask_is_the_weighted_vote() -> None:
    u = np.array([[0.2, 0.6, 0.6, 0.2], [0.9, 0.1, 0.9, 0.1]])
    d = np.array([0.5, 0.5])
    assert ratified_mask(u, d, np.array([0.6, 0.4])).tolist() == [False, True, True, False]
    assert ratified_mask(u, d, np.array([0.5, 0.5])).tolist() == [True, True, True, False]


TOY_FACTION = """
  - id: F
    name: Faction of B
    role: faction
    parent: B
    capability: 1
    batna: {value: 0.5, assumption: toy}
    ratification_weight: {value: 1.0, assumption: toy}
"""


def test_ratified_zopa_count_matches_enumeration() -> None:
    import yaml

    text = TOY.read_text(encoding="utf-8").replace(
        "issues:\n", TOY_FACTION.lstrip("\n") + "issues:\n", 1)
    data = yaml.safe_load(text)
    data["stances"].append({"actor": "F", "issue": "land", "ideal": "all_b", "salience": 1})
    s = validate_data(data, "toy+faction")
    r = analyze(s)
    space = build_space(s)
    veto = [space.actors.index(a) for a in ("A", "B")]
    f = space.actors.index("F")
    count = 0
    for idx in itertools.product(*[range(len(o)) for o in space.options]):
        u = space.utilities(np.array([idx]))[:, 0]
        ok = all(u[i] >= space.reservation[i] - TOL for i in veto)
        count += ok and u[f] >= space.reservation[f] - TOL
    assert r.zopa_ratified_outcomes == count
    assert r.zopa_outcomes is not None and 0 < count < r.zopa_outcomes
    assert r.ratifiers == {"B": {"F": 1.0}}
