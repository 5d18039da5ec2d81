"""Rolling-origin scoring of the compliance prior on UCDP PAD (docs/agreements-evaluation.md).

For each scored agreement i, three forecasts of P(held for h years) use only the outcomes known
on the day it was signed: B0 the running base rate, B1 the kind rate pooled toward B0, M the
actor × kind prior of :mod:`.priors` (actor = the state the agreement is located in). Brier
score (Brier 1950) and log-loss, with a cluster bootstrap over conflicts for the intervals
(Field & Welsh 2007, "Bootstrapping clustered data", JRSS B 69(3)). All arrays are (origin ×
agreement) masks: no Python object per pair.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict

from detente.agreements.data import AgreementData
from detente.agreements.outcomes import FOLLOW_UP_END, HELD, RENEWED, outcome_counts, renewal
from detente.agreements.priors import STRENGTH_BOUNDS
from detente.errors import DetenteError

MODELS = ("B0", "B1", "M")


class Score(BaseModel):
    """A mean score (or a paired difference) with its cluster-bootstrap interval."""

    model_config = ConfigDict(frozen=True)
    name: str
    brier: float
    brier_low: float
    brier_high: float
    log_loss: float
    log_loss_low: float
    log_loss_high: float


class Backtest(BaseModel):
    """Development scores of B0, B1 and M, and M's paired differences."""

    model_config = ConfigDict(frozen=True)
    horizon_years: float
    burn_in: int
    predicted: int
    first_predicted: str
    clusters: int
    outcomes: dict[str, int]
    held_share: float
    strength: str
    strength_range: tuple[float, float]
    scores: list[Score]
    differences: list[Score]
    seed: int
    resamples: int
    verdict: str


def _first(cells: np.ndarray) -> np.ndarray:
    return np.array([str(c).split(",")[0].strip() for c in cells], dtype=object)


def _known(pad_date: np.ndarray, end: np.ndarray, status: np.ndarray,
           days: np.timedelta64) -> np.ndarray:
    """K[i, j]: the outcome of j was observable on the day i was signed."""
    t = pad_date[:, None]
    broken = (status == RENEWED)[None, :] & (end[None, :] < t)
    held = (status == HELD)[None, :] & ((pad_date + days)[None, :] <= t)
    return broken | held


def _strength(known: np.ndarray, held: np.ndarray, state: np.ndarray) -> np.ndarray:
    """Per origin, m = (1 - rho)/rho from the ANOVA ICC within states (as in .priors)."""
    _, inv = np.unique(state.astype(str), return_inverse=True)
    onehot = np.eye(inv.max() + 1)[inv]  # (agreements, states)
    n = known.astype(float) @ onehot
    k = (known & held[None, :]).astype(float) @ onehot
    g = (n > 0).sum(1).astype(float)
    total = n.sum(1)
    with np.errstate(invalid="ignore", divide="ignore"):
        kk_n = np.where(n > 0, k * k / np.where(n > 0, n, 1), 0.0).sum(1)
        p = k.sum(1) / total
        msb = (kk_n - total * p * p) / (g - 1)
        msw = (k.sum(1) - kk_n) / (total - g)
        n0 = (total - (n * n).sum(1) / total) / (g - 1)
        rho = (msb - msw) / (msb + (n0 - 1) * msw)
        m = (1 - rho) / rho
    lo, hi = STRENGTH_BOUNDS
    return np.where(rho > 0, np.clip(m, lo, hi), hi)


def _forecasts(known: np.ndarray, held: np.ndarray, kind: np.ndarray, state: np.ndarray,
               m: np.ndarray) -> np.ndarray:
    """(3, n) forecasts B0, B1, M for every origin."""
    kh = known & held[None, :]
    same_kind = kind[:, None] == kind[None, :]
    same_cell = same_kind & (state[:, None] == state[None, :])
    p0 = (kh.sum(1) + 0.5) / (known.sum(1) + 1.0)
    pk = ((kh & same_kind).sum(1) + m * p0) / ((known & same_kind).sum(1) + m)
    pa = ((kh & same_cell).sum(1) + m * pk) / ((known & same_cell).sum(1) + m)
    return np.stack([p0, pk, pa])


def _bootstrap(values: np.ndarray, cluster: np.ndarray, resamples: int,
               seed: int) -> np.ndarray:
    """(resamples, k) cluster-bootstrap means of the k columns of ``values`` (n, k)."""
    _, inv = np.unique(cluster.astype(str), return_inverse=True)
    c = inv.max() + 1
    sums = np.zeros((c, values.shape[1]))
    np.add.at(sums, inv, values)
    sizes = np.bincount(inv, minlength=c).astype(float)
    counts = np.random.default_rng(seed).multinomial(c, np.full(c, 1.0 / c), size=resamples)
    return (counts @ sums) / (counts @ sizes)[:, None]


def backtest(data: AgreementData, *, horizon_years: float = 2.0, burn_in: int = 20,
             strength: float | None = None, resamples: int = 2000, seed: int = 0,
             level: float = 0.95, follow_up_end: str = FOLLOW_UP_END) -> Backtest:
    """Score B0, B1 and M by rolling origin (docs/agreements-evaluation.md). ``strength``:
    None re-estimates m at each origin (the protocol); a number fixes it (a sensitivity run,
    not part of the protocol)."""
    pad = data.pad
    status = renewal(pad, horizon_years, follow_up_end)
    days = np.timedelta64(round(horizon_years * 365.25), "D")
    held = status == HELD
    known = _known(pad.date, pad.end_date, status, days)
    state, conflict = _first(pad.text["gwno"]), _first(pad.text["conflict_id"])
    kind = np.where(pad.flag("cease") == 1, "ceasefire", "other")
    m = (_strength(known, held, state) if strength is None
         else np.full(len(pad), float(strength)))
    f = _forecasts(known, held, kind, state, m)
    resolved = (status == HELD) | (status == RENEWED)
    use = resolved & (known.sum(1) >= burn_in)
    if not use.any():
        most = int(known.sum(1)[resolved].max(initial=0))
        raise DetenteError.one(f"no agreement has {burn_in:,} known outcomes before it, so "
                               "nothing is scored", path="--burn-in", value=burn_in,
                               file=data.inputs()[-1] if data.inputs() else None,
                               allowed=f"a burn-in up to {most:,} "
                               "on this data (the protocol's is 20)")
    y = held[use].astype(float)
    p = f[:, use]
    brier = (p - y) ** 2
    logloss = -(y * np.log(p) + (1 - y) * np.log1p(-p))
    cols = np.concatenate([brier, logloss]).T  # (n, 6)
    diffs = np.stack([brier[2] - brier[0], brier[2] - brier[1],
                      logloss[2] - logloss[0], logloss[2] - logloss[1]]).T
    boot = _bootstrap(np.hstack([cols, diffs]), conflict[use], resamples, seed)
    tail = 100 * (1 - level) / 2
    lo, hi = np.percentile(boot, [tail, 100 - tail], axis=0)
    mean = np.hstack([cols, diffs]).mean(0)
    scores = [Score(name=n, brier=mean[i], brier_low=lo[i], brier_high=hi[i],
                    log_loss=mean[3 + i], log_loss_low=lo[3 + i], log_loss_high=hi[3 + i])
              for i, n in enumerate(MODELS)]
    differences = [Score(name=n, brier=mean[6 + i], brier_low=lo[6 + i], brier_high=hi[6 + i],
                         log_loss=mean[8 + i], log_loss_low=lo[8 + i],
                         log_loss_high=hi[8 + i])
                   for i, n in enumerate(("M - B0", "M - B1"))]
    verdict = ("M beats the running base rate (Brier difference interval below 0)"
               if hi[6] < 0 else "M does not beat the running base rate on PAD: use the "
               "prior as a weak prior, not as evidence about an actor")
    return Backtest(horizon_years=horizon_years, burn_in=burn_in, predicted=int(use.sum()),
                    first_predicted=str(pad.date[use].min()) if use.any() else "-",
                    clusters=len(set(conflict[use])), outcomes=outcome_counts(status),
                    held_share=float(y.mean()) if y.size else float("nan"),
                    strength="estimated per origin" if strength is None else "fixed",
                    strength_range=(float(m[use].min()), float(m[use].max())),
                    scores=scores, differences=differences, seed=seed, resamples=resamples,
                    verdict=verdict)
