"""Shared fixtures: where the bundled GENIUS domains are, and copies of them to break."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from shared_data import SHARED

GENIUS = SHARED / "data" / "genius"


@pytest.fixture
def genius_root() -> Path:
    if not GENIUS.is_dir():
        pytest.skip("shared GENIUS data not available")
    return GENIUS


@pytest.fixture
def copy_domain(genius_root: Path, tmp_path: Path) -> Callable[[str], Path]:
    """Copy a bundled domain folder (e.g. ``"y2012/LaptopA"``) into ``tmp_path``."""

    def copy(rel: str) -> Path:
        dst = tmp_path / Path(rel).name
        shutil.copytree(genius_root / rel, dst)
        return dst

    return copy
