"""The scenario layer: the typed model of one negotiation at one date, its loader and checks.

Every other capability reads this model; nothing here depends on the analyses.
"""

from detente.scenario.load import load, load_file, validate_data
from detente.scenario.model import (
    Actor,
    Batna,
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
)

__all__ = [
    "Actor", "Batna", "Choice", "Evidence", "Grid", "Issue", "Number", "Option", "Proposal",
    "Quantity", "Role", "Scenario", "Source", "Stance", "load", "load_file", "validate_data",
]
