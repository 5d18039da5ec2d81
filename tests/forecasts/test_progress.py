"""Progress of the long forecast runs (issue 20): ``detente forecast --draws`` ticks per chunk of
draws and ``detente backtest`` per model × fold (or issue), through the library's callback
``progress(stage, done, total)``; a run with progress gives the same record as one without."""

from __future__ import annotations

from pathlib import Path

import pytest

import detente
from detente.forecasts import montecarlo

DEU = Path(__file__).resolve().parents[1] / "data" / "reference" / "deu3-dev.tsv"


def _recorder() -> tuple[list[tuple[str, int, int]], object]:
    calls: list[tuple[str, int, int]] = []
    return calls, lambda stage, done, total: calls.append((stage, done, total))


def test_forecast_draws_tick_per_chunk_and_keep_the_numbers(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # chunks of 64 draws (default 1024): the defaults of seed, executor, chunk, progress
    monkeypatch.setattr(montecarlo.monte_carlo, "__defaults__", (0, None, 64, None))
    calls, progress = _recorder()
    with_ticks = detente.forecast("ru-ua-2024-09", issue="nato", models=["compromise", "eum"],
                                  draws=200, seed=3, progress=progress)  # type: ignore[arg-type]
    plain = detente.forecast("ru-ua-2024-09", issue="nato", models=["compromise", "eum"],
                             draws=200, seed=3)
    assert with_ticks.to_json() == plain.to_json()
    draws = [(d, t) for s, d, t in calls if s.startswith("draws: ")]
    # 2 models × ceil(200 / 64) = 4 chunks each, counted on one bar of 400 draws
    assert draws == [(64, 400), (128, 400), (192, 400), (200, 400),
                     (264, 400), (328, 400), (392, 400), (400, 400)]


def test_backtest_ticks_per_model_and_fold() -> None:
    calls, progress = _recorder()
    detente.backtest(DEU, models=["median"], bootstrap=0, split="cv",
                     progress=progress)  # type: ignore[arg-type]
    for model in ("compromise", "median"):
        ticks = [(d, t) for s, d, t in calls if s == f"scoring {model}"]
        assert ticks == [(k, 10) for k in range(1, 11)], model  # 10 folds (CV_FOLDS)


def test_backtest_in_sample_ticks_per_issue() -> None:
    calls, progress = _recorder()
    rec = detente.backtest(DEU, models=["median"], bootstrap=0,
                           progress=progress)  # type: ignore[arg-type]
    n = len(rec.issues)
    ticks = [(d, t) for s, d, t in calls if s == "scoring median"]
    assert ticks[-1] == (n, n) and len(ticks) >= 1
    assert all(t == n for _, t in ticks)
