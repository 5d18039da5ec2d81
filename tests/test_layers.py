"""The layers contract (docs/architecture.md): dependencies point one way,

    data (scenario, formats, cases) and records (with errors, limits)
      → analyses (deals, forecasts, war, signals, sensitivity, agreements, extract)
      → presentation (cli, report, api, web).

Every ``import`` of a ``detente`` module counts, at module level or inside a function. A known
violation is listed in ``KNOWN`` with the reason and the issue that removes it; the test fails
when a new one appears *and* when a listed one is gone (so the list only shrinks, in the same
commit as the fix).
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "detente"

DATA = {"scenario", "formats", "cases"}
BASE = {"records", "errors", "limits"}
ANALYSES = {"deals", "forecasts", "war", "signals", "sensitivity", "agreements", "extract"}
PRESENTATION = {"cli", "report", "api", "web"}

KNOWN: dict[tuple[str, str], str] = {
    # issue 20 item 3: GENIUS conversion and frontier calls move to `deals`.
    ("detente.formats.genius", "detente.deals.capped"): "GENIUS reader scores outcomes",
    ("detente.formats.genius", "detente.deals.issuewise"): "GENIUS reader builds frontiers",
    ("detente.formats.genius", "detente.deals.nonlinear"): "GENIUS reader runs the search",
    ("detente.formats.genius", "detente.deals.space"): "GENIUS reader builds AdditiveSpace",
    # issue 20 item 3: the data layer owns every input type (StakeholderTable → formats).
    ("detente.formats.ktab", "detente.forecasts.table"): "StakeholderTable lives in forecasts",
    ("detente.formats.stakeholders", "detente.forecasts.table"): "StakeholderTable lives in "
                                                                 "forecasts",
}


def _package(path: Path) -> tuple[str, str]:
    """(module name, its top-level subpackage) of a source file."""
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    module = ".".join(parts).removesuffix(".__init__")
    return module, parts[1] if len(parts) > 2 else parts[-1]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
    return {m for m in out if m.startswith("detente.")}


def _rule(layer: str, target: str) -> str | None:
    """Which rule an import from ``layer`` to ``target`` breaks (None: allowed)."""
    if layer not in PRESENTATION and target in PRESENTATION:
        return "only presentation imports presentation"
    if layer in DATA | BASE and target in ANALYSES:
        return "data and records import no analysis"
    if layer in BASE and target in DATA:
        return "records import no scenario or reader"
    return None


def violations() -> dict[tuple[str, str], str]:
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        module, layer = _package(path)
        if module == "detente":  # the package front re-exports detente.api lazily
            continue
        for target in _imports(path):
            rule = _rule(layer, target.split(".")[1])
            if rule:
                found[(module, target)] = rule
    return found


def test_every_package_has_a_layer() -> None:
    packages = {_package(p)[1] for p in SRC.rglob("*.py")} - {"__init__"}
    assert packages <= DATA | BASE | ANALYSES | PRESENTATION, \
        packages - (DATA | BASE | ANALYSES | PRESENTATION)


def test_dependencies_point_one_way() -> None:
    found = violations()
    new = {k: v for k, v in found.items() if k not in KNOWN}
    assert not new, f"imports against the layers: {new}"


def test_known_exceptions_are_still_needed() -> None:
    gone = set(KNOWN) - set(violations())
    assert not gone, f"fixed, remove from KNOWN: {sorted(gone)}"


def test_the_rule_catches_a_wrong_arrow() -> None:
    assert _rule("formats", "forecasts") is not None
    assert _rule("deals", "report") is not None
    assert _rule("records", "scenario") is not None
    assert _rule("cli", "deals") is None and _rule("deals", "records") is None
