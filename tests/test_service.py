"""The CDS Hooks service, over real HTTP: ``her2guide serve`` in a subprocess on a free
loopback port, driven with httpx (not the framework's in-process client).

Responses are validated against JSON Schemas written from the CDS Hooks 2.0 specification
text (tests/data/cds_hooks/README.md says which commit); the OpenAPI description is fuzzed
with schemathesis (a small budget locally, more under CI=true) and must never give a 5xx.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from scenario_helpers import THP, scenario
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode

from her2guide import parse_scenario
from her2guide.fhir import to_fhir_bundle

DATA = Path(__file__).parent / "data" / "cds_hooks"
RESPONSE_SCHEMA = json.loads((DATA / "response.schema.json").read_text())
DISCOVERY_SCHEMA = json.loads((DATA / "discovery.schema.json").read_text())
SITE = "http://127.0.0.1:8000/"
SERVICE = "her2guide-next-therapy"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``her2guide serve`` running in its own process on a free loopback port."""
    port = _free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    out = log.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "her2guide.cli", "serve", "--port", str(port), "--site-url", SITE],
        stdout=out,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(f"{url}/cds-services", timeout=1)
                break
            except httpx.TransportError:
                if proc.poll() is not None:
                    pytest.fail(f"her2guide serve exited with {proc.returncode}: {log.read_text()}")
                time.sleep(0.1)
        else:
            pytest.fail("her2guide serve did not answer within 20 s")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        out.close()


def _request(s: dict[str, Any], patient: str = "example") -> dict[str, Any]:
    """A patient-view request whose prefetch holds the FHIR form of scenario ``s``."""
    bundle = to_fhir_bundle(parse_scenario(s))
    by_type: dict[str, list[dict[str, Any]]] = {}
    for e in bundle["entry"]:
        by_type.setdefault(e["resource"]["resourceType"], []).append({"resource": e["resource"]})

    def search(kind: str) -> dict[str, Any]:
        return {"resourceType": "Bundle", "type": "searchset", "entry": by_type.get(kind, [])}

    return {
        "hook": "patient-view",
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "context": {"patientId": patient, "userId": "Practitioner/example"},
        "prefetch": {
            "patient": by_type["Patient"][0]["resource"],
            "observations": search("Observation"),
            "conditions": search("Condition"),
            "medicationAdministrations": search("MedicationAdministration"),
            "medicationStatements": search("MedicationStatement"),
            "medicationRequests": search("MedicationRequest"),
        },
    }


def _post(base_url: str, body: object) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.post(
        f"{base_url}/cds-services/{SERVICE}",
        content=content,
        headers={"content-type": "application/json"},
        timeout=10,
    )


def test_discovery_lists_one_patient_view_service_with_prefetch(base_url: str) -> None:
    """GET /cds-services: one patient-view service whose prefetch asks for the mapped resources."""
    r = httpx.get(f"{base_url}/cds-services", timeout=10)
    assert r.status_code == 200
    body = r.json()
    jsonschema.validate(body, DISCOVERY_SCHEMA)
    [service] = body["services"]
    assert (service["hook"], service["id"]) == ("patient-view", SERVICE)
    prefetch = service["prefetch"]
    assert prefetch["patient"] == "Patient/{{context.patientId}}"
    # HER2 (mCODE tumor-marker LOINC 48676-1) and pregnancy status (LOINC 82810-3) are asked for.
    assert "http://loinc.org|48676-1" in prefetch["observations"]
    assert "http://loinc.org|82810-3" in prefetch["observations"]
    assert prefetch["medicationStatements"] == "MedicationStatement?patient={{context.patientId}}"


def test_finished_line_needs_a_stop_reason_and_an_ongoing_line_gets_an_answer(
    base_url: str,
) -> None:
    """A finished line (FHIR: completed) has no stop reason in FHIR: a warning card names the field; an ongoing one (active) is answered."""
    s = scenario(metastatic_lines=[{"agents": THP, "stopped": "progression"}])
    req = _request(s)
    # What FHIR cannot say comes from the overlay in the CLI; the service has no overlay, so a
    # finished line without a stop reason is reported as missing information:
    r = _post(base_url, req)
    assert r.status_code == 200
    jsonschema.validate(r.json(), RESPONSE_SCHEMA)
    [card] = r.json()["cards"]
    assert card["indicator"] == "warning"
    assert "metastatic_lines[0].stopped" in card["summary"]
    # An ongoing line is something FHIR can say (status active): no gap then.
    s2 = scenario(metastatic_lines=[{"agents": THP, "stopped": "ongoing"}])
    r2 = _post(base_url, _request(s2))
    jsonschema.validate(r2.json(), RESPONSE_SCHEMA)
    first = r2.json()["cards"][0]
    # One HER2-directed line received (ongoing): the next one is line 2 (DESIGN: `line` is the
    # line about to start).
    assert first["summary"].startswith("Line 2:")
    assert first["source"]["url"].startswith(SITE + "algorithm.html#line-")
    assert {"absolute"} == {link["type"] for link in first["links"]}
    assert all("suggestions" not in c for c in r2.json()["cards"])


def test_pregnancy_gives_a_critical_card(base_url: str) -> None:
    """Pregnancy (LOINC 82810-3 = Pregnant) stops HER2-directed therapy: a critical card (FDA labels, embryo-fetal toxicity)."""
    r = _post(base_url, _request(scenario(pregnant=True)))
    assert r.status_code == 200
    jsonschema.validate(r.json(), RESPONSE_SCHEMA)
    cards = r.json()["cards"]
    assert cards[0]["indicator"] == "critical"
    assert any(c["summary"].startswith("no-her2-therapy-in-pregnancy") for c in cards)


def test_lvef_below_40_gives_a_critical_card(base_url: str) -> None:
    """LVEF 35 % (LOINC 10230-1): the lvef-below-40 alert makes a critical card (US labels)."""
    r = _post(base_url, _request(scenario(lvef=35)))
    jsonschema.validate(r.json(), RESPONSE_SCHEMA)
    codes = {c["summary"].split(":")[0] for c in r.json()["cards"] if c["indicator"] == "critical"}
    assert "lvef-below-40" in codes


def test_her2_negative_patient_is_refused_as_out_of_scope(base_url: str) -> None:
    """A HER2-negative record (LOINC LA6577-6 on 48676-1) is out of scope, as any scenario is."""
    r = _post(base_url, _request(scenario(her2="negative")))
    jsonschema.validate(r.json(), RESPONSE_SCHEMA)
    [card] = r.json()["cards"]
    assert card["summary"].startswith("Out of scope")
    assert card["indicator"] == "info"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        (b"{not json", 400, "(body)"),
        (b"[]", 400, "(body)"),
        ({"hook": "order-sign", "hookInstance": "x", "context": {"patientId": "p"}}, 400, "hook"),
        ({"hook": "patient-view", "hookInstance": "x", "context": {}}, 400, "context.patientId"),
        ({"hook": "patient-view", "hookInstance": "x", "context": {"patientId": "p"}}, 412, "prefetch"),
        (
            {
                "hook": "patient-view",
                "hookInstance": "x",
                "context": {"patientId": "p"},
                "prefetch": {"observations": {"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Observation", "status": "final"}}]}},
            },
            400,
            "prefetch.observations.entry[0].code",
        ),
        (
            {"hook": "patient-view", "hookInstance": "x", "context": {"patientId": "p"}, "prefetch": {"labs": None}},
            400,
            "prefetch.labs",
        ),
    ],
    ids=["malformed-json", "not-an-object", "wrong-hook", "no-patient", "no-prefetch", "invalid-fhir", "unknown-key"],
)  # fmt: skip
def test_bad_requests_get_json_errors_naming_the_field(
    base_url: str, body: object, status: int, field: str
) -> None:
    """Malformed JSON, a wrong hook or an invalid prefetch: 4xx JSON naming the field, never a 500."""
    r = _post(base_url, body)
    assert status == r.status_code
    assert r.headers["content-type"] == "application/json"
    assert field == r.json()["field"]
    assert "Traceback" not in r.text


def test_unknown_service_is_404_json(base_url: str) -> None:
    """Another service id: 404 with a JSON body naming the allowed id."""
    r = httpx.post(f"{base_url}/cds-services/other", content=b"{}", timeout=10)
    assert r.status_code == 404
    assert SERVICE in r.json()["error"]


def test_openapi_description_lists_both_endpoints(base_url: str) -> None:
    """GET /openapi.json describes discovery and the service call."""
    paths = httpx.get(f"{base_url}/openapi.json", timeout=10).json()["paths"]
    assert {"get"} == set(paths["/cds-services"])
    assert {"post"} == set(paths["/cds-services/{service_id}"])


def test_small_load_has_no_errors(base_url: str) -> None:
    """200 requests at concurrency 10 all answer 200 (the full 2,000 × 20 run is in make bench)."""
    body = json.dumps(_request(scenario(metastatic_lines=[{"agents": THP, "stopped": "ongoing"}])))
    with httpx.Client(timeout=30) as client:

        def one(_: int) -> int:
            return client.post(
                f"{base_url}/cds-services/{SERVICE}",
                content=body,
                headers={"content-type": "application/json"},
            ).status_code

        with ThreadPoolExecutor(10) as pool:
            codes = list(pool.map(one, range(200)))
    assert codes == [200] * 200


FUZZ_EXAMPLES = 200 if os.environ.get("CI") == "true" else 25


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_fuzzed_requests_never_get_a_server_error(base_url: str, mode: GenerationMode) -> None:
    """Requests generated from the service's own OpenAPI description (schemathesis: valid and
    invalid ones) never get a 5xx."""
    api = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    operations = [result.ok() for result in api.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) == 2
    for operation in operations:
        if mode is GenerationMode.NEGATIVE and operation.method.upper() == "GET":
            continue  # discovery takes no input: there is no invalid request to generate

        @settings(
            max_examples=FUZZ_EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def check(case: Any) -> None:
            case.call_and_validate(base_url=base_url, checks=[not_a_server_error])

        check()
