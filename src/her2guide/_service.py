"""A CDS Hooks service: the ``patient-view`` hook answered with cards from the same engine.

The logic is plain functions (:func:`discovery`, :func:`handle`) that take and return JSON
values; :func:`create_app` wraps them in a FastAPI app that uvicorn serves. The service is
stateless: every answer depends on the request alone, so any number of workers can run
behind an ordinary load balancer.

Cards never carry ``suggestions``: this reference places no orders. Needs the ``interop``
extra (FastAPI is imported here, so ``import her2guide`` never imports this module).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Mapping
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from ._catalogue import load_catalogue
from ._input import limit
from ._recommendation import INTENDED_USE, Alert, Recommendation
from ._scenario import Problem, ScenarioError

__all__ = [
    "CRITICAL_ALERTS",
    "SERVICE_ID",
    "card_indicator",
    "create_app",
    "discovery",
    "handle",
    "prefetch_templates",
]

SERVICE_ID: Final = "her2guide-next-therapy"
HOOK: Final = "patient-view"
#: alert codes that make a card ``critical``: a safety stop on HER2-directed therapy or an
#: urgent step before it. ``missing-information`` makes a card ``warning``; all else is ``info``.
CRITICAL_ALERTS: Final = (
    "no-her2-therapy-in-pregnancy",
    "lvef-below-50",
    "lvef-below-40",
    "local-therapy-first",
    "ild-caution",
)
WARNING_ALERTS: Final = ("missing-information",)
SUMMARY_MAX: Final = 139  # the spec: "<140-character summary"
_SOURCE_LABEL: Final = "her2guide — educational reference, not a medical device"


def prefetch_templates() -> dict[str, str]:
    """The prefetch templates of the service (FHIR searches for the mapped resources)."""
    from .fhir import load_mapping

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


def card_indicator(codes: tuple[str, ...]) -> str:
    """``critical`` for a safety alert, ``warning`` for missing information, else ``info``."""
    if any(c in CRITICAL_ALERTS for c in codes):
        return "critical"
    if any(c in WARNING_ALERTS for c in codes):
        return "warning"
    return "info"


def _summary(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_MAX else text[: SUMMARY_MAX - 1].rstrip() + "…"


def _site(site_url: str, page: str, anchor: str = "") -> str:
    base = site_url if site_url.endswith("/") else site_url + "/"
    return f"{base}{page}" + (f"#{anchor}" if anchor else "")


def _links(site_url: str) -> list[dict[str, str]]:
    return [
        {
            "label": "her2guide: the algorithm",
            "url": _site(site_url, "algorithm.html"),
            "type": "absolute",
        },
        {
            "label": "her2guide: FHIR mapping",
            "url": _site(site_url, "fhir.html"),
            "type": "absolute",
        },
    ]


def _card(
    summary: str, indicator: str, detail: str, site_url: str, page: str, anchor: str
) -> dict[str, Any]:
    return {
        "summary": _summary(summary),
        "indicator": indicator,
        "detail": detail + f"\n\n*{INTENDED_USE}*",
        "source": {"label": _SOURCE_LABEL, "url": _site(site_url, page, anchor)},
        "links": _links(site_url),
    }


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _recommendation_detail(rec: Recommendation) -> str:
    cat = load_catalogue()
    out = [f"**Line {rec.line}** — {rec.line_basis}" if rec.line else f"*{rec.line_basis}*", ""]
    if rec.options:
        out += ["| Option | Tier | Why | Support |", "|---|---|---|---|"]
        for o in rec.options:
            support = "; ".join(
                f"{s.source}: {s.says}" + (f" ({s.number})" if s.number else "") for s in o.support
            )
            out.append(
                f"| {_cell(o.name)} | {o.tier} | {_cell(' '.join(o.why))} | {_cell(support) or '—'} |"
            )
    if rec.alerts:
        out += ["", "**Alerts**", ""]
        out += [f"- `{a.code}`: {a.message}" for a in rec.alerts]
    if rec.excluded:
        out += ["", "**Set aside**", ""]
        out += [
            f"- {cat.regimens[e.regimen].name if e.regimen in cat.regimens else e.regimen}: "
            f"{e.reason} ({e.rule})"
            for e in rec.excluded
        ]
    return "\n".join(out)


def cards_for(rec: Recommendation, site_url: str) -> list[dict[str, Any]]:
    """The cards for one recommendation: the answer, then one card per safety alert."""
    cat = load_catalogue()
    if not rec.in_scope:
        rule = rec.trace[0].rule if rec.trace else ""
        return [
            _card(
                f"Out of scope: {rec.scope_reason}",
                "info",
                rec.scope_reason,
                site_url,
                "algorithm.html",
                rule.lower(),
            )
        ]
    names = [cat.regimens[r].name for r in rec.preferred]
    head = f"Line {rec.line}: " if rec.line else "Line not set: "
    summary = head + (
        "preferred " + "; ".join(names) if names else "no preferred option (see detail)"
    )
    line_rule = next((t.rule for t in reversed(rec.trace) if t.rule.startswith("LINE-")), "")
    cards = [
        _card(
            summary,
            card_indicator(rec.alert_codes),
            _recommendation_detail(rec),
            site_url,
            "algorithm.html",
            line_rule.lower(),
        )
    ]
    for a in rec.alerts:
        if a.code in CRITICAL_ALERTS:
            cards.append(_alert_card(a, "critical", site_url))
    missing = [a for a in rec.alerts if a.code in WARNING_ALERTS]
    if missing:
        cards.append(
            _card(
                f"Missing information: {len(missing)} item(s) would sharpen this answer",
                "warning",
                "\n".join(f"- {a.message}" for a in missing),
                site_url,
                *_rule_page(missing[0].rule),
            )
        )
    return cards


def _rule_page(rule: str) -> tuple[str, str]:
    from .fhir import MAPPING_RULE

    if rule == MAPPING_RULE:
        return "fhir.html", "what-fhir-cannot-say"
    return "algorithm.html", rule.lower()


def _alert_card(a: Alert, indicator: str, site_url: str) -> dict[str, Any]:
    return _card(f"{a.code}: {a.message}", indicator, a.message, site_url, *_rule_page(a.rule))


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
    service_id: str, body: bytes, site_url: str, today: dt.date
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
    from .fhir import FhirGapError, recommend_fhir

    try:
        rec = recommend_fhir(bundle, as_of=today)
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
    return 200, {"cards": cards_for(rec, site_url)}


_ERROR_SCHEMA: Final = {
    "type": "object",
    "required": ["error", "field"],
    "properties": {
        "error": {"type": "string"},
        "field": {"type": "string"},
        "problems": {"type": "array", "items": {"type": "object"}},
    },
}
_REQUEST_SCHEMA: Final = {
    "type": "object",
    "required": ["hook", "hookInstance", "context"],
    "properties": {
        "hook": {"type": "string", "enum": [HOOK]},
        "hookInstance": {"type": "string"},
        "fhirServer": {"type": "string"},
        "context": {
            "type": "object",
            "required": ["patientId"],
            "properties": {"patientId": {"type": "string"}, "userId": {"type": "string"}},
        },
        "prefetch": {"type": "object", "additionalProperties": {"type": ["object", "null"]}},
    },
}


def create_app(site_url: str | None = None) -> FastAPI:
    """The ASGI app (FastAPI): discovery, the service, and ``/openapi.json``."""
    from . import __version__

    site = site_url or os.environ.get("HER2GUIDE_SITE_URL", "http://127.0.0.1:8000/")
    app = FastAPI(
        title="her2guide CDS Hooks service",
        version=__version__,
        description=(
            "CDS Hooks 2.0 `patient-view` service: the next systemic therapy in HER2-positive "
            "metastatic breast cancer, from FHIR R4 / mCODE prefetch. " + INTENDED_USE
        ),
        docs_url=None,  # the Swagger UI loads from a CDN; the description stays at /openapi.json
        redoc_url=None,
    )
    # CDS clients call from the browser (e.g. the CDS Hooks sandbox); no cookies are used.
    app.add_middleware(
        CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"], allow_headers=["*"]
    )

    def json_response(status: int, body: dict[str, Any]) -> Any:
        return JSONResponse(body, status_code=status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> Any:
        first = exc.errors()[0] if exc.errors() else {"loc": ("request",), "msg": "invalid"}
        return json_response(*_error(400, ".".join(map(str, first["loc"])), str(first["msg"])))

    @app.exception_handler(HTTPException)
    async def _http(_: Request, exc: HTTPException) -> Any:
        return json_response(*_error(exc.status_code, "(path)", str(exc.detail)))

    @app.exception_handler(Exception)
    async def _any(_: Request, exc: Exception) -> Any:  # pragma: no cover - a bug, not input
        return json_response(*_error(500, "(server)", f"internal error: {type(exc).__name__}"))

    error = {
        "description": "bad request",
        "content": {"application/json": {"schema": _ERROR_SCHEMA}},
    }

    @app.get(
        "/cds-services",
        summary="CDS Hooks discovery",
        responses={200: {"description": "the services"}},
    )
    async def discover() -> Any:
        return json_response(200, discovery())

    @app.post(
        "/cds-services/{service_id}",
        summary="Call the service with a patient-view request (prefetch required)",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _REQUEST_SCHEMA}},
            }
        },
        responses={
            200: {"description": "CDS Hooks cards"},
            400: error,
            404: error | {"description": "unknown service"},
            412: error | {"description": "prefetch missing"},
        },
    )
    async def call(service_id: str, request: Request) -> Any:
        body = await request.body()
        return json_response(*handle(service_id, body, site, dt.date.today()))

    return app
