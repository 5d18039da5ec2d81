"""The GENIUS domains shipped in tests/data/genius: each is listed (with its licence) in the
README beside them, and each is a verbatim copy of the project's domain of the same path."""

from __future__ import annotations

import re

from shared_data import GENIUS, SHARED, need_shared


def _shipped() -> list[str]:
    return sorted(str(p.parent.relative_to(GENIUS)) for p in GENIUS.glob("*/*/*.xml"))


def test_every_shipped_domain_is_listed_in_the_readme() -> None:
    readme = (GENIUS / "README.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| `([^`]+)` \|", readme, flags=re.M)
    assert sorted(listed) == sorted(set(_shipped()))
    assert "GNU General Public License v3.0" in readme
    assert "GNU GENERAL PUBLIC LICENSE" in (GENIUS / "COPYING").read_text(encoding="utf-8")


def test_shipped_domains_are_verbatim_copies() -> None:
    shared = need_shared(SHARED / "data" / "genius", "the full GENIUS set is large project data")
    files = [p for p in GENIUS.glob("*/*/**/*") if p.is_file()]
    assert len(files) > 100
    for p in files:
        assert p.read_bytes() == (shared / p.relative_to(GENIUS)).read_bytes(), p
