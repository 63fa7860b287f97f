"""The rule pipeline: ``rule`` sections, ``rule_count``, the rule diagram
(``algorithm_diagram``, :func:`algorithm_svg`) and its text alternative (``algorithm_table``),
the hazard log, and the checks that every rule has a section on the algorithm page."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from typing import Final

from .._engine import RULES, Rule
from .page import ALGORITHM_PAGE, FENCE, Page, RenderError, cell, placeholder

__all__ = ["STAGES", "algorithm_svg", "check_rule_sections", "rule_sections", "rule_stages"]

#: Stages of the algorithm diagram: a rule belongs to the first stage whose prefix its ID
#: starts with. This is presentation only; the rules and their order come from ``RULES``.
STAGES: Final = (
    (("SCOPE-",), "Scope", "Is this HER2-positive metastatic disease?"),
    (("LINE-",), "Line of therapy", "Which line is about to start?"),
    (("HIST-",), "History", "What should the early treatment have included?"),
    (("SAFETY-",), "Safety gate", "Is any HER2-directed therapy possible now?"),
    (("OPTIONS-",), "Options by line", "What do the sources list for this line?"),
    (
        ("NO-REPEAT", "PRIOR-", "TRIAL-", "APPROVAL-"),
        "Prior treatment",
        "What was already given, or not yet approved?",
    ),
    (("CNS-",), "Brain metastases", "Do brain metastases change the order?"),
    (("ILD-",), "Lung", "Does lung disease change the order?"),
    (("CARDIO-",), "Heart", "Does heart function allow HER2-directed therapy?"),
    (("PS-",), "Performance status", "Was this patient's fitness studied?"),
    (("GAP-",), "Evidence gaps", "Where does no trial answer the question?"),
    (("DIFFER-",), "Sources differ", "Where do guidelines and labels disagree?"),
    (
        ("INTERACTION-", "ORGAN-"),
        "Practical dosing",
        "Do other medicines, or liver and kidney function, change what the label says?",
    ),
)


def rule_stages(rules: Sequence[Rule] = RULES) -> list[tuple[str, str, list[Rule]]]:
    """Group rules into diagram stages, in the order the engine runs them.

    Rules whose prefix no stage claims go into a final "Other rules" stage, so a new rule
    always appears in the diagram.

    >>> [(name, len(rs)) for name, _, rs in rule_stages()][:2]
    [('Scope', 2), ('Line of therapy', 7)]
    """
    grouped: dict[str, tuple[str, list[Rule]]] = {}
    for rule in rules:
        name, question = "Other rules", "Rules not yet placed in a stage"
        for prefixes, stage, q in STAGES:
            if rule.id.startswith(prefixes):
                name, question = stage, q
                break
        grouped.setdefault(name, (question, []))[1].append(rule)
    return [(name, q, rs) for name, (q, rs) in grouped.items()]


_HEADING_ANCHOR: Final = re.compile(
    r"^#{2,6}\s+`[A-Z0-9-]+`[^{\n]*\{[^}\n]*#([a-z0-9.-]+)[^}\n]*\}\s*$", re.M
)


def rule_sections(markdown: str) -> set[str]:
    r"""Anchors of rule sections: headings that start with a rule ID in backticks,
    ``### `SCOPE-SETTING` {#scope-setting}``, outside code blocks.

    >>> sorted(rule_sections("## `SCOPE-SETTING` {#scope-setting}\n\n## Other {#other}\n"))
    ['scope-setting']
    """
    return set(_HEADING_ANCHOR.findall(FENCE.sub("", markdown)))


def check_rule_sections(markdown: str, rules: Sequence[Rule] = RULES) -> list[str]:
    """Problems with the algorithm page: rules without a section, sections without a rule.

    >>> check_rule_sections("## `X` {#not-a-rule}")[-1]
    "section '#not-a-rule' has no rule in her2guide.RULES"
    """
    anchors = rule_sections(markdown)
    wanted = {r.anchor: r.id for r in rules}
    problems = [
        f"rule {rid} has no section with anchor '#{a}'"
        for a, rid in wanted.items()
        if a not in anchors
    ]
    problems += [
        f"section '#{a}' has no rule in her2guide.RULES" for a in sorted(anchors - set(wanted))
    ]
    return problems


def algorithm_svg(
    rules: Sequence[Rule] = RULES, *, href: Callable[[Rule], str] | None = None
) -> str:
    """The decision algorithm as an accessible inline SVG, generated from ``rules``.

    Stages run top to bottom in the engine's order; each rule is a link to its section.
    Colours come from CSS classes (``h2g-*``) so the site's light and dark palettes apply.

    >>> svg = algorithm_svg()
    >>> svg.startswith("<svg") and 'href="#line-early-relapse"' in svg
    True
    """
    link = href or (lambda r: f"#{r.anchor}")
    stages = rule_stages(rules)
    width, label_w, chip_w, chip_h, gap, pad = 780, 200, 270, 26, 8, 14
    cols = 2
    y = pad
    parts: list[str] = []

    def box(x: int, y0: int, w: int, h: int, cls: str, text: str, sub: str = "") -> None:
        parts.append(f'<rect class="{cls}" x="{x}" y="{y0}" width="{w}" height="{h}" rx="6"/>')
        ty = y0 + (h // 2) + (0 if sub else 5)
        parts.append(
            f'<text class="h2g-label" x="{x + w // 2}" y="{ty - (6 if sub else 0)}" '
            f'text-anchor="middle">{html.escape(text)}</text>'
        )
        if sub:
            parts.append(
                f'<text class="h2g-sub" x="{x + w // 2}" y="{ty + 12}" '
                f'text-anchor="middle">{html.escape(sub)}</text>'
            )

    def arrow(y0: int, y1: int) -> None:
        cx = width // 2
        parts.append(
            f'<line class="h2g-arrow" x1="{cx}" y1="{y0}" x2="{cx}" y2="{y1 - 6}" '
            'marker-end="url(#h2g-head)"/>'
        )

    box(width // 2 - 180, y, 360, 44, "h2g-io", "Scenario", "validated patient description")
    y += 44
    for n, (name, question, stage_rules) in enumerate(stages, start=1):
        arrow(y, y + 22)
        y += 22
        rows = (len(stage_rules) + cols - 1) // cols
        h = rows * (chip_h + gap) + gap
        parts.append(
            f'<g class="h2g-stage" id="stage-{n}"><title>{html.escape(f"{n}. {name}: {question}")}'
            "</title>"
        )
        parts.append(
            f'<rect class="h2g-stage-box" x="{pad}" y="{y}" width="{width - 2 * pad}" '
            f'height="{h}" rx="8"/>'
        )
        box(pad + 6, y + 6, label_w - 12, h - 12, "h2g-stage-label", f"{n}. {name}")
        for i, rule in enumerate(stage_rules):
            cx = pad + label_w + (i % cols) * (chip_w + gap)
            cy = y + gap + (i // cols) * (chip_h + gap)
            parts.append(
                f'<a href="{html.escape(link(rule))}"><title>{html.escape(rule.id)}: '
                f"{html.escape(rule.title)}</title>"
                f'<rect class="h2g-rule" x="{cx}" y="{cy}" width="{chip_w}" height="{chip_h}" rx="4"/>'
                f'<text class="h2g-rule-id" x="{cx + 8}" y="{cy + 17}">{html.escape(rule.id)}</text></a>'
            )
        parts.append("</g>")
        y += h
    arrow(y, y + 22)
    y += 22
    box(
        width // 2 - 180,
        y,
        360,
        44,
        "h2g-io",
        "Recommendation",
        "options, exclusions, alerts, trace",
    )
    y += 44 + pad
    desc = (
        f"{len(rules)} rules in {len(stages)} stages, run top to bottom: "
        + "; ".join(f"{n}. {name} ({len(rs)} rules)" for n, (name, _, rs) in enumerate(stages, 1))
        + ". The table below lists every rule."
    )
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="h2g-diagram" viewBox="0 0 {width} {y}" '
        f'role="group" aria-labelledby="h2g-diagram-title h2g-diagram-desc">'
        '<title id="h2g-diagram-title">The her2guide decision algorithm</title>'
        f'<desc id="h2g-diagram-desc">{html.escape(desc)}</desc>'
        '<defs><marker id="h2g-head" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path class="h2g-arrowhead" '
        'd="M 0 0 L 10 5 L 0 10 z"/></marker></defs>'
    )
    return head + "".join(parts) + "</svg>"


def _rule(page: Page, rule_id: str) -> Rule:
    for r in page.rules:
        if r.id == rule_id:
            return r
    raise RenderError(f"unknown rule {rule_id!r}; known: {', '.join(r.id for r in page.rules)}")


@placeholder
def rule(page: Page, rule_id: str) -> str:
    """The generated part of a rule's section: title, sources and worked scenarios."""
    r = _rule(page, rule_id)
    scen = [s for s in page.scenarios if r.id in s.rules]
    seen = (
        ", ".join(f"[{s.title}]({page.link(s.src_uri)})" for s in scen)
        if scen
        else "*no worked scenario exercises this rule yet*"
    )
    return "\n".join(
        [
            '<div class="h2g-rule-meta" markdown>',
            "",
            f"**Rule `{r.id}`:** {r.title}  ",
            f"**Sources:** {page.cite(*r.references)}  ",
            f"**Worked scenarios:** {seen}",
            "",
            "</div>",
        ]
    )


@placeholder
def rule_count(page: Page) -> str:
    """How many rules the engine registers."""
    return str(len(page.rules))


@placeholder
def algorithm_diagram(page: Page) -> str:
    """The inline SVG diagram (see :func:`algorithm_svg`)."""
    svg = algorithm_svg(page.rules, href=lambda r: page.link(f"{ALGORITHM_PAGE}#{r.anchor}"))
    return f'<figure class="h2g-figure" markdown="0">{svg}</figure>'


@placeholder
def algorithm_table(page: Page) -> str:
    """The text alternative to the diagram: every rule, in order, by stage."""
    rows = ["| Order | Stage | Rule | What it checks | Sources |", "|---|---|---|---|---|"]
    n = 0
    for s, (stage, question, rules) in enumerate(rule_stages(page.rules), start=1):
        for r in rules:
            n += 1
            rows.append(
                f"| {n} | {s}. {stage}: *{question}* | [`{r.id}`]({page.link(f'{ALGORITHM_PAGE}#{r.anchor}')}) "
                f"| {cell(r.title)} | {page.cite(*r.references)} |"
            )
    return "\n".join(rows)


@placeholder
def hazard_log(page: Page) -> str:
    """Each clinical hazard, the rules that mitigate it, what checks it, and this build's
    sample of the decision space (cells checked, violations)."""
    from .._space import INVARIANTS, check_space, space_size

    rows = ["| Invariant | Hazard | Mitigated by | Checked by |", "|---|---|---|---|"]
    for inv in INVARIANTS:
        rules = (
            ", ".join(f"[`{r}`]({page.link(f'{ALGORITHM_PAGE}#{r.lower()}')})" for r in inv.rules)
            or "every rule (citations come from the data)"
        )
        tests = "; ".join(f"`{t}`" for t in inv.tests)
        rows.append(f"| `{inv.id}` | {cell(inv.hazard)} | {rules} | {tests}; the space check |")
    result = check_space(sample=10_000, seed=0, workers=1)
    stamp = (
        f"**At this build:** {result.cells:,} cells of the {space_size(page.cat):,} declared "
        f"(a deterministic sample), **{result.violations} violations**; decision digest "
        f"`{result.digest}`."
    )
    return "\n".join(rows) + "\n\n" + stamp
