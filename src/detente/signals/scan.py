"""One text file read by DuckDB in parallel parts, every row with its exact line number (issue 19).

``read_csv … WITH ORDINALITY`` numbers lines exactly but keeps DuckDB's scan on one thread.
Here the file is cut into ``parts`` byte ranges at line ends; each range streams through its
own named pipe (``os.splice``, no copy through Python) into its own DuckDB query, which numbers
the lines of that range from 1. The number of lines before each range is counted by one
sequential pass that also computes the file's SHA-256 and checks for bytes the line reader
would mishandle; it runs in a thread beside the scans (``hashlib`` and NumPy release the GIL),
so hashing costs no wall time of its own. A row's line in the file is the lines before its
range plus its number inside the range: exact, whatever the number of parts
(``tests/signals/test_scan.py`` compares every stored line with the file's own lines). A file
read as one part needs no pipe: DuckDB reads it through a plainly named link.

A file holding control bytes, a lone carriage return, CR LF mixed with LF or a line longer than
:data:`LONG_LINE` is read from a cleaned copy instead (same lines; the caller's ``clean``).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import queue
import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np

CHUNK = 8 << 20
MIN_PART = 32 << 20
"""Smallest range worth a thread of its own (smaller files are read as one part)."""
PIPE_SIZE = 1 << 20
"""Capacity asked for each named pipe (Linux allows 1 MiB to anyone by default)."""
_PIPES = itertools.count()
QUEUED_ROWS = 200_000
"""Rows the scans may hold ahead of the consumer (memory bound while the hash finishes)."""
LONG_LINE = 1 << 20
"""Longest line read as a row (an event row is under 2 KB): a longer one is a problem of its
own, read from a cleaned copy (DuckDB's line reader stops the whole file at its buffer size)."""
_WINDOW = LONG_LINE // 2


@dataclass(frozen=True)
class Digest:
    """SHA-256 of a file, its number of lines (a last line without newline counts), the
    number of lines before each range, and whether DuckDB's line reader would mishandle it."""

    sha256: str
    lines: int
    starts: tuple[int, ...]
    dirty: bool


@dataclass
class _Counts:
    newlines: int = 0
    cr: int = 0
    crlf: int = 0
    last: bytes = b"\n"
    dirty: bool = False
    since: int = 0  # bytes since the last line end
    starts: list[int] = field(default_factory=list)
    _mask: np.ndarray = field(default_factory=lambda: np.empty(CHUNK, bool))

    def update(self, buf: bytearray, n: int) -> None:
        """Count the line ends and carriage returns of ``buf[:n]`` and look for control bytes:
        three NumPy comparisons into one reused mask (no 8 MiB temporary per comparison), the
        carriage returns only when ``memchr`` finds one."""
        v = np.frombuffer(buf, np.uint8, n)
        m = self._mask[:n]
        nl, tab = (int(np.count_nonzero(np.equal(v, c, out=m))) for c in (10, 9))
        has_cr = buf.find(13, 0, n) >= 0
        cr = int(np.count_nonzero(np.equal(v, 13, out=m))) if has_cr else 0
        # every byte below 0x20 must be a tab, LF or CR (others: control bytes)
        if int(np.count_nonzero(np.less(v, 32, out=m))) != nl + tab + cr:
            self.dirty = True
        if cr:
            self.crlf += buf.count(b"\r\n", 0, n)
        self.crlf += self.last == b"\r" and buf[:1] == b"\n"
        self.cr += cr
        self.newlines += nl
        self.last = bytes(buf[n - 1:n])
        self._long(buf, n, nl)

    def _long(self, buf: bytearray, n: int, nl: int) -> None:
        """Mark the file dirty when a run of ``_WINDOW`` bytes holds no line end: every line
        longer than :data:`LONG_LINE` is caught (it holds a whole window, or it spans a chunk
        end), at the cost of ``memchr`` calls that stop at the first line end."""
        if not nl:
            self.since += n
            self.dirty |= self.since >= _WINDOW
            return
        first = buf.find(10, 0, n)
        if self.since + first >= _WINDOW or any(
                buf.find(10, p, p + _WINDOW) < 0 for p in range(0, n - _WINDOW + 1, _WINDOW)):
            self.dirty = True
        self.since = n - 1 - buf.rfind(10, 0, n)


def ranges(path: Path, parts: int) -> list[tuple[int, int]]:
    """``parts`` byte ranges ``[start, end)`` of the file, each starting a line (fewer when
    lines are long or the file is short)."""
    size = path.stat().st_size
    cuts = [0]
    with path.open("rb") as fh:
        for k in range(1, max(parts, 1)):
            pos = max(size * k // parts, cuts[-1])
            fh.seek(pos)
            while buf := fh.read(1 << 16):
                i = buf.find(b"\n")
                if i >= 0:
                    pos += i + 1
                    break
                pos += len(buf)
            else:
                pos = size
            if cuts[-1] < pos < size:
                cuts.append(pos)
    cuts.append(size)
    return list(itertools.pairwise(cuts))


def digest(path: Path, parts: list[tuple[int, int]]) -> Digest:
    """One sequential pass: SHA-256, lines, the lines before each range, and dirt (control
    bytes, a CR that does not start CR LF, CR LF mixed with plain LF). The chunks are read
    into one reused buffer (``readinto``: no new 8 MiB object, hence no fresh pages, per
    chunk)."""
    h = hashlib.sha256()
    c = _Counts()
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    with path.open("rb", buffering=0) as fh:
        for start, end in parts:
            c.starts.append(c.newlines)
            fh.seek(start)
            left = end - start
            while left > 0 and (n := fh.readinto(view[:min(CHUNK, left)])):
                left -= n
                h.update(view[:n])
                c.update(buf, n)
    dirty = c.dirty or c.cr != c.crlf or 0 < c.crlf < c.newlines or c.since >= _WINDOW
    return Digest(h.hexdigest(), c.newlines + (c.last != b"\n"), tuple(c.starts), dirty)


def _feed(path: Path, start: int, end: int, fifo: str) -> None:
    """Write bytes ``[start, end)`` of ``path`` into the named pipe ``fifo``."""
    try:
        with path.open("rb") as src, open(fifo, "wb") as out:
            pos = start
            while pos < end:
                want = min(end - pos, 1 << 20)
                if hasattr(os, "splice"):
                    n = os.splice(src.fileno(), out.fileno(), want, offset_src=pos)
                else:  # pragma: no cover - not Linux
                    n = out.write(os.pread(src.fileno(), want, pos))
                if n <= 0:
                    break
                pos += n
    except (BrokenPipeError, OSError):  # the reader stopped (an error or a restart)
        pass


def _unblock(fifo: str) -> None:
    """Open the reading end and empty the pipe, so that a writer waiting in ``open`` or on a
    full pipe goes on (and ends, on a broken pipe or at the end of its range)."""
    with contextlib.suppress(OSError):
        fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        try:
            while os.read(fd, 1 << 20):
                pass
        except BlockingIOError:
            pass
        finally:
            os.close(fd)


def _release_reader(fifo: str) -> None:
    """Open and close the writing end, so that a reader waiting in ``open`` (a scan whose
    writer already ended: a restart stopped it before DuckDB opened the pipe) reads end of
    file and ends. Opening a pipe without a reader fails at once (ENXIO): nothing waits."""
    with contextlib.suppress(OSError):
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


def _link(path: Path, name: str) -> bool:
    """A symbolic link ``name`` (a plain name in the import's own folder: DuckDB would read
    glob characters in the user's path as a pattern) to the whole file, which DuckDB then
    reads itself, with no pipe and no writer thread; False where links cannot be made."""
    try:
        os.symlink(path.resolve(), name)
    except OSError:
        return False
    return True


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


class ScanError(Exception):
    """A DuckDB error in one part; ``base`` is the number of lines before that part."""

    def __init__(self, error: duckdb.Error, base: int) -> None:
        super().__init__(str(error))
        self.error = error
        self.base = base

    @property
    def line(self) -> int | None:
        """The failing line in the whole file (DuckDB's line in the part plus the lines before
        the part), or None when DuckDB names no line."""
        m = re.search(r"Error on Line: (\d+)", str(self))
        return self.base + int(m.group(1)) if m else None


class LineScan:
    """Run ``sql_for(source, first)`` — a query and its bound parameters (``source``: a file
    DuckDB reads; ``first``: the part holding line 1) — over every part of ``path`` at once;
    :meth:`digest` waits for the hash, :meth:`batches` yields ``(lines before the part, rows)``
    (a row's first column is its line inside its part)."""

    def __init__(self, path: Path, con: duckdb.DuckDBPyConnection,
                 sql_for: Callable[[str, bool], tuple[str, dict[str, object]]], tmp: Path, *,
                 batch: int,
                 parts: int | None, clean: Callable[[Path], Path],
                 dirty: bool = False) -> None:
        if parts is None:
            parts = max(1, min(os.cpu_count() or 1, path.stat().st_size // MIN_PART))
        self._con, self._sql_for, self._tmp, self._batch = con, sql_for, tmp, batch
        self._clean, self._dirty = clean, dirty
        self._parts = ranges(path, parts)
        self._hasher = ThreadPoolExecutor(1)
        self._hash: Future[Digest] = self._hasher.submit(digest, path, self._parts)
        self._digest: Digest | None = None
        self._start(path)

    def _start(self, path: Path) -> None:
        q: queue.Queue[tuple[int, list[tuple] | ScanError | None]] = queue.Queue(
            max(4, QUEUED_ROWS // max(self._batch, 1)))
        self._q, self._cursors, self._fifos, self._threads = q, [], [], []
        for k, (start, end) in enumerate(self._parts):
            source = str(self._tmp / f"part{next(_PIPES)}.tsv")
            cur = self._con.cursor()
            # one part that is the whole file: DuckDB reads it itself, through a link
            direct = k == 0 and end == path.stat().st_size and _link(path, source)
            feed = None
            if not direct:
                os.mkfifo(source)
                feed = threading.Thread(target=_feed, args=(path, start, end, source),
                                        daemon=True)
                feed.start()
                self._fifos.append(source)
                self._threads.append(feed)
            scan = threading.Thread(target=self._scan, daemon=True, args=(
                k, source, cur, feed, q, (path, end) if direct else None))
            scan.start()
            self._cursors.append(cur)
            self._threads.append(scan)

    def _scan(self, k: int, fifo: str, cur: duckdb.DuckDBPyConnection,
              feed: threading.Thread | None,
              q: queue.Queue[tuple[int, list[tuple] | ScanError | None]],
              whole: tuple[Path, int] | None = None) -> None:
        item: ScanError | None = None
        try:
            result = cur.execute(*self._sql_for(fifo, k == 0))
            while rows := result.fetchmany(self._batch):
                q.put((k, rows))
            if whole and _size(whole[0]) != whole[1]:  # DuckDB read past what was hashed
                raise duckdb.IOException(f"the file changed while it was read (it was "
                                         f"{whole[1]:,} bytes)")
        except duckdb.Error as exc:
            item = ScanError(exc, 0)
        finally:
            while feed is not None and feed.is_alive():  # stopped early: let the writer end
                _unblock(fifo)
                feed.join(0.05)
            q.put((k, item))

    def _stop(self) -> None:
        """Interrupt the scans, let their threads end, forget what they read."""
        for cur in self._cursors:
            cur.interrupt()
        while any(t.is_alive() for t in self._threads):
            try:
                self._q.get(timeout=0.05)
            except queue.Empty:
                for fifo in self._fifos:
                    _unblock(fifo)
                    _release_reader(fifo)
        for cur in self._cursors:
            cur.close()

    def digest(self) -> Digest:
        """The file's digest (waits for the hashing pass); a dirty file restarts the scans on
        a cleaned copy."""
        if self._digest is None:
            d = self._hash.result()
            self._hasher.shutdown()
            if d.dirty or self._dirty:
                self._stop()
                copy = self._clean(self._tmp)
                self._parts = ranges(copy, len(self._parts))
                d = Digest(d.sha256, d.lines, digest(copy, self._parts).starts, True)
                self._start(copy)
            self._digest = d
        return self._digest

    def batches(self) -> Iterator[tuple[int, list[tuple]]]:
        """``(lines before the part, rows)`` as the parts deliver them; a part that fails
        raises :class:`ScanError` (with its base) once every other part has finished."""
        starts = self.digest().starts
        errors: list[ScanError] = []
        done = 0
        while done < len(self._parts):
            k, item = self._q.get()
            if isinstance(item, list):
                yield starts[k], item
                continue
            done += 1
            if isinstance(item, ScanError):
                item.base = starts[k]
                errors.append(item)
        for t in self._threads:
            t.join()
        if errors:
            raise min(errors, key=_error_line)

    def close(self) -> None:
        """Stop whatever still runs (an interrupted import) and remove the pipes."""
        if any(t.is_alive() for t in self._threads):
            self._stop()
        self._hasher.shutdown(wait=True, cancel_futures=True)


def _error_line(e: ScanError) -> int:
    return e.line if e.line is not None else 1 << 62
