"""Analyst-entered signals (backchannels, statements, concessions news coding cannot see).

A YAML file lists the sources, each actor's record of kept and broken agreements (the prior),
and dated signals. Every signal needs at least one piece of evidence: a ``source`` (an id from
``sources``) and an exact ``quote``. A signal without a source is an error that names the file,
the line and the signal. Example::

    sources:
      seed-001: {title: "Why Russian-Ukrainian Peace Talks Won't End Putin's War",
                 file: 001_d0665d34aa104011.txt, date: 2022-03-31}
    actors:
      RUS: {name: Russia, prior: {kept: 0, broken: 2, evidence: [{source: seed-004, quote: ...}]}}
    signals:
      - id: ru-deescalation-pledge
        date: 2022-03-29
        actor: RUS
        target: UKR
        indicator: de-escalation-declared
        evidence: [{source: seed-001, quote: "decrease the military activity"}]
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from detente.errors import DetenteError, Problem
from detente.limits import iso_date, read_text
from detente.scenario.model import Source
from detente.scenario.yamlsafe import load_yaml
from detente.signals.ladder import indicators


@dataclass(frozen=True)
class Quote:
    """An exact quote from a source. ``url``/``story`` identify the report (two quotes of the
    same report count once); ``outlet`` names the independent outlet the source relays (e.g. an
    article citing the Wall Street Journal), else the URL's host or the source id is used."""

    source: str
    quote: str
    url: str | None = None
    story: str | None = None
    outlet: str | None = None


@dataclass(frozen=True)
class Faction:
    """A faction of ``parent`` (a scenario actor with role ``faction``). ``names`` are people
    or groups a source names (matched in event actor names, case-insensitive); ``codes``
    CAMEO actor-code prefixes (e.g. ``RUSMIL``) attributed to it."""

    id: str
    parent: str
    name: str = ""
    names: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class AnalystSignal:
    """One dated signal entered by an analyst; ``line`` is its line in the YAML file."""

    id: str
    date: dt.date
    actor: str
    target: str | None
    indicator: str
    summary: str
    verified: bool
    evidence: tuple[Quote, ...]
    line: int
    faction: str | None = None


@dataclass(frozen=True)
class PriorRecord:
    """An actor's record of past agreements: ``kept`` and ``broken`` counts (the prior)."""

    kept: int = 0
    broken: int = 0
    evidence: tuple[Quote, ...] = ()
    assumption: str | None = None


@dataclass(frozen=True)
class SignalCase:
    """A file of analyst signals."""

    name: str
    path: str
    sources: dict[str, Source]
    names: dict[str, str]
    priors: dict[str, PriorRecord]
    signals: tuple[AnalystSignal, ...]
    factions: tuple[Faction, ...] = ()


def _date(value: Any, where: dict[str, Any], problems: list[Problem]) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return iso_date(str(value))
    except ValueError:
        problems.append(Problem("not a date", value=value, allowed="YYYY-MM-DD", **where))
        return None


def _quotes(raw: Any, sources: dict[str, Source], where: dict[str, Any],
            problems: list[Problem]) -> tuple[Quote, ...]:
    if not raw:
        problems.append(Problem("a signal needs evidence: at least one {source, quote}",
                                allowed="evidence: [{source: <id>, quote: <exact text>}]",
                                **where))
        return ()
    out = []
    for j, q in enumerate(raw if isinstance(raw, list) else [raw]):
        path = f"{where['path']}.evidence[{j}]"
        loc = {**where, "path": path}
        if not isinstance(q, dict) or not q.get("source"):
            problems.append(Problem("evidence without a source", value=q,
                                    allowed=", ".join(sources) or "a source id", **loc))
            continue
        if str(q["source"]) not in sources:
            problems.append(Problem("unknown source", value=q["source"],
                                    allowed=", ".join(sources), **loc))
            continue
        if not str(q.get("quote") or "").strip():
            problems.append(Problem("evidence without a quote", **loc))
            continue
        out.append(Quote(str(q["source"]), str(q["quote"]), _text(q.get("url")),
                         _text(q.get("story")), _text(q.get("outlet"))))
    return tuple(out)


MAX_COUNT = 100_000
"""Most agreements kept (or broken) in an actor's record."""


def _count(value: Any, where: dict[str, Any], field: str, problems: list[Problem]) -> int:
    """A count of agreements: a whole number >= 0 (not a bool, NaN or a negative number)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        loc = {**where, "path": f"{where['path']}.{field}"}
        problems.append(Problem(f"{field} must be a whole number >= 0", value=value,
                                allowed=f"0, 1, 2, … up to {MAX_COUNT:,}", **loc))
        return 0
    return value


def _mapping(data: dict[str, Any], key: str, file: str, lines: dict[Any, tuple[int, int]],
             problems: list[Problem]) -> dict[Any, Any]:
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(Problem(f"{key} must be a mapping of id → fields", file=file, path=key,
                                line=lines.get((key,), (None,))[0],
                                value=type(value).__name__))
        return {}
    return value


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _sources(data: dict[str, Any], file: str, lines: dict[Any, tuple[int, int]],
             problems: list[Problem]) -> dict[str, Source]:
    sources = {}
    for sid, s in _mapping(data, "sources", file, lines, problems).items():
        where: dict[str, Any] = {"file": file, "path": f"sources.{sid}",
                 "line": lines.get(("sources", sid), (None,))[0]}
        if s is not None and not isinstance(s, dict):
            problems.append(Problem("a source must be a mapping (title, file, date, url)",
                                    value=s, **where))
            continue
        s = s or {}
        try:  # the scenario's Source: one type for a cited document
            sources[str(sid)] = Source(
                id=str(sid), title=str(s.get("title", sid)), outlet=_text(s.get("outlet")),
                date=_date(s["date"], where, problems) if s.get("date") else None,
                author=_text(s.get("author")), file=_text(s.get("file")),
                url=_text(s.get("url")))
        except ValidationError as exc:
            problems.append(Problem(f"not a usable source: {exc.errors()[0]['msg']}", value=sid,
                                    allowed="an id of letters, digits, '_', '.', '-'",
                                    **where))
    return sources


#: The top-level keys of an analyst signals file.
TOP_KEYS = ("case", "description", "sources", "factions", "actors", "signals")
#: The fields of one signal.
SIGNAL_KEYS = ("id", "date", "actor", "target", "indicator", "summary", "verified", "evidence",
               "faction")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*\Z|^#\d+\Z")  # '#3': a signal without an id


def parse_signals(text: str, file: str) -> SignalCase:
    """Parse and validate a signals YAML document (``file`` names it in errors)."""
    data, lines = load_yaml(text, file)
    if data is None:
        raise DetenteError([Problem("empty signals file: expected a mapping with sources, "
                                    "actors, signals", file=file, line=1)])
    if not isinstance(data, dict):
        raise DetenteError([Problem("expected a mapping with sources, actors, signals",
                                    file=file, line=1, value=type(data).__name__)])
    problems: list[Problem] = [
        Problem("unknown top-level key", file=file, path=str(k),
                line=lines.get((k,), (None,))[0], value=k, allowed=", ".join(TOP_KEYS))
        for k in data if k not in TOP_KEYS]  # a misspelt 'signal:' was dropped silently
    sources = _sources(data, file, lines, problems)
    names, priors = {}, {}
    where: dict[str, Any]
    for code, a in _mapping(data, "actors", file, lines, problems).items():
        where = {"file": file, "path": f"actors.{code}.prior",
                 "line": lines.get(("actors", code), (None,))[0]}
        if a is not None and not isinstance(a, dict):
            problems.append(Problem("an actor must be a mapping (name, prior)", value=a,
                                    **{**where, "path": f"actors.{code}"}))
            continue
        a = a or {}
        names[str(code)] = str(a.get("name", code))
        p = a.get("prior") or {}
        if not isinstance(p, dict):
            problems.append(Problem("a prior must be a mapping (kept, broken, evidence)",
                                    value=p, **where))
            continue
        ev = _quotes(p["evidence"], sources, where, problems) if p.get("evidence") else ()
        if p and not ev and not p.get("assumption"):
            problems.append(Problem("a prior needs evidence or an assumption", **where))
        priors[str(code)] = PriorRecord(_count(p.get("kept", 0), where, "kept", problems),
                                        _count(p.get("broken", 0), where, "broken", problems),
                                        ev, _text(p.get("assumption")))
    raw_signals = data.get("signals") or []
    if not isinstance(raw_signals, list):
        problems.append(Problem("signals must be a list", file=file, path="signals",
                                line=lines.get(("signals",), (None,))[0],
                                value=type(raw_signals).__name__))
        raw_signals = []
    factions = _factions(data.get("factions") or {}, file, problems)
    known = indicators()
    signals = []
    for i, s in enumerate(raw_signals):
        line = lines.get(("signals", i), (None,))[0]
        sid = str(s.get("id", f"#{i + 1}")) if isinstance(s, dict) else f"#{i + 1}"
        where = {"file": file, "line": line, "path": f"signals[{i}] ({sid})"}
        if not isinstance(s, dict):
            problems.append(Problem("a signal must be a mapping", **where))
            continue
        missing = [k for k in ("date", "actor", "indicator") if not s.get(k)]
        if missing:
            problems.append(Problem(f"missing field(s): {', '.join(missing)}", **where))
            continue
        odd = [k for k in s if k not in SIGNAL_KEYS]  # a misspelt 'verifed:' was ignored
        if odd or not _ID.match(sid):
            problems.append(Problem(f"unknown field {odd[0]!r} (a typo?)", value=odd[0],
                                    allowed=", ".join(SIGNAL_KEYS), **where) if odd else
                            Problem("not a usable signal id", value=sid, allowed="letters, "
                                    "digits, '_', '.', '-' (starting with a letter or digit; "
                                    "no invisible or look-alike characters)", **where))
            continue
        if not isinstance(s["indicator"], str) or s["indicator"] not in known:
            problems.append(Problem("unknown indicator", value=s["indicator"],
                                    allowed=", ".join(known), **where))
            continue
        quotes = _quotes(s.get("evidence"), sources, where, problems)
        day = _date(s["date"], where, problems)
        fac = s.get("faction")
        if fac is not None and str(fac) not in {f.id for f in factions}:
            problems.append(Problem("unknown faction", value=fac, allowed=", ".join(
                f.id for f in factions) or "a faction declared under 'factions:'", **where))
            continue
        if quotes and day:
            signals.append(AnalystSignal(sid, day, str(s["actor"]), _text(s.get("target")),
                                         s["indicator"], str(s.get("summary", "")),
                                         bool(s.get("verified", False)), quotes, line or 0,
                                         str(fac) if fac else None))
    if problems:
        raise DetenteError(problems)
    return SignalCase(str(data.get("case", Path(file).stem)), file, sources, names, priors,
                      tuple(signals), factions)


def _factions(raw: Any, file: str, problems: list[Problem]) -> tuple[Faction, ...]:
    """``factions: {ID: {parent: RUS, name: ..., names: [...], codes: [...]}}``."""
    out = []
    if not isinstance(raw, dict):
        problems.append(Problem("factions must be a mapping of id to {parent, ...}", file=file,
                                path="factions"))
        return ()
    for fid, f in raw.items():
        path = f"factions.{fid}"
        if not isinstance(f, dict) or not f.get("parent"):
            problems.append(Problem("a faction needs a parent actor", file=file, path=path,
                                    allowed="{parent: RUS, names: [...], codes: [...]}"))
            continue
        lists = {k: f.get(k) or [] for k in ("names", "codes")}
        bad = [k for k, v in lists.items() if not isinstance(v, list)]
        if bad:
            problems.append(Problem(f"{', '.join(bad)} must be a list of strings", file=file,
                                    path=path))
            continue
        out.append(Faction(str(fid), str(f["parent"]), str(f.get("name", fid)),
                           tuple(str(n) for n in lists["names"]),
                           tuple(str(c) for c in lists["codes"])))
    return tuple(out)


def load_signals(path: Path | str) -> SignalCase:
    """Read a signals YAML file."""
    text = read_text(path, "signals")
    return parse_signals(text, str(path))


def bundled_signals(name: str = "ru-ua") -> SignalCase:
    """A bundled signals file from ``detente/cases/signals/``."""
    res = resources.files("detente").joinpath("cases", "signals", f"{name}.yaml")
    if not res.is_file():
        raise DetenteError([Problem("no such bundled signals file", value=name,
                                    allowed="ru-ua")])
    return parse_signals(res.read_text(encoding="utf-8"), f"cases/signals/{name}.yaml")
