"""The front door: `detente new` writes a skeleton that checks strictly and analyses; Ctrl-C
exits 130 with one line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "detente.cli.app", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def test_new_skeleton_passes_strict_check_and_analyses(tmp_path: Path) -> None:
    res = cli("new", "mine.yaml", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    text = (tmp_path / "mine.yaml").read_text(encoding="utf-8")
    assert text.startswith("# A detente scenario")  # commented for the reader
    check = cli("check", "mine.yaml", "--strict", cwd=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    run = cli("analyze", "mine.yaml", cwd=tmp_path)
    assert run.returncode == 0 and "ZOPA" in run.stdout, run.stderr


def test_new_refuses_to_overwrite(tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text("keep me", encoding="utf-8")
    res = cli("new", "mine.yaml", cwd=tmp_path)
    assert res.returncode == 2 and "file exists" in res.stderr
    assert (tmp_path / "mine.yaml").read_text(encoding="utf-8") == "keep me"
    assert cli("new", "mine.yaml", "--force", cwd=tmp_path).returncode == 0
    assert cli("new", "mine.txt", cwd=tmp_path).returncode == 2


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_ctrl_c_exits_130_with_one_line(tmp_path: Path) -> None:
    # A long run that needs little memory. SIGINT restored in the child: a shell's background
    # job ignores it, and Python then installs no KeyboardInterrupt handler.
    # (Morris with 2,048 trajectories in one process: about a minute of CPU, so the signal
    # always lands while it computes; the default run could end first.)
    proc = subprocess.Popen([sys.executable, "-m", "detente.cli.app", "sensitivity",
                             "ru-ua-2024-09", "--method", "morris", "--samples", "2048",
                             "--executor", "serial"], cwd=tmp_path,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Wait until the child has spent 2 s of CPU (its imports take ~0.5 s), not a wall-clock
    # delay: on a loaded machine a fixed sleep could land the signal during start-up.
    deadline = time.monotonic() + 300
    while _cpu_seconds(proc.pid) < 2.0 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and err.strip().splitlines()[-1] == "interrupted"


def test_typer_interrupt_code_exits_130(monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    from detente.cli import app

    def interrupted(*args: object, **kwargs: object) -> int:
        return 130  # what Typer's command returns on Ctrl-C outside standalone mode

    monkeypatch.setattr(app, "_command", lambda *modules: type("C", (), {"main": interrupted})())
    with pytest.raises(SystemExit) as exit_info:
        app.main(["cases"])
    assert exit_info.value.code == 130
    assert capsys.readouterr().err.strip() == "interrupted"
