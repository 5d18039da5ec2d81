"""Shared pieces of the extraction tests: one rule extractor (spaCy start-up once), data paths."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import shared_data
from detente.extract.rules import RuleExtractor

DATA = Path(__file__).resolve().parents[1] / "data" / "extract"
SEEDS = shared_data.SEEDS


@pytest.fixture(scope="session")
def rules() -> RuleExtractor:
    return RuleExtractor()


def stance_three_parts(lex: Any) -> tuple[list[Any], list[Any]]:
    """``dev``, ``dev5`` and ``dev10`` (their stance items, their articles): the small
    training set of the stance configuration tests; each call builds its own, nothing is shared
    between tests."""
    from detente.extract.training import load_parts
    from detente.extract.training_stance import stance_items

    parts = load_parts(DATA, SEEDS, ["dev", "dev5", "dev10"])
    return stance_items(parts, lex), [g.article for gs in parts.values() for g in gs]
