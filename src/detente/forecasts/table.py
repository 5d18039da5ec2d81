"""Old import path of :class:`detente.formats.table.StakeholderTable`.

The stakeholder table is an input type, so it lives in the data layer (``detente.formats.table``,
issue 20); this alias keeps ``from detente.forecasts.table import StakeholderTable`` working for
code written before the move. New code imports from ``detente.formats.table``.
"""

from detente.formats.table import DECISION_RULES, FloatArray, StakeholderTable

__all__ = ["DECISION_RULES", "FloatArray", "StakeholderTable"]
