"""The JSON Schema (draft 2020-12) of a scenario file, built from the field table."""

from __future__ import annotations

from typing import Any

from .._catalogue import Catalogue, load_catalogue
from .fields import FIELDS, REQUIRED_IN_SCOPE

__all__ = ["scenario_json_schema"]


def scenario_json_schema(catalogue: Catalogue | None = None) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file.

    ``her2`` and ``setting`` are always required; the fields the table marks ``in-scope`` are
    required too when the scenario is HER2-positive metastatic (the ``allOf`` condition), and
    the top-level description says so in words. Agent names list the canonical IDs as
    ``examples`` and every accepted spelling under ``x-accepted-names`` (matched without regard
    to case, spaces or hyphens), so a strict validator does not refuse a brand name the CLI
    accepts.

    Examples:
        >>> scenario_json_schema()["properties"]["her2"]["enum"]
        ['positive', 'low', 'ultralow', 'negative', 'unknown']
    """
    cat = catalogue or load_catalogue()  # the public edge: load here, pass down
    required_in_scope = list(REQUIRED_IN_SCOPE)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "her2guide scenario",
        "description": "Always required: her2 and setting. For a HER2-positive metastatic "
        f"scenario also required: {', '.join(required_in_scope)} (see allOf). Anything else is "
        "optional. Out-of-scope scenarios (HER2 not positive, or early disease) need only her2 "
        "and setting.",
        "type": "object",
        "additionalProperties": False,
        "required": [f.name for f in FIELDS if f.required == "always"],
        "properties": {f.name: f.schema(cat) for f in FIELDS},
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
