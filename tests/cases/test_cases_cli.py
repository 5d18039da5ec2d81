"""The cases from the command line: quotes checked against the excerpts shipped in the package,
calibration and findings kept apart in the JSON record and the HTML report, bad calibration
targets and parentless factions rejected with file, line and field."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from detente.cases import case_path


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "detente.cli.app", *args], capture_output=True,
                          text=True, timeout=600)


@pytest.mark.parametrize("case", ["ru-ua-2022-03", "ru-ua-2025-11"])
def test_check_sources_bundled_verifies_every_quote_from_a_fresh_clone(case: str) -> None:
    res = run("check", case, "--sources", "bundled", "--strict")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "quotes:" in res.stdout and " found in " in res.stdout


def test_json_and_html_keep_calibration_apart_from_findings(tmp_path: Path) -> None:
    out, html = tmp_path / "r.json", tmp_path / "r.html"
    res = run("analyze", "ru-ua-2024-09", "--json", str(out), "--html", str(html), "-q")
    assert res.returncode == 0, res.stderr
    rec = json.loads(out.read_text(encoding="utf-8"))
    claims = {c["claim"] for c in rec["calibration"]}
    assert "Kyiv rejected Putin's June 2024 terms" in claims
    assert all(c["status"] in ("holds", "fails", "depends") for c in rec["calibration"])
    putin = next(p for p in rec["proposals"] if p["id"] == "putin-2024-06")
    assert {t["issue"] for t in putin["open_terms"]} == {"eu", "guarantees", "army", "language",
                                                          "accountability"}
    assert putin["acceptance"] == "no_fill" and putin["rejected_by"] == ["USA"]
    assert rec["ratifiers"]["RUS"] == {"RUS_HARD": 0.6, "RUS_PUB": 0.4}
    page = html.read_text(encoding="utf-8")
    assert page.index(">Findings</h2>") < page.index("id='calibration'>")
    assert "Calibration targets (not findings)" in page and "Open terms" in page


def test_unknown_calibration_proposal_is_one_located_error(tmp_path: Path) -> None:
    text = case_path("ru-ua-2024-09").read_text(encoding="utf-8")
    bad = text.replace("    proposal: kyiv-terms-2024\n    actor: RUS\n",
                       "    proposal: kyiv-terms-2099\n    actor: RUS\n", 1)
    assert bad != text
    f = tmp_path / "bad.yaml"
    f.write_text(bad, encoding="utf-8")
    res = run("check", str(f))
    assert res.returncode == 2
    line = next(i for i, s in enumerate(bad.splitlines(), 1) if "kyiv-terms-2099" in s)
    assert f"{f}:{line}" in res.stderr + res.stdout
    assert "unknown proposal" in res.stderr + res.stdout
    assert "Traceback" not in res.stderr


def test_faction_without_parent_is_one_located_error(tmp_path: Path) -> None:
    text = case_path("ru-ua-2022-03").read_text(encoding="utf-8")
    bad = text.replace("    role: faction\n    parent: RUS\n", "    role: faction\n", 1)
    assert bad != text
    f = tmp_path / "bad.yaml"
    f.write_text(bad, encoding="utf-8")
    res = run("check", str(f))
    assert res.returncode == 2
    out = res.stderr + res.stdout
    assert "a faction needs a parent" in out and "actors[1].parent" in out
    assert "Traceback" not in res.stderr
