"""The declared decision space: a deterministic sample of it passes every safety invariant,
and each invariant can fail (it is fed a deliberately wrong answer)."""

from __future__ import annotations

import dataclasses
import os

import pytest
from scenario_helpers import THP, scenario

from her2guide import Catalogue, parse_scenario, recommend
from her2guide._space import INVARIANTS, check_space, space_size

INV = {i.id: i for i in INVARIANTS}


def test_the_space_has_at_least_a_million_cells(cat: Catalogue) -> None:
    """The full space is at least 1,000,000 distinct scenarios (issue: decision-space check)."""
    assert space_size(cat) >= 1_000_000


# Like the hypothesis profiles (tests/conftest.py): the thorough sample when CI=true (.ci/run
# sets it), a quicker one for a local `make check`; `make check-space` runs the whole space.
SAMPLE = 50_000 if os.environ.get("CI") == "true" else 10_000


def test_a_deterministic_sample_has_no_violation() -> None:
    """50,000 deterministic cells in CI, 10,000 locally (plus the out-of-scope ones): zero
    violations, and the same decisions, byte for byte, when evaluated again in other
    processes."""
    first = check_space(sample=SAMPLE, seed=1, workers=2)
    assert first.cells >= SAMPLE
    assert first.violations == 0, first.examples
    again = check_space(sample=2_000, seed=1, workers=1)
    assert again.digest == check_space(sample=2_000, seed=1, workers=2).digest


def _wrong(rec: object, **changes: object) -> object:
    return dataclasses.replace(rec, **changes)  # type: ignore[type-var]


def test_INV_ILD_TDXD_catches_tdxd_preferred_after_ild(cat: Catalogue) -> None:
    """Fed an answer that prefers T-DXd despite pre-existing ILD, the invariant reports it."""
    s = parse_scenario(scenario(metastatic_lines=[{"agents": THP, "stopped": "progression"}]))
    good = recommend(s, cat)
    ild = dataclasses.replace(s, ild_history="preexisting")
    assert INV["INV-ILD-TDXD"].check(ild, good, cat) is not None  # good answer for no-ILD
    assert INV["INV-ILD-TDXD"].check(ild, recommend(ild, cat), cat) is None


def test_INV_LVEF_catches_her2_therapy_below_the_cut_off(cat: Catalogue) -> None:
    """The answer for LVEF 60 is wrong for LVEF 35."""
    s = parse_scenario(scenario())
    low = dataclasses.replace(s, lvef=35.0)
    assert INV["INV-LVEF"].check(low, recommend(s, cat), cat) is not None
    assert INV["INV-LVEF"].check(low, recommend(low, cat), cat) is None


def test_INV_LINE_catches_a_flat_line_count(cat: Catalogue) -> None:
    """Early relapse then one metastatic line is line 3; an answer saying 2 is caught."""
    s = parse_scenario(
        scenario(
            metastatic_diagnosis="2025-09-01",
            early_treatment={"agents": ["trastuzumab"], "her2_therapy_end": "2025-06-01"},
            metastatic_lines=[{"agents": ["T-DXd"], "stopped": "progression"}],
        )
    )
    rec = recommend(s, cat)
    assert INV["INV-LINE"].check(s, rec, cat) is None
    assert INV["INV-LINE"].check(s, dataclasses.replace(rec, line=2), cat) is not None


@pytest.mark.parametrize("inv", INVARIANTS, ids=[i.id for i in INVARIANTS])
def test_every_invariant_names_its_hazard(inv: object) -> None:
    """Each invariant has an ID and the clinical hazard it guards against."""
    assert inv.id.startswith("INV-")  # type: ignore[attr-defined]
    assert len(inv.hazard) > 20  # type: ignore[attr-defined]


def test_cli_check_space_last_line(capsys: pytest.CaptureFixture[str]) -> None:
    """`her2guide check-space --sample N` ends with 'N cells, K violations' and exits 0."""
    from her2guide.cli import main

    assert main(["check-space", "--sample", "500", "--workers", "1"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last == "509 cells, 0 violations"  # 500 sampled + 9 out-of-scope cells


def test_invariant_rules_exist() -> None:
    """Every rule an invariant names as its mitigation is a real rule ID."""
    from her2guide import RULES

    ids = {r.id for r in RULES}
    for inv in INVARIANTS:
        assert set(inv.rules) <= ids, inv.id
