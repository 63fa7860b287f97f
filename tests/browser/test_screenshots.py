"""Full-page screenshots of the key pages in light and dark, saved as artefacts.

Kept apart from ``test_site_browser.py`` so they run in the other browser group (see
``_GROUPS`` in tests/conftest.py) while the page audit runs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext

from .audit import apply_scheme, find_page, open_page, scenario_pages

pytestmark = pytest.mark.browser

ContextFactory = Callable[..., tuple[BrowserContext, Any]]


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
        open_page(page, path, settle=False)
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
