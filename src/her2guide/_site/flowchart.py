"""The clinical flowchart on the algorithm page, generated from the decision data.

Where :func:`her2guide._site.algorithm.algorithm_svg` draws the engine's rule pipeline, this draws
what a clinician recognises (NCCN/ESMO style): de novo or relapse, each source's relapse
window, first line → progression → second line → third line and beyond with the regimens
each line lists (``decisions.toml`` option tables, current rows only), and the modifiers
(brain metastases, ILD, LVEF, pregnancy, HR-positive) as branches. Every node links to the
rule section that explains it. One column, 360 units wide, so it is legible at 390 px; the
text alternative (:func:`flowchart_text`) says the same in a nested list.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

from .._catalogue import Catalogue
from .._engine import RULES
from .page import ALGORITHM_PAGE, Page, placeholder

__all__ = ["flowchart_svg", "flowchart_text"]

_WIDTH = 360
_CHAR_PX = 6.4  # average advance of the 12 px sans-serif text, for line wrapping
_LINE_PX = 15


@dataclass(frozen=True)
class _Node:
    title: str
    lines: tuple[str, ...]
    rule: str
    kind: str = "step"  # step | io | modifier


def _title(rule_id: str) -> str:
    return next(r.title for r in RULES if r.id == rule_id)


def _anchor(rule_id: str) -> str:
    return next(r.anchor for r in RULES if r.id == rule_id)


def _line_lists(cat: Catalogue, line: int, receptor: str) -> dict[str, list[str]]:
    """Short regimen names by tier for one line's current option rows."""
    out: dict[str, list[str]] = {"preferred": [], "alternative": [], "other": []}
    for row in cat.decisions.options[line]:
        if row.until is not None or row.hormone_receptor != receptor:
            continue
        name = cat.regimens[row.regimen].short
        if name not in out[row.tier]:
            out[row.tier].append(name)
    return out


def _tier_lines(tiers: dict[str, list[str]]) -> tuple[str, ...]:
    labels = {"preferred": "Preferred", "alternative": "Alternatives", "other": "Other"}
    lines = [f"{labels[t]}: {', '.join(names)}" for t, names in tiers.items() if names]
    if not tiers["preferred"]:
        lines.insert(0, "Preferred: none")
    return tuple(lines)


def _months(n: int) -> str:
    return f"≤ {n} months"


def _flow(cat: Catalogue) -> tuple[list[_Node], list[_Node], list[_Node]]:
    """(entry nodes, the line-by-line column, modifiers), all from data and rule titles."""
    windows = []
    for w in cat.decisions.windows:
        text = f"{w.source}: {_months(w.months)}"
        if w.months_pertuzumab != w.months:
            text += f" ({_months(w.months_pertuzumab)} after pertuzumab)"
        windows.append(text)
    entry = [
        _Node("HER2-positive metastatic breast cancer", (), "SCOPE-HER2-STATUS", "io"),
        _Node("De novo, or no HER2 therapy before", ("→ first line",), "LINE-DE-NOVO"),
        _Node(
            "Relapse after (neo)adjuvant HER2 therapy",
            (
                _title("LINE-EARLY-RELAPSE"),
                _title("LINE-LATE-RELAPSE"),
                "Each source's window, from the last HER2-directed dose:",
                *windows,
                _title("LINE-RELAPSE-SOURCES-DIFFER"),
                "Inside the window → second line; beyond it → first line",
            ),
            "LINE-RELAPSE-SOURCES-DIFFER",
        ),
    ]
    column = [
        _Node("First line", _tier_lines(_line_lists(cat, 1, "any")), "OPTIONS-FIRST-LINE"),
        _Node("Second line", _tier_lines(_line_lists(cat, 2, "any")), "OPTIONS-SECOND-LINE"),
        _Node(
            "Third line and beyond",
            _tier_lines(_line_lists(cat, 3, "any")),
            "OPTIONS-LATER-LINE",
        ),
    ]
    hr: list[str] = []
    for line in (1, 2, 3):
        names = [n for ns in _line_lists(cat, line, "positive").values() for n in ns]
        if names:
            hr.append(f"Line {line if line < 3 else '3+'}: {', '.join(names)}")
    modifiers = [
        _Node("Brain metastases", (_title("CNS-SYMPTOMATIC"),), "CNS-SYMPTOMATIC", "modifier"),
        _Node("", (_title("CNS-ACTIVE"),), "CNS-ACTIVE", "modifier"),
        _Node("Lung disease (ILD)", (_title("ILD-DRUG-GRADE2"),), "ILD-DRUG-GRADE2", "modifier"),
        _Node("", (_title("ILD-PREEXISTING"),), "ILD-PREEXISTING", "modifier"),
        _Node("LVEF", (_title("CARDIO-LVEF-BELOW-40"),), "CARDIO-LVEF-BELOW-40", "modifier"),
        _Node("", (_title("CARDIO-LVEF-BELOW-50"),), "CARDIO-LVEF-BELOW-50", "modifier"),
        _Node("Pregnancy", (_title("SAFETY-PREGNANCY"),), "SAFETY-PREGNANCY", "modifier"),
        _Node(
            "Hormone-receptor-positive",
            (_title("OPTIONS-HR-POSITIVE"), *hr),
            "OPTIONS-HR-POSITIVE",
            "modifier",
        ),
    ]
    return entry, column, modifiers


def _wrap(text: str, width: float) -> list[str]:
    limit = max(10, int(width / _CHAR_PX))
    out: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > limit:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        out.append(line)
    return out


def flowchart_svg(cat: Catalogue, href: Callable[[str], str] | None = None) -> str:
    """The flowchart as inline SVG; ``href(rule_anchor)`` makes each node's link.

    Examples:
        >>> from her2guide import load_catalogue
        >>> svg = flowchart_svg(load_catalogue())
        >>> svg.startswith("<svg") and 'href="#options-second-line"' in svg
        True
    """
    link = href or (lambda anchor: f"#{anchor}")
    entry, column, modifiers = _flow(cat)
    pad, gap, inner = 8, 26, _WIDTH - 2 * 8 - 16
    parts: list[str] = []
    y = pad

    def node(n: _Node, y0: int, *, arrow_from: int | None = None, label: str = "") -> int:
        body = [ln for text in n.lines for ln in _wrap(text, inner)]
        title = _wrap(n.title, inner) if n.title else []
        h = 10 + len(title) * (_LINE_PX + 2) + len(body) * _LINE_PX + 6
        if arrow_from is not None:
            parts.append(
                f'<line class="h2g-arrow" x1="{_WIDTH // 2}" y1="{arrow_from}" '
                f'x2="{_WIDTH // 2}" y2="{y0 - 7}"/>'
                f'<path class="h2g-arrowhead" d="M{_WIDTH // 2 - 5},{y0 - 8} '
                f'L{_WIDTH // 2 + 5},{y0 - 8} L{_WIDTH // 2},{y0 - 1} Z"/>'
            )
            if label:
                parts.append(
                    f'<text class="h2g-sub" x="{_WIDTH // 2 + 9}" y="{y0 - 10}">'
                    f"{html.escape(label)}</text>"
                )
        cls = {"io": "h2g-io", "step": "h2g-rule", "modifier": "h2g-modifier"}[n.kind]
        aria = html.escape(f"{n.title or n.lines[0]} (rule {n.rule})", quote=True)
        parts.append(
            f'<a href="{html.escape(link(_anchor(n.rule)), quote=True)}" aria-label="{aria}">'
        )
        parts.append(
            f'<rect class="{cls}" x="{pad}" y="{y0}" width="{_WIDTH - 2 * pad}" height="{h}" rx="6"/>'
        )
        ty = y0 + 18
        for t in title:
            parts.append(
                f'<text class="h2g-label h2g-flow-title" x="{pad + 8}" y="{ty}">{html.escape(t)}</text>'
            )
            ty += _LINE_PX + 2
        for b in body:
            parts.append(
                f'<text class="h2g-sub h2g-flow-text" x="{pad + 8}" y="{ty}">{html.escape(b)}</text>'
            )
            ty += _LINE_PX
        parts.append("</a>")
        return y0 + h

    bottom = node(entry[0], y)
    bottom = node(entry[1], bottom + gap, arrow_from=bottom, label="de novo")
    parts.append(
        f'<text class="h2g-sub" x="{_WIDTH // 2}" y="{bottom + gap // 2 + 4}" '
        'text-anchor="middle">or</text>'
    )
    bottom = node(entry[2], bottom + gap)
    labels = ("first line", "progression", "progression")
    for n, label in zip(column, labels, strict=True):
        bottom = node(n, bottom + gap, arrow_from=bottom, label=label)
    heading_y = bottom + gap
    parts.append(
        f'<text class="h2g-label" x="{pad}" y="{heading_y}">At any line, these change the answer:</text>'
    )
    bottom = heading_y + 8
    for n in modifiers:
        bottom = node(n, bottom + (10 if n.title else 4))
    height = bottom + pad
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="h2g-diagram h2g-flowchart" role="group" '
        f'viewBox="0 0 {_WIDTH} {height}" width="{_WIDTH}" height="{height}" '
        'aria-labelledby="h2g-flow-title">'
        '<title id="h2g-flow-title">Clinical flowchart: line of therapy and modifiers '
        "(text alternative below)</title>" + "".join(parts) + "</svg>"
    )


def flowchart_text(cat: Catalogue, href: Callable[[str], str] | None = None) -> str:
    """The same flowchart as a nested Markdown list (its text alternative)."""
    link = href or (lambda anchor: f"#{anchor}")
    entry, column, modifiers = _flow(cat)

    def item(n: _Node, depth: int = 0) -> list[str]:
        pad = "    " * depth
        head = f"**{n.title}**" if n.title else n.lines[0]
        lines = n.lines if n.title else n.lines[1:]
        out = [f"{pad}- {head} ([`{n.rule}`]({link(_anchor(n.rule))}))"]
        out += [f"{pad}    - {ln}" for ln in lines]
        return out

    md: list[str] = [*item(entry[0]), *item(entry[1], 1), *item(entry[2], 1)]
    for n, label in zip(column, ("Then", "On progression", "On progression"), strict=True):
        md += [f"- {label}:", *item(n, 1)]
    md.append("- At any line, these change the answer:")
    for n in modifiers:
        md += (
            item(n, 1)
            if n.title
            else [f"        - {n.lines[0]} ([`{n.rule}`]({link(_anchor(n.rule))}))"]
        )
    return "\n".join(md)


@placeholder
def clinical_flowchart(page: Page) -> str:
    """The clinician's flowchart as inline SVG (:func:`flowchart_svg`)."""
    svg = flowchart_svg(page.cat, href=lambda a: page.link(f"{ALGORITHM_PAGE}#{a}"))
    return f'<figure class="h2g-figure" markdown="0">{svg}</figure>'


@placeholder
def clinical_flowchart_text(page: Page) -> str:
    """The flowchart's text alternative: the same nodes as a nested list."""
    return flowchart_text(page.cat, href=lambda a: page.link(f"{ALGORITHM_PAGE}#{a}"))
