"""MkDocs hook: keep long reference pages light enough for a phone (Lighthouse mobile).

- ``toc_depth`` in a page's front matter (e.g. ``toc_depth: 2`` on the API reference) keeps
  the page's table of contents to headings of that level and above. The theme draws the table
  of contents twice (the sidebar, and the navigation drawer on phones), so the API page's
  hundred attribute headings cost about 700 elements there; the headings and their anchors
  stay in the page, only the contents list is shorter. A bad value stops the build with a message
  naming the page, the key, the value and what is allowed.
- mkdocstrings links its stylesheet into every page; only pages that carry API documentation
  (``class="doc doc-…"``) keep it, so the others have one render-blocking request fewer.
"""

from __future__ import annotations

import re
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink


def _trim(items: list[AnchorLink], depth: int) -> None:
    for item in items:
        if item.level >= depth:
            item.children = []
        else:
            _trim(item.children, depth)


def on_page_context(context: dict[str, Any], page: Page, **_: Any) -> dict[str, Any]:
    depth = page.meta.get("toc_depth")
    if depth is not None:
        if isinstance(depth, bool) or not isinstance(depth, int) or not 1 <= depth <= 6:
            raise PluginError(
                f"{page.file.src_uri}: front matter toc_depth={depth!r}: "
                "expected a heading level, an integer from 1 to 6"
            )
        _trim(list(page.toc.items), depth)
    return context


_MKDOCSTRINGS_CSS = re.compile(r'<link rel="stylesheet" href="[^"]*assets/_mkdocstrings\.css">\s*')


def on_post_page(output: str, **_: Any) -> str:
    if 'class="doc doc-' in output:
        return output
    return _MKDOCSTRINGS_CSS.sub("", output, count=1)
