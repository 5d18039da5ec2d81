"""Did an agreement hold? The outcome measure, from UCDP PAD's ``ended`` and ``duration``.

Definition (``docs/agreements.md``, "Renewed war"): an agreement is **followed by renewed war
within h years** when UCDP PAD codes it as ended (``ended`` = 1) and the date it ended
(``duration``) is no more than h·365.25 days after it was signed (``pa_date``). It **held for h
years** when it was not coded as ended, or ended more than h years after signing, *and* the
data follow it for the full h years (signing date + h ≤ ``follow_up_end``, by default the end of
2021, the last year PAD v22.1 covers). Otherwise the outcome is **censored** (signed too late to
be followed for h years and not ended yet) or **unknown** (coded as ended with no end date).
Censored and unknown agreements are counted and reported, never counted as held or broken.

PAD's ``ended`` says an agreement stopped being in force; most ``c_duration`` comments record
renewed fighting between the signatories, some a party walking out. It does not say who broke
the agreement, and "renewed war" here is that termination, not a new UCDP conflict episode
(the UCDP Conflict Termination dataset, which would give episodes, is not in the shared data).
"""

from __future__ import annotations

import numpy as np

from detente.formats.ucdp_pad import PadTable

#: Outcome codes of :func:`renewal`.
HELD, RENEWED, CENSORED, UNKNOWN = 0, 1, -1, -2
#: Last date PAD v22.1 follows agreements (its coverage ends with 2021).
FOLLOW_UP_END = "2021-12-31"


def renewal(pad: PadTable, horizon_years: float = 2.0,
            follow_up_end: str = FOLLOW_UP_END) -> np.ndarray:
    """Outcome per agreement (int8): RENEWED (1), HELD (0), CENSORED (-1) or UNKNOWN (-2).

    ``horizon_years`` h > 0; ``follow_up_end`` an ISO date (the data's last day of follow-up).
    """
    if not horizon_years > 0:
        raise ValueError(f"horizon_years must be > 0, got {horizon_years}")
    days = np.timedelta64(round(horizon_years * 365.25), "D")
    end = np.datetime64(follow_up_end, "D")
    ended = pad.ended == 1
    has_end = ~np.isnat(pad.end_date)
    within = ended & has_end & ((pad.end_date - pad.date) <= days)
    followed = (pad.date + days) <= end
    out = np.full(len(pad), CENSORED, dtype=np.int8)
    out[followed] = HELD
    out[within] = RENEWED
    out[ended & ~has_end] = UNKNOWN
    return out


def outcome_counts(status: np.ndarray, mask: np.ndarray | None = None) -> dict[str, int]:
    """Counts of each outcome among ``status[mask]``."""
    s = status if mask is None else status[mask]
    return {"renewed": int((s == RENEWED).sum()), "held": int((s == HELD).sum()),
            "censored": int((s == CENSORED).sum()), "unknown": int((s == UNKNOWN).sum())}
