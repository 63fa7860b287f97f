"""The engine's own answers for the home page's short answers (``{{ short_answer("…") }}``).

Each case is the seed question's patient (``examples/seed-question.yaml``: HER2-positive,
HR-negative, residual invasive disease after neoadjuvant chemotherapy and trastuzumab)
with one fact changed. The home page states what :func:`her2guide.recommend` returns for
it, so the short answers cannot drift from the rules: nothing clinical is typed here, only
patient facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from .._catalogue import Catalogue
from .._engine import recommend
from .._scenario import parse_scenario
from .page import Page, placeholder

__all__ = ["CASES", "Case", "brief"]

#: The seed patient, relapsing 3 months after her last trastuzumab dose.
_SEED: Final[Mapping[str, Any]] = {
    "her2": "positive",
    "setting": "metastatic",
    "as_of": "2026-11-23",
    "metastatic_diagnosis": "2026-10-01",
    "hormone_receptor": "negative",
    "early_treatment": {
        "agents": ["doxorubicin", "cyclophosphamide", "paclitaxel", "trastuzumab"],
        "her2_therapy_end": "2026-07-01",
        "residual_disease": True,
    },
    "metastatic_lines": [],
    "brain_metastases": "none",
    "ild_history": "none",
    "lvef": 60,
    "pregnant": False,
}


def _seed(*, adjuvant: str | None = None, **changes: Any) -> dict[str, Any]:
    early = dict(_SEED["early_treatment"])
    if adjuvant is not None:
        early["agents"] = [*early["agents"], adjuvant]
    return {**_SEED, "early_treatment": early, **changes}


@dataclass(frozen=True)
class Case:
    """A seed-patient variant and the regimens whose place in the answer is worth naming."""

    scenario: Mapping[str, Any]
    mention: tuple[str, ...] = ()


CASES: Final[Mapping[str, Case]] = {
    "residual-no-adjuvant-adc": Case(_seed(), ("trastuzumab-emtansine",)),
    "residual-adjuvant-tdm1": Case(
        _seed(adjuvant="trastuzumab-emtansine"), ("trastuzumab-emtansine",)
    ),
    "residual-adjuvant-tdxd": Case(
        _seed(adjuvant="trastuzumab-deruxtecan"), ("trastuzumab-deruxtecan",)
    ),
    "residual-interval-unknown": Case(
        {**_SEED, "early_treatment": {**_SEED["early_treatment"], "her2_therapy_end": None}}
    ),
    "residual-cns-unknown": Case(_seed(brain_metastases="unknown")),
    "residual-cns-active": Case(
        _seed(brain_metastases="active"), ("tucatinib-trastuzumab-capecitabine",)
    ),
}


def brief(case: Case, cat: Catalogue) -> str:
    """One line of Markdown: line, preferred regimens, the named regimens' tiers, alerts.

    Examples:
        >>> from her2guide import load_catalogue
        >>> brief(CASES["residual-adjuvant-tdm1"], load_catalogue()).startswith("**line 2**")
        True
    """
    rec = recommend(parse_scenario(_clean(case.scenario), cat), cat)
    short = {rid: r.short for rid, r in cat.regimens.items()}
    line = f"**line {rec.line}**" if rec.line else "**line not set**"
    parts = [line, "preferred: " + (", ".join(f"**{short[r]}**" for r in rec.preferred) or "none")]
    for rid in case.mention:
        option = rec.option(rid)
        parts.append(f"{short[rid]}: {option.tier if option else 'not offered'}")
    if rec.alert_codes:
        parts.append("alerts: " + ", ".join(f"`{code}`" for code in dict.fromkeys(rec.alert_codes)))
    return " · ".join(parts)


def _clean(scenario: Mapping[str, Any]) -> dict[str, Any]:
    """Drop ``None`` values (a field left out, as a scenario file would leave it out)."""
    out = dict(scenario)
    early = {k: v for k, v in dict(out["early_treatment"]).items() if v is not None}
    out["early_treatment"] = early
    return out


@placeholder
def short_answer(page: Page, case: str) -> str:
    """The engine's answer for a named seed-patient variant (:data:`CASES`)."""
    page.lookup("short-answer case", case, CASES)
    return brief(CASES[case], page.cat)
