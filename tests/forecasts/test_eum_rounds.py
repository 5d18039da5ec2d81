"""The draws-last EUM rounds (detente.forecasts.eum_rounds) give the same numbers, bit for bit,
as the step-by-step (D, N, N) functions of detente.forecasts.eum (Scholz, Calbert & Smith 2011),
step by step and over whole runs, including integer positions (exact ties, voters exactly at a
midpoint), equal positions, two positions closer than tol but not equal, positions too close
for the sorted voters' split (its full count instead), positions outside the range R and a draw
whose positions are all equal."""

from __future__ import annotations

import numpy as np
import pytest

from detente.forecasts import eum
from detente.forecasts.eum import EUMOptions
from detente.forecasts.eum_rounds import Rounds, _least_gap, pairwise_sum


def _draws(seed: int, d: int = 40, n: int = 9, integer: bool = False):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 6, (d, n)).astype(float) * 10 if integer else rng.uniform(0, 100, (d, n))
    x[0] = 50.0  # no range at all
    x[1, 1] = x[1, 0]  # two actors on one position
    x[2, 1] = x[2, 0] + 1e-10  # two positions within tol (1e-9), not equal
    c = rng.uniform(0.1, 100, (d, n))
    s = rng.uniform(0.05, 1, (d, n))
    return x, c, s


@pytest.mark.parametrize("n", [1, 3, 8, 23, 24, 100, 128, 129, 200, 272, 576, 1000, 2304, 4104])
def test_pairwise_sum_is_numpys_sum_bit_for_bit(n):
    rng = np.random.default_rng(n)
    a = rng.standard_normal((n, 17)) * 10.0 ** rng.uniform(-8, 8, (n, 17))
    rows = np.ascontiguousarray(a.T)  # each row contiguous: NumPy sums it pairwise
    assert np.array_equal(pairwise_sum(a), rows.sum(axis=1))
    # and not merely close: a plain running sum differs somewhere for the larger n
    if n >= 100:
        assert not np.array_equal(np.add.accumulate(a, axis=0)[-1], rows.sum(axis=1))


def _t(a):
    """(D, N, N) → (N, N, D)."""
    return np.ascontiguousarray(np.moveaxis(a, 0, -1))


@pytest.mark.parametrize("narrow", [False, True])
@pytest.mark.parametrize("integer", [False, True])
@pytest.mark.parametrize("how", ["all_pairs", "pair"])
def test_each_step_matches_the_step_by_step_functions(integer, how, narrow):
    """``narrow``: R below the positions' range (distances over R above 1, U_s's argument
    clipped at 0), as positions that left the first range by rounding would have it."""
    opt = EUMOptions(probability=how)
    x, c, s = _draws(7 + integer, integer=integer)
    span = np.ptp(x, axis=1) * (0.6 if narrow else 1.0)
    span = np.where(span <= opt.tol, 1.0, span)
    work = Rounds(x.shape[1], x.shape[0])
    work.place(np.ascontiguousarray(x.T), span, opt.tol)
    assert work.inside is not narrow and work.near_ties
    assert work.sym is not integer  # integer positions: voters exactly at a midpoint
    pairs = eum.PairDistances.of(x, span, opt.tol)
    split = eum.VoterSplit.of(x)
    cs = np.ascontiguousarray((c * s).T)

    p_lin = eum.win_probability(x, c, s, span, how, opt.tol, split=split, tie=pairs.tie)
    assert np.array_equal(work.win_probability(cs, how, None), _t(p_lin))
    r = eum.risk_exponents(x, c, s, span, opt, p_lin, pairs)
    danger = work.dangers(np.ascontiguousarray(s.T), opt.q).T
    r_here = eum._risk_from_danger(danger, danger.min(axis=1, keepdims=True),
                                   danger.max(axis=1, keepdims=True))
    assert np.array_equal(r_here, r)

    p = eum.win_probability(x, c, s, span, how, opt.tol, r, split, pairs.tie)
    assert np.array_equal(work.win_probability(cs, how, np.ascontiguousarray(r.T)), _t(p))
    e_ij, e_ji = eum.expected_utility(x, c, s, p, r, span, opt, pairs=pairs)
    assert e_ij is not None
    got_ij, got_ji = work.utilities(np.ascontiguousarray(s.T), np.ascontiguousarray(r.T), opt.q)
    assert np.array_equal(got_ij, _t(e_ij)) and np.array_equal(got_ji, _t(e_ji))

    for selection in ("scholz_code", "least_movement"):
        for capitulation in ("stated", "never"):
            o = EUMOptions(offer_selection=selection, capitulation=capitulation)
            new, moved = eum.best_offers(x, e_ij, e_ji, o, pairs.tie)
            got, got_moved = work.offers(capitulation == "stated", selection == "least_movement")
            assert np.array_equal(got.T, new) and np.array_equal(got_moved.T, moved)
            assert moved.any() and not moved.all()  # the case has offers taken and refused


OPTIONS = [EUMOptions(), EUMOptions(votes="linear"), EUMOptions(probability="pair"),
           EUMOptions(rounds=12, stopping="no_change"),
           EUMOptions(stopping="median_stable", offer_selection="least_movement"),
           EUMOptions(capitulation="never", t_rule="half")]


@pytest.mark.parametrize("opt", OPTIONS, ids=repr)
@pytest.mark.parametrize("integer", [False, True])
def test_whole_runs_are_the_same_bit_for_bit(opt, integer):
    x, c, s = _draws(11 + integer, d=60, n=12, integer=integer)
    fast = eum._run_block(x, c, s, opt, by_draw=True)
    slow = eum._run_block(x, c, s, opt, by_draw=False)
    assert fast.keys() == slow.keys()
    for key in fast:
        assert np.array_equal(fast[key], slow[key]), key
    assert not np.array_equal(fast["trajectory"][:, -1], x)  # positions did move


@pytest.mark.parametrize("scale", [1e-6, 1e90, 1e120, 1e250, 1e301])
def test_positions_of_any_scale_give_the_same_numbers(scale):
    """Offers of another kind are set aside as NaN keys, whatever the positions' size."""
    x, c, s = _draws(5, d=30, n=10)
    x = x * scale
    fast = eum._run_block(x, c, s, EUMOptions(), by_draw=True)
    slow = eum._run_block(x, c, s, EUMOptions(), by_draw=False)
    for key in fast:
        assert np.array_equal(fast[key], slow[key]), key
    assert not np.array_equal(fast["trajectory"][:, -1], x)


def _counts(x: np.ndarray, sorted_split: bool) -> np.ndarray:
    """``cnt`` (the voters' split over the sorted positions) by one of the two methods."""
    d, n = x.shape
    work = Rounds(n, d)
    ps = np.sort(x.T, axis=0, kind="stable")
    np.abs(ps[:, None, :] - ps[None, :, :], out=work.vdist)
    np.equal(work.vdist, 0.0, out=work.same)
    if sorted_split:
        assert work._split_sorted(ps, _least_gap(ps))
    else:
        work._split_all(ps)
    return work.cnt.copy()


@pytest.mark.parametrize("seed", range(4))
def test_sorted_split_counts_the_voters_as_the_full_count(seed):
    """N³/3 comparisons between the two positions give every count the N³ comparisons of all
    voters give: random positions, integer ones (voters exactly at a midpoint, so h_ij and
    h_ji differ) and repeated ones."""
    rng = np.random.default_rng(seed)
    for x in (rng.uniform(0, 100, (50, 13)), rng.integers(0, 7, (50, 13)).astype(float) * 5,
              np.repeat(rng.uniform(-1, 1, (50, 5)), [3, 1, 4, 2, 3], axis=1)):
        assert np.array_equal(_counts(x, True), _counts(x, False))


def test_too_close_positions_take_the_full_count():
    """Two distinct positions closer than 2⁻⁵⁰ of the range: the shortcut declines, the
    rounds count every voter, and whole runs still equal the step-by-step ones."""
    x, c, s = _draws(3, d=20, n=8)
    x[5, 3] = x[5, 2] + 4 * np.spacing(x[5, 2])  # 4 ulps: distinct, under 2⁻⁵⁰ of the range
    work = Rounds(8, 20)
    ps = np.sort(x.T, axis=0)
    assert not work._split_sorted(ps, _least_gap(ps))
    fast = eum._run_block(x, c, s, EUMOptions(), by_draw=True)
    slow = eum._run_block(x, c, s, EUMOptions(), by_draw=False)
    for key in fast:
        assert np.array_equal(fast[key], slow[key]), key


@pytest.mark.parametrize("chunk", [32, 8])   # blocks of 8 draws run step by step
@pytest.mark.parametrize("opt", OPTIONS, ids=repr)
def test_final_only_is_the_last_round_of_a_full_run(opt, chunk):
    x, c, s = _draws(13, d=70, n=11)
    full = eum.run_eum(x, c, s, opt, chunk=chunk)
    last = eum.run_eum(x, c, s, opt, chunk=chunk, final_only=True)
    for key in ("trajectory", "median", "mean"):
        assert last[key].shape[1] == 1
        assert np.array_equal(last[key][:, 0], full[key][:, -1]), key
    assert np.array_equal(last["r"], full["r"])


@pytest.mark.parametrize("n", [1, 2, 3, 255, 256])
def test_few_and_many_actors(n):
    """Fewer than three actors (no voter between two positions), 255 (the largest count a byte
    holds) and 256 (taken step by step): the same numbers as the (D, N, N) steps."""
    rng = np.random.default_rng(n)
    d = 6 if n < 100 else 2
    x, c, s = rng.uniform(0, 100, (d, n)), rng.uniform(1, 100, (d, n)), rng.uniform(0.1, 1, (d, n))
    opt = EUMOptions(rounds=3 if n < 100 else 1)
    fast = eum._run_block(x, c, s, opt, by_draw=True)
    slow = eum._run_block(x, c, s, opt, by_draw=False)
    for key in fast:
        assert np.array_equal(fast[key], slow[key]), key
