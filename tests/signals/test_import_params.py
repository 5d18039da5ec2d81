"""The importer's SQL binds every value (issue 20): a path or a filter value holding quotes is
read as data, never as SQL text."""

from __future__ import annotations

import inspect
import shutil
from datetime import date
from pathlib import Path

import pytest

from detente.signals import importers
from detente.signals.importers import ImportFilter, import_path
from detente.signals.store import EventStore

SLICE = "gdelt2_20150218230000_slice.tsv"


def _import(path: Path, db: Path, filt: ImportFilter) -> tuple[int, int, list[str]]:
    with EventStore(db) as st:
        [s] = import_path(path, st, filt=filt)
        assert s.error is None, s.error
        return s.matched, s.n_problems, sorted(st.events()["event_id"])


@pytest.mark.parametrize("name", ["it's.tsv", "a''b \"c\".tsv", "x'); DROP TABLE cameo; --.tsv"])
def test_a_path_with_quotes_imports_the_same_rows(fixtures: Path, tmp_path: Path,
                                                   name: str) -> None:
    folder = tmp_path / "o'neil's \"data\""
    folder.mkdir()
    odd = folder / name
    shutil.copyfile(fixtures / SLICE, odd)
    filt = ImportFilter(dyad=("RUS", "UKR"), date_from=date(2015, 2, 1))
    plain = _import(fixtures / SLICE, tmp_path / "a.sqlite", filt)
    quoted = _import(odd, tmp_path / "b.sqlite", filt)
    assert plain[0] > 0 and quoted == plain


def test_a_filter_value_is_data_not_sql(fixtures: Path, tmp_path: Path) -> None:
    """An actor code that would close the string and add ``OR TRUE`` matches nothing (it once
    would have matched every row had it been pasted into the text unquoted)."""
    evil = ImportFilter(actors=("RUS') OR TRUE OR ('",), codes=("0' OR '1",))
    matched, _, ids = _import(fixtures / SLICE, tmp_path / "c.sqlite", evil)
    assert (matched, ids) == (0, [])
    fair = _import(fixtures / SLICE, tmp_path / "d.sqlite", ImportFilter(actors=("RUS",)))
    assert fair[0] > 0


def test_no_value_is_quoted_by_hand() -> None:
    src = inspect.getsource(importers)
    assert "replace(\"'\", \"''\")" not in src and "_sql_str" not in src
