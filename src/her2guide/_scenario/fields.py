"""The scenario fields as one table: for each field its parser, what it allows, when it is
required, the value a :class:`Scenario` gets when it is absent, and its JSON Schema.

:func:`~her2guide._scenario.parse.parse_scenario` walks :data:`FIELDS`;
:func:`~her2guide._scenario.schema.scenario_json_schema` builds the schema from the same rows,
so a field, its allowed values and its requirement are written once. Checks that relate two
fields (a date after ``as_of``) are in :data:`her2guide._scenario.parse.CHECKS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from .._catalogue import Catalogue, normalise_name
from .._limits import limit
from .model import _MISSING, EarlyTreatment, MetastaticLine
from .parsers import Collector
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

__all__ = ["EARLY_FIELDS", "FIELDS", "FIELD_NAMES", "LINE_FIELDS", "REQUIRED_IN_SCOPE", "Field"]

#: reads ``data[name]`` and returns the canonical value (``None``: absent or bad)
Parse = Callable[[Collector, Mapping[str, Any], str], Any]
#: the field's JSON Schema (agent names need the catalogue's accepted spellings)
Schema = Callable[[Catalogue], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Field:
    """One top-level scenario field."""

    name: str
    parse: Parse
    schema: Schema
    #: ``always``; ``in-scope`` (HER2-positive metastatic scenarios); or optional
    required: Literal["always", "in-scope", ""] = ""
    #: what the field allows, in the words of a missing-field problem
    allowed: str = ""
    #: the Scenario's value when the field is absent (or its value was bad)
    default: Any = None
    #: a null satisfies ``required`` (``metastatic_lines: null`` means no lines)
    null_ok: bool = False


# --------------------------------------------------------------------------- row builders


def _enum(
    name: str,
    values: tuple[str, ...],
    *,
    required: Literal["always", "in-scope", ""] = "",
    default: Any = None,
    description: str = "",
) -> Field:
    extra = {"description": description} if description else {}
    return Field(
        name,
        lambda c, data, fld: c.enum(data, fld, values),
        lambda cat: {"enum": list(values), **extra},
        required,
        " | ".join(values),
        default,
    )


def _date_schema(description: str) -> dict[str, Any]:
    return {
        "type": "string",
        "format": "date",
        "pattern": r"^\d{4}-\d{2}-\d{2}$",
        "description": description,
    }


def _date(name: str, description: str, required: Literal["in-scope", ""] = "") -> Field:
    return Field(
        name,
        lambda c, data, fld: c.date(data, fld),
        lambda cat: _date_schema(description),
        required,
    )


def _number(name: str, bounds: tuple[float, float], unit: str, description: str = "") -> Field:
    extra = {"description": description} if description else {}
    return Field(
        name,
        lambda c, data, fld: c.number(data, fld, bounds, unit),
        lambda cat: {"type": "number", "minimum": bounds[0], "maximum": bounds[1], **extra},
    )


def _boolean(name: str, description: str = "") -> Field:
    extra = {"description": description} if description else {}
    return Field(
        name, lambda c, data, fld: c.boolean(data, fld), lambda cat: {"type": "boolean", **extra}
    )


def _text(name: str) -> Field:
    return Field(name, _parse_text, lambda cat: {"type": "string"}, default="")


# --------------------------------------------------------------------------- nested fields

EARLY_FIELDS: Final = ("agents", "her2_therapy_end", "residual_disease")
LINE_FIELDS: Final = ("agents", "stopped", "toxicity_agents")


def accepted_names(cat: Catalogue) -> list[str]:
    """Every accepted agent spelling once (by its matching key), as the data writes it."""
    names: dict[str, str] = {}
    for a in cat.agents.values():
        for n in (a.name, *a.synonyms, a.id):
            names.setdefault(normalise_name(n), n)
    for n in cat.combinations:
        names.setdefault(normalise_name(n), n)
    return sorted(names.values(), key=str.casefold)


def _agents_schema(cat: Catalogue) -> dict[str, Any]:
    return {
        "type": "array",
        "items": {
            "type": "string",
            "maxLength": 200,
            "examples": sorted(cat.agents),
            "x-accepted-names": accepted_names(cat),
        },
        "minItems": 1,
        "maxItems": limit("max-agents-per-line"),
        "description": "agent IDs (listed under examples) or any accepted name under "
        "x-accepted-names: brand names, abbreviations and spellings, matched without regard to "
        "case, spaces or hyphens; an unknown name is an error that suggests the closest",
    }


def _parse_early(c: Collector, data: Mapping[str, Any], fld: str) -> EarlyTreatment | None:
    raw = data.get(fld)
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        c.add(fld, raw, "allowed: a mapping with agents, her2_therapy_end, residual_disease")
        return None
    c.unknown_keys(raw, EARLY_FIELDS, f"{fld}.")
    agents = c.agents(raw.get("agents", []), f"{fld}.agents")
    end = c.date(raw, "her2_therapy_end", f"{fld}.her2_therapy_end")
    resid = c.boolean(raw, "residual_disease", f"{fld}.residual_disease")
    return EarlyTreatment(agents=agents, her2_therapy_end=end, residual_disease=resid)


def _early_schema(cat: Catalogue) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "agents": _agents_schema(cat),
            "her2_therapy_end": _date_schema("last HER2-directed dose"),
            "residual_disease": {"type": "boolean"},
        },
    }


def _parse_lines(c: Collector, data: Mapping[str, Any], fld: str) -> tuple[MetastaticLine, ...]:
    raw_lines = data.get(fld, [])
    if raw_lines is None:
        raw_lines = []
    if not isinstance(raw_lines, list):
        c.add(fld, raw_lines, "allowed: a list (oldest first) of {agents, stopped}")
        raw_lines = []
    cap = limit("max-metastatic-lines")
    if len(raw_lines) > cap:
        c.add(
            fld,
            f"{len(raw_lines)} lines",
            f"allowed: at most {cap} lines for metastatic disease",
        )
        raw_lines = []
    lines: list[MetastaticLine] = []
    for i, raw in enumerate(raw_lines):
        path = f"{fld}[{i}]"
        if not isinstance(raw, Mapping):
            c.add(path, raw, "allowed: a mapping with agents and stopped")
            continue
        c.unknown_keys(raw, LINE_FIELDS, f"{path}.")
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
    return tuple(lines)


def _lines_schema(cat: Catalogue) -> dict[str, Any]:
    agents = _agents_schema(cat)
    return {
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
    }


def _ild_agent_schema(cat: Catalogue) -> dict[str, Any]:
    return {
        "type": "string",
        "description": "agent that caused a drug-induced ILD/pneumonitis (any accepted name)",
        "examples": sorted(cat.agents),
        "x-accepted-names": accepted_names(cat),
    }


def _medications_schema(cat: Catalogue) -> dict[str, Any]:
    return {
        "type": "array",
        "items": {"type": "string", "minLength": 1, "maxLength": MAX_MEDICATION_CHARS},
        "maxItems": MAX_MEDICATIONS,
        "description": "other medicines (any names); known ones are checked against the labels' interactions, unknown ones are reported",
    }


def _parse_ecog(c: Collector, data: Mapping[str, Any], fld: str) -> int | None:
    return c.ecog(data, fld)


def _ecog_schema(cat: Catalogue) -> dict[str, Any]:
    return {"enum": list(ECOG_VALUES), "description": "ECOG performance status"}


def _parse_pregnant(c: Collector, data: Mapping[str, Any], fld: str) -> bool | None:
    # unlike the other booleans, an explicit null is a bad value, not an absent field
    return c.boolean(data, fld, null_is_absent=False)


def _parse_text(c: Collector, data: Mapping[str, Any], fld: str) -> str | None:
    if fld not in data:
        return None
    value = data[fld]
    if not isinstance(value, str):
        c.add(fld, value, "allowed: text")
        return None
    cap = limit("max-text-chars")
    if len(value) > cap:
        c.add(fld, f"{len(value)} characters", f"allowed: up to {cap} characters")
        return None
    return value


# --------------------------------------------------------------------------- the table

#: Every top-level field, in the order of the schema (which the navigator form follows) and of
#: the unknown-field message.
FIELDS: Final[tuple[Field, ...]] = (
    _enum("her2", HER2_VALUES, required="always", description="positive = IHC 3+ or ISH-amplified"),
    _enum("setting", SETTING_VALUES, required="always"),
    _date("as_of", "evaluation date", required="in-scope"),
    _date("metastatic_diagnosis", "de novo diagnosis or recurrence", required="in-scope"),
    _enum("hormone_receptor", HR_VALUES, required="in-scope", default="unknown"),
    Field("early_treatment", _parse_early, _early_schema),
    Field("metastatic_lines", _parse_lines, _lines_schema, "in-scope", default=(), null_ok=True),
    _enum("brain_metastases", BRAIN_VALUES, required="in-scope", default="none"),
    _enum("ild_history", ILD_VALUES, required="in-scope", default="none"),
    Field("ild_agent", lambda c, data, fld: c.agent(data, fld), _ild_agent_schema),
    Field("ecog", _parse_ecog, _ecog_schema),
    _number("lvef", LVEF_RANGE, "percent"),
    Field("pregnant", _parse_pregnant, lambda cat: {"type": "boolean"}, "in-scope", default=False),
    _number("weight_kg", WEIGHT_RANGE, "kg"),
    _number("height_cm", HEIGHT_RANGE, "cm"),
    _boolean("low_disease_burden", "optional; HR+ options"),
    Field(
        "concomitant_medications",
        lambda c, data, fld: c.medications(data, fld),
        _medications_schema,
        default=(),
    ),
    Field(
        "hepatic_impairment",
        lambda c, data, fld: c.hepatic(data, fld),
        lambda cat: {
            "enum": list(HEPATIC_VALUES),
            "description": "Child-Pugh class of hepatic impairment (none if none)",
        },
    ),
    _number("creatinine_clearance_ml_min", CRCL_RANGE, "mL/min", "creatinine clearance, mL/min"),
    _text("name"),
    _text("notes"),
)

FIELD_NAMES: Final = tuple(f.name for f in FIELDS)
REQUIRED_IN_SCOPE: Final = tuple(f.name for f in FIELDS if f.required == "in-scope")
