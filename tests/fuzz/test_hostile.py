"""The hostile corpus of issue 16 (tests/data/hostile, written by its make_corpus.py): every
one-line reproducer of the issue as a file and the command that once failed on it. Each must
now exit 0 with a valid result or exit 2 with one message naming the file (and line or field);
the bomb and hang classes run in a subprocess under a 2 GB address-space limit and a timeout."""

from __future__ import annotations

import json
import os
import sqlite3
import zipfile
from pathlib import Path

import numpy as np
import pytest

from fuzz.harness import BUDGET, check, run_cli, run_limited

HOSTILE = Path(__file__).resolve().parents[1] / "data" / "hostile"
FIX = Path(__file__).resolve().parents[1] / "signals" / "fixtures"
TOY = str(Path(__file__).resolve().parents[1] / "toy.yaml")

# (file, command before the file, command after it, exit code, text the error must hold)
LIMITED = [
    ("deep_nesting.yaml", ["check"], [], 2, "nested deeper than 100 levels"),
    ("recursive_alias.yaml", ["check"], [], 2, "recursive alias *c"),
    ("billion_laughs.yaml", ["check"], [], 2, "aliases expand to more than"),
    ("billion_laughs.yaml", ["signals", "credibility", "--actor", "RUS", "--no-store",
                             "--case"], [], 2, "aliases expand to more than"),
    ("outcomes_over_2_63.yaml", ["analyze"], ["-q"], 2, "more than the deal analysis can index"),
    ("veto_200_on_256.yaml", ["analyze"], ["-q"], 2, "200 veto players"),
    ("veto_50_on_6x6.yaml", ["analyze"], ["-q"], 2, "50 veto players"),
    ("ktab_1e9_dims.csv", ["forecast"], [], 2, "number of dimensions (K) is out of range"),
]


@pytest.mark.parametrize(("name", "before", "after", "code", "text"), LIMITED,
                         ids=[f"{c[0]}-{c[1][0]}" for c in LIMITED])
def test_bombs_and_hangs_under_limits(name: str, before: list[str], after: list[str],
                                      code: int, text: str) -> None:
    f = HOSTILE / name
    run = run_limited([*before, str(f), *after])
    check(run, str(f))
    assert run.code == code and text in " ".join(run.err.split()), run.err
    BUDGET.outcomes[f"hostile exit {run.code}"] += 1


IN_PROCESS = [
    ("outcomes_over_2_63.yaml", ["check"], [], 0, "will refuse this space"),
    ("grid_inf.yaml", ["check"], [], 2, "issues[1].grid.low"),
    ("war_undeclared_source.yaml", ["window"], ["--paths", "20"], 2, "unknown source id"),
    ("war_duplicate_source.yaml", ["window"], ["--paths", "20"], 2, "duplicate"),
    ("evidence_nan.yaml", ["signals", "credibility", "--actor", "RUS", "--no-store", "--case"],
     [], 2, "actors.RUS.prior.broken: broken must be a whole number"),
    ("evidence_negative.yaml", ["signals", "credibility", "--actor", "RUS", "--no-store",
                                "--case"], [], 2, "kept must be a whole number"),
    ("evidence_truncated.yaml", ["signals", "credibility", "--actor", "RUS", "--no-store",
                                 "--case"], [], 2, "malformed YAML"),
    ("evidence_empty.yaml", ["signals", "credibility", "--actor", "RUS", "--no-store",
                             "--case"], [], 2, "empty signals file"),
    ("evidence_duplicate_keys.yaml", ["signals", "list", "--case"], [], 2, "duplicate key"),
    ("evidence_not_utf8.yaml", ["signals", "credibility", "--actor", "RUS", "--no-store",
                                "--case"], [], 2, "not UTF-8 text"),
    ("genius_objective_abc", ["analyze"], ["-q"], 0, "2 parties"),
    ("genius_bogus_encoding", ["analyze"], ["-q"], 2, "unreadable XML"),
    ("genius_empty_third_profile", ["analyze"], ["-q"], 2, "empty .xml file"),
]


@pytest.mark.parametrize(("name", "before", "after", "code", "text"), IN_PROCESS,
                         ids=[c[0] for c in IN_PROCESS])
def test_hostile_files(name: str, before: list[str], after: list[str], code: int,
                       text: str) -> None:
    f = HOSTILE / name
    run = run_cli([*before, str(f), *after])
    check(run, str(f))
    assert run.code == code, run.out + run.err
    assert text in " ".join((run.out + run.err).split())


@pytest.mark.parametrize(("argv", "shown"), [
    (["analyze", str(HOSTILE / "markup_title.yaml"), "-q"], True),
    (["check", str(HOSTILE / "markup_title.yaml")], False),
    (["timeline", str(HOSTILE / "markup_title.yaml"), str(HOSTILE / "markup_title.yaml")],
     False),
    (["forecast", str(HOSTILE / "markup_title.yaml"), "-m", "compromise"], False),
    (["window", str(HOSTILE / "war_markup.yaml"), "--paths", "20"], True),
    (["signals", "list", "--case", str(HOSTILE / "evidence_markup.yaml")], True),
])
def test_rich_markup_is_printed_as_written(argv: list[str], shown: bool, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Text with Rich markup once crashed these commands (MarkupError); it prints as written."""
    monkeypatch.setenv("DETENTE_STORE", str(tmp_path / "none.sqlite"))
    if argv[0] == "timeline":  # one scenario per date (round 8): the second a month later
        later = tmp_path / "later.yaml"
        later.write_text(Path(argv[2]).read_text(encoding="utf-8").replace(
            "\ndate: 2024-01-01", "\ndate: 2024-02-01", 1), encoding="utf-8")
        argv = [*argv[:2], str(later)]
    run = run_cli(argv)
    check(run, argv[1])
    assert run.code == 0, run.err
    if shown:  # the others print counts or dates, not the title
        assert "closing [/] tag" in run.out


def _import(tmp: Path, *files: Path, extra: tuple[str, ...] = ()) -> tuple[int, Path, str]:
    db = tmp / "s.sqlite"
    run = run_cli(["signals", "import", *map(str, files), "--store", str(db), *extra])
    check(run, [str(f) for f in files])
    return run.code, db, run.out + run.err


def _lines(db: Path) -> list[int]:
    with sqlite3.connect(db) as conn:
        return sorted(r[0] for r in conn.execute("SELECT line FROM events"))


def _good_lines(src: Path, tmp: Path) -> list[int]:
    code, db, _ = _import(tmp, src)
    assert code == 0
    return _lines(db)


def test_carriage_return_keeps_line_numbers(tmp_path: Path) -> None:
    clean = _good_lines(FIX / "gdelt2_20150218230000_slice.tsv", tmp_path / "a")
    code, db, text = _import(tmp_path / "b", HOSTILE / "events_cr_inside.tsv")
    assert code == 0 and "events_cr_inside.tsv:6: control character" in " ".join(text.split())
    assert _lines(db) == [n for n in clean if n != 6]  # every other row at its own line


def test_control_byte_is_reported_not_truncating(tmp_path: Path) -> None:
    clean = _good_lines(FIX / "gdelt2_20150218230000_slice.tsv", tmp_path / "a")
    code, db, text = _import(tmp_path / "b", HOSTILE / "events_control_0x1f.tsv")
    assert code == 0 and "events_control_0x1f.tsv:8: control character" in " ".join(
        text.split())
    assert _lines(db) == [n for n in clean if n != 8]


def test_mixed_line_ends_keep_line_numbers(tmp_path: Path) -> None:
    code, db, _ = _import(tmp_path, HOSTILE / "events_mixed_crlf.tsv")
    clean = _good_lines(FIX / "gdelt2_20150218230000_slice.tsv", tmp_path / "a")
    assert code == 0 and _lines(db) == [n for n in clean if n <= 40]


def test_icews_with_bom_imports_every_row(tmp_path: Path) -> None:
    plain = _good_lines(FIX / "icews_2018_slice.tab", tmp_path / "a")
    code, db, _ = _import(tmp_path / "b", HOSTILE / "events_icews_bom.tab")
    assert code == 0 and len(plain) > 400 and _lines(db) == plain


def test_markup_in_events_is_escaped(tmp_path: Path) -> None:
    code, db, _ = _import(tmp_path, HOSTILE / "events_markup.tsv")
    assert code == 0
    run = run_cli(["signals", "list", "--store", str(db), "--limit", "20"])
    check(run, str(db))
    assert run.code == 0 and "closing [/] tag" in run.out


def test_mentions_with_dyad_and_no_stored_event(tmp_path: Path) -> None:
    code, db, _ = _import(tmp_path, FIX / "gdelt2_mentions_constructed.tsv",
                          extra=("--dyad", "RUS-UKR"))
    assert code == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM mentions").fetchone()[0] == 0


@pytest.mark.slow
def test_degenerate_zip_streams_within_memory(tmp_path: Path) -> None:
    """~1 M identical lines in a small zip once exhausted DuckDB's 512 MB; scaled down here
    (200,000 lines under a 128 MB DuckDB limit, the same ratio of rows to memory): every good
    row is imported. ``--fuzz-minutes`` runs the full million under the default limit."""
    n, limit = (1_000_000, "512MB") if BUDGET.minutes else (200_000, "128MB")
    line = (FIX / "gdelt2_20150218230000_slice.tsv").read_bytes().split(b"\n")[0] + b"\n"
    z = tmp_path / "degenerate.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("x.export.CSV", line * n)
    assert z.stat().st_size < 400_000
    db = tmp_path / "s.sqlite"
    env = {"DETENTE_DUCKDB_MEMORY": limit}
    run = run_limited(["signals", "import", str(z), "--store", str(db), "--batch-size",
                       "20000"], mem_gb=3.0, timeout=600, env=env)
    check(run, str(z), seconds=600)
    assert run.code == 0, run.err
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == n


def test_stale_temp_folders_are_removed(tmp_path: Path) -> None:
    from detente.signals.importers import import_path
    from detente.signals.store import EventStore

    dead = tmp_path / "detente-import-999999999-abc"  # no such process
    dead.mkdir()
    (dead / "member.tsv").write_bytes(b"x" * 1000)
    alive = tmp_path / f"detente-import-{os.getppid()}-abc"
    alive.mkdir()
    with EventStore(tmp_path / "s.sqlite") as st:
        import_path(FIX / "gdelt1_rows.tsv", st, tmpdir=str(tmp_path))
    assert not dead.exists() and alive.exists()


def _genius_copy(tmp: Path) -> Path:
    import shutil

    d = tmp / "dom"
    shutil.copytree(HOSTILE / "genius_objective_abc", d)
    return d


@pytest.mark.parametrize("kind", ["subfolder", "dangling", "fifo", "devzero"])
def test_genius_folder_entries_that_are_not_files(tmp_path: Path, kind: str) -> None:
    d = _genius_copy(tmp_path)
    target = d / "extra.xml"
    if kind == "subfolder":
        target.mkdir()
    elif kind == "dangling":
        target.symlink_to(tmp_path / "missing.xml")
    elif kind == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to("/dev/zero")
    run = run_limited(["analyze", str(d), "-q"], timeout=60)
    check(run, str(d))
    if kind == "subfolder":  # a folder is not a candidate file: the domain still loads
        assert run.code == 0
    else:
        assert run.code == 2 and "extra.xml" in run.err


def test_fifo_and_device_as_scenario(tmp_path: Path) -> None:
    fifo = tmp_path / "x.yaml"
    os.mkfifo(fifo)
    zero = tmp_path / "z.yaml"
    zero.symlink_to("/dev/zero")
    for f in (fifo, zero):
        run = run_limited(["check", str(f)], timeout=60)
        check(run, str(f), expect_error=True)
        assert "not a regular file" in run.err


def test_json_output_refuses_a_symlink(tmp_path: Path) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    link = tmp_path / "out.json"
    link.symlink_to(target)
    run = run_cli(["analyze", TOY, "-q", "--json", str(link)])
    check(run, str(link), expect_error=True)
    assert target.read_text() == "keep me"
    run = run_cli(["--follow-symlinks", "analyze", TOY, "-q", "--json", str(link)])
    assert run.code == 0 and json.loads(target.read_text())["provenance"]["analysis"] == "deals"


def test_records_are_byte_identical_and_paths_normalised(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.yaml").write_text(Path(TOY).read_text())
    for i, src in enumerate(("x.yaml", "./x.yaml", "x.yaml")):
        assert run_cli(["analyze", src, "-q", "--draws", "20", "--json", f"r{i}.json"]).code == 0
        assert run_cli(["window", "war/ru-ua-2024-09", "--paths", "50", "--json",
                        f"w{i}.json"]).code == 0
    for stem in ("r", "w"):
        first = (tmp_path / f"{stem}0.json").read_bytes()
        assert all((tmp_path / f"{stem}{i}.json").read_bytes() == first for i in (1, 2))
    assert json.loads((tmp_path / "r0.json").read_text())["provenance"]["created"] is None
    assert run_cli(["--timestamp", "analyze", "x.yaml", "-q", "--json", "t.json"]).code == 0
    assert "created" in json.loads((tmp_path / "t.json").read_text())["run"]


def test_json_never_holds_nan_or_infinity(tmp_path: Path) -> None:
    from detente.cli.common import write_json

    out = tmp_path / "r.json"
    write_json({"a": float("inf"), "b": [1.0, float("nan")], "c": {"d": -float("inf")}}, out)
    data = json.loads(out.read_text(), parse_constant=lambda c: pytest.fail(f"JSON holds {c}"))
    assert data["a"] is None and data["b"] == [1.0, None]
    assert data["non_finite"] == {"a": "inf", "b[1]": "nan", "c.d": "-inf"}
    run = run_cli(["signals", "credibility", "--actor", "RUS", "--no-store", "--lr",
                   "neutral-contact=inf"])
    check(run, "--lr", expect_error=True)


@pytest.mark.parametrize(("argv", "text"), [
    (["analyze", TOY, "--seed", "-5"], "--seed: --seed must be between 0"),
    (["forecast", TOY, "--seed", "-5"], "--seed: --seed must be between 0"),
    # 10^6 draws now run in one chunk's memory (issue 19): the limit is the range of --draws.
    (["analyze", "ru-ua-2022-03", "--draws", "1000001", "-q"],
     "--draws must be between 0 and 1,000,000"),
    (["window", "war/ru-ua-2024-09", "--paths", "2000000", "--months", "600"], "--paths × "),
    (["window", "war/ru-ua-2024-09", "--paths", "2000000", "--months", "60"], "needs ~11"),
    (["--memory-limit", "1K", "window", "war/ru-ua-2024-09"], "limit 0.0 GB"),
])
def test_option_limits(argv: list[str], text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Limits refuse before any work, with the option, the estimate and the limit: every
    simulation starts from a seeded generator, and none is made (no wall-clock bound)."""
    def no_work(*_args: object, **_kw: object) -> None:
        raise AssertionError("a random generator was made before the limit refused")

    monkeypatch.setattr(np.random, "default_rng", no_work)
    run = run_cli(argv)
    check(run, "--", expect_error=True)
    assert text in " ".join(run.err.split())


LONG = "x" * 200_000  # over the csv module's field limit of 131,072 characters


def _long_field_files(tmp: Path) -> list[tuple[Path, list[str]]]:
    from detente.formats.pax import COLUMNS as PAX
    from detente.formats.ucdp_pad import COLUMNS as PAD

    deu = (Path(__file__).resolve().parents[1] / "data" / "reference" / "deu3-dev.tsv")
    head = deu.read_text(encoding="utf-8").splitlines()[:3]
    files = {
        "deu.tsv": "\n".join([*head, LONG]) + "\n",
        "pax.csv": ",".join(PAX) + "\n" + ",".join(["1"] * len(PAX)) + "\n" + LONG + "\n",
        "pad.csv": ",".join(PAD) + "\n" + ",".join(["1"] * len(PAD)) + "\n" + LONG + "\n",
        "commitments.csv": "id,announced_by,counterpart,kind,announced,start,end,location,"
                           f"outcome,source\n{LONG}\n",
    }
    for name, text in files.items():
        (tmp / name).write_text(text, encoding="utf-8")
    return [(tmp / "deu.tsv", ["backtest", "{f}"]),
            (tmp / "deu.tsv", ["backtest", str(deu), "--fit-on", "{f}"]),
            (tmp / "commitments.csv", ["signals", "evaluate", "{f}", "--resamples", "10"]),
            (tmp / "pax.csv", ["pax"]), (tmp / "pad.csv", ["pad"])]


def test_a_field_over_the_csv_limit_is_one_message_with_its_line(tmp_path: Path) -> None:
    from detente.errors import DetenteError
    from detente.formats.pax import read_pax
    from detente.formats.ucdp_pad import read_ucdp_pad

    for f, argv in _long_field_files(tmp_path):
        if argv == ["pax"] or argv == ["pad"]:
            with pytest.raises(DetenteError) as info:
                (read_pax if argv == ["pax"] else read_ucdp_pad)(f)
            text = str(info.value)
        else:
            run = run_cli([a.format(f=f) for a in argv])
            check(run, str(f), expect_error=True)
            text = run.err
        text = " ".join(text.split())
        assert "field larger than field limit" in text and f.name in text, text
        assert (f"{f.name}:4" if f.name == "deu.tsv" else f"{f.name}:") in text, text
