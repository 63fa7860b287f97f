"""The reference site cannot lie: docs == data == code.

- No dose or trial figure is typed into a page unless the data states it (see
  ``tests/test_typed_numbers.py``; pages use placeholders filled by ``her2guide._site``).
- The algorithm page has exactly one section per rule in ``her2guide.RULES``.
- Every ``pycon`` and ``console`` block in the docs runs and prints what the page shows.
- The built site (``mkdocs build --strict``) loads nothing from other hosts, shows the
  intended-use notice on every page, and keeps each trial analysis's figures together.
- The worked scenarios (``her2guide._site.notebooks``) are wired into the build.
"""

from __future__ import annotations

import doctest
import html
import html.parser
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

import her2guide
from her2guide import _site

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
DATA = ROOT / "src" / "her2guide" / "data"
GENERATED = DOCS / "scenarios"  # owned by the notebook renderer, not hand-written

FENCE = re.compile(
    r"^(?P<fence>```|~~~)(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)^(?P=fence)[ \t]*$", re.S | re.M
)
NUMBER = r"(\d[\d,]*(?:\.\d+)?)"
DOSE = re.compile(NUMBER + r"\s*(?:mg/kg|mg/m2|mg/m²|mg)(?![A-Za-z])")
FIGURES = (
    re.compile(r"\bHR\s*[=:]?\s*" + NUMBER),
    re.compile(NUMBER + r"\s*%"),
    re.compile(NUMBER + r"\s*(?:months?|mo)\b"),
)


def doc_pages() -> list[Path]:
    return sorted(p for p in DOCS.rglob("*.md") if GENERATED not in p.parents)


# Typed numbers (dose, %, months, HR by kind and by the trial they are written about, on pages,
# notebook Markdown and engine messages) are checked in tests/test_typed_numbers.py.


# --------------------------------------------------------------------------- rules == sections


def test_algorithm_page_has_one_section_per_rule() -> None:
    """The set of rule IDs in her2guide.RULES equals the set of rule sections on the algorithm page."""
    text = (DOCS / _site.ALGORITHM_PAGE).read_text(encoding="utf-8")
    assert {r.anchor for r in her2guide.RULES} == _site.rule_sections(text)
    assert _site.check_rule_sections(text) == []


def test_rule_anchors_are_the_section_ids_the_pages_link_to() -> None:
    """Two rules the pitfalls and scenario pages link to, by their literal section anchors."""
    by_id = {r.id: r.anchor for r in her2guide.RULES}
    assert by_id["CARDIO-LVEF-BELOW-40"] == "cardio-lvef-below-40"
    assert by_id["HIST-RESIDUAL-DISEASE"] == "hist-residual-disease"


def test_every_rule_section_renders_its_metadata() -> None:
    """Each rule section carries a {{ rule(...) }} placeholder for its own ID."""
    text = (DOCS / _site.ALGORITHM_PAGE).read_text(encoding="utf-8")
    placed = set(re.findall(r'\{\{\s*rule\("([A-Z0-9-]+)"\)\s*\}\}', text))
    assert {r.id for r in her2guide.RULES} == placed


# --------------------------------------------------------------------------- code blocks run


def code_blocks(lang: str) -> list[tuple[str, str]]:
    blocks = []
    for page in doc_pages():
        text = page.read_text(encoding="utf-8")
        for m in FENCE.finditer(text):
            if m.group("lang") == lang:
                line = text.count("\n", 0, m.start()) + 1
                blocks.append((f"{page.relative_to(DOCS)}:{line}", m.group("body")))
    return blocks


def test_docs_have_runnable_examples() -> None:
    """The docs show both API (pycon) and CLI (console) examples, so the tests below cover something."""
    assert code_blocks("pycon")
    assert code_blocks("console")


@pytest.mark.parametrize(
    ("where", "body"), code_blocks("pycon"), ids=[w for w, _ in code_blocks("pycon")]
)
def test_pycon_block_output_matches(where: str, body: str) -> None:
    """Every ```pycon block runs as a doctest and prints exactly what the page shows."""
    test = doctest.DocTestParser().get_doctest(body, {}, where, where, 0)
    assert test.examples, f"{where}: a pycon block without >>> examples"
    out: list[str] = []
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    result = runner.run(test, out=out.append)
    assert result.failed == 0, "".join(out)


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("her2guide")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from her2guide.cli import main; sys.exit(main())"]


def console_commands(body: str) -> list[tuple[str, str]]:
    """Split a console block into (command, expected output) pairs."""
    pairs: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            pairs.append((line[2:], []))
        elif pairs:
            pairs[-1][1].append(line)
    return [(cmd, "\n".join(out)) for cmd, out in pairs]


@pytest.mark.parametrize(
    ("where", "body"), code_blocks("console"), ids=[w for w, _ in code_blocks("console")]
)
def test_console_block_output_matches(where: str, body: str) -> None:
    """Every ```console block runs its `$ her2guide ...` commands and prints what the page shows."""
    commands = console_commands(body)
    assert commands, f"{where}: a console block without a `$ ` command"
    for command, expected in commands:
        argv = shlex.split(command)
        assert argv[0] == "her2guide", f"{where}: only her2guide commands are run, got {command!r}"
        done = subprocess.run(
            [*_cli(), *argv[1:]], capture_output=True, text=True, cwd=ROOT, timeout=120
        )
        actual = "\n".join(line.rstrip() for line in done.stdout.rstrip("\n").splitlines())
        shown = "\n".join(line.rstrip() for line in expected.rstrip("\n").splitlines())
        assert shown == actual, (
            f"{where}: `{command}` (exit {done.returncode}) printed:\n{done.stdout}{done.stderr}"
        )


# --------------------------------------------------------------------------- built site


def build_site(dest: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(dest)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built site. ``scripts/check.sh all`` has just built ``site/`` from this tree with
    ``mkdocs build --strict`` and says so (``HER2GUIDE_SITE_FRESH=1``): that build is reused
    rather than repeated. Anywhere else the site is built here, so a stale ``site/`` is never
    what these tests read."""
    fresh = Path(os.environ.get("HER2GUIDE_SITE_DIR", ROOT / "site"))
    if os.environ.get("HER2GUIDE_SITE_FRESH") == "1" and (fresh / "index.html").is_file():
        return fresh
    dest = tmp_path_factory.mktemp("site")
    done = build_site(dest)
    assert done.returncode == 0, f"mkdocs build --strict failed:\n{done.stderr}"
    return dest


_RESOURCE_LINK_RELS = {
    "stylesheet",
    "icon",
    "shortcut",
    "preload",
    "prefetch",
    "preconnect",
    "dns-prefetch",
    "modulepreload",
    "manifest",
    "apple-touch-icon",
    "mask-icon",
}


class _Resources(html.parser.HTMLParser):
    """Collects every URL a page would load by itself (not links a reader may follow)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self._style = False
        self.css: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "link" and set(a.get("rel", "").lower().split()) & _RESOURCE_LINK_RELS:
            self.urls.append(a.get("href", ""))
        if tag in {
            "script",
            "img",
            "iframe",
            "source",
            "audio",
            "video",
            "embed",
            "track",
            "input",
        }:
            self.urls.append(a.get("src", ""))
        if tag in {"img", "source"} and a.get("srcset"):
            self.urls += [part.split()[0] for part in a["srcset"].split(",") if part.strip()]
        if tag == "object":
            self.urls.append(a.get("data", ""))
        if tag == "image":  # SVG
            self.urls.append(a.get("href", "") or a.get("xlink:href", ""))
        if a.get("style"):
            self.css.append(a["style"])
        self._style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._style = False

    def handle_data(self, data: str) -> None:
        if self._style:
            self.css.append(data)


def css_urls(css: str) -> list[str]:
    found = re.findall(r"url\(\s*['\"]?([^'\")]+)", css)
    found += re.findall(r"@import\s+(?:url\()?\s*['\"]([^'\"]+)", css)
    return found


def is_external(url: str) -> bool:
    url = url.strip()
    if not url or url.startswith(("data:", "#")):
        return False
    m = re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//([^/:]+)", url, re.I)
    if m:
        return m.group(1) not in {"localhost", "127.0.0.1"}
    return bool(re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I))


def test_external_resource_detector() -> None:
    """The detector flags absolute and protocol-relative hosts and allows relative paths."""
    assert is_external("https://fonts.googleapis.com/css")
    assert is_external("//cdn.example/x.js")
    assert not any(
        is_external(u) for u in ("assets/x.js", "../a.css", "data:image/png;base64,x", "#h")
    )
    parser = _Resources()
    parser.feed(
        '<link rel="preconnect" href="https://fonts.gstatic.com"><a href="https://doi.org/x">x</a>'
    )
    assert parser.urls == ["https://fonts.gstatic.com"]


def test_built_site_loads_nothing_from_other_hosts(site: Path) -> None:
    """No page, stylesheet or font in the built site loads a resource from a non-local host."""
    offending = []
    for page in site.rglob("*.html"):
        parser = _Resources()
        parser.feed(page.read_text(encoding="utf-8"))
        urls = parser.urls + [u for css in parser.css for u in css_urls(css)]
        offending += [f"{page.relative_to(site)}: {u}" for u in urls if is_external(u)]
    for sheet in site.rglob("*.css"):
        urls = css_urls(sheet.read_text(encoding="utf-8"))
        offending += [f"{sheet.relative_to(site)}: {u}" for u in urls if is_external(u)]
    assert offending == []
    assert not list(site.rglob("*.woff*")), "web fonts should not be shipped (theme.font: false)"


def test_every_built_page_shows_the_intended_use(site: Path) -> None:
    """The intended-use notice (her2guide.INTENDED_USE) is on every HTML page."""
    missing = [
        str(p.relative_to(site))
        for p in site.rglob("*.html")
        if her2guide.INTENDED_USE not in p.read_text(encoding="utf-8")
    ]
    assert missing == []


def test_algorithm_page_has_inline_svg_linked_to_every_rule(site: Path) -> None:
    """The diagram is inline SVG (no Mermaid, no script) and links to every rule section."""
    page = (site / "algorithm.html").read_text(encoding="utf-8")
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="h2g-diagram"' in page
    assert "mermaid" not in page.lower()
    for rule in her2guide.RULES:
        assert f'href="#{rule.anchor}"' in page, rule.id
        assert f'id="{rule.anchor}"' in page, rule.id


def _analysis_blocks(page: str) -> list[str]:
    return page.split('class="h2g-analysis"')[1:]


def test_each_analysis_keeps_its_own_figures(site: Path) -> None:
    """On the evidence page every analysis is its own block: its figures sit beside its label
    and publication, and DESTINY-Breast03 shows its three analyses separately."""
    page = (site / "evidence.html").read_text(encoding="utf-8")
    blocks = [b.split("</div>")[0] for b in _analysis_blocks(page)]
    cat = her2guide.load_catalogue()
    for trial in cat.trials.values():
        for analysis in trial.analyses:
            mine = [
                b
                for b in blocks
                if html_escape(analysis.label) in b
                and html_escape(cat.references[analysis.reference].short) in b
            ]
            assert mine, f"{trial.id}/{analysis.id}: no block with its label and publication"
            for fig in analysis.figures:
                assert any(html_escape(fig.result) in b for b in mine), (
                    f"{analysis.id}: {fig.result}"
                )
    db03 = [
        b
        for b in blocks
        if "DESTINY-Breast03" in b
        or any(html_escape(a.label) in b for a in cat.trials["destiny-breast03"].analyses)
    ]
    assert len(db03) >= 3


def html_escape(text: str) -> str:
    return html.escape(text, quote=False)


def test_reference_list_has_an_anchor_per_reference(site: Path) -> None:
    """Every reference in references.toml has an entry (anchor) on the references page."""
    page = (site / "references.html").read_text(encoding="utf-8")
    missing = [rid for rid in her2guide.load_catalogue().references if f'id="{rid}"' not in page]
    assert missing == []


def test_search_index_is_built(site: Path) -> None:
    """Material's search plugin writes its index, so search works from a static server."""
    assert (site / "search" / "search_index.json").stat().st_size > 1000


# --------------------------------------------------------------------------- scenario interface


def test_notebook_pages_are_wired_into_the_site(site: Path) -> None:
    """The worked scenarios are wired into the strict build: the early-relapse notebook
    (``notebooks/02-early-relapse.py``) has a page and its .py source, the scenario index
    links both, the LINE-EARLY-RELAPSE section of the algorithm page and the reference
    list link the page, and the page links its own source."""
    assert (site / "scenarios" / "02-early-relapse.html").is_file()
    assert (site / "scenarios" / "02-early-relapse.py").read_bytes() == (
        ROOT / "notebooks" / "02-early-relapse.py"
    ).read_bytes()
    index = (site / "scenarios.html").read_text(encoding="utf-8")
    assert 'href="scenarios/02-early-relapse.html"' in index
    assert 'href="scenarios/02-early-relapse.py"' in index
    algorithm = (site / "algorithm.html").read_text(encoding="utf-8")
    section = algorithm.split('id="line-early-relapse"')[1].split('id="line-late-relapse"')[0]
    assert 'href="scenarios/02-early-relapse.html"' in section
    references = (site / "references.html").read_text(encoding="utf-8")
    assert 'href="scenarios/02-early-relapse.html"' in references
    scenario = (site / "scenarios" / "02-early-relapse.html").read_text(encoding="utf-8")
    assert 'href="02-early-relapse.py"' in scenario
