"""The ASGI app (FastAPI) around the handlers: discovery, the service and ``/openapi.json``.

The catalogue is loaded once, when the app is created, and passed to every request.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from .._catalogue import load_catalogue
from .._recommendation import INTENDED_USE
from .handlers import HOOK, _error, discovery, handle

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
    from .. import __version__

    site = site_url or os.environ.get("HER2GUIDE_SITE_URL", "http://127.0.0.1:8000/")
    catalogue = load_catalogue()  # service startup: the one load, shared by every request
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
        return json_response(*handle(service_id, body, site, dt.date.today(), catalogue))

    return app
