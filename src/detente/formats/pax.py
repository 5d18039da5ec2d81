"""Reader for the PA-X Peace Agreements Database, version 9 (CSV, 279 columns).

PA-X (Bell et al., PeaceRep, University of Edinburgh; www.peaceagreements.org) codes 2,144
peace agreements 1990-2024: identity columns (conflict, peace process, date, stage, type of
conflict and agreement, parties, locations, links to UCDP and other datasets) followed by 251
provision columns, each 0/1 or 0-3 (0 = not mentioned; 1-3 = increasing level of detail, per
the PA-X codebook). Column meanings used by detente are listed in ``docs/agreements.md``.

The reader only reads. A header that is not the v9 header (a missing or unknown column) is an
error naming the file, line 1 and the column. A row with a bad value in a column the arrays need
(a provision that is not 0-3, an unparseable date or id, an unknown stage) is left out of the
arrays and reported in ``PaxTable.problems`` with file, line and field; a bad *link* to UCDP
PAD (e.g. the spreadsheet-mangled ``5.17E+12``) keeps the row, drops the link and is reported.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from detente.errors import DetenteError, Problem
from detente.formats._csvtext import ID_RANGE, YEAR_RANGE, guarded
from detente.limits import decode_utf8, read_bytes

#: The identity (non-provision) columns of PA-X v9, in file order.
META: tuple[str, ...] = (
    "Con", "Contp", "PP", "PPName", "Reg", "AgtId", "Ver", "Agt", "Year", "Dat", "Status", "Lgt",
    "N_characters", "Agtp", "Stage", "StageSub", "Part", "ThrdPart", "OthAgr", "Loc1ISO",
    "Loc2ISO", "Loc1GWNO", "Loc2GWNO", "UcdpCon", "UcdpAgr", "PamAgr", "CowWar", "Interim"
)
#: The provision columns of PA-X v9 (0/1 or 0-3), in file order.
PROVISIONS: tuple[str, ...] = (
    "GCh", "GChRhet", "GChAntid", "GChSubs", "GChOth", "GDis", "GDisRhet", "GDisAntid", "GDisSubs",
    "GDisOth", "GAge", "GAgeRhet", "GAgeAntid", "GAgeSubs", "GAgeOth", "GMig", "GMigRhet",
    "GMigAntid", "GMigSubs", "GMigOth", "GRa", "GRaRhet", "GRaAntid", "GRaSubs", "GRaOth", "GRe",
    "GReRhet", "GReAntid", "GReSubs", "GReOth", "GInd", "GIndRhet", "GIndAntid", "GIndSubs",
    "GIndOth", "GOth", "GOthRhet", "GOthAntid", "GOthSubs", "GOthOth", "GRef", "GRefRhet",
    "GRefSubs", "GRefOth", "GSoc", "GSocRhet", "GSocAntid", "GSocSubs", "GSocOth", "GeWom", "GeMe",
    "GeMeNu", "GeMeOth", "GeLgbti", "GeLgbtiPos", "GeLgbtiNeg", "GeFa", "StGen", "StCon", "StSd",
    "StRef", "StSym", "StInd", "StUni", "StBor", "StXbor", "Pol", "PolGen", "PolNewInd",
    "PolNewTemp", "Ele", "ElecComm", "PolPar", "PolParTrans", "PolParOth", "Civso", "Tral",
    "Pubad", "ConGen", "ConRen", "Cons", "Polps", "PpsGe", "PpsGe:St", "PpsGe:Sub", "PpsEx",
    "PpsEx:St", "PpsEx:Sub", "PpsOro", "PpsOro:St", "PpsOro:Sub", "PpsOthPr", "PpsOthPr:St",
    "PpsOthPr:Sub", "PpsVet", "PpsVet:St", "PpsVet:Sub", "PpsAut", "PpsAut:St", "PpsAut:Sub",
    "PpsInt", "PpsInt:St", "PpsInt:Sub", "PpsOth", "PpsOth:St", "PpsOth:Sub", "Terps", "TpsSub",
    "TpsLoc", "TpsAut", "TpsOth", "Eps", "EpsRes", "EpsFis", "EpsOth", "Mps", "MpsMe", "MpsJt",
    "MpsPro", "MpsOth", "HrGen", "HrBor", "HrTrinc", "HrCp", "CprLife", "CprTort", "CprEq",
    "CprSlav", "CprLib", "CprDet", "CprFmov", "CprFspe", "CprFass", "CprTria", "CprPriv",
    "CprVote", "CprReli", "CprOth", "HrSec", "SerProp", "SerWork", "SerHeal", "SerEdu", "SerStdl",
    "SerShel", "SerSs", "SerCult", "SerOth", "HrCit", "CitGen", "CitRights", "CitDef", "CitOth",
    "HrDem", "HrDet", "Med", "MedGov", "MedSubs", "MedLog", "MedOth", "HrMob", "Prot", "ProtCiv",
    "ProtGrp", "ProtOth", "RiOth", "HrNi", "HrNiMe", "HrNiNe", "HrNiOth", "HrIi", "HrIiMon",
    "HrIiBod", "HrIiOth", "JusCr", "JusCrSp", "JusCrSys", "JusCrPow", "JusEm", "JusJu", "JusPri",
    "JusTra", "Dev", "DevSoc", "DevHum", "DevInfra", "NEC", "NatRes", "IntFu", "Bus", "Tax",
    "TaxPo", "TaxRef", "TaxOth", "Ban", "CenBan", "BanPers", "BanInt", "BanXb", "LaRef",
    "LaRefMan", "LaRefRet", "LaRefOth", "LaNom", "LaCH", "LaCHTa", "LaCHIt", "LaCHPro", "LaCHOth",
    "LaEn", "Wat", "SsrGua", "Ce", "CeProv", "CeGen", "SsrPol", "SsrArm", "SsrDdr", "DdrDemil",
    "DdrProg", "SsrInt", "SsrPsf", "SsrFf", "Cor", "SsrCrOcr", "SsrDrugs", "Terr", "TjGen", "TjAm",
    "TjAmPro", "TjSan", "TjPower", "TjAmBan", "TjCou", "TjJaNc", "TjJaIc", "TjMech", "TjPrire",
    "TjVet", "TjVic", "TjMis", "TjRep", "TjRSym", "TjRMa", "TjNR", "ImUN", "ImOth", "ImRef",
    "ImPK", "ImE", "ImSrc"
)
COLUMNS: tuple[str, ...] = META + PROVISIONS
#: PA-X ``Stage`` codes: pre-negotiation/process, ceasefire, framework-substantive partial /
#: comprehensive, implementation, renewal, other.
STAGES: tuple[str, ...] = ("Pre", "Cea", "SubPar", "SubComp", "Imp", "Ren", "Oth")
#: PA-X ``Contp`` (conflict type) values.
CONFLICT_TYPES: tuple[str, ...] = ("Government", "Territory", "Government/territory",
                                   "Inter-group", "Other")
#: PA-X ``Agtp`` (agreement type): interstate, interstate about intrastate, intrastate, local.
AGREEMENT_TYPES: tuple[str, ...] = ("Inter", "InterIntra", "Intra", "IntraLocal")
_NO_LINK = {"", "NA", "N/A", "Na"}
_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")


@dataclass(frozen=True)
class PaxTable:
    """PA-X agreements as column arrays (one entry per well-formed row).

    ``provisions``: (n, len(PROVISIONS)) int8, columns in :data:`PROVISIONS` order.
    ``ucdp_paid``: the linked UCDP PAD agreement id, -1 when there is none.
    ``text``: the identity columns as object arrays (``Con``, ``Part``, ``Loc1ISO`` …).
    """

    source: str
    sha256: str
    line: np.ndarray
    agt_id: np.ndarray
    date: np.ndarray
    year: np.ndarray
    stage: np.ndarray
    conflict_type: np.ndarray
    agreement_type: np.ndarray
    ucdp_paid: np.ndarray
    provisions: np.ndarray
    text: dict[str, np.ndarray]
    rows_read: int
    problems: tuple[Problem, ...] = field(default=())

    def __len__(self) -> int:
        return int(self.agt_id.shape[0])

    def column(self, name: str) -> np.ndarray:
        """The provision column ``name`` (int8, 0-3)."""
        if name not in PROVISIONS:
            raise DetenteError.one("not a PA-X v9 provision column", path=name, value=name,
                                   allowed="a column of the PA-X v9 codebook, e.g. Ce, SsrGua")
        return self.provisions[:, PROVISIONS.index(name)]


def _check_header(header: list[str], source: str) -> None:
    problems = [Problem(f"missing column {c!r}", file=source, line=1, path=c,
                        allowed="the 279 PA-X v9 columns")
                for c in COLUMNS if c not in header]
    problems += [Problem(f"unexpected column {c!r}", file=source, line=1, path=c, value=c,
                         allowed="the 279 PA-X v9 columns (see docs/agreements.md)")
                 for c in header if c not in COLUMNS]
    if problems:
        raise DetenteError(problems)


def _choice(row: dict[str, str], name: str, allowed: tuple[str, ...], where: dict) -> str:
    value = row[name].strip()
    if value not in allowed:
        raise DetenteError.one(f"{name} is not a PA-X code", path=name, value=value,
                               allowed=", ".join(allowed), **where)
    return value


def _parse(row: dict[str, str], where: dict) -> tuple:
    try:
        agt = int(row["AgtId"])
        year = int(row["Year"])
    except ValueError:
        bad = "AgtId" if not row["AgtId"].strip().isdigit() else "Year"
        raise DetenteError.one(f"{bad} is not an integer", path=bad, value=row[bad],
                               **where) from None
    for name, value, (lo, hi) in (("AgtId", agt, ID_RANGE), ("Year", year, YEAR_RANGE)):
        if not lo <= value <= hi:  # 10^20 overflowed the int64 column (a traceback)
            raise DetenteError.one(f"{name} is out of range", path=name, value=row[name],
                                   allowed=f"{lo} … {hi:,}", **where)
    m = _DATE.match(row["Dat"].strip())
    if not m:
        raise DetenteError.one("Dat is not a date", path="Dat", value=row["Dat"],
                               allowed="DD/MM/YYYY", **where)
    try:
        date = np.datetime64(f"{m.group(3)}-{m.group(2)}-{m.group(1)}", "D")
    except ValueError:
        raise DetenteError.one("Dat is not a calendar date", path="Dat", value=row["Dat"],
                               allowed="DD/MM/YYYY", **where) from None
    values = []
    for c in PROVISIONS:
        cell = row[c].strip()
        if cell not in ("0", "1", "2", "3"):
            raise DetenteError.one(f"provision {c} is not 0-3", path=c, value=row[c],
                                   allowed="0, 1, 2, 3", **where)
        values.append(int(cell))
    return (agt, date, year, _choice(row, "Stage", STAGES, where),
            _choice(row, "Contp", CONFLICT_TYPES, where),
            _choice(row, "Agtp", AGREEMENT_TYPES, where), values)


def _link(row: dict[str, str], where: dict[str, object], problems: list[Problem]) -> int:
    cell = row["UcdpAgr"].strip()
    if cell in _NO_LINK:
        return -1
    if cell.isascii() and cell.isdigit() and int(cell) <= ID_RANGE[1]:  # not '\u0663', '²'
        return int(cell)
    problems.append(Problem("UcdpAgr is not a UCDP PAD id (row kept, link ignored)",
                            file=str(where["file"]), line=int(str(where["line"])),
                            path="UcdpAgr", value=cell, allowed="an integer, blank or NA"))
    return -1


def read_pax(path: str | Path) -> PaxTable:
    """Read a PA-X v9 CSV file into a :class:`PaxTable`.

    Raises :class:`DetenteError` when the file cannot be read or its header is not the v9
    header; malformed rows are counted and reported in ``problems``, never silently dropped.
    """
    p = Path(path)
    source = str(p)
    raw = read_bytes(p, "agreements")  # a regular file within the size limit
    text = decode_utf8(raw, source, allowed="UTF-8 (the PA-X download is UTF-8)")
    # strict: an unclosed quote swallowed the rows after it, '"a"b' was read as 'ab'
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows = guarded(reader, source)
    header = next(rows, None)
    if header is None:
        raise DetenteError.one("empty file", file=source, allowed="a PA-X v9 CSV with a header")
    _check_header(header, source)
    parsed, lines, problems, links = [], [], [], []
    texts: dict[str, list[str]] = {c: [] for c in META}
    start, n_rows = reader.line_num + 1, 0
    for cells in rows:
        line, start = start, reader.line_num + 1
        n_rows += 1
        where: dict[str, object] = {"file": source, "line": line}
        if len(cells) != len(header):
            problems.append(Problem(f"row has {len(cells)} fields, expected {len(header)}",
                                    file=source, line=line,
                                    allowed="one field per column of the header"))
            continue
        row = dict(zip(header, cells, strict=True))
        try:
            parsed.append(_parse(row, where))
        except DetenteError as exc:
            problems += exc.problems
            continue
        links.append(_link(row, where, problems))
        lines.append(line)
        for c in META:
            texts[c].append(row[c])
    return _table(source, raw, parsed, lines, links, texts, n_rows, problems)


def _table(source: str, raw: bytes, parsed: list[tuple], lines: list[int], links: list[int],
           texts: dict[str, list[str]], rows_read: int, problems: list[Problem]) -> PaxTable:
    n = len(parsed)
    cols = list(zip(*parsed, strict=True)) if parsed else [()] * 7
    return PaxTable(
        source=source, sha256=hashlib.sha256(raw).hexdigest(),
        line=np.array(lines, dtype=np.int64), agt_id=np.array(cols[0], dtype=np.int64),
        date=np.array(cols[1], dtype="datetime64[D]"), year=np.array(cols[2], dtype=np.int64),
        stage=np.array(cols[3], dtype=object), conflict_type=np.array(cols[4], dtype=object),
        agreement_type=np.array(cols[5], dtype=object),
        ucdp_paid=np.array(links, dtype=np.int64),
        provisions=np.array(cols[6], dtype=np.int8).reshape(n, len(PROVISIONS)),
        text={c: np.array(v, dtype=object) for c, v in texts.items()},
        rows_read=rows_read, problems=tuple(problems))
