"""docs/hooks/page_budget.py: the ``toc_depth`` front-matter key of long reference pages."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest
from mkdocs.exceptions import PluginError
from mkdocs.structure.toc import get_toc

ROOT = Path(__file__).resolve().parents[1]


def _hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location("page_budget", ROOT / "docs/hooks/page_budget.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _page(meta: dict[str, Any]) -> Any:
    def heading(level: int, ident: str, children: list[Any]) -> dict[str, Any]:
        return {"level": level, "id": ident, "name": ident, "children": children}

    tokens = [
        heading(
            1,
            "api",
            [heading(2, "Recommendation", [heading(3, "Recommendation.preferred", [])])],
        )
    ]
    return SimpleNamespace(
        meta=meta,
        toc=get_toc(tokens),  # type: ignore[arg-type]  # plain dicts shaped like mkdocs' tokens
        file=SimpleNamespace(src_uri="api.md"),
    )


def test_toc_depth_2_keeps_classes_and_drops_their_attributes() -> None:
    """With ``toc_depth: 2`` a level-2 entry keeps its place and loses its level-3 children."""
    page = _page({"toc_depth": 2})
    _hook().on_page_context({}, page=page)
    (top,) = page.toc.items
    assert [c.id for c in top.children] == ["Recommendation"]
    assert top.children[0].children == []


def test_without_toc_depth_the_contents_list_is_untouched() -> None:
    """A page without the key keeps its level-3 entries."""
    page = _page({})
    _hook().on_page_context({}, page=page)
    kept = [c.id for c in page.toc.items[0].children[0].children]
    assert kept == ["Recommendation.preferred"]


@pytest.mark.parametrize("bad", ["2", 0, 7, True, 2.5])
def test_a_bad_toc_depth_names_the_page_the_key_the_value_and_what_is_allowed(bad: Any) -> None:
    """A wrong value stops the build with the page, the key, the value and the allowed range."""
    with pytest.raises(PluginError, match="toc_depth") as err:
        _hook().on_page_context({}, page=_page({"toc_depth": bad}))
    message = str(err.value)
    assert "api.md" in message
    assert f"toc_depth={bad!r}" in message
    assert "integer from 1 to 6" in message
