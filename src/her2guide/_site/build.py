"""One ``mkdocs build`` of the site: everything it computes, on one object.

:class:`SiteBuild` is created by the MkDocs hook's ``on_config`` and kept on the build's
config (``config.extra["her2guide_build"]``), so nothing survives from one build to the
next (``mkdocs serve`` rebuilds from scratch). In order:

- :meth:`SiteBuild.configure` (``on_config``): the intended-use text for the theme, the
  decision table, the worked-scenario notebooks (executed once, see
  :mod:`her2guide._site.notebooks`) and their place in the navigation.
- :meth:`SiteBuild.add_files` (``on_files``): the generated scenario pages and sources, the
  decision-table data and the conformance vectors; then every page is expanded **once**
  (the result is kept for :meth:`page_markdown`) to learn which page cites which reference.
  Only pages that show the reference list wait until every other page is expanded.
- :meth:`SiteBuild.page_markdown` (``on_page_markdown``): the kept expansion, or the
  scenario page with its navigator link and footer.
- :meth:`SiteBuild.post_build` (``on_post_build``): the navigator's runtime.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from mkdocs.utils import meta

from .. import INTENDED_USE, __version__
from .._catalogue import Catalogue, load_catalogue
from .._scenario import scenario_json_schema
from .._table import build_table
from . import navigator, navigator_form
from .algorithm import check_rule_sections
from .citations import mentioned_references
from .decision_table import TABLE_DIR
from .interop import CONFORMANCE_ZIP
from .notebooks import notebook_paths, render_notebooks
from .page import ALGORITHM_PAGE, PLACEHOLDER, Page, ScenarioLink, page_title
from .scenarios import scenario_footer

__all__ = ["BUILD_KEY", "NAVIGATOR_PAGE", "SiteBuild"]

log = logging.getLogger("mkdocs.hooks.her2guide")

#: where the hook keeps this build's :class:`SiteBuild` (``config.extra[BUILD_KEY]``)
BUILD_KEY: Final = "her2guide_build"
NAVIGATOR_PAGE: Final = "navigator.md"
#: placeholders whose output depends on every other page having been expanded
_DEFERRED: Final = frozenset({"references"})


@dataclass
class SiteBuild:
    """The state of one site build.

    Args:
        root: the checkout (the folder of ``mkdocs.yml``): notebooks, ``.cache/``,
            ``node_modules/``.
        cat: the catalogue, loaded once for the whole build.
    """

    root: Path
    cat: Catalogue
    scenarios: list[ScenarioLink] = field(default_factory=list)
    sources: dict[str, Path] = field(default_factory=dict)  # generated src_uri -> file
    cited_by: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    navigator_links: dict[str, str] = field(default_factory=dict)  # src_uri -> "#s=…"
    table_files: dict[str, bytes] = field(default_factory=dict)
    expanded: dict[str, tuple[str, str]] = field(default_factory=dict)  # src_uri -> (in, out)
    tmp: Path | None = None

    @classmethod
    def for_config(cls, config: Any) -> SiteBuild:
        """A new build for an MkDocs config, kept on it (``config.extra[BUILD_KEY]``)."""
        build = cls(Path(config.config_file_path).parent, load_catalogue())
        config.extra[BUILD_KEY] = build
        return build

    @staticmethod
    def of(config: Any) -> SiteBuild:
        """The build that :meth:`for_config` kept on ``config``."""
        build = config.extra.get(BUILD_KEY)
        if not isinstance(build, SiteBuild):
            raise RuntimeError("her2guide: on_config did not run for this build")
        return build

    def page(self, src_uri: str, extra: Mapping[str, object]) -> Page:
        return Page(
            src_uri, self.cat, scenarios=self.scenarios, cited_by=self.cited_by, extra=extra
        )

    # ------------------------------------------------------------------ on_config

    def configure(self, extra: MutableMapping[str, Any], nav: list[Any] | None) -> None:
        extra["intended_use"] = INTENDED_USE  # the banner on every page
        self._decision_table(extra)
        extra["her2guide_version"] = __version__  # shown in the footer
        self._notebooks()
        if self.scenarios and nav:
            for i, item in enumerate(nav):
                if isinstance(item, dict) and isinstance(item.get("Scenarios"), str):
                    pages = [{"Overview": item["Scenarios"]}] + [
                        {s.title: s.src_uri} for s in self.scenarios
                    ]
                    nav[i] = {"Scenarios": pages}

    @property
    def notebook_folder(self) -> Path:
        """The worked-scenario notebooks (``<root>/notebooks``)."""
        return self.root / "notebooks"

    @property
    def notebook_cache(self) -> Path:
        """Where executed notebooks are kept (shared with ``tests/test_notebooks.py``)."""
        return self.root / ".cache" / "notebooks"

    def _notebooks(self) -> None:
        folder = self.notebook_folder
        paths = notebook_paths(folder)
        if not paths:
            log.info(
                "her2guide: no notebooks in %s; building without worked-scenario pages", folder
            )
            return
        self.tmp = Path(tempfile.mkdtemp(prefix="her2guide-scenarios-"))
        for nb in render_notebooks(self.tmp, self.cat, paths, self.notebook_cache):
            uri = f"scenarios/{nb.stem}.md"
            self.scenarios.append(ScenarioLink(nb.stem, nb.title, nb.rules, uri))
            self.sources[uri] = nb.md_path
            self.sources[f"scenarios/{nb.stem}.py"] = nb.py_path
            found = navigator.notebook_scenario(nb.py_path)
            if found is not None:
                self.navigator_links[uri] = "#" + navigator.fragment(found)

    def _decision_table(self, extra: MutableMapping[str, Any]) -> None:
        """Evaluate the decision table (cached in ``.cache/`` by a hash of package source + data)."""
        # A cold evaluation takes about half a minute on two cores: say so before it starts.
        log.info("her2guide: decision table: evaluating the classes (or reading .cache/) …")
        result = build_table(cache_dir=self.root / ".cache")
        self.table_files = {f"{TABLE_DIR}/{k}": v for k, v in result.files.items()}
        largest = max(
            (k for k in result.files if k != "index.json"), key=lambda k: len(result.files[k])
        )
        extra["decision_table"] = {
            "dir": TABLE_DIR,
            "script": "assets/javascripts/decision-table.js",
            "loads": [f"{TABLE_DIR}/index.json", f"{TABLE_DIR}/{largest}"],
            "classes": result.classes,
            "answers": result.answers,
        }
        log.info(
            "her2guide: decision table: %d classes, %d answers (%s)",
            result.classes,
            result.answers,
            "cached" if result.cached else f"evaluated in {result.seconds:.1f} s",
        )

    # ------------------------------------------------------------------ on_files

    def generated_files(self) -> dict[str, bytes | Path]:
        """Every file the build adds to the site: ``src_uri`` → content or source file."""
        from .._conformance import vectors_zip

        out: dict[str, bytes | Path] = dict(self.table_files)
        out.update(self.sources)
        out[CONFORMANCE_ZIP] = vectors_zip()
        return out

    def collect(self, pages: list[tuple[str, str, str]], extra: Mapping[str, object]) -> None:
        """Expand every page once (``(src_uri, file name, source text)``) and record which
        page cites which reference; pages showing the reference list are expanded last."""
        self.cited_by.clear()
        scenario_uris = {s.src_uri for s in self.scenarios}
        for src_uri, name, text in pages:
            if src_uri in scenario_uris:
                cited = mentioned_references(text, self.cat)
            else:
                markdown, _ = meta.get_data(text)
                if _DEFERRED & {m.group(1) for m in PLACEHOLDER.finditer(markdown)}:
                    continue  # its placeholders need every other page's citations
                page = self.page(src_uri, extra)
                self.expanded[src_uri] = (markdown, self._expand(page, markdown))
                cited = set(page.cited)
            title = page_title(text, name)
            for rid in sorted(cited):
                self.cited_by.setdefault(rid, []).append((title, src_uri))

    # ------------------------------------------------------------------ on_page_markdown

    def page_markdown(self, markdown: str, src_uri: str, extra: Mapping[str, object]) -> str:
        page = self.page(src_uri, extra)
        stem = next((s.stem for s in self.scenarios if s.src_uri == src_uri), None)
        if stem is not None:
            link = self.navigator_links.get(src_uri)
            if link:  # "Open in the navigator", pre-filled with the notebook's scenario
                # Raw HTML: MkDocs would report "#s=…" as a missing anchor of navigator.md.
                nav = page.link(NAVIGATOR_PAGE).removesuffix(".md") + ".html" + link
                markdown += (
                    f'\n\n<p class="h2g-open-navigator"><strong><a href="{nav}">Open in the '
                    "navigator</a></strong> — this scenario, pre-filled, to change and rerun in "
                    "your browser.</p>\n"
                )
            return markdown + "\n" + scenario_footer(page, stem) + "\n"
        kept = self.expanded.get(src_uri)
        if kept is not None and kept[0] == markdown:
            return kept[1]
        return self._expand(page, markdown)

    def _expand(self, page: Page, markdown: str) -> str:
        if page.src_uri == NAVIGATOR_PAGE:
            schema = scenario_json_schema()
            block = navigator_form.page_html(schema, self.cat, INTENDED_USE)
            markdown = markdown.replace("<!-- her2guide:navigator -->", block)
            markdown = markdown.replace(
                "<!-- her2guide:agent-names -->", navigator_form.agent_names_markdown(self.cat)
            )
            markdown = markdown.replace(
                "<!-- her2guide:field-definitions -->",
                navigator_form.field_definitions_html(scenario_json_schema(self.cat)),
            )
        if page.src_uri == ALGORITHM_PAGE:
            for problem in check_rule_sections(markdown, page.rules):
                log.warning("her2guide: %s: %s", page.src_uri, problem)
        return page.expand(markdown)

    # ------------------------------------------------------------------ on_post_build

    def post_build(self, site_dir: Path) -> None:
        # The navigator's runtime: Pyodide from node_modules and a wheel of this checkout.
        navigator.copy_runtime(site_dir, self.root)
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None
