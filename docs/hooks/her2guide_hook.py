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
from her2guide import _render

log = logging.getLogger("mkdocs.hooks.her2guide")

_scenarios: list[_render.ScenarioLink] = []
_sources: dict[str, Path] = {}  # src_uri -> file to serve (generated pages and .py sources)
_cited_by: dict[str, list[tuple[str, str]]] = {}
_tmp: Path | None = None


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
    config.extra["her2guide_version"] = her2guide.__version__  # shown in the footer
    _scenarios.clear()
    _sources.clear()
    for nb in _render_notebooks(config):
        uri = f"scenarios/{nb['stem']}.md"
        _scenarios.append(_render.ScenarioLink(nb["stem"], nb["title"], tuple(nb["rules"]), uri))
        _sources[uri] = Path(nb["md_path"])
        _sources[f"scenarios/{nb['stem']}.py"] = Path(nb["py_path"])
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


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for uri, path in _sources.items():
        existing = files.get_file_from_path(uri)
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, uri, abs_src_path=str(path)))
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


def _page(src_uri: str, config: MkDocsConfig) -> _render.Page:
    return _render.Page(src_uri, scenarios=_scenarios, cited_by=_cited_by, extra=config.extra)


def on_page_markdown(markdown: str, page: MkPage, config: MkDocsConfig, files: Files) -> str:
    renderer = _page(page.file.src_uri, config)
    stem = next((s.stem for s in _scenarios if s.src_uri == page.file.src_uri), None)
    if stem is not None:
        return markdown + "\n" + renderer.scenario_footer(stem) + "\n"
    if page.file.src_uri == _render.ALGORITHM_PAGE:
        for problem in _render.check_rule_sections(markdown, renderer.rules):
            log.warning("her2guide: %s: %s", page.file.src_uri, problem)
    try:
        return renderer.expand(markdown)
    except _render.RenderError as exc:
        raise PluginError(f"her2guide: {exc}") from None


def on_post_build(config: MkDocsConfig) -> None:
    global _tmp
    if _tmp is not None:
        shutil.rmtree(_tmp, ignore_errors=True)
        _tmp = None
