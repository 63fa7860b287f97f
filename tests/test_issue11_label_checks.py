"""Issue 11, second verification pass: items that were left unverified and are now read.

Each expected value is typed from the source text quoted in the docstring (named by the
reference record's ID), not copied from the data:

- ``ontruzant-us-hcp``: the manufacturer's US dosing page prints
  "ONTRUZANT® (trastuzumab-dttb) for injection, for intravenous use 21 mg/mL".
- ``nerlynx-eu-hcp-safety`` (the EU SmPC as the manufacturer's EU site reproduces it),
  contraindications: "Co-administration with strong inducers of the CYP3A4/Pgp isoform of
  cytochrome P450", examples "carbamazepine, phenytoin", "St John's wort", "rifampicin".
- ``tukysa-us-label-copy-globalrph`` (a tier-B copy of the US label, Warnings and precautions,
  Diarrhea): "Prophylactic use of antidiarrheal treatment was not required on HER2CLIMB.
  If diarrhea occurs, administer antidiarrheal treatment as clinically indicated."
"""

from __future__ import annotations

import pytest

from her2guide import Catalogue, parse_scenario
from her2guide._practical import interactions_for, load_practical
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
    assert scenario.metastatic_lines[0].agents == ("trastuzumab",)


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
    assert len(prophylaxis) == 1
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
    assert main(["dose", "tucatinib-trastuzumab-capecitabine", "--weight", "62"]) == 0
    out = capsys.readouterr().out
    section = out[out.index("Diarrhoea: prophylaxis and dose rules") :]
    assert "Antidiarrhoeal prophylaxis was not required in HER2CLIMB" in section
    assert section.index("not required in HER2CLIMB") < section.index("Grade 3 diarrhoea")
    assert "tier-B copy, GlobalRPh" in section


def test_neratinib_and_lapatinib_gaps_stay_listed(cat: Catalogue) -> None:
    """What this pass could not read from a label stays listed as not recorded."""
    gaps = " ".join(
        item for topic, item in load_practical(cat).not_recorded if topic == "interactions"
    )
    assert "US label's wording for CYP3A4 inducers" in gaps
    assert "P-gp substrates" in gaps
    assert "H2-receptor antagonists and antacids" in gaps
    assert "Lapatinib with QT-prolonging medicines" in gaps


@pytest.mark.parametrize(
    "medicine", ["carbamazepine", "phenytoin", "St John's wort", "rifampicin", "rifampin"]
)
def test_neratinib_with_strong_inducers_is_contraindicated_in_the_eu(
    medicine: str, cat: Catalogue
) -> None:
    """Nerlynx EU (SmPC-based site, contraindications): "Co-administration with strong
    inducers of the CYP3A4/Pgp isoform of cytochrome P450", with the examples carbamazepine,
    phenytoin, St John's wort and rifampicin. Each example meets the EU record, named EU."""
    p = load_practical(cat)
    med = next(
        m
        for m in p.medicines.values()
        if medicine.lower() in {m.name.lower(), *(s.lower() for s in m.synonyms)}
    )
    found = [i for i, _ in interactions_for(["neratinib"], [med], p)]
    assert [i.id for i in found] == ["neratinib-strong-cyp3a4-pgp-inducers-eu"]
    rec = found[0]
    assert rec.jurisdiction == "EU"
    assert rec.action.startswith("Contraindicated (EU)")
    assert "strong inducers of the CYP3A4/Pgp isoform" in rec.quote
