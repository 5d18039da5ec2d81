"""``--executor`` on every command with a sampling loop: the same record on a process pool as
in one process, and bad input (an unknown kind, an unreachable scheduler) is one message, exit
2, nothing written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers_signals import run_cli
from shared_data import GENIUS

COMMANDS = {
    "analyze": ["analyze", "ru-ua-2024-09", "-q", "--draws", "200"],
    "timeline": ["timeline", "ru-ua-2022-03", "ru-ua-2024-09"],
    "forecast": ["forecast", "ru-ua-2024-09", "-m", "compromise", "--draws", "100"],
    "window": ["window", "ru-ua-2024-09", "--paths", "500", "--package-paths", "0"],
}


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "detente.cli.app", *args],
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_unknown_executor_is_one_clear_error(tmp_path: Path, command: str) -> None:
    out = tmp_path / "never.json"
    res = _cli(*COMMANDS[command], "--executor", "gpu:4", "--json", str(out))
    assert res.returncode == 2, res.stderr
    assert "unknown executor" in res.stderr and "Traceback" not in res.stderr
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("command", ["analyze", "window"])
def test_unreachable_scheduler_writes_nothing(tmp_path: Path, command: str,
                                              monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("distributed")
    import detente.parallel

    # in-process with a 2 s connect timeout (the shipped 10 s only lengthens the wait)
    monkeypatch.setattr(detente.parallel, "CONNECT_TIMEOUT", 2.0)
    out = tmp_path / "never.json"
    code = run_cli([*COMMANDS[command], "--executor", "tcp://127.0.0.1:9", "--json", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and "cannot reach the Dask scheduler" in err
    assert "Traceback" not in err and not list(tmp_path.iterdir())


def test_analyze_on_a_pool_writes_the_serial_record(tmp_path: Path) -> None:
    a, b = tmp_path / "serial.json", tmp_path / "pool.json"
    assert _cli(*COMMANDS["analyze"], "--json", str(a)).returncode == 0
    res = _cli(*COMMANDS["analyze"], "--executor", "local:2", "--json", str(b))
    assert res.returncode == 0, res.stderr
    ra, rb = json.loads(a.read_text()), json.loads(b.read_text())
    assert ra["monte_carlo"]["draws"] == 200
    ra.pop("provenance"), rb.pop("provenance")
    assert ra == rb


def test_analyze_a_folder_of_genius_domains(tmp_path: Path) -> None:
    import shutil

    for rel in ("y2012/LaptopA", "y2010/ItexvsCypress"):
        shutil.copytree(GENIUS / rel, tmp_path / "in" / rel)
    out = tmp_path / "batch.json"
    res = _cli("analyze", str(tmp_path / "in"), "--executor", "local:2", "--json", str(out))
    assert res.returncode == 0, res.stderr
    rec = json.loads(out.read_text())
    assert [d["domain_file"] for d in rec["domains"]] == ["ItexvsCypress_domain.xml",
                                                          "Laptop-A-domain.xml"]
    res = _cli("analyze", str(tmp_path / "in" / "y2012" / "LaptopA"), "--executor", "gpu")
    assert res.returncode == 2 and "unknown executor" in res.stderr  # one domain: checked too
    empty = tmp_path / "empty"
    empty.mkdir()
    res = _cli("analyze", str(empty), "--json", str(tmp_path / "never.json"))
    assert res.returncode == 2 and "nor holds one" in res.stderr
    assert not (tmp_path / "never.json").exists()
