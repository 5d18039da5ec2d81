"""Rebuild the fixture slices in this folder from the full shared files (run from the worktree
root: ``python tests/data/agreements/make_fixture.py ../shared/data/agreements``).

Rows are copied byte for byte (header and quoting kept); the selection is listed below and in
README.md. Not run by the test suite.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

HERE = Path(__file__).parent
PAD_IDS = [
    # Russia on the signatory list (Minsk I and II, Oslo, Dayton, Georgia-Abkhazia, Moldova)
    1536, 1537, 1136, 1134, 1133, 1126, 1568, 1569, 1073, 1596, 1597, 1598, 1130, 1123,
    # ended soon after signing (first rows of the file)
    1004, 1434, 1116, 1043, 1542, 1076, 1036, 1427, 1002, 1387,
    # coded ended with no end date (outcome unknown); coded explicitly not ended
    1470, 1471, 1571, 1658,
]
PAX_IDS = [
    # Russia-Ukraine and Russia-related agreements (Minsk Protocol, Minsk II, grain deal, ...)
    10, 1363, 1364, 1362, 930, 2117, 2118, 2236, 2260, 2440, 2444, 434, 251, 227, 1699, 1024,
    1887,
    # the row whose UcdpAgr a spreadsheet turned into 5.17E+12 (a real malformed link)
    469,
]
ACTORS = ["RUS", "UKR", "GEO", "MDA", "USA", "AGO", "BIH", "ISR"]


def _records(path: Path) -> tuple[str, list[tuple[dict[str, str], str]]]:
    text = path.read_text(encoding="utf-8")
    lines = io.StringIO(text, newline="").readlines()  # the lines csv counts
    reader = csv.DictReader(io.StringIO(text, newline=""))
    _ = reader.fieldnames  # reads the header
    out, start = [], reader.line_num
    rows = []
    for row in reader:
        rows.append((row, start, reader.line_num))
        start = reader.line_num
    header = lines[0]
    for row, a, b in rows:
        out.append((row, "".join(lines[a:b])))
    return header, out


def _write(name: str, header: str, picked: list[str]) -> None:
    (HERE / name).write_text(header + "".join(picked), encoding="utf-8")


def main(shared: Path) -> None:
    h, recs = _records(shared / "ucdp_pad_v22_1_from_bherbst5.csv")
    extra = [r for r, _ in recs if r["pko"] == "1"][:6] + [
        r for r, _ in recs if r["year"] in ("2020", "2021")][:3]
    ids = PAD_IDS + [int(r["paid"]) for r in extra if int(r["paid"]) not in PAD_IDS]
    _write("ucdp_pad_v22_1_from_bherbst5.csv", h,
           [t for r, t in recs if int(r["paid"]) in ids])
    h, recs = _records(shared / "pax_all_agreements_data_v9.csv")
    linked = [r["AgtId"] for r, _ in recs if r["UcdpAgr"].isdigit() and int(r["UcdpAgr"]) in ids]
    keep = {str(i) for i in PAX_IDS} | set(linked)
    _write("pax_all_agreements_data_v9.csv", h, [t for r, t in recs if r["AgtId"] in keep])
    h, recs = _records(shared / "peacerep_paax_actors_info_in_agts_with_Russia.csv")
    _write("peacerep_paax_actors_info_in_agts_with_Russia.csv", h,
           [t for r, t in recs if r["type"] == "CON" and r["iso3c"] in ACTORS])


if __name__ == "__main__":
    main(Path(sys.argv[1]))
