"""Write the Schelling peer's input files for ``compare_peers.py`` (issue 19); prints their paths.

    python benchmarks/peer_inputs.py OUTDIR

Schelling (github.com/hamzagul07/schelling, AGPL; a throwaway venv, never a dependency) reads
neither detente's stakeholder CSV nor the DEU TSV, so this writes, once, before the timed runs:

- ``china.json``: a Schelling ``GameSpec`` of ``bdm/china.csv`` whose triangular ranges are the
  ones ``detente forecast --draws N`` samples for a CSV (``InputRanges.spread(table, 0.1)``:
  capability × (1 ± 0.1), salience ± 0.1, position ± 10 % of the span), saliences on 0–100
  as Schelling expects;
- ``Dataset_DEU_III.csv``: ``deu3-dev.tsv`` in the semicolon layout of the published DEU III
  CSV that ``schelling backtest`` parses (the GDP row dropped; the same issues and columns).
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from detente.forecasts.montecarlo import InputRanges
from detente.formats.stakeholders import read_stakeholder_csv

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


def _tri(low: float, mode: float, high: float) -> dict[str, float]:
    return {"low": float(low), "mode": float(mode), "high": float(high)}


def game_spec(csv_path: Path, spread: float = 0.1) -> dict[str, object]:
    """Schelling's GameSpec of a one-issue stakeholder CSV with detente's draw ranges."""
    t = read_stakeholder_csv(csv_path)
    r = InputRanges.spread(t, spread)
    actors = []
    for i, name in enumerate(t.actors):
        actors.append({
            "id": f"a{i}", "name": name, "evidence": [],
            "position": _tri(r.position_low[i, 0], t.position[i, 0], r.position_high[i, 0]),
            "salience": _tri(100 * r.salience_low[i, 0], 100 * t.salience[i, 0],
                             100 * r.salience_high[i, 0]),
            "capability": _tri(r.capability_low[i], t.capability[i], r.capability_high[i])})
    return {"question_id": f"DETENTE-{csv_path.stem.upper()}", "frozen_at": "2026-12-06",
            "continuum": {"label": csv_path.stem, "anchor_0": "0", "anchor_100": "100"},
            "template": "multilateral_bargaining", "horizon": "one_shot",
            "notes": f"written by detente benchmarks/peer_inputs.py from {csv_path.name}",
            "actors": actors}


def deu_semicolon(tsv: Path, out: Path) -> None:
    """The DEU TSV (header, GDP row, issues) as the semicolon CSV of DEU III (no GDP row)."""
    with tsv.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh, delimiter="\t"))
    with out.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, delimiter=";", lineterminator="\n").writerows([rows[0], *rows[2:]])


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    out.mkdir(parents=True, exist_ok=True)
    spec = out / "china.json"
    spec.write_text(json.dumps(game_spec(DATA / "bdm" / "china.csv"), indent=1) + "\n")
    deu = out / "Dataset_DEU_III.csv"
    deu_semicolon(DATA / "deu3-dev.tsv", deu)
    print(spec)
    print(deu)


if __name__ == "__main__":
    main()
