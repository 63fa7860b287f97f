"""The navigator page's scenario form and field definitions, generated from the scenario's
JSON Schema (``her2guide schema``) and the catalogue's agent names."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from typing import Any, Final

from .navigator import ASSET_DIR

__all__ = ["LABELS", "agent_names_markdown", "field_definitions_html", "form_html", "page_html"]


#: field labels and one-line definitions shown next to each field (the vocabulary of the
#: scenario contract, DESIGN.md "Scenario"); allowed values come from the schema.
LABELS: Final[dict[str, tuple[str, str]]] = {
    "her2": ("HER2 status", "positive = IHC 3+ or ISH-amplified; anything else is out of scope."),
    "setting": (
        "Setting",
        "metastatic includes unresectable locally advanced disease; early is out of scope.",
    ),
    "as_of": ("Evaluation date (as of)", "Time-relative rules count from this date."),
    "metastatic_diagnosis": (
        "Metastatic diagnosis",
        "Date of de novo metastatic diagnosis or of recurrence.",
    ),
    "hormone_receptor": ("Hormone receptors", "ER and/or PR positive."),
    "early_treatment": (
        "(Neo)adjuvant treatment",
        "Leave empty when there was none (de novo metastatic disease).",
    ),
    "early_treatment.agents": ("Agents", "Comma-separated; any name the CLI accepts."),
    "early_treatment.her2_therapy_end": (
        "Last HER2-directed dose",
        "Date of the last (neo)adjuvant HER2-directed dose.",
    ),
    "early_treatment.residual_disease": (
        "Residual invasive disease",
        "After neoadjuvant therapy, at surgery.",
    ),
    "metastatic_lines": ("Metastatic lines", "Oldest first, one per line of systemic therapy."),
    "metastatic_lines.agents": ("Agents", "Comma-separated; any name the CLI accepts."),
    "metastatic_lines.stopped": ("Stopped because", "How the line ended (or ongoing)."),
    "metastatic_lines.toxicity_agents": (
        "Agents that caused the toxicity",
        "With stopped = toxicity; comma-separated.",
    ),
    "brain_metastases": (
        "Brain metastases",
        "active = new or progressing, no mass effect; symptomatic = symptoms or mass effect "
        "needing local therapy; unknown = not imaged.",
    ),
    "ild_history": (
        "ILD / pneumonitis",
        "None, present before treatment, or drug-induced at grade 1 or grade ≥2.",
    ),
    "ild_agent": ("Agent that caused the ILD", "Any accepted name."),
    "lvef": ("LVEF (%)", "Latest left-ventricular ejection fraction."),
    "ecog": ("ECOG performance status", "0–4."),
    "pregnant": ("Pregnant", ""),
    "weight_kg": ("Weight (kg)", "Enables dose calculation (mg/kg)."),
    "height_cm": ("Height (cm)", "With weight, enables mg/m² doses (Mosteller BSA)."),
    "low_disease_burden": ("Low disease burden", "Optional; used for HR-positive options."),
    "concomitant_medications": (
        "Other medicines",
        "Comma-separated, any names: label interactions are noted on the options; names "
        "her2guide does not know are reported, not checked.",
    ),
    "hepatic_impairment": (
        "Hepatic impairment (Child-Pugh)",
        "none, A, B or C, or unknown: the labels' starting doses and restrictions follow it.",
    ),
    "creatinine_clearance_ml_min": (
        "Creatinine clearance (mL/min)",
        "The labels' renal statements and doses follow it.",
    ),
    "name": ("Case name", "Free text, for your own reference."),
    "notes": ("Notes", "Free text; not used by the engine."),
}
_AGENT_FIELDS: Final = {"agents", "toxicity_agents", "ild_agent"}


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _dom_id(path: str) -> str:
    return "nav-" + re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")


def _label(path: str, key: str) -> tuple[str, str]:
    return LABELS.get(path, (key.replace("_", " ").capitalize(), ""))


def _control(path: str, key: str, spec: Mapping[str, Any], *, templ: bool = False) -> str:
    """One labelled control. ``templ``: inside the metastatic-line template (ids get {i})."""
    label, help_text = _label(path, key)
    desc = spec.get("description", "")
    help_all = " ".join(t for t in (help_text, f"Schema: {desc}." if desc else "") if t)
    dom = _dom_id(path) + ("-{i}" if templ else "")
    attrs = f'id="{dom}" data-key="{_esc(key)}"'
    described = f'aria-describedby="{dom}-help {dom}-error"'
    kind = "text"
    if "enum" in spec:
        opts = ['<option value="">— not given —</option>']
        for v in spec["enum"]:
            opts.append(f'<option value="{_esc(json.dumps(v))}">{_esc(v)}</option>')
        widget = f'<select {attrs} data-kind="enum" {described}>{"".join(opts)}</select>'
        kind = "enum"
    elif spec.get("type") == "boolean":
        yes_no = (
            '<option value="">— not given —</option>'
            '<option value="true">yes</option><option value="false">no</option>'
        )
        widget = f'<select {attrs} data-kind="boolean" {described}>{yes_no}</select>'
        kind = "boolean"
    elif spec.get("type") == "number":
        rng = f"{spec.get('minimum', '')}–{spec.get('maximum', '')}"
        help_all += f" Range {rng}."
        widget = (
            f'<input {attrs} data-kind="number" type="text" inputmode="decimal" '
            f'autocomplete="off" {described}>'
        )
        kind = "number"
    elif spec.get("type") == "array" or key in _AGENT_FIELDS:
        kind = "list" if spec.get("type") == "array" else "text"
        widget = (
            f'<input {attrs} data-kind="{kind}" type="text" list="nav-agent-names" '
            f'autocomplete="off" spellcheck="false" {described}>'
        )
    elif spec.get("format") == "date":
        widget = (
            f'<input {attrs} data-kind="date" type="text" inputmode="numeric" '
            f'placeholder="YYYY-MM-DD" autocomplete="off" {described}>'
        )
        kind = "date"
    else:
        widget = f'<input {attrs} data-kind="text" type="text" autocomplete="off" {described}>'
    # Out of the tab order, so Tab goes from field to field (the glossary itself is on the page,
    # below the form, in the normal reading order).
    definition = f' <a href="#{_def_id(path)}" tabindex="-1">Definition</a>'
    return (
        f'<div class="h2g-nav-field" data-field-wrap="{_esc(path)}" data-kind="{kind}">'
        f'<label for="{dom}">{_esc(label)}</label>{widget}'
        f'<small class="h2g-nav-help" id="{dom}-help">{_esc(help_all)}{definition}</small>'
        f'<span class="h2g-nav-error" id="{dom}-error" role="alert"></span></div>'
    )


def _def_id(path: str) -> str:
    return "def-" + re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")


def _fields(schema: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """Every scenario field as (dotted path, schema), nested ones after their parent."""
    out: list[tuple[str, Mapping[str, Any]]] = []
    for key, spec in schema["properties"].items():
        out.append((key, spec))
        nested = spec.get("properties") or spec.get("items", {}).get("properties") or {}
        out += [(f"{key}.{k}", v) for k, v in nested.items()]
    return out


def field_definitions_html(schema: Mapping[str, Any]) -> str:
    """The glossary the form links to: each field's name, label, definition and allowed
    values, from the contract labels above and the JSON Schema (one HTML block)."""
    required = set(schema.get("allOf", [{}])[0].get("then", {}).get("required", []))
    required |= set(schema.get("required", []))
    rows = ['<dl class="h2g-nav-defs">']
    for path, spec in _fields(schema):
        label, text = _label(path, path.rsplit(".", 1)[-1])
        allowed = ""
        if "enum" in spec:
            allowed = (
                "Allowed: "
                + ", ".join(f"<code>{_esc(json.dumps(v))}</code>" for v in spec["enum"])
                + "."
            )
        elif spec.get("type") == "number":
            allowed = f"A number from {spec.get('minimum', '')} to {spec.get('maximum', '')}."
        elif spec.get("format") == "date":
            allowed = "A date, YYYY-MM-DD."
        elif spec.get("type") == "boolean":
            allowed = "Yes or no."
        req = " Required for a HER2-positive metastatic scenario." if path in required else ""
        schema_text = spec.get("description", "")
        body = " ".join(t for t in (_esc(text), _esc(schema_text), allowed, req.strip()) if t)
        rows.append(
            f'<dt id="{_def_id(path)}"><code>{_esc(path)}</code> — {_esc(label)}</dt>'
            f"<dd>{body}</dd>"
        )
    rows.append("</dl>")
    return "".join(rows)


def _agent_names(catalogue: Any) -> list[str]:
    names: set[str] = set()
    for agent in catalogue.agents.values():
        names.add(agent.id)
        names.update(agent.synonyms)
    return sorted(names, key=str.lower)


def form_html(schema: Mapping[str, Any], catalogue: Any) -> str:
    """The navigator form (one HTML block, no blank lines, so Markdown passes it through)."""
    props: Mapping[str, Any] = schema["properties"]
    parts = [
        '<form id="navigator-form" class="h2g-nav-form" novalidate '
        'aria-describedby="navigator-form-help">',
        '<p id="navigator-form-help" class="h2g-nav-help">Fields follow <code>her2guide '
        "schema</code>. Leave a field empty when it is not known: the engine then says what "
        "is missing, as the CLI does.</p>",
    ]
    simple = [k for k, v in props.items() if k not in {"early_treatment", "metastatic_lines"}]
    first = [
        k for k in ("her2", "setting", "as_of", "metastatic_diagnosis", "hormone_receptor") if k
    ]
    parts.append('<fieldset class="h2g-nav-group"><legend>Patient and disease</legend>')
    parts += [_control(k, k, props[k]) for k in first if k in props]
    parts.append("</fieldset>")
    et = props["early_treatment"]
    label, help_text = _label("early_treatment", "early_treatment")
    parts.append(
        f'<fieldset class="h2g-nav-group" data-object="early_treatment"><legend>{_esc(label)}'
        f'</legend><small class="h2g-nav-help">{_esc(help_text)}</small>'
    )
    for k, v in et["properties"].items():
        parts.append(_control(f"early_treatment.{k}", k, v))
    parts.append(
        '<span class="h2g-nav-error" id="nav-early-treatment-error" role="alert"></span></fieldset>'
    )
    ml = props["metastatic_lines"]
    label, help_text = _label("metastatic_lines", "metastatic_lines")
    parts.append(
        f'<fieldset class="h2g-nav-group" id="nav-lines"><legend>{_esc(label)}</legend>'
        f'<small class="h2g-nav-help" id="nav-metastatic-lines-help">{_esc(help_text)}</small>'
        '<span class="h2g-nav-error" id="nav-metastatic-lines-error" role="alert"></span>'
        '<ol id="nav-line-list" class="h2g-nav-lines"></ol>'
        '<button type="button" id="nav-add-line" class="md-button">Add a metastatic line</button>'
        "</fieldset>"
    )
    row = [
        '<li class="h2g-nav-line" data-line="{i}"><fieldset><legend>Line {n}</legend>',
        *(
            _control(f"metastatic_lines.{k}", k, v, templ=True)
            for k, v in ml["items"]["properties"].items()
        ),
        '<button type="button" class="md-button h2g-nav-remove" '
        'aria-label="Remove line {n}">Remove line {n}</button></fieldset></li>',
    ]
    parts.append(f'<template id="nav-line-template">{"".join(row)}</template>')
    rest = [k for k in simple if k not in first]
    parts.append('<fieldset class="h2g-nav-group"><legend>Now</legend>')
    parts += [_control(k, k, props[k]) for k in rest]
    parts.append("</fieldset>")
    names = "".join(f'<option value="{_esc(n)}"></option>' for n in _agent_names(catalogue))
    parts.append(f'<datalist id="nav-agent-names">{names}</datalist>')
    parts.append("</form>")
    return "".join(parts)


def agent_names_markdown(catalogue: Any) -> str:
    """The accepted agent names, one bullet per agent (canonical ID, then synonyms)."""
    out = []
    for agent in sorted(catalogue.agents.values(), key=lambda a: a.id):
        syn = ", ".join(f"`{s}`" for s in agent.synonyms)
        out.append(f"- `{agent.id}`" + (f": {syn}" if syn else ""))
    return "\n".join(out)


def page_html(schema: Mapping[str, Any], catalogue: Any, intended_use: str) -> str:
    """The whole navigator block: state holder, progress, form, actions, answer."""
    return "".join(
        [
            f'<link rel="stylesheet" href="{ASSET_DIR}/navigator.css">',
            f'<div id="navigator" class="h2g-nav" data-state="loading" data-run="0" '
            f'data-base="{ASSET_DIR}/">',
            '<div class="h2g-nav-status" role="status" aria-live="polite">'
            '<progress id="nav-progress" max="4" value="0" aria-label="Engine loading"></progress> '
            '<span id="nav-status-text">Loading the engine (about 3.5 MB, once; the browser '
            "keeps it)…</span></div>",
            "<noscript><p>The navigator needs JavaScript and WebAssembly. Without them, run "
            "<code>her2guide recommend FILE</code> with the Python package.</p></noscript>",
            form_html(schema, catalogue),
            '<div class="h2g-nav-actions">'
            '<button type="button" id="nav-copy-yaml" class="md-button">Copy scenario as YAML</button>'
            '<button type="button" id="nav-print" class="md-button">Print the answer</button>'
            '<button type="button" id="nav-clear" class="md-button">Clear the form</button>'
            '<span id="nav-copy-note" role="status"></span></div>',
            '<section id="nav-result" class="h2g-nav-result" aria-label="Answer">'
            '<h2 id="answer">Answer</h2>'
            '<div id="nav-problems" class="h2g-nav-problems" aria-live="polite"></div>'
            '<div id="recommendation" aria-live="polite"></div>'
            "<details><summary>JSON, as <code>her2guide recommend --format json</code> prints it"
            '</summary><pre id="recommendation-json" tabindex="0"></pre></details>'
            "<details><summary>Scenario as YAML (for <code>her2guide recommend FILE</code>)"
            '</summary><pre id="nav-yaml" tabindex="0"></pre></details>'
            f'<p class="h2g-nav-notice"><strong>Intended use.</strong> {_esc(intended_use)}</p>'
            "</section></div>",
            f'<script src="{ASSET_DIR}/navigator.js" defer></script>',
        ]
    )
