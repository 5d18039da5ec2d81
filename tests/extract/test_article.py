"""Reading articles: metadata header, body, and one clear error per bad file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from detente.errors import DetenteError
from detente.extract.article import parse_article, read_article


def test_header_is_metadata_and_date_anchors() -> None:
    a = parse_article("Title: T\nOutlet: O\nDate: 2025-05-16\nURL: u\n---\nBody text.\n", "f")
    assert a.meta == {"title": "T", "outlet": "O", "date": "2025-05-16", "url": "u"}
    assert a.body == "Body text.\n"
    assert a.date == dt.date(2025, 5, 16)
    assert a.body_line == 6


def test_no_header_means_all_body() -> None:
    text = "Putin: no talks.\nZelensky said no.\n"
    a = parse_article(text, "f")
    assert a.meta == {} and a.body == text and a.date is None


def test_date_option_overrides_header() -> None:
    a = parse_article("Date: 2025-05-16\n---\nx", "f", dt.date(2024, 1, 2))
    assert a.date == dt.date(2024, 1, 2)


def test_bad_header_date_names_the_field() -> None:
    with pytest.raises(DetenteError, match=r"Date.*not a date"):
        parse_article("Date: May the fourth\n---\nx", "f")


@pytest.mark.parametrize(("content", "message"), [
    (b"", "empty file"),
    (b"   \n\n", "empty file"),
    (b"\x00\x01\x02binary", "binary file"),
    (b"caf\xe9 Putin", r"f\.txt:1: not valid UTF-8"),
    (b"Title: x\n---\n\n", "no body"),
])
def test_bad_files_get_one_clear_message(tmp_path: Path, content: bytes, message: str) -> None:
    f = tmp_path / "f.txt"
    f.write_bytes(content)
    with pytest.raises(DetenteError, match=message):
        read_article(f)


def test_size_limit(tmp_path: Path) -> None:
    f = tmp_path / "big.txt"
    f.write_text("Putin said talks. " * 100, encoding="utf-8")
    with pytest.raises(DetenteError, match="over the 100-byte limit"):
        read_article(f, max_bytes=100)


def test_bom_and_crlf_are_normalised(tmp_path: Path) -> None:
    f = tmp_path / "f.txt"
    f.write_bytes("\ufeffTitle: T\r\n---\r\nRussia met Ukraine.\r\n".encode())
    a = read_article(f)
    assert a.title == "T" and a.body == "Russia met Ukraine.\n"
