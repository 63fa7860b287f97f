"""The recommendation returned by the engine: frozen output records with a JSON form.

Records carry their display names (regimen and agent names, reference labels), so the
reports (:mod:`her2guide._report`) render them without the catalogue. This module imports
no report: the Markdown renderer behind :meth:`Recommendation.to_markdown` is installed by
``_report`` when the package is imported (see :func:`install_markdown`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass
from typing import Any, Final

__all__ = [
    "INTENDED_USE",
    "Alert",
    "ComponentDose",
    "DoseAmount",
    "Exclusion",
    "Option",
    "Recommendation",
    "RegimenDoses",
    "Support",
    "TraceStep",
    "install_markdown",
]

INTENDED_USE: Final = (
    "Educational reference for healthcare professionals. Not a medical device and not "
    "medical advice: verify against current labels and guidelines and apply clinical judgement."
)

TIERS: Final = ("preferred", "alternative", "other")


def _jsonable(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@dataclass(frozen=True, slots=True)
class Support:
    """One source's position on an option, with number and grade as the source prints them."""

    source: str
    statement: str
    number: str
    grade: str
    says: str
    reference: str


#: the label of a dose that a label's organ-function statement set (see ``_practical.adjust_doses``)
ORGAN_START: Final = "starting dose (organ function)"


@dataclass(frozen=True, slots=True)
class DoseAmount:
    """A calculated amount: ``per`` (e.g. 5.4 mg/kg) times the patient's weight or BSA."""

    label: str
    per: float
    unit: str
    amount_mg: float | None
    basis: str


@dataclass(frozen=True, slots=True)
class ComponentDose:
    """The doses of one agent of a regimen: loading, maintenance and the reduction ladder."""

    agent: str
    route: str
    schedule: str
    loading: DoseAmount | None
    maintenance: DoseAmount | None
    reductions: tuple[DoseAmount, ...]
    reduction_note: str
    choice: str
    note: str
    #: the agent's display name (e.g. "Trastuzumab deruxtecan"), so reports need no catalogue
    agent_name: str


@dataclass(frozen=True, slots=True)
class RegimenDoses:
    """Calculated doses for every component of a regimen, with the rounding used and what is
    missing (e.g. height for mg/m² doses)."""

    regimen: str
    weight_kg: float | None
    height_cm: float | None
    bsa_m2: float | None
    components: tuple[ComponentDose, ...]
    rounding: str
    missing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Option:
    """A regimen offered for this patient."""

    regimen: str
    name: str
    tier: str
    why: tuple[str, ...]
    support: tuple[Support, ...]
    trials: tuple[str, ...]
    citations: tuple[str, ...]
    notes: tuple[str, ...]
    #: the short label of each reference in ``citations``, in the same order (e.g. "ASCO 2022")
    citation_labels: tuple[str, ...]
    doses: RegimenDoses | None = None


@dataclass(frozen=True, slots=True)
class Exclusion:
    """A regimen considered and set aside: why, and the ID of the rule that did it."""

    regimen: str
    reason: str
    rule: str
    #: the regimen's display name, so reports need no catalogue
    name: str


@dataclass(frozen=True, slots=True)
class Alert:
    """Something the clinician must see: a ``code`` from the closed vocabulary in
    ``data/decisions.toml``, the message, the rule that raised it and its citations."""

    code: str
    message: str
    rule: str
    citations: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TraceStep:
    """One rule that fired: its ID, title, what it found and the references behind it."""

    rule: str
    title: str
    finding: str
    citations: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Recommendation:
    """What to give next, why, what else is reasonable, and what was set aside."""

    in_scope: bool
    scope_reason: str
    line: int | None
    line_basis: str
    line_by_source: dict[str, int]
    options: tuple[Option, ...]
    excluded: tuple[Exclusion, ...]
    alerts: tuple[Alert, ...]
    trace: tuple[TraceStep, ...]
    as_of: dt.date | None
    #: all prior metastatic systemic lines, of any kind (``line`` counts HER2-directed ones)
    prior_metastatic_lines: int = 0
    #: how options are ordered within a tier
    ordering: str = ""
    intended_use: str = INTENDED_USE

    @property
    def preferred(self) -> tuple[str, ...]:
        """Regimen IDs whose tier is ``preferred`` (may be empty)."""
        return tuple(o.regimen for o in self.options if o.tier == "preferred")

    @property
    def alert_codes(self) -> tuple[str, ...]:
        """Alert codes in the order raised, without repeats."""
        return tuple(dict.fromkeys(a.code for a in self.alerts))

    def option(self, regimen: str) -> Option | None:
        """The option for ``regimen``, or ``None`` when it is not offered."""
        return next((o for o in self.options if o.regimen == regimen), None)

    def to_markdown(self) -> str:
        """A readable Markdown report (what the CLI's ``--format markdown`` prints)."""
        return _MARKDOWN[0](self)

    def _repr_markdown_(self) -> tuple[str, dict[str, Any]]:
        # Jupyter shows the report; the metadata lets the docs link scenarios to rules.
        # ``answer`` lets the docs open a scenario page with a summary of the main answer.
        return self.to_markdown(), {
            "her2guide": {"rules": [t.rule for t in self.trace], "answer": self.summary()}
        }

    def summary(self) -> dict[str, Any]:
        """The answer in brief (scope, line, preferred regimen IDs, alert codes), JSON-ready.

        Examples:
            >>> from her2guide import recommend
            >>> recommend({"her2": "negative", "setting": "metastatic"}).summary()["in_scope"]
            False
        """
        return {
            "in_scope": self.in_scope,
            "line": self.line,
            "line_by_source": dict(self.line_by_source),
            "preferred": list(self.preferred),
            "alerts": list(self.alert_codes),
        }

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the public contract (``her2guide recommend --format json``)."""
        out: dict[str, Any] = _jsonable(self)
        out["preferred"] = list(self.preferred)
        return out


#: The Markdown renderer of a recommendation (one slot, filled by :func:`install_markdown`).
_MARKDOWN: list[Callable[[Recommendation], str]] = []


def install_markdown(render: Callable[[Recommendation], str]) -> None:
    """Make ``render`` the renderer behind :meth:`Recommendation.to_markdown`.

    ``her2guide._report`` calls this once when it is imported, and ``her2guide/__init__``
    imports it, so the records never import the reports (the flow is recommendation →
    reports, never back).
    """
    _MARKDOWN[:] = [render]
