"""The draws-last EUM rounds (detente.forecasts.eum_rounds) give the same numbers, bit for bit,
as the step-by-step (D, N, N) functions of detente.forecasts.eum (Scholz, Calbert & Smith 2011),
step by step and over whole runs, including integer positions (exact ties, voters exactly at a
midpoint), equal positions and a draw whose positions are all equal."""

from __future__ import annotations

import numpy as np
import pytest

from detente.forecasts import eum
from detente.forecasts.eum import EUMOptions
from detente.forecasts.eum_rounds import Rounds, pairwise_sum


def _draws(seed: int, d: int = 40, n: int = 9, integer: bool = False):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 6, (d, n)).astype(float) * 10 if integer else rng.uniform(0, 100, (d, n))
    x[0] = 50.0  # no range at all
    x[1, 1] = x[1, 0]  # two actors on one position
    c = rng.uniform(0.1, 100, (d, n))
    s = rng.uniform(0.05, 1, (d, n))
    return x, c, s


@pytest.mark.parametrize("n", [1, 3, 8, 23, 24, 100, 128, 129, 200, 576, 1000])
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


@pytest.mark.parametrize("integer", [False, True])
@pytest.mark.parametrize("how", ["all_pairs", "pair"])
def test_each_step_matches_the_step_by_step_functions(integer, how):
    opt = EUMOptions(probability=how)
    x, c, s = _draws(7 + integer, integer=integer)
    span = np.ptp(x, axis=1)
    span = np.where(span <= opt.tol, 1.0, span)
    work = Rounds(x.shape[1], x.shape[0])
    work.place(np.ascontiguousarray(x.T), span, opt.tol)
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
    fast = eum._run_block(x, c, s, opt)
    slow = eum._run_block(x, c, s, opt, by_draw=False)
    assert fast.keys() == slow.keys()
    for key in fast:
        assert np.array_equal(fast[key], slow[key]), key
    assert not np.array_equal(fast["trajectory"][:, -1], x)  # positions did move


@pytest.mark.parametrize("scale", [1e-6, 1e90, 1e120])
def test_far_positions_keep_the_offer_keys_apart(scale):
    """Offers of another kind are set aside by adding 1e300 to their keys; positions up to
    1e100 (keys up to ~2e100) run draws-last, larger ones step by step: the same numbers."""
    x, c, s = _draws(5, d=30, n=10)
    x = x * scale
    fast = eum._run_block(x, c, s, EUMOptions())
    slow = eum._run_block(x, c, s, EUMOptions(), by_draw=False)
    for key in fast:
        assert np.array_equal(fast[key], slow[key]), key
    assert not np.array_equal(fast["trajectory"][:, -1], x)
