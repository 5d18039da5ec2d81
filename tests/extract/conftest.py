"""Shared pieces of the extraction tests: one rule extractor (spaCy start-up once), data paths."""

from __future__ import annotations

from pathlib import Path

import pytest

import shared_data
from detente.extract.rules import RuleExtractor

DATA = Path(__file__).resolve().parents[1] / "data" / "extract"
SEEDS = shared_data.SEEDS


@pytest.fixture(scope="session")
def rules() -> RuleExtractor:
    return RuleExtractor()
