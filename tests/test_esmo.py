"""Issue 11, gap 7: ESMO beside ASCO and NCCN.

Only the identity of ESMO's 2021 metastatic breast cancer guideline could be read (the first
page of each stored copy); its HER2-positive positions could not. These tests pin the record to
what the copies print, typed from them and not from the data, and pin the page to saying that
no ESMO position is shown.
"""

from __future__ import annotations

from pathlib import Path

from her2guide import Catalogue, load_catalogue
from her2guide._site import Page

ROOT = Path(__file__).resolve().parents[1]


def test_esmo_2021_guideline_is_identified_as_its_copies_print_it(cat: Catalogue) -> None:
    """Journal pre-proof cover (copy at 123dok.org): "DOI: https://doi.org/10.1016/
    j.annonc.2021.09.019", received 28 September 2021. PubMed mirror: "PMID: 34678411".
    esmo.org guideline page: "Published in 2021 - Ann Oncol. 2021(32)"."""
    ref = cat.references["esmo-mbc-2021"]
    assert ref.kind == "guideline"
    assert ref.doi == "10.1016/j.annonc.2021.09.019"
    assert ref.pmid == "34678411"
    assert ref.year == 2021
    assert ref.citation.startswith("Gennari A, André F, Barrios CH")
    assert (
        "ESMO Clinical Practice Guideline for the diagnosis, staging and treatment of "
        "patients with metastatic breast cancer" in ref.citation
    )
    assert ref.url.startswith("https://esmo.org/guidelines/")


def test_esmo_record_says_its_positions_were_not_read(cat: Catalogue) -> None:
    """A record of a guideline whose recommendations were not read must say so, and must
    name the copies it was identified from."""
    ref = cat.references["esmo-mbc-2021"]
    assert ref.note is not None
    assert "none of its HER2-positive recommendations" in ref.note
    sources = " ".join(ref.verified)
    assert "scribd.com/document/665812619" in sources
    assert "123dok.org" in sources
    assert "not pubmed.ncbi.nlm.nih.gov itself" in sources


def test_guidelines_page_cites_esmo_2021_and_claims_no_esmo_position() -> None:
    """The page links the ESMO record and says, in words, that no ESMO recommendation or level
    of evidence is shown; no ESMO statement appears in its tables."""
    text = Page("guidelines.md", load_catalogue()).expand(
        (ROOT / "docs" / "guidelines.md").read_text(encoding="utf-8")
    )
    assert "references.md#esmo-mbc-2021" in text
    assert "No ESMO recommendation or level of evidence is therefore shown on this site" in text
    table_rows = [line for line in text.splitlines() if line.startswith("|")]
    assert [row for row in table_rows if "| ESMO" in row] == []
