"""Published and reference results: Scholz et al. (2011) Table 2 and KTAB's SMP runs."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.errors import DetenteError
from detente.forecasts.compromise import compromise, weighted_median
from detente.forecasts.eum import EUMOptions, ExpectedUtilityModel, run_eum, win_probability
from detente.forecasts.smp import SpatialModel
from detente.formats.ktab import read_ktab_csv
from detente.formats.stakeholders import read_stakeholder_csv

DATA = Path(__file__).resolve().parents[1] / "data" / "reference"

# Scholz, Calbert & Smith (2011), Table 2 (Q = 1): rounds 1–8 of the car-emission case.
SCHOLZ_MEDIAN = [8.4, 9.9, 9.9, 9.9, 9.9, 7.4, 8.8, 9.6]
SCHOLZ_MEAN = [7.4, 7.5, 7.6, 7.3, 7.3, 7.4, 7.5, 7.6]
TABLE_TOL = 0.1 + 1e-9  # published to one decimal
REPRODUCED_MEDIAN_ROUNDS = [1, 3, 4, 5, 6, 7, 8]

# An independent public implementation of Scholz's model, a Python port that states it follows
# Scholz's code (github.com/jmckib/bdm-scholz-expected-utility-model); its run of this case is in
# github.com/dmasad/bdm-scholz-expected-utility-model, Example.log (10 rounds, full precision).
# Only Belgium, Luxembourg and Ireland move; every other actor keeps its position.
PEER_LOG_POSITIONS = {
    "Belgium": [8.415932315426764, 9.610859134120188, 9.961979590401311, 4.800881140632622,
                5.524237694197356, 7.47204636191629, 8.824593855262423, 9.671129769802048,
                4.144849062500606, 4.291541224979646],
    "Luxembourg": [7.0, 8.415932315426764, 9.610859134120188, 9.961979590401311,
                   4.800881140632622, 5.524237694197356, 7.47204636191629, 8.824593855262423,
                   9.671129769802048, 4.144849062500606],
    "Ireland": [4.0, 7.0, 8.415932315426764, 9.610859134120188, 9.961979590401311,
                5.524237694197356, 7.47204636191629, 8.824593855262423, 9.671129769802048,
                4.144849062500606],
}


def need(path: Path) -> Path:
    if not path.exists():
        pytest.fail(f"fixture missing: {path}")
    return path


@pytest.fixture(scope="module")
def emission_run():
    t = read_stakeholder_csv(need(DATA / "bdm" / "emission.csv"))
    return ExpectedUtilityModel().forecast(t)


def test_scholz_table2_means_all_rounds(emission_run):
    means = np.asarray(emission_run.details["mean_by_round"])[1:, 0]
    np.testing.assert_allclose(means, SCHOLZ_MEAN, atol=TABLE_TOL)


@pytest.mark.parametrize("rnd", REPRODUCED_MEDIAN_ROUNDS)
def test_scholz_table2_medians(emission_run, rnd):
    median = emission_run.details["median_by_round"][rnd][0]
    assert median == pytest.approx(SCHOLZ_MEDIAN[rnd - 1], abs=TABLE_TOL)


@pytest.mark.xfail(strict=True, reason="known gap: round 2 gives 9.61 (published 9.9), as do "
                   "two independent public implementations; see docs/forecasts.md")
def test_scholz_table2_median_round_2_not_reproduced(emission_run):
    median = emission_run.details["median_by_round"][2][0]
    assert median == pytest.approx(SCHOLZ_MEDIAN[1], abs=TABLE_TOL)


def test_emission_run_matches_an_independent_implementation_round_by_round():
    """Every actor's position in rounds 1–10 equals the peer's logged run (to 1e-9)."""
    t = read_stakeholder_csv(need(DATA / "bdm" / "emission.csv"))
    f = ExpectedUtilityModel(EUMOptions(rounds=10)).forecast(t)
    traj = f.trajectory[:, :, 0]
    assert traj.shape == (11, t.n_actors)
    for a, name in enumerate(t.actors):
        want = PEER_LOG_POSITIONS.get(name, [t.position[a, 0]] * 10)
        np.testing.assert_allclose(traj[1:, a], want, rtol=0, atol=1e-9, err_msg=name)


def test_linear_votes_lose_round_6():
    """The paper's linear votes miss Table 2's round-6 median (7.4) by more than 0.1: the
    voters' risk exponents in the win probability are what reproduce it."""
    t = read_stakeholder_csv(need(DATA / "bdm" / "emission.csv"))
    linear = ExpectedUtilityModel(EUMOptions(votes="linear")).forecast(t)
    assert abs(linear.details["median_by_round"][6][0] - SCHOLZ_MEDIAN[5]) > TABLE_TOL


def test_initial_round_is_the_input(emission_run):
    assert emission_run.details["mean_by_round"][0][0] == pytest.approx(
        (0.08 * 0.8 * 4 + 0.08 * 0.4 * 7 + 0.03 * 0.2 * 4 + 0.16 * 0.8 * 4 + 0.16 * 0.6 * 10
         + 0.16 * 0.6 * 10 + 0.16 * 0.9 * 10 + 0.05 * 0.1 * 7 + 0.05 * 1.0 * 4 + 0.08 * 0.7 * 7)
        / (0.064 + 0.032 + 0.006 + 0.128 + 0.096 + 0.096 + 0.144 + 0.005 + 0.05 + 0.056))


def test_unknown_option_is_an_actionable_error():
    with pytest.raises(DetenteError, match="offer_selection"):
        EUMOptions(offer_selection="best")
    with pytest.raises(DetenteError, match="probability"):
        EUMOptions(q=1.5)


positions = st.lists(st.integers(0, 10), min_size=3, max_size=7)


@settings(max_examples=40, deadline=None)
@given(positions, st.data())
def test_win_probability_normalisations(xs, data):
    n = len(xs)
    x = np.array(xs, dtype=float)[None]
    c = np.array(data.draw(st.lists(st.floats(0.1, 5), min_size=n, max_size=n)))[None]
    s = np.array(data.draw(st.lists(st.floats(0.05, 1), min_size=n, max_size=n)))[None]
    r = np.array(data.draw(st.lists(st.floats(0.5, 2), min_size=n, max_size=n)))[None]
    span = np.array([max(np.ptp(x), 1.0)])
    differ = np.abs(x[0][:, None] - x[0][None, :]) > 0
    for exps in (None, r):  # linear votes, and votes with each voter's risk exponent
        pair = win_probability(x, c, s, span, "pair", 1e-9, exps)[0]
        # per pair the two probabilities of a contest sum to one
        np.testing.assert_allclose((pair + pair.T)[differ], 1.0, atol=1e-9)
        allp = win_probability(x, c, s, span, "all_pairs", 1e-9, exps)[0]
        if differ.any():
            assert allp.sum() == pytest.approx(0.5, abs=1e-9)  # numerators over twice the total
    # risk-neutral voters (every r_k = 1) vote linearly
    np.testing.assert_allclose(win_probability(x, c, s, span, "all_pairs", 1e-9, np.ones_like(x)),
                               win_probability(x, c, s, span, "all_pairs", 1e-9), atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(positions, st.data())
def test_weighted_median_is_a_condorcet_winner(xs, data):
    n = len(xs)
    x = np.array(xs, dtype=float)
    w = np.array(data.draw(st.lists(st.integers(1, 9), min_size=n, max_size=n)), dtype=float)
    m = float(weighted_median(x, np.ones(n), w))
    for y in np.unique(x):  # no held position wins a strict majority against the median
        margin = np.sum(w * (np.abs(x - m) - np.abs(x - y)))
        assert margin <= 1e-9
    assert float(x.min()) <= float(compromise(x, np.ones(n), w)) <= float(x.max())


def test_monte_carlo_batch_equals_one_draw_at_a_time():
    t = read_stakeholder_csv(need(DATA / "bdm" / "emission.csv"))
    rng = np.random.default_rng(11)
    x = t.position[:, 0] + rng.normal(0, 0.5, (300, t.n_actors))
    opt = EUMOptions(rounds=4)
    batch = run_eum(x, t.capability, t.salience[:, 0], opt, chunk=128)
    for d in (0, 150, 299):
        one = run_eum(x[d], t.capability, t.salience[:, 0], opt)
        np.testing.assert_allclose(batch["trajectory"][d], one["trajectory"][0], atol=1e-12)


def _ktab_reference(name: str) -> tuple[int, dict[str, list[float]], dict[tuple, float]]:
    text = need(DATA / "ktab" / "reference-final-positions.md").read_text()
    sec = text.split(f"## {name}.csv")[1].split("```")[1]
    turns = int(re.search(r"t=(\d+)", sec).group(1))
    head, per = sec.split("per actor")
    finals = {m.group(1): [float(v) for v in m.group(2).split(",")]
              for m in re.finditer(r"([\w\-]+): ([\d\., ]+?) \[", per)}
    probs = {tuple(float(v) for v in m.group(1).split(",")): float(m.group(2))
             for m in re.finditer(r"\(([\d\., ]+)\)\s+p=([\d.]+)", head)}
    return turns, finals, probs


@pytest.mark.parametrize("name", ["dummyData_3Dim", "SOE-Pol-Comp", "SOE-Policy",
                                  "dummyData_6Dim"])
def test_smp_reproduces_ktab_final_positions_and_turns(name):
    turns, finals, probs = _ktab_reference(name)
    t = read_ktab_csv(need(DATA / "ktab" / f"{name}.csv"))
    f = SpatialModel().forecast(t)
    assert f.rounds == turns
    got = np.round(f.trajectory[-1], 2)
    want = np.array([finals[a] for a in t.actors])
    np.testing.assert_allclose(got, want, atol=1e-9)
    # KTAB's win probability of each distinct final position (printed to 4 decimals)
    reps = np.round(np.array(f.details["final_positions"]), 2)
    win = np.array(f.details["win_probability"])
    assert len(reps) == len(probs)
    compared = 0
    for pos, p in probs.items():
        match = np.flatnonzero(np.all(np.abs(reps - np.array(pos)) < 0.015, axis=1))
        if match.size == 1:
            assert win[match[0]] == pytest.approx(p, abs=1.5e-4)
            compared += 1
    assert compared >= len(probs) - 2  # near-identical rounded positions cannot be told apart


def test_smp_matches_ktab_log_turn_by_turn():
    """KTAB's own log of dummyData_3Dim: the fractional change of every turn (4 decimals) and
    each actor's best challenge target and its worth in the first turn (3 decimals)."""
    from detente.forecasts.smp import (
        best_challenges,
        distances,
        risk_attitudes,
        utility,
    )

    log = need(DATA / "ktab" / "20170530_ref-dummyData_3Dim.txt").read_text()
    ratios = [float(v) for v in re.findall(r"Fractional change compared to first step: "
                                           r"([\d.]+)", log)]
    t = read_ktab_csv(need(DATA / "ktab" / "dummyData_3Dim.csv"))
    f = SpatialModel().forecast(t)
    assert len(ratios) == f.rounds == 10
    np.testing.assert_allclose(np.round(f.details["fractional_change"], 4), ratios, atol=1e-9)
    first = {int(i): (int(j), float(w)) for i, j, w in re.findall(
        r"In turn 0 actor (\d+) has most advantageous target (\d+) worth ([\d.]+)", log)}
    x = t.position / 100
    d = distances(t.salience, x, x)
    risk, _ = risk_attitudes(d, t.capability)
    u_h = utility(d[None], ((2 * risk[:, None] + risk[None, :]) / 3)[:, :, None])
    target, _, gain = best_challenges(u_h, t.salience.sum(axis=1), t.capability, chunk=4)
    assert len(first) == 7
    for i, (j, worth) in first.items():
        assert target[i] == j
        assert round(float(gain[i]), 3) == pytest.approx(worth, abs=1e-9)
