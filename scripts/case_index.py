"""Rewrite the index of the bundled cases (src/detente/cases/index.json) from the validated
scenarios: each case's file SHA-256 and its ``detente cases`` row. Run after editing a bundled
case (tests/scenario/test_catalogue.py fails until the index matches):

    python3 scripts/case_index.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from detente.scenario.catalogue import INDEX, build_index, index_text

    out = ROOT / "src" / "detente" / "cases" / INDEX
    out.write_text(index_text(build_index()), encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
