"""MkDocs hook for the her2guide site: a shim over :class:`her2guide._site.build.SiteBuild`.

MkDocs loads this file by path; everything it does lives in the package. The build's
state is a :class:`SiteBuild` created in ``on_config`` and kept on the config, so this
module holds none. A placeholder error becomes a :class:`PluginError` naming the page.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from her2guide._site import RenderError
from her2guide._site.build import SiteBuild
from her2guide._site.navigator import NavigatorBuildError


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    SiteBuild.for_config(config).configure(config.extra, config.nav)
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    build = SiteBuild.of(config)
    for uri, content in build.generated_files().items():
        existing = files.get_file_from_path(uri)
        if existing is not None:
            files.remove(existing)
        if isinstance(content, Path):
            files.append(File.generated(config, uri, abs_src_path=str(content)))
        else:
            files.append(File.generated(config, uri, content=content))
    pages = [(f.src_uri, f.name, f.content_string) for f in files.documentation_pages()]
    try:
        build.collect(pages, config.extra)
    except RenderError as exc:
        raise PluginError(f"her2guide: {exc}") from None
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    try:
        return SiteBuild.of(config).page_markdown(markdown, page.file.src_uri, config.extra)
    except RenderError as exc:
        raise PluginError(f"her2guide: {exc}") from None


def on_post_build(config: MkDocsConfig) -> None:
    try:
        SiteBuild.of(config).post_build(Path(config.site_dir))
    except NavigatorBuildError as exc:
        raise PluginError(str(exc)) from None
