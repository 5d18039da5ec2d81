"""One route for credibility: `detente.credibility(..., lr_from=...)` (the Python API) and
`detente signals credibility --lr-from` (the command) call the same library function
(`detente.signals.record.credibility_record`) and give the same record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import detente
from detente.cli.app import main
from detente.errors import DetenteError
from helpers_signals import force_store

HEADER = "id,announced_by,counterpart,kind,announced,start,end,location,outcome,source\n"



def test_api_credibility_lr_from_is_the_cli_route(tmp_path: Path) -> None:
    path = force_store(tmp_path)
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
