"""The indicator ladder: from event codes to indicators of openness to talks, cheapest to costliest.

The ladder (``data/indicators.csv``) follows SIGNALS.md and costly-signalling theory (Fearon
1997, "Signaling Foreign Policy Interests: Tying Hands versus Sinking Costs", *Journal of
Conflict Resolution* 41(1)): a signal informs in proportion to its likelihood ratio
LR_k = P(k | sincere) / P(k | insincere). Rungs:

1. statement of readiness; 2. third-party appeals and mediation offers; 3. contacts
(backchannels and meetings on neutral soil, seed 003); 4. negotiation rounds; 5. written
commitments with specifics; 6. material concessions (release of detainees, a ceasefire — a
*claim* until verified); 7. verified material concessions. Rung 0 are counter-indicators:
preconditions, rejections, threats, halted talks, mobilisation, force and ceasefire violations,
and *reneging* (derived, see :mod:`detente.signals.credibility`).

``data/ladder.csv`` maps CAMEO 1.1b3 codes (longest prefix wins) and PLOVER ``TYPE`` or
``TYPE/mode`` to indicators. The default likelihood ratios are this project's stated
assumptions, ordered by cost as the theory requires; override them per analysis.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from detente.errors import DetenteError, Problem


@dataclass(frozen=True)
class Indicator:
    """One rung-level indicator with its default likelihood ratio.

    ``lr`` is the median likelihood ratio P(k | sincere) / P(k | insincere) (dimensionless,
    > 0); ``spread`` the multiplicative one-sigma uncertainty of the LR (log-normal, >= 1);
    ``kind`` is ``signal``, ``claim`` (to verify), ``counter``, ``force`` or ``derived``.
    """

    name: str
    rung: int
    kind: str
    lr: float
    spread: float
    description: str
    basis: str


def _csv(name: str) -> list[dict[str, str]]:
    text = resources.files("detente.signals").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def indicators() -> dict[str, Indicator]:
    """The shipped ladder, keyed by indicator name, cheapest rung first."""
    out = {}
    for r in _csv("indicators.csv"):
        out[r["indicator"]] = Indicator(r["indicator"], int(r["rung"]), r["kind"],
                                        float(r["lr"]), float(r["spread"]), r["description"],
                                        r["basis"])
    return out


@cache
def code_map() -> dict[tuple[str, str], str]:
    """``{(system, code): indicator}`` for ``system`` in ``cameo``/``plover``."""
    return {(r["system"], r["code"]): r["indicator"] for r in _csv("ladder.csv")}


def indicator_for(code: str | None, *, cameo: str | None = None, plover: str | None = None,
                  plover_mode: str | None = None) -> str | None:
    """The indicator of one event, or ``None`` when the code is not on the ladder.

    CAMEO codes match by longest prefix (``"0871"`` → ceasefire-declared, ``"193"`` → force);
    PLOVER by ``TYPE/mode`` then ``TYPE``.

    >>> indicator_for("0871", cameo="0871")
    'ceasefire-declared'
    >>> indicator_for("RETREAT", plover="RETREAT", plover_mode="release")
    'release-of-detainees'
    """
    table = code_map()
    if cameo:
        for n in range(len(cameo), 1, -1):
            hit = table.get(("cameo", cameo[:n]))
            if hit:
                return hit
        return None
    if plover:
        if plover_mode:
            hit = table.get(("plover", f"{plover}/{plover_mode}"))
            if hit:
                return hit
        return table.get(("plover", plover))
    return None


def indicators_for_codes(cameo: np.ndarray, plover: np.ndarray,
                         plover_mode: np.ndarray) -> np.ndarray:
    """Vectorised :func:`indicator_for` over event columns (object arrays); ``None`` if off
    the ladder. Each distinct code is looked up once."""
    look: dict[tuple[object, object, object], str | None] = {}

    def one(key: tuple[object, object, object]) -> str | None:
        if key not in look:
            c, p, m = (str(v) if v else None for v in key)
            look[key] = indicator_for(None, cameo=c, plover=p, plover_mode=m)
        return look[key]

    out = np.empty(len(cameo), dtype=object)
    out[:] = [one(k) for k in zip(cameo, plover, plover_mode, strict=True)]
    return out


def likelihood_ratios(overrides: dict[str, float] | None = None,
                      spreads: dict[str, float] | None = None) -> dict[str, tuple[float, float]]:
    """``{indicator: (lr, spread)}``: the defaults with ``overrides`` applied.

    Raises :class:`DetenteError` for an unknown indicator or a non-positive ratio.
    """
    table = {k: (v.lr, v.spread) for k, v in indicators().items()}
    problems = []
    for name, value in (overrides or {}).items():
        if name not in table:
            problems.append(Problem("unknown indicator", path=f"likelihood_ratios.{name}",
                                    value=name, allowed=", ".join(table)))
        elif not value > 0:
            problems.append(Problem("a likelihood ratio must be > 0",
                                    path=f"likelihood_ratios.{name}", value=value))
        else:
            table[name] = (float(value), table[name][1])
    for name, value in (spreads or {}).items():
        if name not in table or not value >= 1:
            problems.append(Problem("unknown indicator or spread < 1",
                                    path=f"spreads.{name}", value=value))
        else:
            table[name] = (table[name][0], float(value))
    if problems:
        raise DetenteError(problems)
    return table
