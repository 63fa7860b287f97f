"""Readable reports of a recommendation: Markdown (notebooks, CLI) and plain text (CLI).

Pure functions of the output records: every name shown (regimen, agent, reference label) is
carried by the records, so no report reloads the catalogue.
"""

from __future__ import annotations

from ._recommendation import (
    INTENDED_USE,
    ORGAN_START,
    DoseAmount,
    Option,
    Recommendation,
    RegimenDoses,
    install_markdown,
)

__all__ = ["doses_markdown", "doses_text", "to_markdown", "to_text"]


def _fmt_amount(a: DoseAmount | None) -> str:
    if a is None:
        return "—"
    unit = a.unit.replace("m2", "m²")
    per = f"{a.per:g} {unit}"
    if a.label == ORGAN_START:  # a label's starting dose for this organ function
        return f"**{per}** (adjusted start — {a.basis})"
    if a.unit == "mg" or a.amount_mg is None:
        return per if a.amount_mg is not None else f"{per} ({a.basis})"
    return f"{per} → **{a.amount_mg:g} mg**"


def _dose_head(d: RegimenDoses) -> list[str]:
    """What the doses were calculated from: weight, height, BSA."""
    head = []
    if d.weight_kg is not None:
        head.append(f"weight {d.weight_kg:g} kg")
    if d.height_cm is not None:
        head.append(f"height {d.height_cm:g} cm")
    if d.bsa_m2 is not None:
        head.append(f"BSA {d.bsa_m2:.2f} m² (Mosteller)")
    return head


def doses_markdown(d: RegimenDoses) -> str:
    """A Markdown table of calculated doses for one regimen."""
    head = _dose_head(d)
    rows = [
        "| Agent | Route | Loading | Dose | Dose-reduction levels | Schedule |",
        "|---|---|---|---|---|---|",
    ]
    for c in d.components:
        name = c.agent_name + (f" (or: {c.choice})" if c.choice else "")
        if c.maintenance is None:
            rows.append(f"| {name} | {c.route} | — | {c.note} | — | {c.schedule} |")
            continue
        ladder = ", ".join(_fmt_amount(r) for r in c.reductions) or c.reduction_note or "—"
        rows.append(
            f"| {name} | {c.route} | {_fmt_amount(c.loading)} | {_fmt_amount(c.maintenance)} "
            f"| {ladder} | {c.schedule} |"
        )
    out = [f"*{', '.join(head)}*" if head else "", "", *rows, "", f"<small>{d.rounding}</small>"]
    if d.missing:
        out.append(f"\n<small>Missing for some doses: {'; '.join(d.missing)}.</small>")
    return "\n".join(out).strip()


def _plain(a: DoseAmount | None) -> str:
    return _fmt_amount(a).replace("**", "")


def doses_text(
    d: RegimenDoses,
    *,
    field_names: dict[str, str] | None = None,
) -> str:
    """The same doses as :func:`doses_markdown`, as plain text for a terminal.

    ``field_names`` renames the scenario fields named in ``missing`` (e.g. the CLI's flags).
    """
    head = _dose_head(d)
    out = [", ".join(head), ""] if head else []
    for c in d.components:
        name = c.agent_name + (f" (or: {c.choice})" if c.choice else "")
        out.append(f"{name} — {c.route}, {c.schedule}")
        if c.maintenance is None:
            out.append(f"    {c.note}")
            continue
        if c.loading is not None:
            out.append(f"    loading:    {_plain(c.loading)}")
        out.append(f"    dose:       {_plain(c.maintenance)}")
        ladder = ", ".join(_plain(r) for r in c.reductions) or c.reduction_note
        if ladder:
            out.append(f"    reductions: {ladder}")
    out += ["", d.rounding]
    if d.missing:
        out.append(f"Missing for some doses: {'; '.join(d.missing)}.")
    text = "\n".join(out)
    for old, new in (field_names or {}).items():
        text = text.replace(old, new)
    return text


def _option_md(o: Option) -> list[str]:
    lines = [f"### {o.name} — *{o.tier}*", ""]
    lines += [f"- {w}" for w in o.why]
    if o.support:
        lines += ["", "| Source | Says | Number | Grade |", "|---|---|---|---|"]
        for s in o.support:
            lines.append(f"| {s.source} | {s.says} | {s.number or '—'} | {s.grade or '—'} |")
    if o.notes:
        lines += ["", *(f"- *Note:* {n}" for n in o.notes)]
    if o.doses is not None:
        lines += ["", doses_markdown(o.doses)]
    cites = ", ".join(o.citation_labels)
    lines += ["", f"<small>Sources: {cites}</small>", ""]
    return lines


def to_markdown(rec: Recommendation, *, trace: bool = True) -> str:
    """Render a recommendation as Markdown for a clinician.

    Examples:
        >>> from her2guide import recommend
        >>> md = to_markdown(recommend({"her2": "negative", "setting": "metastatic"}))
        >>> md.splitlines()[0]
        '**Out of scope.** HER2-negative disease is treated by hormone-receptor status and other biomarkers; her2guide does not cover it.'
    """
    if not rec.in_scope:
        reason = (
            rec.scope_reason.split(". ", 1)[-1]
            if rec.scope_reason.startswith("HER2 status")
            else rec.scope_reason
        )
        return f"**Out of scope.** {reason}\n\n<small>{INTENDED_USE}</small>"
    line = f"Line {rec.line}" if rec.line else "Line not determined"
    out = [f"**{line}** of HER2-directed therapy — {rec.line_basis}.", ""]
    out += [f"Prior metastatic lines (any kind): {rec.prior_metastatic_lines}.", ""]
    if rec.line_by_source:
        out.append(
            "Line by source: " + ", ".join(f"{k} {v}" for k, v in rec.line_by_source.items()) + "."
        )
        out.append("")
    pref = ", ".join(o.name for o in rec.options if o.tier == "preferred") or "none (see alerts)"
    out += [f"**Preferred:** {pref}", ""]
    if rec.alerts:
        out += ["**Alerts**", ""]
        out += [f"- `{a.code}` — {a.message}" for a in rec.alerts]
        out.append("")
    if rec.options and rec.ordering:
        out += [f"*{rec.ordering}*", ""]
    for o in rec.options:
        out += _option_md(o)
    if rec.excluded:
        out += ["**Set aside**", "", "| Regimen | Why | Rule |", "|---|---|---|"]
        out += [f"| {e.name} | {e.reason} | `{e.rule}` |" for e in rec.excluded]
        out.append("")
    if trace:
        out += ["**Rules that fired**", ""]
        out += [f"{i}. `{t.rule}` — {t.finding}" for i, t in enumerate(rec.trace, 1)]
        out.append("")
    out.append(f"<small>{INTENDED_USE}</small>")
    return "\n".join(out)


def to_text(rec: Recommendation) -> str:
    """Render a recommendation as plain text for a terminal."""
    out = [f"her2guide — {INTENDED_USE}", ""]
    if not rec.in_scope:
        out += ["OUT OF SCOPE", f"  {rec.scope_reason}"]
        return "\n".join(out)
    out.append(
        f"Line (HER2-directed): {rec.line if rec.line else 'not determined'} — {rec.line_basis}"
    )
    out.append(f"  prior metastatic lines, any kind: {rec.prior_metastatic_lines}")
    if rec.line_by_source:
        out.append("  by source: " + ", ".join(f"{k} {v}" for k, v in rec.line_by_source.items()))
    pref = ", ".join(o.name for o in rec.options if o.tier == "preferred") or "none"
    out += [f"Preferred: {pref}", ""]
    if rec.alerts:
        out.append("ALERTS")
        out += [f"  [{a.code}] {a.message}" for a in rec.alerts]
        out.append("")
    out.append("OPTIONS" + (f" ({rec.ordering})" if rec.options and rec.ordering else ""))
    if not rec.options:
        out.append("  none")
    for o in rec.options:
        out.append(f"  {o.tier.upper():<11} {o.name} ({o.regimen})")
        for w in o.why:
            out.append(f"              - {w}")
        for n in o.notes:
            out.append(f"              note: {n}")
        for s in o.support:
            grade = f" {s.grade}" if s.grade else ""
            num = f" {s.number}" if s.number else ""
            out.append(f"              · {s.source}{num}{grade}: {s.says}")
        if o.doses is not None:
            for c in o.doses.components:
                if c.maintenance is None:
                    continue
                amt = c.maintenance.amount_mg
                load = (
                    f"load {c.loading.amount_mg:g} mg then "
                    if c.loading and c.loading.amount_mg
                    else ""
                )
                shown = f"{load}{amt:g} mg" if amt is not None else c.maintenance.basis
                out.append(f"              dose {c.agent_name}: {shown} ({c.schedule})")
    if rec.excluded:
        out += ["", "SET ASIDE"]
        out += [f"  {e.regimen}: {e.reason} [{e.rule}]" for e in rec.excluded]
    out += ["", "RULES THAT FIRED"]
    out += [f"  {t.rule}: {t.finding}" for t in rec.trace]
    return "\n".join(out)


install_markdown(to_markdown)  # behind Recommendation.to_markdown (the records import no report)
