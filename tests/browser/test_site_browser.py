"""The built site, as a reader sees it in headless Chromium.

Every test here drives the real site (``site/`` from ``mkdocs build --strict``) served on
127.0.0.1. Nothing is skipped: a missing page or a broken theme is a failure that names
what to fix.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page

from .audit import PageAudit, find_page, format_violation, open_page

pytestmark = pytest.mark.browser

ContextFactory = Callable[..., tuple[BrowserContext, Any]]
WatchConsole = Callable[[Page], Any]


def test_home_page_loads_without_console_errors(
    new_context: ContextFactory, watch_console: WatchConsole
) -> None:
    """The home page loads, has a title and a heading, and logs no error of any kind."""
    ctx, _ = new_context()
    page = ctx.new_page()
    console = watch_console(page)
    open_page(page, "")
    assert console.errors == [], "\n".join(console.errors)
    assert "her2guide" in page.title().lower()
    assert page.locator("article h1").first.is_visible()


def test_search_for_deruxtecan_returns_results(
    new_context: ContextFactory, watch_console: WatchConsole
) -> None:
    """Material's search, opened from the header and fed "deruxtecan", lists matching pages."""
    ctx, _ = new_context()
    page = ctx.new_page()
    console = watch_console(page)
    open_page(page, "")
    toggle = page.locator("label.md-header__button[for='__search']")
    if toggle.is_visible():  # narrow layouts hide the search form behind a header button
        toggle.click()
    search_box = page.locator("input.md-search__input")
    search_box.click()
    # Type key by key as a reader does: Material's search reacts to keyboard events.
    search_box.press_sequentially("deruxtecan", delay=20)
    results = page.locator(".md-search-result__item")
    results.first.wait_for(state="visible", timeout=15_000)
    assert results.count() >= 1
    assert "deruxtecan" in page.locator(".md-search-result__list").inner_text().lower()
    assert console.errors == []


def test_algorithm_page_diagram_renders(new_context: ContextFactory, page_paths: list[str]) -> None:
    """The algorithm page carries its build-time diagram as an inline SVG that has a size."""
    path = find_page(page_paths, "algorithm/", "algorithm")
    ctx, _ = new_context()
    page = ctx.new_page()
    open_page(page, path)
    boxes = [
        box
        for svg in page.locator("article.md-content__inner svg").all()
        if (box := svg.bounding_box()) is not None
    ]
    # Material puts small icon SVGs (edit/view buttons, admonition icons) in the content too;
    # the diagram is the one that is a real drawing.
    diagrams = [b for b in boxes if b["width"] >= 200 and b["height"] >= 100]
    assert diagrams, (
        f"/{path} has no inline <svg> diagram of at least 200×100 px in its content "
        f"(svg boxes found: {[(round(b['width']), round(b['height'])) for b in boxes]})"
    )


def test_scenario_page_shows_executed_outputs(site_audit: dict[str, PageAudit]) -> None:
    """A worked-scenario page shows the notebook's code and the output it produced when run."""
    pages = {p: a.notebook for p, a in site_audit.items() if a.notebook is not None}
    assert pages, (
        "the built site has no page under scenarios/: the worked-scenario notebooks must be "
        f"rendered with their outputs into the site (pages found: {sorted(site_audit)})"
    )
    problems = []
    for path, nb in pages.items():
        shown = nb["text"].lower()
        if nb["code"] == 0 or nb["outputs"] == 0:
            problems.append(f"/{path}: {nb['code']} code block(s), {nb['outputs']} output block(s)")
        elif not any(word in shown for word in ("preferred", "recommend", "dose", "scope")):
            problems.append(f"/{path}: the outputs show no recommendation: {shown[:200]!r}")
    assert problems == [], "scenario pages without executed outputs:\n" + "\n".join(problems)


def test_every_page_makes_no_request_to_non_local_hosts(site_audit: dict[str, PageAudit]) -> None:
    """No page loads anything (fonts, scripts, images, analytics) from a third-party host."""
    offenders = [f"/{path}: {url}" for path, r in site_audit.items() for url in r.external]
    assert offenders == [], "requests to non-local hosts (blocked):\n" + "\n".join(offenders)


def test_every_page_has_no_console_errors(site_audit: dict[str, PageAudit]) -> None:
    """No page logs a console error, throws, or requests a missing file."""
    errors = [f"/{path}: {e}" for path, r in site_audit.items() for e in r.console]
    assert errors == [], "\n".join(errors)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_has_no_serious_accessibility_violation(
    scheme: str, site_audit: dict[str, PageAudit]
) -> None:
    """axe-core finds no serious or critical violation on any page (dark: colour rules;
    contrast of the shared chrome on one page of each template, see ``audit.py``)."""
    found = [
        format_violation(path, v) for path, r in site_audit.items() for v in r.violations[scheme]
    ]
    assert found == [], f"{len(found)} serious/critical axe violation(s):\n" + "\n".join(found)


def test_no_page_overflows_or_breaks_words_at_390px(site_audit: dict[str, PageAudit]) -> None:
    """At 390 px wide, every page's content fits or scrolls inside its own box (wide tables
    scroll sideways), and no table cell may break a word in the middle. (From the page audit,
    which resizes each loaded page to 390 × 844; ``audit.OVERFLOW_JS`` says what counts.)"""
    problems = [f"/{path}: {p}" for path, a in site_audit.items() for p in a.phone]
    assert len(site_audit) >= 30
    assert problems == [], "content clipped at 390 px:\n" + "\n".join(problems)
