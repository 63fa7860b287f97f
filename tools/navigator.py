"""Build-time parts of the site's navigator page (``docs/navigator.md``).

- :func:`build_wheel`: the her2guide wheel, zipped from this checkout's ``src/her2guide``
  with the standard library only (no build backend, no network), so the page runs exactly
  the code and data the site was built from.
- :func:`copy_runtime`: the Pyodide files the page needs, copied from
  ``node_modules/pyodide`` (pinned in ``package-lock.json``, installed by ``npm ci`` in
  ``scripts/setup.sh``) into the built site; the page never loads anything from a CDN.
- :func:`form_html`: the scenario form, generated from ``her2guide schema`` (JSON Schema),
  with the agent names the CLI accepts.
- :func:`notebook_scenario` and :func:`fragment`: the "Open in the navigator" link of each
  worked-scenario page (the first scenario literal in the notebook, as ``#s=`` +
  base64url of its JSON).

The MkDocs hook calls these; ``tests/test_navigator.py`` tests them.
"""

from __future__ import annotations

import ast
import base64
import contextlib
import copy
import hashlib
import html
import json
import re
import shutil
import tomllib
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

__all__ = [
    "ASSET_DIR",
    "PYODIDE_FILES",
    "build_wheel",
    "copy_runtime",
    "form_html",
    "fragment",
    "notebook_scenario",
]

ROOT: Final = Path(__file__).resolve().parents[1]
PACKAGE_DIR: Final = ROOT / "src" / "her2guide"
PYODIDE_DIR: Final = ROOT / "node_modules" / "pyodide"
#: where the runtime goes inside the built site
ASSET_DIR: Final = "assets/navigator"
#: the only Pyodide files the page loads (the core runtime; no packages)
PYODIDE_FILES: Final = (
    "pyodide.js",
    "pyodide.asm.js",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)
WHEEL_NAME: Final = "her2guide-py3-none-any.whl"


class NavigatorBuildError(RuntimeError):
    """Something the navigator needs is missing; the message says how to get it."""


# --------------------------------------------------------------------------- wheel


def _project() -> tuple[str, str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return str(meta["name"]), str(meta["version"])


def _digest(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def build_wheel(out_dir: Path) -> Path:
    """Zip ``src/her2guide`` (code and data) into a pure-Python wheel in ``out_dir``.

    The file name carries no version so the page's URL is stable; the wheel's METADATA,
    WHEEL and RECORD (with sha256 digests) follow the wheel spec. Entries are written in
    sorted order with a fixed timestamp, so the same checkout gives the same bytes.
    """
    name, version = _project()
    dist_info = f"{name}-{version}.dist-info"
    files: list[tuple[str, bytes]] = []
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_dir() or "__pycache__" in path.parts or path.suffix in {".pyc", ".pyo"}:
            continue
        files.append((f"{name}/{path.relative_to(PACKAGE_DIR).as_posix()}", path.read_bytes()))
    files.append(
        (
            f"{dist_info}/METADATA",
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
        )
    )
    files.append(
        (
            f"{dist_info}/WHEEL",
            b"Wheel-Version: 1.0\nGenerator: her2guide tools/navigator.py\n"
            b"Root-Is-Purelib: true\nTag: py3-none-any\n",
        )
    )
    record = "".join(f"{arc},{_digest(data)},{len(data)}\n" for arc, data in files)
    record += f"{dist_info}/RECORD,,\n"
    files.append((f"{dist_info}/RECORD", record.encode()))
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / WHEEL_NAME
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for arc, data in files:
            info = zipfile.ZipInfo(arc, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return target


def copy_runtime(site_dir: Path) -> list[Path]:
    """Copy the Pyodide runtime and a fresh wheel into ``site_dir/assets/navigator``."""
    missing = [f for f in PYODIDE_FILES if not (PYODIDE_DIR / f).is_file()]
    if missing:
        raise NavigatorBuildError(
            f"navigator: {PYODIDE_DIR} lacks {', '.join(missing)}; run `bash scripts/setup.sh` "
            "(it runs `npm ci`, which installs the Pyodide pinned in package-lock.json)"
        )
    out = site_dir / ASSET_DIR
    out.mkdir(parents=True, exist_ok=True)
    copied = []
    for f in PYODIDE_FILES:
        shutil.copyfile(PYODIDE_DIR / f, out / f)
        copied.append(out / f)
    copied.append(build_wheel(out))
    return copied


# --------------------------------------------------------------------------- links in


def fragment(scenario: Mapping[str, Any]) -> str:
    """``s=`` + base64url (no padding) of the scenario's compact JSON (UTF-8)."""
    text = json.dumps(scenario, ensure_ascii=False, separators=(",", ":"))
    return "s=" + base64.urlsafe_b64encode(text.encode("utf-8")).rstrip(b"=").decode("ascii")


def notebook_scenario(py_path: Path) -> dict[str, Any] | None:
    """The first dict literal with a ``"her2"`` key in a notebook's source, or ``None``
    when there is none that is a plain literal (then the page gets no navigator link).

    Names bound earlier to plain literals at the top level (``thp = ["trastuzumab", …]``)
    may be used inside it.
    """
    tree = ast.parse(py_path.read_text(encoding="utf-8"))
    known: dict[str, ast.expr] = {}
    for stmt in tree.body:
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
        ):
            with contextlib.suppress(ValueError, SyntaxError, TypeError):
                ast.literal_eval(stmt.value)
                known.setdefault(stmt.targets[0].id, stmt.value)

    class _Inline(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.expr:
            return known.get(node.id, node)

    for node in ast.walk(tree):
        if isinstance(node, ast.Dict) and any(
            isinstance(k, ast.Constant) and k.value == "her2" for k in node.keys
        ):
            try:
                value = ast.literal_eval(_Inline().visit(copy.deepcopy(node)))
            except (ValueError, SyntaxError, TypeError):
                continue
            if isinstance(value, dict):
                return value
    return None


# --------------------------------------------------------------------------- the form

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
