"""The CLI's interoperability edges, kept out of ``cli.py`` so that it stays small.

- ``recommend FILE`` with a FHIR R4 ``Bundle`` (detected by ``resourceType``) and ``--overlay``;
- ``serve``: the CDS Hooks service (needs the ``interop`` extra);
- ``export-tests DIR``: the scenario table as language-neutral JSON test vectors.

Nothing here imports FastAPI, uvicorn or ``fhir.resources`` until a command needs them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ._input import InputError, read_source
from ._recommendation import Recommendation
from ._scenario import Problem, ScenarioError, parse_scenario

__all__ = ["add_interop_commands", "recommend_any", "run_interop_command"]


def _read(path: str, what: str) -> Any:
    try:
        return read_source(path)[1]
    except InputError as exc:
        shown = "(stdin)" if path == "-" else path
        raise ScenarioError([Problem("(file)", shown, f"{what}: {exc}")]) from None


def recommend_any(path: str, overlay_path: str | None, as_of: dt.date | None) -> Recommendation:
    """Read a scenario or a FHIR bundle once (``-``: standard input) and recommend.

    Raises:
        ScenarioError: unreadable or invalid input; :class:`her2guide.fhir.FhirGapError`
            names what a FHIR bundle cannot say.
    """
    from ._engine import recommend

    data = _read(path, "input")
    overlay: Mapping[str, Any] = {}
    if overlay_path is not None:
        raw = _read(overlay_path, "--overlay")
        if not isinstance(raw, Mapping):
            raise ScenarioError(
                [Problem("--overlay", overlay_path, "allowed: a mapping of scenario fields")]
            )
        overlay = raw
    if isinstance(data, Mapping) and "resourceType" in data:
        try:
            from .fhir import recommend_fhir
        except ImportError:  # pragma: no cover - only without the extra
            from .fhir import INSTALL_HINT

            raise ScenarioError([Problem("(file)", path, INSTALL_HINT)]) from None
        if as_of is not None:
            overlay = {**overlay, "as_of": as_of}
        return recommend_fhir(data, overlay=overlay, as_of=dt.date.today())
    if isinstance(data, Mapping):
        data = {**data, **overlay}
        if as_of is not None:
            data["as_of"] = as_of
        elif "as_of" not in data:
            data["as_of"] = dt.date.today()
    return recommend(parse_scenario(data))


def add_interop_commands(sub: Any) -> None:
    """Add ``serve`` and ``export-tests`` to the CLI's subparsers."""
    s = sub.add_parser(
        "serve",
        help="run the CDS Hooks service on 127.0.0.1 (GET /cds-services, POST /cds-services/{id})",
    )
    s.add_argument("--port", type=_port, default=8080, help="TCP port (default 8080; 0: any free)")
    s.add_argument(
        "--site-url",
        default="http://127.0.0.1:8000/",
        help="base URL of the her2guide site that cards link to (default: make serve's address)",
    )
    s.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    e = sub.add_parser(
        "export-tests", help="write the scenario table as JSON conformance vectors into DIR"
    )
    e.add_argument("dir", help="output directory (created if missing)")
    e.add_argument(
        "--scenarios",
        help="the scenario table (default: tests/scenarios.toml of this source tree)",
    )


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r}; allowed: a whole number from 0 to 65535")
    return value


def run_interop_command(args: argparse.Namespace) -> int:
    """Run ``serve`` or ``export-tests``; errors exit 2 with one line naming the problem."""
    from ._recommendation import INTENDED_USE

    if args.command == "export-tests":
        from ._conformance import ConformanceError, export_vectors

        try:
            written = export_vectors(Path(args.dir), args.scenarios and Path(args.scenarios))
        except ConformanceError as exc:
            print(f"her2guide: export-tests: {exc}", file=sys.stderr)
            return 2
        print(f"her2guide — {INTENDED_USE}")
        print(f"wrote {written} conformance vectors to {args.dir}")
        return 0
    try:
        import fastapi  # noqa: F401  (checked here so a missing extra is one clear line)
        import uvicorn
    except ImportError:
        from .fhir import INSTALL_HINT

        print(f"her2guide: serve: {INSTALL_HINT}", file=sys.stderr)
        return 2
    if args.workers < 1:
        print(f"her2guide: --workers: {args.workers} — allowed: 1 or more", file=sys.stderr)
        return 2
    print(f"her2guide — {INTENDED_USE}", flush=True)
    print(
        f"CDS Hooks service on http://127.0.0.1:{args.port}/cds-services (OpenAPI: /openapi.json)",
        flush=True,
    )
    import os

    os.environ["HER2GUIDE_SITE_URL"] = args.site_url
    uvicorn.run(
        "her2guide._service:create_app",
        factory=True,
        host="127.0.0.1",
        port=args.port,
        workers=args.workers,
        log_level="warning",
    )
    return 0
