"""The engine's history phase is memoised by the fields it reads (issue 9, speed). A memoised
answer must be exactly the answer of running every rule on the real scenario, whatever the
process evaluated before, and the phase must not see any other field."""

from __future__ import annotations

import random

import pytest
from scenario_helpers import THP, scenario

import her2guide._engine as engine
from her2guide import Catalogue, parse_scenario, recommend
from her2guide._space import cells


def test_memoised_answers_equal_unmemoised_ones(
    cat: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    """3,000 cells of the declared space, each answered twice with the memo warm (in a shuffled
    order, so a later call starts from a snapshot an earlier one made), equal the answers of the
    unmemoised engine that runs the history rules on the real scenario."""
    sample = list(cells(cat, sample=3_000, seed=11))
    with monkeypatch.context() as m:
        m.setattr(engine, "_history_key", lambda s: s)
        m.setattr(engine, "_history_phase", engine._run_history_phase)
        reference = [recommend(s, cat) for s in sample]
    order = random.Random(5).sample(range(len(sample)), len(sample))
    for _ in range(2):
        for i in order:
            assert recommend(sample[i], cat) == reference[i], sample[i]
    assert engine._history_phase.cache_info().hits > 0


def test_the_history_phase_cannot_read_patient_fields() -> None:
    """A history rule that read, say, the LVEF would fail instead of being memoised wrongly."""
    key = tuple(None for _ in engine.HISTORY_FIELDS)
    view = engine._HistoryView(key)
    with pytest.raises(AttributeError):
        _ = view.lvef  # type: ignore[attr-defined]
    assert "lvef" not in engine.HISTORY_FIELDS
    assert "ild_history" not in engine.HISTORY_FIELDS


def test_later_rules_do_not_change_the_snapshot(cat: Catalogue) -> None:
    """The same history with LVEF 35 (every HER2 regimen capped) and then LVEF 60: the second
    answer still prefers T-DXd at line 2 (ASCO 2022 rec. 2.1), as when it runs alone."""
    base = scenario(metastatic_lines=[{"agents": THP, "stopped": "progression"}])
    low = parse_scenario({**base, "lvef": 35})
    ok = parse_scenario({**base, "lvef": 60})
    engine._history_phase.cache_clear()
    alone = recommend(ok, cat)
    engine._history_phase.cache_clear()
    recommend(low, cat)
    after = recommend(ok, cat)
    assert after == alone
    assert after.line == 2
    assert after.preferred == ("trastuzumab-deruxtecan",)
