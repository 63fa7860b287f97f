"""The scenario field table (``her2guide._scenario.fields``): the parser, the errors and the
JSON Schema read the same rows, and the contract's fields are all there (issue 13)."""

from __future__ import annotations

import pytest
from scenario_helpers import scenario

from her2guide import ScenarioError, parse_scenario, scenario_json_schema
from her2guide._scenario.fields import FIELD_NAMES

#: the scenario fields of the public contract (DESIGN.md, "Scenario (input)")
CONTRACT = (
    "her2", "setting", "as_of", "metastatic_diagnosis", "hormone_receptor", "early_treatment",
    "metastatic_lines", "brain_metastases", "ild_history", "lvef", "pregnant", "weight_kg",
    "height_cm", "ild_agent", "ecog",
)  # fmt: skip
#: what a HER2-positive metastatic scenario must give (DESIGN.md: the engine requires as_of;
#: data/limits.toml and the CLI's schema text name the rest)
REQUIRED_IN_SCOPE = (
    "as_of", "metastatic_diagnosis", "hormone_receptor", "metastatic_lines",
    "brain_metastases", "ild_history", "pregnant",
)  # fmt: skip


def _problems(data: dict[str, object]) -> list[str]:
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(data)
    return [str(p) for p in exc.value.problems]


def test_every_contract_field_has_a_row() -> None:
    """No field of the public contract is missing from the table (or renamed)."""
    assert [f for f in CONTRACT if f not in FIELD_NAMES] == []


def test_schema_lists_exactly_the_rows_in_their_order() -> None:
    """The schema's properties are the table's rows, in the table's order."""
    assert list(FIELD_NAMES) == list(scenario_json_schema()["properties"])


@pytest.mark.parametrize("field", REQUIRED_IN_SCOPE)
def test_required_in_scope_fields_are_named_when_missing(field: str) -> None:
    """Each in-scope requirement is checked by the parser and stated by the schema."""
    assert [f"{field}: (missing) — required for HER2-positive metastatic scenarios"] == (
        _problems(scenario(**{field: ...}))
    )
    assert field in scenario_json_schema()["allOf"][0]["then"]["required"]


def test_her2_and_setting_are_always_required() -> None:
    """Out of scope, only her2 and setting are required; missing, they say what is allowed."""
    assert scenario_json_schema()["required"] == ["her2", "setting"]
    assert _problems({}) == [
        "her2: (missing) — required; allowed: positive | low | ultralow | negative | unknown",
        "setting: (missing) — required; allowed: metastatic | early",
    ]


ENUMS = [k for k, v in scenario_json_schema()["properties"].items() if "enum" in v]


def test_enum_fields_are_the_contract_vocabularies() -> None:
    """The fields with a closed set of values (so the next test is not vacuous)."""
    assert ENUMS == [
        "her2", "setting", "hormone_receptor", "brain_metastases", "ild_history", "ecog",
        "hepatic_impairment",
    ]  # fmt: skip


@pytest.mark.parametrize("field", ENUMS)
def test_an_enum_error_lists_the_schema_enum(field: str) -> None:
    """For every field whose schema is an enum, a bad value's error lists those values."""
    spec = scenario_json_schema()["properties"][field]
    (problem,) = _problems(scenario(**{field: "zzz"}))
    assert problem.startswith(f"{field}: 'zzz' — allowed: ")
    assert " | ".join(str(v) for v in spec["enum"]) in problem


def test_cross_field_checks() -> None:
    """The checks that relate two fields run after every field: the agent of an ILD needs a
    drug-induced ILD, and no date may be after as_of."""
    assert _problems(
        scenario(
            ild_agent="T-DXd",
            early_treatment={"agents": ["trastuzumab"], "her2_therapy_end": "2026-12-01"},
            metastatic_diagnosis="2026-11-30",
        )
    ) == [
        "ild_agent: 'trastuzumab-deruxtecan' — only with ild_history drug_grade1 | "
        "drug_grade2_plus (the agent that caused it)",
        "early_treatment.her2_therapy_end: '2026-12-01' — is after as_of (2026-11-23)",
        "metastatic_diagnosis: '2026-11-30' — is after as_of (2026-11-23)",
    ]
