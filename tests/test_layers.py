"""The layers contract (docs/architecture.md): dependencies point one way,

    data (scenario, formats, cases) and records (with errors, invisible, lazy, limits, logistic,
    parallel, triangular)
      → analyses (deals, forecasts, war, signals, sensitivity, agreements, extract)
      → presentation (cli, report, api, web).

Every ``import`` of a ``detente`` module counts, at module level or inside a function, and there
is no list of exceptions: an arrow against the layers fails the test. On top of the layers, the
import graph has no cycles: none between modules at import time (module-level imports), none
between subpackages counting every import (the package front ``detente/__init__`` re-exports
``detente.api`` lazily and is left out).

The house's own checker rather than import-linter: it is 150 lines of ``ast``, counts imports
inside functions (where this code base defers its heavy imports) and needs no test dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "detente"
MODULES = {".".join(p.relative_to(SRC.parent).with_suffix("").parts).removesuffix(".__init__")
           for p in SRC.rglob("*.py")}

DATA = {"scenario", "formats", "cases"}
BASE = {"records", "errors", "invisible", "lazy", "limits", "logistic", "parallel",
        "triangular"}
ANALYSES = {"deals", "forecasts", "war", "signals", "sensitivity", "agreements", "extract"}
PRESENTATION = {"cli", "report", "api", "web"}

def _package(path: Path) -> tuple[str, str]:
    """(module name, its top-level subpackage) of a source file."""
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    module = ".".join(parts).removesuffix(".__init__")
    return module, parts[1] if len(parts) > 2 else parts[-1]


def _imports(path: Path, top_level_only: bool = False) -> set[str]:
    """The ``detente.…`` modules ``path`` imports (``from detente.x import y`` counts ``y`` too
    when ``detente.x.y`` is a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in (tree.body if top_level_only else ast.walk(tree)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names
                    if f"{node.module}.{a.name}" in MODULES}
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
    assert not found, f"imports against the layers: {found}"


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan 1972), iteratively."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph.get(w, ())))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def _module_graph(top_level_only: bool) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        module = _package(path)[0]
        graph[module] = {m for m in _imports(path, top_level_only) if m in MODULES}
    return graph


def test_no_import_cycle_between_modules() -> None:
    """No two modules need each other at import time (was: scenario.model ↔ scenario.war, held
    apart by an import at the bottom of model.py)."""
    assert cycles(_module_graph(top_level_only=True)) == []


def test_no_cycle_between_packages() -> None:
    packages: dict[str, set[str]] = {}
    for module, targets in _module_graph(top_level_only=False).items():
        if module == "detente":  # the lazy front re-exports detente.api
            continue
        mine = module.split(".")[1]
        packages.setdefault(mine, set()).update(
            t.split(".")[1] for t in targets if t.split(".")[1] != mine)
    assert cycles(packages) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_rule_catches_a_wrong_arrow() -> None:
    assert _rule("formats", "forecasts") is not None
    assert _rule("deals", "report") is not None
    assert _rule("records", "scenario") is not None
    assert _rule("cli", "deals") is None and _rule("deals", "records") is None
