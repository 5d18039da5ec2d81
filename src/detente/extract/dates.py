"""Dates in a sentence, resolved against the article's date.

Expressions found by pattern ("May 16–17", "on Sept. 5", "in June 2024", "February-April 2022",
"on Friday", "last month", "on 17 July") are resolved with ``dateparser`` relative to the
anchor, preferring the past (a report describes what already happened). A day gives an ISO date,
a month alone ``YYYY-MM``. Without an anchor, only expressions that name a year resolve.

>>> import datetime as dt
>>> find_date("Putin spoke on Sept. 5 in Vladivostok.", dt.date(2024, 9, 24))
'2024-09-05'
>>> find_date("talks were held on Friday", dt.date(2025, 5, 17))
'2025-05-16'
>>> find_date("in June 2024 at a meeting", None)
'2024-06'
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|"
          r"Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(p)) for kind, p in (
        ("iso", rf"\b({_YEAR}-[01]\d-[0-3]\d)\b"),
        ("day", rf"\b({_MONTH}\s+{_DAY})(?:\s*[–-]\s*\d\d?)?(?:,?\s+({_YEAR}))?\b"),
        ("day", rf"\b({_DAY}\s+{_MONTH})(?:,?\s+({_YEAR}))?\b"),
        ("month", rf"\b({_MONTH})(?:\s*[–-]\s*{_MONTH})?\s+({_YEAR})\b"),
        ("weekday", rf"\b(?:on|last|this)\s+({_WEEKDAY})\b"),
        ("relative", r"\b(yesterday|last week|last month|earlier this week|this week)\b"),
    ))


@lru_cache(maxsize=4096)
def _parse(expr: str, anchor: dt.date | None) -> dt.date | None:
    try:
        import dateparser  # imported on first use: start-up of other commands stays fast
    except ImportError as exc:  # pragma: no cover - depends on the install
        from detente.errors import DetenteError

        raise DetenteError.one("date resolution needs dateparser", path="extract",
                               allowed='pip install "detente[extract]"') from exc

    settings: dict[str, object] = {"PREFER_DATES_FROM": "past", "DATE_ORDER": "MDY",
                                   "PREFER_DAY_OF_MONTH": "first"}
    if anchor is not None:
        settings["RELATIVE_BASE"] = dt.datetime(anchor.year, anchor.month, anchor.day, 12)
    got = dateparser.parse(expr.replace(".", ""), languages=["en"], settings=settings)
    return got.date() if got else None


def find_date(sentence: str, anchor: dt.date | None) -> str | None:
    """The first date expression in ``sentence``, as ISO date or ``YYYY-MM``; else None (also
    when it would fall outside the calendar: "last week" of an article dated 0001-01-01)."""
    try:
        return _find_date(sentence, anchor)
    except (OverflowError, ValueError):  # date arithmetic before year 1 or after 9999
        return None


def _find_date(sentence: str, anchor: dt.date | None) -> str | None:
    for kind, pattern in _PATTERNS:
        m = pattern.search(sentence)
        if not m:
            continue
        if kind == "iso":
            return m.group(1)
        if kind == "month":
            got = _parse(f"{m.group(1)} 1 {m.group(2)}", None)
            return got.strftime("%Y-%m") if got else None
        if kind == "day":
            year = m.group(2)
            if year is None and anchor is None:
                continue
            got = _parse(f"{m.group(1)} {year}" if year else m.group(1), anchor)
            if got and anchor and not year and got > anchor:
                got = got.replace(year=got.year - 1)
            return got.isoformat() if got else None
        if anchor is None:
            continue
        if kind == "weekday":
            return _weekday(m.group(1), anchor).isoformat()
        return _relative(m.group(1).lower(), anchor)
    return None


def _weekday(name: str, anchor: dt.date) -> dt.date:
    target = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
              "sunday"].index(name.lower())
    back = (anchor.weekday() - target) % 7
    return anchor - dt.timedelta(days=back)


def _relative(expr: str, anchor: dt.date) -> str:
    if expr == "yesterday":
        return (anchor - dt.timedelta(days=1)).isoformat()
    if expr == "last month":
        first = anchor.replace(day=1) - dt.timedelta(days=1)
        return first.strftime("%Y-%m")
    start = anchor - dt.timedelta(days=anchor.weekday() + (7 if expr == "last week" else 0))
    end = start + dt.timedelta(days=6)
    return f"{start.isoformat()}/{min(end, anchor).isoformat()}"
