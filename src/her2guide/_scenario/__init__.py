"""Patient scenarios: the strict records, the per-field parsers and the JSON Schema.

- :mod:`.values`: the closed vocabularies and ranges of the fields;
- :mod:`.model`: the frozen :class:`Scenario` and its strict checks, :class:`ScenarioError`;
- :mod:`.parsers`: the per-kind value parsers that collect problems;
- :mod:`.fields`: the field table (parser, allowed values, required-when, default, schema);
- :mod:`.parse`: :func:`parse_scenario` and :func:`load_scenario`, which walk the table;
- :mod:`.schema`: :func:`scenario_json_schema`, built from the same table.
"""

from .model import _MISSING, EarlyTreatment, MetastaticLine, Problem, Scenario, ScenarioError
from .parse import load_scenario, parse_scenario
from .parsers import _suggest
from .schema import scenario_json_schema
from .values import CRCL_RANGE, HEIGHT_RANGE, WEIGHT_RANGE

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
