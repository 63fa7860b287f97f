"""Issue 11, second verification pass: items that were left unverified and are now read.

Each expected value is typed from the source text quoted in the docstring (named by the
reference record's ID), not copied from the data:

- ``ontruzant-us-hcp``: the manufacturer's US dosing page prints
  "ONTRUZANT® (trastuzumab-dttb) for injection, for intravenous use 21 mg/mL".
- ``tukysa-us-label-copy-globalrph`` (a tier-B copy of the US label, Warnings and precautions,
  Diarrhea): "Prophylactic use of antidiarrheal treatment was not required on HER2CLIMB.
  If diarrhea occurs, administer antidiarrheal treatment as clinically indicated."
"""

from __future__ import annotations

import pytest

from her2guide import Catalogue, parse_scenario
from her2guide.cli import main

_BASE = {
    "her2": "positive",
    "setting": "metastatic",
    "as_of": "2026-06-01",
    "metastatic_diagnosis": "2026-05-01",
    "hormone_receptor": "negative",
    "brain_metastases": "none",
    "ild_history": "none",
    "pregnant": False,
}


@pytest.mark.parametrize("name", ["trastuzumab-dttb", "TRASTUZUMAB-DTTB", "Ontruzant"])
def test_ontruzant_us_proper_name_normalises_to_trastuzumab(name: str) -> None:
    """The US proper name printed on the Ontruzant US pages is accepted, in any case."""
    scenario = parse_scenario(
        {**_BASE, "metastatic_lines": [{"agents": [name], "stopped": "progression"}]}
    )
    assert ("trastuzumab",) == scenario.metastatic_lines[0].agents


def test_ontruzant_reference_quotes_the_us_proper_name(cat: Catalogue) -> None:
    """The record behind the synonym carries the manufacturer's words and its page."""
    ref = cat.references["ontruzant-us-hcp"]
    quotes = " ".join(ref.verified)
    assert "ONTRUZANT® (trastuzumab-dttb) for injection, for intravenous use 21 mg/mL" in quotes
    assert ref.url == "https://www.merckconnect.com/ontruzant/dosing-administration/"


def test_tucatinib_prophylaxis_rule_says_what_the_label_says(cat: Catalogue) -> None:
    """One tucatinib diarrhoea rule states that HER2CLIMB did not require prophylaxis and
    treats diarrhoea when it occurs; its source is named as a tier-B copy."""
    rules = [r for r in cat.toxicity if r.agent == "tucatinib" and r.topic == "diarrhoea"]
    prophylaxis = [r for r in rules if "prophylaxis" in r.condition.lower()]
    assert 1 == len(prophylaxis)
    rule = prophylaxis[0]
    assert "not required in HER2CLIMB" in rule.action
    assert "If diarrhoea occurs" in rule.action
    ref = cat.references[rule.reference]
    assert "tier-B" in ref.short
    assert "Prophylactic use of antidiarrheal treatment was not required on HER2CLIMB." in " ".join(
        ref.verified
    )


def test_dose_output_shows_the_tucatinib_prophylaxis_statement(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`her2guide dose` for the HER2CLIMB regimen prints the statement under its diarrhoea
    heading, before the grade 3 rule, with its source."""
    assert 0 == main(["dose", "tucatinib-trastuzumab-capecitabine", "--weight", "62"])
    out = capsys.readouterr().out
    section = out[out.index("Diarrhoea: prophylaxis and dose rules") :]
    assert "Antidiarrhoeal prophylaxis was not required in HER2CLIMB" in section
    assert section.index("not required in HER2CLIMB") < section.index("Grade 3 diarrhoea")
    assert "tier-B copy, GlobalRPh" in section


def test_neratinib_and_lapatinib_gaps_stay_listed(cat: Catalogue) -> None:
    """What this pass could not read from a label stays listed as not recorded."""
    from her2guide._practical import load_practical

    gaps = " ".join(
        item for topic, item in load_practical(cat).not_recorded if topic == "interactions"
    )
    assert "Neratinib with CYP3A4 inducers" in gaps
    assert "H2-receptor antagonists and antacids" in gaps
    assert "Lapatinib with QT-prolonging medicines" in gaps
