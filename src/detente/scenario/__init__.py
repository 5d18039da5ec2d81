"""The scenario layer: the typed model of one negotiation at one date, its loader and checks.

Every other capability reads this model; nothing here depends on the analyses.

The names below load on first use (PEP 562 ``__getattr__``), as in :mod:`detente.deals`: a
submodule that needs neither the model nor YAML (``detente.scenario.catalogue``, which lists
the bundled cases from their index) does not import them with this package (issue 19,
start-up).
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # what type checkers see; at run time ``__getattr__`` below
    from detente.scenario.load import load, load_file, validate_data
    from detente.scenario.model import (
        Actor,
        Batna,
        CalibrationTarget,
        Choice,
        Evidence,
        Grid,
        Issue,
        Number,
        Option,
        Proposal,
        Quantity,
        Role,
        Scenario,
        Source,
        Stance,
        Term,
    )

__all__ = [
    "Actor", "Batna", "CalibrationTarget", "Choice", "Evidence", "Grid", "Issue", "Number",
    "Option", "Proposal", "Quantity", "Role", "Scenario", "Source", "Stance", "Term", "load",
    "load_file", "validate_data",
]
_HOME = {name: "load" if name in ("load", "load_file", "validate_data") else "model"
         for name in __all__}


def __getattr__(name: str) -> object:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'detente.scenario' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"detente.scenario.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])


class _Package(ModuleType):
    """Importing the submodule ``detente.scenario.load`` binds it on this package; the name
    ``detente.scenario.load`` stays the function, as it was when this package imported every
    name eagerly."""

    def __setattr__(self, name: str, value: object) -> None:
        if isinstance(value, ModuleType) and name == "load":
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
