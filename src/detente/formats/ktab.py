"""KTAB's SMP CSV (KAPSARC Toolkit for Behavioral Analysis, MIT licence), multi-dimensional.

Line 1: ``name, description, N, K`` (further fields ignored). Line 2: a header
(``Actor, Description, Power``, then per dimension ``<Dim> Position, <Dim> Salience``). Then N lines
``name, description, capability, pos_1, sal_1, …, pos_K, sal_K``; extra trailing fields are
ignored. Positions and saliences are on 0–100; saliences of one actor sum to at most 100.
The table keeps positions on 0–100 and saliences divided by 100 (see ``SMP.md``).
"""

from __future__ import annotations

from pathlib import Path

from detente.errors import DetenteError, Problem
from detente.formats._csvtext import number, problem_at, read_rows
from detente.formats.table import StakeholderTable
from detente.limits import MAX_ACTORS, MAX_DIMENSIONS


def looks_like_ktab(path: str | Path) -> bool:
    """True when line 1 ends in two integers (N, K) and line 2 starts with ``Actor``."""
    rows = read_rows(path)
    if len(rows) < 2:
        return False
    head = rows[0]
    if len(head) < 4 or not rows[1] or rows[1][0].lower() not in ("actor", "actors"):
        return False
    try:
        int(head[2]), int(head[3])
    except ValueError:
        return False
    return True


def read_ktab_csv(path: str | Path, *, tol: float = 1e-6) -> StakeholderTable:
    """Read a KTAB SMP CSV into a :class:`StakeholderTable` (positions 0–100, saliences 0–1)."""
    file = str(path)
    rows = read_rows(path)
    while rows and not any(rows[-1]):
        rows.pop()
    if len(rows) < 2:
        raise DetenteError.one("a KTAB CSV needs a title line, a header and actor lines",
                               file=file, value=len(rows))
    head = rows[0]
    if len(head) < 4:
        raise DetenteError.one("unknown header layout: line 1 must be 'name, description, N, K'",
                               file=file, line=1, value=rows[0])
    n_actors = int(number(head[2], file=file, line=1, column=3, field="N"))
    n_dims = int(number(head[3], file=file, line=1, column=4, field="K"))
    if not 1 <= n_dims <= MAX_DIMENSIONS:
        raise DetenteError.one("the number of dimensions (K) is out of range", file=file,
                               line=1, column=4, value=n_dims,
                               allowed=f"1 to {MAX_DIMENSIONS:,}")
    if not 0 <= n_actors <= MAX_ACTORS:
        raise DetenteError.one("the number of actors (N) is out of range", file=file, line=1,
                               column=3, value=n_actors, allowed=f"0 to {MAX_ACTORS:,}")
    header = rows[1]
    if not header or header[0].lower() not in ("actor", "actors"):
        raise DetenteError.one("unknown header layout: line 2 must start 'Actor, Description, "
                               "Power'", file=file, line=2, column=1, value=header[:3])
    dims = tuple(
        (header[3 + 2 * k].removesuffix("Position").removesuffix("position").strip()
         if 3 + 2 * k < len(header) and header[3 + 2 * k] else f"dim{k}") or f"dim{k}"
        for k in range(n_dims))
    width = 3 + 2 * n_dims
    named = max([k + 1 for k, h in enumerate(header) if h.strip()], default=0)
    actors, cap, pos, sal = [], [], [], []
    problems: list[Problem] = []
    body = [(i, r) for i, r in enumerate(rows[2:], start=3) if any(r)]
    for i, row in body:
        if len(row) < width:
            problems.append(problem_at("ragged row: too few fields", file=file, line=i,
                                       column=len(row) + 1, value=len(row),
                                       allowed=f"at least {width} fields (3 + 2 per dimension)"))
            continue
        extra = [k for k in range(max(width, named), len(row)) if row[k].strip()]
        if extra:  # "1.000,5" split a number in two: the cells after it moved right
            problems.append(problem_at("ragged row: a field past the last column (a number "
                                       "written with a decimal comma?)", file=file, line=i,
                                       column=extra[0] + 1, value=row[extra[0]],
                                       allowed=f"{max(width, named)} fields (3 + 2 per "
                                       "dimension; blank fields at the end are ignored)"))
            continue
        try:
            c = number(row[2], file=file, line=i, column=3, field="capability")
            xs = [number(row[3 + 2 * k], file=file, line=i, column=4 + 2 * k, field="position")
                  for k in range(n_dims)]
            ss = [number(row[4 + 2 * k], file=file, line=i, column=5 + 2 * k, field="salience")
                  for k in range(n_dims)]
        except DetenteError as exc:
            problems.extend(exc.problems)
            continue
        if c <= 0:
            problems.append(problem_at("capability must be positive", file=file, line=i,
                                       column=3, value=c, allowed="> 0"))
        for k in range(n_dims):
            if not 0 <= xs[k] <= 100:
                problems.append(problem_at("position out of range", file=file, line=i,
                                           column=4 + 2 * k, value=xs[k], allowed="0 to 100"))
            if not 0 <= ss[k] <= 100:
                problems.append(problem_at("salience out of range", file=file, line=i,
                                           column=5 + 2 * k, value=ss[k], allowed="0 to 100"))
        if sum(ss) > 100 + tol:
            problems.append(problem_at("saliences of one actor sum to more than 100", file=file,
                                       line=i, column=5, value=sum(ss), allowed="<= 100"))
        actors.append(row[0])
        cap.append(c)
        pos.append(xs)
        sal.append([v / 100 for v in ss])
    if problems:
        raise DetenteError(problems)
    if len(actors) < 2:
        raise DetenteError.one("a stakeholder table needs at least two actors", file=file,
                               value=len(actors), allowed=">= 2 actor lines")
    if len(actors) != n_actors:
        raise DetenteError.one(f"line 1 announces {n_actors} actors but the file has "
                               f"{len(actors)}", file=file, line=1, column=3,
                               value=n_actors, allowed=str(len(actors)))
    return StakeholderTable.build(actors, cap, pos, sal, dimensions=dims, name=head[0],
                                  source=file, scale=(0.0, 100.0))
