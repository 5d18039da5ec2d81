"""One route for credibility: `detente.credibility(..., lr_from=...)` (the Python API) and
`detente signals credibility --lr-from` (the command) call the same library function
(`detente.signals.record.credibility_record`) and give the same record."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import detente
from detente.cli.app import main
from detente.errors import DetenteError
from detente.signals.store import EventStore
from helpers_signals import event_table, store_rows

HEADER = "id,announced_by,counterpart,kind,announced,start,end,location,outcome,source\n"


def _store(tmp_path: Path) -> Path:
    """Daily force RUS→UKR for 120 days, a threat every week, one release on 2022-04-11
    reported by three sources."""
    d0 = dt.date(2022, 1, 1)
    rows = []
    for k in range(120):
        day = (d0 + dt.timedelta(days=k)).isoformat()
        rows.append(dict(date=day, cameo="190", url=f"https://a{k % 3}.example/{k}"))
        if k % 7 == 0:
            rows.append(dict(date=day, cameo="138", url=f"https://b{k % 3}.example/{k}"))
    rows += [dict(date="2022-04-11", cameo="0841", url=f"https://c{j}.example/r")
             for j in range(3)]
    path = tmp_path / "s.sqlite"
    with EventStore(path) as st:
        st.add_events(store_rows(event_table(rows)))
        st.commit()
    return path


def test_api_credibility_lr_from_is_the_cli_route(tmp_path: Path) -> None:
    path = _store(tmp_path)
    csv = tmp_path / "c.csv"
    csv.write_text(HEADER + "a,RUS,UKR,truce,2022-03-01,,2022-03-03,,broken,s\n"
                   "b,RUS,UKR,truce,2022-04-12,,2022-04-13,,kept,s\n", encoding="utf-8")
    out = tmp_path / "r.json"
    main(["signals", "credibility", "--actor", "RUS", "--store", str(path), "--case", "none",
          "--lr-from", str(csv), "--json", str(out)])  # returns on success (exit 0)
    rec = detente.credibility("RUS", case=None, store=path, lr_from=csv)
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(rec.to_json())
    # estimated, not the assumed default: one release before the kept truce, none before the
    # broken one
    assert rec.likelihood_ratios["release-of-detainees"]["lr"] > 3.0
    with pytest.raises(DetenteError, match="--lr-from needs an event store"):
        detente.credibility("RUS", lr_from=csv)
