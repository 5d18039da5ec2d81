"""One regression test per finding of the fifth session's hostile-input sweep (the outcomes file
of the war retrospective, the large GENIUS domains, whole-file mutations of every table and
event format): each input once ended in a traceback or a wrong success and now gets one clear
error naming the file (line, field path) or the argument."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from detente.errors import DetenteError
from detente.war.retrospective import load_outcomes, retrospective

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "tests" / "data" / "war" / "retrospective_events.yaml"


# -- the war retrospective's outcomes: no reader validated them -----------------------------
# retrospective() of a mutated file's mapping: TypeError (an outcome that is a list),
# AttributeError (a case that is a number), ValueError (an outcome '0001-01-01'),
# OverflowError (an outcome .inf), and NaN outcomes scored as 0 (int(nan) is refused, int(0.5)
# is 0: a wrong success).
@pytest.mark.parametrize(("outcomes", "path", "what"), [
    ({"ru-ua-2022-11": {"any_truce": {12: []}}}, "ru-ua-2022-11.any_truce.12", "0 or 1"),
    ({"ru-ua-2022-11": -0.0}, "ru-ua-2022-11", "non-empty mapping"),
    ({"ru-ua-2022-03": {"any_truce": {12: "0001-01-01"}}}, "ru-ua-2022-03.any_truce.12",
     "0 or 1"),
    ({"ru-ua-2022-11": {"any_truce": {6: math.inf}}}, "ru-ua-2022-11.any_truce.6", "0 or 1"),
    ({"ru-ua-2022-11": {"settlement": {6: 0.5}}}, "ru-ua-2022-11.settlement.6", "0 or 1"),
    ({"ru-ua-2022-11": {"settlement": {6: True}}}, "ru-ua-2022-11.settlement.6", "0 or 1"),
    ({"ru-ua-2022-11": {"settlement": {0: 1}}}, "ru-ua-2022-11.settlement.0", "1 … 600"),
    ({"ru-ua-2022-11": {"settlement": {10**30: 1}}}, "ru-ua-2022-11.settlement.", "1 … 600"),
    ({"ru-ua-2022-11": {"setlement": {6: 0}}}, "ru-ua-2022-11.setlement", "any_truce"),
    ({"nosuch": {"settlement": {6: 0}}}, "nosuch", "ru-ua-2024-09"),
    ([1, 2], None, "{case: {event"),
])
def test_outcomes_of_the_wrong_shape(outcomes: object, path: str | None, what: str) -> None:
    with pytest.raises(DetenteError) as err:
        retrospective(outcomes, paths=50)  # type: ignore[arg-type]
    text = str(err.value)
    assert what in text and (path is None or path in text), text


@pytest.mark.parametrize(("kw", "name"), [({"paths": 0}, "paths"), ({"paths": "9"}, "paths"),
                                          ({"seed": -1}, "seed")])
def test_retrospective_arguments(kw: dict[str, object], name: str) -> None:
    with pytest.raises(DetenteError, match=name):
        retrospective({"ru-ua-2022-11": {"settlement": {6: 0}}}, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "where"), [
    ("source: s\nquote: q\ncases:\n  ru-ua-2022-11: {settlement: {6: .nan}}\n",
     ":4:32: cases.ru-ua-2022-11.settlement.6: the outcome must be 0"),
    ("source: s\ncases:\n  ru-ua-2022-11: {settlement: {6: 0}}\n", ": quote: missing"),
    ("source: s\nquote: q\nextra: 1\ncases: {ru-ua-2022-11: {settlement: {6: 0}}}\n",
     ":3: extra: unknown field"),
    ("source: s\nquote: q\ncases: {ru-ua-2022-11: {settlement: {6: 0, 6: 1}}}\n",
     ":3: cases.ru-ua-2022-11.settlement.6: duplicate key"),
    ("- 1\n", ":1: expected a YAML mapping"),
    ("source: s\nquote: q\ncases: []\n", ":3:1: cases: expected a non-empty mapping"),
])
def test_outcomes_file_errors_name_file_line_and_field(tmp_path: Path, text: str,
                                                        where: str) -> None:
    f = tmp_path / "events.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(DetenteError) as err:
        load_outcomes(f)
    assert f"{f}{where}" in str(err.value)


def test_the_bundled_outcomes_file_still_loads() -> None:
    cases = load_outcomes(EVENTS)
    assert set(cases) == {"ru-ua-2022-03", "ru-ua-2022-11", "ru-ua-2024-09"}
    assert cases["ru-ua-2024-09"]["direct_talks"] == {6: 0, 12: 1}
