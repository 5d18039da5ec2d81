"""Commitments CSV: schema, importer errors (file + line, nothing half-written), dev set."""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources
from pathlib import Path

import pytest

from detente.errors import DetenteError
from detente.signals.commitments import (
    KINDS,
    bundled_commitments,
    load_commitments,
    parse_commitments,
)
from helpers_signals import run_cli

DATA = Path(__file__).resolve().parents[1] / "data" / "signals"
HEADER = "id,announced_by,counterpart,kind,announced,start,end,location,outcome,source\n"


def test_every_bad_row_is_reported_with_file_and_line() -> None:
    path = DATA / "commitments_bad.csv"
    with pytest.raises(DetenteError) as err:
        load_commitments(path, as_of=dt.date(2026, 1, 1))
    text = str(err.value)
    assert f"{path}:3: outcome: unknown outcome (got 'maybe'); allowed: kept | broken | " \
           "unknown" in text
    assert f"{path}:4: end: end before start" in text
    assert f"{path}:5: announced: date in the future of the store" in text
    assert f"{path}:6: source: missing source" in text
    assert f"{path}:2" not in text  # the valid row is not blamed
    assert len(err.value.problems) == 4


def test_the_store_date_bounds_the_commitments() -> None:
    row = "a,RUS,UKR,truce,2023-01-05,2023-01-06,2023-01-07,,kept,src\n"
    assert parse_commitments(HEADER + row, "x.csv", as_of=dt.date(2023, 1, 7))
    future = re.escape("x.csv:2: end: date in the future of the store")
    with pytest.raises(DetenteError, match=future):
        parse_commitments(HEADER + row, "x.csv", as_of=dt.date(2023, 1, 6))


@pytest.mark.parametrize(("row", "message"), [
    ("a,RUS,UKR,armistice,2023-01-05,,,,kept,src", "unknown kind"),
    ("a,RUS,UKR,truce,2023-13-05,,,,kept,src", "not a date"),
    ("a,RUS,UKR,truce,2023-01-05,,,,kept", "expected 10 fields"),
    (",RUS,UKR,truce,2023-01-05,,,,kept,src", "missing id"),
    ("a,RUS,UKR,truce,2023-01-05,,,91 30,kept,src",
     "x.csv:2: location: coordinates out of range (got '91 30')"),
    ("a,RUS,UKR,truce,2023-01-05,,,48.5;200,kept,src", "location: coordinates out of range"),
    ("a,RUS,UKR,truce,2023-01-05,,,nan nan,kept,src", "location: coordinates out of range"),
    ("a,RUS,RUS,truce,2023-01-05,,,,kept,src",
     "x.csv:2: counterpart: a side cannot commit to itself"),
    ("a,RUS,UKR,truce,2023-01-05,,,,Kept,src", "unknown outcome (got 'Kept')"),
    ("a,RUS,UKR,truce,2023-01-05,,,,kept,   ", "x.csv:2: source: missing source"),
])
def test_other_bad_rows(row: str, message: str) -> None:
    with pytest.raises(DetenteError, match=re.escape(message)):
        parse_commitments(HEADER + row + "\n", "x.csv", as_of=dt.date(2026, 1, 1))


def test_duplicate_ids_and_bad_header() -> None:
    row = "a,RUS,UKR,truce,2023-01-05,,,,kept,src\n"
    with pytest.raises(DetenteError, match=re.escape("x.csv:3: id: duplicate id")):
        parse_commitments(HEADER + row + row, "x.csv", as_of=dt.date(2026, 1, 1))
    with pytest.raises(DetenteError, match="bad header"):
        parse_commitments("id,side\n", "x.csv")
    twice = HEADER.strip() + ",outcome\n" + row.strip() + ",broken\n"
    with pytest.raises(DetenteError, match=re.escape("x.csv:1: bad header: missing nothing; "
                                                     "unknown nothing; twice outcome")):
        parse_commitments(twice, "x.csv", as_of=dt.date(2026, 1, 1))


def test_location_coordinates_and_defaults() -> None:
    row = "a,RUS,UKR,corridor,2022-03-08,,,50.91 34.80,kept,src\n"
    [c] = parse_commitments(HEADER + row, "x.csv", as_of=dt.date(2026, 1, 1))
    assert (c.lat, c.lon) == (50.91, 34.80)
    assert c.start == c.announced and c.resolved == c.start + dt.timedelta(days=30)


def test_cli_bad_file_exits_2_writes_nothing(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "ev.json"
    html = tmp_path / "ev.html"
    code = run_cli(["signals", "evaluate", str(DATA / "commitments_bad.csv"), "--json", str(out),
                "--html", str(html)])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err and "unknown outcome" in err
    assert not out.exists() and not html.exists()
    assert not list(tmp_path.iterdir())


def test_dev_set_is_cited_and_valid() -> None:
    cs = bundled_commitments()
    assert len(cs) >= 50
    assert {c.kind for c in cs} <= set(KINDS)
    notes = resources.files("detente.signals").joinpath(
        "data", "commitments-dev.sources.md").read_text(encoding="utf-8")
    keys = [k.strip().rstrip("*") for line in notes.splitlines()
            if line.startswith("| ") and not line.startswith("| id")
            for k in line.split("|")[1].split(",")]
    for c in cs:
        assert c.source.startswith(("http://", "https://", "seed ")), c.id
        assert any(c.id.startswith(k) for k in keys if k), c.id  # every row has an excerpt
    scored = [c for c in cs if c.scored]
    assert 0 < sum(c.outcome == "broken" for c in scored) < len(scored)


def test_unreadable_csv_is_one_clear_error() -> None:
    body = 'a,RUS,UKR,truce,2023-01-05,,,,kept,"' + "x" * 200_000 + '"\n'
    with pytest.raises(DetenteError, match=r"x.csv:2: not readable as CSV"):
        parse_commitments(HEADER + body, "x.csv", as_of=dt.date(2026, 1, 1))
