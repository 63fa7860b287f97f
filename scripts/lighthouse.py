"""Run Lighthouse (mobile) on every page of a built site and print the scores.

    python scripts/lighthouse.py SITE_DIR                 # every page, 3 runs each, median
    python scripts/lighthouse.py SITE_DIR --runs 1 api.html algorithm.html
    python scripts/lighthouse.py SITE_DIR --desktop       # desktop form factor

The site is served from SITE_DIR by ``python -m http.server`` on a free loopback port; each
page is audited by ``npx lighthouse@12`` with Chromium (``CHROME_PATH``, default
/usr/bin/chromium) in headless mode. Lighthouse simulates a slow 4G phone on a 4x slower
CPU from the timings it observes, so the performance score falls when the machine is busy:
every run prints the load average (``/proc/loadavg``) beside it, and the score reported per
page is the median of ``--runs`` runs. Accessibility, best practices and SEO do not depend
on load. Figures, not assertions: ``--target`` (default 90) only marks the rows.

Per page it prints: performance, accessibility, best practices, SEO (0-100), then the
mobile figures behind performance: FCP, LCP, TBT (ms), CLS, and the DOM element count.
JSON reports land in ``artifacts/lighthouse/`` (``--keep``) for reading the audits.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import json
import os
import shutil
import socketserver
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LIGHTHOUSE = "lighthouse@12.8.2"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
FIGURES = (
    ("FCP", "first-contentful-paint", "ms"),
    ("LCP", "largest-contentful-paint", "ms"),
    ("TBT", "total-blocking-time", "ms"),
    ("CLS", "cumulative-layout-shift", ""),
)


def chromium() -> str | None:
    """The Chromium binary Lighthouse should drive, or None."""
    for candidate in (os.environ.get("CHROME_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def available() -> bool:
    """Whether this machine can run Lighthouse (Chromium and npx present)."""
    return chromium() is not None and shutil.which("npx") is not None


def pages(site: Path) -> list[str]:
    """Every HTML page of the built site except the 404 page, as paths relative to SITE_DIR."""
    return sorted(
        p.relative_to(site).as_posix() for p in site.rglob("*.html") if p.name != "404.html"
    )


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Gzip(_Quiet):
    """Like any static host (GitHub Pages, nginx): text responses gzip-compressed."""

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?", 1)[0].endswith("/"):
            path = path / "index.html"  # the home page, as a static host serves it
        kinds = (".html", ".css", ".js", ".json", ".svg", ".txt", ".xml")
        if (
            "gzip" not in self.headers.get("Accept-Encoding", "")
            or not path.is_file()
            or path.suffix not in kinds
        ):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def serve(site: Path, compress: bool = False, port: int = 0) -> tuple[socketserver.TCPServer, int]:
    """Serve SITE_DIR on a loopback port (a free one by default) in a background thread."""
    handler = functools.partial(_Gzip if compress else _Quiet, directory=str(site))
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    server = socketserver.ThreadingTCPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, int(server.server_address[1])


def loadavg() -> str:
    try:
        return Path("/proc/loadavg").read_text(encoding="ascii").split()[0]
    except OSError:
        return "?"


def audit(url: str, out: Path, desktop: bool) -> dict[str, Any]:
    """One Lighthouse run: the JSON report as a dict (raises on failure)."""
    chrome = chromium()
    if chrome is None:
        raise RuntimeError("Chromium not found (set CHROME_PATH)")
    cmd = [
        "npx",
        "--yes",
        LIGHTHOUSE,
        url,
        "--quiet",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox",
        "--output=json",
        f"--output-path={out}",
    ]
    cmd += ["--preset=desktop"] if desktop else ["--form-factor=mobile"]
    proc = subprocess.run(
        cmd,
        env={**os.environ, "CHROME_PATH": chrome},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if proc.returncode or not out.is_file():
        raise RuntimeError(f"lighthouse failed ({proc.returncode}): {proc.stderr[-800:]}")
    report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return report


def summary(report: dict[str, Any]) -> dict[str, float]:
    """Scores (0-100) and the figures behind the performance score of one report."""
    row: dict[str, float] = {}
    for cat in CATEGORIES:
        score = report["categories"][cat]["score"]
        row[cat] = float("nan") if score is None else round(100 * score)
    audits = report["audits"]
    for label, key, _unit in FIGURES:
        row[label] = float(audits[key].get("numericValue", float("nan")))
    dom = audits.get("dom-size", {}).get("numericValue")
    row["DOM"] = float("nan") if dom is None else float(dom)
    return row


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="a built site (mkdocs build -d SITE_DIR)")
    parser.add_argument("page", nargs="*", help="pages relative to SITE_DIR (default: all)")
    parser.add_argument("--runs", type=int, default=3, help="runs per page; the median is shown")
    parser.add_argument("--desktop", action="store_true", help="desktop preset instead of mobile")
    parser.add_argument("--target", type=int, default=90, help="performance score to mark")
    parser.add_argument(
        "--gzip", action="store_true", help="serve text gzip-compressed, as a real host does"
    )
    parser.add_argument("--keep", action="store_true", help="keep JSON reports in artifacts/")
    args = parser.parse_intermixed_args(argv)

    site: Path = args.site.resolve()
    if not (site / "index.html").is_file():
        print(f"site: no index.html in {site}: build it first (mkdocs build -d DIR)")
        return 2
    if not available():
        print("lighthouse: needs Chromium (CHROME_PATH or /usr/bin/chromium) and npx; skipped")
        return 0
    todo = args.page or pages(site)
    keep = ROOT / "artifacts" / "lighthouse"
    tmp = Path(tempfile.mkdtemp(prefix="her2guide-lighthouse-"))
    server, port = serve(site, args.gzip)
    form = "desktop" if args.desktop else "mobile"
    served = "gzip" if args.gzip else "uncompressed (python -m http.server)"
    print(f"Lighthouse 12 ({form}, served {served}), median of {args.runs} run(s) per page")
    print("  load = the machine's 1-min load average as each run starts (2 cores)")
    head = f"  {'page':42} {'perf':>4} {'a11y':>4} {'bp':>4} {'seo':>4}"
    head += f" {'FCP':>6} {'LCP':>6} {'TBT':>5} {'CLS':>5} {'DOM':>5}  load per run"
    print(head)
    worst = 100.0
    failed = 0
    try:
        for page in todo:
            rows: list[dict[str, float]] = []
            loads: list[str] = []
            for i in range(args.runs):
                out = tmp / f"{page.replace('/', '_')}.{i}.json"
                loads.append(loadavg())
                try:
                    rows.append(
                        summary(audit(f"http://127.0.0.1:{port}/{page}", out, args.desktop))
                    )
                except (RuntimeError, KeyError, ValueError, subprocess.TimeoutExpired) as exc:
                    print(f"  {page}: run {i + 1} failed: {exc}")
                    continue
                if args.keep:
                    keep.mkdir(parents=True, exist_ok=True)
                    shutil.copy(out, keep / f"{form}-{out.name}")
            if not rows:
                failed += 1
                continue
            med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
            worst = min(worst, med["performance"])
            mark = "" if med["performance"] >= args.target else f"  < {args.target}"
            print(
                f"  {page:42} {med['performance']:4.0f} {med['accessibility']:4.0f}"
                f" {med['best-practices']:4.0f} {med['seo']:4.0f}"
                f" {med['FCP']:6.0f} {med['LCP']:6.0f} {med['TBT']:5.0f} {med['CLS']:5.3f}"
                f" {med['DOM']:5.0f}  {' '.join(loads)}{mark}",
                flush=True,
            )
    finally:
        server.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"  lowest performance score (median): {worst:.0f} (target ≥ {args.target})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
