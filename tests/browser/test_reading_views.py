"""The site as a clinician reads it: on a phone, in search, on paper (issue 15).

These tests drive the built site in headless Chromium, like ``test_site_browser.py`` (where
the page audit checks that at 390 × 844 CSS px no page's content runs off the screen and no
table cell breaks words): on a phone the home page's first short answer is on the first
screen; a search for "residual disease" finds the residual-disease rule and the seed
scenario first; a scenario page prints as one page, and so does each regimen's dose card;
the footer names the package version and the clinical review date.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, BrowserContext, Page

from .audit import PHONE

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def phone(browser: Browser, base_url: str) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport=PHONE, base_url=base_url)
    yield ctx
    ctx.close()


def _open(page: Page, path: str) -> None:
    response = page.goto(path, wait_until="load")
    assert response is not None, f"/{path}: no response"
    assert response.ok, f"/{path}: HTTP {response.status}"


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def test_home_first_answer_and_one_compact_notice_on_the_first_phone_screen(
    phone: BrowserContext,
) -> None:
    """At 390 × 844 the home page shows the intended-use notice once, in at most three
    lines, and the first short answer (residual disease, no adjuvant T-DM1 or T-DXd) starts
    on the first screen."""
    page = phone.new_page()
    _open(page, "")
    banner = page.locator(".md-banner")
    box = banner.bounding_box()
    assert box is not None
    assert box["height"] <= 80, f"notice is {box['height']} px tall on a phone"
    assert not page.locator(".h2g-notice-long").is_visible()
    assert "Intended use" in banner.inner_text()
    repeated = [
        b
        for el in page.locator("article").get_by_text("Intended use").all()
        if el.is_visible() and (b := el.bounding_box()) is not None and b["y"] < PHONE["height"]
    ]
    assert repeated == [], "the first screen shows the intended use a second time"
    first = page.locator("article li", has_text="No adjuvant T-DM1 or T-DXd").first
    answer = first.bounding_box()
    assert answer is not None
    assert answer["y"] < PHONE["height"], f"first answer starts at y = {answer['y']}"
    page.close()


def test_search_for_residual_disease_finds_the_rule_and_the_seed_scenario_first(
    browser: Browser, base_url: str
) -> None:
    """Typed into Material's search, "residual disease" lists the HIST-RESIDUAL-DISEASE rule
    section and the seed scenario before anything else (a page entry and its sections
    count as one result)."""
    ctx = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    _open(page, "")
    page.locator("input.md-search__input").click()
    page.locator("input.md-search__input").press_sequentially("residual disease", delay=20)
    page.locator(".md-search-result__item").first.wait_for(state="visible", timeout=15_000)
    page.wait_for_timeout(300)  # results settle after the last keystroke
    hrefs = [a.get_attribute("href") or "" for a in page.locator(".md-search-result__link").all()]
    ctx.close()
    pages: list[str] = []
    for href in hrefs:
        name = href.split("?")[0].rsplit("/", 1)[-1]
        if name not in pages:
            pages.append(name)
    assert set(pages[:2]) == {"algorithm.html", "01-seed-question.html"}, hrefs[:6]
    rule = next(h for h in hrefs if h.split("?")[0].endswith("algorithm.html"))
    assert any("#hist-residual-disease" in h for h in hrefs[: hrefs.index(rule) + 2]), hrefs[:6]


def test_search_index_leaves_out_the_notebook_boilerplate(site_dir: Path) -> None:
    """The "download this notebook" note, the same on every scenario page, is not indexed."""
    index = (site_dir / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "Download this notebook" not in index
    assert "residual invasive disease" in index  # the seed scenario's card is indexed


def test_each_scenario_page_prints_as_one_page(
    browser: Browser, base_url: str, page_paths: list[str]
) -> None:
    """Printed (A4, Chromium's PDF), a scenario page is its title, the notice and the
    summary card: one page."""
    ctx = browser.new_context(base_url=base_url)
    page = ctx.new_page()
    counts = {}
    for path in (p for p in page_paths if p.startswith("scenarios/") and p.endswith(".html")):
        _open(page, path)
        counts[path] = _pdf_pages(page.pdf(format="A4"))
    ctx.close()
    assert counts, "no scenario pages"
    assert {p: n for p, n in counts.items() if n != 1} == {}


def test_each_regimen_dose_card_prints_as_one_page(browser: Browser, base_url: str) -> None:
    """``dosing.html#<regimen-id>`` prints that regimen's dose card alone, on one A4 page,
    with the intended-use notice; every regimen in the data has one."""
    regimens = tomllib.loads((ROOT / "src/her2guide/data/regimens.toml").read_text("utf-8"))
    ids = [r["id"] for r in regimens["regimen"]]
    ctx = browser.new_context(base_url=base_url)
    page = ctx.new_page()
    counts = {}
    _open(page, "dosing.html")
    for rid in ids:
        # A jump within the page, as a reader's link does: :target follows the fragment.
        page.evaluate("id => { location.hash = id; }", rid)
        page.emulate_media(media="print")
        assert page.locator(".md-banner").is_visible(), rid
        assert page.locator(f".h2g-dose-card:has(#{rid})").is_visible(), rid
        assert page.locator(".h2g-dose-card:visible").count() == 1, rid
        counts[rid] = _pdf_pages(page.pdf(format="A4"))
        page.emulate_media(media="screen")
    ctx.close()
    assert len(ids) >= 10
    assert {r: n for r, n in counts.items() if n != 1} == {}


def test_footer_shows_version_review_date_and_how_to_install(
    browser: Browser, base_url: str
) -> None:
    """Every page's footer names the package version (pyproject.toml), the clinical review
    date (mkdocs.yml) and how to install the package."""
    version = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    review = str(
        yaml.safe_load(re.sub(r"!!python/\S+", "", (ROOT / "mkdocs.yml").read_text("utf-8")))[
            "extra"
        ]["clinical_review"]
    )
    ctx = browser.new_context(base_url=base_url)
    page = ctx.new_page()
    _open(page, "algorithm.html")
    footer = page.locator("footer").inner_text()
    ctx.close()
    assert f"her2guide {version}" in footer
    assert f"last clinical review {review}" in footer
    assert "pip install" in footer


def test_clinical_flowchart_is_legible_at_390px(phone: BrowserContext) -> None:
    """On a phone the flowchart is drawn at least at 0.9× its 12 px text (the old rule
    diagram shrank to 0.46×), and its text alternative is on the page."""
    page = phone.new_page()
    _open(page, "algorithm.html")
    svg = page.locator("svg.h2g-flowchart")
    box = svg.bounding_box()
    view_width = float((svg.get_attribute("viewBox") or "0 0 1 1").split()[2])
    text_alt = page.locator("details", has_text="The pathway in words").text_content() or ""
    page.close()
    assert box is not None
    assert box["width"] / view_width >= 0.9, f"drawn at {box['width'] / view_width:.2f}×"
    assert "NCCN" in text_alt
