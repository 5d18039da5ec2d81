"""Phased settlements (ceasefire → withdrawal → status), each step tested for self-enforcement.

A package carried out in phases k = 1..K: phase k lasts m_k months, gives A the share y_k every
month while it runs and moves the balance by s_k on the logit scale by its end (a ceasefire
lets a side regroup; a withdrawal gives up positions). The last phase is the permanent status.
Units as everywhere in ``detente.war`` (``docs/war.md``, "Units"): months, δ per month, values
normalised by (1 − δ) in stake units, war values q − c with total costs c.

Continuation values run backward from the status, V_K = y_K and, with r months of phase k left,

    V_k(r) = (1 − δ^r)·y_k + δ^r·V_{k+1}            (A; B gets 1 − y and its own V),

and A's chance during phase k is p_k = σ(z_0 + Σ_{j<k} s_j) (the shift of a phase is realised at
its end, as Powell's (2006, §2) one-step shift) plus a guarantee g_k that guarantors add to A's
chance in that phase (``detente.war.guarantees``; capped at 1). A phase is self-enforcing when at
every month of it each side's continuation value is at least its war value then,
V_k(r) ≥ p_k − c_A and 1 − V_k(r) ≥ 1 − p_k − c_B, r = 1..m_k. V_k(r) is monotone in r (a weighted
mean of y_k and V_{k+1}), so the two ends r = 1 and r = m_k decide. A package is self-enforcing
when every phase is (Fearon 1995, §4 and Powell 2006 on commitment: no side will want to stop
half-way); otherwise the first phase that fails and the side that would defect are reported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from detente.errors import AnalysisError
from detente.war.bargaining import TOL


@dataclass(frozen=True)
class Phase:
    """One phase: ``months`` (≥ 1; ignored for the last, permanent phase), A's ``share`` in
    [0, 1] while it runs, the logit ``shift`` of A's chance realised by its end, and the
    ``guarantee`` added to A's chance during it."""

    name: str
    months: int
    share: float
    shift: float = 0.0
    guarantee: float = 0.0


@dataclass(frozen=True)
class PhaseCheck:
    """A phase's test: A's chance in it, each side's least margin (continuation − war value,
    over the months of the phase) and whether both margins are ≥ 0."""

    name: str
    p: float
    margin_a: float
    margin_b: float
    self_enforcing: bool


@dataclass(frozen=True)
class PhasedResult:
    phases: tuple[PhaseCheck, ...]

    @property
    def self_enforcing(self) -> bool:
        return all(ph.self_enforcing for ph in self.phases)

    @property
    def first_failure(self) -> tuple[str, str] | None:
        """(phase name, "A" / "B" / "both") of the first phase a side would break, or None."""
        for ph in self.phases:
            if not ph.self_enforcing:
                a, b = ph.margin_a < -TOL, ph.margin_b < -TOL
                return ph.name, "both" if a and b else ("A" if a else "B")
        return None


def _check(phases: list[Phase], p0: float, c_a: float, c_b: float, delta: float) -> None:
    if not phases:
        raise AnalysisError.one("a phased package needs at least one phase", path="phases")
    if not 0.0 <= p0 <= 1.0:
        raise AnalysisError.one("p must lie in [0, 1]", path="p", value=p0)
    if c_a < 0 or c_b < 0:
        raise AnalysisError.one("costs of war must be >= 0", path="cost_a, cost_b",
                                value=(c_a, c_b))
    if not 0.0 < delta <= 1.0:
        raise AnalysisError.one("discount must lie in (0, 1]", path="discount", value=delta)
    for i, ph in enumerate(phases):
        if not 0.0 <= ph.share <= 1.0 or ph.months < 1 or ph.guarantee < 0:
            raise AnalysisError.one("a phase needs share in [0, 1], months >= 1, guarantee >= 0",
                                    path=f"phases[{i}]", value=ph)


def _chances(phases: list[Phase], p0: float) -> list[float]:
    z = math.log(max(p0, 1e-12) / max(1.0 - p0, 1e-12))
    out = []
    for ph in phases:
        out.append(min(1.0 / (1.0 + math.exp(-z)) + ph.guarantee, 1.0))
        z += ph.shift
    return out


def phased_settlement(phases: list[Phase], p0: float, c_a: float, c_b: float,
                      delta: float, p0_b: float | None = None) -> PhasedResult:
    """Test a phased package step by step (module docstring). ``p0`` is A's chance at the
    start as A judges it, ``p0_b`` as B judges it (default the same): each side tests its own
    margin on its own beliefs; ``PhaseCheck.p`` is A's view.

    Example (hand-derived): a 1-month ceasefire at y = 0.5 that lets B gain 1 logit, then the
    status y = 0.5; p0 = 0.5, c = 0.05, δ = 0.9. In the status A's chance is σ(−1) = 0.269: A
    keeps 0.5 ≥ 0.219, B gets 0.5 < 1 − 0.269 − 0.05 = 0.681: B breaks the status.
        >>> r = phased_settlement([Phase("ceasefire", 1, 0.5, -1.0), Phase("status", 1, 0.5)],
        ...                       0.5, 0.05, 0.05, 0.9)
        >>> r.first_failure, round(r.phases[1].margin_b, 3)
        (('status', 'B'), -0.181)
    """
    _check(phases, p0, c_a, c_b, delta)
    chances = _chances(phases, p0)
    chances_b = chances if p0_b is None else _chances(phases, p0_b)
    checks: list[PhaseCheck] = []
    v_next = phases[-1].share
    for k in range(len(phases) - 1, -1, -1):
        ph, p, p_b = phases[k], chances[k], chances_b[k]
        last = k == len(phases) - 1
        ends = [ph.share] if last else [
            (1.0 - delta ** r) * ph.share + delta ** r * v_next for r in (1, ph.months)]
        margin_a = min(v - (p - c_a) for v in ends)
        margin_b = min((1.0 - v) - (1.0 - p_b - c_b) for v in ends)
        checks.append(PhaseCheck(name=ph.name, p=p, margin_a=margin_a, margin_b=margin_b,
                                 self_enforcing=margin_a >= -TOL and margin_b >= -TOL))
        v_next = (1.0 - delta ** ph.months) * ph.share + delta ** ph.months * v_next if not last \
            else ph.share
    return PhasedResult(phases=tuple(reversed(checks)))
