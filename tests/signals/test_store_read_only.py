"""Reading commands open the event store read-only: a store that is missing, empty or not
ours is one clear error, and the file on disk is left exactly as it was (nothing created)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from detente.errors import DetenteError
from detente.signals.store import EventStore
from helpers_signals import run_cli


def _foreign(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE other (x INTEGER)")
    con.commit()
    con.close()


@pytest.mark.parametrize("argv", [
    ["signals", "list", "--store", "{db}"],
    ["signals", "credibility", "--actor", "RUS", "--store", "{db}"],
    ["signals", "evaluate", "dev", "--events", "{db}", "--resamples", "10"],
])
@pytest.mark.parametrize("kind", ["empty", "foreign"])
def test_reading_commands_leave_a_bad_store_untouched(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], kind: str) -> None:
    db = tmp_path / "events.sqlite"
    if kind == "empty":
        db.write_bytes(b"")
    else:
        _foreign(db)
    before = db.read_bytes()
    assert run_cli([a.format(db=db) for a in argv]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "events.sqlite" in err
    assert ("empty" in err) if kind == "empty" else ("not an event store" in err)
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.sqlite"]


def test_read_only_handle_reads_what_the_importer_wrote(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    with EventStore(db) as st:
        st.add_events([])
        st.commit()
    with EventStore(db, read_only=True) as ro:
        assert ro.count() == 0
        with pytest.raises(sqlite3.OperationalError):
            ro.conn.execute("CREATE TABLE x (y INTEGER)")


def test_read_only_handle_on_a_missing_file_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(DetenteError, match="does not exist"):
        EventStore(tmp_path / "sub" / "none.sqlite", read_only=True)
    assert list(tmp_path.iterdir()) == []
