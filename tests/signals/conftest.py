from __future__ import annotations

from pathlib import Path

import pytest

from shared_data import SHARED

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared (project data) is not present")
    return SHARED
