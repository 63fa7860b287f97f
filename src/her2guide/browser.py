"""The entry point of the site's in-browser navigator (run in Pyodide by a Web Worker).

:func:`evaluate` takes the scenario as JSON text, exactly as the page builds it, and returns
JSON text holding everything the page shows: the same JSON that
``her2guide recommend --format json`` prints, the same Markdown that ``--format markdown``
prints (with rule IDs linked to the algorithm page and sources to the references page),
the scenario as YAML for the CLI, and the problems when the scenario is invalid. It never
raises for bad input: problems come back as data, never as a traceback.

Only JSON is parsed here, so the navigator runs without PyYAML.

Examples:
    >>> import json
    >>> out = json.loads(evaluate('{"her2": "positive", "setting": "metastatic", "lvef": 150}', "2026-11-23"))
    >>> out["state"]
    'error'
    >>> [p["field"] for p in out["problems"] if p["field"] == "lvef"]
    ['lvef']
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from typing import Any, Final

from ._catalogue import load_catalogue
from ._engine import RULES, recommend
from ._input import InputError, limit, parse_text
from ._recommendation import INTENDED_USE, Recommendation
from ._report import to_markdown
from ._scenario import _MISSING, Problem, ScenarioError, parse_scenario

__all__ = ["ALGORITHM_PAGE", "REFERENCES_PAGE", "evaluate", "linked_markdown", "to_yaml"]

#: where the page links rule IDs and sources (relative to the navigator page)
ALGORITHM_PAGE: Final = "algorithm.html"
REFERENCES_PAGE: Final = "references.html"


def _cli_json(rec: Recommendation) -> str:
    # What `her2guide recommend --format json` prints (print() adds the final newline).
    return json.dumps(rec.to_dict(), indent=2, ensure_ascii=False) + "\n"


def linked_markdown(rec: Recommendation) -> str:
    """``--format markdown`` with each rule ID linked to its section of the algorithm page
    and each source name linked to its entry on the references page."""
    md = to_markdown(rec)
    for o in rec.options:
        refs = tuple(zip(o.citations, o.citation_labels, strict=True))
        plain = "<small>Sources: " + ", ".join(label for _, label in refs) + "</small>"
        linked = (
            "<small>Sources: "
            + ", ".join(f"[{label}]({REFERENCES_PAGE}#{rid})" for rid, label in refs)
            + "</small>"
        )
        md = md.replace(plain, linked, 1)
    anchors = {r.id: r.anchor for r in RULES}
    return re.sub(
        r"`([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)`",
        lambda m: f"[`{m[1]}`]({ALGORITHM_PAGE}#{anchors[m[1]]})" if m[1] in anchors else m[0],
        md,
    )


def _yaml_scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    return json.dumps(str(value))  # a JSON string is a valid double-quoted YAML scalar


def to_yaml(data: Any, indent: int = 0) -> str:
    """A scenario (JSON data) as block YAML that ``her2guide recommend FILE`` reads back.

    Examples:
        >>> print(to_yaml({"her2": "positive", "metastatic_lines": [{"agents": ["T-DXd"], "stopped": "ongoing"}]}))
        her2: "positive"
        metastatic_lines:
          - agents:
              - "T-DXd"
            stopped: "ongoing"
    """
    pad = " " * indent
    lines: list[str] = []
    if isinstance(data, Mapping):
        if not data:
            return pad + "{}"
        for key, value in data.items():
            if isinstance(value, Mapping | list) and value:
                lines.append(f"{pad}{_yaml_scalar(key) if ':' in str(key) else key}:")
                lines.append(to_yaml(value, indent + 2))
            else:
                shown = "[]" if value == [] else "{}" if value == {} else _yaml_scalar(value)
                lines.append(f"{pad}{key}: {shown}")
        return "\n".join(lines)
    if isinstance(data, list):
        if not data:
            return pad + "[]"
        for item in data:
            if isinstance(item, Mapping | list) and item:
                block = to_yaml(item, indent + 2).splitlines()
                lines.append(f"{pad}- {block[0][indent + 2 :]}")
                lines.extend(block[1:])
            else:
                lines.append(f"{pad}- {_yaml_scalar(item)}")
        return "\n".join(lines)
    return pad + _yaml_scalar(data)


def _problem(field: str, value: object, message: str) -> dict[str, Any]:
    shown = None if value is _MISSING else value
    try:
        json.dumps(shown)
    except (TypeError, ValueError):
        shown = repr(shown)
    text = f"{field}: {message}" if value is _MISSING and field.startswith("(") else None
    return {
        "field": field,
        "value": shown,
        "missing": value is _MISSING,
        "message": message,
        # the line the CLI prints for this problem
        "text": text or str(Problem(field, value, message)),
    }


def evaluate(scenario_json: str, today: str) -> str:
    """Evaluate one scenario for the navigator page; JSON text in, JSON text out.

    ``today`` (``YYYY-MM-DD``, the browser's date) is used as ``as_of`` only when the
    scenario has no ``as_of`` key, as the CLI uses today's date. The result has ``state``
    (``done`` or ``error``), ``problems`` (each with ``field``, ``value`` and ``message``,
    the engine's own words), and after an answer ``json`` (exactly what
    ``her2guide recommend --format json`` prints), ``markdown`` and ``yaml``.
    """
    out: dict[str, Any] = {"state": "error", "problems": [], "intended_use": INTENDED_USE}
    try:
        if len(scenario_json.encode("utf-8")) > limit("max-file-bytes"):
            raise InputError(f"is larger than {limit('max-file-bytes'):,} bytes")
        data = parse_text(scenario_json, "json")
        if not isinstance(data, Mapping):
            raise InputError("must be a JSON object of scenario fields")
        if "as_of" not in data:
            data = {**data, "as_of": dt.date.fromisoformat(today)}
        cat = load_catalogue()  # the edge: loaded once here, passed down
        scenario = parse_scenario(data, cat)
    except InputError as exc:
        out["problems"] = [_problem("(scenario)", _MISSING, str(exc))]
        return json.dumps(out, ensure_ascii=False)
    except ScenarioError as exc:
        out["problems"] = [_problem(p.field, p.value, p.message) for p in exc.problems]
        return json.dumps(out, ensure_ascii=False)
    rec = recommend(scenario, cat)
    shown = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in data.items()}
    out.update(
        state="done",
        json=_cli_json(rec),
        markdown=linked_markdown(rec),
        yaml=to_yaml(shown) + "\n",
    )
    return json.dumps(out, ensure_ascii=False)
