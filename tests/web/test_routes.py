"""The workbench's routes through FastAPI's TestClient: pages, edits checked against the library
run on an independently edited scenario, the CLI's messages and records, and bad input."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

import yaml
from fastapi.testclient import TestClient

import detente.api as api
from detente.cases import case_names, case_path
from detente.errors import ScenarioError
from detente.scenario.load import validate_data
from detente.web.app import create_app

CASE = "ru-ua-2024-09"


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "out"


@pytest.fixture
def client(out: Path) -> TestClient:
    return TestClient(create_app(None, out), raise_server_exceptions=False,
                      headers={"HX-Request": "true"})


def zopa(html: str) -> int:
    m = re.search(r'id="zopa-count">([\d,]+)<', html)
    assert m, html[:500]
    return int(m.group(1).replace(",", ""))


def batna_edited(value: float) -> int:
    """The oracle: the ZOPA of the bundled case with RUS's BATNA set in the parsed data (not
    in the text, as the app does), analysed by the library."""
    data = copy.deepcopy(yaml.safe_load(case_path(CASE).read_text(encoding="utf-8")))
    rus = next(a for a in data["actors"] if a["id"] == "RUS")
    rus["batna"]["value"] = value
    return api.analyze(validate_data(data, "oracle")).zopa_outcomes


def test_index_lists_every_case(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    for name in case_names():
        assert f'href="/case/{name}"' in r.text
    assert "default-src 'self'" in r.headers["content-security-policy"]


def test_case_page_shows_values_with_their_evidence(client: TestClient) -> None:
    r = client.get(f"/case/{CASE}")
    assert r.status_code == 200
    s = api.load(CASE)
    rus = s.actors[0]
    assert 'data-path="actors[0].batna"' in r.text
    assert rus.batna is not None and rus.batna.assumption
    assert rus.batna.assumption[:60].replace("'", "&#39;") in r.text
    assert s.stances[0].salience.evidence[0].quote[:40].replace("'", "&#39;") in r.text
    assert zopa(r.text) == api.analyze(CASE).zopa_outcomes


def test_editing_a_batna_moves_the_zopa_as_the_library_says(client: TestClient) -> None:
    before = zopa(client.get(f"/case/{CASE}").text)
    r = client.post(f"/case/{CASE}/edit", data={"rev": 0, "path": "actors[0].batna",
                                                 "value": "0.7", "kind": "number"})
    assert r.status_code == 200
    after = zopa(r.text)
    assert after == batna_edited(0.7)
    assert after < before  # a higher BATNA for Moscow narrows the zone
    assert 'id="rev" name="rev" value="1"' in r.text
    diff = client.get(f"/case/{CASE}/diff").text
    assert "-      value: [0.36, 0.55, 0.72]" in diff and "+      value: 0.7" in diff


def test_invalid_edit_shows_the_check_message_and_keeps_the_draft(client: TestClient) -> None:
    r = client.post(f"/case/{CASE}/edit", data={"rev": 0, "path": "actors[0].batna",
                                                 "value": "1.5", "kind": "number"},
                    headers={"HX-Request": "true"})
    assert r.status_code == 422 and r.headers["hx-retarget"] == "#messages"
    text = case_path(CASE).read_text(encoding="utf-8").replace(
        "value: [0.36, 0.55, 0.72]", "value: 1.5", 1)
    with pytest.raises(ScenarioError) as exc:
        validate_data(*_parsed(text, CASE))
    assert str(exc.value).replace("'", "&#39;") in r.text
    assert re.search(rf"{CASE}:\d+:\d+: actors\[0\]\.batna", r.text)
    ok = client.post(f"/case/{CASE}/edit", data={"rev": 0, "path": "actors[0].batna",
                                                  "value": "0.5", "kind": "number"})
    assert ok.status_code == 200  # the refused edit did not bump the revision


def _parsed(text: str, file: str) -> tuple[object, str, object]:
    from detente.scenario.load import parse_yaml

    data, where = parse_yaml(text, file)
    return data, file, where


def test_malformed_yaml_names_the_line(client: TestClient) -> None:
    r = client.post(f"/case/{CASE}/yaml", data={"rev": 0, "text": "id: x\nactors: [\n"},
                    headers={"HX-Request": "true"})
    assert r.status_code == 422
    assert "malformed YAML" in r.text and f"{CASE}:3" in r.text
    assert "Traceback" not in r.text
    r = client.post(f"/case/{CASE}/yaml", data={"rev": 0, "text": "- 1\n- 2\n"})
    assert r.status_code == 422 and "not a detente scenario" in r.text


def test_a_field_that_is_not_in_the_form_is_refused(client: TestClient) -> None:
    for path in ("id", "actors[0].name", "actors[99].batna", "sources"):
        r = client.post(f"/case/{CASE}/edit", data={"rev": 0, "path": path, "value": "x",
                                                     "kind": "number"})
        assert r.status_code == 400, path
    r = client.post(f"/case/{CASE}/edit", data={"rev": 0, "path": "actors[0].batna",
                                                 "value": "0.5\nid: hacked", "kind": "number"})
    assert r.status_code == 422  # a quoted string, refused by the validator: no key injected


def test_two_tabs_a_stale_edit_is_refused(client: TestClient) -> None:
    first = client.post(f"/case/{CASE}/edit", data={"rev": 0, "path": "actors[0].batna",
                                                     "value": "0.6", "kind": "number"})
    assert first.status_code == 200
    stale = client.post(f"/case/{CASE}/edit", data={"rev": 0, "path": "actors[3].batna",
                                                     "value": "0.2", "kind": "number"})
    assert stale.status_code == 409 and "another tab" in stale.text
    assert "value: 0.6" in client.get(f"/case/{CASE}/diff").text
    assert "0.2" not in client.get(f"/case/{CASE}/diff").text.split("+++")[1]


def test_save_as_writes_a_validated_new_file_and_never_overwrites(client: TestClient,
                                                                    out: Path) -> None:
    client.post(f"/case/{CASE}/edit", data={"rev": 0, "path": "stances[0].salience",
                                            "value": "0.5", "kind": "number"})
    r = client.post(f"/case/{CASE}/save", data={"rev": 1, "name": "mine.yaml"})
    assert r.status_code == 200 and "Saved" in r.text and "+      value: 0.5" in r.text
    saved = api.load(out / "mine.yaml")
    assert saved.stances[0].salience.value.likely == 0.5
    assert api.load(CASE).stances[0].salience.value.likely == 0.9  # the case is untouched
    again = client.post(f"/case/{CASE}/save", data={"rev": 1, "name": "mine.yaml"})
    assert again.status_code == 409 and "never overwrites" in again.text


@pytest.mark.parametrize("name", ["../evil.yaml", "/tmp/evil.yaml", "a/b.yaml", "..yaml",
                                  "evil.txt", "", ".hidden.yaml", "x" * 200 + ".yaml"])
def test_save_as_refuses_any_path_outside_the_output_folder(client: TestClient, out: Path,
                                                             tmp_path: Path, name: str) -> None:
    before = {p for p in tmp_path.rglob("*")}
    r = client.post(f"/case/{CASE}/save", data={"rev": 0, "name": name})
    assert r.status_code in (400, 422) and "Traceback" not in r.text
    assert {p for p in tmp_path.rglob("*")} - before <= {p for p in out.rglob("*")}
    assert not list(out.glob("*.yaml"))


@pytest.mark.parametrize("url", ["/case/..%2F..%2Fetc%2Fpasswd", "/case/../../etc/passwd",
                                 "/records/..%2F..%2Fetc%2Fpasswd", "/records/x.yaml",
                                 "/static/..%2F..%2F__init__.py", "/case/%00",
                                 "/case/ru-ua-2024-09/proposal/..%2F..",
                                 "/case/ru-ua-2024-09/run/..%2Fwindow"])
def test_path_traversal_in_any_parameter(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code in (400, 404)
    assert "root:" not in r.text and "Traceback" not in r.text


def test_a_file_target_is_never_written(tmp_path: Path) -> None:
    src = tmp_path / "case.yaml"
    src.write_bytes(case_path(CASE).read_bytes())
    before = src.read_bytes()
    client = TestClient(create_app(str(src), tmp_path / "out"), raise_server_exceptions=False,
                        headers={"HX-Request": "true"})
    assert client.get("/").status_code == 200
    r = client.post("/case/case/edit", data={"rev": 0, "path": "actors[0].batna",
                                             "value": "0.7", "kind": "number"})
    assert r.status_code == 200
    assert src.read_bytes() == before
    written = {p.relative_to(tmp_path).parts[0] for p in tmp_path.rglob("*") if p.is_file()}
    assert written == {"case.yaml", "out"}


def test_upload_too_large_is_refused_and_the_server_keeps_serving(client: TestClient) -> None:
    big = b"# " + b"x" * (50 * 1024 * 1024) + b"\n"
    r = client.post("/upload", files={"file": ("big.yaml", big, "application/x-yaml")},
                    headers={"HX-Request": "true"})
    assert r.status_code == 413 and "too large" in r.text
    assert client.get("/").status_code == 200


def test_upload_validates_first(client: TestClient) -> None:
    bad = client.post("/upload", files={"file": ("bad.yaml", b"id: [\n", "text/yaml")})
    assert bad.status_code == 422 and "malformed YAML" in bad.text
    good = client.post("/upload", files={"file": ("mine.yaml", case_path(CASE).read_bytes(),
                                                  "text/yaml")})
    assert good.status_code == 200 and "/case/mine" in good.text
    assert zopa(client.get("/case/mine").text) == api.analyze(CASE).zopa_outcomes


def test_the_analysis_record_is_the_one_the_cli_writes(client: TestClient, out: Path,
                                                      tmp_path: Path) -> None:
    from detente.cli.app import main

    client.get(f"/case/{CASE}")
    client.app.state.detente.writer.submit(lambda: None).result()  # type: ignore[attr-defined]
    cli_out = tmp_path / "cli.json"
    try:
        main(["analyze", CASE, "--json", str(cli_out)])
    except SystemExit as exc:  # pragma: no cover - main exits only on failure
        assert exc.code in (0, None)
    assert (out / "records" / f"{CASE}-analyze.json").read_bytes() == cli_out.read_bytes()
    # an edited draft: the record names the draft file, and the CLI on that file agrees
    r = client.post(f"/case/{CASE}/edit", data={"rev": 0, "path": "actors[0].batna",
                                                 "value": "0.6", "kind": "number"})
    assert r.status_code == 200
    client.app.state.detente.writer.submit(lambda: None).result()  # type: ignore[attr-defined]
    draft = out / "drafts" / f"{CASE}.yaml"
    cli_out.unlink()
    main(["analyze", str(draft), "--json", str(cli_out)])
    assert (out / "records" / f"{CASE}-analyze.json").read_bytes() == cli_out.read_bytes()


def test_an_unexpected_error_is_one_message_not_a_traceback(client: TestClient) -> None:
    state = client.app.state.detente  # type: ignore[attr-defined]

    def boom(key: str) -> None:
        raise RuntimeError("secret internals")

    state.analysis = boom
    r = client.get(f"/case/{CASE}")
    assert r.status_code == 500 and "internal error" in r.text
    assert "Traceback" not in r.text and "secret internals" not in r.text
    assert client.get("/").status_code == 200


def test_proposal_detail_names_who_blocks_it(client: TestClient) -> None:
    record = api.analyze(CASE)
    for p in record.proposals:
        r = client.get(f"/case/{CASE}/proposal/{p.id}")
        assert r.status_code == 200
        for actor in p.rejected_by:
            assert actor in r.text.split("Blocked by:")[1].split("</p>")[0]
        for issue, (a, b) in p.changes_to_nearest.items():
            assert f"{issue} {a} → {b}" in r.text
    assert client.get(f"/case/{CASE}/proposal/nope").status_code == 404


def test_bad_run_options_are_refused(client: TestClient) -> None:
    for data in ({"method": "bogus"}, {"samples": "-3"}, {"samples": "1e9"},
                 {"seed": "abc"}):
        r = client.post(f"/case/{CASE}/run/sensitivity", data=data)
        assert r.status_code == 400 and "allowed" in r.text
    assert client.app.state.detente.jobs.current is None  # type: ignore[attr-defined]


def test_a_cross_site_post_is_refused(out: Path) -> None:
    plain = TestClient(create_app(None, out), raise_server_exceptions=False)
    r = plain.post(f"/case/{CASE}/save", data={"rev": 0, "name": "x.yaml"})
    assert r.status_code == 403 and not (out / "x.yaml").exists()


def test_only_local_host_names_when_listening_locally(out: Path) -> None:
    app = create_app(None, out, hosts=["127.0.0.1", "localhost"])
    ok = TestClient(app, base_url="http://127.0.0.1:8765")
    assert ok.get("/").status_code == 200
    rebound = TestClient(app, base_url="http://evil.example:8765")
    assert rebound.get("/").status_code == 400


def test_serve_warns_off_localhost_and_refuses_a_missing_case(
        out: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import uvicorn

    from detente.cli.app import main
    from detente.web.server import is_local, serve

    assert is_local("127.0.0.1") and is_local("::1") and is_local("localhost")
    assert not is_local("0.0.0.0") and not is_local("192.168.1.5")
    calls: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    serve(None, host="0.0.0.0", port=8765, output=out)
    assert calls == [{"host": "0.0.0.0", "port": 8765, "log_level": "warning"}]
    assert "warning: listening on 0.0.0.0" in capsys.readouterr().err
    serve(None, host="127.0.0.1", port=8765, output=out)
    assert "warning" not in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["serve", "no-such-case"])
    assert exc.value.code == 2
    assert "no such case, file or folder" in capsys.readouterr().err


def test_a_folder_lists_a_broken_file_which_can_be_fixed_in_the_page(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "broken.yaml").write_text("id: [\n", encoding="utf-8")
    (folder / "good.yaml").write_bytes(case_path(CASE).read_bytes())
    client = TestClient(create_app(str(folder), tmp_path / "out"),
                        raise_server_exceptions=False, headers={"HX-Request": "true"})
    index = client.get("/").text
    assert "does not validate" in index and "malformed YAML" in index
    assert client.get("/case/broken/analyze").status_code == 422
    page = client.get("/case/broken")
    assert page.status_code == 200 and 'id="yaml-text"' in page.text
    fixed = client.post("/case/broken/yaml", data={"rev": 0, "text": case_path(CASE).read_text(
        encoding="utf-8")})
    assert fixed.status_code == 200 and zopa(fixed.text) == api.analyze(CASE).zopa_outcomes
    assert (folder / "broken.yaml").read_text(encoding="utf-8") == "id: [\n"


def test_a_monte_carlo_run_reports_its_draws_and_writes_the_cli_record(
        client: TestClient, out: Path, tmp_path: Path) -> None:
    import time

    from detente.cli.app import main

    r = client.post("/case/ru-ua-2022-03/run/montecarlo", data={"draws": "6000", "seed": "7"})
    assert r.status_code == 200
    jobs = client.app.state.detente.jobs  # type: ignore[attr-defined]
    seen: set[tuple[str, int]] = set()
    deadline = time.monotonic() + 600
    while jobs.current.state == "running" and time.monotonic() < deadline:
        seen.add((jobs.current.stage, jobs.current.total))
        time.sleep(0.05)
    assert jobs.current.state == "done", jobs.current.message
    assert ("draws", 6000) in seen  # the library's own progress reached the page
    page = client.get(f"/job/{jobs.current.id}").text
    assert "P(ZOPA non-empty)" in page
    cli_out = tmp_path / "cli.json"
    main(["analyze", "ru-ua-2022-03", "--draws", "6000", "--seed", "7", "--json", str(cli_out)])
    assert (out / "records" / "ru-ua-2022-03-montecarlo.json").read_bytes() == \
        cli_out.read_bytes()


def test_edits_from_two_tabs_at_once_keep_one_and_refuse_the_other(client: TestClient) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def post(value: str) -> int:
        return client.post(f"/case/{CASE}/edit", data={"rev": 0, "path": "actors[0].batna",
                                                        "value": value,
                                                        "kind": "number"}).status_code

    with ThreadPoolExecutor(2) as pool:
        codes = sorted(pool.map(post, ["0.6", "0.65"]))
    assert codes == [200, 409]
    assert client.app.state.detente.ws.get(CASE).rev == 1  # type: ignore[attr-defined]
