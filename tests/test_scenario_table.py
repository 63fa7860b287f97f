"""The clinician-reviewable scenario table (tests/scenarios.toml), one test per row."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from her2guide import recommend

TABLE = tomllib.loads((Path(__file__).with_name("scenarios.toml")).read_text(encoding="utf-8"))
CASES: list[dict[str, Any]] = TABLE["case"]


def _scenario(case: dict[str, Any]) -> dict[str, Any]:
    data = dict(TABLE["defaults"])
    for key, value in case.get("scenario", {}).items():
        if value == "__omit__":
            data.pop(key, None)
        else:
            data[key] = value
    return data


def test_table_is_large_and_cited() -> None:
    """The table has at least 30 patients and every row names its source."""
    assert len(CASES) >= 30
    assert all(c.get("cite", "").strip() for c in CASES)
    assert len({c["id"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case: dict[str, Any]) -> None:
    """Each row's expected line, preferred set, options and alerts hold (see its `cite`)."""
    rec = recommend(_scenario(case))
    offered = {o.regimen for o in rec.options}
    preferred = set(rec.preferred)
    assert case.get("in_scope", True) == rec.in_scope, rec.scope_reason
    if not rec.in_scope:
        assert rec.scope_reason
        assert rec.options == ()
        return
    if "line" in case:
        assert (case["line"] or None) == rec.line, rec.line_basis
    if "preferred" in case:
        assert set(case["preferred"]) == preferred
    assert set(case.get("preferred_includes", [])) <= preferred
    assert not set(case.get("preferred_excludes", [])) & preferred
    assert set(case.get("includes", [])) <= offered, f"offered: {sorted(offered)}"
    assert not set(case.get("excludes", [])) & offered
    assert set(case.get("alerts", [])) <= set(rec.alert_codes), rec.alert_codes
    assert not set(case.get("no_alerts", [])) & set(rec.alert_codes)
    if "line_by_source" in case:
        assert case["line_by_source"] == rec.line_by_source
