"""Clinical content of the monitoring rules, pinned against the label wording.

The expected fragments below are typed from the label, not copied from the data, so a
data edit that changes the clinical action fails here.
"""

from __future__ import annotations

import pytest

from her2guide import Catalogue

# ULN thresholds and actions as printed in the label (see the docstring of the test).
_BILIRUBIN_GRADES = {
    "tdm1-bilirubin-grade2": ("1.5", "3 × ULN", "same dose level"),
    "tdm1-bilirubin-grade3": ("3", "10 × ULN", "reduce one dose level"),
    "tdm1-bilirubin-grade4": ("10 × ULN", "10 × ULN", "Permanently discontinue"),
}


@pytest.mark.parametrize("rule_id", sorted(_BILIRUBIN_GRADES))
def test_tdm1_hyperbilirubinemia_action_per_grade(cat: Catalogue, rule_id: str) -> None:
    """T-DM1 hyperbilirubinemia in metastatic breast cancer, one rule per grade.

    Source: KADCYLA (ado-trastuzumab emtansine) US prescribing information, section 2.2
    Dose Modifications, Table 3 "Dose Modification Guidelines for Hyperbilirubinemia"
    (revised 02/2013): grade 2 (> 1.5 to ≤ 3 × ULN) "Do not administer KADCYLA until total
    bilirubin recovers to Grade ≤ 1, and then treat at same dose level"; grade 3 (> 3 to
    ≤ 10 × ULN) "... and then reduce one dose level"; grade 4 (> 10 × ULN) "Permanently
    discontinue KADCYLA".
    """
    rules = {r.id: r for r in cat.toxicity}
    assert rule_id in rules, f"missing monitoring rule {rule_id}"
    rule = rules[rule_id]
    low, high, action = _BILIRUBIN_GRADES[rule_id]
    assert rule.agent == "trastuzumab-emtansine"
    assert rule.topic == "hepatic"
    assert "bilirubin" in rule.condition.lower()
    assert low in rule.condition
    assert high in rule.condition
    assert action in rule.action


def test_tdm1_bilirubin_grade2_is_not_a_dose_reduction(cat: Catalogue) -> None:
    """Grade 2 resumes at the same dose (Kadcyla US label, Table 3); grades are never merged."""
    rules = {r.id: r for r in cat.toxicity}
    grade2 = rules["tdm1-bilirubin-grade2"]
    assert "reduce" not in grade2.action.lower().replace("no dose reduction", "")
    assert "grade 1 or less" in grade2.action
    assert "tdm1-bilirubin-grade2-3" not in rules
    bilirubin = [r for r in cat.toxicity if r.agent == "trastuzumab-emtansine" and "bilirubin" in r.condition.lower() and "transaminases" not in r.condition.lower()]  # fmt: skip
    assert sorted(r.id for r in bilirubin) == sorted(_BILIRUBIN_GRADES)
