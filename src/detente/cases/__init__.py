"""Bundled cases: dated scenarios shipped inside the package (``detente cases`` lists them)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def _dir() -> Path:
    return Path(str(files("detente.cases")))


def case_names() -> list[str]:
    """Names of the bundled scenario cases, sorted."""
    return sorted(p.stem for p in _dir().glob("*.yaml"))


def case_path(name: str) -> Path:
    """Path of a bundled case file."""
    return _dir() / f"{name}.yaml"


def sources_dir() -> Path:
    """Folder of the short, cited source excerpts the bundled cases quote (``detente check
    CASE --sources bundled`` checks every quote against them)."""
    return _dir() / "sources"
