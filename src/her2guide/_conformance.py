"""Conformance vectors: the scenario table as language-neutral JSON test cases.

In the spirit of the FHIR CRMI test-case layout (one folder per test case holding its input
and its expected result), ``export_vectors(DIR)`` writes, for every row of
``tests/scenarios.toml``::

    DIR/index.json                 the cases, the check semantics, the intended-use notice
    DIR/<case-id>/input.json       the scenario (the table's defaults with the row applied)
    DIR/<case-id>/input-fhir.json  the same patient as a FHIR R4 Bundle …
    DIR/<case-id>/overlay.json     … and what FHIR cannot say, to merge over it
    DIR/<case-id>/expected.json    the expected outcome, with the source it comes from

Expected outcomes are copied from the clinician-reviewed table, never computed by the engine,
so a CQL or JavaScript implementation can check itself against the same sources.
"""

from __future__ import annotations

import io
import json
import tomllib
import zipfile
from pathlib import Path
from typing import Any, Final

from ._recommendation import INTENDED_USE

__all__ = [
    "CHECKS",
    "ConformanceError",
    "default_table",
    "export_vectors",
    "vectors",
    "vectors_zip",
]

#: how an implementation checks each expected key (the same semantics as tests/test_scenario_table.py)
CHECKS: Final = {
    "in_scope": "equals the recommendation's in_scope (default true)",
    "line": "equals line (0 means not determined: null)",
    "prior_metastatic_lines": "equals prior_metastatic_lines",
    "preferred": "equals the set of preferred regimen IDs",
    "preferred_includes": "each is preferred",
    "preferred_excludes": "none is preferred",
    "includes": "each is offered (any tier)",
    "excludes": "none is offered",
    "alerts": "each alert code is raised",
    "no_alerts": "none of these alert codes is raised",
    "rules": "each rule ID appears in the trace",
    "line_by_source": "equals line_by_source",
    "tiers": "each regimen is offered at this tier",
    "cite": "the source text behind the expectation (not a check)",
    "judgement": "where the sources leave a choice (not a check)",
}


class ConformanceError(ValueError):
    """The scenario table cannot be read or the output cannot be written."""


def default_table() -> Path:
    """``tests/scenarios.toml`` of the source tree this package runs from."""
    return Path(__file__).resolve().parents[2] / "tests" / "scenarios.toml"


def _load(table: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(table.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConformanceError(
            f"{table}: no such file; give the scenario table with --scenarios FILE "
            "(it lives in tests/scenarios.toml of a clone)"
        ) from None
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConformanceError(f"{table}: cannot read the scenario table ({exc})") from None


def table_scenario(defaults: dict[str, Any], case: dict[str, Any]) -> dict[str, Any]:
    """A row of the scenario table as a scenario: ``[defaults]`` with the row's overrides
    (``"__omit__"`` drops a default). The one reader of a row, for the exporter and the tests."""
    data = dict(defaults)
    for key, value in case.get("scenario", {}).items():
        if value == "__omit__":
            data.pop(key, None)
        else:
            data[key] = value
    return data


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def vectors(table: Path | None = None) -> list[tuple[str, dict[str, Any]]]:
    """``(relative path, JSON value)`` of every file :func:`export_vectors` writes."""
    from ._scenario import ScenarioError, parse_scenario

    raw = _load(table or default_table())
    defaults, cases = raw.get("defaults", {}), raw.get("case", [])
    if not isinstance(cases, list) or not cases:
        raise ConformanceError("the scenario table has no [[case]] rows")
    out: list[tuple[str, dict[str, Any]]] = []
    index = []
    for case in cases:
        cid = str(case.get("id", ""))
        if not cid or "/" in cid or cid.startswith("."):
            raise ConformanceError(f"case id {cid!r}: allowed: a non-empty kebab-case name")
        scenario = _jsonable(table_scenario(defaults, case))
        expected = {k: _jsonable(v) for k, v in case.items() if k not in ("id", "scenario")}
        expected.setdefault("in_scope", True)
        files = {"input.json": scenario, "expected.json": {"id": cid, **expected}}
        try:
            from .fhir import fhir_overlay, to_fhir_bundle

            parsed = parse_scenario(scenario)
            files["input-fhir.json"] = to_fhir_bundle(parsed)
            files["overlay.json"] = fhir_overlay(parsed)
        except ScenarioError as exc:
            raise ConformanceError(f"case {cid}: the scenario is invalid: {exc}") from None
        out += [(f"{cid}/{name}", value) for name, value in files.items()]
        index.append({"id": cid, "cite": case.get("cite", ""), "files": sorted(files)})
    out.insert(
        0,
        (
            "index.json",
            {
                "title": "her2guide conformance vectors (from tests/scenarios.toml)",
                "intended_use": INTENDED_USE,
                "layout": "one folder per case: input.json (scenario), input-fhir.json + "
                "overlay.json (the same patient as FHIR R4 and what FHIR cannot say), "
                "expected.json (expected outcome and its source)",
                "checks": CHECKS,
                "cases": index,
            },
        ),
    )
    return out


def export_vectors(directory: Path, table: Path | None = None) -> int:
    """Write the vectors into ``directory``; returns the number of cases."""
    files = vectors(table)
    try:
        for rel, value in files:
            path = directory / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", "utf-8")
    except OSError as exc:
        raise ConformanceError(f"{directory}: cannot write ({exc.strerror or exc})") from None
    return sum(1 for rel, _ in files if rel.endswith("/expected.json"))


def vectors_zip(table: Path | None = None) -> bytes:
    """The vectors as a deterministic zip (the site's download)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for rel, value in vectors(table):
            info = zipfile.ZipInfo(f"her2guide-conformance/{rel}", date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, json.dumps(value, indent=2, ensure_ascii=False) + "\n")
    return buf.getvalue()
