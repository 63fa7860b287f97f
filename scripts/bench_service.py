"""Load-test the CDS Hooks service on loopback: a bounded run that prints figures.

    python scripts/bench_service.py                      # 2,000 requests at concurrency 20
    python scripts/bench_service.py --requests 500 --concurrency 5 --workers 2

Starts ``her2guide serve`` (one uvicorn worker unless --workers) on a free 127.0.0.1 port,
sends patient-view requests whose prefetch is the FHIR form of the scenario-table rows
(``tests/scenarios.toml`` via the conformance vectors), and reports errors (anything but
HTTP 200, or a transport failure), throughput and p50/p99 latency. Figures, not assertions;
``make bench`` runs it, and tests/test_service.py runs a small smoke version that asserts 0
errors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SERVICE = "her2guide-next-therapy"


def _bodies() -> list[bytes]:
    from her2guide._conformance import vectors

    files = dict(vectors())
    out = []
    for rel, bundle in files.items():
        if not rel.endswith("/input-fhir.json"):
            continue
        by_type: dict[str, list[dict[str, Any]]] = {}
        for e in bundle["entry"]:
            by_type.setdefault(e["resource"]["resourceType"], []).append(e)
        prefetch: dict[str, Any] = {"patient": by_type["Patient"][0]["resource"]}
        for key, kind in (
            ("observations", "Observation"),
            ("conditions", "Condition"),
            ("medicationStatements", "MedicationStatement"),
        ):
            prefetch[key] = {
                "resourceType": "Bundle",
                "type": "searchset",
                "entry": by_type.get(kind, []),
            }
        req = {
            "hook": "patient-view",
            "hookInstance": rel,
            "context": {"patientId": "example"},
            "prefetch": prefetch,
        }
        out.append(json.dumps(req).encode())
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _load(
    url: str, bodies: list[bytes], n: int, concurrency: int
) -> tuple[list[float], int, float]:
    import httpx

    latencies: list[float] = []
    errors = 0
    queue = iter(range(n))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:

        async def worker() -> None:
            nonlocal errors
            for i in queue:
                t0 = time.perf_counter()
                try:
                    r = await client.post(
                        url,
                        content=bodies[i % len(bodies)],
                        headers={"content-type": "application/json"},
                    )
                    if r.status_code != 200:
                        errors += 1
                except httpx.HTTPError:
                    errors += 1
                latencies.append((time.perf_counter() - t0) * 1000)

        t_all = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - t_all
    return latencies, errors, wall


def bench_service(
    requests: int = 2000, concurrency: int = 20, workers: int = 1
) -> dict[str, float]:
    """Run the load test and print its figures; returns them."""
    import httpx

    print(
        f"CDS Hooks service under load ({requests:,} requests, concurrency {concurrency}, {workers} worker(s))"
    )
    bodies = _bodies()
    port = _free_port()
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "her2guide.cli",
                "serve",
                "--port",
                str(port),
                "--workers",
                str(workers),
            ],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(300):
                try:
                    httpx.get(f"{base}/cds-services", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            latencies, errors, wall = asyncio.run(
                _load(f"{base}/cds-services/{SERVICE}", bodies, requests, concurrency)
            )
        finally:
            proc.terminate()
            proc.wait(timeout=15)
    latencies.sort()
    p50 = latencies[len(latencies) // 2]
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    figures = {
        "requests": float(len(latencies)),
        "errors": float(errors),
        "throughput": len(latencies) / wall,
        "p50_ms": p50,
        "p99_ms": p99,
    }
    print(f"  {'request bodies (scenario-table rows)':<38} {len(bodies):>14}")
    print(
        f"  {'errors (non-200 or transport)':<38} {errors:>14}   target 0{'  ok' if errors == 0 else '  OVER TARGET'}"
    )
    print(f"  {'throughput':<38} {figures['throughput']:>12,.0f}/s")
    print(f"  {'latency p50':<38} {p50:>11.1f} ms")
    print(f"  {'latency p99':<38} {p99:>11.1f} ms")
    print(f"  ({os.cpu_count()} CPU(s); loopback; client and server share the machine)")
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    bench_service(args.requests, args.concurrency, args.workers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
