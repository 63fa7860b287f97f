"""The safety invariants checked on every cell of the declared space.

Each invariant has a stable ID, the hazard it guards against, the rules that mitigate it and
the tests that pin it, and states its expectation from the scenario itself (never through an
engine helper).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from .._catalogue import Catalogue
from .._history import add_months
from .._recommendation import Recommendation
from .._scenario import Scenario

TDXD: Final = frozenset({"trastuzumab-deruxtecan", "trastuzumab-deruxtecan-pertuzumab"})


@dataclass(frozen=True, slots=True)
class Invariant:
    """A safety property every answer must have, with the hazard it guards against."""

    id: str
    hazard: str
    check: Callable[[Scenario, Recommendation, Catalogue], str | None]
    #: the rule IDs that mitigate the hazard
    rules: tuple[str, ...] = ()
    #: tests (besides the space sample) that pin it
    tests: tuple[str, ...] = ()


def _in_scope(s: Scenario) -> bool:
    return s.her2 == "positive" and s.setting == "metastatic"


def _scope(s: Scenario, r: Recommendation, cat: Catalogue) -> str | None:
    if not _in_scope(s) and (r.in_scope or r.options or r.line is not None):
        return "out-of-scope scenario got an answer"
    return None


def _pregnancy(s: Scenario, r: Recommendation, cat: Catalogue) -> str | None:
    if _in_scope(s) and s.pregnant and (r.options or "no-standard-option" not in r.alert_codes):
        return "an option in pregnancy, or no no-standard-option alert"
    return None


def _her2(cat: Catalogue) -> set[str]:
    return {r.id for r in cat.regimens.values() if r.her2_directed}


def _lvef(s: Scenario, r: Recommendation, cat: Catalogue) -> str | None:
    if s.lvef is None or not _in_scope(s):
        return None
    hold = min(c.below for c in cat.decisions.lvef)
    offered = {o.regimen for o in r.options}
    if s.lvef < hold and offered & _her2(cat):
        return f"HER2-directed option offered at LVEF {s.lvef:g}% (< {hold:g}%)"
    if s.lvef < 50 and set(r.preferred) & _her2(cat):
        return f"HER2-directed option preferred at LVEF {s.lvef:g}%"
    return None


def _ild_tdxd(s: Scenario, r: Recommendation, cat: Catalogue) -> str | None:
    if not _in_scope(s) or s.ild_history == "none":
        return None
    if TDXD & set(r.preferred):
        return "T-DXd preferred with an ILD history"
    exposed = {a for ml in s.metastatic_lines for a in ml.agents} | set(
        s.early_treatment.agents if s.early_treatment else ()
    )
    on_tdxd = s.ild_agent == "trastuzumab-deruxtecan" or (
        s.ild_agent is None and "trastuzumab-deruxtecan" in exposed
    )
    if s.ild_history == "drug_grade2_plus" and on_tdxd and TDXD & {o.regimen for o in r.options}:
        return "T-DXd offered after grade >=2 ILD on T-DXd"
    return None


def _ild_tdm1(s: Scenario, r: Recommendation, cat: Catalogue) -> str | None:
    if not _in_scope(s) or not s.ild_history.startswith("drug_"):
        return None
    if s.ild_agent == "trastuzumab-emtansine" and r.option("trastuzumab-emtansine") is not None:
        return "T-DM1 offered after ILD on T-DM1"
    return None


def _no_repeat(s: Scenario, r: Recommendation, cat: Catalogue) -> str | None:
    progressed = {
        a
        for ml in s.metastatic_lines
        if ml.stopped in ("progression", "ongoing")
        for a in ml.agents
    }
    for o in r.options:
        if cat.regimens[o.regimen].key_agents & progressed:
            return f"{o.regimen} offered after progression on its key agent"
    return None


def _early_relapse(s: Scenario, r: Recommendation, cat: Catalogue) -> str | None:
    e = s.early_treatment
    if (
        not _in_scope(s)
        or e is None
        or e.her2_therapy_end is None
        or s.metastatic_diagnosis is None
    ):
        return None
    if s.metastatic_diagnosis > add_months(e.her2_therapy_end, 6):
        return None
    for rid in r.preferred:
        if cat.regimens[rid].key_agents & set(e.agents):
            return f"{rid} preferred after early relapse on its key agent"
    return None


def _never_empty(s: Scenario, r: Recommendation, cat: Catalogue) -> str | None:
    if r.in_scope and not r.options and "no-standard-option" not in r.alert_codes:
        return "empty in-scope answer without no-standard-option"
    return None


def _citations(s: Scenario, r: Recommendation, cat: Catalogue) -> str | None:
    refs = cat.references
    for o in r.options:
        if not o.citations or not set(o.citations) <= set(refs):
            return f"{o.regimen} cites an unknown reference"
    for a in r.alerts:
        if not a.citations or not set(a.citations) <= set(refs):
            return f"alert {a.code} cites no or an unknown reference"
    return None


def _alert_tiers(s: Scenario, r: Recommendation, cat: Catalogue) -> str | None:
    for a in r.alerts:
        if "are preferred (" in a.message:
            named = a.message.split("are preferred (", 1)[1].split(")", 1)[0].split(", ")
            if not set(named) <= set(r.preferred):
                return f"alert {a.code} names {named} as preferred"
    return None


def _line(s: Scenario, r: Recommendation, cat: Catalogue) -> str | None:
    """line = 1 + HER2-directed metastatic lines ended by progression/completion (or ongoing),
    maintenance after a completed induction not counted again, + 1 when the recurrence came
    within 12 months of (neo)adjuvant HER2 therapy (ASCO 2022 rec. 5.0)."""
    if not _in_scope(s):
        return None
    her2 = {a.id for a in cat.agents.values() if a.her2_directed}
    lines = list(s.metastatic_lines)

    def maintenance(i: int) -> bool:
        # a completed line whose HER2-directed agents carry on in the next line is one line
        if lines[i].stopped != "completed" or i + 1 == len(lines):
            return False
        nxt = set(lines[i + 1].agents) & her2
        return bool(nxt) and nxt <= set(lines[i].agents) & her2

    ended = sum(
        1
        for i, ml in enumerate(lines)
        if set(ml.agents) & her2
        and ml.stopped in ("progression", "completed", "ongoing")
        and not maintenance(i)
    )
    expected: int | None = 1 + ended
    e = s.early_treatment
    if e is not None and set(e.agents) & her2:
        if e.her2_therapy_end is None:
            expected = None if ended == 0 else 1 + ended
        elif s.metastatic_diagnosis is not None and s.metastatic_diagnosis <= add_months(
            e.her2_therapy_end, 12
        ):
            expected = 2 + ended
    if r.line != expected:
        return f"line {r.line}, expected {expected}"
    return None


INVARIANTS: Final = (
    Invariant(
        "INV-SCOPE",
        "an answer given for a patient outside HER2-positive metastatic disease",
        _scope,
        ("SCOPE-HER2-STATUS", "SCOPE-SETTING"),
        ("test_properties::test_out_of_scope_returns_nothing",),
    ),
    Invariant(
        "INV-PREGNANCY",
        "HER2-directed or endocrine therapy offered in pregnancy",
        _pregnancy,
        ("SAFETY-PREGNANCY",),
        ("test_properties::test_no_her2_therapy_preferred_or_offered_in_pregnancy",),
    ),
    Invariant(
        "INV-LVEF",
        "cardiotoxicity: HER2-directed therapy started or preferred below the cut-offs",
        _lvef,
        ("CARDIO-LVEF-BELOW-40", "CARDIO-LVEF-BELOW-50"),
        (
            "test_properties::test_lvef_below_40_means_no_her2_option",
            "scenarios.toml lvef-39/40/45/49/50 rows",
        ),
    ),
    Invariant(
        "INV-ILD-TDXD",
        "fatal pneumonitis: T-DXd re-exposed or preferred after ILD",
        _ild_tdxd,
        ("ILD-DRUG-GRADE2", "ILD-PREEXISTING", "ILD-DRUG-GRADE1", "ILD-AGENT-UNKNOWN"),
        ("test_properties::test_no_tdxd_after_grade2_ild_on_tdxd",),
    ),
    Invariant(
        "INV-ILD-TDM1",
        "pneumonitis: T-DM1 re-exposed after ILD on T-DM1",
        _ild_tdm1,
        ("ILD-TDM1", "ILD-AGENT-UNKNOWN"),
        ("test_properties::test_no_tdm1_after_tdm1_pneumonitis",),
    ),
    Invariant(
        "INV-NO-REPEAT",
        "a regimen re-offered after progression on it",
        _no_repeat,
        ("NO-REPEAT-PROGRESSED",),
        ("test_properties::test_no_option_repeats_a_progressed_agent",),
    ),
    Invariant(
        "INV-EARLY-RELAPSE",
        "re-challenge preferred after early relapse",
        _early_relapse,
        ("NO-REPEAT-EARLY-RELAPSE", "GAP-TDM1-RECHALLENGE", "PRIOR-TDXD"),
        ("test_properties::test_no_preferred_rechallenge_after_early_relapse",),
    ),
    Invariant(
        "INV-NEVER-EMPTY",
        "an empty answer that does not say why",
        _never_empty,
        ("OPTIONS-NONE-LEFT", "SAFETY-PREGNANCY"),
        ("test_properties::test_every_in_scope_answer_has_an_option_or_says_why",),
    ),
    Invariant(
        "INV-CITATIONS",
        "a claim without a resolvable source",
        _citations,
        (),
        ("test_properties::test_every_option_cites_resolving_references",),
    ),
    Invariant(
        "INV-ALERT-TIERS",
        "an alert that recommends what the answer does not",
        _alert_tiers,
        ("CNS-ACTIVE",),
        ("test_properties::test_alerts_name_only_regimens_that_are_preferred",),
    ),
    Invariant(
        "INV-LINE",
        "wrong line after early relapse, a toxicity stop or maintenance",
        _line,
        (
            "LINE-AFTER-METASTATIC",
            "LINE-EARLY-RELAPSE",
            "LINE-LATE-RELAPSE",
            "LINE-RELAPSE-SOURCES-DIFFER",
            "LINE-RELAPSE-INTERVAL-UNKNOWN",
        ),
        ("test_properties::test_line_agrees_with_the_history",),
    ),
)
