"""Deal space: outcome enumeration, Pareto frontier, ZOPA, bargaining solutions, proposals,
logrolls and Monte Carlo over uncertain inputs (DESIGN.md §4)."""

from detente.deals.analysis import analyze
from detente.deals.compile import build_space, build_tables
from detente.deals.open_terms import OpenTerm, open_terms
from detente.deals.pareto import Frontier, pareto_frontier, pareto_mask
from detente.deals.result import DealAnalysis
from detente.deals.solutions import Solution, solve
from detente.deals.space import AdditiveSpace

__all__ = [
    "AdditiveSpace", "DealAnalysis", "Frontier", "OpenTerm", "Solution", "analyze",
    "build_space", "build_tables", "open_terms", "pareto_frontier", "pareto_mask", "solve",
]
