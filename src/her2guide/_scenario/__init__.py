"""Patient scenarios: the strict records, the per-field parsers and the JSON Schema."""

from .model import (
    _MISSING,
    CRCL_RANGE,
    HEIGHT_RANGE,
    WEIGHT_RANGE,
    EarlyTreatment,
    MetastaticLine,
    Problem,
    Scenario,
    ScenarioError,
    _suggest,
    load_scenario,
    parse_scenario,
    scenario_json_schema,
)

__all__ = [
    "CRCL_RANGE",
    "HEIGHT_RANGE",
    "WEIGHT_RANGE",
    "_MISSING",
    "EarlyTreatment",
    "MetastaticLine",
    "Problem",
    "Scenario",
    "ScenarioError",
    "_suggest",
    "load_scenario",
    "parse_scenario",
    "scenario_json_schema",
]
