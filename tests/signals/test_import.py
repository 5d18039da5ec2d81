"""Importers and the event store on real GDELT/ICEWS rows and constructed POLECAT/mention rows."""

from __future__ import annotations

import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest

from detente.signals.codes import cameo_codebook, fips_to_cameo
from detente.signals.importers import ImportFilter, import_path
from detente.signals.store import EventStore


def _fields(path: Path, header: bool = False) -> list[list[str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [x.split("\t") for x in lines[1 if header else 0:] if x.strip()]


@pytest.fixture
def store(tmp_path: Path) -> EventStore:
    with EventStore(tmp_path / "events.sqlite") as st:
        yield st


def test_gdelt2_all_rows_codes_as_strings(fixtures: Path, store: EventStore) -> None:
    path = fixtures / "gdelt2_20150218230000_slice.tsv"
    rows = _fields(path)
    [s] = import_path(path, store)
    assert s.format == "gdelt2" and s.error is None and s.n_problems == 0
    assert s.added == len(rows) == store.count()
    ev = store.events()
    by_line = {int(line): i for i, line in enumerate(ev["line"])}
    for line, raw in enumerate(rows, start=1):
        i = by_line[line]
        assert ev["event_id"][i] == raw[0]
        assert ev["code"][i] == raw[26]  # leading zeros kept: "043", not 43
        assert ev["date"][i] == f"{raw[1][:4]}-{raw[1][4:6]}-{raw[1][6:]}"
        assert ev["url"][i] == raw[60]
        want_loc = fips_to_cameo().get(raw[53], raw[53] or None)
        assert ev["location_country"][i] == want_loc
    assert "043" in set(ev["code"])


def test_same_file_twice_adds_nothing(fixtures: Path, store: EventStore) -> None:
    path = fixtures / "gdelt2_20150218230000_slice.tsv"
    first = import_path(path, store)[0].added
    second = import_path(path, store)[0]
    assert first > 0 and second.added == 0 and second.matched == first
    assert store.count() == first


def test_dyad_and_code_filter_match_a_plain_count(fixtures: Path, store: EventStore) -> None:
    path = fixtures / "gdelt2_20150218230000_slice.tsv"
    rows = _fields(path)
    want = [r for r in rows if {r[7], r[17]} == {"RUS", "UKR"}]
    [s] = import_path(path, store, filt=ImportFilter(dyad=("RUS", "UKR")))
    assert s.added == len(want) > 0
    want19 = [r for r in rows if {r[7], r[17]} == {"RUS", "UKR"} and r[26].startswith("19")]
    [s] = import_path(path, store, filt=ImportFilter(dyad=("UKR", "RUS"), codes=("19",)))
    assert s.matched == len(want19) > 0


def test_date_filter(fixtures: Path, store: EventStore) -> None:
    path = fixtures / "gdelt2_20150218230000_slice.tsv"
    rows = _fields(path)
    want = [r for r in rows if r[1] >= "20150218"]
    [s] = import_path(path, store, filt=ImportFilter(date_from=date(2015, 2, 18)))
    assert s.matched == len(want) > 0


def test_gdelt1_58_and_57_columns(fixtures: Path, store: EventStore, tmp_path: Path) -> None:
    path = fixtures / "gdelt1_rows.tsv"
    rows = _fields(path)
    [s] = import_path(path, store)
    assert (s.format, s.added) == ("gdelt1", len(rows))
    ev = store.events()
    assert set(ev["url"]) == {r[57] for r in rows}
    old = tmp_path / "gdelt1_57.tsv"
    old.write_text("\n".join("\t".join(r[:57]) for r in rows) + "\n", encoding="utf-8")
    [s] = import_path(old, store)
    assert (s.format, s.added, s.n_problems) == ("gdelt1", len(rows), 0)


def test_icews_countries_by_name(fixtures: Path, store: EventStore) -> None:
    path = fixtures / "icews_2018_slice.tab"
    rows = _fields(path, header=True)
    names = {"Russian Federation": "RUS", "Ukraine": "UKR"}
    want = [r for r in rows if {names.get(r[4]), names.get(r[10])} == {"RUS", "UKR"}]
    [s] = import_path(path, store, filt=ImportFilter(dyad=("RUS", "UKR")))
    assert s.format == "icews" and s.added == len(want) > 0
    ev = store.events()
    assert set(ev["actor1_country"]) <= {"RUS", "UKR"}
    assert {c for c in ev["code"]} <= set(cameo_codebook())


@pytest.mark.parametrize("name", ["polecat_intensity.tsv", "polecat_event_intensity.tsv"])
def test_polecat_both_headers(fixtures: Path, store: EventStore, name: str) -> None:
    [s] = import_path(fixtures / name, store)
    assert s.format == "polecat"
    assert s.added == 3 and s.problems == {"unknown code": 1}
    assert s.examples[0][0] == 5  # line 5 holds the unknown event type
    ev = store.events()
    i = list(ev["event_id"]).index("20220329-0002")
    assert ev["plover_type"][i] == "RETREAT" and ev["plover_mode"][i] == "disarm"
    assert ev["actor2_country"][i] == "UKR"  # first of "UKR; BLR"
    assert ev["intensity"][i] == pytest.approx(6.0, abs=1e-12)
    assert ev["url"][i] is None and ev["story_id"][i] is None  # "None" is missing


def test_mentions_count_independent_sources(fixtures: Path, store: EventStore) -> None:
    import_path(fixtures / "gdelt2_20150218230000_slice.tsv", store,
                filt=ImportFilter(dyad=("RUS", "UKR")))
    [s] = import_path(fixtures / "gdelt2_mentions_constructed.tsv", store,
                      filt=ImportFilter(dyad=("RUS", "UKR")))
    assert s.format == "gdelt2-mentions" and s.added == 9
    counts = store.mention_counts(["410412386", "410412387", "410414008"])
    assert counts == {"410412386": 1, "410412387": 2, "410414008": 3}


def test_zip_and_truncated_zip(fixtures: Path, store: EventStore, tmp_path: Path) -> None:
    src = fixtures / "gdelt2_20150218230000_slice.tsv"
    z = tmp_path / "20150218230000.export.CSV.zip"
    with zipfile.ZipFile(z, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.write(src, "20150218230000.export.CSV")
    [s] = import_path(z, store)
    assert s.added == len(_fields(src)) and s.source.endswith("!20150218230000.export.CSV")
    cut = tmp_path / "cut.zip"
    cut.write_bytes(z.read_bytes()[: z.stat().st_size // 2])
    [bad] = import_path(cut, store)
    assert bad.error and "truncated or corrupt zip" in bad.error and not bad.usable


def test_malformed_rows_are_reported_with_lines(fixtures: Path, store: EventStore,
                                                tmp_path: Path) -> None:
    rows = _fields(fixtures / "gdelt2_20150218230000_slice.tsv")[:10]
    rows[2] = rows[2][:40]  # line 3: wrong column count
    rows[4][1] = "2015-02-1"  # line 5: non-numeric date
    rows[6][26] = "999"  # line 7: not a CAMEO code
    bad = tmp_path / "bad.tsv"
    bad.write_text("\n".join("\t".join(r) for r in rows) + "\n\n", encoding="utf-8")
    [s] = import_path(bad, store)
    assert s.problems == {"wrong column count": 1, "bad date": 1, "unknown code": 1}
    assert [(line, kind) for line, kind, _ in s.examples] == [
        (3, "wrong column count"), (5, "bad date"), (7, "unknown code")]
    assert s.added == 7 and s.usable
    assert [p[1] for p in store.problems(s.sha256)] == [3, 5, 7]


def test_unusable_inputs(fixtures: Path, store: EventStore, tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("minutes of the meeting\nnothing tabular here\n", encoding="utf-8")
    [s] = import_path(text, store)
    assert s.error and "unrecognised event-data format" in s.error and not s.usable
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 4)
    [s] = import_path(junk, store)
    assert s.error and "binary" in s.error
    allbad = tmp_path / "allbad.tsv"
    rows = _fields(fixtures / "gdelt2_20150218230000_slice.tsv")[:5]
    for r in rows:
        r[1] = "yesterday"
    allbad.write_text("\n".join("\t".join(r) for r in rows), encoding="utf-8")
    [s] = import_path(allbad, store)
    assert s.problems == {"bad date": 5} and not s.usable
    [s] = import_path(tmp_path / "missing.tsv", store)
    assert s.error and "no such file" in s.error


def test_crlf_line_endings(fixtures: Path, store: EventStore, tmp_path: Path) -> None:
    src = fixtures / "gdelt1_rows.tsv"
    crlf = tmp_path / "crlf.tsv"
    shutil.copy(src, crlf)
    crlf.write_bytes(crlf.read_bytes().replace(b"\n", b"\r\n"))
    [s] = import_path(crlf, store)
    assert s.n_problems == 0 and s.added == len(_fields(src))
    assert all(not u.endswith("\r") for u in store.events()["url"])


def test_filtered_import_reports_malformed_lines_that_could_match(
        fixtures: Path, store: EventStore, tmp_path: Path) -> None:
    rows = _fields(fixtures / "gdelt2_20150218230000_slice.tsv")
    ru = [i for i, r in enumerate(rows) if {r[7], r[17]} == {"RUS", "UKR"}]
    other = [i for i, r in enumerate(rows) if "RUS" not in "\t".join(r)]
    rows[ru[0]] = rows[ru[0]][:30]  # could be a RUS-UKR event: reported
    rows[other[0]] = rows[other[0]][:30]  # cannot match the dyad: filtered out like the rest
    path = tmp_path / "cut.tsv"
    path.write_text("\n".join("\t".join(r) for r in rows) + "\n", encoding="utf-8")
    [s] = import_path(path, store, filt=ImportFilter(dyad=("RUS", "UKR")))
    assert s.problems == {"wrong column count": 1}
    assert s.examples[0][0] == ru[0] + 1
    assert s.matched == len(ru) - 1


def test_invalid_utf8_is_a_problem_at_its_line(fixtures: Path, store: EventStore,
                                               tmp_path: Path) -> None:
    """A line that is not UTF-8 is counted as a problem at its line and the others imported
    (round 14: the whole file was refused for it)."""
    lines = (fixtures / "gdelt2_20150218230000_slice.tsv").read_bytes().split(b"\n")
    lines[99] = lines[99] + b"\xe9"  # line 100 ends with a Latin-1 byte
    bad = tmp_path / "latin1.tsv"
    bad.write_bytes(b"\n".join(lines * 200))  # past the first megabyte the format sniffer reads
    [s] = import_path(bad, store)
    assert s.error is None and s.problems == {"not UTF-8": 200}
    assert s.examples[0][:2] == (100, "not UTF-8")
    assert s.matched == s.added == 200 * (len(lines) - 2)  # each copy: 186 rows, one blank
