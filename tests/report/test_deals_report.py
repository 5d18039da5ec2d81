"""The deal report is one self-contained HTML file; the JSON record carries provenance and
repeats exactly with the same seed."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from chart_checks import check_report

TOY = Path(__file__).resolve().parents[1] / "toy.yaml"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "detente.cli.app", *args], capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    for k in (1, 2):
        res = run("analyze", "ru-ua-2024-09", "--draws", "300", "--seed", "5", "--json",
                  str(out / f"r{k}.json"), "--html", str(out / f"r{k}.html"), "--quiet")
        assert res.returncode == 0, res.stderr
    return out


def test_html_is_self_contained(outputs: Path) -> None:
    html = (outputs / "r1.html").read_text(encoding="utf-8")
    check_report(html, outputs, Path.cwd())  # parses, nothing fetched, no local path
    assert not re.search(r"""(src|href)\s*=\s*["']https?://""", html.split("</head>")[1])
    # the utility spaces (six veto pairs in one chart), the margin map, the Monte Carlo bars
    assert html.count('class="vl-spec"') == 3 and html.count("<figure") == 3
    for heading in ("Bargaining solutions over the ZOPA", "Utility spaces of the veto players",
                    "Proposals against each actor", "Evidence behind every number"):
        assert heading in html
    assert "<blockquote>" in html and "Assumption:" in html
    assert "untraced" not in html


def test_json_record_provenance_and_repeatability(outputs: Path) -> None:
    a = json.loads((outputs / "r1.json").read_text())
    b = json.loads((outputs / "r2.json").read_text())
    prov = a["provenance"]
    assert prov["seed"] == 5 and prov["options"]["draws"] == 300
    assert len(prov["inputs_sha256"]) == 64 and prov["version"]
    a["provenance"].pop("created")
    b["provenance"].pop("created")
    assert a == b


def test_different_seed_different_draws(tmp_path: Path) -> None:
    res = run("analyze", str(TOY), "--draws", "400", "--seed", "6", "--json",
              str(tmp_path / "t.json"), "--quiet")
    assert res.returncode == 0
    rec = json.loads((tmp_path / "t.json").read_text())
    assert rec["provenance"]["seed"] == 6
