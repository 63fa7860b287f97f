"""The clinician-reviewable scenario table (tests/scenarios.toml), one test per row.

The table has a schema: an unknown key fails, every in-scope row states the exact
``preferred`` set and a ``cite``, and ``rules`` names rule IDs that must have fired.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from her2guide import RULES, recommend
from her2guide._conformance import table_scenario

TABLE = tomllib.loads((Path(__file__).with_name("scenarios.toml")).read_text(encoding="utf-8"))
CASES: list[dict[str, Any]] = TABLE["case"]

ROW_KEYS = {
    "id": str,
    "scenario": dict,
    "cite": str,
    "judgement": str,
    "in_scope": bool,
    "line": int,
    "line_by_source": dict,
    "prior_metastatic_lines": int,
    "preferred": list,
    "preferred_includes": list,
    "preferred_excludes": list,
    "includes": list,
    "excludes": list,
    "alerts": list,
    "no_alerts": list,
    "rules": list,
    "tiers": dict,
}


def _scenario(case: dict[str, Any]) -> dict[str, Any]:
    return table_scenario(TABLE["defaults"], case)


def test_table_is_large_and_cited() -> None:
    """The table has at least 60 patients, unique IDs, and every row names its source."""
    assert len(CASES) >= 60
    assert all(c.get("cite", "").strip() for c in CASES)
    assert len({c["id"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_row_follows_the_schema(case: dict[str, Any]) -> None:
    """Only known keys with the right types; in-scope rows give the exact preferred set; rule IDs exist."""
    unknown = set(case) - set(ROW_KEYS)
    assert not unknown, f"unknown key(s) {sorted(unknown)}; allowed: {sorted(ROW_KEYS)}"
    for key, kind in ROW_KEYS.items():
        if key in case:
            assert isinstance(case[key], kind), f"{key} must be a {kind.__name__}"
    if case.get("in_scope", True):
        assert "preferred" in case, "in-scope rows state the exact preferred set"
    assert set(case.get("rules", [])) <= {r.id for r in RULES}


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case: dict[str, Any]) -> None:
    """Each row's expected line, preferred set, options, alerts and rules hold (see its `cite`)."""
    rec = recommend(_scenario(case))
    offered = {o.regimen for o in rec.options}
    preferred = set(rec.preferred)
    assert case.get("in_scope", True) == rec.in_scope, rec.scope_reason
    fired = {t.rule for t in rec.trace}
    assert set(case.get("rules", [])) <= fired, f"fired: {sorted(fired)}"
    if not rec.in_scope:
        assert rec.scope_reason
        assert rec.options == ()
        return
    if "line" in case:
        assert (case["line"] or None) == rec.line, rec.line_basis
    if "prior_metastatic_lines" in case:
        assert case["prior_metastatic_lines"] == rec.prior_metastatic_lines
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
    for regimen, tier in case.get("tiers", {}).items():
        option = rec.option(regimen)
        assert option is not None
        assert option.tier == tier, f"{regimen}: {option and option.tier}"
