"""The scenario layer: the typed model of one negotiation at one date, its loader and checks.

Every other capability reads this model; nothing here depends on the analyses.
"""

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
