"""Options by line: the sources' option tables (data/decisions.toml) for each line reading."""

from __future__ import annotations

from functools import lru_cache

from .._catalogue import Catalogue
from .._decisions import OptionRow
from .core import THP, State, rule


@lru_cache(maxsize=8)
def _hr_only(cat: Catalogue) -> tuple[str, ...]:
    return tuple(r.id for r in cat.regimens.values() if r.hormone_receptor_positive_only)


@lru_cache(maxsize=64)
def _rows(cat: Catalogue, table: int, hr: str) -> tuple[OptionRow, ...]:
    """The option table's rows for one hormone-receptor value (pure; memoised)."""
    return tuple(r for r in cat.decisions.options[table] if r.hormone_receptor == hr)


def _add_rows(st: State, table: int, hr: str, why_suffix: str = "", cap: str = "") -> int:
    n = 0
    for row in _rows(st.cat, table, hr):
        if row.until is not None and (st.s.as_of is None or st.s.as_of >= row.until):
            continue
        if row.unless_received & st.h.exposed:
            continue
        tier = row.tier
        if row.tier_low_burden and st.s.low_disease_burden:
            tier = row.tier_low_burden
        if cap and tier == "preferred":
            tier = cap
        st.add(row.regimen, tier, row.why + why_suffix, row.statements)
        n += 1
    return n


def _reading_suffix(st: State, line: int) -> str:
    if not st.differ:
        return ""
    return f" (line-{line} reading: {', '.join(st.readings[line])})"


def _offer_table(st: State, table: int) -> bool:
    """Add the table's rows for every line reading that uses it; False when none does."""
    lines = [n for n in st.readings if min(n, 3) == table]
    if not lines or st.line is None:
        return False
    _add_rows(st, table, "any", _reading_suffix(st, max(lines)))
    return True


@rule(
    "OPTIONS-FIRST-LINE",
    "First line: THP or T-DXd + pertuzumab",
    "asco-2022",
    "nccn-breast",
    "fda-tdxd-pertuzumab-2025",
    "tolaney-2025-db09",
    "baselga-2012-cleopatra",
)
def first(st: State) -> str | None:
    if not _offer_table(st, 1):
        return None
    return "First-line options: THP (ASCO 1.1, NCCN category 1) and T-DXd + pertuzumab (FDA 2025)."


@rule(
    "OPTIONS-SECOND-LINE",
    "Second line: T-DXd preferred; T-DM1 or tucatinib regimen otherwise",
    "asco-2022",
    "nccn-breast",
    "cortes-2022-db03",
)
def second(st: State) -> str | None:
    if not _offer_table(st, 2):
        return None
    return "Second-line options: T-DXd preferred (ASCO 2.1: strong, moderate-quality evidence)."


@rule(
    "OPTIONS-LATER-LINE",
    "Third line and beyond: no single preferred regimen (ASCO); every listed option",
    "asco-2022",
    "nccn-breast",
    "andre-2023-db02",
    "murthy-2020-her2climb",
    "saura-2020-nala",
)
def later(st: State) -> str | None:
    if not _offer_table(st, 3):
        return None
    return "Later-line options listed without a preferred regimen (ASCO 2022 rec. 3.0)."


@rule(
    "OPTIONS-LINE-UNDETERMINED",
    "Line undetermined: first- and second-line options shown, none preferred",
    "asco-2022",
)
def undetermined(st: State) -> str | None:
    if st.line is not None:
        return None
    why = " Shown because the line could not be determined."
    for table in (1, 2):
        _add_rows(st, table, "any", why, cap="alternative")
    st.readings = {1: (), 2: ()}
    return "Both first- and second-line options shown as alternatives until the interval is known."


@rule(
    "OPTIONS-HR-POSITIVE",
    "HR-positive disease: endocrine-based options for selected patients",
    "asco-2022",
    "kaufman-2009-tandem",
    "johnston-2018-alternative",
    "tolaney-2020-monarcher",
)
def hormone_receptor(st: State) -> str | None:
    hr = st.s.hormone_receptor
    hr_only = _hr_only(st.cat)
    if hr == "unknown":
        st.alert(
            "missing-information",
            "Hormone-receptor status is unknown: it decides whether endocrine-based options "
            "(ASCO 2022 recs 6.0–8.0) apply.",
            "asco-2022",
        )
        for rid in hr_only:
            st.exclude(rid, "hormone-receptor status unknown: endocrine-based options need ER/PR")
        return "Hormone-receptor status unknown: endocrine options not shown."
    if hr == "negative":
        for rid in hr_only:
            st.exclude(rid, "hormone-receptor-negative disease")
        return "HR-negative: endocrine-based options set aside."
    n = 0
    cap = "alternative" if st.line is None else ""
    for line in sorted(st.readings):
        table = min(line, 3)
        n += _add_rows(st, table, "positive", _reading_suffix(st, line), cap)
    if THP in st.cands and 1 in st.readings:
        st.note(
            THP,
            "HR-positive: endocrine therapy may be added to HER2-directed maintenance when "
            "chemotherapy stops (ASCO 2022 rec. 7.0; NCCN).",
        )
    return f"HR-positive: {n} endocrine-based option row(s) added for this line."
