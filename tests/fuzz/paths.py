"""Path specials and output checks of the hostile-input sweep (``hostile_sweep.py --part
paths``): every command that reads a file given a FIFO, a device, a folder, a symbolic-link
loop, a dangling link, a name with a newline, an empty name or ``/proc/self/mem``; every output
option given a FIFO, a device, a folder or a link; and what the outputs hold: a proposal named
as a spreadsheet formula must not reach a CSV table as one, and a 1 MB title must print.

A device is made with ``mknod`` in a temporary folder (root only; else left out): a run that
*replaces* it, or the FIFO, with a regular file is a ``wrong`` finding (``--json /dev/null``
once did that to the real device).
"""

from __future__ import annotations

import csv
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from fuzz.sweep import Tally, _short, classify

ROOT = Path(__file__).resolve().parents[2]
TOY = ROOT / "tests" / "toy.yaml"
ART = str(ROOT / "tests" / "data" / "extract" / "dev" / "01.txt")
GEN = str(ROOT / "tests" / "data" / "genius" / "y2010" / "EnglandZimbabwe")
DEU = str(ROOT.parent / "shared" / "data" / "deu3-dev.tsv")


def _readers(tmp: Path) -> list[Callable[[str], list[str]]]:
    """Every command line that reads one input path."""
    return [lambda p: ["check", p], lambda p: ["analyze", p, "-q"],
            lambda p: ["forecast", p, "-q", "-m", "compromise"],
            lambda p: ["window", p, "-q", "--paths", "20", "--months", "2"],
            lambda p: ["backtest", p, "-q", "-m", "compromise", "--bootstrap", "10"],
            lambda p: ["signals", "import", p, "--store", str(tmp / "s.sqlite"), "-q"],
            lambda p: ["extract", p, "-q"],
            lambda p: ["signals", "evaluate", p, "-q", "--resamples", "10"],
            lambda p: ["import", "genius", p, "-o", str(tmp / "o.yaml")],
            lambda p: ["agreements", "rates", "ceasefire", "--data", p],
            lambda p: ["signals", "credibility", "--actor", "RUS", "--no-store", "--case", p],
            lambda p: ["extract", ART, "-q", "--evaluate", p],
            lambda p: ["signals", "list", "--store", p],
            lambda p: ["backtest", DEU, "--fit-on", p, "-q", "--bootstrap", "10"],
            lambda p: ["check", "ru-ua-2024-09", "--sources", p]]


def _writers() -> list[Callable[[str], list[str]]]:
    """Every output option, each given one path."""
    toy = str(TOY)
    return [lambda p: ["analyze", toy, "-q", "--json", p],
            lambda p: ["analyze", toy, "-q", "--html", p],
            lambda p: ["analyze", toy, "-q", "--csv", p],
            lambda p: ["forecast", toy, "-q", "-m", "compromise", "--json", p],
            lambda p: ["extract", ART, "-q", "-o", p],
            lambda p: ["import", "genius", GEN, "-o", p],
            lambda p: ["new", p]]


def _specials(tmp: Path) -> dict[str, Path]:
    """The hostile paths, made in ``tmp``."""
    out = {"fifo": tmp / "fifo.yaml", "folder": tmp / "dir.yaml", "loop": tmp / "loop.yaml",
           "dangling": tmp / "dangling.yaml"}
    _make(out["fifo"], "fifo")
    out["folder"].mkdir()
    out["loop"].symlink_to(out["loop"])
    out["dangling"].symlink_to(tmp / "nothing-here")
    try:
        _make(tmp / "null", "device")
        out["device"] = tmp / "null"
    except OSError:  # not root: no device node
        pass
    return out


def _kind(p: Path) -> int | None:
    try:
        return stat.S_IFMT(p.lstat().st_mode)
    except OSError:
        return None


def sweep_paths(tally: Tally, seconds: float = 60.0) -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        work = tmp / "work"
        work.mkdir()
        special = _specials(tmp)
        nl = tmp / "a\nb.yaml"
        nl.write_bytes(TOY.read_bytes())
        inputs = {**{k: (str(v), True) for k, v in special.items()},
                  "newline": (str(nl), False), "empty": ("", True)}
        if Path("/proc/self/mem").exists():
            inputs["/proc/self/mem"] = ("/proc/self/mem", True)
        for label, (path, sure) in inputs.items():
            for make in _readers(work):
                argv = make(path)
                names = [path or ".", "''", repr(path)[1:-1], " ".join(path.split())]
                outcome, detail = classify(argv, names, sure, seconds)
                tally.add("paths:input", outcome, f"{label} | {' '.join(_short(argv))} | "
                          f"{detail}")
        for label, path in special.items():
            before = _kind(path)
            for make in _writers():
                argv = make(str(path))
                sure = not (label == "folder" and "--csv" in argv)  # --csv writes into one
                outcome, detail = classify(argv, [str(path)], sure, seconds)
                if _kind(path) != before:
                    outcome, detail = "wrong", f"the {label} was replaced by the output"
                tally.add("paths:output", outcome, f"{label} | {' '.join(_short(argv))} | "
                          f"{detail}")
                if _kind(path) != before and label in ("fifo", "device"):  # make it again
                    path.unlink()
                    _make(path, label)
        _outputs(tally, work, seconds)


def _make(path: Path, label: str) -> None:
    if label == "fifo":
        os.mkfifo(path)
    else:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))


def _outputs(tally: Tally, work: Path, seconds: float) -> None:
    """What outputs hold: no live spreadsheet formula in a CSV table; a 1 MB title prints."""
    text = TOY.read_text(encoding="utf-8")
    formula = work / "formula.yaml"
    formula.write_text(text.replace("name: Split", 'name: "=HYPERLINK(\\"http://x\\",\\"y\\")"')
                       .replace("name: A wins", 'name: "@SUM(1+1)"'), encoding="utf-8")
    out = work / "csv"
    argv = ["analyze", str(formula), "-q", "--csv", str(out)]
    outcome, detail = classify(argv, [str(formula)], False, seconds)
    live = [c for f in sorted(out.glob("*.csv"))
            for row in csv.reader(f.open(encoding="utf-8")) for c in row
            if c[:1] in ("=", "+", "@")]
    if outcome == "success" and live:
        outcome, detail = "wrong", f"a CSV cell is a live formula: {live[0][:60]!r}"
    tally.add("paths:output", outcome, f"formula names | {' '.join(_short(argv))} | {detail}")
    big = work / "big.yaml"
    big.write_text(text.replace("title: Toy two-party negotiation", "title: " + "x" * (1 << 20)),
                   encoding="utf-8")
    argv = ["analyze", str(big), "-q"]
    outcome, detail = classify(argv, [str(big)], False, seconds)
    tally.add("paths:output", outcome, f"1 MB title | {' '.join(_short(argv))} | {detail}")
