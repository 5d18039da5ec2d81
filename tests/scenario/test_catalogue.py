"""``detente cases`` from the index of the bundled cases: the shipped index is what loading and
validating every case gives, the command's outputs are the same with and without it, and a
case whose file is not the indexed one is loaded and validated as before."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import detente.cases
from detente.cli.app import main
from detente.errors import ScenarioError
from detente.scenario import catalogue as cat


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_shipped_index_is_what_loading_every_case_gives() -> None:
    # Fails when a bundled case or the scenario model changed without the index:
    # run `python3 scripts/case_index.py`.
    shipped = (Path(str(detente.cases._dir())) / cat.INDEX).read_text(encoding="utf-8")
    assert shipped == cat.index_text(cat.build_index())


def test_catalogue_from_the_index_equals_loading_every_case(
        monkeypatch: pytest.MonkeyPatch) -> None:
    fast = cat.catalogue()
    monkeypatch.setattr(cat, "_indexed", lambda folder: {})
    slow = cat.catalogue()
    assert fast.to_json() == slow.to_json()
    assert [r["case"] for r in fast.cases] == detente.cases.case_names()


@pytest.mark.parametrize("extra", [[], ["--json", "{tmp}/c.json", "--csv", "{tmp}/t"]])
def test_cases_command_outputs_are_byte_identical_without_the_index(
        extra: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    def outputs(tag: str) -> tuple[object, ...]:
        folder = tmp_path / tag
        folder.mkdir()
        argv = ["cases", *(a.format(tmp=folder) for a in extra)]
        code, out, err = _run(argv, capsys)
        files = sorted((p.relative_to(folder).as_posix(), p.read_bytes())
                       for p in folder.rglob("*") if p.is_file())
        return code, out.replace(str(folder), "DIR"), err, files

    fast = outputs("fast")
    monkeypatch.setattr(cat, "_indexed", lambda folder: {})
    assert outputs("slow") == fast
    assert fast[0] == 0 and "ru-ua-2024-09" in str(fast[1])


@pytest.fixture
def cases_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled case files and their index, standing in for the package's."""
    folder = tmp_path / "cases"
    folder.mkdir()
    src = Path(str(detente.cases._dir()))
    for p in [*src.glob("*.yaml"), src / cat.INDEX]:
        shutil.copy(p, folder / p.name)
    monkeypatch.setattr(detente.cases, "_dir", lambda: folder)
    return folder


def test_an_edited_case_is_loaded_not_taken_from_the_index(cases_copy: Path) -> None:
    path = cases_copy / "ru-ua-2024-09.yaml"
    text = path.read_text(encoding="utf-8")
    old = cat.case_row("ru-ua-2024-09", path)["title"]
    assert text.count(f'title: "{old}"') == 1
    path.write_text(text.replace(f'title: "{old}"', "title: Edited title"), encoding="utf-8")
    rows = {r["case"]: r for r in cat.catalogue().cases}
    assert rows["ru-ua-2024-09"]["title"] == "Edited title"
    assert rows["ru-ua-2022-03"] == cat.case_row("ru-ua-2022-03", cases_copy / "ru-ua-2022-03.yaml")


def test_an_invalid_case_fails_as_before_even_with_an_index(cases_copy: Path) -> None:
    path = cases_copy / "ru-ua-2022-03.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\nno_such_field: 1\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="no_such_field"):
        cat.catalogue()


def test_a_case_not_in_the_index_is_listed(cases_copy: Path) -> None:
    shutil.copy(cases_copy / "ru-ua-2025-06.yaml", cases_copy / "zz-copy.yaml")
    rows = cat.catalogue().cases
    assert [r["case"] for r in rows][-2:] == ["ru-ua-2025-11", "zz-copy"]
    assert rows[-1] == {**cat.case_row("ru-ua-2025-06", cases_copy / "ru-ua-2025-06.yaml"),
                        "case": "zz-copy"}


@pytest.mark.parametrize("index", ["", "{not json", json.dumps({"cases": [{"row": {}}]}), "[]"])
def test_a_missing_or_unreadable_index_means_loading_every_case(
        index: str, cases_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = cat.catalogue().to_json()
    if index:
        (cases_copy / cat.INDEX).write_text(index, encoding="utf-8")
    else:
        (cases_copy / cat.INDEX).unlink()
    loads: list[str] = []
    row = cat.case_row
    monkeypatch.setattr(cat, "case_row", lambda name, path: loads.append(name) or row(name, path))
    assert cat.catalogue().to_json() == expected
    assert loads == detente.cases.case_names()


@pytest.mark.parametrize("change", [
    {"actors": "ten"}, {"outcomes": -1}, {"issues": True}, {"veto_players": 99},
    {"extra": 1}, {"title": None}])
def test_an_index_row_of_the_wrong_shape_is_not_trusted(
        change: dict[str, object], cases_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The row's key (case name, SHA-256 of the file) matches, but the row itself is damaged:
    that case is loaded (its true row listed); the other rows still come from the index."""
    expected = cat.catalogue().to_json()
    index = json.loads((cases_copy / cat.INDEX).read_text(encoding="utf-8"))
    row = index["cases"][1]["row"]
    row.update(change)
    (cases_copy / cat.INDEX).write_text(json.dumps(index), encoding="utf-8")
    loads: list[str] = []
    real = cat.case_row
    monkeypatch.setattr(cat, "case_row", lambda name, path: loads.append(name) or real(name, path))
    assert cat.catalogue().to_json() == expected
    assert loads == [detente.cases.case_names()[1]]


def test_an_index_nested_too_deeply_means_loading_every_case(cases_copy: Path) -> None:
    expected = cat.catalogue().to_json()
    (cases_copy / cat.INDEX).write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert cat.catalogue().to_json() == expected  # json.loads raised RecursionError before
