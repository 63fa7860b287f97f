"""Trials and their analyses: ``figure``, ``trial`` and ``trials`` (the evidence page)."""

from __future__ import annotations

from collections.abc import Iterable

from .._catalogue import Analysis, Figure, Trial
from .page import DOSING_PAGE, Page, RenderError, cell, placeholder

__all__ = ["trial_design"]


def trial_design(trial: Trial) -> str:
    """Phase and design tokens in reading order, e.g. ``phase 2, randomised, double-blind``.

    >>> from her2guide import load_catalogue
    >>> trial_design(load_catalogue().trials["her2climb"])
    'phase 2, randomised, double-blind, placebo-controlled'
    """
    return ", ".join((f"phase {trial.phase}", *trial.design))


def _analysis(page: Page, analysis_id: str) -> tuple[str, Analysis]:
    for t in page.cat.trials.values():
        for a in t.analyses:
            if a.id == analysis_id:
                return t.name, a
    known = sorted(a.id for t in page.cat.trials.values() for a in t.analyses)
    raise RenderError(f"unknown analysis {analysis_id!r}; known: {', '.join(known)}")


@placeholder
def figure(page: Page, analysis_id: str, endpoint: str) -> str:
    """One figure with its analysis and publication, e.g.
    ``{{ figure("db03-updated", "Progression-free survival (BICR)") }}``."""
    trial, a = _analysis(page, analysis_id)
    fig = next((f for f in a.figures if f.endpoint == endpoint), None)
    if fig is None:
        known = "; ".join(repr(f.endpoint) for f in a.figures)
        raise RenderError(f"analysis {analysis_id!r} has no endpoint {endpoint!r}; it has: {known}")
    return f"{fig.result} ({trial}, {a.label.lower()}; {fig.endpoint.lower()}; {page.cite(a.reference)})"


def _figures_table(figures: Iterable[Figure]) -> list[str]:
    rows = ["| Endpoint | Result, as published |", "|---|---|"]
    rows += [f"| {cell(f.endpoint)} | {cell(f.result)} |" for f in figures]
    return rows


@placeholder
def trial(page: Page, trial_id: str, heading: str = "###") -> str:
    """A trial: design, then each analysis separately with its own publication."""
    page.lookup("trial", trial_id, page.cat.trials)
    t = page.cat.trials[trial_id]
    regs = ", ".join(
        f"[{page.cat.regimens[r].name}]({page.link(f'{DOSING_PAGE}#{r}')})" for r in t.regimens
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
            f"Publication: {page.cite(a.reference)}",
            "",
            *_figures_table(a.figures),
            "",
            "</div>",
        ]
    return "\n".join(out)


@placeholder
def trials(page: Page, setting: str) -> str:
    """Every trial of a setting (first-line, second-line, later-line, …)."""
    found = [t.id for t in page.cat.trials.values() if t.setting == setting]
    if not found:
        known = sorted({t.setting for t in page.cat.trials.values()})
        raise RenderError(f"no trials with setting {setting!r}; settings: {', '.join(known)}")
    return "\n\n".join(trial(page, tid) for tid in found)
