"""Decision content as frozen records: option tables, relapse windows, LVEF cut-offs,
trial-population caps, label indications, approvals and the alert vocabulary.

Read from ``data/decisions.toml`` and ``data/approvals.toml`` by :func:`load_decisions`,
which the catalogue loader calls; every reference to a regimen, statement or alert code
is checked there, so a typo fails at load time rather than during a recommendation.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from ._catalogue.reader import DataError
from ._catalogue.reader import _read as read_toml
from ._catalogue.reader import _Reader as Reader
from ._catalogue.reader import _records as records

__all__ = [
    "CAP_CONDITIONS",
    "LVEF_EFFECTS",
    "Approval",
    "Cap",
    "Decisions",
    "Indication",
    "LvefCut",
    "OptionRow",
    "Window",
    "load_decisions",
]

TIERS: Final = ("preferred", "alternative", "other")
CAP_CONDITIONS: Final = (
    "relapse-within-12-months",
    "prior-metastatic-chemo-or-her2",
    "prior-endocrine-lines-over-1",
)
LVEF_EFFECTS: Final = ("exclude-her2", "cap-alternative")
JURISDICTIONS: Final = ("US", "EU")
#: message IDs the engine reads from [[message]]
MESSAGES: Final = ("residual-no-adjuvant-adc",)
_MONTH: Final = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, slots=True)
class Window:
    """One source's relapse window after (neo)adjuvant HER2-directed therapy."""

    source: str
    months: int
    months_pertuzumab: int
    statements: tuple[str, ...]
    wording: str


@dataclass(frozen=True, slots=True)
class OptionRow:
    """One row of a line's option table."""

    line: int
    regimen: str
    tier: str
    hormone_receptor: str
    statements: tuple[str, ...]
    why: str
    tier_low_burden: str = ""
    until: dt.date | None = None
    unless_received: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Cap:
    """A trial-population limit on a regimen's tier."""

    regimen: str
    when: str
    tier: str
    statements: tuple[str, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class LvefCut:
    """An LVEF cut-off and what falls below it."""

    below: float
    effect: str
    alert: str
    statements: tuple[str, ...]
    message: str


@dataclass(frozen=True, slots=True)
class Indication:
    """A label indication condition counted from the history."""

    regimen: str
    jurisdiction: str
    prior_any: int
    prior_metastatic: int
    statement: str
    text: str


@dataclass(frozen=True, slots=True)
class Approval:
    """A regulatory approval; ``effective`` is the date (or last day of the month) it applies from."""

    regimen: str
    jurisdiction: str
    effective: dt.date
    shown: str
    min_line: int
    indication: str
    reference: str
    quote: str = ""


@dataclass(frozen=True, slots=True)
class Decisions:
    """All decision tables, validated."""

    alerts: Mapping[str, str]
    windows: tuple[Window, ...]
    options: Mapping[int, tuple[OptionRow, ...]]
    not_listed: Mapping[tuple[int, str], str]
    caps: tuple[Cap, ...]
    lvef: tuple[LvefCut, ...]
    indications: tuple[Indication, ...]
    approvals: tuple[Approval, ...]
    #: derived indexes (built by the loader, read by the engine)
    us_approvals: Mapping[str, tuple[Approval, ...]] = field(default_factory=dict)
    #: (regimen, line 1–3) → the first US approval date covering that line (absent: no record)
    us_approved_from: Mapping[tuple[str, int], dt.date | None] = field(default_factory=dict)
    indications_by_regimen: Mapping[str, tuple[Indication, ...]] = field(default_factory=dict)
    messages: Mapping[str, str] = field(default_factory=dict)
    #: regimen → (why it is promoted with active brain metastases, statements)
    cns: Mapping[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)


def _tier(r: Reader, fld: str, *, required: bool = True) -> str:
    if not required and fld not in r.raw:
        r.used.add(fld)
        return ""
    return r.choice(fld, TIERS)


def _approval(r: Reader) -> Approval:
    if ("date" in r.raw) == ("month" in r.raw):
        raise r.fail(
            "date", r.raw.get("date"), "exactly one of `date` (a day) or `month` (YYYY-MM)"
        )
    if "date" in r.raw:
        day = r.get("date", dt.date)
        effective, shown = day, day.isoformat()
    else:
        month = r.text("month")
        m = _MONTH.match(month)
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise r.fail("month", month, "YYYY-MM, e.g. 2020-04")
        y, mo = int(m.group(1)), int(m.group(2))
        effective = dt.date(y, mo, calendar.monthrange(y, mo)[1])
        shown = f"{calendar.month_name[mo]} {y}"
    return Approval(
        regimen=r.ident("regimen"),
        jurisdiction=r.choice("jurisdiction", JURISDICTIONS),
        effective=effective,
        shown=shown,
        min_line=r.get("min_line", int, required=False, default=1),
        indication=r.text("indication"),
        reference=r.ident("reference"),
        quote=r.text("quote", required=False),
    )


def load_decisions(
    regimens: Mapping[str, object],
    statements: Mapping[str, object],
    references: Mapping[str, object],
) -> Decisions:
    """Load ``decisions.toml`` and ``approvals.toml`` and check every ID they use.

    Raises:
        DataError: naming file, record, field, bad value and what is allowed.
    """
    file = "decisions.toml"
    doc = read_toml(file)
    alerts: dict[str, str] = {}
    for i, raw in enumerate(records(doc, file, "alert")):
        r = Reader(file, "alert", raw, i)
        code = r.ident("code")
        if code in alerts:
            raise r.fail("code", code, "a code not listed before")
        alerts[code] = r.text("meaning")
        r.done()

    def check(r: Reader, fld: str, value: str, known: Mapping[str, object], what: str) -> None:
        if value not in known:
            raise r.fail(fld, value, f"a {what} ID from {what}s ({len(known)} known)")

    def stmts(r: Reader, fld: str = "statements") -> tuple[str, ...]:
        out = r.strings(fld)
        for s in out:
            check(r, fld, s, statements, "statement")
        return out

    windows = []
    for i, raw in enumerate(records(doc, file, "window")):
        r = Reader(file, "window", raw, i)
        w = Window(
            source=r.text("source"),
            months=r.get("months", int),
            months_pertuzumab=r.get("months_pertuzumab", int),
            statements=stmts(r),
            wording=r.text("wording"),
        )
        if not 0 < w.months <= w.months_pertuzumab <= 36:
            raise r.fail("months", w.months, "0 < months ≤ months_pertuzumab ≤ 36")
        r.done()
        windows.append(w)
    if not windows:
        raise DataError(f"{file}: at least one [[window]] is needed")

    options: dict[int, list[OptionRow]] = {1: [], 2: [], 3: []}
    for i, raw in enumerate(records(doc, file, "option")):
        r = Reader(file, "option", raw, i)
        line = r.get("line", int)
        if line not in options:
            raise r.fail("line", line, "1 | 2 | 3 (3 = third line and beyond)")
        row = OptionRow(
            line=line,
            regimen=r.ident("regimen"),
            tier=_tier(r, "tier"),
            hormone_receptor=r.choice("hormone_receptor", ("any", "positive")),
            statements=stmts(r),
            why=r.text("why"),
            tier_low_burden=_tier(r, "tier_low_burden", required=False),
            until=r.get("until", dt.date, required=False),
            unless_received=frozenset(r.strings("unless_received", required=False)),
        )
        check(r, "regimen", row.regimen, regimens, "regimen")
        if any(o.regimen == row.regimen and o.until == row.until for o in options[line]):
            raise r.fail("regimen", row.regimen, f"one row per regimen in line {line}")
        r.done()
        options[line].append(row)

    not_listed: dict[tuple[int, str], str] = {}
    for i, raw in enumerate(records(doc, file, "not_listed")):
        r = Reader(file, "not_listed", raw, i)
        line, reg = r.get("line", int), r.ident("regimen")
        check(r, "regimen", reg, regimens, "regimen")
        not_listed[(line, reg)] = r.text("reason")
        r.done()

    caps = []
    for i, raw in enumerate(records(doc, file, "cap")):
        r = Reader(file, "cap", raw, i)
        cap = Cap(
            regimen=r.ident("regimen"),
            when=r.choice("when", CAP_CONDITIONS),
            tier=_tier(r, "tier"),
            statements=stmts(r),
            reason=r.text("reason"),
        )
        check(r, "regimen", cap.regimen, regimens, "regimen")
        r.done()
        caps.append(cap)

    cuts: list[LvefCut] = []
    for i, raw in enumerate(records(doc, file, "lvef")):
        r = Reader(file, "lvef", raw, i)
        cut = LvefCut(
            below=r.get("below", float),
            effect=r.choice("effect", LVEF_EFFECTS),
            alert=r.ident("alert"),
            statements=stmts(r),
            message=r.text("message"),
        )
        if cut.alert not in alerts:
            raise r.fail("alert", cut.alert, "an alert code listed in [[alert]]")
        if cuts and cut.below <= cuts[-1].below:
            raise r.fail("below", cut.below, "rows in increasing order of `below`")
        r.done()
        cuts.append(cut)

    indications = []
    for i, raw in enumerate(records(doc, file, "indication")):
        r = Reader(file, "indication", raw, i)
        ind = Indication(
            regimen=r.ident("regimen"),
            jurisdiction=r.choice("jurisdiction", JURISDICTIONS),
            prior_any=r.get("prior_any", int),
            prior_metastatic=r.get("prior_metastatic", int),
            statement=r.ident("statement"),
            text=r.text("text"),
        )
        check(r, "regimen", ind.regimen, regimens, "regimen")
        check(r, "statement", ind.statement, statements, "statement")
        r.done()
        indications.append(ind)

    messages: dict[str, str] = {}
    for i, raw in enumerate(records(doc, file, "message")):
        r = Reader(file, "message", raw, i)
        messages[r.ident("id")] = r.text("text")
        r.done()
    for need in MESSAGES:
        if need not in messages:
            raise DataError(f"{file}: [[message]] id {need!r} is missing (the engine uses it)")
    cns: dict[str, tuple[str, tuple[str, ...]]] = {}
    for i, raw in enumerate(records(doc, file, "cns")):
        r = Reader(file, "cns", raw, i)
        reg = r.ident("regimen")
        check(r, "regimen", reg, regimens, "regimen")
        cns[reg] = (r.text("text"), stmts(r))
        r.done()

    afile = "approvals.toml"
    approvals = []
    for i, raw in enumerate(records(read_toml(afile), afile, "approval")):
        r = Reader(afile, "approval", raw, i)
        ap = _approval(r)
        check(r, "regimen", ap.regimen, regimens, "regimen")
        check(r, "reference", ap.reference, references, "reference")
        r.done()
        approvals.append(ap)

    approvals.sort(key=lambda a: a.effective)
    us: dict[str, list[Approval]] = {}
    for ap in approvals:
        if ap.jurisdiction == "US":
            us.setdefault(ap.regimen, []).append(ap)
    approved_from: dict[tuple[str, int], dt.date | None] = {}
    for reg, aps in us.items():
        for line in (1, 2, 3):
            covering = [a.effective for a in aps if a.min_line <= line]
            approved_from[(reg, line)] = min(covering) if covering else None
    by_regimen: dict[str, list[Indication]] = {}
    for ind in indications:
        by_regimen.setdefault(ind.regimen, []).append(ind)
    return Decisions(
        messages=messages,
        cns=cns,
        us_approvals={k: tuple(v) for k, v in us.items()},
        us_approved_from=approved_from,
        indications_by_regimen={k: tuple(v) for k, v in by_regimen.items()},
        alerts=alerts,
        windows=tuple(windows),
        options={k: tuple(v) for k, v in options.items()},
        not_listed=not_listed,
        caps=tuple(caps),
        lvef=tuple(cuts),
        indications=tuple(indications),
        approvals=tuple(approvals),
    )
