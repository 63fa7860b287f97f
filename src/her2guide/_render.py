"""Markdown and SVG for the reference site, generated from the catalogue and the rule registry.

The site's pages hold placeholders such as ``{{ regimen("trastuzumab-deruxtecan") }}`` or
``{{ cite("asco-2022") }}``; :meth:`Page.expand` replaces each one with Markdown built from
``her2guide/data`` and :data:`her2guide.RULES`, so no dose, trial figure or reference is
ever typed into a page by hand. The MkDocs hook (``docs/hooks/her2guide_hook.py``) only
calls these functions.

Placeholder grammar: ``{{ name }}`` or ``{{ name(arg, ...) }}`` where the arguments are
Python literals (strings, numbers). Unknown names, bad arguments and unknown IDs raise
:class:`RenderError`, naming the page, the placeholder and what is allowed.
"""

from __future__ import annotations

import ast
import html
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from . import _site_interop
from ._catalogue import (
    Analysis,
    Catalogue,
    Component,
    Figure,
    Regimen,
    Statement,
    Trial,
    load_catalogue,
)
from ._engine import RULES, Rule
from ._practical import load_practical
from ._recommendation import INTENDED_USE

__all__ = [
    "PLACEHOLDER",
    "Page",
    "RenderError",
    "ScenarioLink",
    "algorithm_svg",
    "check_rule_sections",
    "mentioned_references",
    "page_title",
    "rule_sections",
    "rule_stages",
]

PLACEHOLDER: Final = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*(?:\((.*?)\))?\s*\}\}", re.S)
_FENCE: Final = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.S | re.M)

#: Where things live on the site (source paths, relative to ``docs/``).
REFERENCES_PAGE: Final = "references.md"
ALGORITHM_PAGE: Final = "algorithm.md"
DOSING_PAGE: Final = "dosing.md"
EVIDENCE_PAGE: Final = "evidence.md"

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

_CANONICAL_SOURCES: Final = ("ASCO 2022", "NCCN", "FDA label", "EU label")
_TOPIC_TITLES: Final = {
    "ild": "Interstitial lung disease (ILD) and pneumonitis",
    "cardiac": "Heart: LVEF and heart failure",
    "hepatic": "Liver",
    "diarrhoea": "Diarrhoea",
    "haematologic": "Blood counts and other pre-treatment checks",
    "pregnancy": "Pregnancy and contraception",
}
_SETTING_TITLES: Final = {
    "first-line": "First line",
    "maintenance": "First-line maintenance",
    "second-line": "Second line",
    "later-line": "Third line and beyond",
    "brain-metastases": "Brain metastases",
    "early": "Early breast cancer trials that change the metastatic algorithm",
}
_KIND_TITLES: Final = {
    "guideline": "Guidelines",
    "trial": "Trials",
    "label": "Labels (prescribing information)",
    "regulatory": "Regulatory decisions",
    "score": "ESMO-MCBS scorecards",
    "review": "Reviews",
    "method": "Methods",
}


class RenderError(ValueError):
    """A placeholder could not be rendered: unknown name, bad arguments or unknown ID."""


@dataclass(frozen=True, slots=True)
class ScenarioLink:
    """A worked-scenario page and the rule IDs it exercises."""

    stem: str
    title: str
    rules: tuple[str, ...]
    src_uri: str


# --------------------------------------------------------------------------- small helpers


def trial_design(trial: Trial) -> str:
    """Phase and design tokens in reading order, e.g. ``phase 2, randomised, double-blind``.

    >>> from her2guide import load_catalogue
    >>> trial_design(load_catalogue().trials["her2climb"])
    'phase 2, randomised, double-blind, placebo-controlled'
    """
    return ", ".join((f"phase {trial.phase}", *trial.design))


def _num(value: float) -> str:
    """A dose number as printed in the data: ``5.4``, ``840``, ``2.5``.

    >>> _num(840.0), _num(5.4), _num(1000.0)
    ('840', '5.4', '1000')
    """
    return f"{value:g}"


def _unit(unit: str) -> str:
    return unit.replace("m2", "m²")


def _cell(text: str) -> str:
    """Make text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def page_title(markdown: str, default: str = "") -> str:
    """The text of the first level-1 heading, without attribute lists.

    >>> page_title("Intro\\n\\n# Dosing and administration {#top}\\n")
    'Dosing and administration'
    """
    m = re.search(r"^#\s+(.+?)\s*(?:\{[^}]*\})?\s*$", markdown, re.M)
    return m.group(1).strip() if m else default


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
    return set(_HEADING_ANCHOR.findall(_FENCE.sub("", markdown)))


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


def mentioned_references(text: str, catalogue: Catalogue | None = None) -> set[str]:
    """Reference IDs that appear as whole words in ``text`` (used for generated pages).

    >>> sorted(mentioned_references("citations: asco-2022, nccn-breast; asco-2022-brain"))
    ['asco-2022', 'asco-2022-brain', 'nccn-breast']
    """
    cat = catalogue or load_catalogue()
    return {
        rid for rid in cat.references if re.search(rf"(?<![\w-]){re.escape(rid)}(?![\w-])", text)
    }


# --------------------------------------------------------------------------- the diagram


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


# --------------------------------------------------------------------------- pages


@dataclass
class Page:
    """Renders the placeholders of one page.

    Args:
        src_uri: the page's source path relative to ``docs/`` (links are made relative to it).
        catalogue: the clinical data; defaults to the packaged catalogue.
        rules: the rule registry; defaults to :data:`her2guide.RULES`.
        scenarios: worked-scenario pages, for rule cross-links and the scenario index.
        cited_by: reference ID → ``(page title, src_uri)`` pairs, for the reference list.
        extra: site values such as ``clinical_review`` (from ``mkdocs.yml`` ``extra``).

    Every reference a placeholder cites is recorded in :attr:`cited`.

    Examples:
        >>> p = Page("pitfalls.md")
        >>> p.expand('Graded {{ grade("asco-2022-2.1") }}.')
        'Graded ASCO 2022 rec. 2.1, `(EB, B, M, S)` ([ASCO 2022 (Giordano et al.)](references.md#asco-2022)).'
        >>> sorted(p.cited)
        ['asco-2022']
    """

    src_uri: str
    catalogue: Catalogue | None = None
    rules: Sequence[Rule] = field(default_factory=lambda: RULES)
    scenarios: Sequence[ScenarioLink] = ()
    cited_by: Mapping[str, Sequence[tuple[str, str]]] = field(default_factory=dict)
    extra: Mapping[str, object] = field(default_factory=dict)
    cited: dict[str, None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.cat: Catalogue = self.catalogue or load_catalogue()
        self._functions: dict[str, Callable[..., str]] = {
            "intended_use": self.intended_use,
            "review_date": self.review_date,
            "cite": self.cite,
            "grade": self.grade,
            "statement": self.statement,
            "compare": self.compare,
            "figure": self.figure,
            "trial": self.trial,
            "trials": self.trials,
            "regimen": self.regimen,
            "regimens": self.regimens,
            "regimen_index": self.regimen_index,
            "dose": self.dose,
            "dosing_gaps": self.dosing_gaps,
            "interaction_table": self.interaction_table,
            "organ_function_table": self.organ_function_table,
            "practical_not_recorded": self.practical_not_recorded,
            "formulation_table": self.formulation_table,
            "synonyms": self.synonyms,
            "monitoring": self.monitoring,
            "rule": self.rule,
            "rule_count": self.rule_count,
            "algorithm_diagram": self.algorithm_diagram,
            "algorithm_table": self.algorithm_table,
            "references": self.references,
            "scenario_index": self.scenario_index,
            "scenario_footer": self.scenario_footer,
            "hazard_log": self.hazard_log,
            "decision_table": self.decision_table,
            "short_answer": self.short_answer,
            "clinical_flowchart": self.clinical_flowchart,
            "clinical_flowchart_text": self.clinical_flowchart_text,
            "scenario_link": self.scenario_link,
        }
        # FHIR mapping and CDS Hooks pages (their own module; FastAPI only when rendered)
        self._functions.update(_site_interop.placeholders())

    # -- machinery

    @property
    def placeholder_names(self) -> tuple[str, ...]:
        """The placeholder names this renderer understands."""
        return tuple(sorted(self._functions))

    def link(self, target: str) -> str:
        """A link from this page to ``target`` (a source path, optionally with ``#anchor``).

        >>> Page("scenarios/x.md").link("references.md#asco-2022")
        '../references.md#asco-2022'
        >>> Page("algorithm.md").link("algorithm.md#scope-setting")
        '#scope-setting'
        """
        path, _, anchor = target.partition("#")
        if path == self.src_uri and anchor:
            return f"#{anchor}"
        rel = posixpath.relpath(path, posixpath.dirname(self.src_uri) or ".")
        return f"{rel}#{anchor}" if anchor else rel

    def expand(self, markdown: str) -> str:
        """Replace every placeholder outside fenced code blocks."""
        out, last = [], 0
        for fence in _FENCE.finditer(markdown):
            out.append(PLACEHOLDER.sub(self._call, markdown[last : fence.start()]))
            out.append(fence.group(0))
            last = fence.end()
        out.append(PLACEHOLDER.sub(self._call, markdown[last:]))
        return "".join(out)

    def _call(self, m: re.Match[str]) -> str:
        name, raw = m.group(1), m.group(2)
        fn = self._functions.get(name)
        if fn is None:
            raise RenderError(
                f"{self.src_uri}: unknown placeholder {{{{ {name} }}}}; "
                f"known: {', '.join(self.placeholder_names)}"
            )
        args: tuple[object, ...] = ()
        if raw and raw.strip():
            try:
                parsed = ast.literal_eval(f"({raw},)")
            except (SyntaxError, ValueError) as exc:
                raise RenderError(
                    f"{self.src_uri}: {m.group(0)!r}: arguments must be Python literals ({exc})"
                ) from None
            args = tuple(parsed)
        try:
            return fn(*args)
        except RenderError as exc:
            raise RenderError(f"{self.src_uri}: {m.group(0)}: {exc}") from None
        except TypeError as exc:
            raise RenderError(f"{self.src_uri}: {m.group(0)}: wrong arguments ({exc})") from None

    def _lookup(self, kind: str, key: str, table: Mapping[str, object]) -> None:
        if key not in table:
            raise RenderError(f"unknown {kind} {key!r}; known: {', '.join(sorted(table))}")

    # -- citations

    def cite(self, *ids: str) -> str:
        """Links to reference-list entries: ``{{ cite("asco-2022", "nccn-breast") }}``."""
        if not ids:
            raise RenderError("cite() needs at least one reference ID")
        links = []
        for rid in ids:
            self._lookup("reference", rid, self.cat.references)
            self.cited[rid] = None
            ref = self.cat.references[rid]
            links.append(f"[{ref.short}]({self.link(f'{REFERENCES_PAGE}#{rid}')})")
        return "; ".join(links)

    # -- guideline statements

    def _statement(self, sid: str) -> Statement:
        self._lookup("statement", sid, self.cat.statements)
        return self.cat.statements[sid]

    def grade(self, sid: str) -> str:
        """A statement's number and grade as printed, with its citation."""
        s = self._statement(sid)
        grade = f", `{s.grade}`" if s.grade else " (no grade printed)"
        return f"{s.label}{grade} ({self.cite(s.reference)})"

    def statement(self, sid: str) -> str:
        """One statement in a sentence: label, grade, our summary, the source's words, citation."""
        s = self._statement(sid)
        grade = f" `{s.grade}`" if s.grade else ""
        quote = f" The source's words: “{s.quote}”." if s.quote else ""
        note = f" *Caveat:* {s.note}" if s.note else ""
        return f"**{s.label}**{grade}: {s.summary}{quote} ({self.cite(s.reference)}).{note}"

    def compare(self, *ids: str) -> str:
        """A side-by-side table of what each source says; canonical sources without a
        recorded statement get a row saying so, so silence is visible."""
        statements = [self._statement(sid) for sid in ids]
        rows = [
            "| Source | Number | Grade as printed | Position (our summary) | Reference |",
            "|---|---|---|---|---|",
        ]
        order = list(_CANONICAL_SOURCES) + [
            s.source for s in statements if s.source not in _CANONICAL_SOURCES
        ]
        for source in dict.fromkeys(order):
            mine = [s for s in statements if s.source == source]
            if not mine:
                rows.append(
                    f"| **{source}** | — | — | *No statement on this question is recorded in "
                    "her2guide's sources.* | — |"
                )
            for s in mine:
                text = s.summary + (f" “{s.quote}”" if s.quote else "")
                text += f" *Caveat: {s.note}*" if s.note else ""
                rows.append(
                    f"| **{s.source}** | {s.number or '—'} | {('`' + s.grade + '`') if s.grade else '—'} "
                    f"| {_cell(text)} | {self.cite(s.reference)} |"
                )
        return "\n".join(rows)

    # -- trials

    def _analysis(self, analysis_id: str) -> tuple[str, Analysis]:
        for t in self.cat.trials.values():
            for a in t.analyses:
                if a.id == analysis_id:
                    return t.name, a
        known = sorted(a.id for t in self.cat.trials.values() for a in t.analyses)
        raise RenderError(f"unknown analysis {analysis_id!r}; known: {', '.join(known)}")

    def figure(self, analysis_id: str, endpoint: str) -> str:
        """One figure with its analysis and publication, e.g.
        ``{{ figure("db03-updated", "Progression-free survival (BICR)") }}``."""
        trial, a = self._analysis(analysis_id)
        fig = next((f for f in a.figures if f.endpoint == endpoint), None)
        if fig is None:
            known = "; ".join(repr(f.endpoint) for f in a.figures)
            raise RenderError(
                f"analysis {analysis_id!r} has no endpoint {endpoint!r}; it has: {known}"
            )
        return f"{fig.result} ({trial}, {a.label.lower()}; {fig.endpoint.lower()}; {self.cite(a.reference)})"

    def _figures_table(self, figures: Iterable[Figure]) -> list[str]:
        rows = ["| Endpoint | Result, as published |", "|---|---|"]
        rows += [f"| {_cell(f.endpoint)} | {_cell(f.result)} |" for f in figures]
        return rows

    def trial(self, trial_id: str, heading: str = "###") -> str:
        """A trial: design, then each analysis separately with its own publication."""
        self._lookup("trial", trial_id, self.cat.trials)
        t = self.cat.trials[trial_id]
        regs = ", ".join(
            f"[{self.cat.regimens[r].name}]({self.link(f'{DOSING_PAGE}#{r}')})" for r in t.regimens
        )
        out = [
            f"{heading} {t.name} {{#{t.id}}}",
            "",
            f"- **Design:** {trial_design(t)}; {t.arms}.",
            f"- **Population:** {t.population}",
        ]
        if regs:
            out.append(f"- **Regimen on this site:** {regs}")
        n = len(t.analyses)
        if n > 1:
            out += [
                "",
                f"{n} analyses are reported separately below; their figures must not be combined.",
            ]
        for i, a in enumerate(t.analyses, start=1):
            follow = f" · {a.follow_up}" if a.follow_up else ""
            out += [
                "",
                '<div class="h2g-analysis" markdown>',
                "",
                f"**Analysis {i} of {n}: {a.label}**{follow}  ",
                f"Publication: {self.cite(a.reference)}",
                "",
                *self._figures_table(a.figures),
                "",
                "</div>",
            ]
        return "\n".join(out)

    def trials(self, setting: str) -> str:
        """Every trial of a setting (first-line, second-line, later-line, …)."""
        found = [t.id for t in self.cat.trials.values() if t.setting == setting]
        if not found:
            known = sorted({t.setting for t in self.cat.trials.values()})
            raise RenderError(f"no trials with setting {setting!r}; settings: {', '.join(known)}")
        return "\n\n".join(self.trial(tid) for tid in found)

    # -- regimens and dosing

    def _regimen(self, rid: str) -> Regimen:
        self._lookup("regimen", rid, self.cat.regimens)
        return self.cat.regimens[rid]

    def _dose_cells(self, c: Component) -> tuple[str, str, str]:
        unit = _unit(c.unit)
        if c.dose is None:
            return "—", c.dose_note, "—"
        loading = f"{_num(c.loading_dose)} {unit}" if c.loading_dose is not None else "—"
        dose = f"{_num(c.dose)} {unit}"
        if c.reductions:
            ladder = " → ".join([dose, *(f"{_num(r)} {unit}" for r in c.reductions)])
            ladder += f". {c.reduction_note}" if c.reduction_note else ""
        else:
            ladder = c.reduction_note or "—"
        return loading, dose, ladder

    def dose(self, rid: str, agent: str) -> str:
        """One component's dose inline, e.g. ``5.4 mg/kg IV every 3 weeks``, with its source."""
        reg = self._regimen(rid)
        comp = next((c for c in reg.components if c.agent == agent), None)
        if comp is None:
            known = ", ".join(c.agent for c in reg.components)
            raise RenderError(f"regimen {rid!r} has no component {agent!r}; it has: {known}")
        loading, dose, _ = self._dose_cells(comp)
        first = f" after a loading dose of {loading}" if loading != "—" else ""
        return f"{dose} {comp.route} {comp.schedule}{first} ({self.cite(comp.reference)})"

    def regimen(self, rid: str, heading: str = "###") -> str:
        """A regimen's dosing table, indications, notes and sources."""
        reg = self._regimen(rid)
        # One card per regimen: printed alone when targeted (dosing.html#<id>), see extra.css.
        out = [
            '<div class="h2g-dose-card" markdown>',
            "",
            f"{heading} {reg.name} {{#{reg.id}}}",
            "",
        ]
        out.append(f"Regimen ID `{reg.id}` · short name {reg.short}")
        out += [
            "",
            "| Agent and route | Dose | Schedule (cycle) | Dose-reduction ladder | Source |",
            "|---|---|---|---|---|",
        ]
        for c in reg.components:
            name = f"{self.cat.agents[c.agent].name}, {c.route}"
            if c.choice:
                name += f" *(one {c.choice})*"
            loading, dose, ladder = self._dose_cells(c)
            if loading != "—":
                dose = f"loading {loading}, then maintenance {dose}"
            out.append(
                f"| {name} | {_cell(dose)} | {_cell(c.schedule)} ({c.cycle_days}-day cycle) "
                f"| {_cell(ladder)} | {self.cite(c.reference)} |"
            )
        us = reg.indication_us or "*Not recorded in her2guide's sources.*"
        eu = reg.indication_eu or "*Not recorded in her2guide's sources.*"
        out += ["", f"- **US indication:** {us}", f"- **EU indication:** {eu}"]
        if reg.us_approval:
            out.append(f"- **FDA approval date used by the engine:** {reg.us_approval.isoformat()}")
        for note in reg.notes:
            out.append(f"- {note}")
        if reg.trials:
            trials = ", ".join(
                f"[{self.cat.trials[t].name}]({self.link(f'{EVIDENCE_PAGE}#{t}')})"
                for t in reg.trials
            )
            out.append(f"- **Trials:** {trials}")
        if reg.references:
            out.append(f"- **Sources:** {self.cite(*reg.references)}")
        out += ["", "</div>"]
        return "\n".join(out)

    def regimens(self, heading: str = "###") -> str:
        """Every regimen's dosing section, in catalogue order."""
        return "\n\n".join(self.regimen(rid, heading) for rid in self.cat.regimens)

    def regimen_index(self) -> str:
        """A compact table of every regimen, linking to its dosing section."""
        rows = ["| Regimen | Short name | ID | HER2-directed |", "|---|---|---|---|"]
        for reg in self.cat.regimens.values():
            rows.append(
                f"| [{reg.name}]({self.link(f'{DOSING_PAGE}#{reg.id}')}) | {reg.short} "
                f"| `{reg.id}` | {'yes' if reg.her2_directed else 'no'} |"
            )
        return "\n".join(rows)

    def dosing_gaps(self) -> str:
        """Components whose dose or reduction levels are not recorded in the data."""
        items = []
        for reg in self.cat.regimens.values():
            for c in reg.components:
                name = f"{self.cat.agents[c.agent].name} in [{reg.name}]({self.link(f'{DOSING_PAGE}#{reg.id}')})"
                if c.dose is None:
                    items.append(f"- {name}: {c.dose_note}")
                elif (
                    "not recorded" in c.reduction_note.lower() or "not recorded" in c.reduction_note
                ):
                    items.append(f"- {name}: {c.reduction_note}")
        return "\n".join(items) if items else "*None.*"

    # -- practical dosing (data/interactions.toml, organ_function.toml, formulations_practical.toml)

    def interaction_table(self) -> str:
        """Every label interaction, with the medicines her2guide recognises in each class."""
        p = load_practical(self.cat)
        rows = [
            "| Agent | With | Recognised names | What the label says | Label section | Source |",
            "|---|---|---|---|---|---|",
        ]
        for it in p.interactions:
            names = sorted(m.name for m in p.medicines.values() if set(m.classes) & set(it.classes))
            rows.append(
                f"| {self.cat.agents[it.agent].name} | {' or '.join(p.classes[c] for c in it.classes)} "
                f"| {', '.join(names) or '*none recorded*'} | {_cell(it.action)} "
                f"| {it.jurisdiction}: {_cell(it.label_section)} | {self.cite(it.reference)} |"
            )
        return "\n".join(rows)

    def practical_not_recorded(self) -> str:
        """What the interaction and organ-function data leave out as unverified."""
        p = load_practical(self.cat)
        return "\n".join(f"- *{topic}:* {what}" for topic, what in p.not_recorded)

    def organ_function_table(self) -> str:
        """Every hepatic and renal statement the labels make, as recorded."""
        p = load_practical(self.cat)
        rows = [
            "| Agent | Applies to | What the label says | Label section | Source |",
            "|---|---|---|---|---|",
        ]
        for a in p.adjustments:
            if a.measure == "child-pugh":
                when = "Child-Pugh " + " or ".join(a.classes)
            elif a.crcl_below is not None:
                when = f"CrCl below {a.crcl_below:g} mL/min"
            else:
                when = "any CrCl given"
            rows.append(
                f"| {self.cat.agents[a.agent].name} | {when} | {_cell(a.text)} "
                f"| {a.jurisdiction}: {_cell(a.label_section)} | {self.cite(a.reference)} |"
            )
        return "\n".join(rows)

    def formulation_table(self) -> str:
        """Tablet strengths and vial sizes, as recorded."""
        p = load_practical(self.cat)
        rows = ["| Agent | Form | Strengths | Label section | Source |", "|---|---|---|---|---|"]
        for prod in p.products.values():
            strengths = ", ".join(f"{s:g} mg" for s in prod.strengths_mg)
            rows.append(
                f"| {self.cat.agents[prod.agent].name} | {prod.form} | {strengths} "
                f"| {prod.jurisdiction}: {_cell(prod.label_section)} | {self.cite(prod.reference)} |"
            )
        return "\n".join(rows)

    def synonyms(self, agent_id: str) -> str:
        """The other names accepted for one agent (brands, biosimilars, spellings), as a list."""
        self._lookup("agent", agent_id, self.cat.agents)
        names = self.cat.agents[agent_id].synonyms
        return ", ".join(f"`{n}`" for n in names) if names else "*None.*"

    # -- monitoring

    def monitoring(self, topic: str) -> str:
        """The label rules for one toxicity topic, as a table."""
        rules = [r for r in self.cat.toxicity if r.topic == topic]
        if not rules:
            known = sorted({r.topic for r in self.cat.toxicity})
            raise RenderError(
                f"no monitoring rules for topic {topic!r}; topics: {', '.join(known)}"
            )
        rows = ["| Agent | Finding | What the label says | Source |", "|---|---|---|---|"]
        for r in rules:
            rows.append(
                f"| {self.cat.agents[r.agent].name} | {_cell(r.condition)} | {_cell(r.action)} "
                f"| {self.cite(r.reference)} |"
            )
        return "\n".join(rows)

    # -- rules and the algorithm

    def _rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise RenderError(f"unknown rule {rule_id!r}; known: {', '.join(r.id for r in self.rules)}")

    def rule(self, rule_id: str) -> str:
        """The generated part of a rule's section: title, sources and worked scenarios."""
        r = self._rule(rule_id)
        scen = [s for s in self.scenarios if r.id in s.rules]
        seen = (
            ", ".join(f"[{s.title}]({self.link(s.src_uri)})" for s in scen)
            if scen
            else "*no worked scenario exercises this rule yet*"
        )
        return "\n".join(
            [
                '<div class="h2g-rule-meta" markdown>',
                "",
                f"**Rule `{r.id}`:** {r.title}  ",
                f"**Sources:** {self.cite(*r.references)}  ",
                f"**Worked scenarios:** {seen}",
                "",
                "</div>",
            ]
        )

    def rule_count(self) -> str:
        """How many rules the engine registers."""
        return str(len(self.rules))

    def algorithm_diagram(self) -> str:
        """The inline SVG diagram (see :func:`algorithm_svg`)."""
        svg = algorithm_svg(self.rules, href=lambda r: self.link(f"{ALGORITHM_PAGE}#{r.anchor}"))
        return f'<figure class="h2g-figure" markdown="0">{svg}</figure>'

    def algorithm_table(self) -> str:
        """The text alternative to the diagram: every rule, in order, by stage."""
        rows = ["| Order | Stage | Rule | What it checks | Sources |", "|---|---|---|---|---|"]
        n = 0
        for s, (stage, question, rules) in enumerate(rule_stages(self.rules), start=1):
            for r in rules:
                n += 1
                rows.append(
                    f"| {n} | {s}. {stage}: *{question}* | [`{r.id}`]({self.link(f'{ALGORITHM_PAGE}#{r.anchor}')}) "
                    f"| {_cell(r.title)} | {self.cite(*r.references)} |"
                )
        return "\n".join(rows)

    def hazard_log(self) -> str:
        """Each clinical hazard, the rules that mitigate it, what checks it, and this build's
        sample of the decision space (cells checked, violations)."""
        from ._space import INVARIANTS, check_space, space_size

        rows = ["| Invariant | Hazard | Mitigated by | Checked by |", "|---|---|---|---|"]
        for inv in INVARIANTS:
            rules = (
                ", ".join(
                    f"[`{r}`]({self.link(f'{ALGORITHM_PAGE}#{r.lower()}')})" for r in inv.rules
                )
                or "every rule (citations come from the data)"
            )
            tests = "; ".join(f"`{t}`" for t in inv.tests)
            rows.append(
                f"| `{inv.id}` | {_cell(inv.hazard)} | {rules} | {tests}; the space check |"
            )
        result = check_space(sample=10_000, seed=0, workers=1)
        stamp = (
            f"**At this build:** {result.cells:,} cells of the {space_size(self.cat):,} declared "
            f"(a deterministic sample), **{result.violations} violations**; decision digest "
            f"`{result.digest}`."
        )
        return "\n".join(rows) + "\n\n" + stamp

    def decision_table(self) -> str:
        """The decision-table filter (its data is written by the MkDocs hook, see ``_table``)."""
        from ._table import form_html

        built = self.extra.get("decision_table")
        if not isinstance(built, Mapping):
            raise RenderError(
                "the decision table is built by the MkDocs hook (extra.decision_table)"
            )
        base = self.link(str(built["dir"]) + "/")
        return form_html(
            base=base if base.endswith("/") else base + "/",
            algorithm=self.link(ALGORITHM_PAGE).removesuffix(".md") + ".html",
            script=self.link(str(built["script"])),
            loads=[self.link(str(u)) for u in built["loads"]],
            cat=self.cat,
        ) + (
            f"\n\n*At this build:* {built['classes']:,} patient classes, "
            f"{built['answers']:,} distinct answers (counted per metastatic history).\n"
        )

    # -- site-wide

    def intended_use(self) -> str:
        """The intended-use statement shared with the package (``her2guide.INTENDED_USE``)."""
        return INTENDED_USE

    def review_date(self) -> str:
        """The last clinical review date, from ``mkdocs.yml`` ``extra.clinical_review``."""
        value = self.extra.get("clinical_review")
        if not value:
            raise RenderError("extra.clinical_review is not set in mkdocs.yml")
        return str(value)

    def references(self) -> str:
        """The reference list, grouped by kind, with links and the pages that cite each."""
        out: list[str] = []
        for kind, title in _KIND_TITLES.items():
            refs = [r for r in self.cat.references.values() if r.kind == kind]
            if not refs:
                continue
            out += [f"## {title}", ""]
            for r in sorted(refs, key=lambda x: x.short.casefold()):
                links = []
                if r.doi:
                    links.append(f"DOI [{r.doi}](https://doi.org/{r.doi})")
                if r.pmid:
                    links.append(f"PMID [{r.pmid}](https://pubmed.ncbi.nlm.nih.gov/{r.pmid}/)")
                links.append(f"[page checked]({r.url})")
                pages = self.cited_by.get(r.id, ())
                cited = (
                    ", ".join(f"[{t}]({self.link(u)})" for t, u in pages)
                    if pages
                    else "*no page on this site (used by the engine's data only)*"
                )
                note = f"  \n*Note:* {r.note}" if r.note else ""
                out += [
                    f"**{r.short}** · `{r.id}`  ",
                    f"{r.citation}  ",
                    f"{' · '.join(links)}  ",
                    f"Cited by: {cited}{note}",
                    f"{{: #{r.id} .h2g-ref }}",
                    "",
                ]
        return "\n".join(out)

    def scenario_index(self) -> str:
        """The list of worked-scenario pages and the rules each exercises."""
        if not self.scenarios:
            return (
                "*No worked scenarios have been rendered into this build yet. "
                "They appear here once the notebooks in `notebooks/` are rendered.*"
            )
        rows = ["| Scenario | Rules exercised | Source |", "|---|---|---|"]
        for s in self.scenarios:
            rules = ", ".join(
                f"[`{rid}`]({self.link(f'{ALGORITHM_PAGE}#{rid.lower()}')})"
                if any(r.id == rid for r in self.rules)
                else f"`{rid}`"
                for rid in s.rules
            )
            py = posixpath.splitext(s.src_uri)[0] + ".py"
            rows.append(
                f"| [{s.title}]({self.link(s.src_uri)}) | {rules or '—'} "
                f"| [{s.stem}.py]({self.link(py)}) |"
            )
        return "\n".join(rows)

    def clinical_flowchart(self) -> str:
        """The clinician's flowchart as inline SVG (``her2guide._flowchart``)."""
        from ._flowchart import flowchart_svg

        svg = flowchart_svg(self.cat, href=lambda a: self.link(f"{ALGORITHM_PAGE}#{a}"))
        return f'<figure class="h2g-figure" markdown="0">{svg}</figure>'

    def clinical_flowchart_text(self) -> str:
        """The flowchart's text alternative: the same nodes as a nested list."""
        from ._flowchart import flowchart_text

        return flowchart_text(self.cat, href=lambda a: self.link(f"{ALGORITHM_PAGE}#{a}"))

    def short_answer(self, case: str) -> str:
        """The engine's answer for a named seed-patient variant (``her2guide._site_answers``)."""
        from ._site_answers import CASES, brief

        self._lookup("short-answer case", case, CASES)
        return brief(CASES[case], self.cat)

    def scenario_link(self, stem: str, text: str = "") -> str:
        """A link to a worked-scenario page; plain text when notebooks are not rendered."""
        s = next((x for x in self.scenarios if x.stem == stem), None)
        if s is None:
            return f"*{text or stem}*"
        return f"[{text or s.title}]({self.link(s.src_uri)})"

    def scenario_footer(self, stem: str) -> str:
        """Appended to a generated scenario page: download link and rule links."""
        s = next((x for x in self.scenarios if x.stem == stem), None)
        if s is None:
            raise RenderError(f"unknown scenario {stem!r}")
        rules = ", ".join(
            f"[`{rid}`]({self.link(f'{ALGORITHM_PAGE}#{rid.lower()}')})"
            for rid in s.rules
            if any(r.id == rid for r in self.rules)
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
