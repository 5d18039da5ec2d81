"""Shared fixtures: where the GENIUS domains the tests read are (shipped verbatim in
tests/data/genius, see its README), and copies of them to break."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from shared_data import GENIUS


@pytest.fixture
def genius_root() -> Path:
    return GENIUS


@pytest.fixture
def copy_domain(genius_root: Path, tmp_path: Path) -> Callable[[str], Path]:
    """Copy a bundled domain folder (e.g. ``"y2012/LaptopA"``) into ``tmp_path``."""

    def copy(rel: str) -> Path:
        dst = tmp_path / Path(rel).name
        shutil.copytree(genius_root / rel, dst)
        return dst

    return copy
