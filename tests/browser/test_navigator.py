"""The navigator page: the real engine, run by Pyodide in headless Chromium, against the CLI.

Pyodide is loaded once (a module-scoped page) and every row of ``tests/scenarios.toml`` is
sent through the URL fragment of that same page. The expected answer for each row is what
``her2guide recommend FILE --format json`` prints for it, run in this process.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page

from her2guide import ScenarioError, cli, parse_scenario
from her2guide._conformance import table_scenario

from .audit import AXE_OPTIONS, apply_scheme, axe_violations, format_violation

pytestmark = pytest.mark.browser

ContextFactory = Callable[..., tuple[BrowserContext, Any]]
ROOT = Path(__file__).resolve().parents[2]
TABLE = tomllib.loads((ROOT / "tests" / "scenarios.toml").read_text(encoding="utf-8"))
ENGINE_TIMEOUT_MS = 120_000  # a generous ceiling for a loaded 2-core machine; timings: bench.py
STATE = "document.getElementById('navigator').dataset"


def row_scenario(case: dict[str, Any]) -> dict[str, Any]:
    """A row of the scenario table as a scenario file: [defaults] with the row's overrides."""
    return table_scenario(TABLE["defaults"], case)


def cli_json(scenario: dict[str, Any], tmp: Path) -> str:
    """Exactly what ``her2guide recommend FILE --format json`` prints for ``scenario``."""
    path = tmp / "scenario.json"
    path.write_text(json.dumps(scenario), encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli.main(["recommend", str(path), "--format", "json"])
    assert code == 0, f"the CLI refused the scenario: {scenario}"
    return out.getvalue()


def fragment(scenario: dict[str, Any]) -> str:
    text = json.dumps(scenario, ensure_ascii=False)
    return "#s=" + base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


def wait_for_run(page: Page, after: int) -> str:
    """Wait until the page has finished evaluation number ``after + 1``; its data-state."""
    page.wait_for_function(f"Number({STATE}.run) > {after}", timeout=ENGINE_TIMEOUT_MS, polling=20)
    return str(page.get_attribute("#navigator", "data-state"))


def runs(page: Page) -> int:
    return int(page.get_attribute("#navigator", "data-run") or "0")


def send(page: Page, scenario: dict[str, Any]) -> str:
    """Put ``scenario`` in the page's URL fragment, as a shared link does; the new state."""
    before = runs(page)
    # Through an empty fragment first, so the same scenario twice is still a change.
    page.evaluate("h => { location.hash = '#'; location.hash = h; }", fragment(scenario))
    return wait_for_run(page, before)


@pytest.fixture(scope="module")
def nav(new_context: ContextFactory) -> Iterator[tuple[Page, Any, list[str]]]:
    """The navigator page with its engine started (state ``ready``), its network log and
    its console errors."""
    ctx, net = new_context()
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("navigator.html", wait_until="load")
    assert page.get_attribute("#navigator", "data-state") in {"loading", "ready"}
    page.wait_for_function(f"{STATE}.state === 'ready'", timeout=ENGINE_TIMEOUT_MS, polling=50)
    yield page, net, errors
    page.close()


def test_every_scenario_row_gives_the_cli_json(
    nav: tuple[Page, Any, list[str]], tmp_path: Path
) -> None:
    """For every row of tests/scenarios.toml, sent in the URL fragment, #recommendation-json
    is the text `her2guide recommend --format json` prints, and equal field for field."""
    page, net, errors = nav
    cases = TABLE["case"]
    assert len(cases) >= 80, "the scenario table shrank; this test must run every row"
    mismatched = []
    for case in cases:
        scenario = row_scenario(case)
        expected = cli_json(scenario, tmp_path)
        state = send(page, scenario)
        got = page.locator("#recommendation-json").text_content() or ""
        if state != "done" or json.loads(got or "null") != json.loads(expected):
            mismatched.append(f"{case['id']}: state {state}")
        elif got != expected:
            mismatched.append(f"{case['id']}: same fields, different text")
    assert mismatched == [], "\n".join(mismatched)
    assert net.external == [], f"requests left the machine: {net.external}"
    assert errors == [], "\n".join(errors)


def test_bad_lvef_shows_the_engine_message_next_to_the_field(
    nav: tuple[Page, Any, list[str]],
) -> None:
    """LVEF 150 is refused with the CLI's words next to the LVEF field; state is error and no
    traceback appears anywhere on the page."""
    page, _, _ = nav
    scenario = row_scenario({"scenario": {"lvef": 150}})
    assert send(page, scenario) == "error"
    with pytest.raises(ScenarioError) as refused:
        parse_scenario(scenario)
    engine_says = next(p.message for p in refused.value.problems if p.field == "lvef")
    assert engine_says == page.locator("#nav-lvef-error").inner_text()
    assert page.locator("#nav-lvef").get_attribute("aria-invalid") == "true"
    assert "lvef: 150 — " in page.locator("#nav-problems").inner_text()
    assert "Traceback" not in page.locator("#navigator").inner_text()
    assert (page.locator("#recommendation-json").text_content() or "") == ""


SEED = {  # notebooks/01-seed-question.py, "as asked"
    "her2": "positive",
    "setting": "metastatic",
    "as_of": "2026-11-23",
    "metastatic_diagnosis": "2026-10-01",
    "hormone_receptor": "negative",
    "early_treatment": {
        "agents": ["doxorubicin", "cyclophosphamide", "paclitaxel", "Herceptin"],
        "residual_disease": True,
    },
    "metastatic_lines": [],
    "brain_metastases": "none",
    "ild_history": "none",
    "lvef": 60,
    "pregnant": False,
}


def test_seed_scenario_filled_by_keyboard_only(
    nav: tuple[Page, Any, list[str]], tmp_path: Path
) -> None:
    """Tab and typing alone fill the form with the seed question; the answer is the CLI's."""
    page, net, _ = nav
    page.click("#nav-clear")
    page.locator("#nav-her2").focus()
    kb = page.keyboard

    def field(text: str | None = None, key: str | None = None) -> None:
        if text is not None:
            kb.press("Control+a")
            kb.type(text)
        if key is not None:
            kb.press(key)
        kb.press("Tab")

    field(key="p")  # HER2: positive
    field(key="m")  # setting: metastatic
    field("2026-11-23")  # as of (prefilled with today: replaced)
    field("2026-10-01")  # metastatic diagnosis
    field(key="n")  # hormone receptors: negative
    field("doxorubicin, cyclophosphamide, paclitaxel, Herceptin")  # early agents
    field()  # last HER2-directed dose: not given (as asked)
    field(key="y")  # residual disease: yes
    kb.press("Tab")  # past "Add a metastatic line": none yet
    field(key="n")  # brain metastases: none
    field(key="n")  # ILD: none
    kb.press("Tab")  # ILD agent
    kb.press("Tab")  # ECOG
    before = runs(page)
    field("60")  # LVEF
    field(key="n")  # pregnant: no
    page.wait_for_function(f"Number({STATE}.run) > {before}", timeout=ENGINE_TIMEOUT_MS)
    page.wait_for_timeout(300)  # let the last change event's evaluation land
    assert page.get_attribute("#navigator", "data-state") == "done"
    got = page.locator("#recommendation-json").text_content() or ""
    assert json.loads(got) == json.loads(cli_json(SEED, tmp_path))
    # The form's scenario went into the address bar.
    frag = page.evaluate("location.hash")
    assert frag.startswith("#s=")
    sent = json.loads(base64.urlsafe_b64decode(frag[3:] + "=" * (-len(frag[3:]) % 4)))
    assert sent == SEED
    assert net.external == []


def test_report_links_rules_and_references(nav: tuple[Page, Any, list[str]]) -> None:
    """The answer links each fired rule to its section of the algorithm page and each
    source to the references page; the intended-use notice is in the answer."""
    page, _, _ = nav
    assert send(page, SEED) == "done"
    hrefs = page.eval_on_selector_all(
        "#recommendation a", "els => els.map(e => e.getAttribute('href'))"
    )
    assert any(h.startswith("algorithm.html#line-") for h in hrefs), hrefs
    assert any(h.startswith("references.html#") for h in hrefs), hrefs
    assert "not a medical device" in page.locator("#nav-result").inner_text().lower()


def test_copy_as_yaml_gives_a_file_the_cli_reads(
    nav: tuple[Page, Any, list[str]], tmp_path: Path
) -> None:
    """ "Copy scenario as YAML" shows YAML that `her2guide recommend FILE` answers exactly as
    the page did (the clipboard itself may be blocked in a headless browser)."""
    page, _, _ = nav
    assert send(page, SEED) == "done"
    page.click("#nav-copy-yaml")
    yaml_text = page.locator("#nav-yaml").text_content() or ""
    path = tmp_path / "case.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(["recommend", str(path), "--format", "json"]) == 0
    assert out.getvalue() == page.locator("#recommendation-json").text_content()


def test_scenario_page_opens_its_case_in_the_navigator(
    new_context: ContextFactory, tmp_path: Path
) -> None:
    """The seed scenario page links to the navigator with its case pre-filled; following the
    link gives the CLI's answer for that case."""
    ctx, net = new_context()
    page = ctx.new_page()
    page.goto("scenarios/01-seed-question.html", wait_until="load")
    page.get_by_role("link", name="Open in the navigator").click()
    page.wait_for_function(f"{STATE}.state === 'done'", timeout=ENGINE_TIMEOUT_MS, polling=50)
    got = page.locator("#recommendation-json").text_content() or ""
    assert json.loads(got) == json.loads(cli_json(SEED, tmp_path))
    assert page.locator("#nav-early-treatment-agents").input_value().endswith("Herceptin")
    assert net.external == []
    page.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_navigator_has_no_serious_accessibility_violation(
    scheme: str, nav: tuple[Page, Any, list[str]]
) -> None:
    """axe finds no serious or critical violation on the page with an answer shown."""
    page, _, _ = nav
    assert send(page, SEED) == "done"
    page.evaluate(Axe().axe_script)
    apply_scheme(page, scheme)
    bad = [
        format_violation("navigator.html", v)
        for v in axe_violations(page, "document", AXE_OPTIONS[scheme])
    ]
    assert bad == [], "\n".join(bad)
