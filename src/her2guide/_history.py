"""What the patient received and how each treatment ended, as frozen, derived facts.

:func:`read_history` reads a validated :class:`~her2guide.Scenario` once; every rule reads
the resulting :class:`History` instead of re-reading raw lines. Counting follows ASCO and
NCCN: the *line* is the line of HER2-directed therapy about to start, so endocrine-only and
chemotherapy-only metastatic lines do not advance it, a line stopped for toxicity is not
progression on it, and a recurrence inside a source's window after (neo)adjuvant
HER2-directed therapy counts as one HER2-directed line under that source.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from ._catalogue import Catalogue
from ._scenario import EarlyTreatment, MetastaticLine, Scenario

__all__ = ["Exposure", "History", "Relapse", "add_months", "classify_agents", "read_history"]

#: Outcomes after which the next HER2-directed line starts (``ongoing``: the plan is for
#: when it stops, read as stopping for progression).
ADVANCING: Final = frozenset({"progression", "completed", "ongoing"})


def add_months(d: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clipped to the month's end (31 Aug + 6 → 28/29 Feb).

    Examples:
        >>> add_months(dt.date(2025, 8, 31), 6)
        datetime.date(2026, 2, 28)
    """
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True, slots=True)
class Exposure:
    """One treatment: early ((neo)adjuvant, ``line`` 0) or a metastatic line (1, 2, …)."""

    line: int
    agents: frozenset[str]
    outcome: str
    kind: str
    regimens: frozenset[str]
    #: agents held responsible for a toxicity stop (all agents when the scenario did not say)
    toxicity_agents: frozenset[str] = frozenset()
    toxicity_attributed: bool = False

    @property
    def her2_directed(self) -> bool:
        return self.kind == "her2"


@dataclass(frozen=True, slots=True)
class Relapse:
    """The interval from the last (neo)adjuvant HER2-directed dose to recurrence."""

    days: int
    pertuzumab: bool
    #: per source (``Window.source``): is the recurrence inside its window?
    within: Mapping[str, bool]
    #: inside 12 months (CLEOPATRA's disease-free-interval limit)
    within_12: bool

    @property
    def within_any(self) -> bool:
        return any(self.within.values())

    @property
    def within_all(self) -> bool:
        return all(self.within.values())


@dataclass(frozen=True, slots=True)
class History:
    """Derived facts about the treatment history; built once per scenario."""

    early: Exposure | None
    lines: tuple[Exposure, ...]
    relapse: Relapse | None
    early_her2_without_end: bool
    #: metastatic HER2-directed lines after which a new line starts
    her2_lines_advanced: int
    #: metastatic HER2-directed lines received (any outcome)
    her2_lines_received: int
    endocrine_only_lines: int
    chemotherapy_only_lines: int
    toxicity_switches: int
    #: completed induction lines whose HER2-directed agents continue as maintenance
    maintenance_continuations: int
    exposed: frozenset[str]
    progressed_agents: frozenset[str]
    progressed_regimens: frozenset[str]
    toxicity_agents: frozenset[str]
    unattributed_toxicity_lines: tuple[int, ...]
    #: anti-HER2 regimens received: any setting, and for metastatic disease
    prior_her2_any: int
    prior_her2_metastatic: int

    @property
    def early_agents(self) -> frozenset[str]:
        return self.early.agents if self.early else frozenset()

    @property
    def early_her2(self) -> bool:
        return self.early is not None and self.early.her2_directed

    @property
    def prior_metastatic_lines(self) -> int:
        return len(self.lines)

    @property
    def last(self) -> Exposure | None:
        return self.lines[-1] if self.lines else None

    @property
    def early_relapse_agents(self) -> frozenset[str]:
        """HER2-directed (neo)adjuvant agents after which the recurrence came inside a window."""
        if self.relapse is None or not self.relapse.within_any or self.early is None:
            return frozenset()
        return self.early.agents

    def line_by_source(self, sources: tuple[str, ...]) -> dict[str, int]:
        """The line each source counts (only when a recurrence interval applies)."""
        if self.relapse is None:
            return {}
        base = self.her2_lines_advanced + 1
        return {s: base + int(self.relapse.within[s]) for s in sources}


@lru_cache(maxsize=8)
def _kinds(cat: Catalogue) -> Mapping[str, str]:
    return {a.id: a.kind for a in cat.agents.values()}


@lru_cache(maxsize=4096)
def classify_agents(cat: Catalogue, agents: frozenset[str]) -> frozenset[str]:
    """The catalogue regimens a treatment with these agents counts as."""
    kinds = _kinds(cat)
    out = set()
    for reg in cat.regimens.values():
        ignorable = reg.partner | {"endocrine"}
        core = frozenset(a for a in agents if kinds[a] not in ignorable)
        if reg.id == "endocrine-alone":
            if not core and any(kinds[a] == "endocrine" for a in agents):
                out.add(reg.id)
            continue
        if any(core == sig for sig in reg.signatures):
            out.add(reg.id)
    return frozenset(out)


@lru_cache(maxsize=8)
def _her2_agents(cat: Catalogue) -> frozenset[str]:
    return frozenset(a.id for a in cat.agents.values() if a.her2_directed)


def _kind(cat: Catalogue, agents: frozenset[str]) -> str:
    kinds = {cat.agents[a].kind for a in agents}
    if any(cat.agents[a].her2_directed for a in agents):
        return "her2"
    if kinds and kinds <= {"endocrine", "cdk46-inhibitor"}:
        return "endocrine"
    if "chemotherapy" in kinds:
        return "chemotherapy"
    return "other"


def read_history(s: Scenario, cat: Catalogue) -> History:
    """Read the scenario's early treatment and metastatic lines once, as frozen facts."""
    return _read(cat, s.early_treatment, s.metastatic_lines, s.metastatic_diagnosis)


@lru_cache(maxsize=16384)
def _read(
    cat: Catalogue,
    early_treatment: EarlyTreatment | None,
    metastatic_lines: tuple[MetastaticLine, ...],
    metastatic_diagnosis: dt.date | None,
) -> History:
    # A pure function of the history fields alone (memoised: many scenarios share a history).
    early = None
    relapse = None
    without_end = False
    if early_treatment is not None and early_treatment.agents:
        agents = frozenset(early_treatment.agents)
        early = Exposure(0, agents, "relapse", _kind(cat, agents), classify_agents(cat, agents))
        end, dx = early_treatment.her2_therapy_end, metastatic_diagnosis
        if early.her2_directed and end is None:
            without_end = True
        elif early.her2_directed and end is not None and dx is not None:
            pertuzumab = "pertuzumab" in agents
            within = {
                w.source: dx <= add_months(end, w.months_pertuzumab if pertuzumab else w.months)
                for w in cat.decisions.windows
            }
            relapse = Relapse((dx - end).days, pertuzumab, within, dx <= add_months(end, 12))

    lines = []
    advanced = received = endocrine = chemo = switches = 0
    exposed = set(early.agents if early else ())
    prog_agents: set[str] = set()
    prog_regs: set[str] = set()
    tox: set[str] = set()
    unattributed = []
    her2_ids = _her2_agents(cat)
    maint = 0
    for i, ml in enumerate(metastatic_lines, start=1):
        agents = frozenset(ml.agents)
        nxt = metastatic_lines[i] if i < len(metastatic_lines) else None
        # A completed line whose HER2-directed agents carry on in the next line (maintenance,
        # e.g. THP induction then trastuzumab + pertuzumab ± endocrine therapy) is one line.
        continued = (
            ml.stopped == "completed"
            and nxt is not None
            and bool(frozenset(nxt.agents) & her2_ids)
            and frozenset(nxt.agents) & her2_ids <= agents & her2_ids
        )
        kind = _kind(cat, agents)
        regs = classify_agents(cat, agents)
        tox_agents: frozenset[str] = frozenset()
        attributed = False
        if ml.stopped == "toxicity":
            attributed = bool(ml.toxicity_agents)
            tox_agents = frozenset(ml.toxicity_agents) if attributed else agents
            tox |= tox_agents
            if not attributed:
                unattributed.append(i)
        ex = Exposure(i, agents, ml.stopped, kind, regs, tox_agents, attributed)
        lines.append(ex)
        exposed |= agents
        if kind == "her2":
            if continued:
                maint += 1
            else:
                received += 1
            if ml.stopped in ADVANCING and not continued:
                advanced += 1
            elif ml.stopped == "toxicity":
                switches += 1
        elif kind == "endocrine":
            endocrine += 1
        elif kind == "chemotherapy":
            chemo += 1
        if ml.stopped in ("progression", "ongoing"):
            prog_agents |= agents
            prog_regs |= regs
    early_count = int(early is not None and early.her2_directed)
    return History(
        early=early,
        lines=tuple(lines),
        relapse=relapse,
        early_her2_without_end=without_end,
        her2_lines_advanced=advanced,
        her2_lines_received=received,
        endocrine_only_lines=endocrine,
        chemotherapy_only_lines=chemo,
        toxicity_switches=switches,
        maintenance_continuations=maint,
        exposed=frozenset(exposed),
        progressed_agents=frozenset(prog_agents),
        progressed_regimens=frozenset(prog_regs),
        toxicity_agents=frozenset(tox),
        unattributed_toxicity_lines=tuple(unattributed),
        prior_her2_any=early_count + received,
        prior_her2_metastatic=received,
    )
