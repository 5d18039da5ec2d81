"""``detente extract`` end to end: drafts that pass the check, files that fail one by one."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import DATA


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "detente.cli.app", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def test_bad_files_reported_good_ones_extracted_draft_checks(tmp_path: Path) -> None:
    shutil.copy(DATA / "dev" / "01.txt", tmp_path / "a.txt")
    shutil.copy(DATA / "dev" / "15.txt", tmp_path / "b.txt")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "latin.txt").write_bytes(b"caf\xe9")
    (tmp_path / "cats.txt").write_text("A [bold]cat[/] sat on a mat.", encoding="utf-8")
    res = cli("extract", "a.txt", "b.txt", "empty.txt", "latin.txt", "cats.txt",
              "--json", "out.json", "-o", "draft.yaml", "--signals", "sig.yaml", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    assert "empty.txt: empty file" in res.stderr
    assert "latin.txt:1: not valid UTF-8" in res.stderr
    assert "cats.txt: no recognisable actor" in res.stderr
    record = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert record["provenance"]["analysis"] == "extract"
    assert len(record["articles"]) == 3 and len(record["problems"]) == 3
    check = cli("check", "draft.yaml", "--sources", ".", "--strict", cwd=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    sig = cli("signals", "credibility", "RUS", "--evidence", "sig.yaml", cwd=tmp_path)
    assert "Traceback" not in sig.stderr


def test_nothing_extracted_exits_non_zero(tmp_path: Path) -> None:
    (tmp_path / "cats.txt").write_text("Cats sleep.", encoding="utf-8")
    res = cli("extract", "cats.txt", cwd=tmp_path)
    assert res.returncode == 2 and "nothing was extracted" in res.stderr
    assert "Traceback" not in res.stderr


def test_same_input_same_record(tmp_path: Path) -> None:
    shutil.copy(DATA / "dev" / "01.txt", tmp_path / "a.txt")
    for out in ("r1.json", "r2.json"):
        assert cli("extract", "a.txt", "--json", out, cwd=tmp_path).returncode == 0
    r1, r2 = (json.loads((tmp_path / f).read_text(encoding="utf-8")) for f in ("r1.json",
                                                                              "r2.json"))
    r1["provenance"].pop("created")
    r2["provenance"].pop("created")
    assert r1 == r2


def test_case_positions_use_its_issue_ids(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Date: 2024-06-14\n---\nPutin demanded that Ukraine "
                                    "abandon its bid to join NATO.\n", encoding="utf-8")
    res = cli("extract", "a.txt", "--case", "ru-ua-2024-09", "--json", "o.json",
              "-o", "case.yaml", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    record = json.loads((tmp_path / "o.json").read_text(encoding="utf-8"))
    assert ("RUS", "nato") in {(p["actor"], p["issue"]) for p in record["articles"][0]
                               ["positions"]}
    draft = (tmp_path / "case.yaml").read_text(encoding="utf-8")
    assert "abandon its bid to join NATO" in draft


def test_evaluate_prints_scores(tmp_path: Path) -> None:
    res = cli("extract", "--evaluate", str(DATA / "dev"), cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "signal_f1" in res.stdout and "quotes_exact" in res.stdout


def test_bad_date_option(tmp_path: Path) -> None:
    shutil.copy(DATA / "dev" / "01.txt", tmp_path / "a.txt")
    res = cli("extract", "a.txt", "--date", "yesterday", cwd=tmp_path)
    assert res.returncode == 2 and "--date" in res.stderr and "Traceback" not in res.stderr


def test_drafts_are_built_by_the_library(tmp_path: Path) -> None:
    """``extract -o/--signals`` writes what ``detente.extract.draft.build_drafts`` returns for
    the record ``detente.extract`` gives (the command only writes the text)."""
    import yaml

    import detente
    from detente.extract.draft import build_drafts

    shutil.copy(DATA / "dev" / "01.txt", tmp_path / "a.txt")
    res = cli("extract", "a.txt", "-o", "d.yaml", "--signals", "s.yaml", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    files = [tmp_path / "a.txt"]
    drafts = build_drafts(detente.extract(files), files)
    assert drafts.scenario is not None and drafts.signals is not None
    assert drafts.scenario == (tmp_path / "d.yaml").read_text(encoding="utf-8")
    assert drafts.signals == (tmp_path / "s.yaml").read_text(encoding="utf-8")
    assert len(yaml.safe_load(drafts.signals)["signals"]) == drafts.n_signals
    only = build_drafts(detente.extract(files), files, signals=False)
    assert only.signals is None and only.scenario == drafts.scenario
