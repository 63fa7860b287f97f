"""The CDS Hooks endpoints as plain functions: JSON values in, ``(status, JSON body)`` out.

:func:`discovery` answers ``GET /cds-services``; :func:`handle` answers
``POST /cds-services/{id}``: it checks the request, merges the prefetch into one FHIR
``Bundle``, reads it with :func:`her2guide.fhir.recommend_fhir` and returns the cards. The
functions are stateless: every answer depends on the request (and the catalogue) alone.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from typing import Any, Final

from .._catalogue import Catalogue
from .._input import limit
from .._recommendation import INTENDED_USE
from .._scenario import Problem, ScenarioError
from .cards import _card, cards_for

SERVICE_ID: Final = "her2guide-next-therapy"
HOOK: Final = "patient-view"


def prefetch_templates() -> dict[str, str]:
    """The prefetch templates of the service (FHIR searches for the mapped resources)."""
    from ..fhir import load_mapping

    m = load_mapping()
    codes = [
        f"{c.system}|{c.code}"
        for fld in ("her2", "hormone_receptor", "lvef", "pregnant", "weight_kg", "height_cm")
        for c in m.field(fld).codes
    ]
    pid = "{{context.patientId}}"
    return {
        "patient": f"Patient/{pid}",
        "observations": f"Observation?patient={pid}&code={','.join(codes)}",
        "conditions": f"Condition?patient={pid}",
        "medicationAdministrations": f"MedicationAdministration?patient={pid}",
        "medicationStatements": f"MedicationStatement?patient={pid}",
        "medicationRequests": f"MedicationRequest?patient={pid}",
    }


def discovery() -> dict[str, Any]:
    """The body of ``GET /cds-services``."""
    return {
        "services": [
            {
                "hook": HOOK,
                "id": SERVICE_ID,
                "title": "her2guide: next systemic therapy in HER2-positive metastatic breast cancer",
                "description": (
                    "Which systemic therapy comes next, with guideline tiers, reasons and what "
                    "was set aside, from FHIR R4 / mCODE data. " + INTENDED_USE
                ),
                "prefetch": prefetch_templates(),
                "usageRequirements": (
                    "Prefetch is required in this release (the service does not query a FHIR "
                    "server)."
                ),
            }
        ]
    }


def _error(
    status: int, fld: str, message: str, problems: list[Problem] | None = None
) -> tuple[int, dict[str, Any]]:
    body: dict[str, Any] = {"error": message, "field": fld}
    if problems:
        body["problems"] = [
            {"field": p.field, "message": p.message, "text": str(p)} for p in problems
        ]
    return status, body


def _prefetch_bundle(
    prefetch: Mapping[str, Any], origin: list[str]
) -> tuple[dict[str, Any] | None, tuple[int, dict[str, Any]] | None]:
    known = prefetch_templates()
    entries: list[dict[str, Any]] = []
    for key, value in prefetch.items():
        if key not in known:
            return None, _error(
                400, f"prefetch.{key}", f"unknown prefetch key; allowed: {', '.join(known)}"
            )
        if value is None:
            continue
        if not isinstance(value, Mapping) or not isinstance(value.get("resourceType"), str):
            return None, _error(
                400, f"prefetch.{key}", "allowed: a FHIR resource (a Bundle for searches) or null"
            )
        if value["resourceType"] == "Bundle":
            inner = value.get("entry", [])
            if not isinstance(inner, list):
                return None, _error(400, f"prefetch.{key}.entry", "allowed: a list of entries")
            for j, e in enumerate(inner):
                if not isinstance(e, Mapping):
                    return None, _error(
                        400, f"prefetch.{key}.entry[{j}]", "allowed: a Bundle entry object"
                    )
                if e.get("resource") is not None:
                    entries.append({"resource": e["resource"]})
                    origin.append(f"prefetch.{key}.entry[{j}]")
        else:
            entries.append({"resource": dict(value)})
            origin.append(f"prefetch.{key}")
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}, None


_ENTRY: Final = re.compile(r"^Bundle\.entry\[(\d+)\](?:\.resource)?(?:\(\w+\))?")


def _where(p: Problem, origin: list[str]) -> Problem:
    """Name a problem by the prefetch key it came from, not the merged bundle's index."""
    m = _ENTRY.match(p.field)
    if m is None or int(m.group(1)) >= len(origin):
        return p
    return Problem(origin[int(m.group(1))] + p.field[m.end() :], p.value, p.message)


def handle(
    service_id: str, body: bytes, site_url: str, today: dt.date, catalogue: Catalogue
) -> tuple[int, dict[str, Any]]:
    """Answer ``POST /cds-services/{service_id}``: ``(HTTP status, JSON body)``.

    400 names the bad field (malformed JSON, wrong hook, invalid prefetch); 404 an unknown
    service; 412 a request without prefetch (required in this release, as the spec allows).
    """
    if service_id != SERVICE_ID:
        return _error(404, "id", f"unknown CDS service {service_id!r}; allowed: {SERVICE_ID}")
    if len(body) > limit("max-file-bytes"):
        return _error(400, "(body)", f"request larger than {limit('max-file-bytes')} bytes")
    try:
        req = json.loads(body)
    except (ValueError, RecursionError) as exc:
        return _error(400, "(body)", f"malformed JSON: {exc}")
    if not isinstance(req, dict):
        return _error(400, "(body)", "allowed: a JSON object (a CDS Hooks request)")
    if req.get("hook") != HOOK:
        return _error(400, "hook", f"{req.get('hook')!r} is not served; allowed: {HOOK}")
    if not isinstance(req.get("hookInstance"), str):
        return _error(400, "hookInstance", "required: a string (a UUID)")
    ctx = req.get("context")
    if not isinstance(ctx, dict) or not isinstance(ctx.get("patientId"), str):
        return _error(400, "context.patientId", "required: the FHIR id of the patient (a string)")
    prefetch = req.get("prefetch")
    if prefetch is None:
        return _error(
            412,
            "prefetch",
            "prefetch is required in this release: send the templates from GET /cds-services",
        )
    if not isinstance(prefetch, dict):
        return _error(400, "prefetch", "allowed: an object of prefetch keys to FHIR resources")
    origin: list[str] = []
    bundle, err = _prefetch_bundle(prefetch, origin)
    if err is not None:
        return err
    assert bundle is not None
    from ..fhir import FhirGapError, recommend_fhir

    try:
        rec = recommend_fhir(bundle, as_of=today, catalogue=catalogue)
    except FhirGapError as exc:
        detail = "\n".join(
            f"- `{p.field}`: {p.message.removeprefix('missing-information: ')}"
            for p in exc.problems
        )
        card = _card(
            "Missing information: "
            + ", ".join(p.field for p in exc.problems)
            + " — cannot recommend yet",
            "warning",
            detail,
            site_url,
            "fhir.html",
            "what-fhir-cannot-say",
        )
        return 200, {"cards": [card]}
    except ScenarioError as exc:
        problems = [_where(p, origin) for p in exc.problems]
        return _error(
            400, problems[0].field if problems else "prefetch", "invalid prefetch", problems
        )
    return 200, {"cards": cards_for(rec, site_url, catalogue)}
