"""Bundled cases: dated scenarios shipped inside the package (``detente cases`` lists them)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any


def _dir() -> Path:
    return Path(str(files("detente.cases")))


def case_names() -> list[str]:
    """Names of the bundled scenario cases, sorted."""
    return sorted(p.stem for p in _dir().glob("*.yaml"))


def is_bundled(text: str | Path, names: list[str] | None = None) -> bool:
    """Whether ``text`` names a bundled case (one of ``names``; default :func:`case_names`).

    A name that is also a file or folder in the current folder is refused: which one was meant
    cannot be told, and each reader chose silently — ``analyze ru-ua-2024-09`` the bundled case
    (the user's file of that name unread), ``signals credibility --case ru-ua`` the file. A
    path with a folder (``./ru-ua-2024-09``) is never a case name."""
    import os

    from detente.errors import DetenteError

    text = str(text)
    if text not in (case_names() if names is None else names):
        return False
    if os.path.lexists(text):
        raise DetenteError.one(
            "names both a bundled case and a file or folder in the current folder: which one "
            "is meant cannot be told", value=text,
            allowed=f"./{text} for the file; for the bundled case, run from another folder "
            "or rename the file")
    return True


def signal_names() -> list[str]:
    """Names of the bundled analyst-signal files (``cases/signals/NAME.yaml``), sorted."""
    return sorted(p.stem for p in (_dir() / "signals").glob("*.yaml"))


def case_path(name: str) -> Path:
    """Path of a bundled case file."""
    return _dir() / f"{name}.yaml"


def sources_dir() -> Path:
    """Folder of the short, cited source excerpts the bundled cases quote (``detente check
    CASE --sources bundled`` checks every quote against them)."""
    return _dir() / "sources"


def _walk(obj: Any, out: list[tuple[str, str]]) -> None:
    if isinstance(obj, dict):
        if isinstance(obj.get("source"), str) and isinstance(obj.get("quote"), str):
            out.append((obj["source"], obj["quote"]))
        for v in obj.values():
            _walk(v, out)
    elif isinstance(obj, list):
        for v in obj:
            _walk(v, out)


def cited_quotes(folder: Path | None = None) -> dict[str, set[str]]:
    """Source file name → every ``evidence.quote`` the bundled YAML files (the cases and the
    signals case) cite from it: what the shipped excerpt of that source must hold, and all it
    may hold (``scripts/seed_excerpts.py``)."""
    import yaml  # only the excerpt checks need it

    quotes: dict[str, set[str]] = {}
    for path in sorted((folder or _dir()).rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        declared = data.get("sources", [])
        if isinstance(declared, dict):  # the signals case keys its sources by id
            declared = [{"id": k, **v} for k, v in declared.items()]
        files = {s["id"]: s["file"] for s in declared if s.get("file")}
        found: list[tuple[str, str]] = []
        _walk(data, found)
        for src, q in found:
            if src in files:
                quotes.setdefault(files[src], set()).add(q)
    return quotes
