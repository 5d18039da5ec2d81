"""The parallel scan keeps exact provenance: every stored row's line is its line in the file,
whatever the number of parts; malformed rows are counted and reported at their lines; the
hashing pass gives the file's SHA-256, its lines and the lines before each part."""

from __future__ import annotations

import hashlib
import itertools
import sqlite3
from pathlib import Path

import pytest

from detente.signals import scan
from detente.signals.importers import ImportFilter, import_path
from detente.signals.store import EventStore

SLICE = "gdelt2_20150218230000_slice.tsv"


def _build(fixtures: Path, dest: Path, copies: int = 7) -> list[str]:
    """Copies of the real slice with malformed lines spread through them (wrong column count,
    also on RUS-UKR rows; bad date; unknown code; blank lines); returns the file's lines."""
    rows = (fixtures / SLICE).read_text(encoding="utf-8").splitlines()
    ru = [i for i, r in enumerate(rows) if {r.split("\t")[7], r.split("\t")[17]} == {"RUS", "UKR"}]
    lines: list[str] = []
    for c in range(copies):
        for i, r in enumerate(rows):
            f = r.split("\t")
            if i in (3 + 11 * c, ru[c % len(ru)]):  # the second could match the dyad filter
                f = f[:40]
            elif i == 5 + 13 * c:
                f[1] = "2015-02-1"
            elif i == 7 + 17 * c:
                f[26] = "999"
            lines.append("\t".join(f))
        lines.append("")  # a blank line between copies
    dest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lines


def _stored(db: Path) -> tuple[dict[int, tuple[str, str]], list[tuple[int, str]]]:
    with sqlite3.connect(db) as conn:
        ev = {int(line): (str(eid), str(url)) for line, eid, url in
              conn.execute("SELECT line, event_id, url FROM events")}
        bad = sorted((int(line), str(kind)) for line, kind in
                     conn.execute("SELECT line, kind FROM problems"))
    return ev, bad


@pytest.mark.parametrize("filt", [ImportFilter(), ImportFilter(dyad=("RUS", "UKR"))])
def test_every_row_at_its_true_line_whatever_the_parts(fixtures: Path, tmp_path: Path,
                                                       filt: ImportFilter) -> None:
    path = tmp_path / "events.tsv"
    lines = _build(fixtures, path)
    seen = []
    for parts in (1, 3, 8):
        db = tmp_path / f"p{parts}.sqlite"
        with EventStore(db) as st:
            [s] = import_path(path, st, filt=filt, parts=parts, batch_size=500)
        ev, bad = _stored(db)
        assert s.error is None and s.lines == len(lines) and s.matched == len(ev) > 0
        for line, (eid, url) in ev.items():  # the file's own line holds this event
            fields = lines[line - 1].split("\t")
            assert (fields[0], fields[-1]) == (eid, url), (parts, line)
        assert sum(s.problems.values()) == len(bad) > 0 and s.blank == 7
        assert [e[0] for e in s.examples] == [b[0] for b in bad][:len(s.examples)]
        seen.append((ev, bad, s.problems, s.sha256))
    assert seen[0] == seen[1] == seen[2]
    assert seen[0][3] == hashlib.sha256(path.read_bytes()).hexdigest()
    if filt.dyad is None:  # every well-formed line is stored, every malformed one reported
        assert len(seen[0][0]) + len(seen[0][1]) + 7 == len(lines)
        kinds = {kind for _, kind in seen[0][1]}
        assert kinds == {"wrong column count", "bad date", "unknown code"}


def test_ranges_start_lines_and_cover_the_file(tmp_path: Path) -> None:
    path = tmp_path / "x.tsv"
    data = b"".join(b"a" * (1 + (i * 37) % 300) + b"\n" for i in range(2000)) + b"tail"
    path.write_bytes(data)
    for parts in (1, 2, 3, 7, 50):
        rs = scan.ranges(path, parts)
        assert rs[0][0] == 0 and rs[-1][1] == len(data) and len(rs) <= parts
        assert all(a[1] == b[0] for a, b in itertools.pairwise(rs))
        assert all(data[s - 1:s] == b"\n" for s, _ in rs[1:])
        d = scan.digest(path, rs)
        assert d.sha256 == hashlib.sha256(data).hexdigest() and d.lines == 2001
        assert list(d.starts) == [data[:s].count(b"\n") for s, _ in rs] and not d.dirty
    one = tmp_path / "one.tsv"
    one.write_bytes(b"x" * 5000)  # one long line: one part
    assert scan.ranges(one, 4) == [(0, 5000)]


@pytest.mark.parametrize(("body", "dirty"), [
    (b"a\tb\nc\td\n", False), (b"a\tb\r\nc\td\r\n", False), (b"a\x1fb\nc\n", True),
    (b"a\rb\nc\n", True), (b"a\r\nb\nc\n", True), (b"a\nb\r", True), (b"", False)])
def test_digest_flags_what_the_line_reader_would_mishandle(tmp_path: Path, body: bytes,
                                                           dirty: bool) -> None:
    path = tmp_path / "d.tsv"
    path.write_bytes(body)
    d = scan.digest(path, scan.ranges(path, 2))
    assert d.dirty is dirty
    assert d.lines == body.count(b"\n") + (bool(body) and not body.endswith(b"\n"))


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 64])
def test_digest_is_the_same_whatever_the_chunk_size(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    chunk: int) -> None:
    # the reused buffer and mask: a chunk shorter than the buffer, a CR LF cut between two
    # chunks, a control byte or lone CR in any chunk give what one whole read gives
    bodies = [b"a\tb\r\nc\td\r\ne\r\n", b"ab\ncd\nef\n", b"a\tb\nc\x1fd\ne\n",
              b"ab\r\ncd\rx\r\n", b"a\r\nb\nc\r\n", b"abc\ndef"]
    whole = []
    for i, body in enumerate(bodies):
        path = tmp_path / f"c{i}.tsv"
        path.write_bytes(body)
        whole.append(scan.digest(path, scan.ranges(path, 2)))
    monkeypatch.setattr(scan, "CHUNK", chunk)
    for i, body in enumerate(bodies):
        path = tmp_path / f"c{i}.tsv"
        d = scan.digest(path, scan.ranges(path, 2))
        assert d == whole[i] and d.sha256 == hashlib.sha256(body).hexdigest()
        assert d.lines == body.count(b"\n") + (not body.endswith(b"\n"))
    assert [d.dirty for d in whole] == [False, False, True, True, True, False]


def test_one_part_is_read_directly_even_from_a_path_duckdb_would_glob(
        fixtures: Path, tmp_path: Path) -> None:
    # one part: DuckDB reads the file through a link with a plain name, not through a pipe;
    # '[', '*' and '?' in the user's path are not a pattern, and the rows are those of a pipe
    odd = tmp_path / "a[1]*?.tsv"
    lines = _build(fixtures, odd, copies=2)
    got = []
    for parts in (1, 2):
        db = tmp_path / f"o{parts}.sqlite"
        with EventStore(db) as st:
            [s] = import_path(odd, st, parts=parts, batch_size=300)
        assert s.error is None and s.lines == len(lines)
        got.append((_stored(db), s.problems, s.sha256))
    assert got[0] == got[1]
    assert len(got[0][0][0]) + len(got[0][0][1]) + 2 == len(lines)


def test_a_file_that_grows_while_read_whole_is_an_error(fixtures: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # read directly, DuckDB would read past the bytes that were hashed: refused, named
    path = tmp_path / "growing.tsv"
    _build(fixtures, path, copies=1)
    monkeypatch.setattr(scan, "_size", lambda p: -1)
    with EventStore(tmp_path / "g.sqlite") as st:
        [s] = import_path(path, st, parts=1)
    assert s.error and "the file changed while it was read" in s.error


def test_malformed_and_control_lines_in_later_parts(fixtures: Path, tmp_path: Path) -> None:
    lines = (fixtures / SLICE).read_bytes().split(b"\n")[:-1] * 5
    n = len(lines)
    lines[n - 10] = lines[n - 10].replace(b"\t", b"\t\x1f", 1)  # control byte, last part
    path = tmp_path / "ctrl.tsv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    with EventStore(tmp_path / "s.sqlite") as st:
        [s] = import_path(path, st, parts=4)
    assert s.problems == {"control character": 1} and s.examples[0][0] == n - 9
    assert s.matched == n - 1


@pytest.mark.parametrize("where", [1, 5])
def test_invalid_utf8_in_a_part_is_a_problem_and_every_other_line_is_stored(
        fixtures: Path, tmp_path: Path, where: int) -> None:
    lines = (fixtures / SLICE).read_bytes().split(b"\n")[:-1] * 6
    k = len(lines) * where // 6 + 3
    lines[k] += b"\xe9"
    path = tmp_path / "latin1.tsv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    with EventStore(tmp_path / "s.sqlite") as st:
        [s] = import_path(path, st, parts=3)
        [again] = import_path(path, st, parts=3)  # the same file twice adds nothing
    assert s.error is None and s.problems == {"not UTF-8": 1} and s.examples[0][0] == k + 1
    assert s.added == len(lines) - 1 and again.added == 0
    ev, bad = _stored(tmp_path / "s.sqlite")
    assert sorted(ev) == [n + 1 for n in range(len(lines)) if n != k]
    assert bad == [(k + 1, "not UTF-8")]


def _lines_sql(source: str, first: bool) -> tuple[str, dict[str, object]]:
    return ("SELECT ordinality, l FROM read_csv($src, columns={'l': 'VARCHAR'}, "
            "delim=chr(1) || chr(2) || chr(3) || chr(4), header=false, quote='', escape='', "
            "auto_detect=false, strict_mode=false) WITH ORDINALITY", {"src": source})


def test_line_scan_numbers_every_line_and_stops_cleanly(tmp_path: Path) -> None:
    import duckdb

    path = tmp_path / "n.tsv"
    path.write_text("".join(f"line {i}\tx\n" for i in range(1, 30_001)), encoding="utf-8")
    con = duckdb.connect()
    ls = scan.LineScan(path, con, _lines_sql, tmp_path, batch=1000, parts=5,
                       clean=lambda d: path)
    got = {base + n: text for base, rows in ls.batches() for n, text in rows}
    ls.close()
    assert got == {i: f"line {i}\tx" for i in range(1, 30_001)}
    early = scan.LineScan(path, con, _lines_sql, tmp_path, batch=100, parts=5,
                          clean=lambda d: path)
    next(early.batches())  # an import interrupted after its first batch
    early.close()
    assert not any(t.is_alive() for t in early._threads)


def test_a_reader_waiting_for_a_writer_that_already_ended_is_released(tmp_path: Path) -> None:
    # The race behind a hang seen under load: a restart (dirty file) stopped the scans before
    # DuckDB opened its pipe, the writer had already ended, and DuckDB's open() then waited for
    # a writer forever. _stop now also opens and closes the writing end: the reader gets EOF.
    import os
    import threading

    fifo = str(tmp_path / "p.tsv")
    os.mkfifo(fifo)
    got: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as fh:
            got.append(fh.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    for _ in range(200):
        if not reader.is_alive():
            break
        scan._release_reader(fifo)
        reader.join(0.05)
    assert not reader.is_alive() and got == [b""]
    scan._release_reader(str(tmp_path / "none"))  # no such pipe: nothing raised, nothing waits


def test_restart_on_a_dirty_file_with_a_late_scan_thread_ends(
        fixtures: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The hang itself, made deterministic: the scan thread starts its query only after the
    # hash has asked for a restart (as on a loaded machine). Before the fix this never ended.
    import threading
    import time

    late = scan.LineScan._scan

    def scan_late(self: scan.LineScan, *args: object) -> None:
        time.sleep(0.5)
        late(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(scan.LineScan, "_scan", scan_late)
    lines = (fixtures / SLICE).read_bytes().split(b"\n")[:-1]
    lines[5] = lines[5].replace(b"\t", b"\t\x1f", 1)  # a control byte: the scan restarts
    path = tmp_path / "dirty.tsv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    out: list[object] = []

    def run() -> None:
        with EventStore(tmp_path / "s.sqlite") as st:
            out.extend(import_path(path, st))

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "the import hung"
    [s] = out
    assert s.problems == {"control character": 1} and s.matched == len(lines) - 1
