"""The Signals page over any signals file the workbench knows: the bundled ones, a signals file
in the folder it serves, and a scenario's own page (the file covering it, up to its date); a
scenario no file covers, and an actor with no signals, get one sentence saying so."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient

import detente.api as api
from detente.cases import case_path
from detente.web.app import create_app

BUNDLED = Path(api.__file__).parent / "cases" / "signals" / "ru-ua.yaml"


def rows(html: str) -> int:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return body.count("<tr>")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder with a signals file of case ``demo``, a scenario it covers and one it does
    not."""
    d = tmp_path / "cases"
    d.mkdir()
    text = BUNDLED.read_text(encoding="utf-8")
    (d / "demo-signals.yaml").write_text(re.sub(r"(?m)^case: ru-ua$", "case: demo", text),
                                         encoding="utf-8")
    scenario = case_path("ru-ua-2022-03").read_text(encoding="utf-8")
    (d / "demo-2022.yaml").write_text(scenario, encoding="utf-8")
    (d / "elsewhere.yaml").write_text(re.sub(r"(?m)^id: .*$", "id: elsewhere", scenario, count=1),
                                      encoding="utf-8")
    return d


def test_bundled_signals_by_default_and_any_actor_with_signals(tmp_path: Path) -> None:
    client = TestClient(create_app(None, tmp_path / "out"))
    page = client.get("/signals").text  # the first file with signals, its busiest actor
    assert rows(page) == len(api.credibility("RUS").moves)
    ukr = client.get("/signals?source=ru-ua&actor=UKR").text
    assert rows(ukr) == len(api.credibility("UKR").moves)
    assert (tmp_path / "out" / "records" / "signals-ru-ua-UKR.json").is_file()
    none = client.get("/signals?actor=FRA").text
    assert "FRA has no signals in ru-ua; actors with signals: RUS, UKR." in none
    assert client.get("/signals?source=nope").status_code == 404


def test_a_case_page_shows_the_signals_up_to_its_date(tmp_path: Path) -> None:
    client = TestClient(create_app(None, tmp_path / "out"))
    page = client.get("/case/ru-ua-2022-03/signals").text
    date = api.load("ru-ua-2022-03").date
    want = len(api.credibility("RUS", date_to=date).moves)
    assert rows(page) == want < len(api.credibility("RUS").moves)
    assert f"up to the scenario's date {date}" in page


def test_a_signals_file_in_the_folder_and_a_case_with_none(folder: Path, tmp_path: Path
                                                           ) -> None:
    client = TestClient(create_app(str(folder), tmp_path / "out"))
    index = client.get("/").text
    assert "demo-2022" in index and "demo-signals" not in index  # not listed as a scenario
    listed = client.get("/signals?source=demo-signals&actor=RUS").text
    path = folder / "demo-signals.yaml"
    assert rows(listed) == len(api.credibility("RUS", case=str(path)).moves)
    covered = client.get("/case/demo-2022/signals").text  # key "demo-2022" ⊃ case "demo"
    date = api.load(str(folder / "demo-2022.yaml")).date
    assert rows(covered) == len(api.credibility("RUS", case=str(path), date_to=date).moves)
    alone = client.get("/case/elsewhere/signals")
    assert alone.status_code == 200
    assert "elsewhere has no signals: no signals file here covers it" in alone.text
    assert "<tbody>" not in alone.text
