"""The Bueno de Mesquita / Scholz stakeholder CSV: ``Actor,Capability,Position,Salience``.

One row per actor. Header variants in the wild are accepted (``Stakeholder``, ``Clout``,
``Resources``, ``Influence``, ``Power`` …); so are old-Mac ``\\r`` line endings (as in Bueno de
Mesquita's 2002 China table). Saliences are on 0–1 when every value is ≤ 1, otherwise on 0–100
(and then divided by 100). Positions stay on the file's own scale.
"""

from __future__ import annotations

from pathlib import Path

from detente.errors import DetenteError
from detente.formats._csvtext import number, problem_at, read_rows
from detente.formats.table import StakeholderTable

#: Accepted header names (lower case) for each field.
HEADER_NAMES: dict[str, tuple[str, ...]] = {
    "actor": ("actor", "stakeholder", "name", "player", "actors", "stakeholders"),
    "capability": ("capability", "capabilities", "clout", "resources", "influence", "power",
                   "potential power"),
    "position": ("position", "stance", "preference"),
    "salience": ("salience", "importance", "priority"),
}


def _layout(header: list[str], file: str) -> dict[str, int]:
    cols: dict[str, int] = {}
    unknown = []
    for j, name in enumerate(header):
        key = name.strip().lower()
        if key == "" and j == len(header) - 1:
            continue  # trailing comma
        for field, names in HEADER_NAMES.items():
            if key in names:
                if field in cols:
                    raise DetenteError.one(f"two columns name the {field}", file=file, line=1,
                                           column=j + 1, value=name)
                cols[field] = j
                break
        else:
            unknown.append((j, name))
    missing = [f for f in HEADER_NAMES if f not in cols]
    if unknown or missing:
        allowed = "; ".join(f"{f}: {', '.join(n)}" for f, n in HEADER_NAMES.items())
        if unknown:
            j, name = unknown[0]
            msg = (f"unknown header layout: column '{name}' is not a stakeholder field"
                   + (f" (missing: {', '.join(missing)})" if missing else ""))
            raise DetenteError.one(msg, file=file, line=1, column=j + 1, value=header,
                                   allowed=allowed)
        raise DetenteError.one(f"unknown header layout: no column for {', '.join(missing)}",
                               file=file, line=1, value=header, allowed=allowed)
    return cols


def read_stakeholder_csv(path: str | Path, *, name: str | None = None) -> StakeholderTable:
    """Read a BdM/Scholz CSV into a one-dimensional :class:`StakeholderTable`.

    Errors carry the file, line and column of the first bad cell (all bad cells are listed).
    """
    file = str(path)
    rows = read_rows(path)
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        raise DetenteError.one("the file is empty", file=file,
                               allowed="a header Actor,Capability,Position,Salience and rows")
    cols = _layout(rows[0], file)
    width = max(cols.values()) + 1
    actors: list[str] = []
    cap: list[float] = []
    pos: list[float] = []
    sal: list[float] = []
    first: dict[str, int] = {}
    problems = []
    for i, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        cells = row[:-1] if len(row) == len(rows[0]) + 1 and row[-1] == "" else row
        if len(cells) < width or len(cells) > len(rows[0]):
            problems.append(problem_at("ragged row: wrong number of fields", file=file, line=i,
                                       column=min(len(cells), width) + 1, value=len(cells),
                                       allowed=f"{len(rows[0])} fields as in the header"))
            continue
        try:
            actor = cells[cols["actor"]]
            if not actor:
                raise DetenteError.one("missing actor name", file=file, line=i,
                                       column=cols["actor"] + 1)
            vals = {f: number(cells[cols[f]], file=file, line=i, column=cols[f] + 1, field=f)
                    for f in ("capability", "position", "salience")}
        except DetenteError as exc:
            problems.extend(exc.problems)
            continue
        if vals["capability"] <= 0:
            problems.append(problem_at("capability must be positive", file=file, line=i,
                                       column=cols["capability"] + 1, value=vals["capability"],
                                       allowed="> 0"))
        if not 0 <= vals["salience"] <= 100:
            problems.append(problem_at("salience out of range", file=file, line=i,
                                       column=cols["salience"] + 1, value=vals["salience"],
                                       allowed="0 to 1, or 0 to 100"))
        if actor in actors:
            problems.append(problem_at("actor listed more than once", file=file, line=i,
                                       column=cols["actor"] + 1, value=actor,
                                       allowed=f"one row per actor (first on line "
                                               f"{first[actor]})"))
        first.setdefault(actor, i)
        actors.append(actor)
        cap.append(vals["capability"])
        pos.append(vals["position"])
        sal.append(vals["salience"])
    if problems:
        raise DetenteError(problems)
    if len(actors) < 2:
        raise DetenteError.one("a stakeholder table needs at least two actors", file=file,
                               value=len(actors), allowed=">= 2 actor rows")
    scale100 = max(sal) > 1
    s = [v / 100 if scale100 else v for v in sal]
    return StakeholderTable.build(actors, cap, pos, s, name=name or Path(file).stem, source=file)
