"""What the workbench knows: the scenarios it was given, their edited drafts and the output folder.

A scenario is addressed by a *key* from a fixed registry (a bundled case name, a file found at
start-up, an upload), never by a path from the request, so no request can name a file outside
what was listed. Drafts live in memory with a revision number: an edit names the revision it
was made on, and an edit from a stale tab is refused instead of silently overwriting another.
Nothing is written except under the output folder: "save as" files, run records and the draft
files the analyses read.
"""

from __future__ import annotations

import difflib
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from detente.errors import DetenteError, ScenarioError
from detente.limits import MAX_FILE_BYTES, decode_utf8, read_text
from detente.records.output import write_text
from detente.scenario.model import Scenario
from detente.web.edit import apply_edit, editable_paths, validate

_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,80}$")
_SAVE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,80}\.ya?ml$")
UPLOAD_LIMIT = MAX_FILE_BYTES["scenario"]
"""Largest upload: the scenario file limit of ``docs/limits.md``."""


class WebError(Exception):
    """A request the workbench refuses, with the HTTP status and one sentence saying why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Entry:
    """One scenario: where it came from, its original text and its current draft."""

    key: str
    origin: str  # bundled case name, file path or "upload: NAME"
    file: str  # the name messages give (as `detente check` would)
    original: str
    text: str
    rev: int = 0
    scenario: Scenario | None = None
    problem: str | None = None  # why the original does not validate
    saved: list[str] = field(default_factory=list)

    @property
    def edited(self) -> bool:
        return self.text != self.original


def _unique(key: str, taken: dict[str, Entry]) -> str:
    key = re.sub(r"[^A-Za-z0-9._-]", "-", key).strip("-.") or "scenario"
    base, n = key[:70], 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


class Workspace:
    """The registry of scenarios and drafts of one ``detente serve``."""

    def __init__(self, target: str | None, output: Path) -> None:
        self.output = output.resolve()
        self.entries: dict[str, Entry] = {}
        self.signal_files: list[Path] = []  # signals YAML given (the Signals page reads them)
        self._lock = threading.Lock()
        from detente.cases import case_names, case_path

        files: list[Path] = []
        if target and Path(target).is_dir():
            files = sorted(p for p in Path(target).iterdir()
                           if p.suffix in (".yaml", ".yml") and p.is_file())
        elif target and target not in case_names():
            files = [Path(target)]
        drafts = self.output / "drafts"
        if inside := [str(p) for p in files if p.resolve().parent == drafts]:
            # a draft is written there under its scenario's name: the edit replaced the file
            raise DetenteError.one(
                "the output folder's drafts/ holds a scenario the workbench was given: an "
                "edit would write its draft over the file", file=inside[0], path="--out",
                value=str(self.output), allowed="an --out folder whose drafts/ holds no "
                "input (e.g. the default detente-workbench)")
        for path in files:
            self._add_file(path)
        for name in case_names():
            text = case_path(name).read_text(encoding="utf-8")
            self._add(name, name, name, text)
        self.first = next(iter(self.entries), None) if target else None

    def _add_file(self, path: Path) -> None:
        from detente.web.signals import is_signals_file

        try:
            text = read_text(path, "scenario")
        except DetenteError as exc:
            key = _unique(path.stem, self.entries)
            self.entries[key] = Entry(key, str(path), str(path), "", "", problem=str(exc))
            return
        if is_signals_file(text):  # not a scenario: the Signals page lists it
            self.signal_files.append(path)
            return
        self._add(path.stem, str(path), str(path), text)

    def _add(self, key: str, origin: str, file: str, text: str) -> Entry:
        key = _unique(key, self.entries)
        entry = Entry(key, origin, file, text, text)
        try:
            entry.scenario = validate(text, file)
        except DetenteError as exc:
            entry.problem = str(exc)
        self.entries[key] = entry
        return entry

    def get(self, key: str) -> Entry:
        if not _KEY.match(key) or key not in self.entries:
            raise WebError(404, f"no scenario named {key!r} here; the list is on the front page")
        return self.entries[key]

    def scenario(self, key: str) -> tuple[Entry, Scenario]:
        entry = self.get(key)
        if entry.scenario is None:
            raise WebError(422, f"{entry.file} does not validate: {entry.problem}")
        return entry, entry.scenario

    def _check_rev(self, entry: Entry, rev: int) -> None:
        if rev != entry.rev:
            raise WebError(409, f"{entry.key} was changed in another tab or window (revision "
                           f"{entry.rev}, this page has {rev}): reload the page to see the "
                           "current draft, then redo the edit")

    def edit(self, key: str, rev: int, path: str, value: str, kind: str) -> Entry:
        """One form field changed (validated before it is kept)."""
        with self._lock:
            entry, scenario = self.scenario(key)
            self._check_rev(entry, rev)
            if path not in editable_paths(scenario) or kind not in ("number", "option"):
                raise WebError(400, f"{path!r} is not an editable field of {key}")
            text, new = apply_edit(entry.text, entry.file, path, value, kind)
            entry.text, entry.scenario, entry.rev = text, new, entry.rev + 1
            return entry

    def set_text(self, key: str, rev: int, text: str) -> Entry:
        """The raw YAML replaced (validated before it is kept)."""
        with self._lock:
            entry = self.get(key)
            self._check_rev(entry, rev)
            new = validate(text, entry.file)
            entry.text, entry.scenario, entry.problem = text, new, None
            entry.rev += 1
            return entry

    def reset(self, key: str) -> Entry:
        with self._lock:
            entry = self.get(key)
            entry.text, entry.rev = entry.original, entry.rev + 1
            try:
                entry.scenario, entry.problem = validate(entry.text, entry.file), None
            except DetenteError as exc:
                entry.scenario, entry.problem = None, str(exc)
            return entry

    def upload(self, name: str, data: bytes) -> Entry:
        """A scenario uploaded from the browser (kept in memory; validated first)."""
        if len(data) > UPLOAD_LIMIT:
            raise WebError(413, f"upload too large: {len(data):,} bytes; at most "
                           f"{UPLOAD_LIMIT:,} bytes (the scenario file limit, docs/limits.md)")
        stem = Path(name or "upload.yaml").stem
        file = f"upload:{Path(name).name or 'upload.yaml'}"
        try:  # UTF-8 (a BOM dropped); UTF-16, a gzip'd file, … named for what they are
            text = decode_utf8(data, file)
        except DetenteError as exc:
            raise ScenarioError(exc.problems) from None
        validate(text, file)
        with self._lock:
            return self._add(stem, file, file, text)

    def diff(self, key: str) -> str:
        entry = self.get(key)
        return "".join(difflib.unified_diff(
            entry.original.splitlines(keepends=True), entry.text.splitlines(keepends=True),
            fromfile=entry.origin, tofile="draft", n=2))

    def save_as(self, key: str, rev: int, name: str) -> Path:
        """Write the validated draft as a new file in the output folder; never overwrites."""
        name = name.strip()
        if not _SAVE_NAME.match(name):
            raise WebError(400, f"file name {name!r} refused: a plain name ending in .yaml "
                           "(letters, digits, '.', '_', '-'; no folders), written into "
                           f"{self.output}")
        with self._lock:
            entry, _ = self.scenario(key)
            self._check_rev(entry, rev)
            out = self.inside(self.output / name)
            if out.exists() or out.is_symlink():
                raise WebError(409, f"{out} exists: choose another name (save as never "
                               "overwrites a file)")
            write_text(out, entry.text, follow_symlinks=False)
            entry.saved.append(str(out))
            return out

    def inside(self, path: Path) -> Path:
        """``path`` if it lies inside the output folder, else a refusal."""
        resolved = path.resolve()
        if not resolved.is_relative_to(self.output):
            raise WebError(400, f"{path} lies outside the output folder {self.output}")
        return resolved

    def draft_file(self, key: str) -> str:
        """A file the analyses read: the bundled case name when it is unedited, else the draft
        written under ``output/drafts`` (so a run's record names a file one can rerun)."""
        from detente.cases import case_names

        entry, _ = self.scenario(key)
        if not entry.edited and (entry.origin in case_names() or Path(entry.origin).is_file()):
            return entry.origin
        out = self.inside(self.output / "drafts" / f"{entry.key}.yaml")
        with self._lock:  # two requests must not write the same draft file at once
            write_text(out, entry.text, follow_symlinks=False)
        return str(out)
