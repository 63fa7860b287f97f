"""MkDocs hook for the her2guide site: a thin layer over ``her2guide._render``.

- ``on_config``: share the intended-use text with the theme (the banner on every page),
  render the worked-scenario notebooks when ``tools/notebook_pages.py`` exists, and put
  the scenario pages into the navigation.
- ``on_files``: add the rendered scenario pages and their ``.py`` sources as generated files,
  and collect which page cites which reference (for the reference list).
- ``on_page_markdown``: expand ``{{ placeholders }}`` with ``her2guide._render.Page``.

The notebook renderer is optional: without it the build still passes ``--strict`` and the
scenario index says that no scenarios are rendered yet. ``HER2GUIDE_NOTEBOOK_PAGES`` may
point at another module file (the docs tests use this).
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page as MkPage

import her2guide
from her2guide import _render, _table

log = logging.getLogger("mkdocs.hooks.her2guide")

_scenarios: list[_render.ScenarioLink] = []
_sources: dict[str, Path] = {}  # src_uri -> file to serve (generated pages and .py sources)
_cited_by: dict[str, list[tuple[str, str]]] = {}
_tmp: Path | None = None
_NAVIGATOR_PAGE = "navigator.md"
_navigator_links: dict[str, str] = {}  # scenario src_uri -> "#s=..." of its first scenario


@functools.cache
def _navigator() -> Any:
    """``tools/navigator.py`` (form, wheel, Pyodide files), loaded like the notebook renderer."""
    path = Path(__file__).resolve().parents[2] / "tools" / "navigator.py"
    spec = importlib.util.spec_from_file_location("her2guide_navigator", path)
    if spec is None or spec.loader is None:
        raise PluginError(f"her2guide: cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_table_files: dict[str, bytes] = {}
TABLE_DIR = "assets/decision-table"


def _notebook_module(config: MkDocsConfig) -> Path:
    default = Path(config.config_file_path).parent / "tools" / "notebook_pages.py"
    return Path(os.environ.get("HER2GUIDE_NOTEBOOK_PAGES", default))


def _render_notebooks(config: MkDocsConfig) -> list[dict[str, Any]]:
    global _tmp
    path = _notebook_module(config)
    if not path.is_file():
        log.info("her2guide: %s not found; building without worked-scenario pages", path)
        return []
    spec = importlib.util.spec_from_file_location("her2guide_notebook_pages", path)
    if spec is None or spec.loader is None:
        raise PluginError(f"her2guide: cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    _tmp = Path(tempfile.mkdtemp(prefix="her2guide-scenarios-"))
    return list(module.render_notebooks(_tmp))


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    config.extra["intended_use"] = _render.Page("index.md").intended_use()
    _build_decision_table(config)
    config.extra["her2guide_version"] = her2guide.__version__  # shown in the footer
    _scenarios.clear()
    _sources.clear()
    _navigator_links.clear()
    for nb in _render_notebooks(config):
        uri = f"scenarios/{nb['stem']}.md"
        _scenarios.append(_render.ScenarioLink(nb["stem"], nb["title"], tuple(nb["rules"]), uri))
        _sources[uri] = Path(nb["md_path"])
        _sources[f"scenarios/{nb['stem']}.py"] = Path(nb["py_path"])
        found = _navigator().notebook_scenario(Path(nb["py_path"]))
        if found is not None:
            _navigator_links[uri] = "#" + _navigator().fragment(found)
    if _scenarios and config.nav:
        for i, item in enumerate(config.nav):
            if (
                isinstance(item, dict)
                and "Scenarios" in item
                and isinstance(item["Scenarios"], str)
            ):
                pages = [{"Overview": item["Scenarios"]}] + [
                    {s.title: s.src_uri} for s in _scenarios
                ]
                config.nav[i] = {"Scenarios": pages}
    return config


def _build_decision_table(config: MkDocsConfig) -> None:
    """Evaluate the decision table (cached in ``.cache/`` by a hash of package source + data)."""
    cache = Path(config.config_file_path).parent / ".cache"
    # A cold evaluation takes about half a minute on two cores: say so before it starts.
    log.info("her2guide: decision table: evaluating the classes (or reading .cache/) …")
    result = _table.build_table(cache_dir=cache)
    _table_files.clear()
    _table_files.update({f"{TABLE_DIR}/{k}": v for k, v in result.files.items()})
    largest = max(
        (k for k in result.files if k != "index.json"), key=lambda k: len(result.files[k])
    )
    config.extra["decision_table"] = {
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


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for uri, content in _table_files.items():
        files.append(File.generated(config, uri, content=content))
    for uri, path in _sources.items():
        existing = files.get_file_from_path(uri)
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, uri, abs_src_path=str(path)))
    _add_conformance_vectors(files, config)
    _cited_by.clear()
    scenario_uris = {s.src_uri for s in _scenarios}
    for f in files.documentation_pages():
        text = Path(f.abs_src_path).read_text(encoding="utf-8") if f.abs_src_path else ""
        page = _page(f.src_uri, config)
        if f.src_uri in scenario_uris:
            cited = _render.mentioned_references(text, page.cat)
        else:
            try:
                page.expand(text)
            except _render.RenderError as exc:
                raise PluginError(f"her2guide: {exc}") from None
            cited = set(page.cited)
        title = _render.page_title(text, f.name)
        for rid in sorted(cited):
            _cited_by.setdefault(rid, []).append((title, f.src_uri))
    return files


def _add_conformance_vectors(files: Files, config: MkDocsConfig) -> None:
    """The scenario table as JSON conformance vectors, offered as a zip download."""
    from her2guide._conformance import vectors_zip
    from her2guide._site_interop import CONFORMANCE_ZIP

    existing = files.get_file_from_path(CONFORMANCE_ZIP)
    if existing is not None:
        files.remove(existing)
    files.append(File.generated(config, CONFORMANCE_ZIP, content=vectors_zip()))


def _page(src_uri: str, config: MkDocsConfig) -> _render.Page:
    return _render.Page(src_uri, scenarios=_scenarios, cited_by=_cited_by, extra=config.extra)


def on_page_markdown(markdown: str, page: MkPage, config: MkDocsConfig, files: Files) -> str:
    renderer = _page(page.file.src_uri, config)
    stem = next((s.stem for s in _scenarios if s.src_uri == page.file.src_uri), None)
    if stem is not None:
        link = _navigator_links.get(page.file.src_uri)
        if link:  # "Open in the navigator", pre-filled with the notebook's scenario
            # Raw HTML: MkDocs would report "#s=…" as a missing anchor of navigator.md.
            nav = renderer.link(_NAVIGATOR_PAGE).removesuffix(".md") + ".html" + link
            markdown += (
                f'\n\n<p class="h2g-open-navigator"><strong><a href="{nav}">Open in the '
                "navigator</a></strong> — this scenario, pre-filled, to change and rerun in "
                "your browser.</p>\n"
            )
        return markdown + "\n" + renderer.scenario_footer(stem) + "\n"
    if page.file.src_uri == _NAVIGATOR_PAGE:
        from her2guide import load_catalogue, scenario_json_schema

        nav_mod, cat = _navigator(), load_catalogue()
        html_block = nav_mod.page_html(scenario_json_schema(), cat, config.extra["intended_use"])
        markdown = markdown.replace("<!-- her2guide:navigator -->", html_block)
        markdown = markdown.replace(
            "<!-- her2guide:agent-names -->", nav_mod.agent_names_markdown(cat)
        )
        markdown = markdown.replace(
            "<!-- her2guide:field-definitions -->",
            nav_mod.field_definitions_html(scenario_json_schema(cat)),
        )
    if page.file.src_uri == _render.ALGORITHM_PAGE:
        for problem in _render.check_rule_sections(markdown, renderer.rules):
            log.warning("her2guide: %s: %s", page.file.src_uri, problem)
    try:
        return renderer.expand(markdown)
    except _render.RenderError as exc:
        raise PluginError(f"her2guide: {exc}") from None


def on_post_build(config: MkDocsConfig) -> None:
    global _tmp
    # The navigator's runtime: Pyodide from node_modules and a wheel of this checkout.
    try:
        _navigator().copy_runtime(Path(config.site_dir))
    except RuntimeError as exc:
        raise PluginError(str(exc)) from None
    if _tmp is not None:
        shutil.rmtree(_tmp, ignore_errors=True)
        _tmp = None
