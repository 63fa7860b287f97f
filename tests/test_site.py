"""The site package (``her2guide._site``): placeholders registered by topic, a hook without
state, each page expanded once, and modules small enough to read."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from her2guide import Catalogue, load_catalogue
from her2guide._site import PLACEHOLDERS, Page, placeholder
from her2guide._site.build import SiteBuild

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "src" / "her2guide" / "_site"


@pytest.mark.parametrize(
    ("name", "module"),
    [
        ("cite", "citations"),
        ("compare", "citations"),
        ("references", "citations"),
        ("intended_use", "citations"),
        ("trial", "evidence"),
        ("figure", "evidence"),
        ("regimen", "dosing"),
        ("interaction_table", "dosing"),
        ("monitoring", "dosing"),
        ("rule", "algorithm"),
        ("algorithm_diagram", "algorithm"),
        ("hazard_log", "algorithm"),
        ("clinical_flowchart", "flowchart"),
        ("scenario_index", "scenarios"),
        ("short_answer", "answers"),
        ("decision_table", "decision_table"),
        ("fhir_mapping", "interop"),
        ("cds_example", "interop"),
    ],
)
def test_each_placeholder_is_registered_by_its_topic_module(name: str, module: str) -> None:
    """A placeholder lives in the module of its topic (the registry says where)."""
    assert f"her2guide._site.{module}" == PLACEHOLDERS[name].__module__


def test_the_registry_has_every_placeholder_the_pages_use() -> None:
    """40 placeholders: the 33 of the former ``_render.Page`` and the 7 interop ones."""
    assert len(PLACEHOLDERS) == 40


def test_a_name_registered_twice_fails() -> None:
    """Two topic modules cannot claim the same placeholder name."""

    def cite(page: Page) -> str:
        return ""

    with pytest.raises(RuntimeError, match="'cite' is registered twice"):
        placeholder(cite)
    assert PLACEHOLDERS["cite"].__module__ == "her2guide._site.citations"


def test_the_hook_is_a_shim_without_module_level_state() -> None:
    """``docs/hooks/her2guide_hook.py`` holds only its docstring, imports and event functions:
    no module-level variable carries state from one build to the next."""
    tree = ast.parse((ROOT / "docs" / "hooks" / "her2guide_hook.py").read_text(encoding="utf-8"))
    kinds = {type(node).__name__ for node in tree.body[1:]}
    assert kinds <= {"Import", "ImportFrom", "FunctionDef"}
    functions = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
    assert functions == ["on_config", "on_files", "on_page_markdown", "on_post_build"]


def test_each_page_is_expanded_once_and_the_reference_list_last() -> None:
    """``collect`` expands a page once and ``page_markdown`` serves that expansion; the page
    with the reference list is expanded after the others, so it lists who cites what."""
    calls: list[str] = []

    def h2g_test_counter(page: Page) -> str:
        calls.append(page.src_uri)
        return "counted"

    placeholder(h2g_test_counter)
    try:
        build = SiteBuild(ROOT, load_catalogue())
        text = '# Counting\n\n{{ h2g_test_counter }} {{ cite("asco-2022") }}\n'
        refs = "# References\n\n{{ references }}\n"
        build.collect([("x.md", "x.md", text), ("references.md", "references.md", refs)], {})
        assert calls == ["x.md"]
        out = build.page_markdown(text, "x.md", {})
        assert calls == ["x.md"]
        assert out.startswith("# Counting\n\ncounted [ASCO 2022 (Giordano et al.)](references.md")
        assert build.cited_by["asco-2022"] == [("Counting", "x.md")]
        listing = build.page_markdown(refs, "references.md", {})
        entry = listing.split("`asco-2022`", 1)[1].split("{: #asco-2022", 1)[0]
        assert "Cited by: [Counting](x.md)" in entry
    finally:
        PLACEHOLDERS.pop("h2g_test_counter")


def test_no_site_module_is_over_400_lines() -> None:
    """Each module of the site package can be read in one sitting."""
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in SITE.glob("*.py")}
    assert {name: n for name, n in sizes.items() if n > 400} == {}


def test_the_reference_list_names_the_host_of_a_copy() -> None:
    """A fact checked on a third-party copy (here the Xeloda highlights on fda.report) is listed
    as a copy on that host, not as the source's own page; a DailyMed page is the source's own."""
    from her2guide._site.citations import _checked

    assert _checked("https://fda.report/DailyMed/e702d84d") == (
        "[copy checked](https://fda.report/DailyMed/e702d84d) (on fda.report, not the publisher's own page)"
    )
    assert _checked("https://dailymed.nlm.nih.gov/dailymed/x").startswith("[page checked]")
    assert _checked("https://www.enhertuhcp.com/x").startswith("[page checked]")


def test_no_reference_points_to_an_seo_proxy(cat: Catalogue) -> None:
    """The CLEOPATRA final-OS paper (Swain 2015) links to its DOI, not a search-engine proxy."""
    assert cat.references["swain-2015-cleopatra"].url == "https://doi.org/10.1056/NEJMoa1413513"
    assert not [r.id for r in cat.references.values() if "prideseotools" in r.url]
