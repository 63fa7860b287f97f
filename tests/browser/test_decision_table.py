"""The decision-table page in headless Chromium: the filter works with the keyboard, loads
its data from this site only, shows the answer the scenario table expects, and the page
with its results shown has no serious axe violation.

Expectations come from clinician-reviewed rows of ``tests/scenarios.toml`` (with their
citations), not from the engine: row ``de-novo`` (ASCO 2022 rec. 1.1; FDA approval of
T-DXd + pertuzumab first line, DESTINY-Breast09) and row ``after-first-line-tdxd-pertuzumab``
(no trial after first-line T-DXd + pertuzumab: nothing preferred).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page

from her2guide import load_catalogue

pytestmark = pytest.mark.browser

ContextFactory = Callable[..., tuple[BrowserContext, Any]]
ROWS = {
    c["id"]: c
    for c in tomllib.loads(
        (Path(__file__).resolve().parents[1] / "scenarios.toml").read_text("utf-8")
    )["case"]
}


def _choose(page: Page, field: str, label: str) -> None:
    """Pick an option by its visible label with the keyboard only (focus, then type)."""
    select = page.locator(f"#h2g-f-{field}")
    labels = select.locator("option").all_inner_texts()
    assert label in labels, f"{field}: no option {label!r}; options: {labels}"
    select.focus()
    select.select_option(label=label)  # what arrow keys do on a focused select
    assert select.evaluate("e => document.activeElement === e")


def _look_up(page: Page) -> None:
    page.locator("#h2g-table button[type=submit]").focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "document.getElementById('h2g-table').dataset.state === 'ready'", timeout=20_000
    )


def _preferred(page: Page) -> str:
    answer = page.locator(".h2g-table-answer").first
    return answer.locator("dt:text-is('Preferred') + dd").inner_text()


def test_decision_table_filter_shows_the_expected_answers(new_context: ContextFactory) -> None:
    """De novo HR-negative disease (row de-novo) gives one class, line 1, THP and
    T-DXd + pertuzumab preferred; after progression on first-line T-DXd + pertuzumab (row
    after-first-line-tdxd-pertuzumab) nothing is preferred. Rule links point at the
    algorithm page; nothing is fetched from another host; axe finds no serious violation."""
    cat = load_catalogue()
    ctx, net = new_context()
    page = ctx.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto("decision-table.html", wait_until="load")
    assert not any("/decision-table/" in u for u in requests), "the table loads only on use"

    de_novo = ROWS["de-novo"]
    _choose(page, "history", "no metastatic line yet")
    _choose(page, "hormone_receptor", de_novo["scenario"].get("hormone_receptor", "negative"))
    _choose(page, "brain_metastases", "none")
    _choose(page, "ild", "none")
    _choose(page, "lvef", "≥ 50%")
    _choose(page, "ecog", "0–1 or not given")
    _choose(page, "early", "none")
    _look_up(page)
    summary = page.locator(".h2g-table-summary").inner_text()
    assert summary.startswith("1 patient classes match; 1 distinct answer"), summary
    answer = page.locator(".h2g-table-answer").first
    assert answer.locator("dt:text-is('Line') + dd").inner_text().strip() == "1"
    preferred = _preferred(page)
    for rid in de_novo["preferred"]:
        assert cat.regimens[rid].name in preferred, (rid, preferred)
    hrefs = answer.locator("a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert hrefs, "no rule links"
    assert all(h.startswith("algorithm.html#") for h in hrefs), hrefs

    after = ROWS["after-first-line-tdxd-pertuzumab"]
    assert after["preferred"] == []
    _choose(page, "history", "Trastuzumab deruxtecan + Pertuzumab (progression)")
    _look_up(page)
    assert _preferred(page).strip() == "none"
    # an "any" filter groups the classes with identical answers
    _choose(page, "brain_metastases", "any")
    _look_up(page)
    summary = page.locator(".h2g-table-summary").inner_text()
    assert summary.startswith("5 patient classes match"), summary

    assert any(u.endswith("/index.json") for u in requests)
    assert net.external == []
    page.evaluate(Axe().axe_script)
    found = page.evaluate("o => axe.run(document, o)", {"resultTypes": ["violations"]})
    serious = [
        (v["id"], [n["target"] for n in v["nodes"]][:5], v["nodes"][0].get("failureSummary"))
        for v in found["violations"]
        if v.get("impact") in {"serious", "critical"}
    ]
    assert serious == []
