"""Rolling-origin scoring of the compliance prior: no forecast sees an outcome unknown on its
signing day; B0 and M re-derived by plain Python for sample origins; same seed, same scores."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from agreements_oracle import outcome, pad_rows
from detente.agreements.backtest import _forecasts, _known, backtest
from detente.agreements.data import load_agreements
from detente.agreements.outcomes import HELD, renewal

PAD = "ucdp_pad_v22_1_from_bherbst5.csv"


def _known_oracle(rows: list[dict[str, str]], i: int) -> list[int]:
    t = dt.date.fromisoformat(rows[i]["pa_date"])
    out = []
    for j, r in enumerate(rows):
        o, signed = outcome(r), dt.date.fromisoformat(r["pa_date"])
        broken = o == "broken" and dt.date.fromisoformat(r["duration"]) < t
        held = o == "kept" and signed + dt.timedelta(days=731) <= t
        if broken or held:
            out.append(j)
    return out


def test_known_sets_match_the_oracle_and_exclude_the_future(slice_dir: Path) -> None:
    data = load_agreements(slice_dir)
    rows = pad_rows(slice_dir / PAD)
    status = renewal(data.pad)
    k = _known(data.pad.date, data.pad.end_date, status, np.timedelta64(731, "D"))
    assert not k.diagonal().any()
    for i in range(len(rows)):
        assert np.flatnonzero(k[i]).tolist() == _known_oracle(rows, i)
        assert (data.pad.date[k[i]] < data.pad.date[i]).all()


def test_forecasts_follow_the_pooling_rule(slice_dir: Path) -> None:
    data = load_agreements(slice_dir)
    rows = pad_rows(slice_dir / PAD)
    status = renewal(data.pad)
    held = status == HELD
    k = _known(data.pad.date, data.pad.end_date, status, np.timedelta64(731, "D"))
    kind = np.array(["ceasefire" if r["cease"] == "1" else "other" for r in rows])
    state = np.array([r["gwno"] for r in rows])
    m = np.full(len(rows), 4.0)
    f = _forecasts(k, held, kind, state, m)
    for i in np.flatnonzero(k.sum(1) > 0):
        known = _known_oracle(rows, i)
        kept = [j for j in known if outcome(rows[j]) == "kept"]
        p0 = (len(kept) + 0.5) / (len(known) + 1)
        same = [j for j in known if kind[j] == kind[i]]
        pk = (sum(j in kept for j in same) + 4 * p0) / (len(same) + 4)
        cell = [j for j in same if state[j] == state[i]]
        pa = (sum(j in kept for j in cell) + 4 * pk) / (len(cell) + 4)
        assert np.allclose(f[:, i], [p0, pk, pa], atol=1e-12)


def test_same_seed_same_scores_and_strength_limit(slice_dir: Path) -> None:
    data = load_agreements(slice_dir)
    a = backtest(data, burn_in=5, resamples=300, seed=3)
    b = backtest(data, burn_in=5, resamples=300, seed=3)
    assert a == b and a.predicted > 0
    strong = backtest(data, burn_in=5, resamples=300, seed=3, strength=1e9)
    base = strong.scores[0]
    assert abs(strong.scores[2].brier - base.brier) < 1e-6  # infinite pooling: M = B0


def test_full_data_protocol_run(shared_dir: Path) -> None:
    b = backtest(load_agreements(shared_dir))
    rows = pad_rows(shared_dir / PAD)
    assert b.predicted == sum(1 for i, r in enumerate(rows)
                              if outcome(r) in ("kept", "broken")
                              and len(_known_oracle(rows, i)) >= 20)
    d = b.differences[0]
    print(f"M - B0 Brier {d.brier:+.4f} [{d.brier_low:+.4f}, {d.brier_high:+.4f}]; "
          f"{b.verdict}")
    assert d.brier_low <= d.brier <= d.brier_high
