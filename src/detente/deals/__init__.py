"""Deal space: outcome enumeration, Pareto frontier, ZOPA, bargaining solutions, proposals,
logrolls and Monte Carlo over uncertain inputs (DESIGN.md §4).

The names below load on first use (PEP 562 ``__getattr__``): importing one submodule, e.g.
``detente.deals.genius_analysis`` for ``detente analyze DIR``, does not import the scenario
analysis, its Monte Carlo and the pydantic scenario model with it (issue 19, start-up).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from detente.lazy import export_lazily

if TYPE_CHECKING:  # what type checkers see; at run time, detente.lazy.export_lazily
    from detente.deals.analysis import analyze
    from detente.deals.compile import build_space, build_tables
    from detente.deals.open_terms import OpenTerm, open_terms
    from detente.deals.pareto import Frontier, pareto_frontier, pareto_mask
    from detente.deals.result import DealAnalysis
    from detente.deals.solutions import Solution, solve
    from detente.deals.space import AdditiveSpace

_HOME = {"analyze": "analysis", "build_space": "compile", "build_tables": "compile",
         "OpenTerm": "open_terms", "open_terms": "open_terms", "Frontier": "pareto",
         "pareto_frontier": "pareto", "pareto_mask": "pareto", "DealAnalysis": "result",
         "Solution": "solutions", "solve": "solutions", "AdditiveSpace": "space"}

__all__ = [
    "AdditiveSpace", "DealAnalysis", "Frontier", "OpenTerm", "Solution", "analyze",
    "build_space", "build_tables", "open_terms", "pareto_frontier", "pareto_mask", "solve",
]


export_lazily(__name__, _HOME)
