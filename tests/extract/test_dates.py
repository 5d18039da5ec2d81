"""Dates in sentences, resolved against the article's date (hand-checked calendars)."""

from __future__ import annotations

import datetime as dt

import pytest

from detente.extract.dates import find_date

ANCHOR = dt.date(2025, 5, 17)  # a Saturday


@pytest.mark.parametrize(("sentence", "anchor", "expected"), [
    ("talks in Istanbul on Friday", ANCHOR, "2025-05-16"),
    ("their May 16–17 state visit", dt.date(2024, 6, 10), "2024-05-16"),
    ("at the forum on Sept. 5 he said", dt.date(2024, 9, 24), "2024-09-05"),
    ("Speaking on 17 July, Peskov", dt.date(2023, 7, 17), "2023-07-17"),
    ("in June 2024 at a meeting", None, "2024-06"),
    ("in February-April 2022, weeks after", None, "2022-02"),
    ("on November 25 that Ukraine", dt.date(2025, 11, 26), "2025-11-25"),
    ("a deal signed 2022-07-22 in Istanbul", None, "2022-07-22"),
    ("yesterday the Kremlin said", ANCHOR, "2025-05-16"),
    ("last month Kyiv proposed", ANCHOR, "2025-04"),
    ("a December meeting", dt.date(2025, 3, 1), None),
    ("no date here", ANCHOR, None),
    ("on Friday", None, None),
])
def test_find_date(sentence: str, anchor: dt.date | None, expected: str | None) -> None:
    assert find_date(sentence, anchor) == expected


def test_a_day_after_the_anchor_is_last_year() -> None:
    # Reported in January about "December 20": the previous December.
    assert find_date("on December 20 the sides met", dt.date(2025, 1, 10)) == "2024-12-20"
