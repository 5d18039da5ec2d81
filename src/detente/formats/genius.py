"""GENIUS / ANAC negotiation domains: one domain XML (issues and values) plus one profile XML per
party (Lin et al. 2014, "GENIUS: An integrated environment for supporting the design of generic
automated negotiators", Computational Intelligence 30(1); Baarslag et al. 2013, ANAC).

Semantics follow GENIUS exactly:

- additive profiles: U(ω) = Σ_k w_k · e_k(ω_k) with the issue weights w_k as written;
  discrete issues e_k(v) = evaluation(v) / max_v' evaluation(v') (per-issue normalisation);
  integer and real issues e_k(x) = clamp_[0,1](offset + slope · (x − lower bound));
- non-linear profiles (hyper-rectangles): U(ω) = Σ_r weight · u_r · [ω satisfies r] / maxutility,
  an ``INCLUDES`` rectangle satisfied when every bound holds, an ``EXCLUDES`` one when some bound
  fails (GENIUS ``InclusiveHyperRectangle`` / ``ExclusiveHyperRectangle``);
- the reservation value is on that normalised scale (0 when the profile has none); the
  discount factor δ applies as U · δ^t with t ∈ [0, 1] the normalised time (δ ∉ (0, 1): none).

Real issues are discretised into ``real_steps`` evenly spaced points. Files are read with the
standard library's ``xml.etree.ElementTree`` after refusing any entity or DTD declaration (no
GENIUS file has one; they are what XML bombs and external entities need), so an untrusted file
cannot expand or fetch anything; expat (≥ 2.4) also caps entity amplification. Every problem
names the file and the element path (and the line and column for malformed XML).
"""

from __future__ import annotations

import logging
import math
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from detente import invisible
from detente.errors import DetenteError, Problem
from detente.invisible import INVISIBLE
from detente.limits import (
    DECIMAL,
    MAX_ISSUE_VALUES,
    NUMBER_ALLOWED,
    iso_date,
    odd_number,
    read_bytes,
)

log = logging.getLogger(__name__)

WEIGHT_TOL = 0.02
REAL_STEPS = 11
FloatArray = NDArray[np.float64]


class GeniusError(DetenteError):
    """A GENIUS domain or profile file that cannot be used."""


def _fail(message: str, file: Path | str, path: str | None = None, value: object = None,
          allowed: str | None = None, line: int | None = None,
          column: int | None = None) -> GeniusError:
    return GeniusError([Problem(message, file=str(file), path=path, value=value, allowed=allowed,
                                line=line, column=column)])


# -- data ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rectangle:
    """A hyper-rectangle of a non-linear GENIUS profile: ``utility`` when satisfied; ``bounds``
    are ``(issue position, first option, last option)`` (inclusive option indices). Inclusive
    rectangles need every bound to hold, exclusive ones some bound to fail."""

    utility: float
    inclusive: bool
    bounds: tuple[tuple[int, int, int], ...]


@dataclass(frozen=True)
class GeniusIssue:
    """An issue: its GENIUS index, name, kind and the labels of its options (in order).

    ``numbers`` holds each option's number for integer and real issues."""

    index: int
    name: str
    kind: str
    values: tuple[str, ...]
    numbers: tuple[float, ...] | None = None
    lower: float | None = None
    upper: float | None = None


@dataclass(frozen=True)
class GeniusProfile:
    """One party's preferences. Additive: ``weights`` and per-issue ``evaluations`` e_k(o) in
    [0, 1]. Non-linear: ``rectangles`` and ``max_utility``."""

    name: str
    file: str
    kind: str
    reservation: float
    discount: float
    weights: tuple[float, ...] = ()
    evaluations: tuple[tuple[float, ...], ...] = ()
    rectangles: tuple[Rectangle, ...] = ()
    max_utility: float = 1.0
    has_reservation: bool = False
    weight_sum: float = 1.0
    notes: tuple[str, ...] = ()

    @property
    def additive(self) -> bool:
        return self.kind == "additive"


@dataclass(frozen=True)
class GeniusDomain:
    """A GENIUS domain with the profiles of its parties."""

    name: str
    directory: str
    domain_file: str
    issues: tuple[GeniusIssue, ...]
    profiles: tuple[GeniusProfile, ...]
    skipped: tuple[str, ...] = ()
    """The ``*.xml`` entries of the folder that are neither the domain nor a profile, each
    ``"file: why"`` (a folder, not XML, another root element)."""
    domain_notes: tuple[str, ...] = ()
    """Warnings about the domain file (attributes detente does not read that hold no number)."""

    @property
    def additive(self) -> bool:
        return all(p.additive for p in self.profiles)

    @property
    def sizes(self) -> tuple[int, ...]:
        return tuple(len(i.values) for i in self.issues)

    @property
    def n_outcomes(self) -> int:
        return math.prod(self.sizes)

    @property
    def reservation(self) -> FloatArray:
        return np.array([p.reservation for p in self.profiles])

    @property
    def notes(self) -> tuple[str, ...]:
        """Warnings about the files (weights not summing to 1, clamped evaluations, files of
        the folder skipped, …)."""
        return (tuple(f"skipped {Path(self.directory) / s}" for s in self.skipped)
                + self.domain_notes + tuple(n for p in self.profiles for n in p.notes))


def discounted(utility: FloatArray | float, discount: float, time: float) -> FloatArray | float:
    """GENIUS discounted utility U · δ^t at normalised time t ∈ [0, 1] (δ ∉ (0, 1): none)."""
    if not 0.0 <= time <= 1.0:
        raise GeniusError.one("normalised time must lie in [0, 1]", value=time)
    if not 0.0 < discount < 1.0:
        return utility
    return utility * discount ** time


# -- XML helpers -----------------------------------------------------------------------------
def _bytes(file: Path) -> bytes:
    """The bytes of a regular XML file within the size limit (never a FIFO or a device)."""
    try:
        return read_bytes(file, "genius")
    except DetenteError as exc:
        raise GeniusError(exc.problems) from None


#: A document type declaration (with an internal subset or naming an external DTD) or an entity
#: declaration: GENIUS files have none, and they are how XML bombs (billion laughs) and external
#: entities (XXE) work; expat reads no external DTD, but another parser of the same file might.
_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY")


def _parse(raw: bytes, file: Path) -> ET.Element:
    if m := _DTD.search(raw):
        line = raw[: m.start()].count(b"\n") + 1
        raise _fail("XML entity or DTD declarations are not read (they are how entity bombs "
                    "and external entities work)", file, line=line,
                    allowed="a GENIUS domain or profile without a <!DOCTYPE> (GENIUS files "
                    "have none)")
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        line, col = exc.position
        raise _fail(f"malformed or truncated XML: {exc.msg if hasattr(exc, 'msg') else exc}",
                    file, line=line, column=col + 1) from None
    except (LookupError, ValueError) as exc:  # encoding="x-bogus", multi-byte encodings
        raise _fail(f"unreadable XML: {exc}", file, allowed="UTF-8 (or a standard single-byte "
                    "encoding) declared in the XML header") from None
    if not raw.isascii() or b"&#" in raw:  # only then can a name hold one (detente.invisible)
        _visible_names(root, file)
    return root


def _visible_names(root: ET.Element, file: Path) -> None:
    """Refuse an invisible or layout character in any attribute or text (issue, value and
    objective names): a name holding one looks like another, or reorders a printed line."""
    for el in root.iter():
        for key, text in (*el.attrib.items(), ("text", el.text or "")):
            if m := INVISIBLE.search(text):
                raise _fail(invisible.message(m.group()), file, path=_where(el, "") + "@" + key,
                            value=text, allowed=invisible.ALLOWED)
            if m := invisible.CONTROL.search(text):  # U+0085 NEXT LINE splits a printed name
                raise _fail(f"control character U+{ord(m.group()):04X} in the text", file,
                            path=_where(el, "") + "@" + key, value=text,
                            allowed="printable text, tab and newline")


def _read(file: Path) -> ET.Element:
    return _parse(_bytes(file), file)


def _where(el: ET.Element, parent: str) -> str:
    keys = [f"{k}={el.get(k)!r}" for k in ("index", "name", "value") if el.get(k) is not None]
    return f"{parent}/{el.tag}" + (f"[{', '.join(keys)}]" if keys else "")


_INDEX = re.compile(r"\s*[+-]?\d{1,9}\s*")


def _index(el: ET.Element, file: Path, path: str) -> int:
    """An ``index`` attribute: a whole number as written (``1e-320`` and ``-0.4`` were read as
    issue 0, ``1e308`` as a 309-digit index)."""
    raw = el.get("index")
    if raw is None:
        raise _fail("missing attribute 'index'", file, path, allowed="a whole number")
    if not _INDEX.fullmatch(raw):
        raise _fail("attribute 'index' is not a whole number", file, path, value=raw[:40],
                    allowed="a whole number such as 1 (GENIUS numbers issues 1, 2, …)")
    return int(raw)


def _num(el: ET.Element, attr: str, file: Path, path: str, default: float | None = None) -> float:
    raw = el.get(attr)
    if raw is None:
        if default is not None:
            return default
        raise _fail(f"missing attribute {attr!r}", file, path, allowed="a number")
    try:
        x = float(raw)
    except ValueError:
        raise _fail(f"attribute {attr!r} is not a number", file, path, value=raw,
                    allowed="a number") from None
    if not math.isfinite(x):
        raise _fail(f"attribute {attr!r} is not finite", file, path, value=raw,
                    allowed="a finite number")
    if why := odd_number(raw):
        raise _fail(f"attribute {attr!r} is not written as a decimal number: {why}", file,
                    path, value=raw, allowed=NUMBER_ALLOWED)
    return x


UNREAD_NUMBERS = {"cost": "a number", "number_of_issues": "a whole number >= 0"}
"""Attributes of GENIUS files that GENIUS reads as numbers and detente does not use (an item's
cost; a count that real files often leave at 0), with what they should hold."""


def _unread_numbers(root: ET.Element, file: Path, notes: list[str]) -> None:
    """One warning for the attributes of :data:`UNREAD_NUMBERS` that hold no plain number
    (``cost="abc"``, ``nan``, ``1_0``, ``number_of_issues="-5"``): detente does not use them,
    and refusing would refuse files it reads correctly, but a value GENIUS itself cannot read
    was taken without a word (round 12's leftover). Counted, the first three named."""
    bad = []
    for el in root.iter():
        for attr, allowed in UNREAD_NUMBERS.items():
            raw = el.get(attr)
            if raw is None:
                continue
            t = raw.strip()
            ok = (t.isascii() and t.isdigit()) if attr == "number_of_issues" else (
                bool(DECIMAL.fullmatch(t)) and math.isfinite(float(t)))
            if not ok:
                bad.append(f"{_where(el, '').lstrip('/')}@{attr}={raw[:20]!r} ({allowed})")
    if bad:
        _note(notes, file, root.tag, f"{len(bad)} attribute{'s' * (len(bad) > 1)} detente "
              f"does not read hold{'s' * (len(bad) == 1)} no number GENIUS could read: "
              + "; ".join(bad[:3]) + (" …" if len(bad) > 3 else "") + " (not used here)")


def _issue_elements(root: ET.Element) -> list[tuple[ET.Element, str]]:
    """Every ``issue`` element under the root with its element path."""
    out: list[tuple[ET.Element, str]] = []

    def walk(el: ET.Element, path: str) -> None:
        for child in el:
            p = _where(child, path)
            if child.tag == "issue":
                out.append((child, p))
            elif child.tag in ("utility_space", "objective"):
                walk(child, p)

    walk(root, root.tag)
    return out


def _kind(el: ET.Element) -> str:
    return (el.get("type") or el.get("etype") or el.get("vtype") or "discrete").lower()


def _bounds(el: ET.Element, file: Path, path: str) -> tuple[float, float]:
    src = el if el.get("lowerbound") is not None else el.find("range")
    if src is None:
        raise _fail("numeric issue without 'lowerbound'/'upperbound'", file, path,
                    allowed="lowerbound and upperbound attributes or a <range> child")
    lo = _num(src, "lowerbound", file, path)
    hi = _num(src, "upperbound", file, path)
    if hi < lo:
        raise _fail("upperbound is below lowerbound", file, path, value=(lo, hi))
    return lo, hi


# -- domain ----------------------------------------------------------------------------------
def read_domain_issues(file: Path, real_steps: int = REAL_STEPS) -> tuple[GeniusIssue, ...]:
    """The issues of a GENIUS domain (template) file."""
    return _domain_issues(_read(file), file, real_steps)


def _domain_issues(root: ET.Element, file: Path, real_steps: int) -> tuple[GeniusIssue, ...]:
    issues = []
    for el, path in _issue_elements(root):
        kind = _kind(el)
        index = _index(el, file, path)
        name = el.get("name") or f"issue{index}"
        if kind == "discrete":
            values = tuple(str(it.get("value")) for it in el.findall("item"))
            if not values:
                raise _fail("discrete issue without items (empty outcome space)", file, path)
            if len(set(values)) != len(values):
                raise _fail("discrete issue repeats a value", file, path, value=values)
            issues.append(GeniusIssue(index, name, kind, values))
        elif kind == "integer":
            lo, hi = _bounds(el, file, path)
            if hi - lo + 1 > MAX_ISSUE_VALUES:
                raise _fail("integer issue with too many values", file, path,
                            value=f"{hi - lo + 1:.0f}", allowed=f"at most {MAX_ISSUE_VALUES:,}")
            nums = tuple(float(x) for x in range(int(lo), int(hi) + 1))
            issues.append(GeniusIssue(index, name, kind, tuple(f"{x:g}" for x in nums), nums,
                                      lo, hi))
        elif kind == "real":
            lo, hi = _bounds(el, file, path)
            nums = tuple(float(x) for x in np.linspace(lo, hi, real_steps))
            issues.append(GeniusIssue(index, name, kind, tuple(f"{x:g}" for x in nums), nums,
                                      lo, hi))
        else:
            raise _fail(f"unsupported issue type {kind!r}", file, path,
                        allowed="discrete, integer, real")
    if not issues:
        raise _fail("no issues found: not a GENIUS domain file", file, root.tag)
    if len({i.index for i in issues}) != len(issues):
        raise _fail("two issues share an index", file, root.tag,
                    value=[i.index for i in issues])
    return tuple(issues)


# -- profiles --------------------------------------------------------------------------------
def _check_issue(el: ET.Element, path: str, issue: GeniusIssue, file: Path) -> None:
    name = el.get("name")
    if name is not None and name != issue.name:
        raise _fail(f"issue index {issue.index} is {name!r} here but {issue.name!r} in the "
                    "domain file (issue index mismatch between domain and profile)", file, path,
                    allowed=f"name {issue.name!r}")


def _discrete_eval(el: ET.Element, path: str, issue: GeniusIssue, file: Path,
                   notes: list[str]) -> list[float]:
    given: dict[str, float] = {}
    for it in el.findall("item"):
        p = _where(it, path)
        raw = it.get("evaluation")
        if raw is None:
            raise _fail("item without 'evaluation'", file, p, allowed="a number ≥ 0")
        x = _num(it, "evaluation", file, p)
        if x < 0:
            raise _fail("negative evaluation", file, p, value=raw, allowed="a number ≥ 0")
        value = str(it.get("value"))
        if value in given and given[value] != x:
            _note(notes, file, path, f"value {value!r} evaluated twice; the last one ({x:g}) "
                  "counts, as in GENIUS")
        given[value] = x
    missing = [v for v in issue.values if v not in given]
    if missing:
        raise _fail(f"no evaluation for {len(missing)} value(s) of issue {issue.name!r}", file,
                    path, value=missing[:5], allowed="one <item value=… evaluation=…> per value")
    raw_ev = [given[v] for v in issue.values]
    top = max(raw_ev)
    if top <= 0:
        _note(notes, file, path, "every evaluation is 0; the issue adds nothing")
        return [0.0] * len(raw_ev)
    return [x / top for x in raw_ev]


def _numeric_eval(el: ET.Element, path: str, issue: GeniusIssue, file: Path,
                  notes: list[str]) -> list[float]:
    ev = el.find("evaluator")
    if ev is None:
        raise _fail(f"{issue.kind} issue without <evaluator>", file, path,
                    allowed='<evaluator ftype="linear" offset=… slope=…>')
    p = _where(ev, path)
    ftype = (ev.get("ftype") or "linear").lower()
    if ftype != "linear":
        raise _fail(f"unsupported evaluator function {ftype!r}", file, p, allowed="linear")
    if ev.get("slope") is None and ev.get("parameter1") is not None:
        offset = _num(ev, "parameter0", file, p)
        slope = _num(ev, "parameter1", file, p)
    else:
        offset = _num(ev, "offset", file, p)
        slope = _num(ev, "slope", file, p)
    assert issue.numbers is not None and issue.lower is not None
    x = np.asarray(issue.numbers)
    raw = offset + slope * (x - issue.lower)
    if raw.max() > 1.0 + 1e-9 or raw.min() < -1e-9:
        _note(notes, file, p, f"the evaluator gives {raw.min():g} to {raw.max():g} on the "
              f"issue's range [{issue.lower:g}, {issue.upper:g}], outside [0, 1]: clamped to "
              "[0, 1], as GENIUS's EvaluatorInteger does")
    return list(np.clip(raw, 0.0, 1.0))


def _rectangles(root: ET.Element, issues: tuple[GeniusIssue, ...], file: Path,
                notes: list[str]) -> tuple[tuple[Rectangle, ...], float]:
    util = root.find(".//utility")
    if util is None:
        raise _fail("non-linear profile without <utility maxutility=…>", file, root.tag)
    upath = f"{root.tag}/objective/utility"
    max_u = _num(util, "maxutility", file, upath)
    if max_u <= 0:
        raise _fail("maxutility must be > 0", file, upath, value=max_u)
    pos = {i.index: k for k, i in enumerate(issues)}
    rects = []
    for uf in util.findall("ufun"):
        fpath = _where(uf, upath)
        if (uf.get("aggregation") or "sum").lower() != "sum":
            raise _fail("unsupported ufun aggregation", file, fpath, value=uf.get("aggregation"),
                        allowed="sum")
        weight = _num(uf, "weight", file, fpath, default=1.0)
        for r, hr in enumerate(uf.findall("hyperRectangle")):
            rpath = f"{fpath}/hyperRectangle[{r}]"
            u = _num(hr, "utility", file, rpath)
            inc, exc = hr.findall("INCLUDES"), hr.findall("EXCLUDES")
            if inc and exc:
                raise _fail("hyperRectangle mixes INCLUDES and EXCLUDES", file, rpath)
            bounds = []
            for b in inc or exc:
                bp = f"{rpath}/{b.tag}[index={b.get('index')!r}]"
                idx = _index(b, file, bp)
                if idx not in pos:
                    raise _fail("bound on an issue the domain does not have", file, bp,
                                value=idx, allowed=f"issue indices {sorted(pos)}")
                iss = issues[pos[idx]]
                if iss.kind != "integer":
                    raise _fail("hyper-rectangle bounds are supported on integer issues only",
                                file, bp, value=iss.kind)
                assert iss.lower is not None
                lo = int(_num(b, "min", file, bp) - iss.lower)
                hi = int(_num(b, "max", file, bp) - iss.lower)
                if hi > len(iss.values) - 1 or lo < 0:
                    _note(notes, file, bp, f"bound [{lo + iss.lower:g}, {hi + iss.lower:g}] "
                          f"reaches outside the issue's range [{iss.lower:g}, {iss.upper:g}]: "
                          "cut to the range")
                bounds.append((pos[idx], max(lo, 0), min(hi, len(iss.values) - 1)))
            rects.append(Rectangle(u * weight, not exc, tuple(bounds)))
    if not rects:
        raise _fail("non-linear profile without hyperRectangle constraints", file, upath)
    if all(r.utility <= 0 for r in rects):  # the frontier search then finds no outcome at all
        raise _fail("no hyperRectangle has a positive utility (times its ufun weight): no "
                    "outcome is worth anything to this party", file, upath,
                    allowed="at least one hyperRectangle with utility > 0")
    return tuple(rects), max_u


def _note(notes: list[str], file: Path | str, path: str, message: str) -> None:
    """A warning about a file that does not stop the reading: logged and kept."""
    text = f"{Path(file).name}: {path}: {message}"
    log.info("%s", text)  # the caller shows its notes: logged as a warning, it was printed twice
    notes.append(text)


def read_profile(file: Path, issues: tuple[GeniusIssue, ...], name: str | None = None,
                 weight_tol: float = WEIGHT_TOL,
                 normalise_weights: bool = False) -> GeniusProfile:
    """One party's profile, checked against the domain's ``issues``.

    Weights are used as written, as GENIUS's ``AdditiveUtilitySpace`` does (its ``getUtility``
    then caps the sum at 1); a sum further than ``weight_tol`` from 1 gives a warning (in
    ``notes``), not a refusal. ``normalise_weights`` divides them by their sum instead."""
    root = _read(file)
    notes: list[str] = []
    _unread_numbers(root, file, notes)
    name = name or file.stem
    if root.tag != "utility_space":
        raise _fail("not a GENIUS profile (root element is not <utility_space>)", file, root.tag)
    utype = (root.get("type") or "").lower()
    if utype == "constraint":
        raise _fail("constraint utility spaces (e.g. the Railway template) are not supported",
                    file, f"utility_space[type={root.get('type')!r}]",
                    allowed="additive or non-linear (hyperRectangle) profiles")
    res_el, disc_el = root.find("reservation"), root.find("discount_factor")
    reservation = _num(res_el, "value", file, "utility_space/reservation") if res_el is not None \
        else 0.0
    if not 0.0 <= reservation <= 1.0:
        raise _fail("reservation value outside [0, 1]", file, "utility_space/reservation",
                    value=reservation)
    discount = _num(disc_el, "value", file, "utility_space/discount_factor") \
        if disc_el is not None else 1.0
    base = GeniusProfile(name=name, file=str(file), kind="additive", reservation=reservation,
                         discount=discount, has_reservation=res_el is not None)
    if utype == "nonlinear" or root.find(".//hyperRectangle") is not None:
        rects, max_u = _rectangles(root, issues, file, notes)
        return replace(base, kind="nonlinear", rectangles=rects, max_utility=max_u,
                       notes=tuple(notes))

    by_index = {i.index: k for k, i in enumerate(issues)}
    evals: list[list[float] | None] = [None] * len(issues)
    for el, path in _issue_elements(root):
        idx = _index(el, file, path)
        if idx not in by_index:
            raise _fail("issue index not in the domain file (issue index mismatch between "
                        "domain and profile)", file, path, value=idx,
                        allowed=f"indices {sorted(by_index)}")
        k = by_index[idx]
        _check_issue(el, path, issues[k], file)
        evals[k] = (_discrete_eval if issues[k].kind == "discrete" else _numeric_eval)(
            el, path, issues[k], file, notes)
    missing = [issues[k].name for k, e in enumerate(evals) if e is None]
    if missing:
        raise _fail("profile has no evaluations for some domain issues (issue index mismatch "
                    "between domain and profile)", file, "utility_space/objective",
                    value=missing)
    weights: list[float | None] = [None] * len(issues)
    objective_idx = {int(i) for o in root.iter("objective")
                     if (i := (o.get("index") or "").strip()).lstrip("-").isdigit()}
    for w in root.iter("weight"):
        wpath = f"utility_space/objective/weight[index={w.get('index')!r}]"
        idx = _index(w, file, wpath)
        x = _num(w, "value", file, wpath)
        if idx in by_index:
            if x < 0:
                raise _fail("negative issue weight", file, wpath, value=x,
                            allowed="a weight ≥ 0 (utilities are sums of weight × evaluation "
                            "in [0, 1])")
            weights[by_index[idx]] = x
        elif idx not in objective_idx:
            raise _fail("weight for an issue the domain does not have", file, wpath, value=idx,
                        allowed=f"indices {sorted(by_index)}")
    if any(w is None for w in weights):
        raise _fail("missing issue weight(s)", file, "utility_space/objective",
                    value=[issues[k].name for k, w in enumerate(weights) if w is None])
    total = float(sum(w for w in weights if w is not None))
    ws = [float(w or 0.0) for w in weights]
    if normalise_weights:
        if total <= 0:
            raise _fail("issue weights sum to 0: nothing to normalise", file,
                        "utility_space/objective/weight", value=total, allowed="a sum > 0")
        ws = [w / total for w in ws]
    elif abs(total - 1.0) > weight_tol:
        far = "far from 1: " if not 0.5 <= total <= 2.0 else ""
        _note(notes, file, "utility_space/objective/weight", f"issue weights sum to "
              f"{total:.6g}, not 1 ({far}used as written, and utilities capped at 1, as GENIUS "
              "does; normalise_weights / --normalise-weights rescales them to sum 1)")
    return replace(base, weights=tuple(ws), weight_sum=total, notes=tuple(notes),
                   evaluations=tuple(tuple(float(x) for x in e or ()) for e in evals))


# -- directories -----------------------------------------------------------------------------
def _classify(directory: Path) -> tuple[list[Path], list[Path], list[str], list[str]]:
    """Domain files, profile files, the profile names the templates reference and the files
    skipped (``"name: why"``: a folder, not XML, another root element), never silently."""
    domains, profiles, refs, skipped = [], [], [], []
    bad: dict[str, GeniusError] = {}
    for f in sorted(directory.glob("*.xml")):
        if f.is_dir():
            skipped.append(f"{f.name}: a folder, not a file")
            continue
        raw = _bytes(f)  # a FIFO, a device or a dangling link is an error, not a hang
        try:
            root = _parse(raw, f)
        except GeniusError as exc:
            # Decide by the first bytes so a truncated profile still reports its own error.
            head = raw[:2000].decode("utf-8", errors="replace")
            if "<negotiation_template" in head:
                domains.append(f)
            elif "<utility_space" in head:
                profiles.append(f)
            elif not raw.strip():  # an empty profile is an error, never silently dropped
                raise _fail("empty .xml file in a GENIUS folder", f,
                            allowed="the domain file or a profile file") from None
            else:
                bad[f.name] = exc
            continue
        if root.tag == "negotiation_template":
            domains.append(f)
            refs += [a.get("utility_space", "") for a in root.iter("agent")]
        elif root.tag == "utility_space":
            profiles.append(f)
        else:
            skipped.append(f"{f.name}{_link(f)}: XML with root <{root.tag[:40]}>, neither a "
                           "domain <negotiation_template> nor a profile <utility_space>")
    for name, error in bad.items():
        text = (directory / name).read_bytes().lstrip(b"\xef\xbb\xbf \t\r\n")
        if name in refs or text.startswith(b"<"):
            # XML that does not parse could be a truncated profile: dropping it would analyse
            # the folder with a party missing, so it is its own error, never a skip.
            raise error
        skipped.append(f"{name}{_link(directory / name)}: not XML (e.g. a pareto.xml of "
                       "numbers)")
    return domains, profiles, [r for r in refs if r], sorted(skipped)


def _link(f: Path) -> str:
    """`` (a symbolic link to TARGET)`` for a link, else nothing."""
    try:
        return f" (a symbolic link to {os.readlink(f)})" if f.is_symlink() else ""
    except OSError:
        return " (a symbolic link)"


def is_genius_dir(path: str | Path) -> bool:
    """Whether ``path`` is a folder holding a GENIUS domain file and at least one profile."""
    p = Path(path)
    if not p.is_dir():
        return False
    domains, profiles, _, _ = _classify(p)
    return len(domains) == 1 and bool(profiles)


def load_domain(directory: str | Path, profiles: list[str] | None = None,
                real_steps: int = REAL_STEPS, weight_tol: float = WEIGHT_TOL,
                normalise_weights: bool = False) -> GeniusDomain:
    """Read a GENIUS domain folder: its one domain (template) file and its profiles.

    Args:
        directory: folder with one ``negotiation_template`` file and ``utility_space`` profiles.
        profiles: file names or stems of the profiles to load, in order (default: every profile
            in the folder, sorted by file name).
        real_steps: points per real-valued issue.
        weight_tol: distance of the weight sum from 1 beyond which a warning is noted.
        normalise_weights: divide each profile's weights by their sum (default: as written,
            as GENIUS does).
    """
    d = Path(directory)
    if not d.is_dir():
        raise _fail("GENIUS domain folder not found", d)
    domains, found, refs, skipped = _classify(d)
    if not domains:
        raise _fail("no GENIUS domain file (root <negotiation_template>) in the folder"
                    + _skipped_text(skipped), d,
                    allowed="a folder with one domain XML and one profile XML per party")
    if len(domains) > 1:
        raise _fail("more than one GENIUS domain file in the folder", d,
                    value=[f.name for f in domains])
    missing_refs = [r for r in refs if not (d / r).is_file()]
    if missing_refs:
        log.info("%s names profile files that are not in the folder: %s", domains[0], missing_refs)
    if profiles:
        chosen = []
        for want in profiles:
            f = next((p for p in found if want in (p.name, p.stem)), None)
            if f is None:
                raise _fail(f"--profile {want!r}: profile file not found in the folder", d,
                            allowed=", ".join(p.name for p in found) or "none in the folder")
            chosen.append(f)
    else:
        chosen = found
    if not chosen:
        raise _fail("no profile files (root <utility_space>) in the folder"
                    + _skipped_text(skipped), d,
                    allowed="one profile XML per party next to the domain file")
    root = _read(domains[0])
    issues = _domain_issues(root, domains[0], real_steps)
    domain_notes: list[str] = []
    _unread_numbers(root, domains[0], domain_notes)
    profs = tuple(read_profile(f, issues, weight_tol=weight_tol,
                               normalise_weights=normalise_weights) for f in chosen)
    return GeniusDomain(d.name, str(d), str(domains[0]), issues, profs, tuple(skipped),
                        tuple(domain_notes))


def _skipped_text(skipped: list[str] | tuple[str, ...]) -> str:
    return ("; skipped: " + "; ".join(skipped)) if skipped else ""


# -- to a scenario ---------------------------------------------------------------------------
def actor_ids(domain: GeniusDomain) -> tuple[str, ...]:
    """One unique scenario id per profile (its name, slugged)."""
    ids: list[str] = []
    for p in domain.profiles:
        base = _slug(p.name) or "party"
        ids.append(_unique(base, ids))
    return tuple(ids)


def _slug(text: str) -> str:
    s = re.sub(r"[^A-Za-z0-9_.\-]+", "_", text.strip()).strip("_.-")
    return s[:60]


def _unique(base: str, taken: list[str]) -> str:
    out, n = base, 2
    while out in taken:
        out = f"{base}_{n}"
        n += 1
    return out


def _date(text: str | None) -> object:
    import datetime as dt

    if text is None:
        return dt.date.today()
    try:
        return iso_date(text)
    except ValueError:
        raise GeniusError.one("not a date", path="--date", value=text,
                              allowed="YYYY-MM-DD") from None


def check_parties(domain: GeniusDomain, what: str = "a negotiation") -> None:
    """Refuse a domain with fewer than two profiles (one party has no one to bargain with:
    its "frontier" is its own best outcome)."""
    if len(domain.profiles) < 2:
        read = ", ".join(Path(p.file).name for p in domain.profiles) or "none"
        raise GeniusError.one(f"{what} needs at least two parties (profiles read: {read})"
                              + _skipped_text(domain.skipped), file=domain.directory,
                              allowed="a folder (or --profile list) with two or more profiles")


def to_scenario(domain: GeniusDomain, date: str | None = None) -> dict[str, object]:
    """The domain as a scenario mapping (validate with ``Scenario.model_validate``, write as
    YAML): every party a veto player with ``batna: {value: reservation}``, one stance per issue
    with ``salience`` = weight and ``values`` = e_k(o); every value names the file it came from.
    """
    check_parties(domain, "a scenario")
    bad = [p.name for p in domain.profiles if not p.additive]
    if bad:
        raise GeniusError.one("non-linear (hyperRectangle) profiles have no additive space "
                              "(a scenario is additive)",
                              file=domain.directory, value=bad)
    actors, issues, stances = [], [], []
    issue_ids: list[str] = []
    option_ids: list[list[str]] = []
    for iss in domain.issues:
        iid = _unique(_slug(iss.name) or f"issue{iss.index}", issue_ids)
        issue_ids.append(iid)
        entry: dict[str, object] = {"id": iid, "name": iss.name}
        if iss.kind == "integer" and iss.lower is not None and iss.upper is not None \
                and iss.upper > iss.lower:
            entry["grid"] = {"low": iss.lower, "high": iss.upper, "step": 1, "unit": "units"}
            ids = [f"{x:g}" for x in iss.numbers or ()]
        else:
            ids = []
            for v in iss.values:
                ids.append(_unique(_slug(v) or "option", ids))
            entry["options"] = [{"id": o, "label": v} for o, v in zip(ids, iss.values,
                                                                        strict=True)]
        option_ids.append(ids)
        issues.append(entry)
    for aid, prof in zip(actor_ids(domain), domain.profiles, strict=True):
        src = Path(prof.file).name
        actors.append({
            "id": aid, "name": prof.name, "role": "belligerent", "veto": True,
            "capability": {"value": 1.0, "assumption": "GENIUS profiles carry no capability; "
                           "equal clout assumed"},
            "batna": {"value": prof.reservation,
                      "assumption": f"reservation value from {src}"
                      + ("" if prof.has_reservation else " (none given: GENIUS default 0)")},
        })
        for k, iid in enumerate(issue_ids):
            stances.append({
                "actor": aid, "issue": iid,
                "salience": {"value": prof.weights[k], "assumption": f"issue weight from {src}"},
                "values": {o: {"value": round(float(e), 12),
                               "assumption": f"normalised evaluation from {src}"}
                           for o, e in zip(option_ids[k], prof.evaluations[k], strict=True)},
            })
    return {
        "id": _slug(domain.name) or "genius-domain",
        "title": f"GENIUS domain {domain.name}",
        "date": _date(date),
        "description": f"Imported from {Path(domain.domain_file).name} and "
                       + ", ".join(Path(p.file).name for p in domain.profiles) + ".",
        "actors": actors, "issues": issues, "stances": stances,
    }
