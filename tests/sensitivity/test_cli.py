"""``detente sensitivity``: the record, the report, and bad input (one message, exit 2,
nothing written)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from detente.cases import case_path
from helpers_signals import run_cli


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "detente.cli.app", "sensitivity", *args],
                          capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_sobol_record_and_report(tmp_path: Path) -> None:
    out, page = tmp_path / "s.json", tmp_path / "s.html"
    res = _cli("ru-ua-2024-09", "-t", "proposal.istanbul*", "-t", "zopa", "--samples", "64",
               "--json", str(out), "--html", str(page))
    assert res.returncode == 0, res.stderr
    rec = json.loads(out.read_text())
    assert rec["provenance"]["seed"] == 2024 and rec["method"] == "sobol"
    names = [t["name"] for t in rec["targets"]]
    assert "zopa.slack" in names and "proposal.istanbul-communique-schroeder.accept" in names
    rus = next(t for t in rec["targets"]
               if t["name"] == "proposal.istanbul-communique-schroeder.margin.RUS")
    assert rus["sobol"][0]["input"] == "actors.RUS.batna"  # it decides Russia's verdict
    assert rus["groups"][0]["input"] == "group:RUS"
    html = page.read_text()
    assert "What decides it" in html and html.count('class="vl-spec"') >= 2
    # same seed, same numbers
    again = tmp_path / "t.json"
    assert _cli("ru-ua-2024-09", "-t", "proposal.istanbul*", "-t", "zopa", "--samples", "64",
                "--json", str(again)).returncode == 0
    strip = lambda r: {k: v for k, v in r.items() if k != "provenance"}  # noqa: E731
    assert strip(json.loads(again.read_text())) == strip(rec)


def _certain(tmp_path: Path) -> Path:
    data = yaml.safe_load(case_path("ru-ua-2022-03").read_text(encoding="utf-8"))

    def likely(node):  # type: ignore[no-untyped-def]
        if isinstance(node, dict):
            return {k: (v[1] if k == "value" and isinstance(v, list) and len(v) == 3 else likely(v))
                    for k, v in node.items()}
        if isinstance(node, list):
            if len(node) == 3 and all(isinstance(x, int | float) for x in node):
                return node[1]
            return [likely(x) for x in node]
        return node

    data = likely(data)
    data["proposals"] = []  # proposals as written have open terms: uncertain by design
    data.pop("calibration", None)  # its targets name the proposals
    p = tmp_path / "certain.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return p


@pytest.mark.parametrize(("args", "message"), [
    (["-t", "proposal.nonexistent"], "unknown target"),
    (["-i", "actors.XXX.batna"], "unknown input name"),
    (["--samples", "100"], "power of two"),
    (["--method", "morris", "--samples", "2"], "at least 4 trajectories"),
    (["--method", "fast"], "unknown sensitivity method"),
    (["--executor", "nowhere"], "unknown executor"),
    (["--seed", "-1"], "--seed must be"),
    (["--samples", "0"], "--samples must be"),
])
def test_bad_input_is_one_clear_error(tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "never.json"
    res = _cli("ru-ua-2024-09", *args, "--json", str(out))
    assert res.returncode == 2
    assert message in res.stderr and "Traceback" not in res.stderr
    assert not out.exists() and not list(tmp_path.iterdir())


def test_nothing_uncertain(tmp_path: Path) -> None:
    out = tmp_path / "x" / "never.json"
    res = _cli(str(_certain(tmp_path)), "--json", str(out))
    assert res.returncode == 2 and "nothing is uncertain" in res.stderr
    assert not out.parent.exists()


def test_unreachable_scheduler(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("distributed")
    import detente.parallel

    # in-process with a 2 s connect timeout (the shipped 10 s only lengthens the wait)
    monkeypatch.setattr(detente.parallel, "CONNECT_TIMEOUT", 2.0)
    out = tmp_path / "never.json"
    code = run_cli(["sensitivity", "ru-ua-2024-09", "--executor", "tcp://127.0.0.1:9",
                    "--json", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and "cannot reach the Dask scheduler" in err
    assert "Traceback" not in err and not out.exists()


def test_analyze_report_has_what_decides_it(tmp_path: Path) -> None:
    toy = Path(__file__).parents[1] / "toy.yaml"
    page = tmp_path / "a.html"
    res = subprocess.run([sys.executable, "-m", "detente.cli.app", "analyze", str(toy), "-q",
                          "--html", str(page)], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    html = page.read_text()
    assert "What decides it" in html and "actors.A.batna" in html
