"""docs/architecture.md against the code: its module index names exactly the modules in
``src/detente``, and every ``detente.…`` name its recipes and rules mention exists (a module, or
an attribute of one)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "detente"
DOC = ROOT / "docs" / "architecture.md"


def tree_modules() -> set[str]:
    return {".".join(p.relative_to(SRC.parent).with_suffix("").parts).removesuffix(".__init__")
            for p in SRC.rglob("*.py")}


def _section(text: str, title: str) -> str:
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:] if end < 0 else text[start:end]


def index_modules(text: str) -> list[str]:
    """The modules in the first column of the module index's tables."""
    return re.findall(r"^\| `(detente(?:\.\w+)*)` \|", _section(text, "Module index"), re.M)


def test_module_index_lists_every_module_once() -> None:
    listed = index_modules(DOC.read_text(encoding="utf-8"))
    assert len(listed) == len(set(listed)), "a module listed twice"
    tree = tree_modules()
    assert not tree - set(listed), f"add to docs/architecture.md: {sorted(tree - set(listed))}"
    assert not set(listed) - tree, f"not in the tree: {sorted(set(listed) - tree)}"


def _resolves(name: str, modules: set[str]) -> bool:
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        module = ".".join(parts[:cut])
        if module in modules:
            obj: object = importlib.import_module(module)
            for attr in parts[cut:]:
                if not hasattr(obj, attr):
                    return False
                obj = getattr(obj, attr)
            return True
    return False


def test_every_name_in_the_text_exists() -> None:
    text = DOC.read_text(encoding="utf-8")
    prose = text[:text.index("\n## Module index\n")]
    names = set(re.findall(r"`(detente(?:\.\w+)+)", prose))
    assert len(names) > 30
    modules = tree_modules()
    missing = sorted(n for n in names if not _resolves(n, modules))
    assert not missing, f"docs/architecture.md names what the code does not have: {missing}"


def test_the_check_would_catch_a_stale_doc() -> None:
    modules = tree_modules()
    assert _resolves("detente.forecasts.run.make_forecasters", modules)
    assert not _resolves("detente.forecasts.run.no_such_function", modules)
    assert not _resolves("detente.no_such_package.x", modules)
    fake = "\n## Module index\n\n| `detente.api` | x |\n| `detente.gone` | y |\n"
    assert index_modules(fake) == ["detente.api", "detente.gone"]
