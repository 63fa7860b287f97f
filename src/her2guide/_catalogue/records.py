"""The catalogue's frozen records and closed vocabularies (what the data files may say).

The records are built only by :mod:`her2guide._catalogue.load`, which checks every field
against these vocabularies and every cross-reference against the other files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from .._decisions import Decisions

__all__ = [
    "AGENT_KINDS",
    "PARTNER_KINDS",
    "REFERENCE_KINDS",
    "ROUTES",
    "UNITS",
    "Agent",
    "Analysis",
    "Catalogue",
    "Component",
    "Figure",
    "Reference",
    "Regimen",
    "Statement",
    "ToxicityRule",
    "Trial",
]

UNITS: Final = ("mg", "mg/kg", "mg/m2")
ROUTES: Final = ("IV", "oral", "SC", "IM")
AGENT_KINDS: Final = (
    "her2-antibody",
    "her2-adc",
    "her2-tki",
    "chemotherapy",
    "endocrine",
    "cdk46-inhibitor",
)
REFERENCE_KINDS: Final = ("trial", "guideline", "label", "regulatory", "score", "review", "method")
PARTNER_KINDS: Final = ("chemotherapy", "endocrine")


@dataclass(frozen=True, slots=True)
class Agent:
    id: str
    name: str
    kind: str
    her2_directed: bool
    synonyms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Reference:
    id: str
    kind: str
    short: str
    citation: str
    year: int
    url: str
    doi: str = ""
    pmid: str = ""
    verified: tuple[str, ...] = ()
    note: str = ""

    @property
    def link(self) -> str:
        """The best link for a reader: DOI, then PubMed, then the source page."""
        if self.doi:
            return f"https://doi.org/{self.doi}"
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        return self.url


@dataclass(frozen=True, slots=True)
class Figure:
    endpoint: str
    result: str


@dataclass(frozen=True, slots=True)
class Analysis:
    id: str
    label: str
    reference: str
    figures: tuple[Figure, ...]
    follow_up: str = ""


@dataclass(frozen=True, slots=True)
class Trial:
    id: str
    name: str
    phase: str
    setting: str
    population: str
    arms: str
    regimens: tuple[str, ...]
    analyses: tuple[Analysis, ...]
    design: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Statement:
    id: str
    source: str
    number: str
    grade: str
    topic: str
    summary: str
    reference: str
    quote: str = ""
    note: str = ""

    @property
    def label(self) -> str:
        """Source and number as a reader would cite it, e.g. ``ASCO 2022 rec. 2.1``."""
        if self.number and self.number[0].isdigit():
            return f"{self.source} rec. {self.number}"
        if self.number:
            return f"{self.source} ({self.number.lower()})"
        return self.source


@dataclass(frozen=True, slots=True)
class Component:
    agent: str
    unit: str
    route: str
    schedule: str
    cycle_days: int
    reference: str
    dose: float | None = None
    loading_dose: float | None = None
    reductions: tuple[float, ...] = ()
    reduction_note: str = ""
    choice: str = ""
    dose_note: str = ""


@dataclass(frozen=True, slots=True)
class Regimen:
    id: str
    name: str
    short: str
    her2_directed: bool
    signatures: tuple[frozenset[str], ...]
    partner: frozenset[str]
    key_agents: frozenset[str]
    cns_active: bool
    hormone_receptor_positive_only: bool
    trials: tuple[str, ...]
    references: tuple[str, ...]
    components: tuple[Component, ...]
    indication_us: str = ""
    indication_eu: str = ""
    notes: tuple[str, ...] = ()
    us_approval: dt.date | None = None


@dataclass(frozen=True, slots=True)
class ToxicityRule:
    id: str
    topic: str
    agent: str
    condition: str
    action: str
    reference: str


@dataclass(frozen=True, eq=False)
class Catalogue:
    """Everything clinical, validated and cross-checked. Build it with :func:`load_catalogue`."""

    agents: Mapping[str, Agent]
    combinations: Mapping[str, tuple[str, ...]]
    references: Mapping[str, Reference]
    trials: Mapping[str, Trial]
    statements: Mapping[str, Statement]
    regimens: Mapping[str, Regimen]
    toxicity: tuple[ToxicityRule, ...]
    aliases: Mapping[str, tuple[str, ...]] = field(repr=False)
    decisions: Decisions = field(repr=False, default=None)  # type: ignore[assignment]

    def regimen(self, regimen_id: str) -> Regimen:
        """Return a regimen by ID, or raise ``KeyError`` listing the known IDs."""
        try:
            return self.regimens[regimen_id]
        except KeyError:
            known = ", ".join(sorted(self.regimens))
            raise KeyError(f"unknown regimen {regimen_id!r}; known regimens: {known}") from None
