"""Site placeholders for the interoperability pages (FHIR mapping, CDS Hooks service).

Registered with :func:`her2guide._site.page.placeholder`; everything shown is generated: the mapping table
from ``data/fhir_mapping.toml``, the example request and response by calling the service's
ASGI app in-process at build time (no network), the indicator table from the service's
constants. Heavy imports (FastAPI) happen inside the placeholder that needs them.
"""

from __future__ import annotations

import json
from typing import Any, Final

from .page import Page, placeholder

__all__ = ["CONFORMANCE_ZIP", "EXAMPLE_SITE_URL"]

#: where the site offers the conformance vectors (added by the MkDocs hook)
CONFORMANCE_ZIP: Final = "downloads/her2guide-conformance.zip"
#: the site address example cards link to (``her2guide serve --site-url``'s default)
EXAMPLE_SITE_URL: Final = "http://127.0.0.1:8000/"
_EXAMPLE_SCENARIO: Final = {
    "her2": "positive",
    "setting": "metastatic",
    "as_of": "2026-11-23",
    "metastatic_diagnosis": "2026-11-01",
    "hormone_receptor": "negative",
    "metastatic_lines": [
        {"agents": ["trastuzumab", "pertuzumab", "docetaxel"], "stopped": "ongoing"}
    ],
    "brain_metastases": "none",
    "ild_history": "none",
    "lvef": 60,
    "pregnant": False,
    "weight_kg": 70,
    "height_cm": 165,
}


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


@placeholder
def fhir_mapping(page: Page) -> str:
    """The table: scenario field ← FHIR resource and element, codes and what they map to; then
    how each field is read (a list, so that the table stays narrow enough not to scroll)."""
    from ..fhir import load_mapping

    m = load_mapping()
    rows = [
        "| Scenario field | FHIR resource and element | Codes → scenario value |",
        "|---|---|---|",
    ]
    for f in m.fields:
        profile = f" (profile `{f.profile.rsplit('/', 1)[-1]}`)" if f.profile else ""
        codes = [f"`{c.code}` {_cell(c.display)} ({_system(c.system)})" for c in f.codes]
        values = [f"answer `{c.code}` {_cell(c.display)} → `{c.maps_to}`" for c in f.values]
        rows.append(
            f"| `{f.field}` | {f.resource}{profile}: {_cell(f.element)} "
            f"| {'<br>'.join(codes + values) or '— (matched by text)'} |"
        )
    how = [f"- `{f.field}`: {f.rule}." for f in m.fields]
    return "\n".join([*rows, "", "How each field is read:", "", *how])


def _system(url: str) -> str:
    return {
        "http://loinc.org": "LOINC",
        "http://snomed.info/sct": "SNOMED CT",
        "http://hl7.org/fhir/sid/icd-10-cm": "ICD-10-CM",
    }.get(url, url)


@placeholder
def fhir_sources(page: Page) -> str:
    """Where each code was checked."""
    from ..fhir import load_mapping

    m = load_mapping()
    return "\n".join(
        f"- **{key}**: [{_cell(src['title'])}]({src['url']}) (read at `{src['revision']}`)"
        for key, src in m.sources.items()
    )


@placeholder
def fhir_unmapped(page: Page) -> str:
    """What FHIR cannot say: the fields the overlay gives."""
    from ..fhir import load_mapping

    return "\n".join(f"- `{fld}`: {why}." for fld, why in load_mapping().unmapped)


@placeholder
def fhir_unverified(page: Page) -> str:
    """Codes considered and left out."""
    from ..fhir import load_mapping

    return "\n".join(f"- {what}: {why}." for what, why in load_mapping().unverified)


def _example_request() -> dict[str, Any]:
    from .._scenario import parse_scenario
    from ..fhir import to_fhir_bundle

    bundle = to_fhir_bundle(parse_scenario(_EXAMPLE_SCENARIO))
    by_type: dict[str, list[dict[str, Any]]] = {}
    for e in bundle["entry"]:
        by_type.setdefault(e["resource"]["resourceType"], []).append({"resource": e["resource"]})
    return {
        "hook": "patient-view",
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "context": {"patientId": "example", "userId": "Practitioner/example"},
        "prefetch": {
            "patient": by_type["Patient"][0]["resource"],
            "observations": {
                "resourceType": "Bundle",
                "type": "searchset",
                "entry": by_type["Observation"],
            },
            "conditions": {
                "resourceType": "Bundle",
                "type": "searchset",
                "entry": by_type["Condition"],
            },
            "medicationStatements": {
                "resourceType": "Bundle",
                "type": "searchset",
                "entry": by_type["MedicationStatement"],
            },
        },
    }


@placeholder
def cds_example(page: Page) -> str:
    """A real discovery call, service call and error, made at build time against the app."""
    import asyncio

    import httpx

    from .._service import SERVICE_ID, create_app

    req = _example_request()
    url = f"/cds-services/{SERVICE_ID}"

    async def calls() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=create_app(site_url=EXAMPLE_SITE_URL))
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as c:
            return [
                await c.get("/cds-services"),
                await c.post(url, json=req),
                await c.post(url, json={**req, "hook": "order-sign"}),
                await c.post(url, json={k: v for k, v in req.items() if k != "prefetch"}),
            ]

    # Its own event loop in its own thread: the caller (a test run beside Playwright, or a
    # notebook) may already be running one in this thread, where asyncio.run() refuses to start.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        disc, resp, bad, nopre = pool.submit(lambda: asyncio.run(calls())).result()

    def block(title: str, value: object, status: int | None = None) -> list[str]:
        head = f"**{title}**" + (f" — HTTP {status}" if status is not None else "")
        return [head, "", "```json", json.dumps(value, indent=2, ensure_ascii=False), "```", ""]

    out = [
        "The example patient: HER2-positive, hormone-receptor-negative metastatic disease on "
        "first-line trastuzumab + pertuzumab + docetaxel (an active MedicationStatement), LVEF "
        "60 %, not pregnant, 70 kg, 165 cm.",
        "",
        *block("GET /cds-services", disc.json(), disc.status_code),
        *block(f"POST /cds-services/{SERVICE_ID} — request", req),
        *block("Response", resp.json(), resp.status_code),
        *block("A wrong hook", bad.json(), bad.status_code),
        *block("No prefetch", nopre.json(), nopre.status_code),
    ]
    return "\n".join(out)


@placeholder
def cds_indicators(page: Page) -> str:
    """Which alert makes which card indicator."""
    from .._service import CRITICAL_ALERTS, WARNING_ALERTS

    rows = ["| Card indicator | When |", "|---|---|"]
    rows.append(
        "| `critical` | the answer raises "
        + ", ".join(f"`{c}`" for c in CRITICAL_ALERTS)
        + " (one card per such alert, too) |"
    )
    rows.append(
        "| `warning` | "
        + ", ".join(f"`{c}`" for c in WARNING_ALERTS)
        + ", or FHIR cannot say what the answer needs |"
    )
    rows.append("| `info` | everything else, including out-of-scope refusals |")
    return "\n".join(rows)


@placeholder
def conformance_download(page: Page) -> str:
    """The download link and the layout of the vectors."""
    from .._conformance import CHECKS, vectors

    n = sum(1 for rel, _ in vectors() if rel.endswith("/expected.json"))
    rows = ["| Key in expected.json | How to check it |", "|---|---|"]
    rows += [f"| `{k}` | {_cell(v)} |" for k, v in CHECKS.items()]
    return "\n".join(
        [
            f"[Download the {n} conformance vectors (zip)]({CONFORMANCE_ZIP}) — or write them "
            "with `her2guide export-tests DIR`.",
            "",
            *rows,
        ]
    )
