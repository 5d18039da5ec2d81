"""Non-linear (hyper-rectangle) frontiers: exact against GENIUS's own Pareto files on the
10^10-outcome ANAC domains and against an independent brute force on random spaces; the anytime
mode's gap really bounds what it misses; huge spaces end with a gap, never a MemoryError."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.deals.genius import domain_frontier, to_rectangle_space, to_space
from detente.deals.issuewise import issuewise_frontier
from detente.deals.nonlinear import (
    Rectangle,
    RectangleSpace,
    _classes,
    enumerate_frontier,
    nonlinear_frontier,
)
from detente.deals.nonlinear_bounds import bound_table, directions, level_table
from detente.formats.genius import load_domain

GENIUS_TOL = 1e-6  # GENIUS writes its Pareto points as 32-bit floats


def _genius_pareto(folder: Path) -> np.ndarray:
    rows = [[float(x) for x in line.split(",")]
            for line in (folder / "pareto.xml").read_text().splitlines() if line.strip()]
    pts = np.array(rows)
    return pts[np.lexsort((-pts[:, 1], -pts[:, 0]))]


@pytest.mark.parametrize("name", ["10issues", "S-1NIKFRT-1", "S-1NAGUNL-114"])
def test_ten_to_the_ten_domains_match_genius_pareto_files(genius_root: Path, name: str) -> None:
    folder = genius_root / "other" / name
    dom = load_domain(folder)
    assert dom.n_outcomes == 10 ** 10
    f = nonlinear_frontier(to_rectangle_space(dom))
    assert f.exact
    ref = _genius_pareto(folder)
    assert f.utilities.shape == ref.shape
    assert np.allclose(f.utilities, ref, atol=GENIUS_TOL, rtol=0)
    # Each representative outcome really has the reported utilities.
    rs = to_rectangle_space(dom)
    assert np.allclose(rs.utilities(f.index).T, f.utilities, atol=1e-12)


def test_ten_to_the_twenty_domain_covers_genius_pareto_file(genius_root: Path) -> None:
    """S-1NIKFRT-2 (10^20): exact; every point of GENIUS's (heuristic) list is matched or beaten
    by one of ours, and ours are attained by the outcomes returned."""
    folder = genius_root / "other" / "S-1NIKFRT-2"
    rs = to_rectangle_space(load_domain(folder))
    f = nonlinear_frontier(rs)
    assert f.exact
    for r in _genius_pareto(folder):
        assert np.any(np.all(f.utilities >= r - GENIUS_TOL, axis=1)), r
    assert np.allclose(rs.utilities(f.index).T, f.utilities, atol=1e-12)


def test_huge_space_returns_a_gap_not_a_memory_error(genius_root: Path) -> None:
    dom = load_domain(genius_root / "other" / "S-1NAGUNL-255")
    assert dom.n_outcomes == 10 ** 50
    f = nonlinear_frontier(to_rectangle_space(dom), max_nodes=300, warm=0)
    assert not f.exact and 0 < f.gap < 1 and len(f) > 0
    rs = to_rectangle_space(dom)
    assert np.allclose(rs.utilities(f.index).T, f.utilities, atol=1e-12)


# -- random spaces against a brute force written from the definition -----------------------------
@st.composite
def rect_spaces(draw: st.DrawFn) -> RectangleSpace:
    n = draw(st.integers(2, 3))
    sizes = draw(st.lists(st.integers(2, 4), min_size=2, max_size=4))
    rects = []
    for _ in range(n):
        mine = []
        for _ in range(draw(st.integers(1, 6))):
            ks = draw(st.lists(st.integers(0, len(sizes) - 1), min_size=0, max_size=3,
                               unique=True))
            bounds = []
            for k in ks:
                lo = draw(st.integers(0, sizes[k] - 1))
                hi = draw(st.integers(lo, sizes[k] - 1))
                bounds.append((k, lo, hi))
            mine.append(Rectangle(float(draw(st.integers(1, 9))), draw(st.booleans()),
                                  tuple(bounds)))
        rects.append(tuple(mine))
    top = np.array([sum(r.utility for r in mine) for mine in rects])
    return RectangleSpace(tuple(f"a{i}" for i in range(n)), tuple(f"i{k}" for k in
                                                                 range(len(sizes))),
                          tuple(tuple(str(o) for o in range(s)) for s in sizes), tuple(rects),
                          top, np.zeros(n))


def brute(space: RectangleSpace) -> np.ndarray:
    """Distinct non-dominated utility vectors, every outcome scored from the definition."""
    pts = set()
    for combo in itertools.product(*[range(s) for s in space.sizes]):
        u = []
        for a, mine in enumerate(space.rectangles):
            total = 0.0
            for r in mine:
                inside = all(lo <= combo[k] <= hi for k, lo, hi in r.bounds)
                if inside == r.inclusive:
                    total += r.utility
            u.append(total / space.max_utility[a])
        pts.add(tuple(u))
    arr = np.array(sorted(pts))
    keep = [i for i, p in enumerate(arr)
            if not np.any(np.all(arr >= p, axis=1) & np.any(arr > p, axis=1))]
    out = arr[keep]
    return out[np.lexsort(tuple(-out[:, j] for j in range(out.shape[1] - 1, -1, -1)))]


@settings(max_examples=120, deadline=None)
@given(rect_spaces())
def test_exact_search_equals_brute_force(space: RectangleSpace) -> None:
    ref = brute(space)
    for f in (nonlinear_frontier(space), nonlinear_frontier(space, warm=0),
              enumerate_frontier(space, chunk=7)):
        assert f.exact
        assert f.utilities.shape == ref.shape
        assert np.allclose(f.utilities, ref, atol=1e-12)
        assert np.allclose(space.utilities(f.index).T, f.utilities, atol=1e-12)


@settings(max_examples=120, deadline=None)
@given(rect_spaces(), st.integers(1, 4))
def test_anytime_gap_bounds_what_is_missed(space: RectangleSpace, width: int) -> None:
    ref = brute(space)
    f = nonlinear_frontier(space, max_nodes=width, warm=0)
    assert np.allclose(space.utilities(f.index).T, f.utilities, atol=1e-12)
    miss = np.maximum(ref[:, None, :] - f.utilities[None, :, :], 0).max(axis=2).min(axis=1)
    assert miss.max() <= f.gap + 1e-9
    if f.exact:
        assert np.allclose(f.utilities, ref, atol=1e-12)


@st.composite
def wide_spaces(draw: st.DrawFn) -> RectangleSpace:
    """Two actors, up to 6 issues of up to 5 options and up to 12 rectangles each: big enough
    that a narrow search drops many partial outcomes, small enough to enumerate."""
    sizes = draw(st.lists(st.integers(2, 5), min_size=3, max_size=6))
    rects = []
    for _ in range(2):
        mine = []
        for _ in range(draw(st.integers(3, 12))):
            ks = draw(st.lists(st.integers(0, len(sizes) - 1), min_size=1, max_size=3,
                               unique=True))
            bounds = []
            for k in ks:
                lo = draw(st.integers(0, sizes[k] - 1))
                bounds.append((k, lo, draw(st.integers(lo, sizes[k] - 1))))
            mine.append(Rectangle(float(draw(st.integers(1, 99))),
                                  draw(st.sampled_from([True, True, True, False])),
                                  tuple(bounds)))
        rects.append(tuple(mine))
    top = np.array([sum(r.utility for r in mine) for mine in rects])
    top = top * draw(st.sampled_from([1.0, 0.8]))  # maxutility may understate the maximum
    return RectangleSpace(("a", "b"), tuple(f"i{k}" for k in range(len(sizes))),
                          tuple(tuple(str(o) for o in range(s)) for s in sizes), tuple(rects),
                          top, np.zeros(2))


def _all_utilities(space: RectangleSpace) -> np.ndarray:
    idx = np.array(list(itertools.product(*[range(s) for s in space.sizes])))
    return space.utilities(idx).T


@settings(max_examples=60, deadline=None)
@given(wide_spaces())
def test_root_bounds_are_above_every_outcome(space: RectangleSpace) -> None:
    """The per-issue (mini-bucket) bound of the empty partial outcome is at least the best
    weighted utility of any outcome, along every weighting."""
    owner, util, incl, inside = space._flat()
    bounded = np.stack([~t.all(axis=1) for t in inside], axis=1)
    tables = [_classes(t)[1] for t in inside]
    share = util / space.max_utility[owner]
    live = np.flatnonzero(bounded.any(axis=1))
    lb = ((~bounded.any(axis=1) & incl) * share) @ np.eye(2)[owner]
    mat, starts = level_table(live, list(range(len(space.sizes))), bounded, tables, incl, share)
    lam = directions(2)
    bd = bound_table(np.ones((1, live.size), bool), lb[None, :], mat, starts, owner[live], lam)
    best = (_all_utilities(space) @ lam.T).max(axis=0)
    assert np.all(best <= bd[0] + 1e-9)


@settings(max_examples=60, deadline=None)
@given(wide_spaces(), st.integers(1, 6), st.integers(0, 3))
def test_anytime_gap_is_sound_on_wider_spaces(space: RectangleSpace, width: int,
                                              warm: int) -> None:
    """No outcome is further than the reported gap above the returned points, also when
    several passes (``warm``) combine their bounds; the true frontier is never above it."""
    ref = enumerate_frontier(space).utilities
    f = nonlinear_frontier(space, max_nodes=width, warm=warm)
    assert np.allclose(space.utilities(f.index).T, f.utilities, atol=1e-12)
    miss = np.maximum(ref[:, None, :] - f.utilities[None, :, :], 0).max(axis=2).min(axis=1)
    assert miss.max() <= f.gap + 1e-9
    if f.exact:
        assert np.allclose(f.utilities, ref, atol=1e-12)


@pytest.mark.slow
def test_large_domain_gap_is_tight(genius_root: Path) -> None:
    """S-1NAGUNL-128 (10^30 outcomes), 20,000 partial outcomes wide: the gap was 0.23 with
    the sum of open rectangles as the optimistic vector; the per-issue bounds bring it under
    0.05."""
    rs = to_rectangle_space(load_domain(genius_root / "other" / "S-1NAGUNL-128"))
    f = nonlinear_frontier(rs, max_nodes=20_000)
    assert 0 < f.gap < 0.05 and len(f) >= 140
    assert np.allclose(rs.utilities(f.index).T, f.utilities, atol=1e-12)


def test_additive_profiles_as_rectangles_give_the_same_frontier(genius_root: Path) -> None:
    dom = load_domain(genius_root / "y2010" / "EnglandZimbabwe")
    nf = nonlinear_frontier(to_rectangle_space(dom))
    af = issuewise_frontier(to_space(dom))
    distinct = np.unique(np.round(af.utilities, 9), axis=0)
    assert len(nf) == len(distinct)
    assert np.allclose(np.sort(nf.utilities, axis=0), np.sort(distinct, axis=0), atol=1e-9)


def test_domain_frontier_solutions_respect_reservation(genius_root: Path) -> None:
    dom = load_domain(genius_root / "other" / "S-1NAGUNL-114")  # reservations 0.6 and 0.5
    res = domain_frontier(dom)
    assert res.method == "nonlinear" and res.gap == 0.0
    assert isinstance(res.solutions, dict)
    for row in res.solutions.values():
        assert np.all(res.utilities[row] >= dom.reservation - 1e-9)


def test_time_limit_keeps_the_result_valid(genius_root: Path) -> None:
    dom = load_domain(genius_root / "other" / "S-1NIKFRT-3")  # 10^30 outcomes
    rs = to_rectangle_space(dom)
    f = nonlinear_frontier(rs, time_limit=0.0, warm=50)
    assert len(f) > 0 and f.gap > 0
    assert np.allclose(rs.utilities(f.index).T, f.utilities, atol=1e-12)


def test_import_of_a_non_linear_domain_is_refused_clearly(genius_root: Path, tmp_path: Path,
                                                          capsys) -> None:
    from detente.cli.app import main

    with pytest.raises(SystemExit) as exc:
        main(["import", "genius", str(genius_root / "other" / "10issues"), "-o",
              str(tmp_path / "x.yaml")])
    assert exc.value.code == 2
    assert "non-linear (hyperRectangle) profiles" in capsys.readouterr().err
