"""Fast paths of the ninth session's backtest work, each pinned bit for bit against the plain
implementation it replaces: quantiles without ``np.unique`` (NumPy's own ``np.quantile`` is the
oracle), SMP's risk-attitude cube built a few issues at a time, the distinct queue lengths of
the step-4 elections, and SMP runs that keep the final state only."""

from __future__ import annotations

import ast
import subprocess
import sys

import numpy as np
import pytest

from detente.forecasts import smp, smp_batch
from detente.forecasts.predictive import quantiles
from shared_data import REFERENCE

QS = ([0.25, 0.75], [0.0, 1.0], [0.5], [0.45, 0.55, 0.05, 0.95, 0.1, 0.25, 0.75, 0.9],
      [0.025, 0.975], [1 / 3, 2 / 3, 0.999999])


def bits(a: np.ndarray) -> bytes:
    return np.ascontiguousarray(a).tobytes()


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")  # inf − inf, both sides
def test_quantiles_equal_numpys(seed):
    rng = np.random.default_rng(seed)
    for shape in ((1, 1), (3, 1), (5, 2), (40, 7), (231, 1000), (7, 2000)):
        for axis in (0, 1):
            # ties, signed zeros, the clip's ends, and (some seeds) NaN and infinities
            a = rng.choice([0.0, -0.0, 100.0, 12.5, 50.0], shape) if seed % 3 == 0 \
                else rng.normal(50, 30, shape).round(seed % 4)
            if seed % 2:
                a.flat[rng.integers(0, a.size, 3)] = rng.choice([np.nan, np.inf, -np.inf], 3)
            for q in QS:
                assert bits(quantiles(a, q, axis)) == bits(np.quantile(a, q, axis=axis)), \
                    (shape, axis, q)


def test_quantiles_leave_their_input_alone():
    a = np.random.default_rng(1).normal(size=(9, 30))
    before = a.copy()
    quantiles(a, [0.1, 0.9], 1)
    assert bits(a) == bits(before)


def _loaded(argv: list[str]) -> list[str]:
    """Which of numpy.ma and pydantic ``detente ARGV`` loads, in a fresh process."""
    code = ("import sys; from detente.cli.app import main\n"
            f"try:\n    main({argv!r})\nexcept SystemExit as e:\n    assert not e.code, e\n"
            "print([m for m in ('numpy.ma', 'pydantic') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    return ast.literal_eval(out.strip().splitlines()[-1])


def test_plain_backtest_loads_neither_numpy_ma_nor_pydantic(tmp_path):
    """``backtest FILE`` prints from the result: its numbers use neither np.quantile nor
    np.unique (numpy.ma), and without an output file no typed record is made (pydantic);
    with ``--json`` the record is made (the probe sees pydantic load)."""
    deu = str(REFERENCE / "deu3-dev.tsv")
    assert _loaded(["backtest", deu]) == []
    out = tmp_path / "b.json"
    assert _loaded(["backtest", deu, "-m", "compromise", "--bootstrap", "10", "-q",
                    "--json", str(out)]) == ["pydantic"]
    assert out.is_file()


@pytest.mark.parametrize("cells", [1, 500, 65536])
def test_risk_attitudes_in_blocks_equal_the_whole_cube(cells, monkeypatch):
    """Blocks of a few issues (``CUBE_CELLS``) against each size's issues at once (the
    implementation before, which a block size beyond the batch reproduces), and each issue
    against its own one-issue run (:func:`detente.forecasts.smp.risk_attitudes`)."""
    rng = np.random.default_rng(cells)
    n = np.sort(rng.integers(2, 31, 40))
    sizes = smp_batch.Sizes(n)
    valid = sizes.valid()
    x = rng.random((40, sizes.width, 1)) * valid[:, :, None]
    s = rng.random((40, sizes.width, 1)) * valid[:, :, None]
    c = rng.random((40, sizes.width)) * valid
    c[3] = 0.0
    x[7] = 0.25 * valid[7, :, None]               # every actor at one point: degenerate
    d = smp.distances(s, x, x)
    monkeypatch.setattr(smp_batch, "CUBE_CELLS", 10**12)
    whole = smp_batch.risk_attitudes(d, c, sizes)
    monkeypatch.setattr(smp_batch, "CUBE_CELLS", cells)
    risk, flat = smp_batch.risk_attitudes(d, c, sizes)
    assert bits(risk) == bits(whole[0]) and bits(flat) == bits(whole[1])
    for b, m in enumerate(n.tolist()):
        r1, f1 = smp.risk_attitudes(d[b, :m, :m], c[b, :m])
        assert bits(risk[b, :m]) == bits(r1) and bool(flat[b]) == f1


def test_distinct_queue_lengths_equal_np_unique():
    rng = np.random.default_rng(4)
    for _ in range(50):
        lengths = np.sort(rng.integers(0, rng.integers(1, 12), rng.integers(1, 300)))
        used = lengths[lengths > 0]
        used = used[np.diff(used, prepend=-1) != 0]
        assert bits(used) == bits(np.unique(lengths[lengths > 0]))


def test_final_only_runs_give_the_full_runs_outcome():
    rng = np.random.default_rng(9)
    x0, sal, cap = [], [], []
    for n in (3, 5, 8, 8, 13, 21):
        x0.append(rng.random((n, 1)))
        sal.append(rng.random((n, 1)))
        cap.append(rng.random(n))
    x0[2][:] = 0.5                               # every actor at one point: degenerate risk
    full = smp_batch.run_smp_batch(x0, sal, cap)
    short = smp_batch.run_smp_batch(x0, sal, cap, final_only=True)
    for f, s in zip(full, short, strict=True):
        assert set(s) == {"unique", "win_probability", "group", "degenerate_risk"}
        for key in s:
            assert bits(np.asarray(s[key])) == bits(np.asarray(f[key])), key


def _plain_win_probability(x, c, s, span, how, tol, r=None):
    """eum.win_probability as it was before the ninth session's part b: ``take_along_axis``
    gathers and the prefix sums as a loop of ``np.add`` over the sorted voters."""
    from detente.forecasts.eum import VoterSplit

    sp = VoterSplit.of(x)
    d_n, n = x.shape
    a = sp.dist / span[:, None, None]
    if r is not None:
        a = np.power(a, np.take_along_axis(r, sp.order, 1)[:, :, None])
    a *= np.take_along_axis(c * s, sp.order, 1)[:, :, None]
    pre = np.empty((d_n, n + 1, n))
    pre[:, 0] = 0.0
    for t in range(n):
        np.add(pre[:, t], a[:, t], out=pre[:, t + 1])
    flat = pre.ravel()
    first = (flat.take(sp.at_j) - flat.take(sp.at_i)).reshape(d_n, n, n)
    total = pre[:, n, :]
    num = np.where(sp.left, first, (total[:, None, :] - total[:, :, None]) - first)
    np.maximum(num, 0.0, out=num)
    den = (2 * num.sum(axis=(1, 2))[:, None, None] if how == "all_pairs"
           else num + np.swapaxes(num, 1, 2))
    p = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
    p[np.abs(x[:, :, None] - x[:, None, :]) <= tol] = 0.0
    return p


@pytest.mark.parametrize("seed", range(6))
def test_win_probability_equals_the_plain_loop(seed):
    from detente.forecasts.eum import VoterSplit, win_probability

    rng = np.random.default_rng(seed)
    for d, n in ((1, 1), (1, 2), (3, 4), (5, 9), (11, 17), (13, 30), (2, 31)):
        x = rng.choice([0.0, 25.0, 50.0, 75.0, 100.0], (d, n)) if seed % 2 \
            else rng.uniform(0, 100, (d, n))
        if seed == 4:
            x[0] = 50.0  # one draw on one position (span 1)
        c = rng.choice([0.0, 1.0, 3.5, 12.0], (d, n))
        s = rng.choice([0.0, -0.0, 0.3, 1.0], (d, n))  # signed zeros reach the prefix sums
        span = np.ptp(x, axis=1)
        span = np.where(span <= 1e-9, 1.0, span)
        r = rng.uniform(0.5, 2.0, (d, n))
        for how in ("all_pairs", "pair"):
            for rr in (None, r):
                want = _plain_win_probability(x, c, s, span, how, 1e-9, rr)
                got = win_probability(x, c, s, span, how, 1e-9, rr, VoterSplit.of(x))
                assert bits(got) == bits(want), (d, n, how, rr is None)


def _blocks(rng, sizes, draws, grid):
    out = []
    for n in sizes:
        x = (rng.choice([0.0, 10.0, 50.0, 55.0, 100.0], (draws, n)) if grid
             else rng.uniform(0, 100, (draws, n)).round(1))
        out.append((x, rng.choice([0.0, 1.0, 2.5, 9.0], (draws, n)),
                    rng.choice([0.0, 0.2, 0.7, 1.0], (draws, n))))
    return out


PACKED_OPTIONS = [{}, {"probability": "pair"}, {"votes": "linear"},
                  {"offer_selection": "least_movement"}, {"capitulation": "never"},
                  {"rounds": 3, "probability": "pair", "votes": "linear"}]


@pytest.mark.parametrize("kw", PACKED_OPTIONS)
@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")  # the mean of 0 weights
def test_packed_eum_blocks_equal_each_block_alone(kw):
    from detente.forecasts import eum, eum_packed

    opt = eum.EUMOptions(**kw)
    ran = 0
    for seed in range(8):
        rng = np.random.default_rng(seed)
        blocks = _blocks(rng, (2, 3, 5, 8, 13, 9), 1 + seed % 3, grid=seed % 2 == 1)
        if seed == 2:
            blocks[1][0][0] = 42.0  # a flat draw (every actor on one position)
        final = eum_packed.run_packed(blocks, opt)
        if final is None:  # offers brought two positions within the guard: declined
            continue
        ran += 1
        for (x, c, s), got in zip(blocks, final, strict=True):
            want = eum._run_block(x, c, s, opt, by_draw=False,
                                  final_only=True)["trajectory"][:, -1]
            assert bits(got) == bits(want), (seed, x.shape, kw)
    assert ran >= 4  # the packed path itself is checked, not only its fallback


def test_packed_eum_declines_close_positions_and_forecast_batch_is_unchanged():
    from detente.forecasts import eum, eum_packed
    from detente.formats.table import StakeholderTable

    rng = np.random.default_rng(7)
    blocks = _blocks(rng, (4, 6), 2, grid=False)
    blocks[0][0][0, :2] = [30.0, np.nextafter(30.0, 31.0)]  # closer than 2⁻⁵⁰ of the range
    assert eum_packed.run_packed(blocks, eum.EUMOptions()) is None
    tables = []
    for n in (3, 4, 4, 5, 7, 12, 12):
        x = rng.uniform(0, 100, n).round(0)
        tables.append(StakeholderTable.build([f"a{k}" for k in range(n)], rng.uniform(1, 5, n),
                                             x, rng.uniform(0.1, 1, n)))
    model = eum.ExpectedUtilityModel()
    want = np.array([model.forecast(t).position[0] for t in tables])
    assert bits(model.forecast_batch(tables)) == bits(want)


def test_packed_eum_keeps_padded_actors_on_actor_0s_position(monkeypatch):
    """The exactness of the packed path rests on every padded actor sitting on actor 0's
    position at the start of every round (its distances are then actor 0's bit for bit, so it
    sorts and sides as actor 0 does): checked on the state each round's voter split is built
    from, over runs in which actor 0 moves (a padded actor makes no offer and accepts none,
    so without the re-placement it would stay behind on actor 0's first position)."""
    from detente.forecasts import eum, eum_packed

    seen: list[np.ndarray] = []

    class Recorded(eum.VoterSplit):
        @classmethod
        def of(cls, x):
            seen.append(x.copy())
            return eum.VoterSplit.of(x)

    monkeypatch.setattr(eum_packed, "VoterSplit", Recorded)
    moved = 0
    for seed in range(6):
        rng = np.random.default_rng(seed)
        blocks = _blocks(rng, (2, 3, 5, 8), 2, grid=seed % 2 == 1)
        seen.clear()
        if eum_packed.run_packed(blocks, eum.EUMOptions(rounds=4)) is None:
            continue
        at = 0
        for x, _, _ in blocks:
            rows, n = slice(at, at + x.shape[0]), x.shape[1]
            for state in seen:
                padded = state[rows, n:]
                assert bits(padded) == bits(np.broadcast_to(state[rows, :1], padded.shape))
            moved += int(any((state[rows, 0] != seen[0][rows, 0]).any() for state in seen)
                         and n < seen[0].shape[1])
            at += x.shape[0]
    assert moved >= 3  # actor 0 of a padded block moved: the check is not blind
