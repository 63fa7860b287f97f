"""Regimens and dosing (``regimen``, ``dose``, ``regimen_index``, ``dosing_gaps``,
``synonyms``), the practical-dosing tables (interactions, organ function, formulations) and
the label monitoring tables (``monitoring``)."""

from __future__ import annotations

from .._catalogue import Component, Regimen
from .._practical import load_practical
from .page import DOSING_PAGE, EVIDENCE_PAGE, Page, RenderError, cell, placeholder

__all__: list[str] = []


def _num(value: float) -> str:
    """A dose number as printed in the data: ``5.4``, ``840``, ``2.5``.

    >>> _num(840.0), _num(5.4), _num(1000.0)
    ('840', '5.4', '1000')
    """
    return f"{value:g}"


def _unit(unit: str) -> str:
    return unit.replace("m2", "m²")


def _regimen(page: Page, rid: str) -> Regimen:
    page.lookup("regimen", rid, page.cat.regimens)
    return page.cat.regimens[rid]


def _dose_cells(c: Component) -> tuple[str, str, str]:
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


@placeholder
def dose(page: Page, rid: str, agent: str) -> str:
    """One component's dose inline, e.g. ``5.4 mg/kg IV every 3 weeks``, with its source."""
    reg = _regimen(page, rid)
    comp = next((c for c in reg.components if c.agent == agent), None)
    if comp is None:
        known = ", ".join(c.agent for c in reg.components)
        raise RenderError(f"regimen {rid!r} has no component {agent!r}; it has: {known}")
    loading, dose, _ = _dose_cells(comp)
    first = f" after a loading dose of {loading}" if loading != "—" else ""
    return f"{dose} {comp.route} {comp.schedule}{first} ({page.cite(comp.reference)})"


@placeholder
def regimen(page: Page, rid: str, heading: str = "###") -> str:
    """A regimen's dosing table, indications, notes and sources."""
    reg = _regimen(page, rid)
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
        name = f"{page.cat.agents[c.agent].name}, {c.route}"
        if c.choice:
            name += f" *(one {c.choice})*"
        loading, dose, ladder = _dose_cells(c)
        if loading != "—":
            dose = f"loading {loading}, then maintenance {dose}"
        out.append(
            f"| {name} | {cell(dose)} | {cell(c.schedule)} ({c.cycle_days}-day cycle) "
            f"| {cell(ladder)} | {page.cite(c.reference)} |"
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
            f"[{page.cat.trials[t].name}]({page.link(f'{EVIDENCE_PAGE}#{t}')})" for t in reg.trials
        )
        out.append(f"- **Trials:** {trials}")
    if reg.references:
        out.append(f"- **Sources:** {page.cite(*reg.references)}")
    out += ["", "</div>"]
    return "\n".join(out)


@placeholder
def regimens(page: Page, heading: str = "###") -> str:
    """Every regimen's dosing section, in catalogue order."""
    return "\n\n".join(regimen(page, rid, heading) for rid in page.cat.regimens)


@placeholder
def regimen_index(page: Page) -> str:
    """A compact table of every regimen, linking to its dosing section."""
    rows = ["| Regimen | Short name | ID | HER2-directed |", "|---|---|---|---|"]
    for reg in page.cat.regimens.values():
        rows.append(
            f"| [{reg.name}]({page.link(f'{DOSING_PAGE}#{reg.id}')}) | {reg.short} "
            f"| `{reg.id}` | {'yes' if reg.her2_directed else 'no'} |"
        )
    return "\n".join(rows)


@placeholder
def dosing_gaps(page: Page) -> str:
    """Components whose dose or reduction levels are not recorded in the data."""
    items = []
    for reg in page.cat.regimens.values():
        for c in reg.components:
            name = f"{page.cat.agents[c.agent].name} in [{reg.name}]({page.link(f'{DOSING_PAGE}#{reg.id}')})"
            if c.dose is None:
                items.append(f"- {name}: {c.dose_note}")
            elif "not recorded" in c.reduction_note.lower() or "not recorded" in c.reduction_note:
                items.append(f"- {name}: {c.reduction_note}")
    return "\n".join(items) if items else "*None.*"


@placeholder
def interaction_table(page: Page) -> str:
    """Every label interaction, with the medicines her2guide recognises in each class."""
    p = load_practical(page.cat)
    rows = [
        "| Agent | With | Recognised names | What the label says | Label section | Source |",
        "|---|---|---|---|---|---|",
    ]
    for it in p.interactions:
        names = sorted(m.name for m in p.medicines.values() if set(m.classes) & set(it.classes))
        rows.append(
            f"| {page.cat.agents[it.agent].name} | {' or '.join(p.classes[c] for c in it.classes)} "
            f"| {', '.join(names) or '*none recorded*'} | {cell(it.action)} "
            f"| {it.jurisdiction}: {cell(it.label_section)} | {page.cite(it.reference)} |"
        )
    return "\n".join(rows)


@placeholder
def practical_not_recorded(page: Page) -> str:
    """What the interaction and organ-function data leave out as unverified."""
    p = load_practical(page.cat)
    return "\n".join(f"- *{topic}:* {what}" for topic, what in p.not_recorded)


@placeholder
def organ_function_table(page: Page) -> str:
    """Every hepatic and renal statement the labels make, as recorded."""
    p = load_practical(page.cat)
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
            f"| {page.cat.agents[a.agent].name} | {when} | {cell(a.text)} "
            f"| {a.jurisdiction}: {cell(a.label_section)} | {page.cite(a.reference)} |"
        )
    return "\n".join(rows)


@placeholder
def formulation_table(page: Page) -> str:
    """Tablet strengths and vial sizes, as recorded."""
    p = load_practical(page.cat)
    rows = ["| Agent | Form | Strengths | Label section | Source |", "|---|---|---|---|---|"]
    for prod in p.products.values():
        strengths = ", ".join(f"{s:g} mg" for s in prod.strengths_mg)
        rows.append(
            f"| {page.cat.agents[prod.agent].name} | {prod.form} | {strengths} "
            f"| {prod.jurisdiction}: {cell(prod.label_section)} | {page.cite(prod.reference)} |"
        )
    return "\n".join(rows)


@placeholder
def synonyms(page: Page, agent_id: str) -> str:
    """The other names accepted for one agent (brands, biosimilars, spellings), as a list."""
    page.lookup("agent", agent_id, page.cat.agents)
    names = page.cat.agents[agent_id].synonyms
    return ", ".join(f"`{n}`" for n in names) if names else "*None.*"


@placeholder
def monitoring(page: Page, topic: str) -> str:
    """The label rules for one toxicity topic, as a table."""
    rules = [r for r in page.cat.toxicity if r.topic == topic]
    if not rules:
        known = sorted({r.topic for r in page.cat.toxicity})
        raise RenderError(f"no monitoring rules for topic {topic!r}; topics: {', '.join(known)}")
    rows = ["| Agent | Finding | What the label says | Source |", "|---|---|---|---|"]
    for r in rules:
        rows.append(
            f"| {page.cat.agents[r.agent].name} | {cell(r.condition)} | {cell(r.action)} "
            f"| {page.cite(r.reference)} |"
        )
    return "\n".join(rows)
