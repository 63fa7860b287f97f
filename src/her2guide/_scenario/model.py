"""Patient scenarios: parsing, validation and the JSON Schema.

The permissive layer (:func:`parse_scenario`) accepts dicts, YAML or JSON, brand names
and ISO date strings, and collects *every* problem before failing. The strict core
(:class:`Scenario`) is frozen and holds only canonical values.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import re
import reprlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Final, cast

from .._catalogue import Catalogue, load_catalogue, normalise_name
from .._input import InputError, limit, read_source

__all__ = [
    "EarlyTreatment",
    "MetastaticLine",
    "Problem",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "parse_scenario",
    "scenario_json_schema",
]

HER2_VALUES: Final = ("positive", "low", "ultralow", "negative", "unknown")
SETTING_VALUES: Final = ("metastatic", "early")
HR_VALUES: Final = ("positive", "negative", "unknown")
BRAIN_VALUES: Final = ("none", "stable", "active", "symptomatic", "unknown")
ILD_VALUES: Final = ("none", "preexisting", "drug_grade1", "drug_grade2_plus")
STOPPED_VALUES: Final = ("progression", "toxicity", "ongoing", "completed")
LVEF_RANGE: Final = (5.0, 90.0)
WEIGHT_RANGE: Final = (25.0, 300.0)
HEIGHT_RANGE: Final = (100.0, 230.0)
ECOG_VALUES: Final = (0, 1, 2, 3, 4)
#: Child-Pugh class for hepatic impairment ("none" = no hepatic impairment)
HEPATIC_VALUES: Final = ("none", "A", "B", "C", "unknown")
CRCL_RANGE: Final = (0.0, 250.0)
#: at most this many concomitant medicines, each up to this many characters
MAX_MEDICATIONS: Final = 50
MAX_MEDICATION_CHARS: Final = 200

_TOP_FIELDS: Final = (
    "her2",
    "setting",
    "as_of",
    "metastatic_diagnosis",
    "hormone_receptor",
    "early_treatment",
    "metastatic_lines",
    "brain_metastases",
    "ild_history",
    "ild_agent",
    "lvef",
    "ecog",
    "pregnant",
    "weight_kg",
    "height_cm",
    "low_disease_burden",
    "concomitant_medications",
    "hepatic_impairment",
    "creatinine_clearance_ml_min",
    "name",
    "notes",
)
_REQUIRED_IN_SCOPE: Final = (
    "as_of",
    "metastatic_diagnosis",
    "hormone_receptor",
    "metastatic_lines",
    "brain_metastases",
    "ild_history",
    "pregnant",
)
_EARLY_FIELDS: Final = ("agents", "her2_therapy_end", "residual_disease")
_LINE_FIELDS: Final = ("agents", "stopped", "toxicity_agents")


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
_ISO_DATE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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


# --------------------------------------------------------------------------- parsing


class _Collector:
    def __init__(self, catalogue: Catalogue) -> None:
        self.problems: list[Problem] = []
        self.cat = catalogue

    def add(self, fld: str, value: object, message: str) -> None:
        self.problems.append(Problem(fld, value, message))

    def enum(
        self, data: Mapping[str, Any], fld: str, allowed: tuple[str, ...], path: str | None = None
    ) -> str | None:
        if fld not in data:
            return None
        value = data[fld]
        if isinstance(value, str) and value.strip().lower() in allowed:
            return value.strip().lower()
        self.add(path or fld, value, "allowed: " + " | ".join(allowed))
        return None

    def date(self, data: Mapping[str, Any], fld: str, path: str | None = None) -> dt.date | None:
        path = path or fld
        if fld not in data or data[fld] is None:
            return None
        value = data[fld]
        day: dt.date | None = None
        if isinstance(value, dt.datetime):
            day = value.date()
        elif isinstance(value, dt.date):
            day = value
        elif isinstance(value, str) and _ISO_DATE.match(value.strip()):
            with contextlib.suppress(ValueError):  # e.g. 2026-02-30
                day = dt.date.fromisoformat(value.strip())
        if day is None:
            self.add(path, value, "allowed: a date written YYYY-MM-DD, e.g. 2025-03-14")
            return None
        lo, hi = limit("min-year"), limit("max-year")
        if not lo <= day.year <= hi:
            self.add(path, day.isoformat(), f"allowed: a date from {lo} to {hi}")
            return None
        return day

    def boolean(self, data: Mapping[str, Any], fld: str, path: str | None = None) -> bool | None:
        if fld not in data or (data[fld] is None and fld != "pregnant"):
            return None
        value = data[fld]
        if isinstance(value, bool):
            return value
        self.add(path or fld, value, "allowed: true | false")
        return None

    def number(
        self, data: Mapping[str, Any], fld: str, bounds: tuple[float, float], unit: str
    ) -> float | None:
        if fld not in data or data[fld] is None:
            return None
        value = data[fld]
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        if numeric and bounds[0] <= value <= bounds[1]:
            return float(value)
        self.add(fld, value, f"allowed: a number from {bounds[0]:g} to {bounds[1]:g} ({unit})")
        return None

    def agents(self, value: object, path: str) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.add(path, value, "allowed: a list of agent names, e.g. [trastuzumab, pertuzumab]")
            return ()
        cap = limit("max-agents-per-line")
        if len(value) > cap:
            self.add(path, f"{len(value)} agents", f"allowed: at most {cap} agents")
            return ()
        out: list[str] = []
        for i, name in enumerate(value):
            if not isinstance(name, str) or len(name) > 200:
                self.add(
                    f"{path}[{i}]", name, "allowed: an agent name (text, up to 200 characters)"
                )
                continue
            ids = self.cat.aliases.get(normalise_name(name))
            if ids is None:
                self.add(f"{path}[{i}]", name, "unknown agent; " + _suggest(name, self.cat))
                continue
            out.extend(i for i in ids if i not in out)
        return tuple(out)

    def agent(self, data: Mapping[str, Any], fld: str) -> str | None:
        if fld not in data or data[fld] is None:
            return None
        value = data[fld]
        if not isinstance(value, str):
            self.add(fld, value, "allowed: one agent name (text), e.g. trastuzumab-deruxtecan")
            return None
        ids = self.cat.aliases.get(normalise_name(value))
        if ids is None:
            self.add(fld, value, "unknown agent; " + _suggest(value, self.cat))
            return None
        if len(ids) != 1:
            self.add(fld, value, "names a combination; give the one agent: " + " | ".join(ids))
            return None
        return ids[0]

    def ecog(self, data: Mapping[str, Any], fld: str) -> int | None:
        if fld not in data or data[fld] is None:
            return None
        value = data[fld]
        if isinstance(value, int) and not isinstance(value, bool) and value in ECOG_VALUES:
            return value
        self.add(fld, value, "allowed: 0 | 1 | 2 | 3 | 4 (ECOG performance status)")
        return None

    def hepatic(self, data: Mapping[str, Any], fld: str) -> str | None:
        if fld not in data or data[fld] is None:
            return None
        value = data[fld]
        if isinstance(value, str):
            key = value.strip().lower().replace("_", "-").replace(" ", "-")
            key = key.removeprefix("child-pugh-").removeprefix("class-")
            for v in HEPATIC_VALUES:
                if key == v.lower():
                    return v
        self.add(
            fld,
            value,
            "allowed: none | A | B | C | unknown (Child-Pugh class; 'Child-Pugh B' is accepted)",
        )
        return None

    def medications(self, data: Mapping[str, Any], fld: str) -> tuple[str, ...]:
        if fld not in data or data[fld] is None:
            return ()
        value = data[fld]
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.add(
                fld, value, "allowed: a list of medicine names, e.g. [gemfibrozil, omeprazole]"
            )
            return ()
        if len(value) > MAX_MEDICATIONS:
            self.add(fld, f"{len(value)} names", f"allowed: at most {MAX_MEDICATIONS} names")
            return ()
        out: list[str] = []
        for i, name in enumerate(value):
            if not isinstance(name, str) or not name.strip() or len(name) > MAX_MEDICATION_CHARS:
                self.add(
                    f"{fld}[{i}]",
                    name,
                    f"allowed: a medicine name (text, 1 to {MAX_MEDICATION_CHARS} characters)",
                )
                continue
            if name.strip() not in out:
                out.append(name.strip())
        return tuple(out)

    def unknown_keys(self, data: Mapping[str, Any], allowed: tuple[str, ...], path: str) -> None:
        for key in data:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                name = str(key)[:60] if str(key).strip() else repr(key)
                self.add(
                    f"{path}{name}",
                    data[key],
                    f"unknown field; {hint}allowed: {', '.join(allowed)}",
                )


def _suggest(name: str, cat: Catalogue) -> str:
    display = {normalise_name(a.name): a.id for a in cat.agents.values()}
    keys = list(cat.aliases)
    close = difflib.get_close_matches(normalise_name(name), keys, n=3, cutoff=0.6)
    names: list[str] = []
    for key in close:
        for aid in cat.aliases[key]:
            if aid not in names:
                names.append(aid)
    if names:
        return "closest known: " + ", ".join(names)
    return "known agents: " + ", ".join(sorted(display.values()))


def parse_scenario(data: Mapping[str, Any], catalogue: Catalogue | None = None) -> Scenario:
    """Validate a scenario given as a mapping and return the strict :class:`Scenario`.

    Every problem is collected before failing, so one call reports them all.

    Raises:
        ScenarioError: with one :class:`Problem` per bad or missing field.

    Examples:
        >>> s = parse_scenario({
        ...     "her2": "positive", "setting": "metastatic", "as_of": "2026-01-10",
        ...     "metastatic_diagnosis": "2026-01-05", "hormone_receptor": "negative",
        ...     "metastatic_lines": [], "brain_metastases": "none",
        ...     "ild_history": "none", "pregnant": False,
        ...     "early_treatment": {"agents": ["Herceptin", "docetaxel"]},
        ... })
        >>> s.early_treatment.agents
        ('trastuzumab', 'docetaxel')
    """
    cat = catalogue or load_catalogue()
    c = _Collector(cat)
    if not isinstance(data, Mapping):
        raise ScenarioError(
            [Problem("(scenario)", data, "allowed: a mapping of field names to values")]
        )
    c.unknown_keys(data, _TOP_FIELDS, "")

    her2 = c.enum(data, "her2", HER2_VALUES)
    setting = c.enum(data, "setting", SETTING_VALUES)
    for fld in ("her2", "setting"):
        if fld not in data:
            allowed = HER2_VALUES if fld == "her2" else SETTING_VALUES
            c.add(fld, _MISSING, "required; allowed: " + " | ".join(allowed))
    in_scope = her2 == "positive" and setting == "metastatic"
    if in_scope:
        for fld in _REQUIRED_IN_SCOPE:
            if fld not in data:
                c.add(fld, _MISSING, "required for HER2-positive metastatic scenarios")
            elif data[fld] is None and fld != "metastatic_lines":
                c.add(
                    fld,
                    None,
                    "required for HER2-positive metastatic scenarios; null is not a value",
                )

    as_of = c.date(data, "as_of")
    met_dx = c.date(data, "metastatic_diagnosis")
    hr = c.enum(data, "hormone_receptor", HR_VALUES)
    brain = c.enum(data, "brain_metastases", BRAIN_VALUES)
    ild = c.enum(data, "ild_history", ILD_VALUES)
    lvef = c.number(data, "lvef", LVEF_RANGE, "percent")
    weight = c.number(data, "weight_kg", WEIGHT_RANGE, "kg")
    height = c.number(data, "height_cm", HEIGHT_RANGE, "cm")
    pregnant = c.boolean(data, "pregnant")
    low_burden = c.boolean(data, "low_disease_burden")
    ild_agent = c.agent(data, "ild_agent")
    ecog = c.ecog(data, "ecog")
    meds = c.medications(data, "concomitant_medications")
    hepatic = c.hepatic(data, "hepatic_impairment")
    crcl = c.number(data, "creatinine_clearance_ml_min", CRCL_RANGE, "mL/min")
    if ild_agent is not None and ild not in ("drug_grade1", "drug_grade2_plus"):
        c.add(
            "ild_agent",
            ild_agent,
            "only with ild_history drug_grade1 | drug_grade2_plus (the agent that caused it)",
        )

    early: EarlyTreatment | None = None
    raw_early = data.get("early_treatment")
    if raw_early is not None:
        if isinstance(raw_early, Mapping):
            c.unknown_keys(raw_early, _EARLY_FIELDS, "early_treatment.")
            agents = c.agents(raw_early.get("agents", []), "early_treatment.agents")
            end = c.date(raw_early, "her2_therapy_end", "early_treatment.her2_therapy_end")
            resid = c.boolean(raw_early, "residual_disease", "early_treatment.residual_disease")
            early = EarlyTreatment(agents=agents, her2_therapy_end=end, residual_disease=resid)
            if end and as_of and end > as_of:
                c.add("early_treatment.her2_therapy_end", str(end), f"is after as_of ({as_of})")
        else:
            c.add(
                "early_treatment",
                raw_early,
                "allowed: a mapping with agents, her2_therapy_end, residual_disease",
            )

    lines: list[MetastaticLine] = []
    raw_lines = data.get("metastatic_lines", [])
    if raw_lines is None:
        raw_lines = []
    if not isinstance(raw_lines, list):
        c.add("metastatic_lines", raw_lines, "allowed: a list (oldest first) of {agents, stopped}")
        raw_lines = []
    if len(raw_lines) > limit("max-metastatic-lines"):
        c.add(
            "metastatic_lines",
            f"{len(raw_lines)} lines",
            f"allowed: at most {limit('max-metastatic-lines')} lines for metastatic disease",
        )
        raw_lines = []
    for i, raw in enumerate(raw_lines):
        path = f"metastatic_lines[{i}]"
        if not isinstance(raw, Mapping):
            c.add(path, raw, "allowed: a mapping with agents and stopped")
            continue
        c.unknown_keys(raw, _LINE_FIELDS, f"{path}.")
        agents = c.agents(raw.get("agents", _MISSING), f"{path}.agents")
        if raw.get("agents") == [] or (raw.get("agents") is None and "agents" in raw):
            c.add(f"{path}.agents", raw.get("agents"), "allowed: at least one agent per line")
        if "stopped" not in raw:
            c.add(f"{path}.stopped", _MISSING, "required; allowed: " + " | ".join(STOPPED_VALUES))
            continue
        stopped = c.enum(raw, "stopped", STOPPED_VALUES, f"{path}.stopped")
        if stopped is None:
            continue
        if stopped == "ongoing" and i != len(raw_lines) - 1:
            c.add(f"{path}.stopped", stopped, "only the most recent line can be 'ongoing'")
        tox: tuple[str, ...] = ()
        if raw.get("toxicity_agents") is not None:
            tox = c.agents(raw["toxicity_agents"], f"{path}.toxicity_agents")
            if stopped != "toxicity":
                c.add(f"{path}.toxicity_agents", list(tox), "only with stopped: toxicity")
            elif not set(tox) <= set(agents):
                c.add(
                    f"{path}.toxicity_agents",
                    list(tox),
                    "allowed: agents of this line: " + ", ".join(agents),
                )
        lines.append(MetastaticLine(agents=agents, stopped=stopped, toxicity_agents=tox))

    if met_dx and as_of and met_dx > as_of:
        c.add("metastatic_diagnosis", str(met_dx), f"is after as_of ({as_of})")
    name = data.get("name", "")
    notes = data.get("notes", "")
    for fld, value in (("name", name), ("notes", notes)):
        if not isinstance(value, str):
            c.add(fld, value, "allowed: text")
        elif len(value) > limit("max-text-chars"):
            c.add(
                fld,
                f"{len(value)} characters",
                f"allowed: up to {limit('max-text-chars')} characters",
            )

    if c.problems or her2 is None or setting is None:
        raise ScenarioError(c.problems)
    return Scenario(
        her2=her2,
        setting=setting,
        as_of=as_of,
        metastatic_diagnosis=met_dx,
        hormone_receptor=hr or "unknown",
        early_treatment=early,
        metastatic_lines=tuple(lines),
        brain_metastases=brain or "none",
        ild_history=ild or "none",
        ild_agent=ild_agent,
        lvef=lvef,
        ecog=ecog,
        pregnant=bool(pregnant),
        weight_kg=weight,
        height_cm=height,
        low_disease_burden=low_burden,
        concomitant_medications=meds,
        hepatic_impairment=hepatic,
        creatinine_clearance_ml_min=crcl,
        name=str(name),
        notes=str(notes),
    )


def load_scenario(
    path: str | Path,
    catalogue: Catalogue | None = None,
    *,
    as_of: dt.date | None = None,
    default_as_of: dt.date | None = None,
    stdin: IO[bytes] | None = None,
) -> Scenario:
    """Read a YAML or JSON scenario file (``-``: standard input) and validate it.

    ``as_of``, when given, replaces the file's evaluation date *before* validation, so a date
    before the diagnosis is reported like any other bad value; ``default_as_of`` is used
    only when the file has no ``as_of`` key (an explicit null stays an error).

    Raises:
        ScenarioError: the file cannot be read or parsed (field ``(file)``), or is invalid.
    """
    try:
        _, data = read_source(path, stdin)
    except InputError as exc:
        shown = "(stdin)" if str(path) == "-" else str(path)
        raise ScenarioError([Problem("(file)", shown, str(exc))]) from None
    if as_of is not None and isinstance(data, Mapping):
        data = {**data, "as_of": as_of}
    elif default_as_of is not None and isinstance(data, Mapping) and "as_of" not in data:
        data = {**data, "as_of": default_as_of}
    return parse_scenario(data, catalogue)


# --------------------------------------------------------------------------- JSON Schema


def _accepted_names(cat: Catalogue) -> list[str]:
    """Every accepted agent spelling once (by its matching key), as the data writes it."""
    names: dict[str, str] = {}
    for a in cat.agents.values():
        for n in (a.name, *a.synonyms, a.id):
            names.setdefault(normalise_name(n), n)
    for n in cat.combinations:
        names.setdefault(normalise_name(n), n)
    return sorted(names.values(), key=str.casefold)


def scenario_json_schema(catalogue: Catalogue | None = None) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file.

    ``her2`` and ``setting`` are always required; the fields in ``_REQUIRED_IN_SCOPE`` are
    required too when the scenario is HER2-positive metastatic (the ``allOf`` condition), and
    the top-level description says so in words. Agent names list the canonical IDs as
    ``examples`` and every accepted spelling under ``x-accepted-names`` (matched without regard
    to case, spaces or hyphens), so a strict validator does not refuse a brand name the CLI
    accepts.

    Examples:
        >>> scenario_json_schema()["properties"]["her2"]["enum"]
        ['positive', 'low', 'ultralow', 'negative', 'unknown']
    """
    cat = catalogue or load_catalogue()
    required_in_scope = list(_REQUIRED_IN_SCOPE)
    date = {
        "type": "string",
        "format": "date",
        "pattern": r"^\d{4}-\d{2}-\d{2}$",
        "description": f"YYYY-MM-DD, from {limit('min-year')} to {limit('max-year')}",
    }
    agents = {
        "type": "array",
        "items": {
            "type": "string",
            "maxLength": 200,
            "examples": sorted(cat.agents),
            "x-accepted-names": _accepted_names(cat),
        },
        "minItems": 1,
        "maxItems": limit("max-agents-per-line"),
        "description": "agent IDs (listed under examples) or any accepted name under "
        "x-accepted-names: brand names, abbreviations and spellings, matched without regard to "
        "case, spaces or hyphens; an unknown name is an error that suggests the closest",
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "her2guide scenario",
        "description": "Always required: her2 and setting. For a HER2-positive metastatic "
        f"scenario also required: {', '.join(required_in_scope)} (see allOf). Anything else is "
        "optional. Out-of-scope scenarios (HER2 not positive, or early disease) need only her2 "
        "and setting.",
        "type": "object",
        "additionalProperties": False,
        "required": ["her2", "setting"],
        "properties": {
            "her2": {
                "enum": list(HER2_VALUES),
                "description": "positive = IHC 3+ or ISH-amplified",
            },
            "setting": {"enum": list(SETTING_VALUES)},
            "as_of": {**date, "description": "evaluation date"},
            "metastatic_diagnosis": {**date, "description": "de novo diagnosis or recurrence"},
            "hormone_receptor": {"enum": list(HR_VALUES)},
            "early_treatment": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "agents": agents,
                    "her2_therapy_end": {**date, "description": "last HER2-directed dose"},
                    "residual_disease": {"type": "boolean"},
                },
            },
            "metastatic_lines": {
                "type": "array",
                "description": "oldest first",
                "maxItems": limit("max-metastatic-lines"),
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["agents", "stopped"],
                    "properties": {
                        "agents": agents,
                        "stopped": {"enum": list(STOPPED_VALUES)},
                        "toxicity_agents": {
                            **agents,
                            "description": "with stopped: toxicity, the agents that caused it",
                        },
                    },
                },
            },
            "brain_metastases": {"enum": list(BRAIN_VALUES)},
            "ild_history": {"enum": list(ILD_VALUES)},
            "ild_agent": {
                "type": "string",
                "description": "agent that caused a drug-induced ILD/pneumonitis (any accepted name)",
                "examples": sorted(cat.agents),
                "x-accepted-names": _accepted_names(cat),
            },
            "ecog": {"enum": list(ECOG_VALUES), "description": "ECOG performance status"},
            "lvef": {"type": "number", "minimum": LVEF_RANGE[0], "maximum": LVEF_RANGE[1]},
            "pregnant": {"type": "boolean"},
            "weight_kg": {"type": "number", "minimum": WEIGHT_RANGE[0], "maximum": WEIGHT_RANGE[1]},
            "height_cm": {"type": "number", "minimum": HEIGHT_RANGE[0], "maximum": HEIGHT_RANGE[1]},
            "low_disease_burden": {"type": "boolean", "description": "optional; HR+ options"},
            "concomitant_medications": {
                "type": "array",
                "items": {"type": "string", "minLength": 1, "maxLength": MAX_MEDICATION_CHARS},
                "maxItems": MAX_MEDICATIONS,
                "description": "other medicines (any names); known ones are checked against the labels' interactions, unknown ones are reported",
            },
            "hepatic_impairment": {
                "enum": list(HEPATIC_VALUES),
                "description": "Child-Pugh class of hepatic impairment (none if none)",
            },
            "creatinine_clearance_ml_min": {
                "type": "number",
                "minimum": CRCL_RANGE[0],
                "maximum": CRCL_RANGE[1],
                "description": "creatinine clearance, mL/min",
            },
            "name": {"type": "string"},
            "notes": {"type": "string"},
        },
        "allOf": [
            {
                "if": {
                    "properties": {
                        "her2": {"const": "positive"},
                        "setting": {"const": "metastatic"},
                    }
                },
                "then": {"required": required_in_scope},
            }
        ],
    }
