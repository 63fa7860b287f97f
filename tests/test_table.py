"""The published decision table (``her2guide._table``): its dimensions come from the data,
every class of a history is in its chunk, and a class's answer is what the clinician-reviewed
scenario table expects for it."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from her2guide import _table, load_catalogue
from her2guide._site.decision_table import form_html

ROOT = Path(__file__).resolve().parents[1]
ROWS = {
    c["id"]: c
    for c in tomllib.loads((ROOT / "tests" / "scenarios.toml").read_text("utf-8"))["case"]
}


def test_numeric_dimensions_are_one_value_per_band_of_the_data() -> None:
    """LVEF bands follow the data's cut-offs (alert codes lvef-below-40 and lvef-below-50);
    relapse bands follow the sources' windows (NCCN/labels 6 months, ASCO 2022 12 months)."""
    dims = {d.key: d for d in _table.dimensions()}
    assert [label for label, _ in dims["lvef"].values] == [
        "not known",
        "≥ 50%",
        "40% to under 50%",
        "under 40%",
    ]
    assert [label for label, _ in dims["interval"].values] == [
        "date of last HER2 dose not known",
        "during (neo)adjuvant therapy",
        "≤ 6 months after the last dose",
        "6–12 months after",
        "> 12 months after",
    ]
    # each categorical value of the public contract is kept
    assert [v for _, v in dims["brain_metastases"].values] == [
        "none", "stable", "active", "symptomatic", "unknown",
    ]  # fmt: skip
    assert [v for _, v in dims["hormone_receptor"].values] == ["positive", "negative", "unknown"]


def test_de_novo_class_gets_the_answer_the_scenario_table_expects() -> None:
    """Row de-novo (ASCO 2022 rec. 1.1; FDA T-DXd + pertuzumab first line): no metastatic
    line, HR-negative, no brain metastases, no ILD, LVEF ≥ 50%, ECOG not given, no early
    therapy → line 1, exactly THP and T-DXd + pertuzumab preferred."""
    dims = _table.dimensions()
    chunk = json.loads(_table._evaluate_history(0))
    sizes = [len(d.values) for d in dims[1:6]]
    combos = 1 + (len(dims[6].values) - 1) * len(dims[7].values)
    assert len(chunk["cells"]) == sizes[0] * sizes[1] * sizes[2] * sizes[3] * sizes[4] * combos
    hr, brain, ild, lvef, ecog = 1, 0, 0, 1, 0  # negative, none, none, ≥ 50%, not given
    index = (((hr * sizes[1] + brain) * sizes[2] + ild) * sizes[3] + lvef) * sizes[4] + ecog
    answer = chunk["answers"][chunk["cells"][index * combos + 0]]
    row = ROWS["de-novo"]
    assert answer[0] == row["line"]
    assert sorted(answer[1]) == sorted(row["preferred"])
    assert set(row["alerts"]) <= set(answer[4])
    # the rules fired for this class are among those listed for its answer group
    assert set(row["rules"]) <= set(answer[6]) | set(answer[7])


def test_form_has_one_labelled_select_per_dimension() -> None:
    """Every filter is a native select with its own label (keyboard- and screen-reader-usable)."""
    html = form_html("t/", "algorithm.html", "t.js", ["t/index.json"], load_catalogue())
    ids = re.findall(r'<select id="([^"]+)"', html)
    assert len(ids) == len(_table.dimensions())
    for i in ids:
        assert f'<label for="{i}">' in html
