"""The event-data file formats and how each maps onto the canonical event.

Column lists: GDELT 1.0 and 2.0 codebooks (Leetaru & Schrodt 2013; GDELT 2.0 event and mention
codebooks, 2015), ICEWS coded event data (Boschee et al., Harvard Dataverse
doi:10.7910/DVN/28075), POLECAT (Halterman et al. 2023, PLOVER ontology). Each format gives, for
every canonical field, a DuckDB SQL expression over ``f``, the list of the line's tab-separated
fields (1-based). Detection looks at the header and the number of fields of the first lines.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from detente.errors import DetenteError, Problem

#: Canonical event fields, PLOVER-style, plus the original code (``code``) and provenance.
CANONICAL: tuple[str, ...] = (
    "event_id", "date", "actor1", "actor1_name", "actor1_country", "actor2", "actor2_name",
    "actor2_country", "code", "cameo", "plover_type", "plover_mode", "plover_context",
    "quad_class", "intensity", "num_sources", "num_articles", "location_country", "latitude",
    "longitude", "url", "publisher", "story_id",
)

#: Canonical fields of a GDELT 2.0 mention row.
MENTION_FIELDS: tuple[str, ...] = (
    "event_id", "event_time", "mention_time", "mention_type", "source_name", "url",
    "sentence_id", "confidence", "doc_tone",
)

ICEWS_HEADER: tuple[str, ...] = (
    "Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country", "Event Text",
    "CAMEO Code", "Intensity", "Target Name", "Target Sectors", "Target Country", "Story ID",
    "Sentence Number", "Publisher", "City", "District", "Province", "Country", "Latitude",
    "Longitude",
)

POLECAT_REQUIRED: tuple[str, ...] = (
    "Event ID", "Event Date", "Event Type", "Event Mode", "Actor Name", "Actor Country",
    "Recipient Name", "Recipient Country",
)

ALLOWED_FORMATS = "gdelt1, gdelt2, gdelt2-mentions, icews, polecat"


@dataclass(frozen=True)
class FormatSpec:
    """How one format's lines become canonical rows.

    ``columns`` is the number of fields a good line has; ``header`` whether line 1 is a header;
    ``exprs`` maps canonical field → SQL over ``f``; ``date_raw`` is the raw date field and
    ``date_format`` its strptime format; ``code_kind`` is ``"cameo"`` or ``"plover"``;
    ``country_kind`` says how actor countries are written (``"cameo"`` or ``"name"``) and
    ``location_kind`` how the event's location country is (``"fips"``, ``"name"``, ``"cameo"``).
    """

    name: str
    columns: int
    header: bool
    exprs: dict[str, str]
    date_raw: str
    date_format: str
    code_kind: str = "cameo"
    country_kind: str = "cameo"
    location_kind: str = "fips"
    missing: tuple[str, ...] = ("",)
    kind: str = "events"
    header_names: tuple[str, ...] = field(default=())


def _gdelt(version: int, columns: int) -> FormatSpec:
    geo = 8 if version == 2 else 7  # ADM2Code added in 2.0
    action = 36 + 2 * geo  # first field of the ActionGeo block
    exprs = {
        "event_id": "f[1]", "actor1": "f[6]", "actor1_name": "f[7]", "actor1_country": "f[8]",
        "actor2": "f[16]", "actor2_name": "f[17]", "actor2_country": "f[18]",
        "code": "f[27]", "cameo": "f[27]", "quad_class": "try_cast(f[30] AS INTEGER)",
        "intensity": "try_cast(f[31] AS DOUBLE)",
        "num_sources": "try_cast(f[33] AS INTEGER)", "num_articles": "try_cast(f[34] AS INTEGER)",
        "location_country": f"f[{action + 2}]",
        "latitude": f"try_cast(f[{action + 4 + (version == 2)}] AS DOUBLE)",
        "longitude": f"try_cast(f[{action + 5 + (version == 2)}] AS DOUBLE)",
        "url": f"f[{action + geo + 1}]" if columns > action + geo else "NULL",
        "publisher": "NULL", "story_id": "NULL",
    }
    return FormatSpec(name=f"gdelt{version}", columns=columns, header=False, exprs=exprs,
                      date_raw="f[2]", date_format="%Y%m%d")


GDELT1 = _gdelt(1, 58)
GDELT1_57 = FormatSpec(**{**GDELT1.__dict__, "columns": 57,
                           "exprs": {**GDELT1.exprs, "url": "NULL"}})
GDELT2 = _gdelt(2, 61)

GDELT2_MENTIONS = FormatSpec(
    name="gdelt2-mentions", columns=16, header=False, kind="mentions",
    exprs={
        "event_id": "f[1]", "event_time": "f[2]", "mention_time": "f[3]",
        "mention_type": "try_cast(f[4] AS INTEGER)", "source_name": "f[5]", "url": "f[6]",
        "sentence_id": "try_cast(f[7] AS INTEGER)", "confidence": "try_cast(f[12] AS DOUBLE)",
        "doc_tone": "try_cast(f[14] AS DOUBLE)",
    },
    date_raw="f[2]", date_format="%Y%m%d%H%M%S",
)

ICEWS = FormatSpec(
    name="icews", columns=20, header=True, header_names=ICEWS_HEADER,
    exprs={
        "event_id": "f[1]", "actor1": "f[3]", "actor1_name": "f[3]", "actor1_country": "f[5]",
        "actor2": "f[9]", "actor2_name": "f[9]", "actor2_country": "f[11]", "code": "f[7]",
        "cameo": "f[7]", "quad_class": "NULL", "intensity": "try_cast(f[8] AS DOUBLE)",
        "num_sources": "NULL", "num_articles": "NULL", "location_country": "f[18]",
        "latitude": "try_cast(f[19] AS DOUBLE)", "longitude": "try_cast(f[20] AS DOUBLE)",
        "url": "NULL", "publisher": "f[14]", "story_id": "f[12]",
    },
    date_raw="f[2]", date_format="%Y-%m-%d", country_kind="name", location_kind="name",
    missing=("", "NA"),
)


def polecat_spec(header: list[str], file: str) -> FormatSpec:
    """Build the POLECAT spec from its header (``Intensity`` or, in newer files,
    ``Event Intensity``; multi-values separated by ``"; "``; missing values written ``None``)."""
    pos = {name.strip(): i + 1 for i, name in enumerate(header)}
    missing = [n for n in POLECAT_REQUIRED if n not in pos]
    if missing:
        raise DetenteError([Problem("POLECAT header lacks required columns", file=file, line=1,
                                    value=missing, allowed=", ".join(POLECAT_REQUIRED))])
    intensity = pos.get("Intensity") or pos.get("Event Intensity")

    def col(name: str, cast: str | None = None) -> str:
        if name not in pos:
            return "NULL"
        e = f"f[{pos[name]}]"
        return f"try_cast({e} AS {cast})" if cast else e

    def first(name: str) -> str:
        return f"string_split({col(name)}, '; ')[1]" if name in pos else "NULL"

    exprs = {
        "event_id": col("Event ID"), "actor1": col("Actor Name"),
        "actor1_name": col("Actor Name Raw") if "Actor Name Raw" in pos else col("Actor Name"),
        "actor1_country": first("Actor Country"), "actor2": col("Recipient Name"),
        "actor2_name": (col("Recipient Name Raw") if "Recipient Name Raw" in pos
                        else col("Recipient Name")),
        "actor2_country": first("Recipient Country"), "code": col("Event Type"), "cameo": "NULL",
        "quad_class": col("Quad Code", "INTEGER"),
        "intensity": f"try_cast(f[{intensity}] AS DOUBLE)" if intensity else "NULL",
        "num_sources": "NULL", "num_articles": "NULL", "location_country": first("Country"),
        "latitude": col("Latitude", "DOUBLE"), "longitude": col("Longitude", "DOUBLE"),
        "url": "NULL", "publisher": col("Source"), "story_id": "NULL",
        "plover_mode": col("Event Mode"), "plover_context": col("Contexts"),
    }
    return FormatSpec(name="polecat", columns=len(header), header=True, exprs=exprs,
                      date_raw=col("Event Date"), date_format="%Y-%m-%d", code_kind="plover",
                      location_kind="cameo", missing=("", "None"),
                      header_names=tuple(h.strip() for h in header))


_BY_COUNT = {61: GDELT2, 58: GDELT1, 57: GDELT1_57, 16: GDELT2_MENTIONS}
_BY_NAME = {"gdelt2": GDELT2, "gdelt1": GDELT1, "gdelt2-mentions": GDELT2_MENTIONS}


def detect_format(head: list[str], file: str, forced: str | None = None) -> FormatSpec:
    """Choose the format from the first lines of a file (or from ``forced``).

    Headers identify ICEWS and POLECAT; otherwise the most common number of tab-separated fields
    among the first lines identifies GDELT 1.0 (57/58), GDELT 2.0 events (61) or mentions (16).
    """
    lines = [h.rstrip("\r\n") for h in head if h.strip()]
    if not lines:
        raise DetenteError([Problem("file is empty: no event rows", file=file)])
    first = lines[0].split("\t")
    names = [x.strip().strip('"') for x in first]
    if forced in (None, "icews") and tuple(names[:3]) == ICEWS_HEADER[:3]:
        if len(names) != ICEWS.columns:
            raise DetenteError([Problem("ICEWS header has the wrong number of columns", file=file,
                                        line=1, value=len(names), allowed="20")])
        return ICEWS
    if forced in (None, "polecat") and "Event Type" in names and "Event Mode" in names:
        return polecat_spec(names, file)
    if forced in _BY_NAME:
        return _BY_NAME[forced]
    if forced is not None:
        raise DetenteError([Problem("unknown or mismatching format", file=file, value=forced,
                                    allowed=ALLOWED_FORMATS)])
    counts = Counter(len(x.split("\t")) for x in lines)
    # The most common known field count (a damaged first line does not hide the format).
    n = max(counts, key=lambda c: (c in _BY_COUNT, counts[c]))
    if n in _BY_COUNT:
        return _BY_COUNT[n]
    raise DetenteError([Problem(
        "unrecognised event-data format: the first lines have "
        f"{n} tab-separated fields and no known header", file=file, value=lines[0][:80],
        allowed="GDELT 1.0 (57 or 58 fields), GDELT 2.0 events (61) or mentions (16), "
                "ICEWS (20, header) or POLECAT (header with Event Type, Event Mode)")])
