"""DEU III reader and backtest: against an independent plain-Python computation and the
published benchmark (compromise model about 23 MAE on DEU III)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from detente.errors import DetenteError
from detente.forecasts.backtest import paired_bootstrap, run_backtest, scorable
from detente.forecasts.compromise import CompromiseModel, MedianModel
from detente.forecasts.eu_council import NICE, PRE_NICE, capability, era_of
from detente.formats.deu import ACTORS, read_deu, year_of

DATA = Path(__file__).resolve().parents[1] / "data" / "reference"
DEU = DATA / "deu3-dev.tsv"


@pytest.fixture(scope="module")
def deu():
    if not DEU.exists():
        pytest.fail("fixture missing: tests/data/reference/deu3-dev.tsv")
    return read_deu(DEU)


def test_reader_counts_and_gdp_row(deu):
    assert len(deu.issues) == 239
    assert len({i.proposal for i in deu.issues}) == 92
    assert deu.gdp["de"] == pytest.approx(4.1) and deu.gdp["at"] == pytest.approx(0.48)
    first = deu.issues[0]
    assert (first.proposal, first.year, first.voting, first.outcome) == ("d00060", 2000, "QMV",
                                                                         50.0)
    assert first.line == 3 and first.actors[:2] == ("com", "ep")


def test_years_and_eras():
    assert year_of("d95341") == 1995 and year_of("d00060") == 2000 and year_of("r12345") == 2012
    assert [era_of(y) for y in (1999, 2002, 2003, 2010, 2011)] == [
        "pre-Nice", "pre-Nice", "Nice", "Nice", "population"]
    assert sum(PRE_NICE.values()) == 87 and sum(NICE.values()) - 7 == 345  # EU-15, EU-27
    np.testing.assert_allclose(capability(("com", "ep", "de", "lu"), 2005), [29, 29, 29, 4])
    np.testing.assert_allclose(capability(("de", "lu"), 2005, "equal"), [1, 1])


def _plain_compromise_mae(path: Path) -> tuple[float, int]:
    """Independent peer: compromise MAE with equal capability straight from the TSV."""
    rows = list(csv.reader(path.open(newline="", encoding="utf-8"), delimiter="\t"))
    head = rows[0]
    errs = []
    for r in rows[2:]:
        cell = dict(zip(head, r, strict=True))
        if cell["out"] == "":
            continue
        num = den = 0.0
        n = 0
        for a in ACTORS:
            if cell["p" + a] == "":
                continue
            n += 1
            s = float(cell["s" + a]) if cell["s" + a] != "" else 50.0
            num += s * float(cell["p" + a])
            den += s
        if n >= 3:
            errs.append(abs(num / den - float(cell["out"])) if den > 0 else abs(
                sum(float(cell["p" + a]) for a in ACTORS if cell["p" + a] != "") / n
                - float(cell["out"])))
    return sum(errs) / len(errs), len(errs)


def test_compromise_mae_matches_an_independent_computation(deu):
    res = run_backtest(deu, [CompromiseModel()], capability_rule="equal", bootstrap=0)
    mae, n = _plain_compromise_mae(DEU)
    assert len(res.issues) == n == 231
    assert res.mae()["compromise"] == pytest.approx(mae, abs=1e-9)


def test_compromise_near_the_published_benchmark(deu):
    # Published: the compromise model scores about 23 MAE on DEU III (whole dataset; this is
    # part of it), so allow ±1.5.
    res = run_backtest(deu, [CompromiseModel(), MedianModel()], bootstrap=500, seed=3)
    assert res.mae()["compromise"] == pytest.approx(23, abs=1.5)
    b = res.bootstrap["median"]
    assert b["lower"] <= b["mae_difference"] <= b["upper"]
    again = run_backtest(deu, [CompromiseModel(), MedianModel()], bootstrap=500, seed=3)
    assert again.bootstrap == res.bootstrap  # seeded
    rec = res.record()
    assert len(rec["issues"]) == 231
    one = rec["issues"][0]
    assert one["residual"]["compromise"] == pytest.approx(
        one["forecast"]["compromise"] - one["outcome"], abs=1e-3)
    assert set(rec["breakdown"]) >= {"all", "era=pre-Nice", "era=Nice", "voting=QMV",
                                     "voting=Unan"}
    parts = [v["n"] for k, v in rec["breakdown"].items() if k.startswith("era=")]
    assert sum(parts) == 231


def test_paired_bootstrap_exact_cases():
    rng = np.random.default_rng(0)
    base = rng.uniform(0, 50, 40)
    errors = np.stack([base, base + 1.0, base])
    clusters = np.repeat(np.arange(10), 4)
    ci = paired_bootstrap(errors, 0, clusters, 300, np.random.default_rng(1))
    np.testing.assert_allclose(ci[0], 0.0, atol=1e-12)
    np.testing.assert_allclose(ci[1], 1.0, atol=1e-9)   # a constant shift has no spread
    np.testing.assert_allclose(ci[2], 0.0, atol=1e-12)


def test_scorable_rule(deu):
    ok = scorable(deu, 3)
    assert all(i.outcome is not None and len(i.actors) >= 3 for i in ok)
    assert len(scorable(deu, 100)) == 0
    with pytest.raises(DetenteError, match="no issue"):
        run_backtest(deu, [CompromiseModel()], min_positions=100)


def test_bad_deu_file(tmp_path, deu):
    lines = DEU.read_text(encoding="utf-8").splitlines()
    bad = lines[:3] + [lines[3].replace("\t50\t", "\tfifty\t", 1)]
    path = tmp_path / "bad.tsv"
    path.write_text("\n".join(bad) + "\n", encoding="utf-8")
    with pytest.raises(DetenteError) as exc:
        read_deu(path)
    p = exc.value.problems[0]
    assert p.line == 4 and p.column is not None and "not a number" in p.message
    path.write_text("a\tb\n1\t2\n3\t4\n", encoding="utf-8")
    with pytest.raises(DetenteError, match="header"):
        read_deu(path)
    path.write_text("\n".join(lines[:3] + [lines[3] + "\textra"]) + "\n", encoding="utf-8")
    with pytest.raises(DetenteError, match="ragged"):
        read_deu(path)


def test_ensemble_members_scored_alone_are_forecast_once(deu, monkeypatch):
    """The backtest's memo: the ensemble takes the exchange model's forecasts from its own run
    on the same tables (one run of the exchange model instead of two), and every prediction
    equals that of a backtest without the memo."""
    from detente.forecasts import folds
    from detente.forecasts.exchange import ExchangeModel
    from detente.forecasts.run import make_forecasters

    models = make_forecasters(["compromise", "exchange", "ensemble"])
    calls = []
    real = ExchangeModel.forecast_groups
    monkeypatch.setattr(ExchangeModel, "forecast_groups",
                        lambda self, groups: calls.append(len(groups)) or real(self, groups))
    with_memo = run_backtest(deu, models, bootstrap=0)
    runs = len(calls)
    plain = folds.run_parts
    monkeypatch.setattr("detente.forecasts.backtest.run_parts",
                        lambda *a, memo=None, **k: plain(*a, **k))
    without = run_backtest(deu, models, bootstrap=0)
    assert len(calls) == 3 * runs  # without the memo the ensemble runs its exchange member
    np.testing.assert_array_equal(with_memo.predictions, without.predictions)
    np.testing.assert_array_equal(with_memo.crps, without.crps)


def test_one_quantile_call_gives_each_levels_central_interval():
    # folds.run_parts takes every level's interval from one np.quantile call
    from detente.forecasts.folds import INTERVAL_QS
    from detente.forecasts.predictive import LEVELS, central_interval

    rng = np.random.default_rng(2)
    samples = np.clip(rng.normal(50, 30, (40, 97)).round(1), 0, 100)   # ties and clipping
    qs = np.quantile(samples, INTERVAL_QS, axis=1)
    for li, level in enumerate(LEVELS):
        lo, hi = central_interval(samples, level)
        np.testing.assert_array_equal(qs[2 * li], lo)
        np.testing.assert_array_equal(qs[2 * li + 1], hi)
