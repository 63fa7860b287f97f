"""The answer first (issue 15): scenario summary cards and the home page's short answers.

Expected values come from the sources the notebooks cite, not from the code under test:
ASCO 2022 rec. 5.0 (relapse within 12 months of HER2-directed therapy → second line),
rec. 2.1 (T-DXd second line for patients who have not received it) and KATHERINE
(adjuvant T-DM1; no trial of T-DM1 again on early relapse).
"""

from __future__ import annotations

import re

import nbformat
import pytest

from her2guide import load_catalogue, recommend
from her2guide._site import Page, RenderError
from her2guide._site.answers import CASES
from her2guide._site.notebook_markdown import notebook_to_markdown, summary_card


def _answer(line: int | None, preferred: list[str], alerts: list[str]) -> dict[str, object]:
    return {
        "in_scope": True,
        "line": line,
        "line_by_source": {},
        "preferred": preferred,
        "alerts": alerts,
    }


def _notebook() -> nbformat.NotebookNode:
    """A notebook as the executor leaves it: one recommendation, then one comparison."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["her2guide"] = {"patient": "HR-negative; relapse 3 months after trastuzumab."}
    rec_out = nbformat.v4.new_output(
        "display_data",
        data={"text/markdown": "**Line 2** …long report…"},
        metadata={
            "text/markdown": {
                "her2guide": {
                    "rules": ["LINE-EARLY-RELAPSE"],
                    "answer": _answer(2, ["trastuzumab-deruxtecan"], []),
                }
            }
        },
    )
    variants = [
        {"label": "as above", **_answer(2, ["trastuzumab-deruxtecan"], [])},
        {"label": "after adjuvant T-DXd", **_answer(2, [], ["evidence-gap"])},
    ]
    cmp_out = nbformat.v4.new_output(
        "display_data",
        data={"text/markdown": "| Scenario | … |"},
        metadata={"text/markdown": {"her2guide": {"rules": [], "variants": variants}}},
    )
    nb.cells = [
        nbformat.v4.new_markdown_cell("# A title\n\nThe story."),
        nbformat.v4.new_code_cell("rec", outputs=[rec_out]),
        nbformat.v4.new_code_cell("Compare(...)", outputs=[cmp_out]),
    ]
    return nb  # type: ignore[no-any-return]


def test_summary_card_states_patient_answer_and_what_changes_it() -> None:
    """The card names the patient, the first displayed answer, and each comparison row whose
    answer differs (a row with the same answer is not a change)."""
    expected = "\n".join(
        [
            '!!! abstract h2g-summary "In brief"',
            "",
            "    **Patient:** HR-negative; relapse 3 months after trastuzumab.",
            "",
            "    **Answer:** line 2 · preferred: **T-DXd**",
            "",
            "    **What would change it:**",
            "",
            "    - *after adjuvant T-DXd*: line 2 · preferred: none · alerts: `evidence-gap`",
        ]
    )
    assert expected == summary_card(_notebook(), load_catalogue())


def test_scenario_page_opens_with_the_card_and_folds_the_full_report() -> None:
    """The card comes straight after the title, before the run-this-notebook note; the long
    recommendation report sits in a closed <details>; the comparison table stays open."""
    _, markdown, _ = notebook_to_markdown(_notebook(), "01-x", load_catalogue())
    assert markdown.index("In brief") < markdown.index("Download this notebook")
    assert markdown.index("# A title") < markdown.index("In brief")
    report = markdown.index("…long report…")
    assert markdown.rfind("<details", 0, report) > markdown.rfind("</details>", 0, report)
    assert "<details" not in markdown[markdown.index("| Scenario | … |") - 80 :]


def test_summary_card_is_empty_without_a_recommendation() -> None:
    """A notebook that displays no recommendation gets no card (and no made-up answer)."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Only prose")]
    assert summary_card(nb, load_catalogue()) == ""


def test_residual_disease_after_adjuvant_tdm1_is_tdxd_second_line_without_tdm1() -> None:
    """Adjuvant T-DM1, relapse 3 months later: second line (ASCO 2022 rec. 5.0), T-DXd
    preferred (rec. 2.1), T-DM1 not preferred (KATHERINE tested it once, as adjuvant)."""
    rec = recommend(CASES["residual-adjuvant-tdm1"].scenario)
    assert rec.line == 2
    assert rec.preferred == ("trastuzumab-deruxtecan",)
    tdm1 = rec.option("trastuzumab-emtansine")
    assert tdm1 is None or tdm1.tier != "preferred"


def test_residual_disease_after_adjuvant_tdxd_prefers_nothing() -> None:
    """After adjuvant T-DXd, ASCO rec. 2.1 (patients who have not had T-DXd) no longer fits
    and no trial studied what follows: nothing preferred, and the gap is said."""
    rec = recommend(CASES["residual-adjuvant-tdxd"].scenario)
    assert rec.preferred == ()
    assert "evidence-gap" in rec.alert_codes


def test_residual_disease_without_the_interval_sets_no_line() -> None:
    """Without the date of the last trastuzumab dose the sources' windows cannot be applied."""
    rec = recommend(CASES["residual-interval-unknown"].scenario)
    assert rec.line is None
    assert "missing-information" in rec.alert_codes


def test_home_short_answer_placeholder_renders_the_engine_answer() -> None:
    """``{{ short_answer("residual-adjuvant-tdm1") }}`` on the home page reads line 2, T-DXd."""
    text = Page("index.md", load_catalogue()).expand('{{ short_answer("residual-adjuvant-tdm1") }}')
    assert text.startswith("**line 2** · preferred: **T-DXd** · T-DM1: ")
    assert "T-DM1: preferred" not in text


def test_unknown_short_answer_case_names_the_known_ones() -> None:
    """A misspelt case is a build error that lists the cases that exist."""
    with pytest.raises(RenderError, match="residual-adjuvant-tdm1"):
        Page("index.md", load_catalogue()).expand('{{ short_answer("residual-adjuvant-tmd1") }}')


def test_scenario_link_degrades_to_text_without_rendered_notebooks() -> None:
    """Without rendered notebooks the home page still builds (--strict): plain text."""
    assert (
        Page("index.md", load_catalogue()).expand('{{ scenario_link("01-seed-question", "x") }}')
        == "*x*"
    )


def test_flowchart_shows_each_sources_relapse_window_and_links_every_node() -> None:
    """The clinical flowchart carries the windows as the sources set them (ASCO 2022 rec.
    5.0: 12 months; NCCN: 6 months, 12 after pertuzumab; FDA label: 6 months), names the
    drugs at each line, and every node links to a rule section that exists."""
    from her2guide import RULES, load_catalogue
    from her2guide._site.flowchart import flowchart_svg, flowchart_text

    cat = load_catalogue()
    svg = flowchart_svg(cat)
    text = flowchart_text(cat)
    for both in (svg, text):
        assert "ASCO 2022: ≤ 12 months" in both
        assert "NCCN: ≤ 6 months (≤ 12 months after pertuzumab)" in both
        assert "FDA label: ≤ 6 months" in both
        assert "Preferred: THP, T-DXd + P" in both  # ASCO 2022 rec. 1.1; FDA label 1L
        assert "Preferred: T-DXd" in both  # ASCO 2022 rec. 2.1
    anchors = {r.anchor for r in RULES}
    linked = set(re.findall(r'href="#([a-z0-9-]+)"', svg))
    assert linked, "no node links to a rule"
    assert linked <= anchors
    for rule in ("cns-active", "ild-preexisting", "cardio-lvef-below-50", "safety-pregnancy"):
        assert rule in linked  # the modifiers are branches of their own
        assert f"(#{rule})" in text
