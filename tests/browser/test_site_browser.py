"""The built site, as a reader sees it in headless Chromium.

Every test here drives the real site (``site/`` from ``mkdocs build --strict``) served on
127.0.0.1. Nothing is skipped: a missing page or a broken theme is a failure that names
what to fix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page

pytestmark = pytest.mark.browser

ContextFactory = Callable[..., tuple[BrowserContext, Any]]
WatchConsole = Callable[[Page], Any]
SCHEMES = {"light": "default", "dark": "slate"}  # our name -> Material's data-md-color-scheme
BLOCKING_IMPACTS = {"serious", "critical"}
# Light mode gets every axe rule. Dark mode changes only colours, so there axe checks only
# the colour rules: this halves the time of the dark pass and misses nothing it could find.
AXE_OPTIONS: dict[str, dict[str, Any]] = {
    "light": {"resultTypes": ["violations"]},
    "dark": {
        "resultTypes": ["violations"],
        "runOnly": {"type": "rule", "values": ["color-contrast", "link-in-text-block"]},
    },
}


def open_page(page: Page, path: str, *, settle: bool = True) -> None:
    """Load a page; with ``settle``, also wait for its scripts (search worker, …) to go quiet."""
    response = page.goto(path, wait_until="load")
    assert response is not None, f"/{path}: no response"
    assert response.ok, f"/{path}: HTTP {response.status}"
    if settle:
        page.wait_for_load_state("networkidle")


def apply_scheme(page: Page, scheme: str) -> None:
    """Put the page in Material's light or dark scheme, as its palette toggle does.

    The context may already emulate ``prefers-color-scheme``, which a palette with media
    queries follows by itself. Otherwise the body gets the scheme, primary and accent
    colours of the matching palette entry (``input.md-option``), which is what a click on
    the toggle does; without such an entry, just the scheme.
    """
    page.evaluate(
        """scheme => {
            const body = document.body;
            // Material animates colour changes (about 125 ms); measure the final colours,
            // not a frame in between, by turning transitions off before switching.
            if (!document.getElementById("h2g-test-no-transitions")) {
                const still = document.createElement("style");
                still.id = "h2g-test-no-transitions";
                still.textContent = "*, *::before, *::after { transition: none !important; }";
                document.head.appendChild(still);
            }
            if (body.getAttribute("data-md-color-scheme") === scheme) return;
            const option = document.querySelector(
                `input.md-option[data-md-color-scheme="${scheme}"]`);
            for (const key of ["scheme", "primary", "accent"]) {
                const value = option ? option.getAttribute(`data-md-color-${key}`) : null;
                if (key === "scheme") body.setAttribute("data-md-color-scheme", scheme);
                else if (value) body.setAttribute(`data-md-color-${key}`, value);
            }
        }""",
        SCHEMES[scheme],
    )


def find_page(page_paths: list[str], *needles: str) -> str:
    """The first site page whose path contains one of the needles."""
    for needle in needles:
        for path in page_paths:
            if needle in path:
                return path
    raise AssertionError(
        f"the built site has no page whose path contains any of {needles}; pages: {page_paths}"
    )


def scenario_pages(page_paths: list[str]) -> list[str]:
    return [p for p in page_paths if p.startswith("scenarios/") and p != "scenarios/"]


# --------------------------------------------------------------------------- audit of every page


@dataclass
class PageAudit:
    console: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    violations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # by scheme


@pytest.fixture(scope="session")
def site_audit(
    new_context: ContextFactory, watch_console: WatchConsole, page_paths: list[str]
) -> dict[str, PageAudit]:
    """Visit every page once and record its console errors, non-local requests and the
    serious or critical axe-core violations in light mode and, on the same loaded page
    switched to the dark palette, in dark mode."""
    axe_source = Axe().axe_script
    ctx, net = new_context(color_scheme="light")
    page = ctx.new_page()
    console = watch_console(page)
    results: dict[str, PageAudit] = {}
    for path in page_paths:
        console.errors.clear()
        net.external.clear()
        # Not waiting for network idle saves ~0.6 s a page; the axe runs give late requests
        # time to show up in the log before it is read.
        open_page(page, path, settle=False)
        page.evaluate(axe_source)
        audit = PageAudit()
        for scheme in ("light", "dark"):
            apply_scheme(page, scheme)
            found = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS[scheme])
            audit.violations[scheme] = [
                v for v in found["violations"] if v.get("impact") in BLOCKING_IMPACTS
            ]
        audit.console = list(console.errors)
        audit.external = list(net.external)
        results[path] = audit
    page.close()
    return results


def _format_violation(path: str, v: dict[str, Any]) -> str:
    targets = [", ".join(n.get("target", [])) for n in v.get("nodes", [])]
    shown = "; ".join(targets[:4]) + (f"; … {len(targets) - 4} more" if len(targets) > 4 else "")
    return f"/{path}: [{v['impact']}] {v['id']}: {v['help']} — {len(targets)} node(s): {shown}"


# --------------------------------------------------------------------------- tests


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


def test_scenario_page_shows_executed_outputs(
    new_context: ContextFactory, page_paths: list[str]
) -> None:
    """A worked-scenario page shows the notebook's code and the output it produced when run."""
    pages = scenario_pages(page_paths)
    assert pages, (
        "the built site has no page under scenarios/: the worked-scenario notebooks must be "
        f"rendered with their outputs into the site (pages found: {page_paths})"
    )
    ctx, _ = new_context()
    page = ctx.new_page()
    problems = []
    for path in pages:
        open_page(page, path, settle=False)
        article = page.locator("article.md-content__inner")
        # her2guide._site.notebook_markdown renders code cells as highlighted ``python`` fences and
        # rich outputs inside ``div.nb-output``.
        code = article.locator("div.highlight").count()
        outputs = article.locator(".nb-output")
        shown = " ".join(outputs.all_inner_texts()).lower()
        if code == 0 or outputs.count() == 0:
            problems.append(f"/{path}: {code} code block(s), {outputs.count()} output block(s)")
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
    """axe-core finds no serious or critical violation on any page (dark: colour rules)."""
    found = [
        _format_violation(path, v) for path, r in site_audit.items() for v in r.violations[scheme]
    ]
    assert found == [], f"{len(found)} serious/critical axe violation(s):\n" + "\n".join(found)


KEY_PAGES = {
    "home": ("",),
    "algorithm": ("algorithm/", "algorithm"),
    "dosing": ("dosing/", "dosing"),
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_of_key_pages(
    scheme: str, new_context: ContextFactory, page_paths: list[str], screenshot_dir: Path
) -> None:
    """Full-page screenshots of home, algorithm, dosing and a scenario, saved as artefacts."""
    targets = {
        name: ("" if needles == ("",) else find_page(page_paths, *needles))
        for name, needles in KEY_PAGES.items()
    }
    scenarios = scenario_pages(page_paths)
    assert scenarios, "no page under scenarios/ to screenshot"
    targets["scenario"] = scenarios[0]
    out = screenshot_dir
    ctx, _ = new_context(color_scheme=scheme)
    page = ctx.new_page()
    backgrounds = set()
    for name, path in targets.items():
        open_page(page, path)
        apply_scheme(page, scheme)
        backgrounds.add(page.evaluate("getComputedStyle(document.body).backgroundColor"))
        file = out / f"{name}-{scheme}.png"
        page.screenshot(path=str(file), full_page=True)
        assert file.stat().st_size > 10_000, f"{file} is suspiciously small"
    luminance = [_luminance(bg) for bg in backgrounds]
    if scheme == "dark":
        assert all(lum < 0.2 for lum in luminance), (
            f"dark pages have light backgrounds: {backgrounds}"
        )
    else:
        assert all(lum > 0.8 for lum in luminance), (
            f"light pages have dark backgrounds: {backgrounds}"
        )


def _luminance(css_color: str) -> float:
    """Relative luminance (0 black … 1 white) of a computed ``rgb()``/``rgba()`` colour."""
    inner = css_color[css_color.index("(") + 1 : css_color.index(")")]
    r, g, b = (float(x) / 255 for x in inner.split(",")[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b
