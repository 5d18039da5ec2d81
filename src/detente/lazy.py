"""Package names that load on first use (PEP 562 module ``__getattr__``).

A package such as :mod:`detente.deals` or :mod:`detente.scenario` re-exports names from its
submodules. Importing them all with the package would make every submodule pay for the
heaviest one (the scenario analysis, the pydantic model, YAML): a command that needs one
submodule would start in twice the time (issue 19, start-up). :func:`export_lazily` makes each
name import its submodule when it is first read, and keeps the package's old meaning where a
submodule shares a function's name (``detente.scenario.load``, ``detente.deals.open_terms``).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Mapping
from types import ModuleType


def export_lazily(package: str, home: Mapping[str, str]) -> None:
    """Give ``package`` the names of ``home`` (name → submodule of ``package`` defining it),
    each imported from its submodule on first use and then kept as a plain attribute.

    Importing a submodule binds it on its package under its own name; where that name is also
    an exported function (``home[name] == name``), the package attribute stays the function,
    as it was when the package imported every name eagerly."""
    module = sys.modules[package]

    def attribute(name: str) -> object:
        sub = home.get(name)
        if sub is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{sub}"), name)
        setattr(module, name, value)
        return value

    def names() -> list[str]:
        return sorted([*vars(module), *home])

    class _Package(ModuleType):
        def __setattr__(self, name: str, value: object) -> None:
            if isinstance(value, ModuleType) and home.get(name) == name:
                return
            super().__setattr__(name, value)

    module.__getattr__ = attribute  # type: ignore[method-assign]  # PEP 562
    module.__dir__ = names  # type: ignore[method-assign]
    module.__class__ = _Package
