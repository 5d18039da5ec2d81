"""The backtest record is built without pydantic's validator (``model_construct``, issue 19
start-up): validating the same values must give the same record, field by field and type by
type (1 and 1.0 differ), or the record would hold a value validation would have changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.forecasts.records import BacktestRecord, backtest_files
from record_checks import assert_as_validated

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference"


@pytest.mark.parametrize("models", [("compromise",), ("compromise", "median", "eum")])
def test_constructed_backtest_record_is_the_validated_one(models: tuple[str, ...]) -> None:
    rec = backtest_files(REFERENCE / "deu3-dev.tsv", models=models, bootstrap=20, seed=3)
    assert type(rec) is BacktestRecord and rec.result is not None
    assert rec.models[0] == "compromise" and rec.issues and rec.seconds
    plain = rec.model_copy()
    plain._result = None  # the result behind it is private, not a field (validation: None)
    assert_as_validated(plain)
    # the record's own containers, not the result's (validation copies them too)
    assert rec.options is not rec.result.options
    assert rec.model_fields_set == set(BacktestRecord.model_fields)
