"""The worked-scenario pages: ``scenario_index``, ``scenario_link`` and the footer appended
to each generated scenario page (:func:`scenario_footer`)."""

from __future__ import annotations

import posixpath

from .page import ALGORITHM_PAGE, Page, RenderError, placeholder

__all__: list[str] = []


@placeholder
def scenario_index(page: Page) -> str:
    """The list of worked-scenario pages and the rules each exercises."""
    if not page.scenarios:
        return (
            "*No worked scenarios have been rendered into this build yet. "
            "They appear here once the notebooks in `notebooks/` are rendered.*"
        )
    rows = ["| Scenario | Rules exercised | Source |", "|---|---|---|"]
    for s in page.scenarios:
        rules = ", ".join(
            f"[`{rid}`]({page.link(f'{ALGORITHM_PAGE}#{rid.lower()}')})"
            if any(r.id == rid for r in page.rules)
            else f"`{rid}`"
            for rid in s.rules
        )
        py = posixpath.splitext(s.src_uri)[0] + ".py"
        rows.append(
            f"| [{s.title}]({page.link(s.src_uri)}) | {rules or '—'} "
            f"| [{s.stem}.py]({page.link(py)}) |"
        )
    return "\n".join(rows)


@placeholder
def scenario_link(page: Page, stem: str, text: str = "") -> str:
    """A link to a worked-scenario page; plain text when notebooks are not rendered."""
    s = next((x for x in page.scenarios if x.stem == stem), None)
    if s is None:
        return f"*{text or stem}*"
    return f"[{text or s.title}]({page.link(s.src_uri)})"


@placeholder
def scenario_footer(page: Page, stem: str) -> str:
    """Appended to a generated scenario page: download link and rule links."""
    s = next((x for x in page.scenarios if x.stem == stem), None)
    if s is None:
        raise RenderError(f"unknown scenario {stem!r}")
    rules = ", ".join(
        f"[`{rid}`]({page.link(f'{ALGORITHM_PAGE}#{rid.lower()}')})"
        for rid in s.rules
        if any(r.id == rid for r in page.rules)
    )
    py = posixpath.basename(posixpath.splitext(s.src_uri)[0] + ".py")
    return "\n".join(
        [
            "",
            "---",
            "",
            f"**Notebook source:** [{py}]({py}) (jupytext percent format; run it with the "
            "public `her2guide` API).  ",
            f"**Rules exercised:** {rules or '—'}",
        ]
    )
