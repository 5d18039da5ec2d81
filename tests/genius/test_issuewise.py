"""The issue-by-issue frontier agrees exactly with enumeration and with an independent brute
force, on random spaces (Hypothesis) and on bundled ANAC domains; bargaining solutions taken on it
match brute force over every outcome and respect reservation values."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.deals.genius import to_space
from detente.deals.issuewise import frontier_solutions, issuewise_frontier
from detente.deals.pareto import pareto_frontier
from detente.deals.space import AdditiveSpace
from detente.deals.zopa import Blocking
from detente.formats.genius import load_domain
from strategies import all_utilities, spaces

TOL = 1e-12

# >= 20 bundled ANAC/GENIUS domains small enough for the brute-force reference.
SMALL = [
    "y2010/EnglandZimbabwe", "y2010/ItexvsCypress", "y2011/Amsterdam", "y2011/Camera",
    "y2011/Grocery", "y2011/IS_BT_Acquisition", "y2011/Laptop", "y2011/NiceOrDie",
    "y2012/AcquisitionA", "y2012/AirportSiteSelectionB", "y2012/BarbecueC", "y2012/BarterA",
    "y2012/CameraB", "y2012/FiftyFiftyA", "y2012/FitnessA", "y2012/FlightBookingC",
    "y2012/HouseKeepingB", "y2012/MusicCollectionA", "y2012/OutfitB", "y2012/PhoneA",
    "y2012/RentalHouseC", "other/IntegerDomain", "other/Jobs", "other/thompson",
    "y2015/group2-dinner", "y2015/group2-new_sporthal", "y2015/group11-car_purchase",
    "y2015/group5-car_domain", "y2015/group7-movie", "templates/partydomain",
]


def brute_frontier(space: AdditiveSpace, tol: float = TOL) -> tuple[np.ndarray, np.ndarray]:
    """Reference: every outcome by itertools, each tested against every other (O(N²))."""
    u = all_utilities(space)
    n = u.shape[0]
    dominated = np.zeros(n, dtype=bool)
    for s in range(0, n, 256):
        b = u[s:s + 256]
        ge = np.all(u[None, :, :] >= b[:, None, :] - tol, axis=2)
        gt = np.any(u[None, :, :] > b[:, None, :] + tol, axis=2)
        dominated[s:s + 256] = (ge & gt).any(axis=1)
    flat = np.flatnonzero(~dominated)
    return flat, u[flat]


def _same(space: AdditiveSpace, a_flat: np.ndarray, a_u: np.ndarray, b_flat: np.ndarray,
          b_u: np.ndarray) -> None:
    oa, ob = np.argsort(a_flat), np.argsort(b_flat)
    assert np.array_equal(a_flat[oa], b_flat[ob])
    assert np.allclose(a_u[oa], b_u[ob], atol=1e-12, rtol=0)


@st.composite
def tied_spaces(draw: st.DrawFn) -> AdditiveSpace:
    """Spaces whose contributions sit on a coarse grid, so equal utility vectors are common."""
    a = draw(st.integers(2, 4))
    sizes = draw(st.lists(st.integers(1, 4), min_size=1, max_size=4))
    contrib = tuple(np.array(draw(st.lists(st.lists(st.integers(0, 3), min_size=n, max_size=n),
                                           min_size=a, max_size=a)), dtype=float) / 8
                    for n in sizes)
    return AdditiveSpace(tuple(f"a{i}" for i in range(a)),
                         tuple(f"i{k}" for k in range(len(sizes))),
                         tuple(tuple(f"o{o}" for o in range(n)) for n in sizes), contrib,
                         np.zeros(a))


@settings(max_examples=150, deadline=None)
@given(spaces(n_actors=(2, 4), n_issues=(1, 5), n_options=(1, 5)))
def test_issuewise_equals_enumeration(space: AdditiveSpace) -> None:
    e = pareto_frontier(space, method="enumerate")
    i = pareto_frontier(space, method="issuewise")
    _same(space, e.outcomes, e.utilities, i.outcomes, i.utilities)


@settings(max_examples=150, deadline=None)
@given(tied_spaces())
def test_issuewise_equals_brute_force_with_ties(space: AdditiveSpace) -> None:
    flat, u = brute_frontier(space)
    i = pareto_frontier(space, method="issuewise")
    _same(space, flat, u, i.outcomes, i.utilities)
    e = pareto_frontier(space, method="enumerate")
    _same(space, flat, u, e.outcomes, e.utilities)


@pytest.mark.parametrize("rel", SMALL)
def test_bundled_domains_against_brute_force(genius_root: Path, rel: str) -> None:
    dom = load_domain(genius_root / rel)
    if len(dom.profiles) > 3:  # alternative profiles of one domain: take the first three
        dom = load_domain(genius_root / rel, [Path(p.file).name for p in dom.profiles[:3]])
    space = to_space(dom)
    flat, u = brute_frontier(space)
    f = pareto_frontier(space, method="issuewise")
    _same(space, flat, u, f.outcomes, f.utilities)
    # Bargaining solutions on the frontier equal brute force over all outcomes.
    all_u = all_utilities(space)
    d = space.reservation
    sol = frontier_solutions(f.utilities, d, space.actors)
    ok = np.all(all_u >= d - 1e-9, axis=1)
    if not ok.any():
        assert isinstance(sol, Blocking)
        return
    assert isinstance(sol, dict)
    gains = all_u[ok] - d
    nash_best = np.prod(np.maximum(gains, 0), axis=1).max()
    got = f.utilities[sol["nash"]]
    assert np.all(got >= d - 1e-9)
    assert np.prod(got - d) == pytest.approx(nash_best, rel=1e-9, abs=1e-12)
    assert f.utilities[sol["utilitarian"]].sum() == pytest.approx(all_u[ok].sum(axis=1).max())
    assert (f.utilities[sol["egalitarian"]] - d).min() == pytest.approx(gains.min(axis=1).max())


@pytest.mark.parametrize("rel", ["other/AMPOvsCity", "y2012/TravelA", "y2012/EnergyB",
                                 "y2012/SupermarketC", "y2015/group2-politics",
                                 "y2015/group9-killer_robot"])
def test_larger_domains_issuewise_equals_enumeration(genius_root: Path, rel: str) -> None:
    profiles = ["KillerRobot_util1", "KillerRobot_util2", "KillerRobot_util3"] \
        if "killer" in rel else None
    space = to_space(load_domain(genius_root / rel, profiles))
    e = pareto_frontier(space, method="enumerate")
    i = pareto_frontier(space, method="issuewise")
    _same(space, e.outcomes, e.utilities, i.outcomes, i.utilities)


def test_no_deal_is_typed_and_names_the_blockers(genius_root: Path) -> None:
    space = to_space(load_domain(genius_root / "y2012" / "EnglandvsZimbabweA"))
    f = issuewise_frontier(space)
    d = np.array([0.99, 0.5])
    res = frontier_solutions(f.utilities, d, space.actors)
    assert isinstance(res, Blocking)
    assert space.actors[int(np.flatnonzero(res.shortfall > 1e-9)[0])] == space.actors[0]
    best_a = f.utilities[:, 0].max()
    assert res.shortfall[0] > 0 and res.shortfall[0] >= 0.99 - best_a - 1e-12
    ok = frontier_solutions(f.utilities, np.array([0.5, 0.5]), space.actors)
    assert isinstance(ok, dict)
    for row in ok.values():
        assert np.all(f.utilities[row] >= 0.5 - 1e-9)


def test_ten_to_the_ten_additive_space_is_exact_on_samples() -> None:
    """A 10^10-outcome additive space: no sampled outcome beats the frontier, no frontier point
    dominates another, and the frontier holds each actor's ideal."""
    rng = np.random.default_rng(7)
    w = rng.dirichlet(np.ones(10), size=2)
    contrib = tuple(w[:, k, None] * np.clip(rng.normal(0.5, 0.3, (2, 10)), 0, 1)
                    for k in range(10))
    space = AdditiveSpace(("a", "b"), tuple(f"i{k}" for k in range(10)),
                          tuple(tuple(str(o) for o in range(10)) for _ in range(10)), contrib)
    assert space.n_outcomes == 10 ** 10
    f = issuewise_frontier(space)
    fu = f.utilities
    assert np.allclose(space.utilities(f.index).T, fu, atol=1e-12)
    assert np.allclose(fu.max(axis=0), space.best(), atol=1e-12)
    sample = rng.integers(0, 10, size=(100_000, 10))
    su = space.utilities(sample).T
    covered = np.zeros(len(su), dtype=bool)
    for s in range(0, len(su), 5000):
        b = su[s:s + 5000]
        covered[s:s + 5000] = np.all(fu[None, :, :] >= b[:, None, :] - 1e-12, axis=2).any(axis=1)
    assert covered.all()
    ge = np.all(fu[None, :, :] >= fu[:, None, :] - 1e-12, axis=2)
    gt = np.any(fu[None, :, :] > fu[:, None, :] + 1e-12, axis=2)
    assert not (ge & gt).any()


def test_flat_numbers_refused_beyond_64_bits() -> None:
    from detente.errors import AnalysisError

    rng = np.random.default_rng(3)
    space = AdditiveSpace(("a", "b"), tuple(f"i{k}" for k in range(20)),
                          tuple(tuple(str(o) for o in range(10)) for _ in range(20)),
                          tuple(rng.random((2, 10)) / 20 for _ in range(20)))
    with pytest.raises(AnalysisError, match="64-bit"):
        pareto_frontier(space, method="issuewise")
    f = issuewise_frontier(space)
    assert np.allclose(f.utilities.max(axis=0), space.best(), atol=1e-12)


def test_candidate_limit_is_an_error_not_a_memory_error() -> None:
    from detente.errors import AnalysisError

    rng = np.random.default_rng(5)
    space = AdditiveSpace(("a", "b"), tuple(f"i{k}" for k in range(6)),
                          tuple(tuple(str(o) for o in range(10)) for _ in range(6)),
                          tuple(rng.random((2, 10)) for _ in range(6)))
    with pytest.raises(AnalysisError, match="max_points"):
        issuewise_frontier(space, max_points=50)


def _by_vector(u: np.ndarray, counts: np.ndarray) -> dict[tuple[float, ...], int]:
    out: dict[tuple[float, ...], int] = {}
    for row, c in zip(np.round(u / TOL).tolist(), counts.tolist(), strict=True):
        out[tuple(row)] = out.get(tuple(row), 0) + int(c)
    return out


@settings(max_examples=150, deadline=None)
@given(tied_spaces())
def test_distinct_vectors_and_counts_equal_brute_force(space: AdditiveSpace) -> None:
    """One row per distinct frontier vector, its count the number of outcomes reaching it,
    its representative outcome reaching it; ``ties="all"`` lists exactly those outcomes."""
    flat, fu = brute_frontier(space)
    f = issuewise_frontier(space)
    assert _by_vector(f.utilities, f.counts) == _by_vector(fu, np.ones(len(fu), int))
    assert np.allclose(space.utilities(f.index).T, f.utilities, atol=1e-12)
    assert f.n_outcomes == len(flat)
    every = issuewise_frontier(space, ties="all")
    assert np.array_equal(np.sort(space.encode(every.index)), np.sort(flat))
