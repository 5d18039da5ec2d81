"""Dependencies point one way: the readers (data layer) import nothing above them, the
analysis imports no presentation, and importing the package reads nothing."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "detente"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
    return {m for m in out if m.startswith("detente")}


def test_readers_import_only_errors() -> None:
    for name in ("pax.py", "ucdp_pad.py"):
        # detente.limits sits beside detente.errors (it imports only errors): file size and
        # regular-file checks every reader shares (docs/limits.md); detente.formats._csvtext is
        # the data layer's own CSV helper (it imports only those three: detente.invisible, the
        # rule for invisible characters, imports only errors as well).
        shared = {"detente.errors", "detente.limits", "detente.invisible"}
        assert _imports(SRC / "formats" / "_csvtext.py") <= shared
        assert _imports(SRC / "formats" / name) <= shared | {"detente.formats._csvtext"}


def test_analysis_imports_no_presentation() -> None:
    for path in (SRC / "agreements").glob("*.py"):
        bad = {m for m in _imports(path) if m.startswith(("detente.cli", "detente.report"))}
        assert not bad, f"{path.name} imports {bad}"


def test_importing_the_package_reads_nothing() -> None:
    code = ("import sys, detente.agreements; "
            "print(any(m.startswith('duckdb') for m in sys.modules))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True)
    assert res.stdout.strip() == "False"
