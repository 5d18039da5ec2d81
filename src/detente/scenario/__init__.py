"""The scenario layer: the typed model of one negotiation at one date, its loader and checks.

Every other capability reads this model; nothing here depends on the analyses.

The names below load on first use (PEP 562 ``__getattr__``), as in :mod:`detente.deals`: a
submodule that needs neither the model nor YAML (``detente.scenario.catalogue``, which lists
the bundled cases from their index) does not import them with this package (issue 19,
start-up).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from detente.lazy import export_lazily

if TYPE_CHECKING:  # what type checkers see; at run time, detente.lazy.export_lazily
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


export_lazily(__name__, _HOME)
