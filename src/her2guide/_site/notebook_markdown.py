"""An executed worked-scenario notebook as a Markdown page for the site.

Markdown cells verbatim, code cells as ``python`` fences, rich ``text/markdown`` outputs
inside ``<div class="nb-output" markdown>`` (excluded from the site search), plain text in
``text`` fences; the page opens with a summary card (:func:`summary_card`) after its title.
Execution (and its cache) is :mod:`her2guide._site.notebooks`.
"""

from __future__ import annotations

from typing import Any, Final

from .._catalogue import Catalogue

__all__ = ["INTENDED_USE_NOTE", "notebook_to_markdown", "summary_card"]

INTENDED_USE_NOTE: Final = (
    "Educational reference for healthcare professionals. Not a medical device and not medical "
    "advice: verify against current labels and guidelines and apply clinical judgement."
)


def _fence(body: str, lang: str) -> str:
    ticks = "```"
    while ticks in body:
        ticks += "`"
    return f"{ticks}{lang}\n{body.rstrip()}\n{ticks}"


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def _output_md(output: Any) -> str:
    kind = output.get("output_type")
    if kind == "stream":
        body = _text(output.get("text"))
        return _fence(body, "text") if body.strip() else ""
    if kind in ("display_data", "execute_result"):
        data = output.get("data", {})
        if "text/markdown" in data:
            body = _text(data["text/markdown"]).strip()
            if not body:
                return ""
            if _answer_of(output) is not None:
                return _collapsible_report(body)
            return f'<div class="nb-output" markdown data-search-exclude>\n\n{body}\n\n</div>'
        if "text/plain" in data:
            body = _text(data["text/plain"])
            return _fence(body, "text") if body.strip() else ""
    return ""


def _rules_of(output: Any) -> list[str]:
    """Rule IDs carried in an output's metadata by ``Recommendation._repr_markdown_``.

    IPython stores the metadata returned with a ``_repr_markdown_`` under the MIME type:
    ``output.metadata["text/markdown"]["her2guide"]["rules"]``. A top-level
    ``output.metadata["her2guide"]`` (from ``display(..., metadata=...)``) is accepted too.
    """
    meta = output.get("metadata") or {}
    rules: list[str] = []
    for holder in (meta.get("text/markdown") or {}, meta):
        found = (holder.get("her2guide") or {}).get("rules") or []
        rules.extend(str(r) for r in found)
    return rules


def _title(nb: Any, stem: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return str(line[2:].strip())
    return stem


def _header(stem: str) -> str:
    # Boilerplate, the same on every scenario page: kept out of the search index.
    return "\n".join(
        [
            '<div class="h2g-nb-note" markdown data-search-exclude>',
            "",
            f"> [Download this notebook]({stem}.py) (a plain Python file in jupytext percent "
            "format). To run it locally with its outputs, install her2guide with Jupyter and "
            "jupytext, then run",
            f"> `jupytext --to notebook notebooks/{stem}.py` and open `notebooks/{stem}.ipynb` in "
            f"Jupyter. `python notebooks/{stem}.py` also runs every step and every `assert` "
            "(it stops with an error if an expected answer no longer holds), but shows no "
            "tables: bare expressions only display inside Jupyter.",
            ">",
            f"> *{INTENDED_USE_NOTE}* The outputs below were produced by running this notebook "
            "against the current her2guide code and data when the site was built.",
            "",
            "</div>",
        ]
    )


def notebook_to_markdown(nb: Any, stem: str, cat: Catalogue) -> tuple[str, str, list[str]]:
    """Turn an executed notebook into ``(title, markdown, rules)``.

    The page opens with a summary card (:func:`summary_card`) after its title.
    """
    title = _title(nb, stem)
    card = summary_card(nb, cat)
    parts: list[str] = []
    rules: set[str] = set()
    header_done = False
    for cell in nb.cells:
        source = cell.source.strip("\n")
        tags = set(cell.get("metadata", {}).get("tags", []))
        if "remove-cell" in tags:
            continue
        if "remove-input" in tags:
            source = ""
        if cell.cell_type == "markdown":
            if not header_done:
                lines = source.splitlines()
                if lines and lines[0].startswith("# "):
                    parts += [lines[0], card, _header(stem)]
                    rest = "\n".join(lines[1:]).strip("\n")
                    if rest:
                        parts.append(rest)
                else:
                    parts += [f"# {title}", card, _header(stem), source]
                header_done = True
            elif source.strip():
                parts.append(source)
            continue
        if cell.cell_type != "code":
            continue
        if not header_done:
            parts += [f"# {title}", card, _header(stem)]
            header_done = True
        if source.strip():
            parts.append(_fence(source, "python"))
        for output in cell.get("outputs", []):
            rules.update(_rules_of(output))
            md = _output_md(output)
            if md:
                parts.append(md)
    return title, "\n\n".join(p for p in parts if p).rstrip() + "\n", sorted(rules)


def _her2guide_meta(output: Any) -> dict[str, Any]:
    meta = output.get("metadata") or {}
    for holder in (meta.get("text/markdown") or {}, meta):
        found = holder.get("her2guide")
        if isinstance(found, dict):
            return found
    return {}


def _answer_of(output: Any) -> dict[str, Any] | None:
    """The brief answer a ``Recommendation`` display carries (``Recommendation.summary``)."""
    answer = _her2guide_meta(output).get("answer")
    return answer if isinstance(answer, dict) else None


def _variants_of(output: Any) -> list[dict[str, Any]]:
    """The labelled brief answers a ``Notebook.compare`` table carries."""
    found = _her2guide_meta(output).get("variants") or []
    return [v for v in found if isinstance(v, dict)]


def _collapsible_report(body: str) -> str:
    """A full recommendation report, folded: the summary card already gives its answer."""
    return "\n".join(
        [
            '<details class="note h2g-report" markdown data-search-exclude>',
            "<summary>Full recommendation: options, sources, exclusions, alerts, trace</summary>",
            "",
            '<div class="nb-output" markdown>',
            "",
            body,
            "",
            "</div>",
            "</details>",
        ]
    )


def _brief(answer: dict[str, Any], short: dict[str, str]) -> str:
    """One line: line of therapy (per source when they differ), preferred, alerts."""
    if not answer.get("in_scope", True):
        return "out of scope for her2guide"
    line = answer.get("line")
    by_source = answer.get("line_by_source") or {}
    text = f"line {line}" if line else "line not set"
    if by_source and len(set(by_source.values())) > 1:
        text += " (" + "; ".join(f"{k}: {v}" for k, v in by_source.items()) + ")"
    preferred = [short.get(r, r) for r in answer.get("preferred") or []]
    text += " · preferred: " + (", ".join(f"**{p}**" for p in preferred) or "none")
    alerts = answer.get("alerts") or []
    if alerts:
        text += " · alerts: " + ", ".join(f"`{a}`" for a in dict.fromkeys(alerts))
    return text


def summary_card(nb: Any, cat: Catalogue) -> str:
    """The card a scenario page opens with, built from the executed notebook alone.

    - *Patient*: ``her2guide.patient`` in the notebook's jupytext header (one line).
    - *Answer*: the first recommendation the notebook displays (its ``answer`` metadata),
      or else the first row of its first comparison table.
    - *What would change it*: every row of the notebook's comparison tables whose
      answer differs from the main one, with the label the notebook gives it.

    Returns ``""`` when the notebook displays no recommendation.
    """
    answer: dict[str, Any] | None = None
    variants: list[dict[str, Any]] = []
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            found = _answer_of(output)
            if found is not None and answer is None and not variants:
                answer = found
            variants.extend(_variants_of(output))
    if answer is None and variants:
        answer = variants[0]
    if answer is None:
        return ""
    short = {rid: reg.short for rid, reg in cat.regimens.items()}
    patient = str((nb.metadata.get("her2guide") or {}).get("patient") or "").strip()
    key = ("in_scope", "line", "line_by_source", "preferred", "alerts")
    main = tuple(str(answer.get(k)) for k in key)
    seen: set[tuple[str, ...]] = {main}
    changes: list[str] = []
    for v in variants:
        sig = tuple(str(v.get(k)) for k in key)
        if sig in seen:
            continue
        seen.add(sig)
        changes.append(f"    - *{v.get('label', '')}*: {_brief(v, short)}")
    lines = ['!!! abstract h2g-summary "In brief"', ""]
    if patient:
        lines.append(f"    **Patient:** {patient}")
        lines.append("")
    lines.append(f"    **Answer:** {_brief(answer, short)}")
    if changes:
        lines += ["", "    **What would change it:**", "", *changes]
    return "\n".join(lines)
