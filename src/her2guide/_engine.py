"""The decision engine: pure rules from a :class:`Scenario` to a :class:`Recommendation`.

Each rule is a small function registered with a stable ID, a one-line title and the
references behind it. Rules run in registry order over a working state that lives only
for one call; the engine does no I/O and never reads the clock (time-relative rules use
``scenario.as_of``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Final

from ._catalogue import Catalogue, Regimen, load_catalogue
from ._dosing import dose_regimen
from ._model import TIERS, Alert, Exclusion, Option, Recommendation, Support, TraceStep
from ._scenario import Scenario, parse_scenario

__all__ = ["RULES", "Rule", "recommend"]

TDXD: Final = "trastuzumab-deruxtecan"
TDXD_P: Final = "trastuzumab-deruxtecan-pertuzumab"
TDM1: Final = "trastuzumab-emtansine"
THP: Final = "trastuzumab-pertuzumab-taxane"
TTC: Final = "tucatinib-trastuzumab-capecitabine"
ET_HER2: Final = "endocrine-her2"
ET_ALONE: Final = "endocrine-alone"
ABEMA: Final = "abemaciclib-trastuzumab-fulvestrant"
TDXD_REGIMENS: Final = (TDXD, TDXD_P)


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True, slots=True)
class Rule:
    """A decision rule: stable ID, one-line title, references, and the check it runs."""

    id: str
    title: str
    references: tuple[str, ...]
    check: Callable[[_State], str | None] = field(repr=False)

    @property
    def anchor(self) -> str:
        """The section anchor on the algorithm page that explains this rule."""
        return self.id.lower()


RULES: list[Rule] = []


def _rule(rule_id: str, title: str, *refs: str) -> Callable[[Callable[[_State], str | None]], Rule]:
    def register(fn: Callable[[_State], str | None]) -> Rule:
        r = Rule(rule_id, title, refs, fn)
        RULES.append(r)
        return r

    return register


# --------------------------------------------------------------------------- working state


@dataclass(slots=True)
class _Cand:
    tier: str
    why: list[str]
    support: list[str]
    notes: list[str]


@dataclass(slots=True)
class _State:
    s: Scenario
    cat: Catalogue
    rule: Rule | None = None
    in_scope: bool = True
    scope_reason: str = ""
    stop: bool = False
    line: int | None = None
    line_basis: str = ""
    line_by_source: dict[str, int] = field(default_factory=dict)
    line_rule: str = ""
    differ_interval: bool = False
    cands: dict[str, _Cand] = field(default_factory=dict)
    excluded: dict[str, Exclusion] = field(default_factory=dict)
    alerts: list[Alert] = field(default_factory=list)
    # derived history
    exposed: frozenset[str] = frozenset()
    progressed_agents: frozenset[str] = frozenset()
    progressed_regimens: frozenset[str] = frozenset()
    toxicity_agents: frozenset[str] = frozenset()
    early_agents: frozenset[str] = frozenset()
    early_her2: bool = False
    metastatic_her2_lines: int = 0

    # -- helpers used by rules
    def alert(self, code: str, message: str, *refs: str) -> None:
        assert self.rule is not None
        self.alerts.append(Alert(code, message, self.rule.id, tuple(refs or self.rule.references)))

    def add(self, regimen: str, tier: str, why: str, support: tuple[str, ...] = ()) -> None:
        if regimen in self.excluded:
            return
        c = self.cands.get(regimen)
        if c is None:
            self.cands[regimen] = _Cand(tier, [why], list(support), [])
            return
        if TIERS.index(tier) < TIERS.index(c.tier):
            c.tier = tier
        c.why.append(why)
        c.support.extend(s for s in support if s not in c.support)

    def set_tier(self, regimen: str, tier: str, why: str, *, only_down: bool = False) -> bool:
        c = self.cands.get(regimen)
        if c is None:
            return False
        if only_down and TIERS.index(tier) <= TIERS.index(c.tier):
            return False
        c.tier = tier
        c.why.append(why)
        return True

    def exclude(self, regimen: str, reason: str) -> None:
        assert self.rule is not None
        self.cands.pop(regimen, None)
        if regimen not in self.excluded:
            self.excluded[regimen] = Exclusion(regimen, reason, self.rule.id)


# --------------------------------------------------------------------------- history helpers


def _add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


@lru_cache(maxsize=8)
def _kinds(cat: Catalogue) -> Mapping[str, str]:
    return {a.id: a.kind for a in cat.agents.values()}


@lru_cache(maxsize=4096)
def _classify_cached(cat: Catalogue, agents: frozenset[str]) -> frozenset[str]:
    kinds = _kinds(cat)
    out = set()
    for reg in cat.regimens.values():
        ignorable = reg.partner | {"endocrine"}
        core = frozenset(a for a in agents if kinds[a] not in ignorable)
        if reg.id == ET_ALONE:
            if not core and any(kinds[a] == "endocrine" for a in agents):
                out.add(reg.id)
            continue
        if any(core == sig for sig in reg.signatures):
            out.add(reg.id)
    return frozenset(out)


def classify_line(
    agents: tuple[str, ...] | frozenset[str], cat: Catalogue | None = None
) -> frozenset[str]:
    """Which catalogue regimens a line of treatment with these agents counts as.

    Examples:
        >>> sorted(classify_line(("trastuzumab", "pertuzumab", "docetaxel", "letrozole")))
        ['trastuzumab-pertuzumab-taxane']
    """
    return _classify_cached(cat or load_catalogue(), frozenset(agents))


def _support(st: _State, statement_ids: list[str]) -> tuple[Support, ...]:
    out = []
    for sid in statement_ids:
        s = st.cat.statements[sid]
        out.append(Support(s.source, s.id, s.number, s.grade, s.summary, s.reference))
    return tuple(out)


# --------------------------------------------------------------------------- rules: scope

_HER2_POINTERS: Final = {
    "low": "HER2-low (IHC 1+ or IHC 2+/ISH-negative) is a different pathway, outside her2guide: "
    "see the HER2-low/ultralow guidance (e.g. the FDA approval of T-DXd for HER2-low and "
    "HER2-ultralow disease, 27 January 2025).",
    "ultralow": "HER2-ultralow (IHC 0 with membrane staining) is a different pathway, outside "
    "her2guide: see the HER2-low/ultralow guidance (e.g. the FDA approval of T-DXd for "
    "HER2-low and HER2-ultralow disease, 27 January 2025).",
    "negative": "HER2-negative disease is treated by hormone-receptor status and other "
    "biomarkers; her2guide does not cover it.",
    "unknown": "HER2 status is unknown: establish it (IHC, and ISH when IHC is 2+), preferably "
    "on a biopsy of the metastatic disease, before choosing HER2-directed therapy.",
}


@_rule(
    "SCOPE-HER2-STATUS",
    "Only HER2-positive (IHC 3+ or ISH-amplified) disease is in scope",
    "fda-tdxd-her2-low-2025",
)
def _scope_her2(st: _State) -> str | None:
    if st.s.her2 == "positive":
        return None
    st.in_scope, st.stop = False, True
    st.scope_reason = f"HER2 status is '{st.s.her2}'. {_HER2_POINTERS[st.s.her2]}"
    return st.scope_reason


@_rule(
    "SCOPE-SETTING",
    "Only metastatic or unresectable locally advanced disease is in scope",
    "asco-2022",
)
def _scope_setting(st: _State) -> str | None:
    if st.s.setting == "metastatic":
        return None
    st.in_scope, st.stop = False, True
    st.scope_reason = (
        "Setting is 'early': (neo)adjuvant treatment of early breast cancer is outside her2guide, "
        "which covers metastatic or unresectable locally advanced disease only. See early-breast "
        "guidance (e.g. KATHERINE and DESTINY-Breast05 for residual invasive disease)."
    )
    return st.scope_reason


# --------------------------------------------------------------------------- rules: line of therapy


@_rule(
    "LINE-AFTER-METASTATIC",
    "Line = number of previous lines for metastatic disease + 1",
    "asco-2022",
)
def _line_after_metastatic(st: _State) -> str | None:
    lines = st.s.metastatic_lines
    if not lines:
        return None
    st.line = len(lines) + 1
    st.line_rule = "LINE-AFTER-METASTATIC"
    st.line_basis = f"{len(lines)} previous line(s) for metastatic disease"
    if lines[-1].stopped == "ongoing":
        st.line_basis += "; the most recent line is ongoing, so this is the plan for when it stops"
    return f"Line {st.line}: {st.line_basis}."


@_rule("LINE-DE-NOVO", "No HER2-directed (neo)adjuvant therapy: first line", "asco-2022")
def _line_de_novo(st: _State) -> str | None:
    if st.line is not None or st.early_her2:
        return None
    st.line, st.line_rule = 1, "LINE-DE-NOVO"
    st.line_basis = (
        "de novo metastatic disease"
        if st.s.early_treatment is None
        else "no HER2-directed therapy in the (neo)adjuvant setting"
    )
    return f"Line 1: {st.line_basis}."


@_rule(
    "LINE-RELAPSE-INTERVAL-UNKNOWN",
    "Relapse after (neo)adjuvant HER2 therapy without an end date: line cannot be set",
    "asco-2022",
    "nccn-breast",
)
def _line_interval_unknown(st: _State) -> str | None:
    early = st.s.early_treatment
    if st.line is not None or not st.early_her2 or early is None or early.her2_therapy_end:
        return None
    st.line_rule = "LINE-RELAPSE-INTERVAL-UNKNOWN"
    st.line_basis = (
        "undetermined: early_treatment.her2_therapy_end is missing, and the interval from the "
        "last HER2-directed dose to recurrence decides between first- and second-line options"
    )
    st.alert(
        "missing-information",
        "Give early_treatment.her2_therapy_end (date of the last HER2-directed dose). ASCO 2022 "
        "treats recurrence ≤12 months after trastuzumab-based adjuvant therapy as second line "
        "(rec. 5.0); NCCN and the FDA labels use 6 months (NCCN: 12 months after "
        "pertuzumab-containing therapy). First- and second-line options are shown, none preferred.",
    )
    return "Line not set: the (neo)adjuvant HER2 therapy end date is missing."


def _relapse_positions(st: _State) -> tuple[int, int, int, str]:
    early = st.s.early_treatment
    assert early is not None
    assert early.her2_therapy_end is not None
    end, dx = early.her2_therapy_end, st.s.metastatic_diagnosis
    assert dx is not None
    within6 = dx <= _add_months(end, 6)
    within12 = dx <= _add_months(end, 12)
    pertuzumab = "pertuzumab" in st.early_agents
    asco = 2 if within12 else 1
    nccn = 2 if within6 or (pertuzumab and within12) else 1
    label = 2 if within6 else 1
    days = (dx - end).days
    when = (
        "during (neo)adjuvant HER2 therapy"
        if days <= 0
        else f"{days} days (about {days / 30.44:.1f} months) after the last HER2-directed dose"
    )
    return asco, nccn, label, when


@_rule(
    "LINE-EARLY-RELAPSE",
    "Relapse within every source's window after (neo)adjuvant HER2 therapy: second line",
    "asco-2022",
    "nccn-breast",
    "tdxd-approval-2022",
    "kadcyla-us-label",
)
def _line_early(st: _State) -> str | None:
    if st.line is not None or st.line_rule or not st.early_her2:
        return None
    asco, nccn, label, when = _relapse_positions(st)
    if not asco == nccn == label == 2:
        return None
    st.line, st.line_rule = 2, "LINE-EARLY-RELAPSE"
    st.line_by_source = {"ASCO 2022": 2, "NCCN": 2, "FDA labels": 2}
    st.line_basis = (
        f"recurrence {when}: second-line recommendations apply under ASCO, NCCN and the labels"
    )
    return f"Line 2: recurrence {when}."


@_rule(
    "LINE-LATE-RELAPSE",
    "Relapse beyond every source's window after (neo)adjuvant HER2 therapy: first line",
    "asco-2022",
    "nccn-breast",
)
def _line_late(st: _State) -> str | None:
    if st.line is not None or st.line_rule or not st.early_her2:
        return None
    asco, nccn, label, when = _relapse_positions(st)
    if not asco == nccn == label == 1:
        return None
    st.line, st.line_rule = 1, "LINE-LATE-RELAPSE"
    st.line_by_source = {"ASCO 2022": 1, "NCCN": 1, "FDA labels": 1}
    st.line_basis = f"recurrence {when}: more than 12 months, so first-line recommendations apply"
    return f"Line 1: recurrence {when}."


@_rule(
    "LINE-RELAPSE-SOURCES-DIFFER",
    "Relapse 6–12 months after (neo)adjuvant HER2 therapy: ASCO, NCCN and labels differ",
    "asco-2022",
    "nccn-breast",
    "tdxd-approval-2022",
    "db09-asco-2025-lba1008",
    "cleopatra-eligibility",
)
def _line_differ(st: _State) -> str | None:
    if st.line is not None or st.line_rule or not st.early_her2:
        return None
    asco, nccn, label, when = _relapse_positions(st)
    st.line, st.line_rule, st.differ_interval = 2, "LINE-RELAPSE-SOURCES-DIFFER", True
    st.line_by_source = {"ASCO 2022": asco, "NCCN": nccn, "FDA labels": label}
    pert = (
        "pertuzumab-containing"
        if "pertuzumab" in st.early_agents
        else "trastuzumab-based (no pertuzumab)"
    )
    nccn_txt = (
        "second line (12-month window for pertuzumab)"
        if nccn == 2
        else "first line (6-month window)"
    )
    st.line_basis = (
        f"recurrence {when} after {pert} therapy. ASCO 2022 rec. 5.0: second line. "
        f"NCCN: {nccn_txt}. FDA labels: the 6-month window has passed, and DESTINY-Breast09 "
        "enrolled patients with a disease-free interval over 6 months. her2guide reports line 2 "
        "(ASCO) and shows first-line options beside it"
    )
    st.alert(
        "guidelines-differ",
        f"Relapse interval: {st.line_basis}.",
        "asco-2022",
        "nccn-breast",
        "tdxd-approval-2022",
        "db09-asco-2025-lba1008",
    )
    return f"Sources differ on the line: ASCO {asco}, NCCN {nccn}, labels {label}."


@_rule(
    "HIST-RESIDUAL-DISEASE",
    "Residual disease after neoadjuvant therapy: was adjuvant T-DM1 or T-DXd given?",
    "katherine-2019",
    "geyer-2025-katherine",
    "db05-2025",
    "fda-tdxd-early-2026",
)
def _residual(st: _State) -> str | None:
    early = st.s.early_treatment
    if early is None or not early.residual_disease:
        return None
    if TDM1 in st.early_agents:
        msg = (
            "Residual invasive disease treated with adjuvant T-DM1 (KATHERINE): count it as prior "
            "T-DM1 exposure when choosing metastatic therapy."
        )
    elif TDXD in st.early_agents:
        msg = (
            "Residual invasive disease treated with adjuvant T-DXd (DESTINY-Breast05): count it as "
            "prior T-DXd exposure; no trial has studied metastatic therapy after it."
        )
    else:
        msg = (
            "Residual invasive disease after neoadjuvant therapy, but no adjuvant T-DM1 or T-DXd is "
            "recorded. Adjuvant T-DM1 for 14 cycles is the evidence-based standard (KATHERINE: OS "
            "HR 0.66), and in the US T-DXd has been approved for high-risk residual disease since "
            "May 2026 (DESTINY-Breast05). Confirm what was given: it changes what counts as prior "
            "therapy."
        )
    st.alert("residual-disease-history", msg)
    return msg


# --------------------------------------------------------------------------- rules: safety gate


@_rule(
    "SAFETY-PREGNANCY",
    "Pregnancy: no HER2-directed therapy; multidisciplinary care",
    "shachar-2017",
    "enhertu-us-label",
    "herceptin-us-label",
    "perjeta-us-label",
    "kadcyla-us-label",
)
def _pregnancy(st: _State) -> str | None:
    if not st.s.pregnant:
        return None
    for reg in st.cat.regimens.values():
        why = (
            "HER2-directed therapy is contraindicated in pregnancy (boxed embryo-fetal toxicity "
            "warnings; Shachar 2017)"
            if reg.her2_directed
            else "endocrine therapy is contraindicated in pregnancy (Shachar 2017)"
        )
        st.exclude(reg.id, why)
    st.alert(
        "no-her2-therapy-in-pregnancy",
        "Pregnant: no HER2-directed or endocrine therapy. Refer to a multidisciplinary team with "
        "obstetric input; anthracycline-based chemotherapy can be started only in the second and "
        "third trimesters (Shachar 2017). Revisit this plan after delivery.",
    )
    st.stop = True
    return "Pregnancy: every regimen in her2guide set aside; no preferred option."


# --------------------------------------------------------------------------- rules: options by line

_LINE1: Final = (
    (
        THP,
        "preferred",
        ("asco-2022-1.1", "nccn-first-line", "label-phesgo-us", "eligibility-cleopatra"),
    ),
    (TDXD_P, "preferred", ("label-tdxd-us-1l", "label-tdxd-eu", "eligibility-db09")),
)
_LINE2: Final = (
    (TDXD, "preferred", ("asco-2022-2.1", "nccn-second-line", "label-tdxd-us-2l", "label-tdxd-eu")),
    (TDM1, "alternative", ("nccn-second-line", "label-tdm1-us")),
    (TTC, "alternative", ("nccn-second-line", "label-tucatinib-us", "label-tucatinib-eu")),
    ("lapatinib-capecitabine", "other", ("asco-2022-2.0", "label-lapatinib-us")),
    ("trastuzumab-chemotherapy", "other", ("asco-2022-2.0",)),
)
_LATER: Final = (
    (TDXD, "alternative", ("asco-2022-3.1", "label-tdxd-us-2l", "label-tdxd-eu")),
    (
        TTC,
        "alternative",
        ("asco-2022-3.1", "nccn-tucatinib-cns", "label-tucatinib-us", "label-tucatinib-eu"),
    ),
    (TDM1, "alternative", ("asco-2022-3.1", "label-tdm1-us")),
    ("neratinib-capecitabine", "alternative", ("asco-2022-3.1", "label-neratinib-us")),
    ("lapatinib-capecitabine", "alternative", ("asco-2022-3.1", "label-lapatinib-us")),
    ("margetuximab-chemotherapy", "alternative", ("asco-2022-3.1", "label-margetuximab-us")),
    ("trastuzumab-chemotherapy", "alternative", ("asco-2022-3.1",)),
    ("lapatinib-trastuzumab", "other", ("asco-2022-3.1",)),
)


def _add_set(
    st: _State,
    items: tuple[tuple[str, str, tuple[str, ...]], ...],
    why: str,
    cap: str | None = None,
) -> None:
    for reg, tier, sup in items:
        if cap is not None and TIERS.index(tier) < TIERS.index(cap):
            tier = cap
        st.add(reg, tier, why, sup)


@_rule(
    "OPTIONS-FIRST-LINE",
    "First line: THP or T-DXd + pertuzumab",
    "asco-2022",
    "nccn-breast",
    "fda-tdxd-pertuzumab-2025",
    "tolaney-2025-db09",
    "baselga-2012-cleopatra",
)
def _opts_first(st: _State) -> str | None:
    if st.line != 1:
        return None
    _add_set(
        st,
        _LINE1,
        "First-line HER2-directed combination (ASCO 2022 rec. 1.1; FDA approval of "
        "T-DXd + pertuzumab, December 2025).",
    )
    return "First-line options: THP (ASCO 1.1, NCCN category 1) and T-DXd + pertuzumab (FDA 2025)."


@_rule(
    "OPTIONS-SECOND-LINE",
    "Second line: T-DXd preferred; T-DM1 or tucatinib regimen otherwise",
    "asco-2022",
    "nccn-breast",
    "cortes-2022-db03",
)
def _opts_second(st: _State) -> str | None:
    if st.line != 2:
        return None
    _add_set(st, _LINE2, "Second-line HER2-directed therapy (ASCO 2022 rec. 2.0–2.1; NCCN).")
    if st.differ_interval:
        nccn_first = st.line_by_source.get("NCCN") == 1
        st.add(
            TDXD_P,
            "preferred" if nccn_first else "alternative",
            "First-line option under the 6-month reading: DESTINY-Breast09 enrolled patients "
            "with a disease-free interval over 6 months.",
            _LINE1[1][2],
        )
        st.add(
            THP,
            "alternative",
            "First-line option under the 6-month reading; note CLEOPATRA required a "
            "disease-free interval of at least 12 months.",
            _LINE1[0][2],
        )
    return "Second-line options: T-DXd preferred (ASCO 2.1: strong, moderate-quality evidence)."


@_rule(
    "OPTIONS-LATER-LINE",
    "Third line and beyond: no single preferred regimen (ASCO); every listed option",
    "asco-2022",
    "nccn-breast",
    "andre-2023-db02",
    "murthy-2020-her2climb",
    "saura-2020-nala",
)
def _opts_later(st: _State) -> str | None:
    if st.line is None or st.line < 3:
        return None
    _add_set(
        st,
        _LATER,
        "Third-line or later HER2-directed therapy (ASCO 2022 rec. 3.0–3.1: "
        "insufficient evidence to prefer one regimen).",
    )
    return "Later-line options listed without a preferred regimen (ASCO 2022 rec. 3.0)."


@_rule(
    "OPTIONS-LINE-UNDETERMINED",
    "Line undetermined: first- and second-line options shown, none preferred",
    "asco-2022",
)
def _opts_undetermined(st: _State) -> str | None:
    if st.line is not None or st.stop:
        return None
    _add_set(
        st, _LINE1 + _LINE2, "Shown because the line could not be determined.", cap="alternative"
    )
    return "Both first- and second-line options shown as alternatives until the interval is known."


@_rule(
    "OPTIONS-HR-POSITIVE",
    "HR-positive disease: endocrine-based options for selected patients",
    "asco-2022",
    "kaufman-2009-tandem",
    "johnston-2018-alternative",
    "tolaney-2020-monarcher",
)
def _opts_hr(st: _State) -> str | None:
    hr = st.s.hormone_receptor
    if hr == "unknown":
        st.alert(
            "missing-information",
            "Hormone-receptor status is unknown: it decides whether endocrine-based options "
            "(ASCO 2022 recs 6.0–8.0) apply.",
            "asco-2022",
        )
        return "Hormone-receptor status unknown: endocrine options not shown."
    if hr == "negative":
        for reg in (ET_HER2, ET_ALONE, ABEMA):
            st.exclude(reg, "hormone-receptor-negative disease")
        return None
    line = st.line or 1
    if line == 1:
        selected = bool(st.s.low_disease_burden)
        st.add(
            ET_HER2,
            "alternative" if selected else "other",
            "HR-positive: endocrine therapy + trastuzumab or lapatinib for selected patients "
            "(ASCO 2022 rec. 6.0.2)" + (", here with low disease burden." if selected else "."),
            ("asco-2022-6.0.2",),
        )
        st.add(
            ET_ALONE,
            "other",
            "HR-positive: endocrine therapy alone in special circumstances (ASCO 2022 recs 6.0.3, 8.0).",
            ("asco-2022-6.0.3", "asco-2022-8.0"),
        )
        if THP in st.cands:
            st.cands[THP].notes.append(
                "HR-positive: endocrine therapy may be added to HER2-directed maintenance when "
                "chemotherapy stops (ASCO 2022 rec. 7.0; NCCN)."
            )
        return "HR-positive first line: chemotherapy + HER2 therapy for most; endocrine-based options for selected patients."
    if line == 2:
        st.add(
            ET_HER2,
            "other",
            "HR-positive: endocrine therapy may be added to HER2-targeted therapy at progression "
            "(ASCO 2022 rec. 7.0).",
            ("asco-2022-7.0",),
        )
        st.exclude(ABEMA, "monarcHER enrolled patients after at least two HER2-targeted therapies")
        st.exclude(ET_ALONE, "not a second-line recommendation in ASCO 2022")
        return "HR-positive second line: endocrine therapy may be added to HER2-targeted therapy."
    st.add(
        ET_HER2,
        "alternative",
        "HR-positive: hormonal therapy in later lines (ASCO 2022 rec. 3.2.0).",
        ("asco-2022-3.2.0",),
    )
    st.add(
        ABEMA,
        "alternative",
        "HR-positive: abemaciclib + trastuzumab + fulvestrant (ASCO 2022 rec. 3.2.1).",
        ("asco-2022-3.2.1",),
    )
    st.add(
        ET_ALONE,
        "other",
        "HR-positive: hormonal therapy in later lines (ASCO 2022 rec. 3.2.0).",
        ("asco-2022-3.2.0",),
    )
    return "HR-positive later line: endocrine-based options added."


# --------------------------------------------------------------------------- rules: history


@_rule(
    "NO-REPEAT-PROGRESSED",
    "Never re-offer a regimen, or a key agent, the disease progressed on",
    "asco-2022",
)
def _no_repeat(st: _State) -> str | None:
    hits = []
    for reg in st.cat.regimens.values():
        if reg.id in st.progressed_regimens:
            st.exclude(reg.id, "the disease progressed on this regimen")
            hits.append(reg.id)
        elif reg.key_agents & st.progressed_agents:
            agents = ", ".join(sorted(reg.key_agents & st.progressed_agents))
            st.exclude(reg.id, f"the disease progressed on {agents}")
            hits.append(reg.id)
    return f"Set aside after progression: {', '.join(hits)}." if hits else None


@_rule("PRIOR-TDXD", "T-DXd already received: ASCO 2.1 no longer applies", "asco-2022", "db05-2025")
def _prior_tdxd(st: _State) -> str | None:
    if TDXD not in st.exposed:
        return None
    changed = [
        r
        for r in TDXD_REGIMENS
        if st.set_tier(
            r,
            "other",
            "T-DXd was received before; ASCO rec. 2.1 applies to patients who have not "
            "received it, and no trial has studied re-treatment.",
            only_down=True,
        )
    ]
    return f"T-DXd received before: {', '.join(changed) or 'no T-DXd option left'}."


@_rule(
    "PRIOR-TOXICITY",
    "A key agent stopped for toxicity is not re-offered as first choice",
    "asco-2022",
)
def _prior_tox(st: _State) -> str | None:
    hits = []
    for rid, c in list(st.cands.items()):
        key = st.cat.regimens[rid].key_agents & st.toxicity_agents
        if key and st.set_tier(
            rid,
            "other",
            f"{', '.join(sorted(key))} was stopped for toxicity; "
            "re-treat only after reviewing the reason.",
            only_down=True,
        ):
            hits.append(rid)
        elif key:
            c.notes.append(f"{', '.join(sorted(key))} was stopped for toxicity before.")
    return f"Previously stopped for toxicity: {', '.join(hits)}." if hits else None


@_rule(
    "APPROVAL-AS-OF",
    "An option not yet approved on the scenario's date is not preferred",
    "fda-tdxd-pertuzumab-2025",
)
def _approval(st: _State) -> str | None:
    hits = []
    for rid, c in st.cands.items():
        approved = st.cat.regimens[rid].us_approval
        if approved and st.s.as_of and st.s.as_of < approved:
            c.tier = "other"
            c.why.append(
                f"Not yet FDA-approved on {st.s.as_of.isoformat()} (approved {approved.isoformat()})."
            )
            hits.append(rid)
    return f"Not yet approved on as_of: {', '.join(hits)}." if hits else None


# --------------------------------------------------------------------------- rules: brain metastases


@_rule("CNS-SYMPTOMATIC", "Symptomatic brain metastases: local therapy first", "asco-2022-brain")
def _cns_symptomatic(st: _State) -> str | None:
    if st.s.brain_metastases != "symptomatic":
        return None
    st.alert(
        "local-therapy-first",
        "Symptomatic brain metastases or mass effect: assess for surgery or radiotherapy first, "
        "with a multidisciplinary team (ASCO 2022 brain metastases recs 1.0 and 2.1). Systemic "
        "therapy then follows the usual algorithm (rec. 8.2).",
    )
    return (
        "Symptomatic brain metastases: local therapy first; systemic options listed for afterwards."
    )


@_rule(
    "CNS-ACTIVE",
    "Active brain metastases: CNS-active options (tucatinib regimen, T-DXd)",
    "asco-2022-brain",
    "murthy-2020-her2climb",
    "harbeck-2024-db12",
    "nccn-breast",
)
def _cns_active(st: _State) -> str | None:
    if st.s.brain_metastases != "active":
        return None
    if st.line is None or st.line < 2:
        st.alert(
            "brain-metastases-active",
            "Active brain metastases at first line: discuss local therapy with a multidisciplinary "
            "team (ASCO 2022 brain metastases rec. 1.0). The tucatinib recommendation (rec. 7.1) "
            "needs progression on a prior HER2-directed therapy for metastatic disease.",
        )
        return (
            "Active brain metastases at first line: usual first-line options; local therapy review."
        )
    promoted = []
    for rid, c in st.cands.items():
        reg = st.cat.regimens[rid]
        if reg.cns_active and TIERS.index(c.tier) <= TIERS.index("alternative"):
            c.tier = "preferred"
            ev = (
                "HER2CLIMB: 1-year PFS 24.9% vs 0% with brain metastases (ASCO 2022 brain "
                "metastases rec. 7.1, weak; NCCN preferred with systemic and CNS progression)."
                if rid == TTC
                else "DESTINY-Breast12: CNS response 71.7% in measurable brain metastases."
            )
            c.why.append("Active brain metastases: CNS-active regimen. " + ev)
            if rid == TTC:
                c.support.extend(
                    s for s in ("asco-bm-2022-7.1", "nccn-tucatinib-cns") if s not in c.support
                )
            promoted.append(rid)
    st.alert(
        "brain-metastases-active",
        "Active brain metastases: CNS-active systemic options are preferred"
        + (f" ({', '.join(promoted)})" if promoted else " but none is available")
        + "; if the tucatinib regimen is used, local therapy may be deferred until intracranial "
        "progression (ASCO 2022 brain metastases rec. 7.1).",
    )
    return f"CNS-active options promoted: {', '.join(promoted) or 'none available'}."


# --------------------------------------------------------------------------- rules: lung


@_rule(
    "ILD-DRUG-GRADE2",
    "Drug-induced ILD grade ≥2: T-DXd permanently excluded",
    "enhertu-us-label",
    "kadcyla-us-label",
)
def _ild_g2(st: _State) -> str | None:
    if st.s.ild_history != "drug_grade2_plus":
        return None
    for rid in TDXD_REGIMENS:
        st.exclude(
            rid,
            "grade ≥2 drug-induced ILD/pneumonitis: the T-DXd label requires permanent "
            "discontinuation after grade ≥2 ILD; her2guide does not re-expose",
        )
    st.alert(
        "ild-caution",
        "Grade ≥2 drug-induced ILD/pneumonitis: T-DXd is excluded. T-DM1 must also be stopped "
        "permanently if ILD occurs on it; involve respiratory medicine before any ADC.",
    )
    return "T-DXd regimens excluded after grade ≥2 drug-induced ILD."


@_rule(
    "ILD-PREEXISTING",
    "Pre-existing ILD: T-DXd not preferred (no trial data; not a labelled contraindication)",
    "enhertu-us-label",
    "nccn-breast",
    "enhertu-ch-pi",
)
def _ild_pre(st: _State) -> str | None:
    if st.s.ild_history != "preexisting":
        return None
    for rid in TDXD_REGIMENS:
        st.set_tier(
            rid,
            "other",
            "Pre-existing ILD: no trial data (patients with steroid-requiring "
            "or current ILD were not enrolled); the label lists no contraindication, so "
            "this is caution, not prohibition.",
            only_down=True,
        )
    st.alert(
        "ild-caution",
        "Pre-existing ILD: T-DXd is not a labelled contraindication (the US label lists none), but "
        "T-DXd trials excluded patients with steroid-requiring or current ILD and NCCN notes there "
        "are no data. her2guide does not prefer T-DXd here; if it is used, monitor closely.",
    )
    return "T-DXd regimens moved to 'other' because of pre-existing ILD."


@_rule(
    "ILD-DRUG-GRADE1",
    "Drug-induced grade 1 ILD: T-DXd only per the label's grade 1 rule",
    "enhertu-us-label",
)
def _ild_g1(st: _State) -> str | None:
    if st.s.ild_history != "drug_grade1":
        return None
    st.alert(
        "ild-caution",
        "Prior grade 1 drug-induced ILD: under the T-DXd label, treatment resumes only after "
        "resolution to grade 0 (same dose if resolved within 28 days, else one level lower).",
    )
    return "Grade 1 ILD history: caution alert; options unchanged."


# --------------------------------------------------------------------------- rules: heart


@_rule(
    "CARDIO-LVEF-BELOW-40",
    "LVEF <40%: no HER2-directed therapy started; cardio-oncology first",
    "asco-2022",
    "enhertu-us-label",
    "kadcyla-us-label",
)
def _lvef40(st: _State) -> str | None:
    if st.s.lvef is None or st.s.lvef >= 40:
        return None
    for reg in st.cat.regimens.values():
        if reg.her2_directed:
            st.exclude(reg.id, f"LVEF {st.s.lvef:g}% (<40%): HER2-directed therapy is not started")
    if st.s.hormone_receptor == "positive":
        st.add(
            ET_ALONE,
            "alternative",
            "ASCO 2022 rec. 8.0: endocrine therapy alone when comorbidities such as heart "
            "failure contraindicate HER2-targeted therapy.",
            ("asco-2022-8.0", "asco-2022-key-lvef"),
        )
    st.alert(
        "lvef-below-40",
        f"LVEF {st.s.lvef:g}%: do not start HER2-directed therapy; refer to cardio-oncology and "
        "decide case by case (ASCO 2022 key point). Labels hold or stop T-DXd and T-DM1 below 40%.",
    )
    return "All HER2-directed regimens set aside (LVEF <40%)."


@_rule(
    "CARDIO-LVEF-BELOW-50",
    "LVEF 40–49%: HER2-directed therapy not studied; cardiology review",
    "enhertu-us-label",
    "asco-2022",
)
def _lvef50(st: _State) -> str | None:
    if st.s.lvef is None or not 40 <= st.s.lvef < 50:
        return None
    st.alert(
        "lvef-below-50",
        f"LVEF {st.s.lvef:g}%: below 50%, where T-DXd has not been studied (label) and trials "
        "excluded patients; decide with cardio-oncology and monitor LVEF closely.",
    )
    return "LVEF below 50%: alert raised; options kept."


@_rule(
    "CARDIO-LVEF-UNKNOWN",
    "LVEF not given: assess before HER2-directed therapy",
    "enhertu-us-label",
    "kadcyla-us-label",
    "herceptin-us-label",
)
def _lvef_unknown(st: _State) -> str | None:
    if st.s.lvef is not None:
        return None
    st.alert(
        "missing-information",
        "LVEF is not given: the labels require it before starting HER2-directed therapy.",
    )
    return "LVEF unknown."


# --------------------------------------------------------------------------- rules: evidence gaps and differences


@_rule(
    "GAP-AFTER-TDXD",
    "After progression on T-DXd: no randomised evidence for what comes next",
    "belgian-2022",
    "murthy-2020-her2climb",
    "tolaney-2025-db09",
)
def _gap_after_tdxd(st: _State) -> str | None:
    if TDXD not in st.progressed_agents:
        return None
    first = st.s.metastatic_lines[0].agents if st.s.metastatic_lines else ()
    after_db09 = TDXD in first and "pertuzumab" in first
    msg = (
        "After progression on T-DXd no randomised trial defines the next regimen: HER2CLIMB "
        "required prior T-DM1, not T-DXd, and data for T-DM1 or the tucatinib regimen after T-DXd "
        "are lacking (Belgian guideline 2022)."
    )
    if after_db09:
        msg = (
            "After first-line T-DXd + pertuzumab (DESTINY-Breast09) no trial has tested "
            "second-line options. " + msg
        )
    st.alert("evidence-gap", msg)
    return "Evidence gap after T-DXd progression."


@_rule(
    "GAP-AFTER-ADJUVANT-TDXD",
    "Relapse after adjuvant T-DXd: no trial data for the next step",
    "db05-2025",
    "fda-tdxd-early-2026",
)
def _gap_adjuvant(st: _State) -> str | None:
    if TDXD not in st.early_agents:
        return None
    st.alert(
        "evidence-gap",
        "Relapse after adjuvant T-DXd (approved in the US in May 2026 on DESTINY-Breast05): no "
        "trial has studied metastatic therapy after it, so her2guide does not invent a preference.",
    )
    return "Evidence gap after adjuvant T-DXd."


@_rule(
    "GAP-TDM1-RECHALLENGE",
    "Early relapse after adjuvant T-DM1: T-DM1 would be a re-challenge",
    "katherine-2019",
)
def _gap_tdm1(st: _State) -> str | None:
    if TDM1 not in st.early_agents or st.line != 2 or st.s.metastatic_lines:
        return None
    if not st.set_tier(
        TDM1,
        "other",
        "Relapse soon after adjuvant T-DM1: T-DM1 would be a re-challenge without supporting data.",
        only_down=True,
    ):
        return None
    st.alert(
        "evidence-gap",
        "Early relapse after adjuvant T-DM1: no trial supports T-DM1 re-challenge, so it is "
        "not offered as an alternative.",
    )
    return "T-DM1 moved to 'other' (re-challenge after early relapse on adjuvant T-DM1)."


@_rule(
    "DIFFER-TUCATINIB-INDICATION",
    "Tucatinib regimen: US label after ≥1 metastatic anti-HER2 regimen, EU after ≥2",
    "tukysa-us-label",
    "tukysa-eu-smpc",
)
def _differ_ttc(st: _State) -> str | None:
    if TTC not in st.cands or st.metastatic_her2_lines >= 2:
        return None
    if st.metastatic_her2_lines == 0:
        st.cands[TTC].notes.append(
            "No prior anti-HER2 regimen for metastatic disease: outside both the US label "
            "(at least 1) and the EU label (at least 2); NCCN allows it second line."
        )
        return "Tucatinib regimen: outside US and EU labels with no prior metastatic regimen (note added)."
    st.alert(
        "guidelines-differ",
        "Tucatinib + trastuzumab + capecitabine after 1 anti-HER2 regimen for metastatic disease: "
        "on-label in the US (at least 1 in the metastatic setting), not in the EU (at least 2).",
    )
    return "Tucatinib indication differs by jurisdiction (1 prior metastatic regimen)."


@_rule(
    "DIFFER-FIRST-LINE-TDXD-PERTUZUMAB",
    "T-DXd + pertuzumab: FDA-approved first line; not in ASCO 2022; not approved in the EU",
    "fda-tdxd-pertuzumab-2025",
    "ema-tdxd-pertuzumab-validation-2026",
    "asco-2022",
    "tolaney-2025-db09",
)
def _differ_db09(st: _State) -> str | None:
    if TDXD_P not in st.cands:
        return None
    st.alert(
        "guidelines-differ",
        "T-DXd + pertuzumab first line: FDA-approved on 15 December 2025 (DESTINY-Breast09, PFS "
        "benefit; overall survival immature); ASCO 2022 predates it; not approved in the EU in "
        "her2guide's sources; the current NCCN position has not been verified here.",
    )
    return "First-line T-DXd + pertuzumab: sources differ on its status."


# --------------------------------------------------------------------------- engine


def _prepare(st: _State) -> None:
    s, cat = st.s, st.cat
    early = s.early_treatment
    early_agents = frozenset(early.agents) if early else frozenset()
    exposed = set(early_agents)
    progressed_agents: set[str] = set()
    progressed_regs: set[str] = set()
    tox: set[str] = set()
    her2_lines = 0
    for line in s.metastatic_lines:
        exposed.update(line.agents)
        if any(cat.agents[a].her2_directed for a in line.agents):
            her2_lines += 1
        if line.stopped == "progression":
            progressed_agents.update(line.agents)
            progressed_regs.update(classify_line(line.agents, cat))
        elif line.stopped == "toxicity":
            tox.update(line.agents)
    st.early_agents = early_agents
    st.early_her2 = any(cat.agents[a].her2_directed for a in early_agents)
    st.exposed = frozenset(exposed)
    st.progressed_agents = frozenset(progressed_agents)
    st.progressed_regimens = frozenset(progressed_regs)
    st.toxicity_agents = frozenset(tox)
    st.metastatic_her2_lines = her2_lines


def _option(st: _State, rid: str, c: _Cand, reg: Regimen) -> Option:
    support = _support(st, c.support)
    cites = dict.fromkeys([*(sp.reference for sp in support), *reg.references])
    for tid in reg.trials:
        for a in st.cat.trials[tid].analyses:
            cites.setdefault(a.reference)
    doses = None
    if st.s.weight_kg is not None:
        doses = dose_regimen(reg, st.s.weight_kg, st.s.height_cm, st.cat)
    return Option(
        regimen=rid,
        name=reg.name,
        tier=c.tier,
        why=tuple(dict.fromkeys(c.why)),
        support=support,
        trials=reg.trials,
        citations=tuple(cites),
        notes=(*c.notes, *reg.notes),
        doses=doses,
    )


def recommend(
    scenario: Scenario | Mapping[str, Any], catalogue: Catalogue | None = None
) -> Recommendation:
    """Turn a patient scenario into a ranked, explained, cited recommendation.

    Args:
        scenario: a validated :class:`Scenario`, or a mapping that :func:`parse_scenario` accepts.
        catalogue: the clinical data; defaults to the packaged catalogue.

    Raises:
        ScenarioError: only when a mapping is given and it is invalid.

    Examples:
        >>> rec = recommend({
        ...     "her2": "positive", "setting": "metastatic", "as_of": "2026-06-01",
        ...     "metastatic_diagnosis": "2026-05-20", "hormone_receptor": "negative",
        ...     "early_treatment": {"agents": ["docetaxel", "trastuzumab", "pertuzumab"],
        ...                         "her2_therapy_end": "2026-01-15"},
        ...     "metastatic_lines": [], "brain_metastases": "none",
        ...     "ild_history": "none", "lvef": 60, "pregnant": False,
        ... })
        >>> rec.line, rec.preferred
        (2, ('trastuzumab-deruxtecan',))
    """
    cat = catalogue or load_catalogue()
    s = scenario if isinstance(scenario, Scenario) else parse_scenario(scenario, cat)
    st = _State(s=s, cat=cat)
    trace: list[TraceStep] = []
    prepared = False
    for rule in RULES:
        if st.stop:
            break
        if not prepared and not rule.id.startswith("SCOPE-"):
            _prepare(st)
            prepared = True
        st.rule = rule
        finding = rule.check(st)
        if finding is not None:
            trace.append(TraceStep(rule.id, rule.title, finding, rule.references))
    if not st.in_scope:
        return Recommendation(
            False, st.scope_reason, None, "", {}, (), (), (), tuple(trace), s.as_of
        )

    # Every regimen not offered is accounted for.
    line_rule = {1: "OPTIONS-FIRST-LINE", 2: "OPTIONS-SECOND-LINE"}.get(
        st.line or 0, "OPTIONS-LATER-LINE" if st.line else "OPTIONS-LINE-UNDETERMINED"
    )
    for rid in cat.regimens:
        if rid not in st.cands and rid not in st.excluded:
            where = f"line {st.line}" if st.line else "this scenario"
            st.excluded[rid] = Exclusion(
                rid, f"not listed for {where} by ASCO 2022, NCCN or the labels", line_rule
            )

    options = [_option(st, rid, c, cat.regimens[rid]) for rid, c in st.cands.items()]
    options.sort(key=lambda o: TIERS.index(o.tier))
    return Recommendation(
        in_scope=True,
        scope_reason="",
        line=st.line,
        line_basis=st.line_basis,
        line_by_source=st.line_by_source,
        options=tuple(options),
        excluded=tuple(st.excluded.values()),
        alerts=tuple(st.alerts),
        trace=tuple(trace),
        as_of=s.as_of,
    )
