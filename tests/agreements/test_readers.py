"""The PA-X and UCDP PAD readers: the slice, the full files, and bad input (missing or unknown
columns, malformed rows) reported with file, line and field."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from detente.errors import DetenteError
from detente.formats.pax import COLUMNS, PROVISIONS, read_pax
from detente.formats.ucdp_pad import COLUMNS as PAD_COLUMNS
from detente.formats.ucdp_pad import read_ucdp_pad

PAX = "pax_all_agreements_data_v9.csv"
PAD = "ucdp_pad_v22_1_from_bherbst5.csv"


def _rewrite(src: Path, dst: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    with src.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows = edit(rows)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    dst.write_text(out.getvalue(), encoding="utf-8")
    return dst


def test_slice_reads_with_the_one_real_bad_link(slice_dir: Path) -> None:
    t = read_pax(slice_dir / PAX)
    assert len(t) == t.rows_read == 41 and len(PROVISIONS) == 251 and len(COLUMNS) == 279
    [p] = t.problems
    assert p.path == "UcdpAgr" and p.value == "5.17E+12" and p.line == 20
    assert 469 in set(t.agt_id[t.ucdp_paid < 0])  # row kept, link dropped
    with (slice_dir / PAX).open(encoding="utf-8", newline="") as fh:
        raw = fh.read().splitlines()
    assert raw[p.line - 1].split(",")[5] == "469"  # line 20 is where AgtId 469 starts


def test_pad_slice_lines_point_at_the_records(slice_dir: Path) -> None:
    t = read_ucdp_pad(slice_dir / PAD)
    lines = (slice_dir / PAD).read_text(encoding="utf-8").splitlines()
    assert len(t) == 33 and not t.problems
    for paid, line in zip(t.paid, t.line, strict=True):
        assert lines[line - 1].startswith(f"{paid},")


def test_pad_path_with_quotes_is_a_bound_parameter(slice_dir: Path, tmp_path: Path) -> None:
    """The DuckDB scan takes the path as a parameter: quotes in it are part of the name."""
    odd = tmp_path / "o'neil's \"pad\"') --.csv"
    odd.write_bytes((slice_dir / PAD).read_bytes())
    a, b = read_ucdp_pad(slice_dir / PAD), read_ucdp_pad(odd)
    assert len(b) == len(a) == 33 and list(b.paid) == list(a.paid) and not b.problems


def test_missing_and_unknown_columns_are_named(slice_dir: Path, tmp_path: Path) -> None:
    def drop_ce(rows: list[list[str]]) -> list[list[str]]:
        i = rows[0].index("Ce")
        rows[0][i] = "Cease"
        return rows
    bad = _rewrite(slice_dir / PAX, tmp_path / "pax.csv", drop_ce)
    with pytest.raises(DetenteError) as err:
        read_pax(bad)
    text = str(err.value)
    assert f"{bad}:1" in text and "missing column 'Ce'" in text
    assert "unexpected column 'Cease'" in text


def test_pad_missing_column_is_named(slice_dir: Path, tmp_path: Path) -> None:
    bad = _rewrite(slice_dir / PAD, tmp_path / "pad.csv",
                   lambda rows: [r[:-1] for r in rows])  # drop 'version'
    with pytest.raises(DetenteError, match=r"pad.csv:1: version: missing column 'version'"):
        read_ucdp_pad(bad)
    assert PAD_COLUMNS[-1] == "version"


def test_malformed_rows_are_reported_not_dropped_silently(slice_dir: Path,
                                                          tmp_path: Path) -> None:
    def spoil(rows: list[list[str]]) -> list[list[str]]:
        h = rows[0]
        rows[2][h.index("Ce")] = "7"
        rows[3][h.index("Dat")] = "2014-09-05"
        rows[4] = rows[4][:10]
        return rows
    bad = _rewrite(slice_dir / PAX, tmp_path / "pax.csv", spoil)
    t = read_pax(bad)
    assert t.rows_read == 41 and len(t) == 38
    msgs = {(p.path, p.message) for p in t.problems}
    assert ("Ce", "provision Ce is not 0-3") in msgs
    assert ("Dat", "Dat is not a date") in msgs
    assert any("row has 10 fields" in m for _, m in msgs)
    assert all(p.file == str(bad) and p.line for p in t.problems)


def test_pad_malformed_rows(slice_dir: Path, tmp_path: Path) -> None:
    def spoil(rows: list[list[str]]) -> list[list[str]]:
        h = rows[0]
        rows[1][h.index("pko")] = "yes"
        rows[2][h.index("duration")] = "soon"
        return [*rows, ["1", "2", "3"]]
    bad = _rewrite(slice_dir / PAD, tmp_path / "pad.csv", spoil)
    t = read_ucdp_pad(bad)
    assert t.rows_read == 34 and len(t) == 31
    paths = sorted(str(p.path) for p in t.problems)
    assert paths == ["None", "duration", "pko"]
    lines = bad.read_text(encoding="utf-8").splitlines()
    broken = next(p for p in t.problems if p.path is None)
    assert lines[broken.line - 1] == "1,2,3"


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(DetenteError, match="cannot read the file"):
        read_pax(tmp_path / "missing.csv")
    with pytest.raises(DetenteError, match="cannot read the file"):
        read_ucdp_pad(tmp_path / "missing.csv")


def test_full_files(shared_dir: Path) -> None:
    pax = read_pax(shared_dir / PAX)
    sub = read_pax(shared_dir / "pax_v9_russia_ukraine_subset.csv")
    pad = read_ucdp_pad(shared_dir / PAD)
    assert (len(pax), len(sub), len(pad)) == (2144, 86, 341)
    assert set(sub.agt_id) <= set(pax.agt_id)
    minsk = dict(zip(pad.paid.tolist(), pad.ended.tolist(), strict=True))
    assert minsk[1536] == 1 and minsk[1537] == -1
