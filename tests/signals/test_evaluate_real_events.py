"""``signals evaluate --events`` on real event rows: the cited GDELT 2.0 (18 Feb 2015) and
ICEWS (1-2 Jun 2018) slices in ``tests/signals/fixtures`` (see its README), against the
development commitments dated within the store (up to 2 Jun 2018)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from detente.signals.commitments import bundled_commitments
from detente.signals.credibility import CredibilityOptions, credibility
from detente.signals.evaluate import evaluate
from detente.signals.evidence import PriorRecord
from detente.signals.importers import import_path
from detente.signals.items import items_from_events
from detente.signals.store import EventStore


def _logit(p: float) -> float:
    return float(np.log(p) - np.log1p(-p))


def test_dev_commitments_scored_with_real_event_samples(fixtures: Path, tmp_path: Path) -> None:
    with EventStore(tmp_path / "real.sqlite") as st:
        import_path(fixtures / "gdelt2_20150218230000_slice.tsv", st)
        import_path(fixtures / "icews_2018_slice.tab", st)
        last = dt.date.fromisoformat(st.last_date() or "")
        cs = [c for c in bundled_commitments(as_of=dt.date.today())
              if max(c.announced, c.start, c.end or c.start) <= last]
        rec = evaluate(cs, store=st, resamples=200)
        full = st.events()
    assert last == dt.date(2018, 6, 2) and rec.with_events
    assert (rec.n, rec.scored, rec.unknown["n"]) == (6, 5, 1)
    rows = {r["id"]: r for r in rec.forecasts}
    # fewer than 30 resolved commitments before each: M is the side's record, i.e. B2
    assert all(r["model"] == r["per_side"] and not r["recalibrated"] for r in rows.values())
    # the samples hold no force in the 97 days before any of these announcements; the
    # school-year truce (26 Aug 2015) sees Russia's rows of 18 Feb 2015
    assert all(r["force_pressure"] == 0.0 for r in rows.values())
    school = rows["school2015-rus"]
    assert school["force_pressure"] == 0.0 and school["signals_score"] != 0.0
    # the signals score equals the credibility posterior (its own code path over the
    # string columns) of the same items: log-odds moved from the prior, decayed to the day
    opts = CredibilityOptions()
    items = [i for i in items_from_events(full, "RUS", dedup_days=opts.dedup_days)
             if i.target in (None, "UKR")]
    t = dt.date.fromisoformat(school["announced"])
    r = credibility(items, PriorRecord(), actor="RUS", options=opts,
                    date_to=t - dt.timedelta(days=1))
    moved = _logit(float(r.p[-1])) - _logit(r.prior_mean)
    want = moved * 2 ** (-(t - r.dates[-1]).days / opts.half_life_days)
    assert school["signals_score"] == pytest.approx(want, rel=1e-9, abs=1e-12)
