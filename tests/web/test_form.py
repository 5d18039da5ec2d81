"""The scenario form beyond in-place numbers: the values of options and outcome BATNAs are
edited in place (every other byte of the YAML kept), and the analysis after the edit is the
library's on the same scenario edited independently (in its parsed data)."""

from __future__ import annotations

import copy
import difflib
import re
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

import yaml
from fastapi.testclient import TestClient

import detente.api as api
from detente.cases import case_path
from detente.errors import ScenarioError
from detente.scenario.load import validate_data
from detente.web.app import create_app

CASE = "ru-ua-2024-09"


def zopa(html: str) -> int:
    m = re.search(r'id="zopa-count">([\d,]+)<', html)
    assert m, html[:500]
    return int(m.group(1).replace(",", ""))


def _data() -> dict[str, Any]:
    return copy.deepcopy(yaml.safe_load(case_path(CASE).read_text(encoding="utf-8")))


def _changed_lines(a: str, b: str) -> list[str]:
    return [x for x in difflib.unified_diff(a.splitlines(), b.splitlines(), n=0, lineterm="")
            if x[:1] in "+-" and x[:3] not in ("+++", "---")]


def test_the_value_of_an_option_is_edited_in_place(tmp_path: Path) -> None:
    client = TestClient(create_app(None, tmp_path / "out"), raise_server_exceptions=False,
                        headers={"HX-Request": "true"})
    data = _data()
    k, st = next((k, st) for k, st in enumerate(data["stances"]) if st.get("values"))
    option = next(iter(st["values"]))
    path = f"stances[{k}].values.{option}"
    page = client.get(f"/case/{CASE}").text
    assert f'data-path="{path}"' in page and "Values of options" in page
    r = client.post(f"/case/{CASE}/edit", data={"rev": 0, "path": path, "value": "0.05",
                                                 "kind": "number"})
    assert r.status_code == 200
    st["values"][option]["value"] = 0.05
    assert zopa(r.text) == api.analyze(validate_data(data, "oracle")).zopa_outcomes
    draft = client.app.state.detente.ws.get(CASE).text  # type: ignore[attr-defined]
    original = case_path(CASE).read_text(encoding="utf-8")
    changed = _changed_lines(original, draft)
    assert len(changed) == 2 and option in changed[0] and "0.05" in changed[1]
    assert "assumption" in changed[1] or "evidence" in changed[1]  # its trace is kept
    # out of range: the loader's message for the field, in the page
    bad = client.post(f"/case/{CASE}/edit", data={"rev": 1, "path": path, "value": "1.4",
                                                   "kind": "number"})
    assert bad.status_code == 422
    assert re.search(rf"{CASE}:\d+:\d+: stances\[{k}\]\.values", bad.text)


@pytest.fixture
def outcome_case(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """The case with RUS's BATNA given as an outcome package (the first option of every
    issue, the low end of a grid), written as a file of a folder the workbench serves."""
    data = _data()
    rus = next(a for a in data["actors"] if a["id"] == "RUS")
    rus["batna"] = {"outcome": {i["id"]: i["options"][0]["id"] if i.get("options")
                                else i["grid"]["low"] for i in data["issues"]},
                    "assumption": "test fixture: talks fail on everyone's first option"}
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "outcome.yaml").write_text(yaml.safe_dump(data, sort_keys=False,
                                                        allow_unicode=True), encoding="utf-8")
    return folder, data


def test_an_outcome_batna_is_edited_issue_by_issue(outcome_case: tuple[Path, dict[str, Any]],
                                                    tmp_path: Path) -> None:
    folder, data = outcome_case
    client = TestClient(create_app(str(folder), tmp_path / "out"),
                        raise_server_exceptions=False, headers={"HX-Request": "true"})
    issue = next(x for x in data["issues"] if x.get("options"))
    grid = next((x for x in data["issues"] if x.get("grid")), None)
    i = next(n for n, a in enumerate(data["actors"]) if a["id"] == "RUS")
    path = f"actors[{i}].batna.outcome.{issue['id']}"
    page = client.get("/case/outcome").text
    assert f'data-path="{path}"' in page
    for o in issue["options"]:  # the select offers the issue's options
        assert f'<option value="{o["id"]}"' in page
    if grid is not None:  # a grid issue's value is a number field
        assert f'data-path="actors[{i}].batna.outcome.{grid["id"]}"' in page
    before = zopa(page)
    last = issue["options"][-1]["id"]
    r = client.post("/case/outcome/edit", data={"rev": 0, "path": path, "value": last,
                                                 "kind": "option"})
    assert r.status_code == 200
    data["actors"][i]["batna"]["outcome"][issue["id"]] = last
    want = api.analyze(validate_data(data, "oracle")).zopa_outcomes
    assert zopa(r.text) == want
    assert want != before  # the edit moved the ZOPA
    # a forged option is refused with the loader's message, as `detente check` gives it
    bad = client.post("/case/outcome/edit", data={"rev": 1, "path": path, "value": "nowhere",
                                                   "kind": "option"})
    assert bad.status_code == 422
    data["actors"][i]["batna"]["outcome"][issue["id"]] = "nowhere"
    with pytest.raises(ScenarioError) as exc:
        validate_data(data, "x")
    first = str(exc.value).split(": ", 2)[-1][:40]
    assert first.replace("'", "&#39;") in bad.text
    assert re.search(rf"outcome\.yaml:\d+:\d+: actors\[{i}\]\.batna\.outcome", bad.text)
