"""Display helpers for the worked-scenario notebooks.

Every citation, guideline grade and trial figure a notebook shows is read from the
catalogue, never typed into the notebook. A :class:`Notebook` remembers what was cited so
the notebook can end with its reference list.

Examples:
    >>> from her2guide import load_catalogue
    >>> nb = Notebook(load_catalogue())
    >>> nb.short("trastuzumab-pertuzumab-taxane")
    'THP'
    >>> nb.cite("asco-2022").startswith("[ASCO 2022")
    True
    >>> nb.cited
    ['asco-2022']
"""

from __future__ import annotations

from typing import Any

from ._catalogue import Catalogue, load_catalogue
from ._recommendation import Recommendation

__all__ = [
    "Compare",
    "Comparison",
    "Markdown",
    "MarkdownText",
    "Notebook",
    "cat",
    "cite",
    "figures",
    "nb",
    "references",
    "says",
    "says_each",
    "short",
    "steps",
    "toxicity",
]


class MarkdownText:
    """Markdown that Jupyter renders as such (and prints as plain text elsewhere)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def _repr_markdown_(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text


class Comparison:
    """A compact table of several recommendations; carries the rules that fired."""

    def __init__(self, notebook: Notebook, recs: dict[str, Recommendation]) -> None:
        self.notebook = notebook
        self.recs = recs

    def _repr_markdown_(self) -> tuple[str, dict[str, Any]]:
        short = self.notebook.short
        rows = ["| Scenario | Line | Preferred | Also offered | Alerts |", "|---|---|---|---|---|"]
        for label, rec in self.recs.items():
            if not rec.in_scope:
                rows.append(f"| {label} | out of scope | — | — | — |")
                continue
            others = [
                f"{short(o.regimen)} ({o.tier})" for o in rec.options if o.tier != "preferred"
            ]
            line: object = rec.line or "not set"
            if rec.line_by_source:
                line = f"{line} ({', '.join(f'{k}: {v}' for k, v in rec.line_by_source.items())})"
            rows.append(
                f"| {label} | {line} | {', '.join(map(short, rec.preferred)) or 'none'} "
                f"| {', '.join(others) or '—'} | {', '.join(f'`{c}`' for c in rec.alert_codes) or '—'} |"
            )
        rules = sorted({t.rule for rec in self.recs.values() for t in rec.trace})
        # ``variants``: one brief answer per row, for the summary card of a scenario page.
        variants = [{"label": label, **rec.summary()} for label, rec in self.recs.items()]
        return "\n".join(rows), {"her2guide": {"rules": rules, "variants": variants}}


class Notebook:
    """Citation-aware rendering of her2guide's data for one notebook."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        #: Reference IDs in order of first citation.
        self.cited: list[str] = []

    def cite(self, *ids: str) -> str:
        """Short citations with links (remembered for :meth:`references`)."""
        self.cited.extend(i for i in ids if i not in self.cited)
        refs = self.catalogue.references
        return "; ".join(f"[{refs[i].short}]({refs[i].link})" for i in ids)

    def says(self, statement_id: str) -> str:
        """A guideline or label statement with its number and grade as the source prints them."""
        s = self.catalogue.statements[statement_id]
        grade = f" ({s.grade})" if s.grade else ""
        return f"**{s.label}**{grade}: {s.summary} ({self.cite(s.reference)})"

    def says_each(self, *statement_ids: str) -> MarkdownText:
        """A bullet list of :meth:`says`, one statement a line, in the order given."""
        return MarkdownText("\n".join(f"- {self.says(i)}" for i in statement_ids))

    def toxicity(self, topic: str, agent: str | None = None) -> MarkdownText:
        """The labels' and guidelines' toxicity rules of one topic (``ild``, ``cardiac``,
        ``pregnancy``, ...), optionally of one agent, as the data states them."""
        rows = ["| Agent | Situation | What the source says | Source |", "|---|---|---|---|"]
        rows += [
            f"| {self.catalogue.agents[t.agent].name} | {t.condition} | {t.action} "
            f"| {self.cite(t.reference)} |"
            for t in self.catalogue.toxicity
            if t.topic == topic and agent in (None, t.agent)
        ]
        return MarkdownText("\n".join(rows))

    def figures(self, *analysis_ids: str) -> MarkdownText:
        """Trial results exactly as stored, each row with its analysis and publication."""
        rows = ["| Trial | Analysis | Endpoint | Result | Source |", "|---|---|---|---|---|"]
        for trial in self.catalogue.trials.values():
            for a in (a for a in trial.analyses if a.id in analysis_ids):
                rows += [
                    f"| {trial.name} | {a.label} | {f.endpoint} | {f.result} | {self.cite(a.reference)} |"
                    for f in a.figures
                ]
        return MarkdownText("\n".join(rows))

    def short(self, regimen_id: str) -> str:
        """The regimen's short name, e.g. THP or T-DXd."""
        return self.catalogue.regimens[regimen_id].short

    def compare(self, **recs: Recommendation) -> Comparison:
        """A table comparing recommendations, labelled by keyword."""
        return Comparison(self, recs)

    def steps(self, rec: Recommendation) -> MarkdownText:
        """The engine's reasoning, one rule per step, with the sources behind each rule."""
        rows = ["| Step | Rule | Finding | Sources |", "|---|---|---|---|"]
        for i, t in enumerate(rec.trace, 1):
            rows.append(f"| {i} | `{t.rule}` | {t.finding} | {self.cite(*t.citations)} |")
        return MarkdownText("\n".join(rows))

    def references(self) -> MarkdownText:
        """Every reference cited so far, in order of first citation."""
        refs = self.catalogue.references
        return MarkdownText(
            "\n".join(
                f"{n}. {refs[i].citation} [{refs[i].link}]({refs[i].link})"
                for n, i in enumerate(self.cited, 1)
            )
        )


# --------------------------------------------------------------------------- one import
# A worked-scenario notebook needs one line of set-up:
#
#     from her2guide.notebook import Compare, Markdown, cat, cite, figures, references, says, short, steps
#
# Each notebook runs in its own kernel, so this module's one Notebook collects exactly the
# references that notebook cited.

#: The notebook's helper (one per kernel).
nb: Notebook = Notebook(load_catalogue())  # the edge: the one load of this kernel
#: The clinical data the notebook renders.
cat: Catalogue = nb.catalogue
cite = nb.cite
says = nb.says
says_each = nb.says_each
toxicity = nb.toxicity
figures = nb.figures
short = nb.short
steps = nb.steps
references = nb.references
#: ``Compare(label=rec, ...)``: a table comparing recommendations.
Compare = nb.compare
#: Markdown that Jupyter renders (the same ``text/markdown`` output as IPython's ``Markdown``).
Markdown = MarkdownText
