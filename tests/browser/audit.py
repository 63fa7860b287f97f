"""One visit to every page of the built site, recording everything the page-wide tests read.

The audit loads each page once and records, on that loaded page:

* its console errors and the requests it sent to hosts other than this machine;
* the serious or critical axe-core violations in the light palette (every rule) and, switched
  to the dark palette, the colour rules;
* for a worked-scenario page, its code blocks and the text of its notebook outputs;
* resized to a phone (390 × 844 CSS px), the article content a phone reader cannot reach and
  the table cells that may break a word mid-word.

Colour contrast is by far the slowest axe rule (about two thirds of the audit). The site's
chrome — header, banner, navigation, table of contents, footer — is the same template with
the same palette on every page, so it is checked in full on ``CHROME_PAGES`` (one page of
each template) and every other page has its *article* checked for contrast. Every other
rule looks at the whole document of every page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import Page, ViewportSize

SCHEMES = {"light": "default", "dark": "slate"}  # our name -> Material's data-md-color-scheme
BLOCKING_IMPACTS = {"serious", "critical"}
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
# Light mode gets every axe rule. Dark mode changes only colours, so there axe checks only
# the colour rules: this halves the time of the dark pass and misses nothing it could find.
AXE_OPTIONS: dict[str, dict[str, Any]] = {
    "light": {"resultTypes": ["violations"]},
    "dark": {"resultTypes": ["violations"], "runOnly": {"type": "rule", "values": COLOUR_RULES}},
}
_NOT_COLOUR = {
    "resultTypes": ["violations"],
    "rules": {rule: {"enabled": False} for rule in COLOUR_RULES},
}
_COLOUR_ONLY = AXE_OPTIONS["dark"]
ARTICLE = "article.md-content__inner"
# One page of each template: home, a Markdown page, an API page (mkdocstrings), a worked
# scenario (notebook), the navigator, the decision table and the 404 page.
CHROME_PAGES = (
    "",
    "algorithm.html",
    "api.html",
    "scenarios/01-seed-question.html",
    "navigator.html",
    "decision-table.html",
    "404.html",
)
PHONE: ViewportSize = {"width": 390, "height": 844}

# Elements of the article whose right edge is past the viewport and that no scrollable
# ancestor (inside the viewport) contains: content a reader on a phone cannot reach.
OVERFLOW_JS = """() => {
  const art = document.querySelector('article.md-content__inner');
  const vw = document.documentElement.clientWidth;
  const out = [];
  if (document.documentElement.scrollWidth > vw + 1)
    out.push(`the page is ${document.documentElement.scrollWidth} px wide`);
  for (const el of art.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= vw + 1) continue;
    let a = el.parentElement, contained = false;
    while (a && a !== art.parentElement) {
      const x = getComputedStyle(a).overflowX;
      if ((x === 'auto' || x === 'scroll') && a.getBoundingClientRect().right <= vw + 1) {
        contained = true;
        break;
      }
      a = a.parentElement;
    }
    if (!contained) out.push(`<${el.tagName.toLowerCase()} class="${el.className}"> ends at ${Math.round(r.right)} px`);
  }
  return out.slice(0, 3);
}"""

# Table cells whose style lets the browser break a word anywhere ("recommendatio/n").
BREAKING_CELLS_JS = """() => [...document.querySelectorAll(
    'article td, article th, article td a, article th a, article td code, article th code')]
  .map(c => getComputedStyle(c))
  .filter(s => s.wordBreak === 'break-all' || s.overflowWrap === 'anywhere'
               || s.wordBreak === 'break-word' || s.overflowWrap === 'break-word').length"""

# her2guide._site.notebook_markdown renders code cells as highlighted ``python`` fences and
# rich outputs inside ``div.nb-output``.
NOTEBOOK_JS = """() => {
  const art = document.querySelector('article.md-content__inner');
  const outputs = [...art.querySelectorAll('.nb-output')];
  return {code: art.querySelectorAll('div.highlight').length, outputs: outputs.length,
          text: outputs.map(o => o.innerText).join(' ')};
}"""


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


@dataclass
class PageAudit:
    console: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    violations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # by scheme
    phone: list[str] = field(default_factory=list)  # what a 390 px reader cannot reach
    notebook: dict[str, Any] | None = None  # scenario pages: code and output counts, text


def axe_violations(page: Page, context: str, options: dict[str, Any]) -> list[dict[str, Any]]:
    """The serious or critical axe violations in ``context`` (``"document"`` or a selector)."""
    found = page.evaluate(
        "([context, options]) => axe.run(context === 'document' ? document : "
        "{include: [[context]]}, options)",
        [context, options],
    )
    return [v for v in found["violations"] if v.get("impact") in BLOCKING_IMPACTS]


def axe_findings(page: Page, scheme: str, *, chrome: bool) -> list[dict[str, Any]]:
    """Serious or critical violations on the loaded page in ``scheme`` (already applied):
    with ``chrome``, every rule of the scheme on the whole document; otherwise colour rules
    on the article only, and (light) every other rule on the whole document."""
    if chrome:
        return axe_violations(page, "document", AXE_OPTIONS[scheme])
    found = axe_violations(page, ARTICLE, _COLOUR_ONLY)
    if scheme == "light":
        found += axe_violations(page, "document", _NOT_COLOUR)
    return found


def audit_page(page: Page, path: str, axe_source: str, *, viewport: ViewportSize) -> PageAudit:
    """Everything the page-wide tests read about ``path``, from one load of it."""
    open_page(page, path, settle=False)
    page.evaluate(axe_source)
    audit = PageAudit()
    for scheme in ("light", "dark"):
        apply_scheme(page, scheme)
        audit.violations[scheme] = axe_findings(page, scheme, chrome=path in CHROME_PAGES)
    if path.startswith("scenarios/"):
        audit.notebook = page.evaluate(NOTEBOOK_JS)
    page.set_viewport_size(PHONE)
    audit.phone = [str(p) for p in page.evaluate(OVERFLOW_JS)]
    if n := page.evaluate(BREAKING_CELLS_JS):
        audit.phone.append(f"{n} table cell(s) may break words mid-word")
    page.set_viewport_size(viewport)
    return audit


def format_violation(path: str, v: dict[str, Any]) -> str:
    targets = [", ".join(n.get("target", [])) for n in v.get("nodes", [])]
    shown = "; ".join(targets[:4]) + (f"; … {len(targets) - 4} more" if len(targets) > 4 else "")
    return f"/{path}: [{v['impact']}] {v['id']}: {v['help']} — {len(targets)} node(s): {shown}"
