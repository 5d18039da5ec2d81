"""The fast paths of the EUM and SMP against their direct formulas (issue 19).

The oracles here are the formulas as printed, summed voter by voter (O(N³) per draw), the way
detente computed them before the prefix-sum and batched versions: a change of speed must not
change a number. Tolerances: win probabilities 1e-12 relative or 1e-13 absolute (a difference of
prefix sums carries about N·eps of the whole sum, ~1e-14 on a probability); whole Monte Carlo
runs with the default options 1e-12 absolute.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.forecasts import eum
from detente.forecasts.eum import EUMOptions, VoterSplit, run_eum, win_probability
from detente.forecasts.montecarlo import InputRanges, triangular
from detente.formats.stakeholders import read_stakeholder_csv

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
BDM = Path(__file__).resolve().parents[1] / "data" / "bdm"


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"validation data not here: {path}")
    return path


def direct_win_probability(x, c, s, span, how, tol, r=None):
    """Scholz et al. (2011): P_ij = Σ_k max(v^k_ij, 0) / norm, voter by voter."""
    d = np.abs(x[:, :, None] - x[:, None, :]) / span[:, None, None]
    if r is not None:
        d = np.power(d, r[:, :, None])
    w = c * s
    num = np.zeros_like(d)
    for k in range(x.shape[1]):
        dk = d[:, k, :]
        num += w[:, k, None, None] * np.maximum(dk[:, None, :] - dk[:, :, None], 0)
    den = (2 * num.sum(axis=(1, 2))[:, None, None] if how == "all_pairs"
           else num + np.swapaxes(num, 1, 2))
    p = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
    p[np.abs(x[:, :, None] - x[:, None, :]) <= tol] = 0.0
    return p


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 9), st.integers(1, 4), st.booleans(), st.data())
def test_prefix_sum_win_probability_equals_the_direct_sum(n, d, ties, data):
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    # integer positions make ties and voters exactly at a midpoint common
    x = rng.integers(0, 6, (d, n)).astype(float) if ties else rng.uniform(0, 100, (d, n))
    c = rng.uniform(0.1, 5, (d, n))
    s = rng.uniform(0.05, 1, (d, n))
    r = rng.uniform(0.5, 2, (d, n))
    span = np.maximum(np.ptp(x, axis=1), 1.0)
    split = VoterSplit.of(x)
    for how in ("all_pairs", "pair"):
        for exps in (None, r):
            want = direct_win_probability(x, c, s, span, how, 1e-9, exps)
            got = win_probability(x, c, s, span, how, 1e-9, exps, split)
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-13)


def test_voter_split_counts_the_voters_strictly_closer():
    x = np.array([[0.0, 2.0, 4.0, 4.0, 1.0]])  # voter 2.0 is equidistant from 0 and 4
    sp = VoterSplit.of(x)
    n = x.shape[1]
    h = sp.at_j.reshape(1, n, n)[0] // n  # prefix length used for each pair
    assert h[0, 2] == 2  # 0 vs 4: voters at 0 and 1 (2.0 is a tie: no side)
    assert h[2, 0] == 5 - 2  # 4 vs 0: the two voters at 4 are the last two
    assert not sp.left[0, 2, 3] and not sp.left[0, 3, 2]  # equal positions: no contest


@pytest.mark.parametrize("case", ["china", "emission", "sultan", "russia-ukraine-2022-blog"])
def test_eum_monte_carlo_runs_equal_the_direct_formula(case, monkeypatch):
    t = read_stakeholder_csv(need(DATA / "bdm" / f"{case}.csv"))
    ranges = InputRanges.spread(t, 0.1)
    rng = np.random.default_rng(3)
    draws = 300
    c = triangular(ranges.capability_low, t.capability, ranges.capability_high, draws, rng)
    x = triangular(ranges.position_low, t.position, ranges.position_high, draws, rng)[:, :, 0]
    s = triangular(ranges.salience_low, t.salience, ranges.salience_high, draws, rng)[:, :, 0]
    x = np.vstack([t.position[:, 0], x])  # the table itself is draw 0
    c = np.vstack([t.capability, c])
    s = np.vstack([t.salience[:, 0], s])
    fast = run_eum(x, c, s, EUMOptions())
    monkeypatch.setattr(eum, "win_probability",
                        lambda x, c, s, span, how, tol, r=None, split=None:
                        direct_win_probability(x, c, s, span, how, tol, r))
    slow = run_eum(x, c, s, EUMOptions())
    for key in ("trajectory", "median", "mean", "r"):
        np.testing.assert_allclose(fast[key], slow[key], rtol=0, atol=1e-12)
