"""The strict core of a scenario: frozen records holding only canonical values, the checks
every :class:`Scenario` passes however it was built, and the error that lists problems.

The permissive layer that turns a mapping, YAML or JSON into these records is
:func:`her2guide._scenario.parse.parse_scenario`.
"""

from __future__ import annotations

import datetime as dt
import reprlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, cast

from .._catalogue import load_catalogue
from .._limits import limit
from .values import (
    BRAIN_VALUES,
    CRCL_RANGE,
    ECOG_VALUES,
    HEIGHT_RANGE,
    HEPATIC_VALUES,
    HER2_VALUES,
    HR_VALUES,
    ILD_VALUES,
    LVEF_RANGE,
    MAX_MEDICATION_CHARS,
    MAX_MEDICATIONS,
    SETTING_VALUES,
    STOPPED_VALUES,
    WEIGHT_RANGE,
)

__all__ = ["EarlyTreatment", "MetastaticLine", "Problem", "Scenario", "ScenarioError"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input: where, what was given, what is allowed."""

    field: str
    value: object
    message: str

    def __str__(self) -> str:
        shown = "(missing)" if self.value is _MISSING else _repr.repr(self.value)
        return f"{self.field}: {shown} — {self.message}"


_repr = reprlib.Repr()
_repr.maxstring = _repr.maxother = 80
_repr.maxlist = _repr.maxdict = 6
_repr.maxlevel = 3


class _Missing:
    def __repr__(self) -> str:
        return "(missing)"


_MISSING: Final = _Missing()


class ScenarioError(ValueError):
    """The scenario is invalid. ``problems`` lists every problem found, one per field."""

    def __init__(self, problems: list[Problem]) -> None:
        cap = limit("max-problems-shown")
        shown = problems[:cap]
        if len(problems) > cap:
            more = len(problems) - cap
            shown = [*shown, Problem("(more)", _MISSING, f"and {more} more problem(s) not shown")]
        self.problems = shown
        super().__init__("invalid scenario:\n" + "\n".join(f"  - {p}" for p in shown))


@dataclass(frozen=True, slots=True)
class EarlyTreatment:
    """(Neo)adjuvant history."""

    agents: tuple[str, ...] = ()
    her2_therapy_end: dt.date | None = None
    residual_disease: bool | None = None


@dataclass(frozen=True, slots=True)
class MetastaticLine:
    """One line of therapy for metastatic disease."""

    agents: tuple[str, ...]
    stopped: str
    #: with ``stopped: toxicity``: the agents that caused it (empty = not given)
    toxicity_agents: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Scenario:
    """A validated patient scenario (canonical agent IDs, real dates)."""

    her2: str
    setting: str
    as_of: dt.date | None = None
    metastatic_diagnosis: dt.date | None = None
    hormone_receptor: str = "unknown"
    early_treatment: EarlyTreatment | None = None
    metastatic_lines: tuple[MetastaticLine, ...] = ()
    brain_metastases: str = "none"
    ild_history: str = "none"
    ild_agent: str | None = None
    lvef: float | None = None
    ecog: int | None = None
    pregnant: bool = False
    weight_kg: float | None = None
    height_cm: float | None = None
    low_disease_burden: bool | None = None
    #: other medicines the patient takes, as given (any names; known ones are matched)
    concomitant_medications: tuple[str, ...] = ()
    #: Child-Pugh class: none | A | B | C | unknown (None = not given)
    hepatic_impairment: str | None = None
    creatinine_clearance_ml_min: float | None = None
    name: str = ""
    notes: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        # A Scenario built directly gets the same checks as one from parse_scenario.
        problems = _core_problems(self)
        if problems:
            raise ScenarioError(problems)


def _core_problems(s: Scenario) -> list[Problem]:
    """What is wrong with a Scenario's canonical values (the strict core of validation)."""
    out: list[Problem] = []

    def bad(fld: str, value: object, allowed: str) -> None:
        out.append(Problem(fld, value, "allowed: " + allowed))

    def enum(fld: str, value: object, allowed: tuple[Any, ...]) -> None:
        if value not in allowed:
            bad(fld, value, " | ".join(str(a) for a in allowed))

    enum("her2", s.her2, HER2_VALUES)
    enum("setting", s.setting, SETTING_VALUES)
    enum("hormone_receptor", s.hormone_receptor, HR_VALUES)
    enum("brain_metastases", s.brain_metastases, BRAIN_VALUES)
    enum("ild_history", s.ild_history, ILD_VALUES)
    if s.ecog is not None:
        enum("ecog", s.ecog, ECOG_VALUES)
    if s.hepatic_impairment is not None:
        enum("hepatic_impairment", s.hepatic_impairment, HEPATIC_VALUES)
    meds = s.concomitant_medications
    if not isinstance(cast(object, meds), tuple) or len(meds) > MAX_MEDICATIONS:
        bad("concomitant_medications", meds, f"a tuple of at most {MAX_MEDICATIONS} names")
    elif not all(isinstance(m, str) and 0 < len(m) <= MAX_MEDICATION_CHARS for m in meds):
        bad("concomitant_medications", meds, f"names of 1 to {MAX_MEDICATION_CHARS} characters")
    if not isinstance(cast(object, s.pregnant), bool):
        bad("pregnant", s.pregnant, "true | false")
    for fld, value, bounds in (
        ("lvef", s.lvef, LVEF_RANGE),
        ("weight_kg", s.weight_kg, WEIGHT_RANGE),
        ("height_cm", s.height_cm, HEIGHT_RANGE),
        ("creatinine_clearance_ml_min", s.creatinine_clearance_ml_min, CRCL_RANGE),
    ):
        if value is not None and (
            not isinstance(value, int | float)
            or isinstance(value, bool)
            or not bounds[0] <= value <= bounds[1]
        ):
            bad(fld, value, f"a number from {bounds[0]:g} to {bounds[1]:g}")
    lo, hi = limit("min-year"), limit("max-year")

    def day(fld: str, value: object) -> dt.date | None:
        if value is None:
            return None
        if not isinstance(value, dt.date) or not lo <= value.year <= hi:
            bad(fld, value, f"a date from {lo} to {hi}")
            return None
        return value

    as_of = day("as_of", s.as_of)
    dx = day("metastatic_diagnosis", s.metastatic_diagnosis)
    in_scope = s.her2 == "positive" and s.setting == "metastatic"
    if in_scope and (s.as_of is None or s.metastatic_diagnosis is None):
        for fld in ("as_of", "metastatic_diagnosis"):
            if getattr(s, fld) is None:
                out.append(Problem(fld, None, "required for HER2-positive metastatic scenarios"))
    if as_of and dx and dx > as_of:
        out.append(Problem("metastatic_diagnosis", dx.isoformat(), f"is after as_of ({as_of})"))
    agents = load_catalogue().agents

    def agent_ids(fld: str, values: object, cap: int) -> None:
        if not isinstance(values, tuple) or len(values) > cap:
            bad(fld, values, f"a tuple of at most {cap} agent IDs")
            return
        for a in values:
            if a not in agents:
                bad(fld, a, "a canonical agent ID (parse_scenario accepts other names)")

    if s.ild_agent is not None and s.ild_agent not in agents:
        bad("ild_agent", s.ild_agent, "a canonical agent ID")
    e = s.early_treatment
    if e is not None:
        if not isinstance(cast(object, e), EarlyTreatment):
            bad("early_treatment", e, "an EarlyTreatment")
        else:
            agent_ids("early_treatment.agents", e.agents, limit("max-agents-per-line"))
            end = day("early_treatment.her2_therapy_end", e.her2_therapy_end)
            if end and as_of and end > as_of:
                out.append(
                    Problem(
                        "early_treatment.her2_therapy_end",
                        end.isoformat(),
                        f"is after as_of ({as_of})",
                    )
                )
    lines = s.metastatic_lines
    if not isinstance(lines, tuple) or len(lines) > limit("max-metastatic-lines"):
        bad("metastatic_lines", lines, f"a tuple of at most {limit('max-metastatic-lines')} lines")
        return out
    for i, ml in enumerate(lines):
        path = f"metastatic_lines[{i}]"
        if not isinstance(cast(object, ml), MetastaticLine):
            bad(path, ml, "a MetastaticLine")
            continue
        agent_ids(f"{path}.agents", ml.agents, limit("max-agents-per-line"))
        if not ml.agents:
            bad(f"{path}.agents", ml.agents, "at least one agent per line")
        enum(f"{path}.stopped", ml.stopped, STOPPED_VALUES)
        if ml.stopped == "ongoing" and i != len(lines) - 1:
            out.append(
                Problem(f"{path}.stopped", ml.stopped, "only the most recent line can be 'ongoing'")
            )
        if ml.toxicity_agents and not set(ml.toxicity_agents) <= set(ml.agents):
            bad(f"{path}.toxicity_agents", ml.toxicity_agents, "agents of this line")
    return out
