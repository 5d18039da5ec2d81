"""Invisible and layout characters in text: which inputs refuse them and how outputs show them.

Some characters print as nothing or move the text around them: the bidirectional embeddings,
overrides and isolates (U+202A–U+202E, U+2066–U+2069), the zero-width space, joiners and
direction marks (U+200B–U+200F), the word joiner and invisible operators (U+2060–U+2064), a
byte-order mark inside text (U+FEFF), the soft hyphen, the Arabic letter mark, Unicode tag
characters. A name holding one can look exactly like another name, or make a printed line
read differently from what it holds ("Trojan Source", Boucher & Anderson 2021,
CVE-2021-42574). The decision, per kind of field (``docs/limits.md``, "Invisible and layout
characters"):

- **refused** in everything an analyst writes — every YAML text value and key (scenario, war,
  analyst-signal, outcome files), the names of a GENIUS file, the cells of a KTAB, BdM, DEU or
  commitments table: an error at the line and field that names the character;
- **refused when it moves text** (:data:`MOVES`) in an article and a gold file (their quotes
  reach drafts and reports), the rest kept: zero-width spaces and direction marks occur in
  real news text;
- **kept and shown escaped** in third-party records detente only reads (PA-X, UCDP, event
  files) and in source texts: PA-X v9 holds 85 zero-width spaces and a byte-order mark in its
  signatory texts. Wherever such text is printed or written for people to read (the terminal,
  HTML, CSV), :func:`shown` writes each of these characters as ``<U+200B>``.
"""

from __future__ import annotations

import re
from typing import Any

from detente.errors import DetenteError, Problem

_MOVES = "\u202a-\u202e\u2066-\u2069"
MOVES = re.compile(f"[{_MOVES}]")
"""The characters that reorder the text around them (embeddings, overrides, isolates)."""
INVISIBLE = re.compile(f"[\u00ad\u061c\u180e\u200b-\u200f\u2060-\u2064{_MOVES}\u206a-\u206f"
                       "\ufeff\ufff9-\ufffb\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
                       "\U000e0001\U000e0020-\U000e007f]")
"""Every character that prints as nothing or moves other text (format characters, Cf)."""

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Control characters other than tab and newline (C0, DEL, C1 such as U+0085 NEXT LINE): refused
in every analyst-written text (YAML lets them in only as escapes such as ``"\\e[31m"``; an
ESC sequence in a title or name would reach the terminal as a command, and U+0085 is a line
break to ``str.splitlines``)."""

ALLOWED = ("visible text: write it without the character (right-to-left scripts are laid out "
           "without these controls; a zero-width space or joiner only hides a difference)")


def describe(ch: str) -> str:
    """``U+202E (RIGHT-TO-LEFT OVERRIDE)``."""
    import unicodedata

    return f"U+{ord(ch):04X} ({unicodedata.name(ch, 'format character')})"


def message(ch: str) -> str:
    """Why the character is refused, for an error message."""
    what = ("reorders the text around it on screen" if MOVES.match(ch)
            else "prints as nothing, so two different texts look the same")
    return f"an invisible character {describe(ch)} in the text: it {what}"


def refuse_in(text: str, file: str, moves_only: bool = False) -> None:
    """:func:`refuse` for a whole file's ``text``, naming the line of the first one."""
    if m := (MOVES if moves_only else INVISIBLE).search(text):
        line = text.count("\n", 0, m.start()) + 1
        raise DetenteError([Problem(message(m.group()), file=file, line=line, allowed=ALLOWED)])


def find_in(data: object, moves_only: bool = False) -> tuple[str, str] | None:
    """The field path and the first refused character in the strings (keys and values) of
    parsed JSON ``data``, or None (a loop, not a recursion: any depth JSON reads)."""
    pattern = MOVES if moves_only else INVISIBLE
    stack: list[tuple[str, object]] = [("", data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, str):
            if m := pattern.search(node):
                return path, m.group()
            continue
        items = (node.items() if isinstance(node, dict) else enumerate(node)
                 if isinstance(node, list) else ())
        for key, value in reversed(list(items)):
            sub = f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}".lstrip(".")
            stack.append((sub, value))
            if isinstance(key, str):
                stack.append((sub, key))
    return None


def without_invisible(data: Any) -> Any:
    """Parsed JSON ``data`` (of a checked, shallow layout: a gold file) with the invisible
    characters removed from every string, as an article's text is read."""
    if isinstance(data, str):
        return data if data.isascii() else INVISIBLE.sub("", data)
    if isinstance(data, dict):
        return {without_invisible(k): without_invisible(v) for k, v in data.items()}
    if isinstance(data, list):
        return [without_invisible(v) for v in data]
    return data


def shown(text: str, escaped: bool = False) -> str:
    """``text`` with each invisible or layout character written as ``<U+200B>`` (for the
    terminal, HTML and CSV outputs of text detente keeps as it was read); ``escaped``: as
    ``&lt;U+200B&gt;``, for text that is already HTML markup."""
    if text.isascii() or not INVISIBLE.search(text):
        return text
    form = "&lt;U+{:04X}&gt;" if escaped else "<U+{:04X}>"
    return INVISIBLE.sub(lambda m: form.format(ord(m.group())), text)
