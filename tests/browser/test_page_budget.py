"""What keeps the built site light on a phone (issue 15, Lighthouse mobile), read from the HTML.

The scores themselves are figures, not tests: ``make lighthouse`` prints them. These tests pin
the causes fixed for them, so that a change that brings one back fails here.
"""

from __future__ import annotations

import html.parser
import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser


class _Scripts(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.blocking: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        deferred = {"defer", "async"} & a.keys() or a.get("type") == "module"
        if tag == "script" and a.get("src") and not deferred:
            self.blocking.append(a["src"] or "")


def test_no_page_loads_a_script_that_blocks_the_first_paint(
    site_dir: Path, page_paths: list[str]
) -> None:
    """Every external script (Material's 114 KB bundle, the decision table's script) carries
    ``defer`` or ``async``: Lighthouse counted the bundle as ~1.5 s of render-blocking time."""
    blocking = []
    for path in page_paths:
        parser = _Scripts()
        parser.feed((site_dir / (path or "index.html")).read_text(encoding="utf-8"))
        blocking += [f"/{path}: {src}" for src in parser.blocking]
    assert blocking == [], "scripts without defer/async:\n" + "\n".join(blocking)


def test_api_contents_list_names_the_classes_not_their_attributes(site_dir: Path) -> None:
    """``toc_depth: 2`` on the API pages: ``Recommendation.preferred`` keeps its heading and
    anchor on the page, but the contents lists (drawn twice by the theme) link only to
    ``Recommendation`` itself."""
    page = (site_dir / "api-records.html").read_text(encoding="utf-8")
    assert 'id="her2guide.Recommendation.preferred"' in page
    assert '<a href="#her2guide.Recommendation" class="md-nav__link">' in page
    assert '<a href="#her2guide.Recommendation.preferred" class="md-nav__link">' not in page


def test_the_api_reference_still_documents_every_public_name(site_dir: Path) -> None:
    """Split into three pages, the API reference still has one section per name in
    ``her2guide.__all__`` (``__version__`` aside)."""
    import her2guide

    pages = " ".join(
        (site_dir / name).read_text(encoding="utf-8")
        for name in ("api.html", "api-records.html", "api-inputs.html")
    )
    ids = set(re.findall(r'<h2 id="her2guide\.([A-Za-z_]+)"', pages))
    missing = sorted(set(her2guide.__all__) - {"__version__"} - ids)
    assert missing == [], f"public names without a section on the API pages: {missing}"


def test_only_api_pages_load_the_mkdocstrings_stylesheet(
    site_dir: Path, page_paths: list[str]
) -> None:
    """``assets/_mkdocstrings.css`` styles API documentation only: the API pages link it, the
    home page, the algorithm page and the scenario pages do not (one render-blocking request
    fewer on each)."""
    linking = {
        path
        for path in page_paths
        if "_mkdocstrings.css" in (site_dir / (path or "index.html")).read_text(encoding="utf-8")
    }
    assert {"api.html", "api-records.html", "api-inputs.html"} <= linking
    assert not {"", "algorithm.html", "scenarios/01-seed-question.html"} & linking


def test_the_search_index_is_requested_after_the_page_has_loaded(
    browser: Any, base_url: str
) -> None:
    """Material requests the ~550 KB search index as soon as its bundle runs; the theme override
    holds that one request until the load event, so a phone paints the page first (Lighthouse
    counted the index in the largest contentful paint). Search still gets its index."""
    ctx = browser.new_context(base_url=base_url)
    page = ctx.new_page()
    page.goto("scenarios/01-seed-question.html", wait_until="load")
    page.wait_for_function(
        "() => performance.getEntriesByType('resource')"
        ".some(e => e.name.endsWith('search/search_index.json') && e.responseEnd > 0)",
        timeout=30_000,
    )
    started, load = page.evaluate(
        """() => [
          performance.getEntriesByType('resource')
            .find(e => e.name.endsWith('search/search_index.json')).startTime,
          performance.getEntriesByType('navigation')[0].loadEventStart]"""
    )
    ctx.close()
    assert started >= load, f"index requested at {started:.0f} ms, load event at {load:.0f} ms"
