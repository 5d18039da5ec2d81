"""Where the tests find their data: the small cited fixtures shipped in ``tests/data`` (always
present) and the project's large data beside the repository, ``../shared`` or the folder
``$DETENTE_SHARED`` names. Point ``DETENTE_SHARED`` at an empty folder to run the suite as a
fresh clone does (``DETENTE_SHARED=$(mktemp -d) python3 -m pytest -q``): a test that needs the
large data then skips and prints why."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SHARED = Path(os.environ.get("DETENTE_SHARED") or ROOT.parent / "shared")
SEEDS = SHARED / "seeds"
#: Small public reference data for the forecast tests (tests/data/reference/README.md).
REFERENCE = DATA / "reference"
#: The ANAC/GENIUS domains the tests read, copied verbatim (tests/data/genius/README.md).
GENIUS = DATA / "genius"


def need_shared(path: Path, why: str) -> Path:
    """``path`` (under the shared data) when it exists, else skip the test, printing the path
    and ``why`` it is not shipped with the repository."""
    if not path.exists():
        reason = f"{path} not present ({why}; set DETENTE_SHARED to the project data)"
        print(f"SKIP: {reason}")
        pytest.skip(reason)
    return path
