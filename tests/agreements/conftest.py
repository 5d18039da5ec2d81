"""Agreement-data fixtures: the cited slice in tests/data/agreements (always there) and the full
shared files (../shared/data/agreements; tests that need them skip with a reason)."""

from __future__ import annotations

from pathlib import Path

import pytest

import shared_data

ROOT = Path(__file__).resolve().parents[2]
SLICE = ROOT / "tests" / "data" / "agreements"
SHARED = shared_data.SHARED / "data" / "agreements"


@pytest.fixture(scope="session")
def slice_dir() -> Path:
    return SLICE


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "pax_all_agreements_data_v9.csv").is_file():
        reason = f"the full agreement data are not at {SHARED} (a fresh clone has only the slice)"
        print(f"SKIP: {reason}")
        pytest.skip(reason)
    return SHARED
